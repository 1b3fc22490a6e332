//! Definitions as plain data: what a function definition is ([`Definition`]) and the
//! table a graph keeps of them ([`Definitions`]).
//!
//! The table is read-only outside the crate: a library user reads definitions
//! through [`Graph::defs`](super::Graph::defs) but can add one only through the
//! `defs` module, which checks it first (names, dependency order, no cycles) and
//! computes its facts. Inside the crate, only `defs` inserts
//! ([`Graph::insert_definition`](super::Graph::insert_definition); a test in
//! `tests/layering.rs` checks that no other module calls it).
//!
//! So a library user cannot put an unchecked (say, recursive) definition in a graph:
//!
//! ```compile_fail
//! use actsym::expr::Graph;
//! let mut g = Graph::with_prelude();
//! let relu = g.find_symbol("relu").unwrap();
//! let mut def = g.defs().get(relu).unwrap().clone();
//! def.body = g.call(relu, vec![def.body]); // relu(x) = relu(max(x, 0))
//! g.defs().insert(def); // error: `insert` is private
//! ```

use std::collections::HashMap;

use super::{ExprId, SignInfo, Symbol};

/// Where a definition came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The built-in prelude.
    Prelude,
    /// A user file (its name as given) or an inline statement (`<input>`).
    User(String),
}

/// One function definition `name(params) = body`.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Whether the body is defined for every value of the parameters (computed when
    /// the definition is registered).
    pub total: bool,
    /// What is known of the body's sign (computed when the definition is registered).
    pub sign: SignInfo,
    /// Whether the body takes a derivative (`diff(...)`), directly or through a
    /// function it calls (computed when the definition is registered).
    pub derives: bool,
}

impl Definition {
    /// The parameters bound to the arguments of a call, for
    /// [`Graph::substitute`](super::Graph::substitute).
    #[must_use]
    pub fn bind(&self, args: &[ExprId]) -> HashMap<Symbol, ExprId> {
        self.params
            .iter()
            .copied()
            .zip(args.iter().copied())
            .collect()
    }
}

/// The table of definitions, in the order they are listed (as written).
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

    /// All definitions in listing order.
    pub fn iter(&self) -> impl Iterator<Item = &Definition> {
        self.order.iter().map(|s| &self.map[s])
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

    /// Adds a definition of a name not defined yet (the caller checked it).
    pub(super) fn insert(&mut self, def: Definition) {
        if !self.map.contains_key(&def.name) {
            self.order.push(def.name);
        }
        self.map.insert(def.name, def);
    }

    /// Moves `names` to the end of the listing order, in the order given (a text's
    /// definitions are registered callees first, but listed as written).
    pub(super) fn list_last(&mut self, names: &[Symbol]) {
        self.order.retain(|n| !names.contains(n));
        self.order
            .extend(names.iter().filter(|n| self.map.contains_key(n)));
    }
}
