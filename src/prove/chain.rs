//! Derivation chains, the input of `actsym prove FILE`:
//!
//! ```text
//! # tanh in terms of sigmoid
//! claim: tanh(x) + 1 = 2*sigmoid(2*x)
//! = (exp(2*x) - 1)/(exp(2*x) + 1) + 1   by tanh in exponentials
//! = 2*exp(2*x)/(exp(2*x) + 1)
//! = 2/(1 + exp(-2*x))                   by dividing by exp(2*x)
//! = 2*sigmoid(2*x)                      by definition of sigmoid
//! ```
//!
//! Definitions may come before the claim. Each `= expr [by reason]` line is one step
//! from the previous expression (the claim's left side first); the last expression
//! must be the claim's right side. Steps may also be inequalities (`<= expr`, `< expr`,
//! `>= expr`, `> expr`): the chain then shows the relation its steps compose to
//! ([`Relation::compose`]: `a = b <= c < d` shows `a < d`), which must give the
//! claim's.

use std::ops::Range;

use crate::defs::{self, Origin};
use crate::expr::{ExprId, Graph};
use crate::parse::{Claim, ParseError, Relation, StatementKind, SyntaxError};

/// One step of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    /// The relation of the step to the previous expression (`=`, or `<=`, `<`, `>=`,
    /// `>` in a chain of inequalities).
    pub relation: Relation,
    /// The expression the step arrives at.
    pub expr: ExprId,
    /// The reason given after `by`, if any.
    pub reason: Option<String>,
    /// The line's byte span in the file.
    pub span: Range<usize>,
}

/// A claim and the chain of steps that derives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The claim.
    pub claim: Claim,
    /// The claim line's span.
    pub claim_span: Range<usize>,
    /// The steps, in order.
    pub steps: Vec<ChainStep>,
}

fn shift(mut e: ParseError, by: usize) -> ParseError {
    e.span = e.span.start + by..e.span.end + by;
    e
}

/// Parses `piece`, which starts at byte `at` of `src`, so that positions are those
/// of the file: the spans, and the line and column that messages quote (`')' to
/// close the '(' at 3:5`). The piece is parsed after as many newlines and spaces as
/// put it at its line and column.
fn parse_in_place<T>(
    src: &str,
    at: usize,
    piece: &str,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let line_start = src[..at].rfind('\n').map_or(0, |p| p + 1);
    let newlines = src[..line_start].matches('\n').count();
    let columns = src[line_start..at].chars().count();
    let mut padded = String::with_capacity(newlines + columns + piece.len());
    padded.extend(std::iter::repeat_n('\n', newlines));
    padded.extend(std::iter::repeat_n(' ', columns));
    padded.push_str(piece);
    // The padding is never longer than the text it stands for.
    let delta = at - (newlines + columns);
    parse(&padded).map_err(|e| shift(e, delta))
}

/// Splits `expr   by reason` at the first ` by ` outside parentheses (the reason may
/// itself say "by").
#[must_use]
pub fn split_reason(text: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    let bytes = text.as_bytes();
    let mut found = None;
    for (k, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'b' if depth == 0
                && text[k..].starts_with("by")
                && k > 0
                && bytes[k - 1].is_ascii_whitespace()
                && bytes.get(k + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                found = Some(k);
                break;
            }
            _ => {}
        }
    }
    match found {
        Some(k) => (&text[..k], Some(text[k + 2..].trim())),
        None => (text, None),
    }
}

/// The relation a step line starts with, and the rest of the line.
fn step_relation(line: &str) -> Option<(Relation, &str)> {
    for (prefix, rel) in [
        ("<=", Relation::Le),
        (">=", Relation::Ge),
        ("<", Relation::Lt),
        (">", Relation::Gt),
        ("=", Relation::Eq),
    ] {
        if let Some(rest) = line.strip_prefix(prefix) {
            return Some((rel, rest));
        }
    }
    None
}

/// The relation a chain's steps show between the claim's left side and the last
/// step's expression, or `None` when steps point opposite ways.
#[must_use]
pub fn chain_relation(steps: &[ChainStep]) -> Option<Relation> {
    steps
        .iter()
        .try_fold(Relation::Eq, |acc, s| acc.compose(s.relation))
}

/// Whether a chain showing `shown` proves a claim with relation `claimed`
/// (`a < d` gives `a <= d`, never the other way).
#[must_use]
pub fn implies(shown: Relation, claimed: Relation) -> bool {
    use Relation::{Eq, Ge, Gt, Le, Lt};
    matches!(
        (shown, claimed),
        (Eq, Eq | Le | Ge) | (Le, Le) | (Lt, Lt | Le) | (Ge, Ge) | (Gt, Gt | Ge)
    )
}

/// Reads a derivation chain.
pub fn parse_chain(g: &mut Graph, src: &str, name: &str) -> Result<Chain, ParseError> {
    let mut claim: Option<(Claim, Range<usize>)> = None;
    let mut steps = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let code = body.split('#').next().unwrap_or("");
        let trimmed = code.trim_start();
        let lead = code.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            continue;
        }
        let span = start + lead..start + code.trim_end().len();
        if let Some(rest) = trimmed.strip_prefix("claim:") {
            if claim.is_some() {
                return Err(ParseError::new(
                    SyntaxError::WrongStatement {
                        expected: "one claim per file",
                        found: "a second claim",
                    },
                    span,
                ));
            }
            let at = start + lead + "claim:".len();
            let stmts = parse_in_place(src, at, rest, |t| {
                defs::parse_source(g, t, Origin::User(name.into()))
            })?;
            match stmts.as_slice() {
                [s] => match &s.kind {
                    StatementKind::Claim(c) => claim = Some((c.clone(), span)),
                    _ => {
                        return Err(ParseError::new(
                            SyntaxError::WrongStatement {
                                expected: "a claim after 'claim:'",
                                found: "something else",
                            },
                            span,
                        ))
                    }
                },
                _ => {
                    return Err(ParseError::new(
                        SyntaxError::WrongStatement {
                            expected: "one claim after 'claim:'",
                            found: "several statements",
                        },
                        span,
                    ))
                }
            }
        } else if let Some((relation, rest)) = step_relation(trimmed) {
            if claim.is_none() {
                return Err(ParseError::new(
                    SyntaxError::WrongStatement {
                        expected: "a 'claim:' line before the steps",
                        found: "a step",
                    },
                    span,
                ));
            }
            let (expr_text, reason) = split_reason(rest);
            let at = start + lead + relation.symbol().len();
            let expr = parse_in_place(src, at, expr_text, |t| defs::parse_expr(g, t))?;
            steps.push(ChainStep {
                relation,
                expr,
                reason: reason.map(str::to_owned),
                span,
            });
        } else if claim.is_none() {
            // Definitions before the claim.
            let stmts = parse_in_place(src, start, code, |t| {
                defs::parse_source(g, t, Origin::User(name.into()))
            })?;
            if stmts
                .iter()
                .any(|s| !matches!(s.kind, StatementKind::Definition(_)))
            {
                return Err(ParseError::new(
                    SyntaxError::WrongStatement {
                        expected: "definitions, a 'claim:' line, or '= expr' steps",
                        found: "another statement",
                    },
                    span,
                ));
            }
        } else {
            return Err(ParseError::new(
                SyntaxError::WrongStatement {
                    expected: "a step '= expr [by reason]'",
                    found: "another line",
                },
                span,
            ));
        }
    }
    let Some((claim, claim_span)) = claim else {
        return Err(ParseError::new(
            SyntaxError::WrongStatement {
                expected: "a 'claim:' line",
                found: "none",
            },
            src.len()..src.len(),
        ));
    };
    Ok(Chain {
        claim,
        claim_span,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_parse_with_reasons_and_spans() {
        let mut g = Graph::with_prelude();
        let src = "# demo\nsq(x) = x^2\nclaim: sq(x + 1) = x^2 + 2*x + 1\n= (x + 1)^2   by definition of sq\n= x^2 + 2*x + 1 # expand\n";
        let chain = parse_chain(&mut g, src, "demo.prove").unwrap();
        assert_eq!(chain.steps.len(), 2);
        assert_eq!(chain.steps[0].reason.as_deref(), Some("definition of sq"));
        assert_eq!(&src[chain.steps[1].span.clone()], "= x^2 + 2*x + 1");
        let bad = "claim: x = x\n= 2x\n";
        let e = parse_chain(&mut g, bad, "bad").unwrap_err();
        assert_eq!(e.line_col(bad), (2, 3));
        // The position a message quotes is the file's, as the caret's is.
        let open = "claim: x = x\n= (x + 1\n";
        let e = parse_chain(&mut g, open, "open").unwrap_err();
        assert_eq!(e.line_col(open), (2, 9));
        assert!(e.to_string().contains("'(' at 2:3"), "{e}");
        let ineq = "claim: a < d\n= b\n<= c   by a reason\n< d\n";
        let chain = parse_chain(&mut g, ineq, "ineq").unwrap();
        let rels: Vec<Relation> = chain.steps.iter().map(|s| s.relation).collect();
        assert_eq!(rels, [Relation::Eq, Relation::Le, Relation::Lt]);
        assert_eq!(chain_relation(&chain.steps), Some(Relation::Lt));
        assert_eq!(chain.steps[1].reason.as_deref(), Some("a reason"));
        assert!(implies(Relation::Lt, Relation::Le) && !implies(Relation::Le, Relation::Lt));
        assert!(!implies(Relation::Eq, Relation::Lt) && implies(Relation::Eq, Relation::Ge));
        let mixed = "claim: a < d\n<= b\n>= d\n";
        let chain = parse_chain(&mut g, mixed, "mixed").unwrap();
        assert_eq!(chain_relation(&chain.steps), None);
        let claim = "\n  claim: x = (x\n";
        let e = parse_chain(&mut g, claim, "claim").unwrap_err();
        assert!(e.to_string().contains("'(' at 2:14"), "{e}");
    }
}
