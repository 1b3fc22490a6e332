//! Exact numbers of network files: decimal and fractional text (`"3/2"`, `"-0.1"`,
//! `"1e-3"`) and binary floats (`f64`, `f32`, `f16`, `bf16`), every one of which is a
//! dyadic rational, converted without rounding; and back, only where exact.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

/// The largest decimal exponent accepted in a number's text (`1e400` is exact, but
/// `1e1000000000` would not fit in memory).
const MAX_EXPONENT: i64 = 4_000;

/// Reads an exact rational: an integer, a decimal with an optional exponent
/// (`-0.1`, `2.5e-3`, `.5`), or a fraction of integers (`3/2`, `-1/3`). `None` for
/// anything else (and for a zero denominator).
#[must_use]
pub fn parse_rational(text: &str) -> Option<BigRational> {
    let t = text.trim();
    if let Some((n, d)) = t.split_once('/') {
        let n = parse_integer(n.trim())?;
        let d = parse_integer(d.trim())?;
        if d.is_zero() {
            return None;
        }
        return Some(BigRational::new(n, d));
    }
    let (neg, rest) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(k) => {
            let e = &rest[k + 1..];
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6
            {
                return None;
            }
            (&rest[..k], e.parse::<i64>().ok()?)
        }
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = format!("{int}{frac}");
    let n: BigInt = digits.parse().ok()?;
    let scale = exponent - i64::try_from(frac.len()).ok()?;
    if scale.abs() > MAX_EXPONENT {
        return None;
    }
    let ten = BigInt::from(10);
    let p = num_traits::pow(ten, usize::try_from(scale.unsigned_abs()).ok()?);
    let v = if scale >= 0 {
        BigRational::from_integer(n * p)
    } else {
        BigRational::new(n, p)
    };
    Some(if neg { -v } else { v })
}

fn parse_integer(t: &str) -> Option<BigInt> {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse().ok()
}

/// A finite `f64` as the rational it is (exactly); `None` for NaN and infinities.
#[must_use]
pub fn from_f64(v: f64) -> Option<BigRational> {
    if v.is_finite() {
        BigRational::from_float(v)
    } else {
        None
    }
}

/// The `f32` (exactly representable as an `f64`) of IEEE half-precision bits.
#[must_use]
pub fn f16_to_f32(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f32::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 if frac == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f32.powi(e - 15),
    }
}

/// The `f32` of bfloat16 bits (the top half of an `f32`).
#[must_use]
pub fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}

/// `r` as an `f64` when it is exactly one.
#[must_use]
pub fn to_f64_exact(r: &BigRational) -> Option<f64> {
    let f = r.to_f64()?;
    (from_f64(f).as_ref() == Some(r)).then_some(f)
}

/// `r` as an `f32` when it is exactly one.
#[must_use]
pub fn to_f32_exact(r: &BigRational) -> Option<f32> {
    let f = to_f64_exact(r)?;
    #[allow(clippy::cast_possible_truncation)]
    let s = f as f32;
    (f64::from(s) == f).then_some(s)
}

/// `r` as bfloat16 bits when it is exactly one.
#[must_use]
pub fn to_bf16_exact(r: &BigRational) -> Option<u16> {
    let bits = to_f32_exact(r)?.to_bits();
    (bits & 0xffff == 0).then(|| u16::try_from(bits >> 16).unwrap_or(0))
}

/// `r` as half-precision bits when it is exactly one.
#[must_use]
pub fn to_f16_exact(r: &BigRational) -> Option<u16> {
    let f = to_f32_exact(r)?;
    if f == 0.0 {
        return Some(if f.is_sign_negative() { 0x8000 } else { 0 });
    }
    // Every finite half is (sign, exponent, fraction); search by decoding is exact
    // and cheap enough for the sizes of network files (65,536 candidates at most
    // would be too slow per value, so compute the candidate directly).
    let sign: u16 = if f < 0.0 { 0x8000 } else { 0 };
    let a = f.abs();
    let e = a.log2().floor();
    #[allow(clippy::cast_possible_truncation)]
    let e = e as i32;
    let candidates = if e < -14 {
        // Subnormal: a = frac * 2^-24.
        let frac = a * 2f32.powi(24);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let k = frac as u32;
        vec![u16::try_from(k).ok()]
    } else {
        (e - 1..=e + 1)
            .map(|e| {
                let biased = e + 15;
                if !(1..=30).contains(&biased) {
                    return None;
                }
                let frac = (a / 2f32.powi(e) - 1.0) * 1024.0;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let k = frac as u32;
                (k < 1024).then(|| u16::try_from((biased as u32) << 10 | k).ok())?
            })
            .collect()
    };
    candidates
        .into_iter()
        .flatten()
        .map(|b| b | sign)
        .find(|&b| f16_to_f32(b) == f)
}

/// The text of an exact number in a network file: `3/2`, `-1`, `0`.
#[must_use]
pub fn text(r: &BigRational) -> String {
    r.to_string()
}

/// Whether `r` is one.
#[must_use]
pub fn is_one(r: &BigRational) -> bool {
    r.is_one()
}
