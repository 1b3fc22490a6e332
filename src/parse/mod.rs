//! The parser: source text → statements over the expression graph.
//!
//! One function per grammar level of docs/language.md (`statement`, `sum`, `product`,
//! `unary`, `power`, `postfix`), reading tokens with nom (`lex`). Nodes are built
//! directly through the graph's smart constructors, so parsing the same text twice
//! gives the same ids. Errors carry byte spans ([`ParseError`]); the parser never
//! panics, and nesting deeper than [`MAX_NESTING`] or input larger than
//! [`MAX_INPUT_BYTES`] is an error, not a stack overflow.
//!
//! The parser returns definitions without registering them: the `defs` module checks
//! and registers them, and its `parse_source`, `parse_expr` and `parse_claim` are the
//! front doors that do both.
//!
//! ```
//! use actsym::{defs, expr::Graph};
//! let mut g = Graph::with_prelude();
//! let a = defs::parse_expr(&mut g, "x*sigmoid(x)").unwrap();
//! let b = defs::parse_expr(&mut g, "sigmoid(x) * x").unwrap();
//! assert_eq!(a, b);
//! ```

mod bindings;
mod error;
mod levels;
mod lex;
mod parser;

use std::collections::HashMap;
use std::ops::Range;

pub use error::{function_hint, line_col, nearest, unicode_hint, ParseError, SyntaxError};

use crate::expr::{Definition, ExprId, Graph, Origin, Symbol};
use parser::{Parser, Pending};

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

/// The relation of a claim's link: `=`, `<`, `<=`, `>`, `>=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Relation {
    /// The relation as written.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Eq => "=",
            Relation::Lt => "<",
            Relation::Le => "<=",
            Relation::Gt => ">",
            Relation::Ge => ">=",
        }
    }

    /// Whether the relation is strict (`<`, `>`).
    #[must_use]
    pub fn is_strict(self) -> bool {
        matches!(self, Relation::Lt | Relation::Gt)
    }

    /// The relation that two links `a R1 b R2 c` give between `a` and `c`, when
    /// they point the same way (`=` goes with anything; `<` with `<=` gives `<`);
    /// `None` when they point opposite ways (`a < b > c` says nothing about `a, c`).
    #[must_use]
    pub fn compose(self, next: Relation) -> Option<Relation> {
        use Relation::{Eq, Ge, Gt, Le, Lt};
        match (self, next) {
            (Eq, r) | (r, Eq) => Some(r),
            (Le, Le) => Some(Le),
            (Lt | Le, Lt | Le) => Some(Lt),
            (Ge, Ge) => Some(Ge),
            (Gt | Ge, Gt | Ge) => Some(Gt),
            _ => None,
        }
    }
}

/// A claim `lhs REL rhs [REL more...] [where cond, ...]`: a chain is the
/// conjunction of its links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The left side.
    pub lhs: ExprId,
    /// The right side (of the first link).
    pub rhs: ExprId,
    /// The conditions after `where` (comparison nodes), all of which must hold.
    pub conditions: Vec<ExprId>,
    /// The relation of the first link (`=` for an identity).
    pub relation: Relation,
    /// Further links of a chain: `a < b <= c` has `(<=, c)` here.
    pub more: Vec<(Relation, ExprId)>,
}

impl Claim {
    /// The identity `lhs = rhs where conditions`.
    #[must_use]
    pub fn equality(lhs: ExprId, rhs: ExprId, conditions: Vec<ExprId>) -> Claim {
        Claim {
            lhs,
            rhs,
            conditions,
            relation: Relation::Eq,
            more: Vec::new(),
        }
    }

    /// Whether the claim is one identity `L = R` (no inequality, no chain).
    #[must_use]
    pub fn is_identity(&self) -> bool {
        self.relation == Relation::Eq && self.more.is_empty()
    }

    /// Every link `(left, relation, right)`, in order.
    #[must_use]
    pub fn links(&self) -> Vec<(ExprId, Relation, ExprId)> {
        let mut out = vec![(self.lhs, self.relation, self.rhs)];
        let mut prev = self.rhs;
        for &(rel, e) in &self.more {
            out.push((prev, rel, e));
            prev = e;
        }
        out
    }
}

/// What a statement is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// A function definition, by name; the definition itself is in
    /// [`Parsed::definitions`] (and, once the `defs` module registered it, in the
    /// graph's definitions).
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

/// A definition read from a text, not registered, with the span of its statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedDefinition {
    /// The definition; its facts (`total`, `sign`) are computed on registration.
    pub definition: Definition,
    /// Where it is in the source.
    pub span: Range<usize>,
}

/// What a source text holds: its statements, and its definitions in the order
/// written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// Every statement, definitions included.
    pub statements: Vec<Statement>,
    /// The definitions, for the `defs` module to check and register.
    pub definitions: Vec<ParsedDefinition>,
}

/// Parses a whole source text: definitions, claims and expressions separated by
/// newlines or `;`. Definitions are returned, not registered (the `defs` module's
/// `parse_source` parses and registers). Bodies may call functions defined anywhere
/// in the same text: the heads are read first, for the arity checks.
pub fn parse_statements(g: &mut Graph, src: &str, origin: Origin) -> Result<Parsed, ParseError> {
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
    let mut definitions = Vec::new();
    for r in ranges {
        let mut p = Parser::new(g, src, r.end, &pending);
        let (kind, def) = p.statement(&src[r.start..r.end], &origin)?;
        if let Some(definition) = def {
            definitions.push(ParsedDefinition {
                definition,
                span: r.clone(),
            });
        }
        statements.push(Statement { kind, span: r });
    }
    g.within_limits()
        .map_err(|e| ParseError::new(SyntaxError::Limit(e), 0..src.len()))?;
    Ok(Parsed {
        statements,
        definitions,
    })
}

/// The one expression among `stmts` (definitions aside), or an error naming what
/// the text holds instead.
pub fn single_expr(stmts: &[Statement], src: &str) -> Result<ExprId, ParseError> {
    match single(stmts, src, "an expression")? {
        StatementKind::Expr(e) => Ok(*e),
        _ => unreachable_kind(stmts, "an expression"),
    }
}

/// The one claim among `stmts` (definitions aside), or an error naming what the
/// text holds instead.
pub fn single_claim(stmts: &[Statement], src: &str) -> Result<Claim, ParseError> {
    match single(stmts, src, "a claim")? {
        StatementKind::Claim(c) => Ok(c.clone()),
        _ => unreachable_kind(stmts, "a claim"),
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
