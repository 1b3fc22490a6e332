//! Named derivative rules for the prelude's functions, so names survive:
//! `sigmoid' = sigmoid*(1 - sigmoid)`, `softplus' = sigmoid`, `log_sigmoid'(u) =
//! sigmoid(-u)`, `Phi' = phi`, `phi'(u) = -u*phi(u)`; and, in autodiff mode, the
//! kink values PyTorch's own kernels use (`relu'(0) = 0`, `prelu'(0) = alpha`,
//! `hardtanh` and `relu6` with 0 at both corners, `hardswish` as
//! `torch.ops.aten.hardswish_backward`).
//!
//! The rules are rows of the table of activations ([`crate::activations`]), written
//! in the language as the differential of a call (`sigmoid(x)*(1 - sigmoid(x))*dx`):
//! the rules are read once, and a rule is copied into the graph being differentiated
//! with the call's arguments and their derivatives for the parameters and their
//! differentials.
//!
//! A rule applies only to the prelude's definition of its name: a user who redefines
//! `sigmoid` gets the derivative of their own body. Functions without a rule
//! (swish, gelu, elu, mish, ...) are differentiated through their definitions, which
//! call the named ones, so their derivatives read like the textbook's.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::rules::scaled;
use super::Kink;
use crate::activations;
use crate::expr::{map_children, ExprId, Graph, Node, Origin, Symbol};
use crate::parse;

/// The rules read once, into a graph of their own that holds the prelude: a rule
/// is then copied into the graph being differentiated, whose user definitions
/// cannot change how its text reads (a user function named `dx`).
struct RuleBook {
    graph: Graph,
    /// Per activation: its rules, in every mode and in autodiff mode.
    rules: HashMap<&'static str, RowRules>,
}

/// The rules of one activation, as read.
struct RowRules {
    /// Its rule in every mode, and its autodiff rule.
    modes: [Option<Rule>; 2],
    /// The symbols of its parameters and of their differentials, in the book.
    params: Vec<Symbol>,
    differentials: Vec<Symbol>,
}

/// One rule, as read: the nodes under its root in id order, children first (so
/// the root is last).
struct Rule {
    nodes: Vec<ExprId>,
}

/// The rules of the table, read on first use. A rule that does not read is absent
/// (a test below checks that all of them read).
fn book() -> &'static RuleBook {
    static BOOK: OnceLock<RuleBook> = OnceLock::new();
    BOOK.get_or_init(|| {
        let mut graph = Graph::with_prelude();
        let read = |g: &mut Graph, text: Option<&str>| {
            let text = text?;
            let p = parse::parse_statements(g, text, Origin::Prelude).ok()?;
            let root = parse::single_expr(&p.statements, text).ok()?;
            let nodes = g.reachable(&[root]);
            Some(Rule { nodes })
        };
        let mut rules = HashMap::new();
        for row in activations::TABLE {
            let modes = [
                read(&mut graph, row.derivative),
                read(&mut graph, row.autodiff),
            ];
            let params = row.params.iter().map(|p| graph.symbol(p)).collect();
            let differentials = row
                .params
                .iter()
                .map(|p| graph.symbol(&format!("d{p}")))
                .collect();
            let rules_of_row = RowRules {
                modes,
                params,
                differentials,
            };
            rules.insert(row.name, rules_of_row);
        }
        RuleBook { graph, rules }
    })
}

/// The rule of `f` in this mode, if `f` is the prelude's definition of an
/// activation of the same arity that has one.
fn rule_of(g: &Graph, f: Symbol, kink: Kink) -> Option<(&'static RowRules, &'static Rule)> {
    let def = g.defs().get(f)?;
    if def.origin != Origin::Prelude {
        return None;
    }
    let row = activations::find(g.name(f))?;
    if row.arity() != def.params.len() {
        return None;
    }
    let rules = book().rules.get(row.name)?;
    let rule = match &rules.modes {
        [Some(d), _] => d,
        [None, Some(a)] if kink == Kink::Autodiff => a,
        _ => return None,
    };
    Some((rules, rule))
}

/// Whether `f` is an activation of the table with a rule of its own for autodiff
/// mode (PyTorch's values at its kinks), whatever its definition.
pub(super) fn has_autodiff_rule(g: &Graph, f: Symbol) -> bool {
    activations::find(g.name(f)).is_some_and(|row| row.autodiff.is_some())
}

/// Whether a named rule differentiates calls of `f` in this mode.
pub(super) fn applies(g: &Graph, f: Symbol, kink: Kink) -> bool {
    rule_of(g, f, kink).is_some()
}

/// The derivative of `f(args)` by its named rule, given the arguments' derivatives:
/// the rule with the arguments for the parameters and their derivatives for the
/// differentials. `None` when `f` has no rule (callers check [`applies`] first) or
/// the rule calls a function this graph does not have from the prelude.
pub(super) fn rule(
    g: &mut Graph,
    f: Symbol,
    args: &[ExprId],
    ds: &[ExprId],
    kink: Kink,
) -> Option<ExprId> {
    let (rules, rule) = rule_of(g, f, kink)?;
    if args.len() != rules.params.len() || ds.len() != rules.params.len() {
        return None;
    }
    let book = &book().graph;
    // The nodes are in id order, children first: a child's image is found by
    // bisection among those mapped before it.
    let mut map: Vec<ExprId> = Vec::with_capacity(rule.nodes.len());
    for &id in &rule.nodes {
        let image = |c: ExprId| rule.nodes.binary_search(&c).map_or(c, |i| map[i]);
        let node = map_children(book.node(id), image);
        let new = match node {
            Node::Var(s) => match rules.params.iter().position(|&p| p == s) {
                Some(i) => args[i],
                None => ds[rules.differentials.iter().position(|&d| d == s)?],
            },
            Node::Call(s, args) => {
                let callee = g.find_symbol(book.name(s))?;
                if g.defs().get(callee)?.origin != Origin::Prelude {
                    return None;
                }
                g.call(callee, args.into_vec())
            }
            Node::Mul(fs) => {
                let Node::Mul(written) = book.node(id) else {
                    return None;
                };
                product(g, book, written, fs.into_vec(), &rules.params)
            }
            Node::Diff(..) => return None,
            other => g.rebuild(other),
        };
        map.push(new);
    }
    map.last().copied()
}

/// A product of a rule, built as the chain rule builds one: a zero differential
/// makes it 0, and a number times a parameter is one factor (`-x*phi(x)` is
/// `(-u)*phi(u)`, so a negated sum reads `-a - b`). `written` are the factors in the
/// rule, `factors` the same after substitution.
fn product(
    g: &mut Graph,
    book: &Graph,
    written: &[ExprId],
    mut factors: Vec<ExprId>,
    params: &[Symbol],
) -> ExprId {
    let is_param = |t: ExprId| matches!(book.node(t), Node::Var(s) if params.contains(s));
    let number = written.iter().position(|&t| book.as_num(t).is_some());
    let param = written.iter().position(|&t| is_param(t));
    if let (Some(n), Some(p)) = (number, param) {
        factors[p] = g.mul(vec![factors[n], factors[p]]);
        factors.remove(n);
    }
    scaled(g, factors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_table_reads() {
        let book = book();
        for row in activations::TABLE {
            let [smooth, autodiff] = &book.rules[row.name].modes;
            assert_eq!(smooth.is_some(), row.derivative.is_some(), "{}", row.name);
            assert_eq!(autodiff.is_some(), row.autodiff.is_some(), "{}", row.name);
        }
    }
}
