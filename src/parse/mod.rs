//! The parser: source text → statements over the expression graph.
//!
//! One function per grammar level of DESIGN.md §1 (`statement`, `sum`, `product`,
//! `unary`, `power`, `postfix`), reading tokens with nom (`lex`). Nodes are built
//! directly through the graph's smart constructors, so parsing the same text twice
//! gives the same ids. Errors carry byte spans ([`ParseError`]); the parser never
//! panics, and nesting deeper than [`MAX_NESTING`] or input larger than
//! [`MAX_INPUT_BYTES`] is an error, not a stack overflow.
//!
//! ```
//! use actsym::{expr::Graph, parse};
//! let mut g = Graph::with_prelude();
//! let a = parse::parse_expr(&mut g, "x*sigmoid(x)").unwrap();
//! let b = parse::parse_expr(&mut g, "sigmoid(x) * x").unwrap();
//! assert_eq!(a, b);
//! ```

mod bindings;
mod error;
mod lex;

use std::collections::HashMap;
use std::ops::Range;

pub use error::{function_hint, line_col, nearest, unicode_hint, ParseError, SyntaxError};

use crate::defs::{Definition, Origin};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};
use lex::NumberError;

/// The deepest nesting of parentheses, unary minus, powers and calls accepted.
pub const MAX_NESTING: u32 = 8_000;
/// The largest source text accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Words the language reserves: they cannot name variables or functions.
pub const RESERVED: [&str; 8] = [
    "where",
    "if",
    "diff",
    "pi",
    "undefined",
    "sqrt",
    "max",
    "min",
];

/// A claim `lhs = rhs [where cond, ...]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The left side.
    pub lhs: ExprId,
    /// The right side.
    pub rhs: ExprId,
    /// The conditions after `where` (comparison nodes), all of which must hold.
    pub conditions: Vec<ExprId>,
}

/// What a statement is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// A function definition, already registered in the graph's definitions.
    Definition(Symbol),
    /// A claim.
    Claim(Claim),
    /// An expression.
    Expr(ExprId),
}

/// One statement of a source text, with its byte span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// What it is.
    pub kind: StatementKind,
    /// Where it is in the source.
    pub span: Range<usize>,
}

/// Parses a whole source text: definitions, claims and expressions separated by
/// newlines or `;`. Definitions in the text may call each other in any order (but
/// not in a cycle); they are registered in `g.defs` once the whole text parsed.
pub fn parse_source(
    g: &mut Graph,
    src: &str,
    origin: Origin,
) -> Result<Vec<Statement>, ParseError> {
    if src.len() > MAX_INPUT_BYTES {
        return Err(ParseError::new(
            SyntaxError::TooLarge {
                size: src.len(),
                limit: MAX_INPUT_BYTES,
            },
            0..0,
        ));
    }
    // Unicode symbols with a same-length ASCII form (`≤`, `·`, `π`) are read as it.
    let ascii = lex::ascii_equivalents(src);
    let src: &str = &ascii;
    let ranges = lex::statements(src);
    // First pass: the heads of this text's definitions, so bodies may call
    // functions defined further down.
    let mut pending: HashMap<String, Pending> = HashMap::new();
    for r in &ranges {
        let p = Parser::new(g, src, r.end, &pending);
        let Some(head) = p.def_head(&src[r.start..r.end]) else {
            continue;
        };
        // The first `f(x) = ...` of a new name defines it; later ones are claims.
        if pending.contains_key(head.name) {
            continue;
        }
        pending.insert(
            head.name.to_owned(),
            Pending {
                arity: head.params.len(),
                name_span: head.name_span,
            },
        );
    }
    let mut statements = Vec::with_capacity(ranges.len());
    let mut defs: Vec<(Definition, Range<usize>)> = Vec::new();
    for r in ranges {
        let mut p = Parser::new(g, src, r.end, &pending);
        let (kind, def) = p.statement(&src[r.start..r.end], &origin)?;
        if let Some(def) = def {
            defs.push((def, r.clone()));
        }
        statements.push(Statement { kind, span: r });
    }
    check_cycles(g, &defs)?;
    // Register in dependency order (callees first), refreshing node facts after each
    // round, so a body's calls know their callees are defined everywhere.
    let added = !defs.is_empty();
    let file_order: Vec<Symbol> = defs.iter().map(|(d, _)| d.name).collect();
    let mut remaining = defs;
    while !remaining.is_empty() {
        let names: Vec<Symbol> = remaining.iter().map(|(d, _)| d.name).collect();
        let (ready, waiting): (Vec<_>, Vec<_>) = remaining.into_iter().partition(|(d, _)| {
            g.reachable(&[d.body])
                .into_iter()
                .all(|id| match g.node(id) {
                    Node::Call(f, _) => !names.contains(f) || *f == d.name,
                    _ => true,
                })
        });
        if ready.is_empty() {
            // Unreachable after the cycle check; register the rest as they are.
            for (def, _) in waiting {
                g.defs.insert(def);
            }
            break;
        }
        for (mut def, _) in ready {
            def.total = g.info(def.body).total;
            def.sign = g.info(def.body).sign;
            g.defs.insert(def);
        }
        g.refresh_info();
        remaining = waiting;
    }
    if added {
        g.refresh_info();
        g.defs.list_last(&file_order);
    }
    g.check_limits()
        .map_err(|e| ParseError::new(SyntaxError::Limit(e), 0..src.len()))?;
    Ok(statements)
}

/// Parses a text that holds one expression, possibly after definitions
/// (`f(x) = x^2; f(3)`), and returns the expression.
pub fn parse_expr(g: &mut Graph, src: &str) -> Result<ExprId, ParseError> {
    let stmts = parse_source(g, src, Origin::User("<input>".into()))?;
    match single(&stmts, src, "an expression")? {
        StatementKind::Expr(e) => Ok(*e),
        _ => unreachable_kind(&stmts, "an expression"),
    }
}

/// Parses a text that holds one claim, possibly after definitions.
pub fn parse_claim(g: &mut Graph, src: &str) -> Result<Claim, ParseError> {
    let stmts = parse_source(g, src, Origin::User("<input>".into()))?;
    match single(&stmts, src, "a claim")? {
        StatementKind::Claim(c) => Ok(c.clone()),
        _ => unreachable_kind(&stmts, "a claim"),
    }
}

fn kind_name(k: &StatementKind) -> &'static str {
    match k {
        StatementKind::Definition(_) => "a definition",
        StatementKind::Claim(_) => "a claim",
        StatementKind::Expr(_) => "an expression",
    }
}

/// The one non-definition statement of the expected kind.
fn single<'a>(
    stmts: &'a [Statement],
    src: &str,
    expected: &'static str,
) -> Result<&'a StatementKind, ParseError> {
    let others: Vec<&Statement> = stmts
        .iter()
        .filter(|s| !matches!(s.kind, StatementKind::Definition(_)))
        .collect();
    match others.as_slice() {
        [s] if kind_name(&s.kind) == expected => Ok(&s.kind),
        [s] => Err(ParseError::new(
            SyntaxError::WrongStatement {
                expected,
                found: kind_name(&s.kind),
            },
            s.span.clone(),
        )),
        [] => Err(ParseError::new(
            SyntaxError::WrongStatement {
                expected,
                found: if stmts.is_empty() {
                    "nothing"
                } else {
                    "only definitions"
                },
            },
            src.len()..src.len(),
        )),
        [_, s, ..] => Err(ParseError::new(
            SyntaxError::WrongStatement {
                expected,
                found: "more than one statement",
            },
            s.span.clone(),
        )
        .with_help("separate runs of the command, or one statement per line in a file")),
    }
}

fn unreachable_kind<T>(stmts: &[Statement], expected: &'static str) -> Result<T, ParseError> {
    // `single` checked the kind; this only keeps the match total without a panic.
    Err(ParseError::new(
        SyntaxError::WrongStatement {
            expected,
            found: "another statement",
        },
        stmts.first().map_or(0..0, |s| s.span.clone()),
    ))
}

/// A definition head seen in the first pass.
struct Pending {
    arity: usize,
    name_span: Range<usize>,
}

/// `name(p1, p2) =` at the start of a statement.
struct Head<'s> {
    name: &'s str,
    name_span: Range<usize>,
    params: Vec<(&'s str, Range<usize>)>,
    rest: &'s str,
}

/// Rejects definitions that call each other in a cycle, naming the cycle.
fn check_cycles(g: &Graph, defs: &[(Definition, Range<usize>)]) -> Result<(), ParseError> {
    let index: HashMap<Symbol, usize> = defs
        .iter()
        .enumerate()
        .map(|(i, (d, _))| (d.name, i))
        .collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|(d, _)| {
            g.reachable(&[d.body])
                .into_iter()
                .filter_map(|id| match g.node(id) {
                    Node::Call(f, _) => index.get(f).copied(),
                    _ => None,
                })
                .collect()
        })
        .collect();
    // Iterative depth-first search with colours; a grey successor closes a cycle.
    let mut colour = vec![0u8; defs.len()];
    for start in 0..defs.len() {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                if colour[w] == 1 {
                    let pos = stack.iter().position(|&(u, _)| u == w).unwrap_or(0);
                    let mut names: Vec<&str> = stack[pos..]
                        .iter()
                        .map(|&(u, _)| g.name(defs[u].0.name))
                        .collect();
                    names.push(g.name(defs[w].0.name));
                    return Err(ParseError::new(
                        SyntaxError::RecursiveDefinition {
                            cycle: names.join(" -> "),
                        },
                        defs[w].1.clone(),
                    )
                    .with_help("a definition cannot call itself, directly or through others"));
                }
                if colour[w] == 0 {
                    colour[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                colour[v] = 2;
                stack.pop();
            }
        }
    }
    Ok(())
}

type PResult<'s, T> = Result<(&'s str, T), ParseError>;

/// The parser of one statement.
struct Parser<'s, 'g> {
    g: &'g mut Graph,
    src: &'s str,
    /// The end of the current statement in `src`: every `rest` is a suffix of
    /// `src[..end]`, which gives offsets.
    end: usize,
    pending: &'g HashMap<String, Pending>,
    depth: u32,
    /// While parsing a definition's body: its name and parameters.
    params: Option<(String, Vec<String>)>,
    /// The names bound by the statement's `where name = expr` items, and their values.
    bound: HashMap<&'s str, ExprId>,
}

/// Whether the text starts an operand (for the implicit-multiplication check).
fn starts_operand(i: &str) -> bool {
    i.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '(')
        && !keyword_at(i, "where")
}

fn keyword_at(i: &str, word: &str) -> bool {
    i.strip_prefix(word)
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

impl<'s, 'g> Parser<'s, 'g> {
    fn new(
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

    fn off(&self, rest: &str) -> usize {
        self.end - rest.len()
    }

    fn span(&self, from: &str, to: &str) -> Range<usize> {
        self.off(from)..self.off(to)
    }

    /// Skips blanks, comments and (inside a statement, where they can only be inside
    /// parentheses) newlines.
    fn ws(&self, mut i: &'s str) -> &'s str {
        loop {
            let next = lex::blank(i).trim_start_matches('\n');
            if next.len() == i.len() {
                return i;
            }
            i = next;
        }
    }

    /// A short description of what is at `i`, for error messages.
    fn found(&self, i: &str) -> String {
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

    fn err_at<T>(&self, error: SyntaxError, at: &str, len: usize) -> Result<T, ParseError> {
        let s = self.off(at);
        Err(ParseError::new(error, s..s + len.min(at.len())))
    }

    fn expected<T>(&self, what: &str, at: &'s str) -> Result<T, ParseError> {
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

    fn is_function(&self, name: &str) -> bool {
        Func::from_name(name).is_some()
            || matches!(name, "sqrt" | "max" | "min" | "if" | "diff")
            || self.pending.contains_key(name)
            || self
                .g
                .find_symbol(name)
                .is_some_and(|s| self.g.defs.get(s).is_some())
    }

    /// Every function name known here, for suggestions.
    fn known_functions(&self) -> Vec<String> {
        let mut names: Vec<String> = Func::ALL.iter().map(|f| f.name().to_owned()).collect();
        names.extend(["sqrt", "max", "min", "if", "diff"].map(String::from));
        names.extend(self.pending.keys().cloned());
        names.extend(self.g.defs.iter().map(|d| self.g.name(d.name).to_owned()));
        names
    }

    /// `name(p1, ..., pn) =` (not `==`), where `name` is not already a function:
    /// then the statement is a definition, otherwise a claim.
    fn def_head(&self, i: &'s str) -> Option<Head<'s>> {
        let i = self.ws(i);
        let (r, name) = lex::ident(i).ok()?;
        if RESERVED.contains(&name) || Func::from_name(name).is_some() {
            return None;
        }
        let defined = self
            .g
            .find_symbol(name)
            .is_some_and(|s| self.g.defs.get(s).is_some());
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
    fn statement(
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
            (lhs, Some(rhs)) => Ok((
                StatementKind::Claim(Claim {
                    lhs,
                    rhs,
                    conditions,
                }),
                None,
            )),
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

    /// `expr [= expr]`, the whole text: an expression, or the two sides of a claim.
    fn sides(&mut self, i: &'s str) -> Result<(ExprId, Option<ExprId>), ParseError> {
        let (r, lhs) = self.expr(i)?;
        let r = self.ws(r);
        let Some(after) = lex::symbol(r, '=') else {
            self.finish(r)?;
            return Ok((lhs, None));
        };
        if after.starts_with('=') {
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
        let (r, rhs) = self.expr(after)?;
        self.finish(r)?;
        Ok((lhs, Some(rhs)))
    }

    /// Checks that nothing is left of the statement.
    fn finish(&self, r: &'s str) -> Result<(), ParseError> {
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

    fn definition(
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
        };
        Ok((StatementKind::Definition(name), Some(def)))
    }

    /// `expr (< | <= | > | >= | !=) expr`.
    fn condition(&mut self, i: &'s str) -> PResult<'s, ExprId> {
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

    /// Enters one level of nesting, failing past the limit, and grows the stack when
    /// it runs low so deep but legal inputs never overflow it.
    fn nested<T>(
        &mut self,
        at: &'s str,
        f: impl FnOnce(&mut Self) -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        if self.depth >= MAX_NESTING {
            return self.err_at(SyntaxError::TooDeep(MAX_NESTING), at, 1);
        }
        self.depth += 1;
        let res = stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        self.depth -= 1;
        res
    }

    /// `expr := sum`.
    fn expr(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        self.nested(i, |p| p.sum(i))
    }

    /// `sum := product { (+|-) product }`, built as one flat sum.
    fn sum(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let (mut r, first) = self.product(i)?;
        let mut terms = vec![first];
        loop {
            let at = self.ws(r);
            let negate = if let Some(r2) = lex::symbol(at, '+') {
                r = r2;
                false
            } else if let Some(r2) = lex::symbol(at, '-') {
                r = r2;
                true
            } else {
                break;
            };
            let (r2, t) = self.product(r)?;
            terms.push(if negate { self.g.neg(t) } else { t });
            r = r2;
        }
        let e = if terms.len() == 1 {
            terms[0]
        } else {
            self.g.add(terms)
        };
        Ok((r, e))
    }

    /// `product := unary { (*|/) unary }`, built as one flat product.
    fn product(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let start = self.ws(i);
        let (mut r, first) = self.unary(i)?;
        let mut factors = vec![first];
        let mut operand_start = start;
        loop {
            let at = self.ws(r);
            self.check_implicit(operand_start, r, at)?;
            let divide = if at.starts_with("**") {
                break;
            } else if let Some(r2) = lex::symbol(at, '*') {
                r = r2;
                false
            } else if let Some(r2) = lex::symbol(at, '/') {
                r = r2;
                true
            } else {
                break;
            };
            operand_start = self.ws(r);
            let (r2, f) = self.unary(r)?;
            factors.push(if divide {
                let m1 = self.g.int(-1);
                self.g.pow(f, m1)
            } else {
                f
            });
            r = r2;
        }
        let e = if factors.len() == 1 {
            factors[0]
        } else {
            self.g.mul(factors)
        };
        Ok((r, e))
    }

    /// Reports `2x`, `2 x`, `x(y)` where `x` is no function, `(a)(b)`: an operand
    /// directly after an operand.
    fn check_implicit(
        &self,
        left: &'s str,
        left_end: &'s str,
        at: &'s str,
    ) -> Result<(), ParseError> {
        if !starts_operand(at) {
            return Ok(());
        }
        let left_text = &left[..left.len() - left_end.len()];
        let right_len = if at.starts_with('(') {
            let mut depth = 0usize;
            at.char_indices()
                .find_map(|(k, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(k + 1);
                            }
                        }
                        _ => {}
                    }
                    None
                })
                .unwrap_or(at.len())
        } else {
            at.len()
                - at.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    .len()
        };
        let shorten = |s: &str| {
            if s.chars().count() > 24 {
                "...".to_owned()
            } else {
                s.to_owned()
            }
        };
        let suggestion = format!("{}*{}", shorten(left_text), shorten(&at[..right_len]));
        let start = self.off(left);
        Err(ParseError::new(
            SyntaxError::ImplicitMultiplication { suggestion },
            start..self.off(at) + right_len,
        ))
    }

    /// `unary := '-' unary | power` (and a unary `+`).
    fn unary(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let at = self.ws(i);
        if let Some(r) = lex::symbol(at, '-') {
            let (r, e) = self.nested(at, |p| p.unary(r))?;
            return Ok((r, self.g.neg(e)));
        }
        if let Some(r) = lex::symbol(at, '+') {
            return self.nested(at, |p| p.unary(r));
        }
        self.power(at)
    }

    /// `power := postfix [ ('^' | '**') unary ]`, right-associative.
    fn power(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let (r, base) = self.postfix(i)?;
        let at = self.ws(r);
        let after = if let Some(r2) = at.strip_prefix("**") {
            r2
        } else if let Some(r2) = lex::symbol(at, '^') {
            r2
        } else {
            return Ok((r, base));
        };
        let (r, exp) = self.nested(at, |p| p.unary(after))?;
        Ok((r, self.g.pow(base, exp)))
    }

    /// `postfix := NUMBER | IDENT | IDENT '(' args ')' | '(' expr ')'`.
    fn postfix(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let at = self.ws(i);
        if let Some(res) = lex::number(at) {
            return match res {
                Ok((r, v)) => Ok((r, self.g.num(v))),
                Err((why, len)) => {
                    let (reason, help) = match why {
                        NumberError::NoFractionDigits => {
                            ("expected digits after '.'", "write 1.0 or 1")
                        }
                        NumberError::NoExponentDigits => (
                            "expected digits after the exponent 'e'",
                            "write 1e-3 for 0.001; Euler's number is exp(1)",
                        ),
                        NumberError::ExponentTooLarge => (
                            "the exponent is too large",
                            "decimal exponents are limited to ±10000",
                        ),
                    };
                    Err(ParseError::new(
                        SyntaxError::BadNumber {
                            reason: reason.into(),
                        },
                        self.off(at)..self.off(at) + len,
                    )
                    .with_help(help))
                }
            };
        }
        if let Some(r) = lex::symbol(at, '(') {
            let (r, e) = self.expr(r)?;
            let close = self.ws(r);
            return match lex::symbol(close, ')') {
                Some(r) => Ok((r, e)),
                None => {
                    let (line, col) = line_col(self.src, self.off(at));
                    self.expected(&format!("')' to close the '(' at {line}:{col}"), close)
                }
            };
        }
        if at.starts_with('.') && at[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err(ParseError::new(
                SyntaxError::BadNumber {
                    reason: "a number must start with a digit".into(),
                },
                self.off(at)..self.off(at) + 1,
            )
            .with_help("write 0.5 rather than .5"));
        }
        let Ok((r, name)) = lex::ident(at) else {
            return self.expected("an expression", at);
        };
        let name_span = self.span(at, r);
        let paren = self.ws(r);
        if paren.starts_with('(') {
            return self.call(name, name_span, paren);
        }
        self.atom(name, name_span, r)
    }

    /// An identifier that is not called: a constant or a variable.
    fn atom(&mut self, name: &'s str, span: Range<usize>, r: &'s str) -> PResult<'s, ExprId> {
        match name {
            "pi" => return Ok((r, self.g.pi())),
            "undefined" => return Ok((r, self.g.undefined())),
            _ => {}
        }
        if let Some(&value) = self.bound.get(name) {
            return Ok((r, value));
        }
        if RESERVED.contains(&name) {
            return Err(ParseError::new(
                SyntaxError::Expected {
                    expected: "an expression".into(),
                    found: format!("the keyword '{name}'"),
                },
                span,
            ));
        }
        if name == "e" {
            // Other tools' Euler's number: never silently a variable named e.
            return Err(ParseError::new(
                SyntaxError::NotInLanguage {
                    what: "'e' (Euler's number)".into(),
                },
                span,
            ));
        }
        if self.is_function(name) {
            let arity = self.arity(name).unwrap_or(1);
            let params = ["x", "y", "z", "w"][..arity.clamp(1, 4)].join(", ");
            return Err(ParseError::new(
                SyntaxError::FunctionAsValue {
                    name: name.into(),
                    params,
                },
                span,
            ));
        }
        if let Some((function, params)) = &self.params {
            if !params.iter().any(|p| p == name) {
                let function = function.clone();
                return Err(ParseError::new(
                    SyntaxError::NotAParameter {
                        name: name.into(),
                        function: function.clone(),
                    },
                    span,
                )
                .with_help(format!("add it to the parameters: {function}(..., {name})")));
            }
        }
        Ok((r, self.g.var(name)))
    }

    /// The number of arguments a function takes.
    fn arity(&self, name: &str) -> Option<usize> {
        if Func::from_name(name).is_some() || name == "sqrt" {
            return Some(1);
        }
        match name {
            "max" | "min" | "diff" => return Some(2),
            "if" => return Some(3),
            _ => {}
        }
        if let Some(p) = self.pending.get(name) {
            return Some(p.arity);
        }
        let s = self.g.find_symbol(name)?;
        self.g.defs.get(s).map(|d| d.params.len())
    }

    /// `IDENT '(' args ')'`: a call of a built-in or defined function.
    fn call(&mut self, name: &'s str, span: Range<usize>, paren: &'s str) -> PResult<'s, ExprId> {
        let Some(expected) = self.arity(name) else {
            let known = self.known_functions();
            let err = ParseError::new(SyntaxError::UnknownFunction { name: name.into() }, span);
            let help = match nearest(name, known.iter().map(String::as_str)) {
                Some(k) => format!("did you mean '{k}'?"),
                None if !RESERVED.contains(&name) => {
                    format!("for a product write {name}*(...); see `actsym defs` for the functions")
                }
                None => "see `actsym defs` for the functions".into(),
            };
            return Err(err.with_help(help));
        };
        let mut r = &paren[1..];
        let mut args = Vec::new();
        let close = self.ws(r);
        if let Some(r2) = lex::symbol(close, ')') {
            r = r2;
        } else {
            loop {
                let (r2, arg) = if name == "if" && args.is_empty() {
                    self.nested(r, |p| p.condition(r))?
                } else if name == "diff" && args.len() == 1 {
                    let at = self.ws(r);
                    match lex::ident(at) {
                        Ok((r2, v)) if !RESERVED.contains(&v) && !self.is_function(v) => {
                            let s = self.g.symbol(v);
                            (r2, self.g.var_sym(s))
                        }
                        _ => return self.expected("a variable name (diff(expr, x))", at),
                    }
                } else {
                    self.expr(r)?
                };
                args.push(arg);
                let at = self.ws(r2);
                if let Some(r3) = lex::symbol(at, ',') {
                    r = r3;
                    continue;
                }
                if let Some(r3) = lex::symbol(at, ')') {
                    r = r3;
                    break;
                }
                if at.starts_with(['<', '>', '!']) {
                    return self.err_at(SyntaxError::StrayCondition, at, 1);
                }
                let (line, col) = line_col(self.src, self.off(paren));
                return self.expected(&format!("',' or ')' to close the '(' at {line}:{col}"), at);
            }
        }
        let full = span.start..self.off(r);
        if args.len() != expected {
            return Err(ParseError::new(
                SyntaxError::WrongArity {
                    name: name.into(),
                    expected,
                    got: args.len(),
                },
                full,
            ));
        }
        let g = &mut *self.g;
        let e = if let Some(f) = Func::from_name(name) {
            g.func(f, args[0])
        } else {
            match name {
                "sqrt" => g.sqrt(args[0]),
                "max" => g.max(args[0], args[1]),
                "min" => g.min(args[0], args[1]),
                "if" => g.if_(args[0], args[1], args[2]),
                "diff" => match g.node(args[1]).clone() {
                    Node::Var(v) => g.diff_node(args[0], v),
                    _ => g.undefined(),
                },
                _ => {
                    let s = g.symbol(name);
                    g.call(s, args)
                }
            }
        };
        Ok((r, e))
    }
}
