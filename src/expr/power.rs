//! The smart constructor of powers, `Graph::pow`, and its exact folding of rational
//! powers: integer powers of rationals within the constant-size limit, square roots
//! with their square factors pulled out (`sqrt(8) -> 2*sqrt(2)`), exact roots of
//! perfect powers. The canonical-form rules common to all constructors are in
//! `build.rs`.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::{BigRational, ExprId, Func, Graph, Node};

/// The number of bits of a rational (numerator plus denominator).
fn bits(r: &BigRational) -> u64 {
    r.numer().bits() + r.denom().bits()
}

impl Graph {
    /// A canonical power `base ^ exp`.
    pub fn pow(&mut self, base: ExprId, exp: ExprId) -> ExprId {
        if self.any_undefined(&[base, exp]) {
            return self.undefined();
        }
        if let Some(e) = self.as_num(exp).cloned() {
            if e.is_zero() && self.info(base).total {
                return self.int(1);
            }
            if e.is_one() {
                return base;
            }
            if let Some(b) = self.as_num(base).cloned() {
                if let Some(folded) = self.fold_pow(&b, &e) {
                    return folded;
                }
            }
            // (u^(2m))^(p/2) = (abs(u)^m)^p for odd p: with z = abs(u)^m >= 0 and
            // u^(2m) = z^2, both sides are defined exactly where z is and z^p is
            // (z = 0 needs p > 0), so sqrt(u^2) = abs(u) and (u^2)^(-1/2) = 1/abs(u).
            if e.denom() == &BigInt::from(2) {
                if let Node::Pow(b, a) = self.node(base).clone() {
                    if let Some(a) = self.as_num(a).cloned() {
                        let two = BigRational::from_integer(BigInt::from(2));
                        if a.is_integer() && (a.to_integer() % 2u32).is_zero() && !a.is_zero() {
                            let m = self.num(a / two);
                            let abs = self.func(Func::Abs, b);
                            let z = self.pow(abs, m);
                            let p = self.num(BigRational::from_integer(e.numer().clone()));
                            return self.pow(z, p);
                        }
                    }
                }
            }
            if e.is_integer() {
                let k = e.to_integer();
                // abs(u)^(2j) = u^(2j).
                if let Node::Func(Func::Abs, u) = self.node(base).clone() {
                    if (&k % 2u32).is_zero() {
                        return self.pow(u, exp);
                    }
                }
                match self.node(base).clone() {
                    // (u^a)^k = u^(a k) for integer a, unless both are negative
                    // or k = 0 (u^a may be undefined where u is not)
                    // ((x^-1)^-1 is undefined at 0, x is not).
                    Node::Pow(b, a) => {
                        if let Some(a) = self.as_num(a).cloned() {
                            // A positive base takes any rational a: (2^(1/2))^-1 = 2^(-1/2).
                            let positive = self.info(b).sign == super::SignInfo::Positive
                                && self.info(b).total;
                            // A positive fractional a with a*k fractional: both sides are
                            // defined exactly where u > 0 (k < 0) or u >= 0 (k > 0), so
                            // (u^(1/2))^(-1) = u^(-1/2) and 1/sqrt(u) round-trips.
                            let kr = BigRational::from_integer(k.clone());
                            let fractional = a.is_positive()
                                && !a.is_integer()
                                && !(a.clone() * &kr).is_integer();
                            if !k.is_zero()
                                && (positive
                                    || fractional
                                    || (a.is_integer() && !(a.is_negative() && k.is_negative())))
                            {
                                let prod = self.num(a * BigRational::from_integer(k));
                                return self.pow(b, prod);
                            }
                        }
                    }
                    // (a*b)^k = a^k * b^k for integer k.
                    Node::Mul(fs) => {
                        let parts: Vec<ExprId> = fs.iter().map(|&f| self.pow(f, exp)).collect();
                        return self.mul(parts);
                    }
                    _ => {}
                }
            }
        } else if let Some(b) = self.as_num(base) {
            if b.is_one() && self.info(exp).total {
                return self.int(1);
            }
        }
        self.intern(Node::Pow(base, exp))
    }

    /// Folds `b^e` for rationals when the result is rational and not too large.
    fn fold_pow(&mut self, b: &BigRational, e: &BigRational) -> Option<ExprId> {
        if b.is_zero() {
            return if e.is_positive() {
                Some(self.int(0))
            } else {
                None // 0^negative is undefined: keep the node, the evaluator reports it
            };
        }
        if b.is_one() {
            return Some(self.int(1));
        }
        let q = e.denom().to_u32()?;
        let p = e.numer().to_i64()?;
        // Take the q-th root first (exact or not), then the integer power.
        let root = if q == 1 {
            b.clone()
        } else {
            if b.is_negative() {
                return None; // a fractional power of a negative number is undefined
            }
            match (exact_root(b.numer(), q), exact_root(b.denom(), q)) {
                (Some(n), Some(d)) => BigRational::new(n, d),
                _ if q == 2 && p.abs() > 1 => {
                    // b^(k/2) = b^j * b^(r/2) with k = 2j + r, r = ±1: 2^(3/2) = 2*sqrt(2).
                    let r = p.signum();
                    let j = (p - r) / 2;
                    let whole = self.fold_pow(b, &BigRational::from_integer(BigInt::from(j)))?;
                    let half = self.frac(r, 2);
                    let root = self.pow_num_half(b, half);
                    return Some(self.mul(vec![whole, root]));
                }
                _ => return self.fold_sqrt_factors(b, e),
            }
        };
        let size = bits(&root).saturating_mul(p.unsigned_abs());
        if size > self.limits.max_constant_bits {
            return None;
        }
        let mag = num_traits::pow(root, p.unsigned_abs() as usize);
        Some(if p < 0 {
            self.num(mag.recip())
        } else {
            self.num(mag)
        })
    }

    /// `b^(±1/2)` for a positive rational `b`, with square factors pulled out.
    fn pow_num_half(&mut self, b: &BigRational, half: ExprId) -> ExprId {
        let e = self.as_num(half).cloned().unwrap_or_default();
        match self.fold_sqrt_factors(b, &e) {
            Some(id) => id,
            None => {
                let bn = self.num(b.clone());
                self.intern(Node::Pow(bn, half))
            }
        }
    }

    /// `r^(1/2)` and `r^(-1/2)` for a positive rational `r` that is not a square:
    /// pulls square factors out (`sqrt(8) = 2*sqrt(2)`, `sqrt(1/2) = sqrt(2)/2`,
    /// `8^(-1/2) = 2^(-1/2)/2`). Other fractional powers stay as written.
    fn fold_sqrt_factors(&mut self, b: &BigRational, e: &BigRational) -> Option<ExprId> {
        let k = e.numer().to_i64()?;
        if e.denom() != &BigInt::from(2) || k.abs() != 1 || bits(b) > 64 {
            return None;
        }
        // sqrt(n/d) = sqrt(n*d)/d, and n*d = s^2 * f.
        let nd = (b.numer() * b.denom()).to_u128()?;
        let (mut s, mut f) = (1u128, nd);
        let mut p = 2u128;
        while p * p <= f && p < 100_000 {
            while f % (p * p) == 0 {
                f /= p * p;
                s *= p;
            }
            p += 1;
        }
        if s == 1 && b.denom().is_one() {
            return None; // nothing to pull out
        }
        let coeff = BigRational::new(BigInt::from(s), b.denom().clone());
        let coeff = if k > 0 { coeff } else { coeff.recip() };
        let fnode = self.num(BigRational::from_integer(BigInt::from(f)));
        let half = self.frac(k, 2);
        let root = self.intern(Node::Pow(fnode, half));
        let cn = self.num(coeff);
        Some(self.intern(Node::Mul(vec![cn, root].into())))
    }
}

/// The exact integer q-th root of `n >= 0`, if there is one.
fn exact_root(n: &BigInt, q: u32) -> Option<BigInt> {
    if n.is_negative() {
        return None;
    }
    let r = n.nth_root(q);
    if num_traits::pow(r.clone(), q as usize) == *n {
        Some(r)
    } else {
        None
    }
}
