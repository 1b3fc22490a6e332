//! `actsym derive EXPR` and `actsym simplify EXPR`: derivatives (one-sided at kinks)
//! and simplified forms, printed as text, LaTeX or JSON.

use actsym::diff::{self, Kink};
use actsym::expr::{ExprId, Graph, Symbol};
use actsym::print;
use actsym::simplify::{self, shared_form_with};
use actsym::unfold::unfold_diffs;
use actsym::{defs, parse};

use super::{emit, CliError, Session, EXIT_OK};

/// Output formats of `derive` and `simplify`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The actsym language (re-parsable), shared subterms named when shorter.
    Text,
    /// LaTeX.
    Latex,
    /// One JSON object with text, LaTeX and the expression tree.
    Json,
}

/// Kink conventions on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KinkArg {
    /// The left-hand derivative (the chapter's convention).
    Left,
    /// The right-hand derivative.
    Right,
    /// What reverse-mode autodiff computes (relu'(0) = 0).
    Autodiff,
}

/// Flags of `actsym derive`.
#[derive(clap::Args, Debug)]
pub struct DeriveArgs {
    /// The expression, possibly after definitions: 'f(x) = x*relu(x); f(x)'.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    expr: String,
    /// The variable to differentiate by (default: x, or the only variable).
    #[arg(long, value_name = "VAR")]
    wrt: Option<String>,
    /// The order of the derivative (1 to 32).
    #[arg(long, default_value_t = 1, value_name = "N")]
    order: u32,
    /// The derivative at a kink: left-hand (default), right-hand, or autodiff's.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Flags of `actsym simplify`.
#[derive(clap::Args, Debug)]
pub struct SimplifyArgs {
    /// The expression, possibly after definitions.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    expr: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The variable to differentiate by.
fn pick_var(g: &mut Graph, e: ExprId, wrt: Option<&str>) -> Result<Symbol, CliError> {
    if let Some(name) = wrt {
        let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !parse::RESERVED.contains(&name);
        if !ok {
            return Err(CliError::input(format!(
                "error: --wrt {name}: not a variable name"
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
        many => Err(CliError::input(format!(
            "error: the expression has several variables ({}); say which with --wrt",
            many.iter()
                .map(|&s| g.name(s))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Prints a result in the chosen format.
fn show(
    g: &mut Graph,
    e: ExprId,
    format: Format,
    extra: serde_json::Value,
) -> Result<(), CliError> {
    match format {
        Format::Text => {
            let plain = print::text(g, e);
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
            emit(&format!("{obj}\n"))
        }
    }
}

pub fn run_derive(session: &mut Session, args: &DeriveArgs) -> Result<u8, CliError> {
    let g = &mut session.graph;
    let e =
        defs::parse_expr(g, &args.expr).map_err(|err| Session::parse_error(&args.expr, &err))?;
    let var = pick_var(g, e, args.wrt.as_deref())?;
    let kink = match args.kink {
        KinkArg::Left => Kink::Left,
        KinkArg::Right => Kink::Right,
        KinkArg::Autodiff => Kink::Autodiff,
    };
    if args.order == 0 {
        return Err(CliError::input("error: --order must be at least 1"));
    }
    let d = diff::derive_n(g, e, var, args.order, kink)
        .map_err(|err| CliError::input(format!("error: {err}")))?;
    let extra = serde_json::json!({
        "expression": print::text(g, e),
        "wrt": g.name(var),
        "order": args.order,
        "kink": kink.name(),
    });
    show(g, d, args.format, extra)?;
    Ok(EXIT_OK)
}

pub fn run_simplify(session: &mut Session, args: &SimplifyArgs) -> Result<u8, CliError> {
    let g = &mut session.graph;
    let e =
        defs::parse_expr(g, &args.expr).map_err(|err| Session::parse_error(&args.expr, &err))?;
    let e =
        unfold_diffs(g, e, Kink::Left).map_err(|err| CliError::input(format!("error: {err}")))?;
    let s = simplify::simplify(g, e);
    let extra = serde_json::json!({ "expression": print::text(g, e) });
    show(g, s, args.format, extra)?;
    Ok(EXIT_OK)
}
