//! Exact numbers of the graph as GMP numbers (`rug`), for the two evaluators: the
//! certified one computes with them, the fast one rounds its constants through them.
//! Both conversions are exact.

use num_bigint::{BigInt, Sign};

use super::BigRational;

/// A num-bigint integer as a GMP integer.
#[must_use]
pub(crate) fn to_rug_integer(n: &BigInt) -> rug::Integer {
    let (sign, digits) = n.to_u32_digits();
    let m = rug::Integer::from_digits(&digits, rug::integer::Order::Lsf);
    if sign == Sign::Minus {
        -m
    } else {
        m
    }
}

/// A num-rational rational as a GMP rational.
#[must_use]
pub(crate) fn to_rug_rational(r: &BigRational) -> rug::Rational {
    rug::Rational::from((to_rug_integer(r.numer()), to_rug_integer(r.denom())))
}
