//! `erf` and `erfc` at a point, bounded in time as well as in value.
//!
//! MPFR computes `erf(x)` by its Taylor series when `x^2` is below about the
//! precision, at a cost that grows like `x^2` products of `p + 1.44 x^2` bits, and
//! `erfc(x)` for `x > 0` below its asymptotic range by cancelling `1 - erf(x)` at
//! ever higher precision: seconds for `erfc(47)` at 16,384 bits, minutes at 2^18.
//! A single MPFR call cannot be interrupted, so each one is costed first
//! ([`erf_cost`]) and made only when the thread's deadline
//! ([`crate::poly::budget`]) leaves room for it. Otherwise the value is bounded
//! cheaply instead, by the classical inequalities (Abramowitz–Stegun 7.1.13)
//!
//! `2 e^(-t^2) / (sqrt(pi) (t + sqrt(t^2 + 2))) < erfc(t) <= 2 e^(-t^2) / (sqrt(pi) (t + sqrt(t^2 + 4/pi)))`
//!
//! for `t >= 0`, with `2t/sqrt(pi) (1 - t^2/3) <= erf(t) <= 2t/sqrt(pi)`: a wider
//! enclosure, still certain, which decides signs (`erf(x) - 1 < 0`) though not
//! many digits.
//!
//! `erfc(t)` for large `t` (`1.44 t^2` beyond the precision) is summed here from
//! its asymptotic series, whose remainder is bounded by the first omitted term and
//! has its sign for real `t` (DLMF 7.12(ii)), so two partial sums enclose it — far
//! cheaper than MPFR's detour through `erf` at `t` between `sqrt(0.7 p)` and
//! `2 sqrt(p)`. Between, `erfc(t) = 1 - erf(t)` with `erf` at `1.45 t^2` extra
//! bits, once.
//!
//! Every function here returns a bound in the direction asked for: never above the
//! value when rounding down, never below it when rounding up.

use std::time::Duration;

use rug::float::{Constant, Round};
use rug::Float;

/// `val` rounded to `prec` bits in direction `r`.
fn rnd<T>(prec: u32, val: T, r: Round) -> Float
where
    Float: rug::ops::AssignRound<T, Round = Round, Ordering = std::cmp::Ordering>,
{
    Float::with_val_round(prec, val, r).0
}

fn flip(r: Round) -> Round {
    match r {
        Round::Down => Round::Up,
        _ => Round::Down,
    }
}

/// The guard bits of the cheap bounds and of the series.
const GUARD: u32 = 32;

/// The estimated time of one step of a series at `bits` bits: a product of two
/// full floats (GMP's Toom range) and a few linear operations, calibrated against
/// MPFR's `erf` with full-length arguments and rounded up (small integer arguments
/// run several times faster).
fn mul_ns(bits: f64) -> f64 {
    let limbs = (bits / 64.0).max(1.0);
    3.0 * (40.0 + 1.5 * limbs.powf(1.6)) + 30.0 * limbs
}

/// The terms of MPFR's Taylor series for `erf(x)` at `m` bits (`x2 = x^2`): until
/// the term `x^(2k)/k!` is below `2^-m` and past its peak.
fn taylor_terms(x2: f64, m: f64) -> f64 {
    let mut log_term = 0.0f64;
    let mut k = 0.0f64;
    while k < 1e9 {
        k += 1.0;
        log_term += (x2 / k).log2();
        if k >= x2 && log_term < -m {
            break;
        }
    }
    k
}

/// The terms of the asymptotic series of `erfc(t)` (`t2 = t^2`) until a term is
/// below `2^-m` relative, or the terms stop decreasing.
fn asymptotic_terms(t2: f64, m: f64) -> f64 {
    let mut log_term = 0.0f64;
    let mut k = 0.0f64;
    while k < 1e9 {
        k += 1.0;
        if 2.0 * k + 1.0 >= 2.0 * t2 {
            break;
        }
        log_term += ((2.0 * k - 1.0) / (2.0 * t2)).log2();
        if log_term < -m {
            break;
        }
    }
    k
}

/// How `erf` or `erfc` at a point is computed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plan {
    /// MPFR's own function (cheap here, or affordable).
    Mpfr,
    /// `erfc(t) = 1 - erf(t)` with `erf` at the given precision.
    OneMinusErf(u32),
    /// The asymptotic series of `erfc`.
    Asymptotic,
    /// The cheap inequalities.
    Cheap,
}

/// The estimated time of MPFR's `erf(x)` at `prec` bits for `|x| = t`.
#[must_use]
pub fn erf_cost(t: f64, prec: u32) -> Duration {
    let p = f64::from(prec);
    let t2 = t * t;
    // Near 0 and beyond about sqrt(0.7 p) MPFR answers at once.
    if t == 0.0 || t2 * std::f64::consts::LOG2_E > p + 1.0 || t.log2() < -p / 2.0 {
        return Duration::from_micros(1);
    }
    let m = p + t2 * std::f64::consts::LOG2_E + 8.0 + p.log2();
    // Ziv's loop may take a second pass.
    let ns = 1.5 * taylor_terms(t2, m) * mul_ns(m);
    Duration::from_secs_f64(ns * 1e-9)
}

/// The estimated time of the asymptotic series of `erfc(t)` at `prec` bits.
fn asymptotic_cost(t: f64, prec: u32) -> Duration {
    let w = f64::from(prec + GUARD);
    let ns = asymptotic_terms(t * t, w) * 2.0 * mul_ns(w);
    Duration::from_secs_f64(ns * 1e-9)
}

/// Whether work of `cost` fits in the thread's deadline (always, without one).
fn affordable(cost: Duration) -> bool {
    cost < Duration::from_millis(2)
        || crate::poly::budget::remaining().is_none_or(|left| cost.saturating_mul(2) <= left)
}

/// The most bits of an argument near `sqrt(3)` given to MPFR's `erf` or `erfc`.
const NEAR_ROOT3_BITS: u32 = 960;

/// The argument to give MPFR's `erf` (`erfc`) for a bound of `erf(x)` rounded in
/// direction `r` (of `erfc(x)` rounded against `r`). MPFR 4.2.2's `erf` aborts the
/// process (an assertion in its Taylor series, `tauk` infinite) for arguments
/// within about 2^-1000 of `sqrt(3)` given with 1,040 bits or more (`erf(sqrt(3))`
/// at 300 digits). There the argument is rounded to 960 bits in the direction of
/// the bound, which keeps it a bound (`erf` increases, `erfc` decreases) at about
/// 290 digits at most: more is reported as not certified, not computed.
fn safe_arg(x: &Float, r: Round) -> std::borrow::Cow<'_, Float> {
    let t = x.to_f64();
    if x.prec() > NEAR_ROOT3_BITS && (t * t - 3.0).abs() < 1e-3 {
        std::borrow::Cow::Owned(rnd(NEAR_ROOT3_BITS, x, r))
    } else {
        std::borrow::Cow::Borrowed(x)
    }
}

/// `erf(x)` at `prec` bits, rounded in direction `r` (a lower bound for
/// [`Round::Down`], an upper one for [`Round::Up`]).
pub(super) fn erf_bound(x: &Float, prec: u32, r: Round) -> Float {
    let t = x.to_f64().abs();
    if affordable(erf_cost(t, prec)) {
        return rnd(prec, safe_arg(x, r).erf_ref(), r);
    }
    if x.is_sign_negative() {
        let neg = Float::with_val(x.prec(), -x);
        return -erf_cheap(&neg, prec, flip(r));
    }
    erf_cheap(x, prec, r)
}

/// `erfc(x)` at `prec` bits, rounded in direction `r`; the flag says that a
/// positive value was bounded below by 0 (underflow).
pub(super) fn erfc_bound(x: &Float, prec: u32, r: Round) -> (Float, bool) {
    let t = x.to_f64().abs();
    if x.is_sign_negative() || x.is_zero() {
        // erfc(x) = 1 + erf(|x|) in (1, 2]: no cancellation.
        return if affordable(erf_cost(t, prec)) {
            (rnd(prec, safe_arg(x, flip(r)).erfc_ref(), r), false)
        } else {
            let neg = Float::with_val(x.prec(), -x);
            let e = erf_cheap(&neg, prec + GUARD, r);
            (rnd(prec, 1 + &e, r), false)
        };
    }
    let positive = |f: Float| {
        let under = f.is_zero();
        (f, under)
    };
    match plan_erfc(t, prec) {
        Plan::Mpfr => positive(rnd(prec, safe_arg(x, flip(r)).erfc_ref(), r)),
        Plan::Asymptotic => match erfc_asymptotic(x, prec + GUARD) {
            Some((lo, hi)) => positive(rnd(prec, if r == Round::Down { lo } else { hi }, r)),
            None => positive(erfc_cheap(x, prec, r)),
        },
        Plan::OneMinusErf(q) => {
            // erfc = 1 - erf: a lower bound from an upper bound of erf.
            let e = rnd(q, safe_arg(x, flip(r)).erf_ref(), flip(r));
            let v = rnd(q + GUARD, 1 - &e, r);
            // The cheap bounds may still be the tighter on one side.
            let c = erfc_cheap(x, prec, r);
            let v = rnd(prec, v, r);
            positive(if r == Round::Down {
                v.max(&c)
            } else {
                v.min(&c)
            })
        }
        Plan::Cheap => positive(erfc_cheap(x, prec, r)),
    }
}

/// How `erfc(t)` for `t > 0` is computed at `prec` bits.
fn plan_erfc(t: f64, prec: u32) -> Plan {
    let p = f64::from(prec);
    let t2 = t * t;
    // MPFR's own range: underflow past 27282, its asymptotic series from
    // 2 * EXP(t) - 2 >= log2(prec) on, and little cancellation below t = 1/2.
    let exp_t = t.log2().floor() + 1.0;
    let mpfr_asymptotic = 2.0 * exp_t - 2.0 >= (p + 2.0 * p.log2()).log2().ceil();
    if !(0.5..27282.0).contains(&t) {
        return Plan::Mpfr;
    }
    if t2 * std::f64::consts::LOG2_E >= p + f64::from(GUARD) + 16.0 {
        if affordable(asymptotic_cost(t, prec)) {
            return Plan::Asymptotic;
        }
        return Plan::Cheap;
    }
    if mpfr_asymptotic {
        return Plan::Mpfr;
    }
    // The cancellation in 1 - erf(t) costs about 1.45 t^2 bits.
    let extra = (t2 * 1.45).ceil() + f64::from(GUARD);
    let q = (p + extra).min(f64::from(rug::float::prec_max()));
    // q fits a u32: it is at most prec_max.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let q = q as u32;
    if affordable(erf_cost(t, q)) {
        Plan::OneMinusErf(q)
    } else {
        Plan::Cheap
    }
}

/// `erf(t)` for `t >= 0` by the cheap inequalities, at `prec` bits in direction `r`.
fn erf_cheap(t: &Float, prec: u32, r: Round) -> Float {
    if t.is_zero() {
        return Float::new(prec);
    }
    let w = prec + GUARD;
    if r == Round::Up {
        // min(1 - L(t), 2t/sqrt(pi)), both upper bounds.
        let l = erfc_cheap(t, w, Round::Down);
        let a = rnd(w, 1 - &l, Round::Up);
        let sqrt_pi = rnd(w, rnd(w, Constant::Pi, Round::Down).sqrt_ref(), Round::Down);
        let b = rnd(w, &rnd(w, 2 * t, Round::Up) / &sqrt_pi, Round::Up);
        rnd(prec, a.min(&b), Round::Up)
    } else {
        // max(1 - U(t), 2t/sqrt(pi) (1 - t^2/3), 0), all lower bounds.
        let u = erfc_cheap(t, w, Round::Up);
        let a = rnd(w, 1 - &u, Round::Down);
        let t2 = rnd(w, t.square_ref(), Round::Up);
        let c = rnd(w, 1 - &rnd(w, &t2 / 3u32, Round::Up), Round::Down);
        let b = if c.is_sign_positive() {
            let sqrt_pi = rnd(w, rnd(w, Constant::Pi, Round::Up).sqrt_ref(), Round::Up);
            let s = rnd(w, &rnd(w, 2 * t, Round::Down) / &sqrt_pi, Round::Down);
            rnd(w, &s * &c, Round::Down)
        } else {
            Float::new(w)
        };
        rnd(prec, a.max(&b).max(&Float::new(w)), Round::Down)
    }
}

/// `erfc(t)` for `t > 0` by the cheap inequalities, at `prec` bits in direction `r`.
fn erfc_cheap(t: &Float, prec: u32, r: Round) -> Float {
    let w = prec + GUARD;
    if r == Round::Up {
        // 2 e^(-t^2) / (sqrt(pi) (t + sqrt(t^2 + 4/pi))): numerator up, denominator down.
        let t2 = rnd(w, t.square_ref(), Round::Down);
        let e = rnd(w, (-t2.clone()).exp_ref(), Round::Up);
        let pi_up = rnd(w, Constant::Pi, Round::Up);
        let four_pi = rnd(w, 4u32 / &pi_up, Round::Down);
        let root = rnd(
            w,
            rnd(w, &t2 + &four_pi, Round::Down).sqrt_ref(),
            Round::Down,
        );
        let sum = rnd(w, t + &root, Round::Down);
        let sqrt_pi = rnd(w, rnd(w, Constant::Pi, Round::Down).sqrt_ref(), Round::Down);
        let den = rnd(w, &sum * &sqrt_pi, Round::Down);
        rnd(prec, &rnd(w, 2 * &e, Round::Up) / &den, Round::Up)
    } else {
        // 2 e^(-t^2) / (sqrt(pi) (t + sqrt(t^2 + 2))): numerator down, denominator up.
        let t2 = rnd(w, t.square_ref(), Round::Up);
        let e = rnd(w, (-t2.clone()).exp_ref(), Round::Down);
        let root = rnd(w, rnd(w, &t2 + 2u32, Round::Up).sqrt_ref(), Round::Up);
        let sum = rnd(w, t + &root, Round::Up);
        let sqrt_pi = rnd(w, rnd(w, Constant::Pi, Round::Up).sqrt_ref(), Round::Up);
        let den = rnd(w, &sum * &sqrt_pi, Round::Up);
        rnd(prec, &rnd(w, 2 * &e, Round::Down) / &den, Round::Down)
    }
}

/// An enclosure `[lo, hi]` of `erfc(t)` for `t > 0` at `w` bits from its asymptotic
/// series `e^(-t^2)/(t sqrt(pi)) * sum (-1)^k (2k-1)!!/(2t^2)^k`, stopped at the
/// first term below `2^-w` (or the smallest): the sum lies between the partial sum
/// and the partial sum plus that term. `None` if the sum is not certainly positive.
fn erfc_asymptotic(t: &Float, w: u32) -> Option<(Float, Float)> {
    let t2_lo = rnd(w, t.square_ref(), Round::Down);
    let t2_hi = rnd(w, t.square_ref(), Round::Up);
    // 1/(2t^2), both ways.
    let inv_lo = rnd(w, 1u32 / &rnd(w, 2 * &t2_hi, Round::Up), Round::Down);
    let inv_hi = rnd(w, 1u32 / &rnd(w, 2 * &t2_lo, Round::Down), Round::Up);
    let two_t2 = 2.0 * t.to_f64() * t.to_f64();
    // The magnitude of the current term, and the partial sum, as intervals.
    let (mut m_lo, mut m_hi) = (Float::with_val(w, 1), Float::with_val(w, 1));
    let (mut s_lo, mut s_hi) = (Float::with_val(w, 1), Float::with_val(w, 1));
    let floor = -i32::try_from(w).unwrap_or(i32::MAX).saturating_add(4);
    let mut k: u32 = 0;
    loop {
        k += 1;
        let odd = 2 * k - 1;
        m_lo = rnd(w, &rnd(w, &m_lo * odd, Round::Down) * &inv_lo, Round::Down);
        m_hi = rnd(w, &rnd(w, &m_hi * odd, Round::Up) * &inv_hi, Round::Up);
        let negative = k % 2 == 1;
        let tiny = m_hi.is_zero() || m_hi.get_exp().is_some_and(|e| e < floor);
        let last = tiny || f64::from(2 * k + 1) >= two_t2 || k >= 1 << 30;
        if last {
            // The sum lies between the partial sum and it plus this term.
            if negative {
                s_lo = rnd(w, &s_lo - &m_hi, Round::Down);
            } else {
                s_hi = rnd(w, &s_hi + &m_hi, Round::Up);
            }
            break;
        }
        if negative {
            s_lo = rnd(w, &s_lo - &m_hi, Round::Down);
            s_hi = rnd(w, &s_hi - &m_lo, Round::Up);
        } else {
            s_lo = rnd(w, &s_lo + &m_lo, Round::Down);
            s_hi = rnd(w, &s_hi + &m_hi, Round::Up);
        }
    }
    if !s_lo.is_sign_positive() || s_lo.is_zero() {
        return None;
    }
    // The factor e^(-t^2) / (t sqrt(pi)), both ways.
    let e_lo = rnd(w, (-t2_hi).exp_ref(), Round::Down);
    let e_hi = rnd(w, (-t2_lo).exp_ref(), Round::Up);
    let sp_hi = rnd(w, rnd(w, Constant::Pi, Round::Up).sqrt_ref(), Round::Up);
    let sp_lo = rnd(w, rnd(w, Constant::Pi, Round::Down).sqrt_ref(), Round::Down);
    let f_lo = rnd(w, &e_lo / &rnd(w, t * &sp_hi, Round::Up), Round::Down);
    let f_hi = rnd(w, &e_hi / &rnd(w, t * &sp_lo, Round::Down), Round::Up);
    Some((
        rnd(w, &f_lo * &s_lo, Round::Down),
        rnd(w, &f_hi * &s_hi, Round::Up),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(prec: u32, text: &str) -> Float {
        Float::with_val(prec, Float::parse(text).unwrap())
    }

    /// The cheap bounds, the series and 1 - erf all enclose MPFR's correctly
    /// rounded value.
    #[test]
    fn every_bound_encloses_mpfr() {
        for prec in [64u32, 300, 2048] {
            for text in ["0.001", "0.3", "1", "2.5", "7", "28.1838293", "47", "150.5"] {
                let t = f(prec, text);
                // The reference at four times the bits: inside every enclosure.
                let exact_lo = rnd(4 * prec, t.erfc_ref(), Round::Down);
                let exact_hi = rnd(4 * prec, t.erfc_ref(), Round::Up);
                let lo = erfc_cheap(&t, prec, Round::Down);
                let hi = erfc_cheap(&t, prec, Round::Up);
                assert!(lo <= exact_lo && exact_hi <= hi, "erfc({text}) at {prec}");
                let erf_lo = erf_cheap(&t, prec, Round::Down);
                let erf_hi = erf_cheap(&t, prec, Round::Up);
                let e_lo = rnd(4 * prec, t.erf_ref(), Round::Down);
                let e_hi = rnd(4 * prec, t.erf_ref(), Round::Up);
                assert!(erf_lo <= e_lo && e_hi <= erf_hi, "erf({text}) at {prec}");
                let x = t.to_f64();
                if x * x * std::f64::consts::LOG2_E >= f64::from(prec) + 48.0 {
                    let (lo, hi) = erfc_asymptotic(&t, prec + GUARD).unwrap();
                    assert!(lo <= exact_lo && exact_hi <= hi, "series at {text}, {prec}");
                    // Tight: the enclosure is a few ulps wide relative to the value.
                    let width = Float::with_val(prec, &hi - &lo) / &exact_hi;
                    assert!(width.get_exp().unwrap() < -i32::try_from(prec).unwrap() + 8);
                }
            }
        }
    }

    #[test]
    fn erfc_in_the_gap_is_tight_and_correct() {
        // t = 47 at 2048 bits: between erf's and erfc's fast ranges in MPFR.
        let prec = 2048;
        let t = f(prec, "47.3");
        let exact = rnd(4 * prec, t.erfc_ref(), Round::Down);
        let (lo, _) = erfc_bound(&t, prec, Round::Down);
        let (hi, _) = erfc_bound(&t, prec, Round::Up);
        assert!(lo <= exact && exact <= hi);
        let width = Float::with_val(prec, &hi - &lo) / &exact;
        assert!(width.get_exp().unwrap() < -2000);
        // 1 - erf at 20 (cancellation of about 577 bits).
        let t = f(prec, "20.1");
        let exact = rnd(4 * prec, t.erfc_ref(), Round::Down);
        let (lo, _) = erfc_bound(&t, prec, Round::Down);
        let (hi, _) = erfc_bound(&t, prec, Round::Up);
        assert!(lo <= exact && exact <= hi);
        let width = Float::with_val(prec, &hi - &lo) / &exact;
        assert!(width.get_exp().unwrap() < -2000);
    }

    #[test]
    fn past_the_deadline_the_cheap_bounds_decide_signs() {
        let past = std::time::Instant::now() - Duration::from_millis(1);
        crate::poly::budget::with_deadline(past, || {
            let prec = 1 << 20;
            let t = f(prec, "100.3");
            let (lo, _) = erfc_bound(&t, prec, Round::Down);
            assert!(lo > 0);
            let hi = erf_bound(&t, prec, Round::Up);
            assert!(hi <= 1);
            let lo = erf_bound(&Float::with_val(prec, -&t), prec, Round::Down);
            assert!(lo >= -1);
        });
    }
}
