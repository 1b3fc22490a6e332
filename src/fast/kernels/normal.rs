//! Lane kernels for the normal distribution (`phi`, `Phi`) and `erf`.
//!
//! `exp(-x^2/2)` is formed from the exact square of `x` (Dekker's product, split into a
//! high and a low part) so that the rounding of `x^2` is not amplified by the
//! exponential. The lower tail is `Phi(-t) = exp(-t^2/2) Q(t)` with `Q` a smooth,
//! slowly varying function fitted piecewise (see `tables.rs`), so `Phi(-37)` keeps
//! full relative precision instead of being `1 - 1`.

use super::exp_log::{exp_nonpos_dd, horner, log, log1p};
use super::tables::{ERF_CENTRAL, PHI_CENTRAL, TAIL_FAR, TAIL_MID, TAIL_NEAR};

/// 1/sqrt(2 pi), correctly rounded.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Clamps `|x|` to 1e5 (beyond which every result here is 0 or 1) so that the square
/// cannot overflow; NaN stays NaN.
#[inline(always)]
fn clamp_abs(x: f64) -> f64 {
    let a = x.abs();
    if a > 1e5 {
        1e5
    } else {
        a
    }
}

/// The exact square of `x` as `h + l` (the low part by a fused multiply-add).
#[inline(always)]
fn square_dd(x: f64) -> (f64, f64) {
    let h = x * x;
    (h, x.mul_add(x, -h))
}

/// `exp(-a^2/2)` for `a >= 0`, from the exact square.
#[inline(always)]
fn gauss(a: f64) -> f64 {
    let (h, l) = square_dd(a);
    exp_nonpos_dd(-0.5 * h, -0.5 * l)
}

/// `Q(t) = Phi(-t) exp(t^2/2)` for `t >= 1/2`.
#[inline(always)]
fn scaled_tail(t: f64) -> f64 {
    let near = horner(&TAIL_NEAR, (2.0 * t - 2.5) / 1.5);
    let mid = horner(&TAIL_MID, t - 3.0);
    let w = 16.0 / (t * t);
    let far = horner(&TAIL_FAR, (2.0 * w - 1e-6 - 1.0) / (1.0 - 1e-6)) / t;
    if t < 2.0 {
        near
    } else if t < 4.0 {
        mid
    } else {
        far
    }
}

/// The standard normal density `phi(x) = exp(-x^2/2)/sqrt(2 pi)`.
#[inline(always)]
pub fn norm_pdf(x: f64) -> f64 {
    gauss(clamp_abs(x)) * INV_SQRT_2PI
}

/// The standard normal distribution function `Phi(x) = (1 + erf(x/sqrt(2)))/2`.
#[inline(always)]
pub fn norm_cdf(x: f64) -> f64 {
    let central = 0.5 + x * horner(&PHI_CENTRAL, 8.0 * (x * x) - 1.0);
    let a = clamp_abs(x);
    let tail = gauss(a) * scaled_tail(a);
    let side = if x < 0.0 { tail } else { 1.0 - tail };
    if a <= 0.5 {
        central
    } else {
        side
    }
}

/// `log(Phi(x))` without underflow: for `x < -1/2` it is `-x^2/2 + log(Q(-x))`
/// (the exact square, so `log(Phi(-1000)) = -500007.83...` keeps full precision
/// where `Phi` itself underflows to 0), `log1p(-Phi(-x))` for `x > 1/2` and the
/// logarithm of the central polynomial between.
#[inline(always)]
pub fn log_norm_cdf(x: f64) -> f64 {
    let central = log(0.5 + x * horner(&PHI_CENTRAL, 8.0 * (x * x) - 1.0));
    let a = x.abs();
    // The lower tail, unclamped: `a^2` overflows (to -inf) only where the true value
    // is below -f64::MAX anyway.
    let (h, l) = square_dd(a);
    let lower = (-0.5 * h) + ((-0.5 * l) + log(scaled_tail(a)));
    let c = clamp_abs(x);
    let upper = log1p(-(gauss(c) * scaled_tail(c)));
    let side = if x < 0.0 { lower } else { upper };
    if a <= 0.5 {
        central
    } else {
        side
    }
}

/// `erfc(u) = 1 - erf(u)`, accurate where it is tiny: `2 exp(-u^2) Q(sqrt(2) u)` for
/// `u > 1`, `2 - ` that for `u < -1`, and `1 - erf(u)` in between (at least 0.157
/// there, so the subtraction loses nothing).
#[inline(always)]
pub fn erfc(u: f64) -> f64 {
    let central = 1.0 - u * horner(&ERF_CENTRAL, 2.0 * (u * u) - 1.0);
    let a = clamp_abs(u);
    let (h, l) = square_dd(a);
    let tail = 2.0 * exp_nonpos_dd(-h, -l) * scaled_tail(std::f64::consts::SQRT_2 * a);
    let big = if u < 0.0 { 2.0 - tail } else { tail };
    // NaN: every branch is NaN.
    if a <= 1.0 {
        central
    } else {
        big
    }
}

/// `erf(u)`: a polynomial for `|u| <= 1`, else `sign(u) (1 - 2 exp(-u^2) Q(sqrt(2)|u|))`.
#[inline(always)]
pub fn erf(u: f64) -> f64 {
    let central = u * horner(&ERF_CENTRAL, 2.0 * (u * u) - 1.0);
    let a = clamp_abs(u);
    let (h, l) = square_dd(a);
    let erfc = 2.0 * exp_nonpos_dd(-h, -l) * scaled_tail(std::f64::consts::SQRT_2 * a);
    let big = 1.0 - erfc;
    let big = if u < 0.0 { -big } else { big };
    if a <= 1.0 {
        central
    } else {
        big
    }
}
