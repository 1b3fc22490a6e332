//! Piecewise-linear inequalities in several variables, decided exactly: `f >= 0`
//! (or `f > 0`) where `f` is built from linear forms with `max`, `min`, `abs` and
//! `if` on linear conditions (`relu(x + y) <= relu(x) + relu(y)`, `abs(x + y) <=
//! abs(x) + abs(y)`), on a region given by linear conditions.
//!
//! The region is split at the kinks into convex polyhedra (each a conjunction of
//! linear constraints over Q, empty pieces dropped by Fourier–Motzkin); on a piece
//! where every branch is forced, `f` is one linear form, and the claim holds there
//! exactly when the piece together with the violation (`f < 0`, or `f <= 0`) has no
//! solution. Each such emptiness comes with a Farkas certificate — non-negative
//! multipliers whose combination of the constraints is a contradiction — which
//! [`check_leaf`] re-checks by plain arithmetic, independently of the elimination
//! that found it.
//!
//! ```
//! use actsym::{defs, expr::Graph, prove::verdict::{decide_claim, Options, Verdict}};
//! let mut g = Graph::with_prelude();
//! let c = defs::parse_claim(&mut g, "relu(x + y) <= relu(x) + relu(y)").unwrap();
//! assert_eq!(decide_claim(&mut g, &c, &Options::default()).verdict, Verdict::Proved);
//! ```

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::super::decide::{resolve, Pick};
use super::exact::Need;
use super::linear::{
    constraint, eliminate, forced, linear_form, piecewise, Constraint, MAX_CONSTRAINTS,
};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};

/// The most pieces the split may visit.
pub const MAX_PIECES: usize = 4_096;

/// One piece of the split, decided: on `region`, `f` is `coeffs·x + constant`, and
/// `farkas` combines `region` and the violation into a contradiction.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// The piece: the claim's linear conditions and the kink sides taken.
    pub region: Vec<Constraint>,
    /// The violation of the claim on this piece (`-f > 0` or `-f >= 0`).
    pub violation: Constraint,
    /// Non-negative multipliers, one per constraint of `region` then the violation.
    pub farkas: Vec<BigRational>,
}

/// How the split ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every piece is decided: the claim holds on the whole region.
    Proved(Vec<Leaf>),
    /// On this piece `f` is linear and the violation is feasible: the claim fails
    /// somewhere in it (a point is left to the certified search).
    Fails(Vec<Constraint>),
}

/// The exact decision, or `None` when it does not apply (a condition or a piece of
/// `f` that is not linear, a `sign`, a partial operation) or runs past its limits.
#[must_use]
pub fn decide(
    g: &mut Graph,
    f: ExprId,
    conds: &[ExprId],
    need: Need,
    deadline: Instant,
) -> Option<Outcome> {
    if !g.info(f).total {
        return None;
    }
    let mut region = Vec::new();
    for &c in conds {
        let Node::Cmp(op, a, b) = g.node(c).clone() else {
            return None;
        };
        region.push(constraint(g, op, a, b)?);
    }
    let zero = g.int(0);
    let mut stack = vec![(region, f)];
    let mut leaves = Vec::new();
    let mut visited = 0usize;
    while let Some((region, e)) = stack.pop() {
        visited += 1;
        if visited > MAX_PIECES || Instant::now() >= deadline {
            return None;
        }
        let e = resolve_under(g, e, &region);
        if let Some((coeffs, constant)) = linear_form(g, e) {
            let violation = Constraint {
                coeffs: coeffs.into_iter().map(|(v, c)| (v, -c)).collect(),
                constant: -constant,
                strict: need == Need::NonNegative,
            };
            let mut all = region.clone();
            all.push(violation.clone());
            match farkas(&all) {
                Some(farkas) => leaves.push(Leaf {
                    region,
                    violation,
                    farkas,
                }),
                None if feasible_exactly(&all) => return Some(Outcome::Fails(all)),
                None => return None,
            }
            continue;
        }
        // Split at the innermost kink whose side the piece does not force.
        let node = g
            .reachable(&[e])
            .into_iter()
            .find(|&id| piecewise(g, id) && forced(g, id, &region).is_none())?;
        let (d, yes, no) = split_of(g, node)?;
        for op in [yes, no] {
            let c = constraint(g, op, d, zero)?;
            let mut piece = region.clone();
            piece.push(c);
            // An empty piece (a contradiction found) is dropped.
            if farkas(&piece).is_none() {
                stack.push((piece, e));
            }
        }
    }
    Some(Outcome::Proved(leaves))
}

/// Re-checks one piece's certificate: the multipliers are non-negative and their
/// combination of the constraints has zero coefficients and a constant that is
/// negative (or zero with a strict constraint taking part) — impossible, since
/// every constraint is `>= 0` (or `> 0`).
#[must_use]
pub fn check_leaf(leaf: &Leaf) -> bool {
    let mut all = leaf.region.clone();
    all.push(leaf.violation.clone());
    contradiction(&all, &leaf.farkas)
}

fn contradiction(cs: &[Constraint], lambda: &[BigRational]) -> bool {
    if lambda.len() != cs.len() || lambda.iter().any(Signed::is_negative) {
        return false;
    }
    let mut coeffs: BTreeMap<Symbol, BigRational> = BTreeMap::new();
    let mut constant = BigRational::zero();
    let mut strict = false;
    for (c, l) in cs.iter().zip(lambda) {
        if l.is_zero() {
            continue;
        }
        for (v, a) in &c.coeffs {
            *coeffs.entry(*v).or_insert_with(BigRational::zero) += a * l;
        }
        constant += &c.constant * l;
        strict |= c.strict;
    }
    coeffs.values().all(Zero::is_zero)
        && match constant.cmp(&BigRational::zero()) {
            Ordering::Less => true,
            Ordering::Equal => strict,
            Ordering::Greater => false,
        }
}

/// Fourier–Motzkin elimination that tracks, for every derived constraint, the
/// non-negative combination of the originals it is: the multipliers of a
/// contradiction when the constraints have no common solution (`None`: they have
/// one, or the elimination grew past [`MAX_CONSTRAINTS`]).
fn farkas(cs: &[Constraint]) -> Option<Vec<BigRational>> {
    let n = cs.len();
    let mut rows: Vec<(Constraint, Vec<BigRational>)> = cs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut l = vec![BigRational::zero(); n];
            l[i] = BigRational::one();
            (c.clone(), l)
        })
        .collect();
    loop {
        let mut rest = Vec::with_capacity(rows.len());
        for (c, l) in rows {
            if c.coeffs.is_empty() {
                let bad = match c.constant.cmp(&BigRational::zero()) {
                    Ordering::Less => true,
                    Ordering::Equal => c.strict,
                    Ordering::Greater => false,
                };
                if bad {
                    return contradiction(cs, &l).then_some(l);
                }
            } else {
                rest.push((c, l));
            }
        }
        rows = rest;
        let v = *rows.iter().flat_map(|(c, _)| c.coeffs.keys()).next()?;
        let (mut pos, mut neg, mut none) = (Vec::new(), Vec::new(), Vec::new());
        for row in rows {
            match row.0.coeffs.get(&v).map(Signed::is_positive) {
                Some(true) => pos.push(row),
                Some(false) => neg.push(row),
                None => none.push(row),
            }
        }
        if pos.len() * neg.len() + none.len() > MAX_CONSTRAINTS {
            return None;
        }
        for (p, lp) in &pos {
            for (q, lq) in &neg {
                let (c, b, a) = eliminate(p, q, v);
                let l = lp.iter().zip(lq).map(|(x, y)| x * &b + y * &a).collect();
                none.push((c, l));
            }
        }
        rows = none;
    }
}

/// Whether the constraints certainly have a common solution.
fn feasible_exactly(cs: &[Constraint]) -> bool {
    super::linear::feasible(cs) == Some(true)
}

/// A simple rational point satisfying every constraint (exactly, strictness
/// included), when they have a common solution: Fourier–Motzkin elimination, then
/// back-substitution choosing, for each variable, the simplest value its bounds
/// allow (0, else the integer nearest 0, else the midpoint).
#[must_use]
pub fn point_in(cs: &[Constraint]) -> Option<BTreeMap<Symbol, BigRational>> {
    let mut stages: Vec<(Symbol, Vec<Constraint>)> = Vec::new();
    let mut cur = cs.to_vec();
    while let Some(&v) = cur.iter().flat_map(|c| c.coeffs.keys()).next() {
        let (mut pos, mut neg, mut rest) = (Vec::new(), Vec::new(), Vec::new());
        for c in &cur {
            match c.coeffs.get(&v).map(Signed::is_positive) {
                Some(true) => pos.push(c),
                Some(false) => neg.push(c),
                None => rest.push(c.clone()),
            }
        }
        if pos.len() * neg.len() + rest.len() > MAX_CONSTRAINTS {
            return None;
        }
        for p in &pos {
            for q in &neg {
                rest.push(eliminate(p, q, v).0);
            }
        }
        stages.push((v, std::mem::replace(&mut cur, rest)));
    }
    let holds = |c: &Constraint| match c.constant.cmp(&BigRational::zero()) {
        Ordering::Greater => true,
        Ordering::Equal => !c.strict,
        Ordering::Less => false,
    };
    if !cur.iter().all(holds) {
        return None;
    }
    let mut point: BTreeMap<Symbol, BigRational> = BTreeMap::new();
    for (v, stage) in stages.iter().rev() {
        // A variable that left the system with `v` (its coefficient cancelled) is
        // free from here on: 0.
        for c in stage {
            for w in c.coeffs.keys() {
                if w != v && !point.contains_key(w) {
                    point.insert(*w, BigRational::zero());
                }
            }
        }
        // Bounds on v: a*v + rest >= 0 (or > 0) with the later variables known.
        let mut lo: Option<(BigRational, bool)> = None;
        let mut hi: Option<(BigRational, bool)> = None;
        for c in stage {
            let Some(a) = c.coeffs.get(v) else { continue };
            let mut rest = c.constant.clone();
            for (w, x) in &c.coeffs {
                if w != v {
                    rest += x * point.get(w)?;
                }
            }
            let bound = -rest / a;
            if a.is_positive() {
                let tighter = lo
                    .as_ref()
                    .is_none_or(|(b, s)| bound > *b || (bound == *b && !*s));
                if tighter {
                    lo = Some((bound, c.strict));
                }
            } else {
                let tighter = hi
                    .as_ref()
                    .is_none_or(|(b, s)| bound < *b || (bound == *b && !*s));
                if tighter {
                    hi = Some((bound, c.strict));
                }
            }
        }
        point.insert(*v, simplest_between(lo.as_ref(), hi.as_ref())?);
    }
    cs.iter()
        .all(|c| {
            let mut value = c.constant.clone();
            for (w, x) in &c.coeffs {
                value += x * &point[w];
            }
            holds(&Constraint {
                coeffs: BTreeMap::new(),
                constant: value,
                strict: c.strict,
            })
        })
        .then_some(point)
}

/// The simplest rational above `lo` and below `hi` (`true`: strictly).
fn simplest_between(
    lo: Option<&(BigRational, bool)>,
    hi: Option<&(BigRational, bool)>,
) -> Option<BigRational> {
    let above = |x: &BigRational| lo.is_none_or(|(b, s)| if *s { x > b } else { x >= b });
    let below = |x: &BigRational| hi.is_none_or(|(b, s)| if *s { x < b } else { x <= b });
    let fits = |x: &BigRational| above(x) && below(x);
    let zero = BigRational::zero();
    if fits(&zero) {
        return Some(zero);
    }
    // The integer nearest 0 on the side the interval lies.
    let candidate = match (lo, hi) {
        (Some((b, _)), _) if b.is_positive() || b.is_zero() => b.floor() + BigRational::one(),
        (_, Some((b, _))) => b.ceil() - BigRational::one(),
        (Some((b, _)), None) => b.floor() + BigRational::one(),
        (None, None) => zero,
    };
    for c in [
        candidate.clone(),
        candidate.clone() - BigRational::one(),
        candidate + BigRational::one(),
    ] {
        if fits(&c) {
            return Some(c);
        }
    }
    match (lo, hi) {
        (Some((a, _)), Some((b, _))) => {
            let mid = (a + b) / BigRational::from_integer(2.into());
            fits(&mid).then_some(mid)
        }
        _ => None,
    }
}

/// `e` with every branch the piece forces taken (innermost first, repeatedly).
fn resolve_under(g: &mut Graph, e: ExprId, region: &[Constraint]) -> ExprId {
    let mut cur = e;
    for _ in 0..64 {
        let mut picks: HashMap<ExprId, Pick> = HashMap::new();
        for id in g.reachable(&[cur]) {
            if piecewise(g, id) {
                if let Some(p) = forced(g, id, region) {
                    picks.insert(id, p);
                }
            }
        }
        if picks.is_empty() {
            break;
        }
        cur = resolve(g, cur, &picks);
    }
    cur
}

/// The quantity a kink node switches on and the two sides (`d op 0`), each of
/// which forces one branch. `sign` (three branches) and non-comparison `if`s are
/// not split.
fn split_of(g: &mut Graph, id: ExprId) -> Option<(ExprId, CmpOp, CmpOp)> {
    match g.node(id).clone() {
        Node::Max(a, b) | Node::Min(a, b) => Some((g.sub(a, b), CmpOp::Ge, CmpOp::Lt)),
        Node::Func(Func::Abs, u) => Some((u, CmpOp::Ge, CmpOp::Lt)),
        Node::If(c, _, _) => {
            let Node::Cmp(op, a, b) = g.node(c).clone() else {
                return None;
            };
            let not = op.negated()?;
            Some((g.sub(a, b), op, not))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Graph;

    fn cons(g: &mut Graph, text: &[&str]) -> Vec<Constraint> {
        text.iter()
            .map(|t| {
                let c = crate::defs::parse_claim(g, &format!("0 = 0 where {t}")).unwrap();
                let Node::Cmp(op, a, b) = g.node(c.conditions[0]).clone() else {
                    panic!("not a comparison: {t}")
                };
                constraint(g, op, a, b).unwrap()
            })
            .collect()
    }

    #[test]
    fn a_point_of_a_polyhedron_satisfies_it_exactly() {
        let mut g = Graph::with_prelude();
        for (text, feasible) in [
            (&["x >= y", "x <= y"][..], true),
            (&["x > y", "y > 3", "x < 4"][..], true),
            (&["x + y > 1", "x - y < -5", "x < -10"][..], true),
            (&["x > y", "y > x"][..], false),
            (
                &["x + y + z >= 7", "z <= 1/3", "x <= y", "y < 2"][..],
                false,
            ),
        ] {
            let cs = cons(&mut g, text);
            let p = point_in(&cs);
            assert_eq!(p.is_some(), feasible, "{text:?}: {p:?}");
            assert_eq!(farkas(&cs).is_some(), !feasible, "{text:?}");
        }
    }

    #[test]
    fn a_tampered_farkas_certificate_is_rejected() {
        let mut g = Graph::with_prelude();
        let cs = cons(&mut g, &["x + y > 1", "x < 0", "y < 1"]);
        let lambda = farkas(&cs).expect("infeasible");
        assert!(contradiction(&cs, &lambda));
        for i in 0..lambda.len() {
            let mut bad = lambda.clone();
            bad[i] = -bad[i].clone() - BigRational::one();
            assert!(!contradiction(&cs, &bad));
        }
        let mut fewer = lambda.clone();
        fewer.pop();
        assert!(!contradiction(&cs, &fewer));
        let zero = vec![BigRational::zero(); cs.len()];
        assert!(!contradiction(&cs, &zero));
    }
}
