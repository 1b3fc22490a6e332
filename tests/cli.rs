//! The command line: exit codes, JSON keys, caret output and limits (DESIGN.md §3).

use assert_cmd::Command;
use predicates::prelude::*;

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

#[test]
fn eval_prints_certified_digits_far_outside_f64() {
    let out = actsym()
        .args([
            "eval",
            "--json",
            "--digits",
            "30",
            "sigmoid(x)",
            "--at",
            "x=-800",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON object");
    assert_eq!(v["value"], "3.66787458417768721345549565426e-348");
}

#[test]
fn eval_exact_values_and_several_variables() {
    actsym()
        .args([
            "eval",
            "swish(x, beta) - x*sigmoid(beta*x)",
            "--at",
            "x=3/2",
            "beta=0.1",
        ])
        .assert()
        .success()
        .stdout("0\n");
    actsym()
        .args(["eval", "relu(x) + 1/3", "--at", "x=-2", "--digits", "5"])
        .assert()
        .success()
        .stdout("0.33333\n");
    actsym()
        .args(["eval", "--at", "x=1/2", "sigmoid(0) + x"])
        .assert()
        .success()
        .stdout("1\n");
}

#[test]
fn eval_undefined_points_exit_2_naming_the_operation() {
    actsym()
        .args(["eval", "log(x)", "--at", "x=0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("log").and(predicate::str::contains("x = 0")));
    actsym()
        .args(["eval", "sqrt(x)", "--at", "x=-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sqrt").or(predicate::str::contains("power")));
    actsym()
        .args(["eval", "1/x", "--at", "x=0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("division by zero"));
}

#[test]
fn parse_errors_show_line_column_and_caret() {
    actsym()
        .args(["eval", "2x + 1", "--at", "x=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "implicit multiplication: write 2*x",
        ))
        .stderr(predicate::str::contains("<input>:1:1"))
        .stderr(predicate::str::contains("1 | 2x + 1\n  | ^^"));
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["eval", "x + y", "--at", "x=1"],
        vec!["eval", "x", "--at", "x=sqrt(2)"],
        vec!["eval", "x", "--at", "x"],
        vec!["eval", "x", "--at", "x=1", "--digits", "0"],
        vec!["eval", "sigmod(x)", "--at", "x=1"],
        vec!["eval", "relu(x, 2)", "--at", "x=1"],
        vec!["eval", "x", "--at", "x=1", "x=2"],
        vec!["eval", "x", "--no-such-flag"],
        vec!["no-such-command"],
    ] {
        actsym().args(&args).assert().code(2);
    }
}

#[test]
fn deep_nesting_fails_cleanly_and_moderate_nesting_works() {
    let deep = "(".repeat(10_000);
    actsym()
        .args(["eval", &deep])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nested too deeply"));
    let balanced = format!("{}x{}", "(".repeat(5_000), ")".repeat(5_000));
    actsym()
        .args(["eval", &balanced, "--at", "x=2"])
        .assert()
        .success()
        .stdout("2\n");
    let exps = format!("{}x{}", "exp(".repeat(2_000), ")".repeat(2_000));
    actsym()
        .args(["eval", &exps, "--at", "x=-1000000"])
        .assert()
        .code(predicate::in_iter([0, 2]));
}

#[test]
fn defs_lists_the_prelude_and_user_files() {
    actsym()
        .arg("defs")
        .assert()
        .success()
        .stdout(predicate::str::contains("sigmoid(x) = 1/(1 + exp(-x))"))
        .stdout(predicate::str::contains("gelu(x) = x*Phi(x)"));
    let dir = std::env::temp_dir().join(format!("actsym-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("mine.act");
    std::fs::write(&good, "# mine\nsquash(x) = x/(1 + abs(x))\n").expect("write");
    actsym()
        .args(["defs", "--defs", good.to_str().expect("utf-8 path")])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("# from")
                .and(predicate::str::contains("squash(x) = x/(1 + abs(x))")),
        );
    actsym()
        .args([
            "eval",
            "squash(x)",
            "--at",
            "x=-3",
            "--defs",
            good.to_str().expect("utf-8 path"),
        ])
        .assert()
        .success()
        .stdout("-0.75\n");
    let bad = dir.join("bad.act");
    std::fs::write(&bad, "f(x) = g(x)\ng(x) = f(x) + 1\n").expect("write");
    actsym()
        .args(["defs", "--defs", bad.to_str().expect("utf-8 path")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "recursive definition: f -> g -> f",
        ))
        .stderr(predicate::str::contains("bad.act:1:1"));
    actsym()
        .args(["defs", "--defs", "/no/such/file.act"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn help_has_examples() {
    actsym()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    actsym()
        .args(["eval", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--at"));
}
