//! The parser (stub).
use crate::defs::Origin;
use crate::expr::{ExprId, Graph, Symbol};
use std::ops::Range;

/// A parse error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What went wrong.
    pub message: String,
    /// Byte span.
    pub span: Range<usize>,
    /// A hint.
    pub help: Option<String>,
}

/// A claim.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Left side.
    pub lhs: ExprId,
    /// Right side.
    pub rhs: ExprId,
    /// Conditions.
    pub conditions: Vec<ExprId>,
}

/// A statement.
#[derive(Debug, Clone)]
pub enum Statement {
    /// def
    Definition(Symbol),
    /// claim
    Claim(Claim),
    /// expr
    Expr(ExprId),
}

/// Parses.
pub fn parse_source(
    g: &mut Graph,
    src: &str,
    origin: Origin,
) -> Result<Vec<Statement>, ParseError> {
    let _ = (g, src, origin);
    Ok(vec![])
}

/// Parses an expression.
pub fn parse_expr(g: &mut Graph, src: &str) -> Result<ExprId, ParseError> {
    let _ = src;
    Ok(g.int(0))
}
