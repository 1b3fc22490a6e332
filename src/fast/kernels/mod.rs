//! Numerically stable f64 kernels, one lane at a time.
//!
//! Every kernel is an `#[inline(always)]` function of `f64` lanes without branches
//! (only selects), calls or float/int conversions, so that the tape's loops over a
//! chunk of lanes vectorise, and so that the same code compiled inside an
//! `#[target_feature(enable = "avx2,fma")]` function becomes AVX2 code with FMA (see
//! `tape_exec.rs` for the run-time dispatch). Multiply-adds are written
//! `f64::mul_add`, which is exactly rounded on every target: one instruction with
//! FMA, a (slow, but bit-identical) library call on a CPU without it. So every
//! dispatch level gives the same bits.
//!
//! Conventions: a NaN input gives NaN; an undefined point (`log(0)`, `1/0`,
//! `sqrt(-1)`, `0^-1`) gives NaN — NaN means "undefined" inside the fast evaluator
//! only; the command line reports such a point as undefined and never prints NaN.
//! Overflow of a true value beyond f64 gives ±inf; no kernel overflows (or returns NaN)
//! where its true value is a finite f64: `sigmoid(-800)`, `softplus(1e6)`,
//! `phi(40)`, `Phi(-40)` are all computed from `exp` of a non-positive argument.
//!
//! Accuracy (measured against MPFR by `tests/fast_eval.rs`): each kernel is within a
//! few ulp over its whole range; see the table in that test.

mod activation;
mod basic;
mod dd;
mod deriv;
mod exp_log;
mod normal;
mod scaled;
mod tables;

pub use activation::{
    cosh, log_sigmoid, sech2, sech2_softplus, sigmoid, sigmoid_deriv, sinh, softplus, tanh,
    tanh_softplus,
};
pub use basic::{div, max, min, pow_const, pow_var, select, sign, sqrt, truth};
pub use deriv::{
    mish_deriv, mish_deriv2, silu_deriv, silu_deriv2_dd, silu_deriv_dd, softsign_deriv,
    softsign_deriv2,
};
pub use exp_log::{exp, exp_dd, expm1, log, log1p};
pub use normal::{erf, erfc, log_norm_cdf, norm_cdf, norm_pdf};
pub use scaled::{
    expm1_dd, log_sigmoid_dd, scaled_arg, sech2_dd, sigmoid_dd, sigmoid_deriv_dd, sigmoid_pair,
    sigmoid_pair1, softplus_dd, tanh_dd,
};
