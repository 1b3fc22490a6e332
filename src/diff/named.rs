//! Named derivative rules for the prelude's functions, so names survive:
//! `sigmoid' = sigmoid*(1 - sigmoid)`, `softplus' = sigmoid`, `log_sigmoid'(u) =
//! sigmoid(-u)`, `Phi' = phi`, `phi'(u) = -u*phi(u)`; and, in autodiff mode, the
//! kink values PyTorch's own kernels use (`relu'(0) = 0`, `prelu'(0) = alpha`,
//! `hardtanh` and `relu6` with 0 at both corners, `hardswish` as
//! `torch.ops.aten.hardswish_backward`).
//!
//! A rule applies only to the prelude's definition of its name: a user who redefines
//! `sigmoid` gets the derivative of their own body. Functions without a rule here
//! (swish, gelu, elu, mish, ...) are differentiated through their definitions, which
//! call the named ones, so their derivatives read like the textbook's.

use super::rules::scaled;
use super::Kink;
use crate::expr::{CmpOp, ExprId, Graph, Origin, Symbol};

/// The prelude function named `name`, if the graph has the prelude's definition.
fn prelude_fn(g: &Graph, name: &str) -> Option<Symbol> {
    let s = g.find_symbol(name)?;
    let def = g.defs().get(s)?;
    (def.origin == Origin::Prelude).then_some(s)
}

/// The rules that hold in every mode, with their arity.
const SMOOTH: [(&str, usize); 5] = [
    ("sigmoid", 1),
    ("softplus", 1),
    ("log_sigmoid", 1),
    ("Phi", 1),
    ("phi", 1),
];

/// The rules that give PyTorch's kink values, used in autodiff mode only (in the
/// one-sided modes the definitions' own `max`/`min` give the exact answer).
const AUTODIFF: [(&str, usize); 6] = [
    ("relu", 1),
    ("prelu", 2),
    ("relu6", 1),
    ("hard_tanh", 1),
    ("hard_sigmoid", 1),
    ("hard_swish", 1),
];

/// Whether a named rule differentiates calls of `f` in this mode.
pub(super) fn applies(g: &Graph, f: Symbol, kink: Kink) -> bool {
    let Some(def) = g.defs().get(f) else {
        return false;
    };
    if def.origin != Origin::Prelude {
        return false;
    }
    let name = g.name(f);
    let arity = def.params.len();
    let known = |table: &[(&str, usize)]| table.iter().any(|&(n, a)| n == name && a == arity);
    known(&SMOOTH) || (kink == Kink::Autodiff && known(&AUTODIFF))
}

/// `if(u > lo, if(u < hi, inside, 0), 0)`: a clamp's autodiff derivative, 0 at both
/// corners.
fn clamp_slope(g: &mut Graph, u: ExprId, lo: i64, hi: i64, inside: ExprId) -> ExprId {
    let (lo, hi, zero) = (g.int(lo), g.int(hi), g.int(0));
    let below_hi = g.cmp(CmpOp::Lt, u, hi);
    let inner = g.if_(below_hi, inside, zero);
    let above_lo = g.cmp(CmpOp::Gt, u, lo);
    g.if_(above_lo, inner, zero)
}

/// The derivative of `f(args)` by its named rule, given the arguments' derivatives.
/// `None` when `f` has no rule (callers check [`applies`] first).
pub(super) fn rule(
    g: &mut Graph,
    f: Symbol,
    args: &[ExprId],
    ds: &[ExprId],
    kink: Kink,
) -> Option<ExprId> {
    let name = g.name(f).to_owned();
    let (&u, &du) = (args.first()?, ds.first()?);
    let zero = g.int(0);
    let one = g.int(1);
    Some(match name.as_str() {
        "sigmoid" => {
            let s = g.call(f, vec![u]);
            let t = g.sub(one, s);
            scaled(g, vec![s, t, du])
        }
        "softplus" => {
            let sigmoid = prelude_fn(g, "sigmoid")?;
            let s = g.call(sigmoid, vec![u]);
            scaled(g, vec![s, du])
        }
        "log_sigmoid" => {
            let sigmoid = prelude_fn(g, "sigmoid")?;
            let mu = g.neg(u);
            let s = g.call(sigmoid, vec![mu]);
            scaled(g, vec![s, du])
        }
        "Phi" => {
            let phi = prelude_fn(g, "phi")?;
            let p = g.call(phi, vec![u]);
            scaled(g, vec![p, du])
        }
        "phi" => {
            let p = g.call(f, vec![u]);
            let mu = g.neg(u);
            scaled(g, vec![mu, p, du])
        }
        _ if kink != Kink::Autodiff => return None,
        "relu" => {
            let pos = g.cmp(CmpOp::Gt, u, zero);
            g.if_(pos, du, zero)
        }
        "prelu" => {
            // prelu(u, a) = max(u, 0) + a*min(u, 0); torch: slope 1 for u > 0, a else.
            let (&a, &da) = (args.get(1)?, ds.get(1)?);
            let pos = g.cmp(CmpOp::Gt, u, zero);
            let neg_slope = g.mul(vec![a, du]);
            let slope = g.if_(pos, du, neg_slope);
            let m = g.min(u, zero);
            let from_a = scaled(g, vec![da, m]);
            g.add(vec![slope, from_a])
        }
        "relu6" => clamp_slope(g, u, 0, 6, du),
        "hard_tanh" => clamp_slope(g, u, -1, 1, du),
        "hard_sigmoid" => {
            let sixth = g.frac(1, 6);
            let inside = g.mul(vec![sixth, du]);
            clamp_slope(g, u, -3, 3, inside)
        }
        "hard_swish" => {
            // 0 for u < -3, u/3 + 1/2 for u <= 3, 1 above.
            let (m3, p3) = (g.int(-3), g.int(3));
            let third = g.frac(1, 3);
            let half = g.frac(1, 2);
            let u3 = g.mul(vec![third, u]);
            let mid = g.add(vec![u3, half]);
            let le3 = g.cmp(CmpOp::Le, u, p3);
            let upper = g.if_(le3, mid, one);
            let lt = g.cmp(CmpOp::Lt, u, m3);
            let slope = g.if_(lt, zero, upper);
            scaled(g, vec![slope, du])
        }
        _ => return None,
    })
}
