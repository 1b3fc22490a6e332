//! Kernels of a scaled argument `f(c*x)` or `f(x/c)` for a constant `c` whose product
//! (or quotient) with `x` is not exact.
//!
//! `sigmoid(1.5*x)` at `x = -432` loses `|1.5 x| * 2^-53` relative accuracy if `1.5*x`
//! is rounded first: the exponential magnifies the argument's absolute error. Here
//! the argument is formed exactly as a double-double `hi + lo` (Dekker's product, no
//! FMA needed) and the kernel consumes both parts.

use super::activation::{sech2, tanh};
use super::exp_log::{exp_dd, expm1, log1p};

/// Splits `a` into two halves of 26 bits (Dekker).
#[inline(always)]
fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `a*b` as `p + e` exactly (when no overflow occurs).
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// `c*x` (or `x/c` when `divide`) as `hi + lo`. Where the splitting would overflow
/// (`|x|` near the top of the range) the low part is dropped.
#[inline(always)]
pub fn scaled_arg(x: f64, c: f64, divide: bool) -> (f64, f64) {
    let (hi, lo) = if divide {
        let q = x / c;
        let (p, e) = two_prod(q, c);
        (q, ((x - p) - e) / c)
    } else {
        two_prod(c, x)
    };
    let lo = if lo.is_finite() { lo } else { 0.0 };
    (hi, lo)
}

/// `exp(-|u|)` for `u = hi + lo`.
#[inline(always)]
fn exp_neg_abs(hi: f64, lo: f64) -> f64 {
    let lo = if hi >= 0.0 { -lo } else { lo };
    exp_dd(-hi.abs(), lo)
}

/// `sigmoid(hi + lo)`.
#[inline(always)]
pub fn sigmoid_dd(hi: f64, lo: f64) -> f64 {
    let e = exp_neg_abs(hi, lo);
    let d = 1.0 + e;
    if hi >= 0.0 {
        1.0 / d
    } else {
        e / d
    }
}

/// `sigmoid'(hi + lo)`.
#[inline(always)]
pub fn sigmoid_deriv_dd(hi: f64, lo: f64) -> f64 {
    let e = exp_neg_abs(hi, lo);
    let d = 1.0 + e;
    e / (d * d)
}

/// `softplus(hi + lo)`.
#[inline(always)]
pub fn softplus_dd(hi: f64, lo: f64) -> f64 {
    let l = log1p(exp_neg_abs(hi, lo));
    let (m, mlo) = if hi > 0.0 { (hi, lo) } else { (0.0, 0.0) };
    m + (mlo + l)
}

/// `log_sigmoid(hi + lo) = -softplus(-hi - lo)`.
#[inline(always)]
pub fn log_sigmoid_dd(hi: f64, lo: f64) -> f64 {
    -softplus_dd(-hi, -lo)
}

/// `expm1(hi + lo)`, to first order in `lo`.
#[inline(always)]
pub fn expm1_dd(hi: f64, lo: f64) -> f64 {
    let m = expm1(hi);
    let corrected = m + (1.0 + m) * lo;
    if m.is_finite() {
        corrected
    } else {
        m
    }
}

/// `tanh(hi + lo)`, to first order in `lo`.
#[inline(always)]
pub fn tanh_dd(hi: f64, lo: f64) -> f64 {
    let t = tanh(hi);
    t + sech2(hi) * lo
}

/// `sech2(hi + lo)`, to first order in `lo`.
#[inline(always)]
pub fn sech2_dd(hi: f64, lo: f64) -> f64 {
    let s = sech2(hi);
    s - 2.0 * tanh(hi) * s * lo
}
