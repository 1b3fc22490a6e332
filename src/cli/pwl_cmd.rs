//! `actsym pwl NETWORK_FILE | EXPR`: the exact piecewise structure of a function of
//! one variable (breakpoints, pieces, values at the breakpoints), and from it whether
//! the function is piecewise linear and continuous.

use std::path::Path;
use std::time::{Duration, Instant};

use actsym::defs;
use actsym::expr::{ExprId, Graph, Symbol};
use actsym::print;
use actsym::pwl::{self, Piecewise, PwlError};
use num_rational::BigRational;
use serde_json::{json, Value};

use actsym::network::linear::{self, Affine};
use actsym::network::Format;

use super::check_cmd::EXIT_UNKNOWN;
use super::common::{unfold_diffs, KinkArg};
use super::input::{parse_expr, read_stdin, source};
use super::netfile::{self, Loaded};
use super::pwl_net;
use super::{emit, CliError, Session, EXIT_OK};

/// Flags of `actsym pwl`.
#[derive(clap::Args, Debug)]
pub struct PwlArgs {
    /// A file holding the network (definitions, then the expression of its output),
    /// or the expression itself.
    #[arg(value_name = "NETWORK_FILE | EXPR", required_unless_present = "shape")]
    pub target: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Analyse a function of several variables on the segment from P to Q, as a
    /// function of t (t = 0 at P, 1 at Q). P and Q are VAR=VALUE lists (x=0,y=1/2) or
    /// values in the variables' alphabetical order (0,1/2); values are exact rationals.
    #[arg(long, value_name = "P:Q", allow_hyphen_values = true)]
    pub along: Option<String>,
    /// The convention for diff(...) at kinks: left-hand (default), right-hand, autodiff.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    pub kink: KinkArg,
    /// Time budget in seconds; past it the answer is unknown (exit 3).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// The activations of a safetensors file (one per layer, or one for every hidden
    /// layer), or of a --shape template: relu,prelu:1/4,identity.
    #[arg(long, value_name = "LIST")]
    pub activations: Option<String>,
    /// Classify every node by closure rules, for every value of the parameters
    /// (affine, continuous piecewise linear, piecewise linear, smooth, unknown).
    #[arg(long)]
    pub symbolic: bool,
    /// With --symbolic, print the class and the rule used at each node.
    #[arg(long)]
    pub explain: bool,
    /// Classify every network of this shape (symbolic weights): --shape 1,16,16,1
    /// --activations relu. The NETWORK_FILE | EXPR is then left out.
    #[arg(long, value_name = "WIDTHS", conflicts_with_all = ["target", "along", "box_"])]
    pub shape: Option<String>,
    /// A network of two inputs: its linear regions inside the box x in [A, B], y in
    /// [C, D] (exact polygons), with the affine map on each.
    #[arg(
        long = "box",
        id = "box_",
        value_name = "A:B,C:D",
        allow_hyphen_values = true,
        conflicts_with = "along"
    )]
    pub box_: Option<String>,
    /// With --box, draw the regions, coloured by their gradient, to an SVG file.
    #[arg(long, value_name = "FILE", requires = "box_")]
    pub svg: Option<std::path::PathBuf>,
    /// Replace an existing --svg file.
    #[arg(long, requires = "svg")]
    pub force: bool,
}

/// A segment from `p` to `q` in the coordinates `vars`.
struct Along {
    vars: Vec<Symbol>,
    p: Vec<BigRational>,
    q: Vec<BigRational>,
}

fn exact(text: &str) -> Result<BigRational, CliError> {
    let mut scratch = Graph::new();
    defs::parse_expr(&mut scratch, text)
        .ok()
        .and_then(|id| scratch.as_num(id).cloned())
        .ok_or_else(|| {
            CliError::input(format!(
                "error: --along: '{text}' is not an exact rational such as -1, 1/2 or 0.1"
            ))
        })
}

impl Along {
    fn parse(g: &Graph, text: &str, free: &[Symbol]) -> Result<Along, CliError> {
        let mut vars = free.to_vec();
        vars.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
        let names: Vec<&str> = vars.iter().map(|&v| g.name(v)).collect();
        let point = |side: &str| -> Result<Vec<BigRational>, CliError> {
            let items: Vec<&str> = side
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let named = items.iter().filter(|i| i.contains('=')).count();
            if named == 0 {
                if items.len() != vars.len() {
                    return Err(CliError::flag(format!(
                        "--along: '{side}' has {} values; the expression's variables are {} (in this order)",
                        items.len(),
                        names.join(", ")
                    )));
                }
                return items.iter().map(|i| exact(i)).collect();
            }
            if named != items.len() {
                return Err(CliError::input(format!(
                    "error: --along: '{side}' mixes VAR=VALUE and bare values"
                )));
            }
            let mut vals: Vec<Option<BigRational>> = vec![None; vars.len()];
            for item in items {
                let (name, value) = item.split_once('=').expect("counted above");
                let Some(k) = names.iter().position(|n| *n == name.trim()) else {
                    return Err(CliError::flag(format!(
                        "--along: the expression has no variable '{}' (its variables: {})",
                        name.trim(),
                        names.join(", ")
                    )));
                };
                vals[k] = Some(exact(value.trim())?);
            }
            vals.into_iter()
                .zip(&names)
                .map(|(v, n)| {
                    v.ok_or_else(|| {
                        CliError::input(format!("error: --along: '{side}' gives no value for {n}"))
                    })
                })
                .collect()
        };
        let Some((a, b)) = text.split_once(':') else {
            return Err(CliError::input(format!(
                "error: --along takes P:Q (for example x=0,y=0:x=1,y=2), got '{text}'"
            )));
        };
        Ok(Along {
            p: point(a)?,
            q: point(b)?,
            vars,
        })
    }

    /// `var = p + t (q - p)` for each coordinate.
    fn substitute(&self, g: &mut Graph, e: ExprId, t: Symbol) -> ExprId {
        let tv = g.var_sym(t);
        let bindings = self
            .vars
            .iter()
            .zip(self.p.iter().zip(&self.q))
            .map(|(&v, (p, q))| {
                let p_id = g.num(p.clone());
                let d = g.num(q - p);
                let dt = g.mul(vec![d, tv]);
                (v, g.add(vec![p_id, dt]))
            })
            .collect();
        g.substitute(e, &bindings)
    }

    /// The point at parameter `t`, as `(var, value)` pairs.
    fn at(&self, g: &Graph, t: &BigRational) -> Vec<(String, BigRational)> {
        self.vars
            .iter()
            .zip(self.p.iter().zip(&self.q))
            .map(|(&v, (p, q))| (g.name(v).to_owned(), p + (q - p) * t))
            .collect()
    }

    fn describe(&self, g: &Graph, t: &BigRational) -> String {
        self.at(g, t)
            .iter()
            .map(|(n, v)| format!("{n} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn zero() -> BigRational {
    BigRational::from_integer(0.into())
}

fn one() -> BigRational {
    BigRational::from_integer(1.into())
}

/// A name for the segment's parameter that is none of the expression's variables
/// (the variables are all replaced, but the report names both): `t`, `s`, `t_along`,
/// then `t1`, `t2`, ... The variables are finitely many, so the search ends.
fn parameter_name(used: &[&str]) -> String {
    let mut candidates = ["t", "s", "t_along"]
        .into_iter()
        .map(str::to_owned)
        .chain((1..).map(|k| format!("t{k}")));
    loop {
        match candidates.next() {
            Some(name) if used.contains(&name.as_str()) => {}
            Some(name) => return name,
            None => return "t".to_owned(),
        }
    }
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

/// Whether the argument names a file rather than being an expression: it exists,
/// or it looks like a path (`net.act`, `dir/net`), which no expression does.
fn names_a_file(target: &str) -> bool {
    let path = Path::new(target);
    if path.is_file() {
        return true;
    }
    let plain = !target.contains(['(', ')', ' ', '*', '+', '^', ',']);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.starts_with(|c: char| c.is_ascii_alphabetic()));
    plain && (extension || target.contains('/'))
}

pub fn run(session: &mut Session, args: &PwlArgs) -> Result<u8, CliError> {
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    let deadline = Instant::now() + Duration::from_secs_f64(args.time_limit);
    let g = &mut session.graph;
    if let Some(shape) = &args.shape {
        return pwl_net::template(g, args, shape);
    }
    let target = args
        .target
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches(' ');
    let loaded = if target == "-" {
        let (e, expression) = parse_expr(g, &read_stdin()?)?;
        Loaded {
            format: Format::Actsym,
            network: None,
            expr: Some(e),
            expression,
        }
    } else if names_a_file(target) {
        netfile::load(g, Path::new(target), args.activations.as_deref())?
    } else {
        let src = source(Some(target), None, "actsym pwl 'relu(x) - relu(x - 1)'")?;
        let (e, expression) = parse_expr(g, &src)?;
        Loaded {
            format: Format::Actsym,
            network: None,
            expr: Some(e),
            expression,
        }
    };
    if args.activations.is_some() && loaded.format != Format::Safetensors {
        return Err(CliError::flag(
            "--activations applies to a safetensors file or a --shape template",
        ));
    }
    let format = (target != "-" && names_a_file(target)).then_some(loaded.format);
    if let Some(b) = &args.box_ {
        return pwl_net::boxed(args, &loaded, b, deadline);
    }
    let affine = loaded.network.as_ref().and_then(linear::collapse);
    let expression = loaded.expression.clone();
    let inputs = loaded.network.as_ref().map_or(1, |n| n.inputs);
    let loaded_inputs = loaded.network.as_ref().map(|n| n.inputs);
    let e = match loaded.expr {
        Some(e) if inputs == 1 || args.along.is_some() || args.symbolic => e,
        _ => {
            // Several inputs or outputs: only the collapsed map of a linear network.
            return match &affine {
                Some(a) => pwl_net::affine_only(args, &expression, format, a),
                None => Err(CliError::input(format!(
                    "{expression}: pwl analyses a function of one input and one output; give --along P:Q (a segment) or --box A:B,C:D (two inputs)"
                ))),
            };
        }
    };
    let e = unfold_diffs(g, e, args.kink)?;
    if args.symbolic {
        return pwl_net::symbolic(g, args, e, &expression, format, loaded_inputs);
    }
    let free = g.free_vars(e);
    let (e, var, along) = match &args.along {
        Some(text) => {
            let along = Along::parse(g, text, &free)?;
            let used: Vec<&str> = free.iter().map(|&s| g.name(s)).collect();
            let t = g.symbol(&parameter_name(&used));
            (along.substitute(g, e, t), t, Some(along))
        }
        None => (e, pick_var(g, &free)?, None),
    };
    let xname = g.name(var).to_owned();
    let f = match pwl::analyse_until(g, e, var, Some(deadline)) {
        Ok(f) => f,
        Err(err @ (PwlError::Unfold(_) | PwlError::TimeLimit)) => {
            return unknown(args, &expression, &xname, &err, format)
        }
        Err(err) => {
            // On a segment, only a witness inside it counts.
            let witness = match pwl::curvature_witness(g, e, var) {
                Ok(w) => w.filter(|w| along.is_none() || (zero() < w.at && w.at < one())),
                Err(why) => return unknown(args, &expression, &xname, &why.into(), format),
            };
            return match witness {
                Some(w) => {
                    let continuous = match pwl::continuous_everywhere(g, e) {
                        Ok(c) => c,
                        Err(why) => return unknown(args, &expression, &xname, &why.into(), format),
                    };
                    curved(args, &expression, &xname, &err, &w, continuous, format)
                }
                None => unknown(args, &expression, &xname, &err, format),
            };
        }
    };
    let f = if along.is_some() {
        f.restrict(&zero(), &one())
    } else {
        f
    };
    // The one-sided limits at every breakpoint, computed once for the verdict and
    // the listing.
    let limits: Vec<(BigRational, BigRational)> =
        (0..f.breaks.len()).map(|i| f.limits(i)).collect();
    let continuous = limits.iter().zip(&f.at).all(|((l, r), v)| l == v && r == v);
    let report = Report {
        f: &f,
        limits: &limits,
        var,
        expression: &expression,
        linear: f.is_linear(),
        continuous,
        along: along.as_ref(),
        format,
        affine: affine.as_ref(),
    };
    if args.json {
        emit(&format!("{}\n", report.json(g)))?;
    } else {
        emit(&report.text(g))?;
    }
    Ok(EXIT_OK)
}

/// A decided analysis, printed as JSON or text.
struct Report<'a> {
    f: &'a Piecewise,
    /// The left and right limits at each breakpoint.
    limits: &'a [(BigRational, BigRational)],
    var: Symbol,
    expression: &'a str,
    linear: bool,
    continuous: bool,
    along: Option<&'a Along>,
    format: Option<Format>,
    affine: Option<&'a Affine>,
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
    format: Option<Format>,
) -> Result<u8, CliError> {
    if args.json {
        let mut obj = json!({
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
        obj["format"] = pwl_net::format_json(format);
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
fn unknown(
    args: &PwlArgs,
    expression: &str,
    x: &str,
    err: &PwlError,
    format: Option<Format>,
) -> Result<u8, CliError> {
    if args.json {
        let mut obj = json!({
            "expression": expression,
            "var": x,
            "piecewise_linear": Value::Null,
            "continuous": Value::Null,
            "verdict": "unknown",
            "reason": err.to_string(),
        });
        obj["format"] = pwl_net::format_json(format);
        emit(&format!("{obj}\n"))?;
    } else {
        emit(&format!(
            "{expression}\nunknown: {err}\n(pwl decides sums, products and powers of the variable, max, min, abs, sign and if of comparisons, with rational constants)\n"
        ))?;
    }
    Ok(EXIT_UNKNOWN)
}

impl Report<'_> {
    /// The ends of piece `i`; on a segment the outer pieces end at its ends, t = 0
    /// and t = 1 (`None` is an unbounded end).
    fn ends(&self, i: usize) -> (Option<BigRational>, Option<BigRational>) {
        let (lo, hi) = self.f.interval(i);
        match self.along {
            Some(_) => (
                Some(lo.map_or_else(zero, Clone::clone)),
                Some(hi.map_or_else(one, Clone::clone)),
            ),
            None => (lo.cloned(), hi.cloned()),
        }
    }

    /// Each piece with its ends (see [`Report::ends`]) and its polynomial as text.
    fn rows(&self, g: &mut Graph) -> Vec<(Option<BigRational>, Option<BigRational>, String)> {
        (0..self.f.pieces.len())
            .map(|i| {
                let (lo, hi) = self.ends(i);
                let e = pwl::poly_expr(g, &self.f.pieces[i], self.var);
                (lo, hi, print::text(g, e))
            })
            .collect()
    }

    fn json(&self, g: &mut Graph) -> Value {
        let (f, var, expression, along) = (self.f, self.var, self.expression, self.along);
        let (linear, continuous) = (self.linear, self.continuous);
        let s = |r: &BigRational| r.to_string();
        let pieces: Vec<Value> = self
            .rows(g)
            .into_iter()
            .zip(&f.pieces)
            .map(|((lo, hi, text), p)| {
                let mut obj = json!({
                    "from": lo.as_ref().map(s),
                    "to": hi.as_ref().map(s),
                    "expr": text,
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
                let (l, r) = &self.limits[i];
                json!({
                    "at": s(&f.breaks[i]),
                    "value": s(&f.at[i]),
                    "left_limit": s(l),
                    "right_limit": s(r),
                    "continuous": *l == f.at[i] && *r == f.at[i],
                })
            })
            .collect();
        let mut obj = json!({
            "expression": expression,
            "var": g.name(var),
            "verdict": if linear { "piecewise_linear" } else { "not_piecewise_linear" },
            "piecewise_linear": linear,
            "continuous": continuous,
            "breakpoints": f.breaks.iter().map(s).collect::<Vec<_>>(),
            "pieces": pieces,
            "values": values,
            "format": pwl_net::format_json(self.format),
        });
        if let Some(a) = self.affine {
            obj["affine"] = pwl_net::affine_json(a);
        }
        if let Some(a) = along {
            let point = |t: &BigRational| -> Value {
                a.at(g, t)
                    .into_iter()
                    .map(|(n, v)| (n, json!(v.to_string())))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            obj["along"] = json!({
                "from": point(&zero()),
                "to": point(&one()),
                "parameter": g.name(var),
                "points": f.breaks.iter().map(point).collect::<Vec<_>>(),
            });
        }
        obj
    }

    fn text(&self, g: &mut Graph) -> String {
        let (f, var, expression, along) = (self.f, self.var, self.expression, self.along);
        let (linear, continuous) = (self.linear, self.continuous);
        let x = g.name(var).to_owned();
        let yes = |b: bool| if b { "yes" } else { "no" };
        let mut out = format!("{expression}\n");
        if let Some(a) = along {
            out.push_str(&format!(
                "along the segment from ({}) to ({}), {x} from 0 to 1\n",
                a.describe(g, &zero()),
                a.describe(g, &one())
            ));
        }
        if let Some(a) = self.affine {
            out.push_str(&pwl_net::affine_text(a));
        }
        out.push_str(&format!("piecewise linear: {}", yes(linear)));
        if let Some(i) = f.pieces.iter().position(|p| p.degree() > 1) {
            let (lo, hi) = self.ends(i);
            out.push_str(&format!(
                " (degree {} on {})",
                f.pieces[i].degree(),
                interval_text(lo.as_ref(), hi.as_ref(), &x)
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
        let rows: Vec<(String, String)> = self
            .rows(g)
            .into_iter()
            .map(|(lo, hi, text)| (interval_text(lo.as_ref(), hi.as_ref(), &x), text))
            .collect();
        let width = rows.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
        for (a, b) in rows {
            // Padded by hand: a `{:<width$}` width past u16::MAX panics in std's
            // formatter (an interval end like 10^100000 written out in full).
            out.push_str("  ");
            out.push_str(&a);
            out.push_str(&" ".repeat(width.saturating_sub(a.len())));
            out.push_str(&format!("  {b}\n"));
        }
        if let Some(a) = along {
            for b in &f.breaks {
                out.push_str(&format!("  {x} = {b} is ({})\n", a.describe(g, b)));
            }
        }
        for i in 0..f.breaks.len() {
            let (l, r) = &self.limits[i];
            if *l != f.at[i] || *r != f.at[i] {
                out.push_str(&format!(
                    "at {x} = {}: value {}, limit from the left {l}, from the right {r}\n",
                    f.breaks[i], f.at[i]
                ));
            }
        }
        out
    }
}
