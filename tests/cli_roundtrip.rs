//! The text `derive` and `simplify` print parses back to the same expression, shared
//! subterms included: `E where s = ...` is part of the language. A property test over
//! random expressions, their squares-and-products (which repeat subterms) and their
//! derivatives.

#[path = "print/recipe.rs"]
mod recipe;

use actsym::diff::{self, Kink};
use actsym::expr::{ExprId, Graph};
use actsym::{defs, print, simplify};
use proptest::prelude::*;
use recipe::{build, recipe};

/// Asserts that the shared form of `e` (what `derive` prints, names and all) parses
/// back to what the plain text parses to, and, where the plain text round-trips
/// (`exact`), to `e` itself.
fn assert_round_trip(g: &mut Graph, e: ExprId, exact: bool) -> Result<(), TestCaseError> {
    let line = simplify::shared_form(g, e).to_line();
    let plain = print::text(g, e);
    let from_plain = defs::parse_expr(g, &plain).ok();
    let from_shared = defs::parse_expr(g, &line);
    prop_assert_eq!(
        from_shared.clone().ok(),
        from_plain,
        "{:?} -> {:?}",
        line,
        from_shared.map(|b| print::text(g, b))
    );
    if exact {
        prop_assert_eq!(from_plain, Some(e), "{}", plain);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn shared_forms_parse_back(r in recipe()) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        assert_round_trip(&mut g, e, true)?;
        // e*(1 - e) + e^2*exp(e) repeats e, so the shared form names it.
        let one = g.int(1);
        let ne = g.neg(e);
        let rest = g.add(vec![one, ne]);
        let two = g.int(2);
        let sq = g.pow(e, two);
        let ex = g.func(actsym::expr::Func::Exp, e);
        let a = g.mul(vec![e, rest]);
        let b = g.mul(vec![sq, ex]);
        let repeated = g.add(vec![a, b]);
        assert_round_trip(&mut g, repeated, false)?;
        let x = g.symbol("x");
        if let Ok(d) = diff::derive(&mut g, e, x, Kink::Left) {
            assert_round_trip(&mut g, d, false)?;
        }
    }
}

#[test]
fn textbook_derivatives_with_names_parse_back() {
    for src in [
        "swish(x, beta)",
        "mish(x)",
        "sigmoid(sigmoid(sigmoid(x)))",
        "gelu(x)*sigmoid(x)",
    ] {
        let mut g = Graph::with_prelude();
        let e = defs::parse_expr(&mut g, src).expect("parses");
        let x = g.symbol("x");
        for order in 1..=3 {
            let d = diff::derive_n(&mut g, e, x, order, Kink::Left).expect("derives");
            let line = simplify::shared_form(&mut g, d).to_line();
            assert_eq!(
                defs::parse_expr(&mut g, &line).ok(),
                Some(d),
                "{src}, order {order}: {line}"
            );
        }
    }
}
