//! actsym: the mathematics of neural-network activation functions.
//!
//! Text is parsed ([`parse`]) into a hash-consed expression graph ([`expr`]) with exact
//! rational constants; definitions, the prelude's activation functions among them, are
//! checked and registered by [`defs`], and their calls stay named; what the passes
//! know of each prelude activation besides its definition is one table
//! ([`activations`]). Derivatives are
//! taken symbolically, one-sided at kinks ([`diff`]), and simplified soundly
//! ([`simplify`]); expressions print as text, LaTeX and JSON ([`print`](mod@print)).
//! Passes that need built-in operations only [`unfold`] an expression (derivatives
//! taken, definitions inlined): it evaluates with certified digits through MPFR
//! interval arithmetic ([`certified`]) or fast in `f64` through a compiled tape
//! ([`fast`]); claims are proved, refuted with certified counterexamples, or verified
//! numerically ([`prove`]); functions built from ReLU-like parts are analysed exactly
//! into pieces, breakpoints and continuity ([`pwl`]); answers to the chapter's exercises
//! are graded with a diagnosis ([`exercises`]). Polynomials over Q are [`poly`].
//! The modules form layers, each using only those below it (ARCHITECTURE.md).
//!
//! ```
//! use actsym::{defs, diff, expr::Graph, print};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "sigmoid(x)").unwrap();
//! let x = g.symbol("x");
//! let d = diff::derive(&mut g, e, x, diff::Kink::Left).unwrap();
//! assert_eq!(print::text(&g, d), "sigmoid(x)*(1 - sigmoid(x))");
//! ```
#![warn(missing_docs)]

pub mod activations;
pub mod certified;
pub mod defs;
pub mod diff;
pub mod exercises;
pub mod expr;
pub mod fast;
pub mod fuzz;
pub mod network;
pub mod parse;
pub mod plot;
pub mod poly;
pub mod print;
pub mod prove;
pub mod pwl;
pub mod simplify;
pub mod unfold;
