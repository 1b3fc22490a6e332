//! Fused kernels for the derivatives of `silu`/`swish` and `mish`.
//!
//! Written as sums of the separate kernels (`sigmoid(u) + u*sigmoid'(u)`), these
//! derivatives add terms of opposite sign whose rounding errors the sum magnifies.
//! Here each is one quotient of `e = exp(-|u|)`, arranged so that the only
//! cancellation left is the one at the function's own root (`1 + u + e` for
//! `silu'`, `2 - |u| + e(2 + |u|)` for `silu''`), where the leading difference is
//! exact by Sterbenz's lemma. The argument comes as a double-double `hi + lo`
//! (`swish(x, beta)` differentiates to `silu'(beta*x)`, see `scaled.rs`).

use super::basic::sign;
use super::dd::Dd;
use super::exp_log::{exp_neg_abs, exp_neg_abs1, exp_neg_abs_parts};

/// `1 + e` for `e + elo` with `0 <= e <= 1`, as `d + dlo` (Fast2Sum).
#[inline(always)]
pub(super) fn one_plus(e: f64, elo: f64) -> (f64, f64) {
    let d = 1.0 + e;
    (d, (e - (d - 1.0)) + elo)
}

/// About `1/(1 + e)` for `0 <= e <= 1` (relative error below 1e-3): a quadratic fit
/// and one Newton step. Used only to scale correction terms of a few ulp.
#[inline(always)]
pub(super) fn recip_one_plus(e: f64) -> f64 {
    let r = e.mul_add(0.3f64.mul_add(e, -0.8), 1.0);
    let d = 1.0 + e;
    r * (-d).mul_add(r, 2.0)
}

/// `(n + nlo)/(m + mlo)` given `q = n/m` and `rm`, about `1/m`: the quotient
/// corrected to first order for the low parts.
#[inline(always)]
pub(super) fn corrected(q: f64, nlo: f64, mlo: f64, rm: f64) -> f64 {
    q + (nlo - q * mlo) * rm
}

/// `(d + dlo)^2` as `s + slo`.
#[inline(always)]
pub(super) fn square(d: f64, dlo: f64) -> (f64, f64) {
    let s = d * d;
    (s, d.mul_add(d, -s) + 2.0 * d * dlo)
}

/// `silu'(u) = sigmoid(u) + u sigmoid'(u)` for `u = hi + lo`: with `e = exp(-|u|)`,
/// `(1 + e(1 + u))/(1 + e)^2` for `u >= 0` and `e(1 + u + e)/(1 + e)^2` below.
#[inline(always)]
pub fn silu_deriv_dd(hi: f64, lo: f64) -> f64 {
    silu_deriv_of(hi, lo, exp_neg_abs(hi, lo))
}

/// `silu'(x)` for a plain `f64` (the low part `-0` vanishes from the sums below).
#[inline(always)]
pub fn silu_deriv(x: f64) -> f64 {
    silu_deriv_of(x, -0.0, exp_neg_abs1(x))
}

/// `silu'(hi + lo)` given `e = exp(-|hi + lo|)`.
#[inline(always)]
fn silu_deriv_of(hi: f64, lo: f64, e: f64) -> f64 {
    // (Correcting the roundings of e and (1 + e)^2 as `silu_deriv2_dd` does measured
    // 1.5 ulp instead of 3.4, at 1.6 times the cost on the benchmark's hot path.)
    let d = 1.0 + e;
    let one_u = 1.0 + hi; // exact for u in [-2, -1/2], around the root u = -1.2785
    let pos = e.mul_add(one_u + lo, 1.0);
    let neg = e * ((one_u + e) + lo);
    let n = if hi >= 0.0 { pos } else { neg };
    n / (d * d)
}

/// `silu''(u) = sigmoid'(u) (2 - u tanh(u/2))`, an even function: with `a = |u|` and
/// `e = exp(-a)`, `e (2 - a + e(2 + a))/(1 + e)^3`.
#[inline(always)]
pub fn silu_deriv2_dd(hi: f64, lo: f64) -> f64 {
    let (e, elo) = exp_neg_abs_parts(hi, lo);
    let (a, alo) = if hi >= 0.0 { (hi, lo) } else { (-hi, -lo) };
    let (d, dlo) = one_plus(e, elo);
    let (s, slo) = square(d, dlo);
    let c = s * d;
    let clo = s.mul_add(d, -c) + slo * d + s * dlo;
    // 2 - a is exact for a in [1, 4], around the roots |u| = 2.3994.
    let n = e.mul_add(2.0 + a, (2.0 - a) - alo);
    let p = e * n;
    let plo = e.mul_add(n, -p) + elo * e.mul_add(2.0 + a, n);
    let r = recip_one_plus(e);
    corrected(p / c, plo, clo, r * r * r)
}

/// `mish'(x)` with `T = tanh(softplus(x))`: `T + x (1 - T^2) sigmoid(x)`. With
/// `w = exp(x)` (for `x <= 0`) and `n = w^2 + 2w + 2` it is
/// `w ((w + 2) n + 4x (w + 1))/n^2`; for `x > 0`, with `e = exp(-x)` and
/// `q = 1 + 2e + 2e^2`, `((1 + 2e) q + 4x e^2 (1 + e))/q^2` (all terms positive).
/// Evaluated in double-double from `exp`'s two parts, and rounded once.
#[inline(always)]
pub fn mish_deriv(x: f64) -> f64 {
    let (e, elo) = exp_neg_abs_parts(x, 0.0);
    let w = Dd::new(e, elo);
    let x4 = Dd::of(4.0 * x);
    // x <= 0, w = exp(x).
    let w1 = w.add_f(1.0);
    let w2 = w.add_f(2.0);
    let n = w.mul(w2).add_f(2.0);
    let neg = w.mul(w2.mul(n).add(x4.mul(w1))).div_to_f64(n.mul(n));
    // x > 0, e = exp(-x).
    let e2 = w.mul(w);
    let q = w.mul(w1).mul_f(2.0).add_f(1.0);
    let one_2e = w.mul_f(2.0).add_f(1.0);
    let pos = one_2e.mul(q).add(x4.mul(e2).mul(w1)).div_to_f64(q.mul(q));
    if x > 0.0 {
        pos
    } else {
        neg
    }
}

/// `mish''(x)`: for `x <= 0`, `4w (2(w + 1) n + x (2 + 2w - 3w^2 - 2w^3))/n^3`; for
/// `x > 0`, `4e^2 (2(1 + e) q + x (2e^3 + 2e^2 - 3e - 2))/q^3` (notation of
/// [`mish_deriv`]), in double-double.
#[inline(always)]
pub fn mish_deriv2(x: f64) -> f64 {
    let (e, elo) = exp_neg_abs_parts(x, 0.0);
    let w = Dd::new(e, elo);
    let xd = Dd::of(x);
    let w1 = w.add_f(1.0);
    // x <= 0: 2 + 2w - 3w^2 - 2w^3 = 2 + w (2 - w (3 + 2w)).
    let n = w.mul(w.add_f(2.0)).add_f(2.0);
    let p = w
        .mul(w.mul(w.mul_f(-2.0).add_f(-3.0)).add_f(2.0))
        .add_f(2.0);
    let num = w1.mul(n).mul_f(2.0).add(xd.mul(p)).mul(w).mul_f(4.0);
    let neg = num.div_to_f64(n.mul(n).mul(n));
    // x > 0: 2e^3 + 2e^2 - 3e - 2 = -2 + e (-3 + e (2 + 2e)).
    let q = w.mul(w1).mul_f(2.0).add_f(1.0);
    let r = w
        .mul(w.mul(w.mul_f(2.0).add_f(2.0)).add_f(-3.0))
        .add_f(-2.0);
    let num = w1.mul(q).mul_f(2.0).add(xd.mul(r)).mul(w.mul(w)).mul_f(4.0);
    let pos = num.div_to_f64(q.mul(q).mul(q));
    if x > 0.0 {
        pos
    } else {
        neg
    }
}

/// `1/(1 + |u|)^n` for `n = 2, 3`, with `1 + |u|` and its powers carried exactly to
/// first order (so one rounding in all, instead of the `n`-fold magnified rounding
/// of `1 + |u|`).
#[inline(always)]
fn recip_power_one_plus_abs(u: f64, cube: bool) -> f64 {
    let a = u.abs();
    // 1 + a exactly (TwoSum: a may exceed 1).
    let b = 1.0 + a;
    let bb = b - 1.0;
    let blo = (1.0 - (b - bb)) + (a - bb);
    let (s, slo) = square(b, blo);
    let (m, mlo) = if cube {
        let c = s * b;
        (c, s.mul_add(b, -c) + slo * b + s * blo)
    } else {
        (s, slo)
    };
    let q = 1.0 / m;
    let r = corrected(q, 0.0, mlo, q);
    // For huge |u| the low parts may be inf or NaN: the quotient alone is right.
    if r.is_finite() {
        r
    } else {
        q
    }
}

/// `softsign'(u) = 1/(1 + |u|)^2`.
#[inline(always)]
pub fn softsign_deriv(u: f64) -> f64 {
    recip_power_one_plus_abs(u, false)
}

/// `softsign''(u) = -2 sign(u)/(1 + |u|)^3` away from 0 (0 at 0; the left-hand
/// derivative there, 2 in the direction of travel, is the compiler's business).
#[inline(always)]
pub fn softsign_deriv2(u: f64) -> f64 {
    -2.0 * sign(u) * recip_power_one_plus_abs(u, true)
}
