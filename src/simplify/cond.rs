//! Conditions and `if`: canonical comparisons, what one comparison says about
//! another on the same operands, ties, and the merging of `if` chains.
//!
//! A comparison of `u` with `v` is described by its *truth set*: the orderings of
//! `u` against `v` (less, equal, greater) for which it holds. Nested `if`s on the
//! same operands are read as one piecewise value over the three orderings
//! ([`Pieces`]), simplified there (equal pieces merged, the value at the tie
//! evaluated at the tie), and rebuilt with as few conditions as possible. Every step
//! keeps the condition's operands, so the domain never changes.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use num_traits::{One, Signed, Zero};

use crate::expr::{BigRational, CmpOp, ExprId, Func, Graph, Node, SignInfo, Symbol};

/// `u < v`.
const LT: u8 = 1;
/// `u = v`.
const EQ: u8 = 2;
/// `u > v`.
const GT: u8 = 4;
/// Every ordering.
const ALL: u8 = 7;

/// The orderings for which `u op v` holds.
fn truth_set(op: CmpOp) -> u8 {
    match op {
        CmpOp::Lt => LT,
        CmpOp::Le => LT | EQ,
        CmpOp::Gt => GT,
        CmpOp::Ge => GT | EQ,
        CmpOp::Ne => LT | GT,
    }
}

/// The truth set with the operands swapped.
fn swap_set(set: u8) -> u8 {
    (set & EQ) | ((set & LT) << 2) | ((set & GT) >> 2)
}

/// The operator with this truth set, if there is one (`=` is not in the language).
fn op_of(set: u8) -> Option<CmpOp> {
    match set {
        LT => Some(CmpOp::Lt),
        x if x == LT | EQ => Some(CmpOp::Le),
        GT => Some(CmpOp::Gt),
        x if x == GT | EQ => Some(CmpOp::Ge),
        x if x == LT | GT => Some(CmpOp::Ne),
        _ => None,
    }
}

/// The operator that holds for swapped operands (`a < b` iff `b > a`).
fn swap_op(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Ne => CmpOp::Ne,
    }
}

/// The operands and truth set of a comparison node.
fn as_cmp(g: &Graph, id: ExprId) -> Option<(ExprId, ExprId, u8)> {
    match g.node(id) {
        Node::Cmp(op, u, v) => Some((*u, *v, truth_set(*op))),
        _ => None,
    }
}

/// The truth set of `cond` in terms of the orderings of `u` against `v`, if `cond`
/// compares the same two operands.
fn relate(g: &Graph, cond: ExprId, u: ExprId, v: ExprId) -> Option<u8> {
    let (a, b, s) = as_cmp(g, cond)?;
    if (a, b) == (u, v) {
        Some(s)
    } else if (a, b) == (v, u) {
        Some(swap_set(s))
    } else {
        None
    }
}

/// Whether `cond` holds where `u` compares with `v` as `ord`, when `cond` compares
/// the same two operands (in either order); `None` when it compares others.
pub(crate) fn holds_at(
    g: &Graph,
    cond: ExprId,
    u: ExprId,
    v: ExprId,
    ord: Ordering,
) -> Option<bool> {
    let s = relate(g, cond, u, v)?;
    let bit = match ord {
        Ordering::Less => LT,
        Ordering::Equal => EQ,
        Ordering::Greater => GT,
    };
    Some(s & bit != 0)
}

/// Whether the variable `s` occurs under `id`.
fn mentions(g: &Graph, id: ExprId, s: Symbol) -> bool {
    g.reachable(&[id])
        .iter()
        .any(|&n| matches!(g.node(n), Node::Var(t) if *t == s))
}

/// Solves `u = v` for a variable that occurs linearly with a rational coefficient
/// (`x - 2*x = 0` gives `x = 0`; `x + y - 1 = 0` gives `x = 1 - y`).
fn solve_tie(g: &mut Graph, u: ExprId, v: ExprId) -> Option<(Symbol, ExprId)> {
    let w = g.sub(u, v);
    let terms: Vec<ExprId> = match g.node(w) {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![w],
    };
    for (i, &t) in terms.iter().enumerate() {
        let (c, s) = match g.node(t) {
            Node::Var(s) => (BigRational::one(), *s),
            Node::Mul(fs) if fs.len() == 2 => match (g.node(fs[0]), g.node(fs[1])) {
                (Node::Num(c), Node::Var(s)) => (c.clone(), *s),
                _ => continue,
            },
            _ => continue,
        };
        let rest: Vec<ExprId> = terms
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, &r)| r)
            .collect();
        if rest.iter().any(|&r| mentions(g, r, s)) {
            continue;
        }
        let rest = if rest.is_empty() {
            g.int(0)
        } else {
            g.add(rest)
        };
        let k = g.num(-c.recip());
        return Some((s, g.mul(vec![k, rest])));
    }
    None
}

/// `e`, which is only used where `u = v`, with the tie substituted into it when the
/// tie can be solved for a variable, so it folds (`min(u', 0)` at `x = 0`). Left as
/// it is when it holds a `diff` (substituting into one would change its meaning).
pub(crate) fn at_tie(g: &mut Graph, u: ExprId, v: ExprId, e: ExprId) -> ExprId {
    if g.as_num(e).is_some() || g.info(e).has_diff {
        return e;
    }
    match solve_tie(g, u, v) {
        Some(tie) => at_solved_tie(g, tie, e),
        None => e,
    }
}

/// [`at_tie`] with the tie already solved (`s = value`).
fn at_solved_tie(g: &mut Graph, (s, value): (Symbol, ExprId), e: ExprId) -> ExprId {
    if g.as_num(e).is_some() || g.info(e).has_diff || !mentions(g, e, s) {
        return e;
    }
    let bindings: HashMap<Symbol, ExprId> = [(s, value)].into_iter().collect();
    g.substitute(e, &bindings)
}

/// A comparison in canonical form: a constant on the right, a non-constant left
/// side without a constant term or a rational coefficient (`2*x + 1 > 0` becomes
/// `x > -1/2`, `x > 2*x` becomes `x < 0`), folded when its truth is known (`x + 1 >
/// x`, `exp(x) > 0`). Only total operands are folded away, so the domain is kept.
pub(super) fn canonical_cmp(g: &mut Graph, id: ExprId, relu: Option<Symbol>) -> ExprId {
    let Node::Cmp(op, u, v) = g.node(id).clone() else {
        return id;
    };
    let (mut op, mut u, v) = (op, u, v);
    let mut c = match (g.as_num(u).cloned(), g.as_num(v).cloned()) {
        (Some(_), Some(_)) => return id,
        (Some(a), None) => {
            op = swap_op(op);
            u = v;
            a
        }
        (None, Some(b)) => b,
        (None, None) => {
            let w = g.sub(u, v);
            if let Some(r) = g.as_num(w) {
                let holds = op.holds(r.cmp(&BigRational::zero()));
                return g.boolean(holds);
            }
            if matches!(g.node(w), Node::Add(_)) {
                return id;
            }
            u = w;
            BigRational::zero()
        }
    };
    // Move the constant term of a sum to the right.
    if let Node::Add(ts) = g.node(u).clone() {
        if let Some(k) = g.as_num(ts[0]).cloned() {
            u = g.add(ts[1..].to_vec());
            c -= k;
        }
    }
    // Divide by a rational coefficient.
    if let Node::Mul(fs) = g.node(u).clone() {
        if let Some(k) = g.as_num(fs[0]).cloned() {
            if !k.is_zero() {
                u = g.mul(fs[1..].to_vec());
                c /= k.clone();
                if k.is_negative() {
                    op = swap_op(op);
                }
            }
        }
    }
    if let Some(r) = g.as_num(u) {
        let holds = op.holds(r.cmp(&c));
        return g.boolean(holds);
    }
    if let Some(simpler) = through_extremum(g, op, u, &c, relu) {
        return simpler;
    }
    // A prelude clamp (`relu6(a) < 6` is `a < 6`): through its body.
    if let Some(simpler) = through_clamp_call(g, op, u, &c, relu) {
        return simpler;
    }
    // exp(a) against 1 is a against 0 (exp is increasing, defined where a is).
    if let Node::Func(Func::Exp, a) = g.node(u) {
        if c.is_one() {
            let (a, zero) = (*a, g.int(0));
            let cmp = g.cmp(op, a, zero);
            return canonical_cmp(g, cmp, relu);
        }
    }
    if g.info(u).total {
        let known = match (g.info(u).sign, c.cmp(&BigRational::zero())) {
            (SignInfo::Positive, Ordering::Less | Ordering::Equal) => GT,
            (SignInfo::NonNegative, Ordering::Less) => GT,
            (SignInfo::NonNegative, Ordering::Equal) => GT | EQ,
            _ => 0,
        };
        let t = truth_set(op);
        if known != 0 && known & t == known {
            return g.boolean(true);
        }
        if known != 0 && known & t == 0 {
            return g.boolean(false);
        }
    }
    let cn = g.num(c);
    g.cmp(op, u, cn)
}

/// `f(a) op c` for a prelude function `f` whose body is a `max` or `min` of its
/// parameter with constants (`relu6`, `hard_tanh`), when the comparison of the body
/// reduces to one of `a` with `c`.
fn through_clamp_call(
    g: &mut Graph,
    op: CmpOp,
    u: ExprId,
    c: &BigRational,
    relu: Option<Symbol>,
) -> Option<ExprId> {
    let Node::Call(f, args) = g.node(u).clone() else {
        return None;
    };
    let def = g.defs().get(f)?;
    if def.origin != crate::expr::Origin::Prelude
        || def.params.len() != 1
        || !matches!(g.node(def.body), Node::Max(..) | Node::Min(..))
    {
        return None;
    }
    let bindings = def.bind(&args);
    let body = g.substitute(def.body, &bindings);
    let r = through_extremum(g, op, body, c, relu)?;
    // Only a comparison that no longer holds the body is simpler.
    let holds_body = g.reachable(&[r]).contains(&body);
    (!holds_body).then_some(r)
}

/// `max(a, k) op c` and `min(a, k) op c` (and `relu(a) op c`, the prelude's
/// `max(a, 0)`) for constants `k` and `c`, as a comparison of `a` with `c`: `relu(x) >
/// 0` is `x > 0`, `min(x, 1) > -1` is `x > -1`. The ordering of the extremum against
/// `c` is a function of the ordering of `a` against `c`; the condition holds for the
/// orderings of `a` that map into its truth set.
fn through_extremum(
    g: &mut Graph,
    op: CmpOp,
    u: ExprId,
    c: &BigRational,
    relu: Option<Symbol>,
) -> Option<ExprId> {
    if let Node::Func(Func::Abs, a) = g.node(u) {
        // |a| against c: below 0 never; at 0 exactly where a = 0.
        let a = *a;
        let map: [u8; 3] = match c.cmp(&BigRational::zero()) {
            Ordering::Less => [GT, GT, GT],
            Ordering::Equal => [GT, EQ, GT],
            Ordering::Greater => return None,
        };
        return ordering_through(g, op, a, c, map, relu);
    }
    let (a, k, is_max) = match g.node(u) {
        Node::Max(x, y) => (*y, g.as_num(*x)?.clone(), true),
        Node::Min(x, y) => (*y, g.as_num(*x)?.clone(), false),
        Node::Call(f, args) if Some(*f) == relu && args.len() == 1 => {
            (args[0], BigRational::zero(), true)
        }
        _ => return None,
    };
    // The ordering of the extremum against c, for a < c, a = c, a > c.
    let map: [u8; 3] = match (k.cmp(c), is_max) {
        (Ordering::Less, true) | (Ordering::Greater, false) => [LT, EQ, GT],
        (Ordering::Greater, true) => [GT, GT, GT],
        (Ordering::Less, false) => [LT, LT, LT],
        (Ordering::Equal, true) => [EQ, EQ, GT],
        (Ordering::Equal, false) => [LT, EQ, EQ],
    };
    ordering_through(g, op, a, c, map, relu)
}

/// `f(a) op c`, where the ordering of `f(a)` against `c` is `map[i]` for the ordering
/// `i` (less, equal, greater) of `a` against `c`, as a comparison of `a` with `c`.
fn ordering_through(
    g: &mut Graph,
    op: CmpOp,
    a: ExprId,
    c: &BigRational,
    map: [u8; 3],
    relu: Option<Symbol>,
) -> Option<ExprId> {
    let t = truth_set(op);
    let set = ORDERS
        .iter()
        .filter(|&&(_, i)| map[i] & t != 0)
        .fold(0, |acc, &(bit, _)| acc | bit);
    let cn = g.num(c.clone());
    match op_of(set) {
        Some(op2) => {
            let cmp = g.cmp(op2, a, cn);
            Some(canonical_cmp(g, cmp, relu))
        }
        // Never or always (for an `a` defined everywhere); `a = c` alone has no
        // operator, so that condition stays as it is.
        None if (set == 0 || set == ALL) && g.info(a).total => Some(g.boolean(set == ALL)),
        None => None,
    }
}

/// A value that depends on the ordering of `u` against `v`: the value where
/// `u < v`, where `u = v` and where `u > v`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Pieces {
    u: ExprId,
    v: ExprId,
    /// Indexed by 0 = less, 1 = equal, 2 = greater.
    at: [ExprId; 3],
}

const ORDERS: [(u8, usize); 3] = [(LT, 0), (EQ, 1), (GT, 2)];

/// Reads nested `if`s on the comparison of `u` with `v` as pieces.
fn read_pieces(g: &Graph, id: ExprId, u: ExprId, v: ExprId) -> Pieces {
    let mut at = [id; 3];
    fill(g, id, ALL, u, v, &mut at, 0);
    Pieces { u, v, at }
}

fn fill(
    g: &Graph,
    id: ExprId,
    possible: u8,
    u: ExprId,
    v: ExprId,
    at: &mut [ExprId; 3],
    depth: u32,
) {
    if possible == 0 {
        return;
    }
    if depth < 6 {
        if let Node::If(c, p, q) = g.node(id) {
            if let Some(s) = relate(g, *c, u, v) {
                let (p, q) = (*p, *q);
                fill(g, p, possible & s, u, v, at, depth + 1);
                fill(g, q, possible & !s & ALL, u, v, at, depth + 1);
                return;
            }
        }
    }
    for (bit, i) in ORDERS {
        if possible & bit != 0 {
            at[i] = id;
        }
    }
}

/// Rebuilds pieces as nested `if`s with as few conditions as possible. The value at
/// the tie is evaluated at the tie, and joins a neighbour when they agree there.
fn build_pieces(g: &mut Graph, p: Pieces) -> ExprId {
    let Pieces { u, v, at } = p;
    let [less, mut equal, greater] = at;
    if equal != less && equal != greater {
        // The tie solved once for the three pieces.
        if let Some(tie) = solve_tie(g, u, v) {
            let e = at_solved_tie(g, tie, equal);
            equal = if at_solved_tie(g, tie, less) == e {
                less
            } else if at_solved_tie(g, tie, greater) == e {
                greater
            } else {
                e
            };
        }
    }
    let cond = |g: &mut Graph, set: u8| match op_of(set) {
        Some(op) => g.cmp(op, u, v),
        None => g.boolean(set == ALL),
    };
    if less == equal && equal == greater {
        // Keep the condition (and so its domain) unless it is defined everywhere.
        let c = cond(g, GT);
        return g.if_(c, less, less);
    }
    if less == equal {
        let c = cond(g, GT);
        return g.if_(c, greater, less);
    }
    if equal == greater {
        let c = cond(g, LT);
        return g.if_(c, less, greater);
    }
    if less == greater {
        let c = cond(g, LT | GT);
        return g.if_(c, less, equal);
    }
    let lt = cond(g, LT);
    let inner = g.if_(lt, less, equal);
    let gt = cond(g, GT);
    g.if_(gt, greater, inner)
}

/// Simplifies an `if` on a comparison: nested `if`s on the same operands resolved
/// and merged, the tie value evaluated at the tie.
pub(super) fn simplify_if(g: &mut Graph, id: ExprId) -> ExprId {
    let Node::If(c, _, _) = g.node(id) else {
        return id;
    };
    let Some((u, v, _)) = as_cmp(g, *c) else {
        return id;
    };
    let mut p = read_pieces(g, id, u, v);
    let at = p.at;
    for (i, x) in at.iter().enumerate() {
        // The orderings where this piece is used.
        let possible = ORDERS
            .iter()
            .filter(|&&(_, j)| at[j] == *x)
            .fold(0, |acc, &(bit, _)| acc | bit);
        p.at[i] = resolve(g, *x, u, v, possible);
    }
    build_pieces(g, p)
}

/// `id`, used only where the ordering of `u` against `v` is in `possible`, with
/// every `if` below it whose condition that decides replaced by its branch
/// (`if(x > 0, 1 + if(x > 0, a, b), c)` is `if(x > 0, 1 + a, c)`). Nothing under a
/// `diff` is touched: there the variable ranges around the point.
fn resolve(g: &mut Graph, id: ExprId, u: ExprId, v: ExprId, possible: u8) -> ExprId {
    let decided = |g: &Graph, c: ExprId| {
        relate(g, c, u, v).and_then(|s| {
            if possible & s == possible {
                Some(true)
            } else if possible & s == 0 {
                Some(false)
            } else {
                None
            }
        })
    };
    // Most branches hold no `if` (or a `diff`): nothing to walk. Otherwise only the
    // nodes above an `if` are searched for one this decides.
    let info = g.info(id);
    if !info.has_if || info.has_diff {
        return id;
    }
    let mut seen: HashSet<ExprId, crate::expr::FxBuild> = HashSet::default();
    let mut stack = vec![id];
    let mut found = false;
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        if let Node::If(c, ..) = g.node(n) {
            if decided(g, *c).is_some() {
                found = true;
                break;
            }
        }
        g.node(n).each_child(|k| {
            if g.info(k).has_if {
                stack.push(k);
            }
        });
    }
    if !found || g.dag_size(id) > RESOLVE_MAX_NODES {
        return id;
    }
    g.rewrite(id, |g, _, node| match node {
        Node::If(c, a, b) => match decided(g, c) {
            Some(true) => a,
            Some(false) => b,
            None => g.if_(c, a, b),
        },
        other => g.rebuild(other),
    })
}

/// The largest branch [`resolve`] looks into.
const RESOLVE_MAX_NODES: usize = 2_000;

/// The operands `(u, v)` of a comparison.
type OperandPair = (ExprId, ExprId);
/// A term `k*if(...)`.
type ScaledIf = (BigRational, ExprId);

/// A sum's terms of the form `k*if(...)` on comparisons of the same operands are
/// added piecewise into one `if` (`if(x > 0, 1, 0) + alpha*if(x > 0, 0, 1)` is
/// `if(x > 0, 1, alpha)`); a rational constant joins an `if` of constants.
pub(super) fn merge_sum_ifs(g: &mut Graph, id: ExprId) -> ExprId {
    let Node::Add(terms) = g.node(id).clone() else {
        return id;
    };
    // (coefficient, if node) per term that is one.
    let as_scaled_if = |g: &Graph, t: ExprId| -> Option<(BigRational, ExprId)> {
        match g.node(t) {
            Node::If(..) => Some((BigRational::one(), t)),
            Node::Mul(fs) if fs.len() == 2 => match (g.node(fs[0]), g.node(fs[1])) {
                (Node::Num(k), Node::If(..)) => Some((k.clone(), fs[1])),
                _ => None,
            },
            _ => None,
        }
    };
    let mut groups: Vec<(OperandPair, Vec<ScaledIf>)> = Vec::new();
    let mut rest = Vec::new();
    let mut constant: Option<ExprId> = None;
    for &t in terms.iter() {
        let pair = as_scaled_if(g, t).and_then(|(k, i)| match g.node(i) {
            Node::If(c, ..) => as_cmp(g, *c).map(|(u, v, _)| ((u, v), (k, i))),
            _ => None,
        });
        match pair {
            Some(((u, v), member)) => {
                match groups
                    .iter_mut()
                    .find(|(p, _)| *p == (u, v) || *p == (v, u))
                {
                    Some((_, members)) => members.push(member),
                    None => groups.push(((u, v), vec![member])),
                }
            }
            None if g.as_num(t).is_some() => constant = Some(t),
            None => rest.push(t),
        }
    }
    let single_group = groups.len() == 1 && rest.is_empty();
    let mut changed = false;
    let mut out = rest;
    for ((u, v), members) in groups {
        let pieces: Vec<(BigRational, Pieces)> = members
            .iter()
            .map(|(k, i)| (k.clone(), read_pieces(g, *i, u, v)))
            .collect();
        let mut at = [id; 3];
        for (_, i) in ORDERS {
            let parts: Vec<ExprId> = pieces
                .iter()
                .map(|(k, p)| {
                    let kn = g.num(k.clone());
                    g.mul(vec![kn, p.at[i]])
                })
                .collect();
            at[i] = g.add(parts);
        }
        let all_num = at.iter().all(|&x| g.as_num(x).is_some());
        let mut merged = members.len() > 1;
        if let (Some(cst), true, true) = (constant, all_num, single_group) {
            for x in at.iter_mut() {
                *x = g.add(vec![*x, cst]);
            }
            constant = None;
            merged = true;
        }
        changed |= merged;
        if merged {
            out.push(build_pieces(g, Pieces { u, v, at }));
        } else {
            out.extend(members.iter().map(|(k, i)| {
                let kn = g.num(k.clone());
                g.mul(vec![kn, *i])
            }));
        }
    }
    if !changed {
        return id;
    }
    out.extend(constant);
    g.add(out)
}
