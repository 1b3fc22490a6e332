//! `actsym completions SHELL` and `actsym man`: the shell completion scripts
//! (clap_complete) and the manual page (clap_mangen, roff), generated from the same
//! flag definitions as `--help`.

use clap_complete::Shell;
use serde_json::json;

use super::{command, emit, emit_json, CliError, EXIT_OK};

/// Flags of `actsym completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    shell: ShellArg,
    /// Print one JSON object {"shell", "script"}.
    #[arg(long)]
    json: bool,
}

/// Shells with completion scripts.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellArg {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// Flags of `actsym man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Print one JSON object {"roff"}.
    #[arg(long)]
    json: bool,
}

pub fn completions(args: &CompletionsArgs) -> Result<u8, CliError> {
    let (shell, name) = match args.shell {
        ShellArg::Bash => (Shell::Bash, "bash"),
        ShellArg::Zsh => (Shell::Zsh, "zsh"),
        ShellArg::Fish => (Shell::Fish, "fish"),
        ShellArg::Powershell => (Shell::PowerShell, "powershell"),
    };
    let mut cmd = command();
    let mut script: Vec<u8> = Vec::new();
    clap_complete::generate(shell, &mut cmd, "actsym", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    if args.json {
        emit_json(&json!({ "shell": name, "script": script }))?;
    } else {
        emit(&script)?;
    }
    Ok(EXIT_OK)
}

pub fn man(args: &ManArgs) -> Result<u8, CliError> {
    let mut roff: Vec<u8> = Vec::new();
    clap_mangen::Man::new(command())
        .render(&mut roff)
        .map_err(|e| CliError::new("write_failed", format!("cannot render the manual: {e}")))?;
    let roff = String::from_utf8_lossy(&roff).into_owned();
    if args.json {
        emit_json(&json!({ "roff": roff }))?;
    } else {
        emit(&roff)?;
    }
    Ok(EXIT_OK)
}
