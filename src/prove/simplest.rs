//! Simplification that uses the prover: the simplifier's result, or a constant when
//! the exponential-rational normal form says the expression is one and a re-checked
//! proof confirms it, domains included (`sigmoid(x) + sigmoid(-x)` is `1`, `x/x`
//! stays, since it is undefined at 0).
//!
//! ```
//! use actsym::{defs, expr::Graph, print, prove::simplest::simplify_proved};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "tanh(x) + 1 - 2*sigmoid(2*x)").unwrap();
//! let s = simplify_proved(&mut g, e).unwrap();
//! assert_eq!(print::text(&g, s), "0");
//! ```

use num_rational::BigRational;

use super::check::check;
use super::decide::{prove, Context};
use super::normal::Normalizer;
use crate::diff::Kink;
use crate::expr::{ExprId, Graph};
use crate::unfold::{unfold, UnfoldError};

/// The largest expression (in distinct nodes) the normal form is tried on.
const MAX_NODES: usize = 2_000;

/// [`crate::simplify::simplify`], then, when the expression is provably a constant
/// on its whole domain and that domain is everywhere, the constant.
///
/// # Errors
/// [`UnfoldError`] when the simplified expression cannot be unfolded for the prover
/// (a `diff(...)` that cannot be taken, the graph's limits).
pub fn simplify_proved(g: &mut Graph, e: ExprId) -> Result<ExprId, UnfoldError> {
    let s = crate::simplify::simplify(g, e);
    if g.as_num(s).is_some() || g.dag_size(s) > MAX_NODES {
        return Ok(s);
    }
    let unfolded = unfold(g, s, Kink::Left)?;
    Ok(match constant_candidate(g, unfolded) {
        Some(c) => {
            let c = g.num(c);
            if proved_equal(g, unfolded, c) {
                c
            } else {
                s
            }
        }
        None => s,
    })
}

/// The constant the normal form of `e` reduces to, if it does: the numerator is the
/// candidate times the denominator. Only a candidate; [`proved_equal`] decides.
fn constant_candidate(g: &Graph, e: ExprId) -> Option<BigRational> {
    let mut n = Normalizer::new(g, &[e]);
    let f = n.normalize(g, e)?;
    if f.num.is_zero() {
        return Some(BigRational::from_integer(0.into()));
    }
    let (m, d) = f.den.terms().next()?;
    let (_, c) = f.num.terms().find(|(k, _)| *k == m)?;
    let ratio = c / d;
    if f.num.len() != f.den.len() {
        return None;
    }
    Some(ratio)
}

/// Whether `lhs = rhs` has a proof that the step checker accepts (so both sides are
/// defined at the same points and equal there).
fn proved_equal(g: &mut Graph, lhs: ExprId, rhs: ExprId) -> bool {
    let ctx = Context::new();
    match prove(g, lhs, rhs, &ctx) {
        Ok(p) => check(g, lhs, rhs, &ctx, &p).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{defs, print};

    fn simplest(src: &str) -> String {
        let mut g = Graph::with_prelude();
        let e = defs::parse_expr(&mut g, src).unwrap();
        let s = simplify_proved(&mut g, e).expect("unfolds");
        print::text(&g, s)
    }

    #[test]
    fn proved_constants() {
        for (src, expected) in [
            ("sigmoid(x) + sigmoid(-x)", "1"),
            ("tanh(x) + 1 - 2*sigmoid(2*x)", "0"),
            ("cosh(x)^2 - sinh(x)^2", "1"),
            ("3*sigmoid(x) + 3*sigmoid(-x)", "3"),
        ] {
            assert_eq!(simplest(src), expected, "{src}");
        }
    }

    #[test]
    fn a_different_domain_is_never_printed() {
        // Each is 1 or 2 where defined, but undefined somewhere.
        for src in [
            "x/x + sigmoid(x) + sigmoid(-x)",
            "log(x) - log(x) + 1",
            "sqrt(x)^2/x",
            "sigmoid(x)",
        ] {
            let mut g = Graph::with_prelude();
            let e = defs::parse_expr(&mut g, src).unwrap();
            let s = simplify_proved(&mut g, e).expect("unfolds");
            assert!(g.as_num(s).is_none(), "{src} became {}", print::text(&g, s));
        }
    }
}
