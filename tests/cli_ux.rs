//! The command line as users meet it: claims echoed as typed, strict flags with
//! suggestions, hints for other tools' notation, kink conventions on every command
//! that differentiates, exact values, stdin and file input, `-o` with `--force`,
//! completions and the man page, derive's text parsing back, simplify proving
//! constants. One helper runs a command; each test is a table of cases.

use assert_cmd::Command;

/// The outcome of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &str) -> Run {
    let out = Command::cargo_bin("actsym")
        .expect("the binary is built")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("actsym runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Arguments, exit code, texts that must appear, texts that must not.
type Case<'a> = (&'a [&'a str], i32, &'a [&'a str], &'a [&'a str]);

/// Runs each case and checks its exit code and that stdout + stderr contain every
/// expected piece and none of the forbidden ones.
#[track_caller]
fn check_runs(cases: &[Case]) {
    for (args, code, present, absent) in cases {
        let r = run(args, "");
        let all = format!("{}{}", r.stdout, r.stderr);
        assert_eq!(r.code, *code, "actsym {args:?}: exit code\n{all}");
        for p in *present {
            assert!(all.contains(p), "actsym {args:?}: no {p:?} in\n{all}");
        }
        for a in *absent {
            assert!(!all.contains(a), "actsym {args:?}: {a:?} in\n{all}");
        }
    }
}

#[test]
fn claims_are_echoed_as_typed_and_refutations_do_not_contradict_themselves() {
    check_runs(&[
        (
            &["check", "erf(x) + erf(-x) = 0"],
            0,
            &["proved: erf(x) + erf(-x) = 0\n"],
            &["0 = 0"],
        ),
        (
            &["check", "sqrt(x^2)  =  abs(x)"],
            0,
            &["proved: sqrt(x^2) = abs(x)\n"],
            &["read as"],
        ),
        (
            &["check", "sqrt(x^2) = abs(x)", "--explain"],
            0,
            &["proved: sqrt(x^2) = abs(x)\n", "read as: abs(x) = abs(x)"],
            &[],
        ),
        (
            &["check", "log(x*y) = log(x) + log(y)", "--explain"],
            1,
            &["refuted: log(x*y) = log(x) + log(y)"],
            &["may still hold"],
        ),
        (
            &["derive", "x^2", "--json"],
            0,
            &["\"expression\":\"x^2\""],
            &[],
        ),
    ]);
    // The sides agree to the printed digits: the difference comes first.
    let r = run(&["check", "exp(x) = exp(x) + 1e-30"], "");
    assert_eq!(r.code, 1);
    let diff = r
        .stdout
        .find("left - right: -1e-30")
        .expect("the difference");
    let left = r.stdout.find("left side:").expect("the left side");
    assert!(diff < left, "{}", r.stdout);
}

#[test]
fn flags_are_strict_and_suggest_the_nearest() {
    check_runs(&[
        (
            &["derive", "--wtr", "x", "x^2"],
            2,
            &["unknown flag '--wtr'", "did you mean '--wrt'?"],
            &[],
        ),
        (&["derive", "x^2", "--wtr", "x"], 2, &["'--wrt'"], &[]),
        (
            &["eval", "--digts", "5", "x"],
            2,
            &["did you mean '--digits'?"],
            &["unexpected argument '5'"],
        ),
        (&["eval", "-digits", "5", "x"], 2, &["'--digits'"], &[]),
        (&["eval", "-x", "--at", "x=2"], 0, &["-2\n"], &[]),
        (&["eval", "-x^2 + 1", "--at", "x=2"], 0, &["-3\n"], &[]),
        (&["eval", "--at", "x=2", "--", "-x"], 0, &["-2\n"], &[]),
        (&["eval", "--grid", "-1:1:3", "-x"], 0, &["-1  1\n"], &[]),
        (
            &["eval", "x", "--grid", "0:1:2", "--csv", "--json"],
            2,
            &["--csv"],
            &[],
        ),
        (
            &["pwl", "network.act"],
            2,
            &["no such file: network.act"],
            &["expected an operator"],
        ),
        (
            &["prove", "/no/such.prove"],
            2,
            &["no such file: /no/such.prove"],
            &[],
        ),
        (
            &["eval", "x", "--defs", "/no/such.act"],
            2,
            &["no such file: /no/such.act"],
            &[],
        ),
        (
            &["eval", "--file", "/no/expr.txt"],
            2,
            &["no such file: /no/expr.txt"],
            &[],
        ),
    ]);
}

#[test]
fn hints_for_what_users_of_other_tools_type() {
    check_runs(&[
        (&["eval", "ln(x)", "--at", "x=1"], 2, &["log"], &["ln*("]),
        (
            &["eval", "sin(x)", "--at", "x=1"],
            2,
            &["not in actsym's language", "tanh"],
            &["'min'"],
        ),
        (
            &["eval", "e^x", "--at", "x=1"],
            2,
            &["write exp(x) for e^x"],
            &[],
        ),
        (
            &["eval", "e**(-x/2)", "--at", "x=1"],
            2,
            &["write exp(-x/2) for e**(-x/2)"],
            &[],
        ),
        (&["eval", "2*e", "--at", "x=1"], 2, &["exp(1)"], &[]),
        (&["check", "x == x"], 2, &["found '=='", "single '='"], &[]),
        (&["eval", "x**2", "--at", "x=3"], 0, &["9\n"], &[]),
        (
            &["eval", "σ(x)", "--at", "x=0"],
            2,
            &["write sigmoid(...) for σ"],
            &[],
        ),
        (
            &["eval", "√x", "--at", "x=4"],
            2,
            &["write sqrt(...) for √"],
            &[],
        ),
        (&["eval", "2·x − x²", "--at", "x=3"], 0, &["-3\n"], &[]),
        (&["eval", "π×2", "--digits", "5"], 0, &["6.2832\n"], &[]),
        (
            &["check", "relu(x) = x where x ≥ 0"],
            0,
            &["proved: relu(x) = x where x ≥ 0"],
            &[],
        ),
    ]);
}

#[test]
fn every_command_that_differentiates_takes_kink() {
    check_runs(&[
        (
            &["eval", "diff(relu(x), x)", "--at", "x=0"],
            0,
            &["0\n"],
            &[],
        ),
        (
            &["eval", "diff(relu(x), x)", "--at", "x=0", "--kink", "right"],
            0,
            &["1\n"],
            &[],
        ),
        (
            &[
                "eval",
                "diff(abs(x), x)",
                "--at",
                "x=0",
                "--kink",
                "autodiff",
            ],
            0,
            &["0\n"],
            &[],
        ),
        (
            &[
                "eval",
                "diff(relu(x), x)",
                "--at",
                "x=0",
                "--kink",
                "right",
                "--fast",
            ],
            0,
            &["1\n"],
            &[],
        ),
        (
            &["check", "diff(relu(x), x) = heaviside(x)"],
            0,
            &["proved"],
            &[],
        ),
        (
            &[
                "check",
                "diff(relu(x), x) = heaviside(x)",
                "--kink",
                "right",
            ],
            1,
            &["x = 0"],
            &[],
        ),
        (
            &["simplify", "diff(abs(x), x)", "--kink", "autodiff"],
            0,
            &["sign(x)"],
            &[],
        ),
        (
            &["pwl", "diff(relu(x), x)", "--kink", "right", "--json"],
            0,
            &["\"value\":\"1\""],
            &[],
        ),
    ]);
    let dir = temp_dir("kink");
    let chain = dir.join("kink.prove");
    std::fs::write(
        &chain,
        "claim: diff(relu(x), x) = heaviside(x)\n= heaviside(x)\n",
    )
    .expect("write");
    let path = chain.to_str().expect("utf-8");
    check_runs(&[
        (
            &["prove", path],
            0,
            &["the chain proves the claim (1 step)"],
            &["1 steps"],
        ),
        (
            &["prove", path, "--kink", "right"],
            1,
            &["breaks at step 1"],
            &[],
        ),
    ]);
}

#[test]
fn exact_values_print_exactly() {
    check_runs(&[
        (&["eval", "1/3"], 0, &["1/3\n"], &[]),
        (&["eval", "1/3", "--digits", "5"], 0, &["0.33333\n"], &[]),
        (&["eval", "sigmoid(0)"], 0, &["0.5\n"], &[]),
        (
            &["eval", "2^100"],
            0,
            &["1267650600228229401496703205376\n"],
            &[],
        ),
        (
            &["eval", "x/7", "--at", "x=2", "--json"],
            0,
            &["\"exact\":\"2/7\"", "\"value\":\"0.285714"],
            &[],
        ),
    ]);
}

/// A fresh folder for one test's files.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("actsym-ux-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn input_from_stdin_and_files_and_grids_to_files() {
    for (args, stdin, expected) in [
        (&["eval", "-", "--at", "x=2"][..], "  x^2 + 1\n", "5\n"),
        (
            &["derive", "-"][..],
            "sigmoid(x)",
            "sigmoid(x)*(1 - sigmoid(x))\n",
        ),
        (&["simplify", "-"][..], "sigmoid(x) + sigmoid(-x)", "1\n"),
        (
            &["check", "-"][..],
            "tanh(x) + 1 = 2*sigmoid(2*x)",
            "proved: tanh(x) + 1 = 2*sigmoid(2*x)\n",
        ),
        (&["pwl", "-"][..], "relu(x)", "piecewise linear: yes"),
        (
            &["prove", "-"][..],
            "claim: x = x\n= x\n",
            "the chain proves the claim (1 step)",
        ),
        (
            &["derive", "--file", "-"][..],
            "relu(x)",
            "if(x > 0, 1, 0)\n",
        ),
    ] {
        let r = run(args, stdin);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.contains(expected), "{args:?}: {}", r.stdout);
    }
    let dir = temp_dir("files");
    let expr = dir.join("long.expr");
    std::fs::write(&expr, "# a long expression\nf(x) = x^2\nf(x) + 1\n").expect("write");
    let out = dir.join("table.csv");
    let (expr, out_s) = (expr.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
    check_runs(&[
        (&["eval", "--file", expr, "--at", "x=3"], 0, &["10\n"], &[]),
        (
            &["eval", "relu(x)", "--grid", "-1:1:3", "-o", out_s],
            0,
            &["wrote 3 rows"],
            &[],
        ),
        (
            &["eval", "x", "--grid", "0:1:2", "-o", out_s],
            2,
            &[out_s, "--force"],
            &[],
        ),
        (
            &[
                "eval", "x", "--grid", "0:1:2", "--fast", "-o", out_s, "--force",
            ],
            0,
            &[],
            &[],
        ),
        (&["eval", "x", "--force"], 2, &["--output"], &[]),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        "x,x\n0,0\n1,1\n"
    );
    // Not a terminal: no progress bar, only the table.
    let r = run(&["eval", "sigmoid(x)", "--grid", "-4:4:400"], "");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

#[test]
fn grids_and_tapes() {
    check_runs(&[
        (
            &["eval", "sigmoid(x)", "--grid", "-1e308:1e308:3", "--fast"],
            0,
            &["-1e308  0\n", "0  0.5\n", "1e308  1\n"],
            &["NaN", "inf"],
        ),
        (
            &["eval", "sigmoid(x)", "--grid", "-1e309:0:3", "--fast"],
            2,
            &["range of f64"],
            &[],
        ),
        (
            &["eval", "x", "--grid", "0:1/3:4", "--fast", "--csv"],
            0,
            &["0.1111111111111111\n"],
            &[],
        ),
        (
            &["eval", "sigmoid(x)", "--at", "x=0", "--show-tape"],
            0,
            &["# tape:", "sigmoid", "\n0.5\n"],
            &[],
        ),
        (
            &["eval", "sigmoid(x)", "--at", "x=0", "--show-tape", "--fast"],
            0,
            &["# tape:", "\n0.5\n"],
            &[],
        ),
    ]);
}

#[test]
fn latex_keeps_the_meaning_of_fractional_powers() {
    for (expr, latex) in [
        ("(-1)^(1/3)", "(-1)^{1/3}\n"),
        ("x^(1/3)", "x^{1/3}\n"),
        ("abs(x)^(1/3)", "\\sqrt[3]{\\left|x\\right|}\n"),
        ("sqrt(1 + x^2)", "\\sqrt{x^{2} + 1}\n"),
    ] {
        let r = run(&["simplify", expr, "--format", "latex"], "");
        assert_eq!(r.stdout, latex, "{expr}");
    }
}

#[test]
fn completions_and_the_man_page() {
    for (shell, marker) in [
        ("bash", "_actsym()"),
        ("zsh", "#compdef actsym"),
        ("fish", "complete -c actsym"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let r = run(&["completions", shell], "");
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains(marker), "{shell}");
        assert!(r.stdout.contains("kink"), "{shell} completes flags");
    }
    let r = run(&["man"], "");
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.contains(".TH actsym"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("completions"));
}

#[test]
fn derive_and_simplify_print_text_that_parses_back() {
    let r = run(&["derive", "swish(x, beta)"], "");
    assert_eq!(r.stdout, "s + beta*s*x*(1 - s) where s = sigmoid(beta*x)\n");
    let printed = r.stdout.trim();
    // The printed form is the derivative: the same expression once parsed.
    let (main, names) = printed.split_once(" where ").expect("a shared form");
    let claim = format!("{main} = diff(swish(x, beta), x) where {names}");
    check_runs(&[
        (&["simplify", printed], 0, &[printed], &[]),
        (
            &["eval", printed, "--at", "x=1", "beta=2", "--digits", "10"],
            0,
            &["1.09"],
            &[],
        ),
        (&["check", &claim], 0, &["proved"], &[]),
        (
            &["derive", "swish(x, beta)", "--inline"],
            0,
            &["sigmoid(beta*x)*(1 - sigmoid(beta*x))"],
            &["where"],
        ),
        (&["eval", "s*t where t = 2, s = t + 1"], 0, &["6\n"], &[]),
        (
            &["eval", "s*t where s = t + 1, t = 2"],
            2,
            &["'t' is used before its binding"],
            &[],
        ),
        (
            &["eval", "s where s = s + 1"],
            2,
            &["defined in terms of itself"],
            &[],
        ),
        (
            &["eval", "x where x > 0", "--at", "x=1"],
            2,
            &["needs a claim"],
            &[],
        ),
    ]);
}

#[test]
fn simplify_prints_proved_constants_and_keeps_domains() {
    for (expr, expected) in [
        ("sigmoid(x) + sigmoid(-x)", "1\n"),
        ("tanh(x) + 1 - 2*sigmoid(2*x)", "0\n"),
        ("cosh(x)^2 - sinh(x)^2", "1\n"),
    ] {
        assert_eq!(run(&["simplify", expr], "").stdout, expected, "{expr}");
    }
    let kept = run(&["simplify", "x/x + sigmoid(x) + sigmoid(-x)"], "").stdout;
    assert!(kept.contains("x/x"), "{kept}");
}

#[test]
fn prove_messages_and_carets_name_the_same_position() {
    let dir = temp_dir("prove");
    let file = dir.join("open.prove");
    std::fs::write(&file, "claim: x = x\n= (x + 1\n").expect("write");
    let r = run(&["prove", file.to_str().expect("utf-8")], "");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("'(' at 2:3"), "{}", r.stderr);
    assert!(r.stderr.contains("open.prove:2:9"), "{}", r.stderr);
}
