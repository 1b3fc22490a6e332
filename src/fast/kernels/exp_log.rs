//! Lane kernels for `exp`, `expm1`, `log` and `log1p`.
//!
//! Each is branch-free (selects, no calls, no float-to-int conversions) so that a loop
//! applying it to a slice vectorises. Range reduction uses the "magic number" rounding
//! `(x + 1.5*2^52) - 1.5*2^52` and reads the integer back from the bits, and powers of
//! two are built directly from exponent bits, because packed f64 <-> i64 conversions
//! do not exist before AVX-512. The exponential's polynomial is a near-minimax fit
//! (generated and measured by `tests/fast_eval/gen_coeffs.rs`), log's a series
//! truncated where the next term is below 2^-57 relative. Selects are kept off the
//! exponential's hot path (on AVX2 machines a blend competes with the multiply-adds
//! for the same ports): its argument is clamped once, and the scaling by `2^k` is
//! two products. Multiply-adds are `f64::mul_add`, a correctly
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

/// `P` in `exp(r) - 1 = r + r^2 P(r)` for `|r| <= ln2/2`: `P(r) = 1/2 + r Q(r)` with
/// `Q` of degree 9, a Chebyshev (near-minimax) interpolant of
/// `(exp(r) - 1 - r - r^2/2)/r^3`, from `tests/fast_eval/gen_coeffs.rs` (which
/// measures the rounded coefficients: `r + r^2 P(r)` within 0.009 ulp of
/// `exp(r) - 1`, relative to `exp(r)`). As accurate as the degree-14 Taylor series
/// it replaced, and two multiply-adds shorter.
const EXPM1_P: [f64; 11] = [
    0.5,
    f64::from_bits(0x3fc5_5555_5555_5556), // 0.16666666666666669
    f64::from_bits(0x3fa5_5555_5555_5555), // 0.041666666666666664
    f64::from_bits(0x3f81_1111_1111_09b3), // 0.008333333333330062
    f64::from_bits(0x3f56_c16c_16c1_67e1), // 0.0013888888888886552
    f64::from_bits(0x3f2a_01a0_1a7c_41d5), // 0.00019841269863053618
    f64::from_bits(0x3efa_01a0_1a47_b054), // 2.4801587317144498e-05
    f64::from_bits(0x3ec7_1de0_dae6_3bb3), // 2.7557268459997064e-06
    f64::from_bits(0x3e92_7e4e_1f48_534f), // 2.755728296954995e-07
    f64::from_bits(0x3e5a_f38a_9b0e_c855), // 2.510038549551032e-08
    f64::from_bits(0x3e21_f66d_f7fc_a49f), // 2.0911236630261545e-09
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
        if j >= N {
            continue;
        }
        // The chain starts at its top coefficient (not at 0 * t4 + c, which the
        // compiler may not fold and which would lengthen the dependency chain).
        let mut i = j + 4 * ((N - 1 - j) / 4);
        let mut v = c[i];
        while i >= 4 {
            i -= 4;
            v = v.mul_add(t4, c[i]);
        }
        *a = v;
    }
    t2.mul_add(t.mul_add(acc[3], acc[2]), t.mul_add(acc[1], acc[0]))
}

/// `2^k` for an integer `k` in `[-1022, 1023]`, given as the raw integer.
#[inline(always)]
fn pow2(k: i64) -> f64 {
    f64::from_bits((k.wrapping_add(1023) as u64) << 52)
}

/// Splits `a + b` into `k` and `r` with `a + b = k ln2 + r`, `|r| <= ln2/2`, also
/// returning `k` as a float (`b` is a low part far below `ulp(a)`, or `-0` for none:
/// adding `-0` is the identity, which the compiler removes). Meaningful for
/// `|a| < 2^50`; callers clamp or select away larger or non-finite `a` (NaN propagates
/// into `r`). `a - k LN2_HI` is exact; the small `b - k LN2_LO` is formed alongside it,
/// off the dependency chain, and the one sum of the two is the only rounding that
/// matters.
#[inline(always)]
fn reduce(a: f64, b: f64) -> (i64, f64, f64) {
    let shifted = a.mul_add(LOG2E, SHIFT);
    let kf = shifted - SHIFT;
    let k = (shifted.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    (k, kf, kf.mul_add(-LN2_HI, a) + kf.mul_add(-LN2_LO, b))
}

/// `exp(r) - 1` for `|r| <= 0.35`, within 0.01 ulp of `exp(r)` before rounding.
#[inline(always)]
fn expm1_poly(r: f64) -> f64 {
    (r * r).mul_add(horner(&EXPM1_P, r), r)
}

/// Arguments are clamped to `[EXP_MIN_ARG, EXP_MAX_ARG]`: `exp(-750) < 2^-1075`
/// rounds to 0 and `exp(710)` overflows, so the clamp changes no result, and keeps
/// `k` in `[-1083, 1025]`, where [`scale`] is valid.
const EXP_MIN_ARG: f64 = -750.0;
const EXP_MAX_ARG: f64 = 710.0;

/// `p 2^k` for `p` in `[0.7, 1.5]` and `k` in `[-1083, 1025]`, rounded once: `p
/// 2^(k + o)` is exact (`2^(k + o)` is a normal number for each such `k`), and the
/// multiplication by `2^-o` is the only rounding (gradual underflow below 2^-1022,
/// infinity above MAX). `o = 64` when `k <= 0` (`nonpos`), `-2` otherwise. (Adding
/// `k` to the exponent bits of `p` would save a product but turn a NaN `p` into a
/// number; two power-of-two factors `2^(k/2)` would need a 64-bit arithmetic shift,
/// which AVX2 lacks.)
#[inline(always)]
fn scale(p: f64, k: i64, nonpos: bool) -> f64 {
    let o: i64 = if nonpos { 64 } else { -2 };
    let m = if nonpos {
        f64::from_bits((1023 - 64) << 52)
    } else {
        4.0
    };
    p * pow2(k.wrapping_add(o)) * m
}

/// `exp(a + b)` for `|b| <= 2^-40 |a|` (a double-double argument). `NONPOS` states
/// that `a <= 0` (or NaN): then the clamp is one-sided and the scaling needs no
/// select. NaN propagates (the clamps keep it).
#[inline(always)]
fn exp_core<const NONPOS: bool>(a: f64, b: f64) -> f64 {
    // A clamped argument drops its low part, which can be huge when `a` is (the low
    // part of `1e198/10` is about 1e181, and would leave the reduction's range).
    let out = a < EXP_MIN_ARG || (!NONPOS && a > EXP_MAX_ARG);
    let b = if out { 0.0 } else { b };
    let a = if a < EXP_MIN_ARG { EXP_MIN_ARG } else { a };
    let a = if !NONPOS && a > EXP_MAX_ARG {
        EXP_MAX_ARG
    } else {
        a
    };
    let (k, _, r) = reduce(a, b);
    let p = 1.0 + expm1_poly(r);
    scale(p, k, NONPOS || a < 0.0)
}

/// `exp(a + b)` for `|b|` far below `ulp(a)` (a double-double argument), correctly
/// overflowing to infinity and underflowing gradually. NaN propagates.
#[inline(always)]
pub fn exp_dd(a: f64, b: f64) -> f64 {
    exp_core::<false>(a, b)
}

/// `exp(a + b)` for `a <= 0` (or NaN; see [`exp_dd`]): the hot path of the logistic
/// kernels, which only take exponentials of `-|u|`.
#[inline(always)]
pub(super) fn exp_nonpos_dd(a: f64, b: f64) -> f64 {
    exp_core::<true>(a, b)
}

/// `exp(a)` for `a <= 0` (or NaN).
#[inline(always)]
pub(super) fn exp_nonpos(a: f64) -> f64 {
    exp_core::<true>(a, -0.0)
}

/// `exp(a + b)` as `hi + lo`: `hi` is [`exp_dd`], `lo` its rounding error (to about
/// 2^-56 of `hi`), for kernels that divide or multiply by the exponential and would
/// otherwise carry its half-ulp rounding into their result.
#[inline(always)]
pub fn exp_dd_parts(a: f64, b: f64) -> (f64, f64) {
    let b = if !(EXP_MIN_ARG..=EXP_MAX_ARG).contains(&a) {
        0.0
    } else {
        b
    };
    let (k, _, r) = reduce(a.clamp(EXP_MIN_ARG, EXP_MAX_ARG), b); // NaN stays NaN
    let em = expm1_poly(r);
    let p = 1.0 + em;
    // Exact (Fast2Sum: |em| < 1): the part of 1 + em that p lost.
    let plo = em - (p - 1.0);
    // Two power-of-two factors keep each in the normal range; the second product is
    // the only rounding.
    let k1 = k >> 1;
    let (s1, s2) = (pow2(k1), pow2(k - k1));
    (p * s1 * s2, plo * s1 * s2)
}

/// `exp(-|u|)` for `u = hi + lo`.
#[inline(always)]
pub(super) fn exp_neg_abs(hi: f64, lo: f64) -> f64 {
    exp_nonpos_dd(-hi.abs(), neg_abs_lo(hi, lo))
}

/// `exp(-|x|)` for a plain `f64` argument (no low part, so no addition of one).
#[inline(always)]
pub(super) fn exp_neg_abs1(x: f64) -> f64 {
    // Adding -0 is the identity, which the compiler removes.
    exp_nonpos_dd(-x.abs(), -0.0)
}

/// The low part of `-|hi + lo|`: `-lo` where `hi >= 0`, `lo` where `hi < 0` (for `hi = -0`
/// either, since `lo` is then 0). A sign-bit flip, cheaper than a select.
#[inline(always)]
fn neg_abs_lo(hi: f64, lo: f64) -> f64 {
    const SIGN: u64 = 1 << 63;
    f64::from_bits(lo.to_bits() ^ (!hi.to_bits() & SIGN))
}

/// `exp(-|u|)` for `u = hi + lo`, as `e + elo` (see [`exp_dd_parts`]).
#[inline(always)]
pub(super) fn exp_neg_abs_parts(hi: f64, lo: f64) -> (f64, f64) {
    exp_dd_parts(-hi.abs(), neg_abs_lo(hi, lo))
}

/// `exp(x)`, within 1 ulp.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    exp_dd(x, -0.0)
}

/// `exp(x) - 1`, accurate relative to the result also near 0.
#[inline(always)]
pub fn expm1(x: f64) -> f64 {
    let (k, kf, r) = reduce(x, -0.0);
    let em = expm1_poly(r);
    // Near 0 (k = 0) the polynomial is the answer. For moderate k, 2^k (1 + em) - 1 is
    // formed as (2^k - 1) + 2^k em with 2^k - 1 exact (k is clamped to +-60 in float
    // arithmetic: AVX2 has no 64-bit integer min/max). Beyond 2^56 the "- 1" vanishes
    // and the result is exp's.
    let kc = kf.clamp(-60.0, 60.0) + SHIFT;
    let t = pow2((kc.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64));
    let moderate = t.mul_add(em, t - 1.0);
    let large = scale(1.0 + em, k, false);
    let out = if x > 40.0 { large } else { moderate };
    let out = if kf == 0.0 { em } else { out };
    let out = if x > EXP_MAX_ARG { f64::INFINITY } else { out };
    if x < EXP_MIN_ARG {
        -1.0
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
