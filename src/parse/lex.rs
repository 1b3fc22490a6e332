//! Tokens of the language, read with nom: blanks and comments, identifiers, exact
//! numbers, and the split of a source text into statements.

use std::ops::Range;

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

/// The largest decimal exponent a literal may have (`1e10000`).
pub const MAX_LITERAL_EXPONENT: i64 = 10_000;

/// Skips spaces, tabs, carriage returns and a `#` comment (up to the newline).
/// Newlines are statement separators, so they are not skipped here.
pub fn blank(i: &str) -> &str {
    let i = i.trim_start_matches([' ', '\t', '\r']);
    match i.strip_prefix('#') {
        Some(rest) => rest.find('\n').map_or("", |p| &rest[p..]),
        None => i,
    }
}

/// An identifier: a letter or `_`, then letters, digits and `_`.
pub fn ident(i: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// A number literal read: the rest and its value, or why it is malformed and the
/// length of the bad part.
pub type LexedNumber<'a> = Result<(&'a str, BigRational), (NumberError, usize)>;

/// Why a number literal is malformed.
#[derive(Debug, PartialEq, Eq)]
pub enum NumberError {
    /// `1.` with no digits after the point.
    NoFractionDigits,
    /// `1e` or `1e+` with no exponent digits.
    NoExponentDigits,
    /// An exponent beyond [`MAX_LITERAL_EXPONENT`].
    ExponentTooLarge,
}

/// A number literal `DIGITS [. DIGITS] [(e|E) [+|-] DIGITS]` as an exact rational
/// (`0.1` is `1/10`). Returns the rest, the value and the literal's length; `None`
/// when the input does not start with a digit.
pub fn number(i: &str) -> Option<LexedNumber<'_>> {
    let res: IResult<&str, &str> = digit1(i);
    let (mut rest, int_part) = res.ok()?;
    let mut digits = int_part.to_owned();
    let mut scale: i64 = 0;
    if let Some(after) = rest.strip_prefix('.') {
        let res: IResult<&str, &str> = digit1(after);
        match res {
            Ok((r, frac)) => {
                digits.push_str(frac);
                scale = -(frac.len() as i64);
                rest = r;
            }
            Err(_) => return Some(Err((NumberError::NoFractionDigits, i.len() - after.len()))),
        }
    }
    if let Some(after) = rest.strip_prefix(['e', 'E']) {
        // `2e` followed by a letter is not an exponent but a likely implicit product;
        // only treat it as an exponent when a sign or digit follows.
        let signed: IResult<&str, (Option<char>, &str)> = (opt(one_of("+-")), digit1).parse(after);
        match signed {
            Ok((r, (sign, exp_digits))) => {
                let exp: i64 = match exp_digits.parse::<i64>() {
                    Ok(e) if e <= MAX_LITERAL_EXPONENT => e,
                    _ => {
                        return Some(Err((NumberError::ExponentTooLarge, i.len() - r.len())));
                    }
                };
                scale += if sign == Some('-') { -exp } else { exp };
                rest = r;
            }
            Err(_) => {
                let sign_only: IResult<&str, char> = one_of("+-").parse(after);
                if sign_only.is_ok() || after.is_empty() || !after.starts_with(char::is_alphabetic)
                {
                    return Some(Err((NumberError::NoExponentDigits, i.len() - after.len())));
                }
            }
        }
    }
    let mantissa: BigInt = digits.parse().unwrap_or_else(|_| BigInt::zero());
    let ten = BigInt::from(10);
    let value = if scale >= 0 {
        BigRational::from_integer(mantissa * num_traits::pow(ten, scale as usize))
    } else {
        BigRational::new(mantissa, num_traits::pow(ten, (-scale) as usize))
    };
    Some(Ok((rest, value)))
}

/// A single character token, if the input starts with it.
pub fn symbol(i: &str, c: char) -> Option<&str> {
    let res: IResult<&str, char> = char(c).parse(i);
    res.ok().map(|(r, _)| r)
}

/// Unicode math symbols with an ASCII form of the same length in bytes, so that
/// byte spans of errors stay right for the text as typed: `≤` is `<= `, `·` and `×`
/// are `*`, `−` is `-`, `π` is `pi`, `²` is `^2`.
const ASCII_EQUIVALENTS: [(char, &str); 17] = [
    ('≤', "<= "),
    ('⩽', "<= "),
    ('≥', ">= "),
    ('⩾', ">= "),
    ('≠', "!= "),
    ('−', "-  "),
    ('–', "-  "),
    ('·', "* "),
    ('×', "* "),
    ('⋅', "*  "),
    ('∗', "*  "),
    ('÷', "/ "),
    ('∕', "/  "),
    ('π', "pi"),
    ('²', "^2"),
    ('³', "^3"),
    ('\u{a0}', "  "),
];

/// Whether `c` is a Unicode symbol the language reads as its ASCII form.
pub(crate) fn has_ascii_equivalent(c: char) -> bool {
    ASCII_EQUIVALENTS.iter().any(|e| e.0 == c)
}

/// The text with the Unicode symbols of [`ASCII_EQUIVALENTS`] replaced by their
/// ASCII forms; every byte offset keeps its meaning. Other text is unchanged.
#[must_use]
pub fn ascii_equivalents(src: &str) -> std::borrow::Cow<'_, str> {
    if src.is_ascii()
        || !src
            .chars()
            .any(|c| ASCII_EQUIVALENTS.iter().any(|e| e.0 == c))
    {
        return std::borrow::Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    for c in src.chars() {
        match ASCII_EQUIVALENTS.iter().find(|e| e.0 == c) {
            Some((_, ascii)) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Splits a source text into statement ranges: a newline or `;` outside parentheses
/// ends a statement; comments are skipped. Blank statements are dropped. Unbalanced
/// parentheses simply run to the end of the text, where the parser reports them.
#[must_use]
pub fn statements(src: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth: usize = 0;
    let mut start = 0;
    let bytes = src.as_bytes();
    let mut i = 0;
    let push = |s: usize, e: usize, out: &mut Vec<Range<usize>>| {
        let text = &src[s..e];
        let trimmed = blank(text.trim_start());
        if !trimmed.trim().is_empty() {
            out.push(s..e);
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'\n' | b';' if depth == 0 => {
                push(start, i, &mut out);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    push(start, src.len(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> BigRational {
        match number(s) {
            Some(Ok((_, v))) => v,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn numbers_are_exact() {
        assert_eq!(num("0.1"), BigRational::new(1.into(), 10.into()));
        assert_eq!(
            num("1e-40"),
            BigRational::new(1.into(), num_traits::pow(BigInt::from(10), 40))
        );
        assert_eq!(num("2.5E+2"), BigRational::from_integer(250.into()));
        assert!(matches!(
            number("1."),
            Some(Err((NumberError::NoFractionDigits, _)))
        ));
        assert!(matches!(
            number("1e+"),
            Some(Err((NumberError::NoExponentDigits, _)))
        ));
        assert!(matches!(
            number("1e99999"),
            Some(Err((NumberError::ExponentTooLarge, _)))
        ));
        // `2e` before a letter is left for the implicit-multiplication check.
        assert!(matches!(number("2ex"), Some(Ok(("ex", _)))));
    }

    #[test]
    fn unicode_symbols_keep_their_byte_lengths() {
        for (c, ascii) in ASCII_EQUIVALENTS {
            assert_eq!(c.len_utf8(), ascii.len(), "{c}");
        }
        assert_eq!(ascii_equivalents("x ≤ 2·π − y²"), "x <=  2* pi -   y^2");
        assert!(matches!(
            ascii_equivalents("x + 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn statements_split_outside_parentheses() {
        let src = "f(x) = x # c; d\n(1 +\n 2); y\n\n";
        let parts: Vec<&str> = statements(src).into_iter().map(|r| &src[r]).collect();
        assert_eq!(parts, vec!["f(x) = x # c; d", "(1 +\n 2)", " y"]);
    }
}
