//! Roots of rational quadratics: recognising that two real roots of a polynomial are
//! the roots of one quadratic factor over Q (so they print in radicals), and the
//! radical text itself.
//!
//! Two real roots `a`, `b` of a primitive integer polynomial `D` are the roots of a
//! rational quadratic `x^2 - s x + p` exactly when `s = a + b` and `p = a b` are
//! rational; then (Gauss's lemma) their denominators divide the leading coefficient
//! `l` of `D`. Once the enclosures of `s` and `p` are narrower than `1/(2 l^2)` each
//! holds at most one fraction with such a denominator, its simplest fraction; the
//! candidate is accepted only if it divides `D` exactly with a root in each
//! isolating interval.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::algebraic::Algebraic;
use super::roots::{simplest_between, Steps};
use super::univariate::{Sign, UPoly};
use super::PolyError;

/// The most irrational roots among which quadratic factors are looked for (pairs
/// grow quadratically).
const MAX_ROOTS: usize = 12;

/// Gives the irrational roots in `roots` (all roots of `defining`) that are roots of
/// a rational quadratic factor of `defining` that quadratic as their defining
/// polynomial, and the others `defining` divided by those quadratics.
pub(super) fn split_quadratics(
    roots: &mut [Algebraic],
    defining: &UPoly,
    steps: &mut Steps,
) -> Result<(), PolyError> {
    let irrational: Vec<usize> = (0..roots.len())
        .filter(|&i| roots[i].as_rational().is_none())
        .collect();
    if defining.degree() <= 2 || irrational.len() < 2 || irrational.len() > MAX_ROOTS {
        return Ok(());
    }
    let mut rest = defining.clone();
    let mut done = vec![false; roots.len()];
    for (k, &i) in irrational.iter().enumerate() {
        for &j in &irrational[k + 1..] {
            if done[i] || done[j] || rest.degree() <= 2 {
                continue;
            }
            if let Some(q) = quadratic_through(&roots[i], &roots[j], &rest, steps)? {
                rest = rest
                    .exact_div(&q)
                    .ok_or(PolyError::NotIsolating)?
                    .primitive();
                for idx in [i, j] {
                    let (lo, hi) = roots[idx].enclosure();
                    roots[idx] = Algebraic::isolated(q.clone(), lo, hi)?;
                    done[idx] = true;
                }
            }
        }
    }
    if rest.degree() < defining.degree() {
        for &i in irrational.iter().filter(|&&i| !done[i]) {
            let (lo, hi) = roots[i].enclosure();
            roots[i] = Algebraic::isolated(rest.clone(), lo, hi)?;
        }
    }
    Ok(())
}

/// The primitive quadratic factor of `d` whose roots are `a` and `b`, if rational.
fn quadratic_through(
    a: &Algebraic,
    b: &Algebraic,
    d: &UPoly,
    steps: &mut Steps,
) -> Result<Option<UPoly>, PolyError> {
    let lead = d.leading().to_integer().abs();
    let tol = BigRational::new(BigInt::one(), BigInt::from(2) * &lead * &lead);
    let (mut a, mut b) = (a.clone(), b.clone());
    let (sum, prod) = loop {
        let ((al, ah), (bl, bh)) = (a.enclosure(), b.enclosure());
        let sum = (&al + &bl, &ah + &bh);
        let corners = [&al * &bl, &al * &bh, &ah * &bl, &ah * &bh];
        let prod = (
            corners
                .iter()
                .min()
                .cloned()
                .unwrap_or_else(BigRational::zero),
            corners
                .iter()
                .max()
                .cloned()
                .unwrap_or_else(BigRational::zero),
        );
        if &sum.1 - &sum.0 < tol && &prod.1 - &prod.0 < tol {
            break (sum, prod);
        }
        steps.take()?;
        a.bisect_once();
        b.bisect_once();
    };
    let s = simplest_between(&sum.0, &sum.1);
    let p = simplest_between(&prod.0, &prod.1);
    if s.denom() > &lead || p.denom() > &lead {
        return Ok(None);
    }
    let q = UPoly::from_coeffs(vec![p, -s, BigRational::one()]).primitive();
    if d.exact_div(&q).is_none() {
        return Ok(None);
    }
    let changes = |x: &Algebraic| {
        let (lo, hi) = x.enclosure();
        q.sign_at(&lo) * q.sign_at(&hi) == Sign::Negative
    };
    Ok((changes(&a) && changes(&b)).then_some(q))
}

/// The largest square dividing `n > 0`, found by trial division up to a bound: `(s,
/// d)` with `n = s^2 d` (`d` square-free when `n`'s prime factors are small).
fn split_square(n: &BigInt) -> (BigInt, BigInt) {
    const TRIAL_LIMIT: u32 = 10_000;
    let mut d = n.clone();
    let mut s = BigInt::one();
    let root = d.sqrt();
    if &root * &root == d {
        return (root, BigInt::one());
    }
    for f in 2..TRIAL_LIMIT {
        let f = BigInt::from(f);
        let f2 = &f * &f;
        if f2 > d {
            break;
        }
        while (&d % &f2).is_zero() {
            d /= &f2;
            s *= &f;
        }
    }
    (s, d)
}

/// The root of `a x^2 + b x + c` (integers, `a > 0`, irrational roots) above the
/// vertex (`upper`) or below it, in radicals.
pub(super) fn quadratic_text(a: &BigInt, b: &BigInt, c: &BigInt, upper: bool) -> String {
    let disc = b * b - BigInt::from(4) * a * c;
    let (s, d) = split_square(&disc);
    // x = (-b ± s sqrt(d)) / (2a), reduced by the common factor.
    let den = BigInt::from(2) * a;
    let g = b.gcd(&s).gcd(&den);
    let (nb, s, den) = (-b / &g, s / &g, den / &g);
    let radical = if s.is_one() {
        format!("sqrt({d})")
    } else {
        format!("{s}*sqrt({d})")
    };
    let num = match (nb.is_zero(), upper) {
        (true, true) => radical,
        (true, false) => format!("-{radical}"),
        (false, true) => format!("{nb} + {radical}"),
        (false, false) => format!("{nb} - {radical}"),
    };
    if den.is_one() {
        num
    } else if nb.is_zero() {
        format!("{num}/{den}")
    } else {
        format!("({num})/{den}")
    }
}
