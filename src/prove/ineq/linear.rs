//! Conditions linear in several variables, decided exactly: a region is a
//! conjunction of linear inequalities over Q (`x >= a`, `x - y > 0`), and whether it
//! is empty — or whether a kink argument has a fixed sign on it — is decided by
//! Fourier–Motzkin elimination with exact rationals, keeping track of strictness.
//!
//! ```
//! use actsym::{defs, expr::Graph, prove::ineq::linear::empty_region};
//! let mut g = Graph::with_prelude();
//! let c = defs::parse_claim(&mut g, "x = y where x > y, y > x + 1").unwrap();
//! assert!(empty_region(&mut g, &c.conditions).is_some());
//! ```

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::super::decide::{resolve, Pick};
use super::super::normal::{Generator, Normalizer};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};

/// `sum coeffs[v]*v + constant` is `> 0` (strict) or `>= 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// The coefficients, by variable (none zero).
    pub coeffs: BTreeMap<Symbol, BigRational>,
    /// The constant term.
    pub constant: BigRational,
    /// Whether the inequality is strict.
    pub strict: bool,
}

/// The most constraints Fourier–Motzkin may hold at once.
pub const MAX_CONSTRAINTS: usize = 4_000;

/// `e` as a linear form `sum c_v v + c` with rational coefficients, if it is one.
#[must_use]
pub fn linear_form(g: &Graph, e: ExprId) -> Option<(BTreeMap<Symbol, BigRational>, BigRational)> {
    let mut n = Normalizer::new(g, &[e]);
    let f = n.normalize(g, e)?;
    let den = f.den.as_constant()?;
    if den.is_zero() {
        return None;
    }
    let gens = n.generators().to_vec();
    let mut coeffs = BTreeMap::new();
    let mut constant = BigRational::zero();
    for (m, c) in f.num.terms() {
        let c = c / &den;
        match m.factors() {
            [] => constant += c,
            [(gi, 1)] => match gens.get(*gi as usize)? {
                Generator::Var(s) => {
                    *coeffs.entry(*s).or_insert_with(BigRational::zero) += c;
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    coeffs.retain(|_, c: &mut BigRational| !c.is_zero());
    Some((coeffs, constant))
}

/// The constraint `a op b`, when it is linear (`!=` is not a region constraint).
#[must_use]
pub fn constraint(g: &mut Graph, op: CmpOp, a: ExprId, b: ExprId) -> Option<Constraint> {
    let d = g.sub(a, b);
    let (coeffs, constant) = linear_form(g, d)?;
    let neg = |c: BTreeMap<Symbol, BigRational>| c.into_iter().map(|(v, x)| (v, -x)).collect();
    Some(match op {
        CmpOp::Gt => Constraint {
            coeffs,
            constant,
            strict: true,
        },
        CmpOp::Ge => Constraint {
            coeffs,
            constant,
            strict: false,
        },
        CmpOp::Lt => Constraint {
            coeffs: neg(coeffs),
            constant: -constant,
            strict: true,
        },
        CmpOp::Le => Constraint {
            coeffs: neg(coeffs),
            constant: -constant,
            strict: false,
        },
        CmpOp::Ne => return None,
    })
}

/// The linear constraints among the conditions (others are ignored: the region
/// they describe contains the true one).
pub fn region_constraints(g: &mut Graph, conds: &[ExprId]) -> Vec<Constraint> {
    conds
        .iter()
        .filter_map(|&c| match g.node(c).clone() {
            Node::Cmp(op, a, b) => constraint(g, op, a, b),
            _ => None,
        })
        .collect()
}

/// Whether the constraints have a common solution: `Some(false)` when they
/// certainly have none, `None` past the size limit.
#[must_use]
pub fn feasible(constraints: &[Constraint]) -> Option<bool> {
    let mut cs: Vec<Constraint> = constraints.to_vec();
    loop {
        // Constant constraints decide at once.
        let mut rest = Vec::with_capacity(cs.len());
        for c in cs {
            if c.coeffs.is_empty() {
                let ok = match c.constant.cmp(&BigRational::zero()) {
                    Ordering::Greater => true,
                    Ordering::Equal => !c.strict,
                    Ordering::Less => false,
                };
                if !ok {
                    return Some(false);
                }
            } else {
                rest.push(c);
            }
        }
        cs = rest;
        let Some(&v) = cs.iter().flat_map(|c| c.coeffs.keys()).next() else {
            return Some(true);
        };
        let (mut pos, mut neg, mut none) = (Vec::new(), Vec::new(), Vec::new());
        for c in cs {
            match c.coeffs.get(&v).map(Signed::is_positive) {
                Some(true) => pos.push(c),
                Some(false) => neg.push(c),
                None => none.push(c),
            }
        }
        if pos.len() * neg.len() + none.len() > MAX_CONSTRAINTS {
            return None;
        }
        for p in &pos {
            for q in &neg {
                none.push(eliminate(p, q, v).0);
            }
        }
        cs = none;
    }
}

/// `v` eliminated from `a*v + p >= 0` (`a > 0`) and `-b*v + q >= 0` (`b > 0`):
/// `b*p + a*q >= 0` (strict when either is), with the multipliers `(b, a)`.
pub(super) fn eliminate(
    p: &Constraint,
    q: &Constraint,
    v: Symbol,
) -> (Constraint, BigRational, BigRational) {
    let a = p.coeffs[&v].clone();
    let b = -q.coeffs[&v].clone();
    let mut coeffs = BTreeMap::new();
    for (w, x) in &p.coeffs {
        *coeffs.entry(*w).or_insert_with(BigRational::zero) += x * &b;
    }
    for (w, x) in &q.coeffs {
        *coeffs.entry(*w).or_insert_with(BigRational::zero) += x * &a;
    }
    coeffs.remove(&v);
    coeffs.retain(|_, x: &mut BigRational| !x.is_zero());
    let c = Constraint {
        coeffs,
        constant: &p.constant * &b + &q.constant * &a,
        strict: p.strict || q.strict,
    };
    (c, b, a)
}

/// A reason why the conditions hold nowhere, when their linear part is infeasible.
pub fn empty_region(g: &mut Graph, conds: &[ExprId]) -> Option<String> {
    let cs = region_constraints(g, conds);
    if cs.is_empty() {
        return None;
    }
    (feasible(&cs) == Some(false)).then(|| {
        "the linear conditions have no common solution (Fourier–Motzkin elimination)".to_owned()
    })
}

/// Whether the region implies `u op 0`: the region with the negation is empty.
fn implies(g: &mut Graph, region: &[Constraint], op: CmpOp, u: ExprId) -> bool {
    let zero = g.int(0);
    let Some(negated) = op.negated() else {
        return false;
    };
    let Some(c) = constraint(g, negated, u, zero) else {
        return false;
    };
    let mut all = region.to_vec();
    all.push(c);
    feasible(&all) == Some(false)
}

pub(super) fn piecewise(g: &Graph, id: ExprId) -> bool {
    matches!(
        g.node(id),
        Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Func(Func::Abs | Func::Sign, _)
    )
}

/// The branch the region forces on one piecewise node, if any.
pub(super) fn forced(g: &mut Graph, id: ExprId, region: &[Constraint]) -> Option<Pick> {
    let total = |g: &Graph, a: ExprId, b: ExprId| g.info(a).total && g.info(b).total;
    match g.node(id).clone() {
        Node::Max(a, b) | Node::Min(a, b) if total(g, a, b) => {
            let d = g.sub(a, b);
            let is_max = matches!(g.node(id), Node::Max(..));
            if implies(g, region, CmpOp::Ge, d) {
                Some(if is_max { Pick::First } else { Pick::Second })
            } else if implies(g, region, CmpOp::Le, d) {
                Some(if is_max { Pick::Second } else { Pick::First })
            } else {
                None
            }
        }
        Node::Func(Func::Abs, u) if g.info(u).total => {
            if implies(g, region, CmpOp::Ge, u) {
                Some(Pick::First)
            } else if implies(g, region, CmpOp::Le, u) {
                Some(Pick::Negate)
            } else {
                None
            }
        }
        Node::Func(Func::Sign, u) if g.info(u).total => {
            if implies(g, region, CmpOp::Gt, u) {
                Some(Pick::Value(1))
            } else if implies(g, region, CmpOp::Lt, u) {
                Some(Pick::Value(-1))
            } else {
                None
            }
        }
        Node::If(c, t, e) if total(g, t, e) => {
            let Node::Cmp(op, a, b) = g.node(c).clone() else {
                return None;
            };
            if !total(g, a, b) {
                return None;
            }
            let d = g.sub(a, b);
            let not = op.negated()?;
            if implies(g, region, op, d) {
                Some(Pick::First)
            } else if implies(g, region, not, d) {
                Some(Pick::Second)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Replaces every piecewise node whose branch the linear conditions force on the
/// whole region by that branch (innermost first, repeatedly). The result equals
/// `root` at every point of the region; `None` when nothing was forced.
pub fn resolve_on_region(g: &mut Graph, roots: &[ExprId], conds: &[ExprId]) -> Option<Vec<ExprId>> {
    let region = region_constraints(g, conds);
    // Only regions over several variables need this (one variable is the case split).
    let vars: std::collections::BTreeSet<Symbol> = region
        .iter()
        .flat_map(|c| c.coeffs.keys().copied())
        .collect();
    if region.is_empty() || vars.len() < 2 {
        return None;
    }
    let mut cur = roots.to_vec();
    let mut changed = false;
    for _ in 0..16 {
        let mut picks: HashMap<ExprId, Pick> = HashMap::new();
        for id in g.reachable(&cur) {
            if piecewise(g, id) {
                if let Some(p) = forced(g, id, &region) {
                    picks.insert(id, p);
                }
            }
        }
        if picks.is_empty() {
            break;
        }
        changed = true;
        cur = cur.iter().map(|&r| resolve(g, r, &picks)).collect();
    }
    changed.then_some(cur)
}
