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
    /// Notation of other tools that the language does not have (`e` for Euler's
    /// number, `σ`, `√`); the hint gives the actsym form.
    #[error("{what} is not in actsym's language")]
    NotInLanguage {
        /// The notation, quoted.
        what: String,
    },
    /// A malformed `where name = expr` binding (a cycle, a name bound twice, a
    /// condition where only bindings may stand).
    #[error("{reason}")]
    Binding {
        /// What is wrong.
        reason: String,
    },
}

impl SyntaxError {
    /// A stable machine-readable name of the kind of error (`implicit_multiplication`,
    /// `unknown_function`, ...), for programs reading `--json` errors.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            SyntaxError::ImplicitMultiplication { .. } => "implicit_multiplication",
            SyntaxError::UnknownFunction { .. } => "unknown_function",
            SyntaxError::FunctionAsValue { .. } => "function_as_value",
            SyntaxError::WrongArity { .. } => "wrong_arity",
            SyntaxError::RecursiveDefinition { .. } => "recursive_definition",
            SyntaxError::Redefinition { .. } => "redefinition",
            SyntaxError::Reserved { .. } => "reserved_word",
            SyntaxError::NotAParameter { .. } => "not_a_parameter",
            SyntaxError::DuplicateParameter { .. } => "duplicate_parameter",
            SyntaxError::Expected { .. } => "syntax_error",
            SyntaxError::BadNumber { .. } => "bad_number",
            SyntaxError::StrayCondition => "stray_condition",
            SyntaxError::WrongStatement { .. } => "wrong_statement",
            SyntaxError::TooDeep(_) => "too_deep",
            SyntaxError::TooLarge { .. } => "too_large",
            SyntaxError::Limit(_) => "limit_exceeded",
            SyntaxError::NotInLanguage { .. } => "not_in_language",
            SyntaxError::Binding { .. } => "bad_binding",
        }
    }
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

    /// Fills in a hint for what users of other tools type, unless the error has one:
    /// `ln` is `log`, `sin` is not in the language (and which functions are), a
    /// Unicode symbol's ASCII form, `e^x` is `exp(x)`.
    #[must_use]
    pub fn with_source_hints(mut self, src: &str) -> Self {
        let at = src.get(self.span.start.min(src.len())..).unwrap_or("");
        let hint = match &self.error {
            SyntaxError::UnknownFunction { name } => function_hint(name),
            SyntaxError::NotInLanguage { .. } if at.starts_with('e') => Some(euler_hint(&at[1..])),
            _ => at.chars().next().and_then(unicode_hint),
        };
        if let Some(h) = hint {
            let replaces =
                matches!(self.error, SyntaxError::UnknownFunction { .. }) || self.help.is_none();
            if replaces {
                self.help = Some(h);
            }
        }
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
        // Spans are byte offsets of the ASCII reading of the text; with a Unicode
        // symbol in it they may fall inside a character of the text as typed.
        let start = floor_char_boundary(src, self.span.start.min(src.len()));
        let (line, col) = line_col(src, start);
        let line_start = src[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = src[line_start..]
            .find('\n')
            .map_or(src.len(), |p| line_start + p);
        let text = src[line_start..line_end].trim_end_matches('\r');
        let mut end = self.span.end.clamp(start, line_end.max(start));
        while !src.is_char_boundary(end) {
            end += 1;
        }
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

/// The built-in functions, for hints that list the language's functions.
const BUILT_INS: &str =
    "exp, log, sqrt, abs, sign, tanh, sinh, cosh, erf, max, min, if(cond, a, b), diff(expr, var)";

/// A hint for a function other tools have and actsym writes differently or lacks
/// (`ln` is `log`; `sin` is not in the language).
#[must_use]
pub fn function_hint(name: &str) -> Option<String> {
    let rewrite = match name {
        "ln" => "the natural logarithm is log: write log(...)",
        "log10" => "write log(u)/log(10) for log10(u)",
        "log2" => "write log(u)/log(2) for log2(u)",
        "log1p" => "write log(1 + u) for log1p(u)",
        "expm1" => "write exp(u) - 1 for expm1(u)",
        "exp2" => "write 2^u for exp2(u)",
        "pow" => "write a^b (or a**b) for pow(a, b)",
        "square" | "sqr" => "write u^2",
        "cbrt" => "write u^(1/3) (defined for u >= 0)",
        "atanh" | "arctanh" | "artanh" => "write log((1 + u)/(1 - u))/2 for atanh(u)",
        "asinh" | "arcsinh" | "arsinh" => "write log(u + sqrt(u^2 + 1)) for asinh(u)",
        "acosh" | "arccosh" | "arcosh" => "write log(u + sqrt(u^2 - 1)) for acosh(u)",
        "sech" => "write 1/cosh(u) for sech(u)",
        "logistic" | "sigma" | "expit" => "the logistic function is sigmoid(...)",
        "erfc" => "write 1 - erf(u) for erfc(u)",
        "fabs" => "write abs(u)",
        "signum" | "sgn" => "write sign(u)",
        "Max" | "MAX" | "maximum" => "write max(a, b)",
        "Min" | "MIN" | "minimum" => "write min(a, b)",
        "ifelse" | "where" | "select" => "write if(cond, a, b)",
        "d" | "D" | "grad" | "derivative" => "write diff(expr, x) for the derivative in x",
        _ => "",
    };
    if !rewrite.is_empty() {
        return Some(rewrite.to_owned());
    }
    const ABSENT: [&str; 24] = [
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "asin",
        "acos",
        "atan",
        "atan2",
        "arcsin",
        "arccos",
        "arctan",
        "floor",
        "ceil",
        "round",
        "trunc",
        "mod",
        "gamma",
        "lgamma",
        "factorial",
        "softmax",
        "hypot",
        "clip",
    ];
    ABSENT.contains(&name).then(|| {
        format!(
            "{name} is not in actsym's language; its functions are {BUILT_INS}, and the prelude's (`actsym defs` lists them)"
        )
    })
}

/// The hint for `e`: `e^u` is `exp(u)`, Euler's number is `exp(1)`. `after` is the
/// text after the `e`.
fn euler_hint(after: &str) -> String {
    let rest = after.trim_start();
    let op = if rest.starts_with("**") { "**" } else { "^" };
    let Some(p) = rest.strip_prefix(op) else {
        return "Euler's number is exp(1), and e^u is exp(u)".to_owned();
    };
    let p = p.trim_start();
    let (typed, arg) = if p.starts_with('(') {
        let group = balanced(p);
        let inner = group
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .unwrap_or(group);
        (group, inner)
    } else {
        // A leading minus belongs to the exponent: e^-x.
        let body = p.strip_prefix('-').unwrap_or(p);
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(body.len());
        let token = &p[..p.len() - body.len() + len];
        (token, token)
    };
    if arg.trim().is_empty() {
        "write exp(u) for e^u; Euler's number alone is exp(1)".to_owned()
    } else {
        format!("write exp({arg}) for e{op}{typed}")
    }
}

/// The parenthesised group at the start of `s` (all of `s` if it never closes).
fn balanced(s: &str) -> &str {
    let mut depth = 0usize;
    for (k, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &s[..=k];
                }
            }
            _ => {}
        }
    }
    s
}

/// The ASCII form of a Unicode math symbol that the language does not accept.
/// (Symbols with a same-length ASCII form, like `≤` and `·`, are accepted: see
/// `lex::ascii_equivalents`.)
#[must_use]
pub fn unicode_hint(c: char) -> Option<String> {
    let ascii = match c {
        'σ' => "sigmoid(...)",
        '√' => "sqrt(...)",
        '∞' => "a large number such as 1e300 (actsym has no infinity)",
        'α' => "alpha",
        'β' => "beta",
        'γ' => "gamma",
        'δ' => "delta",
        'ε' => "eps",
        'θ' => "theta",
        'λ' => "lambda",
        'μ' => "mu",
        'τ' => "tau",
        'φ' => "phi(...) for the normal density, or a name such as f",
        'Φ' => "Phi(...)",
        'Σ' | '∑' => "an explicit sum a + b + ...",
        '′' | '\'' => "diff(f(x), x) for a derivative",
        '∂' => "diff(expr, x)",
        '⁻' | '¹' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹' | '⁰' => {
            "^ with the exponent: x^-1, x^4"
        }
        '½' => "1/2",
        '¼' => "1/4",
        '¾' => "3/4",
        '≈' => "= in a claim (claims are exact)",
        '“' | '”' | '‘' | '’' => "no quotes inside the expression",
        _ if super::lex::has_ascii_equivalent(c) => return None,
        _ if !c.is_ascii() => "ASCII: operators + - * / ^ < <= > >= != and names",
        _ => return None,
    };
    Some(format!("write {ascii} for {c}"))
}
