//! Kernels of a scaled argument `f(c*x)` or `f(x/c)` for a constant `c` whose product
//! (or quotient) with `x` is not exact.
//!
//! `sigmoid(1.5*x)` at `x = -432` loses `|1.5 x| * 2^-53` relative accuracy if `1.5*x`
//! is rounded first: the exponential magnifies the argument's absolute error. Here
//! the argument is formed exactly as a double-double `hi + lo` (Dekker's product, no
//! FMA needed) and the kernel consumes both parts.

use super::activation::{sech2, tanh};
use super::deriv::{corrected, exp_neg_abs, exp_neg_abs_parts, one_plus, recip_one_plus, square};
use super::exp_log::{expm1, log1p};

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

/// `sigmoid(hi + lo)`: `1/(1 + e)` for `u >= 0`, `e/(1 + e)` below, `e = exp(-|u|)`,
/// with the rounding errors of `e` and `1 + e` corrected to first order (about one
/// rounding in all).
#[inline(always)]
pub fn sigmoid_dd(hi: f64, lo: f64) -> f64 {
    let (e, elo) = exp_neg_abs_parts(hi, lo);
    sigmoid_of(hi >= 0.0, e, elo)
}

/// The sigmoid from `e + elo = exp(-|u|)`.
#[inline(always)]
fn sigmoid_of(nonneg: bool, e: f64, elo: f64) -> f64 {
    let (d, dlo) = one_plus(e, elo);
    let (n, nlo) = if nonneg { (1.0, 0.0) } else { (e, elo) };
    let q = n / d;
    // 1/d is q itself for u >= 0, and 1 - q below.
    let r = if nonneg { q } else { 1.0 - q };
    corrected(q, nlo, dlo, r)
}

/// The sigmoid's derivative `e/(1 + e)^2` from `e + elo = exp(-|u|)`.
#[inline(always)]
fn sigmoid_deriv_of(e: f64, elo: f64) -> f64 {
    let (d, dlo) = one_plus(e, elo);
    let (s, slo) = square(d, dlo);
    let r = recip_one_plus(e);
    corrected(e / s, elo, slo, r * r)
}

/// `(sigmoid(u), sigmoid'(u))` for `u = hi + lo`, from one exponential.
#[inline(always)]
pub fn sigmoid_pair(hi: f64, lo: f64) -> (f64, f64) {
    let (e, elo) = exp_neg_abs_parts(hi, lo);
    (sigmoid_of(hi >= 0.0, e, elo), sigmoid_deriv_of(e, elo))
}

/// `sigmoid'(hi + lo)`.
#[inline(always)]
pub fn sigmoid_deriv_dd(hi: f64, lo: f64) -> f64 {
    let (e, elo) = exp_neg_abs_parts(hi, lo);
    sigmoid_deriv_of(e, elo)
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
