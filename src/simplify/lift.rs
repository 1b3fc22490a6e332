//! Moving operations into the branches of an `if`, where that lets them fold:
//! `min(if(x > 0, 1, 0), 0)` is `if(x > 0, min(1, 0), min(0, 0))`, which folds to 0,
//! and `alpha*if(x > 0, 0, 1)` is `if(x > 0, 0, alpha)`. Both forms are undefined at
//! the same points (the condition is still evaluated first), so the domain is kept.

use super::cost::OpCounter;
use crate::expr::{map_children, ExprId, Graph, Node};

/// The most operations a factor may have to be copied into both branches.
const MAX_COPIED_OPS: u64 = 8;

/// The branches of an `if` whose branches are both constants.
fn constant_if(g: &Graph, id: ExprId) -> Option<(ExprId, ExprId, ExprId)> {
    match g.node(id) {
        Node::If(c, a, b) if g.as_num(*a).is_some() && g.as_num(*b).is_some() => Some((*c, *a, *b)),
        _ => None,
    }
}

/// An operation whose only non-constant operand is an `if` of constants is applied
/// in each branch (`max`, `min`, built-in functions and powers).
pub(super) fn into_constant_if(g: &mut Graph, id: ExprId) -> ExprId {
    let node = g.node(id).clone();
    if !matches!(
        node,
        Node::Max(..) | Node::Min(..) | Node::Func(..) | Node::Pow(..)
    ) {
        return id;
    }
    let children = node.children();
    let mut found = None;
    for &c in &children {
        if g.as_num(c).is_some() {
            continue;
        }
        match (found, constant_if(g, c)) {
            (None, Some(parts)) => found = Some((c, parts)),
            _ => return id,
        }
    }
    let Some((target, (cond, a, b))) = found else {
        return id;
    };
    let with = |g: &mut Graph, branch: ExprId| {
        let n = map_children(&node, |c| if c == target { branch } else { c });
        g.rebuild(n)
    };
    let a2 = with(g, a);
    let b2 = with(g, b);
    g.if_(cond, a2, b2)
}

/// A product with one `if` factor: the other factors move into the branches when
/// one branch is 0 or `undefined` (nothing is copied) or both are constants and the
/// rest is small.
pub(super) fn product_into_if(g: &mut Graph, id: ExprId, ops: &mut OpCounter) -> ExprId {
    let Node::Mul(fs) = g.node(id).clone() else {
        return id;
    };
    let ifs: Vec<usize> = (0..fs.len())
        .filter(|&i| matches!(g.node(fs[i]), Node::If(..)))
        .collect();
    let [k] = ifs.as_slice() else {
        return id;
    };
    let Node::If(c, a, b) = g.node(fs[*k]).clone() else {
        return id;
    };
    let others: Vec<ExprId> = fs
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != *k)
        .map(|(_, &f)| f)
        .collect();
    let rest = g.mul(others);
    // A branch that is 0 or undefined absorbs the other factors: nothing is copied.
    let absorbing = |g: &Graph, x: ExprId| {
        g.as_num(x).is_some_and(num_traits::Zero::is_zero) || matches!(g.node(x), Node::Undefined)
    };
    let zero_branch = absorbing(g, a) || absorbing(g, b);
    let both_constant = g.as_num(a).is_some() && g.as_num(b).is_some();
    let ok = (zero_branch && g.info(rest).total)
        || (both_constant && !zero_branch && ops.count(g, rest) <= MAX_COPIED_OPS);
    if !ok {
        return id;
    }
    let a2 = g.mul(vec![rest, a]);
    let b2 = g.mul(vec![rest, b]);
    g.if_(c, a2, b2)
}
