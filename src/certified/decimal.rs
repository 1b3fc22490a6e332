//! Decimal text of exact rationals and MPFR floats, correctly rounded to a number of
//! significant digits.
//!
//! Values with `1e-5 <= |v| < 1e21` print as plain decimals (`0.5`, `12`,
//! `0.000123`); others in scientific notation (`3.66787458417768721345549565426e-348`).
//!
//! ```
//! use actsym::certified::decimal_of_rational;
//! use actsym::expr::{BigInt, BigRational};
//! let third = BigRational::new(BigInt::from(1), BigInt::from(3));
//! assert_eq!(decimal_of_rational(&third, 5), "0.33333");
//! let half = BigRational::new(BigInt::from(1), BigInt::from(2));
//! assert_eq!(decimal_of_rational(&half, 1), "0.5");
//! ```

use num_bigint::BigInt;
use num_integer::Integer as _;
use num_traits::{One, Signed, Zero};
use rug::Float;

use crate::expr::BigRational;

/// Decimal digits of a nonzero value: `0.DIGITS × 10^exp10`, the first digit nonzero.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Digits {
    pub negative: bool,
    pub digits: String,
    pub exp10: i64,
}

/// Leading-digit exponents from -5 to 20 print as plain decimals.
const PLAIN_MIN_EXP: i64 = -5;
const PLAIN_MAX_EXP: i64 = 20;

impl Digits {
    /// The text of the digits: plain in the readable range, scientific otherwise.
    /// Trailing zeros are kept: each printed digit is significant.
    pub fn render(&self) -> String {
        let ds = self.digits.as_str();
        let n = ds.len() as i64;
        let e = self.exp10;
        if ds.is_empty() {
            return "0".to_owned();
        }
        let lead = e - 1; // the decimal exponent of the first digit
        let mut out = String::with_capacity(ds.len() + 8);
        if self.negative {
            out.push('-');
        }
        if (PLAIN_MIN_EXP..=PLAIN_MAX_EXP).contains(&lead) {
            if e <= 0 {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', (-e) as usize));
                out.push_str(ds);
            } else if e < n {
                let (int, frac) = ds.split_at(e as usize);
                out.push_str(int);
                out.push('.');
                out.push_str(frac);
            } else {
                out.push_str(ds);
                out.extend(std::iter::repeat_n('0', (e - n) as usize));
            }
        } else {
            let (first, rest) = ds.split_at(1);
            out.push_str(first);
            if !rest.is_empty() {
                out.push('.');
                out.push_str(rest);
            }
            out.push('e');
            out.push_str(&lead.to_string());
        }
        out
    }

    /// The same digits with trailing zeros removed (for exact values).
    fn trimmed(mut self) -> Self {
        let keep = self.digits.trim_end_matches('0').len().max(1);
        self.digits.truncate(keep);
        self
    }
}

/// `r` as decimal text: exactly when its decimal expansion terminates within
/// `digits` significant digits (`0.5`, `0.01`, `12`), otherwise correctly rounded to
/// `digits` significant digits (ties to even). `digits` below 1 counts as 1.
#[must_use]
pub fn decimal_of_rational(r: &BigRational, digits: u32) -> String {
    if r.is_zero() {
        return "0".to_owned();
    }
    let digits = digits.max(1);
    if let Some(exact) = terminating_digits(r, digits) {
        if exact.digits.len() <= digits as usize {
            return exact.render();
        }
    }
    rational_digits(r, digits).render()
}

/// The exact decimal digits of `r != 0` if its expansion terminates (the denominator
/// has no prime factors but 2 and 5) within about `digits` significant digits.
fn terminating_digits(r: &BigRational, digits: u32) -> Option<Digits> {
    // Strip the factors 2 (by a shift) and 5 (27 at a time while they divide, as
    // 5^27 fits a u64), so huge denominators cost few big divisions.
    let twos = r.denom().trailing_zeros().unwrap_or(0);
    let mut den: BigInt = r.denom() >> twos;
    let mut fives = 0u64;
    let five27 = BigInt::from(5u64.pow(27));
    let five = BigInt::from(5);
    for (step, count) in [(&five27, 27u64), (&five, 1u64)] {
        loop {
            let (q, rem) = den.div_rem(step);
            if !rem.is_zero() {
                break;
            }
            den = q;
            fives += count;
        }
    }
    if !den.is_one() {
        return None;
    }
    let k = twos.max(fives);
    // The expansion has k decimals and its significant digits span at least
    // k - log10(denominator) places: skip the big arithmetic when that is too many.
    let log10_den = twos as f64 * std::f64::consts::LOG10_2 + fives as f64 * 5f64.log10();
    if k as f64 - log10_den > f64::from(digits) + 2.0 {
        return None;
    }
    let scaled = r.numer().abs() * num_traits::pow(BigInt::from(10), usize::try_from(k).ok()?);
    let q = scaled / r.denom();
    let text = q.to_str_radix(10);
    let exp10 = text.len() as i64 - k as i64;
    Some(
        Digits {
            negative: r.is_negative(),
            digits: text,
            exp10,
        }
        .trimmed(),
    )
}

/// `r != 0` correctly rounded to `digits` significant digits, ties to even.
fn rational_digits(r: &BigRational, digits: u32) -> Digits {
    let num = r.numer().abs();
    let den = r.denom().clone();
    // 10^(e-1) <= |r| < 10^e: estimate e from bit lengths, then correct it.
    let bits = num.bits() as i64 - den.bits() as i64;
    let mut e = (bits as f64 * std::f64::consts::LOG10_2).floor() as i64;
    let ten = BigInt::from(10);
    let pow10 = |k: i64| num_traits::pow(ten.clone(), k.unsigned_abs() as usize);
    // below(e): |r| < 10^e
    let below = |e: i64| {
        if e >= 0 {
            num < &den * pow10(e)
        } else {
            &num * pow10(e) < den
        }
    };
    while !below(e) {
        e += 1;
    }
    while below(e - 1) {
        e -= 1;
    }
    // m = |r| * 10^(digits - e), rounded to an integer with ties to even.
    let shift = i64::from(digits) - e;
    let (n, d) = if shift >= 0 {
        (num * pow10(shift), den)
    } else {
        (num, den * pow10(shift))
    };
    let (mut m, rem) = n.div_rem(&d);
    let twice = rem * 2u32;
    if twice > d || (twice == d && m.is_odd()) {
        m += 1u32;
    }
    let mut text = m.to_str_radix(10);
    if text.len() > digits as usize {
        // Rounded up to the next power of ten (9.99 -> 10.0).
        text.truncate(digits as usize);
        e += 1;
    }
    Digits {
        negative: r.is_negative(),
        digits: text,
        exp10: e,
    }
}

/// A finite nonzero float correctly rounded (to nearest, ties to even) to `digits`
/// significant digits; `None` for zero, infinities and NaN.
pub(crate) fn float_digits(f: &Float, digits: u32) -> Option<Digits> {
    if !f.is_normal() {
        return None;
    }
    // rug's `LowerExp` passes the precision to `mpfr_get_str` as the number of
    // significant digits, rounded to nearest: "-d.ddde-348".
    let text = format!("{:.*e}", digits.max(1) as usize, f);
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (mantissa, exp) = text.split_once('e')?;
    let exp: i64 = exp.parse().ok()?;
    Some(Digits {
        negative,
        digits: mantissa.replace('.', ""),
        exp10: exp + 1,
    })
}

/// A float as readable decimal text with at most `digits` significant digits and no
/// trailing zeros (for messages).
#[must_use]
pub(crate) fn float_text(f: &Float, digits: u32) -> String {
    match float_digits(f, digits) {
        Some(d) => d.trimmed().render(),
        None if f.is_zero() => "0".to_owned(),
        None => f.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    fn check(r: BigRational, digits: u32, expect: &str) {
        assert_eq!(
            decimal_of_rational(&r, digits),
            expect,
            "{r} to {digits} digits"
        );
    }

    #[test]
    fn exact_rationals_print_exactly() {
        check(q(1, 2), 1, "0.5");
        check(q(1, 100), 30, "0.01");
        check(q(12, 1), 30, "12");
        check(q(-3, 8), 30, "-0.375");
        check(q(0, 1), 30, "0");
        check(q(1, 100_000), 30, "0.00001");
        check(q(1, 1_000_000), 30, "1e-6");
        check(q(123_456, 1000), 30, "123.456");
    }

    #[test]
    fn other_rationals_round_to_nearest() {
        check(q(1, 3), 5, "0.33333");
        check(q(2, 3), 5, "0.66667");
        check(q(-2, 3), 3, "-0.667");
        check(q(999_999, 1000), 3, "1000"); // 999.999 rounds up to 1000 (3 digits)
        check(q(1, 8), 2, "0.12"); // a tie: to even
        check(q(3, 8), 2, "0.38"); // a tie: to even
        check(q(1_234_567, 1), 3, "1230000");
    }

    #[test]
    fn long_terminating_expansions_are_rounded_quickly() {
        let tiny = BigRational::new(BigInt::from(1), num_traits::pow(BigInt::from(2), 200_000));
        let started = std::time::Instant::now();
        let text = decimal_of_rational(&tiny, 5);
        assert!(text == "1.0020e-60206", "{text}");
        assert!(started.elapsed().as_secs() < 2);
        check(q(1, 1024), 30, "0.0009765625");
        check(q(1, 1024), 4, "0.0009766");
    }

    #[test]
    fn huge_and_tiny_are_scientific() {
        let big = BigRational::from_integer(num_traits::pow(BigInt::from(10), 25));
        check(big, 30, "1e25");
        let r = BigRational::new(BigInt::from(1), num_traits::pow(BigInt::from(3), 700));
        assert!(decimal_of_rational(&r, 5).ends_with("e-334"));
    }

    #[test]
    fn floats_round_correctly() {
        let f = Float::with_val(64, 0.0625);
        assert_eq!(
            float_digits(&f, 1).map(|d| d.render()).as_deref(),
            Some("0.06")
        );
        assert_eq!(
            float_digits(&f, 2).map(|d| d.render()).as_deref(),
            Some("0.062")
        );
        assert_eq!(float_text(&Float::with_val(64, -2), 10), "-2");
        assert_eq!(float_text(&Float::with_val(64, 0), 10), "0");
    }
}
