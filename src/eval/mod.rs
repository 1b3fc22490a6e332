//! Evaluation: exact where possible, MPFR interval arithmetic with certified digits.

mod compile;
pub mod kernels;
pub mod tape;
mod tape_exec;
mod tape_ir;
mod tape_prelude;

pub use tape::{CompileError, EvalError, Instr, Reg, Tape, UnaryOp, CHUNK};
pub use tape_exec::PARALLEL_THRESHOLD;
