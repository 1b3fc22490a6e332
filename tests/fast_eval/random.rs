//! Random expressions (proptest) evaluated by the tape and by MPFR.
//!
//! A point counts when the formula is well-conditioned there: six naive evaluations
//! with random rounding directions (see `mpfr_ref::directed`) agree with the true
//! value on being defined and stay within 16 ulp of it. There the tape must agree on
//! being defined (NaN exactly where undefined) and be within `8 + 2 * spread` ulp.

use actsym::defs::parse_expr;
use actsym::expr::Graph;
use actsym::fast::Tape;
use proptest::prelude::*;

use super::mpfr_ref::{directed, reference, ulps};

#[derive(Clone, Debug)]
enum E {
    X,
    Num(i32, u32),
    Un(&'static str, Box<E>),
    Bin(&'static str, Box<E>, Box<E>),
    If(Box<E>, Box<E>, Box<E>, Box<E>),
}

fn render(e: &E) -> String {
    match e {
        E::X => "x".into(),
        E::Num(n, d) => format!("({n}/{d})"),
        E::Un(f, a) => match *f {
            "-" => format!("(-{})", render(a)),
            "^2" | "^3" | "^(-1)" | "^(1/2)" => format!("({}){f}", render(a)),
            _ => format!("{f}({})", render(a)),
        },
        E::Bin(op, a, b) => match *op {
            "max" | "min" => format!("{op}({}, {})", render(a), render(b)),
            _ => format!("({} {op} {})", render(a), render(b)),
        },
        E::If(a, b, c, d) => format!(
            "if({} > {}, {}, {})",
            render(a),
            render(b),
            render(c),
            render(d)
        ),
    }
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        3 => Just(E::X),
        1 => (-6i32..7, 1u32..4).prop_map(|(n, d)| E::Num(n, d)),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let un = prop::sample::select(vec![
            "exp", "log", "tanh", "abs", "sigmoid", "softplus", "erf", "Phi", "phi", "sqrt", "-",
            "sign", "gelu", "mish", "log_sigmoid", "^2", "^3", "^(-1)", "^(1/2)", "sinh", "cosh",
        ]);
        let bin = prop::sample::select(vec!["+", "-", "*", "/", "max", "min"]);
        prop_oneof![
            3 => (un, inner.clone()).prop_map(|(f, a)| E::Un(f, Box::new(a))),
            3 => (bin, inner.clone(), inner.clone()).prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
            1 => (inner.clone(), inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c, d)| E::If(Box::new(a), Box::new(b), Box::new(c), Box::new(d))),
        ]
    })
}

fn point() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -20.0f64..20.0,
        1 => prop::sample::select(vec![0.0, 1.0, -1.0, 0.5, 2.0, -3.0, 800.0, -800.0, 1e-3]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn random_expressions_match_mpfr(e in expr(), xs in prop::collection::vec(point(), 4)) {
        let src = render(&e);
        let mut g = Graph::with_prelude();
        let root = parse_expr(&mut g, &src).expect("generated text parses");
        let x = g.symbol("x");
        let tape = Tape::compile(&g, root, &[x]).expect("compiles");
        for &xi in &xs {
            let got = tape.eval_point(&[xi]).unwrap();
            let want = reference(&g, root, &[x], &[xi]);
            let Some(naive) = directed(&g, root, &[x], &[xi]) else { continue };
            let Some(naive) = naive.into_iter().collect::<Option<Vec<_>>>() else {
                // Undefined in a naive evaluation: NaN must match when all agree.
                if want.is_none() {
                    prop_assert!(got.is_nan(), "{src} at {xi}: {got} where undefined");
                }
                continue;
            };
            let Some(want) = want else { continue };
            let w = want.to_f64();
            if !w.is_finite() || (w != 0.0 && w.abs() < f64::MIN_POSITIVE) || w == 0.0 {
                continue;
            }
            let spread = naive.iter().map(|v| ulps(v.to_f64(), &want)).fold(0.0, f64::max);
            if spread.is_nan() || spread > 16.0 {
                continue;
            }
            let err = ulps(got, &want);
            prop_assert!(err <= 8.0 + 2.0 * spread, "{src} at x = {xi}: got {got}, true {w}, {err} ulp (naive spread {spread})");
        }
    }
}
