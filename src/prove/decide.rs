//! The symbolic decision of a claim `L = R`: piecewise nodes are resolved region by
//! region (the line is split at the exact roots of their linear conditions, and each
//! boundary point is decided on its own), then each piece is decided by the
//! exponential-rational normal form together with a domain check.
//!
//! The search returns a [`Proof`] tree that [`check`](super::check) re-verifies step by
//! step without searching.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use num_rational::BigRational;

use super::evaluation::{self, PointsProof};
use super::normal;
use super::region::{shape_of, sign_of, Interval, Shape};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};

/// The most cases one proof may split into.
pub const MAX_CASES: usize = 512;

/// A proof of `lhs = rhs` on a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The two sides are the same canonical expression.
    Identical,
    /// The normal form of `lhs - rhs` is zero and both sides have the same domain
    /// conditions.
    Normal,
    /// The normal form of `lhs - rhs` is zero, shown summand group by summand group
    /// by exact evaluation at `D + 1` points ([`evaluation`]), and both sides have the
    /// same domain conditions.
    Points(Box<PointsProof>),
    /// On the current region every innermost piecewise node takes one branch:
    /// replacing each by its branch gives `lhs = rhs`.
    Resolve {
        /// The left side with the branches taken.
        lhs: ExprId,
        /// The right side with the branches taken.
        rhs: ExprId,
        /// Why those are equal.
        proof: Box<Proof>,
    },
    /// Both sides are defined on the region and the normal form of `lhs - rhs` is zero
    /// with each piecewise subterm an atom, extrema of the same arguments up to sign
    /// and order one atom (`max(x, Phi(2)) = -min(-x, -Phi(2))`, whose kink is not
    /// rational, so no case split reaches it).
    Atoms,
    /// A case split on a variable: each case is a region (an interval or a single
    /// point) with the claim resolved there and its own proof.
    Split {
        /// The variable split on.
        var: Symbol,
        /// The cases, covering the variable's interval.
        cases: Vec<Case>,
    },
}

/// One case of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The region of the split variable.
    pub region: Interval,
    /// The left side on the region (piecewise nodes resolved, or the point substituted).
    pub lhs: ExprId,
    /// The right side on the region.
    pub rhs: ExprId,
    /// Why they are equal there.
    pub proof: Proof,
}

/// Why no proof was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoProof(pub String);

/// The known intervals of variables (from `where` conditions and case splits).
pub type Context = HashMap<Symbol, Interval>;

/// Which branch a piecewise node takes on a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pick {
    First,
    Second,
    Negate,
    Value(i64),
}

/// The condition whose sign decides a piecewise node, and whether the node may be
/// resolved without changing its domain (the dropped parts are defined everywhere).
fn condition(g: &mut Graph, id: ExprId) -> Option<(ExprId, bool)> {
    match g.node(id).clone() {
        Node::Max(a, b) | Node::Min(a, b) => {
            let ok = g.info(a).total && g.info(b).total;
            Some((g.sub(a, b), ok))
        }
        Node::Func(Func::Abs | Func::Sign, u) => Some((u, g.info(u).total)),
        Node::If(c, _, _) => match g.node(c).clone() {
            Node::Cmp(_, a, b) => {
                let ok = g.info(a).total && g.info(b).total;
                Some((g.sub(a, b), ok))
            }
            _ => None,
        },
        _ => None,
    }
}

fn is_piecewise(g: &Graph, id: ExprId) -> bool {
    matches!(
        g.node(id),
        Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Func(Func::Abs | Func::Sign, _)
    )
}

/// The branch a piecewise node takes when its condition has sign `s`.
fn pick(g: &Graph, id: ExprId, s: Ordering) -> Pick {
    match g.node(id) {
        Node::Max(..) => {
            if s == Ordering::Less {
                Pick::Second
            } else {
                Pick::First
            }
        }
        Node::Min(..) => {
            if s == Ordering::Greater {
                Pick::Second
            } else {
                Pick::First
            }
        }
        Node::Func(Func::Abs, _) => {
            if s == Ordering::Less {
                Pick::Negate
            } else {
                Pick::First
            }
        }
        Node::Func(Func::Sign, _) => Pick::Value(match s {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }),
        Node::If(c, ..) => {
            let holds = match g.node(*c) {
                Node::Cmp(op, ..) => op.holds(s),
                _ => true,
            };
            if holds {
                Pick::First
            } else {
                Pick::Second
            }
        }
        _ => Pick::First,
    }
}

/// Rewrites `root` with the given piecewise nodes replaced by their branches.
pub(super) fn resolve(g: &mut Graph, root: ExprId, picks: &HashMap<ExprId, Pick>) -> ExprId {
    g.rewrite(root, |g, id, node| match (picks.get(&id), &node) {
        (Some(Pick::First), Node::Max(a, _) | Node::Min(a, _) | Node::Func(_, a)) => *a,
        (Some(Pick::Second), Node::Max(_, b) | Node::Min(_, b)) => *b,
        (Some(Pick::Negate), Node::Func(_, a)) => g.neg(*a),
        (Some(Pick::Value(v)), _) => g.int(*v),
        (Some(Pick::First), Node::If(_, t, _)) => *t,
        (Some(Pick::Second), Node::If(_, _, e)) => *e,
        _ => g.rebuild(node),
    })
}

/// The piecewise nodes under the roots whose condition holds no piecewise node,
/// with their condition's shape.
pub(super) struct Innermost {
    /// Nodes decided on the current region, with their branch.
    pub(super) decided: HashMap<ExprId, Pick>,
    /// Roots of linear conditions that change sign inside the region, per variable.
    pub(super) roots: Vec<(Symbol, BigRational)>,
    /// A piecewise node that cannot be resolved (non-linear condition, or one that
    /// would change the domain).
    stuck: Option<String>,
}

pub(super) fn innermost(g: &mut Graph, roots: &[ExprId], ctx: &Context) -> Innermost {
    let mut out = Innermost {
        decided: HashMap::new(),
        roots: Vec::new(),
        stuck: None,
    };
    for id in g.reachable(roots) {
        if !is_piecewise(g, id) {
            continue;
        }
        let Some((c, domain_safe)) = condition(g, id) else {
            out.stuck = Some("a condition that is not a comparison".into());
            continue;
        };
        if g.reachable(&[c]).into_iter().any(|n| is_piecewise(g, n)) {
            continue; // an inner piecewise node comes first
        }
        if !domain_safe {
            out.stuck = Some("a piecewise function of a partially defined argument".into());
            continue;
        }
        match shape_of(g, c) {
            Some(Shape::Constant(k)) => {
                out.decided.insert(id, pick(g, id, sign_of(&k)));
            }
            Some(Shape::Linear(lin)) => {
                let iv = ctx.get(&lin.var).cloned().unwrap_or_else(Interval::line);
                match lin.sign_on(&iv) {
                    Some(s) if !iv.contains(&lin.root()) || s == Ordering::Equal => {
                        out.decided.insert(id, pick(g, id, s));
                    }
                    _ => out.roots.push((lin.var, lin.root())),
                }
            }
            None => {
                out.stuck = Some("a piecewise condition that is not linear in one variable".into())
            }
        }
    }
    out
}

/// Searches a proof that `lhs = rhs` on the region `ctx`.
pub fn prove(g: &mut Graph, lhs: ExprId, rhs: ExprId, ctx: &Context) -> Result<Proof, NoProof> {
    let mut budget = MAX_CASES;
    prove_in(g, lhs, rhs, ctx, &mut budget)
}

fn prove_in(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    budget: &mut usize,
) -> Result<Proof, NoProof> {
    prove_resolved(g, lhs, rhs, ctx, budget).or_else(|why| {
        if atoms_prove(g, lhs, rhs, ctx) {
            Ok(Proof::Atoms)
        } else {
            Err(why)
        }
    })
}

/// Whether [`Proof::Atoms`] shows `lhs = rhs` on `ctx`: a piecewise node, both sides
/// defined throughout the region (no domain requirement left anywhere in them, the
/// branches of an `if` included), and a zero normal form of the difference.
pub(super) fn atoms_prove(g: &mut Graph, lhs: ExprId, rhs: ExprId, ctx: &Context) -> bool {
    let piecewise = g.reachable(&[lhs, rhs]).into_iter().any(|n| {
        matches!(
            g.node(n),
            Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Func(Func::Abs | Func::Sign, _)
        )
    });
    let defined = |g: &mut Graph, e: ExprId| {
        g.info(e).total || requirements(g, e, ctx).is_some_and(|r| r.is_empty())
    };
    if !(piecewise && defined(g, lhs) && defined(g, rhs)) {
        return false;
    }
    let shared = normal::share_extrema(g, &[lhs, rhs]);
    matches!(
        normal::difference_is_zero(g, shared[0], shared[1]),
        Some((true, _))
    )
}

fn prove_resolved(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    budget: &mut usize,
) -> Result<Proof, NoProof> {
    if lhs == rhs {
        return Ok(Proof::Identical);
    }
    let inner = innermost(g, &[lhs, rhs], ctx);
    if let Some(&(var, _)) = inner.roots.first() {
        return split(g, lhs, rhs, ctx, var, &inner, budget);
    }
    if !inner.decided.is_empty() {
        // Every innermost node has one branch on this region: one case, no split.
        let l = resolve(g, lhs, &inner.decided);
        let r = resolve(g, rhs, &inner.decided);
        let proof = Box::new(prove_in(g, l, r, ctx, budget)?);
        return Ok(Proof::Resolve {
            lhs: l,
            rhs: r,
            proof,
        });
    }
    if let Some(why) = inner.stuck {
        return Err(NoProof(why));
    }
    decide_smooth(g, lhs, rhs, ctx)
}

/// Splits the region of `var` at the roots of the innermost conditions.
fn split(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    var: Symbol,
    inner: &Innermost,
    budget: &mut usize,
) -> Result<Proof, NoProof> {
    let whole = ctx.get(&var).cloned().unwrap_or_else(Interval::line);
    let mut points: BTreeSet<BigRational> = inner
        .roots
        .iter()
        .filter(|(v, r)| *v == var && whole.interior_contains(r))
        .map(|(_, r)| r.clone())
        .collect();
    for end in [&whole.lo, &whole.hi].into_iter().flatten() {
        if end.1 {
            points.insert(end.0.clone());
        }
    }
    let points: Vec<BigRational> = points.into_iter().collect();
    let mut regions: Vec<Interval> = Vec::new();
    let mut lo = whole.lo.clone().map(|(v, _)| v);
    for p in points.iter().filter(|p| whole.interior_contains(p)) {
        regions.push(Interval::open(lo.clone(), Some(p.clone())));
        lo = Some(p.clone());
    }
    regions.push(Interval::open(lo, whole.hi.clone().map(|(v, _)| v)));
    regions.retain(|r| !r.is_empty());
    let mut cases = Vec::new();
    for region in regions {
        *budget = budget
            .checked_sub(1)
            .ok_or_else(|| NoProof("too many cases".into()))?;
        let mut sub = ctx.clone();
        sub.insert(var, region.clone());
        let proof = prove_in(g, lhs, rhs, &sub, budget)?;
        cases.push(Case {
            region,
            lhs,
            rhs,
            proof,
        });
    }
    for p in points {
        *budget = budget
            .checked_sub(1)
            .ok_or_else(|| NoProof("too many cases".into()))?;
        let value = g.num(p.clone());
        let bind: HashMap<Symbol, ExprId> = HashMap::from([(var, value)]);
        let l = g.substitute(lhs, &bind);
        let r = g.substitute(rhs, &bind);
        let mut sub = ctx.clone();
        sub.remove(&var);
        let proof = prove_in(g, l, r, &sub, budget)?;
        let region = Interval {
            lo: Some((p.clone(), true)),
            hi: Some((p, true)),
        };
        cases.push(Case {
            region,
            lhs: l,
            rhs: r,
            proof,
        });
    }
    Ok(Proof::Split { var, cases })
}

/// A region (with interior in every variable it bounds) on which the claim, its
/// piecewise nodes resolved, has a difference whose normal form is not zero, and
/// whether that normal form is certainly not the zero function
/// ([`normal::canonical_nonzero`]): then it is exact evidence against the claim
/// there, and the claim is never `verified`. A region with a certain difference is
/// preferred to one with a merely non-zero normal form. `None` when every region's
/// normal form is zero or none was found.
pub fn nonzero_region(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
) -> Option<(Context, bool)> {
    let mut budget = MAX_CASES;
    let mut weak = None;
    find_nonzero(g, lhs, rhs, ctx, &mut budget, &mut weak)
        .map(|c| (c, true))
        .or_else(|| weak.map(|c| (c, false)))
}

fn has_interior(iv: &Interval) -> bool {
    match (&iv.lo, &iv.hi) {
        (Some((a, _)), Some((b, _))) => a < b,
        _ => true,
    }
}

fn find_nonzero(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
    budget: &mut usize,
    weak: &mut Option<Context>,
) -> Option<Context> {
    if lhs == rhs || !ctx.values().all(has_interior) {
        return None;
    }
    *budget = budget.checked_sub(1)?;
    let inner = innermost(g, &[lhs, rhs], ctx);
    if let Some(&(var, _)) = inner.roots.first() {
        let whole = ctx.get(&var).cloned().unwrap_or_else(Interval::line);
        let cuts: BTreeSet<BigRational> = inner
            .roots
            .iter()
            .filter(|(v, r)| *v == var && whole.interior_contains(r))
            .map(|(_, r)| r.clone())
            .collect();
        let mut lo = whole.lo.clone().map(|(v, _)| v);
        let mut regions = Vec::new();
        for p in cuts {
            regions.push(Interval::open(lo.clone(), Some(p.clone())));
            lo = Some(p);
        }
        regions.push(Interval::open(lo, whole.hi.clone().map(|(v, _)| v)));
        for region in regions {
            let mut sub = ctx.clone();
            sub.insert(var, region);
            if let Some(found) = find_nonzero(g, lhs, rhs, &sub, budget, weak) {
                return Some(found);
            }
        }
        return None;
    }
    if !inner.decided.is_empty() {
        let l = resolve(g, lhs, &inner.decided);
        let r = resolve(g, rhs, &inner.decided);
        return find_nonzero(g, l, r, ctx, budget, weak);
    }
    if inner.stuck.is_some() {
        return None;
    }
    let l = exp_log(g, lhs, ctx);
    let r = exp_log(g, rhs, ctx);
    match normal::nonzero_kind(g, l, r) {
        Some(true) => Some(ctx.clone()),
        Some(false) => {
            if weak.is_none() {
                *weak = Some(ctx.clone());
            }
            None
        }
        None => None,
    }
}

/// What must hold for an expression without piecewise nodes to be defined: each
/// entry is a node that must be non-zero, non-negative or positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requirement {
    /// `u != 0`
    NonZero(ExprId),
    /// `u >= 0`
    NonNegative(ExprId),
    /// `u > 0`
    Positive(ExprId),
    /// The node itself is defined (a power with a symbolic exponent, whose domain
    /// depends on the exponent's value too).
    Defined(ExprId),
}

/// The domain requirements of `root` that are not already known to hold on `ctx`;
/// `None` when the domain cannot be described this way.
pub fn requirements(g: &mut Graph, root: ExprId, ctx: &Context) -> Option<BTreeSet<Requirement>> {
    use crate::expr::SignInfo::{NonNegative, Positive};
    let mut out = BTreeSet::new();
    for id in g.reachable(&[root]) {
        let req = match g.node(id).clone() {
            Node::Pow(b, e) => {
                let s = g.info(b).sign;
                match g.as_num(e).cloned() {
                    Some(k) if k.is_integer() => {
                        if k >= BigRational::from_integer(0.into()) || s == Positive {
                            continue;
                        }
                        Requirement::NonZero(b)
                    }
                    Some(k) if k > BigRational::from_integer(0.into()) => {
                        if s == Positive || s == NonNegative {
                            continue;
                        }
                        Requirement::NonNegative(b)
                    }
                    Some(_) => {
                        if s == Positive {
                            continue;
                        }
                        Requirement::Positive(b)
                    }
                    None => {
                        if s == Positive {
                            continue;
                        }
                        Requirement::Defined(id)
                    }
                }
            }
            Node::Func(Func::Log, u) => {
                if g.info(u).sign == Positive {
                    continue;
                }
                Requirement::Positive(u)
            }
            Node::Undefined | Node::Diff(..) | Node::Call(..) => return None,
            _ => continue,
        };
        if !holds_on(g, req, ctx) {
            out.insert(req);
        }
    }
    Some(out)
}

/// Replaces `exp(a + c*log(u))` by `exp(a)*u^c` where `u > 0` holds throughout the
/// region (there `log(u)` is defined and `exp(c*log(u)) = u^c`).
fn exp_log(g: &mut Graph, root: ExprId, ctx: &Context) -> ExprId {
    let positive_log = |g: &Graph, t: ExprId| -> Option<(BigRational, ExprId)> {
        let (c, f) = match g.node(t) {
            Node::Mul(fs) if fs.len() == 2 => (g.as_num(fs[0])?.clone(), fs[1]),
            _ => (BigRational::from_integer(1.into()), t),
        };
        match g.node(f) {
            Node::Func(Func::Log, u)
                if g.info(*u).sign == crate::expr::SignInfo::Positive
                    || holds_on(g, Requirement::Positive(*u), ctx) =>
            {
                Some((c, *u))
            }
            _ => None,
        }
    };
    let has_any = g.reachable(&[root]).into_iter().any(|id| match g.node(id) {
        Node::Func(Func::Exp, a) => {
            let terms = match g.node(*a) {
                Node::Add(ts) => ts.to_vec(),
                _ => vec![*a],
            };
            terms.iter().any(|&t| positive_log(g, t).is_some())
        }
        _ => false,
    });
    if !has_any {
        return root;
    }
    g.rewrite(root, |g, _, node| match &node {
        Node::Func(Func::Exp, a) => {
            let terms = match g.node(*a) {
                Node::Add(ts) => ts.to_vec(),
                _ => vec![*a],
            };
            let mut rest = Vec::new();
            let mut factors = Vec::new();
            for t in terms {
                match positive_log(g, t) {
                    Some((c, u)) => {
                        let cn = g.num(c);
                        factors.push(g.pow(u, cn));
                    }
                    None => rest.push(t),
                }
            }
            if factors.is_empty() {
                return g.rebuild(node);
            }
            let rest = g.add(rest);
            factors.push(g.func(Func::Exp, rest));
            g.mul(factors)
        }
        _ => g.rebuild(node),
    })
}

/// Whether a requirement on a linear expression holds throughout the region.
fn holds_on(g: &Graph, req: Requirement, ctx: &Context) -> bool {
    let (u, ok): (ExprId, fn(Ordering, bool) -> bool) = match req {
        Requirement::NonZero(u) => (u, |s, edge_zero| s != Ordering::Equal && !edge_zero),
        Requirement::NonNegative(u) => (u, |s, _| s != Ordering::Less),
        Requirement::Positive(u) => (u, |s, edge_zero| s == Ordering::Greater && !edge_zero),
        Requirement::Defined(_) => return false,
    };
    match shape_of(g, u) {
        Some(Shape::Constant(k)) => ok(sign_of(&k), false),
        Some(Shape::Linear(lin)) => {
            let Some(iv) = ctx.get(&lin.var) else {
                return false;
            };
            match lin.sign_on(iv) {
                // The root may sit on a closed end of the region.
                Some(s) => ok(s, iv.contains(&lin.root())),
                None => false,
            }
        }
        None => normal::positive_where_defined(g, u) && ok(Ordering::Greater, false),
    }
}

/// The sides with `exp(log(u)) = u` applied where the region allows it, once their
/// domain conditions are known to agree (the condition of every proof of a claim
/// without piecewise nodes).
pub(super) fn smooth_sides(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
) -> Result<(ExprId, ExprId), NoProof> {
    // Rules that need the region: exp(log(u)) = u where u > 0 (the requirement of
    // log(u) holds on the region, so both sides are defined and equal there).
    let lhs = exp_log(g, lhs, ctx);
    let rhs = exp_log(g, rhs, ctx);
    let dl = requirements(g, lhs, ctx)
        .ok_or_else(|| NoProof("an expression outside the normal form".into()))?;
    let dr = requirements(g, rhs, ctx)
        .ok_or_else(|| NoProof("an expression outside the normal form".into()))?;
    if dl != dr {
        return Err(NoProof(
            "the two sides have different domain conditions".into(),
        ));
    }
    Ok((lhs, rhs))
}

/// Decides a claim without piecewise nodes: equal domains and a zero normal form,
/// shown by the plain normal form or, for a claim of many summands (or when the plain
/// form is too large), by exact evaluation at `D + 1` points per group of summands.
pub(super) fn decide_smooth(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    ctx: &Context,
) -> Result<Proof, NoProof> {
    let (lhs, rhs) = smooth_sides(g, lhs, rhs, ctx)?;
    let many = evaluation::summand_count(g, lhs, rhs) >= evaluation::FIRST_FROM;
    if many {
        if let Ok(p) = evaluation::prove(g, lhs, rhs) {
            return Ok(Proof::Points(Box::new(p)));
        }
    }
    match normal::difference_is_zero(g, lhs, rhs) {
        Some((true, _)) => Ok(Proof::Normal),
        Some((false, _)) => Err(NoProof(
            "the normal form of the difference is not zero (the claim may still hold through relations between logarithms, erf or radicals)".into(),
        )),
        None if !many => evaluation::prove(g, lhs, rhs)
            .map(|p| Proof::Points(Box::new(p)))
            .map_err(|why| NoProof(format!("the normal form is too large or undefined; {why}"))),
        None => Err(NoProof("the normal form is too large or undefined".into())),
    }
}

/// The interval of a variable that a `where` condition states, if it is a bound on
/// one variable (`x > 0`, `x <= -1`, `2*x + 1 >= 0`, `x != 0` is not an interval).
#[must_use]
pub fn condition_interval(g: &mut Graph, cond: ExprId) -> Option<(Symbol, Interval)> {
    let Node::Cmp(op, a, b) = g.node(cond).clone() else {
        return None;
    };
    let d = g.sub(a, b);
    let Some(Shape::Linear(lin)) = shape_of(g, d) else {
        return None;
    };
    // a - b = slope*(v - root); its sign flips with the slope's.
    let root = lin.root();
    let positive_slope = lin.slope > BigRational::from_integer(0.into());
    let (above, closed) = match op {
        CmpOp::Gt => (positive_slope, false),
        CmpOp::Ge => (positive_slope, true),
        CmpOp::Lt => (!positive_slope, false),
        CmpOp::Le => (!positive_slope, true),
        CmpOp::Ne => return None,
    };
    let iv = if above {
        Interval {
            lo: Some((root, closed)),
            hi: None,
        }
    } else {
        Interval {
            lo: None,
            hi: Some((root, closed)),
        }
    };
    Some((lin.var, iv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;

    fn proves(claim: &str) -> bool {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).unwrap();
        let mut ctx = Context::new();
        for &cond in &c.conditions {
            if let Some((v, iv)) = condition_interval(&mut g, cond) {
                let cur = ctx.get(&v).cloned().unwrap_or_else(Interval::line);
                ctx.insert(v, cur.intersect(&iv));
            }
        }
        let (l, r) = (defs::inline(&mut g, c.lhs), defs::inline(&mut g, c.rhs));
        prove(&mut g, l, r, &ctx).is_ok()
    }

    #[test]
    fn piecewise_claims() {
        assert!(proves("relu(x) - relu(-x) = x"));
        assert!(proves("relu(x) + relu(-x) = abs(x)"));
        assert!(proves("prelu(x, alpha) = relu(x) - alpha*relu(-x)"));
        assert!(proves("max(x, 0) + min(x, 0) = x"));
        assert!(proves("relu(relu(x)) = relu(x)"));
        assert!(proves("abs(x) = x*sign(x)"));
        assert!(proves("relu(x) = x where x >= 0"));
        assert!(!proves("relu(x) = x"));
        assert!(!proves("heaviside(x) = if(x >= 0, 1, 0)"));
        assert!(proves("relu(x - 1) + 1 = max(x, 1)"));
        assert!(proves("elu(x, 1) = x where x > 0"));
        assert!(proves("hard_tanh(x) = max(-1, min(1, x))"));
    }

    #[test]
    fn domains() {
        assert!(!proves("x/x = 1"));
        assert!(proves("x/x = 1 where x > 0"));
        assert!(proves("x/x = 1 where x < -2"));
        assert!(!proves("log(x) - log(x) = 0"));
        assert!(proves("log(x) - log(x) = 0*log(x)"));
        assert!(proves("tanh(x) + 1 = 2*sigmoid(2*x)"));
    }
}
