//! Unfolding: THE one step that reduces an expression to built-in operations, for
//! every pass that needs them (the evaluators, the prover, the piecewise analysis).
//!
//! [`unfold`] takes every `diff(e, v)` (symbolically, with the given [`Kink`] mode;
//! left-hand by default) and inlines every call of a defined function: a definition's
//! body has its own derivatives taken first, then its parameters replaced by the
//! arguments (`diff` binds its variable, so substituting first would change its
//! meaning). [`unfold_diffs`] takes the derivatives only (those inside the definitions
//! called included) and keeps the other calls by name, for passes that print them or
//! compile them to fused kernels.
//!
//! Failures are typed ([`UnfoldError`]): a derivative that cannot be taken, or a
//! graph that grows past its limits. Callers propagate them or report them; none
//! falls back to the expression as it was.
//!
//! ```
//! use actsym::{defs, diff::Kink, expr::Graph, print, unfold::unfold};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "diff(relu(x), x) + sigmoid(x)").unwrap();
//! let u = unfold(&mut g, e, Kink::Left).unwrap();
//! assert_eq!(print::text(&g, u), "if(x > 0, 1, 0) + 1/(1 + exp(-x))");
//! ```

use crate::defs;
use crate::diff::{self, DiffError, Kink};
use crate::expr::{ExprId, Graph, LimitExceeded, Node, Pass};

/// Why an expression could not be unfolded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnfoldError {
    /// A `diff(...)` (in the expression or in a definition's body) cannot be taken.
    #[error(transparent)]
    Diff(DiffError),
    /// The graph grew past one of its limits (while differentiating or inlining).
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
}

impl From<DiffError> for UnfoldError {
    /// A derivative that went past the graph's limits is a limit, wherever it was
    /// detected.
    fn from(e: DiffError) -> Self {
        match e {
            DiffError::Limit(l) => UnfoldError::Limit(l),
            other => UnfoldError::Diff(other),
        }
    }
}

/// `root` with every `diff(...)` taken (in `kink` mode) and every call of a defined
/// function inlined: only built-in operations remain (and calls of functions
/// without a definition, which later passes report).
///
/// # Errors
/// [`UnfoldError`]: a derivative that cannot be taken, or the graph's limits.
pub fn unfold(g: &mut Graph, root: ExprId, kink: Kink) -> Result<ExprId, UnfoldError> {
    // Unfolded once per graph (the certified evaluator unfolds on every call).
    let pass = Pass::Unfold(kink as u8);
    if let Some(e) = g.pass_result(pass, root) {
        g.within_limits()?;
        return Ok(e);
    }
    let e = unfold_uncached(g, root, kink)?;
    g.record_pass(pass, root, e);
    Ok(e)
}

fn unfold_uncached(g: &mut Graph, root: ExprId, kink: Kink) -> Result<ExprId, UnfoldError> {
    // Already unfolded (the evaluators are handed unfolded expressions again and
    // again): nothing to take or inline, and no walk that rebuilds every node.
    let pending = g
        .reachable(&[root])
        .into_iter()
        .any(|id| matches!(g.node(id), Node::Call(..) | Node::Diff(..)));
    if !pending {
        g.within_limits()?;
        return Ok(root);
    }
    let e = diff::take_diffs(g, root, kink)?;
    let e = defs::inline_with(g, e, &mut |g, def| {
        diff::take_diffs(g, def.body, kink).map(Some)
    })?;
    g.within_limits()?;
    Ok(e)
}

/// `root` with every `diff(...)` taken (in `kink` mode), those inside the
/// definitions it calls included: a call of a function that takes a derivative
/// ([`Definition::derives`](crate::expr::Definition::derives)) is inlined with its
/// body's derivatives taken in the same mode. Other calls keep their names.
///
/// # Errors
/// As [`unfold`].
pub fn unfold_diffs(g: &mut Graph, root: ExprId, kink: Kink) -> Result<ExprId, UnfoldError> {
    let pass = Pass::UnfoldDiffs(kink as u8);
    if let Some(e) = g.pass_result(pass, root) {
        g.within_limits()?;
        return Ok(e);
    }
    let e = diff::take_diffs(g, root, kink)?;
    let e = defs::inline_with(g, e, &mut |g, def| {
        if def.derives {
            diff::take_diffs(g, def.body, kink).map(Some)
        } else {
            Ok(None)
        }
    })?;
    g.within_limits()?;
    g.record_pass(pass, root, e);
    Ok(e)
}
