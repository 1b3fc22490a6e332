//! Intervals of the real line with rational ends, each open, closed or infinite:
//! the regions of the prover's case splits and the domains of exact sign questions.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::{One, Zero};

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

    /// The closed interval `[lo, hi]`.
    #[must_use]
    pub fn closed(lo: BigRational, hi: BigRational) -> Self {
        Interval {
            lo: Some((lo, true)),
            hi: Some((hi, true)),
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
