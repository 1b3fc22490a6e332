//! Fused forms of sums that cancel catastrophically, recognised in the graph so that
//! the enclosure stays tight where the plain sum loses every bit:
//!
//! - `c + c*erf(u) = c*erfc(-u)` and `c - c*erf(u) = c*erfc(u)` (Phi, gelu at -800);
//! - `c + c*tanh(u) = 2c/(1 + exp(-2u))` and `c - c*tanh(u) = 2c/(1 + exp(2u))`;
//! - `k*exp(u) - k = k*expm1(u)` (elu near 0);
//! - `log(1 + t) = log1p(t)` (softplus at -1e6).
//!
//! The walk computes the plain value as well and keeps the intersection of the two
//! enclosures (both hold the true value), so a fused form can only make an enclosure
//! tighter, never change what is defined.

use num_traits::One;

use super::error::EvalError;
use super::interval::{Arith, Interval};
use crate::expr::{BigRational, ExprId, Func, Graph, Node};

/// A recognised fused form of a node.
#[derive(Clone, Debug)]
pub(crate) enum Fusion {
    /// `scale * erfc(±u)`: `negate` says the argument is `-u`.
    Erfc {
        scale: BigRational,
        negate: bool,
        u: ExprId,
    },
    /// `scale * 2/(1 + exp(∓2u))`: `plus` for `c + c*tanh(u)`.
    OneTanh {
        scale: BigRational,
        plus: bool,
        u: ExprId,
    },
    /// `scale * expm1(u)`.
    Expm1 { scale: BigRational, u: ExprId },
    /// `log1p(t)`.
    Log1p { t: ExprId },
    /// A fused pair inside a longer sum, plus the sum's other terms (children of
    /// the node, computed before it).
    Rest {
        pair: Box<Fusion>,
        rest: Vec<ExprId>,
    },
}

impl Fusion {
    /// The extra operand the fused form reads (a grandchild of the node).
    #[must_use]
    pub fn operand(&self) -> ExprId {
        match self {
            Fusion::Erfc { u, .. } | Fusion::OneTanh { u, .. } | Fusion::Expm1 { u, .. } => *u,
            Fusion::Log1p { t } => *t,
            Fusion::Rest { pair, .. } => pair.operand(),
        }
    }
}

/// `k*f(u)` as `(k, f, u)`, with `k = 1` for a bare `f(u)`.
fn scaled_func(g: &Graph, id: ExprId) -> Option<(BigRational, Func, ExprId)> {
    match g.node(id) {
        Node::Func(f, u) => Some((BigRational::one(), *f, *u)),
        Node::Mul(fs) => match fs.as_ref() {
            [k, t] => match (g.node(*k), g.node(*t)) {
                (Node::Num(k), Node::Func(f, u)) => Some((k.clone(), *f, *u)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The fused form of `id`, if it has one.
pub(crate) fn detect(g: &Graph, id: ExprId) -> Option<Fusion> {
    match g.node(id) {
        Node::Func(Func::Log, a) => match g.node(*a) {
            Node::Add(ts) => match ts.as_ref() {
                [one, t] if g.as_num(*one).is_some_and(One::is_one) => {
                    Some(Fusion::Log1p { t: *t })
                }
                _ => None,
            },
            _ => None,
        },
        Node::Add(ts) if ts.len() > 2 => {
            // `c + c*erf(u) + rest` (Phi(x) + x*phi(x), the derivative of gelu): the
            // pair fused, the other terms added to it.
            let c_at = ts.iter().position(|&t| g.as_num(t).is_some())?;
            let c = g.as_num(ts[c_at])?;
            for (i, &term) in ts.iter().enumerate() {
                let Some((k, f, u)) = scaled_func(g, term) else {
                    continue;
                };
                let (same, opposite) = (&k == c, k == -c.clone());
                if matches!(f, Func::Erf | Func::Tanh) && (same || opposite) {
                    let rest = ts
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i && j != c_at)
                        .map(|(_, &t)| t)
                        .collect();
                    return Some(Fusion::Rest {
                        pair: Box::new(if f == Func::Erf {
                            Fusion::Erfc {
                                scale: c.clone(),
                                negate: same,
                                u,
                            }
                        } else {
                            Fusion::OneTanh {
                                scale: c.clone(),
                                plus: same,
                                u,
                            }
                        }),
                        rest,
                    });
                }
            }
            None
        }
        Node::Add(ts) => {
            let [c, term] = ts.as_ref() else {
                return None;
            };
            let c = g.as_num(*c)?;
            let (k, f, u) = scaled_func(g, *term)?;
            let same = &k == c;
            let opposite = k == -c.clone();
            match f {
                Func::Erf if same || opposite => Some(Fusion::Erfc {
                    scale: c.clone(),
                    negate: same,
                    u,
                }),
                Func::Tanh if same || opposite => Some(Fusion::OneTanh {
                    scale: c.clone(),
                    plus: same,
                    u,
                }),
                Func::Exp if opposite => Some(Fusion::Expm1 { scale: k, u }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The enclosure of the fused form, given its operand's enclosure. `None` when the
/// fused form does not apply at this point (`log1p` of `t <= -1`).
pub(crate) fn enclose_fused(
    ar: &mut Arith,
    fusion: &Fusion,
    x: &Interval,
) -> Option<Result<Interval, EvalError>> {
    let scaled = |ar: &mut Arith, scale: &BigRational, iv: Interval| {
        if scale.is_one() {
            return Ok(iv);
        }
        let s = ar.rational(scale)?;
        ar.mul(&s, &iv)
    };
    Some(match fusion {
        Fusion::Erfc {
            scale,
            negate,
            u: _,
        } => {
            let arg = if *negate { x.neg() } else { x.clone() };
            ar.erfc(&arg).and_then(|v| scaled(ar, scale, v))
        }
        Fusion::OneTanh { scale, plus, u: _ } => {
            // 1 ± tanh(u) = 2/(1 + exp(∓2u)).
            let two = ar.integer(2);
            let inner = if *plus { x.neg() } else { x.clone() };
            ar.mul(&two, &inner)
                .and_then(|a| ar.exp(&a))
                .and_then(|e| {
                    let one = ar.integer(1);
                    ar.add(&one, &e)
                })
                .and_then(|d| ar.div(&two, &d))
                .and_then(|v| scaled(ar, scale, v))
        }
        Fusion::Expm1 { scale, u: _ } => ar.exp_m1(x).and_then(|v| scaled(ar, scale, v)),
        Fusion::Log1p { t: _ } => {
            if x.lo <= -1i32 {
                return None;
            }
            ar.ln_1p(x)
        }
        // The other terms are added by the walk, which holds their values.
        Fusion::Rest { pair, .. } => return enclose_fused(ar, pair, x),
    })
}

/// Combines the plain result of a node with its fused enclosure: the intersection
/// when both exist, the fused one where the plain one is merely undecided (a sum that
/// touches 0 under `log`), and the plain one otherwise (certain errors stay).
pub(crate) fn combine(
    plain: Result<Interval, EvalError>,
    fused: Option<Result<Interval, EvalError>>,
) -> Result<Interval, EvalError> {
    match (plain, fused) {
        (Ok(p), Some(Ok(f))) => Ok(p.intersect(&f).unwrap_or(p)),
        (Err(EvalError::Undecided), Some(Ok(f))) => Ok(f),
        (plain, _) => plain,
    }
}
