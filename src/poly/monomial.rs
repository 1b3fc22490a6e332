//! Monomials over generator indices: the one place where products of generator
//! powers are merged. A monomial is a list of `(generator, exponent)` pairs sorted by
//! generator, with positive exponents; the empty list is the monomial 1.

use super::PolyError;

/// A generator index. What a generator stands for (a variable, `exp(x/q)`, a node of
/// an expression graph) is the caller's business.
pub type Gen = u32;

/// A product of generator powers, sorted by generator, exponents positive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Monomial(Vec<(Gen, u32)>);

impl Monomial {
    /// The monomial 1.
    #[must_use]
    pub fn one() -> Self {
        Monomial(Vec::new())
    }

    /// `g^k` (the monomial 1 when `k == 0`).
    #[must_use]
    pub fn power(g: Gen, k: u32) -> Self {
        if k == 0 {
            Monomial::one()
        } else {
            Monomial(vec![(g, k)])
        }
    }

    /// The product of `factors` in any order, repeated generators merged and zero
    /// exponents dropped.
    ///
    /// # Errors
    /// [`PolyError::ExponentOverflow`] when a merged exponent exceeds `u32`.
    pub fn from_factors(factors: &[(Gen, u32)]) -> Result<Self, PolyError> {
        factors.iter().try_fold(Monomial::one(), |acc, &(g, k)| {
            acc.mul(&Monomial::power(g, k))
        })
    }

    /// The generators and exponents, sorted by generator.
    #[must_use]
    pub fn factors(&self) -> &[(Gen, u32)] {
        &self.0
    }

    /// Whether this is the monomial 1.
    #[must_use]
    pub fn is_one(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of distinct generators.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no generator occurs (the monomial 1).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The exponent of `g` (0 when it does not occur).
    #[must_use]
    pub fn degree_in(&self, g: Gen) -> u32 {
        self.0
            .binary_search_by_key(&g, |&(h, _)| h)
            .map_or(0, |i| self.0[i].1)
    }

    /// The total degree.
    #[must_use]
    pub fn total_degree(&self) -> u64 {
        self.0.iter().map(|&(_, k)| u64::from(k)).sum()
    }

    /// This monomial with `g` removed.
    #[must_use]
    pub fn without(&self, g: Gen) -> Monomial {
        Monomial(self.0.iter().copied().filter(|&(h, _)| h != g).collect())
    }

    /// The product, merging the two sorted lists.
    ///
    /// # Errors
    /// [`PolyError::ExponentOverflow`] when an exponent exceeds `u32`.
    pub fn mul(&self, other: &Monomial) -> Result<Monomial, PolyError> {
        let (a, b) = (&self.0, &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => {
                    out.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let k = a[i]
                        .1
                        .checked_add(b[j].1)
                        .ok_or(PolyError::ExponentOverflow)?;
                    out.push((a[i].0, k));
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        Ok(Monomial(out))
    }

    /// `self / other` when `other` divides `self`, else `None`.
    #[must_use]
    pub fn divide(&self, other: &Monomial) -> Option<Monomial> {
        let mut out = Vec::with_capacity(self.0.len());
        let mut rest = other.0.iter().peekable();
        for &(g, k) in &self.0 {
            let d = match rest.peek() {
                Some(&&(h, d)) if h == g => {
                    rest.next();
                    d
                }
                Some(&&(h, _)) if h < g => return None,
                _ => 0,
            };
            match k.checked_sub(d)? {
                0 => {}
                e => out.push((g, e)),
            }
        }
        rest.next().is_none().then_some(Monomial(out))
    }

    /// `self / d` for a divisor `d` of `self` (a gcd with other monomials), found
    /// without a failure path: exponents of `d` are subtracted where `self` has them.
    pub(super) fn divide_common(&self, d: &Monomial) -> Monomial {
        Monomial(
            self.0
                .iter()
                .filter_map(|&(g, k)| match k.saturating_sub(d.degree_in(g)) {
                    0 => None,
                    e => Some((g, e)),
                })
                .collect(),
        )
    }

    /// The greatest common divisor: each common generator to its least exponent.
    #[must_use]
    pub fn gcd(&self, other: &Monomial) -> Monomial {
        Monomial(
            self.0
                .iter()
                .filter_map(|&(g, k)| match other.degree_in(g) {
                    0 => None,
                    j => Some((g, k.min(j))),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(f: &[(Gen, u32)]) -> Monomial {
        Monomial::from_factors(f).expect("small exponents")
    }

    type Factors = &'static [(Gen, u32)];

    #[test]
    fn products_quotients_and_gcds() {
        // (monomial a, monomial b, a*b, gcd)
        let cases: &[(Factors, Factors, Factors, Factors)] = &[
            (&[], &[], &[], &[]),
            (&[(0, 1)], &[(0, 2)], &[(0, 3)], &[(0, 1)]),
            (&[(0, 1), (2, 1)], &[(1, 3)], &[(0, 1), (1, 3), (2, 1)], &[]),
            (
                &[(3, 2), (1, 1)],
                &[(1, 4), (3, 1)],
                &[(1, 5), (3, 3)],
                &[(1, 1), (3, 1)],
            ),
        ];
        for &(a, b, prod, gcd) in cases {
            let (a, b, prod, gcd) = (m(a), m(b), m(prod), m(gcd));
            assert_eq!(a.mul(&b), Ok(prod.clone()));
            assert_eq!(b.mul(&a), Ok(prod.clone()));
            assert_eq!(prod.divide(&a), Some(b.clone()));
            assert_eq!(prod.divide(&b), Some(a.clone()));
            assert_eq!(a.gcd(&b), gcd);
        }
        assert_eq!(m(&[(0, 1)]).divide(&m(&[(0, 2)])), None);
        assert_eq!(m(&[(1, 1)]).divide(&m(&[(0, 1)])), None);
        assert_eq!(m(&[(0, 1)]).divide(&m(&[(0, 1), (5, 1)])), None);
        assert_eq!(m(&[(0, 0), (2, 1)]).factors(), &[(2, 1)]);
    }

    #[test]
    fn exponents_never_wrap() {
        let big = Monomial::power(0, u32::MAX);
        assert_eq!(
            big.mul(&Monomial::power(0, 1)),
            Err(PolyError::ExponentOverflow)
        );
    }
}
