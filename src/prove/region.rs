//! Intervals of one variable and linear conditions on them: where a piecewise node's
//! condition changes sign, and which branch holds on a region.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::normal::{Generator, Normalizer};
use crate::expr::{ExprId, Graph, Symbol};

/// An interval of the real line, each end open or closed, `None` for infinite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The lower end and whether it belongs to the interval.
    pub lo: Option<(BigRational, bool)>,
    /// The upper end and whether it belongs to the interval.
    pub hi: Option<(BigRational, bool)>,
}

impl Interval {
    /// The whole real line.
    #[must_use]
    pub fn line() -> Self {
        Interval { lo: None, hi: None }
    }

    /// The open interval between two optional ends.
    #[must_use]
    pub fn open(lo: Option<BigRational>, hi: Option<BigRational>) -> Self {
        Interval {
            lo: lo.map(|v| (v, false)),
            hi: hi.map(|v| (v, false)),
        }
    }

    /// Whether `p` lies in the interval.
    #[must_use]
    pub fn contains(&self, p: &BigRational) -> bool {
        let above = match &self.lo {
            None => true,
            Some((v, closed)) => p > v || (*closed && p == v),
        };
        let below = match &self.hi {
            None => true,
            Some((v, closed)) => p < v || (*closed && p == v),
        };
        above && below
    }

    /// Whether `p` lies strictly inside (not at a closed end).
    #[must_use]
    pub fn interior_contains(&self, p: &BigRational) -> bool {
        self.lo.as_ref().is_none_or(|(v, _)| p > v) && self.hi.as_ref().is_none_or(|(v, _)| p < v)
    }

    /// Whether the interval has no points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match (&self.lo, &self.hi) {
            (Some((a, ca)), Some((b, cb))) => a > b || (a == b && !(*ca && *cb)),
            _ => false,
        }
    }

    /// The intersection with another interval.
    #[must_use]
    pub fn intersect(&self, other: &Interval) -> Interval {
        let lo = match (&self.lo, &other.lo) {
            (None, x) | (x, None) => x.clone(),
            (Some(a), Some(b)) => Some(match a.0.cmp(&b.0) {
                Ordering::Greater => a.clone(),
                Ordering::Less => b.clone(),
                Ordering::Equal => (a.0.clone(), a.1 && b.1),
            }),
        };
        let hi = match (&self.hi, &other.hi) {
            (None, x) | (x, None) => x.clone(),
            (Some(a), Some(b)) => Some(match a.0.cmp(&b.0) {
                Ordering::Less => a.clone(),
                Ordering::Greater => b.clone(),
                Ordering::Equal => (a.0.clone(), a.1 && b.1),
            }),
        };
        Interval { lo, hi }
    }

    /// A simple rational point strictly inside a non-empty open part of the interval:
    /// an integer when one fits, else the midpoint.
    #[must_use]
    pub fn sample(&self) -> BigRational {
        let one = BigRational::one();
        match (&self.lo, &self.hi) {
            (None, None) => BigRational::zero(),
            (Some((a, _)), None) => (a + &one).floor(),
            (None, Some((b, _))) => (b - &one).ceil(),
            (Some((a, _)), Some((b, _))) => {
                let k = (a + &one).floor();
                if &k > a && &k < b {
                    k
                } else {
                    (a + b) / BigRational::from_integer(2.into())
                }
            }
        }
    }

    /// The interval as text, e.g. `x < 0`, `0 < x < 1`, `x >= 2`, `x any`.
    #[must_use]
    pub fn describe(&self, var: &str) -> String {
        let lo = self
            .lo
            .as_ref()
            .map(|(v, c)| format!("{v} {} ", if *c { "<=" } else { "<" }));
        let hi = self
            .hi
            .as_ref()
            .map(|(v, c)| format!(" {} {v}", if *c { "<=" } else { "<" }));
        match (lo, hi) {
            (None, None) => format!("{var} real"),
            (lo, hi) => format!("{}{var}{}", lo.unwrap_or_default(), hi.unwrap_or_default()),
        }
    }
}

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
