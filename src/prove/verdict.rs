//! Deciding a claim end to end: the symbolic proof first (re-checked by the step
//! checker), then the numeric route at hard points, then a certified counterexample
//! shrunk toward simple numbers. The four verdicts and what each promises are in
//! docs/semantics.md.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use num_rational::BigRational;

use super::check::check;
use super::decide::{condition_interval, prove, Context, Proof};
use super::numeric::{compare_at, side_value, PointOutcome, SideValue};
use super::points::{hard_values, kink_values, simple_values, Rng};
use super::region::Interval;
use crate::diff::Kink;
use crate::expr::{ExprId, Graph, Symbol};
use crate::parse::Claim;
use crate::unfold::{unfold, UnfoldError};

/// The verdict on a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A symbolic proof was found and re-checked.
    Proved,
    /// No proof, but high-precision evaluation agreed at every hard point.
    Verified,
    /// A certified counterexample.
    Refuted,
    /// None of the above within the limits.
    Unknown,
}

impl Verdict {
    /// The verdict's name in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Proved => "proved",
            Verdict::Verified => "verified",
            Verdict::Refuted => "refuted",
            Verdict::Unknown => "unknown",
        }
    }
}

/// Limits and choices of a decision.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many points the numeric route tries (at least the hard ones).
    pub points: usize,
    /// The seed of the random points.
    pub seed: u64,
    /// The time budget of the whole decision.
    pub time_limit: Duration,
    /// Whether to search for a symbolic proof at all.
    pub symbolic: bool,
    /// Significant digits of the values reported at a counterexample.
    pub digits: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            points: 64,
            seed: 1,
            time_limit: Duration::from_secs(10),
            symbolic: true,
            digits: 20,
        }
    }
}

/// A certified counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counterexample {
    /// The point, variable by variable (sorted by name).
    pub point: Vec<(Symbol, BigRational)>,
    /// The left side there.
    pub lhs: SideValue,
    /// The right side there.
    pub rhs: SideValue,
}

impl Counterexample {
    /// The point as `x = 0, beta = 1/2`.
    #[must_use]
    pub fn point_text(&self, g: &Graph) -> String {
        let parts: Vec<String> = self
            .point
            .iter()
            .map(|(v, r)| format!("{} = {r}", g.name(*v)))
            .collect();
        parts.join(", ")
    }

    /// The point as a JSON object of exact rationals: `{"x": "-3/2"}`.
    #[must_use]
    pub fn point_json(&self, g: &Graph) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .point
            .iter()
            .map(|(v, r)| {
                (
                    g.name(*v).to_owned(),
                    serde_json::Value::String(r.to_string()),
                )
            })
            .collect();
        serde_json::Value::Object(map)
    }

    /// Both sides' values as a JSON object `{"lhs": ..., "rhs": ...}`.
    #[must_use]
    pub fn values_json(&self) -> serde_json::Value {
        serde_json::json!({ "lhs": self.lhs.to_string(), "rhs": self.rhs.to_string() })
    }
}

/// The outcome of a decision.
#[derive(Clone, Debug)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// How it was reached: `normal form`, `case split`, `numeric`, ...
    pub method: String,
    /// The proof, when proved.
    pub proof: Option<Proof>,
    /// The unfolded sides the proof is about.
    pub sides: (ExprId, ExprId),
    /// The region of the proof (from the `where` conditions).
    pub context: Context,
    /// The counterexample, when refuted.
    pub counterexample: Option<Counterexample>,
    /// How many points agreed in the numeric route.
    pub points_agreed: usize,
    /// Why the symbolic route failed, or why the verdict is unknown.
    pub note: Option<String>,
    /// For an inequality or a chain: how each link was decided.
    pub inequality: Option<super::ineq::Detail>,
}

fn method_of(p: &Proof) -> &'static str {
    match p {
        Proof::Identical => "identical after unfolding definitions",
        Proof::Normal => "exponential-rational normal form",
        Proof::Resolve { .. } | Proof::Split { .. } => "case split at the kinks, then normal form",
    }
}

/// Decides a claim. A claim that cannot be unfolded (a `diff(...)` that cannot be
/// taken, a graph past its limits) is `unknown`, with the reason in the note.
pub fn decide_claim(g: &mut Graph, claim: &Claim, opts: &Options) -> Report {
    // Inequalities, chains, and identities under linear conditions over several
    // variables go to `ineq`.
    if let Some(report) = super::ineq::dispatch(g, claim, opts) {
        return report;
    }
    let start = Instant::now();
    let mut report = Report {
        verdict: Verdict::Unknown,
        method: String::new(),
        proof: None,
        sides: (claim.lhs, claim.rhs),
        context: Context::new(),
        counterexample: None,
        points_agreed: 0,
        note: None,
        inequality: None,
    };
    // diff(...) is taken symbolically (left-hand at kinks), definitions inlined.
    let (lhs, rhs, conditions) = match unfold_claim(g, claim) {
        Ok(sides) => sides,
        Err(e) => {
            report.note = Some(format!(
                "the claim could not be reduced to built-in operations: {e}"
            ));
            return report;
        }
    };
    let mut context = Context::new();
    for &c in &conditions {
        if let Some((v, iv)) = condition_interval(g, c) {
            let cur = context.get(&v).cloned().unwrap_or_else(Interval::line);
            context.insert(v, cur.intersect(&iv));
        }
    }
    report.sides = (lhs, rhs);
    report.context = context.clone();
    if opts.symbolic {
        match prove(g, lhs, rhs, &context) {
            Ok(proof) => {
                // Belt and braces: the independent checker must accept the proof.
                if check(g, lhs, rhs, &context, &proof).is_ok() {
                    report.verdict = Verdict::Proved;
                    report.method = method_of(&proof).into();
                    report.proof = Some(proof);
                    return report;
                }
                report.note = Some("a proof was found but did not re-check".into());
            }
            Err(e) => report.note = Some(e.0),
        }
    }
    numeric_route(g, lhs, rhs, &conditions, opts, start, &mut report);
    report
}

/// Both sides and the conditions of a claim, unfolded.
fn unfold_claim(
    g: &mut Graph,
    claim: &Claim,
) -> Result<(ExprId, ExprId, Vec<ExprId>), UnfoldError> {
    let lhs = unfold(g, claim.lhs, Kink::Left)?;
    let rhs = unfold(g, claim.rhs, Kink::Left)?;
    let conditions = claim
        .conditions
        .iter()
        .map(|&c| unfold(g, c, Kink::Left))
        .collect::<Result<_, _>>()?;
    Ok((lhs, rhs, conditions))
}

fn numeric_route(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    opts: &Options,
    start: Instant,
    report: &mut Report,
) {
    let mut all = vec![lhs, rhs];
    all.extend_from_slice(conditions);
    let vars: Vec<Symbol> = {
        let mut v: Vec<Symbol> = all.iter().flat_map(|&e| g.free_vars(e)).collect();
        v.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
        v.dedup();
        v
    };
    let points = sample_points(g, &vars, &[lhs, rhs], opts);
    let mut unresolved = 0usize;
    let mut out_of_range = 0usize;
    let mut last_reason = String::new();
    for env in points {
        if start.elapsed() > opts.time_limit {
            report.note = Some(format!(
                "time limit reached after {} points",
                report.points_agreed
            ));
            return;
        }
        match compare_at(g, lhs, rhs, conditions, &env) {
            PointOutcome::Agree => report.points_agreed += 1,
            PointOutcome::Excluded => {}
            PointOutcome::OutOfRange => out_of_range += 1,
            PointOutcome::Unresolved(why) => {
                unresolved += 1;
                last_reason = why;
            }
            PointOutcome::Counterexample => {
                let env = shrink(g, lhs, rhs, conditions, &vars, env);
                let l = side_value(g, lhs, &env, opts.digits);
                let r = side_value(g, rhs, &env, opts.digits);
                let mut point: Vec<(Symbol, BigRational)> = env.into_iter().collect();
                point.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
                report.verdict = Verdict::Refuted;
                report.method = "certified counterexample (MPFR interval enclosure)".into();
                report.counterexample = Some(Counterexample {
                    point,
                    lhs: l,
                    rhs: r,
                });
                return;
            }
        }
    }
    let skipped = if out_of_range > 0 {
        format!(" ({out_of_range} points beyond the representable range skipped)")
    } else {
        String::new()
    };
    if unresolved == 0 && report.points_agreed > 0 {
        report.verdict = Verdict::Verified;
        report.method = format!(
            "numeric: {} points agree to the working precision{skipped}",
            report.points_agreed
        );
    } else if report.points_agreed == 0 && unresolved == 0 {
        report.note = Some("no sample point satisfies the conditions".into());
    } else {
        report.note = Some(format!(
            "{unresolved} points could not be decided: {last_reason}"
        ));
    }
}

/// The points of the numeric route: every variable at each hard value and kink (the
/// others at a fixed companion value), then seeded random combinations.
fn sample_points(
    g: &mut Graph,
    vars: &[Symbol],
    sides: &[ExprId],
    opts: &Options,
) -> Vec<HashMap<Symbol, BigRational>> {
    let mut out = Vec::new();
    if vars.is_empty() {
        out.push(HashMap::new());
        return out;
    }
    let hard = hard_values();
    let kinks = kink_values(g, sides);
    let companion = BigRational::new(3.into(), 2.into());
    let mut rng = Rng::new(opts.seed);
    // Every variable at the same hard value, then at opposite signs.
    if vars.len() > 1 {
        for x in &hard {
            out.push(vars.iter().map(|&w| (w, x.clone())).collect());
        }
        for x in &hard {
            out.push(
                vars.iter()
                    .enumerate()
                    .map(|(k, &w)| (w, if k % 2 == 0 { x.clone() } else { -x.clone() }))
                    .collect(),
            );
        }
    }
    for &v in vars {
        let values = hard.iter().cloned().chain(
            kinks
                .iter()
                .filter(|(s, _)| *s == v)
                .map(|(_, r)| r.clone()),
        );
        for x in values {
            let mut env: HashMap<Symbol, BigRational> =
                vars.iter().map(|&w| (w, companion.clone())).collect();
            env.insert(v, x);
            out.push(env);
        }
    }
    // Random combinations on top of the structured points.
    let target = out.len() + opts.points;
    while out.len() < target {
        let env = vars
            .iter()
            .map(|&w| {
                let pick = rng.next_u64() % 3;
                let value = if pick == 0 {
                    hard[(rng.next_u64() % hard.len() as u64) as usize].clone()
                } else {
                    rng.rational()
                };
                (w, value)
            })
            .collect();
        out.push(env);
    }
    out
}

/// Moves a counterexample toward simple numbers, one variable at a time, keeping only
/// points that are certified counterexamples themselves.
fn shrink(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    vars: &[Symbol],
    mut env: HashMap<Symbol, BigRational>,
) -> HashMap<Symbol, BigRational> {
    let simple = simple_values();
    for &v in vars {
        for candidate in &simple {
            if env.get(&v) == Some(candidate) {
                break;
            }
            let mut trial = env.clone();
            trial.insert(v, candidate.clone());
            if compare_at(g, lhs, rhs, conditions, &trial) == PointOutcome::Counterexample {
                env = trial;
                break;
            }
        }
    }
    env
}
