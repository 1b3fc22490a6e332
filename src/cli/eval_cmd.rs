//! `actsym eval EXPR --at VAR=VALUE...`: certified decimal values through MPFR.

use std::collections::HashMap;

use actsym::certified::{self, EvalError};
use actsym::defs;
use actsym::diff::Kink;
use actsym::expr::{BigRational, ExprId, Graph, Symbol};
use actsym::unfold::unfold;

use super::grid;
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
    #[arg(long, value_name = "VAR=VALUE", num_args = 1..)]
    at: Vec<String>,
    /// Significant digits to print, each one certified (1 to 10000; default 30, 12 on a grid).
    #[arg(long, value_name = "N")]
    digits: Option<u32>,
    /// Print one JSON object: {"value", "exact", "digits", "expression", "at"}.
    #[arg(long)]
    json: bool,
    /// A table over N evenly spaced points from A to B: --grid -8:8:17.
    #[arg(long, value_name = "A:B:N", allow_hyphen_values = true)]
    grid: Option<String>,
    /// Use the compiled f64 evaluator (fast; about 1e-16 relative error) instead of MPFR.
    #[arg(long)]
    fast: bool,
    /// Print the grid as CSV.
    #[arg(long, requires = "grid")]
    csv: bool,
    /// Print the compiled instruction list of the fast evaluator.
    #[arg(long)]
    show_tape: bool,
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
    let id = defs::parse_expr(&mut scratch, value).map_err(|e| {
        CliError::input(format!(
            "error: in --at {var}=...\n{}",
            e.render(value, "<value>")
        ))
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
    let digits = args
        .digits
        .unwrap_or(if args.grid.is_some() { 12 } else { 30 });
    if digits == 0 || digits > MAX_DIGITS {
        return Err(CliError::input(format!(
            "error: --digits must be between 1 and {MAX_DIGITS}, got {digits}"
        )));
    }
    let g = &mut session.graph;
    let root = defs::parse_expr(g, &expr_text).map_err(|e| Session::parse_error(&expr_text, &e))?;
    let mut env: HashMap<Symbol, BigRational> = HashMap::new();
    let mut shown: Vec<(String, BigRational)> = Vec::new();
    for b in &at {
        let (sym, name, value) = parse_binding(g, b)?;
        if env.insert(sym, value.clone()).is_some() {
            return Err(CliError::input(format!("error: --at gives '{name}' twice")));
        }
        shown.push((name, value));
    }
    // diff(...) inside the expression is taken symbolically (left-hand at kinks) and
    // definitions are inlined.
    let unfolded =
        unfold(g, root, Kink::Left).map_err(|e| CliError::input(format!("error: {e}")))?;
    if args.grid.is_some() || args.fast || args.show_tape {
        return run_fast_or_grid(g, root, unfolded, &env, args, digits);
    }
    let free = g.free_vars(root);
    for (name, _) in &shown {
        if !free.iter().any(|&s| g.name(s) == name) {
            eprintln!(
                "warning: --at {name}=... is not used: the expression has no variable '{name}'"
            );
        }
    }
    let point = shown
        .iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let value =
        certified::evaluate(g, unfolded, &env, digits).map_err(|e| eval_error(&e, &point))?;
    if args.json {
        let at_json: serde_json::Map<String, serde_json::Value> = shown
            .iter()
            .map(|(n, v)| (n.clone(), serde_json::Value::String(v.to_string())))
            .collect();
        let mut obj = serde_json::json!({
            "value": value.decimal,
            "exact": value.exact.as_ref().map(ToString::to_string),
            "digits": digits,
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

/// `--grid`, `--fast` and `--show-tape`.
fn run_fast_or_grid(
    g: &mut Graph,
    root: ExprId,
    unfolded: ExprId,
    env: &HashMap<Symbol, BigRational>,
    args: &EvalArgs,
    digits: u32,
) -> Result<u8, CliError> {
    let free: Vec<Symbol> = g
        .free_vars(unfolded)
        .into_iter()
        .filter(|s| !env.contains_key(s))
        .collect();
    let var = match free.as_slice() {
        [] => g.symbol("x"),
        [v] => *v,
        many if args.grid.is_none() => {
            let names: Vec<&str> = many.iter().map(|&s| g.name(s)).collect();
            return Err(CliError::input(format!(
                "error: give every variable a value with --at ({} have none)",
                names.join(", ")
            )));
        }
        many => {
            let names: Vec<&str> = many.iter().map(|&s| g.name(s)).collect();
            return Err(CliError::input(format!(
                "error: a grid runs over one variable, but {} have no value; fix the others with --at",
                names.join(", ")
            )));
        }
    };
    let header = actsym::print::text(g, root);
    let Some(grid_text) = &args.grid else {
        // One point with the fast evaluator, or just the tape.
        let mut at = env.clone();
        let x_given = at.contains_key(&var);
        if !x_given && !args.show_tape {
            return Err(CliError::input(format!(
                "error: --fast evaluates at a point: give --at {}=VALUE, or use --grid",
                g.name(var)
            )));
        }
        let value = at.remove(&var);
        let grid = grid::Grid::parse(
            &format!(
                "{}:{}:1",
                value.clone().unwrap_or_default(),
                value.unwrap_or_default()
            ),
            true,
        )?;
        let (rows, tape) = grid::fast_rows(g, root, var, &at, &grid, args.show_tape)?;
        let mut out = tape.map(|t| format!("{t}\n")).unwrap_or_default();
        if x_given && args.fast {
            out.push_str(&format!("{}\n", rows[0].1));
        }
        emit(&out)?;
        return Ok(EXIT_OK);
    };
    let grid = grid::Grid::parse(grid_text, args.fast)?;
    let name = g.name(var).to_owned();
    let (rows, tape) = if args.fast {
        grid::fast_rows(g, root, var, env, &grid, args.show_tape)?
    } else {
        let rows = grid::exact_rows(g, unfolded, var, env, &grid, digits)?;
        let tape = if args.show_tape {
            grid::fast_rows(g, root, var, env, &grid::Grid::parse("0:0:1", true)?, true)?.1
        } else {
            None
        };
        (rows, tape)
    };
    if args.json {
        let points: Vec<serde_json::Value> = rows
            .iter()
            .map(|(x, v)| serde_json::json!({ name.as_str(): x, "value": v }))
            .collect();
        let obj = serde_json::json!({
            "expression": header,
            "var": name,
            "engine": if args.fast { "fast f64" } else { "mpfr" },
            "points": points,
        });
        emit(&format!("{obj}\n"))?;
        return Ok(EXIT_OK);
    }
    let mut out = tape.map(|t| format!("{t}\n")).unwrap_or_default();
    out.push_str(&grid::render(&name, &header, &rows, args.csv));
    emit(&out)?;
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
