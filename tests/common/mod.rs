//! Test support shared by the derivative and simplifier tests: parsing helpers, a
//! plain debug printer (independent of `actsym::print`, for failure messages), and
//! exact evaluation of piecewise-linear expressions by substitution.
#![allow(dead_code)]

use std::collections::HashMap;

use actsym::expr::{BigRational, ExprId, Graph, Node};
use actsym::parse;

/// Parses `src` in `g`, failing the test with the parser's message.
pub fn parse(g: &mut Graph, src: &str) -> ExprId {
    match parse::parse_expr(g, src) {
        Ok(e) => e,
        Err(err) => panic!("cannot parse {src:?}: {err}"),
    }
}

/// A fully parenthesised rendering for failure messages.
pub fn show(g: &Graph, id: ExprId) -> String {
    let list = |xs: &[ExprId], sep: &str| -> String {
        xs.iter().map(|&x| show(g, x)).collect::<Vec<_>>().join(sep)
    };
    match g.node(id) {
        Node::Num(r) => r.to_string(),
        Node::Pi => "pi".into(),
        Node::Bool(b) => b.to_string(),
        Node::Undefined => "undefined".into(),
        Node::Var(s) => g.name(*s).into(),
        Node::Add(ts) => format!("({})", list(ts, " + ")),
        Node::Mul(fs) => format!("({})", list(fs, "*")),
        Node::Pow(b, e) => format!("{}^{}", show(g, *b), show(g, *e)),
        Node::Func(f, a) => format!("{}({})", f.name(), show(g, *a)),
        Node::Max(a, b) => format!("max({}, {})", show(g, *a), show(g, *b)),
        Node::Min(a, b) => format!("min({}, {})", show(g, *a), show(g, *b)),
        Node::Call(f, args) => format!("{}({})", g.name(*f), list(args, ", ")),
        Node::Cmp(op, a, b) => format!("{} {} {}", show(g, *a), op.as_str(), show(g, *b)),
        Node::If(c, a, b) => format!("if({}, {}, {})", show(g, *c), show(g, *a), show(g, *b)),
        Node::Diff(e, v) => format!("diff({}, {})", show(g, *e), g.name(*v)),
    }
}

/// `e` with exact rationals substituted for variables (`"x=0, alpha=1/2"`), folded
/// by the smart constructors.
pub fn at(g: &mut Graph, e: ExprId, point: &[(&str, BigRational)]) -> ExprId {
    let bindings: HashMap<_, _> = point
        .iter()
        .map(|(name, value)| (g.symbol(name), g.num(value.clone())))
        .collect();
    g.substitute(e, &bindings)
}

/// An exact rational from text (`"-3/2"`).
pub fn q(s: &str) -> BigRational {
    s.parse().unwrap_or_else(|_| panic!("bad rational {s:?}"))
}
