//! Exact polynomial algebra over Q, the lowest layer of the crate (it imports no
//! other module of it). Nothing here uses floating point.
//!
//! Sparse, several generators:
//! - [`Poly`]: sparse multivariate polynomials over generator indices ([`Gen`]),
//!   generic in the coefficient ring ([`Coeff`]); [`Monomial`] is the one place where
//!   generator powers merge. Shared by the simplifier (expand, factor, collect over
//!   atoms of an expression) and the prover (the exponential-rational normal form).
//! - [`RatFn`]: quotients of such polynomials over Q; with one generator left they
//!   become dense ([`RatFn::to_univariate`]).
//!
//! Dense, one variable:
//! - [`UPoly`]: division with remainder, gcd, derivative, square-free part and
//!   factors, exact [`Sign`] at a rational.
//! - [`SturmSequence`], [`count_roots`] (any [`Interval`]: open, closed or infinite
//!   ends), [`real_roots`] (isolated, rational ones exact), [`rational_roots`].
//! - [`Algebraic`]: a real algebraic number; comparisons, refinement, the sign of a
//!   polynomial at it, and its text (`1/2`, `(1 + sqrt(5))/2`, `root of x^3 - x - 1
//!   in [1, 2]`).
//! - [`sign_on_interval`]: the [`SignChart`] of a rational function on an interval.
//!
//! What a generator stands for is the caller's business. Every operation that grows
//! a polynomial is bounded ([`Limits`], [`Meter`], [`UniLimits`]: terms, degree,
//! coefficient bits, bisection steps) and fails with a [`PolyError`] past its bound,
//! or once the thread's deadline ([`budget`], the crate's one clock) has passed.
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

mod algebraic;
pub mod budget;
mod coeff;
mod interval;
mod monomial;
mod quadratic;
mod ratfn;
mod roots;
mod sign;
mod sparse;
mod univariate;
mod zpoly;

pub use algebraic::{Algebraic, IsolatedRoot};
pub use coeff::Coeff;
pub use interval::Interval;
pub use monomial::{Gen, Monomial};
pub use ratfn::RatFn;
pub use roots::{
    count_roots, rational_roots, real_roots, real_roots_in, root_bound, simplest_between,
    SturmSequence,
};
pub use sign::{sign_on_interval, Part, PointKind, SignChart};
pub use sparse::{Content, Limits, Meter, Poly, Unmetered};
pub use univariate::{Sign, UPoly, UniLimits};

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
    /// The caller's work budget is spent, or the thread's deadline
    /// ([`budget`]) has passed.
    #[error("the work budget or the time limit is spent")]
    WorkExhausted,
    /// Division by the zero polynomial.
    #[error("division by zero")]
    DivisionByZero,
    /// A univariate polynomial would have a degree above the limit.
    #[error("a polynomial of degree {degree} (the limit is {limit})")]
    DegreeTooHigh {
        /// The degree.
        degree: usize,
        /// The limit passed.
        limit: usize,
    },
    /// A coefficient in a remainder sequence has too many bits.
    #[error("a coefficient of {bits} bits (the limit is {limit})")]
    CoefficientTooLarge {
        /// The bits of the coefficient.
        bits: u64,
        /// The limit passed.
        limit: u64,
    },
    /// Root isolation or refinement took more bisection steps than allowed.
    #[error("more than {limit} bisection steps")]
    TooManySteps {
        /// The limit passed.
        limit: u64,
    },
    /// Every real number is a root of the zero polynomial: nothing to isolate.
    #[error("the zero polynomial has every real number as a root")]
    ZeroPolynomial,
    /// A polynomial in several generators where one was expected.
    #[error("more than one generator occurs")]
    NotUnivariate,
    /// An interval that should isolate one root of a polynomial does not.
    #[error("the interval does not isolate one root")]
    NotIsolating,
}
