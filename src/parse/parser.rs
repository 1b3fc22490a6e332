//! The parser of one statement: its state (the graph, the text, the heads of the
//! text's definitions, the nesting depth), the helpers every level shares (offsets,
//! blanks, "expected ..." errors), and the statement level: definition heads,
//! definitions, claims with their `where` conditions, and the end of a statement.
//! The expression levels are in `levels.rs`.

use std::collections::HashMap;
use std::ops::Range;

use super::error::{ParseError, SyntaxError};
use super::{bindings, lex};
use super::{Claim, Relation, StatementKind, RESERVED};

/// The links of a claim after its left side: each relation and the side after it.
pub(super) type Links = Vec<(Relation, ExprId)>;

/// The relation of a claim at the start of `r`, with its length in bytes
/// (`!=` is not a claim relation: it is left for the error path).
fn relation_at(r: &str) -> Option<(Relation, usize)> {
    if r.starts_with("<=") {
        Some((Relation::Le, 2))
    } else if r.starts_with(">=") {
        Some((Relation::Ge, 2))
    } else if r.starts_with('<') {
        Some((Relation::Lt, 1))
    } else if r.starts_with('>') {
        Some((Relation::Gt, 1))
    } else if r.starts_with('=') {
        Some((Relation::Eq, 1))
    } else {
        None
    }
}
use crate::expr::{CmpOp, Definition, ExprId, Func, Graph, Origin};

/// A definition head seen in the first pass.
pub(super) struct Pending {
    pub(super) arity: usize,
    pub(super) name_span: Range<usize>,
}

/// `name(p1, p2) =` at the start of a statement.
pub(super) struct Head<'s> {
    pub(super) name: &'s str,
    pub(super) name_span: Range<usize>,
    pub(super) params: Vec<(&'s str, Range<usize>)>,
    pub(super) rest: &'s str,
}

pub(super) type PResult<'s, T> = Result<(&'s str, T), ParseError>;

/// The parser of one statement.
pub(super) struct Parser<'s, 'g> {
    pub(super) g: &'g mut Graph,
    pub(super) src: &'s str,
    /// The end of the current statement in `src`: every `rest` is a suffix of
    /// `src[..end]`, which gives offsets.
    pub(super) end: usize,
    pub(super) pending: &'g HashMap<String, Pending>,
    pub(super) depth: u32,
    /// While parsing a definition's body: its name and parameters.
    pub(super) params: Option<(String, Vec<String>)>,
    /// The names bound by the statement's `where name = expr` items, and their values.
    pub(super) bound: HashMap<&'s str, ExprId>,
}

/// Whether the text starts an operand (for the implicit-multiplication check).
pub(super) fn starts_operand(i: &str) -> bool {
    i.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '(')
        && !keyword_at(i, "where")
}

pub(super) fn keyword_at(i: &str, word: &str) -> bool {
    i.strip_prefix(word)
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

impl<'s, 'g> Parser<'s, 'g> {
    pub(super) fn new(
        g: &'g mut Graph,
        src: &'s str,
        end: usize,
        pending: &'g HashMap<String, Pending>,
    ) -> Self {
        Parser {
            g,
            src,
            end,
            pending,
            depth: 0,
            params: None,
            bound: HashMap::new(),
        }
    }

    pub(super) fn off(&self, rest: &str) -> usize {
        self.end - rest.len()
    }

    pub(super) fn span(&self, from: &str, to: &str) -> Range<usize> {
        self.off(from)..self.off(to)
    }

    /// Skips blanks, comments and (inside a statement, where they can only be inside
    /// parentheses) newlines.
    pub(super) fn ws(&self, mut i: &'s str) -> &'s str {
        loop {
            let next = lex::blank(i).trim_start_matches('\n');
            if next.len() == i.len() {
                return i;
            }
            i = next;
        }
    }

    /// A short description of what is at `i`, for error messages.
    pub(super) fn found(&self, i: &str) -> String {
        let i = self.ws(i);
        match i.chars().next() {
            None => "the end of the input".into(),
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                let tok: String = i
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    .collect();
                format!("'{tok}'")
            }
            Some(c) => format!("'{c}'"),
        }
    }

    pub(super) fn err_at<T>(
        &self,
        error: SyntaxError,
        at: &str,
        len: usize,
    ) -> Result<T, ParseError> {
        let s = self.off(at);
        Err(ParseError::new(error, s..s + len.min(at.len())))
    }

    pub(super) fn expected<T>(&self, what: &str, at: &'s str) -> Result<T, ParseError> {
        let at = self.ws(at);
        let len = at.chars().next().map_or(0, char::len_utf8);
        let len = match lex::ident(at) {
            Ok((r, _)) => at.len() - r.len(),
            Err(_) => len,
        };
        self.err_at(
            SyntaxError::Expected {
                expected: what.into(),
                found: self.found(at),
            },
            at,
            len,
        )
    }

    pub(super) fn is_function(&self, name: &str) -> bool {
        Func::from_name(name).is_some()
            || matches!(name, "sqrt" | "max" | "min" | "if" | "diff")
            || self.pending.contains_key(name)
            || self
                .g
                .find_symbol(name)
                .is_some_and(|s| self.g.defs().get(s).is_some())
    }

    /// Every function name known here, for suggestions.
    pub(super) fn known_functions(&self) -> Vec<String> {
        let mut names: Vec<String> = Func::ALL.iter().map(|f| f.name().to_owned()).collect();
        names.extend(["sqrt", "max", "min", "if", "diff"].map(String::from));
        names.extend(self.pending.keys().cloned());
        names.extend(self.g.defs().iter().map(|d| self.g.name(d.name).to_owned()));
        names
    }

    /// `name(p1, ..., pn) =` (not `==`), where `name` is not already a function:
    /// then the statement is a definition, otherwise a claim.
    pub(super) fn def_head(&self, i: &'s str) -> Option<Head<'s>> {
        let i = self.ws(i);
        let (r, name) = lex::ident(i).ok()?;
        if RESERVED.contains(&name) || Func::from_name(name).is_some() {
            return None;
        }
        let defined = self
            .g
            .find_symbol(name)
            .is_some_and(|s| self.g.defs().get(s).is_some());
        if defined {
            return None;
        }
        let name_span = self.span(i, r);
        let mut r = lex::symbol(self.ws(r), '(')?;
        let mut params = Vec::new();
        loop {
            let at = self.ws(r);
            let (r2, p) = lex::ident(at).ok()?;
            params.push((p, self.span(at, r2)));
            let r3 = self.ws(r2);
            if let Some(r4) = lex::symbol(r3, ',') {
                r = r4;
            } else {
                r = lex::symbol(r3, ')')?;
                break;
            }
        }
        let r = lex::symbol(self.ws(r), '=')?;
        if r.starts_with('=') {
            return None;
        }
        Some(Head {
            name,
            name_span,
            params,
            rest: r,
        })
    }

    /// One statement; returns its kind and, for a definition, the definition to
    /// register once the whole text has parsed.
    pub(super) fn statement(
        &mut self,
        i: &'s str,
        origin: &Origin,
    ) -> Result<(StatementKind, Option<Definition>), ParseError> {
        if let Some(head) = self.def_head(i) {
            let defines = self
                .pending
                .get(head.name)
                .is_none_or(|p| p.name_span == head.name_span);
            if defines {
                return self.definition(i, head, origin);
            }
        }
        // `... where s = ..., x > 0`: the bindings first (their names then stand for
        // their values), then the statement before `where` with the names in scope.
        let (body, clause) = bindings::split_where(i);
        let conditions = match clause {
            Some((_, after)) => self.where_clause(after)?,
            None => Vec::new(),
        };
        let body_end = self.end - (i.len() - body.len());
        let end = std::mem::replace(&mut self.end, body_end);
        let sides = self.sides(body);
        self.end = end;
        match sides? {
            (lhs, Some(mut links)) => {
                let (relation, rhs) = links.remove(0);
                Ok((
                    StatementKind::Claim(Claim {
                        lhs,
                        rhs,
                        conditions,
                        relation,
                        more: links,
                    }),
                    None,
                ))
            }
            (e, None) => match clause {
                Some((kw, _)) if !conditions.is_empty() => self.err_at(
                    SyntaxError::Binding {
                        reason: "a condition after 'where' needs a claim (L = R where ...); an expression takes only bindings name = expr".into(),
                    },
                    kw,
                    "where".len(),
                ),
                _ => Ok((StatementKind::Expr(e), None)),
            },
        }
    }

    /// `expr { REL expr }`, the whole text: an expression, or the sides of a claim
    /// (a chain `a < b <= c` is a conjunction of its links).
    pub(super) fn sides(&mut self, i: &'s str) -> Result<(ExprId, Option<Links>), ParseError> {
        let (mut r, lhs) = self.expr(i)?;
        let mut links: Links = Vec::new();
        loop {
            r = self.ws(r);
            let Some((rel, len)) = relation_at(r) else {
                break;
            };
            if rel == Relation::Eq && r[1..].starts_with('=') {
                let at = self.off(r);
                return Err(ParseError::new(
                    SyntaxError::Expected {
                        expected: "'=' in a claim".into(),
                        found: "'=='".into(),
                    },
                    at..at + 2,
                )
                .with_help("a claim is written with a single '=': L = R"));
            }
            let (r2, side) = self.expr(&r[len..])?;
            links.push((rel, side));
            r = r2;
        }
        self.finish(r)?;
        Ok((lhs, (!links.is_empty()).then_some(links)))
    }

    /// Checks that nothing is left of the statement.
    pub(super) fn finish(&self, r: &'s str) -> Result<(), ParseError> {
        let r = self.ws(r);
        if r.is_empty() {
            return Ok(());
        }
        if r.starts_with(['<', '>', '!']) {
            let len = if r[1..].starts_with('=') { 2 } else { 1 };
            return self.err_at(SyntaxError::StrayCondition, r, len);
        }
        if r.starts_with(')') {
            return self.err_at(
                SyntaxError::Expected {
                    expected: "the end of the statement".into(),
                    found: "an unmatched ')'".into(),
                },
                r,
                1,
            );
        }
        self.expected("an operator or the end of the statement", r)
    }

    pub(super) fn definition(
        &mut self,
        i: &'s str,
        head: Head<'s>,
        origin: &Origin,
    ) -> Result<(StatementKind, Option<Definition>), ParseError> {
        let mut names: Vec<String> = Vec::new();
        for (p, span) in &head.params {
            if RESERVED.contains(p) || self.is_function(p) {
                let err = if RESERVED.contains(p) {
                    SyntaxError::Reserved { name: (*p).into() }
                } else {
                    SyntaxError::FunctionAsValue {
                        name: (*p).into(),
                        params: "...".into(),
                    }
                };
                return Err(
                    ParseError::new(err, span.clone()).with_help("choose another parameter name")
                );
            }
            if names.iter().any(|n| n == p) {
                return Err(ParseError::new(
                    SyntaxError::DuplicateParameter { name: (*p).into() },
                    span.clone(),
                ));
            }
            names.push((*p).to_owned());
        }
        self.params = Some((head.name.to_owned(), names.clone()));
        let (r, body) = self.expr(head.rest)?;
        self.params = None;
        self.finish(r)?;
        let name = self.g.symbol(head.name);
        let params = names.iter().map(|n| self.g.symbol(n)).collect();
        let text = &i[i.len() - self.ws(i).len()..];
        let def = Definition {
            name,
            params,
            body,
            origin: origin.clone(),
            source: text.split_whitespace().collect::<Vec<_>>().join(" "),
            total: false,
            sign: crate::expr::SignInfo::Unknown,
            derives: false,
        };
        Ok((StatementKind::Definition(name), Some(def)))
    }

    /// `expr (< | <= | > | >= | !=) expr`.
    pub(super) fn condition(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let (r, lhs) = self.expr(i)?;
        let r = self.ws(r);
        let (op, len) = if r.starts_with("<=") {
            (CmpOp::Le, 2)
        } else if r.starts_with(">=") {
            (CmpOp::Ge, 2)
        } else if r.starts_with("!=") {
            (CmpOp::Ne, 2)
        } else if r.starts_with('<') {
            (CmpOp::Lt, 1)
        } else if r.starts_with('>') {
            (CmpOp::Gt, 1)
        } else {
            return self.expected("a comparison (<, <=, >, >=, !=)", r);
        };
        let (r, rhs) = self.expr(&r[len..])?;
        Ok((r, self.g.cmp(op, lhs, rhs)))
    }
}
