//! Printing shared subterms once: `s*(1 - s) where s = sigmoid(beta*x)`.
//!
//! The graph already stores every repeated subterm once; printed as a tree it is
//! written out at each use. [`shared_form`] names the subterms whose abbreviation
//! makes the printed text shorter, greedily (the largest saving first), and prints
//! the main expression and each definition with the names in place. It works with
//! any printer ([`shared_form_with`]), so LaTeX output can use it too.

use std::collections::{HashMap, HashSet};

use crate::expr::{ExprId, Graph, Node, Origin};

/// The most subterms named in one form.
const MAX_NAMES: usize = 8;

/// Names tried for abbreviations, after the first letter of a function's name.
const NAME_POOL: [&str; 10] = ["s", "t", "u", "v", "w", "p", "q", "r", "a", "b"];

/// An expression printed with its repeated subterms named once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedForm {
    /// The main expression, using the names.
    pub main: String,
    /// The names and what they stand for, inner ones first (a definition may use
    /// the names before it).
    pub defs: Vec<(String, String)>,
}

impl SharedForm {
    /// One line: `main where s = ..., t = ...` (just `main` without names).
    #[must_use]
    pub fn to_line(&self) -> String {
        if self.defs.is_empty() {
            return self.main.clone();
        }
        let defs: Vec<String> = self
            .defs
            .iter()
            .map(|(n, t)| format!("{n} = {t}"))
            .collect();
        format!("{} where {}", self.main, defs.join(", "))
    }
}

/// The shared form of `root` in the text printer's notation. It parses back to
/// `root` itself: a name stands for its node, so `-s*x where s = x + y` reads as
/// `(-(x + y))*x`, which the constructors distribute into `x*(-x - y)`, a different
/// node from `-x*(x + y)`. A naming whose text would not rebuild `root` is dropped,
/// the last chosen name first, down to the plain text.
#[must_use]
pub fn shared_form(g: &mut Graph, root: ExprId) -> SharedForm {
    let mut excluded: HashSet<ExprId> = HashSet::new();
    loop {
        let (form, chosen) = shared_form_excluding(g, root, &crate::print::text, &excluded);
        let Some(&last) = chosen.last() else {
            return form;
        };
        if parses_back_to(g, &form.to_line(), root) {
            return form;
        }
        excluded.insert(last);
    }
}

/// Whether `text` (an expression printed by actsym, without definitions) parses to
/// `root`. Syntax only: reading it back is a step of printing, not a new operation
/// on the graph, so it goes through the parser rather than `defs`' front doors.
fn parses_back_to(g: &mut Graph, text: &str, root: ExprId) -> bool {
    let origin = Origin::User("<shared form>".into());
    crate::parse::parse_statements(g, text, origin)
        .and_then(|p| crate::parse::single_expr(&p.statements, text))
        .is_ok_and(|e| e == root)
}

/// The shared form of `root`, printed by `print`.
#[must_use]
pub fn shared_form_with(
    g: &mut Graph,
    root: ExprId,
    print: impl Fn(&Graph, ExprId) -> String,
) -> SharedForm {
    shared_form_excluding(g, root, &print, &HashSet::new()).0
}

/// The shared form of `root` without naming the nodes in `excluded`, and the named
/// nodes in the order they were chosen.
fn shared_form_excluding(
    g: &mut Graph,
    root: ExprId,
    print: &impl Fn(&Graph, ExprId) -> String,
    excluded: &HashSet<ExprId>,
) -> (SharedForm, Vec<ExprId>) {
    let used: HashSet<String> = g
        .free_vars(root)
        .into_iter()
        .map(|s| g.name(s).to_owned())
        .collect();
    let mut names: HashMap<ExprId, (String, ExprId)> = HashMap::new();
    let mut order: Vec<ExprId> = Vec::new();
    let mut taken: HashSet<String> = used;
    let len = |g: &Graph, id: ExprId| print(g, id).chars().count() as i64;
    for _ in 0..MAX_NAMES {
        let occ = occurrences(g, root, &names);
        let mut best: Option<(i64, ExprId, String)> = None;
        for (&id, &n) in &occ {
            // Only subterms defined everywhere: the name is a variable, which is, and
            // the constructors fold `0*s`, `s - s` for it (but not for `log(x)`), so
            // naming a partial subterm could print a different expression.
            if n < 2
                || names.contains_key(&id)
                || excluded.contains(&id)
                || !worth_naming(g.node(id))
                || !g.info(id).total
            {
                continue;
            }
            let name = fresh_name(g, id, &taken);
            let body = abbreviate(g, id, &names);
            let l = len(g, body);
            let nl = name.chars().count() as i64;
            let n = n as i64;
            // n uses of l characters become n names and one `name = body`.
            let saving = n * l - (n * nl + nl + 3 + l + 2);
            // Ties go to the smaller id, so the choice does not depend on the
            // hash map's iteration order.
            if saving > 0
                && best
                    .as_ref()
                    .is_none_or(|b| saving > b.0 || (saving == b.0 && id < b.1))
            {
                best = Some((saving, id, name));
            }
        }
        let Some((_, id, name)) = best else {
            break;
        };
        let var = g.var(&name);
        taken.insert(name.clone());
        names.insert(id, (name, var));
        order.push(id);
    }
    let main = abbreviate(g, root, &names);
    let mut chosen: Vec<ExprId> = names.keys().copied().collect();
    chosen.sort_unstable();
    let defs = chosen
        .into_iter()
        .map(|id| {
            let body = abbreviate(g, id, &names);
            (names[&id].0.clone(), print(g, body))
        })
        .collect();
    let form = SharedForm {
        main: print(g, main),
        defs,
    };
    (form, order)
}

/// Whether naming a node could shorten anything: not a leaf, not a condition.
fn worth_naming(node: &Node) -> bool {
    !matches!(
        node,
        Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) | Node::Cmp(..)
    )
}

/// A name not in `taken`: the first letter of a function's name if free, else the
/// first free name of the pool, else `s1`, `s2`, ...
fn fresh_name(g: &Graph, id: ExprId, taken: &HashSet<String>) -> String {
    let hint = match g.node(id) {
        Node::Call(f, _) => g.name(*f).chars().next(),
        Node::Func(f, _) => f.name().chars().next(),
        _ => None,
    }
    .map(|c| c.to_ascii_lowercase().to_string());
    hint.into_iter()
        .chain(NAME_POOL.iter().map(|s| (*s).to_owned()))
        .chain((1..).map(|i| format!("s{i}")))
        .find(|n| !taken.contains(n) && n != "e")
        .unwrap_or_else(|| "s0".to_owned())
}

/// How many times each node is written when `root` and the named nodes' definitions
/// are printed as trees, with named nodes written as their names.
fn occurrences(
    g: &Graph,
    root: ExprId,
    names: &HashMap<ExprId, (String, ExprId)>,
) -> HashMap<ExprId, u64> {
    let order = g.reachable(&[root]);
    let mut occ: HashMap<ExprId, u64> = HashMap::with_capacity(order.len());
    occ.insert(root, 1);
    // Parents have larger ids than their children: decreasing order visits every
    // parent before its children.
    for &id in order.iter().rev() {
        let n = occ.get(&id).copied().unwrap_or(0);
        let flow = if id != root && names.contains_key(&id) {
            1 // its definition is printed once
        } else {
            n
        };
        for c in g.node(id).children() {
            *occ.entry(c).or_insert(0) += flow;
        }
    }
    occ
}

/// `id` with the named nodes below it replaced by their names.
fn abbreviate(g: &mut Graph, id: ExprId, names: &HashMap<ExprId, (String, ExprId)>) -> ExprId {
    if names.is_empty() {
        return id;
    }
    g.rewrite(id, |g, orig, node| match names.get(&orig) {
        Some((_, var)) if orig != id => *var,
        _ => g.rebuild(node),
    })
}
