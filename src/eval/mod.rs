//! Evaluation, in two engines.
//!
//! - The certified MPFR evaluator ([`enclose`], [`evaluate`]): exact where the value
//!   is rational, otherwise outward-rounded intervals with Ziv's strategy, so every
//!   printed digit is correct. Used by `eval --at`, the checker and the tests.
//! - The compiled fast evaluator ([`Tape`]): the graph lowered to a flat instruction
//!   list, run over batches of `f64` with SIMD kernels chosen at run time. Used for
//!   grids, plots and fuzzing; its error is measured against MPFR.

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

// The compiled fast f64 evaluator (graph -> tape -> batch SIMD kernels).
mod compile;
pub mod kernels;
pub mod tape;
mod tape_diff;
mod tape_exec;
mod tape_ir;
mod tape_prelude;
pub use tape::EvalError as TapeError;
pub use tape::{CompileError, Instr, Reg, Tape, UnaryOp, CHUNK};
pub use tape_exec::PARALLEL_THRESHOLD;
