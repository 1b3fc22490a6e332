//! Known patterns turned back into the prelude's names and the textbook's forms:
//! `1/(1 + exp(-u))` is `sigmoid(u)`, `exp(-u)*sigmoid(u)` is `1 - sigmoid(u)` (so the
//! tower `exp(-u)/(1 + exp(-u))^2` becomes `sigmoid(u)*(1 - sigmoid(u))`),
//! `log(1 + exp(u))` is `softplus(u)`, `1/cosh(u)^2` is `1 - tanh(u)^2` and
//! `sinh(u)/cosh(u)` is `tanh(u)`. Each is an identity of total functions, so the
//! domain is kept. The sigmoid patterns apply only when the graph has the prelude's
//! `sigmoid` and `softplus`: the names are those the table of activations gives
//! these patterns ([`Pattern`]).

use num_traits::{One, ToPrimitive, Zero};

use crate::activations::{self, Pattern};
use crate::expr::{BigRational, ExprId, Func, Graph, Node, Origin, SignInfo, Symbol};

/// The prelude's names the patterns produce.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Names {
    sigmoid: Option<Symbol>,
    softplus: Option<Symbol>,
    /// The prelude's `relu`, which conditions see through.
    pub(super) relu: Option<Symbol>,
}

impl Names {
    /// Looks the names of the table's patterns up in `g`, keeping only the prelude's
    /// definitions of one parameter.
    pub(super) fn find(g: &Graph) -> Names {
        let mut names = Names::default();
        for row in activations::TABLE {
            let Some(pattern) = row.pattern else {
                continue;
            };
            let found = g.find_symbol(row.name).filter(|&s| {
                g.defs()
                    .get(s)
                    .is_some_and(|d| d.origin == Origin::Prelude && d.params.len() == 1)
            });
            let slot = match pattern {
                Pattern::Sigmoid => &mut names.sigmoid,
                Pattern::Softplus => &mut names.softplus,
                Pattern::Relu => &mut names.relu,
            };
            *slot = slot.or(found);
        }
        names
    }
}

/// `w` when `id` is `1 + exp(w)`.
fn one_plus_exp(g: &Graph, id: ExprId) -> Option<ExprId> {
    match g.node(id) {
        Node::Add(ts) if ts.len() == 2 && g.as_num(ts[0]).is_some_and(One::is_one) => {
            match g.node(ts[1]) {
                Node::Func(Func::Exp, w) => Some(*w),
                _ => None,
            }
        }
        _ => None,
    }
}

/// An integer exponent of a power node.
fn int_exp(g: &Graph, e: ExprId) -> Option<i64> {
    g.as_num(e)
        .filter(|r| r.is_integer())
        .and_then(|r| r.to_integer().to_i64())
}

/// Rewrites a power: `(1 + exp(w))^(-k)` to `sigmoid(-w)^k`, `cosh(u)^(-2)` to
/// `1 - tanh(u)^2`.
pub(super) fn power(g: &mut Graph, id: ExprId, names: Names) -> ExprId {
    let Node::Pow(b, e) = g.node(id).clone() else {
        return id;
    };
    let Some(k) = int_exp(g, e) else {
        return id;
    };
    if let Some(merged) = power_of_root(g, b, k) {
        return merged;
    }
    if k < 0 {
        if let (Some(w), Some(sigmoid)) = (one_plus_exp(g, b), names.sigmoid) {
            let mw = g.neg(w);
            let s = g.call(sigmoid, vec![mw]);
            let kn = g.int(-k);
            return g.pow(s, kn);
        }
    }
    if k == -2 {
        if let Node::Func(Func::Cosh, u) = g.node(b).clone() {
            let t = g.func(Func::Tanh, u);
            let two = g.int(2);
            let t2 = g.pow(t, two);
            let one = g.int(1);
            return g.sub(one, t2);
        }
    }
    id
}

/// `(u^a)^k = u^(a*k)` for a fractional `a` and an integer `k`, where both sides
/// have the same domain: a fractional power needs `u >= 0`, so this holds unless
/// `a*k` is an integer (`(x^(1/2))^2` is not `x` for `x < 0`) or both are negative
/// (`(x^(-1/2))^(-1)` is undefined at 0, `x^(1/2)` is not); for a positive `u`
/// defined everywhere it always holds (`1/sqrt(pi) = pi^(-1/2)`).
fn power_of_root(g: &mut Graph, b: ExprId, k: i64) -> Option<ExprId> {
    let Node::Pow(u, a) = g.node(b).clone() else {
        return None;
    };
    let a = g.as_num(a)?.clone();
    if a.is_integer() {
        return None;
    }
    let ak = a.clone() * BigRational::from_integer(k.into());
    let positive = g.info(u).total && g.info(u).sign == SignInfo::Positive;
    let both_negative = a < BigRational::zero() && k < 0;
    let same_domain = !(ak.is_integer() || both_negative);
    if !(positive || same_domain) {
        return None;
    }
    let e = g.num(ak);
    Some(g.pow(u, e))
}

/// Rewrites `log(1 + exp(u))` to `softplus(u)`.
pub(super) fn function(g: &mut Graph, id: ExprId, names: Names) -> ExprId {
    if let (Node::Func(Func::Log, a), Some(softplus)) = (g.node(id).clone(), names.softplus) {
        if let Some(w) = one_plus_exp(g, a) {
            return g.call(softplus, vec![w]);
        }
    }
    id
}

/// The argument and exponent of a factor `sigmoid(m)^k` (k >= 1).
fn sigmoid_power(g: &Graph, f: ExprId, sigmoid: Symbol) -> Option<(ExprId, i64)> {
    let (base, k) = match g.node(f) {
        Node::Pow(b, e) => (*b, int_exp(g, *e)?),
        _ => (f, 1),
    };
    match g.node(base) {
        Node::Call(s, args) if *s == sigmoid && args.len() == 1 && k >= 1 => Some((args[0], k)),
        _ => None,
    }
}

/// Rewrites products: `exp(w)*sigmoid(-w)^k` to `(1 - sigmoid(-w))*sigmoid(-w)^(k-1)`,
/// `sinh(u)*cosh(u)^(-1)` to `tanh(u)`.
pub(super) fn product(g: &mut Graph, id: ExprId, names: Names) -> ExprId {
    let Node::Mul(fs) = g.node(id).clone() else {
        return id;
    };
    if let Some(sigmoid) = names.sigmoid {
        for (i, &f) in fs.iter().enumerate() {
            let Node::Func(Func::Exp, w) = g.node(f).clone() else {
                continue;
            };
            let mw = g.neg(w);
            let found = fs
                .iter()
                .enumerate()
                .find(|&(_, &h)| sigmoid_power(g, h, sigmoid).is_some_and(|(m, _)| m == mw));
            if let Some((j, &h)) = found {
                let k = sigmoid_power(g, h, sigmoid).map_or(1, |(_, k)| k);
                let s = g.call(sigmoid, vec![mw]);
                let one = g.int(1);
                let t = g.sub(one, s);
                let kn = g.int(k - 1);
                let rest_s = g.pow(s, kn);
                let mut out: Vec<ExprId> = fs
                    .iter()
                    .enumerate()
                    .filter(|&(n, _)| n != i && n != j)
                    .map(|(_, &x)| x)
                    .collect();
                out.push(t);
                out.push(rest_s);
                return g.mul(out);
            }
        }
    }
    for (i, &f) in fs.iter().enumerate() {
        let Node::Func(Func::Sinh, u) = g.node(f).clone() else {
            continue;
        };
        let c = g.func(Func::Cosh, u);
        let m1 = g.int(-1);
        let inv = g.pow(c, m1);
        if let Some(j) = fs.iter().position(|&h| h == inv) {
            let mut out: Vec<ExprId> = fs
                .iter()
                .enumerate()
                .filter(|&(n, _)| n != i && n != j)
                .map(|(_, &x)| x)
                .collect();
            out.push(g.func(Func::Tanh, u));
            return g.mul(out);
        }
    }
    id
}
