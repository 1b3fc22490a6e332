//! `actsym exercises` on the command line: `run` itself passes, `check` exit codes and
//! what a student reads, answers from stdin and files, and `grade` with its table,
//! CSV and `--force`.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn run_passes_every_reference_answer() {
    actsym()
        .args(["exercises", "run"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("22 of 22 exercises pass"))
        .stdout(predicate::str::contains("5a  "))
        .stdout(predicate::str::contains("\n1  "))
        .stdout(predicate::str::contains("5b  "))
        .stdout(predicate::str::contains("FAIL").not());
}

/// `check ID --answer TEXT`: the exit code and a piece of what the student reads.
fn check(id: &str, answer: &str, code: i32, says: &str) {
    actsym()
        .args(["exercises", "check", id, "--answer", answer])
        .assert()
        .code(code)
        .stdout(predicate::str::contains(says));
}

#[test]
fn check_exit_codes_and_diagnoses() {
    check("2", "if(x > 0, 1, alpha)", 0, "correct");
    check(
        "2",
        "if(x >= 0, 1, alpha)",
        1,
        "the right-hand derivative: at x = 0 your answer gives 1; the chapter takes the left-hand derivative there, alpha",
    );
    check(
        "3",
        "sigmoid(beta*x) + x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
        1,
        "[missing_factor]",
    );
    check("3", "2x", 2, "^^");
    check("7", "depth = 5", 0, "< 0.001 (certified)");
    check("4", "w*relu(x)", 0, "for every value of w");
    check("4", "-relu(x)", 0, "correct");
    check(
        "1",
        "2*(3*x + 1) - 1 = 6*x + 2",
        1,
        "[wrong_collapse]: Your network collapses to 6*x + 1, not to 6*x + 2",
    );
    check(
        "1",
        r#"{"inputs": 2, "layers": [{"weights": [["1", "1"]]}, {"weights": [["1"], ["2"]]}]}"#,
        0,
        "rank 1 over Q",
    );
    check(
        "5b",
        "tanh(x) = 2*sigmoid(2*x)",
        1,
        "[bias_shift]: The networks differ",
    );
    check(
        "5b",
        "v*tanh(w*x + b) + c = 2*v*sigmoid(2*w*x + 2*b) + c - v",
        0,
        "for every value of",
    );
}

#[test]
fn list_shows_every_part() {
    let out = actsym()
        .args(["exercises", "list"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("UTF-8");
    for id in ["1", "2", "3", "4", "5a", "5b", "6", "7"] {
        assert!(
            out.lines().any(|l| l.split_whitespace().next() == Some(id)),
            "{id} missing from:\n{out}"
        );
    }
}

#[test]
fn answers_from_stdin_and_files() {
    actsym()
        .args(["exercises", "check", "5a", "--answer", "-"])
        .write_stdin("claim: tanh(x) + 1 = 2*sigmoid(2*x)\n= 2/(1 + exp(-2*x))\n= 2*sigmoid(2*x)\n")
        .assert()
        .code(0);
    let dir = scratch("exercises-cli-files");
    let f = dir.join("answer.prove");
    std::fs::write(&f, "claim: tanh(x) + 1 = 2*sigmoid(2*x)\n= 2*sigmoid(x)\n").expect("writable");
    actsym()
        .args(["exercises", "check", "5a", "--answer-file"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[step_refuted]: Step 1 (line 2)"));
    actsym()
        .args([
            "exercises",
            "check",
            "5a",
            "--answer-file",
            "/no/such/file.prove",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    actsym()
        .args(["exercises", "check", "99", "--answer", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no exercise '99'"));
    actsym().args(["exercises", "check", "2"]).assert().code(2);
}

#[test]
fn grade_prints_marks_writes_csv_and_never_overwrites() {
    let dir = scratch("exercises-cli-grade");
    std::fs::write(
        dir.join("ada.toml"),
        "student = \"Ada\"\n2 = \"if(x > 0, 1, alpha)\"\n3 = \"sigmoid(beta*x)\"\n7 = { file = \"ada7.txt\" }\n",
    )
    .expect("writable");
    std::fs::write(dir.join("ada7.txt"), "depth = 6\n").expect("writable");
    std::fs::write(
        dir.join("bob.toml"),
        "student = \"Bob\"\n2 = \"if(x >= 0, 1, alpha)\"\n7 = \"depth = \"\n",
    )
    .expect("writable");
    std::fs::write(dir.join("eve.toml"), "2 = \"x\"\n").expect("writable");
    let csv = dir.join("grades.csv");
    let sheets = ["ada.toml", "bob.toml", "eve.toml"].map(|s| dir.join(s));
    actsym()
        .args(["exercises", "grade"])
        .args(&sheets)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("Ada      ✓  ✗  ✓  2/3"))
        .stdout(predicate::str::contains("Bob      ✗  ·  ?  0/3"))
        .stdout(predicate::str::contains("student = \"name\""));
    let written = std::fs::read_to_string(&csv).expect("the CSV");
    let rows: Vec<&str> = written
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |p| p.0))
        .collect();
    assert_eq!(
        rows,
        [
            "student,id,verdict,diagnosis",
            "Ada,2,correct,",
            "Ada,3,incorrect,missing_term",
            "Ada,7,correct,",
            "Bob,2,incorrect,right_hand_kink",
            "Bob,3,missing,",
            "Bob,7,unreadable,",
            "eve,2,unreadable,sheet_unreadable",
            "eve,3,unreadable,sheet_unreadable",
            "eve,7,unreadable,sheet_unreadable",
        ]
    );
    actsym()
        .args(["exercises", "grade"])
        .arg(&sheets[0])
        .arg("-o")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&csv).expect("kept"), written);
    actsym()
        .args(["exercises", "grade"])
        .arg(&sheets[0])
        .arg("-o")
        .arg(&csv)
        .arg("--force")
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&csv)
            .expect("replaced")
            .lines()
            .count(),
        4
    );
}
