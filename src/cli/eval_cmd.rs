//! `actsym eval EXPR --at VAR=VALUE...`: certified values through MPFR, printed
//! exactly when the value is a rational (`1/3`) unless `--digits` asks for decimals;
//! with `--fast` the compiled f64 evaluator; with `--grid` a table (see `grid`).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use actsym::certified::{self, EvalError};
use actsym::defs;
use actsym::expr::{BigRational, ExprId, Graph, Symbol};
use actsym::fast::{Dense, Tape};
use serde_json::json;

use super::common::{unfold_diffs, KinkArg};
use super::grid::{self, Grid, Table, TableFormat};
use super::input::{parse_expr, source};
use super::netfile;
use super::output::Sink;
use super::{emit, emit_json, CliError, Session, EXIT_OK};

/// The most significant digits `--digits` may ask for.
pub const MAX_DIGITS: u32 = 10_000;
/// A grid this long printed on a terminal gets a note offering `-o FILE`.
const LARGE_GRID: usize = 100_000;
/// The longest exact value printed as a fraction; longer ones print as decimals
/// (`--json` has the exact form in `exact`).
const MAX_EXACT_CHARS: usize = 1_000;

/// Flags of `actsym eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The expression, possibly after definitions: 'f(x) = x^2; f(3)' (- reads stdin).
    #[arg(value_name = "EXPR")]
    expr: Option<String>,
    /// Read the expression from FILE (- for stdin).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Values of the variables, exact rationals: --at x=3/2 beta=0.1 (or several --at).
    #[arg(long, value_name = "VAR=VALUE", num_args = 1..)]
    at: Vec<String>,
    /// Significant digits, each one certified (1 to 10000; default: the exact value when
    /// it is rational, else 30 digits; 12 on a grid).
    #[arg(long, value_name = "N")]
    digits: Option<u32>,
    /// Print one JSON object: {"value", "exact", "digits", "expression", "at", ...}.
    #[arg(long)]
    json: bool,
    /// A table over N evenly spaced points from A to B: --grid -8:8:17.
    #[arg(long, value_name = "A:B:N")]
    grid: Option<String>,
    /// Use the compiled f64 evaluator instead of MPFR: fast, each activation to a few ulp,
    /// but like any f64 code a difference of nearly equal values (softplus(x) - x at
    /// x = 40) loses digits; without --fast every value is certified.
    #[arg(long)]
    fast: bool,
    /// Print the grid as CSV.
    #[arg(long, requires = "grid", conflicts_with = "json")]
    csv: bool,
    /// Print the compiled instruction list of the fast evaluator (and the value).
    #[arg(long)]
    show_tape: bool,
    /// The convention for diff(...) at kinks: left-hand (default), right-hand, autodiff.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
    /// Write the grid to FILE (CSV for .csv or --csv, JSON for .json or --json).
    #[arg(short = 'o', long = "output", value_name = "FILE", requires = "grid")]
    output: Option<PathBuf>,
    /// Overwrite the -o file if it exists.
    #[arg(long, requires = "output")]
    force: bool,
    /// Seconds the value may take, derivatives included (0 to 3600); past it the
    /// value is not certified (exit 3). Each --grid point has its own 10 seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    time_limit: f64,
    /// The activations of a safetensors network file that does not name them:
    /// relu,relu,identity (one per layer) or relu (every hidden layer).
    #[arg(long, value_name = "LIST")]
    activations: Option<String>,
}

/// Reads `VAR=VALUE` with an exact rational value.
fn parse_binding(g: &mut Graph, text: &str) -> Result<(Symbol, String, BigRational), CliError> {
    let text = text.trim();
    let Some((var, value)) = text.split_once('=') else {
        return Err(CliError::flag(format!(
            "--at takes VAR=VALUE (for example x=3/2), got '{text}'"
        )));
    };
    let var = var.trim();
    let is_name = !var.is_empty()
        && var.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Err(CliError::flag(format!(
            "--at {text}: '{var}' is not a variable name"
        )));
    }
    // The value is read by the language's own parser, in a scratch graph, and must
    // fold to an exact rational.
    let mut scratch = Graph::new();
    let id = defs::parse_expr(&mut scratch, value)
        .map_err(|e| CliError::parse(value, &format!("--at {var}"), &e))?;
    match scratch.as_num(id) {
        Some(r) => Ok((g.symbol(var), var.to_owned(), r.clone())),
        None => Err(CliError::flag(format!(
            "--at {text}: values are exact rationals such as 3/2, -0.1 or 1e-30"
        ))),
    }
}

/// The values given with `--at`, and the expression's text when `--at` took it.
struct Point {
    env: HashMap<Symbol, BigRational>,
    shown: Vec<(String, BigRational)>,
}

pub fn run(session: &mut Session, args: &EvalArgs) -> Result<u8, CliError> {
    let mut at = args.at.clone();
    // `actsym eval --at x=1 'sigmoid(x)'`: the expression was taken as a value.
    let mut expr_arg = args.expr.clone();
    if expr_arg.is_none() && args.file.is_none() {
        if let Some(k) = at.iter().rposition(|a| !a.contains('=')) {
            expr_arg = Some(at.remove(k));
        }
    }
    // A network file (JSON, safetensors or actsym text) named as the EXPR or by
    // --file: its kind chosen by content.
    let net_path = match (&expr_arg, &args.file) {
        (Some(a), None) if a.trim() != "-" && Path::new(a).is_file() => Some(PathBuf::from(a)),
        (None, Some(f)) if f.as_os_str() != "-" => Some(f.clone()),
        _ => None,
    };
    if args.activations.is_some() && net_path.is_none() {
        return Err(CliError::flag(
            "--activations applies to a safetensors network file",
        ));
    }
    let src = match &net_path {
        Some(_) => None,
        None => Some(source(
            expr_arg.as_deref(),
            args.file.as_ref(),
            "actsym eval 'sigmoid(x)' --at x=0",
        )?),
    };
    let digits = args
        .digits
        .unwrap_or(if args.grid.is_some() { 12 } else { 30 });
    if digits == 0 || digits > MAX_DIGITS {
        return Err(CliError::flag(format!(
            "--digits must be between 1 and {MAX_DIGITS}, got {digits}"
        )));
    }
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    let limits = certified::ZivLimits {
        time_budget: std::time::Duration::from_secs_f64(args.time_limit),
        ..certified::ZivLimits::default()
    };
    let g = &mut session.graph;
    let mut dense = None;
    let (root, typed) = match (&src, &net_path) {
        (Some(src), _) => parse_expr(g, src)?,
        (None, path) => {
            let path = path.as_deref().unwrap_or(Path::new("-"));
            let loaded = netfile::load(g, path, args.activations.as_deref())?;
            let Some(e) = loaded.expr else {
                return Err(CliError::input(format!(
                    "{}: eval evaluates a network of one output",
                    loaded.expression
                )));
            };
            // --fast runs a network of dense layers as matrix-vector steps.
            dense = loaded.network.as_ref().and_then(|n| {
                n.dense()
                    .map(|d| (d, actsym::network::input_names(n.inputs)))
            });
            (e, loaded.expression)
        }
    };
    let mut point = Point {
        env: HashMap::new(),
        shown: Vec::new(),
    };
    for b in &at {
        let (sym, name, value) = parse_binding(g, b)?;
        if point.env.insert(sym, value.clone()).is_some() {
            return Err(CliError::flag(format!("--at gives '{name}' twice")));
        }
        point.shown.push((name, value));
    }
    // diff(...) inside the expression is taken symbolically first, under --kink,
    // within the time limit.
    let unfolded =
        actsym::diff::with_deadline(std::time::Instant::now() + limits.time_budget, || {
            unfold_diffs(g, root, args.kink)
        })?;
    if let Some(grid_text) = &args.grid {
        return run_grid(
            g,
            root,
            unfolded,
            &typed,
            &point.env,
            args,
            grid_text,
            digits,
            dense.as_ref(),
        );
    }
    let free = g.free_vars(unfolded);
    for (name, _) in &point.shown {
        if !free.iter().any(|&s| g.name(s) == name) {
            eprintln!(
                "warning: --at {name}=... is not used: the expression has no variable '{name}'"
            );
        }
    }
    let unbound: Vec<Symbol> = free
        .iter()
        .copied()
        .filter(|s| !point.env.contains_key(s))
        .collect();
    let tape = if args.show_tape {
        Some(tape_at(
            g,
            root,
            unfolded,
            &point,
            &unbound,
            args.kink,
            dense.as_ref(),
        )?)
    } else {
        None
    };
    if !unbound.is_empty() && args.show_tape {
        // Only the program: there is no point to evaluate it at.
        let tape_text = tape.map(|t| t.to_string()).unwrap_or_default();
        return if args.json {
            emit_json(&json!({ "expression": typed, "tape": tape_text })).map(|()| EXIT_OK)
        } else {
            emit(&format!("{tape_text}\n")).map(|()| EXIT_OK)
        };
    }
    let at_text = point
        .shown
        .iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let at_json: serde_json::Map<String, serde_json::Value> = point
        .shown
        .iter()
        .map(|(n, v)| (n.clone(), json!(v.to_string())))
        .collect();
    let mut obj = json!({
        "expression": typed,
        "at": at_json,
        "digits": digits,
        "kink": args.kink.kink().name(),
    });
    let mut code = EXIT_OK;
    let line = if args.fast {
        let tape = match tape {
            Some(t) => t,
            None => tape_at(
                g,
                root,
                unfolded,
                &point,
                &unbound,
                args.kink,
                dense.as_ref(),
            )?,
        };
        let inputs: Vec<f64> = grid::parameters(g, &point.env)
            .into_iter()
            .map(|p| p.1)
            .collect();
        let v = tape
            .eval_point(&inputs)
            .map_err(|e| CliError::new("evaluation_error", e.to_string()))?;
        if v.is_nan() {
            return Err(CliError::new(
                "undefined_value",
                format!("the expression is undefined at {at_text} (fast evaluator)"),
            ));
        }
        let text = grid::fast_value_text(v);
        obj["value"] = json!(text);
        obj["exact"] = serde_json::Value::Null;
        obj["engine"] = json!("fast f64");
        if args.show_tape {
            obj["tape"] = json!(tape.to_string());
            format!("{tape}\n{text}\n")
        } else {
            format!("{text}\n")
        }
    } else {
        let value = certified::evaluate_with(g, unfolded, &point.env, digits, limits)
            .map_err(|e| eval_error(&e, &at_text))?;
        if value.timed_out {
            // Fewer digits than asked for, each correct: the answer is unknown.
            code = super::check_cmd::EXIT_UNKNOWN;
        }
        let shown = shown_value(&value, args.digits.is_some());
        obj["value"] = json!(value.decimal);
        obj["exact"] = json!(value.exact.as_ref().map(ToString::to_string));
        obj["engine"] = json!("mpfr");
        if let Some(note) = &value.note {
            obj["note"] = json!(note);
            if !args.json {
                eprintln!("note: {note}");
            }
        }
        match &tape {
            Some(t) => {
                obj["tape"] = json!(t.to_string());
                format!("{t}\n{shown}\n")
            }
            None => format!("{shown}\n"),
        }
    };
    if args.json {
        emit_json(&obj)?;
    } else {
        emit(&line)?;
    }
    Ok(code)
}

/// The fast evaluator's program for the expression with the `--at` parameters as
/// inputs (and the unbound variables first).
fn tape_at(
    g: &mut Graph,
    root: ExprId,
    unfolded: ExprId,
    point: &Point,
    unbound: &[Symbol],
    kink: KinkArg,
    dense: Option<&(Dense, Vec<String>)>,
) -> Result<Tape, CliError> {
    let mut vars: Vec<Symbol> = unbound.to_vec();
    vars.extend(grid::parameters(g, &point.env).into_iter().map(|p| p.0));
    match dense_tape(g, &vars, dense) {
        Some(t) => Ok(t),
        None => grid::compile(g, root, unfolded, &vars, kink),
    }
}

/// A network's dense-layer tape when `vars` are its inputs in order.
fn dense_tape(g: &Graph, vars: &[Symbol], dense: Option<&(Dense, Vec<String>)>) -> Option<Tape> {
    let (d, names) = dense?;
    let same = vars.len() == names.len() && vars.iter().zip(names).all(|(&v, n)| g.name(v) == n);
    same.then(|| Tape::dense(d.clone(), names.clone()).ok())
        .flatten()
}

/// The value as printed: the exact rational when there is one and `--digits` was
/// not given (its decimal when that is exact and no longer), else the digits.
fn shown_value(value: &certified::Value, digits_given: bool) -> String {
    let Some(r) = &value.exact else {
        return value.decimal.clone();
    };
    if digits_given {
        return value.decimal.clone();
    }
    let mut scratch = Graph::new();
    let decimal_is_exact = defs::parse_expr(&mut scratch, &value.decimal)
        .ok()
        .and_then(|id| scratch.as_num(id).cloned())
        .is_some_and(|d| &d == r);
    let fraction = r.to_string();
    if decimal_is_exact && value.decimal.len() <= fraction.len().max(24) {
        value.decimal.clone()
    } else if fraction.len() <= MAX_EXACT_CHARS {
        fraction
    } else {
        value.decimal.clone()
    }
}

/// `--grid`: the table to stdout or `-o FILE`.
#[allow(clippy::too_many_arguments)]
fn run_grid(
    g: &mut Graph,
    root: ExprId,
    unfolded: ExprId,
    typed: &str,
    env: &HashMap<Symbol, BigRational>,
    args: &EvalArgs,
    grid_text: &str,
    digits: u32,
    dense: Option<&(Dense, Vec<String>)>,
) -> Result<u8, CliError> {
    let free: Vec<Symbol> = g
        .free_vars(unfolded)
        .into_iter()
        .filter(|s| !env.contains_key(s))
        .collect();
    let var = match free.as_slice() {
        [] => g.symbol("x"),
        [v] => *v,
        many => {
            let names: Vec<&str> = many.iter().map(|&s| g.name(s)).collect();
            return Err(CliError::new(
                "unbound_variable",
                format!(
                    "a grid runs over one variable, but {} have no value; fix the others with --at",
                    names.join(", ")
                ),
            ));
        }
    };
    let grid = Grid::parse(grid_text, args.fast)?;
    let name = g.name(var).to_owned();
    let params = grid::parameters(g, env);
    let needs_tape = args.fast || args.show_tape;
    let tape = if needs_tape {
        let mut vars = vec![var];
        vars.extend(params.iter().map(|p| p.0));
        match dense_tape(g, &vars, dense) {
            Some(t) => Some(t),
            None => Some(grid::compile(g, root, unfolded, &vars, args.kink)?),
        }
    } else {
        None
    };
    let tape_text = tape
        .as_ref()
        .filter(|_| args.show_tape)
        .map(ToString::to_string);
    let format = TableFormat::choose(args.csv, args.json, args.output.as_deref());
    let table = Table {
        var: &name,
        header: typed,
        engine: if args.fast { "fast f64" } else { "mpfr" },
        format,
        tape: tape_text.as_deref(),
    };
    // The tape listing goes before a text table on stdout; in JSON it is a key.
    if let (Some(t), false) = (&tape_text, args.json) {
        emit(&format!("{t}\n"))?;
    }
    if args.output.is_none() && grid.len() > LARGE_GRID && std::io::stdout().is_terminal() {
        eprintln!(
            "note: {} rows go to the terminal; write them to a file with -o FILE",
            grid.len()
        );
    }
    let mut sink = Sink::open(args.output.as_deref(), args.force)?;
    match (&tape, args.fast) {
        (Some(t), true) => grid::write_fast(t, &params, &grid, &table, &mut sink)?,
        _ => grid::write_exact(g, unfolded, var, env, &grid, digits, &table, &mut sink)?,
    }
    sink.finish()?;
    if let Some(path) = &args.output {
        if args.json {
            let mut summary = json!({
                "output": path.display().to_string(),
                "rows": grid.len(),
                "format": format.name(),
                "expression": typed,
                "var": name,
                "engine": table.engine,
            });
            if let Some(t) = &tape_text {
                summary["tape"] = json!(t);
            }
            emit_json(&summary)?;
        } else {
            eprintln!("wrote {} rows to {}", grid.len(), path.display());
        }
    }
    Ok(EXIT_OK)
}

/// An evaluation failure as a message naming the point.
fn eval_error(e: &EvalError, point: &str) -> CliError {
    let kind = match e {
        EvalError::Undefined { .. } => "undefined_value",
        EvalError::UnboundVariable(_) => "unbound_variable",
        EvalError::Overflow => "overflow",
        EvalError::PrecisionExhausted { .. } => "precision_exhausted",
        EvalError::NotCertified { .. } => "not_certified",
        EvalError::TimeLimit => "time_limit",
        _ => "evaluation_error",
    };
    let mut err = if point.is_empty() {
        CliError::new(kind, e.to_string())
    } else {
        CliError::new(kind, format!("{e} at {point}"))
    };
    if let EvalError::NotCertified { .. } | EvalError::TimeLimit = e {
        // Not bad input: the value exists but could not be pinned down (unknown).
        err.code = super::check_cmd::EXIT_UNKNOWN;
    }
    if let EvalError::UnboundVariable(v) = e {
        if v == "e" {
            err = err.with_help("Euler's number is exp(1), and e^u is exp(u)");
        }
    }
    err
}
