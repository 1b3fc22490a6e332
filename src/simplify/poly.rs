//! The expansion of sums and products into polynomials over *atoms*
//! ([`crate::poly::Poly`] with `i128` fractions, generator `g` standing for the
//! node `ExprId(g)`).
//!
//! An *atom* is anything that is not a sum, a product or a positive integer power:
//! `sigmoid(beta*x)`, `x`, `x^(-1)`, `if(...)`. Atoms are never looked into, so every
//! expansion is equal to the original wherever the original is defined. Domains are
//! kept: negative powers are atoms of their own (`x*x^(-1)` never becomes 1), and an
//! expansion in which an atom that is not defined everywhere cancels
//! (`(log(x) + 1) - log(x)`) is refused.

use std::collections::HashSet;
use std::rc::Rc;

use num_traits::ToPrimitive;

use super::rational::Q;
use super::Work;
use crate::expr::{ExprId, Graph, Node};
use crate::poly::{Gen, Limits, Monomial};

/// A polynomial over atoms: generator `g` is the atom `ExprId(g)`, so monomials
/// sort by node id.
pub(super) type Poly = crate::poly::Poly<Q>;

/// The most terms an expanded polynomial may have (products are bounded by the
/// work budget, not by a count of their own).
const LIMITS: Limits = Limits {
    max_terms: 256,
    max_products: usize::MAX,
};
/// The highest power of a sum that is expanded.
const MAX_POWER: i64 = 12;
/// How deep expansion looks into nested sums and products.
const MAX_DEPTH: u32 = 24;

/// The generator of an atom.
pub(super) fn gen(a: ExprId) -> Gen {
    a.0
}

/// The atom of a generator.
pub(super) fn atom(g: Gen) -> ExprId {
    ExprId(g)
}

/// The atoms of `p`, in id order.
pub(super) fn atoms(p: &Poly) -> Vec<ExprId> {
    p.generators().into_iter().map(atom).collect()
}

/// `a^k` as a monomial.
fn atom_power(a: ExprId, k: u32) -> Poly {
    Poly::term(Monomial::power(gen(a), k), Q::ONE)
}

/// An expansion and the atoms in it that are not defined everywhere.
#[derive(Debug)]
pub(super) struct Expanded {
    /// The polynomial.
    pub(super) poly: Poly,
    partial: Vec<ExprId>,
}

/// Expansions already computed, by node: ids never change meaning, so a
/// simplifier keeps them across passes and runs, and a sum's expansion reuses its
/// subterms'.
#[derive(Debug, Default)]
pub(super) struct Expansions {
    map: crate::expr::IdMap<Option<Rc<Expanded>>>,
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
            return e.clone();
        }
        let out = self.expand_node(g, id, depth, work);
        // A failure from the term or size limits is remembered too, so it is not
        // retried on every pass; one from a spent budget is not (nothing more runs).
        if out.is_some() || !work.exhausted() {
            self.map.insert(id, out.clone());
        }
        out
    }

    fn expand_node(
        &mut self,
        g: &mut Graph,
        id: ExprId,
        depth: u32,
        work: &mut Work,
    ) -> Option<Rc<Expanded>> {
        work.spend(1)?;
        let node = g.node(id).clone();
        let deeper = depth < MAX_DEPTH;
        let atom = |g: &mut Graph, a: ExprId, k: u32| {
            let partial = if g.info(a).total { Vec::new() } else { vec![a] };
            Some(Expanded {
                poly: atom_power(a, k),
                partial,
            })
        };
        let out = match node {
            Node::Num(r) => Some(Expanded {
                poly: Poly::constant(Q::from_big(&r)?),
                partial: Vec::new(),
            }),
            Node::Add(ts) if deeper => {
                let mut out = Poly::zero();
                let mut partial = Vec::new();
                for t in ts.iter() {
                    let e = self.expand(g, *t, depth + 1, work)?;
                    out.add_assign_within(&e.poly, &LIMITS, work).ok()?;
                    merge_partial(&mut partial, &e.partial);
                }
                Some(Expanded { poly: out, partial })
            }
            Node::Mul(fs) if deeper => {
                let mut out = Poly::one();
                let mut partial = Vec::new();
                for f in fs.iter() {
                    let e = self.expand(g, *f, depth + 1, work)?;
                    out = out.mul_within(&e.poly, &LIMITS, work).ok()?;
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
                        // Repeated multiplication, not squaring: the work charged
                        // grows with the power, as the result does.
                        for _ in 1..k {
                            out = out.mul_within(&base.poly, &LIMITS, work).ok()?;
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
        Some(Rc::new(out))
    }

    /// The expansion of a sum (its polynomial is `poly`), if expanding keeps its
    /// domain: every atom not defined everywhere is still there.
    pub(super) fn expand_sum(
        &mut self,
        g: &mut Graph,
        id: ExprId,
        work: &mut Work,
    ) -> Option<Rc<Expanded>> {
        let e = self.expand(g, id, 0, work)?;
        if e.partial.is_empty() {
            return Some(e);
        }
        let kept: HashSet<ExprId> = atoms(&e.poly).into_iter().collect();
        e.partial.iter().all(|a| kept.contains(a)).then_some(e)
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
