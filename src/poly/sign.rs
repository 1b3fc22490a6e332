//! The exact sign of a univariate rational function `num/den` over Q on an interval:
//! the interval is cut at the real roots of `num` and `den` that lie in it (exact
//! algebraic numbers), and each stretch between them has one sign, found at one
//! rational point of it.
//!
//! ```
//! use actsym::poly::{sign_on_interval, Interval, Sign, UPoly, UniLimits};
//! use num_rational::BigRational;
//! // t/(1 + t)^2 - 1/4 = -(t - 1)^2 / (4 (1 + t)^2): at most 0 for t > 0, 0 at t = 1.
//! let num = UPoly::from_ints(&[-1, 2, -1]);
//! let den = UPoly::from_ints(&[4, 8, 4]);
//! let t_positive = Interval::open(Some(BigRational::from_integer(0.into())), None);
//! let chart = sign_on_interval(&num, &den, &t_positive, &UniLimits::DEFAULT)?;
//! assert!(chart.find(|s| s == Sign::Positive).is_none());
//! let (at, sign) = chart.find(|s| s == Sign::Zero).expect("attained");
//! assert_eq!((at.to_string(), sign), ("1".to_owned(), Sign::Zero));
//! # Ok::<(), actsym::poly::PolyError>(())
//! ```

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::One;

use super::algebraic::Algebraic;
use super::interval::Interval;
use super::roots::{real_roots, simplest_between, Steps};
use super::univariate::{Sign, UPoly, UniLimits};
use super::PolyError;

/// What happens at a point where the numerator or the denominator vanishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointKind {
    /// The numerator vanishes, the denominator does not: the value is 0.
    Zero,
    /// The denominator vanishes, the numerator does not.
    Pole,
    /// Both vanish (the quotient as written is undefined there).
    Both,
}

/// One part of a [`SignChart`], in increasing order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// A maximal stretch of the interval free of zeros and poles, where the sign is
    /// constant; `sample` is a rational point of it.
    Stretch {
        /// A rational point of the stretch (inside it unless it is a single point).
        sample: BigRational,
        /// The sign throughout the stretch.
        sign: Sign,
    },
    /// A point of the interval where the numerator or the denominator vanishes.
    Point {
        /// Where, exactly.
        at: Algebraic,
        /// Which vanishes.
        kind: PointKind,
    },
}

/// The sign of `num/den` throughout an interval: stretches and points, in
/// increasing order, covering the interval.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SignChart {
    parts: Vec<Part>,
}

impl SignChart {
    /// The parts, in increasing order.
    #[must_use]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The first point where the function is defined and its sign satisfies `pred`:
    /// a stretch's rational sample or a zero, with the sign there.
    #[must_use]
    pub fn find(&self, pred: impl Fn(Sign) -> bool) -> Option<(Algebraic, Sign)> {
        self.parts.iter().find_map(|part| match part {
            Part::Stretch { sample, sign } if pred(*sign) => {
                Some((Algebraic::Rational(sample.clone()), *sign))
            }
            Part::Point {
                at,
                kind: PointKind::Zero,
            } if pred(Sign::Zero) => Some((at.clone(), Sign::Zero)),
            _ => None,
        })
    }

    /// The one sign of the function at every point of the interval where it is
    /// defined, if there is one (`None` also for an interval where it is nowhere
    /// defined).
    #[must_use]
    pub fn constant_sign(&self) -> Option<Sign> {
        let mut signs = self.parts.iter().filter_map(|part| match part {
            Part::Stretch { sign, .. } => Some(*sign),
            Part::Point {
                kind: PointKind::Zero,
                ..
            } => Some(Sign::Zero),
            Part::Point { .. } => None,
        });
        let first = signs.next()?;
        signs.all(|s| s == first).then_some(first)
    }

    /// The points where the denominator vanishes.
    pub fn poles(&self) -> impl Iterator<Item = &Algebraic> {
        self.parts.iter().filter_map(|part| match part {
            Part::Point {
                at,
                kind: PointKind::Pole | PointKind::Both,
            } => Some(at),
            _ => None,
        })
    }
}

/// The sign chart of `num/den` on `interval`.
///
/// # Errors
/// [`PolyError::DivisionByZero`] when `den` is zero; past the limits.
pub fn sign_on_interval(
    num: &UPoly,
    den: &UPoly,
    interval: &Interval,
    limits: &UniLimits,
) -> Result<SignChart, PolyError> {
    if den.is_zero() {
        return Err(PolyError::DivisionByZero);
    }
    if interval.is_empty() {
        return Ok(SignChart::default());
    }
    let critical = if num.is_zero() {
        den.clone()
    } else {
        num.mul(den, limits.max_degree)?
    };
    let mut points = Vec::new();
    for at in real_roots(&critical, limits)? {
        if !at.lies_in(interval) {
            continue;
        }
        let kind = match (at.sign_of(num, limits)?, at.sign_of(den, limits)?) {
            (_, s) if s != Sign::Zero => PointKind::Zero,
            (Sign::Zero, _) => PointKind::Both,
            _ => PointKind::Pole,
        };
        points.push((at, kind));
    }
    let sign_at = |s: &BigRational| num.sign_at(s) * den.sign_at(s);
    let stretch = |sample: BigRational| Part::Stretch {
        sign: sign_at(&sample),
        sample,
    };
    if points.is_empty() {
        return Ok(SignChart {
            parts: vec![stretch(interval.sample())],
        });
    }
    let mut steps = Steps::new(limits);
    let mut parts = Vec::with_capacity(2 * points.len() + 1);
    // The stretch below the first point, unless the interval starts there.
    let first = &mut points[0].0;
    match &interval.lo {
        None => {
            let below = first.enclosure().0.floor() - BigRational::one();
            parts.push(stretch(below));
        }
        Some((e, _)) if first.cmp_rational(e) == Ordering::Greater => {
            separate(first, e, &mut steps)?;
            parts.push(stretch(simplest_between(e, &first.enclosure().0)));
        }
        Some(_) => {}
    }
    for i in 0..points.len() {
        if i > 0 {
            let upper = points[i - 1].0.enclosure().1;
            let lower = points[i].0.enclosure().0;
            // The brackets of distinct roots are ordered; their ends are no roots.
            let sample = if upper < lower {
                simplest_between(&upper, &lower)
            } else {
                upper
            };
            parts.push(stretch(sample));
        }
        let (at, kind) = points[i].clone();
        parts.push(Part::Point { at, kind });
    }
    // The stretch above the last point, unless the interval ends there.
    let last_index = points.len() - 1;
    let last = &mut points[last_index].0;
    match &interval.hi {
        None => {
            let above = last.enclosure().1.ceil() + BigRational::one();
            parts.push(stretch(above));
        }
        Some((e, _)) if last.cmp_rational(e) == Ordering::Less => {
            separate(last, e, &mut steps)?;
            parts.push(stretch(simplest_between(&last.enclosure().1, e)));
        }
        Some(_) => {}
    }
    Ok(SignChart { parts })
}

/// Narrows the isolating interval of `x` until `e` (not equal to `x`) lies outside
/// its closure.
fn separate(x: &mut Algebraic, e: &BigRational, steps: &mut Steps) -> Result<(), PolyError> {
    loop {
        let (lo, hi) = x.enclosure();
        if e < &lo || e > &hi {
            return Ok(());
        }
        steps.take()?;
        x.bisect_once();
    }
}
