//! Sums in their best polynomial form: common factors taken out, polynomials in
//! the sum's atoms expanded, or collected by one atom, whichever has the fewest
//! operations (the original wins ties, so passes reach a fixpoint).
//!
//! An *atom* is anything that is not a sum, a product or a positive integer power:
//! `sigmoid(beta*x)`, `x`, `x^(-1)`, `if(...)`. Atoms are never looked into, so every
//! form is equal to the original wherever the original is defined. Domains are kept:
//! taking a factor out of every term keeps it (`f*a + f*b` is undefined exactly where
//! `f*(a + b)` is), negative powers are atoms of their own (`x*x^(-1)` never becomes
//! 1), and an expansion in which an atom that is not defined everywhere cancels
//! (`(log(x) + 1) - log(x)`) is discarded.

use std::collections::{BTreeMap, HashSet};

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::cost::OpCounter;
use super::Work;
use crate::expr::{BigRational, ExprId, Graph, Node};

/// A monomial: atoms with positive exponents, sorted by id.
type Mono = Vec<(ExprId, u32)>;

/// The most terms an expanded polynomial may have.
const MAX_TERMS: usize = 256;
/// The highest power of a sum that is expanded.
const MAX_POWER: i64 = 12;
/// How deep expansion looks into nested sums and products.
const MAX_DEPTH: u32 = 24;
/// The most atoms a sum may have to be tried collected by each of them.
const MAX_COLLECT_ATOMS: usize = 6;

/// A polynomial with rational coefficients over atoms.
#[derive(Clone, Debug, Default, PartialEq)]
struct Poly {
    terms: BTreeMap<Mono, BigRational>,
}

fn mono_mul(a: &Mono, b: &Mono) -> Mono {
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
                out.push((a[i].0, a[i].1.saturating_add(b[j].1)));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl Poly {
    fn constant(r: BigRational) -> Poly {
        let mut p = Poly::default();
        if !r.is_zero() {
            p.terms.insert(Vec::new(), r);
        }
        p
    }

    fn atom(a: ExprId, k: u32) -> Poly {
        let mut p = Poly::default();
        p.terms.insert(vec![(a, k)], BigRational::one());
        p
    }

    fn add_term(&mut self, m: Mono, c: BigRational) {
        let entry = self.terms.entry(m).or_insert_with(BigRational::zero);
        *entry += c;
        if entry.is_zero() {
            self.terms.retain(|_, c| !c.is_zero());
        }
    }

    fn mul(&self, other: &Poly, work: &mut Work) -> Option<Poly> {
        let mut out = Poly::default();
        for (ma, ca) in &self.terms {
            for (mb, cb) in &other.terms {
                work.spend(1)?;
                out.add_term(mono_mul(ma, mb), ca * cb);
            }
            if out.terms.len() > MAX_TERMS {
                return None;
            }
        }
        Some(out)
    }

    /// The atoms that occur, in id order.
    fn atoms(&self) -> Vec<ExprId> {
        let mut set: Vec<ExprId> = self
            .terms
            .keys()
            .flat_map(|m| m.iter().map(|&(a, _)| a))
            .collect();
        set.sort_unstable();
        set.dedup();
        set
    }

    /// The monomial dividing every term (each atom to its least exponent).
    fn content(&self) -> Mono {
        let mut it = self.terms.keys();
        let Some(first) = it.next() else {
            return Vec::new();
        };
        let mut common = first.clone();
        for m in it {
            common.retain_mut(|(a, k)| match m.iter().find(|(b, _)| b == a) {
                Some(&(_, j)) => {
                    *k = (*k).min(j);
                    true
                }
                None => false,
            });
        }
        common
    }

    /// Every term divided by `m` (which divides every term).
    fn divide(&self, m: &Mono) -> Poly {
        let mut out = Poly::default();
        for (t, c) in &self.terms {
            let q: Mono = t
                .iter()
                .filter_map(|&(a, k)| {
                    let d = m.iter().find(|(b, _)| *b == a).map_or(0, |&(_, j)| j);
                    (k > d).then_some((a, k - d))
                })
                .collect();
            out.add_term(q, c.clone());
        }
        out
    }
}

/// Expands `id` into a polynomial over atoms, recording the atoms that are not
/// defined everywhere. `None` when it grows past the limits.
fn expand(
    g: &mut Graph,
    id: ExprId,
    depth: u32,
    partial: &mut HashSet<ExprId>,
    work: &mut Work,
) -> Option<Poly> {
    work.spend(1)?;
    let node = g.node(id).clone();
    let deeper = depth < MAX_DEPTH;
    let atom = |g: &mut Graph, a: ExprId, k: u32, partial: &mut HashSet<ExprId>| {
        if !g.info(a).total {
            partial.insert(a);
        }
        Some(Poly::atom(a, k))
    };
    match node {
        Node::Num(r) => Some(Poly::constant(r)),
        Node::Add(ts) if deeper => {
            let mut out = Poly::default();
            for t in ts.iter() {
                let p = expand(g, *t, depth + 1, partial, work)?;
                for (m, c) in p.terms {
                    out.add_term(m, c);
                }
                if out.terms.len() > MAX_TERMS {
                    return None;
                }
            }
            Some(out)
        }
        Node::Mul(fs) if deeper => {
            let mut out = Poly::constant(BigRational::one());
            for f in fs.iter() {
                let p = expand(g, *f, depth + 1, partial, work)?;
                out = out.mul(&p, work)?;
            }
            Some(out)
        }
        Node::Pow(b, e) => {
            let k = g
                .as_num(e)
                .filter(|r| r.is_integer())
                .and_then(|r| r.to_integer().to_i64());
            match k {
                Some(k)
                    if k > 0 && k <= MAX_POWER && deeper && matches!(g.node(b), Node::Add(_)) =>
                {
                    let base = expand(g, b, depth + 1, partial, work)?;
                    let mut out = base.clone();
                    for _ in 1..k {
                        out = out.mul(&base, work)?;
                    }
                    Some(out)
                }
                Some(k) if k > 0 => atom(g, b, u32::try_from(k).ok()?, partial),
                Some(k) if k < 0 => {
                    let m1 = g.int(-1);
                    let inv = g.pow(b, m1);
                    atom(g, inv, u32::try_from(-k).ok()?, partial)
                }
                _ => atom(g, id, 1, partial),
            }
        }
        _ => atom(g, id, 1, partial),
    }
}

/// The product of a monomial's atoms.
fn mono_expr(g: &mut Graph, m: &Mono) -> Vec<ExprId> {
    m.iter()
        .map(|&(a, k)| {
            let kn = g.int(i64::from(k));
            g.pow(a, kn)
        })
        .collect()
}

/// The polynomial as a sum of products.
fn poly_expr(g: &mut Graph, p: &Poly) -> ExprId {
    let terms: Vec<ExprId> = p
        .terms
        .iter()
        .map(|(m, c)| {
            let mut fs = vec![g.num(c.clone())];
            fs.extend(mono_expr(g, m));
            g.mul(fs)
        })
        .collect();
    if terms.is_empty() {
        return g.int(0);
    }
    g.add(terms)
}

/// Whether a sum would have a term equal to ±1 (`s + s*t` factored as `s*(1 + t)`):
/// such sums read better as they are, the textbook's product-rule shape.
fn has_unit_term(g: &Graph, terms: &[ExprId]) -> bool {
    terms
        .iter()
        .any(|&t| g.as_num(t).is_some_and(|r| r.abs().is_one()))
}

/// `content * rest(p / content)`.
fn factored(g: &mut Graph, p: &Poly, content: &Mono) -> ExprId {
    let rest = p.divide(content);
    let mut fs = mono_expr(g, content);
    fs.push(poly_expr(g, &rest));
    g.mul(fs)
}

/// The polynomial collected by powers of `atom`, each coefficient with its common
/// factor taken out (`2 + b*x - 2*b*x*s` becomes `2 + x*b*(1 - 2*s)`).
fn collected(g: &mut Graph, p: &Poly, atom: ExprId) -> Option<ExprId> {
    let mut groups: BTreeMap<u32, Poly> = BTreeMap::new();
    for (m, c) in &p.terms {
        let k = m.iter().find(|(a, _)| *a == atom).map_or(0, |&(_, k)| k);
        let rest: Mono = m.iter().filter(|(a, _)| *a != atom).copied().collect();
        groups.entry(k).or_default().add_term(rest, c.clone());
    }
    if groups.len() < 2 || groups.values().all(|q| q.terms.len() < 2) {
        return None;
    }
    let mut terms = Vec::new();
    for (k, q) in &groups {
        let content = q.content();
        let coeff = factored(g, q, &content);
        let kn = g.int(i64::from(*k));
        let power = g.pow(atom, kn);
        terms.push(g.mul(vec![power, coeff]));
    }
    Some(g.add(terms))
}

/// A base and an integer exponent of one factor (`x^3 -> (x, 3)`, `u -> (u, 1)`).
fn base_exp(g: &Graph, f: ExprId) -> (ExprId, i64) {
    if let Node::Pow(b, e) = g.node(f) {
        if let Some(k) = g
            .as_num(*e)
            .filter(|r| r.is_integer())
            .and_then(|r| r.to_integer().to_i64())
        {
            return (*b, k);
        }
    }
    (f, 1)
}

/// Takes the factors common to every term out of a sum, without expanding
/// anything: `s*t^2*a - s^2*t*a` gives `(s*t*a, [t, -s])`.
fn common_factors(g: &mut Graph, terms: &[ExprId]) -> Option<(Vec<ExprId>, Vec<ExprId>)> {
    let split = |g: &Graph, t: ExprId| -> Vec<(ExprId, i64)> {
        match g.node(t) {
            Node::Mul(fs) => fs
                .iter()
                .filter(|&&f| g.as_num(f).is_none())
                .map(|&f| base_exp(g, f))
                .collect(),
            Node::Num(_) => Vec::new(),
            _ => vec![base_exp(g, t)],
        }
    };
    let parts: Vec<Vec<(ExprId, i64)>> = terms.iter().map(|&t| split(g, t)).collect();
    let first = parts.first()?;
    let mut common: Vec<(ExprId, i64)> = Vec::new();
    for &(b, k) in first {
        let mut least = k;
        let in_all = parts[1..].iter().all(|fs| {
            fs.iter().any(|&(b2, k2)| {
                let same = b2 == b && k2.signum() == k.signum();
                if same && k2.abs() < least.abs() {
                    least = k2;
                }
                same
            })
        });
        if in_all {
            common.push((b, least));
        }
    }
    if common.is_empty() {
        return None;
    }
    let mut cofactors = Vec::with_capacity(terms.len());
    for &t in terms {
        let fs: Vec<ExprId> = match g.node(t) {
            Node::Mul(fs) => fs.to_vec(),
            _ => vec![t],
        };
        let mut out = Vec::with_capacity(fs.len());
        for f in fs {
            if g.as_num(f).is_some() {
                out.push(f);
                continue;
            }
            let (b, k) = base_exp(g, f);
            match common
                .iter()
                .find(|&&(cb, ck)| cb == b && ck.signum() == k.signum())
            {
                Some(&(_, ck)) if ck == k => {}
                Some(&(_, ck)) => {
                    let kn = g.num(BigRational::from_integer(BigInt::from(k - ck)));
                    out.push(g.pow(b, kn));
                }
                None => out.push(f),
            }
        }
        cofactors.push(g.mul(out));
    }
    if has_unit_term(g, &cofactors) {
        return None;
    }
    let common: Vec<ExprId> = common
        .into_iter()
        .map(|(b, k)| {
            let kn = g.num(BigRational::from_integer(BigInt::from(k)));
            g.pow(b, kn)
        })
        .collect();
    Some((common, cofactors))
}

/// The expanded polynomial of a sum, if expanding keeps its domain.
fn expand_sum(g: &mut Graph, id: ExprId, work: &mut Work) -> Option<Poly> {
    let mut partial = HashSet::new();
    let p = expand(g, id, 0, &mut partial, work)?;
    let kept: HashSet<ExprId> = p.atoms().into_iter().collect();
    partial.iter().all(|a| kept.contains(a)).then_some(p)
}

/// The form of the sum `id` with the fewest operations among: itself, its common
/// factors taken out, its expansion (with its common monomial taken out), and its
/// expansion collected by each atom.
pub(super) fn best_sum_form(
    g: &mut Graph,
    id: ExprId,
    ops: &mut OpCounter,
    work: &mut Work,
    depth: u32,
) -> ExprId {
    let Node::Add(terms) = g.node(id).clone() else {
        return id;
    };
    let mut best = (ops.count(g, id), id);
    let mut consider = |g: &mut Graph, ops: &mut OpCounter, cand: ExprId| {
        let n = ops.count(g, cand);
        if n < best.0 {
            best = (n, cand);
        }
    };
    if let Some((mut common, cofactors)) = common_factors(g, &terms) {
        let inner = g.add(cofactors);
        let inner = if depth < 2 {
            best_sum_form(g, inner, ops, work, depth + 1)
        } else {
            inner
        };
        common.push(inner);
        let cand = g.mul(common);
        consider(g, ops, cand);
    }
    if work.exhausted() {
        return best.1;
    }
    let Some(p) = expand_sum(g, id, work) else {
        return best.1;
    };
    let expanded = poly_expr(g, &p);
    consider(g, ops, expanded);
    let content = p.content();
    if !content.is_empty() {
        let rest = p.divide(&content);
        let unit = rest
            .terms
            .iter()
            .any(|(m, c)| m.is_empty() && c.abs().is_one());
        if !unit {
            let cand = factored(g, &p, &content);
            consider(g, ops, cand);
        }
    }
    let atoms = p.atoms();
    if atoms.len() <= MAX_COLLECT_ATOMS {
        for a in atoms {
            if let Some(cand) = collected(g, &p, a) {
                consider(g, ops, cand);
            }
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelling_a_partial_atom_is_refused() {
        let mut g = Graph::new();
        let x = g.var("x");
        let l = g.func(crate::expr::Func::Log, x);
        let one = g.int(1);
        let a = g.add(vec![l, one]);
        let two = g.int(2);
        let sq = g.pow(a, two);
        let l2 = g.pow(l, two);
        let m2 = g.int(-2);
        let t = g.mul(vec![m2, l]);
        let s = g.add(vec![sq, t]);
        let nl2 = g.neg(l2);
        let sum = g.add(vec![s, nl2]);
        // (log(x) + 1)^2 - 2 log(x) - log(x)^2 = 1 only where log(x) is defined.
        let mut work = Work::new(1_000_000);
        assert!(expand_sum(&mut g, sum, &mut work).is_none());
    }
}
