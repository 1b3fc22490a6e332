//! Every command's `--json` output, for success and for each kind of error, is
//! exactly one JSON object on stdout that validates against the command's schema in
//! `docs/schemas/`, with the documented exit code and error `code`.

mod cli_json {
    pub mod schema;
}

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cli_json::schema::Schemas;

/// One run: the schema, the arguments, stdin, the exit code and, for an error, its
/// `code`.
struct Case {
    schema: &'static str,
    args: Vec<String>,
    stdin: Option<&'static str>,
    exit: i32,
    error: Option<&'static str>,
}

fn case(schema: &'static str, args: &[&str], exit: i32, error: Option<&'static str>) -> Case {
    Case {
        schema,
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: None,
        exit,
        error,
    }
}

/// A folder with the files the cases read and write.
fn fixtures() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("actsym-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let files = [
        (
            "good.prove",
            "claim: tanh(x) + 1 = 2*sigmoid(2*x)\n= 2*sigmoid(2*x)\n",
        ),
        ("bad.prove", "claim: x + 1 = x + 2\n= x + 2\n"),
        ("broken.prove", "claim: x = x\n= (x + 1\n"),
        ("empty.prove", "claim: x = x\n"),
        ("claim.act", "sigmoid(x) = 1/(1 + exp(-x))\n"),
        ("net.act", "h(x) = relu(x) - relu(x - 1)\nh(2*x)\n"),
        ("taken.csv", "x,y\n"),
        (
            "net.json",
            r#"{"inputs": 1, "layers": [{"weights": [["1/2"], ["-3"]], "bias": ["1", "0"], "activation": "relu"}, {"weights": [["1", "-2"]], "bias": ["0"], "activation": "identity"}]}"#,
        ),
        (
            "net2.json",
            r#"{"inputs": 2, "layers": [{"weights": [["1", "1"], ["1", "-1"]], "bias": ["0", "-1/2"], "activation": "relu"}, {"weights": [["1", "2"]], "bias": ["0"], "activation": "identity"}]}"#,
        ),
        (
            "linear.json",
            r#"{"inputs": 2, "layers": [{"weights": [["1", "2"]], "bias": ["1"], "activation": "identity"}, {"weights": [["1"], ["3"]], "bias": ["0", "1"], "activation": "identity"}]}"#,
        ),
        (
            "tanh.json",
            r#"{"inputs": 1, "layers": [{"weights": [["1"], ["-1/2"]], "bias": ["0", "1"], "activation": "tanh"}, {"weights": [["1", "3"]], "bias": ["0"], "activation": "identity"}]}"#,
        ),
        (
            "badnet.json",
            r#"{"inputs": 1, "layers": [{"weights": [["1", "2"]], "bias": ["0"], "activation": "relu"}]}"#,
        ),
        (
            "sheet.toml",
            "student = \"Ada\"\n2 = \"if(x > 0, 1, alpha)\"\n7 = \"x = 0\"\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write a fixture");
    }
    let _ = std::fs::remove_file(dir.join("out.csv"));
    dir
}

fn cases(dir: &Path) -> Vec<Case> {
    let p = |name: &str| dir.join(name).display().to_string();
    let (good, bad, broken, empty) = (
        p("good.prove"),
        p("bad.prove"),
        p("broken.prove"),
        p("empty.prove"),
    );
    let (claim_defs, net, taken, out) =
        (p("claim.act"), p("net.act"), p("taken.csv"), p("out.csv"));
    let svg = p("plot.svg");
    let sheet = p("sheet.toml");
    let mut all = vec![
        // derive
        case("derive", &["derive", "swish(x, beta)", "--json"], 0, None),
        case(
            "derive",
            &["derive", "relu(x)", "--format", "json", "--kink", "right"],
            0,
            None,
        ),
        case(
            "derive",
            &["derive", "2x", "--json"],
            2,
            Some("implicit_multiplication"),
        ),
        case(
            "derive",
            &["derive", "--wtr", "x", "x^2", "--json"],
            2,
            Some("unknown_flag"),
        ),
        case(
            "derive",
            &["derive", "x", "--order", "0", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "derive",
            &["derive", "x", "--order", "100", "--json"],
            2,
            Some("derivative_error"),
        ),
        case(
            "derive",
            &["derive", "a*b", "--json"],
            2,
            Some("ambiguous_variable"),
        ),
        case(
            "derive",
            &["derive", "x", "--json", "--format", "latex"],
            2,
            Some("conflicting_flags"),
        ),
        case(
            "derive",
            &["derive", "--file", "/no/such.act", "--json"],
            2,
            Some("no_such_file"),
        ),
        case(
            "derive",
            &["derive", "x", "--defs", "/no/such.act", "--json"],
            2,
            Some("no_such_file"),
        ),
        case(
            "derive",
            &["derive", "sin(x)", "--json"],
            2,
            Some("unknown_function"),
        ),
        case(
            "derive",
            &["derive", "x", "--kink", "middle", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        // simplify
        case(
            "simplify",
            &["simplify", "sigmoid(x) + sigmoid(-x)", "--json"],
            0,
            None,
        ),
        case(
            "simplify",
            &["simplify", "x = 1", "--json"],
            2,
            Some("wrong_statement"),
        ),
        case(
            "simplify",
            &["simplify", "e^x", "--json"],
            2,
            Some("not_in_language"),
        ),
        case(
            "simplify",
            &["simplify", "s where s = s + 1", "--json"],
            2,
            Some("bad_binding"),
        ),
        // eval
        case("eval", &["eval", "1/3", "--json"], 0, None),
        case(
            "eval",
            &[
                "eval",
                "sigmoid(x)",
                "--at",
                "x=1",
                "--fast",
                "--show-tape",
                "--json",
            ],
            0,
            None,
        ),
        case(
            "eval",
            &["eval", "sigmoid(x)", "--show-tape", "--json"],
            0,
            None,
        ),
        case(
            "eval",
            &["eval", "relu(x)", "--grid", "-1:1:3", "--json"],
            0,
            None,
        ),
        case(
            "eval",
            &["eval", "relu(x)", "--grid", "-1:1:3", "--fast", "--json"],
            0,
            None,
        ),
        case(
            "eval",
            &["eval", "relu(x)", "--grid", "-1:1:3", "-o", &out, "--json"],
            0,
            None,
        ),
        case(
            "eval",
            &[
                "eval", "relu(x)", "--grid", "-1:1:3", "-o", &taken, "--json",
            ],
            2,
            Some("file_exists"),
        ),
        case(
            "eval",
            &["eval", "log(x)", "--at", "x=0", "--json"],
            2,
            Some("undefined_value"),
        ),
        case(
            "eval",
            &["eval", "x + y", "--at", "x=1", "--json"],
            2,
            Some("unbound_variable"),
        ),
        case(
            "eval",
            &["eval", "x", "--at", "x=sqrt(2)", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "eval",
            &["eval", "x", "--at", "x=1", "--digits", "0", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "eval",
            &["eval", "x", "--grid", "0:1:3", "--csv", "--json"],
            2,
            Some("conflicting_flags"),
        ),
        case(
            "eval",
            &["eval", "x", "--grid", "-1e309:0:3", "--fast", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "eval",
            &["eval", "--digts", "5", "x", "--json"],
            2,
            Some("unknown_flag"),
        ),
        case(
            "eval",
            &["eval", "-digits", "5", "x", "--json"],
            2,
            Some("unknown_flag"),
        ),
        case("eval", &["eval", "--json"], 2, Some("missing_argument")),
        case(
            "eval",
            &["eval", "(x + 1", "--json"],
            2,
            Some("syntax_error"),
        ),
        // check
        case(
            "check",
            &[
                "check",
                "tanh(x) + 1 = 2*sigmoid(2*x)",
                "--json",
                "--explain",
            ],
            0,
            None,
        ),
        case(
            "check",
            &["check", "exp(x) = exp(x) + 1e-30", "--json"],
            1,
            None,
        ),
        case("check", &["check", "x/x = 1", "--json"], 1, None),
        case(
            "check",
            &["check", "x^2 + 3 > 2*sqrt(3)*x", "--json", "--explain"],
            1,
            None,
        ),
        case(
            "check",
            &["check", "0 < sigmoid(x) < 1", "--json", "--explain"],
            0,
            None,
        ),
        case(
            "check",
            &["check", "exp(x) >= 1 + x", "--json", "--explain"],
            0,
            None,
        ),
        // bound
        case(
            "bound",
            &["bound", "diff(sigmoid(x), x)", "--json"],
            0,
            None,
        ),
        case("bound", &["bound", "gelu(x)", "--json"], 0, None),
        case(
            "bound",
            &["bound", "x*exp(-x)", "--over", "0:4", "--json"],
            0,
            None,
        ),
        case(
            "bound",
            &["bound", "x +", "--json"],
            2,
            Some("syntax_error"),
        ),
        case(
            "bound",
            &["bound", "x", "--over", "3", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "bound",
            &["bound", "x", "--over", "1:0", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "bound",
            &["bound", "sigmoid(x)", "--over", "a:b", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "bound",
            &[
                "bound", "x", "--where", "x > 1", "--where", "x < 0", "--json",
            ],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "check",
            &["check", "x + 1", "--json"],
            2,
            Some("wrong_statement"),
        ),
        case(
            "check",
            &["check", "x == x", "--json"],
            2,
            Some("syntax_error"),
        ),
        case(
            "check",
            &["check", "x = x", "--time-limit", "0", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "check",
            &["check", "sin(x) = x", "--json"],
            2,
            Some("wrong_statement"),
        ),
        // prove
        case("prove", &["prove", &good, "--json"], 0, None),
        case("prove", &["prove", &bad, "--json", "--explain"], 1, None),
        case(
            "prove",
            &["prove", &broken, "--json"],
            2,
            Some("syntax_error"),
        ),
        case(
            "prove",
            &["prove", &empty, "--json"],
            2,
            Some("empty_chain"),
        ),
        case(
            "prove",
            &["prove", "/no/such.prove", "--json"],
            2,
            Some("no_such_file"),
        ),
        // pwl
        case("pwl", &["pwl", "relu(x) - relu(x - 1)", "--json"], 0, None),
        case("pwl", &["pwl", &net, "--json"], 0, None),
        case("pwl", &["pwl", "sigmoid(x)", "--json"], 0, None),
        case(
            "pwl",
            &[
                "pwl",
                "relu(x + y - 1)",
                "--along",
                "x=0,y=0:x=1,y=2",
                "--json",
            ],
            0,
            None,
        ),
        case(
            "pwl",
            &["pwl", "sigmoid(x) + sigmoid(-x)", "--json"],
            3,
            None,
        ),
        case(
            "pwl",
            &["pwl", "network.act", "--json"],
            2,
            Some("no_such_file"),
        ),
        case("pwl", &["pwl", "relu(x", "--json"], 2, Some("syntax_error")),
        case("pwl", &["pwl", &p("net.json"), "--json"], 0, None),
        case("pwl", &["pwl", &p("linear.json"), "--json"], 0, None),
        case(
            "pwl",
            &["pwl", &p("badnet.json"), "--json"],
            2,
            Some("bad_network"),
        ),
        case(
            "pwl",
            &["pwl", &p("net2.json"), "--box", "-1:1,-1:1", "--json"],
            0,
            None,
        ),
        case(
            "pwl",
            &[
                "pwl",
                "w2*relu(w1*x + b1) + b2",
                "--symbolic",
                "--explain",
                "--json",
            ],
            0,
            None,
        ),
        case(
            "pwl",
            &["pwl", "--shape", "1,4,1", "--activations", "relu", "--json"],
            0,
            None,
        ),
        // convert
        case(
            "convert",
            &["convert", &p("tanh.json"), "--to", "sigmoid", "--json"],
            0,
            None,
        ),
        case(
            "convert",
            &["convert", &net, "--to", "sigmoid", "--json"],
            2,
            Some("bad_input"),
        ),
        case(
            "convert",
            &["convert", &p("badnet.json"), "--to", "tanh", "--json"],
            2,
            Some("bad_network"),
        ),
        // defs
        case("defs", &["defs", "--json"], 0, None),
        case(
            "defs",
            &["defs", "--defs", &claim_defs, "--json"],
            2,
            Some("not_a_definition"),
        ),
        // plot
        case(
            "plot",
            &["plot", "relu(x)", "--terminal", "--json"],
            0,
            None,
        ),
        case(
            "plot",
            &["plot", "relu(x)", "-o", &svg, "--force", "--json"],
            0,
            None,
        ),
        case(
            "plot",
            &["plot", "relu(x)", "--range", "1:0", "--json"],
            2,
            Some("bad_input"),
        ),
        case(
            "plot",
            &["plot", "relu(x)", "--rang", "0:1", "--json"],
            2,
            Some("unknown_flag"),
        ),
        // completions and man
        case("completions", &["completions", "bash", "--json"], 0, None),
        case(
            "completions",
            &["completions", "powershell", "--json"],
            0,
            None,
        ),
        case(
            "completions",
            &["completions", "tcsh", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case("man", &["man", "--json"], 0, None),
        case("man", &["man", "--jsn", "--json"], 2, Some("unknown_flag")),
        // exercises
        case("exercises", &["exercises", "list", "--json"], 0, None),
        case("exercises", &["exercises", "show", "2", "--json"], 0, None),
        case(
            "exercises",
            &["exercises", "show", "99", "--json"],
            2,
            Some("unknown_exercise"),
        ),
        case(
            "exercises",
            &[
                "exercises",
                "check",
                "2",
                "--answer",
                "if(x > 0, 1, alpha)",
                "--json",
            ],
            0,
            None,
        ),
        case(
            "exercises",
            &[
                "exercises",
                "check",
                "2",
                "--answer",
                "if(x >= 0, 1, alpha)",
                "--json",
            ],
            1,
            None,
        ),
        case(
            "exercises",
            &[
                "exercises",
                "check",
                "2",
                "--answer",
                "if(x > 0, 1",
                "--json",
            ],
            2,
            None,
        ),
        case(
            "exercises",
            &["exercises", "check", "2", "--answr", "x", "--json"],
            2,
            Some("unknown_flag"),
        ),
        case(
            "exercises",
            &["exercises", "grade", &sheet, "--json"],
            0,
            None,
        ),
        case(
            "exercises",
            &["exercises", "grade", &sheet, "--csv", &taken, "--json"],
            2,
            Some("file_exists"),
        ),
    ];
    let shard = p("fuzz-shard.json");
    let _ = std::fs::remove_file(&shard);
    all.extend([
        case(
            "fuzz",
            &["fuzz", "print", "--cases", "20", "--json", "-o", &shard],
            0,
            None,
        ),
        case(
            "fuzz",
            &["fuzz", "merge", &shard, &shard, "--json"],
            0,
            None,
        ),
        case(
            "fuzz",
            &[
                "fuzz", "eval", "--expr", "exp(x)/x", "--at", "x=710", "--json",
            ],
            0,
            None,
        ),
        case(
            "fuzz",
            &[
                "fuzz",
                "identity",
                "tanh(x) = 2*sigmoid(2*x) - 1",
                "--cases",
                "5000",
                "--json",
            ],
            0,
            None,
        ),
        case(
            "fuzz",
            &[
                "fuzz",
                "identity",
                "tanh(x) = sigmoid(2*x)",
                "--cases",
                "5000",
                "--json",
            ],
            1,
            None,
        ),
        case(
            "fuzz",
            &["fuzz", "identity", "tanh(x = 1", "--json"],
            2,
            Some("syntax_error"),
        ),
        case(
            "fuzz",
            &["fuzz", "derve", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "fuzz",
            &["fuzz", "eval", "--shard", "4/4", "--json"],
            2,
            Some("bad_flag_value"),
        ),
        case(
            "fuzz",
            &["fuzz", "merge", &good, "--json"],
            2,
            Some("bad_input"),
        ),
    ]);
    all.push(Case {
        stdin: Some("sigmoid(x) = 1 - sigmoid(-x)\n"),
        ..case("check", &["check", "-", "--json"], 0, None)
    });
    all.push(Case {
        stdin: Some("if(x > 0, 1, alpha)"),
        ..case(
            "exercises",
            &["exercises", "check", "2", "--answer", "-", "--json"],
            0,
            None,
        )
    });
    all.push(Case {
        stdin: Some("claim: x = x\n= x\n"),
        ..case("prove", &["prove", "-", "--json"], 0, None)
    });
    all
}

#[test]
fn every_json_output_is_one_object_valid_against_its_schema() {
    let schemas = Schemas::load(Path::new("docs/schemas"));
    let dir = fixtures();
    let mut used = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for c in cases(&dir) {
        used.insert(format!("{}.json", c.schema));
        let mut cmd = Command::cargo_bin("actsym").expect("the binary is built");
        cmd.args(&c.args).current_dir(env!("CARGO_MANIFEST_DIR"));
        cmd.write_stdin(c.stdin.unwrap_or(""));
        let out = cmd.output().expect("actsym runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let shown = c.args.join(" ");
        if out.status.code() != Some(c.exit) {
            failures.push(format!(
                "{shown}: exit {:?}, expected {}",
                out.status.code(),
                c.exit
            ));
        }
        let value: serde_json::Value = match serde_json::from_str(&stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{shown}: stdout is not one JSON object ({e}): {stdout:?}"
                ));
                continue;
            }
        };
        if !stdout.ends_with("}\n") || stdout.matches('\n').count() != 1 {
            failures.push(format!("{shown}: not one line: {stdout:?}"));
        }
        for e in schemas.validate(&format!("{}.json", c.schema), &value) {
            failures.push(format!("{shown}: {e}"));
        }
        let code = value["error"]["code"].as_str();
        if code != c.error {
            failures.push(format!(
                "{shown}: error code {code:?}, expected {:?}",
                c.error
            ));
        }
        if let (Some(_), Some(exit)) = (code, value["error"]["exit_code"].as_i64()) {
            if Some(exit as i32) != out.status.code() {
                failures.push(format!("{shown}: exit_code {exit} is not the exit code"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for name in schemas.names() {
        assert!(
            used.contains(name) || name == "error.json",
            "docs/schemas/{name} has no case"
        );
    }
}

#[test]
fn the_schemas_reject_what_they_should() {
    let schemas = Schemas::load(Path::new("docs/schemas"));
    for (schema, text) in [
        (
            "check.json",
            r#"{"verdict": "maybe", "method": "", "claim": ""}"#,
        ),
        ("check.json", r#"{"verdict": "proved", "claim": ""}"#),
        ("eval.json", r#"{"value": 1}"#),
        (
            "error.json",
            r#"{"error": {"message": "m", "line": 0, "column": 1, "code": "x"}}"#,
        ),
        (
            "error.json",
            r#"{"error": {"message": "m", "line": null, "column": null}}"#,
        ),
        ("derive.json", r#"{"text": "x", "extra": true}"#),
    ] {
        let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert!(
            !schemas.validate(schema, &v).is_empty(),
            "{schema} accepted {text}"
        );
    }
}
