//! Sparse multivariate polynomials over generator indices with exact rational
//! coefficients: the one polynomial type of the simplifier (expand, factor, collect)
//! and of the prover's normal form. No zero coefficient is ever stored, so equal
//! polynomials have equal term maps and the zero test is `is_zero`.
//!
//! Every operation that can grow a polynomial is bounded by [`Limits`] and may be
//! metered by a [`Meter`]; past either it fails with a [`PolyError`] instead of
//! running on.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::coeff::Coeff;
use super::monomial::{Gen, Monomial};
use super::univariate::UPoly;
use super::PolyError;

/// Bounds on the size of one polynomial operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most terms a result (or the partial sum of a product, row by row) may have.
    pub max_terms: usize,
    /// The most term-by-term products one multiplication may form.
    pub max_products: usize,
}

impl Limits {
    /// The default: 20,000 terms and 160,000 products per multiplication.
    pub const DEFAULT: Limits = Limits {
        max_terms: 20_000,
        max_products: 160_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A work counter charged one step per term merged or product formed, so a caller
/// can bound a whole computation, not just each operation.
pub trait Meter {
    /// Spends `steps`.
    ///
    /// # Errors
    /// [`PolyError::WorkExhausted`] once the budget is spent.
    fn spend(&mut self, steps: u64) -> Result<(), PolyError>;
}

/// A meter that never runs out (only [`Limits`] bound the work).
#[derive(Clone, Copy, Debug, Default)]
pub struct Unmetered;

impl Meter for Unmetered {
    fn spend(&mut self, _: u64) -> Result<(), PolyError> {
        Ok(())
    }
}

/// A polynomial: a coefficient per monomial, none of them zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Poly<C = BigRational> {
    terms: BTreeMap<Monomial, C>,
}

impl<C> Default for Poly<C> {
    fn default() -> Self {
        Poly {
            terms: BTreeMap::new(),
        }
    }
}

impl<C: Coeff> Poly<C> {
    /// The zero polynomial.
    #[must_use]
    pub fn zero() -> Self {
        Poly::default()
    }

    /// The term `c * m` (the zero polynomial when `c` is 0).
    #[must_use]
    pub fn term(m: Monomial, c: C) -> Self {
        let mut p = Poly::zero();
        if !c.is_zero() {
            p.terms.insert(m, c);
        }
        p
    }

    /// A constant.
    #[must_use]
    pub fn constant(c: C) -> Self {
        Poly::term(Monomial::one(), c)
    }

    /// The constant one.
    #[must_use]
    pub fn one() -> Self {
        Poly::constant(C::one())
    }

    /// `g^k`.
    #[must_use]
    pub fn monomial(g: Gen, k: u32) -> Self {
        Poly::term(Monomial::power(g, k), C::one())
    }

    /// Whether this is the zero polynomial.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// The number of terms.
    #[must_use]
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are no terms (the zero polynomial).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The value if this polynomial is a constant.
    #[must_use]
    pub fn as_constant(&self) -> Option<C> {
        match self.terms.len() {
            0 => Some(C::zero()),
            1 => self.terms.get(&Monomial::one()).cloned(),
            _ => None,
        }
    }

    /// The terms, in increasing monomial order.
    pub fn terms(&self) -> impl DoubleEndedIterator<Item = (&Monomial, &C)> + ExactSizeIterator {
        self.terms.iter()
    }

    /// The monomials, in increasing order.
    pub fn monomials(&self) -> impl Iterator<Item = &Monomial> {
        self.terms.keys()
    }

    /// Adds `c * m`: the one place where like terms merge (a sum that cancels
    /// removes the term).
    ///
    /// # Errors
    /// [`PolyError::CoefficientOverflow`] when the coefficient does not fit.
    pub fn add_term(&mut self, m: Monomial, c: C) -> Result<(), PolyError> {
        match self.terms.entry(m) {
            Entry::Vacant(v) => {
                if !c.is_zero() {
                    v.insert(c);
                }
            }
            Entry::Occupied(mut o) => {
                let sum = o
                    .get()
                    .checked_add(&c)
                    .ok_or(PolyError::CoefficientOverflow)?;
                if sum.is_zero() {
                    o.remove();
                } else {
                    *o.get_mut() = sum;
                }
            }
        }
        Ok(())
    }

    /// Adds `other` into `self`, one step of `meter` per term.
    ///
    /// # Errors
    /// When the meter runs out, a coefficient overflows, or the sum has more than
    /// `limits.max_terms` terms.
    pub fn add_assign_within(
        &mut self,
        other: &Poly<C>,
        limits: &Limits,
        meter: &mut impl Meter,
    ) -> Result<(), PolyError> {
        if super::budget::expired() {
            return Err(PolyError::WorkExhausted);
        }
        for (m, c) in &other.terms {
            meter.spend(1)?;
            self.add_term(m.clone(), c.clone())?;
        }
        check_terms(self.terms.len(), limits)
    }

    /// `self + other` within `limits`.
    ///
    /// # Errors
    /// See [`Poly::add_assign_within`].
    pub fn add_within(
        &self,
        other: &Poly<C>,
        limits: &Limits,
        meter: &mut impl Meter,
    ) -> Result<Poly<C>, PolyError> {
        let mut out = self.clone();
        out.add_assign_within(other, limits, meter)?;
        Ok(out)
    }

    /// `self + other` within [`Limits::DEFAULT`].
    ///
    /// # Errors
    /// See [`Poly::add_assign_within`].
    pub fn add(&self, other: &Poly<C>) -> Result<Poly<C>, PolyError> {
        self.add_within(other, &Limits::DEFAULT, &mut Unmetered)
    }

    /// `-self`.
    ///
    /// # Errors
    /// [`PolyError::CoefficientOverflow`] when a coefficient does not fit.
    pub fn neg(&self) -> Result<Poly<C>, PolyError> {
        let terms = self
            .terms
            .iter()
            .map(|(m, c)| {
                Ok((
                    m.clone(),
                    c.checked_neg().ok_or(PolyError::CoefficientOverflow)?,
                ))
            })
            .collect::<Result<_, PolyError>>()?;
        Ok(Poly { terms })
    }

    /// `self - other` within [`Limits::DEFAULT`].
    ///
    /// # Errors
    /// See [`Poly::add_assign_within`].
    pub fn sub(&self, other: &Poly<C>) -> Result<Poly<C>, PolyError> {
        self.add(&other.neg()?)
    }

    /// `self * other` within `limits`, one step of `meter` per product of terms.
    /// The partial sum is checked against `limits.max_terms` after each term of
    /// `self`, so memory stays bounded even when the result would be small.
    ///
    /// # Errors
    /// When the meter runs out, a coefficient or exponent overflows, or a limit is
    /// passed.
    pub fn mul_within(
        &self,
        other: &Poly<C>,
        limits: &Limits,
        meter: &mut impl Meter,
    ) -> Result<Poly<C>, PolyError> {
        if self.terms.len().saturating_mul(other.terms.len()) > limits.max_products {
            return Err(PolyError::TooManyTerms {
                limit: limits.max_products,
            });
        }
        let mut out = Poly::zero();
        for (ma, ca) in &self.terms {
            if super::budget::expired() {
                return Err(PolyError::WorkExhausted);
            }
            for (mb, cb) in &other.terms {
                meter.spend(1)?;
                let c = ca.checked_mul(cb).ok_or(PolyError::CoefficientOverflow)?;
                out.add_term(ma.mul(mb)?, c)?;
            }
            check_terms(out.terms.len(), limits)?;
        }
        Ok(out)
    }

    /// `self * other` within [`Limits::DEFAULT`].
    ///
    /// # Errors
    /// See [`Poly::mul_within`].
    pub fn mul(&self, other: &Poly<C>) -> Result<Poly<C>, PolyError> {
        self.mul_within(other, &Limits::DEFAULT, &mut Unmetered)
    }

    /// `self^k` by repeated squaring within `limits`.
    ///
    /// # Errors
    /// See [`Poly::mul_within`].
    pub fn pow_within(
        &self,
        k: u32,
        limits: &Limits,
        meter: &mut impl Meter,
    ) -> Result<Poly<C>, PolyError> {
        let mut result = Poly::one();
        let mut base = self.clone();
        let mut k = k;
        while k > 0 {
            if k & 1 == 1 {
                result = result.mul_within(&base, limits, meter)?;
            }
            k >>= 1;
            if k > 0 {
                base = base.mul_within(&base, limits, meter)?;
            }
        }
        Ok(result)
    }

    /// `self^k` within [`Limits::DEFAULT`].
    ///
    /// # Errors
    /// See [`Poly::mul_within`].
    pub fn pow(&self, k: u32) -> Result<Poly<C>, PolyError> {
        self.pow_within(k, &Limits::DEFAULT, &mut Unmetered)
    }

    /// The generators that occur, sorted, each once.
    #[must_use]
    pub fn generators(&self) -> Vec<Gen> {
        let mut gens: Vec<Gen> = self
            .terms
            .keys()
            .flat_map(|m| m.factors().iter().map(|&(g, _)| g))
            .collect();
        gens.sort_unstable();
        gens.dedup();
        gens
    }

    /// The monomial dividing every term: each generator to its least exponent (the
    /// monomial 1 for the zero polynomial).
    #[must_use]
    pub fn common_monomial(&self) -> Monomial {
        let mut it = self.terms.keys();
        let Some(first) = it.next() else {
            return Monomial::one();
        };
        it.fold(first.clone(), |acc, m| acc.gcd(m))
    }

    /// `(m, self / m)` with `m` the [common monomial](Poly::common_monomial).
    #[must_use]
    pub fn split_common_monomial(&self) -> (Monomial, Poly<C>) {
        let m = self.common_monomial();
        let terms = self
            .terms
            .iter()
            .map(|(t, c)| (t.divide_common(&m), c.clone()))
            .collect();
        (m, Poly { terms })
    }

    /// Every term divided by `m`, which must divide every term (as
    /// [`Poly::common_monomial`] does); `None` otherwise.
    #[must_use]
    pub fn divide_monomial(&self, m: &Monomial) -> Option<Poly<C>> {
        // Dividing by a common monomial keeps monomials distinct.
        let terms = self
            .terms
            .iter()
            .map(|(t, c)| Some((t.divide(m)?, c.clone())))
            .collect::<Option<_>>()?;
        Some(Poly { terms })
    }

    /// The terms grouped by their exponent of `g`, with `g` removed from each.
    #[must_use]
    pub fn group_by_power(&self, g: Gen) -> BTreeMap<u32, Poly<C>> {
        let mut groups: BTreeMap<u32, Poly<C>> = BTreeMap::new();
        for (m, c) in &self.terms {
            // Removing one generator from distinct monomials with the same power of
            // it leaves them distinct.
            groups
                .entry(m.degree_in(g))
                .or_default()
                .terms
                .insert(m.without(g), c.clone());
        }
        groups
    }

    /// The polynomial with every coefficient mapped through `f` (zero results
    /// dropped).
    ///
    /// # Errors
    /// The first error of `f`.
    pub fn try_map_coefficients<D: Coeff>(
        &self,
        mut f: impl FnMut(&C) -> Result<D, PolyError>,
    ) -> Result<Poly<D>, PolyError> {
        let mut out = Poly::zero();
        for (m, c) in &self.terms {
            let d = f(c)?;
            if !d.is_zero() {
                out.terms.insert(m.clone(), d);
            }
        }
        Ok(out)
    }
}

fn check_terms(n: usize, limits: &Limits) -> Result<(), PolyError> {
    if n > limits.max_terms {
        Err(PolyError::TooManyTerms {
            limit: limits.max_terms,
        })
    } else {
        Ok(())
    }
}

/// A polynomial split as `c * m * p`: a rational, a monomial, and the rest.
pub type Content = (BigRational, Monomial, Poly);

impl Poly<BigRational> {
    /// `c * self`.
    #[must_use]
    pub fn scale(&self, c: &BigRational) -> Poly {
        if Zero::is_zero(c) {
            return Poly::zero();
        }
        Poly {
            terms: self.terms.iter().map(|(m, a)| (m.clone(), a * c)).collect(),
        }
    }

    /// Splits off the content: `self = c * m * p` with `c` the first coefficient (so
    /// `p` is monic in its first term) and `m` the [common
    /// monomial](Poly::common_monomial). `None` for the zero polynomial.
    #[must_use]
    pub fn split_content(&self) -> Option<Content> {
        let (_, first) = self.terms.iter().next()?;
        let c = first.clone();
        let (m, p) = self.split_common_monomial();
        Some((c.clone(), m, p.scale(&c.recip())))
    }

    /// The polynomial as a dense polynomial in the generator `g`.
    ///
    /// # Errors
    /// [`PolyError::NotUnivariate`] when another generator occurs,
    /// [`PolyError::DegreeTooHigh`] past `max_degree`.
    pub fn to_univariate(&self, g: Gen, max_degree: usize) -> Result<UPoly, PolyError> {
        let mut coeffs: Vec<BigRational> = Vec::new();
        for (m, c) in &self.terms {
            let k = match m.factors() {
                [] => 0,
                [(h, k)] if *h == g => *k as usize,
                _ => return Err(PolyError::NotUnivariate),
            };
            if k > max_degree {
                return Err(PolyError::DegreeTooHigh {
                    degree: k,
                    limit: max_degree,
                });
            }
            if coeffs.len() <= k {
                coeffs.resize(k + 1, <BigRational as Zero>::zero());
            }
            coeffs[k] = c.clone();
        }
        Ok(UPoly::from_coeffs(coeffs))
    }

    /// The dense polynomial `p` with `g` as its variable.
    #[must_use]
    pub fn from_univariate(p: &UPoly, g: Gen) -> Poly {
        let mut out = Poly::zero();
        for (k, c) in p.coeffs().iter().enumerate() {
            // Exponents above u32 cannot occur: a dense polynomial that long would
            // not fit in memory.
            let k = u32::try_from(k).unwrap_or(u32::MAX);
            if !num_traits::Zero::is_zero(c) {
                out.terms.insert(Monomial::power(g, k), c.clone());
            }
        }
        out
    }

    /// Whether every coefficient is positive (then the polynomial is positive
    /// wherever all generators are positive).
    #[must_use]
    pub fn all_coefficients_positive(&self) -> bool {
        !self.terms.is_empty() && self.terms.values().all(Signed::is_positive)
    }

    /// The polynomial as text, highest monomial first, with `names[g]` for
    /// generator `g` (`?` for a generator without a name).
    #[must_use]
    pub fn to_text(&self, names: &[String]) -> String {
        if self.terms.is_empty() {
            return "0".into();
        }
        let mut out = String::new();
        for (k, (m, c)) in self.terms.iter().rev().enumerate() {
            let negative = c.is_negative();
            let mag = c.abs();
            if k == 0 {
                if negative {
                    out.push('-');
                }
            } else {
                out.push_str(if negative { " - " } else { " + " });
            }
            let mono: Vec<String> = m
                .factors()
                .iter()
                .map(|&(g, e)| {
                    let name = names.get(g as usize).map_or("?", String::as_str);
                    if e == 1 {
                        name.to_owned()
                    } else {
                        format!("{name}^{e}")
                    }
                })
                .collect();
            if mono.is_empty() {
                out.push_str(&mag.to_string());
            } else if num_traits::One::is_one(&mag) {
                out.push_str(&mono.join("*"));
            } else {
                out.push_str(&format!("{mag}*{}", mono.join("*")));
            }
        }
        out
    }
}
