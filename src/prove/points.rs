//! Hard sample points (the inequality route's): kinks and their neighbours, domain
//! edges, zero, tiny and huge magnitudes, and seeded random rationals; and the
//! simple candidates a counterexample is shrunk toward.

use std::collections::BTreeSet;

use num_bigint::BigInt;
use num_rational::BigRational;

use super::decide::{innermost, Context};
use crate::expr::{ExprId, Graph, Symbol};

fn rat(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn pow10(k: u32) -> BigRational {
    BigRational::from_integer(num_traits::pow(BigInt::from(10), k as usize))
}

/// The fixed hard values every variable is tried at.
#[must_use]
pub fn hard_values() -> Vec<BigRational> {
    let mut v = vec![rat(0, 1)];
    for base in [
        pow10(30).recip(),
        pow10(6).recip(),
        rat(1, 3),
        rat(1, 2),
        rat(1, 1),
        rat(3, 2),
        rat(2, 1),
        rat(3, 1),
        rat(7, 1),
        rat(30, 1),
        rat(31, 1),
        rat(50, 1),
        rat(800, 1),
        pow10(6),
    ] {
        v.push(base.clone());
        v.push(-base);
    }
    v
}

/// The roots of the piecewise conditions of the claim, one level at a time (the
/// conditions of nested piecewise nodes are found after resolving their inner nodes
/// at a sample), with neighbours at ±1e-30 and ±1/2.
#[must_use]
pub fn kink_values(g: &mut Graph, roots: &[ExprId]) -> Vec<(Symbol, BigRational)> {
    let inner = innermost(g, roots, &Context::new());
    let tiny = pow10(30).recip();
    let mut out = Vec::new();
    for (v, r) in inner.roots {
        out.push((v, r.clone()));
        for d in [tiny.clone(), rat(1, 2)] {
            out.push((v, &r + &d));
            out.push((v, &r - &d));
        }
    }
    out
}

/// A small deterministic generator (xorshift), so runs are reproducible.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A random rational of moderate size: p/q with |p| < 2^k * q for a random k.
    pub fn rational(&mut self) -> BigRational {
        let scale = 1i64 << (self.next_u64() % 12);
        let q = (self.next_u64() % 97 + 1) as i64;
        let p = (self.next_u64() % (2 * scale as u64 * q as u64 + 1)) as i64 - scale * q;
        rat(p, q)
    }
}

/// Candidate values for one variable when shrinking a counterexample, simplest first:
/// small integers, then simple fractions.
#[must_use]
pub fn simple_values() -> Vec<BigRational> {
    let mut set: BTreeSet<(i64, i64)> = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |n: i64, d: i64, out: &mut Vec<BigRational>| {
        let r = rat(n, d);
        if set.insert((
            r.numer().try_into().unwrap_or(0),
            r.denom().try_into().unwrap_or(0),
        )) {
            out.push(r);
        }
    };
    push(0, 1, &mut out);
    for n in 1..=10 {
        push(n, 1, &mut out);
        push(-n, 1, &mut out);
    }
    for d in 2..=4 {
        for n in 1..=(2 * d) {
            push(n, d, &mut out);
            push(-n, d, &mut out);
        }
    }
    out
}
