//! Enclosures of an expression over a box (an interval per variable, ends possibly
//! infinite), with MPFR and directed rounding: every value the expression takes at a
//! point of the box lies in the enclosure.
//!
//! Intervals stand for sets of finite reals, so an end may be `-inf` or `+inf`
//! (`exp` over `[-inf, 0]` is `[0, 1]`), and a corner product `0 * inf` is 0 (the set
//! `{0} * [1, inf)` is `{0}`). A box where an operation may leave its domain (a
//! logarithm of an interval that reaches 0) is [`BoxError::MaybeUndefined`]; one
//! where it certainly does everywhere is [`BoxError::Undefined`].
//!
//! The expression must be unfolded (built-in operations only).

use std::cmp::Ordering;
use std::collections::HashMap;

use num_rational::BigRational;
use num_traits::Signed;
use rug::float::{Constant, Round};
use rug::ops::{AssignRound, Pow};
use rug::{Float, Integer};

use crate::expr::convert::{to_rug_integer, to_rug_rational};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};

/// A closed interval of extended reals with `lo <= hi`, enclosing a set of reals.
#[derive(Clone, Debug, PartialEq)]
pub struct XInterval {
    /// The lower end (rounded down), possibly `-inf`.
    pub lo: Float,
    /// The upper end (rounded up), possibly `+inf`.
    pub hi: Float,
}

/// Why a box has no enclosure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoxError {
    /// The expression is undefined at every point of the box.
    Undefined,
    /// It may be undefined somewhere in the box (or the enclosure is not known).
    MaybeUndefined,
    /// A node the box evaluator does not cover (`diff`, a call, a truth value).
    Unsupported,
}

impl XInterval {
    /// The interval `[lo, hi]` of two floats.
    #[must_use]
    pub fn new(lo: Float, hi: Float) -> Self {
        XInterval { lo, hi }
    }

    /// The whole line.
    #[must_use]
    pub fn line(prec: u32) -> Self {
        XInterval {
            lo: Float::with_val(prec, Special::NegInfinity),
            hi: Float::with_val(prec, Special::Infinity),
        }
    }

    /// Whether the interval contains 0.
    #[must_use]
    pub fn contains_zero(&self) -> bool {
        self.lo <= 0 && self.hi >= 0
    }

    /// The hull of two intervals.
    #[must_use]
    pub fn hull(&self, o: &XInterval) -> XInterval {
        XInterval {
            lo: if self.lo <= o.lo {
                self.lo.clone()
            } else {
                o.lo.clone()
            },
            hi: if self.hi >= o.hi {
                self.hi.clone()
            } else {
                o.hi.clone()
            },
        }
    }

    /// The intersection of two enclosures of the same set (never empty for sound
    /// enclosures; if it were, the first is kept).
    #[must_use]
    pub fn meet(&self, o: &XInterval) -> XInterval {
        let lo = if self.lo >= o.lo { &self.lo } else { &o.lo };
        let hi = if self.hi <= o.hi { &self.hi } else { &o.hi };
        if lo > hi {
            return self.clone();
        }
        XInterval {
            lo: lo.clone(),
            hi: hi.clone(),
        }
    }
}

use rug::float::Special;

fn round<T>(prec: u32, v: T, r: Round) -> Float
where
    Float: AssignRound<T, Round = Round, Ordering = Ordering>,
{
    let f = Float::with_val_round(prec, v, r).0;
    if f.is_nan() {
        // Only `inf - inf` and `0 * inf` make NaN here; the callers treat those.
        return match r {
            Round::Down => infinity(prec, true),
            _ => infinity(prec, false),
        };
    }
    f
}

/// `-inf` or `+inf` at `prec` bits.
#[must_use]
pub fn infinity(prec: u32, negative: bool) -> Float {
    let s = if negative {
        Special::NegInfinity
    } else {
        Special::Infinity
    };
    Float::with_val(prec, s)
}

/// The enclosure of an exact rational.
#[must_use]
pub fn rational(prec: u32, r: &BigRational) -> XInterval {
    let q = to_rug_rational(r);
    XInterval {
        lo: round(prec, &q, Round::Down),
        hi: round(prec, &q, Round::Up),
    }
}

/// Box arithmetic at one precision.
pub struct BoxArith {
    prec: u32,
}

impl BoxArith {
    /// Arithmetic at `prec` bits.
    #[must_use]
    pub fn new(prec: u32) -> Self {
        BoxArith { prec }
    }

    /// `a + b`.
    #[must_use]
    pub fn add(&self, a: &XInterval, b: &XInterval) -> XInterval {
        XInterval {
            lo: round(self.prec, &a.lo + &b.lo, Round::Down),
            hi: round(self.prec, &a.hi + &b.hi, Round::Up),
        }
    }

    /// `-a`.
    #[must_use]
    pub fn neg(a: &XInterval) -> XInterval {
        XInterval {
            lo: -a.hi.clone(),
            hi: -a.lo.clone(),
        }
    }

    fn corner(&self, x: &Float, y: &Float, r: Round) -> Float {
        if x.is_zero() || y.is_zero() {
            return Float::with_val(self.prec, 0);
        }
        round(self.prec, x * y, r)
    }

    /// `a * b` (a corner `0 * inf` is 0).
    #[must_use]
    pub fn mul(&self, a: &XInterval, b: &XInterval) -> XInterval {
        let mut lo: Option<Float> = None;
        let mut hi: Option<Float> = None;
        for x in [&a.lo, &a.hi] {
            for y in [&b.lo, &b.hi] {
                let d = self.corner(x, y, Round::Down);
                let u = self.corner(x, y, Round::Up);
                if lo.as_ref().is_none_or(|l| d < *l) {
                    lo = Some(d);
                }
                if hi.as_ref().is_none_or(|h| u > *h) {
                    hi = Some(u);
                }
            }
        }
        XInterval {
            lo: lo.unwrap_or_else(|| Float::with_val(self.prec, Special::NegInfinity)),
            hi: hi.unwrap_or_else(|| Float::with_val(self.prec, Special::Infinity)),
        }
    }

    /// `1/a`.
    pub fn recip(&self, a: &XInterval) -> Result<XInterval, BoxError> {
        if a.lo == 0 && a.hi == 0 {
            return Err(BoxError::Undefined);
        }
        if a.contains_zero() {
            return Err(BoxError::MaybeUndefined);
        }
        Ok(XInterval {
            lo: round(self.prec, 1 / &a.hi, Round::Down),
            hi: round(self.prec, 1 / &a.lo, Round::Up),
        })
    }

    fn pow_int(&self, a: &XInterval, k: &Integer) -> Result<XInterval, BoxError> {
        if k.cmp0() == Ordering::Equal {
            return Ok(XInterval::new(
                Float::with_val(self.prec, 1),
                Float::with_val(self.prec, 1),
            ));
        }
        if k.cmp0() == Ordering::Less {
            let pos = Integer::from(-k);
            let p = self.pow_int(a, &pos)?;
            return self.recip(&if a.contains_zero() && !(a.lo == 0 && a.hi == 0) {
                return Err(BoxError::MaybeUndefined);
            } else {
                p
            });
        }
        let pw = |x: &Float, r: Round| round(self.prec, x.pow(k), r);
        if k.is_odd() {
            return Ok(XInterval {
                lo: pw(&a.lo, Round::Down),
                hi: pw(&a.hi, Round::Up),
            });
        }
        let (alo, ahi) = (a.lo.clone().abs(), a.hi.clone().abs());
        let big = if alo > ahi { alo.clone() } else { ahi.clone() };
        let small = if a.contains_zero() {
            Float::with_val(self.prec, 0)
        } else if alo < ahi {
            alo
        } else {
            ahi
        };
        Ok(XInterval {
            lo: pw(&small, Round::Down),
            hi: pw(&big, Round::Up),
        })
    }

    /// `exp(a)`.
    #[must_use]
    pub fn exp(&self, a: &XInterval) -> XInterval {
        XInterval {
            lo: round(self.prec, a.lo.exp_ref(), Round::Down),
            hi: round(self.prec, a.hi.exp_ref(), Round::Up),
        }
    }

    /// `log(a)`.
    pub fn log(&self, a: &XInterval) -> Result<XInterval, BoxError> {
        if a.hi <= 0 {
            return Err(BoxError::Undefined);
        }
        if a.lo <= 0 {
            return Err(BoxError::MaybeUndefined);
        }
        Ok(XInterval {
            lo: round(self.prec, a.lo.ln_ref(), Round::Down),
            hi: round(self.prec, a.hi.ln_ref(), Round::Up),
        })
    }

    /// `a^e` for a rational exponent.
    pub fn pow_rational(&self, a: &XInterval, e: &BigRational) -> Result<XInterval, BoxError> {
        if e.is_integer() {
            return self.pow_int(a, &to_rug_integer(e.numer()));
        }
        if a.hi < 0 {
            return Err(BoxError::Undefined);
        }
        if a.lo < 0 || (a.lo == 0 && e.is_negative()) {
            return Err(BoxError::MaybeUndefined);
        }
        if *e.denom() == 2.into() && e.numer().abs() == 1.into() {
            let root = XInterval {
                lo: round(self.prec, a.lo.sqrt_ref(), Round::Down),
                hi: round(self.prec, a.hi.sqrt_ref(), Round::Up),
            };
            return if e.is_positive() {
                Ok(root)
            } else {
                self.recip(&root)
            };
        }
        // a^e = exp(e*log(a)) for a > 0; log(0) = -inf gives 0 for e > 0.
        let lg = XInterval {
            lo: round(self.prec, a.lo.ln_ref(), Round::Down),
            hi: round(self.prec, a.hi.ln_ref(), Round::Up),
        };
        let ei = rational(self.prec, e);
        Ok(self.exp(&self.mul(&ei, &lg)))
    }
}

/// A value during the walk.
#[derive(Clone, Debug)]
enum Val {
    Num(XInterval),
    /// A comparison: `Some(b)` when decided on the whole box.
    Truth(Option<bool>),
}

/// The enclosure of `root` over the box `env` (variables missing from it are
/// unbound: [`BoxError::Unsupported`]).
pub fn enclose_box(
    g: &Graph,
    root: ExprId,
    env: &HashMap<Symbol, XInterval>,
    prec: u32,
) -> Result<XInterval, BoxError> {
    let ar = BoxArith::new(prec);
    let order = g.reachable(&[root]);
    let mut vals: HashMap<ExprId, Result<Val, BoxError>> = HashMap::with_capacity(order.len());
    for &id in &order {
        let v = node_value(g, id, env, &ar, &vals);
        vals.insert(id, v);
    }
    match vals.remove(&root) {
        Some(Ok(Val::Num(x))) => Ok(x),
        Some(Ok(Val::Truth(_))) => Err(BoxError::Unsupported),
        Some(Err(e)) => Err(e),
        None => Err(BoxError::Unsupported),
    }
}

fn num(vals: &HashMap<ExprId, Result<Val, BoxError>>, id: ExprId) -> Result<XInterval, BoxError> {
    match vals.get(&id) {
        Some(Ok(Val::Num(x))) => Ok(x.clone()),
        Some(Err(e)) => Err(e.clone()),
        _ => Err(BoxError::Unsupported),
    }
}

fn node_value(
    g: &Graph,
    id: ExprId,
    env: &HashMap<Symbol, XInterval>,
    ar: &BoxArith,
    vals: &HashMap<ExprId, Result<Val, BoxError>>,
) -> Result<Val, BoxError> {
    let prec = ar.prec;
    let n = |c: ExprId| num(vals, c);
    let x = match g.node(id) {
        Node::Num(r) => rational(prec, r),
        Node::Pi => XInterval {
            lo: round(prec, Constant::Pi, Round::Down),
            hi: round(prec, Constant::Pi, Round::Up),
        },
        Node::Bool(b) => return Ok(Val::Truth(Some(*b))),
        Node::Undefined => return Err(BoxError::Undefined),
        Node::Var(s) => env.get(s).cloned().ok_or(BoxError::Unsupported)?,
        Node::Add(ts) => {
            if let Some(v) = fused_sum(g, ts, ar, vals) {
                return v.map(Val::Num);
            }
            let mut acc = n(ts[0])?;
            for &t in &ts[1..] {
                acc = ar.add(&acc, &n(t)?);
            }
            acc
        }
        Node::Mul(fs) => {
            let mut acc = n(fs[0])?;
            for &f in &fs[1..] {
                acc = ar.mul(&acc, &n(f)?);
            }
            acc
        }
        Node::Pow(b, e) => {
            let base = n(*b)?;
            match g.as_num(*e) {
                Some(k) => ar.pow_rational(&base, k)?,
                None => {
                    // b^y = exp(y*log(b)), b > 0.
                    let lg = ar.log(&base)?;
                    ar.exp(&ar.mul(&n(*e)?, &lg))
                }
            }
        }
        Node::Func(f, u) => {
            let a = n(*u)?;
            match f {
                Func::Exp => ar.exp(&a),
                Func::Log => ar.log(&a)?,
                Func::Tanh => XInterval {
                    lo: round(prec, a.lo.tanh_ref(), Round::Down),
                    hi: round(prec, a.hi.tanh_ref(), Round::Up),
                },
                Func::Sinh => XInterval {
                    lo: round(prec, a.lo.sinh_ref(), Round::Down),
                    hi: round(prec, a.hi.sinh_ref(), Round::Up),
                },
                Func::Erf => XInterval {
                    lo: round(prec, a.lo.erf_ref(), Round::Down),
                    hi: round(prec, a.hi.erf_ref(), Round::Up),
                },
                Func::Cosh => {
                    let (alo, ahi) = (a.lo.clone().abs(), a.hi.clone().abs());
                    let big = if alo > ahi { alo.clone() } else { ahi.clone() };
                    let lo = if a.contains_zero() {
                        Float::with_val(prec, 1)
                    } else {
                        let small = if alo < ahi { alo } else { ahi };
                        round(prec, small.cosh_ref(), Round::Down)
                    };
                    let hi = round(prec, big.cosh_ref(), Round::Up);
                    XInterval { lo, hi }
                }
                Func::Abs => {
                    if a.lo >= 0 {
                        a
                    } else if a.hi <= 0 {
                        BoxArith::neg(&a)
                    } else {
                        let m = if -a.lo.clone() > a.hi {
                            -a.lo.clone()
                        } else {
                            a.hi.clone()
                        };
                        XInterval::new(Float::with_val(prec, 0), m)
                    }
                }
                Func::Sign => {
                    let s = |f: &Float| match f.cmp0() {
                        Some(Ordering::Less) => -1,
                        Some(Ordering::Greater) => 1,
                        _ => 0,
                    };
                    XInterval::new(
                        Float::with_val(prec, s(&a.lo)),
                        Float::with_val(prec, s(&a.hi)),
                    )
                }
            }
        }
        Node::Max(a, b) => {
            let (a, b) = (n(*a)?, n(*b)?);
            XInterval {
                lo: if a.lo >= b.lo { a.lo } else { b.lo },
                hi: if a.hi >= b.hi { a.hi } else { b.hi },
            }
        }
        Node::Min(a, b) => {
            let (a, b) = (n(*a)?, n(*b)?);
            XInterval {
                lo: if a.lo <= b.lo { a.lo } else { b.lo },
                hi: if a.hi <= b.hi { a.hi } else { b.hi },
            }
        }
        Node::Cmp(op, a, b) => {
            let d = ar.add(&n(*a)?, &BoxArith::neg(&n(*b)?));
            return Ok(Val::Truth(decide_sign(*op, &d)));
        }
        Node::If(c, t, e) => match vals.get(c) {
            Some(Ok(Val::Truth(Some(true)))) => n(*t)?,
            Some(Ok(Val::Truth(Some(false)))) => n(*e)?,
            Some(Ok(Val::Truth(None))) => n(*t)?.hull(&n(*e)?),
            Some(Err(e)) => return Err(e.clone()),
            _ => return Err(BoxError::Unsupported),
        },
        Node::Call(..) | Node::Diff(..) => return Err(BoxError::Unsupported),
    };
    Ok(Val::Num(x))
}

/// `c + k*erf(u)` and `c + k*tanh(u)` with `c = ±k`: the sums that cancel near
/// `erf(u) = ∓1` are computed as `erfc` (`1 + erf(u) = erfc(-u)`) and as logistic
/// quotients (`1 + tanh(u) = 2/(1 + exp(-2u))`), so `x*Phi(x)` stays tight far out.
fn fused_sum(
    g: &Graph,
    ts: &[ExprId],
    ar: &BoxArith,
    vals: &HashMap<ExprId, Result<Val, BoxError>>,
) -> Option<Result<XInterval, BoxError>> {
    let [c, t] = ts else { return None };
    let c = g.as_num(*c)?;
    let (k, f) = match g.node(*t) {
        Node::Mul(fs) if fs.len() == 2 => (g.as_num(fs[0])?.clone(), fs[1]),
        _ => (BigRational::from_integer(1.into()), *t),
    };
    let Node::Func(func @ (Func::Erf | Func::Tanh), u) = g.node(f) else {
        return None;
    };
    let plus = *c == k; // k*(1 + F(u))
    if !plus && *c != -k.clone() {
        return None;
    }
    let prec = ar.prec;
    let a = match num(vals, *u) {
        Ok(a) => a,
        Err(e) => return Some(Err(e)),
    };
    // w = 1 + F(u) (plus) or 1 - F(u) (minus), both in [0, 2].
    let arg = if plus { BoxArith::neg(&a) } else { a };
    let w = match func {
        // erfc is decreasing: erfc([lo, hi]) = [erfc(hi), erfc(lo)].
        Func::Erf => XInterval {
            lo: round(prec, arg.hi.erfc_ref(), Round::Down),
            hi: round(prec, arg.lo.erfc_ref(), Round::Up),
        },
        // 1 - tanh(v) = 2/(1 + exp(2v)), decreasing in v.
        _ => {
            let two = Float::with_val(prec, 2);
            let e2hi = round(
                prec,
                Float::with_val(prec, &arg.hi * &two).exp_ref(),
                Round::Up,
            );
            let e2lo = round(
                prec,
                Float::with_val(prec, &arg.lo * &two).exp_ref(),
                Round::Down,
            );
            XInterval {
                lo: round(
                    prec,
                    &two / Float::with_val_round(prec, e2hi + 1u32, Round::Up).0,
                    Round::Down,
                ),
                hi: round(
                    prec,
                    &two / Float::with_val_round(prec, e2lo + 1u32, Round::Down).0,
                    Round::Up,
                ),
            }
        }
    };
    // k*(1 + F(u)) = k*w; k*(F(u) - 1) = -k*w.
    let factor = if plus { k } else { -k };
    Some(Ok(ar.mul(&rational(prec, &factor), &w)))
}

/// Whether the condition `cond` (a comparison) holds at every point of the box
/// (`Some(true)`), at none (`Some(false)`), or is not decided there (`None`). A
/// condition certainly undefined on the box holds nowhere.
#[must_use]
pub fn condition_on_box(
    g: &Graph,
    cond: ExprId,
    env: &HashMap<Symbol, XInterval>,
    prec: u32,
) -> Option<bool> {
    match g.node(cond) {
        Node::Bool(b) => Some(*b),
        Node::Cmp(op, a, b) => {
            let (x, y) = match (enclose_box(g, *a, env, prec), enclose_box(g, *b, env, prec)) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(BoxError::Undefined), _) | (_, Err(BoxError::Undefined)) => {
                    return Some(false)
                }
                _ => return None,
            };
            let ar = BoxArith::new(prec);
            decide_sign(*op, &ar.add(&x, &BoxArith::neg(&y)))
        }
        _ => None,
    }
}

/// Whether `d op 0` holds at every point of the enclosure `d` (`Some`), or not
/// decided.
fn decide_sign(op: CmpOp, d: &XInterval) -> Option<bool> {
    let all_pos = d.lo > 0;
    let all_neg = d.hi < 0;
    let all_nonneg = d.lo >= 0;
    let all_nonpos = d.hi <= 0;
    let zero = d.lo == 0 && d.hi == 0;
    match op {
        CmpOp::Gt if all_pos => Some(true),
        CmpOp::Gt if all_nonpos => Some(false),
        CmpOp::Ge if all_nonneg => Some(true),
        CmpOp::Ge if all_neg => Some(false),
        CmpOp::Lt if all_neg => Some(true),
        CmpOp::Lt if all_nonneg => Some(false),
        CmpOp::Le if all_nonpos => Some(true),
        CmpOp::Le if all_pos => Some(false),
        CmpOp::Ne if all_pos || all_neg => Some(true),
        CmpOp::Ne if zero => Some(false),
        _ => None,
    }
}

/// A float as decimal text rounded toward `-inf` (`down`) or `+inf`, with about
/// `digits` significant digits: the text is a certified bound of the float.
#[must_use]
pub fn directed_text(f: &Float, digits: u32, down: bool) -> String {
    if f.is_infinite() {
        return if f.is_sign_negative() { "-inf" } else { "+inf" }.into();
    }
    if f.is_zero() {
        return "0".into();
    }
    let prec = f.prec().max(64) + 64;
    let ten = Float::with_val(prec, 10);
    let scale = Float::with_val_round(prec, ten.pow(1 - digits as i32), Round::Up).0;
    let shift = Float::with_val_round(prec, f.clone().abs() * &scale, Round::Up).0;
    let moved = if down {
        Float::with_val_round(prec, f - &shift, Round::Down).0
    } else {
        Float::with_val_round(prec, f + &shift, Round::Up).0
    };
    // Rounding to nearest moves by less than half of `shift`.
    crate::certified::decimal::float_text(&moved, digits)
}

/// The largest binary exponent of a float converted to a rational: beyond it the
/// rational would be too large to be worth carrying (`None`).
pub const MAX_RATIONAL_EXPONENT: i64 = 1 << 16;

/// A float as an exact rational (`None` for an infinity or NaN, and for a float
/// whose binary exponent exceeds [`MAX_RATIONAL_EXPONENT`] in magnitude).
#[must_use]
pub fn float_to_rational(f: &Float) -> Option<BigRational> {
    if f.is_zero() {
        return Some(BigRational::from_integer(0.into()));
    }
    if !f.is_finite() {
        return None;
    }
    let (m, e) = f.to_integer_exp()?;
    if i64::from(e).abs() > MAX_RATIONAL_EXPONENT {
        return None;
    }
    let mut digits = vec![0u32; m.significant_digits::<u32>()];
    m.write_digits(&mut digits, rug::integer::Order::Lsf);
    let sign = if m.cmp0() == Ordering::Less {
        num_bigint::Sign::Minus
    } else {
        num_bigint::Sign::Plus
    };
    let n = num_bigint::BigInt::from_slice(sign, &digits);
    let two = num_bigint::BigInt::from(2);
    Some(if e >= 0 {
        BigRational::from_integer(n * two.pow(e.unsigned_abs()))
    } else {
        BigRational::new(n, two.pow(e.unsigned_abs()))
    })
}

/// A rational as a float, rounded in `r`.
#[must_use]
pub fn rational_to_float(prec: u32, q: &BigRational, r: Round) -> Float {
    round(prec, &to_rug_rational(q), r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;

    fn enc(src: &str, lo: f64, hi: f64) -> Result<XInterval, BoxError> {
        let mut g = Graph::with_prelude();
        let e = defs::parse_expr(&mut g, src).unwrap();
        let e = defs::inline(&mut g, e);
        let x = g.symbol("x");
        let env = HashMap::from([(
            x,
            XInterval::new(Float::with_val(128, lo), Float::with_val(128, hi)),
        )]);
        enclose_box(&g, e, &env, 128)
    }

    #[test]
    fn encloses() {
        let s = enc("sigmoid(x)", 0.0, 1.0).unwrap();
        assert!(s.lo <= 0.5 && s.hi >= 0.7310585786 && s.hi < 0.74);
        let t = enc("exp(-x)", 0.0, f64::INFINITY).unwrap();
        assert!(t.lo == 0 && t.hi >= 1);
        assert_eq!(enc("log(x)", -2.0, -1.0), Err(BoxError::Undefined));
        assert_eq!(enc("log(x)", -2.0, 1.0), Err(BoxError::MaybeUndefined));
        let r = enc("if(x > 0, log(x), 0)", -2.0, -1.0).unwrap();
        assert!(r.lo == 0 && r.hi == 0);
        let m = enc("x^2", -1.0, 2.0).unwrap();
        assert!(m.lo == 0 && m.hi >= 4);
    }
}
