//! Real algebraic numbers, exactly: a rational, or the one root of a square-free
//! integer polynomial without rational roots in an open interval with rational ends
//! that are not roots. Comparisons with rationals and with each other, refinement of
//! the interval, the exact sign of another polynomial at the number, and printing
//! (radicals for roots of quadratics, else the polynomial and the interval).
//!
//! ```
//! use actsym::poly::{real_roots, UPoly, UniLimits};
//! let lim = UniLimits::DEFAULT;
//! let golden = real_roots(&UPoly::from_ints(&[-1, -1, 1]), &lim)?;
//! assert_eq!(golden[1].to_string(), "(1 + sqrt(5))/2");
//! let cubic = real_roots(&UPoly::from_ints(&[-1, -1, 0, 1]), &lim)?;
//! assert_eq!(cubic[0].to_string(), "root of x^3 - x - 1 in [1, 2]");
//! # Ok::<(), actsym::poly::PolyError>(())
//! ```

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use super::interval::Interval;
use super::quadratic::quadratic_text;
use super::roots::{real_roots, Steps, SturmSequence};
use super::univariate::{Sign, UPoly, UniLimits};
use super::zpoly::ZPoly;
use super::PolyError;

/// A real algebraic number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Algebraic {
    /// A rational number.
    Rational(BigRational),
    /// An irrational root, isolated.
    Root(IsolatedRoot),
}

/// The one root of `poly` in the open interval `(lo, hi)`: `poly` is a primitive
/// square-free integer polynomial with a positive leading coefficient and no
/// rational roots, and changes sign between `lo` and `hi`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsolatedRoot {
    poly: UPoly,
    /// `poly` in integers, for fast exact signs.
    ints: ZPoly,
    lo: BigRational,
    hi: BigRational,
    sign_lo: Sign,
}

impl IsolatedRoot {
    /// The defining polynomial.
    #[must_use]
    pub fn poly(&self) -> &UPoly {
        &self.poly
    }

    /// The lower end of the isolating interval.
    #[must_use]
    pub fn lo(&self) -> &BigRational {
        &self.lo
    }

    /// The upper end of the isolating interval.
    #[must_use]
    pub fn hi(&self) -> &BigRational {
        &self.hi
    }

    /// Halves the interval once, keeping the root inside.
    fn bisect(&mut self) {
        let m = (&self.lo + &self.hi) / BigRational::from_integer(2.into());
        // The polynomial has no rational roots, so the midpoint is not one.
        if self.ints.sign_at(&m) == self.sign_lo {
            self.lo = m;
        } else {
            self.hi = m;
        }
    }

    fn cmp_rational(&self, r: &BigRational) -> Ordering {
        if r <= &self.lo {
            Ordering::Greater
        } else if r >= &self.hi {
            Ordering::Less
        } else if self.ints.sign_at(r) == self.sign_lo {
            // The sign change, so the root, lies above r.
            Ordering::Greater
        } else {
            Ordering::Less
        }
    }
}

impl Algebraic {
    /// The root of `poly` in `(lo, hi)`; the caller guarantees that `poly` is a
    /// primitive square-free integer polynomial without rational roots with exactly
    /// one root there. Checked: the ends are not roots and the signs differ.
    pub(super) fn isolated(
        poly: UPoly,
        lo: BigRational,
        hi: BigRational,
    ) -> Result<Algebraic, PolyError> {
        let ints = ZPoly::primitive_of(&poly);
        let (sign_lo, sign_hi) = (ints.sign_at(&lo), ints.sign_at(&hi));
        if lo >= hi || sign_lo == Sign::Zero || sign_lo * sign_hi != Sign::Negative {
            return Err(PolyError::NotIsolating);
        }
        Ok(Algebraic::Root(IsolatedRoot {
            poly,
            ints,
            lo,
            hi,
            sign_lo,
        }))
    }

    /// The one root of `p` in the open interval `(lo, hi)`.
    ///
    /// # Errors
    /// [`PolyError::NotIsolating`] unless `p` has exactly one root there; past the
    /// limits.
    pub fn root_of(
        p: &UPoly,
        lo: &BigRational,
        hi: &BigRational,
        limits: &UniLimits,
    ) -> Result<Algebraic, PolyError> {
        let open = Interval::open(Some(lo.clone()), Some(hi.clone()));
        let mut found = real_roots(p, limits)?
            .into_iter()
            .filter(|r| r.lies_in(&open));
        match (found.next(), found.next()) {
            (Some(r), None) => Ok(r),
            _ => Err(PolyError::NotIsolating),
        }
    }

    /// The rational value, if rational.
    #[must_use]
    pub fn as_rational(&self) -> Option<&BigRational> {
        match self {
            Algebraic::Rational(r) => Some(r),
            Algebraic::Root(_) => None,
        }
    }

    /// Halves the isolating interval once (nothing for a rational).
    pub(super) fn bisect_once(&mut self) {
        if let Algebraic::Root(x) = self {
            x.bisect();
        }
    }

    /// Rational bounds `(lo, hi)`: equal for a rational, else the open isolating
    /// interval.
    #[must_use]
    pub fn enclosure(&self) -> (BigRational, BigRational) {
        match self {
            Algebraic::Rational(r) => (r.clone(), r.clone()),
            Algebraic::Root(x) => (x.lo.clone(), x.hi.clone()),
        }
    }

    /// The comparison with a rational, exactly.
    #[must_use]
    pub fn cmp_rational(&self, r: &BigRational) -> Ordering {
        match self {
            Algebraic::Rational(a) => a.cmp(r),
            Algebraic::Root(x) => x.cmp_rational(r),
        }
    }

    /// Whether the number lies in `interval`.
    #[must_use]
    pub fn lies_in(&self, interval: &Interval) -> bool {
        let above = interval.lo.as_ref().is_none_or(|(a, closed)| {
            let o = self.cmp_rational(a);
            o == Ordering::Greater || (*closed && o == Ordering::Equal)
        });
        let below = interval.hi.as_ref().is_none_or(|(b, closed)| {
            let o = self.cmp_rational(b);
            o == Ordering::Less || (*closed && o == Ordering::Equal)
        });
        above && below
    }

    /// Narrows the isolating interval to a width of at most `width` (a rational
    /// needs none).
    ///
    /// # Errors
    /// [`PolyError::TooManySteps`] past the limits.
    pub fn refine(&mut self, width: &BigRational, limits: &UniLimits) -> Result<(), PolyError> {
        if let Algebraic::Root(x) = self {
            let mut steps = Steps::new(limits);
            while &(&x.hi - &x.lo) > width {
                steps.take()?;
                x.bisect();
            }
        }
        Ok(())
    }

    /// The comparison with another algebraic number, exactly.
    ///
    /// # Errors
    /// Past the limits.
    pub fn cmp(&self, other: &Algebraic, limits: &UniLimits) -> Result<Ordering, PolyError> {
        let (a, b) = match (self, other) {
            (Algebraic::Rational(r), _) => return Ok(other.cmp_rational(r).reverse()),
            (_, Algebraic::Rational(r)) => return Ok(self.cmp_rational(r)),
            (Algebraic::Root(a), Algebraic::Root(b)) => (a, b),
        };
        let (mut a, mut b) = (a.clone(), b.clone());
        // Equal exactly when a common factor has its root in both intervals.
        let g = a.poly.gcd(&b.poly, limits)?;
        if !g.is_constant() {
            let lo = (&a.lo).max(&b.lo).clone();
            let hi = (&a.hi).min(&b.hi).clone();
            if lo < hi
                && SturmSequence::new(&g, limits)?.count(&Interval::open(Some(lo), Some(hi))) > 0
            {
                return Ok(Ordering::Equal);
            }
        }
        let mut steps = Steps::new(limits);
        loop {
            if a.hi <= b.lo {
                return Ok(Ordering::Less);
            }
            if b.hi <= a.lo {
                return Ok(Ordering::Greater);
            }
            steps.take()?;
            a.bisect();
            b.bisect();
        }
    }

    /// The exact sign of `q` at this number.
    ///
    /// # Errors
    /// Past the limits.
    pub fn sign_of(&self, q: &UPoly, limits: &UniLimits) -> Result<Sign, PolyError> {
        let x = match self {
            Algebraic::Rational(r) => return Ok(q.sign_at(r)),
            Algebraic::Root(x) => x,
        };
        if q.is_zero() {
            return Ok(Sign::Zero);
        }
        let g = x.poly.gcd(q, limits)?;
        if !g.is_constant() {
            let open = Interval::open(Some(x.lo.clone()), Some(x.hi.clone()));
            if SturmSequence::new(&g, limits)?.count(&open) > 0 {
                return Ok(Sign::Zero);
            }
        }
        // Narrow the interval until q has no root in it; then its sign there is
        // its sign at the root.
        let sturm = SturmSequence::new(q, limits)?;
        let mut x = x.clone();
        let mut steps = Steps::new(limits);
        loop {
            let closed = Interval::closed(x.lo.clone(), x.hi.clone());
            if sturm.count(&closed) == 0 {
                return Ok(q.sign_at(&x.lo));
            }
            steps.take()?;
            x.bisect();
        }
    }
}

impl fmt::Display for Algebraic {
    /// A rational as `p/q`; a root of a quadratic in radicals (`sqrt(3)`,
    /// `(1 + sqrt(5))/2`), text of the language; otherwise `root of P in [lo, hi]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = match self {
            Algebraic::Rational(r) => return write!(f, "{r}"),
            Algebraic::Root(x) => x,
        };
        if x.poly.degree() == 2 {
            let c: Vec<BigInt> = x
                .poly
                .coeffs()
                .iter()
                .map(BigRational::to_integer)
                .collect();
            let vertex = BigRational::new(-&c[1], BigInt::from(2) * &c[2]);
            let upper = x.cmp_rational(&vertex) == Ordering::Greater;
            return f.write_str(&quadratic_text(&c[2], &c[1], &c[0], upper));
        }
        write!(f, "root of {} in [{}, {}]", x.poly.to_text("x"), x.lo, x.hi)
    }
}

impl Algebraic {
    /// The number as text of the language when it has one (a rational or a root of
    /// a quadratic), else `None`.
    #[must_use]
    pub fn to_expression_text(&self) -> Option<String> {
        match self {
            Algebraic::Root(x) if x.poly.degree() != 2 => None,
            _ => Some(self.to_string()),
        }
    }

    /// Whether this is `0`.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.as_rational().is_some_and(Zero::is_zero)
    }

    /// Whether this is negative.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.cmp_rational(&BigRational::zero()) == Ordering::Less
    }
}
