//! Derivatives at kinks, one table of expressions × points (exactly at kinks and
//! beside them) checked on the three paths that must agree (docs/semantics.md,
//! "Derivatives and kinks"): `derive`'s printed result parsed back and evaluated by
//! the certified MPFR evaluator, `diff(...)` evaluated by the certified evaluator
//! (what `eval 'diff(...)'` prints), and the fast evaluator's compiled tape. Each
//! row also gives the true value, worked out by hand from the function's own
//! one-sided difference quotients (left-hand, the default), or `undefined` where the
//! lower derivative jumps. Values are compared relatively, so a tiny true value
//! (`-2e-24`) that a path cancels to 0 is a failure.

mod common;

use actsym::diff::{derive_n, Kink};
use actsym::expr::{BigRational, Graph};
use actsym::fast::Tape;
use actsym::print;
use common::{decimal, mpfr_at, parse};
use num_traits::ToPrimitive;

/// `(expression, order, point, value)`: the `order`-th derivative in `x` at `x =
/// point` is `value` (a decimal or `p/q`), or `undefined`.
const TABLE: &[(&str, u32, &str, &str)] = &[
    // Constant on a neighbourhood: 0, though the chain rule meets 0^(-1/2).
    ("sqrt(relu(x))", 1, "-1", "0"),
    ("sqrt(relu(x))", 1, "-1/1000000", "0"),
    ("sqrt(relu(x))", 1, "0", "0"),
    ("sqrt(relu(x))", 1, "1/4", "1"),
    ("sqrt(relu(x^2 - 1))", 1, "1/2", "0"),
    ("sqrt(relu(x^2 - 1))", 1, "-1/2", "0"),
    (
        "sqrt(relu(x^2 - 1))",
        1,
        "2",
        "1.1547005383792515290182975610039149112952035025403",
    ),
    ("relu(x)^(1/3)", 1, "-2", "0"),
    ("sqrt(abs(x))", 1, "0", "undefined"),
    // x·heaviside(x) is relu: continuous, left derivative 0 at 0.
    ("heaviside(x)*x", 1, "0", "0"),
    ("heaviside(x)*x", 1, "-1", "0"),
    ("heaviside(x)*x", 1, "2", "1"),
    ("x*heaviside(x)*exp(x)", 1, "0", "0"),
    ("heaviside(x)", 1, "0", "undefined"),
    ("heaviside(x)", 1, "1", "0"),
    ("(x + 1)*heaviside(x)", 1, "0", "undefined"),
    // Products whose factors jump while the function does not (issue 10, an
    // adversarial pass): sign(x)*x is abs(x), heaviside(x)*heaviside(-x) is 0
    // (heaviside(0) = 0), sqrt(abs(x))^2 is abs(x), x^2*sign(x) is x*abs(x).
    // sign(u) where u is 0 on the chosen side is 0 there (the ninth crash of the
    // cargo-fuzz target `fast_eval`: the symbolic rule said undefined).
    ("sign(heaviside(x - 1))", 1, "0", "0"),
    ("sign(relu(x))", 1, "0", "0"),
    ("sign(relu(x))", 1, "-1", "0"),
    ("sign(x)*x", 1, "0", "-1"),
    ("sign(x)*x", 1, "-2", "-1"),
    ("sign(x)*x", 1, "3", "1"),
    ("heaviside(x)*heaviside(-x)", 1, "0", "0"),
    ("heaviside(x)*heaviside(-x)", 1, "1", "0"),
    ("abs(x)^(1/2)*abs(x)^(1/2)", 1, "0", "-1"),
    ("abs(x)^(1/2)*abs(x)^(1/2)", 1, "5", "1"),
    ("x^2*sign(x)", 1, "0", "0"),
    ("x^2*sign(x)", 1, "-3", "6"),
    ("abs(x)*sign(x)", 1, "0", "1"),
    ("relu(x)*sign(x)", 1, "0", "0"),
    ("sign(x)*(x + 1)", 1, "0", "undefined"),
    ("sign(x)*exp(x)", 1, "0", "undefined"),
    // A factor that switches below its top (inside a sum or a power) times a
    // factor that is 0 there: the product is continuous, and so may be its lower
    // derivatives (issue 10, a second adversarial pass). relu(x)*x + relu(-x)*x^2
    // is x^2 right of 0 and -x^3 left of it: f'' is 0 from the left, 2 from the
    // right, so f''' does not exist at 0.
    ("relu(x)*x + relu(-x)*x^2", 2, "0", "0"),
    ("relu(x)*x + relu(-x)*x^2", 2, "-1", "6"),
    ("relu(x)*x + relu(-x)*x^2", 2, "1", "2"),
    ("relu(x)*x + relu(-x)*x^2", 3, "0", "undefined"),
    ("relu(x)*x + relu(-x)*x^2", 3, "-1", "-6"),
    // hard_swish(x)^2 is 0 left of -3, x^2*(x + 3)^2/36 up to 3, x^2 beyond: f' is
    // continuous at -3 (0) but jumps at 3 (9 to 6).
    ("hard_swish(x)^2", 2, "-3", "0"),
    ("hard_swish(x)^2", 2, "-4", "0"),
    ("hard_swish(x)^2", 2, "0", "1/2"),
    ("hard_swish(x)^2", 2, "3", "undefined"),
    ("hard_swish(x)^2", 2, "4", "2"),
    ("hard_swish(x)*(x + 3)", 2, "-3", "0"),
    ("heaviside(x)*x^2 + heaviside(-x)*x^3", 2, "0", "0"),
    ("heaviside(x)*x^2 + heaviside(-x)*x^3", 2, "-1", "-6"),
    ("heaviside(x)*x^2 + heaviside(-x)*x^3", 3, "0", "undefined"),
    ("relu6(x)*(heaviside(x) + x^2)", 1, "0", "0"),
    ("relu6(x)*(heaviside(x) + x^2)", 1, "1", "4"),
    // softsign(x)*sign(x)^2 is softsign(x): x/(1 - x) left of 0.
    ("softsign(x)*sign(x)*sign(x)", 2, "0", "2"),
    ("softsign(x)*sign(x)*sign(x)", 2, "-1", "1/4"),
    ("relu(x)*(sign(x) + relu(-x))", 1, "0", "0"),
    ("x^3*(relu(-x) + heaviside(-x))", 2, "0", "0"),
    ("sign(x)^2*celu(x, 1/2)", 2, "0", "2"),
    ("relu(-x)*(relu6(x) + tanh(x))", 2, "0", "-2"),
    // x*(heaviside(x) + 1) is x, then 2*x: continuous, but f' jumps from 1 to 2.
    ("x*(heaviside(x) + 1)", 1, "0", "1"),
    ("x*(heaviside(x) + 1)", 2, "0", "undefined"),
    ("x*(heaviside(x) + 1)", 1, "1", "2"),
    // The function itself jumps (1 + x is not 0 at 0).
    ("(x + 1)*(heaviside(x) + x)", 1, "0", "undefined"),
    // min(x^2, abs(x)) is x^2 on (-1, 1): at 0 the tie of x^2 and abs(x) is only
    // touched from below, so the limit from where x^2 > abs(x) is not the
    // function's; at 1 and -1 the slope jumps (2 to 1, -1 to -2).
    ("min(x^2, abs(x))", 1, "0", "0"),
    ("min(x^2, abs(x))", 2, "0", "2"),
    ("min(x^2, abs(x))", 2, "1", "undefined"),
    ("min(x^2, abs(x))", 2, "-1", "undefined"),
    ("min(x^2, abs(x))", 2, "1/2", "2"),
    ("min(x^2, abs(x))", 2, "2", "0"),
    // relu(x^3)'' is 6*relu(x), continuous: its left derivative at 0 is 0.
    ("relu(x^3)", 2, "0", "0"),
    ("relu(x^3)", 3, "0", "0"),
    ("relu(x^3)", 3, "-1", "0"),
    ("relu(x^3)", 3, "1", "6"),
    // The fast evaluator at and left of the kink.
    ("relu(x)^(3/2)", 1, "-1", "0"),
    ("relu(x)^(3/2)", 1, "0", "0"),
    ("relu(x)^(3/2)", 1, "4", "3"),
    ("relu(x)^(3/2)", 2, "-1", "0"),
    // A real jump of the lower derivative: no second derivative there.
    ("relu(x^2 - x)", 1, "0", "-1"),
    ("relu(x^2 - x)", 1, "1", "0"),
    ("relu(x^2 - x)", 2, "0", "undefined"),
    ("relu(x^2 - x)", 2, "1", "undefined"),
    ("relu(x^2 - x)", 2, "-1", "2"),
    ("relu(x^2 - x)", 2, "1/2", "0"),
    ("relu(x^2 - x)", 2, "2", "2"),
    ("abs(x^2 - 1)", 2, "1", "undefined"),
    ("abs(x^2 - 1)", 2, "0", "-2"),
    // A function that jumps: no derivative at the jump, whatever max does.
    (
        "max(if(x > -1, if(x != 0, 1, -1), 0), x/2)",
        1,
        "0",
        "undefined",
    ),
    (
        "max(if(x > -1, if(x != 0, 1, -1), 0), x/2)",
        1,
        "-1",
        "undefined",
    ),
    ("max(if(x > -1, if(x != 0, 1, -1), 0), x/2)", 1, "1/2", "0"),
    ("max(if(x > -1, if(x != 0, 1, -1), 0), x/2)", 1, "4", "1/2"),
    // Jumps of the terms that cancel: celu' is continuous at 0.
    ("celu(x, 3/2)", 1, "0", "1"),
    ("celu(x, 3/2)", 2, "0", "2/3"),
    ("celu(x, 3/2)", 2, "1", "0"),
    (
        "celu(x, 3/2)",
        2,
        "-3/2",
        "0.24525296078096154773034918010764057829720742068785",
    ),
    ("if(x > 0, x, 0) + if(x < 0, x, 0)", 1, "0", "1"),
    ("if(x > 0, x, 0) + if(x < 0, x, 0)", 2, "0", "0"),
    // Touching without crossing: the function is cosh, or 0, near 0.
    ("max(1, cosh(x))", 1, "0", "0"),
    ("max(1, cosh(x))", 2, "0", "1"),
    (
        "max(1, cosh(x))",
        2,
        "1",
        "1.5430806348152437784779056207570616826015291123659",
    ),
    ("relu(x^3 - x^2)", 1, "0", "0"),
    ("relu(x^3 - x^2)", 2, "0", "0"),
    ("relu(x^3 - x^2)", 3, "0", "0"),
    ("relu(x^3 - x^2)", 2, "1", "undefined"),
    ("relu(x^3 - x^2)", 2, "2", "10"),
    // The usual kinks, for reference.
    ("relu(x)", 1, "0", "0"),
    ("relu(x)", 2, "0", "undefined"),
    ("relu(x)", 2, "1", "0"),
    ("abs(x)", 1, "0", "-1"),
    ("relu(-x)", 1, "0", "-1"),
    ("max(x, 2*x)", 1, "0", "1"),
    ("relu(x)^2", 2, "0", "0"),
    ("relu(x)^2", 3, "0", "undefined"),
    ("relu(x)^2", 2, "-1", "0"),
    ("relu(x)^3", 2, "0", "0"),
    ("relu6(relu6(x))", 1, "6", "1"),
    ("relu6(relu6(x))", 2, "6", "undefined"),
    ("relu6(relu6(x))", 8, "3", "0"),
    ("relu6(relu6(x))", 8, "-1", "0"),
    ("relu6(relu6(x))", 8, "0", "undefined"),
    ("elu(x, 1)", 2, "0", "1"),
    ("elu(x, 2)", 2, "0", "undefined"),
    ("elu(x, 1)", 1, "0", "1"),
    // Through a branch the fast tape keeps its fused kernels away from the tie:
    // no cancellation to 0 (issue 14).
    (
        "if(x > 0, mish(x), 0)",
        2,
        "30",
        "-2.031510496944727430796292756102724900801e-24",
    ),
    ("if(x > 0, mish(x), 0)", 2, "0", "undefined"),
    ("if(x > 0, mish(x), 0)", 2, "-1", "0"),
    (
        "if(x > 0, swish(x, 1), 0)",
        2,
        "40",
        "-1.61437461701080379006942756710e-16",
    ),
    (
        "if(x < 1, gelu(x), 0)",
        2,
        "-9",
        "-8.12102112161844268828849575834e-17",
    ),
    (
        "if(x > 0, sigmoid(x), 0)",
        2,
        "55",
        "-1.2995814250075030736007066504239646e-24",
    ),
];

/// Rows of an adversarial pass (issue 10: a factor that switches below its top times
/// a factor that is 0 there), on the command line: `eval 'diff(...)'` certified and
/// `--fast`, left-hand (the default) or right-hand, against values worked out with
/// mpmath from the function's own one-sided difference quotients (values within
/// the quotients' error of 0 are 0).
const ADVERSARIAL: &[(&str, &str, bool, &str)] = &[
    ("diff(diff(hard_swish(x)^2, x), x)", "-3", false, "0"),
    (
        "diff(diff(heaviside(x)*x^2 + heaviside(-x)*x^3, x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(heaviside(x)*x^2 + heaviside(-x)*x^3, x), x)",
        "0",
        true,
        "2",
    ),
    ("diff(diff(hard_swish(x)^2, x), x)", "-3", true, "0.5"),
    ("diff(diff(hard_swish(x)*(x + 3), x), x)", "-3", false, "0"),
    ("diff(diff(hard_swish(x)*(x + 3), x), x)", "-3", true, "-1"),
    (
        "diff(diff(relu(x)*x + relu(-x)*x^2, x), x)",
        "0",
        false,
        "0",
    ),
    ("diff(diff(relu(x)*x + relu(-x)*x^2, x), x)", "0", true, "2"),
    ("diff(relu(x)*(celu(x, 1/2) + sign(x)), x)", "0", true, "1"),
    (
        "diff(diff(celu(x, 1/2)*(hard_swish(x - 3) + relu(x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(diff(x^3*(min(x, 0) + relu6(x)), x), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(x^3*(hard_tanh(x + 1) + sigmoid(x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(diff(x^3*hard_swish(x - 3) - x^3, x), x), x)",
        "0",
        false,
        "-6",
    ),
    (
        "diff(diff(relu(-x)*(relu6(x) + tanh(x)), x), x)",
        "0",
        false,
        "-2",
    ),
    (
        "diff(diff(diff(x^2*(softsign(x) + hard_swish(x - 3)), x), x), x)",
        "0",
        true,
        "3",
    ),
    (
        "diff(diff((tanh(x))^2*hard_swish(x - 3), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(x^3*(relu(-x) + heaviside(-x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(diff(hard_swish(x - 3)*abs(x)*min(x, 0), x), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff((sign(x))^2*celu(x, 1/2), x), x)",
        "0",
        false,
        "2",
    ),
    ("diff((heaviside(x))^2*celu(x, 1/2), x)", "0", true, "1"),
    (
        "diff(diff(celu(x, 1/2)*(relu(-x) + hard_tanh(x + 1)), x), x)",
        "0",
        false,
        "2",
    ),
    ("diff(relu6(x)*(heaviside(x) + x^2), x)", "0", false, "0"),
    (
        "diff(diff(softsign(x)*sign(x)*sign(x), x), x)",
        "0",
        false,
        "2",
    ),
    (
        "diff(relu(-x)*(hard_tanh(x + 1) + sign(x)), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(hard_swish(x - 3)*(x^2 + abs(x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(hard_swish(x - 3)*relu(-x)*prelu(x, 1/3), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(exp(x)*hard_swish(x - 3)*x, x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(hard_swish(3*x - 3)*hard_tanh(2*x + 1)*relu(x), x), x)",
        "0",
        true,
        "-3",
    ),
    (
        "diff(diff(relu(x^3)*(abs(sinh(x)) + x^3), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(hard_swish(3*x - 3)*(relu(x)^(3/2) + min(x, 0)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(heaviside(-x)*relu(x)^2 + relu(x)^2*sigmoid(2*abs(x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff((heaviside(x))^2*abs(x)^3, x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(relu(-x)*exp(x)*relu(tanh(x)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff((celu(x, 1/2))^2*hard_swish(x - 3), x), x)",
        "0",
        true,
        "0",
    ),
    (
        "diff(diff(relu6(x)^2*(hard_swish(3*x - 3) + hard_tanh(x + 1)), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(abs(sinh(x))*hard_swish(x - 3) + relu(x^3)*min(x^2, abs(x)), x), x)",
        "0",
        true,
        "-1",
    ),
    (
        "diff(diff(diff(hard_swish(3*x - 3)*softsign(x)*abs(x), x), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(max(x, x^3)*(relu(x)^2 + relu6(x)), x), x)",
        "0",
        false,
        "0",
    ),
    ("diff(relu(x)*(sign(x) + relu(-x)), x)", "0", false, "0"),
    (
        "diff(diff(relu(x)^2*(min(x^2, abs(x)) + relu(x)^2), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(diff((heaviside(x))^2*relu(x^3), x), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(elu(-abs(x), 1)*(relu6(x)^2 + min(x^2, abs(x))), x), x)",
        "0",
        true,
        "0",
    ),
    (
        "diff(diff(hard_swish(3*x - 3)*relu(x)*relu(x), x), x)",
        "0",
        true,
        "0",
    ),
    (
        "diff(diff(relu(x)^2*(min(x^2, abs(x)) + relu(tanh(x))), x), x)",
        "0",
        false,
        "0",
    ),
    (
        "diff(diff(diff(sigmoid(x)*min(x^2, abs(x)) - min(x^2, abs(x)), x), x), x)",
        "0",
        false,
        "1.5",
    ),
    (
        "diff(diff(min(x^2, abs(x))*(min(x, 0) + hard_tanh(x + 1)), x), x)",
        "0",
        false,
        "2",
    ),
    (
        "diff(diff(diff(relu(x)^2*x - min(x^2, abs(x)), x), x), x)",
        "0",
        true,
        "6",
    ),
];

/// The value a row expects.
fn expected(value: &str) -> Option<BigRational> {
    if value == "undefined" {
        return None;
    }
    Some(if value.contains('/') {
        common::q(value)
    } else {
        decimal(value).expect("a decimal")
    })
}

/// `diff(...(e)..., x)`, `order` times, as text.
fn diff_text(src: &str, order: u32) -> String {
    (0..order).fold(src.to_owned(), |e, _| format!("diff({e}, x)"))
}

/// Whether `got` is `want` to about 25 significant digits (exact for rationals the
/// evaluator found exactly).
fn close(got: &BigRational, want: &BigRational) -> bool {
    let tol = BigRational::new(1.into(), 10u32.pow(9).into());
    let tol = &tol * &tol * &tol;
    let scale = if want.numer() == &0.into() {
        BigRational::from_integer(1.into())
    } else {
        num_traits::Signed::abs(want)
    };
    num_traits::Signed::abs(&(got - want)) <= tol * scale
}

#[test]
fn derivatives_at_kinks_agree_on_every_path() {
    let mut failures = Vec::new();
    for &(src, order, point, value) in TABLE {
        let want = expected(value);
        let x0 = common::q(point);
        let mut g = Graph::with_prelude();
        let x = g.symbol("x");
        let e = parse(&mut g, src);
        // derive's printed result, parsed back.
        let d = derive_n(&mut g, e, x, order, Kink::Left)
            .unwrap_or_else(|err| panic!("derive {src} --order {order}: {err}"));
        let printed = print::text(&g, d);
        let reparsed = parse(&mut g, &printed);
        let by_derive = mpfr_at(&mut g, reparsed, &x0, 40);
        // eval 'diff(...)', certified.
        let text = diff_text(src, order);
        let de = parse(&mut g, &text);
        let by_eval = mpfr_at(&mut g, de, &x0, 40);
        // The fast evaluator.
        let tape = Tape::compile_unfolding(&mut g, de, &[x])
            .unwrap_or_else(|err| panic!("compile {text}: {err}"));
        let xf = x0.to_f64().expect("a point");
        let fast = tape.eval_point(&[xf]).expect("one input");
        let row = format!("{text} at x = {point}");
        match &want {
            None => {
                if by_derive.is_some() {
                    failures.push(format!(
                        "{row}: derive ({printed}) gives {by_derive:?}, not undefined"
                    ));
                }
                if by_eval.is_some() {
                    failures.push(format!("{row}: eval gives {by_eval:?}, not undefined"));
                }
                if !fast.is_nan() {
                    failures.push(format!("{row}: fast gives {fast}, not undefined"));
                }
            }
            Some(w) => {
                if !by_derive.as_ref().is_some_and(|v| close(v, w)) {
                    failures.push(format!(
                        "{row}: derive ({printed}) gives {by_derive:?}, not {value}"
                    ));
                }
                if !by_eval.as_ref().is_some_and(|v| close(v, w)) {
                    failures.push(format!("{row}: eval gives {by_eval:?}, not {value}"));
                }
                let wf = w.to_f64().expect("finite");
                // Relative: a tiny true value must not come out as 0.
                let agrees = if wf == 0.0 {
                    fast.abs() <= 1e-14
                } else {
                    (fast - wf).abs() <= 1e-10 * wf.abs()
                };
                if !agrees {
                    failures.push(format!("{row}: fast gives {fast}, not {value}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every expression of the table, at every quarter from -2 to 7 (the kinks of the
/// table are among them): `derive`'s printed result and `diff(...)` in MPFR agree
/// exactly on whether the value is defined and to 25 digits on its value, and the
/// fast tape agrees on whether it is defined and to about 1e-9.
#[test]
fn the_three_paths_agree_on_a_grid() {
    let mut seen = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for &(src, order, _, _) in TABLE {
        if !seen.insert((src, order)) {
            continue;
        }
        let mut g = Graph::with_prelude();
        let x = g.symbol("x");
        let e = parse(&mut g, src);
        let d = derive_n(&mut g, e, x, order, Kink::Left).expect("a derivative");
        let printed = print::text(&g, d);
        let reparsed = parse(&mut g, &printed);
        let text = diff_text(src, order);
        let de = parse(&mut g, &text);
        let tape = Tape::compile_unfolding(&mut g, de, &[x]).expect("a tape");
        for i in -8..=28 {
            let x0 = BigRational::new(i.into(), 4.into());
            let by_derive = mpfr_at(&mut g, reparsed, &x0, 30);
            let by_eval = mpfr_at(&mut g, de, &x0, 30);
            let fast = tape
                .eval_point(&[x0.to_f64().expect("a point")])
                .expect("one input");
            let row = format!("{text} at x = {x0}");
            match (&by_derive, &by_eval) {
                (None, None) => {}
                (Some(a), Some(b)) if close(a, b) => {}
                _ => failures.push(format!(
                    "{row}: derive ({printed}) gives {by_derive:?}, eval {by_eval:?}"
                )),
            }
            match &by_eval {
                None if fast.is_nan() => {}
                Some(v) => {
                    let v = v.to_f64().expect("finite");
                    if (fast - v).abs() > 1e-9 * v.abs().max(1e-300) + 1e-300 && v != fast {
                        failures.push(format!("{row}: fast gives {fast}, eval {v}"));
                    }
                }
                None => failures.push(format!("{row}: fast gives {fast}, eval undefined")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Derivatives that are 0 away from a few kinks stay small however high the order
/// (`relu6(relu6(x))` at order 8 printed 2.6 MB in 54 s), and repeated kink
/// analyses of a touching condition neither recurse without bound nor blow up.
#[test]
fn higher_orders_at_kinks_stay_small() {
    for (src, order, max_len) in [
        ("relu6(relu6(x))", 8, 400),
        ("relu6(relu6(x))", 16, 400),
        ("max(1, cosh(x))", 8, 10_000),
        ("relu(x^3 - x^2)", 8, 2_000),
    ] {
        let mut g = Graph::with_prelude();
        let x = g.symbol("x");
        let e = parse(&mut g, src);
        let d = derive_n(&mut g, e, x, order, Kink::Left).expect("a derivative");
        let printed = print::text(&g, d);
        assert!(
            printed.len() <= max_len,
            "derive {src} --order {order}: {} bytes",
            printed.len()
        );
    }
}

#[test]
fn adversarial_rows_on_the_command_line() {
    let mut failures = Vec::new();
    for &(expr, point, right, value) in ADVERSARIAL {
        let at = format!("x={point}");
        let mut args = vec!["eval", expr, "--at", at.as_str()];
        if right {
            args.extend(["--kink", "right"]);
        }
        let run = |extra: &[&str]| {
            let out = assert_cmd::Command::cargo_bin("actsym")
                .expect("the binary is built")
                .args(&args)
                .args(extra)
                .output()
                .expect("it runs");
            let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            (out.status.code(), text)
        };
        let (code, text) = run(&["--digits", "20"]);
        if code != Some(0) || text != value {
            failures.push(format!("{args:?}: {code:?} {text:?}, not {value}"));
        }
        let (code, text) = run(&["--fast"]);
        let want: f64 = value.parse().expect("a number");
        let fast: Option<f64> = text.parse().ok();
        if code != Some(0) || !fast.is_some_and(|f| (f - want).abs() <= 1e-9 * (1.0 + want.abs())) {
            failures.push(format!("{args:?} --fast: {code:?} {text:?}, not {value}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
