//! The differential checks of each target on one expression (or claim) at given
//! points: each returns the first [`Failure`] it finds, and records statistics.

use std::collections::HashMap;
use std::time::Duration;

use super::gen::{Rng, Tree};
use super::{Point, Stats};
use crate::certified::{self, EvalError, ZivLimits};
use crate::defs;
use crate::diff::{self, Kink};
use crate::expr::{BigRational, ExprId, Graph, Limits, Mark, Symbol};
use crate::fast::Tape;
use crate::print;
use crate::prove::verdict::{decide_claim, Options, Verdict};
use crate::simplify;

/// A failed check, before shrinking.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// A stable short name of the kind of discrepancy.
    pub kind: &'static str,
    /// What was expected and what was found.
    pub detail: String,
}

impl Failure {
    fn new(kind: &'static str, detail: String) -> Self {
        Failure { kind, detail }
    }
}

/// The certified value of an expression at a point.
#[derive(Clone, Debug)]
pub(crate) enum Truth {
    /// Undefined there (certainly).
    Undefined,
    /// The value, rounded to `f64` (±inf past its range), and its decimal text.
    Value(f64, String),
    /// Not decided within the limits.
    Unknown,
}

/// A reusable per-thread graph with the prelude: parsed once, and rolled back to the
/// prelude before each case (every node a case made is forgotten), so memory stays
/// bounded over any number of cases and the hash-consing table stays small.
pub struct Session {
    /// The graph.
    pub graph: Graph,
    /// The graph with the prelude and nothing else.
    prelude: Mark,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// A graph with the prelude.
    #[must_use]
    pub fn new() -> Self {
        let graph = Graph::with_prelude();
        let prelude = graph.mark();
        Session { graph, prelude }
    }

    /// Begins a case: the graph rolled back to the prelude (a fresh one if a case
    /// added definitions), its limits the defaults.
    pub fn begin_case(&mut self) {
        if !self.graph.rollback(&self.prelude) {
            *self = Session::new();
        }
        self.graph.limits = Limits::default();
        self.graph.begin_operation();
    }
}

fn limits(ms: u64) -> ZivLimits {
    ZivLimits {
        max_bits: 4096,
        time_budget: Duration::from_millis(ms),
    }
}

/// The exact rational of each coordinate of `point`.
fn env(g: &mut Graph, point: &Point) -> HashMap<Symbol, BigRational> {
    point
        .coords
        .iter()
        .filter_map(|(n, v)| Some((g.symbol(n), BigRational::from_float(*v)?)))
        .collect()
}

pub(crate) fn truth_env(
    g: &mut Graph,
    e: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
) -> Truth {
    match certified::evaluate_digits(g, e, env, digits, limits(300)) {
        Ok(v) => {
            if v.note.is_some() {
                // Only known to be tiny: not certified to be non-zero.
                return Truth::Value(0.0, "0".to_owned());
            }
            match v.decimal.parse::<f64>() {
                Ok(f) => Truth::Value(f, v.decimal),
                Err(_) => Truth::Unknown,
            }
        }
        Err(EvalError::Undefined { .. }) => Truth::Undefined,
        Err(_) => Truth::Unknown,
    }
}

/// What one MPFR enclosure tells of a value ([`quick_values`]).
#[derive(Clone, Debug)]
enum Quick {
    /// The value to the digits asked for: the enclosure's midpoint.
    Value(rug::Float),
    /// Certainly undefined there.
    Undefined,
}

/// The values of the unfolded expression `e` at several points, each from one MPFR
/// enclosure at the precision `digits` asks for (as the Ziv loop's first step), the
/// walk's plan built once for all points, nothing substituted into the graph and no
/// decimal text made: a value where the enclosure's relative width is at most
/// 10^-digits (or it is exactly 0), `None` where this one step cannot tell (the
/// caller's full evaluation decides there).
fn quick_values(
    g: &Graph,
    e: ExprId,
    envs: &[&HashMap<Symbol, BigRational>],
    digits: u32,
) -> Vec<Option<Quick>> {
    let want = (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32;
    let extra = envs
        .iter()
        .map(|env| certified::power_bits(g, e, env))
        .max()
        .unwrap_or(0);
    let prec = want.saturating_add(64).saturating_add(extra).min(4096);
    let deadline = std::time::Instant::now() + Duration::from_millis(300);
    let ivs = crate::poly::budget::with_deadline(deadline, || {
        certified::mpfr::enclose_at_points(g, e, envs, prec)
    });
    ivs.into_iter()
        .map(|iv| match iv {
            Err(EvalError::Undefined { .. }) => Some(Quick::Undefined),
            Err(_) => None,
            Ok(iv) if iv.is_zero() => Some(Quick::Value(rug::Float::new(prec))),
            Ok(iv) if iv.contains_zero() => None,
            Ok(iv) => {
                let width = rug::Float::with_val(prec, &iv.hi - &iv.lo);
                let hi = rug::Float::with_val(prec, iv.hi.abs_ref());
                let least = rug::Float::with_val(prec, iv.lo.abs_ref()).min(&hi);
                (width <= least >> want)
                    .then(|| Quick::Value(rug::Float::with_val(prec + 1, &iv.lo + &iv.hi) / 2u32))
            }
        })
        .collect()
}

pub(crate) fn truth(g: &mut Graph, e: ExprId, point: &Point, digits: u32) -> Truth {
    let env = env(g, point);
    truth_env(g, e, &env, digits)
}

/// The variables of `e`, `x` first, then the others by name.
fn vars_of(g: &Graph, e: ExprId) -> Vec<Symbol> {
    let mut vars = g.free_vars(e);
    vars.sort_by_key(|&s| (g.name(s) != "x", g.name(s).to_owned()));
    vars
}

/// The point's values in the order of `vars` (0 for a variable it does not give).
fn inputs(g: &Graph, vars: &[Symbol], point: &Point) -> Vec<f64> {
    vars.iter()
        .map(|&s| point.get(g.name(s)).unwrap_or(0.0))
        .collect()
}

/// Distance in units of the last place of `want`.
pub(crate) fn ulps(got: f64, want: f64) -> f64 {
    if got == want {
        return 0.0;
    }
    let ulp = if want == 0.0 || want.abs() < f64::MIN_POSITIVE {
        f64::from_bits(1)
    } else {
        let bits = want.abs().to_bits();
        f64::from_bits(bits + 1) - want.abs()
    };
    ((got - want).abs() / ulp).min(1e300)
}

fn parse(g: &mut Graph, text: &str) -> Result<ExprId, Failure> {
    defs::parse_expr(g, text).map_err(|e| {
        Failure::new(
            "parse_error",
            format!("the generated text does not parse: {e}"),
        )
    })
}

/// `eval`: the fast evaluator against MPFR.
pub fn eval(
    g: &mut Graph,
    text: &str,
    points: &[Point],
    stats: &mut Stats,
    key: &str,
) -> Option<Failure> {
    let e = match parse(g, text) {
        Ok(e) => e,
        Err(f) => return Some(f),
    };
    let vars = vars_of(g, e);
    let Ok(tape) = Tape::compile_unfolding(g, e, &vars) else {
        stats.skipped += 1;
        return None;
    };
    for p in points {
        let got = match tape.eval_point(&inputs(g, &vars, p)) {
            Ok(v) => v,
            Err(_) => continue,
        };
        match truth(g, e, p, 20) {
            Truth::Value(t, dec) if t.is_finite() => {
                if !got.is_finite() {
                    if let Some(c) = rounded_constant(g, e, p) {
                        return Some(rounding_limit(got, p, &c));
                    }
                    if let Some(sub) = out_of_range_subterm(g, e, p) {
                        return Some(Failure::new(
                            "intermediate_out_of_range",
                            format!("fast {got} at {p}, the true value is {dec}; the subterm {sub} is beyond the range of f64 there"),
                        ));
                    }
                    if let Some(why) = limit_of_form(g, e, p) {
                        return Some(Failure::new(
                            "intermediate_out_of_range",
                            format!("fast {got} at {p}, the true value is {dec}; {why}"),
                        ));
                    }
                    return Some(Failure::new(
                        "not_finite",
                        format!("fast {got} at {p}, the true value is {dec}"),
                    ));
                }
                stats.record(key, ulps(got, t));
            }
            Truth::Undefined if !got.is_nan() => {
                if let Some(c) = rounded_constant(g, e, p) {
                    return Some(rounding_limit(got, p, &c));
                }
                if let Some(sub) = out_of_range_subterm(g, e, p) {
                    // `sqrt(gelu_tanh(-x))` at 800: the argument's tiny negative
                    // value underflows to 0 in f64.
                    return Some(Failure::new(
                        "intermediate_out_of_range",
                        format!("fast {got} at {p}, where the expression is undefined; the subterm {sub} is beyond the range of f64 there"),
                    ));
                }
                // A partial product underflowing to 0 makes `sqrt` of a tiny negative
                // number 0 (`sqrt(hard_tanh(x)/(-x)*hard_swish(x))` at 2e-269).
                if let Some(why) = limit_of_form(g, e, p) {
                    return Some(Failure::new(
                        "intermediate_out_of_range",
                        format!("fast {got} at {p}, where the expression is undefined; {why}"),
                    ));
                }
                return Some(Failure::new(
                    "defined_where_undefined",
                    format!("fast {got} at {p}, where the expression is undefined"),
                ));
            }
            _ => {}
        }
    }
    None
}

/// A rational constant of `e` that `f64` cannot represent (`1/3`) and that a
/// coordinate of `p` is the nearest `f64` to: there `x - 1/3` is exactly 0 in any
/// `f64` evaluation while its true value is about -1.9e-17 (`sqrt(x - 1/3)` is 0
/// where the truth is undefined, `x/(x - 1/3)` divides by 0). Its text.
fn rounded_constant(g: &Graph, e: ExprId, p: &Point) -> Option<String> {
    use num_traits::ToPrimitive;
    g.reachable(&[e]).into_iter().find_map(|n| {
        let r = g.as_num(n)?;
        let v = r.to_f64()?;
        let exact = BigRational::from_float(v).is_some_and(|b| &b == r);
        let hit = p.coords.iter().any(|(_, c)| c.abs() == v.abs());
        (!exact && hit).then(|| r.to_string())
    })
}

/// Whether a coordinate of `p` is the nearest f64 to a constant of the expression
/// `text` that f64 cannot represent (see [`rounded_constant`]).
pub(crate) fn rounds_onto_constant(s: &mut super::Session, text: &str, p: &Point) -> bool {
    s.begin_case();
    defs::parse_expr(&mut s.graph, text).is_ok_and(|e| rounded_constant(&s.graph, e, p).is_some())
}

/// The range limit of a point that rounds onto a constant `f64` cannot represent.
fn rounding_limit(got: f64, p: &Point, c: &str) -> Failure {
    Failure::new(
        "intermediate_out_of_range",
        format!("fast {got} at {p}, the nearest f64 to the constant {c}, which f64 cannot represent: the difference of the two is 0 in f64 and not in truth"),
    )
}

/// A proper subterm of `e` whose true value at `p` overflows `f64` or underflows
/// to 0 (`exp(x)` in `exp(x)/x` at 710): a limit of any `f64` evaluation of that
/// form, not of a kernel. Its text, if there is one.
fn out_of_range_subterm(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    // The subterms of the definitions too (`x*relu6(x + 3)` inside `hard_swish(x)`).
    let u = unfolded(g, e);
    let nodes = g.reachable(&[e, u]);
    let env = env(g, p);
    for n in nodes {
        if n == e
            || n == u
            || g.as_num(n).is_some()
            || matches!(g.node(n), crate::expr::Node::Cmp(..))
        {
            continue;
        }
        match truth_env(g, n, &env, 5) {
            Truth::Value(v, d) => {
                let underflow = v == 0.0 && d.trim_start_matches('-') != "0";
                if v.is_infinite() || underflow {
                    return Some(print::text(g, n));
                }
            }
            // Beyond even MPFR's exponent range, or passing through a value that is
            // (`exp(-x)` at -1.3e294 in `hard_swish(x)*exp(-x)`, whose true value
            // is 0): far beyond f64's.
            Truth::Unknown
                if matches!(
                    certified::evaluate_digits(g, n, &env, 5, limits(300)),
                    Err(EvalError::Overflow)
                ) =>
            {
                return Some(print::text(g, n));
            }
            _ => {}
        }
    }
    None
}

/// Why `e` cannot be evaluated in f64 at `p` by any evaluation of its form, if it
/// cannot: a sum cancelling below f64's precision, a product overflowing part way,
/// a branch decided by rounding.
fn limit_of_form(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    cancelled_sum(g, e, p)
        .or_else(|| overflowing_product(g, e, p))
        .or_else(|| rounded_condition(g, e, p))
        .or_else(|| rounded_argument(g, e, p))
}

/// A call of `e` whose value at its arguments rounded to f64 is far from its value
/// at their true values (`hard_swish(x - 3)` at x = 1.8e-305: `x - 3` is -3 in f64,
/// hard_swish's zero, while the true value is about -5.3e-306): any f64 evaluation
/// rounds the argument first, so it computes the other value. Why, if there is one.
fn rounded_argument(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    use crate::expr::Node;
    let calls: Vec<(ExprId, Symbol, Vec<ExprId>)> = g
        .reachable(&[e])
        .into_iter()
        .filter_map(|n| match g.node(n) {
            Node::Call(f, args) => Some((n, *f, args.to_vec())),
            _ => None,
        })
        .collect();
    let env = env(g, p);
    for (n, f, args) in calls {
        let mut rounded = Vec::with_capacity(args.len());
        for &a in &args {
            rounded.push(match (g.as_num(a).is_some(), truth_env(g, a, &env, 20)) {
                (false, Truth::Value(v, _)) if v.is_finite() => g.num(BigRational::from_float(v)?),
                _ => a,
            });
        }
        if rounded == args {
            continue;
        }
        let m = g.call(f, rounded);
        let (Truth::Value(want, _), Truth::Value(got, _)) =
            (truth_env(g, n, &env, 5), truth_env(g, m, &env, 5))
        else {
            continue;
        };
        if !close(got, want, 1e-3, 0.0) {
            return Some(format!(
                "the arguments of {} rounded to f64 give {got:e} where its true value is {want:e}",
                print::text(g, n)
            ));
        }
    }
    None
}

/// A comparison `u op v` of `e` whose sides differ at `p` by less than f64 can
/// resolve against their magnitude (`hard_sigmoid(x) < 1/2` at x = -4.8e-299, where
/// `x/6 + 1/2` is 1/2 in f64): any f64 evaluation takes the branch rounding picks.
/// Also a `max` or `min`, definitions and derivatives unfolded (`hard_tanh(x - 1)`
/// at 9.1e-312, where `x - 1` is -1 in f64, its kink, so the derivative taken there
/// is the flat side's 0 where the truth is 1).
fn rounded_condition(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    use crate::expr::Node;
    // The function under each `diff` too, inlined: the compiled derivative
    // differentiates its kinks as written (`x - 1` against -1), not the simplified
    // symbolic derivative's `x > 0`.
    let mut roots = vec![e, unfolded(g, e)];
    for n in g.reachable(&[e]) {
        if let Node::Diff(f, _) = *g.node(n) {
            roots.push(unfolded(g, f));
        }
    }
    let cmps: Vec<(ExprId, ExprId, ExprId)> = g
        .reachable(&roots)
        .into_iter()
        .filter_map(|n| match g.node(n) {
            Node::Cmp(_, a, b) | Node::Max(a, b) | Node::Min(a, b) => Some((n, *a, *b)),
            _ => None,
        })
        .collect();
    let env = env(g, p);
    for (n, u, v) in cmps {
        let d = g.sub(u, v);
        let (Truth::Value(dv, _), Truth::Value(uv, _), Truth::Value(vv, _)) = (
            truth_env(g, d, &env, 5),
            truth_env(g, u, &env, 5),
            truth_env(g, v, &env, 5),
        ) else {
            continue;
        };
        let scale = uv.abs().max(vv.abs());
        if dv != 0.0 && scale.is_finite() && dv.abs() <= 4.0 * f64::EPSILON * scale {
            return Some(format!(
                "{} compares values {dv:e} apart, below f64's precision at their magnitude {scale:e}, so rounding decides the branch",
                print::text(g, n)
            ));
        }
    }
    None
}

/// A proper subterm of `e` that is a sum whose true value at `p` is below f64's
/// precision relative to its largest term (`x - log_sigmoid(x)` at -40 is 4.2e-18
/// against terms of 40; `-(1 - 1e-45) + 1` is 1e-45 against 1): even from correctly
/// rounded terms, any `f64` evaluation of that form gets 0 or noise there, and a
/// quotient or logarithm of it is not finite. A limit of the form, not of a kernel.
/// Why, if there is one. Only the sums of `e` itself, unlike [`overflowing_product`]:
/// most prelude functions are fused kernels of the fast evaluator (`softplus`,
/// `gelu_tanh`), whose accuracy inside is theirs to answer for, so a sum of a
/// definition's body cancelling must not excuse them.
///
/// Also a logarithm of a value within f64's precision of 1 (`log(beta + 1e-60)` at
/// `beta = 1` is 1e-60, and `beta + 1e-60` is 1 in f64) — unless its argument is
/// `1 + u`, which the fast evaluator computes as `log1p(u)`.
fn cancelled_sum(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    use crate::expr::{Func, Node};
    // The derivatives of `diff`s as the compiler takes them where they are not
    // smooth (symbolically, unsimplified) are forms it evaluates as written:
    // `abs(x)/(alpha*x)`'s is `-abs(x)/(alpha*x^2) + sign(x)/(alpha*x)`, two terms
    // of 2.8e124 at 2.4e-125 whose sum is 0.
    let derivatives = crate::unfold::unfold_diffs(g, e, Kink::Left).unwrap_or(e);
    let reachable = g.reachable(&[e, derivatives]);
    let sums: Vec<(ExprId, Vec<ExprId>)> = reachable
        .iter()
        .filter(|&&n| n != e)
        .filter_map(|&n| match g.node(n) {
            Node::Add(ts) => Some((n, ts.to_vec())),
            _ => None,
        })
        .collect();
    let env = env(g, p);
    let one = num_rational::BigRational::from_integer(1.into());
    for &n in &reachable {
        let Node::Func(Func::Log, a) = *g.node(n) else {
            continue;
        };
        // `1 + u` is compiled as log1p(u); any other argument within f64's
        // precision of 1 (`beta + 1e-60`, `hard_tanh(x + 1)` at -1.8e-93) is 1 in
        // f64 there.
        if let Node::Add(terms) = g.node(a) {
            if terms.iter().any(|&t| g.as_num(t) == Some(&one)) {
                continue;
            }
        }
        // log(v) is about v - 1 near 1.
        if let Truth::Value(l, _) = truth_env(g, n, &env, 5) {
            if l != 0.0 && l.abs() <= 4.0 * f64::EPSILON {
                return Some(format!(
                    "{} is 1 + {l:e} there, within f64's precision of 1, so its logarithm is below f64's precision",
                    print::text(g, a)
                ));
            }
        }
    }
    for (n, terms) in sums {
        let Truth::Value(v, _) = truth_env(g, n, &env, 5) else {
            continue;
        };
        let mut largest = 0f64;
        for t in terms {
            if let Truth::Value(tv, _) = truth_env(g, t, &env, 5) {
                largest = largest.max(tv.abs());
            }
        }
        if largest.is_finite() && v.abs() <= 4.0 * f64::EPSILON * largest {
            return Some(format!(
                "the sum {} is {v:e} there, below f64's precision against its terms of magnitude {largest:e}",
                print::text(g, n)
            ));
        }
    }
    None
}

/// A product of `e` (`e` itself included) whose factors' true values at `p` have a
/// partial product beyond the range of f64 while the whole is within it
/// (`min(7/4, x) * (x/min(x, x))` at -2.2e304, a flat product of `x`, `x` and
/// `1/x`: the first two overflow in any order that takes them first). A limit of
/// evaluating the product in f64 factor by factor. Why, if there is one.
fn overflowing_product(g: &mut Graph, e: ExprId, p: &Point) -> Option<String> {
    // The products inside definitions too (`x*relu6(x + 3)/6` of `hard_swish(x)`).
    let u = unfolded(g, e);
    let products: Vec<(ExprId, Vec<ExprId>)> = g
        .reachable(&[e, u])
        .into_iter()
        .filter_map(|n| match g.node(n) {
            crate::expr::Node::Mul(fs) => Some((n, fs.to_vec())),
            _ => None,
        })
        .collect();
    let env = env(g, p);
    for (n, factors) in products {
        // Binary exponents of the factors above 1 and below 1 in magnitude.
        let (mut up, mut down) = (0f64, 0f64);
        for f in factors {
            let Truth::Value(v, _) = truth_env(g, f, &env, 5) else {
                return None;
            };
            let l = v.abs().log2();
            if l > 0.0 {
                up += l;
            } else {
                down += l;
            }
        }
        if up > 1023.0 || down < -1074.0 {
            return Some(format!(
                "the factors of {} have a partial product of about 2^{:.0} there, beyond the range of f64",
                print::text(g, n),
                if up > 1023.0 { up } else { down }
            ));
        }
    }
    None
}

/// `print`: text parses back to the same node; LaTeX is well formed.
pub fn print(g: &mut Graph, text: &str) -> Option<Failure> {
    let e = match parse(g, text) {
        Ok(e) => e,
        Err(f) => return Some(f),
    };
    let printed = print::text(g, e);
    match defs::parse_expr(g, &printed) {
        Ok(back) if back == e => {}
        Ok(back) => {
            let again = print::text(g, back);
            return Some(Failure::new(
                "text_roundtrip",
                format!("prints as '{printed}', which parses back to '{again}'"),
            ));
        }
        Err(err) => {
            return Some(Failure::new(
                "text_unparsable",
                format!("prints as '{printed}', which does not parse: {err}"),
            ))
        }
    }
    let latex = print::latex(g, e);
    if let Some(why) = latex_problem(&latex) {
        return Some(Failure::new("latex_malformed", format!("{why}: {latex}")));
    }
    None
}

/// Why a LaTeX string is not well formed: unbalanced braces, `\left` without
/// `\right`, an empty group or text that is not LaTeX.
fn latex_problem(s: &str) -> Option<&'static str> {
    let mut depth = 0i64;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Some("a '}' closes no '{'");
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Some("unbalanced braces");
    }
    if s.matches("\\left").count() != s.matches("\\right").count() {
        return Some("\\left and \\right do not pair");
    }
    if s.contains("NaN") || s.trim().is_empty() {
        return Some("not a formula");
    }
    None
}

/// The one-sided difference quotients of `e` in `x` at each point, (left, right,
/// value), from values at 60 digits and a step of 1e-25 (accurate to about 1e-15
/// relative): the values at all points and steps from one walk plan, each point's
/// by the full evaluation where one enclosure does not give its digits.
fn quotients(
    g: &mut Graph,
    e: ExprId,
    x: Symbol,
    points: &[Point],
) -> Vec<Option<(f64, f64, f64)>> {
    let h = BigRational::new(1.into(), num_bigint::BigInt::from(10).pow(25));
    let mut envs = Vec::new();
    // Whether each point has `x` (and so its three values in `envs`).
    let mut has_steps = Vec::with_capacity(points.len());
    for p in points {
        let env = env(g, p);
        let Some(x0) = env.get(&x).cloned() else {
            has_steps.push(false);
            continue;
        };
        has_steps.push(true);
        for step in [&x0 + &h, &x0 - &h] {
            let mut moved = env.clone();
            moved.insert(x, step);
            envs.push(moved);
        }
        envs.push(env);
    }
    let refs: Vec<&HashMap<Symbol, BigRational>> = envs.iter().collect();
    let mut quick = quick_values(g, e, &refs, 60).into_iter();
    let scale = rug::Float::with_val(256, rug::Float::u_pow_u(10, 25));
    points
        .iter()
        .zip(has_steps)
        .map(|(p, has_steps)| {
            if !has_steps {
                return None;
            }
            let (fr, fl, f0) = (quick.next()?, quick.next()?, quick.next()?);
            let (fr, fl, f0) = match (fr, fl, f0) {
                (Some(Quick::Value(r)), Some(Quick::Value(l)), Some(Quick::Value(c))) => (r, l, c),
                (Some(Quick::Undefined), _, _)
                | (_, Some(Quick::Undefined), _)
                | (_, _, Some(Quick::Undefined)) => return None,
                _ => return quotients_slowly(g, e, x, p),
            };
            let right = rug::Float::with_val(256, &fr - &f0) * &scale;
            let left = rug::Float::with_val(256, &f0 - &fl) * &scale;
            Some((left.to_f64(), right.to_f64(), f0.to_f64()))
        })
        .collect()
}

/// [`quotients`] at one point, each value by the full evaluation.
fn quotients_slowly(g: &mut Graph, e: ExprId, x: Symbol, p: &Point) -> Option<(f64, f64, f64)> {
    let mut env = env(g, p);
    let x0 = env.get(&x)?.clone();
    let h = BigRational::new(1.into(), num_bigint::BigInt::from(10).pow(25));
    let at = |g: &mut Graph, env: &HashMap<Symbol, BigRational>| -> Option<rug::Float> {
        let v = certified::evaluate_digits(g, e, env, 60, limits(300)).ok()?;
        if v.note.is_some() {
            return None;
        }
        rug::Float::parse(&v.decimal)
            .ok()
            .map(|p| rug::Float::with_val(256, p))
    };
    let f0 = at(g, &env)?;
    env.insert(x, &x0 + &h);
    let fr = at(g, &env)?;
    env.insert(x, &x0 - &h);
    let fl = at(g, &env)?;
    let scale = rug::Float::with_val(256, rug::Float::u_pow_u(10, 25));
    let right = ((fr - &f0) * &scale).to_f64();
    let left = ((f0.clone() - fl) * &scale).to_f64();
    Some((left, right, f0.to_f64()))
}

/// Whether `a` and `b` agree within `rel` of the larger magnitude (and `floor`).
fn close(a: f64, b: f64, rel: f64, floor: f64) -> bool {
    // Equal (also both infinite: values past f64's range, as MPFR gives them).
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()) + floor
}

/// `e` with its definitions inlined and derivatives taken (as the certified evaluator
/// does on every call; done once here for all the points of a case).
fn unfolded(g: &mut Graph, e: ExprId) -> ExprId {
    crate::unfold::unfold(g, e, Kink::Left).unwrap_or(e)
}

/// `derive`: symbolic derivatives (each kink mode) against one-sided difference
/// quotients at high precision, and against the compiled derivative of `diff(e, x)`.
///
/// Each point's quotients and each distinct derivative's value at each point are
/// computed once (the three kink modes give one derivative where `e` is smooth).
pub fn derive(g: &mut Graph, text: &str, points: &[Point], kinks: &[f64]) -> Option<Failure> {
    let e = match parse(g, text) {
        Ok(e) => e,
        Err(f) => return Some(f),
    };
    let x = g.symbol("x");
    let envs: Vec<HashMap<Symbol, BigRational>> = points.iter().map(|p| env(g, p)).collect();
    let at_kink: Vec<bool> = points
        .iter()
        .map(|p| kinks.iter().any(|&k| Some(k) == p.get("x")))
        .collect();
    let env_refs: Vec<&HashMap<Symbol, BigRational>> = envs.iter().collect();
    // The quotients of every point, computed together when first needed.
    let mut quots: Option<Vec<Option<(f64, f64, f64)>>> = None;
    // The certified value of each derivative at every point, definitions inlined
    // once per derivative (not once per evaluation) and one walk plan for all
    // points; its decimal text is made only for a report.
    let mut values: HashMap<ExprId, Vec<Truth>> = HashMap::new();
    let mut value = |g: &mut Graph, d: ExprId, i: usize| -> Truth {
        values.entry(d).or_insert_with(|| {
            let du = unfolded(g, d);
            let quick = quick_values(g, du, &env_refs, 20);
            quick
                .into_iter()
                .zip(&env_refs)
                .map(|(q, env)| match q {
                    Some(Quick::Value(v)) => Truth::Value(v.to_f64(), String::new()),
                    Some(Quick::Undefined) => Truth::Undefined,
                    None => truth_env(g, du, env, 20),
                })
                .collect()
        })[i]
            .clone()
    };
    // The decimal text of a derivative's value, for a report.
    let decimal = |g: &mut Graph, d: ExprId, i: usize| -> String {
        let du = unfolded(g, d);
        match truth_env(g, du, &envs[i], 20) {
            Truth::Value(_, dec) => dec,
            _ => "(not certified)".to_owned(),
        }
    };
    let e_unfolded = unfolded(g, e);
    let mut left_derivative = None;
    // One derivative for the three modes where they cannot differ (no kink, branch
    // or root reachable): each is still compared with the quotients on its side.
    let modes = [Kink::Left, Kink::Right, Kink::Autodiff];
    let derivatives = diff::derive_modes(g, e, x, &modes);
    for (kink, d) in modes.into_iter().zip(derivatives) {
        let Ok(d) = d else {
            continue;
        };
        if kink == Kink::Left {
            left_derivative = Some(d);
        }
        for (i, p) in points.iter().enumerate() {
            if at_kink[i] && kink == Kink::Autodiff {
                continue;
            }
            let Truth::Value(dv, _) = value(g, d, i) else {
                continue;
            };
            if !dv.is_finite() {
                continue;
            }
            let q = quots.get_or_insert_with(|| quotients(g, e_unfolded, x, points))[i];
            let Some((left, right, f0)) = q else {
                continue;
            };
            let floor = 1e-9 * (1.0 + f0.abs());
            let smooth = close(left, right, 1e-6, floor);
            let want = match kink {
                _ if smooth => (left + right) / 2.0,
                Kink::Left => left,
                Kink::Right => right,
                Kink::Autodiff => continue,
            };
            if !want.is_finite() || want.abs() > 1e12 * (1.0 + dv.abs()) {
                // A jump of the function: the quotient measures the jump.
                continue;
            }
            if !close(dv, want, 1e-7, floor) {
                if kink == Kink::Autodiff && at_primitive_kink(g, e_unfolded, &envs[i]) {
                    // Autodiff's chain rule takes each primitive's own value at its
                    // kink (`relu'(0) = 0`, half of each side at a `max` tie): where
                    // a kink inside a definition is hit (`max(hard_swish(x), 0)` at
                    // -3, `sign(abs(x))*x` at 0) that is its convention, not the
                    // derivative, even where the whole expression is smooth.
                    continue;
                }
                return Some(Failure::new(
                    "derivative_mismatch",
                    format!(
                        "the {} derivative is {} at {p}, the difference quotients give {want:e} (left {left:e}, right {right:e})",
                        kink.name(),
                        decimal(g, d, i)
                    ),
                ));
            }
        }
    }
    // The compiled derivative (the compiler's own forward rules) at smooth points.
    let d = left_derivative?;
    let de = g.diff_node(e, x);
    let vars = vars_of(g, de);
    let Ok(tape) = Tape::compile_unfolding(g, de, &vars) else {
        return None;
    };
    for (i, p) in points.iter().enumerate() {
        if at_kink[i] {
            continue;
        }
        let Ok(got) = tape.eval_point(&inputs(g, &vars, p)) else {
            continue;
        };
        if let Truth::Value(t, _) = value(g, d, i) {
            // Cancellation in f64 leaves noise of the size of the function's
            // terms where the derivative is 0 (`x/x`): an absolute floor.
            let f0 = match quots.as_ref().and_then(|q| q[i]) {
                Some((_, _, f0)) if f0.is_finite() => f0.abs(),
                _ => match truth_env(g, e_unfolded, &envs[i], 5) {
                    Truth::Value(v, _) if v.is_finite() => v.abs(),
                    _ => 0.0,
                },
            };
            let floor = 1e-9 * (1.0 + f0);
            if t.is_finite()
                && got.is_finite()
                && !close(got, t, 1e-6, floor)
                // f64 at a tie of a kink takes the side rounding picks
                // (`relu6(1/(x - 1/3))` at 1/2, where the argument is 6).
                && !at_primitive_kink(g, e_unfolded, &envs[i])
                // A sum cancelling or a log near 1 amplifies f64's rounding of its
                // operands (`x/(erf(5) - x)` at 1: erf(5) - 1 is -1.5e-12).
                && !close(got, t, 64.0 * f64::EPSILON * condition(g, e_unfolded, &envs[i]), floor)
            {
                return Some(Failure::new(
                    "compiled_derivative_mismatch",
                    format!(
                        "the compiled derivative is {got:e} at {p}, the symbolic one {}",
                        decimal(g, d, i)
                    ),
                ));
            }
        }
    }
    None
}

/// The largest relative condition number at `env` of a sum of `e` (the magnitude of
/// its terms over its value) or of a logarithm (1 / |log(v)|): how much a relative
/// rounding of an operand is amplified there. At least 1.
fn condition(g: &mut Graph, e: ExprId, env: &HashMap<Symbol, BigRational>) -> f64 {
    use crate::expr::{Func, Node};
    let nodes: Vec<ExprId> = g
        .reachable(&[e])
        .into_iter()
        .filter(|&n| matches!(g.node(n), Node::Add(_) | Node::Func(Func::Log, _)))
        .collect();
    let mut worst = 1f64;
    let value = |g: &mut Graph, n: ExprId| match truth_env(g, n, env, 5) {
        Truth::Value(v, _) if v.is_finite() => Some(v),
        _ => None,
    };
    for n in nodes {
        // A sum exactly 0 there is 0 in f64 too when its terms are exact.
        let Some(v) = value(g, n).filter(|v| *v != 0.0) else {
            continue;
        };
        let c = match g.node(n).clone() {
            Node::Add(ts) => {
                let mut largest = 0f64;
                for t in ts.iter() {
                    largest = largest.max(value(g, *t).map_or(0.0, f64::abs));
                }
                largest / v.abs()
            }
            _ => 1.0 / v.abs(),
        };
        if c.is_finite() {
            worst = worst.max(c);
        }
    }
    worst
}

/// Whether `p` (the coordinates `env`) is exactly at a kink or branch point of a
/// primitive of `e` (definitions inlined): the operands of a `max`, `min` or
/// comparison equal there, or the argument of `abs` or `sign` zero. Where MPFR cannot
/// tell a difference from 0, it counts as a kink.
pub(crate) fn at_primitive_kink(
    g: &mut Graph,
    e: ExprId,
    env: &HashMap<Symbol, BigRational>,
) -> bool {
    use crate::expr::{Func, Node};
    let x = g.symbol("x");
    let ties: Vec<ExprId> = g
        .reachable(&[e])
        .into_iter()
        .filter_map(|n| match g.node(n) {
            Node::Max(a, b) | Node::Min(a, b) | Node::Cmp(_, a, b) => Some((*a, Some(*b))),
            Node::Func(Func::Abs | Func::Sign, u) => Some((*u, None)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(a, b)| {
            let d = match b {
                Some(b) => g.sub(a, b),
                None => a,
            };
            g.free_vars(d).contains(&x).then_some(d)
        })
        .collect();
    ties.into_iter().any(|d| match truth_env(g, d, env, 5) {
        Truth::Value(_, dec) => dec.trim_start_matches('-') == "0",
        Truth::Undefined => false,
        Truth::Unknown => true,
    })
}

/// `simplify`: `simplify(e)` equals `e` wherever `e` is defined, with the same domain.
pub fn simplify(g: &mut Graph, text: &str, points: &[Point]) -> Option<Failure> {
    let e = match parse(g, text) {
        Ok(e) => e,
        Err(f) => return Some(f),
    };
    let s = simplify::simplify(g, e);
    if s == e {
        return None;
    }
    for p in points {
        let (a, b) = (truth(g, e, p, 20), truth(g, s, p, 20));
        let shown = print::text(g, s);
        match (a, b) {
            (Truth::Value(va, da), Truth::Value(vb, db)) if !close(va, vb, 1e-12, 1e-300) => {
                return Some(Failure::new(
                    "value_changed",
                    format!("simplifies to '{shown}'; at {p} the value was {da}, is {db}"),
                ));
            }
            (Truth::Value(_, da), Truth::Undefined) => {
                return Some(Failure::new(
                    "domain_shrunk",
                    format!("simplifies to '{shown}', undefined at {p} where the expression is {da}"),
                ))
            }
            (Truth::Undefined, Truth::Value(_, db)) => {
                return Some(Failure::new(
                    "domain_grown",
                    format!("simplifies to '{shown}', which is {db} at {p} where the expression is undefined"),
                ))
            }
            _ => {}
        }
    }
    None
}

/// How a claim of the `check` target is built from an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    /// `E = E'` with `E'` an equal rewrite of `E` (true).
    Rewrite(u64),
    /// `E = E + tiny` (false wherever `E` is defined).
    Perturbed(u8),
    /// `E = E + 1/1000 where x > c` (false on the region).
    Restricted(u8),
}

/// An equal rewrite of one subtree of `t` (the choice drawn from `seed`).
fn rewrite(t: &Tree, seed: u64) -> Tree {
    let mut rng = Rng::new(seed);
    let n = t.subtrees().len();
    let target = rng.below(n);
    let mut counter = 0;
    rewrite_at(t, target, &mut counter, &mut rng)
}

fn rewrite_at(t: &Tree, target: usize, counter: &mut usize, rng: &mut Rng) -> Tree {
    let me = *counter;
    *counter += 1;
    if me == target {
        return equal_form(t, rng);
    }
    let mut out = t.clone();
    let kids: Vec<Tree> = t
        .children()
        .into_iter()
        .map(|c| rewrite_at(c, target, counter, rng))
        .collect();
    for (i, k) in kids.into_iter().enumerate() {
        *out.child_mut(i) = k;
    }
    out
}

fn bx(t: Tree) -> Box<Tree> {
    Box::new(t)
}

fn atom(s: &str) -> Tree {
    Tree::Atom(s.to_owned())
}

/// A form of `t` equal to it wherever it is defined, with the same domain.
fn equal_form(t: &Tree, rng: &mut Rng) -> Tree {
    match t {
        Tree::Call("sigmoid", a) => Tree::Bin(
            '/',
            bx(atom("1")),
            bx(Tree::Bin(
                '+',
                bx(atom("1")),
                bx(Tree::Call("exp", vec![Tree::Neg(bx(a[0].clone()))])),
            )),
        ),
        Tree::Call("tanh", a) => Tree::Bin(
            '-',
            bx(Tree::Bin(
                '*',
                bx(atom("2")),
                bx(Tree::Call(
                    "sigmoid",
                    vec![Tree::Bin('*', bx(atom("2")), bx(a[0].clone()))],
                )),
            )),
            bx(atom("1")),
        ),
        Tree::Call("relu", a) => Tree::Bin(
            '/',
            bx(Tree::Bin(
                '+',
                bx(a[0].clone()),
                bx(Tree::Call("abs", vec![a[0].clone()])),
            )),
            bx(atom("2")),
        ),
        Tree::Call("softplus", a) => Tree::Bin(
            '+',
            bx(a[0].clone()),
            bx(Tree::Call("softplus", vec![Tree::Neg(bx(a[0].clone()))])),
        ),
        Tree::Call("abs", a) => Tree::Call("max", vec![a[0].clone(), Tree::Neg(bx(a[0].clone()))]),
        Tree::Call("max", a) => Tree::Neg(bx(Tree::Call(
            "min",
            vec![Tree::Neg(bx(a[0].clone())), Tree::Neg(bx(a[1].clone()))],
        ))),
        Tree::Bin(op @ ('+' | '*'), a, b) => Tree::Bin(*op, b.clone(), a.clone()),
        _ => {
            let c = atom(rng.pick::<&str>(&["1/3", "2", "5/7"]));
            Tree::Bin('-', bx(Tree::Bin('+', bx(t.clone()), bx(c.clone()))), bx(c))
        }
    }
}

/// Whether the expression `text` is defined at some point of the region of a claim
/// of `kind` (for a `Restricted` claim, its `where` region; else anywhere): a false
/// claim about an expression defined nowhere in its region would be vacuously true.
pub fn defined_in_region(s: &mut Session, text: &str, kind: ClaimKind) -> bool {
    s.begin_case();
    let g = &mut s.graph;
    let Ok(e) = defs::parse_expr(g, text) else {
        return false;
    };
    let xs: &[f64] = match kind {
        ClaimKind::Restricted(i) => match i % 4 {
            0 => &[1.0, 2.0, 5.0, 0.75],
            1 => &[-4.0, -10.0, -3.5, -7.0],
            2 => &[10.0, 11.0, 20.0, 12.5],
            _ => &[0.0, -1.0, -0.25, -3.0],
        },
        _ => &[0.5, 1.0, -1.0, 2.0, 3.0, -2.5],
    };
    xs.iter().any(|&x| {
        let p = Point {
            coords: vec![("x".to_owned(), x)],
        };
        matches!(truth(g, e, &p, 5), Truth::Value(v, _) if v.is_finite())
    })
}

/// The claim's text for `kind` built from `t`.
#[must_use]
pub fn claim_text(t: &Tree, kind: ClaimKind) -> String {
    let e = t.text();
    match kind {
        ClaimKind::Rewrite(seed) => format!("{e} = {}", rewrite(t, seed).text()),
        ClaimKind::Perturbed(i) => {
            let tiny = ["1e-60", "exp(-exp(10))", "1/1000", "-(1e-40)"][usize::from(i) % 4];
            format!("{e} = {e} + {tiny}")
        }
        ClaimKind::Restricted(i) => {
            let c = ["1/2", "-3", "10", "0"][usize::from(i) % 4];
            let cmp = [">", "<", ">=", "<="][usize::from(i) % 4];
            format!("{e} = {e} + 1/1000 where x {cmp} {c}")
        }
    }
}

/// `check`: claims true by construction are never refuted; false ones never proved
/// or verified. `defined_at` is a point in the claim's region where `E` is defined
/// (a false claim about an empty domain would be vacuously true).
pub fn check(g: &mut Graph, claim: &str, truthful: bool, time: Duration) -> Option<Failure> {
    let c = match defs::parse_claim(g, claim) {
        Ok(c) => c,
        Err(e) => {
            return Some(Failure::new(
                "parse_error",
                format!("the claim does not parse: {e}"),
            ))
        }
    };
    let opts = Options {
        points: 16,
        time_limit: time,
        ..Options::default()
    };
    let report = decide_claim(g, &c, &opts);
    match (truthful, report.verdict) {
        (true, Verdict::Refuted) => Some(Failure::new(
            "true_claim_refuted",
            format!(
                "a true claim is refuted{}",
                report
                    .counterexample
                    .map(|c| format!(" at {}", c.point_text(g)))
                    .unwrap_or_default()
            ),
        )),
        (false, v @ (Verdict::Proved | Verdict::Verified)) => Some(Failure::new(
            "false_claim_accepted",
            format!("a false claim is {} ({})", v.as_str(), report.method),
        )),
        _ => None,
    }
}
