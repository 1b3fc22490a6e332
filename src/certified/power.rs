//! Powers of enclosures: integer powers of any base (even powers of an interval
//! around 0 start at 0), rational and real powers of nonnegative bases, and the
//! language's rules at 0: `0^0 = 1`, `0^y = 0` for `y > 0`, `0^y` undefined for `y < 0`.

use std::cmp::Ordering;

use num_traits::{One, Signed};
use rug::float::Round;
use rug::ops::Pow;
use rug::{Float, Integer};

use super::error::EvalError;
use super::interval::{describe_rational, Arith, Interval};
use crate::expr::convert::to_rug_integer;
use crate::expr::BigRational;

/// Integer exponents of more bits than this are taken through `exp` and `log`.
const LOG_POWER_BITS: u32 = 64;

impl Arith {
    /// `a^k` for an integer `k`. `a^0 = 1` (also `0^0`); a negative power of exactly 0
    /// is undefined (division by zero).
    pub fn pow_int(&mut self, a: &Interval, k: &Integer) -> Result<Interval, EvalError> {
        match k.cmp0() {
            Ordering::Equal => return Ok(self.integer(1)),
            Ordering::Greater => {}
            Ordering::Less => {
                if a.is_zero() {
                    let detail = if *k == -1 {
                        "division by zero".to_owned()
                    } else {
                        format!("0 to the negative power {k} is undefined (division by zero)")
                    };
                    return Err(EvalError::undefined("division", detail));
                }
                if a.contains_zero() {
                    return Err(EvalError::Undecided);
                }
            }
        }
        if k.significant_bits() > LOG_POWER_BITS && !a.contains_zero() {
            return self.pow_int_by_log(a, k, None);
        }
        let pw = |ar: &mut Arith, x: &Float, r: Round| ar.round(x.pow(k), r);
        if k.is_odd() {
            // Odd powers are increasing for k > 0 and decreasing on each side of 0
            // for k < 0 (and the interval is on one side).
            return if k.cmp0() == Ordering::Greater {
                Ok(Interval {
                    lo: pw(self, &a.lo, Round::Down)?,
                    hi: pw(self, &a.hi, Round::Up)?,
                })
            } else {
                Ok(Interval {
                    lo: pw(self, &a.hi, Round::Down)?,
                    hi: pw(self, &a.lo, Round::Up)?,
                })
            };
        }
        // Even powers depend on |x| only: increasing in |x| for k > 0, decreasing for k < 0.
        let big = a.magnitude();
        let small = if a.contains_zero() {
            Float::with_val(self.prec(), 0)
        } else {
            let (x, y) = (a.lo.clone().abs(), a.hi.clone().abs());
            if x < y {
                x
            } else {
                y
            }
        };
        if k.cmp0() == Ordering::Greater {
            Ok(Interval {
                lo: pw(self, &small, Round::Down)?,
                hi: pw(self, &big, Round::Up)?,
            })
        } else {
            Ok(Interval {
                lo: pw(self, &big, Round::Down)?,
                hi: pw(self, &small, Round::Up)?,
            })
        }
    }

    /// `a^k` for a huge integer `k` and `a` away from 0, as `±exp(k*log|a|)`: the
    /// same enclosure as repeated squaring (the base's own width, magnified `|k|`
    /// times, dominates both) at the cost of one `log` and one `exp` instead of
    /// about `2*log2|k|` multiplications (`(1 + 10^-10000)^(10^10000)` takes 33,220
    /// squarings at 33,000 bits otherwise).
    ///
    /// With the base's exact value `r`, `log|r|` is `log1p(|r| - 1)` from the exact
    /// difference, so its relative error stays at the working precision however
    /// close `|r|` is to 1: `(1 + 10^-1000000)^(10^1000000)` (about e) and
    /// `(-1)^(10^1000000 + 1)` (exactly -1) need no more bits than their digits.
    pub fn pow_int_by_log(
        &mut self,
        a: &Interval,
        k: &Integer,
        exact: Option<&rug::Rational>,
    ) -> Result<Interval, EvalError> {
        let negative = a.hi.cmp0() == Some(Ordering::Less);
        let m = if negative { a.neg() } else { a.clone() };
        let l = match exact {
            Some(r) if *r != 0 => {
                let c = rug::Rational::from(r.abs_ref()) - 1u32;
                if c == 0 {
                    self.integer(0)
                } else {
                    let ci = self.ends(&c, &c)?;
                    self.ln_1p(&ci)?
                }
            }
            _ => self.log(&m, None)?,
        };
        let kq = rug::Rational::from(k.clone());
        let ki = self.ends(&kq, &kq)?;
        let t = self.mul(&ki, &l)?;
        let r = self.exp(&t)?;
        Ok(if negative && k.is_odd() { r.neg() } else { r })
    }

    /// `a^e` for an exact rational exponent. Integer exponents take any base;
    /// other exponents need `a >= 0`, and `a = 0` only with `e > 0`. `exact_base`,
    /// when the base is a known rational, makes error messages exact.
    pub fn pow_rational(
        &mut self,
        a: &Interval,
        e: &BigRational,
        exact_base: Option<&BigRational>,
    ) -> Result<Interval, EvalError> {
        if e.is_integer() {
            return self.pow_int(a, &to_rug_integer(e.numer()));
        }
        let is_sqrt = *e.denom() == 2.into() && e.numer().abs().is_one();
        let shown = || exact_base.map_or_else(|| a.describe(), describe_rational);
        if a.hi.cmp0() == Some(Ordering::Less) {
            let detail = if is_sqrt && e.is_positive() {
                format!("sqrt of a negative number ({}) is undefined", shown())
            } else {
                format!(
                    "a negative number ({}) to the non-integer power {e} is undefined",
                    shown()
                )
            };
            return Err(EvalError::undefined(
                if is_sqrt { "sqrt" } else { "power" },
                detail,
            ));
        }
        if a.is_zero() {
            if e.is_positive() {
                return Ok(self.integer(0));
            }
            return Err(EvalError::undefined(
                "division",
                format!("0 to the negative power {e} is undefined (division by zero)"),
            ));
        }
        if a.lo.cmp0() == Some(Ordering::Less) || (a.contains_zero() && e.is_negative()) {
            return Err(EvalError::Undecided);
        }
        if is_sqrt {
            // sqrt is correctly rounded in MPFR; 1/sqrt is its reciprocal.
            let root = self.ends(a.lo.sqrt_ref(), a.hi.sqrt_ref())?;
            return if e.is_positive() {
                Ok(root)
            } else {
                let one = self.integer(1);
                self.div(&one, &root)
            };
        }
        let ei = self.rational(e)?;
        self.pow_real(a, &ei)
    }

    /// `a^e` for an exponent known only as an interval. A point integer exponent
    /// takes any base; otherwise the base must be `>= 0` (and `> 0` unless `e > 0`).
    pub fn pow_interval(&mut self, a: &Interval, e: &Interval) -> Result<Interval, EvalError> {
        if e.is_point() && e.lo.is_integer() {
            if let Some(k) = e.lo.to_integer() {
                return self.pow_int(a, &k);
            }
        }
        let e_positive = e.lo.cmp0() == Some(Ordering::Greater);
        if a.hi.cmp0() == Some(Ordering::Less) {
            // A negative base needs an integer exponent; if the exponent's interval
            // holds no integer, the exponent certainly is not one.
            let holds_integer = e.lo.clone().ceil() <= e.hi.clone().floor();
            if holds_integer {
                return Err(EvalError::Undecided);
            }
            return Err(EvalError::undefined(
                "power",
                format!(
                    "a negative number ({}) to a non-integer power ({}) is undefined",
                    a.describe(),
                    e.describe()
                ),
            ));
        }
        if a.is_zero() {
            if e_positive {
                return Ok(self.integer(0));
            }
            if e.is_zero() {
                return Ok(self.integer(1));
            }
            if e.hi.cmp0() == Some(Ordering::Less) {
                return Err(EvalError::undefined(
                    "division",
                    format!(
                        "0 to a negative power ({}) is undefined (division by zero)",
                        e.describe()
                    ),
                ));
            }
            return Err(EvalError::Undecided);
        }
        if a.lo.cmp0() == Some(Ordering::Less) || (a.contains_zero() && !e_positive) {
            return Err(EvalError::Undecided);
        }
        self.pow_real(a, e)
    }

    /// `a^e` for `a >= 0` (and `e > 0` where `a` may be 0): `x^y` is monotone in
    /// each argument on such a box, so the extremes are at corners.
    fn pow_real(&mut self, a: &Interval, e: &Interval) -> Result<Interval, EvalError> {
        self.corners(a, e, |ar, x, y, r| ar.round(x.pow(y), r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval {
            lo: Float::with_val(64, lo),
            hi: Float::with_val(64, hi),
        }
    }

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn integer_powers() {
        let mut ar = Arith::new(64);
        let p = |ar: &mut Arith, a: Interval, k: i32| ar.pow_int(&a, &Integer::from(k));
        assert_eq!(p(&mut ar, iv(-2.0, 3.0), 2), Ok(iv(0.0, 9.0)));
        assert_eq!(p(&mut ar, iv(-3.0, -2.0), 2), Ok(iv(4.0, 9.0)));
        assert_eq!(p(&mut ar, iv(-2.0, 3.0), 3), Ok(iv(-8.0, 27.0)));
        assert_eq!(p(&mut ar, iv(1.0, 2.0), -1), Ok(iv(0.5, 1.0)));
        assert_eq!(p(&mut ar, iv(-2.0, -1.0), -2), Ok(iv(0.25, 1.0)));
        assert_eq!(p(&mut ar, iv(-2.0, -1.0), -1), Ok(iv(-1.0, -0.5)));
        assert_eq!(p(&mut ar, iv(0.0, 0.0), 0), Ok(iv(1.0, 1.0)));
        assert_eq!(p(&mut ar, iv(-1.0, 1.0), -2), Err(EvalError::Undecided));
        assert!(matches!(
            p(&mut ar, iv(0.0, 0.0), -3),
            Err(EvalError::Undefined { op: "division", .. })
        ));
    }

    #[test]
    fn rational_powers_need_a_nonnegative_base() {
        let mut ar = Arith::new(64);
        let half = q(1, 2);
        assert_eq!(
            ar.pow_rational(&iv(4.0, 9.0), &half, None),
            Ok(iv(2.0, 3.0))
        );
        assert_eq!(
            ar.pow_rational(&iv(0.0, 0.0), &half, None),
            Ok(iv(0.0, 0.0))
        );
        assert_eq!(
            ar.pow_rational(&iv(-1.0, 4.0), &half, None),
            Err(EvalError::Undecided)
        );
        match ar.pow_rational(&iv(-1.0, -1.0), &half, None) {
            Err(EvalError::Undefined { op, detail }) => {
                assert_eq!(
                    (op, detail.as_str()),
                    ("sqrt", "sqrt of a negative number (-1) is undefined")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            ar.pow_rational(&iv(0.0, 0.0), &q(-1, 2), None),
            Err(EvalError::Undefined { .. })
        ));
        let cube_root = ar.pow_rational(&iv(8.0, 8.0), &q(1, 3), None).expect("2");
        assert!(cube_root.contains(&Float::with_val(64, 2)));
        // An integer exponent takes a negative base.
        assert_eq!(
            ar.pow_rational(&iv(-2.0, -2.0), &q(3, 1), None),
            Ok(iv(-8.0, -8.0))
        );
    }

    #[test]
    fn real_powers() {
        let mut ar = Arith::new(64);
        let three = iv(3.0, 3.0);
        assert_eq!(ar.pow_interval(&iv(-2.0, -2.0), &three), Ok(iv(-8.0, -8.0)));
        assert!(matches!(
            ar.pow_interval(&iv(-2.0, -2.0), &iv(0.5, 0.5)),
            Err(EvalError::Undefined { op: "power", .. })
        ));
        assert_eq!(
            ar.pow_interval(&iv(-2.0, -2.0), &iv(2.5, 3.5)),
            Err(EvalError::Undecided)
        );
        assert!(matches!(
            ar.pow_interval(&iv(-2.0, -2.0), &iv(2.25, 2.75)),
            Err(EvalError::Undefined { .. })
        ));
        assert_eq!(
            ar.pow_interval(&iv(0.0, 0.0), &iv(0.0, 0.0)),
            Ok(iv(1.0, 1.0))
        );
        assert_eq!(
            ar.pow_interval(&iv(0.0, 0.0), &iv(0.5, 1.5)),
            Ok(iv(0.0, 0.0))
        );
        assert_eq!(
            ar.pow_interval(&iv(0.0, 4.0), &iv(-0.5, 0.5)),
            Err(EvalError::Undecided)
        );
        assert_eq!(
            ar.pow_interval(&iv(1.0, 4.0), &iv(0.5, 0.5)),
            Ok(iv(1.0, 2.0))
        );
        assert_eq!(
            ar.pow_interval(&iv(0.25, 4.0), &iv(-0.5, 0.5)),
            Ok(iv(0.5, 2.0))
        );
    }
}
