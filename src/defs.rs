//! The one owner of function definitions: the prelude (written in the language
//! itself, in `src/prelude.act`), user definitions from `--defs` files or inline
//! statements, their registration and their inlining.
//!
//! The parser returns definitions without registering them; `register` checks and
//! adds them to the graph's read-only table ([`Definitions`], plain data in `expr`):
//! - a name already defined is not defined again (a text's `sigmoid(x) = ...` is a
//!   claim about the prelude's sigmoid, so rules keyed by name stay sound);
//! - definitions may not call each other in a cycle (the cycle is named), so
//!   inlining terminates;
//! - they are registered callees first, each body rebuilt once its callees are
//!   known, with the facts (defined everywhere, sign) of its body; the listing keeps
//!   the order written.
//!
//! [`parse_source`], [`parse_expr`] and [`parse_claim`] are the front doors: parse a
//! text, register its definitions, and return its statements. `Graph::with_prelude()`
//! is defined here.
//!
//! A call of a defined function stays a named [`Node::Call`] in the graph, so
//! `sigmoid(x)` keeps its name through differentiation and printing. [`inline`]
//! replaces calls by their bodies where a pass needs built-in operations only.
//!
//! ```
//! use actsym::{defs, expr::Graph};
//! let mut g = Graph::with_prelude();
//! let sigmoid = g.find_symbol("sigmoid").unwrap();
//! assert_eq!(g.defs().get(sigmoid).unwrap().params.len(), 1);
//! // A recursive definition is rejected, naming the cycle.
//! let err = defs::parse_expr(&mut g, "f(x) = g(x) + 1; g(x) = f(x); f(1)").unwrap_err();
//! assert_eq!(err.to_string(), "recursive definition: f -> g -> f");
//! ```

use std::collections::HashMap;
use std::ops::Range;

pub use crate::expr::{Definition, Definitions, Origin};
use crate::expr::{ExprId, Graph, LimitExceeded, Node, Symbol};
use crate::parse::{
    self, Claim, ParseError, ParsedDefinition, Statement, StatementKind, SyntaxError,
};

/// The prelude's source text.
pub const PRELUDE: &str = include_str!("prelude.act");

/// Why definitions could not be registered. Spans are byte ranges of the
/// definition's statement in its source text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DefError {
    /// Definitions that call each other in a cycle.
    #[error("recursive definition: {cycle}")]
    Recursive {
        /// The cycle, as `f -> g -> f`.
        cycle: String,
        /// The definition that closes the cycle.
        span: Range<usize>,
    },
    /// A definition of a name that is already defined.
    #[error("'{name}' is already defined and cannot be redefined")]
    Redefined {
        /// The function's name.
        name: String,
        /// The second definition.
        span: Range<usize>,
    },
    /// The graph grew past one of its limits.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
}

impl From<DefError> for ParseError {
    /// A registration error of a text, shown like the text's other errors.
    fn from(e: DefError) -> Self {
        match e {
            DefError::Recursive { cycle, span } => {
                ParseError::new(SyntaxError::RecursiveDefinition { cycle }, span)
                    .with_help("a definition cannot call itself, directly or through others")
            }
            DefError::Redefined { name, span } => {
                ParseError::new(SyntaxError::Redefinition { name }, span)
            }
            DefError::Limit(l) => ParseError::new(SyntaxError::Limit(l), 0..0),
        }
    }
}

impl Graph {
    /// A graph holding the prelude's definitions.
    #[must_use]
    pub fn with_prelude() -> Self {
        let mut g = Graph::new();
        // The prelude is part of the program and a test parses it; should it ever
        // fail, the graph is left without it and the test suite reports the error.
        let _ = parse_source(&mut g, PRELUDE, Origin::Prelude);
        g
    }
}

/// Parses a whole source text (definitions, claims and expressions separated by
/// newlines or `;`) and registers its definitions. Definitions in the text may call
/// each other in any order, but not in a cycle. Reading a text begins an operation
/// ([`Graph::begin_operation`]): the graph's limits count from here.
///
/// # Errors
/// A [`ParseError`] with its span: the parser's, or a [`DefError`] of registration.
pub fn parse_source(
    g: &mut Graph,
    src: &str,
    origin: Origin,
) -> Result<Vec<Statement>, ParseError> {
    // A text starts a top-level operation: a limit an earlier one went past is
    // forgotten, and this one gets the whole budget.
    g.begin_operation();
    let mut parsed = parse::parse_statements(g, src, origin)?;
    if !parsed.definitions.is_empty() {
        register(g, parsed.definitions).map_err(|e| match e {
            DefError::Limit(l) => ParseError::new(SyntaxError::Limit(l), 0..src.len()),
            other => other.into(),
        })?;
        // The text's expressions were built before its definitions were registered.
        rebuild_statements(g, &mut parsed.statements);
    }
    g.within_limits()
        .map_err(|e| ParseError::new(SyntaxError::Limit(e), 0..src.len()))?;
    Ok(parsed.statements)
}

/// Parses a text that holds one expression, possibly after definitions
/// (`f(x) = x^2; f(3)`), registers the definitions and returns the expression.
///
/// # Errors
/// As [`parse_source`], and a text that is not one expression.
pub fn parse_expr(g: &mut Graph, src: &str) -> Result<ExprId, ParseError> {
    let stmts = parse_source(g, src, Origin::User("<input>".into()))?;
    parse::single_expr(&stmts, src)
}

/// Parses a text that holds one claim, possibly after definitions.
///
/// # Errors
/// As [`parse_source`], and a text that is not one claim.
pub fn parse_claim(g: &mut Graph, src: &str) -> Result<Claim, ParseError> {
    let stmts = parse_source(g, src, Origin::User("<input>".into()))?;
    parse::single_claim(&stmts, src)
}

/// Checks and registers definitions read from one text: no name defined twice, no
/// cycle; callees first, each with the facts of its body; listed as written.
pub(crate) fn register(g: &mut Graph, defs: Vec<ParsedDefinition>) -> Result<(), DefError> {
    if defs.is_empty() {
        return Ok(());
    }
    for (i, d) in defs.iter().enumerate() {
        let name = d.definition.name;
        let twice = defs[..i].iter().any(|e| e.definition.name == name);
        if twice || g.defs().get(name).is_some() {
            return Err(DefError::Redefined {
                name: g.name(name).to_owned(),
                span: d.span.clone(),
            });
        }
    }
    find_cycle(g, &defs)?;
    // Register in dependency order (callees first), refreshing node facts after each
    // round, so a body's calls know their callees are defined everywhere.
    let file_order: Vec<Symbol> = defs.iter().map(|d| d.definition.name).collect();
    let mut remaining: Vec<Definition> = defs.into_iter().map(|d| d.definition).collect();
    while !remaining.is_empty() {
        let names: Vec<Symbol> = remaining.iter().map(|d| d.name).collect();
        let (ready, waiting): (Vec<_>, Vec<_>) = remaining.into_iter().partition(|d| {
            g.reachable(&[d.body])
                .into_iter()
                .all(|id| match g.node(id) {
                    Node::Call(f, _) => !names.contains(f),
                    _ => true,
                })
        });
        if ready.is_empty() {
            // Unreachable after the cycle check; refuse rather than loop.
            let name = g.name(waiting[0].name).to_owned();
            return Err(DefError::Recursive {
                cycle: format!("{name} -> ... -> {name}"),
                span: 0..0,
            });
        }
        for mut def in ready {
            // Built before its callees were known, the body is rebuilt now that they
            // are, so it folds as if they had been defined first (`0*f(x)` is 0
            // when `f` is defined everywhere, whatever the order of definition).
            def.body = rebuild(g, def.body);
            def.total = g.info(def.body).total;
            def.sign = g.info(def.body).sign;
            def.derives = g.reachable(&[def.body]).iter().any(|&id| match g.node(id) {
                Node::Diff(..) => true,
                Node::Call(f, _) => g.defs().get(*f).is_some_and(|d| d.derives),
                _ => false,
            });
            g.insert_definition(def);
        }
        g.refresh_info();
        remaining = waiting;
    }
    g.list_definitions_last(&file_order);
    g.within_limits()?;
    Ok(())
}

/// `root` built again through the smart constructors, with the facts known now.
fn rebuild(g: &mut Graph, root: ExprId) -> ExprId {
    g.rewrite(root, |g, _, node| g.rebuild(node))
}

/// Every expression of the statements, rebuilt with the facts known now.
fn rebuild_statements(g: &mut Graph, statements: &mut [Statement]) {
    for s in statements {
        match &mut s.kind {
            StatementKind::Expr(e) => *e = rebuild(g, *e),
            StatementKind::Claim(c) => {
                c.lhs = rebuild(g, c.lhs);
                c.rhs = rebuild(g, c.rhs);
                for (_, e) in &mut c.more {
                    *e = rebuild(g, *e);
                }
                for cond in &mut c.conditions {
                    *cond = rebuild(g, *cond);
                }
            }
            StatementKind::Definition(_) => {}
        }
    }
}

/// Rejects definitions that call each other in a cycle, naming the cycle.
fn find_cycle(g: &Graph, defs: &[ParsedDefinition]) -> Result<(), DefError> {
    let index: HashMap<Symbol, usize> = defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.definition.name, i))
        .collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| {
            g.reachable(&[d.definition.body])
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
                        .map(|&(u, _)| g.name(defs[u].definition.name))
                        .collect();
                    names.push(g.name(defs[w].definition.name));
                    return Err(DefError::Recursive {
                        cycle: names.join(" -> "),
                        span: defs[w].span.clone(),
                    });
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

/// Replaces every call of a defined function under `root` by the function's body
/// with the arguments substituted, recursively, so the result holds built-in
/// operations only. Two kinds of call stay: calls of functions without a
/// definition, and calls of functions whose definition takes a derivative
/// ([`Definition::derives`]): that derivative must be taken before the parameters
/// are replaced, which is the work of a later layer (the `unfold` module does both).
pub fn inline(g: &mut Graph, root: ExprId) -> ExprId {
    let mut keep_derivatives = |_: &mut Graph, def: &Definition| -> Result<Option<ExprId>, Never> {
        Ok((!def.derives).then_some(def.body))
    };
    match inline_with(g, root, &mut keep_derivatives) {
        Ok(e) => e,
        Err(never) => match never {},
    }
}

/// No value: `inline` cannot fail.
enum Never {}

/// How a definition's body is prepared before it replaces a call: `Ok(Some(body))`
/// to inline it, `Ok(None)` to keep the call.
pub(crate) type Prepare<'a, E> =
    dyn FnMut(&mut Graph, &Definition) -> Result<Option<ExprId>, E> + 'a;

/// [`inline`], with each definition's body prepared by `prepare` once (the `unfold`
/// module takes the body's derivatives there). Errors of `prepare` stop the walk.
pub(crate) fn inline_with<E>(
    g: &mut Graph,
    root: ExprId,
    prepare: &mut Prepare<'_, E>,
) -> Result<ExprId, E> {
    let mut bodies: HashMap<Symbol, Option<ExprId>> = HashMap::new();
    inline_under(g, root, prepare, &mut bodies)
}

fn inline_under<E>(
    g: &mut Graph,
    root: ExprId,
    prepare: &mut Prepare<'_, E>,
    bodies: &mut HashMap<Symbol, Option<ExprId>>,
) -> Result<ExprId, E> {
    let mut failure: Option<E> = None;
    let out = g.rewrite(root, |g, _, node| {
        let Node::Call(f, args) = node else {
            return g.rebuild(node);
        };
        let def = match g.defs().get(f) {
            Some(def) if failure.is_none() => def.clone(),
            _ => return g.call(f, args.into_vec()),
        };
        let body = match bodies.get(&f) {
            Some(&b) => b,
            None => {
                // Definitions are acyclic (registration rejects cycles), so this
                // recursion is bounded by the depth of the definition hierarchy.
                let prepared = prepare(g, &def).and_then(|b| match b {
                    Some(b) => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                        inline_under(g, b, prepare, bodies)
                    })
                    .map(Some),
                    None => Ok(None),
                });
                match prepared {
                    Ok(b) => {
                        bodies.insert(f, b);
                        b
                    }
                    Err(e) => {
                        failure = Some(e);
                        None
                    }
                }
            }
        };
        match body {
            Some(body) => g.substitute(body, &def.bind(&args)),
            None => g.call(f, args.into_vec()),
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registration refuses a second definition of a name, from the same batch or
    /// after an earlier one, whatever the parser decided.
    #[test]
    fn registration_refuses_redefinitions() {
        let mut g = Graph::with_prelude();
        let parsed = parse::parse_statements(&mut g, "f(x) = x", Origin::User("a".into()));
        let first = parsed.expect("parses").definitions;
        let twice = vec![first[0].clone(), first[0].clone()];
        let err = register(&mut g, twice).unwrap_err();
        assert_eq!(
            err.to_string(),
            "'f' is already defined and cannot be redefined"
        );
        register(&mut g, first.clone()).expect("registers");
        let err = register(&mut g, first).unwrap_err();
        assert!(matches!(err, DefError::Redefined { .. }), "{err}");
        let shown = ParseError::from(err).render("f(x) = x", "a");
        assert!(shown.contains("already defined"), "{shown}");
    }
}
