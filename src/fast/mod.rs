//! The compiled fast evaluator: an expression lowered to a [`Tape`], a flat list of
//! instructions run over batches of `f64`. Used for grids, plots and fuzzing; its
//! error is measured against the certified MPFR evaluator.
//!
//! A tape is built by [`Tape::compile`] from an expression graph and an ordered list of
//! variables. It evaluates over slices of inputs in chunks of [`CHUNK`] lanes: each
//! instruction is a tight loop over a chunk, vectorised with AVX2 and FMA when the CPU
//! has them (detected at run time, no `-C target-cpu` needed) and with SSE2 otherwise.
//! Large inputs are split across threads ([`Tape::eval_batch_parallel`]). The batch,
//! single-point and multi-thread paths give the same bits for the same point, and a
//! constant the compiler folds has the bits the tape would compute (one function per
//! operation serves both).
//!
//! Values: an undefined point (`log(0)`, `1/0`, `sqrt(-1)`, a `max` with an undefined
//! operand, ...) evaluates to NaN. NaN is the fast evaluator's internal marker for
//! "undefined" (or for an intermediate overflow such as `inf - inf`); callers report it
//! as undefined and never print it as a value. `if(c, a, b)` picks per lane, so an
//! undefined value in the branch not taken does not leak.
//!
//! ```
//! use actsym::expr::Graph;
//! use actsym::fast::Tape;
//!
//! let mut g = Graph::new();
//! let x = g.var("x");
//! let sigmoid = g.symbol("sigmoid");
//! let s = g.call(sigmoid, vec![x]);
//! let e = g.mul(vec![x, s]); // x*sigmoid(x), the SiLU
//! let xs = g.symbol("x");
//! let tape = Tape::compile(&g, e, &[xs]).unwrap();
//! print!("{tape}"); // the instruction listing (`--show-tape`)
//!
//! let inputs = [-800.0, 0.0, 2.0];
//! let mut out = [0.0; 3];
//! tape.eval_batch(&[&inputs], &mut out).unwrap();
//! assert_eq!(out[0], 0.0); // -800*sigmoid(-800) underflows to 0: no NaN, no overflow
//! assert!((out[2] - 2.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
//! assert_eq!(tape.eval_point(&[2.0]).unwrap(), out[2]);
//! ```
//!
//! The files, lowest first (each imports only files above it in this list):
//! `kernels/` the lane kernels; `ops.rs` the one scalar meaning of each operation;
//! `error.rs`; `tape_ir.rs` the compiler's hash-consed intermediate form;
//! `tape_prelude.rs` and `tape_diff.rs` lowering prelude calls and `diff(...)` into
//! it; `tape.rs` the tape as data; `compile.rs` graph -> intermediate form -> tape;
//! `tape_exec.rs` running a tape; `api.rs` the public entry points.

mod api;
mod compile;
mod dense;
mod error;
pub mod kernels;
mod ops;
mod tape;
mod tape_diff;
mod tape_exec;
mod tape_ir;
mod tape_prelude;
#[cfg(test)]
mod tests;

pub use dense::{Dense, DenseActivation, DenseLayer, LANES};
pub use error::{CompileError, InputError};
pub use ops::UnaryOp;
pub use tape::{Instr, Reg, Tape, CHUNK};
pub use tape_exec::PARALLEL_THRESHOLD;
