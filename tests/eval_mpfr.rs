//! The certified MPFR evaluator: known values to 50 digits, the correctly rounded
//! output, undefined points, `if` laziness, huge arguments, and property tests against
//! exact rational arithmetic and against the same evaluation at four times the
//! precision.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actsym::certified::{enclose, evaluate, evaluate_with, EvalError, Value, ZivLimits};
use actsym::defs;
use actsym::expr::{BigRational, CmpOp, ExprId, Func, Graph};
use num_traits::Signed;

#[path = "eval_mpfr/props.rs"]
mod props;

// ---------------------------------------------------------------------------
// Helpers

/// An exact rational from text in the language's number syntax (`-800`, `1e-300`, `3/2`).
fn rational(text: &str) -> BigRational {
    let mut g = Graph::new();
    let id = defs::parse_expr(&mut g, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    g.as_num(id)
        .unwrap_or_else(|| panic!("{text} is not a rational"))
        .clone()
}

fn env_of(g: &mut Graph, at: &[(&str, &str)]) -> HashMap<actsym::expr::Symbol, BigRational> {
    at.iter().map(|(n, v)| (g.symbol(n), rational(v))).collect()
}

/// Evaluates text (with the prelude) at a point.
fn eval_text(src: &str, at: &[(&str, &str)], digits: u32) -> Result<Value, EvalError> {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let env = env_of(&mut g, at);
    evaluate(&mut g, e, &env, digits)
}

/// The printed value of text at a point.
#[track_caller]
fn check_text(src: &str, at: &[(&str, &str)], digits: u32, expect: &str) {
    match eval_text(src, at, digits) {
        Ok(v) => assert_eq!(v.decimal, expect, "{src} at {at:?}"),
        Err(e) => panic!("{src} at {at:?}: {e}"),
    }
}

/// The undefined-point message of text at a point, checking the operation's tag.
#[track_caller]
fn undefined_text(src: &str, at: &[(&str, &str)], op: &str) -> String {
    match eval_text(src, at, 30) {
        Err(EvalError::Undefined { op: got, detail }) => {
            assert_eq!(got, op, "{src}: {detail}");
            detail
        }
        other => panic!("{src} at {at:?} should be undefined, got {other:?}"),
    }
}

/// `1/(1 + exp(-u))` with the constructors.
fn sigmoid(g: &mut Graph, u: ExprId) -> ExprId {
    let mu = g.neg(u);
    let e = g.func(Func::Exp, mu);
    let one = g.int(1);
    let den = g.add(vec![one, e]);
    g.div(one, den)
}

/// `(1 + erf(u/sqrt(2)))/2` with the constructors.
fn phi_cdf(g: &mut Graph, u: ExprId) -> ExprId {
    let two = g.int(2);
    let s2 = g.sqrt(two);
    let arg = g.div(u, s2);
    let erf = g.func(Func::Erf, arg);
    let one = g.int(1);
    let sum = g.add(vec![one, erf]);
    g.div(sum, two)
}

/// Evaluates a constructor-built expression in `x` at `x = value`.
fn eval_at(g: &mut Graph, e: ExprId, value: &str, digits: u32) -> Result<Value, EvalError> {
    let env = env_of(g, &[("x", value)]);
    evaluate(g, e, &env, digits)
}

#[track_caller]
fn check_at(g: &mut Graph, e: ExprId, value: &str, digits: u32, expect: &str) {
    match eval_at(g, e, value, digits) {
        Ok(v) => assert_eq!(v.decimal, expect, "at x = {value}"),
        Err(err) => panic!("at x = {value}: {err}"),
    }
}

// ---------------------------------------------------------------------------
// Known values (constructors only)

#[test]
fn known_values_to_50_digits() {
    let mut g = Graph::new();
    let x = g.var("x");
    let s = sigmoid(&mut g, x);
    let v = eval_at(&mut g, s, "0", 50).expect("sigmoid(0)");
    assert_eq!((v.decimal.as_str(), v.exact.is_some()), ("0.5", true));
    let t = g.func(Func::Tanh, x);
    check_at(
        &mut g,
        t,
        "1",
        50,
        "0.76159415595576488811945828260479359041276859725794",
    );
    let erf = g.func(Func::Erf, x);
    check_at(
        &mut g,
        erf,
        "1/2",
        50,
        "0.52049987781304653768274665389196452873645157575796",
    );
    let p = phi_cdf(&mut g, x);
    check_at(&mut g, p, "0", 50, "0.5");
    let e = g.func(Func::Exp, x);
    check_at(
        &mut g,
        e,
        "1",
        50,
        "2.7182818284590452353602874713526624977572470937000",
    );
    let pi = g.pi();
    check_at(
        &mut g,
        pi,
        "0",
        50,
        "3.1415926535897932384626433832795028841971693993751",
    );
}

#[test]
fn sigmoid_at_minus_800() {
    let mut g = Graph::new();
    let x = g.var("x");
    let s = sigmoid(&mut g, x);
    check_at(
        &mut g,
        s,
        "-800",
        30,
        "3.66787458417768721345549565426e-348",
    );
}

#[test]
fn large_arguments_neither_overflow_nor_crawl() {
    let mut g = Graph::new();
    let x = g.var("x");
    let e = g.func(Func::Exp, x);
    let s = sigmoid(&mut g, x);
    let l = g.func(Func::Log, x);
    let started = Instant::now();
    check_at(
        &mut g,
        e,
        "1e6",
        30,
        "3.03321539680208754508640214142e434294",
    );
    check_at(
        &mut g,
        s,
        "-1e6",
        30,
        "3.29683147808855857896890796911e-434295",
    );
    check_at(&mut g, s, "1e6", 30, "1.00000000000000000000000000000");
    check_at(&mut g, l, "1e-300", 30, "-690.775527898213705205397436405");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn cancelling_forms_stay_tight() {
    // Phi(-800) = erfc(800/sqrt(2))/2 and 1 - tanh(800): the plain sums lose every bit.
    let mut g = Graph::new();
    let x = g.var("x");
    let p = phi_cdf(&mut g, x);
    check_at(
        &mut g,
        p,
        "-800",
        30,
        "2.90810685189616916012697096756e-138978",
    );
    let t = g.func(Func::Tanh, x);
    let one = g.int(1);
    let d = g.sub(one, t);
    check_at(&mut g, d, "800", 30, "2.69066079305132837686039267932e-695");
}

#[test]
fn beyond_the_exponent_range_is_overflow() {
    let mut g = Graph::new();
    let x = g.var("x");
    let e = g.func(Func::Exp, x);
    let ee = g.func(Func::Exp, e);
    assert_eq!(eval_at(&mut g, ee, "100", 30), Err(EvalError::Overflow));
}

#[test]
fn a_wide_enclosure_beyond_the_range_is_not_an_overflow_of_the_value() {
    // At the starting precision the base 1 + 10^-60 is enclosed up to 1 + 2^-163,
    // whose 10^60-th power leaves the exponent range; the value is about -e/(2x).
    // Values from mpmath.
    check_text(
        "(1 + 1/x)^x - exp(1)",
        &[("x", "10^60")],
        30,
        "-1.35914091422952261768014373568e-60",
    );
    check_text(
        "(1 + 1e-10000)^(10^10000)",
        &[],
        30,
        "2.71828182845904523536028747135",
    );
}

// ---------------------------------------------------------------------------
// Rounding and zero

#[test]
fn correct_rounding_at_boundaries() {
    let mut g = Graph::new();
    let x = g.var("x");
    check_at(&mut g, x, "1/2", 1, "0.5");
    check_at(&mut g, x, "1/3", 5, "0.33333");
    check_at(&mut g, x, "2/3", 5, "0.66667");
    check_at(&mut g, x, "1/100", 30, "0.01");
    check_at(&mut g, x, "12", 30, "12");
    check_at(&mut g, x, "1e-30", 30, "1e-30");
    // exp(log(1/8)) is exactly 0.125, a tie at 2 digits: never certifiable, so fewer
    // digits come back with a note instead of a guess.
    let l = g.func(Func::Log, x);
    let e = g.func(Func::Exp, l);
    let v = eval_at(&mut g, e, "1/8", 2).expect("a value");
    assert_eq!(v.decimal, "0.1");
    assert!(
        v.note
            .as_deref()
            .is_some_and(|n| n.contains("only 1 of the 2")),
        "{v:?}"
    );
    // Just below a tie, the digits are certified.
    check_at(&mut g, e, "1/8", 3, "0.125");
}

#[test]
fn an_uncertified_zero_is_never_a_number() {
    // tanh(x) + 1 - 2/(1 + exp(-2x)) is exactly 0 everywhere, but no enclosure can
    // tell that from a tiny value of either sign: the answer is an error bounding it,
    // never the number 0.
    let mut g = Graph::new();
    let x = g.var("x");
    let t = g.func(Func::Tanh, x);
    let one = g.int(1);
    let two = g.int(2);
    let tx = g.mul(vec![two, x]);
    let s = sigmoid(&mut g, tx);
    let twice = g.mul(vec![two, s]);
    let lhs = g.add(vec![t, one]);
    let diff = g.sub(lhs, twice);
    let limits = ZivLimits {
        max_bits: 1 << 12,
        ..ZivLimits::default()
    };
    let env = env_of(&mut g, &[("x", "3/2")]);
    match evaluate_with(&mut g, diff, &env, 30, limits) {
        Err(EvalError::NotCertified { detail }) => {
            assert!(detail.contains("|v| <= 2^-"), "{detail}");
        }
        other => panic!("expected NotCertified, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Undefined points and other errors

#[test]
fn undefined_points_name_the_operation() {
    let mut g = Graph::new();
    let x = g.var("x");
    let zero = g.int(0);
    let one = g.int(1);
    let m1 = g.int(-1);
    let log0 = g.func(Func::Log, zero);
    let sqrt_m1 = g.sqrt(m1);
    let inv0 = g.div(one, zero);
    let pow0 = g.pow(zero, m1);
    let logx = g.func(Func::Log, x);
    let cases = [
        (log0, "0", "log", "log of 0 is undefined"),
        (
            sqrt_m1,
            "0",
            "sqrt",
            "sqrt of a negative number (-1) is undefined",
        ),
        (inv0, "0", "division", "division by zero"),
        (pow0, "0", "division", "division by zero"),
        (
            logx,
            "-2",
            "log",
            "log of a negative number (-2) is undefined",
        ),
    ];
    for (e, at, op, message) in cases {
        match eval_at(&mut g, e, at, 30) {
            Err(EvalError::Undefined { op: got, detail }) => {
                assert_eq!((got, detail.as_str()), (op, message));
            }
            other => panic!("{message}: got {other:?}"),
        }
        // The interval evaluator says the same without the exact pass.
        let env = env_of(&mut g, &[("x", at)]);
        assert!(matches!(
            enclose(&g, e, &env, 64),
            Err(EvalError::Undefined { .. })
        ));
    }
}

#[test]
fn structural_errors() {
    let mut g = Graph::new();
    let x = g.var("x");
    let y = g.var("y");
    let sum = g.add(vec![x, y]);
    assert_eq!(
        eval_at(&mut g, sum, "1", 30),
        Err(EvalError::UnboundVariable("y".into()))
    );
    let xs = g.symbol("x");
    let d = g.diff_node(sum, xs);
    let env = env_of(&mut g, &[("x", "1"), ("y", "2")]);
    assert_eq!(enclose(&g, d, &env, 64), Err(EvalError::Diff));
    assert_eq!(
        EvalError::Diff.to_string(),
        "diff(...) is not evaluated yet"
    );
    let f = g.symbol("nosuch");
    let call = g.call(f, vec![x]);
    assert_eq!(
        enclose(&g, call, &env, 64),
        Err(EvalError::UnknownFunction("nosuch".into()))
    );
    let u = g.undefined();
    assert!(matches!(
        enclose(&g, u, &env, 64),
        Err(EvalError::Undefined {
            op: "undefined",
            ..
        })
    ));
    let c = g.cmp(CmpOp::Lt, x, y);
    assert!(matches!(
        enclose(&g, c, &env, 64),
        Err(EvalError::Mistyped(_))
    ));
}

// ---------------------------------------------------------------------------
// if

#[test]
fn if_evaluates_only_the_taken_branch() {
    let mut g = Graph::new();
    let x = g.var("x");
    let zero = g.int(0);
    let cond = g.cmp(CmpOp::Gt, x, zero);
    let lx = g.func(Func::Log, x);
    let e = g.if_(cond, lx, zero);
    let env = env_of(&mut g, &[("x", "-1")]);
    let iv = enclose(&g, e, &env, 64).expect("the else branch");
    assert!(iv.is_zero());
    check_at(&mut g, e, "-1", 30, "0");
    check_at(&mut g, e, "1", 30, "0");
    assert!(matches!(
        eval_at(&mut g, e, "0", 30),
        Ok(Value { ref decimal, .. }) if decimal == "0"
    ));
    let v = eval_at(&mut g, e, "2", 10).expect("log(2)");
    assert_eq!(v.decimal, "0.6931471806");
}

#[test]
fn an_undecidable_condition_takes_the_hull_of_defined_branches() {
    // exp(log(2)) > 2 is exactly on its edge; both branches are 1.
    let mut g = Graph::new();
    let x = g.var("x");
    let l = g.func(Func::Log, x);
    let e = g.func(Func::Exp, l);
    let two = g.int(2);
    let cond = g.cmp(CmpOp::Gt, e, two);
    let one = g.int(1);
    let lx = g.func(Func::Log, x);
    let zero = g.int(0);
    let lx0 = g.mul(vec![zero, lx]); // 0*log(x): not folded, 0 where defined
    let branch = g.add(vec![one, lx0]);
    let ite = g.if_(cond, one, branch);
    let env = env_of(&mut g, &[("x", "2")]);
    let iv = enclose(&g, ite, &env, 128).expect("the hull");
    assert!(iv.lo == 1 && iv.hi == 1, "{iv:?}");
    // When the condition decides at no precision and the branches differ, the digits
    // cannot be certified.
    let three = g.int(3);
    let ite2 = g.if_(cond, one, three);
    let limits = ZivLimits {
        max_bits: 1 << 10,
        ..ZivLimits::default()
    };
    assert!(matches!(
        evaluate_with(&mut g, ite2, &env, 30, limits),
        Err(EvalError::PrecisionExhausted { .. })
    ));
}

// ---------------------------------------------------------------------------
// With the parser and the prelude

#[test]
fn prelude_functions_through_the_parser() {
    check_text(
        "sigmoid(x)",
        &[("x", "-800")],
        30,
        "3.66787458417768721345549565426e-348",
    );
    check_text("Phi(x)", &[("x", "0")], 50, "0.5");
    check_text("sigmoid(x)", &[("x", "0")], 30, "0.5");
    check_text(
        "tanh(1)",
        &[],
        50,
        "0.76159415595576488811945828260479359041276859725794",
    );
    check_text("relu(x) + leaky_relu(x)", &[("x", "-3")], 30, "-0.03");
    check_text("elu(x, 1)", &[("x", "-1")], 20, "-0.63212055882855767840");
    check_text("heaviside(x)", &[("x", "0")], 30, "0");
    check_text(
        "softplus(x)",
        &[("x", "-1e6")],
        30,
        "3.29683147808855857896890796911e-434295",
    );
    check_text(
        "gelu(x)",
        &[("x", "-800")],
        30,
        "-2.32648548151693532810157677405e-138975",
    );
    check_text(
        "swish(x, beta)",
        &[("x", "1/2"), ("beta", "3/2")],
        25,
        "0.3395893495876964865798401",
    );
    check_text("if(x > 0, log(x), 0)", &[("x", "-1")], 30, "0");
    check_text("2^(1/2)", &[], 20, "1.4142135623730950488");
}

#[test]
fn parsed_undefined_points() {
    assert_eq!(
        undefined_text("log(0)", &[], "log"),
        "log of 0 is undefined"
    );
    assert_eq!(
        undefined_text("sqrt(-1)", &[], "sqrt"),
        "sqrt of a negative number (-1) is undefined"
    );
    assert_eq!(undefined_text("1/0", &[], "division"), "division by zero");
    assert_eq!(undefined_text("0^-1", &[], "division"), "division by zero");
    assert!(undefined_text("log(x)", &[("x", "-2")], "log").contains("(-2)"));
    assert!(undefined_text("x^(1/3)", &[("x", "-8")], "power").contains("(-8)"));
    assert!(undefined_text("softsign(x)/x", &[("x", "0")], "division").contains("zero"));
    // 0*u is kept where u may be undefined, and stays undefined there.
    assert!(undefined_text("(-8)^(1/3) * 0 + (-2)^3", &[], "power").contains("(-8)"));
}

#[test]
fn zero_to_the_zero_is_one() {
    check_text("0^0", &[], 30, "1");
    check_text("x^y", &[("x", "0"), ("y", "0")], 30, "1");
    check_text("x^y", &[("x", "0"), ("y", "1/2")], 30, "0");
    check_text("x^y", &[("x", "-2"), ("y", "3")], 30, "-8");
    check_text("(x - x + 2)^pi", &[("x", "1")], 10, "8.824977827");
}

// ---------------------------------------------------------------------------
// A deep composition: iterative, and memory bounded

#[test]
fn deep_compositions_evaluate_iteratively() {
    let mut g = Graph::new();
    let x = g.var("x");
    let mut e = x;
    for _ in 0..2_000 {
        e = sigmoid(&mut g, e);
    }
    let v = eval_at(&mut g, e, "1/2", 20).expect("a value");
    assert!(v.decimal.starts_with("0.6"), "{v:?}");
}

#[test]
fn non_dyadic_points_are_enclosed() {
    let mut g = Graph::new();
    let x = g.var("x");
    let tenth = rational("0.1");
    let env = HashMap::from([(g.symbol("x"), tenth.clone())]);
    let iv = enclose(&g, x, &env, 53).expect("x");
    assert!(iv.lo < iv.hi && iv.contains_rational(&tenth));
    assert!(!tenth.is_negative());
}
