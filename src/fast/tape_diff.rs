//! Differentiation inside the compiler's intermediate form, for `diff(...)` of a
//! smooth expression.
//!
//! `eval diff(swish(x, 3/2), x) --fast` could compile the simplifier's derivative,
//! but that is a sum of kernels that cancel near the derivative's root (and, for
//! higher orders, an expanded polynomial in `sigmoid`). Differentiating the lowered
//! form instead keeps the fused kernels: the rules below map each kernel to its
//! derivative kernel (`sigmoid -> sigmoid'`, `silu' -> silu''`, `tanh(softplus) ->
//! sech2(softplus) * sigmoid`), and the sum constructor of `tape_ir.rs` recognises
//! `sigmoid(u) + u sigmoid'(u)` as `silu'(u)` and the `mish'` sum as `mish'`.
//!
//! Kinks of continuous operations (`max`, `min`, `abs`) get their exact left-hand
//! derivative, the convention of the symbolic side. A branch (`if`) whose condition
//! depends on the variable is differentiated branch by branch away from its tie
//! ([`derivative_off_ties`]); at the tie, where it may jump or take a one-sided
//! kink, the caller uses the symbolic derivative. `sign` of the variable, and
//! conditions whose operands may jump, are left to the symbolic differentiator
//! ([`None`]).

use super::ops::UnaryOp;
use super::tape_ir::{Ir, IrId, IrNode};
use crate::expr::CmpOp;

/// `2/sqrt(pi)`.
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

/// The derivative of `root` with respect to `var` wherever no branch on the variable
/// is at its tie: a branch `if(u op v, a, b)` with continuous `u` and `v` takes one
/// side on a whole neighbourhood of a point where `u != v`, so its derivative there
/// is that side's. Returned with the comparisons `(u, v)` whose ties it does not
/// cover (the caller takes the derivative there from the symbolic rules: jumps and
/// one-sided kinks). `None` where a condition's operands may jump themselves, or
/// where `root` depends on `var` through an operation that is not smooth (or that
/// has no derivative kernel here).
pub(crate) fn derivative_off_ties(
    ir: &mut Ir,
    root: IrId,
    var: Option<IrId>,
) -> Option<(IrId, Vec<(IrId, IrId)>)> {
    let reachable = reachable(ir, root);
    // Per reachable node, in id order (children first): its derivative, `None` where
    // it does not depend on `var`.
    let mut d: Vec<Option<IrId>> = vec![None; root.0 as usize + 1];
    let mut ties = Vec::new();
    for id in reachable {
        d[id.0 as usize] = node_derivative(ir, id, var, &d, &mut ties)?;
    }
    let out = d[root.0 as usize].unwrap_or_else(|| ir.constant(0.0));
    Some((out, ties))
}

/// Whether a jump (a branch, `sign`) is reachable from `root`.
fn may_jump(ir: &Ir, root: IrId) -> bool {
    reachable(ir, root).into_iter().any(|n| {
        matches!(
            ir.node(n),
            IrNode::Select(..) | IrNode::Cmp(..) | IrNode::Unary(UnaryOp::Sign, _)
        )
    })
}

/// The nodes under `root`, in increasing id order.
fn reachable(ir: &Ir, root: IrId) -> Vec<IrId> {
    let mut seen = vec![false; root.0 as usize + 1];
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut seen[id.0 as usize], true) {
            stack.extend(ir.children(id));
        }
    }
    (0..=root.0)
        .map(IrId)
        .filter(|i| seen[i.0 as usize])
        .collect()
}

/// `Some(None)`: independent of `var`; `Some(Some(d))`: derivative `d`; `None`: not
/// differentiable here.
#[allow(clippy::option_option)]
fn node_derivative(
    ir: &mut Ir,
    id: IrId,
    var: Option<IrId>,
    d: &[Option<IrId>],
    ties: &mut Vec<(IrId, IrId)>,
) -> Option<Option<IrId>> {
    let dv = |c: &IrId| d[c.0 as usize];
    let node = ir.node(id).clone();
    if ir.children(id).iter().all(|c| dv(c).is_none()) {
        return Some(match node {
            IrNode::Var(_) if Some(id) == var => Some(ir.constant(1.0)),
            _ => None,
        });
    }
    let one = |ir: &mut Ir| ir.constant(1.0);
    let zero_if_none = |ir: &mut Ir, x: Option<IrId>| x.unwrap_or_else(|| ir.constant(0.0));
    Some(Some(match node {
        IrNode::Const(_) | IrNode::Var(_) => return Some(None),
        IrNode::Lin(_, terms) => {
            let ts = terms
                .iter()
                .filter_map(|&(c, t)| dv(&t).map(|dt| (f64::from_bits(c), dt)))
                .collect();
            ir.lin(0.0, ts)
        }
        IrNode::Mul(a, b) => {
            let mut ts = Vec::new();
            if let Some(da) = dv(&a) {
                ts.push((1.0, ir.product(vec![da, b])));
            }
            if let Some(db) = dv(&b) {
                ts.push((1.0, ir.product(vec![a, db])));
            }
            ir.lin(0.0, ts)
        }
        IrNode::Div(a, b) => {
            // a/(k + c|a|), as in softsign: (k a')/b^2, the numerator of the quotient
            // rule simplified (b - c a sign(a) = k), which would cancel in floating point.
            if let IrNode::Lin(k, ts) = ir.node(b).clone() {
                if let [(c, t)] = ts[..] {
                    let abs_a = *ir.node(t) == IrNode::Unary(UnaryOp::Abs, a);
                    if abs_a && f64::from_bits(k) == 1.0 && f64::from_bits(c) == 1.0 {
                        // softsign itself: its fused derivative kernel.
                        let da = zero_if_none(ir, dv(&a));
                        let k = ir.unary(UnaryOp::SoftsignDeriv, a);
                        return Some(Some(ir.product(vec![k, da])));
                    }
                    if abs_a && f64::from_bits(c) != 0.0 {
                        let da = zero_if_none(ir, dv(&a));
                        let b2 = ir.powi(b, 2);
                        let q = ir.div(da, b2);
                        return Some(Some(ir.scale(f64::from_bits(k), q)));
                    }
                }
            }
            // a/c^n: a'/c^n - n a c'/c^(n+1), one power of c rather than (c^n)^2.
            if let IrNode::PowI(c, n) = *ir.node(b) {
                if n > 0 && n < i32::MAX {
                    let mut ts = Vec::new();
                    if let Some(da) = dv(&a) {
                        ts.push((1.0, ir.div(da, b)));
                    }
                    if let Some(dc) = dv(&c) {
                        let num = ir.product(vec![a, dc]);
                        let p = ir.powi(c, n + 1);
                        ts.push((-f64::from(n), ir.div(num, p)));
                    }
                    return Some(Some(ir.lin(0.0, ts)));
                }
            }
            // a'/b - a b'/b^2
            let mut ts = Vec::new();
            if let Some(da) = dv(&a) {
                ts.push((1.0, ir.div(da, b)));
            }
            if let Some(db) = dv(&b) {
                let num = ir.product(vec![a, db]);
                let b2 = ir.powi(b, 2);
                ts.push((-1.0, ir.div(num, b2)));
            }
            ir.lin(0.0, ts)
        }
        IrNode::PowI(a, n) => {
            let da = zero_if_none(ir, dv(&a));
            let p = if n == 1 { one(ir) } else { ir.powi(a, n - 1) };
            let p = ir.scale(f64::from(n), p);
            ir.product(vec![p, da])
        }
        // At a = 0 the chain rule of a root meets 0/0; where `a` has kinks it may be
        // 0 on a whole side (`sqrt(relu(x))`, derivative 0 there): the symbolic
        // differentiator decides those points.
        IrNode::Sqrt(a) | IrNode::PowConst(a, _) if root_like(ir, id) && has_kink(ir, a) => {
            return None
        }
        IrNode::Sqrt(a) => {
            let da = zero_if_none(ir, dv(&a));
            let half = ir.scale(0.5, da);
            ir.div(half, id)
        }
        IrNode::PowConst(a, p) => {
            let p = f64::from_bits(p);
            let da = zero_if_none(ir, dv(&a));
            let q = ir.pow_const(a, p - 1.0);
            let q = ir.scale(p, q);
            ir.product(vec![q, da])
        }
        IrNode::Unary(op, u) => {
            let du = zero_if_none(ir, dv(&u));
            match unary_derivative(ir, op, u, id, du)? {
                Chain::Factor(k) => ir.product(vec![k, du]),
                Chain::Whole(d) => d,
            }
        }
        IrNode::Select(c, a, b) if dv(&c).is_none() => {
            let da = zero_if_none(ir, dv(&a));
            let db = zero_if_none(ir, dv(&b));
            ir.select(c, da, db)
        }
        // Kinks of continuous functions, with the left-hand derivative: just left of
        // a tie of max(a, b), the larger is the one with the smaller left derivative,
        // so max' = min(a', b') there (and min' = max(a', b')). The rule composes:
        // a and b need only be left-differentiable.
        IrNode::Max(a, b) | IrNode::Min(a, b) => {
            let is_max = matches!(node, IrNode::Max(..));
            let da = zero_if_none(ir, dv(&a));
            let db = zero_if_none(ir, dv(&b));
            let tie = if is_max {
                ir.min(da, db)
            } else {
                ir.max(da, db)
            };
            let (first, second) = if is_max { (a, b) } else { (b, a) };
            let (d1, d2) = if is_max { (da, db) } else { (db, da) };
            // max: a > b -> a', a < b -> b'; min: b > a -> a', b < a -> b'.
            let gt = ir.cmp(CmpOp::Gt, first, second);
            let lt = ir.cmp(CmpOp::Lt, first, second);
            let (on_gt, on_lt) = if is_max { (d1, d2) } else { (d2, d1) };
            let inner = ir.select(lt, on_lt, tie);
            ir.select(gt, on_gt, inner)
        }
        // Jumps (and whatever a branch on the variable hides): the symbolic
        // differentiator decides them.
        // A comparison of continuous operands is constant near every point off its
        // tie: the branches it selects are differentiated there, the ties are left
        // to the caller.
        // `u != u`, the domain guard of `within_domain`: constant where `u` is
        // defined, never a tie.
        IrNode::Cmp(_, u, v) if u == v => return Some(None),
        IrNode::Cmp(_, u, v) if !may_jump(ir, u) && !may_jump(ir, v) => {
            ties.push((u, v));
            return Some(None);
        }
        IrNode::PowVar(..) | IrNode::Cmp(..) | IrNode::Select(..) => return None,
    }))
}

/// Whether `id` is a root-like power (`sqrt`, or a constant exponent below 1),
/// whose derivative is undefined where its base is 0.
fn root_like(ir: &Ir, id: IrId) -> bool {
    match *ir.node(id) {
        IrNode::Sqrt(_) => true,
        IrNode::PowConst(_, p) => f64::from_bits(p) < 1.0,
        _ => false,
    }
}

/// Whether a kink (`max`, `min`, `abs`, a branch) is reachable from `root`.
fn has_kink(ir: &Ir, root: IrId) -> bool {
    reachable(ir, root).into_iter().any(|n| {
        matches!(
            ir.node(n),
            IrNode::Max(..)
                | IrNode::Min(..)
                | IrNode::Select(..)
                | IrNode::Unary(UnaryOp::Abs | UnaryOp::Sign, _)
        )
    })
}

/// The derivative of a kernel: `op'(u)`, to be multiplied by `u'`, or the whole
/// derivative.
enum Chain {
    Factor(IrId),
    Whole(IrId),
}

/// The derivative of `this = op(u)` given `du = u'`, or `None` for a kernel with a
/// jump or without a derivative kernel.
fn unary_derivative(ir: &mut Ir, op: UnaryOp, u: IrId, this: IrId, du: IrId) -> Option<Chain> {
    let un = |ir: &mut Ir, op: UnaryOp| ir.unary(op, u);
    Some(Chain::Factor(match op {
        UnaryOp::Exp => this,
        UnaryOp::Expm1 => un(ir, UnaryOp::Exp),
        UnaryOp::Log => {
            let one = ir.constant(1.0);
            ir.div(one, u)
        }
        UnaryOp::Log1p => {
            let one = ir.constant(1.0);
            let v = ir.lin(1.0, vec![(1.0, u)]);
            ir.div(one, v)
        }
        UnaryOp::Tanh => un(ir, UnaryOp::Sech2),
        UnaryOp::Sinh => un(ir, UnaryOp::Cosh),
        UnaryOp::Cosh => un(ir, UnaryOp::Sinh),
        UnaryOp::Erf | UnaryOp::Erfc => {
            // erf' = 2/sqrt(pi) exp(-u^2) = -erfc'
            let sq = ir.powi(u, 2);
            let neg = ir.neg(sq);
            let e = ir.unary(UnaryOp::Exp, neg);
            let c = if op == UnaryOp::Erf {
                TWO_OVER_SQRT_PI
            } else {
                -TWO_OVER_SQRT_PI
            };
            ir.scale(c, e)
        }
        UnaryOp::Sigmoid => un(ir, UnaryOp::SigmoidDeriv),
        UnaryOp::SigmoidDeriv => {
            // s'(1 - 2s)
            let s = un(ir, UnaryOp::Sigmoid);
            let f = ir.lin(1.0, vec![(-2.0, s)]);
            ir.product(vec![this, f])
        }
        UnaryOp::Softplus => un(ir, UnaryOp::Sigmoid),
        UnaryOp::LogSigmoid => {
            let nu = ir.neg(u);
            ir.unary(UnaryOp::Sigmoid, nu)
        }
        UnaryOp::Sech2 => {
            // -2 tanh(u) sech2(u)
            let t = un(ir, UnaryOp::Tanh);
            let p = ir.product(vec![t, this]);
            ir.scale(-2.0, p)
        }
        UnaryOp::TanhSoftplus => {
            let s2 = un(ir, UnaryOp::Sech2Softplus);
            let s = un(ir, UnaryOp::Sigmoid);
            ir.product(vec![s2, s])
        }
        UnaryOp::Sech2Softplus => {
            // -2 T T' with T = tanh(softplus(u)), T' = sech2(softplus(u)) sigmoid(u)
            let t = un(ir, UnaryOp::TanhSoftplus);
            let s = un(ir, UnaryOp::Sigmoid);
            let p = ir.product(vec![t, this, s]);
            ir.scale(-2.0, p)
        }
        UnaryOp::NormCdf => un(ir, UnaryOp::NormPdf),
        UnaryOp::LogNormCdf => {
            let d = un(ir, UnaryOp::NormPdf);
            let p = un(ir, UnaryOp::NormCdf);
            ir.div(d, p)
        }
        UnaryOp::NormPdf => {
            let p = ir.product(vec![u, this]);
            ir.neg(p)
        }
        UnaryOp::SiluDeriv => un(ir, UnaryOp::SiluDeriv2),
        UnaryOp::MishDeriv => un(ir, UnaryOp::MishDeriv2),
        UnaryOp::Abs => {
            // sign(u) u' away from 0; at u = 0 the left derivative is -|u'|.
            let s = ir.unary(UnaryOp::Sign, u);
            let away = ir.product(vec![s, du]);
            let a = ir.unary(UnaryOp::Abs, du);
            let at0 = ir.neg(a);
            let zero = ir.constant(0.0);
            let nonzero = ir.cmp(CmpOp::Ne, u, zero);
            return Some(Chain::Whole(ir.select(nonzero, away, at0)));
        }
        UnaryOp::SoftsignDeriv => {
            // A kink at u = 0: softsign''(u) u' away from it; at it the left-hand
            // derivative, 2|u'| (the slope 2 of 1/(1 - u)^2 from the left, or -2
            // of 1/(1 + u)^2 from the right when u decreases).
            let k = un(ir, UnaryOp::SoftsignDeriv2);
            let away = ir.product(vec![k, du]);
            let a = ir.unary(UnaryOp::Abs, du);
            let at0 = ir.scale(2.0, a);
            let zero = ir.constant(0.0);
            let nonzero = ir.cmp(CmpOp::Ne, u, zero);
            return Some(Chain::Whole(ir.select(nonzero, away, at0)));
        }
        UnaryOp::Sign | UnaryOp::SiluDeriv2 | UnaryOp::MishDeriv2 | UnaryOp::SoftsignDeriv2 => {
            return None
        }
    }))
}
