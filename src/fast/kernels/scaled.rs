//! Kernels of a scaled argument `f(c*x)` or `f(x/c)` for a constant `c` whose product
//! (or quotient) with `x` is not exact.
//!
//! `sigmoid(1.5*x)` at `x = -432` loses `|1.5 x| * 2^-53` relative accuracy if `1.5*x`
//! is rounded first: the exponential magnifies the argument's absolute error. Here
//! the argument is formed exactly as a double-double `hi + lo` (Dekker's product, no
//! FMA needed) and the kernel consumes both parts.

use super::activation::{sech2, sigmoid_deriv_of, sigmoid_of, tanh};
use super::exp_log::{exp_neg_abs, exp_neg_abs1, expm1, log1p};

/// `2^-960`: below this the low part of a scaled argument would be subnormal.
const TINY: f64 = f64::from_bits(0x03f0_0000_0000_0000);

/// `a*b` as `p + e` exactly (when no overflow occurs), by a fused multiply-add.
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `c*x` (or `x/c` when `divide`) as `hi + lo`. Where the product overflows the low
/// part is dropped.
#[inline(always)]
pub fn scaled_arg(x: f64, c: f64, divide: bool) -> (f64, f64) {
    let (hi, lo) = if divide {
        let q = x / c;
        let (p, e) = two_prod(q, c);
        (q, ((x - p) - e) / c)
    } else {
        two_prod(c, x)
    };
    // Where the product overflows, or `hi` is so small that the error term is below
    // the subnormal range (and Dekker's identity fails), the low part is dropped.
    let lo = if lo.is_finite() && hi.abs() >= TINY {
        lo
    } else {
        0.0
    };
    (hi, lo)
}

/// `sigmoid(hi + lo)`: `1/(1 + e)` for `u >= 0`, `e/(1 + e)` below, `e = exp(-|u|)`.
/// (Correcting the roundings of `e` and `1 + e` to first order measured 1.1 ulp
/// instead of 1.8, but nearly doubled the time of the hot path; 1.8 is kept.)
#[inline(always)]
pub fn sigmoid_dd(hi: f64, lo: f64) -> f64 {
    sigmoid_of(hi, exp_neg_abs(hi, lo))
}

/// `(sigmoid(u), sigmoid'(u))` for `u = hi + lo`, from one exponential. (Two
/// divisions: replacing them by one reciprocal and corrected products measured
/// 1.5 ulp worse.)
#[inline(always)]
pub fn sigmoid_pair(hi: f64, lo: f64) -> (f64, f64) {
    sigmoid_pair_of(hi, exp_neg_abs(hi, lo))
}

/// `(sigmoid(x), sigmoid'(x))` for a plain `f64`.
#[inline(always)]
pub fn sigmoid_pair1(x: f64) -> (f64, f64) {
    sigmoid_pair_of(x, exp_neg_abs1(x))
}

/// `(sigmoid(u), sigmoid'(u))` from the sign of `u` and `e = exp(-|u|)`.
#[inline(always)]
fn sigmoid_pair_of(u: f64, e: f64) -> (f64, f64) {
    let d = 1.0 + e;
    let n = if u >= 0.0 { 1.0 } else { e };
    (n / d, e / (d * d))
}

/// `sigmoid'(hi + lo)`.
#[inline(always)]
pub fn sigmoid_deriv_dd(hi: f64, lo: f64) -> f64 {
    sigmoid_deriv_of(exp_neg_abs(hi, lo))
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
