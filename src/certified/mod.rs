//! The certified MPFR evaluator ([`enclose`], [`evaluate`]): exact where the value
//! is rational, otherwise outward-rounded intervals with Ziv's strategy, so every
//! printed digit is correct. Used by `eval --at`, the checker and the tests.

pub mod decimal;
mod erf;
pub mod error;
mod fuse;
pub mod interval;
pub mod mpfr;
mod power;
pub mod ziv;
pub use decimal::decimal_of_rational;
pub use error::EvalError;
pub use interval::{Arith, Interval};
pub use mpfr::enclose;
pub use ziv::{evaluate, evaluate_digits, evaluate_with, power_bits, Value, ZivLimits};
