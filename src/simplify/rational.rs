//! Small exact rationals for the coefficients of expanded polynomials: `i128`
//! numerator and denominator in lowest terms, with checked arithmetic. An operation
//! that would overflow returns `None` and the expansion that needed it is
//! abandoned (the sum keeps its form), so results stay exact. They are the
//! coefficients ([`crate::poly::Coeff`]) of the simplifier's polynomials.

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::expr::BigRational;

/// An exact rational `n/d` with `d > 0` and `gcd(n, d) = 1`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Q {
    n: i128,
    d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // Only gcd(MIN, 0) or gcd(MIN, MIN) exceeds i128::MAX; callers never divide by it.
    i128::try_from(a).unwrap_or(1)
}

impl Q {
    pub(super) const ZERO: Q = Q { n: 0, d: 1 };
    pub(super) const ONE: Q = Q { n: 1, d: 1 };

    /// `n/d` in lowest terms; `None` for `d = 0` or on overflow.
    fn new(n: i128, d: i128) -> Option<Q> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        Some(Q { n, d })
    }

    /// The value of a big rational, if it fits.
    pub(super) fn from_big(r: &BigRational) -> Option<Q> {
        Q::new(r.numer().to_i128()?, r.denom().to_i128()?)
    }

    pub(super) fn to_big(self) -> BigRational {
        // Already in lowest terms with a positive denominator.
        BigRational::new_raw(BigInt::from(self.n), BigInt::from(self.d))
    }

    pub(super) fn is_zero(self) -> bool {
        self.n == 0
    }

    pub(super) fn is_one(self) -> bool {
        self.n == 1 && self.d == 1
    }

    pub(super) fn add(self, o: Q) -> Option<Q> {
        if self.d == o.d {
            return Q::new(self.n.checked_add(o.n)?, self.d);
        }
        let g = gcd(self.d, o.d);
        let (da, db) = (self.d / g, o.d / g);
        let n = self.n.checked_mul(db)?.checked_add(o.n.checked_mul(da)?)?;
        Q::new(n, self.d.checked_mul(db)?)
    }

    pub(super) fn mul(self, o: Q) -> Option<Q> {
        let g1 = gcd(self.n, o.d);
        let g2 = gcd(o.n, self.d);
        let n = (self.n / g1).checked_mul(o.n / g2)?;
        let d = (self.d / g2).checked_mul(o.d / g1)?;
        Q::new(n, d)
    }

    pub(super) fn neg(self) -> Option<Q> {
        Some(Q {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }
}

impl crate::poly::Coeff for Q {
    fn zero() -> Self {
        Q::ZERO
    }

    fn one() -> Self {
        Q::ONE
    }

    fn is_zero(&self) -> bool {
        Q::is_zero(*self)
    }

    fn is_one(&self) -> bool {
        Q::is_one(*self)
    }

    fn checked_add(&self, other: &Self) -> Option<Self> {
        self.add(*other)
    }

    fn checked_mul(&self, other: &Self) -> Option<Self> {
        self.mul(*other)
    }

    fn checked_neg(&self) -> Option<Self> {
        self.neg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_exact_and_overflow_fails() {
        let half = Q::new(1, 2).unwrap_or(Q::ZERO);
        let third = Q::new(1, 3).unwrap_or(Q::ZERO);
        assert_eq!(half.add(third), Q::new(5, 6));
        assert_eq!(half.mul(third), Q::new(1, 6));
        assert_eq!(half.add(Q::new(-1, 2).unwrap_or(Q::ZERO)), Some(Q::ZERO));
        let big = Q::new(i128::MAX, 1).unwrap_or(Q::ZERO);
        assert_eq!(big.mul(big), None);
        assert_eq!(big.add(Q::ONE), None);
        assert_eq!(Q::new(3, -6), Q::new(-1, 2));
    }
}
