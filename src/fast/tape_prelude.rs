//! The compiler's knowledge of the prelude and of constants.
//!
//! [`fused`] lowers a call of a prelude activation function (as long as the user has
//! not redefined it) into the stable fused kernel its row of the table of activations
//! names, reading the row's constants (`leaky_relu`'s 0.01, `selu`'s lambda and
//! alpha) in 256-bit MPFR: `sigmoid`,
//! `softplus`, `log_sigmoid`, `Phi`, `phi` are single kernels; `gelu_tanh(x)` uses
//! `x*(1 + tanh(v))/2 = x*sigmoid(2v)`; `elu`, `selu`, `celu` use `expm1`; the
//! piecewise-linear functions are exact `max`/`min`/`if`. Each lowering is the
//! prelude's definition up to an exact identity; `tests/fast_eval.rs` checks them
//! against the prelude's text evaluated in MPFR.
//!
//! Constants: [`rational_f64`] rounds an exact rational to the nearest f64, and
//! [`const_value`] evaluates a constant subtree (`sqrt(2/pi)`) in 256-bit MPFR so
//! that it is rounded once.

use std::collections::HashMap;

use num_traits::{Signed, ToPrimitive, Zero};
use rug::float::{Constant, Round};
use rug::ops::Pow;
use rug::{Float, Integer, Rational};

use super::error::CompileError;
use super::ops::UnaryOp;
use super::tape_ir::{Ir, IrId};
use crate::activations::{self, Activation, Kernel};
use crate::expr::convert::to_rug_rational;
use crate::expr::{BigRational, CmpOp, ExprId, Func, Graph, Node};

/// The precision of constant folding, in bits.
pub(crate) const PREC: u32 = 256;

/// A decimal literal (digits with one '.') as an exact rational.
fn decimal(s: &str) -> Rational {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = Integer::from_str_radix(&format!("{int}{frac}"), 10).unwrap_or_default();
    let scale = Integer::from(10).pow(frac.len() as u32);
    Rational::from((digits, scale))
}

/// The f64 nearest to `r`.
#[must_use]
pub(crate) fn rational_f64(r: &BigRational) -> f64 {
    Float::with_val(53, to_rug_rational(r)).to_f64()
}

/// `1/r` when `r` is not an f64 but `1/r` is (so `x*r` is better computed as
/// `x/(1/r)`, with one rounding).
#[must_use]
pub(crate) fn exact_reciprocal(r: &BigRational) -> Option<f64> {
    if r.is_zero() {
        return None;
    }
    let q = to_rug_rational(r);
    let (_, dir) = Float::with_val_round(53, &q, Round::Nearest);
    if dir == std::cmp::Ordering::Equal {
        return None;
    }
    let (inv, dir) = Float::with_val_round(53, q.recip(), Round::Nearest);
    (dir == std::cmp::Ordering::Equal).then(|| inv.to_f64())
}

/// The value of `id` in 256-bit MPFR when it is a constant built from numbers, pi,
/// arithmetic, powers with rational exponents and built-in functions; NaN where such
/// a constant is undefined (`log(-1)`). `consts` holds the values of its children.
#[must_use]
pub(crate) fn const_value(g: &Graph, id: ExprId, consts: &HashMap<ExprId, Float>) -> Option<Float> {
    let nan = || Float::with_val(PREC, f64::NAN);
    let get = |c: &ExprId| consts.get(c);
    Some(match g.node(id) {
        Node::Num(r) => Float::with_val(PREC, to_rug_rational(r)),
        Node::Pi => Float::with_val(PREC, Constant::Pi),
        Node::Add(ts) => {
            let mut s = Float::with_val(PREC, 0);
            for t in ts.iter() {
                s += get(t)?;
            }
            s
        }
        Node::Mul(fs) => {
            let mut p = Float::with_val(PREC, 1);
            for f in fs.iter() {
                p *= get(f)?;
            }
            p
        }
        Node::Pow(b, e) => {
            let base = get(b)?.clone();
            let r = g.as_num(*e)?;
            if r.is_integer() {
                let n = r.to_integer().to_i32()?;
                if base.is_zero() && n < 0 {
                    nan()
                } else {
                    base.pow(n)
                }
            } else if base.is_sign_negative() && !base.is_zero() {
                nan()
            } else if base.is_zero() {
                if r.is_positive() {
                    Float::with_val(PREC, 0)
                } else {
                    nan()
                }
            } else {
                base.pow(Float::with_val(PREC, to_rug_rational(r)))
            }
        }
        Node::Func(f, a) => {
            let a = get(a)?.clone();
            match f {
                Func::Exp => a.exp(),
                Func::Log if a.is_sign_positive() && !a.is_zero() => a.ln(),
                Func::Log => nan(),
                Func::Abs => a.abs(),
                Func::Sign => a.signum(),
                Func::Tanh => a.tanh(),
                Func::Sinh => a.sinh(),
                Func::Cosh => a.cosh(),
                Func::Erf => a.erf(),
            }
        }
        Node::Max(a, b) | Node::Min(a, b) => {
            let (x, y) = (get(a)?, get(b)?);
            if x.is_nan() || y.is_nan() {
                nan()
            } else if (x >= y) == matches!(g.node(id), Node::Max(..)) {
                x.clone()
            } else {
                y.clone()
            }
        }
        _ => return None,
    })
}

/// An operand a kernel reads: an argument of the call or a constant of the row.
enum Operand {
    Arg(IrId),
    Const(Rational),
}

/// The operand `name` of a call of `row`: the argument of that name, else the row's
/// constant of that name.
fn operand(row: &Activation, args: &[IrId], name: &str) -> Option<Operand> {
    if let Some(i) = row.param(name) {
        return args.get(i).copied().map(Operand::Arg);
    }
    row.constant(name).map(|v| Operand::Const(decimal(v)))
}

/// An operand as a node of the intermediate form (a constant rounded once).
fn node(ir: &mut Ir, op: Operand) -> IrId {
    match op {
        Operand::Arg(a) => a,
        Operand::Const(c) => ir.constant(Float::with_val(53, c).to_f64()),
    }
}

/// Lowers a call of the prelude function `name` into its kernel (the table of
/// activations names it), or `None` if it has none: then it is inlined.
pub(crate) fn fused(ir: &mut Ir, name: &str, args: &[IrId]) -> Option<Result<IrId, CompileError>> {
    let row = activations::find(name)?;
    let kernel = row.kernel?;
    let expected = row.arity();
    let (Some(&x), true) = (args.first(), args.len() == expected) else {
        return Some(Err(CompileError::Arity {
            name: name.to_owned(),
            expected,
            found: args.len(),
        }));
    };
    let zero = ir.constant(0.0);
    let relu = |ir: &mut Ir, u: IrId| {
        let z = ir.constant(0.0);
        ir.max(u, z)
    };
    let relu6 = |ir: &mut Ir, u: IrId| {
        let r = relu(ir, u);
        let six = ir.constant(6.0);
        ir.min(r, six)
    };
    Some(Ok(match kernel {
        Kernel::Relu => relu(ir, x),
        Kernel::Prelu => {
            let alpha = operand(row, args, "alpha")?;
            let alpha = node(ir, alpha);
            let pos = ir.max(x, zero);
            let neg = ir.min(x, zero);
            let scaled = ir.mul(alpha, neg);
            ir.lin(0.0, vec![(1.0, pos), (1.0, scaled)])
        }
        Kernel::Relu6 => relu6(ir, x),
        Kernel::Sigmoid => ir.unary(UnaryOp::Sigmoid, x),
        Kernel::LogSigmoid => ir.unary(UnaryOp::LogSigmoid, x),
        Kernel::Softplus => ir.unary(UnaryOp::Softplus, x),
        Kernel::HardSigmoid => {
            // x/6 + 1/2 = (x + 3)/6: exact at the kink x = -3.
            let shifted = ir.lin(3.0, vec![(1.0, x)]);
            let six = ir.constant(6.0);
            let v = ir.div(shifted, six);
            let one = ir.constant(1.0);
            let m = ir.min(one, v);
            ir.max(zero, m)
        }
        Kernel::Swish => {
            // beta*x is x itself for silu's constant beta = 1.
            let beta = operand(row, args, "beta")?;
            let beta = node(ir, beta);
            let bx = ir.mul(beta, x);
            let s = ir.unary(UnaryOp::Sigmoid, bx);
            ir.mul(x, s)
        }
        Kernel::HardSwish => {
            let shifted = ir.lin(3.0, vec![(1.0, x)]);
            let r = relu6(ir, shifted);
            let prod = ir.mul(x, r);
            let six = ir.constant(6.0);
            ir.div(prod, six)
        }
        Kernel::NormCdf => ir.unary(UnaryOp::NormCdf, x),
        Kernel::NormPdf => ir.unary(UnaryOp::NormPdf, x),
        Kernel::Gelu => {
            let c = ir.unary(UnaryOp::NormCdf, x);
            ir.mul(x, c)
        }
        Kernel::GeluTanh => {
            // x (1 + tanh(v))/2 = x sigmoid(2v), v = sqrt(2/pi) (x + c x^3).
            let Operand::Const(c) = operand(row, args, "c")? else {
                return None;
            };
            let two_c = (Float::with_val(PREC, 8) / Float::with_val(PREC, Constant::Pi)).sqrt();
            let k = Float::with_val(53, c).to_f64();
            let cube = ir.powi(x, 3);
            let inner = ir.lin(0.0, vec![(1.0, x), (k, cube)]);
            let arg = ir.scale(two_c.to_f64(), inner);
            let s = ir.unary(UnaryOp::Sigmoid, arg);
            ir.mul(x, s)
        }
        Kernel::Elu => {
            // lambda*alpha is one constant, rounded once, when both are constants.
            let alpha = operand(row, args, "alpha")?;
            let (lambda, alpha) = match (operand(row, args, "lambda"), alpha) {
                (None, alpha) => (1.0, node(ir, alpha)),
                (Some(Operand::Const(l)), Operand::Const(a)) => {
                    let la = Float::with_val(53, Rational::from(&l * &a)).to_f64();
                    (Float::with_val(53, l).to_f64(), ir.constant(la))
                }
                (Some(Operand::Const(l)), Operand::Arg(a)) => {
                    let l = Float::with_val(53, l).to_f64();
                    (l, ir.scale(l, a))
                }
                (Some(Operand::Arg(_)), _) => return None,
            };
            let pos = ir.scale(lambda, x);
            let em = ir.unary(UnaryOp::Expm1, x);
            let neg = ir.mul(alpha, em);
            let cond = ir.cmp(CmpOp::Gt, x, zero);
            ir.select(cond, pos, neg)
        }
        Kernel::Celu => {
            let alpha = operand(row, args, "alpha")?;
            let p = node(ir, alpha);
            let xa = ir.div(x, p);
            let em = ir.unary(UnaryOp::Expm1, xa);
            let neg = ir.mul(p, em);
            let lo = ir.min(zero, neg);
            let hi = ir.max(zero, x);
            ir.lin(0.0, vec![(1.0, hi), (1.0, lo)])
        }
        Kernel::Mish => {
            let sp = ir.unary(UnaryOp::Softplus, x);
            let t = ir.unary(UnaryOp::Tanh, sp);
            ir.mul(x, t)
        }
        Kernel::Softsign => {
            let a = ir.unary(UnaryOp::Abs, x);
            let d = ir.lin(1.0, vec![(1.0, a)]);
            ir.div(x, d)
        }
        Kernel::Heaviside => {
            let cond = ir.cmp(CmpOp::Gt, x, zero);
            let one = ir.constant(1.0);
            ir.select(cond, one, zero)
        }
        Kernel::HardTanh => {
            let one = ir.constant(1.0);
            let m1 = ir.constant(-1.0);
            let m = ir.min(one, x);
            ir.max(m1, m)
        }
    }))
}
