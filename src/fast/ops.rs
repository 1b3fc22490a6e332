//! The one scalar meaning of each operation of the fast evaluator.
//!
//! The compiler folds an operation whose operands are constants (`Ir`'s constructors
//! in `tape_ir.rs`), and the executor runs the same operation over lanes
//! (`tape_exec.rs`). Both call the functions here, so a folded constant has the bits
//! the tape would compute at that point: `x^3` is one compensated product either way,
//! `sigmoid(-800)` one kernel call. The executor only adds the loop around them (and
//! matches on the operation outside the loop, so that each operation's function is
//! inlined into its own vectorised loop); `tests.rs` checks, operation by operation,
//! that folding and execution agree bit for bit.
//!
//! NaN is the fast evaluator's marker for "undefined": each function gives NaN exactly
//! where its operation is undefined or an operand is NaN.

use super::kernels;
pub use super::kernels::{div, max, min, pow_const, pow_var, select, sqrt};
use crate::expr::CmpOp;

/// Declares [`UnaryOp`] from one list of kernels and their listing names, so that
/// [`UnaryOp::ALL`] and [`UnaryOp::name`] cannot miss one.
macro_rules! unary_ops {
    ($($(#[$doc:meta])* $v:ident => $name:literal,)*) => {
        /// The fused one-argument kernels of the tape.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum UnaryOp {
            $($(#[$doc])* $v,)*
        }

        impl UnaryOp {
            /// Every kernel, in declaration order.
            pub const ALL: &'static [UnaryOp] = &[$(UnaryOp::$v,)*];

            /// The name printed in the tape listing.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self {
                    $(UnaryOp::$v => $name,)*
                }
            }
        }
    };
}

unary_ops! {
    /// `exp(u)`
    Exp => "exp",
    /// `exp(u) - 1`
    Expm1 => "expm1",
    /// `log(u)`, NaN for `u <= 0`
    Log => "log",
    /// `log(1 + u)`, NaN for `u <= -1`: for `log(1 + u)`, exact where `1 + u` rounds to 1
    Log1p => "log1p",
    /// `abs(u)`
    Abs => "abs",
    /// `sign(u)`
    Sign => "sign",
    /// `tanh(u)`
    Tanh => "tanh",
    /// `sinh(u)`
    Sinh => "sinh",
    /// `cosh(u)`
    Cosh => "cosh",
    /// `erf(u)`
    Erf => "erf",
    /// `erfc(u) = 1 - erf(u)`, for `1 - erf(u)` and `1 + erf(u) = erfc(-u)`
    Erfc => "erfc",
    /// `sigmoid(u) = 1/(1 + exp(-u))`
    Sigmoid => "sigmoid",
    /// `sigmoid(u)*(1 - sigmoid(u))`, the sigmoid's derivative
    SigmoidDeriv => "sigmoid_deriv",
    /// `softplus(u) = log(1 + exp(u))`
    Softplus => "softplus",
    /// `log_sigmoid(u) = -softplus(-u)`
    LogSigmoid => "log_sigmoid",
    /// `1 - tanh(u)^2`
    Sech2 => "sech2",
    /// `tanh(softplus(u))`, the gate of `mish`
    TanhSoftplus => "tanh_softplus",
    /// `1 - tanh(softplus(u))^2`
    Sech2Softplus => "sech2_softplus",
    /// `Phi(u)`, the standard normal distribution function
    NormCdf => "Phi",
    /// `log(Phi(u))`, finite where `Phi(u)` underflows
    LogNormCdf => "log_Phi",
    /// `phi(u)`, the standard normal density
    NormPdf => "phi",
    /// `silu'(u) = sigmoid(u) + u*sigmoid'(u)`; `swish(x, b)` differentiates to `silu'(b*x)`
    SiluDeriv => "silu_deriv",
    /// `silu''(u)`
    SiluDeriv2 => "silu_deriv2",
    /// `mish'(u)`
    MishDeriv => "mish_deriv",
    /// `mish''(u)`
    MishDeriv2 => "mish_deriv2",
    /// `softsign'(u) = 1/(1 + |u|)^2`
    SoftsignDeriv => "softsign_deriv",
    /// `softsign''(u) = -2 sign(u)/(1 + |u|)^3`
    SoftsignDeriv2 => "softsign_deriv2",
}

/// Evaluates `$body` with `$k` bound to the kernel `$op`, in one match arm per kernel
/// where `$k` is a constant: a lane loop in `$body` then inlines [`UnaryOp::apply`] for
/// that kernel alone, with the match outside the loop. The match is exhaustive, so
/// a new kernel is a compile error here until it is listed.
macro_rules! with_unary {
    ($op:expr, |$k:ident| $body:expr) => {
        with_unary!(@arms $op, $k, $body, [
            Exp, Expm1, Log, Log1p, Abs, Sign, Tanh, Sinh, Cosh, Erf, Erfc, Sigmoid,
            SigmoidDeriv, Softplus, LogSigmoid, Sech2, TanhSoftplus, Sech2Softplus, NormCdf, LogNormCdf,
            NormPdf,
            SiluDeriv, SiluDeriv2, MishDeriv, MishDeriv2, SoftsignDeriv, SoftsignDeriv2,
        ])
    };
    (@arms $op:expr, $k:ident, $body:expr, [$($v:ident),* $(,)?]) => {
        match $op {
            $(UnaryOp::$v => {
                let $k = UnaryOp::$v;
                $body
            })*
        }
    };
}
pub(crate) use with_unary;

/// [`with_unary`] for the kernels with a double-double form
/// ([`UnaryOp::apply_dd`] differs from [`UnaryOp::apply`] of the rounded argument);
/// `$other` for the rest. This list defines [`UnaryOp::takes_scaled`].
macro_rules! with_scaled {
    ($op:expr, |$k:ident| $body:expr, $other:expr) => {
        with_scaled!(@arms $op, $k, $body, $other, [
            Exp, Expm1, Sigmoid, SigmoidDeriv, Softplus, LogSigmoid, Tanh, Sech2, SiluDeriv,
            SiluDeriv2,
        ])
    };
    (@arms $op:expr, $k:ident, $body:expr, $other:expr, [$($v:ident),* $(,)?]) => {
        match $op {
            $(UnaryOp::$v => {
                let $k = UnaryOp::$v;
                $body
            })*
            _ => $other,
        }
    };
}
pub(crate) use with_scaled;

impl UnaryOp {
    /// Whether the kernel has a form taking its argument as a double-double, used for
    /// `op(c*x)` and `op(x/c)` with an inexact constant `c` (the tape's
    /// `UnaryScaled` instruction): the kernels listed in `with_scaled`.
    #[inline(always)]
    #[must_use]
    pub fn takes_scaled(self) -> bool {
        with_scaled!(self, |_k| true, false)
    }

    /// Applies the kernel to the double-double argument `hi + lo` (kernels without a
    /// double-double form use `hi`).
    #[inline(always)]
    #[must_use]
    pub fn apply_dd(self, hi: f64, lo: f64) -> f64 {
        match self {
            UnaryOp::Exp => kernels::exp_dd(hi, lo),
            UnaryOp::Expm1 => kernels::expm1_dd(hi, lo),
            UnaryOp::Sigmoid => kernels::sigmoid_dd(hi, lo),
            UnaryOp::SigmoidDeriv => kernels::sigmoid_deriv_dd(hi, lo),
            UnaryOp::Softplus => kernels::softplus_dd(hi, lo),
            UnaryOp::LogSigmoid => kernels::log_sigmoid_dd(hi, lo),
            UnaryOp::Tanh => kernels::tanh_dd(hi, lo),
            UnaryOp::Sech2 => kernels::sech2_dd(hi, lo),
            UnaryOp::SiluDeriv => kernels::silu_deriv_dd(hi, lo),
            UnaryOp::SiluDeriv2 => kernels::silu_deriv2_dd(hi, lo),
            _ => self.apply(hi),
        }
    }

    /// Applies the kernel to one value.
    #[inline(always)]
    #[must_use]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            UnaryOp::Exp => kernels::exp(x),
            UnaryOp::Expm1 => kernels::expm1(x),
            UnaryOp::Log => kernels::log(x),
            UnaryOp::Log1p => kernels::log1p(x),
            UnaryOp::Abs => x.abs(),
            UnaryOp::Sign => kernels::sign(x),
            UnaryOp::Tanh => kernels::tanh(x),
            UnaryOp::Sinh => kernels::sinh(x),
            UnaryOp::Cosh => kernels::cosh(x),
            UnaryOp::Erf => kernels::erf(x),
            UnaryOp::Erfc => kernels::erfc(x),
            UnaryOp::Sigmoid => kernels::sigmoid(x),
            UnaryOp::SigmoidDeriv => kernels::sigmoid_deriv(x),
            UnaryOp::Softplus => kernels::softplus(x),
            UnaryOp::LogSigmoid => kernels::log_sigmoid(x),
            UnaryOp::Sech2 => kernels::sech2(x),
            UnaryOp::TanhSoftplus => kernels::tanh_softplus(x),
            UnaryOp::Sech2Softplus => kernels::sech2_softplus(x),
            UnaryOp::NormCdf => kernels::norm_cdf(x),
            UnaryOp::LogNormCdf => kernels::log_norm_cdf(x),
            UnaryOp::NormPdf => kernels::norm_pdf(x),
            UnaryOp::SiluDeriv => kernels::silu_deriv(x),
            UnaryOp::SiluDeriv2 => kernels::silu_deriv2_dd(x, 0.0),
            UnaryOp::MishDeriv => kernels::mish_deriv(x),
            UnaryOp::MishDeriv2 => kernels::mish_deriv2(x),
            UnaryOp::SoftsignDeriv => kernels::softsign_deriv(x),
            UnaryOp::SoftsignDeriv2 => kernels::softsign_deriv2(x),
        }
    }
}

/// `a * b`.
#[inline(always)]
#[must_use]
pub fn mul(a: f64, b: f64) -> f64 {
    a * b
}

/// The first step of `k + c_1*x_1 + c_2*x_2 + ...`: `c*x` itself when `k = 0` (so a
/// zero product keeps its sign), else `k + c*x`.
#[inline(always)]
#[must_use]
pub fn lin_first(k: f64, c: f64, x: f64) -> f64 {
    if k == 0.0 {
        c * x
    } else {
        k + c * x
    }
}

/// Each further step of a linear combination: `acc + c*x`.
#[inline(always)]
#[must_use]
pub fn lin_next(acc: f64, c: f64, x: f64) -> f64 {
    acc + c * x
}

/// `k + c_1*x_1 + c_2*x_2 + ...`, summed left to right ([`lin_first`], then
/// [`lin_next`]); `k` alone without terms.
#[must_use]
pub fn lin(k: f64, terms: &[(f64, f64)]) -> f64 {
    let Some((&(c0, x0), rest)) = terms.split_first() else {
        return k;
    };
    rest.iter()
        .fold(lin_first(k, c0, x0), |acc, &(c, x)| lin_next(acc, c, x))
}

/// `x^n` for an integer `n`; NaN where undefined (`0^n` for `n < 0`; NaN `x`). The
/// squares and reciprocals are one operation; `x^3` and `x^4` have the roundings of
/// their partial products corrected (about one rounding in all); other exponents
/// use repeated squaring.
#[inline(always)]
#[must_use]
pub fn powi(x: f64, n: i32) -> f64 {
    match n {
        2 => x * x,
        3 => {
            let s = x * x;
            let c = s * x;
            let r = c + (s.mul_add(x, -c) + x.mul_add(x, -s) * x);
            if c.is_finite() {
                r
            } else {
                c
            }
        }
        4 => {
            let s = x * x;
            let q = s * s;
            let r = q + (s.mul_add(s, -q) + 2.0 * s * x.mul_add(x, -s));
            if q.is_finite() {
                r
            } else {
                q
            }
        }
        -1 => div(1.0, x),
        -2 => div(1.0, x * x),
        n => powi_squaring(x, n),
    }
}

/// `x^n` by repeated squaring (see [`powi`]).
#[inline(always)]
fn powi_squaring(x: f64, n: i32) -> f64 {
    let mut acc = 1.0;
    let mut base = x;
    let mut m = n.unsigned_abs();
    while m > 0 {
        if m & 1 == 1 {
            acc *= base;
        }
        base *= base;
        m >>= 1;
    }
    let v = if n < 0 { div(1.0, acc) } else { acc };
    if x.is_nan() {
        x
    } else {
        v
    }
}

/// A comparison as a lane value: 1 or 0, NaN for an undefined operand.
#[inline(always)]
#[must_use]
pub fn compare(op: CmpOp, a: f64, b: f64) -> f64 {
    let holds = match op {
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
        CmpOp::Ne => a != b,
    };
    kernels::truth(holds, a, b)
}
