//! Evaluation: exact where possible, MPFR interval arithmetic with certified digits.

// The certified MPFR evaluator (intervals with outward rounding, Ziv's strategy).
pub mod decimal;
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
pub use ziv::{evaluate, evaluate_with, Value, ZivLimits};
