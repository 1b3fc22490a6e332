//! Lipschitz bounds in two variables: `abs(h(x) - h(y)) <= c*abs(x - y)` follows, by the
//! mean value theorem, from the one-variable claim `abs(diff(h(x), x)) <= c` when `h` is
//! continuous and defined everywhere (its derivative is then bounded wherever it
//! exists, and `h` is continuous at the finitely many kinks).
//!
//! The pattern is read structurally: the left side is `abs(A)` with `A` vanishing when
//! `y` is replaced by `x` (so `A = h(x) - h(y)`), `dA/dx` free of `y`, and the right side
//! `c*abs(x - y)` (or `abs(y - x)`) with a constant `c`.

use std::collections::HashMap;

use crate::diff::{derive, Kink};
use crate::expr::{ExprId, Func, Graph, Node, Symbol};

/// The one-variable claim `abs(dA/dx) <= c` that implies `lhs <= rhs`, as
/// `(abs(dA/dx), c)`, when the link has the Lipschitz shape.
pub fn reduce(g: &mut Graph, lhs: ExprId, rhs: ExprId) -> Option<(ExprId, ExprId)> {
    let Node::Func(Func::Abs, a) = g.node(lhs).clone() else {
        return None;
    };
    let (c, b) = match g.node(rhs).clone() {
        Node::Func(Func::Abs, b) => (g.int(1), b),
        Node::Mul(fs) if fs.len() == 2 => match (g.as_num(fs[0]).cloned(), g.node(fs[1]).clone()) {
            (Some(k), Node::Func(Func::Abs, b)) => (g.num(k), b),
            _ => return None,
        },
        _ => return None,
    };
    if g.as_num(c)
        .is_none_or(|k| k < &num_rational::BigRational::from_integer(0.into()))
    {
        return None;
    }
    let mut vars: Vec<Symbol> = g.free_vars(b);
    vars.sort();
    let [x, y] = vars[..] else {
        return None;
    };
    let (vx, vy) = (
        g.var(g.name(x).to_owned().as_str()),
        g.var(g.name(y).to_owned().as_str()),
    );
    let d1 = g.sub(vx, vy);
    let d2 = g.sub(vy, vx);
    if b != d1 && b != d2 {
        return None;
    }
    // A(x, y) = h(x) - h(y): it vanishes at y = x, h is total and continuous.
    if !g.info(a).total
        || g.reachable(&[a])
            .into_iter()
            .any(|id| matches!(g.node(id), Node::If(..) | Node::Func(Func::Sign, _)))
    {
        return None;
    }
    let diagonal = g.substitute(a, &HashMap::from([(y, vx)]));
    if g.as_num(diagonal)
        .is_none_or(|k| k != &num_rational::BigRational::from_integer(0.into()))
    {
        return None;
    }
    let da = derive(g, a, x, Kink::Left).ok()?;
    if g.free_vars(da).contains(&y) {
        return None;
    }
    let abs_da = g.func(Func::Abs, da);
    Some((abs_da, c))
}
