//! Intervals of one variable and linear conditions on them: where a piecewise node's
//! condition changes sign, and which branch holds on a region.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::normal::{Generator, Normalizer};
use crate::expr::{ExprId, Graph, Symbol};

pub use crate::poly::Interval;

/// A condition `a*v + b` linear in one variable `v` with rational coefficients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linear {
    /// The variable.
    pub var: Symbol,
    /// The coefficient of the variable (non-zero).
    pub slope: BigRational,
    /// The constant term.
    pub offset: BigRational,
}

impl Linear {
    /// The root `-b/a`.
    #[must_use]
    pub fn root(&self) -> BigRational {
        -&self.offset / &self.slope
    }

    /// The sign of the condition at `p`.
    #[must_use]
    pub fn sign_at(&self, p: &BigRational) -> Ordering {
        (&self.slope * p + &self.offset).cmp(&BigRational::zero())
    }

    /// The sign of the condition throughout the interior of `iv`, if it is constant
    /// there (the root is not inside).
    #[must_use]
    pub fn sign_on(&self, iv: &Interval) -> Option<Ordering> {
        if iv.interior_contains(&self.root()) {
            return None;
        }
        Some(self.sign_at(&iv.sample()))
    }
}

/// What the expression `c` is as a condition: a rational constant, linear in one
/// variable, or something else (`None`).
pub enum Shape {
    /// A rational constant.
    Constant(BigRational),
    /// Linear in one variable.
    Linear(Linear),
}

/// Recognises a constant or a linear function of one variable.
#[must_use]
pub fn shape_of(g: &Graph, c: ExprId) -> Option<Shape> {
    let mut n = Normalizer::new(g, &[c]);
    let f = n.normalize(g, c)?;
    let den = f.den.as_constant()?;
    if den.is_zero() {
        return None;
    }
    let mut var: Option<u32> = None;
    let mut slope = BigRational::zero();
    let mut offset = BigRational::zero();
    for (m, coeff) in f.num.terms() {
        match m.factors() {
            [] => offset = coeff / &den,
            [(gen, 1)] if var.is_none_or(|v| v == *gen) => {
                var = Some(*gen);
                slope = coeff / &den;
            }
            _ => return None,
        }
    }
    match var {
        None => Some(Shape::Constant(offset)),
        Some(gen) => match n.generators().get(gen as usize) {
            Some(Generator::Var(s)) if !slope.is_zero() => Some(Shape::Linear(Linear {
                var: *s,
                slope,
                offset,
            })),
            _ => None,
        },
    }
}

/// The sign of a rational as an ordering against zero.
#[must_use]
pub fn sign_of(r: &BigRational) -> Ordering {
    if r.is_positive() {
        Ordering::Greater
    } else if r.is_negative() {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}
