//! The compiled fast evaluator ([`Tape`]): the graph lowered to a flat instruction
//! list, run over batches of `f64` with SIMD kernels chosen at run time. Used for
//! grids, plots and fuzzing; its error is measured against the certified MPFR
//! evaluator.

mod compile;
pub mod kernels;
mod ops;
pub mod tape;
mod tape_diff;
mod tape_exec;
mod tape_ir;
mod tape_prelude;
#[cfg(test)]
mod tests;
pub use ops::UnaryOp;
pub use tape::EvalError as TapeError;
pub use tape::{CompileError, Instr, Reg, Tape, CHUNK};
pub use tape_exec::PARALLEL_THRESHOLD;
