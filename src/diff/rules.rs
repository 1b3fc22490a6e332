//! Derivative rules of the smooth operations: sums and products, powers, and the
//! built-in functions (`abs` and `sign` are handed to [`super::kinks`]).

use num_traits::{One, Signed, Zero};

use super::{kinks, Kink};
use crate::expr::{ExprId, Func, Graph, Node};

/// Whether `id` is the exact constant 0 (a derivative that vanishes identically).
pub(super) fn is_zero(g: &Graph, id: ExprId) -> bool {
    g.as_num(id).is_some_and(Zero::is_zero)
}

/// Whether `e` is a constant strictly between 0 and 1 (`b^e` is defined at `b = 0`,
/// its chain rule `e*b^(e-1)*b'` is not).
pub(super) fn root_like(g: &Graph, e: ExprId) -> bool {
    g.as_num(e)
        .is_some_and(|r| r.is_positive() && *r < num_rational::BigRational::one())
}

/// The product of `factors`, or exactly 0 when one of them is the constant 0.
/// (The smart constructor keeps `0*u` for a `u` not defined everywhere, which is
/// right for values but only clutters a derivative that vanishes identically.)
pub(super) fn scaled(g: &mut Graph, factors: Vec<ExprId>) -> ExprId {
    if factors.iter().any(|&f| is_zero(g, f)) {
        return g.int(0);
    }
    g.mul(factors)
}

/// The product rule: `d(f1*...*fn) = sum of fi' * (the other factors)`.
pub(super) fn product(g: &mut Graph, factors: &[ExprId], ds: &[ExprId]) -> ExprId {
    let mut terms = Vec::new();
    for (i, &di) in ds.iter().enumerate() {
        if is_zero(g, di) {
            continue;
        }
        let mut fs = Vec::with_capacity(factors.len());
        fs.push(di);
        fs.extend(
            factors
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &f)| f),
        );
        terms.push(g.mul(fs));
    }
    if terms.is_empty() {
        return g.int(0);
    }
    g.add(terms)
}

/// `d(b^e)`: `e*b^(e-1)*b'` for an exponent that does not vary, `b^e*log(b)*e'`
/// for a base that does not, `b^e*(e'*log(b) + e*b'/b)` in general.
pub(super) fn power(g: &mut Graph, b: ExprId, e: ExprId, db: ExprId, de: ExprId) -> ExprId {
    if matches!(g.node(db), Node::Undefined) || matches!(g.node(de), Node::Undefined) {
        return g.undefined();
    }
    if is_zero(g, de) {
        let one = g.int(1);
        let e1 = g.sub(e, one);
        let p = g.pow(b, e1);
        return scaled(g, vec![e, p, db]);
    }
    let this = g.pow(b, e);
    let log_b = g.func(Func::Log, b);
    if is_zero(g, db) {
        return scaled(g, vec![this, log_b, de]);
    }
    let t1 = g.mul(vec![de, log_b]);
    let t2 = over_positive(g, vec![e, db], b);
    let s = g.add(vec![t1, t2]);
    g.mul(vec![this, s])
}

/// `product(factors) / b` where `b > 0` is known (the caller's expression holds
/// `log(b)`): a factor `b` cancels, which the smart constructors only do where `b`
/// cannot vanish (`x*x^(-1)` stays in general).
fn over_positive(g: &mut Graph, factors: Vec<ExprId>, b: ExprId) -> ExprId {
    let num = g.mul(factors);
    if num == b {
        return g.int(1);
    }
    if let Node::Mul(fs) = g.node(num).clone() {
        if let Some(i) = fs.iter().position(|&f| f == b) {
            let rest: Vec<ExprId> = fs
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &f)| f)
                .collect();
            return g.mul(rest);
        }
    }
    let m1 = g.int(-1);
    let inv = g.pow(b, m1);
    g.mul(vec![num, inv])
}

/// The chain rule for a built-in function of one argument `a` with derivative `da`.
pub(super) fn func(g: &mut Graph, f: Func, a: ExprId, da: ExprId, kink: Kink) -> ExprId {
    if matches!(g.node(da), Node::Undefined) {
        return g.undefined();
    }
    match f {
        Func::Abs => return kinks::abs(g, a, da, kink),
        Func::Sign => return kinks::sign(g, a, da, kink),
        _ => {}
    }
    if is_zero(g, da) {
        return g.int(0);
    }
    let outer = match f {
        Func::Exp => g.func(Func::Exp, a),
        Func::Log => {
            let m1 = g.int(-1);
            g.pow(a, m1)
        }
        Func::Tanh => {
            // 1 - tanh(u)^2, the form the textbooks print.
            let t = g.func(Func::Tanh, a);
            let two = g.int(2);
            let t2 = g.pow(t, two);
            let one = g.int(1);
            g.sub(one, t2)
        }
        Func::Sinh => g.func(Func::Cosh, a),
        Func::Cosh => g.func(Func::Sinh, a),
        Func::Erf => {
            // 2/sqrt(pi) * exp(-u^2)
            let two = g.int(2);
            let pi = g.pi();
            let m_half = g.frac(-1, 2);
            let c = g.pow(pi, m_half);
            let sq = g.pow(a, two);
            let msq = g.neg(sq);
            let ex = g.func(Func::Exp, msq);
            g.mul(vec![two, c, ex])
        }
        Func::Abs | Func::Sign => return g.undefined(),
    };
    g.mul(vec![outer, da])
}
