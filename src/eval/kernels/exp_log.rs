//! Lane kernels for `exp`, `expm1`, `log` and `log1p`.
//!
//! Each is branch-free (selects, no calls, no float-to-int conversions) so that a loop
//! applying it to a slice vectorises. Range reduction uses the "magic number" rounding
//! `(x + 1.5*2^52) - 1.5*2^52` and reads the integer back from the bits, and powers of
//! two are built directly from exponent bits, because packed f64 <-> i64 conversions
//! do not exist before AVX-512. The polynomials are Taylor series truncated where the
//! next term is below 2^-57 relative. Multiply-adds are `f64::mul_add`, a correctly
//! rounded fused multiply-add on every target: one instruction where the CPU has FMA
//! (the AVX2+FMA build), a (slow) exact library call elsewhere, the same bits always.

/// log2(e).
const LOG2E: f64 = std::f64::consts::LOG2_E;
/// ln 2 rounded to 32 significant bits: `k * LN2_HI` is exact for `|k| < 2^21`.
pub(super) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// `ln 2 - LN2_HI`, rounded to f64.
pub(super) const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5 * 2^52: adding and subtracting it rounds a float of magnitude < 2^51 to an integer.
const SHIFT: f64 = 6_755_399_441_055_744.0;

/// `1/n!` for n = 2..=14.
const INV_FACT: [f64; 13] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
    1.0 / 87_178_291_200.0,
];

/// Evaluates `c[0] + c[1] t + c[2] t^2 + ...` as four interleaved Horner chains in
/// `t^4`, combined as `(p0 + t p1) + t^2 (p2 + t p3)`. A single Horner chain is one
/// long dependency chain of multiply-adds, so a lane loop would wait on latency;
/// four short chains keep the vector units busy. The rounding errors are those of
/// Horner's scheme to within a fraction of an ulp for the small `|t|` used here.
#[inline(always)]
pub(super) fn horner<const N: usize>(c: &[f64; N], t: f64) -> f64 {
    let t2 = t * t;
    let t4 = t2 * t2;
    let mut acc = [0.0; 4];
    for (j, a) in acc.iter_mut().enumerate() {
        let mut i = j + 4 * ((N - 1 - j.min(N - 1)) / 4);
        if i >= N {
            continue;
        }
        let mut v = 0.0f64;
        loop {
            v = v.mul_add(t4, c[i]);
            if i < 4 {
                break;
            }
            i -= 4;
        }
        *a = v;
    }
    t2.mul_add(t.mul_add(acc[3], acc[2]), t.mul_add(acc[1], acc[0]))
}

/// `2^k` for an integer `k` in `[-1022, 1023]`, given as the raw integer.
#[inline(always)]
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Splits `a` into `k` and `r` with `a = k ln2 + r`, `|r| <= ln2/2` (plus `b`, a small
/// correction added to `r`). `a` must already be clamped to a few thousand.
#[inline(always)]
fn reduce(a: f64, b: f64) -> (i64, f64) {
    let shifted = a * LOG2E + SHIFT;
    let kf = shifted - SHIFT;
    let k = (shifted.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let r = kf.mul_add(-LN2_LO, kf.mul_add(-LN2_HI, a)) + b;
    (k, r)
}

/// `exp(r) - 1` for `|r| <= 0.35`, relative error below 2^-56 before rounding.
#[inline(always)]
fn expm1_poly(r: f64) -> f64 {
    (r * r).mul_add(horner(&INV_FACT, r), r)
}

/// `exp(a + b)` for `|b|` far below `ulp(a)` (a double-double argument), correctly
/// overflowing to infinity and underflowing gradually. NaN propagates.
#[inline(always)]
pub fn exp_dd(a: f64, b: f64) -> f64 {
    // Clamping keeps k in range; results beyond these bounds are inf or 0 anyway.
    let a = a.clamp(-750.0, 712.0); // NaN stays NaN
    let (k, r) = reduce(a, b);
    let p = 1.0 + expm1_poly(r);
    // Scale in two steps so that 2^k never leaves the normal range; the second
    // multiplication is the only rounding, so subnormal results are correctly rounded.
    let k1 = k >> 1;
    p * pow2(k1) * pow2(k - k1)
}

/// `exp(a + b)` as `hi + lo`: `hi` is [`exp_dd`], `lo` its rounding error (to about
/// 2^-56 of `hi`), for kernels that divide or multiply by the exponential and would
/// otherwise carry its half-ulp rounding into their result.
#[inline(always)]
pub fn exp_dd_parts(a: f64, b: f64) -> (f64, f64) {
    let a = a.clamp(-750.0, 712.0); // NaN stays NaN
    let (k, r) = reduce(a, b);
    let em = expm1_poly(r);
    let p = 1.0 + em;
    // Exact (Fast2Sum: |em| < 1): the part of 1 + em that p lost.
    let plo = em - (p - 1.0);
    let k1 = k >> 1;
    let (s1, s2) = (pow2(k1), pow2(k - k1));
    (p * s1 * s2, plo * s1 * s2)
}

/// `exp(x)`, within 1 ulp.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    exp_dd(x, 0.0)
}

/// `exp(x) - 1`, accurate relative to the result also near 0.
#[inline(always)]
pub fn expm1(x: f64) -> f64 {
    let a = x.clamp(-750.0, 712.0); // NaN stays NaN
    let (k, r) = reduce(a, 0.0);
    let em = expm1_poly(r);
    // Near 0 (k = 0) the polynomial is the answer. For moderate k, 2^k (1 + em) - 1 is
    // formed as (2^k - 1) + 2^k em with 2^k - 1 exact. Beyond 2^56 the "- 1" vanishes
    // and the exp-style two-step scaling avoids overflowing 2^k early.
    let kc = k.clamp(-60, 60);
    let t = pow2(kc);
    let moderate = t.mul_add(em, t - 1.0);
    let k1 = k >> 1;
    let large = (1.0 + em) * pow2(k1) * pow2(k - k1);
    let out = if k > 56 { large } else { moderate };
    if k == 0 {
        em
    } else {
        out
    }
}

/// `log(x)` for `x > 0`; NaN for `x <= 0` (undefined, not `-inf`) and for NaN.
#[inline(always)]
pub fn log(x: f64) -> f64 {
    // Subnormal inputs are scaled into the normal range first.
    let sub = x < f64::MIN_POSITIVE;
    let xs = if sub { x * 18_014_398_509_481_984.0 } else { x }; // 2^54
    let bias = if sub { 54.0 } else { 0.0 };
    // Move the mantissa into [sqrt(2)/2, sqrt(2)) and the exponent into k.
    let ix = xs
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_0000_0000);
    let kbits = ix >> 52;
    let kf = f64::from_bits(0x4330_0000_0000_0000 | kbits) - 4_503_599_627_370_496.0 - 1023.0;
    let kf = kf - bias;
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff) + 0x3fe6_a09e_0000_0000);
    let f = m - 1.0;
    let log1pf = log1p_reduced(f);
    let r = kf.mul_add(LN2_HI, kf.mul_add(LN2_LO, log1pf));
    let r = if xs == f64::INFINITY { xs } else { r };
    if x > 0.0 {
        r
    } else {
        f64::NAN
    }
}

/// `log(1 + f)` for `f` in `[sqrt(2)/2 - 1, sqrt(2) - 1]`, via `s = f/(2 + f)` and the
/// series of `2 atanh(s)`, arranged so the leading terms are exact.
#[inline(always)]
fn log1p_reduced(f: f64) -> f64 {
    // 2/(2j + 1) for j = 1..=10.
    const C: [f64; 10] = [
        2.0 / 3.0,
        2.0 / 5.0,
        2.0 / 7.0,
        2.0 / 9.0,
        2.0 / 11.0,
        2.0 / 13.0,
        2.0 / 15.0,
        2.0 / 17.0,
        2.0 / 19.0,
        2.0 / 21.0,
    ];
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * horner(&C, z);
    let hfsq = 0.5 * f * f;
    // log(1+f) = f - hfsq + s (hfsq + R), since f - hfsq (1 - s) = 2s.
    f - s.mul_add(-(hfsq + r), hfsq)
}

/// `log(1 + t)` for `t > -1`, accurate also for tiny `t`.
#[inline(always)]
pub fn log1p(t: f64) -> f64 {
    let u = 1.0 + t;
    // The rounding error of 1 + t, corrected to first order.
    let c = (t - (u - 1.0)) / u;
    let c = if u == f64::INFINITY { 0.0 } else { c };
    log(u) + c
}
