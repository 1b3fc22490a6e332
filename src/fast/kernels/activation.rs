//! Lane kernels for the logistic family and the hyperbolic functions, written so that
//! no intermediate overflows where the true value is finite: every exponential is
//! taken of `-|x|` (or of an argument whose overflow gives the right limit).

use super::exp_log::{exp_dd, exp_neg_abs1, exp_nonpos, horner, log1p, LN2_HI, LN2_LO};
use super::tables::TANH_CENTRAL;

/// `sigmoid(x) = 1/(1 + exp(-x))`.
#[inline(always)]
pub fn sigmoid(x: f64) -> f64 {
    // One division: 1/(1 + e) for x >= 0, e/(1 + e) below (and for NaN, where e is NaN).
    sigmoid_of(x, exp_neg_abs1(x))
}

/// `sigmoid(x) * (1 - sigmoid(x)) = e/(1 + e)^2` with `e = exp(-|x|)`: the derivative
/// of the sigmoid, without the cancellation of `1 - sigmoid(x)` for large `x`.
#[inline(always)]
pub fn sigmoid_deriv(x: f64) -> f64 {
    sigmoid_deriv_of(exp_neg_abs1(x))
}

/// `sigmoid(u)` from the sign of `u` and `e = exp(-|u|)`.
#[inline(always)]
pub(super) fn sigmoid_of(u: f64, e: f64) -> f64 {
    let n = if u >= 0.0 { 1.0 } else { e };
    n / (1.0 + e)
}

/// `sigmoid'(u)` from `e = exp(-|u|)`.
#[inline(always)]
pub(super) fn sigmoid_deriv_of(e: f64) -> f64 {
    let d = 1.0 + e;
    e / (d * d)
}

/// `softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|))`.
#[inline(always)]
pub fn softplus(x: f64) -> f64 {
    let l = log1p(exp_neg_abs1(x));
    let m = if x > 0.0 { x } else { 0.0 };
    // NaN: l is NaN.
    m + l
}

/// `log_sigmoid(x) = -softplus(-x)`.
#[inline(always)]
pub fn log_sigmoid(x: f64) -> f64 {
    -softplus(-x)
}

/// `tanh(x)`: a polynomial in `x^2` for `|x| <= 1`, else `sign(x) (1 - 2e/(1 + e))`
/// with `e = exp(-2|x|) <= exp(-2)`: the quotient is at most 0.24, so its roundings
/// reach the result scaled down (`(1 - e)/(1 + e)` measured 4 ulp worse in
/// `gelu_tanh''`); for large `|x|`, `e` underflows and the result is 1.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    let small = x * horner(&TANH_CENTRAL, 2.0 * (x * x) - 1.0);
    let e = exp_nonpos(-2.0 * a);
    // The sign by a bit copy, not a select (NaN stays NaN through e).
    let big = (1.0 - 2.0 * e / (1.0 + e)).copysign(x);
    if a <= 1.0 {
        small
    } else {
        big
    }
}

/// `1 - tanh(x)^2 = 4e/(1 + e)^2` with `e = exp(-2|x|)`.
#[inline(always)]
pub fn sech2(x: f64) -> f64 {
    let e = exp_nonpos(-2.0 * x.abs());
    let d = 1.0 + e;
    4.0 * e / (d * d)
}

/// `exp(|x|)/2`, finite up to `|x|` = 710.47 (where `exp(|x|)` alone overflows earlier).
#[inline(always)]
fn half_exp_abs(x: f64) -> f64 {
    exp_dd(x.abs() - LN2_HI, -LN2_LO)
}

/// `sinh(x)`: a Taylor polynomial for `|x| < 1`, else `exp(|x|)/2 - exp(-|x|)/2`.
#[inline(always)]
pub fn sinh(x: f64) -> f64 {
    // 1/(2n + 1)! for n = 1..=9, the series of sinh(x)/x - 1 in x^2.
    const C: [f64; 9] = [
        1.0 / 6.0,
        1.0 / 120.0,
        1.0 / 5040.0,
        1.0 / 362_880.0,
        1.0 / 39_916_800.0,
        1.0 / 6_227_020_800.0,
        1.0 / 1_307_674_368_000.0,
        1.0 / 355_687_428_096_000.0,
        1.0 / 121_645_100_408_832_000.0,
    ];
    let s = x * x;
    let small = x + x * (s * horner(&C, s));
    let h = half_exp_abs(x);
    let big = h - 0.25 / h;
    let big = if x < 0.0 { -big } else { big };
    if x.abs() < 1.0 {
        small
    } else {
        big
    }
}

/// `cosh(x) = exp(|x|)/2 + exp(-|x|)/2`.
#[inline(always)]
pub fn cosh(x: f64) -> f64 {
    let h = half_exp_abs(x);
    h + 0.25 / h
}

/// `tanh(softplus(x))`, the gate of `mish`: with `w = exp(x)`, it is
/// `w(w + 2)/(w(w + 2) + 2)`, rewritten with `e = exp(-x)` for `x > 0` as
/// `(1 + 2e)/(1 + 2e + 2e^2)`; no cancellation and no overflow.
#[inline(always)]
pub fn tanh_softplus(x: f64) -> f64 {
    let e = exp_neg_abs1(x);
    let p = e * (e + 2.0);
    let neg = p / (p + 2.0);
    let q = 1.0 + 2.0 * e;
    let pos = q / (q + 2.0 * (e * e));
    if x > 0.0 {
        pos
    } else {
        neg
    }
}

/// `1 - tanh(softplus(x))^2 = 4(w + 1)^2/(w^2 + 2w + 2)^2` with `w = exp(x)`; for
/// `x > 0` the same with `e = exp(-x)`: `4(1 + e)^2 exp(-2x)/(1 + 2e + 2e^2)^2`.
#[inline(always)]
pub fn sech2_softplus(x: f64) -> f64 {
    let e = exp_neg_abs1(x);
    let d_neg = e * (e + 2.0) + 2.0;
    let neg = 4.0 * ((e + 1.0) * (e + 1.0)) / (d_neg * d_neg);
    let e2 = exp_nonpos(-2.0 * x.abs());
    let d_pos = 1.0 + 2.0 * e + 2.0 * (e * e);
    let pos = 4.0 * ((1.0 + e) * (1.0 + e)) * e2 / (d_pos * d_pos);
    if x > 0.0 {
        pos
    } else {
        neg
    }
}
