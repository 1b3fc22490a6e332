//! Function definitions: the prelude (written in the language itself, in
//! `src/prelude.act`) and user definitions from `--defs` files or inline statements.
//!
//! A call of a defined function stays a named [`Node::Call`] in the graph, so
//! `sigmoid(x)` keeps its name through differentiation and printing. [`expand`]
//! replaces calls by their bodies when something needs the primitives (the evaluator,
//! the prover).
//!
//! ```
//! use actsym::expr::Graph;
//! let g = Graph::with_prelude();
//! let sigmoid = g.find_symbol("sigmoid").unwrap();
//! assert_eq!(g.defs.get(sigmoid).unwrap().params.len(), 1);
//! ```

use std::collections::HashMap;

use crate::expr::{ExprId, Graph, Node, SignInfo, Symbol};

/// The prelude's source text.
pub const PRELUDE: &str = include_str!("prelude.act");

/// Where a definition came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The built-in prelude.
    Prelude,
    /// A user file (its name as given) or an inline statement (`<input>`).
    User(String),
}

/// One function definition `name(params) = body`.
#[derive(Clone, Debug)]
pub struct Definition {
    /// The function's name.
    pub name: Symbol,
    /// Its parameters, in order.
    pub params: Vec<Symbol>,
    /// Its body, in terms of the parameters.
    pub body: ExprId,
    /// Where it came from.
    pub origin: Origin,
    /// The definition as written (one line, for `actsym defs`).
    pub source: String,
    /// Whether the body is defined for every value of the parameters.
    pub total: bool,
    /// What is known of the body's sign.
    pub sign: SignInfo,
}

/// The table of definitions, in the order they were made.
#[derive(Clone, Debug, Default)]
pub struct Definitions {
    map: HashMap<Symbol, Definition>,
    order: Vec<Symbol>,
}

impl Definitions {
    /// The definition of a function, if it has one.
    #[must_use]
    pub fn get(&self, name: Symbol) -> Option<&Definition> {
        self.map.get(&name)
    }

    /// All definitions in the order they were made.
    pub fn iter(&self) -> impl Iterator<Item = &Definition> {
        self.order.iter().map(|s| &self.map[s])
    }

    /// Adds or replaces a definition. The parser checks names, arity and cycles first.
    pub fn insert(&mut self, def: Definition) {
        if !self.map.contains_key(&def.name) {
            self.order.push(def.name);
        }
        self.map.insert(def.name, def);
    }

    /// Moves `names` to the end of the listing order, in the order given (the parser
    /// registers a file's definitions callees first, but lists them as written).
    pub(crate) fn list_last(&mut self, names: &[Symbol]) {
        self.order.retain(|n| !names.contains(n));
        self.order
            .extend(names.iter().filter(|n| self.map.contains_key(n)));
    }

    /// The number of definitions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// Loads the prelude into a graph. The prelude is part of the program and is tested
/// to parse; should it ever fail, the graph is left without it and the error is
/// reported by the test suite, not by a panic here.
pub fn load_prelude(g: &mut Graph) {
    let _ = crate::parse::parse_source(g, PRELUDE, Origin::Prelude);
}

/// Replaces every call of a defined function under `root` by its body, recursively,
/// so the result holds only built-in operations. Calls of unknown functions stay.
pub fn expand(g: &mut Graph, root: ExprId) -> ExprId {
    let mut bodies: HashMap<Symbol, ExprId> = HashMap::new();
    expand_with(g, root, &mut bodies)
}

fn expand_with(g: &mut Graph, root: ExprId, bodies: &mut HashMap<Symbol, ExprId>) -> ExprId {
    g.rewrite(root, |g, _, node| match node {
        Node::Call(f, args) => {
            let Some(def) = g.defs.get(f).cloned() else {
                return g.call(f, args.into_vec());
            };
            // Definitions cannot be recursive (the parser rejects cycles), so this
            // recursion is bounded by the depth of the definition hierarchy.
            let body = match bodies.get(&f) {
                Some(&b) => b,
                None => {
                    // Derivatives in the body are taken before the parameters are
                    // replaced (diff binds its variable).
                    let body = crate::diff::expand_diffs(g, def.body, crate::diff::Kink::Left)
                        .unwrap_or(def.body);
                    let b = expand_with(g, body, bodies);
                    bodies.insert(f, b);
                    b
                }
            };
            let bindings: HashMap<Symbol, ExprId> = def
                .params
                .iter()
                .copied()
                .zip(args.iter().copied())
                .collect();
            g.substitute(body, &bindings)
        }
        other => g.rebuild(other),
    })
}
