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
pub use deriv::{
    mish_deriv, mish_deriv2, silu_deriv, silu_deriv2_dd, silu_deriv_dd, softsign_deriv,
    softsign_deriv2,
};
pub use exp_log::{exp, exp_dd, expm1, log, log1p};
pub use normal::{erf, erfc, norm_cdf, norm_pdf};
pub use scaled::{
    expm1_dd, log_sigmoid_dd, scaled_arg, sech2_dd, sigmoid_dd, sigmoid_deriv_dd, sigmoid_pair,
    sigmoid_pair1, softplus_dd, tanh_dd,
};

/// `max(a, b)`, NaN if either is NaN (an undefined operand makes `max` undefined).
#[inline(always)]
pub fn max(a: f64, b: f64) -> f64 {
    if a >= b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `min(a, b)`, NaN if either is NaN.
#[inline(always)]
pub fn min(a: f64, b: f64) -> f64 {
    if a <= b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `sign(x)`: -1, 0 or 1; NaN for NaN.
#[inline(always)]
pub fn sign(x: f64) -> f64 {
    let s = if x > 0.0 { 1.0 } else { 0.0 };
    let s = if x < 0.0 { -1.0 } else { s };
    if x.is_nan() {
        x
    } else {
        s
    }
}

/// `a / b`, NaN (undefined) when `b` is 0.
#[inline(always)]
pub fn div(a: f64, b: f64) -> f64 {
    let q = a / b;
    if b == 0.0 {
        f64::NAN
    } else {
        q
    }
}

/// `sqrt(x)`, NaN for `x < 0`.
#[inline(always)]
pub fn sqrt(x: f64) -> f64 {
    // IEEE sqrt already gives NaN below 0; -0 is 0 here.
    x.sqrt() + 0.0
}

/// `x^p` for a constant non-integer `p`: defined for `x > 0`, and for `x = 0` when
/// `p > 0`. Uses the platform's `powf` (not vectorised; rare in activations).
#[must_use]
pub fn pow_const(x: f64, p: f64) -> f64 {
    if x > 0.0 {
        x.powf(p)
    } else if x == 0.0 && p > 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

/// `x^y` for a variable exponent: defined for `x > 0`, and for `x = 0` when `y > 0`
/// (a real power of a negative base is undefined, as on the symbolic side).
#[must_use]
pub fn pow_var(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        y
    } else {
        pow_const(x, y)
    }
}

/// The truth value of a comparison as a lane: 1 or 0, NaN if an operand is NaN.
#[inline(always)]
pub fn truth(holds: bool, a: f64, b: f64) -> f64 {
    let v = if holds { 1.0 } else { 0.0 };
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        v
    }
}

/// `if(c, a, b)` per lane: `a` where `c` is true (non-zero), `b` where false, NaN
/// where the condition itself is undefined. The branch not taken may be NaN.
#[inline(always)]
pub fn select(c: f64, a: f64, b: f64) -> f64 {
    let v = if c != 0.0 { a } else { b };
    if c.is_nan() {
        c
    } else {
        v
    }
}
