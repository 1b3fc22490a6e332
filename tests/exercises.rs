//! The exercises: the embedded files agree with `exercises/`, every reference answer
//! passes, answers in many forms are graded right, typical wrong answers get their
//! diagnosis code, unreadable answers name their place, and bulk grading of
//! generated sheets reproduces known marks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use actsym::exercises::catalog::{Catalog, FILES};
use actsym::exercises::format::{Exercise, FormatError};
use actsym::exercises::{grade, run_references, sheet, Grade, Limits, Verdict};

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("the embedded exercises load")
}

fn grade_of(id: &str, answer: &str) -> Grade {
    let ex = catalog()
        .get(id)
        .unwrap_or_else(|| panic!("no exercise {id}"));
    grade(ex, answer, &Limits::default())
}

/// One answer: the verdict and diagnosis code expected (`""`: none).
fn check(id: &str, answer: &str, verdict: Verdict, code: &str) {
    let g = grade_of(id, answer);
    assert_eq!(
        (g.verdict, g.code()),
        (verdict, code),
        "exercise {id}, answer {answer:?}: {g:#?}"
    );
}

/// A right answer in some form: correct, perhaps with the remark `unsimplified`.
fn accepted(id: &str, answer: &str) {
    let g = grade_of(id, answer);
    assert!(
        g.verdict == Verdict::Correct && matches!(g.code(), "" | "unsimplified"),
        "exercise {id}, answer {answer:?}: {g:#?}"
    );
}

#[test]
fn embedded_files_are_the_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("exercises/ exists") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name == "README.md" {
            continue;
        }
        on_disk.insert(name, std::fs::read_to_string(&path).expect("readable"));
    }
    let embedded: BTreeMap<String, String> = FILES
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        embedded.keys().collect::<Vec<_>>(),
        "add new files to catalog::FILES"
    );
    assert_eq!(on_disk, embedded);
}

#[test]
fn the_catalog_lists_every_part_in_order() {
    let ids = catalog().ids();
    assert_eq!(&ids[..8], &["1", "2", "3", "4", "5a", "5b", "6", "7"]);
    for drill in [
        "d-relu",
        "d-sigmoid",
        "d-tanh",
        "d-gelu",
        "d-softplus",
        "d-elu",
        "d-mish",
        "b-sigmoid",
        "b-tanh",
    ] {
        assert!(ids.contains(&drill), "{drill}");
    }
}

#[test]
fn every_reference_answer_passes() {
    let checks = run_references(catalog(), &Limits::default());
    for c in &checks {
        for r in &c.references {
            assert_eq!(
                r.grade.verdict,
                Verdict::Correct,
                "{} {}: {:#?}",
                c.id,
                r.label,
                r.grade
            );
        }
    }
    assert!(checks.iter().map(|c| c.references.len()).sum::<usize>() >= 60);
}

/// A malformed exercise file and the field its error names.
fn bad_file(name: &str, text: &str, field: &str) {
    match Exercise::from_toml(name, text) {
        Err(FormatError::Field { field: f, .. }) => assert_eq!(f, field, "{text}"),
        Err(FormatError::Toml { message, .. }) => {
            assert_eq!(field, "toml", "{message}");
        }
        Ok(_) => panic!("accepted: {text}"),
    }
}

#[test]
fn malformed_exercise_files_are_errors_naming_the_field() {
    let head = "title = \"t\"\ngroup = \"drill\"\nsection = \"s\"\ntask = \"t\"\nexpects = \"e\"\n";
    let formula = "[formula]\nexpected = \"x\"\nvariables = [\"x\"]\n";
    bad_file(
        "a.toml",
        &format!("id = \"b\"\n{head}answer = \"formula\"\nreferences = [\"x\"]\n{formula}"),
        "id",
    );
    bad_file(
        "a.toml",
        &format!("id = \"a\"\n{head}answer = \"proof\"\nreferences = [\"x = x\"]\n{formula}"),
        "proof",
    );
    bad_file(
        "a.toml",
        &format!("id = \"a\"\n{head}answer = \"formula\"\n{formula}"),
        "references",
    );
    bad_file(
        "a.toml",
        &format!("id = \"a\"\n{head}answer = \"formula\"\nreferences = [\"x\"]\n{formula}[[diagnosis]]\ntest = \"model\"\nhint = \"h\"\n"),
        "diagnosis",
    );
    bad_file(
        "a.toml",
        &format!(
            "id = \"a\"\n{head}answer = \"formula\"\nreferences = [\"x\"]\ncolour = 1\n{formula}"
        ),
        "toml",
    );
    bad_file(
        "a.toml",
        &format!("id = \"a\"\n{head}answer = \"essay\"\nreferences = [\"x\"]\n{formula}"),
        "toml",
    );
    let part = "title = \"t\"\ngroup = \"part\"\nsection = \"s\"\ntask = \"t\"\nexpects = \"e\"\n";
    bad_file(
        "a.toml",
        &format!("id = \"a\"\n{part}answer = \"formula\"\nreferences = [\"x\"]\n{formula}"),
        "quote",
    );
}

use Verdict::{Correct, Incorrect, Unreadable};

#[test]
fn part_2_prelu_derivative() {
    for a in [
        "if(x > 0, 1, alpha)",
        "if(x <= 0, alpha, 1)",
        "heaviside(x) + alpha*(1 - heaviside(x))",
        "max(alpha, 1) + min(alpha, 1) - if(x > 0, alpha, 1)",
        "diff(prelu(x, alpha), x) = if(x > 0, 1, alpha)",
    ] {
        accepted("2", a);
    }
    check("2", "diff(prelu(x, alpha), x)", Correct, "unsimplified");
    check("2", "if(x > 0, 1, alpha)", Correct, "");
    check(
        "3",
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Correct,
        "",
    );
    check("2", "if(x >= 0, 1, alpha)", Incorrect, "right_hand_kink");
    check("2", "if(x < 0, alpha, 1)", Incorrect, "right_hand_kink");
    check("2", "if(x > 0, 1, 0)", Incorrect, "one_side_only");
    check("2", "heaviside(x)", Incorrect, "one_side_only");
    check(
        "2",
        "if(x > 0, 1, if(x < 0, alpha, 1/2))",
        Incorrect,
        "kink_value",
    );
    check("2", "min(x, 0)", Incorrect, "wrong_variable");
    check("2", "if(x > 0, -1, -alpha)", Incorrect, "negated");
    check("2", "if(x > 0, 2, 2*alpha)", Incorrect, "constant_factor");
    check("2", "if(x > 0, 1, a)", Incorrect, "unknown_variable");
    check("2", "x + alpha", Incorrect, "differs");
}

#[test]
fn part_3_swish_derivative() {
    for a in [
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        "sigmoid(beta*x)*(1 + beta*x*(1 - sigmoid(beta*x)))",
        "1/(1 + exp(-beta*x)) + beta*x*exp(-beta*x)/(1 + exp(-beta*x))^2",
        "(1 + exp(-beta*x) + beta*x*exp(-beta*x))/(1 + exp(-beta*x))^2",
        "s(u) = 1/(1 + exp(-u)); s(beta*x) + beta*x*s(beta*x)*s(-beta*x)",
    ] {
        accepted("3", a);
    }
    check(
        "3",
        "sigmoid(beta*x) + x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Incorrect,
        "missing_factor",
    );
    check(
        "3",
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 + sigmoid(beta*x))",
        Incorrect,
        "sigmoid_derivative_sign",
    );
    check(
        "3",
        "sigmoid(beta*x) - beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Incorrect,
        "sign_slip",
    );
    check(
        "3",
        "x^2*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Incorrect,
        "wrong_variable",
    );
    check(
        "3",
        "-sigmoid(beta*x) - beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Incorrect,
        "negated",
    );
    check("3", "sigmoid(beta*x)", Incorrect, "missing_term");
    check(
        "3",
        "2*sigmoid(beta*x) + 2*beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        Incorrect,
        "constant_factor",
    );
    check("3", "exp(x)", Incorrect, "differs");
}

#[test]
fn part_4_relu_networks() {
    for a in [
        "relu(x)",
        "relu(2*relu(x) - relu(x - 1) - 1/2)",
        "3*prelu(x - 1, 1/4) - 2*relu(-x) + 1",
        "h(u) = relu(u - 1); leaky_relu(h(x) - h(2*x)) + max(x, 0)",
    ] {
        accepted("4", a);
    }
    check("4", "relu(x)^2", Incorrect, "not_piecewise_linear");
    check(
        "4",
        "relu(x)*relu(1 - x)",
        Incorrect,
        "not_piecewise_linear",
    );
    check("4", "sigmoid(x)", Incorrect, "not_piecewise_linear");
    check("4", "heaviside(x)", Incorrect, "discontinuous");
    check("4", "relu(x) + if(x > 1, 1, 0)", Incorrect, "discontinuous");
    check("4", "abs(x)", Incorrect, "not_an_mlp");
    check("4", "relu(x) + w*sign(x)", Incorrect, "not_an_mlp");
    // Symbolic weights: shown for every value of them by the structural classification.
    for a in [
        "w*relu(x) + b",
        "w2*relu(w1*x + b1) + b2",
        "h(u, w, b) = relu(w*u + b); v*prelu(h(x, w1, b1) - c, alpha) + d",
    ] {
        accepted("4", a);
    }
    check("4", "w*relu(x)^2 + b", Incorrect, "not_an_mlp");
    check("4", "w*sigmoid(x) + b", Incorrect, "not_an_mlp");
    check("4", "w*heaviside(x)", Incorrect, "not_an_mlp");
    check("4", "relu(x) = x", Unreadable, "");
}

/// A JSON network of identity layers with the given widths' weights.
fn linear_net(inputs: usize, layers: &[&[&[&str]]]) -> String {
    let ls: Vec<String> = layers
        .iter()
        .map(|rows| {
            let rows: Vec<String> = rows
                .iter()
                .map(|r| {
                    let r: Vec<String> = r.iter().map(|w| format!("\"{w}\"")).collect();
                    format!("[{}]", r.join(", "))
                })
                .collect();
            format!("{{\"weights\": [{}]}}", rows.join(", "))
        })
        .collect();
    format!("{{\"inputs\": {inputs}, \"layers\": [{}]}}", ls.join(", "))
}

#[test]
fn part_1_linear_networks() {
    // The first half: a deep linear network equals one affine layer (claims).
    for a in [
        "2*(3*x + 1) - 1 = 6*x + 1",
        "h1(x) = 3*x + 1; h2(u) = -u/2 + 4; h2(h1(x)) = -3/2*x + 7/2",
        "6*x + 1 = 2*(3*x + 1) - 1",
        "v*(w*x + b) + c = v*w*x + v*b + c",
        "u*(a*x + b*y + c) + d = u*a*x + u*b*y + u*c + d",
    ] {
        accepted("1", a);
    }
    // The second half: a narrow layer loses rank (network files and outputs).
    for a in [
        linear_net(2, &[&[&["1", "1"]], &[&["1"], &["2"]]]),
        linear_net(
            3,
            &[
                &[&["1", "0", "2"], &["0", "1", "1"]],
                &[&["1", "1"], &["2", "0"], &["0", "3"]],
            ],
        ),
        linear_net(
            2,
            &[
                &[&["1", "0"], &["0", "1"]],
                &[&["1", "-1"]],
                &[&["1"], &["1"]],
            ],
        ),
        include_str!("../exercises/bottleneck.json").to_owned(),
        "h(x, y) = x + y\ny1 = h(x, y)\ny2 = 2*h(x, y) - 1".to_owned(),
        "u(x1, x2, x3) = x1 - x3\ny1 = u(x1, x2, x3)\ny2 = 3*u(x1, x2, x3)\ny3 = 1".to_owned(),
    ] {
        let g = grade_of("1", &a);
        assert_eq!(g.verdict, Correct, "{a}: {g:#?}");
        assert!(
            g.details.iter().any(|d| d.contains("cannot represent")),
            "{g:#?}"
        );
    }
    // A claim accepted shows the collapsed map.
    let g = grade_of(
        "1",
        "h1(x) = 3*x + 1; h2(u) = -u/2 + 4; h2(h1(x)) = -3/2*x + 7/2",
    );
    assert!(
        g.details
            .iter()
            .any(|d| d.contains("one affine layer: (7 - 3*x)/2")),
        "{g:#?}"
    );
    // Wrong answers.
    check(
        "1",
        "2*(3*x + 1) - 1 = 6*x + 2",
        Incorrect,
        "wrong_collapse",
    );
    check(
        "1",
        "v*(w*x + b) + c = v*w*x + b + c",
        Incorrect,
        "wrong_collapse",
    );
    check(
        "1",
        "h(u) = relu(u); 2*h(3*x + 1) = 6*x + 2",
        Incorrect,
        "not_linear",
    );
    check(
        "1",
        "h1(x) = 3*x + 1; h1(h1(x)) = 9*x^2",
        Incorrect,
        "not_linear",
    );
    // Two deep forms of one network: correct, the layer shown as the simplified form.
    check(
        "1",
        "v*(w*(x + y) + b) + c = v*w*(x + y) + v*b + c",
        Correct,
        "unsimplified",
    );
    check(
        "1",
        "h(u) = 2*u + 1; h(h(x)) = 2*h(x) + 2",
        Incorrect,
        "wrong_collapse",
    );
    // A pair of networks (part 5b's kind of answer) is not one network.
    check(
        "1",
        r#"[{"inputs": 1, "layers": [{"weights": [["1"]]}]}]"#,
        Unreadable,
        "",
    );
    let relu = r#"{"inputs": 2, "layers": [{"weights": [["1", "1"]], "activation": "relu"}, {"weights": [["1"], ["2"]]}]}"#;
    check("1", relu, Incorrect, "not_linear");
    // A "bottleneck" no narrower than the output loses nothing.
    check(
        "1",
        &linear_net(2, &[&[&["1", "1"]], &[&["3"]]]),
        Incorrect,
        "no_rank_loss",
    );
    // Wide layers: full rank.
    check(
        "1",
        &linear_net(
            2,
            &[
                &[&["1", "1"], &["1", "-1"], &["0", "1"]],
                &[&["1", "0", "0"], &["0", "1", "0"]],
            ],
        ),
        Incorrect,
        "no_rank_loss",
    );
    // Rank lost through singular weights, not a narrow layer.
    check(
        "1",
        &linear_net(
            2,
            &[&[&["1", "1"], &["2", "2"]], &[&["1", "0"], &["0", "1"]]],
        ),
        Incorrect,
        "singular_weights",
    );
    check(
        "1",
        "y1 = x + y\ny2 = 2*x + 2*y",
        Incorrect,
        "singular_weights",
    );
    check(
        "1",
        "h(x, y) = x + y\ng(x, y) = x - y\ny1 = h(x, y) + g(x, y)\ny2 = h(x, y) - g(x, y)",
        Incorrect,
        "no_rank_loss",
    );
    check("1", "y1 = relu(x) + y\ny2 = x", Incorrect, "not_linear");
    // Unreadable: a broken file, symbolic weights in an example, a bare expression.
    let g = grade_of("1", r#"{"inputs": 2, "layers": [{"weights": [["1", "1"]]}"#);
    assert_eq!(g.verdict, Unreadable, "{g:#?}");
    assert!(
        g.error.as_ref().is_some_and(|e| e.line == Some(1)),
        "{g:#?}"
    );
    check("1", "y1 = w*x\ny2 = y", Unreadable, "");
    check("1", "2*(3*x + 1)", Unreadable, "");
    check("1", "y0 = x", Unreadable, "");
    check("1", "6*x + 1 = 6*x  +  1", Incorrect, "trivial");
    check("1", "h(u) = 2*u; h(x) = h(x)", Incorrect, "trivial");
    check("1", "[1, 2]", Unreadable, "");
}

/// A pair `[ORIGINAL, CONVERTED]` of one-hidden-layer networks of one input.
fn pair(
    a: (&str, &str, &str),
    out_a: (&str, &str),
    b: (&str, &str, &str),
    out_b: (&str, &str),
) -> String {
    let net = |(w, bias, act): (&str, &str, &str), (v, c): (&str, &str)| {
        format!(
            r#"{{"inputs": 1, "layers": [{{"weights": [["{w}"]], "bias": ["{bias}"], "activation": "{act}"}}, {{"weights": [["{v}"]], "bias": ["{c}"]}}]}}"#
        )
    };
    format!("[{}, {}]", net(a, out_a), net(b, out_b))
}

#[test]
fn part_5b_tanh_and_sigmoid_networks() {
    for a in [
        "v*tanh(w*x + b) + c = 2*v*sigmoid(2*w*x + 2*b) + c - v",
        "v*sigmoid(w*x + b) + c = v/2*tanh(w*x/2 + b/2) + c + v/2",
        "2*sigmoid(2*x) - 1 = tanh(x)",
        "t(u) = 2*sigmoid(2*u) - 1; 3*tanh(x) - tanh(2*x - 1) + 1 = 3*t(x) - t(2*x - 1) + 1",
        "tanh(a*x + b*y + c) = 2*sigmoid(2*a*x + 2*b*y + 2*c) - 1",
        include_str!("../exercises/tanh-sigmoid-pair.json"),
    ] {
        accepted("5b", a);
    }
    // Pairs: tanh -> sigmoid (structural), sigmoid -> tanh, and a pair equal by the
    // checker though not by the structure.
    for a in [
        pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("6", "2", "sigmoid"),
            ("10", "-3"),
        ),
        pair(
            ("4", "-2", "sigmoid"),
            ("1", "0"),
            ("2", "-1", "tanh"),
            ("1/2", "1/2"),
        ),
        pair(
            ("1", "0", "tanh"),
            ("1", "0"),
            ("-2", "0", "sigmoid"),
            ("-2", "1"),
        ),
    ] {
        let g = grade_of("5b", &a);
        assert_eq!(g.verdict, Correct, "{a}: {g:#?}");
    }
    let g = grade_of(
        "5b",
        &pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("6", "2", "sigmoid"),
            ("10", "-3"),
        ),
    );
    assert!(
        g.method
            .as_deref()
            .is_some_and(|m| m.starts_with("structural")),
        "{g:#?}"
    );
    // Typical slips, in claims and in pairs.
    check("5b", "tanh(x) = 2*sigmoid(x) - 1", Incorrect, "inner_scale");
    check("5b", "tanh(x) = 2*sigmoid(2*x)", Incorrect, "bias_shift");
    check(
        "5b",
        "tanh(x) = sigmoid(2*x) - 1",
        Incorrect,
        "outer_factor",
    );
    check(
        "5b",
        "v*tanh(w*x + b) + c = 2*v*sigmoid(2*w*x + 2*b) + c",
        Incorrect,
        "bias_shift",
    );
    check(
        "5b",
        "sigmoid(x) = (tanh(x) + 1)/2",
        Incorrect,
        "inner_scale",
    );
    check("5b", "sigmoid(x) = tanh(x/2)/2", Incorrect, "bias_shift");
    check(
        "5b",
        &pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("3", "1", "sigmoid"),
            ("10", "-3"),
        ),
        Incorrect,
        "inner_scale",
    );
    check(
        "5b",
        &pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("6", "2", "sigmoid"),
            ("10", "2"),
        ),
        Incorrect,
        "bias_shift",
    );
    check(
        "5b",
        &pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("6", "2", "sigmoid"),
            ("5", "-3"),
        ),
        Incorrect,
        "outer_factor",
    );
    // One unit of a deeper network with the slip, the others right.
    let g = grade_of(
        "5b",
        "v*tanh(a*tanh(w*x + b) + d) + c = 2*v*sigmoid(4*a*sigmoid(2*w*x + 2*b) + 2*d) - v + c",
    );
    assert_eq!((g.verdict, g.code()), (Incorrect, "bias_shift"), "{g:#?}");
    assert!(
        g.diagnosis
            .as_ref()
            .is_some_and(|d| d.text.contains("in the unit tanh(w*x + b)")),
        "{g:#?}"
    );
    check("5b", "tanh(x) = 2*sigmoid(2*x) + 1", Incorrect, "differs");
    check("5b", "tanh(x) = tanh(x)", Incorrect, "not_converted");
    check(
        "5b",
        &pair(
            ("3", "1", "tanh"),
            ("5", "2"),
            ("6", "2", "tanh"),
            ("10", "-3"),
        ),
        Incorrect,
        "not_converted",
    );
    check(
        "5b",
        "relu(x) = 2*sigmoid(2*x) - 1",
        Incorrect,
        "wrong_activation",
    );
    check(
        "5b",
        &pair(
            ("3", "1", "relu"),
            ("5", "2"),
            ("6", "2", "sigmoid"),
            ("10", "-3"),
        ),
        Incorrect,
        "wrong_activation",
    );
    let wide = r#"[{"inputs": 1, "layers": [{"weights": [["1"]], "activation": "tanh"}]},
        {"inputs": 2, "layers": [{"weights": [["2", "0"]], "activation": "sigmoid"}, {"weights": [["2"]], "bias": ["-1"]}]}]"#;
    check("5b", wide, Incorrect, "different_shape");
    // Unreadable: one network alone, three, broken JSON, a bare expression.
    check(
        "5b",
        r#"{"inputs": 1, "layers": [{"weights": [["1"]], "activation": "tanh"}]}"#,
        Unreadable,
        "",
    );
    check("5b", "[{}, {}, {}]", Unreadable, "");
    check("5b", "[{\"inputs\": 1,", Unreadable, "");
    check("5b", "tanh(x)", Unreadable, "");
}

const CHAIN: &str = "claim: tanh(x) + 1 = 2*sigmoid(2*x)
= (1 - exp(-2*x))/(1 + exp(-2*x)) + 1   by tanh in exponentials
= 2/(1 + exp(-2*x))
= 2*sigmoid(2*x)                         by the definition of sigmoid
";

#[test]
fn part_5a_tanh_and_sigmoid() {
    for a in [
        "tanh(x) + 1 = 2*sigmoid(2*x)",
        "2*sigmoid(2*x) = tanh(x) + 1",
        "tanh(x) = 2*sigmoid(2*x) - 1",
        CHAIN,
        include_str!("../exercises/tanh-sigmoid.prove"),
    ] {
        accepted("5a", a);
    }
    check(
        "5a",
        "tanh(x) + 1 = sigmoid(2*x)",
        Incorrect,
        "claim_refuted",
    );
    check(
        "5a",
        "tanh(x) + 1 = 2*sigmoid(x)",
        Incorrect,
        "claim_refuted",
    );
    check(
        "5a",
        "sigmoid(-x) = 1 - sigmoid(x)",
        Incorrect,
        "wrong_claim",
    );
    let wrong_step = CHAIN.replace("= 2/(1 + exp(-2*x))", "= 2/(1 + exp(-x))");
    check("5a", &wrong_step, Incorrect, "step_refuted");
    let short = "claim: tanh(x) + 1 = 2*sigmoid(2*x)\n= 2/(1 + exp(-2*x))\n";
    check("5a", short, Incorrect, "chain_incomplete");
    let other = "claim: tanh(x) = 2*sigmoid(2*x)\n= 2*sigmoid(2*x)\n";
    check("5a", other, Incorrect, "claim_refuted");
    check(
        "5a",
        "claim: tanh(x) + 1 = 2*sigmoid(2*x)\n",
        Unreadable,
        "",
    );
    check("5a", "tanh(x) + 1", Unreadable, "");
}

#[test]
fn part_6_per_minibatch_nonlinearity() {
    for a in [
        "batch_norm(3)",
        "batch_center(2)",
        "batch_softmax(4)",
        "y1 = x1 - (x1 + x2)/2\ny2 = x2 - (x1 + x2)/2",
        "y1 = x1/max(x1, x2)\ny2 = x2/max(x1, x2)\nat x1 = 1, x2 = 3",
        "y1 = gamma*(x1 - x2)\ny2 = gamma*(x2 - x1)\nat gamma = 2",
    ] {
        accepted("6", a);
    }
    check(
        "6",
        "y1 = relu(x1)\ny2 = relu(x2)",
        Incorrect,
        "no_coupling",
    );
    check(
        "6",
        "y1 = sigmoid(x1)\ny2 = tanh(x2) + 0*x1",
        Incorrect,
        "no_coupling",
    );
    check(
        "6",
        "y1 = 2*x1\ny2 = x2^2\ny3 = exp(x3)",
        Incorrect,
        "no_coupling",
    );
    check("6", "batch_norm(1)", Incorrect, "single_example");
    check("6", "y1 = relu(x1)", Incorrect, "single_example");
    check("6", "y1 = x1 - x2\ny3 = x2", Unreadable, "");
    check("6", "y1 = x1*gamma\ny2 = x2", Unreadable, "");
    check("6", "batch_norm(100)", Unreadable, "");
    check("6", "x1 + x2", Unreadable, "");
}

#[test]
fn part_7_vanishing_gradients() {
    for a in [
        "x = 10",
        "x = -8",
        "depth = 5",
        "depth = 3, x = 4",
        "n = 2; x = 7",
    ] {
        accepted("7", a);
    }
    for a in [
        "x = 0",
        "depth = 4",
        "x = 6",
        "depth = 2, x = 1",
        "x = -1/2",
    ] {
        check("7", a, Incorrect, "not_small");
    }
    for a in [
        "depth = 0",
        "y = 3",
        "x = 1/0",
        "depth = 65",
        "depth = 5/2",
        "x",
    ] {
        check("7", a, Unreadable, "");
    }
    // The bound behind it, sigmoid' <= 1/4, graded as an inequality claim.
    for a in [
        "diff(sigmoid(x), x) <= 1/4",
        "sigmoid(x)*(1 - sigmoid(x)) <= 1/4",
        "1/4 >= diff(sigmoid(x), x)",
    ] {
        accepted("7", a);
    }
    check(
        "7",
        "diff(sigmoid(x), x) <= 1/5",
        Incorrect,
        "claim_refuted",
    );
    check("7", "diff(sigmoid(x), x) < 1/4", Incorrect, "claim_refuted");
    check(
        "7",
        "diff(sigmoid(x), x) >= 1/4",
        Incorrect,
        "claim_refuted",
    );
    check("7", "sigmoid(x) <= 1/4", Incorrect, "claim_refuted");
    check("7", "diff(sigmoid(x), x) <= 1/2", Incorrect, "wrong_claim");
}

#[test]
fn drills_bounds_of_sigmoid_and_tanh_derivatives() {
    for (id, answers) in [
        (
            "b-sigmoid",
            [
                "diff(sigmoid(x), x) <= 1/4",
                "1/4 >= diff(sigmoid(x), x)",
                "diff(sigmoid(x), x) - 1/4 <= 0",
            ],
        ),
        (
            "b-tanh",
            [
                "diff(tanh(x), x) <= 1",
                "1 >= diff(tanh(x), x)",
                "1 - tanh(x)^2 <= 1",
            ],
        ),
    ] {
        for a in answers {
            accepted(id, a);
        }
    }
    for (id, a, code) in [
        ("b-sigmoid", "diff(sigmoid(x), x) <= 1/5", "claim_refuted"),
        ("b-sigmoid", "diff(sigmoid(x), x) < 1/4", "claim_refuted"),
        ("b-sigmoid", "diff(sigmoid(x), x) >= 1/4", "claim_refuted"),
        ("b-sigmoid", "diff(sigmoid(x), x) <= 1", "wrong_claim"),
        (
            "b-sigmoid",
            "sigmoid(x)*(1 + sigmoid(x)) <= 1/4",
            "claim_refuted",
        ),
        ("b-tanh", "diff(tanh(x), x) <= 1/4", "claim_refuted"),
        ("b-tanh", "diff(tanh(x), x) < 1", "claim_refuted"),
        ("b-tanh", "diff(tanh(x), x) >= 1", "claim_refuted"),
        ("b-tanh", "diff(tanh(x), x) <= 2", "wrong_claim"),
        ("b-tanh", "1 + tanh(x)^2 <= 1", "claim_refuted"),
    ] {
        check(id, a, Incorrect, code);
    }
}

#[test]
fn drills_accept_forms_and_diagnose_typical_slips() {
    check("d-relu", "if(x >= 0, 1, 0)", Incorrect, "right_hand_kink");
    check("d-relu", "(1 + sign(x))/2", Incorrect, "kink_value");
    check(
        "d-sigmoid",
        "sigmoid(x)*(1 + sigmoid(x))",
        Incorrect,
        "sigmoid_derivative_sign",
    );
    check(
        "d-sigmoid",
        "1/(1 + exp(-x))^2*exp(-x)",
        Correct,
        "unsimplified",
    );
    check("d-sigmoid", "sigmoid(x) - sigmoid(x)^2", Correct, "");
    check("d-tanh", "1 + tanh(x)^2", Incorrect, "tanh_derivative_sign");
    check("d-tanh", "2 - 2*tanh(x)^2", Incorrect, "constant_factor");
    check("d-gelu", "Phi(x)", Incorrect, "product_rule");
    check("d-softplus", "1/(1 + exp(x))", Incorrect, "missing_factor");
    check(
        "d-elu",
        "if(x >= 0, 1, alpha*exp(x))",
        Incorrect,
        "right_hand_kink",
    );
    check("d-elu", "if(x > 0, 1, exp(x))", Incorrect, "one_side_only");
    check(
        "d-mish",
        "tanh(softplus(x)) + x*(1 - tanh(softplus(x))^2)",
        Incorrect,
        "missing_factor",
    );
    check(
        "i-tanh-odd",
        "tanh(-x) = tanh(x)",
        Incorrect,
        "claim_refuted",
    );
    check(
        "i-relu-split",
        "relu(x) + relu(-x) = x",
        Incorrect,
        "claim_refuted",
    );
}

/// The unreadable answer's error with its position.
fn unreadable_at(id: &str, answer: &str, line: usize, column: usize) {
    let g = grade_of(id, answer);
    assert_eq!(g.verdict, Unreadable, "{g:#?}");
    let e = g.error.expect("an error");
    assert_eq!((e.line, e.column), (Some(line), Some(column)), "{e:?}");
    assert!(e.rendered.contains('^'), "{}", e.rendered);
}

#[test]
fn unreadable_answers_name_line_and_column() {
    unreadable_at("2", "if(x > 0, 1, alpha", 1, 19);
    unreadable_at("3", "2x*sigmoid(beta*x)", 1, 1);
    unreadable_at(
        "5a",
        "claim: tanh(x) + 1 = 2*sigmoid(2*x)\n= 2/(1 + exp(-2*x)\n",
        2,
        19,
    );
    unreadable_at("4", "h(u) = relu(u\nh(x)", 1, 13);
    let g = grade_of("2", "   ");
    assert_eq!(g.verdict, Unreadable);
}

#[test]
fn definitions_in_one_answer_do_not_leak_into_the_next() {
    check("2", "d(u, a) = if(u > 0, 1, a); d(x, alpha)", Correct, "");
    // A second answer defining `d` differently is graded on its own definition.
    check(
        "2",
        "d(u, a) = if(u >= 0, 1, a); d(x, alpha)",
        Incorrect,
        "right_hand_kink",
    );
}

// --- bulk grading -----------------------------------------------------------------

/// Answers with their known grade: (id, answer, verdict, code).
const POOL: &[(&str, &str, &str, &str)] = &[
    ("2", "if(x > 0, 1, alpha)", "correct", ""),
    (
        "2",
        "heaviside(x) + alpha*(1 - heaviside(x))",
        "correct",
        "",
    ),
    ("2", "if(x >= 0, 1, alpha)", "incorrect", "right_hand_kink"),
    ("2", "if(x > 0, 1, 0)", "incorrect", "one_side_only"),
    ("2", "if(x > 0, 1, alpha", "unreadable", ""),
    (
        "3",
        "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        "correct",
        "",
    ),
    (
        "3",
        "sigmoid(beta*x) + x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        "incorrect",
        "missing_factor",
    ),
    (
        "3",
        "sigmoid(beta*x) - beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        "incorrect",
        "sign_slip",
    ),
    ("4", "relu(2*relu(x) - relu(x - 1))", "correct", ""),
    ("4", "relu(x)^2", "incorrect", "not_piecewise_linear"),
    ("5a", "tanh(x) + 1 = 2*sigmoid(2*x)", "correct", ""),
    (
        "5a",
        "tanh(x) + 1 = sigmoid(2*x)",
        "incorrect",
        "claim_refuted",
    ),
    ("6", "batch_center(2)", "correct", ""),
    (
        "6",
        "y1 = relu(x1)\ny2 = relu(x2)",
        "incorrect",
        "no_coupling",
    ),
    ("7", "depth = 5", "correct", ""),
    ("7", "x = 0", "incorrect", "not_small"),
    ("7", "depth = zero", "unreadable", ""),
    ("1", "2*(3*x + 1) - 1 = 6*x + 1", "correct", ""),
    (
        "1",
        r#"{"inputs": 2, "layers": [{"weights": [["1", "1"]]}, {"weights": [["1"], ["2"]]}]}"#,
        "correct",
        "",
    ),
    (
        "1",
        "2*(3*x + 1) - 1 = 6*x + 2",
        "incorrect",
        "wrong_collapse",
    ),
    (
        "1",
        "y1 = x + y\ny2 = 2*x + 2*y",
        "incorrect",
        "singular_weights",
    ),
    (
        "5b",
        "v*tanh(w*x + b) + c = 2*v*sigmoid(2*w*x + 2*b) + c - v",
        "correct",
        "",
    ),
    ("5b", "tanh(x) = 2*sigmoid(2*x)", "incorrect", "bias_shift"),
    (
        "5b",
        "tanh(x) = 2*sigmoid(x) - 1",
        "incorrect",
        "inner_scale",
    ),
];

/// A small seeded generator (xorshift64*), so the sheets are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn toml_string(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// Writes `n` sheets into `dir` and returns their paths and the expected CSV rows.
fn generate_sheets(dir: &Path, n: usize, seed: u64) -> (Vec<PathBuf>, Vec<String>) {
    std::fs::create_dir_all(dir).expect("a scratch directory");
    let mut rng = Rng(seed);
    let ids = ["1", "2", "3", "4", "5a", "5b", "6", "7"];
    let mut paths = Vec::new();
    let mut expected = Vec::new();
    for k in 0..n {
        let student = format!("student {k:03}");
        let path = dir.join(format!("sheet{k:03}.toml"));
        let mut text = format!("student = {}\n", toml_string(&student));
        for id in ids {
            // One answer in eight is missing.
            if rng.below(8) == 0 {
                expected.push(format!("{student},{id},missing,,{}", path.display()));
                continue;
            }
            let choices: Vec<&(&str, &str, &str, &str)> =
                POOL.iter().filter(|p| p.0 == id).collect();
            let (_, answer, verdict, code) = choices[rng.below(choices.len())];
            if matches!(id, "5a" | "1") && rng.below(3) == 0 {
                // Some answers come from a file beside the sheet.
                let file = format!("answer{k:03}-{id}.txt");
                std::fs::write(dir.join(&file), answer).expect("writable");
                text.push_str(&format!("{id} = {{ file = {} }}\n", toml_string(&file)));
            } else {
                text.push_str(&format!("{id} = {}\n", toml_string(answer)));
            }
            expected.push(format!(
                "{student},{id},{verdict},{code},{}",
                path.display()
            ));
        }
        std::fs::write(&path, text).expect("writable");
        paths.push(path);
    }
    (paths, expected)
}

#[test]
fn fifty_generated_sheets_reproduce_their_known_marks() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("exercise-sheets");
    let _ = std::fs::remove_dir_all(&dir);
    let (mut paths, mut expected) = generate_sheets(&dir, 50, 0x5eed);
    // A sheet that is not TOML, and one whose answer file is missing.
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "student = \"nobody\"\n2 = \"unterminated\n").expect("writable");
    paths.push(broken);
    let lost = dir.join("lost.toml");
    std::fs::write(
        &lost,
        "student = \"lost\"\n5a = { file = \"nowhere.prove\" }\nbogus = \"1\"\n",
    )
    .expect("writable");
    paths.push(lost.clone());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results = sheet::grade_sheets(&paths, catalog(), 2, &Limits::default(), &|_| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(done.into_inner(), 52);
    assert_eq!(results.len(), 52);
    let columns = sheet::columns(&results, catalog());
    assert_eq!(columns, ["1", "2", "3", "4", "5a", "5b", "6", "7"]);
    let csv = sheet::csv(&results, &columns);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    // The generated sheets' rows, in order, are exactly the known marks.
    assert_eq!(&rows[..expected.len()], expected.as_slice());
    let broken_rows: Vec<&str> = rows[expected.len()..expected.len() + columns.len()].to_vec();
    assert!(
        broken_rows
            .iter()
            .all(|r| r.starts_with("broken,") && r.contains(",unreadable,sheet_unreadable,")),
        "{broken_rows:?}"
    );
    expected.clear();
    let lost_rows: Vec<&str> = rows[rows.len() - columns.len()..].to_vec();
    assert!(
        lost_rows.contains(&format!("lost,5a,unreadable,,{}", lost.display()).as_str()),
        "{lost_rows:?}"
    );
    assert_eq!(results[51].warnings.len(), 1);
    assert!(
        results[50]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("line 2")),
        "{:?}",
        results[50].error
    );
    // The table has one row per sheet and the marks.
    let table = sheet::table(&results, &columns);
    assert_eq!(table.lines().count(), 53);
    assert!(table.contains('✓') && table.contains('✗') && table.contains('?'));
}
