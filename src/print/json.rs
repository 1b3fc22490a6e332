//! The JSON printer: the canonical graph as a tree of JSON objects.
//!
//! Schema: every node is an object with exactly one of these keys naming its kind,
//! plus `args` (an array of nodes) for operations.
//!
//! | node | JSON |
//! |---|---|
//! | rational constant | `{"num": "3/2"}`, `{"num": "-7"}` (exact, `p/q` in lowest terms) |
//! | pi | `{"const": "pi"}` |
//! | variable | `{"var": "x"}` |
//! | truth value | `{"bool": true}` |
//! | undefined | `{"undefined": true}` |
//! | sum (n-ary) | `{"op": "add", "args": [t1, t2, ...]}` |
//! | product (n-ary) | `{"op": "mul", "args": [f1, f2, ...]}` |
//! | power | `{"op": "pow", "args": [base, exponent]}` |
//! | `if(c, a, b)` | `{"op": "if", "args": [c, a, b]}` |
//! | `diff(e, x)` | `{"op": "diff", "args": [e, {"var": "x"}]}` |
//! | built-in function | `{"func": "exp", "args": [u]}`: `exp log abs sign tanh sinh cosh erf max min` |
//! | defined function | `{"call": "sigmoid", "args": [...]}` |
//! | comparison | `{"cmp": ">", "args": [a, b]}`: `<`, `<=`, `>`, `>=`, `!=` |
//!
//! The tree is the canonical graph itself: subtraction is `add` with a `mul` by
//! `{"num": "-1"}`, division is `pow` with exponent `{"num": "-1"}`, `sqrt(u)` is `pow`
//! with `{"num": "1/2"}`. Shared subexpressions are written out at each use.
//!
//! ```
//! use actsym::{defs, expr::Graph, print};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "2*sigmoid(x)").unwrap();
//! assert_eq!(
//!     print::json(&g, e),
//!     serde_json::json!({"op": "mul", "args": [
//!         {"num": "2"},
//!         {"call": "sigmoid", "args": [{"var": "x"}]}
//!     ]})
//! );
//! ```

use serde_json::{Map, Value};

use crate::expr::{ExprId, Graph, Node};

/// The expression as a JSON tree (schema in the module documentation).
///
/// It is built without recursion, but the value nests as deep as the expression, and
/// `serde_json` drops and serializes values recursively: callers handling expressions
/// deeper than a few thousand levels should do so on a thread with a large stack.
#[must_use]
pub fn json(g: &Graph, id: ExprId) -> Value {
    enum Step {
        Enter(ExprId),
        Exit(ExprId),
    }
    let mut steps = vec![Step::Enter(id)];
    let mut values: Vec<Value> = Vec::new();
    while let Some(step) = steps.pop() {
        match step {
            Step::Enter(n) => {
                let children = g.node(n).children();
                if children.is_empty() {
                    values.push(leaf(g, g.node(n)));
                } else {
                    steps.push(Step::Exit(n));
                    steps.extend(children.into_iter().rev().map(Step::Enter));
                }
            }
            Step::Exit(n) => {
                let node = g.node(n);
                let k = node.children().len();
                let args = values.split_off(values.len().saturating_sub(k));
                values.push(inner(g, node, args));
            }
        }
    }
    values.pop().unwrap_or(Value::Null)
}

/// `{key: value}`.
fn tagged(key: &str, value: impl Into<Value>) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), value.into());
    Value::Object(m)
}

/// `{key: name, "args": args}`. Built by moving `args` in: the `json!` macro would
/// serialize (deep-copy) them, recursively and in quadratic time on deep trees.
fn operation(key: &str, name: &str, args: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), Value::String(name.to_owned()));
    m.insert("args".to_owned(), Value::Array(args));
    Value::Object(m)
}

/// A node without children.
fn leaf(g: &Graph, node: &Node) -> Value {
    match node {
        Node::Num(r) => tagged("num", r.to_string()),
        Node::Pi => tagged("const", "pi"),
        Node::Var(s) => tagged("var", g.name(*s)),
        Node::Bool(b) => tagged("bool", *b),
        Node::Undefined => tagged("undefined", true),
        // Nodes with children never reach here; keep the match total without a panic.
        _ => Value::Null,
    }
}

/// A node whose children are already converted (`args`, in order).
fn inner(g: &Graph, node: &Node, args: Vec<Value>) -> Value {
    match node {
        Node::Add(_) => operation("op", "add", args),
        Node::Mul(_) => operation("op", "mul", args),
        Node::Pow(..) => operation("op", "pow", args),
        Node::If(..) => operation("op", "if", args),
        Node::Diff(_, v) => {
            let mut args = args;
            args.push(tagged("var", g.name(*v)));
            operation("op", "diff", args)
        }
        Node::Func(f, _) => operation("func", f.name(), args),
        Node::Max(..) => operation("func", "max", args),
        Node::Min(..) => operation("func", "min", args),
        Node::Call(f, _) => operation("call", g.name(*f), args),
        Node::Cmp(op, ..) => operation("cmp", op.as_str(), args),
        other => leaf(g, other),
    }
}
