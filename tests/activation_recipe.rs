//! The table of activations (`src/activations.rs`) and the recipe of ARCHITECTURE.md
//! ("How to add an activation"): the table agrees with the prelude and its
//! documentation, every derivative rule is the derivative of its definition, and
//! `squareplus`, added by the recipe alone (a line of `src/prelude.act` and a row of
//! the table), works in every pass: derive, eval (MPFR), the fast evaluator, LaTeX
//! and check.

use std::collections::HashMap;

use actsym::activations::{self, TABLE};
use actsym::certified::evaluate;
use actsym::diff::{derive, Kink};
use actsym::expr::{BigRational, ExprId, Graph, Origin};
use actsym::fast::Tape;
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use actsym::{defs, print};
use assert_cmd::Command;

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

fn parse(g: &mut Graph, src: &str) -> ExprId {
    defs::parse_expr(g, src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn rational(text: &str) -> BigRational {
    let mut g = Graph::new();
    let id = parse(&mut g, text);
    g.as_num(id).expect("a rational").clone()
}

/// The value of `e` at `at`, 25 certified digits.
fn value(g: &mut Graph, e: ExprId, at: &[(&str, &str)]) -> String {
    let env: HashMap<_, _> = at.iter().map(|(n, v)| (g.symbol(n), rational(v))).collect();
    match evaluate(g, e, &env, 25) {
        Ok(v) => v.decimal,
        Err(err) => panic!("{} at {at:?}: {err}", print::text(g, e)),
    }
}

/// `name(params)` with the parameters as variables.
fn call_text(row: &activations::Activation) -> String {
    format!("{}({})", row.name, row.params.join(", "))
}

// ---- The table against the prelude and its documentation -------------------------

#[test]
fn the_table_lists_the_prelude_in_order() {
    let g = Graph::with_prelude();
    let prelude: Vec<(String, Vec<String>, String)> = g
        .defs()
        .iter()
        .filter(|d| d.origin == Origin::Prelude)
        .map(|d| {
            let params = d.params.iter().map(|&p| g.name(p).to_owned()).collect();
            (g.name(d.name).to_owned(), params, d.source.clone())
        })
        .collect();
    let names: Vec<&str> = prelude.iter().map(|(n, _, _)| n.as_str()).collect();
    let rows: Vec<&str> = TABLE.iter().map(|r| r.name).collect();
    assert_eq!(
        names, rows,
        "the table has one row per prelude function, in order"
    );
    for ((name, params, source), row) in prelude.iter().zip(TABLE) {
        assert_eq!(params, row.params, "the parameters of {name}");
        assert!(!row.latex.is_empty(), "the LaTeX name of {name}");
        // A constant the kernel reads is the one the definition is written with.
        let body = source.split_once(" = ").map_or("", |(_, b)| b);
        for (c, v) in row.constants {
            assert!(
                body.contains(v),
                "{name}'s constant {c} = {v} is not in its definition {source:?}"
            );
            assert!(row.param(c).is_none(), "{name}: {c} is a parameter");
        }
    }
}

#[test]
fn the_documentation_lists_the_prelude() {
    let root = env!("CARGO_MANIFEST_DIR");
    let language = std::fs::read_to_string(format!("{root}/docs/language.md")).expect("docs");
    for line in defs::PRELUDE.lines() {
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            assert!(
                language.contains(line),
                "docs/language.md's prelude lacks {line:?}"
            );
        }
    }
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README");
    let list = readme
        .split_once("The prelude (`actsym defs` prints it) defines `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(list, _)| list.split_whitespace().collect::<Vec<_>>())
        .expect("README lists the prelude");
    let rows: Vec<&str> = TABLE.iter().map(|r| r.name).collect();
    assert_eq!(list, rows, "README's list of the prelude");
}

#[test]
fn the_latex_names_are_the_tables() {
    for row in TABLE {
        let mut g = Graph::with_prelude();
        let call = parse(&mut g, &call_text(row));
        let latex = print::latex(&g, call);
        assert!(latex.starts_with(row.latex), "{}: {latex}", row.name);
    }
}

/// Points away from every kink of the prelude (0, ±1, ±3, 6), and parameter values.
const POINTS: [&str; 7] = ["-7/2", "-5/4", "-1/3", "1/5", "7/4", "9/2", "13/2"];
const PARAMS: [(&str, &str); 3] = [("alpha", "3/10"), ("beta", "3/2"), ("b", "4")];

/// Every rule is the derivative of the definition, with respect to every parameter,
/// wherever the definition is smooth: the call differentiated by its rule against
/// the inlined body differentiated by the built-in rules.
#[test]
fn every_rule_is_the_derivative_of_its_definition() {
    let mut rules = 0;
    for row in TABLE {
        let modes = [
            row.derivative.map(|_| Kink::Left),
            row.autodiff.map(|_| Kink::Autodiff),
        ];
        for kink in modes.into_iter().flatten() {
            let mut g = Graph::with_prelude();
            let call = parse(&mut g, &call_text(row));
            let body = defs::inline(&mut g, call);
            for p in row.params {
                let v = g.symbol(p);
                let by_rule = derive(&mut g, call, v, kink).expect("the rule");
                let by_body = derive(&mut g, body, v, kink).expect("the body");
                for x in POINTS {
                    let mut at: Vec<(&str, &str)> = vec![("x", x)];
                    at.extend(PARAMS.iter().filter(|(n, _)| row.param(n).is_some()));
                    assert_eq!(
                        value(&mut g, by_rule, &at),
                        value(&mut g, by_body, &at),
                        "d/d{p} {} ({kink:?}) at {at:?}: {} against {}",
                        row.name,
                        print::text(&g, by_rule),
                        print::text(&g, by_body)
                    );
                }
            }
            rules += 1;
        }
    }
    assert!(rules >= 10, "only {rules} rules checked");
}

/// The rules keep names: a rule that did not read would send the derivative through
/// the definition, and `softplus'` would not be `sigmoid`.
#[test]
fn rules_keep_names() {
    let cases = [
        ("sigmoid(x)", Kink::Left, "sigmoid(x)*(1 - sigmoid(x))"),
        ("softplus(x)", Kink::Left, "sigmoid(x)"),
        ("log_sigmoid(x)", Kink::Left, "sigmoid(-x)"),
        ("Phi(x)", Kink::Left, "phi(x)"),
        ("phi(x)", Kink::Left, "-x*phi(x)"),
        ("relu(x)", Kink::Autodiff, "if(x > 0, 1, 0)"),
        ("relu6(x)", Kink::Autodiff, "if(x > 0, if(x < 6, 1, 0), 0)"),
    ];
    for (src, kink, expect) in cases {
        let mut g = Graph::with_prelude();
        let e = parse(&mut g, src);
        let x = g.symbol("x");
        let d = derive(&mut g, e, x, kink).expect("derivative");
        assert_eq!(print::text(&g, d), expect, "d/dx {src} ({kink:?})");
    }
}

// ---- squareplus, added by the recipe alone ---------------------------------------

#[test]
fn squareplus_is_in_the_table_without_rules_or_kernel() {
    let row = activations::find("squareplus").expect("the recipe's row");
    assert_eq!(row.params, ["x", "b"]);
    assert_eq!(row.latex, r"\operatorname{squareplus}");
    assert!(row.derivative.is_none() && row.autodiff.is_none() && row.kernel.is_none());
}

#[test]
fn squareplus_derives_through_its_definition() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "squareplus(x, b)");
    let x = g.symbol("x");
    let d = derive(&mut g, e, x, Kink::Left).expect("derivative");
    // (1 + x/sqrt(x^2 + b))/2 at x = 3, b = 16 is (1 + 3/5)/2.
    assert_eq!(value(&mut g, d, &[("x", "3"), ("b", "16")]), "0.8");
    let b = g.symbol("b");
    let db = derive(&mut g, e, b, Kink::Left).expect("derivative");
    // 1/(4 sqrt(x^2 + b)) at x = 3, b = 16 is 1/20.
    assert_eq!(value(&mut g, db, &[("x", "3"), ("b", "16")]), "0.05");
}

#[test]
fn squareplus_evaluates_certified_and_fast() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "squareplus(x, 16)");
    assert_eq!(value(&mut g, e, &[("x", "3")]), "4");
    assert_eq!(value(&mut g, e, &[("x", "-3")]), "1");
    assert_eq!(
        value(&mut g, e, &[("x", "1")]),
        "2.561552812808830274910705"
    );
    let x = g.symbol("x");
    let tape = Tape::compile(&g, e, &[x]).expect("compiles");
    for (at, exact) in [(3.0, 4.0), (-3.0, 1.0), (0.0, 2.0)] {
        assert_eq!(tape.eval_point(&[at]).expect("a value"), exact);
    }
    let near = tape.eval_point(&[1.0]).expect("a value");
    assert!((near - 2.561_552_812_808_830_3).abs() < 1e-15, "{near}");
    // The derivative compiles too (taken in the fast evaluator's own form).
    let d = parse(&mut g, "diff(squareplus(x, 16), x)");
    let dtape = Tape::compile(&g, d, &[x]).expect("compiles");
    assert!((dtape.eval_point(&[3.0]).expect("a value") - 0.8).abs() < 1e-15);
}

#[test]
fn squareplus_prints_in_latex() {
    let mut g = Graph::with_prelude();
    let e = parse(&mut g, "squareplus(x, b)");
    assert_eq!(print::latex(&g, e), r"\operatorname{squareplus}(x, b)");
}

#[test]
fn squareplus_claims_are_decided() {
    let cases = [
        ("squareplus(x, 4) - squareplus(-x, 4) = x", Verdict::Proved),
        ("squareplus(x, 4) = relu(x)", Verdict::Refuted),
    ];
    for (src, expect) in cases {
        let mut g = Graph::with_prelude();
        let claim = defs::parse_claim(&mut g, src).expect("a claim");
        let report = decide_claim(&mut g, &claim, &Options::default());
        assert_eq!(report.verdict, expect, "{src}: {:?}", report.note);
    }
}

#[test]
fn squareplus_from_the_command_line() {
    let run = |args: &[&str]| {
        let out = actsym().args(args).output().expect("runs");
        (
            out.status.code(),
            String::from_utf8(out.stdout).expect("utf-8"),
        )
    };
    let (code, out) = run(&["eval", "squareplus(x, 16)", "--at", "x=3"]);
    assert_eq!((code, out.trim()), (Some(0), "4"));
    let (code, out) = run(&["eval", "squareplus(x, 16)", "--at", "x=3", "--fast"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.trim().parse::<f64>().ok(), Some(4.0), "{out}");
    let (code, out) = run(&["derive", "squareplus(x, 16)", "--format", "latex"]);
    assert_eq!(code, Some(0));
    assert!(out.contains(r"\sqrt"), "{out}");
    let (code, out) = run(&["check", "squareplus(x, 4) - squareplus(-x, 4) = x"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&["check", "squareplus(x, 4) = relu(x)"]);
    assert_eq!(code, Some(1), "{out}");
    let (code, out) = run(&["defs"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("squareplus(x, b) = (x + sqrt(x^2 + b))/2"),
        "{out}"
    );
}
