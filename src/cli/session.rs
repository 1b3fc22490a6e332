//! The state of one command: the graph with the prelude and the `--defs` files, and
//! the source texts read so far, so that any error can be shown with its line,
//! column and caret.

use std::path::PathBuf;

use actsym::defs::{self, Origin};
use actsym::expr::Graph;
use actsym::parse::{self, ParseError};

use super::EXIT_INPUT;

/// A failure of a command: the text to print on stderr and the exit code.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub code: u8,
    /// The message, already rendered.
    pub message: String,
}

impl CliError {
    /// Bad input (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_INPUT,
            message: message.into(),
        }
    }
}

/// The graph and the sources of one run.
pub struct Session {
    /// The expression graph, with the prelude and user definitions.
    pub graph: Graph,
}

/// The name under which command-line expressions appear in error messages.
pub const INPUT_NAME: &str = "<input>";

impl Session {
    /// A graph with the prelude, then every `--defs` file in order.
    pub fn new(defs: &[PathBuf]) -> Result<Self, CliError> {
        let mut graph = Graph::with_prelude();
        for path in defs {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::input(format!("error: cannot read --defs file {name}: {e}"))
            })?;
            let stmts = defs::parse_source(&mut graph, &text, Origin::User(name.clone()))
                .map_err(|e| CliError::input(e.render(&text, &name)))?;
            if let Some(s) = stmts
                .iter()
                .find(|s| !matches!(s.kind, parse::StatementKind::Definition(_)))
            {
                let (line, _) = parse::line_col(&text, s.span.start);
                let why = match s.kind {
                    parse::StatementKind::Claim(_) => {
                        " (it is a claim: its left side is a function that is already defined)"
                    }
                    _ => "",
                };
                return Err(CliError::input(format!(
                    "error: {name}:{line}: a --defs file holds definitions only, name(params) = expr; this line is not one{why}"
                )));
            }
        }
        Ok(Session { graph })
    }

    /// Renders a parse error of a command-line text.
    pub fn parse_error(src: &str, e: &ParseError) -> CliError {
        CliError::input(e.render(src, INPUT_NAME))
    }
}
