//! Parse errors: what went wrong, where (a byte span), and a hint; rendered with the
//! line, the column and a caret under the offending text.

use std::ops::Range;

use crate::expr::LimitExceeded;

/// What went wrong while reading a source text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// Two operands side by side, like `2x`.
    #[error("implicit multiplication: write {suggestion}")]
    ImplicitMultiplication {
        /// The text with the `*` inserted.
        suggestion: String,
    },
    /// A call of a function that is neither built in nor defined.
    #[error("unknown function '{name}'")]
    UnknownFunction {
        /// The name as written.
        name: String,
    },
    /// A function name used where a value is expected.
    #[error("'{name}' is a function: call it with arguments, as in {name}({params})")]
    FunctionAsValue {
        /// The function's name.
        name: String,
        /// Placeholder parameter names.
        params: String,
    },
    /// A call with the wrong number of arguments.
    #[error("{name} takes {expected} argument{}, got {got}", if *.expected == 1 { "" } else { "s" })]
    WrongArity {
        /// The function's name.
        name: String,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// Definitions that call each other in a cycle.
    #[error("recursive definition: {cycle}")]
    RecursiveDefinition {
        /// The cycle, as `f -> g -> f`.
        cycle: String,
    },
    /// A definition of a function that is already defined (a text's `f(x) = ...` of
    /// a known `f` is read as a claim, so this comes only from registration).
    #[error("'{name}' is already defined and cannot be redefined")]
    Redefinition {
        /// The function's name.
        name: String,
    },
    /// A name that the language reserves used as a variable or parameter.
    #[error("'{name}' is a reserved word and cannot be used as a name")]
    Reserved {
        /// The name.
        name: String,
    },
    /// A free variable in a definition's body.
    #[error("'{name}' is not a parameter of {function}")]
    NotAParameter {
        /// The variable.
        name: String,
        /// The function being defined.
        function: String,
    },
    /// A parameter listed twice.
    #[error("parameter '{name}' appears twice")]
    DuplicateParameter {
        /// The parameter.
        name: String,
    },
    /// Something else was expected here.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the grammar expected.
        expected: String,
        /// What is there.
        found: String,
    },
    /// A malformed number.
    #[error("malformed number: {reason}")]
    BadNumber {
        /// Why.
        reason: String,
    },
    /// A condition outside `if(...)` or `where`.
    #[error("a condition can only appear as the first argument of if(...) or after 'where'")]
    StrayCondition,
    /// A statement of the wrong kind for the command (a claim where an expression is
    /// expected, ...).
    #[error("expected {expected}, found {found}")]
    WrongStatement {
        /// What the command expected.
        expected: &'static str,
        /// What the input holds.
        found: &'static str,
    },
    /// Nesting deeper than the limit.
    #[error("expression nested too deeply (more than {0} levels)")]
    TooDeep(u32),
    /// Input larger than the limit.
    #[error("input too large ({size} bytes; the limit is {limit})")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The graph grew past one of its limits.
    #[error("{0}")]
    Limit(LimitExceeded),
}

/// A [`SyntaxError`] at a byte span of the source, with an optional hint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct ParseError {
    /// What went wrong.
    pub error: SyntaxError,
    /// The byte range of the offending text in the source.
    pub span: Range<usize>,
    /// A hint for the reader, such as a name they may have meant.
    pub help: Option<String>,
}

impl ParseError {
    /// An error at a span, without a hint.
    #[must_use]
    pub fn new(error: SyntaxError, span: Range<usize>) -> Self {
        ParseError {
            error,
            span,
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line and column (in characters) where the error starts.
    #[must_use]
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        line_col(src, self.span.start)
    }

    /// Renders the error the way compilers do: the message, `name:line:column`, the
    /// source line and a caret under the offending text, then the hint.
    ///
    /// ```
    /// use actsym::{defs, expr::Graph};
    /// let mut g = Graph::with_prelude();
    /// let src = "2x + 1";
    /// let err = defs::parse_expr(&mut g, src).unwrap_err();
    /// let shown = err.render(src, "<input>");
    /// assert!(shown.contains("implicit multiplication: write 2*x"));
    /// assert!(shown.contains("1 | 2x + 1"));
    /// assert!(shown.contains("  | ^^"));
    /// ```
    #[must_use]
    pub fn render(&self, src: &str, name: &str) -> String {
        let start = self.span.start.min(src.len());
        let (line, col) = line_col(src, start);
        let line_start = src[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = src[line_start..]
            .find('\n')
            .map_or(src.len(), |p| line_start + p);
        let text = src[line_start..line_end].trim_end_matches('\r');
        let end = self.span.end.clamp(start, line_end.max(start));
        let width = src[start..end].chars().count().max(1);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let mut out = format!("error: {}\n{pad}--> {name}:{line}:{col}\n", self.error);
        out.push_str(&format!("{pad} |\n{line} | {text}\n"));
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(col - 1),
            "^".repeat(width)
        ));
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// The 1-based line and column (in characters) of a byte offset.
#[must_use]
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The known name closest to `name`, if one is close enough to be a likely typo.
#[must_use]
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|&(d, k)| {
            let limit = if name.len() <= 3 {
                1
            } else {
                2.max(k.len() / 4)
            };
            d <= limit && d < k.len().min(name.len())
        })
        .min_by_key(|&(d, k)| (d, k.len()))
        .map(|(_, k)| k)
}
