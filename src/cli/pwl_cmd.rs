//! `actsym pwl NETWORK_FILE | EXPR`: the exact piecewise structure of a function of
//! one variable (breakpoints, pieces, values at the breakpoints), and from it whether
//! the function is piecewise linear and continuous.

use std::path::Path;

use actsym::expr::{Graph, Symbol};
use actsym::parse;
use actsym::print;
use actsym::pwl::{self, Piecewise, PwlError};
use num_rational::BigRational;
use serde_json::{json, Value};

use super::check_cmd::EXIT_UNKNOWN;
use super::{emit, CliError, Session, EXIT_OK};

/// Flags of `actsym pwl`.
#[derive(clap::Args, Debug)]
pub struct PwlArgs {
    /// A file holding the network (definitions, then the expression of its output),
    /// or the expression itself.
    #[arg(value_name = "NETWORK_FILE | EXPR", allow_hyphen_values = true)]
    target: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// The variable: `x` if present, else the only one.
fn pick_var(g: &mut Graph, free: &[Symbol]) -> Result<Symbol, CliError> {
    if let Some(&x) = free.iter().find(|&&s| g.name(s) == "x") {
        return Ok(x);
    }
    match free {
        [only] => Ok(*only),
        [] => Ok(g.symbol("x")),
        many => Err(CliError::input(format!(
            "error: pwl analyses a function of one variable; the expression has {} (give the others values)",
            many.iter()
                .map(|&s| g.name(s))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `lo < x < hi`, with the unbounded ends left out.
fn interval_text(lo: Option<&BigRational>, hi: Option<&BigRational>, x: &str) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("{l} < {x} < {h}"),
        (Some(l), None) => format!("{x} > {l}"),
        (None, Some(h)) => format!("{x} < {h}"),
        (None, None) => "everywhere".to_owned(),
    }
}

pub fn run(session: &mut Session, args: &PwlArgs) -> Result<u8, CliError> {
    let g = &mut session.graph;
    let path = Path::new(&args.target);
    let (src, name) = if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("error: cannot read {}: {e}", path.display())))?;
        (text, path.display().to_string())
    } else {
        (args.target.clone(), super::session::INPUT_NAME.to_owned())
    };
    let e = parse::parse_expr(g, &src).map_err(|err| CliError::input(err.render(&src, &name)))?;
    let free = g.free_vars(e);
    let var = pick_var(g, &free)?;
    let xname = g.name(var).to_owned();
    let expression = print::text(g, e);
    let f = match pwl::analyse(g, e, var) {
        Ok(f) => f,
        Err(err) => {
            return match pwl::curvature_witness(g, e, var) {
                Some(w) => {
                    let continuous = pwl::continuous_everywhere(g, e);
                    curved(args, &expression, &xname, &err, &w, continuous)
                }
                None => unknown(args, &expression, &xname, &err),
            }
        }
    };
    let linear = f.is_linear();
    let continuous = f.is_continuous();
    if args.json {
        emit(&format!(
            "{}\n",
            to_json(g, &f, var, &expression, linear, continuous)
        ))?;
    } else {
        emit(&to_text(g, &f, var, &expression, linear, continuous))?;
    }
    Ok(EXIT_OK)
}

/// Outside the exact analysis, but certainly curved somewhere: not piecewise linear.
/// Continuity is known only when every operation is continuous and total.
fn curved(
    args: &PwlArgs,
    expression: &str,
    x: &str,
    why: &PwlError,
    w: &pwl::CurvatureWitness,
    continuous: bool,
) -> Result<u8, CliError> {
    if args.json {
        let obj = json!({
            "expression": expression,
            "var": x,
            "verdict": "not_piecewise_linear",
            "piecewise_linear": false,
            "continuous": if continuous { Value::Bool(true) } else { Value::Null },
            "breakpoints": Value::Null,
            "pieces": Value::Null,
            "witness": {"at": w.at.to_string(), "second_derivative": w.second_derivative},
            "reason": why.to_string(),
        });
        emit(&format!("{obj}\n"))?;
    } else {
        emit(&format!(
            "{expression}\npiecewise linear: no (curved: where {x} = {} the function is smooth and its second derivative is {}, certainly not 0)\ncontinuous: {}\n",
            w.at,
            w.second_derivative,
            if continuous { "yes" } else { "unknown" }
        ))?;
    }
    Ok(EXIT_OK)
}

/// The analysis gave up: say why, exit 3.
fn unknown(args: &PwlArgs, expression: &str, x: &str, err: &PwlError) -> Result<u8, CliError> {
    if args.json {
        let obj = json!({
            "expression": expression,
            "var": x,
            "piecewise_linear": Value::Null,
            "continuous": Value::Null,
            "verdict": "unknown",
            "reason": err.to_string(),
        });
        emit(&format!("{obj}\n"))?;
    } else {
        emit(&format!(
            "{expression}\nunknown: {err}\n(pwl decides sums, products and powers of the variable, max, min, abs, sign and if of comparisons, with rational constants)\n"
        ))?;
    }
    Ok(EXIT_UNKNOWN)
}

fn to_json(
    g: &mut Graph,
    f: &Piecewise,
    var: Symbol,
    expression: &str,
    linear: bool,
    continuous: bool,
) -> Value {
    let s = |r: &BigRational| r.to_string();
    let pieces: Vec<Value> = f
        .pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (lo, hi) = f.interval(i);
            let e = pwl::poly_expr(g, p, var);
            let mut obj = json!({
                "from": lo.map(s),
                "to": hi.map(s),
                "expr": print::text(g, e),
                "degree": p.degree(),
            });
            if p.degree() <= 1 {
                obj["slope"] = json!(s(&p.coeff(1)));
                obj["intercept"] = json!(s(&p.coeff(0)));
            }
            obj
        })
        .collect();
    let values: Vec<Value> = (0..f.breaks.len())
        .map(|i| {
            let (l, r) = f.limits(i);
            json!({
                "at": s(&f.breaks[i]),
                "value": s(&f.at[i]),
                "left_limit": s(&l),
                "right_limit": s(&r),
                "continuous": l == f.at[i] && r == f.at[i],
            })
        })
        .collect();
    json!({
        "expression": expression,
        "var": g.name(var),
        "verdict": if linear { "piecewise_linear" } else { "not_piecewise_linear" },
        "piecewise_linear": linear,
        "continuous": continuous,
        "breakpoints": f.breaks.iter().map(s).collect::<Vec<_>>(),
        "pieces": pieces,
        "values": values,
    })
}

fn to_text(
    g: &mut Graph,
    f: &Piecewise,
    var: Symbol,
    expression: &str,
    linear: bool,
    continuous: bool,
) -> String {
    let x = g.name(var).to_owned();
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut out = format!("{expression}\n");
    out.push_str(&format!("piecewise linear: {}", yes(linear)));
    if let Some(i) = f.pieces.iter().position(|p| p.degree() > 1) {
        let (lo, hi) = f.interval(i);
        out.push_str(&format!(
            " (degree {} on {})",
            f.pieces[i].degree(),
            interval_text(lo, hi, &x)
        ));
    }
    out.push('\n');
    out.push_str(&format!("continuous: {}\n", yes(continuous)));
    let breaks: Vec<String> = f.breaks.iter().map(ToString::to_string).collect();
    out.push_str(&format!(
        "breakpoints: {}\n",
        if breaks.is_empty() {
            "none".to_owned()
        } else {
            breaks.join(", ")
        }
    ));
    out.push_str("pieces:\n");
    let rows: Vec<(String, String)> = f
        .pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (lo, hi) = f.interval(i);
            let e = pwl::poly_expr(g, p, var);
            (interval_text(lo, hi, &x), print::text(g, e))
        })
        .collect();
    let width = rows.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
    for (a, b) in rows {
        out.push_str(&format!("  {a:<width$}  {b}\n"));
    }
    for i in 0..f.breaks.len() {
        let (l, r) = f.limits(i);
        if l != f.at[i] || r != f.at[i] {
            out.push_str(&format!(
                "at {x} = {}: value {}, limit from the left {l}, from the right {r}\n",
                f.breaks[i], f.at[i]
            ));
        }
    }
    out
}
