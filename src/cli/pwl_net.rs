//! The parts of `actsym pwl` about networks and parameters: the collapsed affine map
//! of a linear network (exercise 1), the structural classification for every value
//! of the parameters (`--symbolic`, `--shape`; exercise 4), the linear regions of a
//! two-input network in a box (`--box`, `--svg`).

use std::time::Instant;

use actsym::expr::{ExprId, Graph, Symbol};
use actsym::network::linear::Affine;
use actsym::network::regions::{self, RegionError, Regions};
use actsym::network::{self, input_names, Format};
use actsym::print;
use actsym::pwl::{classify, Class};
use num_rational::BigRational;
use serde_json::{json, Value};

use super::check_cmd::EXIT_UNKNOWN;
use super::common::unfold_diffs;
use super::netfile::{parse_activations, Loaded};
use super::output::Sink;
use super::pwl_cmd::PwlArgs;
use super::{emit, CliError, EXIT_OK};

/// The `format` key: the kind of the file read, or null for an expression.
pub fn format_json(format: Option<Format>) -> Value {
    format.map_or(Value::Null, |f| json!(f.name()))
}

fn s(r: &BigRational) -> Value {
    json!(r.to_string())
}

fn matrix_json(m: &[Vec<BigRational>]) -> Value {
    Value::Array(
        m.iter()
            .map(|row| Value::Array(row.iter().map(s).collect()))
            .collect(),
    )
}

fn matrix_text(m: &[Vec<BigRational>]) -> String {
    let rows: Vec<String> = m
        .iter()
        .map(|row| {
            format!(
                "[{}]",
                row.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// The `affine` object: `matrix`, `bias` as exact strings, `rank`, and the map out
/// of reach when a narrow layer forces a rank drop.
pub fn affine_json(a: &Affine) -> Value {
    json!({
        "matrix": matrix_json(&a.matrix),
        "bias": a.bias.iter().map(s).collect::<Vec<_>>(),
        "rank": a.rank,
        "full_rank": a.full_rank,
        "narrowest_width": a.narrowest,
        "narrowest_at": a.narrowest_at,
        "unrepresentable": a.unrepresentable().map(|(m, why)| json!({"matrix": matrix_json(&m), "reason": why})),
    })
}

/// The affine map as text lines.
pub fn affine_text(a: &Affine) -> String {
    let mut out = format!(
        "linear network: the affine map M x + c with\n  M = {}\n  c = [{}]\n  rank {} (a map of this shape has rank at most {})\n",
        matrix_text(&a.matrix),
        a.bias.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        a.rank,
        a.full_rank
    );
    if let Some((m, why)) = a.unrepresentable() {
        out.push_str(&format!(
            "  rank drop: the narrowest width is {} ({}); the network cannot represent M = {}: {why}\n",
            a.narrowest,
            a.narrowest_at,
            matrix_text(&m)
        ));
    }
    out
}

/// A linear network of several inputs or outputs: its affine map only.
pub fn affine_only(
    args: &PwlArgs,
    expression: &str,
    format: Option<Format>,
    a: &Affine,
) -> Result<u8, CliError> {
    if args.json {
        let obj = json!({
            "expression": expression,
            "format": format_json(format),
            "verdict": "piecewise_linear",
            "piecewise_linear": true,
            "continuous": true,
            "affine": affine_json(a),
        });
        emit(&format!("{obj}\n"))?;
    } else {
        emit(&format!(
            "{expression}\n{}piecewise linear: yes (one affine piece)\ncontinuous: yes\n",
            affine_text(a)
        ))?;
    }
    Ok(EXIT_OK)
}

/// The sentence of a class for every value of the parameters.
fn verdict_text(class: Class, vars: &[String], params: &[String]) -> String {
    let of = if params.is_empty() {
        String::new()
    } else if params.len() <= 8 {
        format!(" for all values of the parameters ({})", params.join(", "))
    } else {
        format!(
            " for all values of the {} parameters ({}, ..., {})",
            params.len(),
            params[0],
            params[params.len() - 1]
        )
    };
    match class {
        Class::Unknown => {
            "unknown: no closure rule classifies it (the class of each node is under --explain)"
                .to_owned()
        }
        c => format!("{} in {}{of}", c.describe(), vars.join(", ")),
    }
}

fn classify_report(
    g: &mut Graph,
    args: &PwlArgs,
    e: ExprId,
    vars: &[Symbol],
    expression: &str,
    format: Option<Format>,
) -> Result<u8, CliError> {
    let c =
        classify(g, e, vars).map_err(|why| CliError::input(format!("cannot classify: {why}")))?;
    let names =
        |ss: &[Symbol], g: &Graph| ss.iter().map(|&s| g.name(s).to_owned()).collect::<Vec<_>>();
    let (vnames, pnames) = (names(vars, g), names(&c.parameters, g));
    let verdict = verdict_text(c.class, &vnames, &pnames);
    let shown = |g: &Graph, id: ExprId| {
        let t = print::text(g, id);
        if t.chars().count() > 72 {
            format!("{}...", t.chars().take(69).collect::<String>())
        } else {
            t
        }
    };
    if args.json {
        let mut obj = json!({
            "expression": expression,
            "format": format_json(format),
            "variables": vnames,
            "parameters": pnames,
            "class": c.class.key(),
            "verdict": verdict,
        });
        if args.explain {
            obj["nodes"] = Value::Array(
                c.nodes
                    .iter()
                    .map(|&(id, k, rule)| json!({"expr": print::text(g, id), "class": k.key(), "rule": rule}))
                    .collect(),
            );
        }
        emit(&format!("{obj}\n"))?;
    } else {
        let mut out = format!("{expression}\n{verdict}\n");
        if args.explain {
            out.push_str("rules, children before parents:\n");
            for &(id, k, rule) in &c.nodes {
                out.push_str(&format!(
                    "  {:<28} {}\n      {rule}\n",
                    k.describe(),
                    shown(g, id)
                ));
            }
        }
        emit(&out)?;
    }
    Ok(if c.class == Class::Unknown {
        EXIT_UNKNOWN
    } else {
        EXIT_OK
    })
}

/// `--symbolic`: the class of the expression in its variables (a network's inputs;
/// for an expression `x`, `y`, `z` where present, else its one free name), every
/// other name a parameter.
pub fn symbolic(
    g: &mut Graph,
    args: &PwlArgs,
    e: ExprId,
    expression: &str,
    format: Option<Format>,
    inputs: Option<usize>,
) -> Result<u8, CliError> {
    let free = g.free_vars(e);
    let vars: Vec<Symbol> = match inputs {
        Some(n) => input_names(n).iter().map(|v| g.symbol(v)).collect(),
        None => {
            let named: Vec<Symbol> = ["x", "y", "z"]
                .iter()
                .filter_map(|n| g.find_symbol(n))
                .filter(|s| free.contains(s))
                .collect();
            match (named.is_empty(), free.as_slice()) {
                (false, _) => named,
                (true, [one]) => vec![*one],
                (true, _) => vec![g.symbol("x")],
            }
        }
    };
    classify_report(g, args, e, &vars, expression, format)
}

/// `--shape 1,16,16,1 --activations relu`: the classification of every network of
/// that shape.
pub fn template(g: &mut Graph, args: &PwlArgs, shape: &str) -> Result<u8, CliError> {
    let widths = shape
        .split(',')
        .map(|w| {
            w.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=4096).contains(&n))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            CliError::flag(format!(
                "--shape: '{shape}' is not a list of widths from 1 to 4096 such as 1,16,16,1"
            ))
        })?;
    let acts = parse_activations(args.activations.as_deref().unwrap_or("relu"))?;
    let outs = network::template(g, &widths, &acts).map_err(|e| CliError::flag(e.to_string()))?;
    let expression = format!(
        "every network of shape {} with activations {} (weights w<layer>_<unit>_<input>, biases b<layer>_<unit>)",
        widths.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> "),
        acts.iter().map(network::Activation::spec).collect::<Vec<_>>().join(",")
    );
    if outs.len() != 1 {
        return Err(CliError::flag(
            "--shape: the last width must be 1 (one output)",
        ));
    }
    let e = unfold_diffs(g, outs[0], args.kink)?;
    let vars: Vec<Symbol> = input_names(widths[0]).iter().map(|n| g.symbol(n)).collect();
    classify_report(g, args, e, &vars, &expression, None)
}

/// Reads `A:B,C:D`.
fn parse_box(text: &str) -> Result<[(BigRational, BigRational); 2], CliError> {
    let bad = || {
        CliError::flag(format!(
            "--box takes A:B,C:D with exact numbers (for example -1:1,-1/2:2), got '{text}'"
        ))
    };
    let parts: Vec<&str> = text.split(',').collect();
    let [a, b] = parts.as_slice() else {
        return Err(bad());
    };
    let range = |p: &str| -> Result<(BigRational, BigRational), CliError> {
        let (lo, hi) = p.split_once(':').ok_or_else(bad)?;
        let lo = network::exact::parse_rational(lo).ok_or_else(bad)?;
        let hi = network::exact::parse_rational(hi).ok_or_else(bad)?;
        if lo >= hi {
            return Err(CliError::flag(format!(
                "--box: the range {p} is empty (give A:B with A < B)"
            )));
        }
        Ok((lo, hi))
    };
    Ok([range(a)?, range(b)?])
}

fn point_json(p: &[BigRational; 2]) -> Value {
    json!([p[0].to_string(), p[1].to_string()])
}

/// `--box`: the linear regions of a two-input network.
pub fn boxed(
    args: &PwlArgs,
    loaded: &Loaded,
    text: &str,
    deadline: Instant,
) -> Result<u8, CliError> {
    let bx = parse_box(text)?;
    let Some(net) = &loaded.network else {
        return Err(CliError::input(
            "--box needs a network file (JSON or safetensors) of two inputs and one output",
        ));
    };
    let found = match regions::regions(net, &bx, Some(deadline)) {
        Ok(r) => r,
        Err(RegionError::TimeLimit) => {
            let why = RegionError::TimeLimit.to_string();
            if args.json {
                emit(&format!(
                    "{}\n",
                    json!({"expression": loaded.expression, "format": format_json(Some(loaded.format)), "verdict": "unknown", "reason": why})
                ))?;
            } else {
                emit(&format!("{}\nunknown: {why}\n", loaded.expression))?;
            }
            return Ok(EXIT_UNKNOWN);
        }
        Err(e) => return Err(CliError::input(format!("{}: {e}", loaded.expression))),
    };
    if let Some(path) = &args.svg {
        let mut sink = Sink::open(Some(path), args.force)?;
        sink.write(&regions::svg(&found, &bx, &loaded.expression))?;
        sink.finish()?;
    }
    if args.json {
        emit(&format!("{}\n", regions_json(loaded, &bx, &found)))?;
    } else {
        emit(&regions_text(loaded, &bx, &found, args.svg.as_deref()))?;
    }
    Ok(EXIT_OK)
}

fn regions_json(loaded: &Loaded, bx: &[(BigRational, BigRational); 2], r: &Regions) -> Value {
    json!({
        "expression": loaded.expression,
        "format": format_json(Some(loaded.format)),
        "box": {"x": [bx[0].0.to_string(), bx[0].1.to_string()], "y": [bx[1].0.to_string(), bx[1].1.to_string()]},
        "count": r.regions.len(),
        "affine_maps": r.maps,
        "continuous": r.continuous,
        "verdict": "piecewise_linear",
        "regions": r.regions.iter().map(|g| json!({
            "vertices": g.vertices.iter().map(point_json).collect::<Vec<_>>(),
            "gradient": [g.gradient[0].to_string(), g.gradient[1].to_string()],
            "offset": g.offset.to_string(),
        })).collect::<Vec<_>>(),
    })
}

/// At most this many regions are listed as text (`--json` lists all).
const SHOWN: usize = 20;

fn regions_text(
    loaded: &Loaded,
    bx: &[(BigRational, BigRational); 2],
    r: &Regions,
    svg: Option<&std::path::Path>,
) -> String {
    let mut out = format!(
        "{}\nlinear regions in {} <= x <= {}, {} <= y <= {}: {} ({} different affine maps)\ncontinuous across shared edges: {}\n",
        loaded.expression,
        bx[0].0,
        bx[0].1,
        bx[1].0,
        bx[1].1,
        r.regions.len(),
        r.maps,
        if r.continuous { "yes" } else { "no" }
    );
    for (i, g) in r.regions.iter().take(SHOWN).enumerate() {
        let v: Vec<String> = g
            .vertices
            .iter()
            .map(|p| format!("({}, {})", p[0], p[1]))
            .collect();
        out.push_str(&format!(
            "  {}: {} * x + {} * y + {} on the polygon {}\n",
            i + 1,
            g.gradient[0],
            g.gradient[1],
            g.offset,
            v.join(" ")
        ));
    }
    if r.regions.len() > SHOWN {
        out.push_str(&format!(
            "  ... {} more (--json lists them all)\n",
            r.regions.len() - SHOWN
        ));
    }
    if let Some(p) = svg {
        out.push_str(&format!("drawn to {}\n", p.display()));
    }
    out
}
