//! `actsym derive EXPR` and `actsym simplify EXPR`: derivatives (one-sided at kinks)
//! and simplified forms, printed as text, LaTeX or JSON. The text parses back to the
//! same expression: shared subterms are named with `where s = ...`, which the
//! language reads.

use std::path::PathBuf;

use actsym::diff;
use actsym::expr::{ExprId, Graph, Symbol};
use actsym::parse;
use actsym::print;
use actsym::simplify::{self, shared_form_with};

use super::common::{format_of, unfold_diffs, Format, KinkArg};
use super::input::{parse_expr, source};
use super::{emit, emit_json, CliError, Session, EXIT_OK};

/// The expression: an argument or `--file`.
#[derive(clap::Args, Debug)]
pub struct ExprInput {
    /// The expression, possibly after definitions: 'f(x) = x*relu(x); f(x)' (- reads stdin).
    #[arg(value_name = "EXPR", required_unless_present = "file")]
    expr: Option<String>,
    /// Read the expression from FILE (- for stdin).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
}

/// How a formula is printed.
#[derive(clap::Args, Debug)]
pub struct FormulaOutput {
    /// Output format (default text).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Print one JSON object (the same as --format json).
    #[arg(long)]
    json: bool,
    /// Write shared subterms out in place instead of naming them with 'where'.
    #[arg(long)]
    inline: bool,
}

/// Flags of `actsym derive`.
#[derive(clap::Args, Debug)]
pub struct DeriveArgs {
    #[command(flatten)]
    input: ExprInput,
    /// The variable to differentiate by (default: x, or the only variable).
    #[arg(long, value_name = "VAR")]
    wrt: Option<String>,
    /// The order of the derivative (1 to 32).
    #[arg(long, default_value_t = 1, value_name = "N")]
    order: u32,
    /// The derivative at a kink: left-hand (default), right-hand, or autodiff's.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
    /// Time budget in seconds; past it the derivative is an error (exit 2).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    time_limit: f64,
    #[command(flatten)]
    output: FormulaOutput,
}

/// Flags of `actsym simplify`.
#[derive(clap::Args, Debug)]
pub struct SimplifyArgs {
    #[command(flatten)]
    input: ExprInput,
    /// The convention for diff(...) inside the expression at kinks.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
    #[command(flatten)]
    output: FormulaOutput,
}

/// The variable to differentiate by.
fn pick_var(g: &mut Graph, e: ExprId, wrt: Option<&str>) -> Result<Symbol, CliError> {
    if let Some(name) = wrt {
        let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !parse::RESERVED.contains(&name);
        if !ok {
            return Err(CliError::flag(format!(
                "--wrt {}: not a variable name",
                name.trim()
            )));
        }
        return Ok(g.symbol(name));
    }
    let free = g.free_vars(e);
    if let Some(&x) = free.iter().find(|&&s| g.name(s) == "x") {
        return Ok(x);
    }
    match free.as_slice() {
        [only] => Ok(*only),
        [] => Ok(g.symbol("x")),
        many => Err(CliError::new(
            "ambiguous_variable",
            format!(
                "the expression has several variables ({}); say which with --wrt",
                many.iter()
                    .map(|&s| g.name(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Prints a result in the chosen format.
/// The most operations (counted as `print::op_count` counts them) a printed result
/// may have: a few megabytes of text. A derivative of a high order can have
/// billions once printed, which would take minutes and gigabytes to write out.
pub const MAX_PRINTED_OPS: usize = 1_000_000;

fn show(
    g: &mut Graph,
    e: ExprId,
    output: &FormulaOutput,
    extra: serde_json::Value,
) -> Result<(), CliError> {
    let ops = print::op_count(g, e);
    if ops > MAX_PRINTED_OPS {
        return Err(CliError::new(
            "too_large",
            format!(
                "the result has {ops} operations when printed ({} distinct subexpressions), more than the {MAX_PRINTED_OPS} actsym prints; evaluate it at points instead: actsym eval 'diff(...)' --at x=...",
                g.dag_size(e)
            ),
        ));
    }
    let inline = output.inline;
    match format_of(output.format, output.json)? {
        Format::Text => {
            let plain = print::text(g, e);
            if inline {
                return emit(&format!("{plain}\n"));
            }
            let shared = simplify::shared_form(g, e);
            let line = shared.to_line();
            // Name shared subterms only when that is shorter to read.
            if shared.defs.is_empty() || line.len() >= plain.len() {
                emit(&format!("{plain}\n"))
            } else {
                emit(&format!("{line}\n"))
            }
        }
        Format::Latex => emit(&format!("{}\n", print::latex(g, e))),
        Format::Json => {
            let shared = shared_form_with(g, e, print::text);
            let mut obj = serde_json::json!({
                "text": print::text(g, e),
                "latex": print::latex(g, e),
                "shared": {"main": shared.main, "where": shared.defs.iter().map(|(n, d)| serde_json::json!({"name": n, "value": d})).collect::<Vec<_>>()},
                "nodes": g.dag_size(e),
                "tree": print::json(g, e),
            });
            if let (Some(map), serde_json::Value::Object(more)) = (obj.as_object_mut(), extra) {
                map.extend(more);
            }
            emit_json(&obj)
        }
    }
}

pub fn run_derive(session: &mut Session, args: &DeriveArgs) -> Result<u8, CliError> {
    format_of(args.output.format, args.output.json)?;
    let src = source(
        args.input.expr.as_deref(),
        args.input.file.as_ref(),
        "actsym derive 'sigmoid(x)'",
    )?;
    let g = &mut session.graph;
    let (e, typed) = parse_expr(g, &src)?;
    let var = pick_var(g, e, args.wrt.as_deref())?;
    if args.order == 0 {
        return Err(CliError::flag("--order must be at least 1"));
    }
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    let kink = args.kink.kink();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(args.time_limit);
    let d = diff::with_deadline(deadline, || diff::derive_n(g, e, var, args.order, kink)).map_err(
        |err| {
            let timed_out = err == diff::DiffError::TimeLimit;
            let mut e = CliError::new(
                if timed_out {
                    "time_limit"
                } else {
                    "derivative_error"
                },
                err.to_string(),
            );
            if timed_out {
                // Not bad input: the derivative exists but was not found in time.
                e.code = super::check_cmd::EXIT_UNKNOWN;
            }
            e
        },
    )?;
    let extra = serde_json::json!({
        "expression": typed,
        "wrt": g.name(var),
        "order": args.order,
        "kink": kink.name(),
    });
    show(g, d, &args.output, extra)?;
    Ok(EXIT_OK)
}

pub fn run_simplify(session: &mut Session, args: &SimplifyArgs) -> Result<u8, CliError> {
    format_of(args.output.format, args.output.json)?;
    let src = source(
        args.input.expr.as_deref(),
        args.input.file.as_ref(),
        "actsym simplify 'exp(-x)/(1 + exp(-x))^2'",
    )?;
    let g = &mut session.graph;
    let (e, typed) = parse_expr(g, &src)?;
    let e = unfold_diffs(g, e, args.kink)?;
    // The simplifier, then the prover's normal form for constants (domains kept).
    let s = actsym::prove::simplest::simplify_proved(g, e)
        .map_err(|err| CliError::new("derivative_error", err.to_string()))?;
    let extra = serde_json::json!({ "expression": typed });
    show(g, s, &args.output, extra)?;
    Ok(EXIT_OK)
}
