//! actsym: the mathematics of neural-network activation functions.
//!
//! Text is parsed ([`parse`]) into a hash-consed expression graph ([`expr`]) with exact
//! rational constants; calls of the prelude's activation functions stay named
//! ([`defs`]); expressions print as text, LaTeX and JSON ([`print`]) and evaluate with
//! certified digits through MPFR interval arithmetic ([`eval`]).
//!
//! ```
//! use actsym::{expr::Graph, parse, print};
//! let mut g = Graph::with_prelude();
//! let e = parse::parse_expr(&mut g, "tanh(x) + 1").unwrap();
//! assert_eq!(print::text(&g, e), "tanh(x) + 1");
//! ```
#![warn(missing_docs)]

pub mod defs;
pub mod eval;
pub mod expr;
pub mod parse;
pub mod print;
pub mod prove;
