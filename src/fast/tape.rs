//! The tape: a compiled expression as a flat, inspectable list of instructions, and
//! the public API of the fast f64 evaluator.
//!
//! A tape is built by [`Tape::compile`] from an expression graph and an ordered list of
//! variables. It evaluates over slices of inputs in chunks of [`CHUNK`] lanes: each
//! instruction is a tight loop over a chunk, vectorised with AVX2 and FMA when the CPU
//! has them (detected at run time, no `-C target-cpu` needed) and with SSE2 otherwise.
//! Large inputs are split across threads ([`Tape::eval_batch_parallel`]). The batch,
//! single-point and multi-thread paths give the same bits for the same point.
//!
//! The listing (`Display`, printed by `--show-tape`) shows one instruction a line:
//! registers `r0..` hold hoisted constants first, then intermediate values (reused
//! by liveness); the last registers are the variables, read in place.
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

use std::fmt;

use crate::expr::{CmpOp, ExprId, Graph, Symbol};

use super::ops::UnaryOp;

/// The number of lanes one instruction processes at a time.
pub const CHUNK: usize = 256;

/// A register: one chunk of lanes. Registers `0..consts` hold the hoisted constants,
/// registers `consts..registers()` the intermediate values, and register
/// `registers() + i` is variable `i`, read in place from its input slice.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Reg(pub u32);

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// One instruction of a tape. Every instruction writes one register `dst` that is
/// distinct from its operands, lane by lane.
#[derive(Clone, PartialEq, Debug)]
pub enum Instr {
    /// `dst = k + c_1*t_1 + c_2*t_2 + ...`, summed left to right (sums, differences,
    /// negation and scaling by a constant).
    Lin {
        /// The destination.
        dst: Reg,
        /// The constant term.
        k: f64,
        /// The coefficients and registers of the terms, at least one.
        terms: Box<[(f64, Reg)]>,
    },
    /// `dst = a * b`.
    Mul {
        /// The destination.
        dst: Reg,
        /// The left factor.
        a: Reg,
        /// The right factor.
        b: Reg,
    },
    /// `dst = a / b`, NaN where `b = 0`.
    Div {
        /// The destination.
        dst: Reg,
        /// The numerator.
        a: Reg,
        /// The denominator.
        b: Reg,
    },
    /// `dst = a^n` for an integer `n` (repeated squaring), NaN for `a = 0`, `n < 0`.
    PowI {
        /// The destination.
        dst: Reg,
        /// The base.
        a: Reg,
        /// The exponent.
        n: i32,
    },
    /// `dst = sqrt(a)`, NaN for `a < 0`.
    Sqrt {
        /// The destination.
        dst: Reg,
        /// The argument.
        a: Reg,
    },
    /// `dst = a^p` for a constant non-integer `p`: defined for `a > 0` (and `a = 0`
    /// when `p > 0`).
    PowConst {
        /// The destination.
        dst: Reg,
        /// The base.
        a: Reg,
        /// The exponent.
        p: f64,
    },
    /// `dst = a^b` for a variable exponent: defined for `a > 0` (and `a = 0`, `b > 0`).
    PowVar {
        /// The destination.
        dst: Reg,
        /// The base.
        a: Reg,
        /// The exponent.
        b: Reg,
    },
    /// `dst = op(a)`, a fused kernel (see [`UnaryOp`]).
    Unary {
        /// The destination.
        dst: Reg,
        /// The kernel.
        op: UnaryOp,
        /// The argument.
        a: Reg,
    },
    /// `dst = op(c*a)` (or `op(a/c)` when `divide`), with the argument formed
    /// exactly as a double-double so that an exponential does not magnify its
    /// rounding (`sigmoid(1.5*x)` at `x = -432`).
    UnaryScaled {
        /// The destination.
        dst: Reg,
        /// The kernel (one with [`UnaryOp::takes_scaled`]).
        op: UnaryOp,
        /// The constant factor or divisor.
        c: f64,
        /// Whether the argument is `a/c` rather than `c*a`.
        divide: bool,
        /// The register scaled.
        a: Reg,
    },
    /// `sig = sigmoid(u)` and `deriv = sigmoid(u)*(1 - sigmoid(u))` from one
    /// exponential, with `u = c*a` (or `a/c` when `divide`) formed exactly; `c = 1`
    /// for a plain argument. Emitted when both are needed (derivatives of `swish`,
    /// compositions of `sigmoid`).
    SigmoidPair {
        /// Receives the sigmoid.
        sig: Reg,
        /// Receives its derivative.
        deriv: Reg,
        /// The register scaled.
        a: Reg,
        /// The constant factor or divisor.
        c: f64,
        /// Whether the argument is `a/c` rather than `c*a`.
        divide: bool,
    },
    /// `dst = max(a, b)`, exact; NaN if either is NaN.
    Max {
        /// The destination.
        dst: Reg,
        /// One operand.
        a: Reg,
        /// The other operand.
        b: Reg,
    },
    /// `dst = min(a, b)`, exact; NaN if either is NaN.
    Min {
        /// The destination.
        dst: Reg,
        /// One operand.
        a: Reg,
        /// The other operand.
        b: Reg,
    },
    /// `dst = (a op b)` as 1 or 0; NaN if either is NaN.
    Cmp {
        /// The destination.
        dst: Reg,
        /// The comparison.
        op: CmpOp,
        /// The left side.
        a: Reg,
        /// The right side.
        b: Reg,
    },
    /// `dst = if(cond, a, b)` per lane; NaN where `cond` is NaN.
    Select {
        /// The destination.
        dst: Reg,
        /// The condition (1 or 0).
        cond: Reg,
        /// The value where the condition holds.
        a: Reg,
        /// The value where it does not.
        b: Reg,
    },
}

impl Instr {
    /// Renames every register of the instruction.
    pub(crate) fn map_regs(&mut self, f: impl Fn(Reg) -> Reg) {
        match self {
            Instr::Lin { dst, terms, .. } => {
                *dst = f(*dst);
                for t in terms.iter_mut() {
                    t.1 = f(t.1);
                }
            }
            Instr::Mul { dst, a, b }
            | Instr::Div { dst, a, b }
            | Instr::PowVar { dst, a, b }
            | Instr::Max { dst, a, b }
            | Instr::Min { dst, a, b }
            | Instr::Cmp { dst, a, b, .. } => {
                *dst = f(*dst);
                *a = f(*a);
                *b = f(*b);
            }
            Instr::PowI { dst, a, .. }
            | Instr::Sqrt { dst, a }
            | Instr::PowConst { dst, a, .. }
            | Instr::Unary { dst, a, .. }
            | Instr::UnaryScaled { dst, a, .. } => {
                *dst = f(*dst);
                *a = f(*a);
            }
            Instr::SigmoidPair { sig, deriv, a, .. } => {
                *sig = f(*sig);
                *deriv = f(*deriv);
                *a = f(*a);
            }
            Instr::Select { dst, cond, a, b } => {
                *dst = f(*dst);
                *cond = f(*cond);
                *a = f(*a);
                *b = f(*b);
            }
        }
    }

    /// The register this instruction writes (the first one, for a pair).
    #[must_use]
    pub fn dst(&self) -> Reg {
        match self {
            Instr::Lin { dst, .. }
            | Instr::Mul { dst, .. }
            | Instr::Div { dst, .. }
            | Instr::PowI { dst, .. }
            | Instr::Sqrt { dst, .. }
            | Instr::PowConst { dst, .. }
            | Instr::PowVar { dst, .. }
            | Instr::Unary { dst, .. }
            | Instr::UnaryScaled { dst, .. }
            | Instr::SigmoidPair { sig: dst, .. }
            | Instr::Max { dst, .. }
            | Instr::Min { dst, .. }
            | Instr::Cmp { dst, .. }
            | Instr::Select { dst, .. } => *dst,
        }
    }
}

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Instr::Lin { dst, k, terms } => {
                write!(f, "{dst} = ")?;
                let mut first = true;
                if *k != 0.0 {
                    write!(f, "{k:?}")?;
                    first = false;
                }
                for (c, r) in terms.iter() {
                    let sep = if first { "" } else { " + " };
                    first = false;
                    if *c == 1.0 {
                        write!(f, "{sep}{r}")?;
                    } else {
                        write!(f, "{sep}{c:?}*{r}")?;
                    }
                }
                Ok(())
            }
            Instr::Mul { dst, a, b } => write!(f, "{dst} = {a} * {b}"),
            Instr::Div { dst, a, b } => write!(f, "{dst} = {a} / {b}"),
            Instr::PowI { dst, a, n } => write!(f, "{dst} = {a}^{n}"),
            Instr::Sqrt { dst, a } => write!(f, "{dst} = sqrt {a}"),
            Instr::PowConst { dst, a, p } => write!(f, "{dst} = {a}^{p:?}"),
            Instr::PowVar { dst, a, b } => write!(f, "{dst} = {a}^{b}"),
            Instr::Unary { dst, op, a } => write!(f, "{dst} = {} {a}", op.name()),
            Instr::UnaryScaled {
                dst,
                op,
                c,
                divide,
                a,
            } => {
                if *divide {
                    write!(f, "{dst} = {}({a}/{c:?})", op.name())
                } else {
                    write!(f, "{dst} = {}({c:?}*{a})", op.name())
                }
            }
            Instr::SigmoidPair {
                sig,
                deriv,
                a,
                c,
                divide,
            } => {
                let arg = match (*c == 1.0, *divide) {
                    (true, false) => format!("{a}"),
                    (_, true) => format!("{a}/{c:?}"),
                    (_, false) => format!("{c:?}*{a}"),
                };
                write!(f, "{sig}, {deriv} = sigmoid, sigmoid_deriv({arg})")
            }
            Instr::Max { dst, a, b } => write!(f, "{dst} = max {a} {b}"),
            Instr::Min { dst, a, b } => write!(f, "{dst} = min {a} {b}"),
            Instr::Cmp { dst, op, a, b } => write!(f, "{dst} = {a} {} {b}", op.as_str()),
            Instr::Select { dst, cond, a, b } => write!(f, "{dst} = if {cond} then {a} else {b}"),
        }
    }
}

/// Why an expression could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// A variable that is not in the variable list.
    #[error("unknown variable `{0}`")]
    UnknownVariable(String),
    /// A call of a function that is neither defined nor built in.
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// A call with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s), got {found}")]
    Arity {
        /// The function.
        name: String,
        /// Its number of parameters.
        expected: usize,
        /// The number of arguments given.
        found: usize,
    },
    /// A node the fast evaluator does not handle.
    #[error("the fast evaluator cannot compile {0}")]
    Unsupported(&'static str),
    /// A `diff(...)` of an expression with a kink or branch in the variable: its
    /// derivative follows the symbolic side's left-hand convention, so expand it
    /// first with [`crate::diff::expand_diffs`] (as [`Tape::compile_expanding`] does).
    #[error("diff(...) of an expression with kinks or branches must be differentiated symbolically first")]
    NonSmoothDiff,
    /// The symbolic derivative failed (see [`crate::diff::DiffError`]).
    #[error("{0}")]
    Derivative(String),
    /// Definitions nested deeper than the compiler follows.
    #[error("function definitions nested deeper than {0} levels")]
    TooDeep(u32),
}

/// Why a tape could not evaluate the given slices.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The number of input slices differs from the number of variables.
    #[error("expected {expected} input(s), got {found}")]
    InputCount {
        /// The number of variables of the tape.
        expected: usize,
        /// The number of slices given.
        found: usize,
    },
    /// An input slice is shorter or longer than the output.
    #[error("input {index} has {found} values, the output has {expected}")]
    InputLength {
        /// The variable's index.
        index: usize,
        /// The output length.
        expected: usize,
        /// The input's length.
        found: usize,
    },
}

/// A compiled expression (see the module documentation).
#[derive(Clone, Debug)]
pub struct Tape {
    pub(crate) vars: Vec<String>,
    pub(crate) consts: Vec<f64>,
    pub(crate) instrs: Vec<Instr>,
    pub(crate) nregs: u32,
    pub(crate) out: Reg,
}

impl Tape {
    /// Compiles `root` as a function of `vars` (in this order: input `i` of
    /// [`eval_batch`](Tape::eval_batch) is `vars[i]`). Calls of prelude functions
    /// become fused kernels; other calls are inlined from their definitions.
    /// Errors: a free variable not in `vars`, an unknown function, a wrong arity, an
    /// unevaluated `diff`.
    pub fn compile(g: &Graph, root: ExprId, vars: &[Symbol]) -> Result<Tape, CompileError> {
        super::compile::compile(g, root, vars)
    }

    /// [`Tape::compile`], and where a `diff(...)` inside `root` has a kink or branch
    /// in its variable ([`CompileError::NonSmoothDiff`]), differentiates symbolically
    /// first (left-hand derivative at kinks, as everywhere in actsym) and compiles
    /// that.
    ///
    /// # Errors
    /// Those of [`Tape::compile`], and a failed symbolic derivative as
    /// [`CompileError::Derivative`].
    pub fn compile_expanding(
        g: &mut Graph,
        root: ExprId,
        vars: &[Symbol],
    ) -> Result<Tape, CompileError> {
        match Tape::compile(g, root, vars) {
            Err(CompileError::NonSmoothDiff) => {
                let e = crate::diff::expand_diffs(g, root, crate::diff::Kink::Left)
                    .map_err(|e| CompileError::Derivative(e.to_string()))?;
                Tape::compile(g, e, vars)
            }
            other => other,
        }
    }

    /// The names of the variables, in input order.
    #[must_use]
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// The hoisted constants; constant `i` lives in register `i`.
    #[must_use]
    pub fn constants(&self) -> &[f64] {
        &self.consts
    }

    /// The instructions, in execution order.
    #[must_use]
    pub fn instructions(&self) -> &[Instr] {
        &self.instrs
    }

    /// The number of registers (constants included).
    #[must_use]
    pub fn registers(&self) -> usize {
        self.nregs as usize
    }

    /// The register holding the result.
    #[must_use]
    pub fn output(&self) -> Reg {
        self.out
    }

    /// Checks the shapes of a batch call.
    fn check(&self, inputs: &[&[f64]], n: usize) -> Result<(), EvalError> {
        if inputs.len() != self.vars.len() {
            return Err(EvalError::InputCount {
                expected: self.vars.len(),
                found: inputs.len(),
            });
        }
        for (index, x) in inputs.iter().enumerate() {
            if x.len() != n {
                return Err(EvalError::InputLength {
                    index,
                    expected: n,
                    found: x.len(),
                });
            }
        }
        Ok(())
    }

    /// Evaluates at `out.len()` points on this thread: point `j` has variable `i`
    /// equal to `inputs[i][j]`.
    pub fn eval_batch(&self, inputs: &[&[f64]], out: &mut [f64]) -> Result<(), EvalError> {
        self.check(inputs, out.len())?;
        super::tape_exec::run(self, inputs, out);
        Ok(())
    }

    /// Like [`eval_batch`](Tape::eval_batch), split across all cores when there are at
    /// least [`PARALLEL_THRESHOLD`](super::tape_exec::PARALLEL_THRESHOLD) points.
    /// The results are bit-for-bit those of `eval_batch`.
    pub fn eval_batch_parallel(&self, inputs: &[&[f64]], out: &mut [f64]) -> Result<(), EvalError> {
        self.check(inputs, out.len())?;
        super::tape_exec::run_parallel(self, inputs, out);
        Ok(())
    }

    /// Evaluates at one point (`point[i]` is variable `i`), with the same bits as the
    /// batch paths.
    pub fn eval_point(&self, point: &[f64]) -> Result<f64, EvalError> {
        let inputs: Vec<&[f64]> = point.iter().map(std::slice::from_ref).collect();
        let mut out = [0.0];
        self.eval_batch(&inputs, &mut out)?;
        Ok(out[0])
    }
}

impl fmt::Display for Tape {
    /// The listing printed by `--show-tape`: inputs, constants, one instruction a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "# tape: {} input(s), {} constant(s), {} instruction(s), {} register(s)",
            self.vars.len(),
            self.consts.len(),
            self.instrs.len(),
            self.nregs
        )?;
        for (i, v) in self.vars.iter().enumerate() {
            writeln!(
                f,
                "# r{} = {v} (input {i}, read in place)",
                self.nregs as usize + i
            )?;
        }
        for (i, c) in self.consts.iter().enumerate() {
            writeln!(f, "r{i} = const {c:?}")?;
        }
        for ins in &self.instrs {
            writeln!(f, "{ins}")?;
        }
        writeln!(f, "out {}", self.out)
    }
}
