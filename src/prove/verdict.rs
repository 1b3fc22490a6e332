//! Deciding a claim end to end: the symbolic proof first (re-checked by the step
//! checker), then the numeric route region by region ([`route`](super::route)), and a
//! certified counterexample shrunk toward simple numbers. The four verdicts and what each promises are in
//! docs/semantics.md.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;

use super::check::check;
use super::decide::{condition_interval, nonzero_region, prove, Context, Proof};
use super::numeric::{compare_at, side_value, PointOutcome, SideValue, AGREEMENT_PRECISION};
use super::points::simple_values;
use super::region::Interval;
use super::regions::MIN_AGREEING;
use super::route;
use crate::diff::Kink;
use crate::expr::{ExprId, Graph, Symbol};
use crate::parse::Claim;
use crate::unfold::{unfold, UnfoldError};

/// The verdict on a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A symbolic proof was found and re-checked.
    Proved,
    /// No proof, but certified evaluation agreed at enough points in every region,
    /// and no exact evidence is against the claim.
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
    /// Seeded random points the numeric route adds on each line (spread over its
    /// regions), on top of every region's structured points.
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
    /// The point, variable by variable (sorted by name); at an irrational point, a
    /// rational within 2^-200 of it (the exact value is in `exact_point`).
    pub point: Vec<(Symbol, BigRational)>,
    /// The exact point as text (`x = log(2)`), when a coordinate is irrational.
    pub exact_point: Option<Vec<(Symbol, String)>>,
    /// The left side there.
    pub lhs: SideValue,
    /// The right side there.
    pub rhs: SideValue,
}

impl Counterexample {
    /// The point as `x = 0, beta = 1/2`.
    #[must_use]
    pub fn point_text(&self, g: &Graph) -> String {
        if let Some(exact) = &self.exact_point {
            let parts: Vec<String> = exact
                .iter()
                .map(|(v, t)| format!("{} = {t}", g.name(*v)))
                .collect();
            return parts.join(", ");
        }
        let parts: Vec<String> = self
            .point
            .iter()
            .map(|(v, r)| format!("{} = {}", g.name(*v), crate::print::rational_text(r)))
            .collect();
        if parts.is_empty() {
            // A claim between constants: there is no point to name.
            return "none needed (the claim has no variables)".into();
        }
        parts.join(", ")
    }

    /// The point as a JSON object of exact rationals: `{"x": "-3/2"}`.
    #[must_use]
    pub fn point_json(&self, g: &Graph) -> serde_json::Value {
        if let Some(exact) = &self.exact_point {
            let map: serde_json::Map<String, serde_json::Value> = exact
                .iter()
                .map(|(v, t)| (g.name(*v).to_owned(), serde_json::Value::String(t.clone())))
                .collect();
            return serde_json::Value::Object(map);
        }
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
    /// How many regions the numeric route sampled.
    pub regions: usize,
    /// How many points the fast screen evaluated.
    pub screened: usize,
    /// How many points were evaluated with MPFR.
    pub certified: usize,
    /// Why the symbolic route failed, or why the verdict is unknown.
    pub note: Option<String>,
    /// For an inequality or a chain: how each link was decided.
    pub inequality: Option<super::ineq::Detail>,
}

fn method_of(p: &Proof) -> String {
    let evaluation = points_of(p).map(|(groups, points, degree)| {
        format!(
            "exact evaluation at D + 1 points ({groups} group{} of summands, {points} point{} in all, D at most {degree})",
            if groups == 1 { "" } else { "s" },
            if points == 1 { "" } else { "s" },
        )
    });
    match (p, evaluation) {
        (Proof::Identical, _) => "identical after unfolding definitions".into(),
        (Proof::Normal, _) => "exponential-rational normal form".into(),
        (Proof::Atoms, _) => {
            "exponential-rational normal form with max, min, abs, sign and if as atoms".into()
        }
        (Proof::Points(_), Some(e)) => e,
        (_, Some(e)) => format!("case split at the kinks, then normal form and {e}"),
        _ => "case split at the kinks, then normal form".into(),
    }
}

/// The groups, points and largest degree bound of the evaluation steps of a proof,
/// if it has any.
fn points_of(p: &Proof) -> Option<(usize, u64, u64)> {
    match p {
        Proof::Identical | Proof::Normal | Proof::Atoms => None,
        Proof::Points(e) => Some((e.groups.len(), e.point_count(), e.max_degree())),
        Proof::Resolve { proof, .. } => points_of(proof),
        Proof::Split { cases, .. } => cases
            .iter()
            .filter_map(|c| points_of(&c.proof))
            .reduce(|a, b| (a.0 + b.0, a.1 + b.1, a.2.max(b.2))),
    }
}

/// Decides a claim. A claim that cannot be unfolded (a `diff(...)` that cannot be
/// taken, a graph past its limits) is `unknown`, with the reason in the note.
///
/// All of the work for an identity is bounded by `opts.time_limit`: it is the
/// thread's deadline
/// ([`crate::poly::budget`]) for polynomial arithmetic, derivatives, the
/// simplifier and MPFR enclosures, and the search for a proof (with the exact
/// evidence against the claim) may use at most [`SYMBOLIC_SHARE`] of it, so the
/// numeric route always has the rest.
pub fn decide_claim(g: &mut Graph, claim: &Claim, opts: &Options) -> Report {
    // Inequalities, chains, and identities under linear conditions over several
    // variables go to `ineq`, which shares out the time limit among its own steps.
    if let Some(report) = super::ineq::dispatch(g, claim, opts) {
        return report;
    }
    match Instant::now().checked_add(opts.time_limit) {
        Some(deadline) => {
            crate::poly::budget::with_deadline(deadline, || decide_within(g, claim, opts))
        }
        None => decide_within(g, claim, opts),
    }
}

/// The part of the time limit the symbolic steps (the proof search, the normal
/// form's evidence against the claim) may use before the numeric route starts.
pub const SYMBOLIC_SHARE: f64 = 0.6;

/// `f` with the thread's deadline at [`SYMBOLIC_SHARE`] of the time limit from
/// `start`.
fn symbolic<T>(start: Instant, opts: &Options, f: impl FnOnce() -> T) -> T {
    match start.checked_add(opts.time_limit.mul_f64(SYMBOLIC_SHARE)) {
        Some(deadline) => crate::poly::budget::with_deadline(deadline, f),
        None => f(),
    }
}

fn decide_within(g: &mut Graph, claim: &Claim, opts: &Options) -> Report {
    let start = Instant::now();
    let mut report = Report {
        verdict: Verdict::Unknown,
        method: String::new(),
        proof: None,
        sides: (claim.lhs, claim.rhs),
        context: Context::new(),
        counterexample: None,
        points_agreed: 0,
        regions: 0,
        screened: 0,
        certified: 0,
        note: None,
        inequality: None,
    };
    // diff(...) is taken symbolically (left-hand at kinks), definitions inlined.
    let unfolded = crate::diff::with_deadline(start + opts.time_limit, || unfold_claim(g, claim));
    let (lhs, rhs, conditions) = match unfolded {
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
        match symbolic(start, opts, || prove(g, lhs, rhs, &context)) {
            Ok(proof) => {
                // Belt and braces: the independent checker must accept the proof.
                if check(g, lhs, rhs, &context, &proof).is_ok() {
                    report.verdict = Verdict::Proved;
                    report.method = method_of(&proof);
                    report.proof = Some(proof);
                    return report;
                }
                report.note = Some("a proof was found but did not re-check".into());
            }
            Err(e) => report.note = Some(e.0),
        }
    }
    // Exact evidence against the claim: a region with interior where the normal
    // form of L - R is certainly not zero (only when every condition is an interval,
    // so the region is part of the claim's).
    let all_intervals = conditions
        .iter()
        .all(|&c| condition_interval(g, c).is_some());
    let evidence = if all_intervals {
        symbolic(start, opts, || nonzero_region(g, lhs, rhs, &context))
    } else {
        None
    };
    numeric_route(g, lhs, rhs, &conditions, evidence, opts, start, &mut report);
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

#[allow(clippy::too_many_arguments)]
fn numeric_route(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    evidence: Option<(Context, bool)>,
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
    let context = report.context.clone();
    let claim = route::Claim {
        lhs,
        rhs,
        conditions,
        vars: &vars,
        context: &context,
        random_points: opts.points,
        seed: opts.seed,
        evidence,
    };
    let outcome = route::run(g, claim, start + opts.time_limit);
    report.points_agreed = outcome.agreed;
    report.regions = outcome.regions;
    report.screened = outcome.screened;
    report.certified = outcome.certified;
    if let Some((env, exact)) = outcome.counterexample {
        let env = if exact.is_empty() {
            shrink(g, lhs, rhs, conditions, &vars, env)
        } else {
            env
        };
        let (l, r) = if exact.is_empty() {
            (
                side_value(g, lhs, &env, opts.digits),
                side_value(g, rhs, &env, opts.digits),
            )
        } else {
            let (l, r) = outcome.exact_sides.unwrap_or((lhs, rhs));
            let none = HashMap::new();
            match &outcome.undefined_side {
                Some((true, why)) => (
                    SideValue::Undefined(why.clone()),
                    side_value(g, r, &none, opts.digits),
                ),
                Some((false, why)) => (
                    side_value(g, l, &none, opts.digits),
                    SideValue::Undefined(why.clone()),
                ),
                None => (
                    side_value(g, l, &none, opts.digits),
                    side_value(g, r, &none, opts.digits),
                ),
            }
        };
        let mut point: Vec<(Symbol, BigRational)> = env.into_iter().collect();
        point.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
        let exact_point = (!exact.is_empty()).then(|| {
            let mut shown: Vec<(Symbol, String)> = point
                .iter()
                .map(|(s, v)| {
                    let text = exact
                        .iter()
                        .find(|(e, _)| e == s)
                        .map_or_else(|| v.to_string(), |(_, id)| crate::print::text(g, *id));
                    (*s, text)
                })
                .collect();
            shown.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
            shown
        });
        report.verdict = Verdict::Refuted;
        report.method = if exact_point.is_some() {
            "certified counterexample at an exact irrational point (exact algebra and MPFR interval enclosure)".into()
        } else {
            "certified counterexample (MPFR interval enclosure)".into()
        };
        report.counterexample = Some(Counterexample {
            point,
            exact_point,
            lhs: l,
            rhs: r,
        });
        return;
    }
    if outcome.verified {
        report.verdict = Verdict::Verified;
        report.method = format!(
            "numeric: {} region{}, {} points agree to {AGREEMENT_PRECISION} bits, at least {MIN_AGREEING} in every region ({} points screened in f64, {} certified with MPFR)",
            outcome.regions,
            if outcome.regions == 1 { "" } else { "s" },
            outcome.agreed,
            outcome.screened,
            outcome.certified
        );
        report.note = None;
    } else {
        let why = outcome.note.unwrap_or_default();
        report.note = Some(match report.note.take() {
            Some(symbolic) => format!("{why}; no proof: {symbolic}"),
            None => why,
        });
    }
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
        // Then the simplest rational in ever smaller neighbourhoods of the point (a
        // counterexample in a narrow region is shown as 7.5, not as the float the
        // screen found).
        let Some(p) = env.get(&v).cloned() else {
            continue;
        };
        if p.denom().bits() <= 8 {
            continue;
        }
        let scale = p
            .abs()
            .max(BigRational::new(1.into(), BigInt::from(1) << 1000));
        for k in [1u32, 3, 6, 10, 16, 24, 34, 50, 70, 100, 140, 200, 300] {
            let d = &scale / BigRational::from_integer(BigInt::from(1) << k);
            let candidate = crate::poly::simplest_between(&(&p - &d), &(&p + &d));
            if candidate == p {
                break;
            }
            let mut trial = env.clone();
            trial.insert(v, candidate);
            if compare_at(g, lhs, rhs, conditions, &trial) == PointOutcome::Counterexample {
                env = trial;
                break;
            }
        }
    }
    env
}
