//! The tape as data: a compiled expression as a flat, inspectable list of
//! instructions over registers, and its listing.
//!
//! The listing (`Display`, printed by `--show-tape`) shows one instruction a line:
//! registers `r0..` hold hoisted constants first, then intermediate values (reused
//! by liveness); the last registers are the variables, read in place. A tape is
//! built by `compile.rs` and run by `tape_exec.rs`; `api.rs` has the public entry
//! points ([`Tape::compile`], [`Tape::eval_batch`], ...).

use std::fmt;

use super::dense::Dense;
use super::ops::UnaryOp;
use crate::expr::CmpOp;

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

/// A compiled expression: the variables in input order, the hoisted constants, the
/// instructions and the register of the result (see the [module](crate::fast)
/// documentation).
#[derive(Clone, Debug)]
pub struct Tape {
    pub(crate) vars: Vec<String>,
    pub(crate) consts: Vec<f64>,
    pub(crate) instrs: Vec<Instr>,
    pub(crate) nregs: u32,
    pub(crate) out: Reg,
    /// A network run as dense layers instead of the instructions (which are then
    /// empty): [`Tape::dense`](super::Tape::dense).
    pub(crate) dense: Option<Box<Dense>>,
}

impl Tape {
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
}

impl fmt::Display for Tape {
    /// The listing printed by `--show-tape`: inputs, constants, one instruction a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.dense {
            return write!(f, "{d}");
        }
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
