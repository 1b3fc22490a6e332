//! Integer polynomials, the inner loop of remainder sequences and root isolation:
//! primitive parts, pseudo-remainders scaled by a positive factor (so signs are
//! kept, as Sturm sequences need), and exact signs at rationals by Horner's scheme in
//! integers. Working in integers avoids a gcd per rational operation.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::univariate::{Sign, UPoly};

/// A polynomial with integer coefficients, constant term first, no trailing zeros.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(super) struct ZPoly(Vec<BigInt>);

impl ZPoly {
    /// A positive rational multiple of `p` with coprime integer coefficients (same
    /// sign everywhere as `p`).
    pub(super) fn primitive_of(p: &UPoly) -> ZPoly {
        let lcm = p
            .coeffs()
            .iter()
            .fold(BigInt::one(), |acc, c| acc.lcm(c.denom()));
        ZPoly(
            p.coeffs()
                .iter()
                .map(|c| c.numer() * (&lcm / c.denom()))
                .collect(),
        )
        .primitive()
    }

    /// Divided by the gcd of the coefficients (a positive number).
    fn primitive(self) -> ZPoly {
        let g = self.0.iter().fold(BigInt::zero(), |acc, c| acc.gcd(c));
        if g.is_zero() || g.is_one() {
            return self;
        }
        ZPoly(self.0.into_iter().map(|c| c / &g).collect())
    }

    fn trimmed(mut self) -> ZPoly {
        while self.0.last().is_some_and(Zero::is_zero) {
            self.0.pop();
        }
        self
    }

    /// As a polynomial over Q.
    pub(super) fn to_upoly(&self) -> UPoly {
        UPoly::from_coeffs(
            self.0
                .iter()
                .cloned()
                .map(BigRational::from_integer)
                .collect(),
        )
    }

    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn degree(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    /// The leading coefficient (0 for zero).
    pub(super) fn leading(&self) -> BigInt {
        self.0.last().cloned().unwrap_or_default()
    }

    /// The most bits of a coefficient.
    pub(super) fn bits(&self) -> u64 {
        self.0.iter().map(BigInt::bits).max().unwrap_or(0)
    }

    /// The derivative.
    pub(super) fn derivative(&self) -> ZPoly {
        ZPoly(
            self.0
                .iter()
                .enumerate()
                .skip(1)
                .map(|(k, c)| c * BigInt::from(k))
                .collect(),
        )
        .trimmed()
    }

    /// `-self`.
    pub(super) fn neg(&self) -> ZPoly {
        ZPoly(self.0.iter().map(|c| -c).collect())
    }

    /// The primitive part of `|lc(d)|^(m - n + 1) * self mod d` (`m`, `n` the
    /// degrees): a positive multiple of the remainder over Q, so it has its signs.
    /// `d` must not be zero.
    pub(super) fn positive_prem(&self, d: &ZPoly) -> ZPoly {
        let n = d.degree();
        if self.0.len() <= n {
            return self.clone();
        }
        let lead = d.leading();
        let steps = self.0.len() - n;
        let mut r = self.0.clone();
        // Each step multiplies by lc(d); the sign is fixed at the end.
        for k in (0..steps).rev() {
            let top = r[k + n].clone();
            for c in &mut r {
                *c *= &lead;
            }
            for (i, b) in d.0.iter().enumerate() {
                r[k + i] -= &top * b;
            }
        }
        r.truncate(n);
        let out = ZPoly(r).trimmed().primitive();
        if lead.is_negative() && steps % 2 == 1 {
            out.neg()
        } else {
            out
        }
    }

    /// The exact sign at `p = u/v`: `v^n * self(u/v)` is an integer of that sign.
    pub(super) fn sign_at(&self, p: &BigRational) -> Sign {
        let (u, v) = (p.numer(), p.denom());
        let mut coeffs = self.0.iter().rev();
        let Some(first) = coeffs.next() else {
            return Sign::Zero;
        };
        let mut acc = first.clone();
        let mut vpow = BigInt::one();
        for c in coeffs {
            vpow *= v;
            acc = acc * u + c * &vpow;
        }
        Sign::of_int(&acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(c: &[i64]) -> ZPoly {
        ZPoly::primitive_of(&UPoly::from_ints(c))
    }

    /// The pseudo-remainder is a positive multiple of the remainder over Q, also
    /// when the divisor's leading coefficient is negative.
    #[test]
    fn pseudo_remainders_keep_signs() {
        type Coeffs = &'static [i64];
        let cases: [(Coeffs, Coeffs); 5] = [
            (&[1, 2, 3, 4], &[1, -2]),
            (&[1, 2, 3, 4], &[5, 0, -3]),
            (&[-7, 0, 0, 0, 2], &[3, 1, -2]),
            (&[1, 1], &[0, 0, 5]),
            (&[6, -5, 1], &[-2, 1]),
        ];
        for (a, d) in cases {
            let (ua, ud) = (UPoly::from_ints(a), UPoly::from_ints(d));
            let (_, rem) = ua.div_rem(&ud).expect("non-zero divisor");
            let got = z(a).positive_prem(&z(d));
            assert_eq!(
                got.to_upoly(),
                rem.primitive_keeping_sign(),
                "{a:?} mod {d:?}"
            );
        }
    }
}
