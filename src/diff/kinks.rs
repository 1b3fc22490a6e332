//! Derivatives at kinks: `max`, `min`, `abs`, `sign` and `if`, in each [`Kink`] mode.
//!
//! With `a'` and `b'` the one-sided derivatives from the chosen side, the one-sided
//! derivative of the whole expression follows compositionally. For the left side:
//! just left of a tie of `max(a, b)` the larger function is the one with the smaller
//! slope, so at the tie `max(a, b)' = min(a', b')`; `abs(u)` at `u = 0` is approached
//! from below when `u' > 0` (slope `-u'`) and from above when `u' < 0` (slope `u'`),
//! so `abs(u)' = -abs(u')` there. The right side mirrors both. At a tie each rule
//! substitutes the tie into its value where it can (`max(x, 2*x)` at `x = 0`), so
//! the value folds.
//!
//! `if(u op v, a, b)` at `u = v`: if `a` and `b` differ there the function jumps and
//! the derivative is `undefined`; otherwise the branch active on the chosen side is
//! the one the sign of `u' - v'` points to, and when `u' = v'` as well the two branch
//! derivatives must agree, or the answer is `undefined` (honest, not a guess).

use super::rules::{is_zero, scaled};
use super::Kink;
use std::collections::HashMap;

use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};
use crate::simplify::cond::at_tie;

/// `if(u > v, greater, if(u < v, less, tie))`, the shape every kink rule builds.
fn three_way(
    g: &mut Graph,
    u: ExprId,
    v: ExprId,
    greater: ExprId,
    less: ExprId,
    tie: ExprId,
) -> ExprId {
    let tie = at_tie(g, u, v, tie);
    let gt = g.cmp(CmpOp::Gt, u, v);
    let lt = g.cmp(CmpOp::Lt, u, v);
    let inner = g.if_(lt, less, tie);
    g.if_(gt, greater, inner)
}

/// `d max(a, b)` (`is_max`) or `d min(a, b)`.
pub(super) fn extremum(
    g: &mut Graph,
    is_max: bool,
    [a, b]: [ExprId; 2],
    [da, db]: [ExprId; 2],
    kink: Kink,
) -> ExprId {
    if da == db {
        return da;
    }
    // The varying side first, so conditions read `x > 0`, not `0 < x`.
    let (a, b, da, db) = if g.as_num(a).is_some() {
        (b, a, db, da)
    } else {
        (a, b, da, db)
    };
    let (greater, less) = if is_max { (da, db) } else { (db, da) };
    let tie = match kink {
        // Left of a tie the larger function has the smaller slope.
        Kink::Left if is_max => g.min(da, db),
        Kink::Left => g.max(da, db),
        Kink::Right if is_max => g.max(da, db),
        Kink::Right => g.min(da, db),
        // torch.maximum / torch.minimum split the gradient evenly at a tie.
        Kink::Autodiff => {
            let s = g.add(vec![da, db]);
            let half = g.frac(1, 2);
            g.mul(vec![half, s])
        }
    };
    let d = three_way(g, a, b, greater, less, tie);
    // Where an operand jumps, which operand is larger may change right there even
    // away from a tie (`max(1, if(x > 0, 2, x))` at 0): undefined there.
    jump_guard(g, d, &[da, db])
}

/// `d`, made undefined wherever one of `parts` (derivatives of operands) is
/// undefined because its operand jumps: `d + 0*part` keeps that domain.
fn jump_guard(g: &mut Graph, d: ExprId, parts: &[ExprId]) -> ExprId {
    let mut terms = vec![d];
    for &p in parts {
        if may_jump(g, p) {
            let zero = g.int(0);
            terms.push(g.mul(vec![zero, p]));
        }
    }
    if terms.len() == 1 {
        d
    } else {
        g.add(terms)
    }
}

/// `d abs(u)`.
pub(super) fn abs(g: &mut Graph, u: ExprId, du: ExprId, kink: Kink) -> ExprId {
    if is_zero(g, du) {
        return g.int(0);
    }
    let zero = g.int(0);
    let ndu = g.neg(du);
    let abs_du = g.func(Func::Abs, du);
    let tie = match kink {
        Kink::Left => g.neg(abs_du),
        Kink::Right => abs_du,
        // PyTorch: abs'(u) = sign(u), 0 at 0.
        Kink::Autodiff => {
            let s = g.func(Func::Sign, u);
            return scaled(g, vec![s, du]);
        }
    };
    three_way(g, u, zero, du, ndu, tie)
}

/// `d sign(u)`: 0 where `u != 0`; at `u = 0` the function jumps unless `u` stays 0
/// nearby, which the rules cannot see, so the answer there is `undefined`.
pub(super) fn sign(g: &mut Graph, u: ExprId, du: ExprId, kink: Kink) -> ExprId {
    if is_zero(g, du) || kink == Kink::Autodiff {
        return g.int(0);
    }
    let zero = g.int(0);
    let ne = g.cmp(CmpOp::Ne, u, zero);
    let undefined = g.undefined();
    g.if_(ne, zero, undefined)
}

/// The parts of `if(u op v, a, b)` and their derivatives.
pub(super) struct Branch {
    /// The condition node `u op v`.
    pub cond: ExprId,
    /// Its operator.
    pub op: CmpOp,
    /// Its left operand.
    pub u: ExprId,
    /// Its right operand.
    pub v: ExprId,
    /// The value where the condition holds.
    pub a: ExprId,
    /// The value where it does not.
    pub b: ExprId,
    /// `u'`.
    pub du: ExprId,
    /// `v'`.
    pub dv: ExprId,
    /// `a'`.
    pub da: ExprId,
    /// `b'`.
    pub db: ExprId,
}

/// Whether an `undefined` node is reachable from `id`: the derivative has a jump
/// somewhere, so the expression it came from may jump there.
fn may_jump(g: &Graph, id: ExprId) -> bool {
    !g.info(id).total
        && g.reachable(&[id])
            .iter()
            .any(|&n| matches!(g.node(n), Node::Undefined))
}

/// `u - v` of a branch's condition.
fn w_of(g: &mut Graph, br: &Branch) -> ExprId {
    g.sub(br.u, br.v)
}

/// Whether `w` is piecewise linear in `var` (sums, constant multiples, `max`, `min`,
/// `abs`, `if`, and the prelude's functions built from them): then a one-sided
/// slope of 0 at a point means `w` is constant on that side.
fn piecewise_linear(g: &mut Graph, w: ExprId, var: Symbol) -> bool {
    // Definitions inlined, their own derivatives taken first; if one fails, `w` is
    // not known to be piecewise linear.
    let Ok(w) = crate::defs::inline_with(g, w, &mut |g, def| {
        super::take_diffs(g, def.body, Kink::Left).map(Some)
    }) else {
        return false;
    };
    let order = g.reachable(&[w]);
    let mut varies: HashMap<ExprId, bool> = HashMap::with_capacity(order.len());
    for &n in &order {
        let node = g.node(n);
        let v = match node {
            Node::Var(s) => *s == var,
            _ => node.children().iter().any(|c| varies.get(c) == Some(&true)),
        };
        varies.insert(n, v);
    }
    let moves = |n: &ExprId| varies.get(n) == Some(&true);
    order.iter().all(|&n| match g.node(n) {
        Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) => true,
        Node::Add(_) | Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Cmp(..) => true,
        Node::Func(Func::Abs, _) => true,
        Node::Mul(fs) => fs.iter().filter(|f| moves(f)).count() <= 1,
        Node::Pow(..) | Node::Func(..) => !moves(&n),
        Node::Call(..) | Node::Diff(..) => false,
    })
}

/// `d if(u op v, a, b)`. `cond_moves` says whether the condition depends on the
/// variable at all; if not, the taken branch's derivative is the answer.
pub(super) fn branch(
    g: &mut Graph,
    br: &Branch,
    var: Symbol,
    cond_moves: bool,
    kink: Kink,
) -> ExprId {
    if !cond_moves || kink == Kink::Autodiff {
        // Autodiff differentiates the branch taken at the point, jumps or not.
        return g.if_(br.cond, br.da, br.db);
    }
    let pick = |ord| {
        if br.op.holds(ord) {
            br.da
        } else {
            br.db
        }
    };
    let (mut greater, mut less) = (
        pick(std::cmp::Ordering::Greater),
        pick(std::cmp::Ordering::Less),
    );
    let dw = g.sub(br.du, br.dv);
    if may_jump(g, dw) {
        // The condition's operands may jump, so the condition may change right at
        // the point even away from a tie: keep the point undefined where they jump.
        let zero = g.int(0);
        let guard = g.mul(vec![zero, dw]);
        greater = g.add(vec![greater, guard]);
        less = g.add(vec![less, guard]);
    }
    // At the tie: the branch active on the chosen side, if the function is
    // continuous there.
    let undefined = g.undefined();
    // Where the condition changes at the point, the branches must agree there, or
    // the function jumps.
    let jump_check = |g: &mut Graph, x: ExprId| {
        if br.a == br.b {
            x
        } else {
            let jump = g.cmp(CmpOp::Ne, br.a, br.b);
            g.if_(jump, undefined, x)
        }
    };
    let w = w_of(g, br);
    let flat = if piecewise_linear(g, w, var) {
        // A piecewise-linear u - v with slope 0 on the chosen side is 0 all along
        // that side: the branch taken at the tie is taken there too, whatever
        // happens on the other side.
        pick(std::cmp::Ordering::Equal)
    } else if br.da == br.db {
        jump_check(g, br.da)
    } else {
        // A slope of 0 says nothing about which side u - v is on: only if the
        // branches' derivatives agree is the answer known.
        let differ = g.cmp(CmpOp::Ne, br.da, br.db);
        let agree = g.if_(differ, undefined, br.da);
        jump_check(g, agree)
    };
    // u' - v' > 0 means u - v < 0 just left of the point and > 0 just right of it.
    let (rising, falling) = match kink {
        Kink::Right => (greater, less),
        _ => (less, greater),
    };
    let (rising, falling) = (jump_check(g, rising), jump_check(g, falling));
    let zero = g.int(0);
    let neg = g.cmp(CmpOp::Lt, dw, zero);
    let side = g.if_(neg, falling, flat);
    let pos = g.cmp(CmpOp::Gt, dw, zero);
    let tie = g.if_(pos, rising, side);
    three_way(g, br.u, br.v, greater, less, tie)
}
