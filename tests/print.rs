//! Printer tests: text round-trips through the parser (one-line cases and a property
//! test over random expressions), LaTeX snapshots, JSON schema, operation counts,
//! and printing of very deep expressions on a small stack.

use actsym::expr::{ExprId, Func, Graph};
use actsym::{defs, print};
use proptest::prelude::*;

/// Parses `src`, so that a test fails with the parser's message rather than a panic.
fn parse(g: &mut Graph, src: &str) -> ExprId {
    match defs::parse_expr(g, src) {
        Ok(e) => e,
        Err(err) => panic!("cannot parse {src:?}: {err}"),
    }
}

/// Asserts that `e` prints as `expected` and that the printed text parses back to `e`.
#[track_caller]
fn check_node(g: &mut Graph, e: ExprId, expected: &str) {
    let printed = print::text(g, e);
    assert_eq!(printed, expected);
    assert_eq!(
        defs::parse_expr(g, &printed).ok(),
        Some(e),
        "{printed:?} does not parse back to the node it was printed from"
    );
}

/// Asserts that `input` prints as `expected`, and that the output round-trips.
#[track_caller]
fn check_text(input: &str, expected: &str) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, input);
    check_node(&mut g, e, expected);
}

#[track_caller]
fn check_latex(input: &str, expected: &str) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, input);
    assert_eq!(print::latex(&g, e), expected, "LaTeX of {input}");
}

#[track_caller]
fn check_ops(input: &str, expected: usize) {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, input);
    assert_eq!(print::op_count(&g, e), expected, "operations of {input}");
}

#[test]
fn text_sums_in_textbook_order() {
    check_text("1 + x", "x + 1");
    check_text("1 - sigmoid(x)", "1 - sigmoid(x)");
    check_text("-1 - x", "-x - 1");
    check_text("-y + x", "x - y");
    check_text("x - 1 + x^2", "x^2 + x - 1");
    check_text("exp(x) + 1", "1 + exp(x)");
    check_text("-1 + exp(x)", "exp(x) - 1");
    check_text("2 - x - y", "2 - x - y");
    check_text("x + 1 + exp(x)", "x + exp(x) + 1");
    check_text("x/2 + 1/2", "(x + 1)/2");
    check_text("-x/2 - 1/2", "-(x + 1)/2");
    check_text("(1 + erf(x/sqrt(2)))/2", "(1 + erf(x/sqrt(2)))/2");
    check_text("y*(x/2 + 1/2)", "y*(x/2 + 1/2)");
    check_text("0.01*x + 0.01", "0.01*x + 0.01");
}

#[test]
fn text_products_and_quotients() {
    check_text("x*2", "2*x");
    check_text("x/2", "x/2");
    check_text("3*x/(2*y)", "3*x/(2*y)");
    check_text("-(x)", "-x");
    check_text("-x*y/3", "-x*y/3");
    check_text("exp(-x)", "exp(-x)");
    check_text("1/(1 + exp(-x))", "1/(1 + exp(-x))");
    check_text("x^(-1)", "1/x");
    check_text("x^-2*y", "y/x^2");
    check_text("1/(x*y)", "1/(x*y)");
    check_text("2*(x + 1)*y", "2*y*(x + 1)");
    check_text("2*(x + 1)", "2*x + 2");
    check_text("x*(x + 1)/y", "x*(x + 1)/y");
    check_text("sqrt(2)/2", "sqrt(2)/2");
    check_text("sqrt(8)", "2*sqrt(2)");
    check_text("x/(2*pi)", "x/(2*pi)");
    check_text("0.01*x", "0.01*x");
    check_text("-1/x", "-1/x");
    check_text("1/0", "0^(-1)");
    check_text("-(x + y)*max(x, 0)", "(-x - y)*max(0, x)");
    check_text("-(x + 1)*(y + 1)", "(y + 1)*(-x - 1)");
}

#[test]
fn text_powers() {
    check_text("sqrt(u)", "sqrt(u)");
    check_text("1/sqrt(u)", "1/sqrt(u)");
    check_text("u^(-1/2)", "1/sqrt(u)");
    check_text("u^(3/2)", "u^(3/2)");
    check_text("(-2)^x", "(-2)^x");
    check_text("(1/2)^x", "(1/2)^x");
    check_text("0.5^x", "(1/2)^x");
    check_text("0.01^x", "0.01^x");
    check_text("x^(2*y)", "x^(2*y)");
    check_text("2^-x", "2^(-x)");
    check_text("-x^2", "-x^2");
    check_text("x^y^z", "x^(y^z)");
    check_text("(x^y)^z", "(x^y)^z");
    check_text("(x + 1)^2", "(x + 1)^2");
    check_text("exp(x)^2", "exp(x)^2");
    check_text("x^pi", "x^pi");
    check_text("(x^-1)^-1", "(1/x)^(-1)");
    // Even powers under a half-integer power become abs, whether built as a root or
    // as a power, so the printed form parses back to the same node.
    check_text("(x^2)^(-1/2)", "1/abs(x)");
    check_text("1/sqrt(x^2)", "1/abs(x)");
    check_text("(x^4)^(3/2)", "x^6");
    check_text("(x^2)^(3/2)", "abs(x)^3");
    check_text("(x^-2)^(-1/2)", "(1/abs(x))^(-1)");
}

#[test]
fn text_numbers_and_atoms() {
    check_text("1/3", "1/3");
    check_text("-1/3", "-1/3");
    check_text("0.01", "0.01");
    check_text("0.044715", "0.044715");
    check_text("0.5", "1/2");
    check_text("0.2", "1/5");
    check_text("0.05", "0.05");
    check_text("-3", "-3");
    check_text("1e3", "1000");
    check_text("1e-40", "1e-40");
    check_text("-0.0000000025*x", "-2.5e-9*x");
    check_text("0.000001", "0.000001");
    check_text("pi", "pi");
    check_text("undefined", "undefined");
    check_text("1/0 + undefined", "undefined");
}

#[test]
fn text_calls_and_conditions() {
    check_text("sigmoid(x)", "sigmoid(x)");
    check_text("swish(x, beta)", "swish(x, beta)");
    check_text("max(a, b)", "max(a, b)");
    check_text("relu(x)", "relu(x)");
    check_text("if(x > 0, x, 0)", "if(x > 0, x, 0)");
    check_text("if(x <= y + 1, x, 0)", "if(x <= y + 1, x, 0)");
    check_text("if(x != 0, 1/x, 0)", "if(x != 0, 1/x, 0)");
    check_text("diff(sigmoid(x), x)", "diff(sigmoid(x), x)");
    check_text("diff(x^2, x) + 1", "1 + diff(x^2, x)");
    check_text("abs(x)*sign(x)", "abs(x)*sign(x)");
    check_text("log(1 + exp(x))", "log(1 + exp(x))");
    check_text("if(1 > 0, x, y)", "x");
}

#[test]
fn text_of_nodes_the_parser_does_not_build_directly() {
    let mut g = Graph::with_prelude();
    let x = g.var("x");
    let one = g.int(1);
    let xp1 = g.add(vec![x, one]);
    let m1 = g.int(-1);
    let inv = g.pow(xp1, m1);
    let half = g.frac(1, 2);
    let zero = g.int(0);
    let m2 = g.int(-2);
    // (1/2)*(x + 1)^(-1): `1/(2*(x + 1))` would parse as 1/(2*x + 2).
    let e = g.mul(vec![half, inv]);
    check_node(&mut g, e, "1/(x + 1)/2");
    let three_halves = g.frac(3, 2);
    let e = g.mul(vec![three_halves, x, inv]);
    check_node(&mut g, e, "3*x/(x + 1)/2");
    // 8^(-1/2) folds to 2^(-1/2)/2, printed with the root in the denominator.
    let eight = g.int(8);
    let mhalf = g.frac(-1, 2);
    let e = g.pow(eight, mhalf);
    check_node(&mut g, e, "1/(2*sqrt(2))");
    // 0^(-2) stays a power: `1/0^2` would parse as 1/0.
    let e = g.pow(zero, m2);
    check_node(&mut g, e, "0^(-2)");
    // (x^(-1))^(-2) stays nested: `1/(1/x)^2` would parse as (x^(-2))^(-1).
    let xinv = g.pow(x, m1);
    let e = g.pow(xinv, m2);
    check_node(&mut g, e, "(1/x)^(-2)");
    // A leading minus must not land on a sum, which would distribute when parsed.
    let y = g.var("y");
    let yp1 = g.add(vec![y, one]);
    let relu = g.max(x, zero);
    let e = g.mul(vec![m1, xp1, relu]);
    check_node(&mut g, e, "-max(0, x)*(x + 1)");
    let e = g.mul(vec![m1, xp1, yp1]);
    check_node(&mut g, e, "-((x + 1)*(y + 1))");
    let yinv = g.pow(y, m1);
    let e = g.mul(vec![m1, xp1, yinv]);
    check_node(&mut g, e, "-((x + 1)/y)");
    let e = g.mul(vec![m2, xp1, yinv]);
    check_node(&mut g, e, "-2*(x + 1)/y");
    // Powers of one positive base merge in a product, and print as one power in the
    // denominator, which parses back to the merged power.
    let pi = g.pi();
    let sqrt_pi = g.sqrt(pi);
    let a = g.div(x, sqrt_pi);
    let e = g.div(a, pi);
    check_node(&mut g, e, "x/pi^(3/2)");
    // Truth values print as comparisons that fold back to them.
    let t = g.boolean(true);
    assert_eq!(print::text(&g, t), "0 < 1");
    let f = g.boolean(false);
    assert_eq!(print::text(&g, f), "1 < 0");
    let cond = defs::parse_claim(&mut g, "x = x where 0 < 1").map(|c| c.conditions);
    assert_eq!(cond.ok(), Some(vec![t]));
}

#[test]
fn prelude_bodies_print_as_written() {
    let g = Graph::with_prelude();
    let get = |name: &str| {
        let s = g.find_symbol(name).expect("prelude function");
        print::text(&g, g.defs().get(s).expect("definition").body)
    };
    assert_eq!(get("sigmoid"), "1/(1 + exp(-x))");
    assert_eq!(get("softplus"), "log(1 + exp(x))");
    assert_eq!(get("Phi"), "(1 + erf(x/sqrt(2)))/2");
    assert_eq!(get("phi"), "exp(-x^2/2)/sqrt(2*pi)");
    assert_eq!(get("softsign"), "x/(1 + abs(x))");
    assert_eq!(get("elu"), "if(x > 0, x, alpha*(exp(x) - 1))");
    assert_eq!(
        get("gelu_tanh"),
        "x*(1 + tanh(sqrt(2/pi)*(0.044715*x^3 + x)))/2"
    );
}

#[test]
fn latex_one_liners() {
    check_latex("1/(1 + exp(-x))", r"\frac{1}{1 + e^{-x}}");
    check_latex("3*x/(2*y)", r"\frac{3 x}{2 y}");
    check_latex("-x/2", r"-\frac{x}{2}");
    // An odd root sign only where the base is known non-negative; otherwise the
    // power, which keeps actsym's meaning (undefined for a negative base). Even roots
    // read as undefined for a negative base anyway.
    check_latex("u^(-1/2)", r"\frac{1}{\sqrt{u}}");
    check_latex("1/sqrt(u)", r"\frac{1}{\sqrt{u}}");
    check_latex("x^(1/4)", r"\sqrt[4]{x}");
    check_latex("1/sqrt(1 + u^2)", r"\frac{1}{\sqrt{u^{2} + 1}}");
    check_latex("x^(1/3)", "x^{1/3}");
    check_latex("(-1)^(1/3)", "(-1)^{1/3}");
    check_latex("abs(x)^(1/3)", r"\sqrt[3]{\left|x\right|}");
    check_latex("sqrt(2*pi)", r"\sqrt{2 \pi}");
    check_latex("x^(3/2)", "x^{3/2}");
    check_latex("2*3^x", r"2 \cdot 3^{x}");
    check_latex("x*2^x", r"x \cdot 2^{x}");
    check_latex("w1*alpha + beta2", r"\alpha w_{1} + \beta_{2}");
    check_latex("abs(x)", r"\left|x\right|");
    check_latex("tanh(x)^2", r"\tanh^{2}(x)");
    check_latex(
        "exp(x/(1 + exp(x + y*z)))",
        r"\exp\left(\frac{x}{1 + e^{y z + x}}\right)",
    );
    check_latex("max(x, y) - min(x, 0)", r"\max(x, y) - \min(0, x)");
    check_latex(
        "relu(x) + erf(x) + sign(x)",
        r"\operatorname{erf}(x) + \operatorname{ReLU}(x) + \operatorname{sign}(x)",
    );
    check_latex(
        "if(x >= 0, 1, if(x > -1, 0, -1))",
        r"\begin{cases} 1 & \text{if } x \geq 0 \\ 0 & \text{if } x > -1 \\ -1 & \text{otherwise} \end{cases}",
    );
    check_latex("diff(sigmoid(x), x)", r"\frac{d}{dx} \sigma(x)");
    check_latex("pi*x", r"\pi x");
    check_latex("1e-40*x - 0.5", r"1 \times 10^{-40} x - \frac{1}{2}");
    check_latex("(1/2)^x", r"\left(\frac{1}{2}\right)^{x}");
}

#[test]
fn op_counts_follow_the_printed_form() {
    check_ops("x", 0);
    check_ops("-3/2", 0);
    check_ops("x + y - z", 2);
    check_ops("-x - 1", 2);
    check_ops("3*x/(2*y)", 3);
    check_ops("1/(1 + exp(-x))", 4);
    check_ops("sqrt(x)*x^2", 3);
    check_ops("if(x > 0, x, 0)", 2);
    check_ops("x/2 + 1/2", 2);
    // Shared subexpressions count at every use, as in the printed tree.
    check_ops("sigmoid(x)*(1 - sigmoid(x))", 4);
}

#[test]
fn json_follows_the_documented_schema() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "if(x > 0, 3/2*pi*x - y^2, sigmoid(x))");
    let v = print::json(&g, e);
    let expected = serde_json::json!({"op": "if", "args": [
        {"cmp": ">", "args": [{"var": "x"}, {"num": "0"}]},
        {"op": "add", "args": [
            {"op": "mul", "args": [{"num": "-1"},
                {"op": "pow", "args": [{"var": "y"}, {"num": "2"}]}]},
            {"op": "mul", "args": [{"num": "3/2"}, {"const": "pi"}, {"var": "x"}]}
        ]},
        {"call": "sigmoid", "args": [{"var": "x"}]}
    ]});
    assert_eq!(v, expected);
    let e = parse(&mut g, "diff(exp(max(x, 0)), x)");
    assert_eq!(
        print::json(&g, e),
        serde_json::json!({"op": "diff", "args": [
            {"func": "exp", "args": [{"func": "max", "args": [{"num": "0"}, {"var": "x"}]}]},
            {"var": "x"}
        ]})
    );
    let u = g.undefined();
    assert_eq!(print::json(&g, u), serde_json::json!({"undefined": true}));
}

/// A chain `tanh(exp(tanh(...(x + 1)...)))` of the given depth, and its sum with 1.
fn deep(g: &mut Graph, depth: usize) -> ExprId {
    let mut e = g.var("x");
    let one = g.int(1);
    for i in 0..depth {
        e = match i % 4 {
            0 => g.func(Func::Tanh, e),
            1 => g.add(vec![e, one]),
            2 => {
                let two = g.int(2);
                g.pow(e, two)
            }
            _ => {
                let h = g.frac(1, 2);
                let y = g.var("y");
                g.mul(vec![h, e, y])
            }
        };
    }
    e
}

#[test]
fn deep_expressions_print_on_a_small_stack() {
    let mut g = Graph::new();
    let e = deep(&mut g, 19_996);
    assert!(g.within_limits().is_ok(), "within the depth limit");
    // 256 KiB of stack: recursion over 20,000 levels would overflow it.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let t = print::text(&g, e);
            let l = print::latex(&g, e);
            (t.len(), l.len(), print::op_count(&g, e))
        })
        .expect("spawn");
    let (t, l, ops) = handle.join().expect("no stack overflow");
    assert!(t > 20_000 && l > 20_000);
    assert_eq!(ops, 24_995, "5 operations per 4 levels");
}

#[test]
fn deep_json_is_built_without_recursion() {
    let mut g = Graph::new();
    let e = deep(&mut g, 19_996);
    // serde_json drops values recursively (documented on `print::json`), so the
    // thread gets room for the drop; building is iterative.
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let v = print::json(&g, e);
            let mut depth = 0;
            let mut cur = &v;
            // Follow the one argument that is an operation.
            while let Some(next) = cur
                .get("args")
                .and_then(|a| a.as_array())
                .and_then(|a| a.iter().find(|c| c.get("args").is_some()))
            {
                depth += 1;
                cur = next;
            }
            depth
        })
        .expect("spawn");
    let depth = handle.join().expect("no stack overflow");
    assert_eq!(depth, 19_995, "one object per level below the root");
}

#[test]
fn shallow_text_round_trips_through_the_parser_limits() {
    let mut g = Graph::with_prelude();
    let e = deep(&mut g, 400);
    let printed = print::text(&g, e);
    assert_eq!(defs::parse_expr(&mut g, &printed).ok(), Some(e));
}

#[test]
fn derivatives_of_the_prelude_round_trip() {
    let mut g = Graph::with_prelude();
    let calls: Vec<String> = g
        .defs()
        .iter()
        .map(|d| {
            let params: Vec<&str> = d.params.iter().map(|&p| g.name(p)).collect();
            format!("{}({})", g.name(d.name), params.join(", "))
        })
        .collect();
    assert!(calls.len() >= 20, "the prelude is loaded");
    let x = g.symbol("x");
    for call in &calls {
        let e = parse(&mut g, call);
        let d = actsym::diff::derive(&mut g, e, x, actsym::diff::Kink::Left)
            .unwrap_or_else(|err| panic!("d/dx {call}: {err}"));
        let printed = print::text(&g, d);
        assert_eq!(
            defs::parse_expr(&mut g, &printed).ok(),
            Some(d),
            "d/dx {call} printed as {printed:?}"
        );
        assert!(!print::latex(&g, d).is_empty());
    }
}

// ---- LaTeX snapshots -------------------------------------------------------------

#[test]
fn latex_of_the_prelude() {
    let g = Graph::with_prelude();
    let mut out = String::new();
    for d in g.defs().iter() {
        let params: Vec<&str> = d.params.iter().map(|&p| g.name(p)).collect();
        out.push_str(&format!(
            "{}({}) = {}\n    text:  {}\n    latex: {}\n",
            g.name(d.name),
            params.join(", "),
            d.source.split_once(" = ").map_or("", |(_, b)| b),
            print::text(&g, d.body),
            print::latex(&g, d.body)
        ));
    }
    insta::assert_snapshot!(out);
}

fn latex_listing(inputs: &[&str]) -> String {
    let mut g = Graph::with_prelude();
    let mut out = String::new();
    for src in inputs {
        let e = parse(&mut g, src);
        out.push_str(&format!(
            "{src}\n    text:  {}\n    latex: {}\n",
            print::text(&g, e),
            print::latex(&g, e)
        ));
    }
    out
}

#[test]
fn latex_of_textbook_derivatives() {
    insta::assert_snapshot!(latex_listing(&[
        "sigmoid(x)*(1 - sigmoid(x))",
        "1 - tanh(x)^2",
        "Phi(x) + x*phi(x)",
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        "if(x > 0, 1, 0)",
        "if(x > 0, 1, alpha*exp(x))",
        "exp(x)/(1 + exp(x))",
        "tanh(softplus(x)) + x*sigmoid(x)*(1 - tanh(softplus(x))^2)",
        "1/(1 + abs(x))^2",
        "-x*exp(-x^2/2)/sqrt(2*pi)",
        "sqrt(2/pi)*(1 + 3*0.044715*x^2)",
        "1/(2*sqrt(x))",
        "x^(-3/2)*y/3",
        "diff(gelu(x), x)",
    ]));
}

// ---- Round-trip property ---------------------------------------------------------

#[path = "print/recipe.rs"]
mod recipe;
use recipe::{build, recipe};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn text_round_trips(r in recipe()) {
        let mut g = Graph::with_prelude();
        let e = build(&mut g, &r);
        let printed = print::text(&g, e);
        let back = defs::parse_expr(&mut g, &printed);
        prop_assert_eq!(back.as_ref().ok(), Some(&e), "printed {:?}, parsed {:?}", printed, back);
        // The other printers accept whatever the text printer does.
        prop_assert!(!print::latex(&g, e).is_empty());
        prop_assert!(print::json(&g, e).is_object());
        prop_assert!(print::op_count(&g, e) <= printed.len());
    }
}
