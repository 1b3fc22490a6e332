//! Property tests of the checker's soundness: identities true by construction are
//! never refuted, and perturbed ones are never accepted.

use actsym::expr::{ExprId, Func, Graph};
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use actsym::{defs, simplify};
use proptest::prelude::*;

/// A random expression over x and beta, defined everywhere (so that a perturbation
/// by a nonzero term is a false claim), built from prelude calls and total built-ins.
#[derive(Clone, Debug)]
enum E {
    X,
    Beta,
    Int(i64),
    Add(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Call(&'static str, Box<E>),
    Swish(Box<E>),
    Max(Box<E>, Box<E>),
}

fn arb() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![Just(E::X), Just(E::Beta), (-3i64..4).prop_map(E::Int)];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            (
                prop::sample::select(vec!["sigmoid", "tanh", "softplus", "relu", "exp", "abs"]),
                inner.clone()
            )
                .prop_map(|(f, a)| E::Call(f, Box::new(a))),
            inner.clone().prop_map(|a| E::Swish(Box::new(a))),
            (inner.clone(), inner).prop_map(|(a, b)| E::Max(Box::new(a), Box::new(b))),
        ]
    })
}

fn text(e: &E) -> String {
    match e {
        E::X => "x".into(),
        E::Beta => "beta".into(),
        E::Int(k) => format!("({k})"),
        E::Add(a, b) => format!("({} + {})", text(a), text(b)),
        E::Mul(a, b) => format!("({} * {})", text(a), text(b)),
        E::Call(f, a) => format!("{f}({})", text(a)),
        E::Swish(a) => format!("swish({}, beta)", text(a)),
        E::Max(a, b) => format!("max({}, {})", text(a), text(b)),
    }
}

fn verdict(g: &mut Graph, lhs: ExprId, rhs: ExprId) -> Verdict {
    let claim = actsym::parse::Claim::equality(lhs, rhs, Vec::new());
    let opts = Options {
        points: 16,
        ..Options::default()
    };
    decide_claim(g, &claim, &opts).verdict
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn true_by_construction_is_never_refuted(e in arb()) {
        let mut g = Graph::with_prelude();
        let id = defs::parse_expr(&mut g, &text(&e)).expect("generated text parses");
        let unfolded = defs::inline(&mut g, id);
        prop_assert_ne!(verdict(&mut g, id, unfolded), Verdict::Refuted);
        let simplified = simplify::simplify(&mut g, id);
        prop_assert_ne!(verdict(&mut g, id, simplified), Verdict::Refuted);
        let x = g.symbol("x");
        let d = actsym::diff::derive(&mut g, id, x, actsym::diff::Kink::Left).expect("derivative");
        let dd = g.diff_node(id, x);
        prop_assert_ne!(verdict(&mut g, dd, d), Verdict::Refuted);
    }

    #[test]
    fn perturbations_are_never_accepted(e in arb(), c in prop_oneof![Just(1i64), Just(-2), Just(3)], tiny in any::<bool>()) {
        let mut g = Graph::with_prelude();
        let id = defs::parse_expr(&mut g, &text(&e)).expect("generated text parses");
        // e + c*t with t = exp(x) (never zero), or a tiny constant 1e-40 times c.
        let x = g.var("x");
        let t = if tiny {
            defs::parse_expr(&mut g, "1e-40").expect("literal")
        } else {
            g.func(Func::Exp, x)
        };
        let cn = g.int(c);
        let term = g.mul(vec![cn, t]);
        let perturbed = g.add(vec![id, term]);
        let v = verdict(&mut g, id, perturbed);
        prop_assert!(
            matches!(v, Verdict::Refuted | Verdict::Unknown),
            "{} = itself + {c}*{} was {:?}", text(&e), if tiny { "1e-40" } else { "exp(x)" }, v
        );
    }
}
