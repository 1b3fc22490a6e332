//! Real roots of univariate polynomials over Q, exactly: Sturm sequences, counts of
//! distinct roots in any interval (open, closed or infinite ends), isolation into
//! disjoint rational intervals by bisection, and recognition of rational roots.
//!
//! Sturm's theorem in the form used here: for a square-free `p` with Sturm sequence
//! `p, p', -rem(...), ...` and `V(a)` the sign variations at `a` (zeros skipped),
//! the number of roots in `(a, b]` is `V(a) - V(b)` for every `a < b`, roots at the
//! ends included: at a root the sequence has as many variations as just right of it.
//!
//! A rational root `u/v` (lowest terms) of an integer polynomial has `v` dividing
//! the leading coefficient `a_n` (the rational root theorem). So within an interval
//! isolating one root, the simplest fraction of the interval is the only candidate
//! once its denominator exceeds `|a_n|` no rational root is left: the interval is
//! halved until either the simplest fraction is a root or its denominator exceeds
//! `|a_n|`. No integer is factored.
//!
//! ```
//! use actsym::poly::{real_roots, Interval, UPoly, UniLimits};
//! use num_rational::BigRational;
//! let lim = UniLimits::DEFAULT;
//! // (2x - 1)(x^2 - 2): roots -sqrt(2), 1/2, sqrt(2).
//! let p = UPoly::from_ints(&[2, -4, -1, 2]);
//! let roots = real_roots(&p, &lim)?;
//! let text: Vec<String> = roots.iter().map(ToString::to_string).collect();
//! assert_eq!(text, ["-sqrt(2)", "1/2", "sqrt(2)"]);
//! let half = BigRational::new(1.into(), 2.into());
//! let two = BigRational::from_integer(2.into());
//! assert_eq!(actsym::poly::count_roots(&p, &Interval::closed(half.clone(), two.clone()), &lim)?, 2);
//! assert_eq!(actsym::poly::count_roots(&p, &Interval::open(Some(half), Some(two)), &lim)?, 1);
//! # Ok::<(), actsym::poly::PolyError>(())
//! ```

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::algebraic::Algebraic;
use super::interval::Interval;
use super::quadratic::split_quadratics;
use super::univariate::{Sign, UPoly, UniLimits};
use super::zpoly::ZPoly;
use super::PolyError;

/// The Sturm sequence of a square-free polynomial, each element scaled by a positive
/// rational to primitive integer coefficients (signs are what matter).
#[derive(Clone, Debug)]
pub struct SturmSequence {
    square_free: UPoly,
    chain: Vec<ZPoly>,
}

impl SturmSequence {
    /// The Sturm sequence of the square-free part of `p`.
    ///
    /// # Errors
    /// [`PolyError::ZeroPolynomial`] for zero; past the limits.
    pub fn new(p: &UPoly, limits: &UniLimits) -> Result<SturmSequence, PolyError> {
        if p.is_zero() {
            return Err(PolyError::ZeroPolynomial);
        }
        limits.check_degree(p.degree())?;
        let square_free = p.square_free_part(limits)?.primitive();
        let first = ZPoly::primitive_of(&square_free);
        let mut chain = vec![first.clone()];
        if first.degree() > 0 {
            let mut prev = first.clone();
            let mut cur = ZPoly::primitive_of(&first.derivative().to_upoly());
            while !cur.is_zero() {
                let next = prev.positive_prem(&cur).neg();
                limits.check_bits(next.bits())?;
                chain.push(cur.clone());
                prev = cur;
                cur = next;
            }
        }
        Ok(SturmSequence { square_free, chain })
    }

    /// The square-free polynomial the sequence starts with (primitive, positive
    /// leading coefficient).
    #[must_use]
    pub fn square_free(&self) -> &UPoly {
        &self.square_free
    }

    /// The exact sign of the square-free polynomial at `a`.
    pub(super) fn sign_at(&self, a: &BigRational) -> Sign {
        self.chain[0].sign_at(a)
    }

    /// The sign variations at `a` (zeros skipped).
    #[must_use]
    pub fn variations_at(&self, a: &BigRational) -> usize {
        variations(self.chain.iter().map(|p| p.sign_at(a)))
    }

    /// The sign variations at `+inf` (`positive`) or `-inf`.
    #[must_use]
    pub fn variations_at_infinity(&self, positive: bool) -> usize {
        variations(self.chain.iter().map(|p| {
            let s = Sign::of_int(&p.leading());
            if positive || p.degree() % 2 == 0 {
                s
            } else {
                -s
            }
        }))
    }

    /// The number of distinct roots in `interval`.
    #[must_use]
    pub fn count(&self, interval: &Interval) -> usize {
        if interval.is_empty() {
            return 0;
        }
        let root_at = |a: &BigRational| usize::from(self.sign_at(a) == Sign::Zero);
        // Roots in (lo, hi], then the ends adjusted.
        let (v_lo, lo_adjust) = match &interval.lo {
            None => (self.variations_at_infinity(false), 0),
            Some((a, closed)) => (self.variations_at(a), if *closed { root_at(a) } else { 0 }),
        };
        let (v_hi, hi_adjust) = match &interval.hi {
            None => (self.variations_at_infinity(true), 0),
            Some((b, closed)) => (self.variations_at(b), if *closed { 0 } else { root_at(b) }),
        };
        // A one-point interval [a, a] is not (a, a] plus a: V(a) - V(a) = 0.
        (v_lo + lo_adjust).saturating_sub(v_hi + hi_adjust)
    }
}

fn variations(signs: impl Iterator<Item = Sign>) -> usize {
    let mut last = Sign::Zero;
    let mut n = 0;
    for s in signs.filter(|&s| s != Sign::Zero) {
        if last != Sign::Zero && s != last {
            n += 1;
        }
        last = s;
    }
    n
}

/// The number of distinct real roots of `p` in `interval`.
///
/// # Errors
/// [`PolyError::ZeroPolynomial`] for zero; past the limits.
pub fn count_roots(p: &UPoly, interval: &Interval, limits: &UniLimits) -> Result<usize, PolyError> {
    Ok(SturmSequence::new(p, limits)?.count(interval))
}

/// An integer `B` above the absolute value of every complex root of `p` (Cauchy:
/// `1 + max |a_i / a_n|`, rounded up).
///
/// # Errors
/// [`PolyError::ZeroPolynomial`] for zero.
pub fn root_bound(p: &UPoly) -> Result<BigRational, PolyError> {
    let lead = p.leading();
    if lead.is_zero() {
        return Err(PolyError::ZeroPolynomial);
    }
    let max = p.coeffs()[..p.degree()]
        .iter()
        .map(|c| (c / &lead).abs())
        .max()
        .unwrap_or_else(BigRational::zero);
    Ok((max + BigRational::one()).ceil() + BigRational::one())
}

/// The simplest rational strictly between `lo` and `hi` (`lo < hi`): the one with
/// the least denominator, and among those the least absolute numerator.
#[must_use]
pub fn simplest_between(lo: &BigRational, hi: &BigRational) -> BigRational {
    if lo.is_negative() && hi.is_positive() {
        return BigRational::zero();
    }
    if !hi.is_positive() {
        return -simplest_between(&-hi, &-lo);
    }
    // 0 <= lo < hi: the continued fraction of the answer, term by term.
    let mut terms: Vec<BigInt> = Vec::new();
    let (mut a, mut b) = (lo.clone(), Some(hi.clone()));
    loop {
        let k = a.floor();
        let next = &k + BigRational::one();
        if b.as_ref().is_none_or(|b| &next < b) {
            terms.push(next.to_integer());
            break;
        }
        // k <= a < b <= k + 1: the answer is k + 1/y with y in (1/(b-k), 1/(a-k)).
        terms.push(k.to_integer());
        let b_val = b.unwrap_or_else(BigRational::zero);
        let new_a = (&b_val - &k).recip();
        b = (a != k).then(|| (&a - &k).recip());
        a = new_a;
    }
    let mut x = BigRational::from_integer(terms.pop().unwrap_or_default());
    while let Some(t) = terms.pop() {
        x = BigRational::from_integer(t) + x.recip();
    }
    x
}

/// Bisection steps counted against a limit.
pub(super) struct Steps {
    left: u64,
    limit: u64,
}

impl Steps {
    pub(super) fn new(limits: &UniLimits) -> Self {
        Steps {
            left: limits.max_steps,
            limit: limits.max_steps,
        }
    }

    pub(super) fn take(&mut self) -> Result<(), PolyError> {
        if super::budget::expired() {
            return Err(PolyError::WorkExhausted);
        }
        if self.left == 0 {
            return Err(PolyError::TooManySteps { limit: self.limit });
        }
        self.left -= 1;
        Ok(())
    }
}

/// The distinct real roots of `p`, in increasing order: rational roots exactly,
/// the others as isolating intervals of their defining polynomial (the square-free
/// part of `p` with its rational roots divided out).
///
/// # Errors
/// [`PolyError::ZeroPolynomial`] for zero; past the limits.
pub fn real_roots(p: &UPoly, limits: &UniLimits) -> Result<Vec<Algebraic>, PolyError> {
    let sturm = SturmSequence::new(p, limits)?;
    let sf = sturm.square_free().clone();
    if sf.is_constant() {
        return Ok(Vec::new());
    }
    let mut steps = Steps::new(limits);
    let bound = root_bound(&sf)?;
    let at = |x: BigRational| {
        let v = sturm.variations_at(&x);
        (x, v)
    };
    // Ends with their variations; the ends are never roots, so the roots inside
    // number `va - vb`.
    let mut stack = vec![(at(-bound.clone()), at(bound))];
    let mut exact: Vec<BigRational> = Vec::new();
    let mut isolated: Vec<(BigRational, BigRational)> = Vec::new();
    let two = BigRational::from_integer(2.into());
    while let Some(((a, va), (b, vb))) = stack.pop() {
        match va.saturating_sub(vb) {
            0 => continue,
            1 => {
                isolated.push((a, b));
                continue;
            }
            _ => {}
        }
        steps.take()?;
        let m = (&a + &b) / &two;
        if sturm.sign_at(&m) == Sign::Zero {
            // Step off the root on both sides, to points that are not roots with no
            // other root between them.
            let mut d = (&b - &a) / BigRational::from_integer(4.into());
            let (l, r) = loop {
                steps.take()?;
                let (l, r) = (at(&m - &d), at(&m + &d));
                if sf.sign_at(&l.0) != Sign::Zero
                    && sf.sign_at(&r.0) != Sign::Zero
                    && l.1.saturating_sub(r.1) == 1
                {
                    break (l, r);
                }
                d /= &two;
            };
            stack.push(((a, va), l));
            stack.push((r, (b, vb)));
            exact.push(m);
        } else {
            let mid = at(m);
            stack.push(((a, va), mid.clone()));
            stack.push((mid, (b, vb)));
        }
    }
    let lead = sf.leading().to_integer().abs();
    let mut irrational = Vec::new();
    for (lo, hi) in isolated {
        match identify(&sturm.chain[0], lo, hi, &lead, &mut steps)? {
            Identified::Rational(r) => exact.push(r),
            Identified::Irrational(lo, hi) => irrational.push((lo, hi)),
        }
    }
    // The defining polynomial of the irrational roots: the rational ones divided
    // out. The intervals still isolate them: its roots are among `sf`'s, and the
    // ends are no roots of `sf`.
    let mut defining = sf;
    for r in &exact {
        defining = defining
            .exact_div(&UPoly::linear_root(r))
            .ok_or(PolyError::NotIsolating)?;
    }
    let defining = defining.primitive();
    let mut roots: Vec<Algebraic> = exact.into_iter().map(Algebraic::Rational).collect();
    for (lo, hi) in irrational {
        roots.push(Algebraic::isolated(defining.clone(), lo, hi)?);
    }
    split_quadratics(&mut roots, &defining, &mut steps)?;
    roots.sort_by(|a, b| a.enclosure().0.cmp(&b.enclosure().0));
    Ok(roots)
}

/// What the one root in an isolating interval is.
enum Identified {
    /// A rational root.
    Rational(BigRational),
    /// No rational root: the interval (refined) still isolates it.
    Irrational(BigRational, BigRational),
}

/// Whether the root in `(lo, hi)`, which isolates one root of the primitive integer
/// polynomial `p` with leading coefficient `lead`, is rational.
fn identify(
    p: &ZPoly,
    mut lo: BigRational,
    mut hi: BigRational,
    lead: &BigInt,
    steps: &mut Steps,
) -> Result<Identified, PolyError> {
    let sign_lo = p.sign_at(&lo);
    let two = BigRational::from_integer(2.into());
    loop {
        let s = simplest_between(&lo, &hi);
        if p.sign_at(&s) == Sign::Zero {
            return Ok(Identified::Rational(s));
        }
        if s.denom() > lead {
            // Every fraction in (lo, hi) has a denominator at least this one's.
            return Ok(Identified::Irrational(lo, hi));
        }
        steps.take()?;
        // Split at the simple fraction when it is in the middle half (short ends),
        // else at the midpoint (the interval at least halves either way).
        let quarter = (&hi - &lo) / BigRational::from_integer(4.into());
        let m = if s >= &lo + &quarter && s <= &hi - &quarter {
            s
        } else {
            (&lo + &hi) / &two
        };
        match p.sign_at(&m) {
            Sign::Zero => return Ok(Identified::Rational(m)),
            s if s == sign_lo => lo = m,
            _ => hi = m,
        }
    }
}

/// The real roots of `p` in `interval`, in increasing order.
///
/// # Errors
/// See [`real_roots`].
pub fn real_roots_in(
    p: &UPoly,
    interval: &Interval,
    limits: &UniLimits,
) -> Result<Vec<Algebraic>, PolyError> {
    Ok(real_roots(p, limits)?
        .into_iter()
        .filter(|r| r.lies_in(interval))
        .collect())
}

/// The rational roots of `p`, in increasing order.
///
/// # Errors
/// See [`real_roots`].
pub fn rational_roots(p: &UPoly, limits: &UniLimits) -> Result<Vec<BigRational>, PolyError> {
    Ok(real_roots(p, limits)?
        .into_iter()
        .filter_map(|r| r.as_rational().cloned())
        .collect())
}
