//! `actsym eval EXPR --at VAR=VALUE...`: certified decimal values through MPFR.

use std::collections::HashMap;

use actsym::eval::{self, EvalError};
use actsym::expr::{BigRational, Graph, Symbol};
use actsym::parse;

use super::{emit, CliError, Session, EXIT_OK};

/// The most significant digits `--digits` may ask for.
pub const MAX_DIGITS: u32 = 10_000;

/// Flags of `actsym eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The expression, possibly after definitions: 'f(x) = x^2; f(3)'.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    expr: Option<String>,
    /// Values of the variables, exact rationals: --at x=3/2 beta=0.1 (or several --at).
    #[arg(long, value_name = "VAR=VALUE", num_args = 1.., allow_hyphen_values = true)]
    at: Vec<String>,
    /// Significant digits to print, each one certified (1 to 10000).
    #[arg(long, default_value_t = 30, value_name = "N")]
    digits: u32,
    /// Print one JSON object: {"value", "exact", "digits", "expression", "at"}.
    #[arg(long)]
    json: bool,
}

/// Reads `VAR=VALUE` with an exact rational value.
fn parse_binding(g: &mut Graph, text: &str) -> Result<(Symbol, String, BigRational), CliError> {
    let Some((var, value)) = text.split_once('=') else {
        return Err(CliError::input(format!(
            "error: --at takes VAR=VALUE (for example x=3/2), got '{text}'"
        )));
    };
    let var = var.trim();
    let is_name = !var.is_empty()
        && var.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Err(CliError::input(format!(
            "error: --at {text}: '{var}' is not a variable name"
        )));
    }
    // The value is read by the language's own parser, in a scratch graph, and must
    // fold to an exact rational.
    let mut scratch = Graph::new();
    let id = parse::parse_expr(&mut scratch, value).map_err(|e| {
        CliError::input(format!("error: in --at {var}=...\n{}", e.render(value, "<value>")))
    })?;
    match scratch.as_num(id) {
        Some(r) => Ok((g.symbol(var), var.to_owned(), r.clone())),
        None => Err(CliError::input(format!(
            "error: --at {text}: values are exact rationals such as 3/2, -0.1 or 1e-30"
        ))),
    }
}

pub fn run(session: &mut Session, args: &EvalArgs) -> Result<u8, CliError> {
    let mut at = args.at.clone();
    // `actsym eval --at x=1 'sigmoid(x)'`: the expression was taken as a value.
    let expr_text = match &args.expr {
        Some(e) => e.clone(),
        None => match at.iter().rposition(|a| !a.contains('=')) {
            Some(k) => at.remove(k),
            None => {
                return Err(CliError::input(
                    "error: eval needs an expression, e.g. actsym eval 'sigmoid(x)' --at x=0",
                ))
            }
        },
    };
    if args.digits == 0 || args.digits > MAX_DIGITS {
        return Err(CliError::input(format!(
            "error: --digits must be between 1 and {MAX_DIGITS}, got {}",
            args.digits
        )));
    }
    let g = &mut session.graph;
    let root = parse::parse_expr(g, &expr_text).map_err(|e| Session::parse_error(&expr_text, &e))?;
    let mut env: HashMap<Symbol, BigRational> = HashMap::new();
    let mut shown: Vec<(String, BigRational)> = Vec::new();
    for b in &at {
        let (sym, name, value) = parse_binding(g, b)?;
        if env.insert(sym, value.clone()).is_some() {
            return Err(CliError::input(format!("error: --at gives '{name}' twice")));
        }
        shown.push((name, value));
    }
    let free = g.free_vars(root);
    for (name, _) in &shown {
        if !free.iter().any(|&s| g.name(s) == name) {
            eprintln!("warning: --at {name}=... is not used: the expression has no variable '{name}'");
        }
    }
    let point = shown
        .iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let value = eval::evaluate(g, root, &env, args.digits).map_err(|e| eval_error(&e, &point))?;
    if args.json {
        let at_json: serde_json::Map<String, serde_json::Value> = shown
            .iter()
            .map(|(n, v)| (n.clone(), serde_json::Value::String(v.to_string())))
            .collect();
        let mut obj = serde_json::json!({
            "value": value.decimal,
            "exact": value.exact.as_ref().map(ToString::to_string),
            "digits": args.digits,
            "expression": actsym::print::text(g, root),
            "at": at_json,
        });
        if let (Some(note), Some(map)) = (&value.note, obj.as_object_mut()) {
            map.insert("note".into(), serde_json::Value::String(note.clone()));
        }
        emit(&format!("{obj}\n"))?;
    } else {
        if let Some(note) = &value.note {
            eprintln!("note: {note}");
        }
        emit(&format!("{}\n", value.decimal))?;
    }
    Ok(EXIT_OK)
}

/// An evaluation failure as a message naming the point.
fn eval_error(e: &EvalError, point: &str) -> CliError {
    if point.is_empty() {
        CliError::input(format!("error: {e}"))
    } else {
        CliError::input(format!("error: {e} at {point}"))
    }
}
