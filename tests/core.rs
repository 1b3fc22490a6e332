//! The layered core: definitions enter a graph only checked (no recursion through
//! the public API), fold the same whatever the order they are registered in, a
//! graph recovers after an oversize input, and a failed unfolding reaches every
//! caller as a typed error, never as a silent fallback.

use actsym::certified::{self, EvalError};
use actsym::defs::{self, Origin};
use actsym::diff::{self, DiffError, Kink};
use actsym::expr::{BigRational, Graph, LimitExceeded};
use actsym::fast::{CompileError, Tape};
use actsym::parse::StatementKind;
use actsym::print;
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use actsym::pwl::{self, PwlError};
use actsym::unfold::{unfold, unfold_diffs, UnfoldError};

fn user() -> Origin {
    Origin::User("t.act".into())
}

#[test]
fn recursive_definitions_are_refused_through_the_public_api() {
    let cases = [
        ("f(x) = f(x) + 1", "recursive definition: f -> f"),
        (
            "f(x) = g(x)\ng(x) = f(x)",
            "recursive definition: f -> g -> f",
        ),
        (
            "a(x) = 1\nf(x) = g(x) + a(x)\ng(x) = h(x)\nh(x) = f(x)",
            "recursive definition: f -> g -> h -> f",
        ),
    ];
    for (src, message) in cases {
        let mut g = Graph::with_prelude();
        let before = g.defs().len();
        let err = defs::parse_source(&mut g, src, user()).unwrap_err();
        assert_eq!(err.to_string(), message, "{src}");
        // Nothing of the text was registered: not even its acyclic part.
        assert_eq!(g.defs().len(), before, "{src}");
        let err = defs::parse_expr(&mut g, &format!("{src}; 1")).unwrap_err();
        assert_eq!(err.to_string(), message, "{src}");
    }
}

#[test]
fn a_defined_function_is_never_redefined() {
    // `sigmoid(x) = ...` and a second `f(x) = ...` are claims about the function
    // already defined, in one text or across texts.
    let mut g = Graph::with_prelude();
    let sigmoid = g.find_symbol("sigmoid").expect("prelude");
    let body = g.defs().get(sigmoid).expect("defined").body;
    let stmts = defs::parse_source(&mut g, "sigmoid(x) = sigmoid(x) + 1", user()).unwrap();
    assert!(matches!(stmts[0].kind, StatementKind::Claim(_)));
    assert_eq!(g.defs().get(sigmoid).expect("defined").body, body);
    let stmts = defs::parse_source(&mut g, "f(x) = x\nf(x) = f(x) + 1", user()).unwrap();
    assert!(matches!(stmts[1].kind, StatementKind::Claim(_)));
    let stmts = defs::parse_source(&mut g, "f(x) = 2*x", user()).unwrap();
    assert!(matches!(stmts[0].kind, StatementKind::Claim(_)));
    let f = g.find_symbol("f").expect("defined");
    assert_eq!(print::text(&g, g.defs().get(f).expect("defined").body), "x");
}

/// `(definitions, expression, printed)`: the expression is read with the
/// definitions registered before it (a separate text) and after it (the same text,
/// definitions last), and prints the same both ways.
const FOLDS: &[(&str, &str, &str)] = &[
    ("f(x) = x^2", "0*f(x)", "0"),
    ("f(x) = x^2", "f(y) - f(y)", "0"),
    ("f(x) = x^2", "x + 0*f(x) + 1", "x + 1"),
    // Not defined everywhere: the guard stays, in both orders.
    ("f(x) = log(x)", "0*f(x)", "0*f(x)"),
    ("f(x) = g(x) + 1\ng(x) = exp(x)", "abs(f(x))", "f(x)"),
];

#[test]
fn folding_does_not_depend_on_the_order_of_registration() {
    for &(definitions, expr, printed) in FOLDS {
        let mut first = Graph::with_prelude();
        defs::parse_source(&mut first, definitions, user()).unwrap();
        let e = defs::parse_expr(&mut first, expr).unwrap();
        assert_eq!(
            print::text(&first, e),
            printed,
            "{definitions}; then {expr}"
        );
        let mut after = Graph::with_prelude();
        let text = format!("{expr}\n{definitions}");
        let stmts = defs::parse_source(&mut after, &text, user()).unwrap();
        let StatementKind::Expr(e) = stmts[0].kind else {
            panic!("{text}: an expression first");
        };
        assert_eq!(print::text(&after, e), printed, "{text}");
    }
    // A body that calls a function defined further down folds as if it came later.
    for text in [
        "f(x) = x^2\nh(y) = y + 0*f(y)",
        "h(y) = y + 0*f(y)\nf(x) = x^2",
    ] {
        let mut g = Graph::with_prelude();
        defs::parse_source(&mut g, text, user()).unwrap();
        let h = g.find_symbol("h").expect("defined");
        assert_eq!(
            print::text(&g, g.defs().get(h).expect("h").body),
            "y",
            "{text}"
        );
    }
}

/// A sum of `n` distinct powers: about `2n` nodes.
fn big_sum(n: usize) -> String {
    (2..n + 2)
        .map(|k| format!("x^{k}"))
        .collect::<Vec<_>>()
        .join(" + ")
}

#[test]
fn a_graph_recovers_after_an_oversize_input() {
    let mut g = Graph::with_prelude();
    g.limits.max_nodes = 1_000;
    g.limits.max_depth = 200;
    let deep = format!("{}x{}", "tanh(".repeat(300), ")".repeat(300));
    for oversize in [big_sum(2_000), deep] {
        let err = defs::parse_expr(&mut g, &oversize).unwrap_err();
        assert!(err.to_string().starts_with("expression"), "{err}");
        // The next text starts afresh.
        let e = defs::parse_expr(&mut g, "swish(x, beta) + 1").unwrap();
        assert_eq!(print::text(&g, e), "1 + swish(x, beta)");
    }
    // An operation that is not a text begins afresh when its driver says so.
    let e = defs::parse_expr(&mut g, "swish(x, beta)").unwrap();
    let x = g.symbol("x");
    g.limits.max_nodes = 50;
    g.begin_operation();
    let err = diff::derive_n(&mut g, e, x, 8, Kink::Left).unwrap_err();
    assert_eq!(err, DiffError::Limit(LimitExceeded::Nodes(50)));
    assert!(
        diff::derive(&mut g, e, x, Kink::Left).is_err(),
        "still over"
    );
    g.limits.max_nodes = 1_000_000;
    g.begin_operation();
    let d = diff::derive(&mut g, e, x, Kink::Left).unwrap();
    assert_eq!(
        print::text(&g, d),
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))"
    );
}

#[test]
fn a_graph_rolls_back_to_a_mark_and_builds_the_same_again() {
    let mut g = Graph::with_prelude();
    let mark = g.mark();
    let prelude_nodes = g.len();
    let derived = |g: &mut Graph| {
        let e = defs::parse_expr(g, "swish(y, beta) + log(z)").unwrap();
        let y = g.symbol("y");
        let d = diff::derive_n(g, e, y, 3, Kink::Left).unwrap();
        (print::text(g, d), d, g.len())
    };
    let (first, first_id, grown) = derived(&mut g);
    assert!(grown > prelude_nodes);
    assert!(g.rollback(&mark));
    assert_eq!(g.len(), prelude_nodes);
    assert_eq!(
        g.find_symbol("z"),
        None,
        "symbols made since the mark are gone"
    );
    // The prelude still works, and the same work builds the same nodes again
    // (hash-consing forgot the dropped ones: no id past the arena).
    let (again, again_id, regrown) = derived(&mut g);
    assert_eq!((again, again_id, regrown), (first, first_id, grown));
    // Definitions added since the mark: nothing is rolled back.
    let mark = g.mark();
    defs::parse_source(&mut g, "f(t) = t^2", user()).unwrap();
    let with_def = g.len();
    assert!(!g.rollback(&mark));
    assert_eq!(g.len(), with_def);
}

/// A graph where `src` parses, but unfolding its `diff(...)` goes past the limits.
fn over_limit_when_unfolded(src: &str) -> (Graph, actsym::expr::ExprId) {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, src).unwrap();
    g.limits.max_nodes = 5;
    g.begin_operation();
    (g, e)
}

const NODES: UnfoldError = UnfoldError::Limit(LimitExceeded::Nodes(5));

#[test]
fn a_failed_unfolding_reaches_every_caller_typed() {
    let src = "diff(swish(x, beta), x) + diff(if(x > 0, x^2, 0), x)";
    let (mut g, e) = over_limit_when_unfolded(src);
    assert_eq!(unfold(&mut g, e, Kink::Left), Err(NODES));
    let x = g.symbol("x");
    let beta = g.symbol("beta");

    let (mut g, e) = over_limit_when_unfolded(src);
    assert_eq!(
        pwl::analyse(&mut g, e, x).unwrap_err(),
        PwlError::Unfold(NODES)
    );
    let (mut g, e) = over_limit_when_unfolded(src);
    assert_eq!(pwl::curvature_witness(&mut g, e, x).unwrap_err(), NODES);
    let (mut g, e) = over_limit_when_unfolded(src);
    assert_eq!(pwl::continuous_everywhere(&mut g, e), Err(NODES));

    // The compiler differentiates smooth diffs itself; a kink sends it to unfold.
    let (mut g, e) = over_limit_when_unfolded(src);
    assert_eq!(
        Tape::compile_unfolding(&mut g, e, &[x, beta]).unwrap_err(),
        CompileError::Unfold(NODES)
    );
    let (mut g, e) = over_limit_when_unfolded(src);
    let one = BigRational::from_integer(1.into());
    let env = [(x, one.clone()), (beta, one)].into_iter().collect();
    assert_eq!(
        certified::evaluate(&mut g, e, &env, 10).unwrap_err(),
        EvalError::Unfold(NODES)
    );
}

#[test]
fn a_claim_that_cannot_be_unfolded_is_unknown_with_the_reason() {
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, "diff(swish(x, beta)*relu(x), x) = 0").unwrap();
    g.limits.max_nodes = 20;
    g.begin_operation();
    let report = decide_claim(&mut g, &c, &Options::default());
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(
        report.note.as_deref(),
        Some(
            "the claim could not be reduced to built-in operations: \
             expression too large: more than 20 nodes"
        )
    );
}

/// `(definitions, expression, kink, unfolded)`: a derivative inside a definition is
/// taken in the caller's kink mode, whether the call is unfolded completely or only
/// its derivatives are (`unfold_diffs`, which keeps other calls by name).
const KINKS_IN_DEFINITIONS: &[(&str, &str, Kink, &str)] = &[
    ("f(x) = diff(relu(x), x)", "f(0)", Kink::Left, "0"),
    ("f(x) = diff(relu(x), x)", "f(0)", Kink::Right, "1"),
    ("f(x) = diff(abs(x), x)", "f(0)", Kink::Autodiff, "0"),
    // Through a function that takes no derivative itself.
    (
        "f(x) = diff(relu(x), x)\nh(x) = f(x) + 1",
        "h(0)",
        Kink::Right,
        "2",
    ),
    // Calls without derivatives keep their names under unfold_diffs.
    (
        "f(x) = diff(x^2, x)",
        "f(y) + sigmoid(y)",
        Kink::Left,
        "2*y + sigmoid(y)",
    ),
];

#[test]
fn derivatives_inside_definitions_follow_the_callers_kink() {
    for &(definitions, expr, kink, want) in KINKS_IN_DEFINITIONS {
        let mut g = Graph::with_prelude();
        defs::parse_source(&mut g, definitions, user()).unwrap();
        let e = defs::parse_expr(&mut g, expr).unwrap();
        let d = unfold_diffs(&mut g, e, kink).unwrap();
        assert_eq!(print::text(&g, d), want, "{definitions}; {expr} ({kink:?})");
        let u = unfold(&mut g, e, kink).unwrap();
        assert_eq!(
            u,
            unfold(&mut g, d, kink).unwrap(),
            "{definitions}; {expr} ({kink:?})"
        );
    }
    // Which definitions take a derivative is known from registration.
    let mut g = Graph::with_prelude();
    defs::parse_source(&mut g, "h(x) = f(x) + 1\nf(x) = diff(relu(x), x)", user()).unwrap();
    let derives = |g: &Graph, name: &str| {
        let s = g.find_symbol(name).expect("defined");
        g.defs().get(s).expect("defined").derives
    };
    assert!(derives(&g, "f") && derives(&g, "h") && !derives(&g, "sigmoid"));
}
