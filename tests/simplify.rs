//! The simplifier: one line per rule (input ⇒ expected, both parsed), domains kept,
//! budgets honoured, and soundness property tests: exactly, by substituting
//! rationals into piecewise-rational expressions, and in floating point for
//! expressions with transcendental functions.

mod common;

use std::time::{Duration, Instant};

use actsym::expr::{BigRational, CmpOp, ExprId, Func, Graph};
use actsym::simplify::{op_count, simplify, simplify_with, Budget};
use common::{at, eval_f64, parse, q, show};
use proptest::prelude::*;

/// `simplify(src)` is `expected` (parsed; the expected form is not simplified, so
/// the test states exactly what comes out).
fn check(src: &str, expected: &str) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, src);
    let s = simplify(&mut g, e);
    let want = parse(&mut g, expected);
    assert_eq!(
        s,
        want,
        "simplify({src})\n   got {}\n  want {}",
        show(&g, s),
        show(&g, want)
    );
}

#[test]
fn arithmetic_and_collection() {
    let cases = [
        ("2*x + 3*x", "5*x"),
        ("(x + 1)^2 - x^2", "2*x + 1"),
        ("x*y + x*z", "x*(y + z)"),
        ("(x + 1)*(x - 1) - x^2", "-1"),
        ("x^2*y - x*y^2", "x*y*(x - y)"),
        ("(1 - s)^2 - s*(s - 2)", "1"),
        ("max(x, x + 1)", "x + 1"),
        ("min(x, x - 2)", "x - 2"),
        ("(pi^(1/2))^(-1)", "pi^(-1/2)"),
        ("sigmoid(x) + x*sigmoid(x)", "sigmoid(x) + x*sigmoid(x)"),
    ];
    for (src, want) in cases {
        check(src, want);
    }
}

/// Exponents beyond 32 bits leave a sum as it is; they once saturated, so the
/// expansion of `(x^3000000000 + y)*(x^3000000000 + 1) - y` had `x^4294967295`.
/// Case 10299 of `actsym fuzz derive --seed 1`: the derivative of
/// `(sqrt(x)/sqrt(x))^2` is a sum whose terms hold one base in two factors
/// (`x^(-1/2) * (x^(-1/2))^2`, kept apart by the product); taking the common
/// factors out divided `x^(-1/2)` out of both, so the derivative, 0, became
/// `1/sqrt(x) - 1/x` (0.244 at 3).
#[test]
fn a_common_factor_is_taken_out_of_a_term_once() {
    for (src, derive) in [
        (
            "sqrt(x)/sqrt(x) * (1/sqrt(x))^2 - sqrt(x)^2 * (1/sqrt(x))/x^(3/2)",
            false,
        ),
        ("(sqrt(x)/sqrt(x))^2", true),
    ] {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let s = if derive {
            let x = g.symbol("x");
            actsym::diff::derive(&mut g, e, x, actsym::diff::Kink::Left).expect("derivable")
        } else {
            simplify(&mut g, e)
        };
        for x in [3.0, 0.5, 10.0] {
            let v = eval_f64(&mut g, s, &[("x", x)]).expect("defined");
            assert!(
                v.abs() < 1e-12,
                "{src} simplifies to {} = {v} at {x}",
                show(&g, s)
            );
        }
    }
}

#[test]
fn huge_exponents_are_not_expanded() {
    let cases = [
        (
            "(x^3000000000 + y)*(x^3000000000 + 1) - y",
            "(x^3000000000 + y)*(x^3000000000 + 1) - y",
        ),
        ("(x^2000000000 + 1)*(x^2000000000 - 1) - x^4000000000", "-1"),
    ];
    for (src, want) in cases {
        check(src, want);
    }
}

#[test]
fn known_patterns() {
    let cases = [
        ("1/(1 + exp(-x))", "sigmoid(x)"),
        ("exp(-x)/(1 + exp(-x))^2", "sigmoid(x)*(1 - sigmoid(x))"),
        (
            "exp(-2*u)/(1 + exp(-2*u))^2",
            "sigmoid(2*u)*(1 - sigmoid(2*u))",
        ),
        ("log(1 + exp(x))", "softplus(x)"),
        ("1/cosh(x)^2", "1 - tanh(x)^2"),
        ("sinh(x)/cosh(x)", "tanh(x)"),
    ];
    for (src, want) in cases {
        check(src, want);
    }
}

#[test]
fn conditions_and_branches() {
    let cases = [
        ("if(x > 0, 1, 1)", "1"),
        ("if(2 > 1, x, y)", "x"),
        ("if(x > 0, if(x > 0, a, b), c)", "if(x > 0, a, c)"),
        ("if(x > 0, a, if(x > 0, b, c))", "if(x > 0, a, c)"),
        ("if(x > 0, a, if(x < 0, b, a))", "if(x < 0, b, a)"),
        ("if(x > 0, a, if(x <= 0, b, c))", "if(x > 0, a, b)"),
        ("if(x > 0, 1 + if(x > 0, a, b), c)", "if(x > 0, 1 + a, c)"),
        ("if(2*x + 1 > 0, a, b)", "if(x > -1/2, a, b)"),
        ("if(x > 2*x, a, b)", "if(x < 0, a, b)"),
        ("if(x + 1 > x, a, b)", "a"),
        ("if(exp(x) > 0, a, b)", "a"),
        ("if(relu(x) > 0, a, b)", "if(x > 0, a, b)"),
        ("if(min(x, 1) > -1, a, b)", "if(x > -1, a, b)"),
        ("if(abs(x) > 0, a, b)", "if(x != 0, a, b)"),
        ("if(abs(x) <= 0, a, b)", "if(x != 0, b, a)"),
        ("if(abs(x) >= 0, a, b)", "a"),
        (
            "if(x > 0, 1, 0) + alpha*if(x > 0, 0, 1)",
            "if(x > 0, 1, alpha)",
        ),
        ("min(if(x > 0, 1, 0), 0)", "0"),
        ("2*if(x > 0, 0, 1)", "if(x > 0, 0, 2)"),
        (
            "if(x > 0, 1, if(x < 0, 2*x + 1, 1))",
            "if(x < 0, 2*x + 1, 1)",
        ),
    ];
    for (src, want) in cases {
        check(src, want);
    }
}

/// Undefined at `x = point` before and after simplification.
fn stays_undefined(src: &str, point: &str) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, src);
    let s = simplify(&mut g, e);
    let v = at(&mut g, s, &[("x", q(point))]);
    let v = simplify(&mut g, v);
    assert!(
        g.as_num(v).is_none(),
        "simplify({src}) = {} is defined at {point}",
        show(&g, s)
    );
}

#[test]
fn domains_are_kept() {
    stays_undefined("x/x", "0");
    stays_undefined("x^2/x", "0");
    stays_undefined("0*log(x)", "-1");
    stays_undefined("log(x) - log(x)", "-1");
    stays_undefined("(log(x) + 1)^2 - log(x)^2 - 2*log(x)", "-1");
    stays_undefined("if(log(x) > 0, 1, 1)", "-1");
    stays_undefined("max(log(x), log(x) + 1) - log(x)", "0");
    stays_undefined("(x^(1/2))^2", "-1");
    stays_undefined("((x^(-1/2))^(-1))", "0");
}

#[test]
fn budgets_are_honoured_and_work_is_bounded() {
    let mut g = Graph::with_prelude();
    let src = "(x + y + z + 1)^12 - (x - y + 2*z - 1)^11 + sigmoid(x)^9*(1 - sigmoid(x))^9";
    let e = parse(&mut g, src);
    let t = Instant::now();
    let s = simplify(&mut g, e);
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    // Equal at a point.
    let point = [("x", 0.3), ("y", -0.7), ("z", 1.1)];
    let (a, b) = (eval_f64(&mut g, e, &point), eval_f64(&mut g, s, &point));
    let (a, b) = (a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN));
    assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{a} vs {b}");
    // A tiny budget still gives an equal expression.
    let tiny = simplify_with(&mut g, e, Budget { passes: 1, work: 5 });
    let c = eval_f64(&mut g, tiny, &point).unwrap_or(f64::NAN);
    assert!((a - c).abs() <= 1e-9 * a.abs().max(1.0), "{a} vs {c}");
}

#[test]
fn simplifying_twice_changes_nothing() {
    for src in [
        "sigmoid(x)*(1 - sigmoid(x))*(1 - 2*sigmoid(x))",
        "if(x > 0, 1, alpha*exp(x))",
        "x^2*phi(x) - phi(x)",
    ] {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let s = simplify(&mut g, e);
        assert_eq!(simplify(&mut g, s), s, "{src}");
        assert!(op_count(&g, s) <= op_count(&g, e), "{src} grew");
    }
}

// ---------------------------------------------------------------------------
// Soundness property tests.

#[derive(Clone, Debug)]
enum Recipe {
    X,
    Y,
    Const(i32),
    Add(Box<Recipe>, Box<Recipe>),
    Sub(Box<Recipe>, Box<Recipe>),
    Mul(Box<Recipe>, Box<Recipe>),
    Div(Box<Recipe>, Box<Recipe>),
    Pow(Box<Recipe>, i32),
    Max(Box<Recipe>, Box<Recipe>),
    Min(Box<Recipe>, Box<Recipe>),
    Abs(Box<Recipe>),
    If(CmpOp, Box<Recipe>, Box<Recipe>, Box<Recipe>, Box<Recipe>),
    Func(Func, Box<Recipe>),
    Sigmoid(Box<Recipe>),
}

fn rational_recipe() -> impl Strategy<Value = Recipe> {
    let leaf = prop_oneof![
        Just(Recipe::X),
        Just(Recipe::Y),
        (-3i32..=3).prop_map(Recipe::Const)
    ];
    let op = prop_oneof![
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
        Just(CmpOp::Ne)
    ];
    leaf.prop_recursive(4, 24, 3, move |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Add(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Sub(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Mul(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Div(a.into(), b.into())),
            (inner.clone(), -2i32..=3).prop_map(|(a, k)| Recipe::Pow(a.into(), k)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Max(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Min(a.into(), b.into())),
            inner.clone().prop_map(|a| Recipe::Abs(a.into())),
            (
                op.clone(),
                inner.clone(),
                inner.clone(),
                inner.clone(),
                inner
            )
                .prop_map(|(op, c, a, b, d)| Recipe::If(
                    op,
                    c.into(),
                    a.into(),
                    b.into(),
                    d.into()
                )),
        ]
    })
}

fn transcendental_recipe() -> impl Strategy<Value = Recipe> {
    let leaf = prop_oneof![
        Just(Recipe::X),
        Just(Recipe::Y),
        (-3i32..=3).prop_map(Recipe::Const)
    ];
    let func = prop_oneof![
        Just(Func::Exp),
        Just(Func::Log),
        Just(Func::Tanh),
        Just(Func::Cosh),
        Just(Func::Sinh)
    ];
    leaf.prop_recursive(4, 20, 2, move |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Add(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Sub(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Mul(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Div(a.into(), b.into())),
            (inner.clone(), -2i32..=3).prop_map(|(a, k)| Recipe::Pow(a.into(), k)),
            (func.clone(), inner.clone()).prop_map(|(f, a)| Recipe::Func(f, a.into())),
            inner.clone().prop_map(|a| Recipe::Sigmoid(a.into())),
            (inner.clone(), inner).prop_map(|(a, b)| Recipe::Max(a.into(), b.into())),
        ]
    })
}

fn build(g: &mut Graph, r: &Recipe) -> ExprId {
    let two = |g: &mut Graph, a: &Recipe, b: &Recipe| (build(g, a), build(g, b));
    match r {
        Recipe::X => g.var("x"),
        Recipe::Y => g.var("y"),
        Recipe::Const(k) => g.int(i64::from(*k)),
        Recipe::Add(a, b) => {
            let (a, b) = two(g, a, b);
            g.add(vec![a, b])
        }
        Recipe::Sub(a, b) => {
            let (a, b) = two(g, a, b);
            g.sub(a, b)
        }
        Recipe::Mul(a, b) => {
            let (a, b) = two(g, a, b);
            g.mul(vec![a, b])
        }
        Recipe::Div(a, b) => {
            let (a, b) = two(g, a, b);
            g.div(a, b)
        }
        Recipe::Pow(a, k) => {
            let a = build(g, a);
            let k = g.int(i64::from(*k));
            g.pow(a, k)
        }
        Recipe::Max(a, b) => {
            let (a, b) = two(g, a, b);
            g.max(a, b)
        }
        Recipe::Min(a, b) => {
            let (a, b) = two(g, a, b);
            g.min(a, b)
        }
        Recipe::Abs(a) => {
            let a = build(g, a);
            g.func(Func::Abs, a)
        }
        Recipe::Func(f, a) => {
            let a = build(g, a);
            g.func(*f, a)
        }
        Recipe::Sigmoid(a) => {
            let a = build(g, a);
            let s = g.symbol("sigmoid");
            g.call(s, vec![a])
        }
        Recipe::If(op, c, d, a, b) => {
            let (c, d) = two(g, c, d);
            let cond = g.cmp(*op, c, d);
            let (a, b) = two(g, a, b);
            g.if_(cond, a, b)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Piecewise-rational expressions fold exactly at rational points: the
    /// simplified form has the same value wherever the input is defined, and is
    /// undefined wherever the input is.
    #[test]
    fn simplification_is_exactly_sound(
        r in rational_recipe(),
        points in proptest::collection::vec((-6i64..=6, 1i64..=3, -6i64..=6, 1i64..=3), 4),
    ) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let s = simplify(&mut g, e);
        let mut pts: Vec<(BigRational, BigRational)> = points
            .iter()
            .map(|&(a, b, c, d)| (BigRational::new(a.into(), b.into()), BigRational::new(c.into(), d.into())))
            .collect();
        pts.push((q("0"), q("0")));
        for (x, y) in pts {
            let pt = [("x", x.clone()), ("y", y.clone())];
            let ve = at(&mut g, e, &pt);
            let vs = at(&mut g, s, &pt);
            let (ne, ns) = (g.as_num(ve).cloned(), g.as_num(vs).cloned());
            prop_assert_eq!(ne.clone(), ns.clone(),
                "at x = {}, y = {}: {} = {:?} but simplified {} = {:?}",
                x, y, show(&g, e), ne, show(&g, s), ns);
        }
    }

    /// With exp, log, tanh, ... : equal in floating point where defined, and
    /// defined at the same points.
    #[test]
    fn simplification_is_sound_in_floating_point(
        r in transcendental_recipe(),
        x in -3.0f64..3.0,
        y in -3.0f64..3.0,
    ) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let s = simplify(&mut g, e);
        let pt = [("x", x), ("y", y)];
        let (a, b) = (eval_f64(&mut g, e, &pt), eval_f64(&mut g, s, &pt));
        match (a, b) {
            (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-7 * (1.0 + a.abs()),
                "{} = {} but simplified {} = {}", show(&g, e), a, show(&g, s), b),
            (None, None) => {}
            _ => prop_assert!(false, "defined differently at ({}, {}): {} = {:?}, simplified {} = {:?}",
                x, y, show(&g, e), a, show(&g, s), b),
        }
    }
}
