//! The simplifier: rewrites an expression into an equal one that reads like the
//! textbook, within a fixed budget of work.
//!
//! Passes run bottom-up over the graph (children first, no recursion); each node is
//! rebuilt through the smart constructors (exact rational arithmetic, like terms
//! collected, powers combined) and then given to the local rules:
//! - comparisons are put in a canonical form and folded when their truth is known
//!   (`cond`);
//! - nested `if`s on the same comparison are resolved and merged, equal branches
//!   merged, the value at a tie evaluated at the tie (`cond`); operations move
//!   into `if` branches where they fold (`lift`);
//! - sums take the form with the fewest operations among: as they are, common factors
//!   taken out, expanded, or collected by one atom (`poly`);
//! - known patterns turn back into the prelude's names (`patterns`).
//!
//! Passes repeat until nothing changes or the [`Budget`] is spent; whatever state
//! the budget leaves is returned, since every rule on its own is sound.
//!
//! Soundness: the result equals the input at every point where the input is
//! defined, and is undefined exactly where the input is. No rule divides by
//! something that may vanish or drops a term that may be undefined: `x/x` stays.
//!
//! ```
//! use actsym::{defs, expr::Graph, simplify::simplify};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "exp(-x)/(1 + exp(-x))^2").unwrap();
//! let s = simplify(&mut g, e);
//! assert_eq!(s, defs::parse_expr(&mut g, "sigmoid(x)*(1 - sigmoid(x))").unwrap());
//! ```

pub(crate) mod cond;
mod cost;
mod lift;
mod patterns;
mod poly;
mod rational;
mod shared;
mod sums;

pub use cost::{dag_op_count, op_count, OpCounter};
pub use shared::{shared_form, shared_form_with, SharedForm};

use crate::expr::{map_children, ExprId, Graph, IdMap, Node};

/// How much work one call of [`simplify_with`] may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The most bottom-up passes over the expression.
    pub passes: u32,
    /// The most elementary steps (node visits and polynomial term operations).
    pub work: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            passes: 12,
            work: 2_000_000,
        }
    }
}

/// The work left in a budget.
#[derive(Debug)]
pub(crate) struct Work {
    left: u64,
    /// Calls since the thread's deadline was last read.
    ticks: u32,
}

impl Work {
    pub(crate) fn new(left: u64) -> Self {
        Work { left, ticks: 0 }
    }

    /// Spends `n` steps; `None` once the budget is spent or the thread's deadline
    /// ([`crate::poly::budget`], read every 256 calls) has passed.
    pub(crate) fn spend(&mut self, n: u64) -> Option<()> {
        self.ticks += 1;
        if self.ticks >= 256 {
            self.ticks = 0;
            if crate::poly::budget::expired() {
                self.left = 0;
                return None;
            }
        }
        if self.left < n {
            self.left = 0;
            return None;
        }
        self.left -= n;
        Some(())
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.left == 0
    }
}

impl crate::poly::Meter for Work {
    fn spend(&mut self, steps: u64) -> Result<(), crate::poly::PolyError> {
        Work::spend(self, steps).ok_or(crate::poly::PolyError::WorkExhausted)
    }
}

/// Simplifies `e` with the default [`Budget`].
#[must_use = "the simplified expression is returned, `e` is unchanged"]
pub fn simplify(g: &mut Graph, e: ExprId) -> ExprId {
    simplify_with(g, e, Budget::default())
}

/// Simplifies `e` within `budget`. Always returns an expression equal to `e`
/// wherever `e` is defined, with the same domain, however small the budget.
#[must_use = "the simplified expression is returned, `e` is unchanged"]
pub fn simplify_with(g: &mut Graph, e: ExprId, budget: Budget) -> ExprId {
    Simplifier::new(g, budget).run(g, e)
}

/// A simplifier that remembers what it has done: simplifying several related
/// expressions in one graph (successive derivatives) with one `Simplifier` does not
/// redo the work on the subterms they share. Each [`run`](Simplifier::run) has its
/// own [`Budget`].
#[derive(Debug)]
pub struct Simplifier {
    names: patterns::Names,
    budget: Budget,
    ops: OpCounter,
    /// The result of the local rules for each node already seen.
    done: IdMap<ExprId>,
    /// What a pass maps each node already visited to (its children mapped, then
    /// the local rules). A function of the node and of `done`, whose entries never
    /// change: a later pass, or a later run, would map it the same way again, so
    /// it is looked up instead and only the nodes a pass built are visited anew.
    mapped: IdMap<ExprId>,
    /// Polynomial expansions already computed.
    expansions: poly::Expansions,
}

impl Simplifier {
    /// A simplifier for expressions of `g` (it looks up the prelude's names once).
    #[must_use]
    pub fn new(g: &Graph, budget: Budget) -> Self {
        Simplifier {
            names: patterns::Names::find(g),
            budget,
            ops: OpCounter::new(),
            done: IdMap::default(),
            mapped: IdMap::default(),
            expansions: poly::Expansions::default(),
        }
    }

    /// Simplifies `e`; see [`simplify_with`].
    #[must_use = "the simplified expression is returned, `e` is unchanged"]
    pub fn run(&mut self, g: &mut Graph, e: ExprId) -> ExprId {
        let mut work = Work::new(self.budget.work);
        let mut cur = e;
        for _ in 0..self.budget.passes {
            if g.within_limits().is_err() || work.exhausted() {
                break;
            }
            let next = self.pass(g, cur, &mut work);
            if next == cur {
                break;
            }
            cur = next;
        }
        cur
    }

    /// One bottom-up pass over `root` (children first, without recursion): each
    /// node rebuilt from its mapped children, then given to the local rules; nodes
    /// mapped before are looked up (see `mapped`).
    fn pass(&mut self, g: &mut Graph, root: ExprId, work: &mut Work) -> ExprId {
        // (node, whether its children are mapped)
        let mut stack = vec![(root, false)];
        while let Some((orig, ready)) = stack.pop() {
            if self.mapped.contains_key(&orig) {
                continue;
            }
            let node = g.node(orig);
            if !ready {
                stack.push((orig, true));
                for c in node.children() {
                    if !self.mapped.contains_key(&c) {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            let mapped = map_children(node, |c| self.mapped[&c]);
            // Unchanged children: the node is already canonical.
            let id = if *g.node(orig) == mapped {
                orig
            } else {
                g.rebuild(mapped)
            };
            let r = match self.done.get(&id) {
                Some(&r) => r,
                None => {
                    let mut ctx = Context {
                        names: self.names,
                        ops: &mut self.ops,
                        expansions: &mut self.expansions,
                        work,
                    };
                    let r = local_rules(g, id, &mut ctx);
                    self.done.insert(id, r);
                    r
                }
            };
            self.mapped.insert(orig, r);
        }
        self.mapped[&root]
    }
}

/// What the local rules share during one run.
struct Context<'a> {
    names: patterns::Names,
    ops: &'a mut OpCounter,
    expansions: &'a mut poly::Expansions,
    work: &'a mut Work,
}

/// The rules for one node whose children are already simplified: the first rule
/// that changes the node wins (the next pass looks at the result again).
fn local_rules(g: &mut Graph, id: ExprId, cx: &mut Context<'_>) -> ExprId {
    if cx.work.spend(1).is_none() || g.within_limits().is_err() {
        return id;
    }
    let names = cx.names;
    let changed = |r: ExprId| (r != id).then_some(r);
    let out = match g.node(id) {
        Node::Cmp(..) => changed(cond::canonical_cmp(g, id, names.relu)),
        Node::If(..) => changed(cond::simplify_if(g, id)),
        Node::Add(_) => changed(cond::merge_sum_ifs(g, id)).or_else(|| {
            changed(sums::best_sum_form(
                g,
                id,
                cx.ops,
                cx.expansions,
                cx.work,
                0,
            ))
        }),
        Node::Mul(_) => changed(patterns::product(g, id, names))
            .or_else(|| changed(lift::product_into_if(g, id, cx.ops))),
        Node::Pow(..) => changed(patterns::power(g, id, names))
            .or_else(|| changed(lift::into_constant_if(g, id))),
        Node::Func(..) => changed(patterns::function(g, id, names))
            .or_else(|| changed(lift::into_constant_if(g, id))),
        Node::Max(..) | Node::Min(..) => {
            changed(ordered_extremum(g, id)).or_else(|| changed(lift::into_constant_if(g, id)))
        }
        Node::Call(..) => changed(constant_call(g, id)),
        _ => None,
    };
    out.unwrap_or(id)
}

/// A call of a defined function with constant arguments whose body folds to a
/// rational (`relu(0)` is 0); other calls keep their names.
fn constant_call(g: &mut Graph, id: ExprId) -> ExprId {
    let Node::Call(_, args) = g.node(id) else {
        return id;
    };
    if !args.iter().all(|&a| g.as_num(a).is_some()) {
        return id;
    }
    let e = crate::defs::inline(g, id);
    if g.as_num(e).is_some() {
        e
    } else {
        id
    }
}

/// `max(a, b)` or `min(a, b)` where `a - b` is a constant: the larger or smaller.
/// (The difference only folds to a constant when what cancels is defined
/// everywhere, so the domain is kept.)
fn ordered_extremum(g: &mut Graph, id: ExprId) -> ExprId {
    let (a, b, is_max) = match g.node(id) {
        Node::Max(a, b) => (*a, *b, true),
        Node::Min(a, b) => (*a, *b, false),
        _ => return id,
    };
    let d = g.sub(a, b);
    match g.as_num(d) {
        Some(r) => {
            let a_larger = *r >= num_traits::Zero::zero();
            if a_larger == is_max {
                a
            } else {
                b
            }
        }
        None => id,
    }
}
