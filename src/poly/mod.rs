//! Exact polynomial algebra over Q, the lowest layer of the crate (it imports no
//! other module of it).
//!
//! - [`Poly`]: sparse multivariate polynomials over generator indices ([`Gen`]),
//!   generic in the coefficient ring ([`Coeff`]); [`Monomial`] is the one place where
//!   generator powers merge. Shared by the simplifier (expand, factor, collect over
//!   atoms of an expression) and the prover (the exponential-rational normal form).
//! - [`RatFn`]: quotients of such polynomials over Q.
//!
//! What a generator stands for is the caller's business. Every operation that grows
//! a polynomial is bounded ([`Limits`], [`Meter`]) and fails with a [`PolyError`]
//! past its bound.
//!
//! ```
//! use actsym::poly::{Poly, RatFn};
//! use num_rational::BigRational;
//! // (x + 1)^2 - x^2 - 2x = 1
//! let x: Poly = Poly::monomial(0, 1);
//! let one = Poly::one();
//! let sq = x.add(&one)?.pow(2)?;
//! let two_x = x.scale(&BigRational::from_integer(2.into()));
//! let rest = sq.sub(&x.pow(2)?)?.sub(&two_x)?;
//! assert_eq!(rest, one);
//! assert_eq!(sq.to_text(&["x".to_owned()]), "x^2 + 2*x + 1");
//! let f = RatFn::poly(x).recip()?;
//! assert_eq!(f.to_text(&["x".to_owned()]), "1/x");
//! # Ok::<(), actsym::poly::PolyError>(())
//! ```

mod coeff;
mod monomial;
mod ratfn;
mod sparse;

pub use coeff::Coeff;
pub use monomial::{Gen, Monomial};
pub use ratfn::RatFn;
pub use sparse::{Content, Limits, Meter, Poly, Unmetered};

/// Why a polynomial operation stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolyError {
    /// A result (or a partial result) would have more terms than the limit allows.
    #[error("a polynomial would have more than {limit} terms")]
    TooManyTerms {
        /// The limit passed.
        limit: usize,
    },
    /// A coefficient does not fit its type (fixed-size coefficients only).
    #[error("a coefficient does not fit its type")]
    CoefficientOverflow,
    /// An exponent does not fit `u32`.
    #[error("an exponent does not fit 32 bits")]
    ExponentOverflow,
    /// The caller's work budget is spent.
    #[error("the work budget is spent")]
    WorkExhausted,
    /// Division by the zero polynomial.
    #[error("division by zero")]
    DivisionByZero,
}
