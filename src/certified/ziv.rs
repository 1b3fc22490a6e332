//! Certified decimal values: exact rational arithmetic when the expression folds to
//! a rational, otherwise Ziv's strategy over MPFR enclosures — raise the precision
//! until both ends of the enclosure round to the same decimal digits.
//!
//! Rounding to nearest is monotone, so when the lower and upper ends of an interval
//! holding the true value round to the same `n` digits, so does the true value: every
//! printed digit is certified. When the enclosure keeps containing 0 (an expression
//! that is exactly 0 but not provably so, such as `tanh(x) + 1 - 2/(1 + exp(-2x))`,
//! or a tiny value below the precision reached), the answer is the error
//! [`EvalError::NotCertified`] bounding `|v|`: an uncertified value is never a number.
//!
//! ```
//! use std::collections::HashMap;
//! use actsym::certified::evaluate;
//! use actsym::expr::{BigRational, Graph};
//! let mut g = Graph::new();
//! let x = g.var("x");
//! let mx = g.neg(x);
//! let e = g.func(actsym::expr::Func::Exp, mx);
//! let one = g.int(1);
//! let den = g.add(vec![one, e]);
//! let sigmoid = g.div(one, den);
//! let env = HashMap::from([(g.symbol("x"), BigRational::from_integer((-800).into()))]);
//! let v = evaluate(&mut g, sigmoid, &env, 30).unwrap();
//! assert_eq!(v.decimal, "3.66787458417768721345549565426e-348");
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rug::Float;

use super::decimal::{decimal_of_rational, float_digits, Digits};
use super::error::EvalError;
use super::interval::{Arith, Interval};
use super::mpfr::enclose_with;
use crate::expr::{BigRational, ExprId, Graph, Node, Symbol};

/// A certified value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// The value as decimal text: every digit is certified (correctly rounded), unless
    /// `note` says otherwise.
    pub decimal: String,
    /// The exact value, when the expression folded to a rational.
    pub exact: Option<BigRational>,
    /// A remark on the value, e.g. that a 0 is only known to be tiny.
    pub note: Option<String>,
    /// Whether the time limit stopped the precision loop before every digit asked
    /// for was certified (the digits given are still correct).
    pub timed_out: bool,
}

/// Bounds of the precision loop.
#[derive(Clone, Copy, Debug)]
pub struct ZivLimits {
    /// The highest working precision in bits (raised to 4 times the starting
    /// precision when more digits are asked for than it allows).
    pub max_bits: u32,
    /// Wall-clock time after which no higher precision is tried.
    pub time_budget: Duration,
}

impl Default for ZivLimits {
    fn default() -> Self {
        ZivLimits {
            max_bits: 1 << 18,
            time_budget: Duration::from_secs(10),
        }
    }
}

/// The value of `root` at the point `env` to `digits` significant decimal digits,
/// with the default [`ZivLimits`]. See [`evaluate_with`].
pub fn evaluate(
    g: &mut Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
) -> Result<Value, EvalError> {
    evaluate_with(g, root, env, digits, ZivLimits::default())
}

/// The value of `root` at the point `env` to `digits` significant decimal digits
/// (at least 1).
///
/// The expression is unfolded (`diff(...)` taken, definitions inlined) and the point's values substituted as
/// exact rationals; if the result folds to a rational, it is exact. Otherwise the
/// MPFR enclosure is computed at `digits * log2(10) + 64` bits, doubling until its
/// ends round to the same digits. Errors: [`EvalError::Undefined`] at an undefined
/// point, [`EvalError::PrecisionExhausted`] when the limits are reached first, and the
/// structural errors of [`enclose`](super::enclose).
pub fn evaluate_with(
    g: &mut Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
    limits: ZivLimits,
) -> Result<Value, EvalError> {
    let started = Instant::now();
    within_budget(started, limits, || {
        evaluate_within(g, root, env, digits, limits, started)
    })
}

/// `f` under the thread's deadline `limits.time_budget` after `started` (none when
/// that instant is beyond the clock's range).
fn within_budget<T>(started: Instant, limits: ZivLimits, f: impl FnOnce() -> T) -> T {
    match started.checked_add(limits.time_budget) {
        Some(deadline) => crate::poly::budget::with_deadline(deadline, f),
        None => f(),
    }
}

/// [`evaluate_with`] for callers that want the digits and not an exact rational (the
/// fuzz targets' oracles, which evaluate one expression at many points): first one
/// MPFR enclosure at the starting precision with the point's values bound, nothing
/// substituted into the graph (no node is interned, no rational grows); when its ends
/// round to the same digits that is the value. Otherwise, and on every error, the
/// whole of [`evaluate_with`] decides. `exact` is `None` unless the enclosure is
/// exactly 0.
///
/// The enclosure holds the value (outward rounding), so digits its two ends share
/// are the value's digits, as in the precision loop: no answer differs from
/// [`evaluate_with`]'s but by the `exact` field (and fewer digits of a value that
/// is exactly representable).
///
/// # Errors
/// As [`evaluate_with`].
pub fn evaluate_digits(
    g: &mut Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
    limits: ZivLimits,
) -> Result<Value, EvalError> {
    let started = Instant::now();
    let first = |g: &mut Graph| -> Option<Value> {
        let digits = digits.max(1);
        let unfolded = crate::unfold::unfold(g, root, crate::diff::Kink::Left).ok()?;
        let max = limits.max_bits.max(start_bits(digits).saturating_mul(4));
        let prec = start_bits(digits)
            .saturating_add(power_bits(g, unfolded, env))
            .min(max);
        let mut ar = Arith::new(prec);
        let iv = enclose_with(g, unfolded, env, &mut ar).ok()?;
        certified(&iv, digits)
    };
    let quick = within_budget(started, limits, || first(g));
    let rest = ZivLimits {
        time_budget: limits.time_budget.saturating_sub(started.elapsed()),
        ..limits
    };
    match quick {
        Some(v) => Ok(v),
        None => evaluate_with(g, root, env, digits, rest),
    }
}

/// [`evaluate_with`] under the thread's deadline.
fn evaluate_within(
    g: &mut Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
    limits: ZivLimits,
    started: Instant,
) -> Result<Value, EvalError> {
    let digits = digits.max(1);
    let unfolded = crate::unfold::unfold(g, root, crate::diff::Kink::Left)?;
    let bindings: HashMap<Symbol, ExprId> =
        env.iter().map(|(&s, r)| (s, g.num(r.clone()))).collect();
    let point = g.substitute(unfolded, &bindings);
    g.within_limits()?;
    match g.node(point) {
        Node::Num(r) => {
            return Ok(Value {
                decimal: decimal_of_rational(r, digits),
                exact: Some(r.clone()),
                note: None,
                timed_out: false,
            })
        }
        Node::Bool(_) => {
            return Err(EvalError::Mistyped(
                "the expression is a comparison (a truth value), not a number",
            ))
        }
        _ => {}
    }
    let start = start_bits(digits);
    let max = limits.max_bits.max(start.saturating_mul(4));
    let start = start
        .saturating_add(power_bits(g, point, &HashMap::new()))
        .min(max);
    let mut prec = start;
    // The last enclosure computed, for an answer when the time limit cuts a step.
    let mut previous: Option<(Interval, u32, bool)> = None;
    loop {
        let mut ar = Arith::new(prec);
        let step = Instant::now();
        let attempt = enclose_with(g, point, env, &mut ar);
        if attempt == Err(EvalError::TimeLimit) {
            return match previous {
                Some((iv, bits, underflow)) => give_up(&iv, digits, bits, underflow, true),
                None => Err(EvalError::TimeLimit),
            };
        }
        // Twice the bits cost at least four times as much for the slow functions
        // (erf at high precision): no step is begun that cannot end within the budget.
        let next_cost = step.elapsed().saturating_mul(4);
        let last = prec >= max || started.elapsed().saturating_add(next_cost) >= limits.time_budget;
        match attempt {
            Ok(iv) => {
                if let Some(v) = certified(&iv, digits) {
                    return Ok(v);
                }
                if last {
                    return give_up(&iv, digits, ar.prec(), ar.underflowed(), prec < max);
                }
                previous = Some((iv, ar.prec(), ar.underflowed()));
            }
            // An end of an enclosure beyond the exponent range need not mean the
            // value is: at low precision a base of `1 + 10^-60` is enclosed by an
            // interval reaching `1 + 2^-163`, whose `10^60`-th power overflows though
            // the value is about e. More bits may bring it back.
            Err(e @ (EvalError::Undecided | EvalError::Overflow)) => {
                if last {
                    return Err(if ar.underflowed() || e == EvalError::Overflow {
                        EvalError::Overflow
                    } else {
                        EvalError::PrecisionExhausted { bits: ar.prec() }
                    });
                }
            }
            Err(e) => return Err(e),
        }
        prec = prec.saturating_mul(2).min(max);
    }
}

/// The starting precision for `digits` decimal digits: their bits plus 64 guard bits.
fn start_bits(digits: u32) -> u32 {
    let bits = (f64::from(digits) * std::f64::consts::LOG2_10).ceil();
    // digits is a u32, so bits < 1.5e10; the cast saturates beyond u32.
    (bits as u32).saturating_add(64)
}

/// The bits a large exponent costs at the point `env`: `a^k` magnifies the relative
/// error of `a` about `|k|` times, so `(1 + 10^-60)^(10^60)` needs about 200 bits
/// more than its digits before its enclosure is even finite (and `(1 +
/// 10^-10000)^(10^10000)` about 33,220). A precision loop starts that much higher
/// rather than doubling up to it through enclosures that overflow. Counts exponents
/// that are constants or variables bound in `env`; 0 when none passes 2^32.
pub fn power_bits(g: &Graph, root: ExprId, env: &HashMap<Symbol, BigRational>) -> u32 {
    g.reachable(&[root])
        .iter()
        .filter_map(|&id| match g.node(id) {
            // A base with an exact value under an exponent past 64 bits goes through
            // log1p of the exact difference (see `pow_int_by_log`): no extra bits.
            Node::Pow(b, e) => match g.node(*e) {
                Node::Num(k)
                    if k.is_integer()
                        && k.numer().bits() > 64
                        && super::mpfr::exact_constant(g, *b, env).is_some() =>
                {
                    None
                }
                Node::Num(k) => Some(k),
                Node::Var(s) => env.get(s),
                _ => None,
            },
            _ => None,
        })
        .map(|k| k.numer().bits().saturating_sub(k.denom().bits()))
        .filter(|&b| b > 32)
        .max()
        .map_or(0, |b| u32::try_from(b).unwrap_or(u32::MAX))
}

/// The value, if both ends of the enclosure round to the same digits (or the
/// enclosure is exactly 0).
fn certified(iv: &Interval, digits: u32) -> Option<Value> {
    if iv.is_zero() {
        return Some(Value {
            decimal: "0".to_owned(),
            exact: Some(BigRational::from_integer(0.into())),
            note: None,
            timed_out: false,
        });
    }
    let lo = float_digits(&iv.lo, digits)?;
    let hi = float_digits(&iv.hi, digits)?;
    (lo == hi).then(|| Value {
        decimal: lo.render(),
        exact: None,
        note: None,
        timed_out: false,
    })
}

/// What can honestly be said when the limits are reached: fewer digits when only
/// fewer agree, otherwise an error. An enclosure that still holds 0 is never printed
/// as 0 (the value may be a tiny non-zero number, such as `gelu'(-400)`, about
/// -4.4e-34742): it is [`EvalError::NotCertified`], with the bound on `|v|`.
fn give_up(
    iv: &Interval,
    digits: u32,
    bits: u32,
    underflow: bool,
    timed_out: bool,
) -> Result<Value, EvalError> {
    if iv.contains_zero() {
        if underflow {
            return Err(EvalError::Overflow);
        }
        let mag = iv.magnitude();
        // |v| <= mag < 2^exp.
        let exp = mag.get_exp().unwrap_or(0);
        return Err(EvalError::NotCertified {
            detail: format!(
                "the value is within |v| <= 2^{exp}, but neither its sign nor that it is exactly 0 could be certified at {bits} bits"
            ),
        });
    }
    // The value is at (or extremely near) a rounding boundary, or the time ran out:
    // print the digits that are certain, and say so. No more digits than the
    // enclosure's relative width allows can agree (two more for a decade boundary),
    // so the search starts there rather than at `digits`.
    let prec = iv.lo.prec().max(iv.hi.prec());
    let width = Float::with_val(prec, &iv.hi - &iv.lo);
    let scale = iv.magnitude();
    let most = match (width.get_exp(), scale.get_exp()) {
        (Some(w), Some(m)) => {
            let decimal = f64::from(m.saturating_sub(w)) * std::f64::consts::LOG10_2;
            // At most about 3.2e9 (the exponent range), so it fits a u32.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let d = decimal.max(0.0) as u32;
            d.saturating_add(2)
        }
        _ => digits,
    };
    for fewer in (1..digits.min(most.saturating_add(1))).rev() {
        if let (Some(lo), Some(hi)) = (float_digits(&iv.lo, fewer), float_digits(&iv.hi, fewer)) {
            if lo == hi {
                return Ok(partial(lo, fewer, digits, bits, timed_out));
            }
        }
    }
    Err(EvalError::PrecisionExhausted { bits })
}

fn partial(d: Digits, got: u32, asked: u32, bits: u32, timed_out: bool) -> Value {
    let note = if timed_out {
        format!("only {got} of the {asked} digits asked for could be certified within the time limit ({bits} bits reached)")
    } else {
        format!("only {got} of the {asked} digits asked for could be certified within {bits} bits (the value is at or extremely near a rounding boundary)")
    };
    Value {
        decimal: d.render(),
        exact: None,
        note: Some(note),
        timed_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_precision_grows_with_digits() {
        assert_eq!(start_bits(30), 100 + 64);
        assert!(start_bits(u32::MAX) > 1 << 30);
    }
}
