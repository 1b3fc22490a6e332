//! Dense univariate polynomials over Q: arithmetic, division with remainder, gcds,
//! derivatives and square-free decomposition, all exact.
//!
//! Gcds run Euclid's algorithm with every remainder replaced by its primitive
//! integer part, so coefficients stay about as large as the subresultants' instead of
//! growing exponentially; every such step is checked against [`UniLimits`] and fails
//! with a [`PolyError`] past them.
//!
//! ```
//! use actsym::poly::{UPoly, UniLimits};
//! let lim = UniLimits::DEFAULT;
//! // p = (x - 1)^2 (x + 2): its square-free part is (x - 1)(x + 2) = x^2 + x - 2.
//! let p = UPoly::from_ints(&[2, -3, 0, 1]);
//! assert_eq!(p.square_free_part(&lim)?, UPoly::from_ints(&[-2, 1, 1]));
//! assert_eq!(p.to_text("x"), "x^3 - 3*x + 2");
//! # Ok::<(), actsym::poly::PolyError>(())
//! ```

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::zpoly::ZPoly;
use super::PolyError;

/// Bounds on exact univariate work: the degree of any polynomial formed, the bits of
/// any integer coefficient in a remainder sequence, and the bisection steps of one
/// root isolation or refinement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniLimits {
    /// The highest degree.
    pub max_degree: usize,
    /// The most bits of a coefficient's numerator or denominator.
    pub max_bits: u64,
    /// The most bisection steps of one call.
    pub max_steps: u64,
}

impl UniLimits {
    /// Degree 256, 65,536-bit coefficients, 100,000 bisection steps.
    pub const DEFAULT: UniLimits = UniLimits {
        max_degree: 256,
        max_bits: 65_536,
        max_steps: 100_000,
    };

    pub(super) fn check_degree(&self, degree: usize) -> Result<(), PolyError> {
        if degree > self.max_degree {
            return Err(PolyError::DegreeTooHigh {
                degree,
                limit: self.max_degree,
            });
        }
        Ok(())
    }

    pub(super) fn check_bits(&self, bits: u64) -> Result<(), PolyError> {
        if super::budget::expired() {
            return Err(PolyError::WorkExhausted);
        }
        if bits > self.max_bits {
            return Err(PolyError::CoefficientTooLarge {
                bits,
                limit: self.max_bits,
            });
        }
        Ok(())
    }
}

impl Default for UniLimits {
    fn default() -> Self {
        UniLimits::DEFAULT
    }
}

/// The sign of a rational quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sign {
    /// Below zero.
    Negative,
    /// Zero.
    Zero,
    /// Above zero.
    Positive,
}

impl Sign {
    /// The sign of `r`.
    #[must_use]
    pub fn of(r: &BigRational) -> Sign {
        Sign::from_ordering(r.cmp(&BigRational::zero()))
    }

    /// The sign of an integer.
    #[must_use]
    pub fn of_int(n: &BigInt) -> Sign {
        Sign::from_ordering(n.cmp(&BigInt::zero()))
    }

    /// `Less` is negative, `Equal` zero, `Greater` positive.
    #[must_use]
    pub fn from_ordering(o: Ordering) -> Sign {
        match o {
            Ordering::Less => Sign::Negative,
            Ordering::Equal => Sign::Zero,
            Ordering::Greater => Sign::Positive,
        }
    }

    /// The sign as an ordering against zero.
    #[must_use]
    pub fn to_ordering(self) -> Ordering {
        match self {
            Sign::Negative => Ordering::Less,
            Sign::Zero => Ordering::Equal,
            Sign::Positive => Ordering::Greater,
        }
    }
}

impl std::ops::Mul for Sign {
    type Output = Sign;

    /// The sign of a product.
    fn mul(self, other: Sign) -> Sign {
        match (self, other) {
            (Sign::Zero, _) | (_, Sign::Zero) => Sign::Zero,
            (a, b) if a == b => Sign::Positive,
            _ => Sign::Negative,
        }
    }
}

impl std::ops::Neg for Sign {
    type Output = Sign;

    /// The opposite sign.
    fn neg(self) -> Sign {
        match self {
            Sign::Negative => Sign::Positive,
            Sign::Zero => Sign::Zero,
            Sign::Positive => Sign::Negative,
        }
    }
}

/// A polynomial in one variable with exact rational coefficients, constant term
/// first, without trailing zeros (the zero polynomial has no coefficients).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct UPoly(Vec<BigRational>);

fn int(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

impl UPoly {
    /// The polynomial with coefficients `coeffs`, constant term first (trailing
    /// zeros dropped).
    #[must_use]
    pub fn from_coeffs(coeffs: Vec<BigRational>) -> UPoly {
        UPoly(coeffs).trimmed()
    }

    /// The polynomial with integer coefficients `coeffs`, constant term first.
    #[must_use]
    pub fn from_ints(coeffs: &[i64]) -> UPoly {
        UPoly::from_coeffs(coeffs.iter().map(|&c| int(c)).collect())
    }

    /// The zero polynomial.
    #[must_use]
    pub fn zero() -> UPoly {
        UPoly(Vec::new())
    }

    /// The constant `c`.
    #[must_use]
    pub fn constant(c: BigRational) -> UPoly {
        UPoly(vec![c]).trimmed()
    }

    /// The constant 1.
    #[must_use]
    pub fn one() -> UPoly {
        UPoly::constant(BigRational::one())
    }

    /// The polynomial `x`.
    #[must_use]
    pub fn x() -> UPoly {
        UPoly(vec![BigRational::zero(), BigRational::one()])
    }

    /// `x - r`.
    #[must_use]
    pub fn linear_root(r: &BigRational) -> UPoly {
        UPoly(vec![-r, BigRational::one()])
    }

    fn trimmed(mut self) -> UPoly {
        while self.0.last().is_some_and(Zero::is_zero) {
            self.0.pop();
        }
        self
    }

    /// Whether this is the zero polynomial.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether this is a constant (the zero polynomial included).
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.0.len() <= 1
    }

    /// The degree; 0 for the zero polynomial too.
    #[must_use]
    pub fn degree(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    /// The coefficients, constant term first.
    #[must_use]
    pub fn coeffs(&self) -> &[BigRational] {
        &self.0
    }

    /// The coefficient of `x^k`.
    #[must_use]
    pub fn coeff(&self, k: usize) -> BigRational {
        self.0.get(k).cloned().unwrap_or_else(BigRational::zero)
    }

    /// The leading coefficient (0 for the zero polynomial).
    #[must_use]
    pub fn leading(&self) -> BigRational {
        self.0.last().cloned().unwrap_or_else(BigRational::zero)
    }

    /// The value at `p` (Horner's scheme).
    #[must_use]
    pub fn eval(&self, p: &BigRational) -> BigRational {
        // Horner from the leading coefficient (not from zero: one product and one sum
        // fewer, and the pieces of `pwl` are mostly of degree 0 or 1).
        let mut coeffs = self.0.iter().rev();
        match coeffs.next() {
            None => BigRational::zero(),
            Some(lead) => coeffs.fold(lead.clone(), |acc, c| acc * p + c),
        }
    }

    /// The exact sign of the value at `p`, found in integers: with `p = u/v` and the
    /// coefficients over a common denominator, `v^n * self(u/v)` is an integer of the
    /// same sign.
    #[must_use]
    pub fn sign_at(&self, p: &BigRational) -> Sign {
        ZPoly::primitive_of(self).sign_at(p)
    }

    /// `self + other`.
    #[must_use]
    pub fn add(&self, other: &UPoly) -> UPoly {
        let n = self.0.len().max(other.0.len());
        UPoly((0..n).map(|k| self.coeff(k) + other.coeff(k)).collect()).trimmed()
    }

    /// `-self`.
    #[must_use]
    pub fn neg(&self) -> UPoly {
        UPoly(self.0.iter().map(|c| -c).collect())
    }

    /// `self - other`.
    #[must_use]
    pub fn sub(&self, other: &UPoly) -> UPoly {
        self.add(&other.neg())
    }

    /// `c * self`.
    #[must_use]
    pub fn scale(&self, c: &BigRational) -> UPoly {
        UPoly(self.0.iter().map(|a| a * c).collect()).trimmed()
    }

    /// `self * other`, if its degree is at most `max_degree`.
    ///
    /// # Errors
    /// [`PolyError::DegreeTooHigh`] past `max_degree`.
    pub fn mul(&self, other: &UPoly, max_degree: usize) -> Result<UPoly, PolyError> {
        if self.is_zero() || other.is_zero() {
            return Ok(UPoly::zero());
        }
        let degree = self.degree() + other.degree();
        if degree > max_degree {
            return Err(PolyError::DegreeTooHigh {
                degree,
                limit: max_degree,
            });
        }
        let mut out = vec![BigRational::zero(); degree + 1];
        for (i, a) in self.0.iter().enumerate() {
            for (j, b) in other.0.iter().enumerate() {
                out[i + j] += a * b;
            }
        }
        Ok(UPoly(out).trimmed())
    }

    /// `self^k`, if its degree is at most `max_degree`.
    ///
    /// # Errors
    /// [`PolyError::DegreeTooHigh`] past `max_degree`.
    pub fn pow(&self, k: u32, max_degree: usize) -> Result<UPoly, PolyError> {
        let degree = (self.degree() as u64).saturating_mul(u64::from(k));
        if degree > max_degree as u64 {
            return Err(PolyError::DegreeTooHigh {
                degree: usize::try_from(degree).unwrap_or(usize::MAX),
                limit: max_degree,
            });
        }
        (0..k).try_fold(UPoly::one(), |acc, _| acc.mul(self, max_degree))
    }

    /// The quotient and remainder of division by `d`: `self = q*d + r` with
    /// `deg r < deg d`.
    ///
    /// # Errors
    /// [`PolyError::DivisionByZero`] when `d` is zero.
    pub fn div_rem(&self, d: &UPoly) -> Result<(UPoly, UPoly), PolyError> {
        let lead = d.0.last().ok_or(PolyError::DivisionByZero)?;
        let dd = d.degree();
        let mut r = self.0.clone();
        if r.len() <= dd {
            return Ok((UPoly::zero(), self.clone()));
        }
        let mut q = vec![BigRational::zero(); r.len() - dd];
        for k in (0..q.len()).rev() {
            let c = &r[k + dd] / lead;
            if !c.is_zero() {
                for (i, b) in d.0.iter().enumerate() {
                    r[k + i] -= &c * b;
                }
            }
            q[k] = c;
        }
        r.truncate(dd);
        Ok((UPoly(q).trimmed(), UPoly(r).trimmed()))
    }

    /// The quotient of an exact division (`None` when `d` does not divide `self`).
    #[must_use]
    pub fn exact_div(&self, d: &UPoly) -> Option<UPoly> {
        let (q, r) = self.div_rem(d).ok()?;
        r.is_zero().then_some(q)
    }

    /// The derivative.
    #[must_use]
    pub fn derivative(&self) -> UPoly {
        UPoly(
            self.0
                .iter()
                .enumerate()
                .skip(1)
                .map(|(k, c)| c * int(k as i64))
                .collect(),
        )
        .trimmed()
    }

    /// The monic multiple (the zero polynomial stays zero).
    #[must_use]
    pub fn monic(&self) -> UPoly {
        match self.0.last() {
            None => UPoly::zero(),
            Some(l) => self.scale(&l.recip()),
        }
    }

    /// The primitive integer multiple with a positive leading coefficient: integer
    /// coefficients without a common factor (the zero polynomial stays zero).
    #[must_use]
    pub fn primitive(&self) -> UPoly {
        let p = self.primitive_keeping_sign();
        if p.leading().is_negative() {
            p.neg()
        } else {
            p
        }
    }

    /// The primitive integer multiple by a positive rational: same signs everywhere
    /// as `self`.
    #[must_use]
    pub fn primitive_keeping_sign(&self) -> UPoly {
        ZPoly::primitive_of(self).to_upoly()
    }

    /// The monic greatest common divisor (zero only when both are zero).
    ///
    /// # Errors
    /// Past the degree or coefficient limits.
    pub fn gcd(&self, other: &UPoly, limits: &UniLimits) -> Result<UPoly, PolyError> {
        limits.check_degree(self.degree().max(other.degree()))?;
        let (mut a, mut b) = (ZPoly::primitive_of(self), ZPoly::primitive_of(other));
        if a.degree() < b.degree() {
            std::mem::swap(&mut a, &mut b);
        }
        while !b.is_zero() {
            let r = a.positive_prem(&b);
            limits.check_bits(r.bits())?;
            a = b;
            b = r;
        }
        let a = a.to_upoly();
        Ok(a.monic())
    }

    /// The monic square-free part: the product of the distinct monic irreducible
    /// factors, `self / gcd(self, self')` (zero for the zero polynomial).
    ///
    /// # Errors
    /// Past the degree or coefficient limits.
    pub fn square_free_part(&self, limits: &UniLimits) -> Result<UPoly, PolyError> {
        if self.is_constant() {
            return Ok(self.monic());
        }
        let g = self.gcd(&self.derivative(), limits)?;
        Ok(self.exact_div(&g).ok_or(PolyError::DivisionByZero)?.monic())
    }

    /// The square-free factorisation (Yun's algorithm): monic, square-free, pairwise
    /// coprime non-constant factors `f_i` with multiplicities `m_i`, increasing, such
    /// that `self = lc * prod f_i^m_i`.
    ///
    /// # Errors
    /// Past the degree or coefficient limits.
    pub fn square_free_factors(&self, limits: &UniLimits) -> Result<Vec<(UPoly, u32)>, PolyError> {
        let mut out = Vec::new();
        if self.is_constant() {
            return Ok(out);
        }
        let f = self.monic();
        let df = f.derivative();
        let a0 = f.gcd(&df, limits)?;
        let mut b = f.exact_div(&a0).ok_or(PolyError::DivisionByZero)?;
        let c = df.exact_div(&a0).ok_or(PolyError::DivisionByZero)?;
        let mut d = c.sub(&b.derivative());
        let mut i = 1u32;
        while !b.is_constant() {
            let a = b.gcd(&d, limits)?;
            let nb = b.exact_div(&a).ok_or(PolyError::DivisionByZero)?;
            let nc = d.exact_div(&a).ok_or(PolyError::DivisionByZero)?;
            if !a.is_constant() {
                out.push((a.monic(), i));
            }
            d = nc.sub(&nb.derivative());
            b = nb;
            i += 1;
        }
        Ok(out)
    }

    /// The polynomial as text in the variable `var`, highest power first
    /// (`x^3 - x - 1`, `3/2*x^2 + 1`); it parses back as the same polynomial.
    #[must_use]
    pub fn to_text(&self, var: &str) -> String {
        if self.0.is_empty() {
            return "0".into();
        }
        let mut out = String::new();
        for (k, c) in self.0.iter().enumerate().rev() {
            if c.is_zero() {
                continue;
            }
            let mag = c.abs();
            if out.is_empty() {
                if c.is_negative() {
                    out.push('-');
                }
            } else {
                out.push_str(if c.is_negative() { " - " } else { " + " });
            }
            let power = match k {
                0 => String::new(),
                1 => var.to_owned(),
                _ => format!("{var}^{k}"),
            };
            match (power.is_empty(), mag.is_one()) {
                (true, _) => out.push_str(&mag.to_string()),
                (false, true) => out.push_str(&power),
                (false, false) => out.push_str(&format!("{mag}*{power}")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(c: &[i64]) -> UPoly {
        UPoly::from_ints(c)
    }

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn signs_values_and_text() {
        let f = UPoly::from_coeffs(vec![q(-1, 3), q(0, 1), q(3, 2)]);
        for (n, d) in [(0, 1), (1, 2), (-1, 2), (7, 3), (-100, 7), (2, 3)] {
            let at = q(n, d);
            assert_eq!(f.sign_at(&at), Sign::of(&f.eval(&at)), "at {at}");
        }
        assert_eq!(f.to_text("x"), "3/2*x^2 - 1/3");
        assert_eq!(p(&[-1, -1, 0, 1]).to_text("t"), "t^3 - t - 1");
        assert_eq!(p(&[0, -2]).to_text("x"), "-2*x");
        assert_eq!(UPoly::zero().to_text("x"), "0");
        assert_eq!(p(&[3, 0, -6]).primitive(), p(&[-1, 0, 2]));
        assert_eq!(p(&[3, 0, -6]).primitive_keeping_sign(), p(&[1, 0, -2]));
        assert_eq!(
            p(&[1, 1]).pow(300, 256),
            Err(PolyError::DegreeTooHigh {
                degree: 300,
                limit: 256
            })
        );
    }

    #[test]
    fn sign_arithmetic() {
        use Sign::{Negative as N, Positive as P, Zero as Z};
        for (a, b, prod) in [(N, N, P), (N, P, N), (P, P, P), (Z, N, Z), (P, Z, Z)] {
            assert_eq!(a * b, prod);
        }
        assert_eq!((-N, -Z, -P), (P, Z, N));
    }
}
