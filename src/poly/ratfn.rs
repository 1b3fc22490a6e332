//! Quotients of sparse polynomials over Q. No gcds are taken: the prover only needs
//! exact arithmetic and a zero test (a quotient is zero exactly when its numerator
//! is), and every operation stays within [`Limits::DEFAULT`](super::Limits::DEFAULT).

use num_rational::BigRational;

use super::monomial::Gen;
use super::sparse::Poly;
use super::univariate::UPoly;
use super::PolyError;

/// A quotient of polynomials with a non-zero denominator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatFn {
    /// The numerator.
    pub num: Poly,
    /// The denominator, never the zero polynomial.
    pub den: Poly,
}

impl RatFn {
    /// A polynomial as a rational function.
    #[must_use]
    pub fn poly(p: Poly) -> Self {
        RatFn {
            num: p,
            den: Poly::one(),
        }
    }

    /// A constant.
    #[must_use]
    pub fn constant(c: BigRational) -> Self {
        RatFn::poly(Poly::constant(c))
    }

    /// `g^k` for an integer `k` of either sign.
    ///
    /// # Errors
    /// [`PolyError::ExponentOverflow`] when `|k|` exceeds `u32`.
    pub fn gen_power(g: Gen, k: i64) -> Result<Self, PolyError> {
        let e = u32::try_from(k.unsigned_abs()).map_err(|_| PolyError::ExponentOverflow)?;
        let m = Poly::monomial(g, e);
        Ok(if k >= 0 {
            RatFn::poly(m)
        } else {
            RatFn {
                num: Poly::one(),
                den: m,
            }
        })
    }

    /// Whether it is identically zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// `self + other` (over the common denominator when both are equal).
    ///
    /// # Errors
    /// Past the term limits.
    pub fn add(&self, other: &RatFn) -> Result<RatFn, PolyError> {
        if self.den == other.den {
            return Ok(RatFn {
                num: self.num.add(&other.num)?,
                den: self.den.clone(),
            });
        }
        let num = self.num.mul(&other.den)?.add(&other.num.mul(&self.den)?)?;
        let den = self.den.mul(&other.den)?;
        Ok(RatFn { num, den })
    }

    /// `self - other`.
    ///
    /// # Errors
    /// Past the term limits.
    pub fn sub(&self, other: &RatFn) -> Result<RatFn, PolyError> {
        self.add(&other.neg())
    }

    /// `-self`.
    #[must_use]
    pub fn neg(&self) -> RatFn {
        RatFn {
            num: self.num.scale(&-BigRational::from_integer(1.into())),
            den: self.den.clone(),
        }
    }

    /// `self * other`.
    ///
    /// # Errors
    /// Past the term limits.
    pub fn mul(&self, other: &RatFn) -> Result<RatFn, PolyError> {
        Ok(RatFn {
            num: self.num.mul(&other.num)?,
            den: self.den.mul(&other.den)?,
        })
    }

    /// `1 / self`.
    ///
    /// # Errors
    /// [`PolyError::DivisionByZero`] when `self` is identically zero.
    pub fn recip(&self) -> Result<RatFn, PolyError> {
        if self.num.is_zero() {
            return Err(PolyError::DivisionByZero);
        }
        Ok(RatFn {
            num: self.den.clone(),
            den: self.num.clone(),
        })
    }

    /// `self^k` for an integer `k` of either sign.
    ///
    /// # Errors
    /// Past the term limits, for `|k|` beyond `u32`, or a negative power of zero.
    pub fn pow(&self, k: i64) -> Result<RatFn, PolyError> {
        let e = u32::try_from(k.unsigned_abs()).map_err(|_| PolyError::ExponentOverflow)?;
        let p = RatFn {
            num: self.num.pow(e)?,
            den: self.den.pow(e)?,
        };
        if k >= 0 {
            Ok(p)
        } else {
            p.recip()
        }
    }

    /// The numerator and denominator as dense polynomials in the generator `g`.
    ///
    /// # Errors
    /// [`PolyError::NotUnivariate`] when another generator occurs,
    /// [`PolyError::DegreeTooHigh`] past `max_degree`.
    pub fn to_univariate(&self, g: Gen, max_degree: usize) -> Result<(UPoly, UPoly), PolyError> {
        Ok((
            self.num.to_univariate(g, max_degree)?,
            self.den.to_univariate(g, max_degree)?,
        ))
    }

    /// The rational function as text, `(num)/(den)` or just the numerator.
    #[must_use]
    pub fn to_text(&self, names: &[String]) -> String {
        let num = self.num.to_text(names);
        if self.den == Poly::one() {
            return num;
        }
        let wrap = |s: String, p: &Poly| if p.len() > 1 { format!("({s})") } else { s };
        format!(
            "{}/{}",
            wrap(num, &self.num),
            wrap(self.den.to_text(names), &self.den)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(n: i64) -> RatFn {
        RatFn::constant(BigRational::from_integer(n.into()))
    }

    fn t(g: Gen, k: i64) -> RatFn {
        RatFn::gen_power(g, k).expect("small power")
    }

    #[test]
    fn tanh_plus_one_is_twice_sigmoid_of_twice() -> Result<(), PolyError> {
        // t = exp(x): tanh(x) = (t^2 - 1)/(t^2 + 1), sigmoid(2x) = 1/(1 + t^-2).
        let t2 = t(0, 2);
        let tanh = t2.sub(&c(1))?.mul(&t2.add(&c(1))?.recip()?)?;
        let sig = c(1).add(&t(0, -2))?.recip()?;
        let lhs = tanh.add(&c(1))?;
        let rhs = c(2).mul(&sig)?;
        assert!(lhs.sub(&rhs)?.is_zero());
        assert!(!lhs.sub(&sig)?.is_zero());
        Ok(())
    }

    #[test]
    fn powers_and_budget() -> Result<(), PolyError> {
        let x = t(1, 1);
        let p = x.add(&c(1))?.pow(3)?;
        assert_eq!(p.num.len(), 4);
        let big: Poly = Poly::monomial(0, 1)
            .add(&Poly::monomial(1, 1))?
            .add(&Poly::monomial(2, 1))?;
        assert!(
            matches!(big.pow(200), Err(PolyError::TooManyTerms { .. })),
            "the budget stops runaway growth"
        );
        assert_eq!(c(0).recip(), Err(PolyError::DivisionByZero));
        assert_eq!(c(0).pow(-1), Err(PolyError::DivisionByZero));
        assert_eq!(
            RatFn::gen_power(0, 1 << 40),
            Err(PolyError::ExponentOverflow)
        );
        Ok(())
    }

    #[test]
    fn to_and_from_univariate() -> Result<(), PolyError> {
        // (t^2 - 1)/(2t): one generator.
        let f = t(0, 2).sub(&c(1))?.mul(&c(2).mul(&t(0, 1))?.recip()?)?;
        let (num, den) = f.to_univariate(0, 10)?;
        assert_eq!((num.coeffs().len(), den.coeffs().len()), (3, 2));
        assert_eq!(Poly::from_univariate(&num, 0), f.num);
        assert_eq!(f.to_univariate(1, 10), Err(PolyError::NotUnivariate));
        assert_eq!(
            f.to_univariate(0, 1),
            Err(PolyError::DegreeTooHigh {
                degree: 2,
                limit: 1
            })
        );
        Ok(())
    }

    #[test]
    fn text() -> Result<(), PolyError> {
        let names = vec!["t".to_owned(), "x".to_owned()];
        let f = t(0, 2).sub(&c(1))?.mul(&t(0, 2).add(&c(1))?.recip()?)?;
        assert_eq!(f.to_text(&names), "(t^2 - 1)/(t^2 + 1)");
        let g = t(1, 1).mul(&c(3))?.mul(&t(0, -1))?;
        assert_eq!(g.to_text(&names), "3*x/t");
        assert_eq!(c(0).to_text(&names), "0");
        Ok(())
    }
}
