//! Closed intervals of MPFR floats and their outward-rounded arithmetic: the
//! certified enclosures behind every printed digit.
//!
//! rug has no interval type, so enclosures are built from directed rounding: a lower
//! end is always computed with [`Round::Down`] and an upper end with [`Round::Up`],
//! and each operation picks the ends from where its extremes lie (corners for `*`,
//! `/` and real powers, endpoints for monotone functions, 0 for even powers and
//! `cosh`). The true value of every subexpression therefore lies in its interval.
//!
//! Domain checks are three-valued: an operand that certainly lies outside the domain
//! gives [`EvalError::Undefined`] naming the operation and the value; one whose
//! interval only touches the edge gives [`EvalError::Undecided`], which the precision
//! loop answers with more bits.
//!
//! ```
//! use actsym::certified::{Arith, Interval};
//! use rug::Float;
//! let mut ar = Arith::new(64);
//! let two = Interval::point(Float::with_val(64, 2));
//! let e2 = ar.exp(&two).unwrap();
//! assert!(e2.lo < e2.hi && e2.lo > 7.389 && e2.hi < 7.390);
//! ```

use std::cmp::Ordering;

use rug::float::{Constant, Round};
use rug::ops::AssignRound;
use rug::Float;

use super::decimal::{decimal_of_rational, float_text};
use super::erf::{erf_bound, erfc_bound};
use super::error::EvalError;
use crate::expr::convert::to_rug_rational;
use crate::expr::BigRational;

/// A closed interval `[lo, hi]` of finite MPFR floats with `lo <= hi`, enclosing an
/// unknown real value.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// The lower end (rounded down).
    pub lo: Float,
    /// The upper end (rounded up).
    pub hi: Float,
}

impl Interval {
    /// The interval holding exactly one float.
    #[must_use]
    pub fn point(f: Float) -> Interval {
        Interval {
            lo: f.clone(),
            hi: f,
        }
    }

    /// Whether both ends are equal: the value is known exactly.
    #[must_use]
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    /// Whether the interval is exactly `[0, 0]`.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.lo.is_zero() && self.hi.is_zero()
    }

    /// Whether 0 lies in the interval.
    #[must_use]
    pub fn contains_zero(&self) -> bool {
        self.lo.cmp0() != Some(Ordering::Greater) && self.hi.cmp0() != Some(Ordering::Less)
    }

    /// Whether the exact rational `r` lies in the interval.
    #[must_use]
    pub fn contains_rational(&self, r: &BigRational) -> bool {
        let q = to_rug_rational(r);
        self.lo <= q && q <= self.hi
    }

    /// Whether `x` lies in the interval.
    #[must_use]
    pub fn contains(&self, x: &Float) -> bool {
        &self.lo <= x && x <= &self.hi
    }

    /// The smallest interval holding both.
    #[must_use]
    pub fn hull(&self, other: &Interval) -> Interval {
        Interval {
            lo: min_ref(&self.lo, &other.lo).clone(),
            hi: max_ref(&self.hi, &other.hi).clone(),
        }
    }

    /// The common part of two enclosures of the same value, if they meet.
    #[must_use]
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        let lo = max_ref(&self.lo, &other.lo);
        let hi = min_ref(&self.hi, &other.hi);
        (lo <= hi).then(|| Interval {
            lo: lo.clone(),
            hi: hi.clone(),
        })
    }

    /// `-self`, exact.
    #[must_use]
    pub fn neg(&self) -> Interval {
        Interval {
            lo: Float::with_val(self.hi.prec(), -&self.hi),
            hi: Float::with_val(self.lo.prec(), -&self.lo),
        }
    }

    /// The largest absolute value in the interval, exact.
    #[must_use]
    pub fn magnitude(&self) -> Float {
        let a = self.lo.clone().abs();
        let b = self.hi.clone().abs();
        if a > b {
            a
        } else {
            b
        }
    }

    /// A short description for error messages: the value when known exactly, else
    /// "about" a rounded middle.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.is_point() {
            return float_text(&self.lo, 12);
        }
        let prec = self.lo.prec().max(self.hi.prec());
        let mid = Float::with_val(prec, &self.lo + &self.hi) / 2u32;
        format!("about {}", float_text(&mid, 6))
    }
}

/// A rational for error messages: as a fraction when short, else rounded.
pub(super) fn describe_rational(r: &BigRational) -> String {
    let text = r.to_string();
    if text.len() <= 40 {
        text
    } else {
        format!("about {}", decimal_of_rational(r, 12))
    }
}

fn min_ref<'a>(a: &'a Float, b: &'a Float) -> &'a Float {
    if b < a {
        b
    } else {
        a
    }
}

fn max_ref<'a>(a: &'a Float, b: &'a Float) -> &'a Float {
    if b > a {
        b
    } else {
        a
    }
}

/// Outward-rounded interval arithmetic at one working precision. It also records
/// whether a nonzero result was rounded to 0 (underflow), so that a persistent
/// undecided result can be reported as a range problem rather than a precision one.
#[derive(Debug)]
pub struct Arith {
    prec: u32,
    underflow: bool,
}

/// A binary operation on floats with a rounding direction.
pub(super) type FloatOp = fn(&mut Arith, &Float, &Float, Round) -> Result<Float, EvalError>;

impl Arith {
    /// Arithmetic at `prec` bits (clamped to what MPFR allows).
    #[must_use]
    pub fn new(prec: u32) -> Arith {
        Arith {
            prec: prec.clamp(rug::float::prec_min().max(2), rug::float::prec_max()),
            underflow: false,
        }
    }

    /// The working precision in bits.
    #[must_use]
    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// Whether some nonzero result was rounded to 0 since this arithmetic was made.
    #[must_use]
    pub fn underflowed(&self) -> bool {
        self.underflow
    }

    /// Rounds `val` in direction `r`; infinities are overflow, NaN is undecided (it
    /// cannot arise from the checked operations, and must never become a value).
    pub(super) fn round<T>(&mut self, val: T, r: Round) -> Result<Float, EvalError>
    where
        Float: AssignRound<T, Round = Round, Ordering = Ordering>,
    {
        let (f, ord) = Float::with_val_round(self.prec, val, r);
        if f.is_nan() {
            return Err(EvalError::Undecided);
        }
        if f.is_infinite() {
            return Err(EvalError::Overflow);
        }
        if f.is_zero() && ord != Ordering::Equal {
            self.underflow = true;
        }
        Ok(f)
    }

    /// `[round_down(lo), round_up(hi)]`.
    pub(super) fn ends<T, U>(&mut self, lo: T, hi: U) -> Result<Interval, EvalError>
    where
        Float: AssignRound<T, Round = Round, Ordering = Ordering>
            + AssignRound<U, Round = Round, Ordering = Ordering>,
    {
        Ok(Interval {
            lo: self.round(lo, Round::Down)?,
            hi: self.round(hi, Round::Up)?,
        })
    }

    /// The enclosure of an exact rational.
    pub fn rational(&mut self, r: &BigRational) -> Result<Interval, EvalError> {
        let q = to_rug_rational(r);
        self.ends(&q, &q)
    }

    /// The enclosure of an exact integer.
    #[must_use]
    pub fn integer(&mut self, k: i32) -> Interval {
        Interval::point(Float::with_val(self.prec, k))
    }

    /// The enclosure of pi.
    pub fn pi(&mut self) -> Result<Interval, EvalError> {
        self.ends(Constant::Pi, Constant::Pi)
    }

    /// `a + b`.
    pub fn add(&mut self, a: &Interval, b: &Interval) -> Result<Interval, EvalError> {
        self.ends(&a.lo + &b.lo, &a.hi + &b.hi)
    }

    /// `a - b`.
    pub fn sub(&mut self, a: &Interval, b: &Interval) -> Result<Interval, EvalError> {
        self.ends(&a.lo - &b.hi, &a.hi - &b.lo)
    }

    /// The hull of `op` over the four corners of `a × b`, each rounded both ways.
    /// Sound for operations monotone in each argument on the box.
    pub(super) fn corners(
        &mut self,
        a: &Interval,
        b: &Interval,
        op: FloatOp,
    ) -> Result<Interval, EvalError> {
        let mut lo: Option<Float> = None;
        let mut hi: Option<Float> = None;
        for x in [&a.lo, &a.hi] {
            for y in [&b.lo, &b.hi] {
                let d = op(self, x, y, Round::Down)?;
                let u = op(self, x, y, Round::Up)?;
                lo = Some(match lo {
                    Some(l) if l <= d => l,
                    _ => d,
                });
                hi = Some(match hi {
                    Some(h) if h >= u => h,
                    _ => u,
                });
            }
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) => Ok(Interval { lo, hi }),
            _ => Err(EvalError::Undecided),
        }
    }

    /// `a * b`.
    pub fn mul(&mut self, a: &Interval, b: &Interval) -> Result<Interval, EvalError> {
        self.corners(a, b, |ar, x, y, r| ar.round(x * y, r))
    }

    /// `a / b`: undefined when `b` is exactly 0, undecided when it merely contains 0.
    pub fn div(&mut self, a: &Interval, b: &Interval) -> Result<Interval, EvalError> {
        if b.is_zero() {
            return Err(EvalError::undefined("division", "division by zero"));
        }
        if b.contains_zero() {
            return Err(EvalError::Undecided);
        }
        self.corners(a, b, |ar, x, y, r| ar.round(x / y, r))
    }

    /// `exp(a)`.
    pub fn exp(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        self.ends(a.lo.exp_ref(), a.hi.exp_ref())
    }

    /// `log(a)`: undefined for `a <= 0`, undecided when `a` only touches 0.
    pub fn log(
        &mut self,
        a: &Interval,
        exact: Option<&BigRational>,
    ) -> Result<Interval, EvalError> {
        if a.hi.cmp0() != Some(Ordering::Greater) {
            let detail = if a.is_zero() {
                "log of 0 is undefined".to_owned()
            } else {
                let shown = exact.map_or_else(|| a.describe(), describe_rational);
                format!("log of a negative number ({shown}) is undefined")
            };
            return Err(EvalError::undefined("log", detail));
        }
        if a.lo.cmp0() != Some(Ordering::Greater) {
            return Err(EvalError::Undecided);
        }
        self.ends(a.lo.ln_ref(), a.hi.ln_ref())
    }

    /// `tanh(a)`, increasing.
    pub fn tanh(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        self.ends(a.lo.tanh_ref(), a.hi.tanh_ref())
    }

    /// `sinh(a)`, increasing.
    pub fn sinh(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        self.ends(a.lo.sinh_ref(), a.hi.sinh_ref())
    }

    /// `erf(a)`, increasing. Where MPFR's `erf` would take longer than the
    /// thread's deadline allows, the ends are cheaper, wider bounds (see
    /// [`super::erf`]).
    pub fn erf(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        let lo = erf_bound(&a.lo, self.prec, Round::Down);
        let hi = erf_bound(&a.hi, self.prec, Round::Up);
        self.ends(&lo, &hi)
    }

    /// `erfc(a) = 1 - erf(a)`, decreasing; bounded in time like [`Arith::erf`].
    pub fn erfc(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        let (lo, under) = erfc_bound(&a.hi, self.prec, Round::Down);
        let (hi, _) = erfc_bound(&a.lo, self.prec, Round::Up);
        if under {
            self.underflow = true;
        }
        self.ends(&lo, &hi)
    }

    /// `expm1(a) = exp(a) - 1`, increasing.
    pub fn exp_m1(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        self.ends(a.lo.exp_m1_ref(), a.hi.exp_m1_ref())
    }

    /// `log1p(a) = log(1 + a)` for `a > -1` (undecided otherwise: the caller checks).
    pub fn ln_1p(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        if a.lo <= -1i32 {
            return Err(EvalError::Undecided);
        }
        self.ends(a.lo.ln_1p_ref(), a.hi.ln_1p_ref())
    }

    /// `cosh(a)`: even, with its minimum 1 at 0.
    pub fn cosh(&mut self, a: &Interval) -> Result<Interval, EvalError> {
        let big = a.magnitude();
        let hi = self.round(big.cosh_ref(), Round::Up)?;
        let lo = if a.contains_zero() {
            Float::with_val(self.prec, 1)
        } else {
            let small = if a.lo.cmp0() == Some(Ordering::Greater) {
                &a.lo
            } else {
                &a.hi
            };
            self.round(small.cosh_ref(), Round::Down)?
        };
        Ok(Interval { lo, hi })
    }

    /// `abs(a)`.
    #[must_use]
    pub fn abs(&mut self, a: &Interval) -> Interval {
        if a.lo.cmp0() != Some(Ordering::Less) {
            return a.clone();
        }
        if a.hi.cmp0() != Some(Ordering::Greater) {
            return a.neg();
        }
        Interval {
            lo: Float::with_val(self.prec, 0),
            hi: a.magnitude(),
        }
    }

    /// `sign(a)`: the hull of the signs in the interval (-1, 0 or 1 when decided).
    #[must_use]
    pub fn sign(&mut self, a: &Interval) -> Interval {
        let s = |f: &Float| match f.cmp0() {
            Some(Ordering::Less) => -1,
            Some(Ordering::Greater) => 1,
            _ => 0,
        };
        Interval {
            lo: Float::with_val(self.prec, s(&a.lo)),
            hi: Float::with_val(self.prec, s(&a.hi)),
        }
    }

    /// `max(a, b)`, exact.
    #[must_use]
    pub fn max(&mut self, a: &Interval, b: &Interval) -> Interval {
        Interval {
            lo: max_ref(&a.lo, &b.lo).clone(),
            hi: max_ref(&a.hi, &b.hi).clone(),
        }
    }

    /// `min(a, b)`, exact.
    #[must_use]
    pub fn min(&mut self, a: &Interval, b: &Interval) -> Interval {
        Interval {
            lo: min_ref(&a.lo, &b.lo).clone(),
            hi: min_ref(&a.hi, &b.hi).clone(),
        }
    }
}

/// Compares two enclosures: `Some(ordering)` when every value of `a` compares the
/// same way with every value of `b` (`Equal` only for two equal points), `None` when
/// they overlap.
#[must_use]
pub fn compare(a: &Interval, b: &Interval) -> Option<Ordering> {
    if a.hi < b.lo {
        Some(Ordering::Less)
    } else if a.lo > b.hi {
        Some(Ordering::Greater)
    } else if a.is_point() && b.is_point() && a.lo == b.lo {
        Some(Ordering::Equal)
    } else {
        None
    }
}

/// Decides `a op b` on enclosures where possible. Beyond [`compare`], touching
/// intervals still decide the non-strict operators (`a.hi <= b.lo` gives `a <= b`).
#[must_use]
pub fn decide(op: crate::expr::CmpOp, a: &Interval, b: &Interval) -> Option<bool> {
    use crate::expr::CmpOp;
    if let Some(ord) = compare(a, b) {
        return Some(op.holds(ord));
    }
    match op {
        CmpOp::Le if a.hi <= b.lo => Some(true),
        CmpOp::Lt if a.lo >= b.hi => Some(false),
        CmpOp::Ge if a.lo >= b.hi => Some(true),
        CmpOp::Gt if a.hi <= b.lo => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval {
            lo: Float::with_val(64, lo),
            hi: Float::with_val(64, hi),
        }
    }

    #[test]
    fn products_and_quotients_take_corners() {
        let mut ar = Arith::new(64);
        assert_eq!(ar.mul(&iv(-2.0, 3.0), &iv(-1.0, 4.0)), Ok(iv(-8.0, 12.0)));
        assert_eq!(ar.div(&iv(1.0, 2.0), &iv(-4.0, -1.0)), Ok(iv(-2.0, -0.25)));
        assert!(matches!(
            ar.div(&iv(1.0, 2.0), &iv(0.0, 0.0)),
            Err(EvalError::Undefined { op: "division", .. })
        ));
        assert_eq!(
            ar.div(&iv(1.0, 2.0), &iv(-1.0, 1.0)),
            Err(EvalError::Undecided)
        );
    }

    #[test]
    fn domains_are_three_valued() {
        let mut ar = Arith::new(64);
        assert!(matches!(
            ar.log(&iv(-1.0, 0.0), None),
            Err(EvalError::Undefined { .. })
        ));
        assert_eq!(ar.log(&iv(0.0, 1.0), None), Err(EvalError::Undecided));
        let l = ar.log(&iv(1.0, 1.0), None).expect("log 1");
        assert!(l.is_zero());
    }

    #[test]
    fn cosh_abs_sign_and_extrema() {
        let mut ar = Arith::new(64);
        let c = ar.cosh(&iv(-1.0, 2.0)).expect("cosh");
        assert!(c.lo == 1 && c.hi > 3.76 && c.hi < 3.77);
        let c = ar.cosh(&iv(-2.0, -1.0)).expect("cosh");
        assert!(c.lo > 1.54 && c.lo < 1.55);
        assert_eq!(ar.abs(&iv(-3.0, 2.0)), iv(0.0, 3.0));
        assert_eq!(ar.sign(&iv(-3.0, 0.0)), iv(-1.0, 0.0));
        assert_eq!(ar.max(&iv(-3.0, 2.0), &iv(0.0, 1.0)), iv(0.0, 2.0));
        assert_eq!(ar.min(&iv(-3.0, 2.0), &iv(0.0, 1.0)), iv(-3.0, 1.0));
        let e = ar.erfc(&iv(0.0, 0.0)).expect("erfc");
        assert!(e.lo == 1 && e.hi == 1);
    }

    #[test]
    fn range_limits() {
        let mut ar = Arith::new(64);
        assert_eq!(ar.exp(&iv(1e10, 1e10)), Err(EvalError::Overflow));
        let tiny = ar
            .exp(&iv(-1e10, -1e10))
            .expect("an enclosure of a tiny value");
        assert!(tiny.lo.is_zero() && tiny.hi > 0 && ar.underflowed());
    }

    #[test]
    fn conditions_decide_only_when_certain() {
        use crate::expr::CmpOp;
        let (a, b) = (iv(0.0, 1.0), iv(1.0, 2.0));
        assert_eq!(decide(CmpOp::Le, &a, &b), Some(true));
        assert_eq!(decide(CmpOp::Gt, &a, &b), Some(false));
        assert_eq!(decide(CmpOp::Lt, &a, &b), None);
        assert_eq!(decide(CmpOp::Ne, &iv(1.0, 1.0), &iv(1.0, 1.0)), Some(false));
        assert_eq!(decide(CmpOp::Ne, &a, &iv(0.5, 0.5)), None);
    }
}
