//! Derivatives: one line per rule (compared with the parsed expected form), the
//! kink table of issue 3 in every mode (evaluated exactly at the kink), errors and
//! limits, and property tests against difference quotients: exact one-sided
//! quotients at kinks of piecewise-linear expressions, and floating-point central
//! quotients of smooth expressions at random points.

mod common;

use actsym::diff::{derive, derive_n, DiffError, Kink, MAX_ORDER};
use actsym::expr::{BigRational, ExprId, Graph, Node};
use actsym::simplify::simplify;
use actsym::unfold::unfold_diffs;
use common::{at, eval_f64, mpfr_at, parse, q, show};
use num_traits::Signed;
use std::collections::HashMap;

use proptest::prelude::*;

/// `d/d(wrt) src` in `kink` mode equals `expected` (both parsed and simplified).
fn check_derive(src: &str, wrt: &str, kink: Kink, expected: &str) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, src);
    let v = g.symbol(wrt);
    let d = derive(&mut g, e, v, kink).unwrap_or_else(|err| panic!("d/d{wrt} {src}: {err}"));
    let want = parse(&mut g, expected);
    let want = simplify(&mut g, want);
    assert_eq!(
        d,
        want,
        "d/d{wrt} {src} [{}]\n   got {}\n  want {}",
        kink.name(),
        show(&g, d),
        show(&g, want)
    );
}

#[test]
fn rules_of_the_builtins() {
    let cases = [
        ("x", "1"),
        ("y", "0"),
        ("3*x^2 + 2*x + 1", "6*x + 2"),
        ("x^3", "3*x^2"),
        ("x^(-1)", "-x^(-2)"),
        ("sqrt(x)", "x^(-1/2)/2"),
        ("exp(x)", "exp(x)"),
        ("exp(2*x)", "2*exp(2*x)"),
        ("log(x)", "1/x"),
        ("log(x^2 + 1)", "2*x/(x^2 + 1)"),
        ("2^x", "2^x*log(2)"),
        ("x^x", "x^x*(1 + log(x))"),
        ("tanh(x)", "1 - tanh(x)^2"),
        ("sinh(x)", "cosh(x)"),
        ("cosh(x)", "sinh(x)"),
        ("erf(x)", "2/sqrt(pi)*exp(-x^2)"),
        ("x*exp(x)", "exp(x) + x*exp(x)"),
        ("sign(x)", "if(x != 0, 0, undefined)"),
        ("abs(x)", "if(x > 0, 1, -1)"),
        ("max(x, 0)", "if(x > 0, 1, 0)"),
        ("min(x, 0)", "if(x > 0, 0, 1)"),
        ("max(x, 2*x)", "if(x > 0, 2, 1)"),
        ("max(x, x + 1)", "1"),
        ("if(x > 1, x^2, 2*x - 1)", "if(x > 1, 2*x, 2)"),
        (
            "if(x > 0, x + 1, 0)",
            "if(x > 0, 1, if(x < 0, 0, undefined))",
        ),
        ("if(y > 0, x^2, x)", "if(y > 0, 2*x, 1)"),
    ];
    for (src, want) in cases {
        check_derive(src, "x", Kink::Left, want);
    }
}

#[test]
fn named_rules_keep_names() {
    let cases = [
        ("sigmoid(x)", "sigmoid(x)*(1 - sigmoid(x))"),
        ("sigmoid(2*x)", "2*sigmoid(2*x)*(1 - sigmoid(2*x))"),
        ("softplus(x)", "sigmoid(x)"),
        ("log_sigmoid(x)", "sigmoid(-x)"),
        ("Phi(x)", "phi(x)"),
        ("phi(x)", "-x*phi(x)"),
        ("relu(x)", "if(x > 0, 1, 0)"),
        ("prelu(x, alpha)", "if(x > 0, 1, alpha)"),
        ("leaky_relu(x)", "if(x > 0, 1, 0.01)"),
        (
            "swish(x, beta)",
            "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        ),
        ("silu(x)", "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))"),
        ("gelu(x)", "Phi(x) + x*phi(x)"),
        (
            "mish(x)",
            "tanh(softplus(x)) + x*sigmoid(x)*(1 - tanh(softplus(x))^2)",
        ),
        ("elu(x, alpha)", "if(x > 0, 1, alpha*exp(x))"),
        ("heaviside(x)", "if(x != 0, 0, undefined)"),
        ("hard_tanh(x)", "if(x > -1, if(x > 1, 0, 1), 0)"),
    ];
    for (src, want) in cases {
        check_derive(src, "x", Kink::Left, want);
    }
}

#[test]
fn second_derivatives_read_like_the_textbook() {
    let cases = [
        (
            "sigmoid(x)",
            "sigmoid(x)*(1 - sigmoid(x))*(1 - 2*sigmoid(x))",
        ),
        ("tanh(x)", "-2*tanh(x)*(1 - tanh(x)^2)"),
        ("phi(x)", "(x^2 - 1)*phi(x)"),
        ("gelu(x)", "(2 - x^2)*phi(x)"),
        ("relu(x)", "if(x != 0, 0, undefined)"),
    ];
    for (src, want) in cases {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let x = g.symbol("x");
        let d = derive_n(&mut g, e, x, 2, Kink::Left).expect("derivative");
        let w = parse(&mut g, want);
        let w = simplify(&mut g, w);
        assert_eq!(d, w, "{src}'': got {}, want {}", show(&g, d), show(&g, w));
    }
}

#[test]
fn derivatives_with_respect_to_parameters() {
    check_derive(
        "swish(x, beta)",
        "beta",
        Kink::Left,
        "x^2*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
    );
    check_derive("prelu(x, alpha)", "alpha", Kink::Left, "min(x, 0)");
    check_derive(
        "elu(x, alpha)",
        "alpha",
        Kink::Left,
        "if(x > 0, 0, exp(x) - 1)",
    );
}

#[test]
fn user_definitions_are_differentiated_through_their_bodies() {
    check_derive(
        "f(u) = u^2*sigmoid(u); f(x)",
        "x",
        Kink::Left,
        "2*x*sigmoid(x) + x^2*sigmoid(x)*(1 - sigmoid(x))",
    );
    check_derive(
        "g(u, a) = a*relu(u); g(2*x, 3)",
        "x",
        Kink::Left,
        "if(x > 0, 6, 0)",
    );
    check_derive("h(u) = diff(u^3, u); h(x)", "x", Kink::Left, "6*x");
}

#[test]
fn the_printed_relu_derivative_shows_its_cases() {
    for kink in [Kink::Left, Kink::Autodiff] {
        check_derive("relu(x)", "x", kink, "if(x > 0, 1, 0)");
    }
    check_derive("relu(x)", "x", Kink::Right, "if(x < 0, 0, 1)");
}

/// One row of the kink table: the expression, the point, and the derivative there
/// in left, right and autodiff mode (`"undefined"` where it is).
const KINKS: [(&str, &str, [&str; 3]); 17] = [
    ("relu(x)", "0", ["0", "1", "0"]),
    ("prelu(x, alpha)", "0", ["alpha", "1", "alpha"]),
    ("leaky_relu(x)", "0", ["1/100", "1", "1/100"]),
    ("min(x, 0)", "0", ["1", "0", "1/2"]),
    ("abs(x)", "0", ["-1", "1", "0"]),
    ("relu(-x)", "0", ["-1", "0", "0"]),
    ("max(x, 2*x)", "0", ["1", "2", "3/2"]),
    ("relu(relu(x))", "0", ["0", "1", "0"]),
    ("abs(x - 1)", "1", ["-1", "1", "0"]),
    ("max(x^2, x)", "1", ["1", "2", "3/2"]),
    ("max(x^2, x)", "0", ["0", "1", "1/2"]),
    ("hard_tanh(x)", "1", ["1", "0", "0"]),
    ("hard_tanh(x)", "-1", ["0", "1", "0"]),
    ("relu6(x)", "6", ["1", "0", "0"]),
    ("if(x > 0, x + 1, 0)", "0", ["undefined", "undefined", "0"]),
    ("heaviside(x)", "0", ["undefined", "undefined", "0"]),
    ("elu(x, 2)", "0", ["2", "1", "2"]),
];

/// The value of `e` at `x = point`, as an expression (a number, a parameter, or
/// `undefined`).
fn value_at(g: &mut Graph, e: ExprId, point: &str) -> ExprId {
    let e = actsym::defs::inline(g, e);
    let v = at(g, e, &[("x", q(point))]);
    simplify(g, v)
}

#[test]
fn kink_table_in_every_mode() {
    for (src, point, want) in KINKS {
        for (kink, want) in [Kink::Left, Kink::Right, Kink::Autodiff]
            .into_iter()
            .zip(want)
        {
            let mut g = Graph::with_prelude();
            let e = parse(&mut g, src);
            let x = g.symbol("x");
            let d = derive(&mut g, e, x, kink).expect("derivative");
            let got = value_at(&mut g, d, point);
            let expected = parse(&mut g, want);
            assert_eq!(
                got,
                expected,
                "{src} at x = {point} [{}]: derivative {} evaluates to {}, want {want}",
                kink.name(),
                show(&g, d),
                show(&g, got)
            );
        }
    }
}

#[test]
fn eval_of_diff_uses_the_same_rules() {
    let cases = [
        ("diff(relu(x), x)", "0", "0"),
        ("diff(abs(x), x)", "0", "-1"),
        ("diff(diff(x^3, x), x)", "2", "12"),
        ("diff(log(x), x)", "-1", "undefined"),
        ("diff(heaviside(x), x)", "0", "undefined"),
    ];
    for (src, point, want) in cases {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let e = unfold_diffs(&mut g, e, Kink::Left).expect("expands");
        let got = value_at(&mut g, e, point);
        let defined = g.as_num(got).is_some();
        if want == "undefined" {
            assert!(
                !defined,
                "{src} at {point} should be undefined, got {}",
                show(&g, got)
            );
        } else {
            let w = parse(&mut g, want);
            assert_eq!(got, w, "{src} at {point}: got {}", show(&g, got));
        }
    }
}

#[test]
fn errors_and_limits() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "swish(x, beta)");
    let x = g.symbol("x");
    assert_eq!(
        derive_n(&mut g, e, x, MAX_ORDER + 1, Kink::Left),
        Err(DiffError::OrderTooHigh {
            order: MAX_ORDER + 1,
            max: MAX_ORDER
        })
    );
    assert_eq!(derive_n(&mut g, e, x, 0, Kink::Left), Ok(e));
    // An unknown function cannot be differentiated (built directly: the parser
    // would reject the name).
    let f = g.symbol("mystery");
    let xv = g.var("x");
    let call = g.call(f, vec![xv]);
    assert_eq!(
        derive(&mut g, call, x, Kink::Left),
        Err(DiffError::UnknownFunction("mystery".into()))
    );
}

#[test]
fn deep_expressions_do_not_overflow_the_stack() {
    let mut g = Graph::with_prelude();
    let x = g.var("x");
    let mut e = x;
    for _ in 0..800 {
        e = g.func(actsym::expr::Func::Tanh, e);
    }
    let xs = g.symbol("x");
    let d = derive(&mut g, e, xs, Kink::Left).expect("derivative");
    assert!(g.dag_size(d) > 800);
}

#[test]
fn oversized_derivatives_are_an_error_not_a_hang() {
    let mut g = Graph::with_prelude();
    let mut factors = vec![g.var("x")];
    for i in 0..=actsym::diff::MAX_OPERANDS {
        factors.push(g.var(&format!("y{i}")));
    }
    let e = g.mul(factors);
    let x = g.symbol("x");
    assert_eq!(
        actsym::diff::derive_raw(&mut g, e, x, Kink::Left),
        Err(DiffError::TooLarge)
    );
}

#[test]
fn higher_orders_stay_small() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "swish(x, beta)");
    let x = g.symbol("x");
    let d = derive_n(&mut g, e, x, 8, Kink::Left).expect("derivative");
    assert!(
        g.dag_size(d) < 100,
        "swish'''''''' has {} nodes",
        g.dag_size(d)
    );
    assert!(actsym::simplify::op_count(&g, d) <= 92);
    let src = format!("{}x{}", "sigmoid(".repeat(12), ")".repeat(12));
    let e = parse(&mut g, &src);
    let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
    assert!(actsym::simplify::dag_op_count(&g, d) <= 82);
}

/// The first and second derivatives with respect to `x` of every prelude function,
/// called with its own parameter names, printed by `print`.
fn prelude_report(print: fn(&Graph, ExprId) -> String) -> String {
    let mut g = Graph::with_prelude();
    let x = g.symbol("x");
    let defs: Vec<(String, Vec<String>)> = g
        .defs()
        .iter()
        .map(|d| {
            let params = d.params.iter().map(|&p| g.name(p).to_owned()).collect();
            (g.name(d.name).to_owned(), params)
        })
        .collect();
    let mut out = String::new();
    for (name, params) in defs {
        let src = format!("{name}({})", params.join(", "));
        let e = parse(&mut g, &src);
        for order in 1..=2 {
            let line = match derive_n(&mut g, e, x, order, Kink::Left) {
                Ok(d) => print(&g, d),
                Err(err) => format!("error: {err}"),
            };
            out.push_str(&format!("d{order}/dx{order} {src} = {line}\n"));
        }
    }
    out
}

#[test]
fn prelude_derivatives_text() {
    insta::assert_snapshot!(prelude_report(actsym::print::text));
}

#[test]
fn prelude_derivatives_latex() {
    insta::assert_snapshot!(prelude_report(actsym::print::latex));
}

// ---------------------------------------------------------------------------
// Property tests.

/// A random expression of `x`: piecewise linear (`smooth = false`) or built from
/// smooth functions.
#[derive(Clone, Debug)]
enum Recipe {
    X,
    Const(i32),
    Add(Box<Recipe>, Box<Recipe>),
    Scale(i32, Box<Recipe>),
    Max(Box<Recipe>, Box<Recipe>),
    Min(Box<Recipe>, Box<Recipe>),
    Abs(Box<Recipe>),
    Call(&'static str, Box<Recipe>),
    If(Box<Recipe>, Box<Recipe>, Box<Recipe>),
    Mul(Box<Recipe>, Box<Recipe>),
    Func(&'static str, Box<Recipe>),
}

fn piecewise_linear() -> impl Strategy<Value = Recipe> {
    let leaf = prop_oneof![Just(Recipe::X), (-3i32..=3).prop_map(Recipe::Const)];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Add(a.into(), b.into())),
            (-3i32..=3, inner.clone()).prop_map(|(k, a)| Recipe::Scale(k, a.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Max(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Min(a.into(), b.into())),
            inner.clone().prop_map(|a| Recipe::Abs(a.into())),
            inner.clone().prop_map(|a| Recipe::Call("relu", a.into())),
            (inner.clone(), inner.clone(), inner).prop_map(|(c, a, b)| Recipe::If(
                c.into(),
                a.into(),
                b.into()
            )),
        ]
    })
}

fn smooth() -> impl Strategy<Value = Recipe> {
    let leaf = prop_oneof![Just(Recipe::X), (-3i32..=3).prop_map(Recipe::Const)];
    leaf.prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Add(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Recipe::Mul(a.into(), b.into())),
            (-3i32..=3, inner.clone()).prop_map(|(k, a)| Recipe::Scale(k, a.into())),
            inner.clone().prop_map(|a| Recipe::Func("tanh", a.into())),
            inner.clone().prop_map(|a| Recipe::Func("sinh", a.into())),
            inner
                .clone()
                .prop_map(|a| Recipe::Call("sigmoid", a.into())),
            inner
                .clone()
                .prop_map(|a| Recipe::Call("softplus", a.into())),
            inner.clone().prop_map(|a| Recipe::Call("phi", a.into())),
            inner.clone().prop_map(|a| Recipe::Call("swish2", a.into())),
            inner.prop_map(|a| Recipe::Call("gelu", a.into())),
        ]
    })
}

fn build(g: &mut Graph, r: &Recipe) -> ExprId {
    match r {
        Recipe::X => g.var("x"),
        Recipe::Const(k) => g.int(i64::from(*k)),
        Recipe::Add(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.add(vec![a, b])
        }
        Recipe::Mul(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.mul(vec![a, b])
        }
        Recipe::Scale(k, a) => {
            let a = build(g, a);
            let k = g.int(i64::from(*k));
            g.mul(vec![k, a])
        }
        Recipe::Max(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.max(a, b)
        }
        Recipe::Min(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.min(a, b)
        }
        Recipe::Abs(a) => {
            let a = build(g, a);
            g.func(actsym::expr::Func::Abs, a)
        }
        Recipe::Func(name, a) => {
            let a = build(g, a);
            let f = actsym::expr::Func::from_name(name).expect("a built-in");
            g.func(f, a)
        }
        Recipe::Call("swish2", a) => {
            let a = build(g, a);
            let f = g.symbol("swish");
            let two = g.int(2);
            g.call(f, vec![a, two])
        }
        Recipe::Call(name, a) => {
            let a = build(g, a);
            let f = g.symbol(name);
            g.call(f, vec![a])
        }
        Recipe::If(c, a, b) => {
            let (c, a, b) = (build(g, c), build(g, a), build(g, b));
            let zero = g.int(0);
            let cond = g.cmp(actsym::expr::CmpOp::Gt, c, zero);
            g.if_(cond, a, b)
        }
    }
}

/// The exact value of a piecewise-linear expression at a rational point.
fn exact(g: &mut Graph, e: ExprId, x: &BigRational) -> Option<BigRational> {
    let e = actsym::defs::inline(g, e);
    let v = at(g, e, &[("x", x.clone())]);
    g.as_num(v).cloned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// For a piecewise-linear expression, the one-sided derivative at a point is
    /// exactly the one-sided difference quotient with a step small enough to stay
    /// inside one piece. Points are small-denominator rationals, where kinks are.
    #[test]
    fn one_sided_derivatives_are_one_sided_quotients(
        r in piecewise_linear(),
        num in -12i64..=12,
        den in 1i64..=4,
    ) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let x = g.symbol("x");
        let p = BigRational::new(num.into(), den.into());
        let h = q("1/1000000000");
        let Some(fp) = exact(&mut g, e, &p) else { return Ok(()); };
        for (kink, side) in [(Kink::Left, -1), (Kink::Right, 1)] {
            let d = derive(&mut g, e, x, kink).expect("derivative");
            let got = value_at(&mut g, d, &p.to_string());
            let step = if side < 0 { -h.clone() } else { h.clone() };
            let Some(fq) = exact(&mut g, e, &(p.clone() + step.clone())) else { continue };
            let quotient = (fq - fp.clone()) / step.clone();
            // Continuity at p, from both sides: at a jump the derivative is
            // undefined. The rules are compositional, so a jump of a subexpression
            // makes it undefined too, even where the jump is masked (`min(x,
            // if(x > 0, 1, x))` at 0); that is allowed, never a wrong number.
            let mut continuous = true;
            let ifs: Vec<ExprId> = g
                .reachable(&[e])
                .into_iter()
                .filter(|&n| matches!(g.node(n), Node::If(..)) || n == e)
                .collect();
            for sub in ifs {
                let Some(at_p) = exact(&mut g, sub, &p) else { continue };
                for s in [h.clone(), -h.clone()] {
                    let near = exact(&mut g, sub, &(p.clone() + s));
                    continuous &= near.is_some_and(|v| (v - at_p.clone()).abs() < q("1/1000"));
                }
            }
            // A number is never wrong: the function is continuous on the chosen side
            // and the number is the one-sided quotient. (A jump on the other side
            // only, hidden behind `max` or `min`, is not always detected; the
            // number is then still the exact one-sided derivative.)
            let side_continuous = exact(&mut g, e, &(p.clone() + step.clone()))
                .is_some_and(|v| (v - fp.clone()).abs() < q("1/1000"));
            match g.node(got) {
                Node::Num(v) => {
                    prop_assert!(side_continuous, "{} jumps at {} but [{}] derivative {} is {}",
                        show(&g, e), p, kink.name(), show(&g, d), v);
                    prop_assert_eq!(v, &quotient,
                        "{} at {} [{}]: derivative {}", show(&g, e), p, kink.name(), show(&g, d));
                }
                other => prop_assert!(!continuous, "{} at {} [{}]: derivative {} is {:?}",
                    show(&g, e), p, kink.name(), show(&g, d), other),
            }
        }
    }

    /// Smooth expressions: the derivative matches a central difference quotient.
    #[test]
    fn smooth_derivatives_match_difference_quotients(r in smooth(), x0 in -2.0f64..2.0) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let x = g.symbol("x");
        let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
        let h = 1e-5;
        let (Some(f1), Some(f2)) = (eval_f64(&mut g, e, &[("x", x0 + h)]), eval_f64(&mut g, e, &[("x", x0 - h)])) else {
            return Ok(());
        };
        let quotient = (f1 - f2) / (2.0 * h);
        let got = eval_f64(&mut g, d, &[("x", x0)]);
        prop_assert!(got.is_some(), "derivative of {} undefined at {}", show(&g, e), x0);
        let got = got.unwrap_or(f64::NAN);
        let scale = 1.0 + quotient.abs() + f1.abs();
        prop_assert!((got - quotient).abs() < 1e-5 * scale,
            "d/dx {} at {}: {} vs quotient {}; derivative {}", show(&g, e), x0, got, quotient, show(&g, d));
    }

    /// Smooth expressions at rational points: the derivative matches the MPFR
    /// central difference quotient with a step of 1e-20, to 15 digits.
    #[test]
    fn smooth_derivatives_match_mpfr_quotients(r in smooth(), k in -14i64..=14) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let x = g.symbol("x");
        let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
        let p = BigRational::new(k.into(), 7.into());
        let h = q("1/100000000000000000000");
        let (Some(f1), Some(f2)) = (mpfr_at(&mut g, e, &(p.clone() + h.clone()), 60), mpfr_at(&mut g, e, &(p.clone() - h.clone()), 60)) else {
            return Ok(());
        };
        let quotient = (f1 - f2) / (h * BigRational::from_integer(2.into()));
        let Some(got) = mpfr_at(&mut g, d, &p, 30) else {
            // Not converted: undefined (a failure for a smooth function), or a value
            // beyond the exact conversion's range (the case is skipped).
            let env = HashMap::from([(x, p.clone())]);
            prop_assert!(actsym::certified::evaluate(&mut g, d, &env, 30).is_ok(),
                "derivative {} of {} undefined at {}", show(&g, d), show(&g, e), p);
            return Ok(());
        };
        let tol = q("1/1000000000000000") * (BigRational::from_integer(1.into()) + quotient.abs());
        prop_assert!((got.clone() - quotient.clone()).abs() <= tol,
            "d/dx {} at {}: {} vs quotient {}", show(&g, e), p, got, quotient);
    }
}

/// One-sided derivatives at kinks of non-linear expressions, against MPFR one-sided
/// quotients with a step of 1e-25 from the selected side.
#[test]
fn one_sided_mpfr_quotients_at_kinks() {
    let cases = [
        ("relu(sinh(x))", "0"),
        ("abs(x^3 - x)", "1"),
        ("abs(x^3 - x)", "0"),
        ("max(tanh(x), sinh(x))", "0"),
        ("min(exp(x), 1 + 2*x)", "0"),
        ("elu(x, 1/2)", "0"),
        ("relu(x)*sigmoid(x)", "0"),
        ("abs(log(x))", "1"),
    ];
    let h = q("1/10000000000000000000000000");
    for (src, point) in cases {
        for (kink, side) in [(Kink::Left, -1), (Kink::Right, 1)] {
            let mut g = Graph::with_prelude();
            let e = parse(&mut g, src);
            let x = g.symbol("x");
            let d = derive(&mut g, e, x, kink).expect("derivative");
            let p = q(point);
            let step = if side < 0 { -h.clone() } else { h.clone() };
            let f0 = mpfr_at(&mut g, e, &p, 60).expect("defined at the kink");
            let f1 = mpfr_at(&mut g, e, &(p.clone() + step.clone()), 60).expect("defined nearby");
            let quotient = (f1 - f0) / step;
            let got = mpfr_at(&mut g, d, &p, 30).expect("derivative defined");
            let tol = q("1/1000000000000");
            assert!(
                (got.clone() - quotient.clone()).abs() <= tol,
                "{src} at {point} [{}]: {} vs one-sided quotient {}",
                kink.name(),
                got,
                quotient
            );
        }
    }
}

/// `derive_modes` takes the derivative once for the three modes exactly where they
/// cannot differ: wherever `mode_independent` holds of the simplified input, each
/// mode's derivative taken alone in a fresh graph is the same; and in every case
/// the derivatives `derive_modes` gives (and a second call, from the graph's
/// record of them) are those of `derive` in a fresh graph, mode by mode.
#[test]
fn derive_modes_shares_one_derivative_only_where_the_modes_agree() {
    use actsym::diff::{derive_modes, mode_independent};
    use actsym::fuzz::{generate, Config};
    use actsym::print::text;
    let modes = [Kink::Left, Kink::Right, Kink::Autodiff];
    let fresh = |src: &str, kink: Kink| -> Option<String> {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let x = g.symbol("x");
        derive(&mut g, e, x, kink).ok().map(|d| text(&g, d))
    };
    let (mut independent, mut dependent) = (0, 0);
    for seed in 0..300 {
        let src = generate(seed, &Config::default()).text();
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, &src);
        let x = g.symbol("x");
        let each: Vec<Option<String>> = modes.iter().map(|&k| fresh(&src, k)).collect();
        for _ in 0..2 {
            let got: Vec<Option<String>> = derive_modes(&mut g, e, x, &modes)
                .into_iter()
                .map(|d| d.ok().map(|d| text(&g, d)))
                .collect();
            assert_eq!(got, each, "seed {seed}: {src}");
        }
        let s = simplify(&mut g, e);
        if mode_independent(&g, s) {
            independent += 1;
            assert!(
                each.iter().all(|d| *d == each[0]),
                "seed {seed}: {src} is not mode independent: {each:?}"
            );
        } else {
            dependent += 1;
        }
    }
    assert!(
        independent > 30 && dependent > 30,
        "{independent} / {dependent}"
    );
}

/// A graph rolled back to a mark forgets the derivatives and unfoldings it kept for
/// the nodes it forgets: the ids made again after the rollback name other nodes.
#[test]
fn a_rollback_forgets_the_derivatives_of_forgotten_nodes() {
    use actsym::unfold::unfold;
    let mut g = Graph::with_prelude();
    let x = g.symbol("x");
    let mark = g.mark();
    let e = parse(&mut g, "x^17 + softplus(x)");
    let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
    let want = parse(&mut g, "17*x^16 + sigmoid(x)");
    assert_eq!(show(&g, d), show(&g, want));
    let _ = unfold(&mut g, e, Kink::Left).expect("unfolds");
    assert!(g.rollback(&mark));
    // The same shapes, so the same ids, for another expression (a stale record
    // would answer with the first derivative).
    let e = parse(&mut g, "x^19 + softplus(x)");
    let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
    let mut fresh = Graph::with_prelude();
    let fe = parse(&mut fresh, "x^19 + softplus(x)");
    let fx = fresh.symbol("x");
    let want = derive(&mut fresh, fe, fx, Kink::Left).expect("derivative");
    assert_eq!(show(&g, d), show(&fresh, want));
    let u = unfold(&mut g, e, Kink::Left).expect("unfolds");
    assert!(show(&g, u).contains("19"), "{}", show(&g, u));
}
