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
use crate::simplify::cond::{at_tie, holds_at};
use std::cmp::Ordering;

/// `if(u > v, greater, if(u < v, less, tie))`, the shape every kink rule builds.
pub(super) fn three_way(
    g: &mut Graph,
    u: ExprId,
    v: ExprId,
    greater: ExprId,
    less: ExprId,
    tie: ExprId,
) -> ExprId {
    // `w^3 > 0` is `w > 0`: the plainer comparison lets later orders solve the tie
    // (`relu(x^3)'''` at 0) and relate it to other conditions on `w`.
    let (u, v) = match (g.node(u), g.as_num(v)) {
        (Node::Pow(b, e), Some(z)) if num_traits::Zero::is_zero(z) && odd_positive(g, *e) => {
            (*b, v)
        }
        _ => (u, v),
    };
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
    let (mut greater, mut less) = (pick(Ordering::Greater), pick(Ordering::Less));
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
    // continuous there: its limits from where u > v and from where u < v, and its
    // value, must agree. Each limit is the branch's value with every `if` on the
    // same comparison resolved to that side (a nested `if(u < v, 0, t)` in the
    // branch taken where u <= v has the limit 0 from below, whatever its value `t`
    // at the tie), so a jump hidden under nested `if`s is still a jump.
    let undefined = g.undefined();
    let limit = |g: &mut Graph, ord: Ordering| {
        let e = if br.op.holds(ord) { br.a } else { br.b };
        let r = restrict(g, e, br.u, br.v, ord);
        at_tie(g, br.u, br.v, r)
    };
    let at = limit(g, Ordering::Equal);
    let sides = [limit(g, Ordering::Greater), limit(g, Ordering::Less)];
    let jump_check = |g: &mut Graph, x: ExprId| {
        let mut out = x;
        for side in sides {
            if side != at {
                out = unless_differ(g, side, at, out);
            }
        }
        out
    };
    let w = w_of(g, br);
    let zero = g.int(0);
    // The value where `u - v` keeps the ordering `ord` on the chosen side though
    // its slope is 0 (it touches 0): the branch taken there, if the function does
    // not jump (the other side is checked too: its ordering is not known).
    let touching = |g: &mut Graph, ord: Ordering| {
        // The other side's ordering, from its own slope (or its curvature where
        // the slope is 0 too); only that side's limit and the chosen one's must
        // agree with the value.
        let other = if kink == Kink::Right {
            Kink::Left
        } else {
            Kink::Right
        };
        let x = pick(ord);
        let Ok(dwo) = nested_derive(g, w, var, other) else {
            return jump_check(g, x);
        };
        let Ok(d2wo) = nested_derive(g, dwo, var, other) else {
            return jump_check(g, x);
        };
        let (up, down) = if other == Kink::Right {
            (Ordering::Greater, Ordering::Less)
        } else {
            (Ordering::Less, Ordering::Greater)
        };
        let guarded = |g: &mut Graph, ords: [Ordering; 2]| {
            let mut out = x;
            for o in ords {
                let lim = match o {
                    Ordering::Greater => sides[0],
                    Ordering::Less => sides[1],
                    Ordering::Equal => continue,
                };
                out = unless_differ(g, lim, at, out);
            }
            out
        };
        let cases = [
            (dwo, Ordering::Greater, guarded(g, [ord, up])),
            (dwo, Ordering::Less, guarded(g, [ord, down])),
            (
                d2wo,
                Ordering::Greater,
                guarded(g, [ord, Ordering::Greater]),
            ),
            (d2wo, Ordering::Less, guarded(g, [ord, Ordering::Less])),
        ];
        let mut out = guarded(g, [Ordering::Greater, Ordering::Less]);
        for (d, sign, value) in cases.into_iter().rev() {
            let op = if sign == Ordering::Greater {
                CmpOp::Gt
            } else {
                CmpOp::Lt
            };
            let c = g.cmp(op, d, zero);
            out = g.if_(c, value, out);
        }
        out
    };
    let fallback = |g: &mut Graph| {
        if br.da == br.db {
            jump_check(g, br.da)
        } else {
            // A slope of 0 says nothing about which side u - v is on: only if the
            // branches' derivatives agree is the answer known.
            let differ = g.cmp(CmpOp::Ne, br.da, br.db);
            let agree = g.if_(differ, undefined, br.da);
            jump_check(g, agree)
        }
    };
    let flat = if g.as_num(dw).is_some_and(|r| !num_traits::Zero::is_zero(r)) {
        // Never used: the slope decides.
        undefined
    } else if piecewise_linear(g, w, var) {
        // A piecewise-linear u - v with slope 0 on the chosen side is 0 all along
        // that side: the branch taken at the tie is taken there too. On the other
        // side its slope says which branch is taken, and the function must not jump
        // there; with slope 0 there too, u - v is 0 on both sides.
        let other = if kink == Kink::Right {
            Kink::Left
        } else {
            Kink::Right
        };
        match nested_derive(g, w, var, other) {
            Ok(dwo) => {
                let (up, down) = if other == Kink::Right {
                    (Ordering::Greater, Ordering::Less)
                } else {
                    (Ordering::Less, Ordering::Greater)
                };
                let eq = pick(Ordering::Equal);
                let check = |g: &mut Graph, ord: Ordering| {
                    let lim = sides[usize::from(ord == Ordering::Less)];
                    unless_differ(g, lim, at, eq)
                };
                let (on_up, on_down) = (check(g, up), check(g, down));
                let neg = g.cmp(CmpOp::Lt, dwo, zero);
                let inner = g.if_(neg, on_down, eq);
                let pos = g.cmp(CmpOp::Gt, dwo, zero);
                g.if_(pos, on_up, inner)
            }
            Err(_) => jump_check(g, pick(Ordering::Equal)),
        }
    } else {
        // A curved u - v with slope 0: its second derivative, when not 0, says on
        // which side of 0 it stays on the chosen side (`cosh(x) - 1`, `x^3 - x^2`
        // touch 0 at 0 from above and from below).
        // Only for small branches on a condition without branches of its own: the
        // analysis carries the branches' limits into the tie, and repeated at each
        // order (ties of ties) it would grow without bound.
        let small = !g
            .reachable(&[w])
            .iter()
            .any(|&n| matches!(g.node(n), Node::If(..)))
            && g.reachable(&[br.a, br.b]).len() <= MAX_TOUCHING_NODES;
        let d2w = if small {
            nested_derive(g, dw, var, kink)
        } else {
            Err(())
        };
        match d2w {
            Ok(d2w) if !matches!(g.node(d2w), Node::Undefined) => {
                let (above, below) = (touching(g, Ordering::Greater), touching(g, Ordering::Less));
                let rest = fallback(g);
                let neg = g.cmp(CmpOp::Lt, d2w, zero);
                let inner = g.if_(neg, below, rest);
                let pos = g.cmp(CmpOp::Gt, d2w, zero);
                g.if_(pos, above, inner)
            }
            _ => fallback(g),
        }
    };
    // u' - v' > 0 means u - v < 0 just left of the point and > 0 just right of it.
    let (rising, falling) = match kink {
        Kink::Right => (greater, less),
        _ => (less, greater),
    };
    // The function must not jump at the point: the limit from the chosen side (the
    // ordering `u' - v'` gives there) and from the other side must equal the
    // value. Which ordering holds on the other side is read from the other side's
    // slope of `u - v` when that slope is defined everywhere (`x^2 - abs(x)` is
    // below 0 on both sides of 0, so the limit from where `x^2 > abs(x)` is not
    // one of the function's); otherwise both limits are checked.
    let adjacent = adjacent_checks(g, w, var, kink, at, sides);
    let (rising, falling) = match adjacent {
        Some(checked) => {
            let (rise_ord, fall_ord) = match kink {
                Kink::Right => (Ordering::Greater, Ordering::Less),
                _ => (Ordering::Less, Ordering::Greater),
            };
            (checked(g, rising, rise_ord), checked(g, falling, fall_ord))
        }
        None => (jump_check(g, rising), jump_check(g, falling)),
    };
    let neg = g.cmp(CmpOp::Lt, dw, zero);
    let side = g.if_(neg, falling, flat);
    let pos = g.cmp(CmpOp::Gt, dw, zero);
    let tie = g.if_(pos, rising, side);
    three_way(g, br.u, br.v, greater, less, tie)
}

/// The most nodes `u - v` may have for the other side's ordering to be read from
/// its slope (see [`adjacent_checks`]).
const MAX_ADJACENT_NODES: usize = 64;

/// A boxed jump check: `x`, the value where `u - v` has the ordering `chosen` on the
/// chosen side, kept where the function does not jump.
type Checked = Box<dyn Fn(&mut Graph, ExprId, Ordering) -> ExprId>;

/// For a tie where `u - v` has a slope on the chosen side: a check that `x` keeps
/// only where the limit from the chosen side (`chosen`) and from the other side
/// equal the value `at`, the other side's ordering read from the sign of the other
/// side's slope of `w = u - v` at the point (both limits checked where that slope is
/// 0). `sides` are the limits from where `u > v` and from where `u < v`. `None` when
/// that slope is not defined everywhere or `w` is large: then every limit must be
/// checked.
fn adjacent_checks(
    g: &mut Graph,
    w: ExprId,
    var: Symbol,
    kink: Kink,
    at: ExprId,
    sides: [ExprId; 2],
) -> Option<Checked> {
    if sides.iter().all(|&s| s == at) || g.reachable(&[w]).len() > MAX_ADJACENT_NODES {
        return None;
    }
    let other = if kink == Kink::Right {
        Kink::Left
    } else {
        Kink::Right
    };
    let dwo = nested_derive(g, w, var, other).ok()?;
    if !g.info(dwo).total {
        return None;
    }
    // The other side's ordering where its slope is positive or negative.
    let (up, down) = if other == Kink::Right {
        (Ordering::Greater, Ordering::Less)
    } else {
        (Ordering::Less, Ordering::Greater)
    };
    // A piecewise-linear `u - v` whose slope on the other side is 0 is 0 all
    // along that side: there the function is its value at the tie, and only the
    // chosen side's limit can differ (`if(if(x > 0, 0, 2*x) > 0, -1, abs(x))` at
    // 0 never has `u > v`, so its branch `-1` is no limit of the function).
    let flat_other = piecewise_linear(g, w, var);
    Some(Box::new(
        move |g: &mut Graph, x: ExprId, chosen: Ordering| {
            let guarded = |g: &mut Graph, ords: &[Ordering]| {
                let mut out = x;
                let mut done: Vec<Ordering> = Vec::new();
                for &o in ords {
                    if done.contains(&o) {
                        continue;
                    }
                    done.push(o);
                    let lim = match o {
                        Ordering::Greater => sides[0],
                        Ordering::Less => sides[1],
                        Ordering::Equal => continue,
                    };
                    out = unless_differ(g, lim, at, out);
                }
                out
            };
            let on_up = guarded(g, &[chosen, up]);
            let on_down = guarded(g, &[chosen, down]);
            let both = if flat_other {
                guarded(g, &[chosen])
            } else {
                guarded(g, &[Ordering::Greater, Ordering::Less])
            };
            let zero = g.int(0);
            let neg = g.cmp(CmpOp::Lt, dwo, zero);
            let inner = g.if_(neg, on_down, both);
            let pos = g.cmp(CmpOp::Gt, dwo, zero);
            g.if_(pos, on_up, inner)
        },
    ))
}

/// `x` where `a = b`, `undefined` where they differ or either is undefined. A
/// value that is itself `undefined` under a condition (`if(c, undefined, v)`, the
/// shape of every jump check) has its guard moved outside, so checks of checks do
/// not nest (`if(c, undefined, if(v != b, undefined, x))`).
fn unless_differ(g: &mut Graph, a: ExprId, b: ExprId, x: ExprId) -> ExprId {
    if a == b {
        return x;
    }
    for (this, other) in [(a, b), (b, a)] {
        if let Node::If(c, p, q) = g.node(this).clone() {
            if matches!(g.node(c), Node::Cmp(..)) {
                let undefined = g.undefined();
                if p == undefined {
                    let inner = unless_differ(g, q, other, x);
                    return g.if_(c, undefined, inner);
                }
                if q == undefined {
                    let inner = unless_differ(g, p, other, x);
                    return g.if_(c, inner, undefined);
                }
            }
        }
    }
    let undefined = g.undefined();
    let differ = g.cmp(CmpOp::Ne, a, b);
    g.if_(differ, undefined, x)
}

/// The most nodes the branches of an `if` may have for the side a touching
/// condition stays on to be worked out (see [`branch`]).
const MAX_TOUCHING_NODES: usize = 64;

thread_local! {
    /// How many derivatives taken to analyse a condition are under way on this
    /// thread (see [`nested_derive`]).
    static NESTED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The raw derivative of `e`, taken to analyse a condition (its slope or curvature
/// at a tie) or a base (where it is constant). Inside such a derivative no further
/// one is taken: the rules fall back to their conservative forms (an answer
/// `undefined` rather than a guess), so the work stays bounded (no chain of
/// analyses of analyses) and so does the stack. `Err` (also read conservatively)
/// when one is already under way.
fn nested_derive(g: &mut Graph, e: ExprId, var: Symbol, kink: Kink) -> Result<ExprId, ()> {
    if NESTED.with(std::cell::Cell::get) > 0 {
        return Err(());
    }
    NESTED.with(|n| n.set(n.get() + 1));
    let r = super::derive_raw(g, e, var, kink);
    NESTED.with(|n| n.set(n.get() - 1));
    r.map_err(|_| ())
}

/// Whether `e` is an odd positive integer constant.
fn odd_positive(g: &Graph, e: ExprId) -> bool {
    g.as_num(e).is_some_and(|r| {
        r.is_integer() && num_traits::Signed::is_positive(r) && r.numer() % 2u8 == 1u8.into()
    })
}

/// `u - v` reduced to a core with the same sign, or the opposite one (`true`):
/// constant factors dropped (a negative one flips the sign) and odd powers taken to
/// their base. Comparisons of operands with the same core change at the same points
/// (`-x > 0` and `x < 0`, `x^3 > 0` and `x > 0`).
fn core(g: &mut Graph, u: ExprId, v: ExprId) -> (ExprId, bool) {
    let mut w = g.sub(u, v);
    let mut flipped = false;
    loop {
        match g.node(w).clone() {
            Node::Mul(fs) => {
                let consts: Vec<usize> = (0..fs.len())
                    .filter(|&i| g.as_num(fs[i]).is_some())
                    .collect();
                if consts.len() != 1 || fs.len() < 2 {
                    break;
                }
                let c = g.as_num(fs[consts[0]]).cloned();
                if c.as_ref().is_some_and(num_traits::Zero::is_zero) {
                    break;
                }
                if c.is_some_and(|c| num_traits::Signed::is_negative(&c)) {
                    flipped = !flipped;
                }
                let rest: Vec<ExprId> = fs
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != consts[0])
                    .map(|(_, &f)| f)
                    .collect();
                w = g.mul(rest);
            }
            Node::Pow(b, e) if odd_positive(g, e) => w = b,
            _ => break,
        }
    }
    (w, flipped)
}

/// Whether `cond` holds where `u` compares with `v` as `ord`, when `cond` compares
/// operands whose difference has the same [`core`] as `u - v`; `None` otherwise.
pub(super) fn holds_on_side(
    g: &mut Graph,
    cond: ExprId,
    u: ExprId,
    v: ExprId,
    ord: Ordering,
) -> Option<bool> {
    if let Some(h) = holds_at(g, cond, u, v, ord) {
        return Some(h);
    }
    let Node::Cmp(op, a, b) = g.node(cond).clone() else {
        return None;
    };
    let (ca, fa) = core(g, a, b);
    let (cu, fu) = core(g, u, v);
    (ca == cu).then(|| op.holds(if fa == fu { ord } else { ord.reverse() }))
}

/// `e` on the side of the tie of `u` and `v` where they compare as `ord`: every `if`
/// whose condition compares `u` with `v` (or operands with the same difference, up
/// to a constant factor or an odd power: [`holds_on_side`]) replaced by the branch
/// it takes there, and every `sign` of such a difference by its value there. Near
/// the tie (on that side, or at it) the result equals `e`, so its value at the tie
/// is `e`'s one-sided limit there when the rest of `e` is continuous.
pub(super) fn restrict(g: &mut Graph, e: ExprId, u: ExprId, v: ExprId, ord: Ordering) -> ExprId {
    let zero = g.int(0);
    let candidates = g
        .reachable(&[e])
        .into_iter()
        .any(|n| matches!(g.node(n), Node::If(..) | Node::Func(Func::Sign, _)));
    if !candidates {
        return e;
    }
    g.rewrite(e, |g, _, node| match node {
        Node::If(c, a, b) => match holds_on_side(g, c, u, v, ord) {
            Some(true) => a,
            Some(false) => b,
            None => g.if_(c, a, b),
        },
        Node::Func(Func::Sign, a) => {
            let gt = g.cmp(CmpOp::Gt, a, zero);
            let lt = g.cmp(CmpOp::Lt, a, zero);
            match (
                holds_on_side(g, gt, u, v, ord),
                holds_on_side(g, lt, u, v, ord),
            ) {
                (Some(true), _) => g.int(1),
                (_, Some(true)) => g.int(-1),
                (Some(false), Some(false)) => zero,
                _ => g.func(Func::Sign, a),
            }
        }
        other => g.rebuild(other),
    })
}

/// Whether each node under `root` (in `order`) moves with `var`, and whether it is
/// piecewise linear in it (the rules of [`piecewise_linear`]).
fn linear_facts(g: &Graph, order: &[ExprId], var: Symbol) -> HashMap<ExprId, (bool, bool)> {
    let mut facts: HashMap<ExprId, (bool, bool)> = HashMap::with_capacity(order.len());
    for &n in order {
        let node = g.node(n);
        let children = node.children();
        let moves = match node {
            Node::Var(s) => *s == var,
            _ => children.iter().any(|c| facts.get(c).is_some_and(|f| f.0)),
        };
        let moving = |c: &ExprId| facts.get(c).is_some_and(|f| f.0);
        let children_linear = children.iter().all(|c| facts.get(c).is_some_and(|f| f.1));
        let linear = !moves
            || children_linear
                && match node {
                    Node::Var(_) | Node::Add(_) | Node::Max(..) | Node::Min(..) => true,
                    Node::If(..) | Node::Cmp(..) | Node::Func(Func::Abs, _) => true,
                    Node::Mul(fs) => fs.iter().filter(|f| moving(f)).count() <= 1,
                    _ => false,
                };
        facts.insert(n, (moves, linear));
    }
    facts
}

/// 0 at the points where `b` is known to be constant on the chosen side (so every
/// function of `b` is, and its derivative there is 0 even where the chain rule
/// meets an undefined factor: `sqrt(relu(x))` left of 0), `undefined` elsewhere.
/// Piecewise-linear parts are constant on the chosen side where their one-sided
/// derivative is 0; a `max`, `min` or `if` is constant where the operand it takes
/// is (away from its tie); a smooth function of constant operands is constant.
pub(super) fn constant_marker(g: &mut Graph, b: ExprId, var: Symbol, kink: Kink) -> ExprId {
    let undefined = g.undefined();
    let Ok(b) = crate::defs::inline_with(g, b, &mut |g, def| {
        super::take_diffs(g, def.body, kink).map(Some)
    }) else {
        return undefined;
    };
    let order = g.reachable(&[b]);
    let facts = linear_facts(g, &order, var);
    let zero = g.int(0);
    let mut marker: HashMap<ExprId, ExprId> = HashMap::with_capacity(order.len());
    for &n in &order {
        let (moves, linear) = facts[&n];
        let m = if !moves {
            zero
        } else if linear {
            match nested_derive(g, n, var, kink) {
                Ok(d) => {
                    let moving = g.cmp(CmpOp::Ne, d, zero);
                    g.if_(moving, undefined, zero)
                }
                Err(_) => undefined,
            }
        } else {
            let of = |c: &ExprId| marker.get(c).copied().unwrap_or(undefined);
            match g.node(n).clone() {
                Node::Max(p, q) | Node::Min(p, q) => {
                    let (mp, mq) = (of(&p), of(&q));
                    // Where p > q a max takes p and a min takes q (`min(1, x^2)` at 0
                    // is x^2, which is not constant: `sqrt(min(x^2, 1))'` is not 0).
                    let (greater, less) = if matches!(g.node(n), Node::Max(..)) {
                        (mp, mq)
                    } else {
                        (mq, mp)
                    };
                    let both = g.add(vec![mp, mq]);
                    let lt = g.cmp(CmpOp::Lt, p, q);
                    let inner = g.if_(lt, less, both);
                    let gt = g.cmp(CmpOp::Gt, p, q);
                    g.if_(gt, greater, inner)
                }
                Node::If(c, p, q) => match g.node(c).clone() {
                    Node::Cmp(op, u, v) => {
                        let pick = |ord| if op.holds(ord) { of(&p) } else { of(&q) };
                        let (mg, ml) = (pick(Ordering::Greater), pick(Ordering::Less));
                        let lt = g.cmp(CmpOp::Lt, u, v);
                        let inner = g.if_(lt, ml, undefined);
                        let gt = g.cmp(CmpOp::Gt, u, v);
                        g.if_(gt, mg, inner)
                    }
                    _ => undefined,
                },
                Node::Func(Func::Sign, p) => {
                    let mp = of(&p);
                    let nonzero = g.cmp(CmpOp::Ne, p, zero);
                    g.if_(nonzero, zero, mp)
                }
                Node::Add(xs) | Node::Mul(xs) => {
                    let ms: Vec<ExprId> = xs.iter().map(of).collect();
                    g.add(ms)
                }
                Node::Pow(p, q) => {
                    let (mp, mq) = (of(&p), of(&q));
                    g.add(vec![mp, mq])
                }
                Node::Func(_, p) => of(&p),
                _ => undefined,
            }
        };
        marker.insert(n, m);
    }
    marker.get(&b).copied().unwrap_or(undefined)
}
