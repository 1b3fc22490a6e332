//! The step checker: re-verifies a [`Proof`] against its claim without searching.
//! Each step is recomputed locally — a resolution is redone and compared, a split's
//! cases must cover the region exactly, a normal form is recomputed — so a proof that
//! was altered after the search is rejected.

use std::collections::HashMap;

use num_rational::BigRational;

use super::decide::{innermost, resolve, smooth_sides, Context, Proof};
use super::region::Interval;
use super::{evaluation, normal};
use crate::expr::{ExprId, Graph, Symbol};

/// Why a proof does not check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("proof rejected: {0}")]
pub struct Rejected(pub String);

fn reject<T>(why: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected(why.into()))
}

/// Checks that `proof` shows `lhs = rhs` on the region `ctx`.
pub fn check(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    proof: &Proof,
) -> Result<(), Rejected> {
    match proof {
        Proof::Identical => {
            if lhs == rhs {
                Ok(())
            } else {
                reject("'identical' step between different expressions")
            }
        }
        Proof::Normal => {
            let inner = innermost(g, &[lhs, rhs], ctx);
            if !inner.decided.is_empty() || !inner.roots.is_empty() {
                return reject("normal-form step on an expression with piecewise nodes");
            }
            let (l, r) = smooth_sides(g, lhs, rhs, ctx)
                .map_err(|e| Rejected(format!("normal-form step fails: {}", e.0)))?;
            match normal::difference_is_zero(g, l, r) {
                Some((true, _)) => Ok(()),
                _ => {
                    reject("normal-form step fails: the normal form of the difference is not zero")
                }
            }
        }
        Proof::Atoms => {
            if super::decide::atoms_prove(g, lhs, rhs, ctx) {
                Ok(())
            } else {
                reject("an atoms step where a side may be undefined or the normal form of the difference is not zero")
            }
        }
        Proof::Points(p) => {
            let inner = innermost(g, &[lhs, rhs], ctx);
            if !inner.decided.is_empty() || !inner.roots.is_empty() {
                return reject("evaluation step on an expression with piecewise nodes");
            }
            let (l, r) = smooth_sides(g, lhs, rhs, ctx)
                .map_err(|e| Rejected(format!("evaluation step fails: {}", e.0)))?;
            evaluation::check(g, l, r, p)
                .map_err(|why| Rejected(format!("evaluation step fails: {why}")))
        }
        Proof::Resolve {
            lhs: l2,
            rhs: r2,
            proof,
        } => {
            let inner = innermost(g, &[lhs, rhs], ctx);
            if !inner.roots.is_empty() || inner.decided.is_empty() {
                return reject("a resolution step where the branches are not all determined");
            }
            let l = resolve(g, lhs, &inner.decided);
            let r = resolve(g, rhs, &inner.decided);
            if (l, r) != (*l2, *r2) {
                return reject("a resolution step that does not take the branches of its region");
            }
            check(g, l, r, ctx, proof)
        }
        Proof::Split { var, cases } => check_split(g, lhs, rhs, ctx, *var, cases),
    }
}

fn check_split(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    var: Symbol,
    cases: &[super::decide::Case],
) -> Result<(), Rejected> {
    let whole = ctx.get(&var).cloned().unwrap_or_else(Interval::line);
    // Order the pieces along the line: open intervals by their lower end, each point
    // right after the interval that ends at it.
    let mut open: Vec<&super::decide::Case> = Vec::new();
    let mut points: Vec<(&BigRational, &super::decide::Case)> = Vec::new();
    for c in cases {
        match (&c.region.lo, &c.region.hi) {
            (Some((a, true)), Some((b, true))) if a == b => points.push((a, c)),
            (lo, hi) if lo.as_ref().is_none_or(|e| !e.1) && hi.as_ref().is_none_or(|e| !e.1) => {
                open.push(c)
            }
            _ => return reject("a case region that is neither open nor a point"),
        }
    }
    open.sort_by(|a, b| match (&a.region.lo, &b.region.lo) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.0.cmp(&y.0),
    });
    points.sort_by(|a, b| a.0.cmp(b.0));
    // Coverage: the open pieces chain from the region's lower end to its upper end,
    // meeting at the split points; closed ends are points too.
    let Some(first) = open.first() else {
        return reject("a split without open regions");
    };
    let ends = |e: &Option<(BigRational, bool)>| e.as_ref().map(|(v, _)| v.clone());
    if ends(&first.region.lo) != ends(&whole.lo) {
        return reject("the cases do not start at the region's lower end");
    }
    let mut expected_points: Vec<BigRational> = Vec::new();
    for pair in open.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (Some((x, _)), Some((y, _))) = (&a.region.hi, &b.region.lo) else {
            return reject("open cases that do not meet");
        };
        if x != y {
            return reject("open cases that leave a gap or overlap");
        }
        expected_points.push(x.clone());
    }
    let last = open[open.len() - 1];
    if ends(&last.region.hi) != ends(&whole.hi) {
        return reject("the cases do not end at the region's upper end");
    }
    for end in [&whole.lo, &whole.hi].into_iter().flatten() {
        if end.1 {
            expected_points.push(end.0.clone());
        }
    }
    expected_points.sort();
    expected_points.dedup();
    let got: Vec<BigRational> = points.iter().map(|(p, _)| (*p).clone()).collect();
    if got != expected_points {
        return reject("the split points do not match the regions");
    }
    for c in open {
        if (c.lhs, c.rhs) != (lhs, rhs) {
            return reject("an open case that changes the claim");
        }
        let mut sub = ctx.clone();
        sub.insert(var, c.region.clone());
        check(g, lhs, rhs, &sub, &c.proof)?;
    }
    for (p, c) in points {
        let value = g.num(p.clone());
        let bind: HashMap<Symbol, ExprId> = HashMap::from([(var, value)]);
        let l = g.substitute(lhs, &bind);
        let r = g.substitute(rhs, &bind);
        if (c.lhs, c.rhs) != (l, r) {
            return reject(format!(
                "the case {} = {p} does not substitute the point",
                g.name(var)
            ));
        }
        let mut sub = ctx.clone();
        sub.remove(&var);
        check(g, l, r, &sub, &c.proof)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;
    use crate::prove::decide::{condition_interval, prove, Case};

    fn setup(claim: &str) -> (Graph, ExprId, ExprId, Context) {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).unwrap();
        let mut ctx = Context::new();
        for &cond in &c.conditions {
            if let Some((v, iv)) = condition_interval(&mut g, cond) {
                ctx.insert(v, iv);
            }
        }
        let (l, r) = (defs::inline(&mut g, c.lhs), defs::inline(&mut g, c.rhs));
        (g, l, r, ctx)
    }

    #[test]
    fn proofs_recheck_and_tampering_is_caught() {
        for claim in [
            "tanh(x) + 1 = 2*sigmoid(2*x)",
            "relu(x) - relu(-x) = x",
            "relu(relu(x)) = relu(x)",
            "abs(x) = x*sign(x)",
            "relu(x) = x where x >= 0",
            "prelu(x, alpha) = relu(x) - alpha*relu(-x)",
        ] {
            let (mut g, l, r, ctx) = setup(claim);
            let proof = prove(&mut g, l, r, &ctx).unwrap();
            check(&mut g, l, r, &ctx, &proof).unwrap_or_else(|e| panic!("{claim}: {e}"));
            // The same proof does not prove a different claim.
            let one = g.int(1);
            let r_wrong = g.add(vec![r, one]);
            assert!(check(&mut g, l, r_wrong, &ctx, &proof).is_err(), "{claim}");
        }
        // Drop a case from a split.
        let (mut g, l, r, ctx) = setup("relu(x) - relu(-x) = x");
        let Proof::Split { var, mut cases } = prove(&mut g, l, r, &ctx).unwrap() else {
            panic!("a split is expected")
        };
        let removed: Case = cases.remove(0);
        assert!(check(
            &mut g,
            l,
            r,
            &ctx,
            &Proof::Split {
                var,
                cases: cases.clone()
            }
        )
        .is_err());
        // Swap a case's resolved sides for something else.
        cases.insert(0, removed);
        if let Some(Case {
            proof: Proof::Resolve { lhs, .. },
            ..
        }) = cases.get_mut(0)
        {
            *lhs = g.int(0);
        }
        assert!(check(&mut g, l, r, &ctx, &Proof::Split { var, cases }).is_err());
    }
}
