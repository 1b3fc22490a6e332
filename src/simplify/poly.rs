//! Polynomials with rational coefficients over *atoms*, and the expansion of sums
//! and products into them.
//!
//! An *atom* is anything that is not a sum, a product or a positive integer power:
//! `sigmoid(beta*x)`, `x`, `x^(-1)`, `if(...)`. Atoms are never looked into, so every
//! expansion is equal to the original wherever the original is defined. Domains are
//! kept: negative powers are atoms of their own (`x*x^(-1)` never becomes 1), and an
//! expansion in which an atom that is not defined everywhere cancels
//! (`(log(x) + 1) - log(x)`) is refused.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use num_traits::ToPrimitive;

use super::rational::Q;
use super::Work;
use crate::expr::{ExprId, Graph, Node};

/// A monomial: atoms with positive exponents, sorted by id.
pub(super) type Mono = Vec<(ExprId, u32)>;

/// The most terms an expanded polynomial may have.
const MAX_TERMS: usize = 256;
/// The highest power of a sum that is expanded.
const MAX_POWER: i64 = 12;
/// How deep expansion looks into nested sums and products.
const MAX_DEPTH: u32 = 24;

/// A polynomial with rational coefficients over atoms.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Poly {
    /// Coefficient per monomial; no zero coefficients.
    pub(super) terms: BTreeMap<Mono, Q>,
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
    fn constant(r: Q) -> Poly {
        let mut p = Poly::default();
        if !r.is_zero() {
            p.terms.insert(Vec::new(), r);
        }
        p
    }

    fn atom(a: ExprId, k: u32) -> Poly {
        let mut p = Poly::default();
        p.terms.insert(vec![(a, k)], Q::ONE);
        p
    }

    /// Adds `c*m`; `None` on overflow.
    pub(super) fn add_term(&mut self, m: Mono, c: Q) -> Option<()> {
        match self.terms.entry(m) {
            Entry::Vacant(v) => {
                if !c.is_zero() {
                    v.insert(c);
                }
            }
            Entry::Occupied(mut o) => {
                let sum = o.get().add(c)?;
                if sum.is_zero() {
                    o.remove();
                } else {
                    *o.get_mut() = sum;
                }
            }
        }
        Some(())
    }

    fn mul(&self, other: &Poly, work: &mut Work) -> Option<Poly> {
        let mut out = Poly::default();
        for (ma, ca) in &self.terms {
            for (mb, cb) in &other.terms {
                work.spend(1)?;
                out.add_term(mono_mul(ma, mb), ca.mul(*cb)?)?;
            }
            if out.terms.len() > MAX_TERMS {
                return None;
            }
        }
        Some(out)
    }

    /// The atoms that occur, in id order.
    pub(super) fn atoms(&self) -> Vec<ExprId> {
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
    pub(super) fn content(&self) -> Mono {
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
    pub(super) fn divide(&self, m: &Mono) -> Poly {
        let mut out = Poly::default();
        for (t, c) in &self.terms {
            let q: Mono = t
                .iter()
                .filter_map(|&(a, k)| {
                    let d = m.iter().find(|(b, _)| *b == a).map_or(0, |&(_, j)| j);
                    (k > d).then_some((a, k - d))
                })
                .collect();
            // Dividing by a common monomial keeps monomials distinct.
            out.terms.insert(q, *c);
        }
        out
    }
}

/// An expansion and the atoms in it that are not defined everywhere.
#[derive(Debug)]
struct Expanded {
    poly: Poly,
    partial: Vec<ExprId>,
}

/// Expansions already computed, by node: ids never change meaning, so a
/// simplifier keeps them across passes and runs, and a sum's expansion reuses its
/// subterms'.
#[derive(Debug, Default)]
pub(super) struct Expansions {
    map: HashMap<ExprId, Rc<Expanded>>,
}

fn merge_partial(into: &mut Vec<ExprId>, from: &[ExprId]) {
    for a in from {
        if !into.contains(a) {
            into.push(*a);
        }
    }
}

impl Expansions {
    /// Expands `id` into a polynomial over atoms. `None` when it grows past the
    /// limits or the budget is spent.
    fn expand(
        &mut self,
        g: &mut Graph,
        id: ExprId,
        depth: u32,
        work: &mut Work,
    ) -> Option<Rc<Expanded>> {
        if let Some(e) = self.map.get(&id) {
            return Some(Rc::clone(e));
        }
        work.spend(1)?;
        let node = g.node(id).clone();
        let deeper = depth < MAX_DEPTH;
        let atom = |g: &mut Graph, a: ExprId, k: u32| {
            let partial = if g.info(a).total { Vec::new() } else { vec![a] };
            Some(Expanded {
                poly: Poly::atom(a, k),
                partial,
            })
        };
        let out = match node {
            Node::Num(r) => Some(Expanded {
                poly: Poly::constant(Q::from_big(&r)?),
                partial: Vec::new(),
            }),
            Node::Add(ts) if deeper => {
                let mut out = Poly::default();
                let mut partial = Vec::new();
                for t in ts.iter() {
                    let e = self.expand(g, *t, depth + 1, work)?;
                    for (m, c) in &e.poly.terms {
                        work.spend(1)?;
                        out.add_term(m.clone(), *c)?;
                    }
                    merge_partial(&mut partial, &e.partial);
                    if out.terms.len() > MAX_TERMS {
                        return None;
                    }
                }
                Some(Expanded { poly: out, partial })
            }
            Node::Mul(fs) if deeper => {
                let mut out = Poly::constant(Q::ONE);
                let mut partial = Vec::new();
                for f in fs.iter() {
                    let e = self.expand(g, *f, depth + 1, work)?;
                    out = out.mul(&e.poly, work)?;
                    merge_partial(&mut partial, &e.partial);
                }
                Some(Expanded { poly: out, partial })
            }
            Node::Pow(b, e) => {
                let k = g
                    .as_num(e)
                    .filter(|r| r.is_integer())
                    .and_then(|r| r.to_integer().to_i64());
                match k {
                    Some(k)
                        if k > 0
                            && k <= MAX_POWER
                            && deeper
                            && matches!(g.node(b), Node::Add(_)) =>
                    {
                        let base = self.expand(g, b, depth + 1, work)?;
                        let mut out = base.poly.clone();
                        for _ in 1..k {
                            out = out.mul(&base.poly, work)?;
                        }
                        Some(Expanded {
                            poly: out,
                            partial: base.partial.clone(),
                        })
                    }
                    Some(k) if k > 0 => atom(g, b, u32::try_from(k).ok()?),
                    Some(k) if k < 0 => {
                        let m1 = g.int(-1);
                        let inv = g.pow(b, m1);
                        atom(g, inv, u32::try_from(-k).ok()?)
                    }
                    _ => atom(g, id, 1),
                }
            }
            _ => atom(g, id, 1),
        }?;
        let out = Rc::new(out);
        self.map.insert(id, Rc::clone(&out));
        Some(out)
    }

    /// The expanded polynomial of a sum, if expanding keeps its domain.
    pub(super) fn expand_sum(
        &mut self,
        g: &mut Graph,
        id: ExprId,
        work: &mut Work,
    ) -> Option<Poly> {
        let e = self.expand(g, id, 0, work)?;
        let kept: HashSet<ExprId> = e.poly.atoms().into_iter().collect();
        e.partial
            .iter()
            .all(|a| kept.contains(a))
            .then(|| e.poly.clone())
    }
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
        let mut memo = Expansions::default();
        assert!(memo.expand_sum(&mut g, sum, &mut work).is_none());
    }
}
