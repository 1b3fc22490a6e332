//! Where the text of an EXPR or CLAIM comes from (the argument, stdin for `-`, or
//! `--file F`), parsing it with errors shown against that text, and echoing the
//! statement as the user typed it (whitespace normalised).

use std::io::Read;
use std::path::{Path, PathBuf};

use actsym::defs::{self, Origin};
use actsym::expr::{ExprId, Graph};
use actsym::parse::{self, Claim, ParseError, StatementKind, SyntaxError};

use super::error::file_error;
use super::CliError;

/// The name under which command-line expressions appear in error messages.
pub const INPUT_NAME: &str = "<input>";
/// The name of standard input in error messages.
pub const STDIN_NAME: &str = "<stdin>";

/// A source text and the name it is shown under in errors.
pub struct Source {
    /// The text.
    pub text: String,
    /// `<input>`, `<stdin>` or the file's path.
    pub name: String,
}

/// Reads all of stdin.
pub fn read_stdin() -> Result<Source, CliError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| {
        CliError::new(
            "unreadable_file",
            format!("cannot read standard input: {e}"),
        )
    })?;
    Ok(Source {
        text,
        name: STDIN_NAME.to_owned(),
    })
}

/// Reads a file named on the command line; `what` says which flag named it.
pub fn read_file(path: &Path, what: &str) -> Result<Source, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_error(what, path, &e))?;
    Ok(Source {
        text,
        name: path.display().to_string(),
    })
}

/// The text of an EXPR or CLAIM argument: itself, stdin for `-`, or `--file`.
/// `example` shows the command with an argument, for the error when there is none.
pub fn source(
    arg: Option<&str>,
    file: Option<&PathBuf>,
    example: &str,
) -> Result<Source, CliError> {
    match (arg, file) {
        (Some(_), Some(_)) => Err(CliError::new(
            "conflicting_flags",
            "give the text either as an argument or with --file, not both",
        )),
        (None, Some(path)) if path.as_os_str() == "-" => read_stdin(),
        (None, Some(path)) => read_file(path, " (--file)"),
        (Some(a), None) if a.trim() == "-" => read_stdin(),
        // A leading space marks a value that starts with '-' (see `argv`).
        (Some(a), None) => Ok(Source {
            text: a.trim_start_matches(' ').to_owned(),
            name: INPUT_NAME.to_owned(),
        }),
        (None, None) => Err(CliError::new(
            "missing_argument",
            format!("nothing to read: {example}"),
        )),
    }
}

/// The text as typed, with runs of whitespace (newlines too) made one space.
pub fn echo(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The one statement that is not a definition, with its text as typed; or an error
/// naming what the text holds instead of `expected`.
fn single(
    g: &mut Graph,
    src: &Source,
    expected: &'static str,
) -> Result<(StatementKind, String), CliError> {
    let stmts = defs::parse_source(g, &src.text, Origin::User(src.name.clone()))
        .map_err(|e| CliError::parse(&src.text, &src.name, &e))?;
    let wrong = |found: &'static str, span: std::ops::Range<usize>, help: Option<String>| {
        let mut e = ParseError::new(SyntaxError::WrongStatement { expected, found }, span);
        e.help = help;
        CliError::parse(&src.text, &src.name, &e)
    };
    let defined: Vec<&str> = stmts
        .iter()
        .filter_map(|s| match s.kind {
            StatementKind::Definition(f) => Some(g.name(f)),
            _ => None,
        })
        .collect();
    let mut others = stmts
        .iter()
        .filter(|s| !matches!(s.kind, StatementKind::Definition(_)));
    let (Some(first), second) = (others.next(), others.next()) else {
        // `sin(x) = x` reads as a definition of a new function sin.
        let help = defined.first().map(|f| {
            let why = parse::function_hint(f).unwrap_or_default();
            format!("'{f}(...) = ...' defines a new function {f}; a claim needs functions that exist. {why}")
        });
        let end = src.text.len();
        return Err(wrong("only definitions (or nothing)", end..end, help));
    };
    if let Some(s) = second {
        return Err(wrong(
            "more than one statement",
            s.span.clone(),
            Some("separate runs of the command, or one statement per line in a file".into()),
        ));
    }
    let found = match first.kind {
        StatementKind::Claim(_) => "a claim",
        _ => "an expression",
    };
    if found != expected {
        let help = if expected == "a claim" {
            "a claim relates two sides: L = R (where ...)"
        } else {
            "check decides claims: actsym check 'L = R'"
        };
        return Err(wrong(found, first.span.clone(), Some(help.into())));
    }
    Ok((first.kind.clone(), echo(&src.text[first.span.clone()])))
}

/// Parses an expression (possibly after definitions); returns it and its statement
/// as typed.
pub fn parse_expr(g: &mut Graph, src: &Source) -> Result<(ExprId, String), CliError> {
    match single(g, src, "an expression")? {
        (StatementKind::Expr(e), typed) => Ok((e, typed)),
        _ => Err(CliError::new("wrong_statement", "expected an expression")),
    }
}

/// Parses a claim (possibly after definitions); returns it and its statement as
/// typed.
pub fn parse_claim(g: &mut Graph, src: &Source) -> Result<(Claim, String), CliError> {
    match single(g, src, "a claim")? {
        (StatementKind::Claim(c), typed) => Ok((c, typed)),
        _ => Err(CliError::new("wrong_statement", "expected a claim")),
    }
}
