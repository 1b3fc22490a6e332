//! A snapshot of every command's `--help` (insta): a change of flags or wording is
//! a deliberate snapshot update, and `docs/cli.md` is checked to name every flag.

use assert_cmd::Command;

/// The commands, as `actsym <name> --help` takes them ("" is the top level).
const COMMANDS: [&str; 15] = [
    "",
    "derive",
    "simplify",
    "eval",
    "check",
    "bound",
    "prove",
    "pwl",
    "convert",
    "defs",
    "plot",
    "completions",
    "man",
    "exercises",
    "fuzz",
];

fn help(command: &str) -> String {
    let mut cmd = Command::cargo_bin("actsym").expect("the binary is built");
    if !command.is_empty() {
        cmd.arg(command);
    }
    let out = cmd
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .expect("runs");
    assert!(out.status.success(), "actsym {command} --help failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn help_of_every_command() {
    for command in COMMANDS {
        let name = if command.is_empty() { "top" } else { command };
        insta::assert_snapshot!(format!("help_{name}"), help(command));
    }
}

#[test]
fn the_reference_names_every_flag_of_every_command() {
    let reference = std::fs::read_to_string("docs/cli.md").expect("docs/cli.md");
    for command in COMMANDS.iter().filter(|c| !c.is_empty()) {
        assert!(
            reference.contains(&format!("actsym {command}")),
            "docs/cli.md does not describe `actsym {command}`"
        );
        let text = help(command);
        for flag in text
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.trim_end_matches([',', '.', ')', ']']))
            .map(|w| w.split(['=', '[', '<']).next().unwrap_or(w))
        {
            assert!(
                reference.contains(flag),
                "docs/cli.md does not mention {flag} of `actsym {command}`"
            );
        }
    }
}
