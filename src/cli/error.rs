//! A failed command: its exit code, a stable machine-readable kind, the message, and
//! where in which text the problem is. Printed as `error: ...` text (with the caret
//! display of parse errors) on stderr, or under `--json` as the one object
//! `{"error": {"message", "line", "column", "code", ...}}` on stdout.

use actsym::parse::ParseError;
use serde_json::json;

use super::EXIT_INPUT;

/// A failure of a command.
#[derive(Debug, Clone)]
pub struct CliError {
    /// The exit code (2 for every kind of bad input).
    pub code: u8,
    /// The stable kind of error, for programs: `parse_error`, `unknown_flag`,
    /// `no_such_file`, `undefined_value`, ... (the `code` key of the JSON).
    pub kind: &'static str,
    /// The message, one sentence without the `error: ` prefix.
    pub message: String,
    /// Where the problem is and how to fix it (boxed: errors travel in `Result`s).
    pub detail: Box<Detail>,
}

/// The optional parts of a [`CliError`].
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The full text for a terminal when it says more than the message (the caret
    /// display of a parse error, clap's usage line).
    pub rendered: Option<String>,
    /// The 1-based line and column of the problem in its text, when it has one.
    pub position: Option<(usize, usize)>,
    /// The name of the text the position is in (`<input>`, `<stdin>`, a path).
    pub source: Option<String>,
    /// A hint for the reader.
    pub help: Option<String>,
}

impl CliError {
    /// Bad input (exit code 2) of the kind `kind`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = message
            .strip_prefix("error: ")
            .map(str::to_owned)
            .unwrap_or(message);
        CliError {
            code: EXIT_INPUT,
            kind,
            message,
            detail: Box::default(),
        }
    }

    /// Bad input of the general kind `bad_input`.
    pub fn input(message: impl Into<String>) -> Self {
        CliError::new("bad_input", message)
    }

    /// A bad flag value (`--digits 0`, `--grid 1:0:2`).
    pub fn flag(message: impl Into<String>) -> Self {
        CliError::new("bad_flag_value", message)
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.detail.help = Some(help.into());
        self
    }

    /// A parse error of the text `src` named `name`, with its position and caret.
    pub fn parse(src: &str, name: &str, e: &ParseError) -> Self {
        let e = e.clone().with_source_hints(src);
        let (line, column) = e.line_col(src);
        CliError {
            code: EXIT_INPUT,
            kind: e.error.code(),
            message: e.error.to_string(),
            detail: Box::new(Detail {
                rendered: Some(e.render(src, name)),
                position: Some((line, column)),
                source: Some(name.to_owned()),
                help: e.help.clone(),
            }),
        }
    }

    /// The text for stderr: `error: message` (or the rendered form), the hint.
    #[must_use]
    pub fn text(&self) -> String {
        if let Some(r) = &self.detail.rendered {
            let mut out = r.clone();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            return out;
        }
        let mut out = format!("error: {}\n", self.message);
        if let Some(h) = &self.detail.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        out
    }

    /// The JSON form: `{"error": {"message", "line", "column", "code", ...}}`.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        let (line, column) = match self.detail.position {
            Some((l, c)) => (json!(l), json!(c)),
            None => (serde_json::Value::Null, serde_json::Value::Null),
        };
        let mut inner = json!({
            "message": self.message,
            "line": line,
            "column": column,
            "code": self.kind,
            "exit_code": self.code,
        });
        if let Some(map) = inner.as_object_mut() {
            if let Some(h) = &self.detail.help {
                map.insert("help".into(), json!(h));
            }
            if let Some(s) = &self.detail.source {
                map.insert("source".into(), json!(s));
            }
        }
        json!({ "error": inner })
    }
}

/// A missing or unreadable file, naming its path: `no such file: network.act`.
pub fn file_error(what: &str, path: &std::path::Path, e: &std::io::Error) -> CliError {
    let shown = path.display();
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            CliError::new("no_such_file", format!("no such file: {shown}{what}"))
        }
        std::io::ErrorKind::PermissionDenied => CliError::new(
            "unreadable_file",
            format!("permission denied: {shown}{what}"),
        ),
        _ => CliError::new("unreadable_file", format!("cannot read {shown}{what}: {e}")),
    }
}

/// The error of a clap parse failure, with clap's suggestion (`a similar argument
/// exists: '--digits'`) kept as the hint.
pub fn from_clap(e: &clap::Error) -> CliError {
    use clap::error::ErrorKind as K;
    let kind = match e.kind() {
        K::UnknownArgument => "unknown_flag",
        K::InvalidSubcommand => "unknown_command",
        K::InvalidValue | K::ValueValidation | K::InvalidUtf8 => "bad_flag_value",
        K::MissingRequiredArgument | K::MissingSubcommand => "missing_argument",
        K::ArgumentConflict => "conflicting_flags",
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => "bad_flag_value",
        K::NoEquals => "bad_flag_value",
        _ => "bad_usage",
    };
    let plain = e.render().to_string();
    let mut lines = plain.lines();
    let first = lines
        .next()
        .unwrap_or("bad command line")
        .trim_start_matches("error: ")
        .to_owned();
    let tips: Vec<&str> = lines
        .map(str::trim)
        .filter(|l| l.starts_with("tip:"))
        .map(|l| l.trim_start_matches("tip:").trim())
        .collect();
    let mut err = CliError::new(kind, first);
    err.detail.rendered = Some(plain.clone());
    if !tips.is_empty() {
        err.detail.help = Some(tips.join("; "));
    }
    err
}
