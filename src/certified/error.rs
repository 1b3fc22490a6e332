//! The errors of evaluation: undefined points (certain), undecided enclosures (a
//! matter of precision), and mistakes in what was asked to be evaluated.

use crate::expr::LimitExceeded;
use crate::unfold::UnfoldError;

/// Why an expression could not be given a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The expression is certainly undefined at the point: an operation was applied
    /// outside its domain. The message names the operation and the offending value.
    #[error("{detail}")]
    Undefined {
        /// The operation, e.g. `"log"`, `"division"`, `"sqrt"`, `"power"`.
        op: &'static str,
        /// A full sentence, e.g. "log of 0 is undefined".
        detail: String,
    },
    /// The enclosures at the current precision cannot decide something (an operand
    /// interval touches a domain edge, or a condition's sides overlap). Internal to
    /// the precision loop: more bits may decide it.
    #[error("undecided at this precision")]
    Undecided,
    /// A variable has no value.
    #[error("the variable '{0}' has no value (give it one, e.g. --at {0}=1)")]
    UnboundVariable(String),
    /// An unevaluated derivative `diff(...)` was reached.
    #[error("diff(...) is not evaluated yet")]
    Diff,
    /// A call of a defined function was not unfolded before evaluation
    /// ([`unfold`](crate::unfold::unfold) does it; [`evaluate`](super::evaluate)
    /// calls it).
    #[error("the call of '{0}' must be unfolded before evaluation")]
    CallNotUnfolded(String),
    /// A call of a function that has no definition.
    #[error("unknown function '{0}'")]
    UnknownFunction(String),
    /// A truth value where a number is needed, or a number where a condition is.
    #[error("{0}")]
    Mistyped(&'static str),
    /// A value beyond MPFR's exponent range (about 10^±323228496): the value itself,
    /// or a value computed on the way to it, at every precision tried (an end of a
    /// wide enclosure may leave the range though the value would not).
    #[error("the value, or a value computed on the way to it, is beyond the representable range (about 10^±323228496) at every precision tried")]
    Overflow,
    /// The digits could not be pinned down (or a condition decided) within the
    /// maximum precision or time budget.
    #[error("could not certify the digits within {bits} bits of precision (the value may be exactly at a rounding boundary or a condition may be exactly on its edge)")]
    PrecisionExhausted {
        /// The highest precision tried, in bits.
        bits: u32,
    },
    /// The thread's deadline ([`crate::poly::budget`]: the caller's time limit)
    /// passed during the evaluation.
    #[error("the time limit was reached before the value was certified")]
    TimeLimit,
    /// The enclosure still holds 0 at the highest precision tried: the value may be
    /// exactly 0 or a tiny number of either sign, so no digit is certified.
    #[error("{detail}")]
    NotCertified {
        /// A full sentence with the bound on the value and the precision reached.
        detail: String,
    },
    /// The expression grew past the graph's limits while calls were unfolded or values
    /// substituted.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// The expression could not be unfolded (a `diff(...)` that cannot be taken).
    #[error(transparent)]
    Unfold(#[from] UnfoldError),
}

impl EvalError {
    /// An undefined-point error.
    pub(crate) fn undefined(op: &'static str, detail: impl Into<String>) -> Self {
        EvalError::Undefined {
            op,
            detail: detail.into(),
        }
    }

    /// How much an error says about the point, to pick one when several operands of
    /// a strict operation fail: a mistake in the expression first, then a certain
    /// undefined point, then a range problem, and last what more precision may fix.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            EvalError::Undecided
            | EvalError::TimeLimit
            | EvalError::PrecisionExhausted { .. }
            | EvalError::NotCertified { .. } => 0,
            EvalError::Overflow => 1,
            EvalError::Undefined { .. } => 2,
            EvalError::UnboundVariable(_)
            | EvalError::Diff
            | EvalError::CallNotUnfolded(_)
            | EvalError::UnknownFunction(_)
            | EvalError::Mistyped(_)
            | EvalError::Limit(_)
            | EvalError::Unfold(_) => 3,
        }
    }
}
