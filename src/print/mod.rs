//! Printers: text (round-trips through the parser), LaTeX and JSON, and the operation
//! count of the printed form.
//!
//! - [`text`] writes the actsym language with minimal parentheses, in textbook order
//!   (`x + 1`, `1 - sigmoid(x)`, `3*x/(2*y)`, `(1 + erf(x/sqrt(2)))/2`); parsing its
//!   output gives back the same node.
//! - [`latex`] writes a formula for a document (`\frac{1}{1 + e^{-x}}`).
//! - [`json`] writes a tree of JSON objects (schema in [`json`](self::json())).
//! - [`op_count`] counts the operations of the printed tree (for comparisons with
//!   SymPy's `count_ops`).
//!
//! Text and LaTeX are produced by one engine: each node is laid out as a short list of
//! `Piece`s (literal text, operators, and child nodes with the binding strength they
//! need), and a loop with an explicit stack writes them out. Nothing recurses on the
//! depth of the expression, so depth 20,000 prints on a small stack. Printing writes
//! the DAG as a tree: a subexpression shared `k` times is written `k` times.
//!
//! ```
//! use actsym::{defs, expr::Graph, print};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "1/(1 + exp(-x))").unwrap();
//! assert_eq!(print::text(&g, e), "1/(1 + exp(-x))");
//! assert_eq!(print::latex(&g, e), r"\frac{1}{1 + e^{-x}}");
//! assert_eq!(print::op_count(&g, e), 4); // '/', '+', exp, unary '-'
//! ```

mod json;
mod latex;
mod latex_names;
mod layout;
mod text;

pub use json::json;
pub use latex::latex;
pub use text::{op_count, text};
