//! actsym: the mathematics of neural-network activation functions.
//!
//! Text is parsed ([`parse`]) into a hash-consed expression graph ([`expr`]) with exact
//! rational constants; calls of the prelude's activation functions stay named
//! ([`defs`]). Derivatives are taken symbolically, one-sided at kinks ([`diff`]), and
//! simplified soundly ([`simplify`]); expressions print as text, LaTeX and JSON
//! ([`print`](mod@print)); they evaluate with certified digits through MPFR interval arithmetic
//! ([`certified`]) or fast in `f64` through a compiled tape ([`fast`]); claims are proved, refuted with certified counterexamples, or verified
//! numerically ([`prove`]); functions built from ReLU-like parts are analysed exactly
//! into pieces, breakpoints and continuity ([`pwl`]).
//!
//! ```
//! use actsym::{diff, expr::Graph, parse, print};
//! let mut g = Graph::with_prelude();
//! let e = parse::parse_expr(&mut g, "sigmoid(x)").unwrap();
//! let x = g.symbol("x");
//! let d = diff::derive(&mut g, e, x, diff::Kink::Left).unwrap();
//! assert_eq!(print::text(&g, d), "sigmoid(x)*(1 - sigmoid(x))");
//! ```
#![warn(missing_docs)]

pub mod certified;
pub mod defs;
pub mod diff;
pub mod expr;
pub mod fast;
pub mod parse;
pub mod plot;
pub mod poly;
pub mod print;
pub mod prove;
pub mod pwl;
pub mod simplify;
