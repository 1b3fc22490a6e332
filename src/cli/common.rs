//! Flag types that several commands share: the kink convention and the output format
//! of formulas, and taking `diff(...)` under the chosen convention.

use actsym::diff::Kink;
use actsym::expr::{ExprId, Graph};

use super::CliError;

/// Kink conventions on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KinkArg {
    /// The left-hand derivative (the chapter's convention).
    #[default]
    Left,
    /// The right-hand derivative.
    Right,
    /// What reverse-mode autodiff computes (relu'(0) = 0).
    Autodiff,
}

impl KinkArg {
    /// The library's convention.
    pub fn kink(self) -> Kink {
        match self {
            KinkArg::Left => Kink::Left,
            KinkArg::Right => Kink::Right,
            KinkArg::Autodiff => Kink::Autodiff,
        }
    }
}

/// Output formats of `derive` and `simplify`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The actsym language (parses back), shared subterms named when shorter.
    Text,
    /// LaTeX.
    Latex,
    /// One JSON object with text, LaTeX and the expression tree (same as --json).
    Json,
}

/// The output format from `--format` and `--json` (which is `--format json`).
pub fn format_of(format: Option<Format>, json: bool) -> Result<Format, CliError> {
    match (format, json) {
        (Some(f), true) if f != Format::Json => Err(CliError::new(
            "conflicting_flags",
            "--json prints JSON; it cannot be combined with --format text or latex",
        )),
        (_, true) => Ok(Format::Json),
        (Some(f), false) => Ok(f),
        (None, false) => Ok(Format::Text),
    }
}

/// Takes every `diff(e, x)` under `kink` (the library's `unfold_diffs`).
pub fn unfold_diffs(g: &mut Graph, e: ExprId, kink: KinkArg) -> Result<ExprId, CliError> {
    actsym::unfold::unfold_diffs(g, e, kink.kink())
        .map_err(|err| CliError::new("derivative_error", err.to_string()))
}
