//! The size measure the simplifier minimises: the number of operations of the
//! expression written out as a tree (as SymPy's `count_ops` counts them), so a
//! subterm used twice counts twice.
//!
//! This is deliberately not [`crate::print::op_count`], which counts the printed
//! text: the printer writes `x + (-1)*y` as `x - y` and `x*y^(-1)` as `x/y`, and
//! whether a sum is gathered over a denominator depends on its parent, so the
//! printed count of a node is not a function of that node alone. The simplifier
//! needs one that is, additive over children, so it can memoise it per node and
//! cost a candidate form before building it (`sums.rs`). The two agree on sums
//! and products without subtractions, quotients and negative constants; the test
//! below shows where they differ.

use crate::expr::{ExprId, Graph, Node};

/// Counts tree operations, remembering every node's count (ids never change
/// meaning, so the memo stays valid while the graph grows).
#[derive(Default, Debug)]
pub struct OpCounter {
    memo: crate::expr::IdMap<u64>,
}

/// The operations a node adds on top of its children's.
fn own_ops(node: &Node) -> u64 {
    match node {
        Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined | Node::Var(_) => 0,
        Node::Add(xs) | Node::Mul(xs) => xs.len().saturating_sub(1) as u64,
        _ => 1,
    }
}

impl OpCounter {
    /// A counter with an empty memo.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of operations of `root` written as a tree (saturating).
    pub fn count(&mut self, g: &Graph, root: ExprId) -> u64 {
        if let Some(&n) = self.memo.get(&root) {
            return n;
        }
        // Post-order with an explicit stack: expressions may be deep.
        let mut stack = vec![(root, false)];
        while let Some((id, children_done)) = stack.pop() {
            if self.memo.contains_key(&id) {
                continue;
            }
            let node = g.node(id);
            let children = node.children();
            if children_done {
                let total = children
                    .iter()
                    .map(|c| self.memo.get(c).copied().unwrap_or(0))
                    .fold(own_ops(node), u64::saturating_add);
                self.memo.insert(id, total);
            } else {
                stack.push((id, true));
                stack.extend(
                    children
                        .into_iter()
                        .filter(|c| !self.memo.contains_key(c))
                        .map(|c| (c, false)),
                );
            }
        }
        self.memo.get(&root).copied().unwrap_or(0)
    }
}

/// The number of operations of `root` written out as a tree.
#[must_use]
pub fn op_count(g: &Graph, root: ExprId) -> u64 {
    OpCounter::new().count(g, root)
}

/// The number of operations of `root` with every shared subterm counted once (the
/// size after common-subexpression elimination).
#[must_use]
pub fn dag_op_count(g: &Graph, root: ExprId) -> u64 {
    g.reachable(&[root])
        .into_iter()
        .map(|id| own_ops(g.node(id)))
        .fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The simplifier's tree count against the printed form's (`print::op_count`):
    /// they agree on sums and products of positive terms and differ where the
    /// printer writes a subtraction, a quotient or a unary minus for what the graph
    /// stores as a product with `-1` or a negative power.
    #[test]
    fn tree_count_against_printed_count() {
        // (expression, tree operations, printed operations)
        let cases = [
            ("x + y*z", 2, 2),
            ("exp(x) + sigmoid(x)^2", 4, 4),
            ("x - y", 2, 1),
            ("x/y", 2, 1),
            ("-x", 1, 1),
            ("exp(-x)/(1 + exp(-x))^2", 7, 7),
            ("sigmoid(x)*(1 - sigmoid(x))", 5, 4),
        ];
        for (src, tree, printed) in cases {
            let mut g = Graph::with_prelude();
            let e = crate::defs::parse_expr(&mut g, src).expect("parses");
            assert_eq!(op_count(&g, e), tree, "tree operations of {src}");
            assert_eq!(
                crate::print::op_count(&g, e) as u64,
                printed,
                "printed operations of {src}"
            );
        }
    }
}
