//! Piecewise analysis (`actsym pwl`): exact breakpoints and pieces checked against the
//! MPFR evaluator on random ReLU networks, the verdicts' soundness, and the command
//! line's JSON keys and exit codes.

use std::collections::HashMap;

use actsym::certified::enclose;
use actsym::defs::parse_expr;
use actsym::expr::{BigRational, ExprId, Graph, Symbol};
use actsym::pwl::{analyse, continuous_everywhere, curvature_witness, Piecewise, PwlError};
use assert_cmd::Command;
use num_bigint::BigInt;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn setup(src: &str) -> (Graph, ExprId, Symbol) {
    let mut g = Graph::with_prelude();
    let e = parse_expr(&mut g, src).unwrap_or_else(|err| panic!("{src}: {err}"));
    let x = g.symbol("x");
    (g, e, x)
}

fn pw(src: &str) -> Piecewise {
    let (mut g, e, x) = setup(src);
    analyse(&mut g, e, x).unwrap_or_else(|err| panic!("{src}: {err}"))
}

/// The exact value of `e` at `p`, from an MPFR enclosure (the pieces' values are
/// rationals, so the enclosure must contain them).
fn assert_value(g: &Graph, e: ExprId, x: Symbol, p: &BigRational, want: &BigRational, what: &str) {
    let env = HashMap::from([(x, p.clone())]);
    let iv = enclose(g, e, &env, 200).unwrap_or_else(|err| panic!("{what} at {p}: {err}"));
    assert!(
        iv.contains_rational(want),
        "{what} at {p}: analysis says {want}, MPFR {}",
        iv.describe()
    );
}

#[test]
fn the_hat_function() {
    let f = pw("relu(x) - 2*relu(x - 1) + relu(x - 2)");
    assert_eq!(f.breaks, vec![q(0, 1), q(1, 1), q(2, 1)]);
    let slopes: Vec<_> = f.pieces.iter().map(|p| p.coeff(1)).collect();
    assert_eq!(slopes, vec![q(0, 1), q(1, 1), q(-1, 1), q(0, 1)]);
    assert_eq!(f.at, vec![q(0, 1), q(1, 1), q(0, 1)]);
    assert!(f.is_linear() && f.is_continuous());
}

#[test]
fn breakpoints_where_nothing_changes_are_removed() {
    let f = pw("relu(x) - relu(-x)");
    assert!(f.breaks.is_empty());
    assert_eq!(f.pieces[0].coeffs(), [q(0, 1), q(1, 1)]);
    // abs(x) - max(x, -x) is 0 everywhere.
    let f = pw("abs(x) - max(x, -x)");
    assert!(f.breaks.is_empty() && f.pieces[0].is_zero());
}

#[test]
fn jumps_and_left_hand_derivatives() {
    // heaviside(0) = 0: the value at the jump is the definition's, not a limit.
    let f = pw("heaviside(x)");
    assert_eq!(f.breaks, vec![q(0, 1)]);
    assert_eq!(f.limits(0), (q(0, 1), q(1, 1)));
    assert_eq!(f.at[0], q(0, 1));
    assert!(f.is_linear() && !f.is_continuous());
    // relu'(0) = 0, prelu'(0) = alpha: the left-hand derivative.
    let f = pw("diff(prelu(x, 1/4), x)");
    assert_eq!(f.at, vec![q(1, 4)]);
    assert!(!f.is_continuous());
    // x*heaviside(x) is continuous although heaviside is not.
    assert!(pw("x*heaviside(x)").is_continuous());
    // sign(x) has three values.
    let f = pw("sign(x - 1/2)");
    assert_eq!(
        (f.at[0].clone(), f.limits(0)),
        (q(0, 1), (q(-1, 1), q(1, 1)))
    );
}

#[test]
fn curved_pieces_are_not_linear() {
    let f = pw("relu(x)^2");
    assert!(!f.is_linear() && f.is_continuous());
    let f = pw("hard_swish(x)");
    assert_eq!(f.breaks, vec![q(-3, 1), q(3, 1)]);
    assert_eq!(f.pieces[1].degree(), 2);
    // relu(x)^2 - x*relu(x) is 0: products are kept exactly, not refused.
    let f = pw("relu(x)^2 - x*relu(x)");
    assert!(f.is_linear() && f.breaks.is_empty());
}

#[test]
fn outside_the_class_the_analysis_says_so() {
    for (src, why) in [
        ("sigmoid(x)", "exp"),
        ("prelu(x, alpha)", "alpha is a parameter"),
        ("x + pi", "pi"),
        ("max(x^2, 1/2)", "curved"),
        ("1/x", "quotient"),
        ("relu(x)/0", "undefined everywhere"),
    ] {
        let (mut g, e, x) = setup(src);
        match analyse(&mut g, e, x) {
            Err(PwlError::Unsupported(msg)) => assert!(msg.contains(why), "{src}: {msg}"),
            other => panic!("{src}: {other:?}"),
        }
    }
}

#[test]
fn curvature_witnesses_are_sound() {
    // Curved functions get a certified witness.
    for src in [
        "sigmoid(x)",
        "gelu(x)",
        "tanh(x)",
        "softplus(x)",
        "elu(x, 1)",
        "x*exp(x)",
    ] {
        let (mut g, e, x) = setup(src);
        assert!(
            curvature_witness(&mut g, e, x).expect("unfolds").is_some(),
            "{src}"
        );
    }
    // Functions that are piecewise linear (here: constant or linear) but written with
    // exponentials never get one.
    for src in [
        "sigmoid(x) + sigmoid(-x)",
        "softplus(x) - softplus(-x)",
        "tanh(x) + 1 - 2*sigmoid(2*x)",
        "exp(x)*exp(-x)*x",
        "log(exp(x))",
    ] {
        let (mut g, e, x) = setup(src);
        assert!(
            curvature_witness(&mut g, e, x).expect("unfolds").is_none(),
            "{src}"
        );
    }
    // Continuity is claimed only for total compositions of continuous operations.
    for (src, want) in [
        ("sigmoid(x)", true),
        ("gelu(x)", true),
        ("elu(x, 1)", false),
        ("log(x)", false),
    ] {
        let (mut g, e, _) = setup(src);
        assert_eq!(
            continuous_everywhere(&mut g, e).expect("unfolds"),
            want,
            "{src}"
        );
    }
}

/// A deterministic pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A small rational in [-3, 3] with denominator up to 4.
    fn weight(&mut self) -> String {
        let d = 1 + (self.next() % 4) as i64;
        let n = (self.next() % (6 * d as u64 + 1)) as i64 - 3 * d;
        format!("({n}/{d})")
    }
}

/// A 1 -> width -> width -> 1 network with ReLU or pReLU units, as an expression.
fn network(rng: &mut Rng, width: usize) -> String {
    let act = |rng: &mut Rng, u: String| -> String {
        if rng.next() % 3 == 0 {
            format!("prelu({u}, {})", rng.weight())
        } else {
            format!("relu({u})")
        }
    };
    let h1: Vec<String> = (0..width)
        .map(|_| {
            let u = format!("{}*x + {}", rng.weight(), rng.weight());
            act(rng, u)
        })
        .collect();
    let h2: Vec<String> = (0..width)
        .map(|_| {
            let terms: Vec<String> = h1.iter().map(|h| format!("{}*{h}", rng.weight())).collect();
            let u = format!("{} + {}", terms.join(" + "), rng.weight());
            act(rng, u)
        })
        .collect();
    let terms: Vec<String> = h2.iter().map(|h| format!("{}*{h}", rng.weight())).collect();
    format!("{} + {}", terms.join(" + "), rng.weight())
}

#[test]
fn relu_networks_are_continuous_piecewise_linear_and_match_mpfr() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for case in 0..25 {
        let src = network(&mut rng, 1 + case % 4);
        let (mut g, e, x) = setup(&src);
        let f = analyse(&mut g, e, x).unwrap_or_else(|err| panic!("{src}: {err}"));
        assert!(f.is_linear() && f.is_continuous(), "{src}");
        let body = actsym::defs::inline(&mut g, e);
        // At every breakpoint, in every piece, and beyond the ends, the exact value
        // agrees with MPFR.
        for (i, b) in f.breaks.iter().enumerate() {
            assert_value(&g, body, x, b, &f.at[i], &src);
        }
        for (i, p) in f.pieces.iter().enumerate() {
            let (lo, hi) = f.interval(i);
            let two = q(2, 1);
            let pt = match (lo, hi) {
                (Some(l), Some(h)) => (l + h) / &two,
                (Some(l), None) => l + q(7, 3),
                (None, Some(h)) => h - q(7, 3),
                (None, None) => q(1, 3),
            };
            assert_value(&g, body, x, &pt, &p.eval(&pt), &src);
        }
    }
}

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

fn json_of(args: &[&str], code: i32) -> serde_json::Value {
    let out = actsym()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("one JSON object")
}

#[test]
fn command_line_keys_and_exit_codes() {
    let v = json_of(
        &["pwl", "relu(x) - 2*relu(x - 1) + relu(x - 2)", "--json"],
        0,
    );
    assert_eq!(v["piecewise_linear"], true);
    assert_eq!(v["continuous"], true);
    assert_eq!(v["breakpoints"], serde_json::json!(["0", "1", "2"]));
    assert_eq!(v["pieces"][2]["slope"], "-1");
    assert_eq!(v["pieces"][2]["intercept"], "2");
    assert_eq!(v["pieces"][0]["from"], serde_json::Value::Null);
    let v = json_of(&["pwl", "heaviside(x - 1/2)", "--json"], 0);
    assert_eq!(v["continuous"], false);
    assert_eq!(v["breakpoints"], serde_json::json!(["1/2"]));
    assert_eq!(v["values"][0]["right_limit"], "1");
    let v = json_of(&["pwl", "relu(x)^2", "--json"], 0);
    assert_eq!(v["piecewise_linear"], false);
    let v = json_of(&["pwl", "sigmoid(x)", "--json"], 0);
    assert_eq!(v["piecewise_linear"], false);
    assert!(v["witness"]["at"].is_string());
    let v = json_of(&["pwl", "sigmoid(x) + sigmoid(-x)", "--json"], 3);
    assert_eq!(v["verdict"], "unknown");
    json_of(&["pwl", "prelu(x, alpha)", "--json"], 3);
    // Other names beside x are parameters (unknown until given values); without x,
    // two variables are bad input, as is a parse error (shown with a caret).
    actsym().args(["pwl", "relu(x) + y"]).assert().code(3);
    actsym().args(["pwl", "relu(a) + b"]).assert().code(2);
    let v = json_of(&["pwl", "relu(t - 1)", "--json"], 0);
    assert_eq!(
        (v["var"].as_str(), v["breakpoints"][0].as_str()),
        (Some("t"), Some("1"))
    );
    actsym()
        .args(["pwl", "relu(x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("^"));
}

#[test]
fn a_network_file_holds_definitions_then_the_output() {
    let dir = std::env::temp_dir().join(format!("actsym-pwl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("net.act");
    std::fs::write(
        &path,
        "# a 1-2-1 ReLU network\nh1(x) = relu(2*x - 1)\nh2(x) = relu(-x + 3)\nout(x) = h1(x) - 0.5*h2(x) + 1\nout(x)\n",
    )
    .expect("write");
    let p = path.to_string_lossy().to_string();
    let v = json_of(&["pwl", &p, "--json"], 0);
    assert_eq!(v["breakpoints"], serde_json::json!(["1/2", "3"]));
    assert_eq!(v["continuous"], true);
    // A parse error in the file names the file.
    std::fs::write(&path, "h(x) = relu(x\nh(x)\n").expect("write");
    actsym()
        .args(["pwl", &p])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("net.act"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn along_a_segment_of_a_two_input_network() {
    // On x = t, y = 2t: x + y - 1 = 3t - 1 and x - y = -t <= 0, so the function is
    // relu(3t - 1), with one breakpoint inside the segment, at (1/3, 2/3).
    let v = json_of(
        &[
            "pwl",
            "relu(x + y - 1) - relu(x - y)",
            "--along",
            "x=0,y=0:x=1,y=2",
            "--json",
        ],
        0,
    );
    assert_eq!(v["var"], "t");
    assert_eq!(v["breakpoints"], serde_json::json!(["1/3"]));
    assert_eq!(
        v["along"]["points"][0],
        serde_json::json!({"x": "1/3", "y": "2/3"})
    );
    assert_eq!(v["pieces"][0]["from"], "0");
    assert_eq!(v["pieces"][1]["to"], "1");
    assert_eq!(v["pieces"][1]["slope"], "3");
    // Bare values follow the variables' alphabetical order; breakpoints outside the
    // segment are not reported.
    let v = json_of(
        &[
            "pwl",
            "relu(y - 5) + relu(x)",
            "--along",
            "-1,0:1,0",
            "--json",
        ],
        0,
    );
    assert_eq!(v["breakpoints"], serde_json::json!(["1/2"]));
    // A curved function on the segment, a witness inside it.
    let v = json_of(
        &["pwl", "sigmoid(x*y)", "--along", "-1,-1:1,1", "--json"],
        0,
    );
    assert_eq!(v["piecewise_linear"], false);
    // Bad segments: wrong count, unknown name, missing value, no colon.
    for bad in ["0:1", "x=0,z=1:x=1,y=1", "x=0:x=1,y=1", "0,0"] {
        actsym()
            .args(["pwl", "relu(x) + y", "--along", bad])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--along"));
    }
}

#[test]
fn regression_along_with_every_parameter_name_taken() {
    // The variables t, s and t_along left no name for the segment's parameter: a
    // panic ("three names cannot all be free"). The parameter is now t1.
    let v = json_of(
        &[
            "pwl",
            "relu(s + t + t_along)",
            "--along",
            "0,0,0:1,1,1",
            "--json",
        ],
        0,
    );
    assert_eq!(v["var"], "t1");
    assert_eq!(v["pieces"][0]["expr"], "3*t1");
}

#[test]
fn regression_along_takes_diffs_before_substituting() {
    // diff(e, x) binds x: substituted first, x stayed behind and the answer was
    // "unknown: x is a parameter". On x = y = t, y*relu'(x - 1/2) is 0, then t.
    let v = json_of(
        &[
            "pwl",
            "diff(relu(x - 1/2), x)*y",
            "--along",
            "0,0:1,1",
            "--json",
        ],
        0,
    );
    assert_eq!(v["breakpoints"], serde_json::json!(["1/2"]));
    assert_eq!(v["pieces"][1]["expr"], "t");
    assert_eq!(v["continuous"], false);
}

/// A random expression of x from the piecewise class: sums, products by constants,
/// max, min, abs, sign, if, heaviside, hard_tanh, relu6, leaky_relu and small powers.
fn random_pw(rng: &mut Rng, depth: u32) -> String {
    if depth == 0 || rng.next() % 5 == 0 {
        return if rng.next() % 2 == 0 {
            format!("{}*x + {}", rng.weight(), rng.weight())
        } else {
            rng.weight()
        };
    }
    let a = random_pw(rng, depth - 1);
    match rng.next() % 12 {
        0 => format!("({a}) + ({})", random_pw(rng, depth - 1)),
        1 => format!("{}*({a})", rng.weight()),
        2 => format!("max({a}, {})", random_pw(rng, depth - 1)),
        3 => format!("min({a}, {})", random_pw(rng, depth - 1)),
        4 => format!("abs({a})"),
        5 => format!("sign({a})"),
        6 => format!(
            "if({a} > {}, {}, {})",
            rng.weight(),
            random_pw(rng, depth - 1),
            random_pw(rng, depth - 1)
        ),
        7 => format!("heaviside({a})"),
        8 => format!("hard_tanh({a})"),
        9 => format!("relu6({a})"),
        10 => format!("leaky_relu({a})"),
        _ => format!("({a})*({})", random_pw(rng, depth - 1)),
    }
}

#[test]
fn random_piecewise_expressions_match_mpfr() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut analysed = 0;
    for _ in 0..300 {
        let src = random_pw(&mut rng, 4);
        let (mut g, e, x) = setup(&src);
        let Ok(f) = analyse(&mut g, e, x) else {
            continue;
        };
        analysed += 1;
        let body = actsym::defs::inline(&mut g, e);
        for (i, b) in f.breaks.iter().enumerate() {
            assert_value(&g, body, x, b, &f.at[i], &src);
        }
        for (i, p) in f.pieces.iter().enumerate() {
            let (lo, hi) = f.interval(i);
            // Two points in each piece (a piece is one polynomial on all of it).
            let pts = match (lo, hi) {
                (Some(l), Some(h)) => {
                    vec![(l * q(2, 1) + h) / q(3, 1), (l + h * q(2, 1)) / q(3, 1)]
                }
                (Some(l), None) => vec![l + q(1, 3), l + q(50, 1)],
                (None, Some(h)) => vec![h - q(1, 3), h - q(50, 1)],
                (None, None) => vec![q(-7, 2), q(5, 3)],
            };
            for pt in pts {
                assert_value(&g, body, x, &pt, &p.eval(&pt), &src);
            }
        }
        // The verdicts follow from the pieces.
        assert_eq!(
            f.is_linear(),
            f.pieces.iter().all(|p| p.degree() <= 1),
            "{src}"
        );
    }
    assert!(
        analysed > 200,
        "only {analysed} of 300 random expressions were analysed"
    );
}

/// Breakpoints with 10^5 digits print in full as text (a format width past u16::MAX
/// panicked in std's formatter; adversarial pass 3) and within the time limit.
#[test]
fn huge_breakpoints_print_without_panicking() {
    for (src, end) in [
        ("relu(x - 10^100000)", "x > 1000000000"),
        ("relu(x - 1/10^100000)", "x > 1/1000000000"),
    ] {
        let start = std::time::Instant::now();
        let out = actsym()
            .args(["pwl", src, "--time-limit", "60"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("pieces:"), "{src}: {}", &text[..200]);
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(end)),
            "{src}"
        );
        assert!(start.elapsed().as_secs() < 60, "{src}");
    }
}
