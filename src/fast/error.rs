//! The fast evaluator's errors, distinct from the certified evaluator's `EvalError`:
//! [`CompileError`] (the expression cannot be compiled into a tape) and
//! [`InputError`] (the slices given to a tape do not fit it). A tape never fails at
//! a point: where the expression is undefined, its output is NaN.

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
    /// derivative follows the symbolic side's left-hand convention, so unfold it
    /// first with [`crate::unfold::unfold_diffs`] (as
    /// [`Tape::compile_unfolding`](crate::fast::Tape::compile_unfolding) does).
    #[error("diff(...) of an expression with kinks or branches must be differentiated symbolically first")]
    NonSmoothDiff,
    /// The symbolic derivative failed.
    #[error(transparent)]
    Unfold(#[from] crate::unfold::UnfoldError),
    /// Definitions nested deeper than the compiler follows.
    #[error("function definitions nested deeper than {0} levels")]
    TooDeep(u32),
}

/// Why a tape could not evaluate the given slices.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
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
