//! The parser: every grammar rule, canonical sharing, every error message with its
//! position, and the limits.

use actsym::defs::{self, Origin};
use actsym::expr::{Graph, Node};
use actsym::parse::{StatementKind, SyntaxError};

/// Both texts parse to the same node of one graph.
#[track_caller]
fn same(a: &str, b: &str) {
    let mut g = Graph::with_prelude();
    let x = defs::parse_expr(&mut g, a).unwrap_or_else(|e| panic!("{a}: {e}"));
    let y = defs::parse_expr(&mut g, b).unwrap_or_else(|e| panic!("{b}: {e}"));
    assert_eq!(x, y, "{a} and {b} should be the same node");
}

/// The texts parse to different nodes.
#[track_caller]
fn differ(a: &str, b: &str) {
    let mut g = Graph::with_prelude();
    let x = defs::parse_expr(&mut g, a).unwrap_or_else(|e| panic!("{a}: {e}"));
    let y = defs::parse_expr(&mut g, b).unwrap_or_else(|e| panic!("{b}: {e}"));
    assert_ne!(x, y, "{a} and {b} should differ");
}

/// The rendered error for `src`.
#[track_caller]
fn error(src: &str) -> String {
    let mut g = Graph::with_prelude();
    match defs::parse_expr(&mut g, src) {
        Ok(_) => panic!("{src} should not parse"),
        Err(e) => e.render(src, "<input>"),
    }
}

#[test]
fn precedence_and_associativity() {
    same("1 + 2*3", "7");
    same("x^2^3", "x^(2^3)");
    differ("x^2^3", "(x^2)^3");
    same("-x^2", "-(x^2)");
    differ("-x^2", "(-x)^2");
    same("x**2", "x^2");
    same("2^-x", "2^(-x)");
    same("x - y - z", "x - (y + z)");
    same("a/b/c", "a/(b*c)");
    same("a/b*c", "(a*c)/b");
    same("--x", "x");
    same("+x", "x");
    same("2*-3", "-6");
}

#[test]
fn numbers_are_exact_rationals() {
    same("0.1", "1/10");
    same("1e-40", "1/10^40");
    same("2.5E+2", "250");
    same("0.1 + 0.2", "3/10");
    differ("1 + 1e-40", "1");
    let mut g = Graph::new();
    let e = defs::parse_expr(&mut g, "1e-40").unwrap();
    let Node::Num(r) = g.node(e) else {
        panic!("a literal folds to a number")
    };
    assert_eq!(r.denom().to_string(), format!("1{}", "0".repeat(40)));
}

#[test]
fn equal_text_gives_equal_ids_and_shares_subterms() {
    same("sigmoid(x)*(1 - sigmoid(x))", "(1 - sigmoid(x))*sigmoid(x)");
    same("x + y", "y + x");
    same("x + x", "2*x");
    same("x*x", "x^2");
    same("2*(x + 1)", "2*x + 2");
    let mut g = Graph::with_prelude();
    let before = g.len();
    let e = defs::parse_expr(&mut g, "sigmoid(x) + sigmoid(x)^2 + exp(sigmoid(x))").unwrap();
    // x, sigmoid(x), 2, sigmoid(x)^2, exp(sigmoid(x)), the sum: sigmoid(x) stored once.
    assert!(g.len() - before <= 7, "{} new nodes", g.len() - before);
    assert_eq!(g.dag_size(e), 6);
}

#[test]
fn domains_are_not_changed_by_canonical_forms() {
    differ("x/x", "1");
    differ("0*log(x)", "0");
    differ("log(x) - log(x)", "0");
    same("x - x", "0");
    same("0*x", "0");
    differ("sqrt(x)^2", "x");
}

#[test]
fn builtins_constants_and_calls() {
    same("sqrt(8)", "2*sqrt(2)");
    same("sqrt(x)", "x^(1/2)");
    same("exp(0) + log(1)", "1");
    same("max(x, 0)", "max(0, x)");
    same("if(1 > 0, x, y)", "x");
    same("abs(-2*x)", "2*abs(x)");
    differ("pi", "314159/100000");
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "diff(sigmoid(x), x)").unwrap();
    assert!(matches!(g.node(e), Node::Diff(..)));
    let e = defs::parse_expr(
        &mut g,
        "if(x >= 0, x, 0) + if(x != 1, 1, 0) + if(x <= 2, 1, 0)",
    );
    assert!(e.is_ok());
}

#[test]
fn statements_definitions_and_claims() {
    let mut g = Graph::with_prelude();
    let src = "# my activations\nsq(x) = x^2  # square\nboth(x, y) = sq(x) + later(y); later(t) = 2*t\n\nboth(1, 2)\nsq(x) = x*x where x > 0, x <= 10\n";
    let stmts = defs::parse_source(&mut g, src, Origin::User("t.act".into())).unwrap();
    assert_eq!(stmts.len(), 5);
    assert!(matches!(stmts[0].kind, StatementKind::Definition(_)));
    assert!(matches!(stmts[3].kind, StatementKind::Expr(_)));
    let StatementKind::Claim(c) = &stmts[4].kind else {
        panic!("a claim about a known function")
    };
    assert_eq!(c.conditions.len(), 2);
    assert_eq!(&src[stmts[1].span.clone()], "both(x, y) = sq(x) + later(y)");
    let sq = g.find_symbol("sq").unwrap();
    assert_eq!(g.defs().get(sq).unwrap().source, "sq(x) = x^2 # square");
    // Inline definitions before an expression.
    let e = defs::parse_expr(&mut g, "f(x) = 3*x; f(2)").unwrap();
    assert!(matches!(g.node(e), Node::Call(..)));
    let claim = defs::parse_claim(&mut g, "tanh(x) + 1 = 2*sigmoid(2*x)").unwrap();
    assert!(claim.conditions.is_empty());
}

#[test]
fn the_prelude_parses_completely() {
    let mut g = Graph::new();
    let stmts = defs::parse_source(&mut g, actsym::defs::PRELUDE, Origin::Prelude).unwrap();
    assert!(stmts.len() >= 14);
    for name in [
        "relu",
        "prelu",
        "leaky_relu",
        "sigmoid",
        "softplus",
        "swish",
        "silu",
        "Phi",
        "phi",
        "gelu",
        "elu",
        "mish",
        "softsign",
        "heaviside",
    ] {
        let s = g
            .find_symbol(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(g.defs().get(s).is_some(), "{name} is not defined");
    }
    let sigmoid = g.find_symbol("sigmoid").unwrap();
    assert!(g.defs().get(sigmoid).unwrap().total);
}

#[test]
fn error_implicit_multiplication() {
    insta::assert_snapshot!(error("2x + 1"), @r"
    error: implicit multiplication: write 2*x
     --> <input>:1:1
      |
    1 | 2x + 1
      | ^^
    ");
    assert!(error("3 (x + 1)").contains("write 3*(x + 1)"));
    assert!(error("(x+1)(x-1)").contains("write (x+1)*(x-1)"));
    assert!(error("x y").contains("write x*y"));
    assert!(error("2ex").contains("write 2*ex"));
}

#[test]
fn error_unknown_function_suggests_the_nearest() {
    insta::assert_snapshot!(error("1 + sigmod(x)"), @r"
    error: unknown function 'sigmod'
     --> <input>:1:5
      |
    1 | 1 + sigmod(x)
      |     ^^^^^^
      = help: did you mean 'sigmoid'?
    ");
    assert!(error("Relu(x)").contains("did you mean 'relu'?"));
    assert!(error("tahn(x)").contains("did you mean 'tanh'?"));
    assert!(error("x(y + 1)").contains("write x*(...)"));
}

#[test]
fn error_wrong_arity() {
    insta::assert_snapshot!(error("relu(x, 1)"), @r"
    error: relu takes 1 argument, got 2
     --> <input>:1:1
      |
    1 | relu(x, 1)
      | ^^^^^^^^^^
    ");
    assert!(error("swish(x)").contains("swish takes 2 arguments, got 1"));
    assert!(error("max(x)").contains("max takes 2 arguments, got 1"));
    assert!(error("f(x) = x; f(1, 2)").contains("f takes 1 argument, got 2"));
}

#[test]
fn error_recursive_definitions_name_the_cycle() {
    assert!(error("f(x) = f(x) + 1; f(1)").contains("recursive definition: f -> f"));
    let e = error("f(x) = g(x)\ng(x) = h(x)\nh(x) = f(x)\nf(1)");
    assert!(e.contains("recursive definition: f -> g -> h -> f"), "{e}");
}

#[test]
fn error_positions_on_later_lines() {
    let mut g = Graph::with_prelude();
    let src = "a(x) = x\nb(x) = a(x) +\n";
    let e = defs::parse_source(&mut g, src, Origin::User("f.act".into())).unwrap_err();
    assert_eq!(e.line_col(src), (2, 14));
    insta::assert_snapshot!(e.render(src, "f.act"), @r"
    error: expected an expression, found the end of the input
     --> f.act:2:14
      |
    2 | b(x) = a(x) +
      |              ^
    ");
}

#[test]
fn error_messages_for_everything_else() {
    let cases = [
        ("1 + (2", "expected ')' to close the '(' at 1:5"),
        ("(x))", "unmatched ')'"),
        ("x > 0", "expected an expression, found a claim"),
        ("x != 0", "a condition can only appear"),
        ("max(x > 0, 1)", "a condition can only appear"),
        ("if(x, 1, 0)", "expected a comparison"),
        (
            "sigmoid + 1",
            "'sigmoid' is a function: call it with arguments, as in sigmoid(x)",
        ),
        (".5", "write 0.5"),
        ("1.", "expected digits after '.'"),
        ("1e", "exponent"),
        ("1e100000", "exponent is too large"),
        (
            "x @ 2",
            "expected an operator or the end of the statement, found '@'",
        ),
        ("", "expected an expression, found nothing"),
        ("f(x) = x + y; f(1)", "'y' is not a parameter of f"),
        ("f(x, x) = x; f(1, 2)", "parameter 'x' appears twice"),
        ("f(where) = 1; 2", "reserved word"),
        (
            "f(x) = x; f(x) = 2*x; 1",
            "expected an expression, found more than one statement",
        ),
        ("x = = 1", "expected an expression"),
        ("x == 1", "single '='"),
        ("diff(x^2, 2)", "a variable name"),
        ("where + 1", "the keyword 'where'"),
        ("x = 1", "expected an expression, found a claim"),
        ("1; 2", "more than one statement"),
    ];
    for (src, expected) in cases {
        let shown = error(src);
        assert!(shown.contains(expected), "{src:?} gave\n{shown}");
    }
}

#[test]
fn limits_fail_cleanly() {
    let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(error(&deep).contains("nested too deeply"));
    let open = "(".repeat(10_000);
    assert!(error(&open).contains("nested too deeply"));
    let minus = "-".repeat(20_000) + "x";
    assert!(error(&minus).contains("nested too deeply"));
    let powers = vec!["x"; 20_000].join("^");
    assert!(error(&powers).contains("nested too deeply"));
    // 4,000 balanced levels are within the limit and parse.
    same(&format!("{}x{}", "(".repeat(4_000), ")".repeat(4_000)), "x");
    let big = "x + ".repeat(300_000) + "x";
    assert!(error(&big).contains("input too large"));
    // A long flat sum within the size limit parses quickly (one flat node).
    let long = (0..20_000)
        .map(|k| format!("x^{k}"))
        .collect::<Vec<_>>()
        .join(" + ");
    let mut g = Graph::new();
    assert!(defs::parse_expr(&mut g, &long).is_ok());
}

#[test]
fn syntax_error_kinds_are_typed() {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "sigmoid(x, 2)").unwrap_err();
    assert_eq!(
        e.error,
        SyntaxError::WrongArity {
            name: "sigmoid".into(),
            expected: 1,
            got: 2
        }
    );
    assert_eq!(e.span, 0..13);
}

#[test]
fn zero_powers_keep_the_domain() {
    differ("(x/(x - x))^0", "1");
    differ("(1/x)^0", "1");
    same("(x^2)^0", "1");
}

#[test]
fn square_roots_of_even_powers_are_absolute_values() {
    same("sqrt(x^2)", "abs(x)");
    same("sqrt(x^4)", "x^2");
    same("sqrt(1/x^2)", "1/abs(x)");
    differ("sqrt(x)^2", "x");
}
