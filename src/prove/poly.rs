//! Sparse multivariate polynomials and rational functions over Q, the algebra behind
//! the exponential-rational normal form. Generators are plain indices; what they stand
//! for (a variable, `exp(x/q)`, an opaque atom) is the normaliser's business.
//!
//! Only exact arithmetic and a zero test are needed: a claim `L = R` is proved when
//! the numerator of `L - R` is the zero polynomial, so no gcds are computed. Every
//! operation is bounded by a term budget and fails (returns `None`) past it.

use std::collections::BTreeMap;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The most terms any intermediate polynomial may have.
pub const MAX_TERMS: usize = 20_000;

/// A generator index.
pub type Gen = u32;

/// A monomial: generators with positive exponents, sorted by generator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Monomial(Vec<(Gen, u32)>);

impl Monomial {
    /// `g^k` (the unit monomial when `k == 0`).
    #[must_use]
    pub fn power(g: Gen, k: u32) -> Self {
        if k == 0 {
            Monomial::default()
        } else {
            Monomial(vec![(g, k)])
        }
    }

    fn mul(&self, other: &Monomial) -> Monomial {
        let mut out = Vec::with_capacity(self.0.len() + other.0.len());
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() || j < other.0.len() {
            match (self.0.get(i), other.0.get(j)) {
                (Some(&(a, ka)), Some(&(b, kb))) if a == b => {
                    out.push((a, ka + kb));
                    i += 1;
                    j += 1;
                }
                (Some(&(a, ka)), Some(&(b, _))) if a < b => {
                    out.push((a, ka));
                    i += 1;
                }
                (Some(_), Some(&(b, kb))) => {
                    out.push((b, kb));
                    j += 1;
                }
                (Some(&t), None) => {
                    out.push(t);
                    i += 1;
                }
                (None, Some(&t)) => {
                    out.push(t);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        Monomial(out)
    }

    /// The generators and exponents.
    #[must_use]
    pub fn factors(&self) -> &[(Gen, u32)] {
        &self.0
    }
}

/// A polynomial split as `c * m * p`: a rational, a monomial, and the rest.
pub type Content = (BigRational, Vec<(Gen, u32)>, Poly);

/// A polynomial with rational coefficients; no zero coefficients are stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Poly {
    terms: BTreeMap<Monomial, BigRational>,
}

impl Poly {
    /// The zero polynomial.
    #[must_use]
    pub fn zero() -> Self {
        Poly::default()
    }

    /// A constant.
    #[must_use]
    pub fn constant(c: BigRational) -> Self {
        let mut p = Poly::zero();
        if !c.is_zero() {
            p.terms.insert(Monomial::default(), c);
        }
        p
    }

    /// The constant one.
    #[must_use]
    pub fn one() -> Self {
        Poly::constant(BigRational::one())
    }

    /// `g^k`.
    #[must_use]
    pub fn monomial(g: Gen, k: u32) -> Self {
        let mut p = Poly::zero();
        p.terms.insert(Monomial::power(g, k), BigRational::one());
        p
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
    pub fn as_constant(&self) -> Option<BigRational> {
        match self.terms.len() {
            0 => Some(BigRational::zero()),
            1 => self.terms.get(&Monomial::default()).cloned(),
            _ => None,
        }
    }

    /// The terms, in monomial order.
    pub fn terms(&self) -> impl Iterator<Item = (&Monomial, &BigRational)> {
        self.terms.iter()
    }

    /// `self + other`.
    #[must_use]
    pub fn add(&self, other: &Poly) -> Option<Poly> {
        let mut out = self.clone();
        for (m, c) in &other.terms {
            let entry = out.terms.entry(m.clone()).or_insert_with(BigRational::zero);
            *entry += c;
            if entry.is_zero() {
                out.terms.remove(m);
            }
        }
        (out.terms.len() <= MAX_TERMS).then_some(out)
    }

    /// `-self`.
    #[must_use]
    pub fn neg(&self) -> Poly {
        Poly {
            terms: self.terms.iter().map(|(m, c)| (m.clone(), -c)).collect(),
        }
    }

    /// `self * other`.
    #[must_use]
    pub fn mul(&self, other: &Poly) -> Option<Poly> {
        if self.terms.len().saturating_mul(other.terms.len()) > MAX_TERMS * 8 {
            return None;
        }
        let mut out: BTreeMap<Monomial, BigRational> = BTreeMap::new();
        for (m1, c1) in &self.terms {
            for (m2, c2) in &other.terms {
                let m = m1.mul(m2);
                let entry = out.entry(m).or_insert_with(BigRational::zero);
                *entry += c1 * c2;
            }
        }
        out.retain(|_, c| !c.is_zero());
        (out.len() <= MAX_TERMS).then_some(Poly { terms: out })
    }

    /// `self^k`.
    #[must_use]
    pub fn pow(&self, k: u32) -> Option<Poly> {
        let mut result = Poly::one();
        let mut base = self.clone();
        let mut k = k;
        while k > 0 {
            if k & 1 == 1 {
                result = result.mul(&base)?;
            }
            k >>= 1;
            if k > 0 {
                base = base.mul(&base)?;
            }
        }
        Some(result)
    }

    /// Splits off the content: `self = c * m * p` with `c` the first coefficient (so
    /// `p` is monic in its first term), `m` the monomial of the least exponent of each
    /// generator, and `p` a polynomial. `None` for the zero polynomial.
    #[must_use]
    pub fn split_content(&self) -> Option<Content> {
        let (_, first) = self.terms.iter().next()?;
        let c = first.clone();
        let mut least: Option<BTreeMap<Gen, u32>> = None;
        for m in self.terms.keys() {
            let these: BTreeMap<Gen, u32> = m.0.iter().copied().collect();
            least = Some(match least {
                None => these,
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(g, k)| these.get(&g).map(|&k2| (g, k.min(k2))))
                    .collect(),
            });
        }
        let least = least.unwrap_or_default();
        let terms = self
            .terms
            .iter()
            .map(|(m, coeff)| {
                let reduced: Vec<(Gen, u32)> =
                    m.0.iter()
                        .map(|&(g, k)| (g, k - least.get(&g).copied().unwrap_or(0)))
                        .filter(|&(_, k)| k > 0)
                        .collect();
                (Monomial(reduced), coeff / &c)
            })
            .collect();
        Some((c, least.into_iter().collect(), Poly { terms }))
    }

    /// The generators that occur.
    pub fn generators(&self) -> impl Iterator<Item = Gen> + '_ {
        self.terms.keys().flat_map(|m| m.0.iter().map(|&(g, _)| g))
    }

    /// Whether every coefficient is positive (then the polynomial is positive wherever
    /// all generators are positive).
    #[must_use]
    pub fn all_coefficients_positive(&self) -> bool {
        !self.terms.is_empty() && self.terms.values().all(Signed::is_positive)
    }
}

/// A quotient of polynomials with a non-zero denominator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatFn {
    /// The numerator.
    pub num: Poly,
    /// The denominator, never the zero polynomial.
    pub den: Poly,
}

impl RatFn {
    /// A polynomial as a rational function.
    #[must_use]
    pub fn poly(p: Poly) -> Self {
        RatFn {
            num: p,
            den: Poly::one(),
        }
    }

    /// A constant.
    #[must_use]
    pub fn constant(c: BigRational) -> Self {
        RatFn::poly(Poly::constant(c))
    }

    /// `g^k` for an integer `k` of either sign.
    #[must_use]
    pub fn gen_power(g: Gen, k: i64) -> Self {
        let m = Poly::monomial(g, k.unsigned_abs() as u32);
        if k >= 0 {
            RatFn::poly(m)
        } else {
            RatFn {
                num: Poly::one(),
                den: m,
            }
        }
    }

    /// Whether it is identically zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// `self + other`.
    #[must_use]
    pub fn add(&self, other: &RatFn) -> Option<RatFn> {
        if self.den == other.den {
            return Some(RatFn {
                num: self.num.add(&other.num)?,
                den: self.den.clone(),
            });
        }
        let num = self.num.mul(&other.den)?.add(&other.num.mul(&self.den)?)?;
        let den = self.den.mul(&other.den)?;
        Some(RatFn { num, den })
    }

    /// `self - other`.
    #[must_use]
    pub fn sub(&self, other: &RatFn) -> Option<RatFn> {
        self.add(&other.neg())
    }

    /// `-self`.
    #[must_use]
    pub fn neg(&self) -> RatFn {
        RatFn {
            num: self.num.neg(),
            den: self.den.clone(),
        }
    }

    /// `self * other`.
    #[must_use]
    pub fn mul(&self, other: &RatFn) -> Option<RatFn> {
        Some(RatFn {
            num: self.num.mul(&other.num)?,
            den: self.den.mul(&other.den)?,
        })
    }

    /// `1 / self`; `None` when `self` is identically zero.
    #[must_use]
    pub fn recip(&self) -> Option<RatFn> {
        if self.num.is_zero() {
            return None;
        }
        Some(RatFn {
            num: self.den.clone(),
            den: self.num.clone(),
        })
    }

    /// `self^k` for an integer `k` of either sign.
    #[must_use]
    pub fn pow(&self, k: i64) -> Option<RatFn> {
        let e = u32::try_from(k.unsigned_abs()).ok()?;
        let p = RatFn {
            num: self.num.pow(e)?,
            den: self.den.pow(e)?,
        };
        if k >= 0 {
            Some(p)
        } else {
            p.recip()
        }
    }
}

impl Poly {
    /// The polynomial as text, with `names[g]` for generator `g`.
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
            } else if mag.is_one() {
                out.push_str(&mono.join("*"));
            } else {
                out.push_str(&format!("{mag}*{}", mono.join("*")));
            }
        }
        out
    }
}

impl RatFn {
    /// The rational function as text, `(num)/(den)` or just the numerator.
    #[must_use]
    pub fn to_text(&self, names: &[String]) -> String {
        let num = self.num.to_text(names);
        if self.den == Poly::one() {
            return num;
        }
        let wrap = |s: String, p: &Poly| if p.len() > 1 { format!("({s})") } else { s };
        format!(
            "{}/{}",
            wrap(num, &self.num),
            wrap(self.den.to_text(names), &self.den)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(n: i64) -> RatFn {
        RatFn::constant(BigRational::from_integer(n.into()))
    }

    #[test]
    fn tanh_plus_one_is_twice_sigmoid_of_twice() {
        // t = exp(x): tanh(x) = (t^2 - 1)/(t^2 + 1), sigmoid(2x) = 1/(1 + t^-2).
        let t2 = RatFn::gen_power(0, 2);
        let tanh = t2
            .sub(&c(1))
            .unwrap()
            .mul(&t2.add(&c(1)).unwrap().recip().unwrap())
            .unwrap();
        let sig = c(1).add(&RatFn::gen_power(0, -2)).unwrap().recip().unwrap();
        let lhs = tanh.add(&c(1)).unwrap();
        let rhs = c(2).mul(&sig).unwrap();
        assert!(lhs.sub(&rhs).unwrap().is_zero());
        assert!(!lhs.sub(&sig).unwrap().is_zero());
    }

    #[test]
    fn powers_and_budget() {
        let x = RatFn::gen_power(1, 1);
        let p = x.add(&c(1)).unwrap().pow(3).unwrap();
        assert_eq!(p.num.len(), 4);
        let big = Poly::monomial(0, 1)
            .add(&Poly::monomial(1, 1))
            .unwrap()
            .add(&Poly::monomial(2, 1))
            .unwrap();
        assert!(big.pow(200).is_none(), "the budget stops runaway growth");
    }
}
