//! `actsym bound EXPR [--over A:B] [--where COND...]`: certified enclosures of the
//! supremum and infimum, whether each is attained and where (exact for one
//! generator), or the limit approached. Exit codes: 0 bounds found, 2 bad input,
//! 3 no bounds within the limits.

use std::path::PathBuf;
use std::time::Duration;

use actsym::expr::{Graph, Symbol};
use actsym::prove::ineq::bound::{bound, At, BoundError, BoundOptions, Bounds, Extreme};
use num_rational::BigRational;

use super::common::{unfold_diffs, KinkArg};
use super::input::{parse_expr, source, Source};
use super::{emit, emit_json, CliError, Session};

/// Flags of `actsym bound`.
#[derive(clap::Args, Debug)]
pub struct BoundArgs {
    /// The expression (- reads stdin).
    #[arg(value_name = "EXPR", required_unless_present = "file")]
    expr: Option<String>,
    /// Read the expression from FILE (- for stdin).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// The interval of the variable(s): A:B with exact ends (-inf and inf allowed).
    #[arg(long, value_name = "A:B", allow_hyphen_values = true)]
    over: Option<String>,
    /// Conditions the points must satisfy (repeatable): 'x > 0', 'x + y <= 1'.
    #[arg(long = "where", value_name = "COND", allow_hyphen_values = true)]
    conditions: Vec<String>,
    /// Significant digits of the enclosures.
    #[arg(long, default_value_t = 12, value_name = "N")]
    digits: u32,
    /// Time budget in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    time_limit: f64,
    /// The convention for diff(...) at kinks.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
    /// Print one JSON object: sup and inf, each with value or lower/upper, attained, at.
    #[arg(long)]
    json: bool,
}

/// Exit code when no bounds were found within the limits.
pub const EXIT_UNKNOWN: u8 = 3;

fn conditions_of(
    g: &mut Graph,
    args: &BoundArgs,
    vars: &[Symbol],
) -> Result<Vec<actsym::expr::ExprId>, CliError> {
    let mut texts: Vec<String> = args.conditions.clone();
    if let Some(over) = &args.over {
        let (a, b) = over
            .split_once(':')
            .ok_or_else(|| CliError::flag("--over takes A:B, e.g. --over -4:4 or --over 0:inf"))?;
        let (a, b) = (a.trim(), b.trim());
        let lo = over_end(g, a, &["-inf", ""])?;
        let hi = over_end(g, b, &["inf", "+inf", ""])?;
        if let (Some(lo), Some(hi)) = (&lo, &hi) {
            if lo > hi {
                return Err(CliError::flag(format!(
                    "--over {over} is empty: the lower end must not exceed the upper end"
                )));
            }
        }
        for &v in vars {
            let name = g.name(v).to_owned();
            if !matches!(a, "-inf" | "") {
                texts.push(format!("{name} >= ({a})"));
            }
            if !matches!(b, "inf" | "+inf" | "") {
                texts.push(format!("{name} <= ({b})"));
            }
        }
    }
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let text = format!("0 = 0 where {}", texts.join(", "));
    let claim = actsym::defs::parse_claim(g, &text).map_err(|e| {
        CliError::flag(format!(
            "a condition of --where/--over does not parse: {}",
            e.error
        ))
    })?;
    Ok(claim.conditions)
}

/// One end of `--over A:B`: a constant expression (`-4`, `3/2`, `pi`), or infinite
/// (`None`) when it is one of `open`. Its exact value when it is rational, for the
/// emptiness check.
fn over_end(g: &mut Graph, text: &str, open: &[&str]) -> Result<Option<BigRational>, CliError> {
    if open.contains(&text) {
        return Ok(None);
    }
    let e = actsym::defs::parse_expr(g, text).map_err(|err| {
        CliError::flag(format!("--over: '{text}' is not a number: {}", err.error))
    })?;
    if let Some(v) = g.free_vars(e).first() {
        return Err(CliError::flag(format!(
            "--over: '{text}' must be a number, not an expression in {}",
            g.name(*v)
        )));
    }
    Ok(match g.node(e) {
        actsym::expr::Node::Num(r) => Some(r.clone()),
        _ => None,
    })
}

pub fn run(session: &mut Session, args: &BoundArgs) -> Result<u8, CliError> {
    if args.digits == 0 || args.digits > 200 {
        return Err(CliError::flag("--digits must be between 1 and 200"));
    }
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    let src: Source = source(
        args.expr.as_deref(),
        args.file.as_ref(),
        "actsym bound 'diff(sigmoid(x), x)'",
    )?;
    let g = &mut session.graph;
    let (e, typed) = parse_expr(g, &src)?;
    let e = unfold_diffs(g, e, args.kink)?;
    let mut vars = g.free_vars(e);
    vars.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
    let conds = conditions_of(g, args, &vars)?;
    let opts = BoundOptions {
        digits: args.digits,
        time: Duration::from_secs_f64(args.time_limit),
        ..BoundOptions::default()
    };
    match bound(g, e, &conds, &opts) {
        Err(err @ BoundError::Empty(_)) => Err(CliError::flag(err.to_string())),
        Ok(b) => {
            if args.json {
                emit_json(&json(g, &typed, &b))?;
            } else {
                emit(&text(g, &typed, &b))?;
            }
            Ok(super::EXIT_OK)
        }
        Err(err) => {
            if args.json {
                emit_json(&serde_json::json!({
                    "expr": typed,
                    "verdict": "unknown",
                    "note": err.to_string(),
                }))?;
            } else {
                emit(&format!("unknown: {typed}\n  reason: {err}\n"))?;
            }
            Ok(EXIT_UNKNOWN)
        }
    }
}

fn at_text(g: &Graph, at: &At) -> String {
    match at {
        At::Exact(parts) => parts
            .iter()
            .map(|(v, t)| format!("{} = {t}", g.name(*v)))
            .collect::<Vec<_>>()
            .join(", "),
        At::Enclosure(parts) => parts
            .iter()
            .map(|(v, lo, hi)| format!("{} in [{lo}, {hi}]", g.name(*v)))
            .collect::<Vec<_>>()
            .join(", "),
        At::Limit(t) => format!("as {t}"),
    }
}

fn at_json(g: &Graph, at: &At) -> serde_json::Value {
    match at {
        At::Exact(parts) => {
            let m: serde_json::Map<String, serde_json::Value> = parts
                .iter()
                .map(|(v, t)| (g.name(*v).to_owned(), t.clone().into()))
                .collect();
            m.into()
        }
        At::Enclosure(parts) => {
            let m: serde_json::Map<String, serde_json::Value> = parts
                .iter()
                .map(|(v, lo, hi)| {
                    (
                        g.name(*v).to_owned(),
                        serde_json::json!({ "lower": lo, "upper": hi }),
                    )
                })
                .collect();
            m.into()
        }
        At::Limit(t) => serde_json::json!({ "limit": t }),
    }
}

fn extreme_json(g: &Graph, x: &Extreme) -> serde_json::Value {
    let mut o = serde_json::json!({
        "lower": x.lower,
        "upper": x.upper,
        "attained": x.attained,
        "at": x.at.as_ref().map(|a| at_json(g, a)),
    });
    if let (Some(v), Some(map)) = (&x.value, o.as_object_mut()) {
        map.insert("value".into(), v.clone().into());
    }
    o
}

fn json(g: &Graph, typed: &str, b: &Bounds) -> serde_json::Value {
    let mut o = serde_json::json!({
        "expr": typed,
        "sup": extreme_json(g, &b.sup),
        "inf": extreme_json(g, &b.inf),
        "method": b.method,
    });
    if let (Some(n), Some(map)) = (&b.note, o.as_object_mut()) {
        map.insert("note".into(), n.clone().into());
    }
    o
}

fn extreme_text(g: &Graph, name: &str, x: &Extreme) -> String {
    let value = match &x.value {
        Some(v) => v.clone(),
        None => format!("in [{}, {}]", x.lower, x.upper),
    };
    let attained = match x.attained {
        Some(true) => "attained",
        Some(false) => "not attained",
        None => "attainment not decided",
    };
    let at =
        x.at.as_ref()
            .map(|a| format!(" {}", at_text(g, a)))
            .map(|s| {
                if matches!(x.at, Some(At::Limit(_))) {
                    s
                } else {
                    format!(" at{s}")
                }
            })
            .unwrap_or_default();
    format!("  {name} {value}, {attained}{at}\n")
}

fn text(g: &Graph, typed: &str, b: &Bounds) -> String {
    let mut out = format!("bounds of {typed}\n");
    out.push_str(&extreme_text(g, "sup", &b.sup));
    out.push_str(&extreme_text(g, "inf", &b.inf));
    out.push_str(&format!("  method: {}\n", b.method));
    if let Some(n) = &b.note {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}
