//! The numeric route: a claim is compared at exact rational points with MPFR interval
//! enclosures. A point is a certified counterexample when the enclosure of `L - R`
//! excludes zero, or when exactly one side is (certainly) undefined there; it agrees
//! when the enclosure contains zero and is narrower than the working precision.

use std::collections::HashMap;

use num_rational::BigRational;
use rug::Float;

use crate::certified::mpfr::enclose_all;
use crate::certified::{enclose, EvalError, Interval};
use crate::expr::{ExprId, Graph, Node, Symbol};

/// The value of one side of a claim at a point, for reports: correctly rounded
/// digits, or why it is undefined.
#[must_use]
pub fn side_value(
    g: &mut Graph,
    id: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
) -> SideValue {
    match crate::certified::evaluate(g, id, env, digits) {
        Ok(v) => SideValue::Defined(v.decimal),
        Err(EvalError::Undefined { detail, .. }) => SideValue::Undefined(detail),
        Err(e) => SideValue::Undefined(format!("not evaluated: {e}")),
    }
}

/// The value of one side of a claim at a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideValue {
    /// Defined, with a decimal approximation from its enclosure.
    Defined(String),
    /// Undefined, with the reason.
    Undefined(String),
}

impl std::fmt::Display for SideValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SideValue::Defined(d) => write!(f, "{d}"),
            SideValue::Undefined(why) => write!(f, "undefined ({why})"),
        }
    }
}

/// What one point says about a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PointOutcome {
    /// Both sides agree to the working precision (or both are undefined).
    Agree,
    /// A certified counterexample.
    Counterexample,
    /// The point does not satisfy the `where` conditions.
    Excluded,
    /// A value at the point is beyond MPFR's exponent range (about 10^±3e8), so the
    /// point says nothing; it is skipped.
    OutOfRange,
    /// Neither agreement nor disagreement could be certified.
    Unresolved(String),
}

/// The precisions tried at each point, in bits: a quick first pass that finds most
/// counterexamples, then the working precision at which agreement may be declared,
/// then more bits for points whose enclosures stay wide through cancellation.
pub const PRECISIONS: [u32; 3] = [128, AGREEMENT_PRECISION, 8192];

/// The least precision at which a point may count as agreeing (about 616 decimal
/// digits): a difference smaller than this is not seen, so claims perturbed by 1e-40
/// (or 1e-600) are caught.
pub const AGREEMENT_PRECISION: u32 = 2048;

enum Side {
    Value(Interval),
    Undefined,
}

/// Both sides at the point in one walk (a subexpression they share, as the two
/// sides of a rewrite or `E` in `E = E + 1e-60` do, is enclosed once).
fn sides(
    g: &Graph,
    lhs: ExprId,
    rhs: ExprId,
    env: &HashMap<Symbol, BigRational>,
    prec: u32,
) -> (Result<Side, EvalError>, Result<Side, EvalError>) {
    // A huge exponent (`(1 + 1/x)^x` at x = 10^60) needs its bits on top.
    let extra =
        crate::certified::power_bits(g, lhs, env).max(crate::certified::power_bits(g, rhs, env));
    let prec = prec.saturating_add(extra);
    let side = |r: Result<Interval, EvalError>| match r {
        Ok(iv) => Ok(Side::Value(iv)),
        Err(EvalError::Undefined { .. }) => Ok(Side::Undefined),
        Err(e) => Err(e),
    };
    let mut both = enclose_all(g, &[lhs, rhs], env, prec).into_iter().map(side);
    let l = both.next().unwrap_or(Err(EvalError::Undecided));
    let r = both.next().unwrap_or(Err(EvalError::Undecided));
    (l, r)
}

/// Whether a condition `a op b` holds at the point: `Some(true/false)` when decided.
fn condition_holds(
    g: &mut Graph,
    cond: ExprId,
    env: &HashMap<Symbol, BigRational>,
    prec: u32,
) -> Option<bool> {
    // Exact first: a condition of rationals folds to a truth value (so a point on
    // the edge of `x >= 1e-6` is decided, which no enclosure can do).
    if !env.is_empty() && matches!(g.node(cond), Node::Cmp(..)) {
        let bind: HashMap<Symbol, ExprId> =
            env.iter().map(|(&s, r)| (s, g.num(r.clone()))).collect();
        let folded = g.substitute(cond, &bind);
        if let Node::Bool(v) = g.node(folded) {
            return Some(*v);
        }
    }
    let Node::Cmp(op, a, b) = g.node(cond).clone() else {
        return match g.node(cond) {
            Node::Bool(v) => Some(*v),
            _ => None,
        };
    };
    let d = g.sub(a, b);
    match enclose(g, d, env, prec) {
        Ok(iv) => {
            let zero = Float::with_val(prec, 0);
            let sign = if iv.lo > zero {
                std::cmp::Ordering::Greater
            } else if iv.hi < zero {
                std::cmp::Ordering::Less
            } else if iv.lo == zero && iv.hi == zero {
                std::cmp::Ordering::Equal
            } else {
                return None;
            };
            Some(op.holds(sign))
        }
        // A condition that is undefined at the point excludes it.
        Err(EvalError::Undefined { .. }) => Some(false),
        Err(_) => None,
    }
}

/// Compares both sides of a claim at one exact point, raising the precision until
/// the point is decided.
pub fn compare_at(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    env: &HashMap<Symbol, BigRational>,
) -> PointOutcome {
    compare_with(g, lhs, rhs, conditions, env, &PRECISIONS, true)
}

/// The precisions of the search for a counterexample the exact evidence says exists
/// (a non-zero normal form): far beyond the working precision, so a difference as
/// small as `exp(-exp(10))` (about 2^-31777) or `exp(-10^5)` is seen.
pub const DEEP_PRECISIONS: [u32; 6] = [4096, 16_384, 65_536, 1 << 18, 1 << 19, 1 << 20];

/// Compares both sides at one exact point at the precisions `precs` in turn. With
/// `may_agree` false, a point never agrees: it is a counterexample or unresolved.
pub fn compare_with(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    env: &HashMap<Symbol, BigRational>,
    precs: &[u32],
    may_agree: bool,
) -> PointOutcome {
    let mut last = String::from("no precision was tried");
    // The constant difference of the sides, once looked for.
    let mut constant: Option<Option<ExprId>> = None;
    'prec: for &prec in precs {
        for &c in conditions {
            match condition_holds(g, c, env, prec) {
                Some(true) => {}
                Some(false) => return PointOutcome::Excluded,
                None => {
                    last = "a condition could not be decided".into();
                    continue 'prec;
                }
            }
        }
        let (l, r) = match sides(g, lhs, rhs, env, prec) {
            (Ok(l), Ok(r)) => (l, r),
            // A wide enclosure's end may leave the range where the value does not
            // (`(1 + 1/x)^x` at x = 10^60 at low precision): only the last
            // precision's overflow puts the point out of range.
            (Err(EvalError::Overflow), _) | (_, Err(EvalError::Overflow)) => {
                if precs.last() == Some(&prec) {
                    return PointOutcome::OutOfRange;
                }
                last = EvalError::Overflow.to_string();
                continue;
            }
            (Err(e), _) | (_, Err(e)) => {
                last = e.to_string();
                continue;
            }
        };
        match (l, r) {
            (Side::Undefined, Side::Undefined) => return PointOutcome::Agree,
            (Side::Undefined, Side::Value(_)) | (Side::Value(_), Side::Undefined) => {
                return PointOutcome::Counterexample
            }
            (Side::Value(a), Side::Value(b)) => {
                // L - R lies in [a.lo - b.hi, a.hi - b.lo], rounded outward.
                let lo = Float::with_val_round(prec, &a.lo - &b.hi, rug::float::Round::Down).0;
                let hi = Float::with_val_round(prec, &a.hi - &b.lo, rug::float::Round::Up).0;
                if lo > 0 || hi < 0 {
                    return PointOutcome::Counterexample;
                }
                // Both sides are defined here: where their difference is a constant
                // that is certainly not 0, the point is a counterexample without the
                // thousands of bits that would separate the sides (`E = E +
                // exp(-exp(10))` differs by about 2^-31777).
                let c = *constant.get_or_insert_with(|| constant_difference(g, lhs, rhs));
                if let Some(c) = c {
                    if let Ok(civ) = enclose(g, c, env, prec) {
                        // Consistent with the sides' own difference (a check on the
                        // rewriting that found the constant), and certainly not 0.
                        if !civ.contains_zero() && civ.lo <= hi && lo <= civ.hi {
                            return PointOutcome::Counterexample;
                        }
                    }
                }
                // Contains zero: agreement once the width is below the precision,
                // relative to the sides' magnitude.
                if prec < AGREEMENT_PRECISION || !may_agree {
                    last = format!("the difference is below 2^-{prec} relative to the sides");
                    continue;
                }
                let width = Float::with_val(prec, &hi - &lo);
                let scale = a
                    .magnitude()
                    .max(&b.magnitude())
                    .max(&Float::with_val(prec, 1));
                let tol = scale >> (AGREEMENT_PRECISION - 64);
                if width <= tol {
                    return PointOutcome::Agree;
                }
                last = "the enclosures are too wide".into();
            }
        }
    }
    PointOutcome::Unresolved(last)
}

/// The constant `C` with `L - R = C` at every point where both sides are defined,
/// when there is one: the canonical difference `L - R` (whose construction keeps
/// values where its operands are defined) is `C`, a sum of terms without variables,
/// plus terms whose coefficients cancelled to 0 (`E = E + exp(-exp(10))` gives
/// `0*E - exp(-exp(10))`). Each of those is a term of `L` or of `R`, so it is
/// defined, and 0, wherever both sides are. `None` when the difference has another
/// shape or is 0.
fn constant_difference(g: &mut Graph, lhs: ExprId, rhs: ExprId) -> Option<ExprId> {
    let d = g.sub(lhs, rhs);
    let terms: Vec<ExprId> = match g.node(d) {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![d],
    };
    let mut rest = Vec::new();
    for t in terms {
        let cancelled = match g.node(t) {
            Node::Mul(fs) => g.as_num(fs[0]).is_some_and(num_traits::Zero::is_zero),
            _ => false,
        };
        if cancelled {
            continue;
        }
        if !g.free_vars(t).is_empty() {
            return None;
        }
        rest.push(t);
    }
    if rest.is_empty() {
        return None;
    }
    Some(g.add(rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Kink;

    fn side_of(g: &mut Graph, text: &str) -> ExprId {
        let e = crate::defs::parse_expr(g, text).unwrap();
        crate::unfold::unfold(g, e, Kink::Left).unwrap()
    }

    fn at(g: &mut Graph, x: i64) -> HashMap<Symbol, BigRational> {
        HashMap::from([(g.symbol("x"), BigRational::from_integer(x.into()))])
    }

    /// `E = E + exp(-exp(10))` differs by about 2^-31777: the constant difference
    /// is seen at 128 bits where both sides are defined, and nowhere else.
    #[test]
    fn a_constant_difference_is_seen_far_below_the_precision() {
        let mut g = Graph::with_prelude();
        let l = side_of(&mut g, "log(x) + sigmoid(x)");
        let r = side_of(&mut g, "log(x) + sigmoid(x) + exp(-exp(10))");
        let env = at(&mut g, 2);
        let out = compare_with(&mut g, l, r, &[], &env, &[128], false);
        assert_eq!(out, PointOutcome::Counterexample);
        // Both sides undefined at x = -1: they agree.
        let env = at(&mut g, -1);
        let out = compare_with(&mut g, l, r, &[], &env, &[128], true);
        assert_eq!(out, PointOutcome::Agree);
        // A true identity is never a counterexample (its difference is 0 or has
        // variables).
        let t = side_of(&mut g, "log(x) + 1/(1 + exp(-x))");
        let env = at(&mut g, 2);
        let out = compare_with(&mut g, l, t, &[], &env, &[128, AGREEMENT_PRECISION], true);
        assert_eq!(out, PointOutcome::Agree);
        assert!(constant_difference(&mut g, l, l).is_none());
    }
}
