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
use crate::activations::{self, Activation};
use crate::expr::{map_children, ExprId, Graph, Node, Origin, Symbol};
use crate::parse;

/// The rules read once, into a graph of their own that holds the prelude: a rule
/// is then copied into the graph being differentiated, whose user definitions
/// cannot change how its text reads (a user function named `dx`).
struct RuleBook {
    graph: Graph,
    /// Per activation: its rule in every mode, and its autodiff rule.
    rules: HashMap<&'static str, [Option<ExprId>; 2]>,
}

/// The rules of the table, read on first use. A rule that does not read is absent
/// (`tests/activation_recipe.rs` checks that all of them read).
fn book() -> &'static RuleBook {
    static BOOK: OnceLock<RuleBook> = OnceLock::new();
    BOOK.get_or_init(|| {
        let mut graph = Graph::with_prelude();
        let read = |g: &mut Graph, text: Option<&str>| {
            let text = text?;
            let p = parse::parse_statements(g, text, Origin::Prelude).ok()?;
            parse::single_expr(&p.statements, text).ok()
        };
        let mut rules = HashMap::new();
        for row in activations::TABLE {
            let smooth = read(&mut graph, row.derivative);
            let autodiff = read(&mut graph, row.autodiff);
            rules.insert(row.name, [smooth, autodiff]);
        }
        RuleBook { graph, rules }
    })
}

/// The rule of `f` in this mode, if `f` is the prelude's definition of an
/// activation of the same arity that has one.
fn rule_of(g: &Graph, f: Symbol, kink: Kink) -> Option<(&'static Activation, ExprId)> {
    let def = g.defs().get(f)?;
    if def.origin != Origin::Prelude {
        return None;
    }
    let row = activations::find(g.name(f))?;
    if row.arity() != def.params.len() {
        return None;
    }
    let [smooth, autodiff] = *book().rules.get(row.name)?;
    match (smooth, autodiff) {
        (Some(d), _) => Some((row, d)),
        (None, Some(a)) if kink == Kink::Autodiff => Some((row, a)),
        _ => None,
    }
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
    let (row, template) = rule_of(g, f, kink)?;
    if args.len() != row.arity() || ds.len() != row.arity() {
        return None;
    }
    let book = book();
    let mut bindings: HashMap<String, ExprId> = HashMap::new();
    for (i, p) in row.params.iter().enumerate() {
        bindings.insert((*p).to_owned(), args[i]);
        bindings.insert(format!("d{p}"), ds[i]);
    }
    let mut map: HashMap<ExprId, ExprId> = HashMap::new();
    for id in book.graph.reachable(&[template]) {
        let node = map_children(book.graph.node(id), |c| map[&c]);
        let new = match node {
            Node::Var(s) => *bindings.get(book.graph.name(s))?,
            Node::Call(s, args) => {
                let name = book.graph.name(s);
                let callee = g.find_symbol(name)?;
                let from_prelude = g.defs().get(callee)?.origin == Origin::Prelude;
                if !from_prelude {
                    return None;
                }
                g.call(callee, args.into_vec())
            }
            Node::Mul(fs) => {
                let Node::Mul(written) = book.graph.node(id) else {
                    return None;
                };
                product(g, &book.graph, written, fs.into_vec(), row.params)
            }
            Node::Diff(..) => return None,
            other => g.rebuild(other),
        };
        map.insert(id, new);
    }
    map.get(&template).copied()
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
    params: &[&str],
) -> ExprId {
    let is_param =
        |t: ExprId| matches!(book.node(t), Node::Var(s) if params.contains(&book.name(*s)));
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
            let [smooth, autodiff] = book.rules[row.name];
            assert_eq!(smooth.is_some(), row.derivative.is_some(), "{}", row.name);
            assert_eq!(autodiff.is_some(), row.autodiff.is_some(), "{}", row.name);
        }
    }
}
