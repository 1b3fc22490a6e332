//! The coefficient rings of sparse polynomials: exact rationals whose arithmetic may
//! fail. `BigRational` never fails; a caller with fixed-size rationals (the
//! simplifier's `i128` fractions) implements [`Coeff`] with checked arithmetic, and an
//! overflow abandons the operation instead of rounding.

use num_rational::BigRational;
use num_traits::{One, Zero};

/// An exact rational coefficient type. Operations return `None` when the result does
/// not fit the type; they never round.
pub trait Coeff: Clone + PartialEq + std::fmt::Debug {
    /// The rational 0.
    fn zero() -> Self;
    /// The rational 1.
    fn one() -> Self;
    /// Whether this is 0.
    fn is_zero(&self) -> bool;
    /// Whether this is 1.
    fn is_one(&self) -> bool;
    /// `self + other`, or `None` if it does not fit.
    fn checked_add(&self, other: &Self) -> Option<Self>;
    /// `self * other`, or `None` if it does not fit.
    fn checked_mul(&self, other: &Self) -> Option<Self>;
    /// `-self`, or `None` if it does not fit.
    fn checked_neg(&self) -> Option<Self>;
}

impl Coeff for BigRational {
    fn zero() -> Self {
        Zero::zero()
    }

    fn one() -> Self {
        One::one()
    }

    fn is_zero(&self) -> bool {
        Zero::is_zero(self)
    }

    fn is_one(&self) -> bool {
        One::is_one(self)
    }

    fn checked_add(&self, other: &Self) -> Option<Self> {
        Some(self + other)
    }

    fn checked_mul(&self, other: &Self) -> Option<Self> {
        Some(self * other)
    }

    fn checked_neg(&self) -> Option<Self> {
        Some(-self)
    }
}
