//! The state of one command: the graph with the prelude and the `--defs` files.

use std::path::PathBuf;

use actsym::defs::{self, Origin};
use actsym::expr::Graph;
use actsym::parse;

use super::input::read_file;
pub use super::input::INPUT_NAME;
use super::CliError;

/// The graph of one run.
pub struct Session {
    /// The expression graph, with the prelude and user definitions.
    pub graph: Graph,
}

impl Session {
    /// A graph with the prelude, then every `--defs` file in order.
    pub fn new(defs: &[PathBuf]) -> Result<Self, CliError> {
        let mut graph = Graph::with_prelude();
        for path in defs {
            let src = read_file(path, " (--defs)")?;
            let name = src.name.clone();
            let stmts = defs::parse_source(&mut graph, &src.text, Origin::User(name.clone()))
                .map_err(|e| CliError::parse(&src.text, &name, &e))?;
            if let Some(s) = stmts
                .iter()
                .find(|s| !matches!(s.kind, parse::StatementKind::Definition(_)))
            {
                let (line, column) = parse::line_col(&src.text, s.span.start);
                let why = match s.kind {
                    parse::StatementKind::Claim(_) => {
                        " (it is a claim: its left side is a function that is already defined)"
                    }
                    _ => "",
                };
                let mut err = CliError::new(
                    "not_a_definition",
                    format!(
                        "{name}:{line}: a --defs file holds definitions only, name(params) = expr; this line is not one{why}"
                    ),
                );
                err.detail.position = Some((line, column));
                err.detail.source = Some(name);
                return Err(err);
            }
        }
        Ok(Session { graph })
    }

    /// Renders a parse error of a command-line text.
    #[allow(dead_code)] // for commands that parse their own texts
    pub fn parse_error(src: &str, e: &parse::ParseError) -> CliError {
        CliError::parse(src, INPUT_NAME, e)
    }
}
