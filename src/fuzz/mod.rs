//! Differential fuzzing of every engine: random expressions from one generator
//! ([`gen`]), checked by a target ([`targets`]), discrepancies shrunk to one-line
//! reproducers, cases spread over threads (rayon) and over machines (shards), reports
//! merged.
//!
//! A campaign's case `k` draws its expression from the seed `case_seed(seed, k)`;
//! shard `I/N` runs the cases `k` with `k % N == I`, so shards of one seed cover its
//! cases exactly once and `merge` of their reports is the report of the whole run.

pub mod gen;
pub mod targets;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use gen::{from_bytes, generate, Config, Rng, Tree};
pub use targets::Session;
use targets::{ClaimKind, Failure, Truth};

use crate::expr::Graph;
use crate::fast::Tape;

/// What a campaign checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Symbolic derivatives against difference quotients and compiled derivatives.
    Derive,
    /// `simplify(e)` against `e`.
    Simplify,
    /// The fast evaluator against MPFR.
    Eval,
    /// Printing and parsing back.
    Print,
    /// The checker's verdicts on claims true or false by construction.
    Check,
    /// A counterexample search for the user's claim.
    Identity,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 6] = [
        Target::Derive,
        Target::Simplify,
        Target::Eval,
        Target::Print,
        Target::Check,
        Target::Identity,
    ];

    /// The name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Target::Derive => "derive",
            Target::Simplify => "simplify",
            Target::Eval => "eval",
            Target::Print => "print",
            Target::Check => "check",
            Target::Identity => "identity",
        }
    }

    /// The target of a command-line name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A point: a value for `x` and for each parameter.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Point {
    /// Variable names and values.
    pub coords: Vec<(String, f64)>,
}

/// A number as the shortest text that reads back to it (`1e300`, `0.1`, `-710`).
#[must_use]
pub fn num_text(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

impl Point {
    /// The value of `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<f64> {
        self.coords.iter().find(|c| c.0 == name).map(|c| c.1)
    }

    /// The point as `--at` arguments: `x=0.5 beta=3/2`.
    #[must_use]
    pub fn at_args(&self) -> String {
        self.coords
            .iter()
            .map(|(n, v)| format!("{n}={}", num_text(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads `--at` arguments (`x=0.5`, values as decimal numbers).
    ///
    /// # Errors
    /// The text of the argument that is not `NAME=NUMBER`.
    pub fn parse(args: &[String]) -> Result<Point, String> {
        let mut coords = Vec::new();
        for a in args {
            let (n, v) = a.split_once('=').ok_or_else(|| a.clone())?;
            let v = if let Some((p, q)) = v.split_once('/') {
                let (p, q): (f64, f64) = (
                    p.trim().parse().map_err(|_| a.clone())?,
                    q.trim().parse().map_err(|_| a.clone())?,
                );
                p / q
            } else {
                v.trim().parse().map_err(|_| a.clone())?
            };
            coords.push((n.trim().to_owned(), v));
        }
        Ok(Point { coords })
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .coords
            .iter()
            .map(|(n, v)| format!("{n} = {}", num_text(*v)))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// Errors of the fast evaluator in ulp over the points compared, per function.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct UlpStat {
    /// Points compared.
    pub points: u64,
    /// The largest error.
    pub max_ulp: f64,
    /// The mean error.
    pub mean_ulp: f64,
    /// Points with an error of at most 4 ulp.
    #[serde(default)]
    pub within_4_ulp: u64,
}

/// What a campaign measured besides its discrepancies.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Stats {
    /// Cases not checked (the expression did not compile, no defined point, ...).
    pub skipped: u64,
    /// Cases that met a limit of f64 (see `Report::limits`).
    #[serde(default)]
    pub limits: u64,
    /// The fast evaluator's errors by outermost function (`eval`).
    pub ulp: BTreeMap<String, UlpStat>,
}

impl Stats {
    /// Records an error of `u` ulp for `key`.
    pub fn record(&mut self, key: &str, u: f64) {
        let s = self.ulp.entry(key.to_owned()).or_default();
        s.mean_ulp = (s.mean_ulp * s.points as f64 + u) / (s.points + 1) as f64;
        s.points += 1;
        s.max_ulp = s.max_ulp.max(u);
        s.within_4_ulp += u64::from(u <= 4.0);
    }

    /// Adds `other`'s counts into these.
    pub fn merge(&mut self, other: &Stats) {
        self.skipped += other.skipped;
        self.limits += other.limits;
        for (k, o) in &other.ulp {
            let s = self.ulp.entry(k.clone()).or_default();
            let n = s.points + o.points;
            if n > 0 {
                s.mean_ulp =
                    (s.mean_ulp * s.points as f64 + o.mean_ulp * o.points as f64) / n as f64;
            }
            s.points = n;
            s.max_ulp = s.max_ulp.max(o.max_ulp);
            s.within_4_ulp += o.within_4_ulp;
        }
    }
}

/// One discrepancy, shrunk.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// The case number in the campaign (None for a given expression or claim).
    pub case: Option<u64>,
    /// The kind (`not_finite`, `derivative_mismatch`, `false_claim_accepted`, ...).
    pub kind: String,
    /// The shrunk expression or claim.
    pub expression: String,
    /// The point, as `--at` arguments, when the discrepancy is at a point.
    pub point: Option<String>,
    /// What was expected and what was found.
    pub detail: String,
    /// One command line that shows the discrepancy.
    pub reproducer: String,
}

/// The evidence of an `identity` search.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// Points screened with the fast evaluator.
    pub screened: u64,
    /// Of those, points in the claim's region where both sides are defined.
    pub compared: u64,
    /// Points where the sides differ numerically (then certified with MPFR).
    pub candidates: u64,
    /// Candidates certified (an MPFR value of `L - R` computed).
    pub certified: u64,
    /// The largest relative difference seen at a compared point.
    pub max_relative_difference: f64,
}

/// A campaign's report (also the JSON of `actsym fuzz --json`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// The target's name.
    pub target: String,
    /// The campaign's seed.
    pub seed: u64,
    /// The shards covered: `I/N`, or several after a merge.
    pub shards: Vec<String>,
    /// Cases run.
    pub cases: u64,
    /// Discrepancies found (shrunk).
    pub discrepancies: Vec<Finding>,
    /// Non-finite fast values where a subterm's true value is itself beyond the range
    /// of f64 (`exp(x)/x` at 710) or a product's factors have a partial product
    /// beyond it (`x*x/x` at 1e304), where a sum cancels below f64's precision
    /// against its terms, or at the nearest f64 to a constant it cannot represent:
    /// limits of evaluating that form in f64, listed
    /// (the first [`MAX_LIMITS`]) but not counted as discrepancies.
    #[serde(default)]
    pub limits: Vec<Finding>,
    /// Statistics.
    pub stats: Stats,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The claim of an `identity` search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// The evidence of an `identity` search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

impl Report {
    /// Adds a finding: a discrepancy, or a range limit.
    fn add(&mut self, f: Option<Finding>) {
        let Some(f) = f else { return };
        if f.kind == LIMIT_KIND {
            self.stats.limits += 1;
            if self.limits.len() < MAX_LIMITS {
                self.limits.push(f);
            }
        } else {
            self.discrepancies.push(f);
        }
    }
}

/// How a campaign runs.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// The target.
    pub target: Target,
    /// The seed.
    pub seed: u64,
    /// Cases of the whole campaign (all shards); `None` with a time limit.
    pub cases: Option<u64>,
    /// Stop starting cases after this long.
    pub time: Option<Duration>,
    /// This shard `(I, N)`, `0 <= I < N`.
    pub shard: (u64, u64),
    /// The claim of `identity`.
    pub claim: Option<String>,
    /// One given expression instead of generated ones (a reproducer).
    pub expr: Option<String>,
    /// The points for a given expression.
    pub at: Option<Point>,
    /// Time for each decision of the `check` target.
    pub check_time: Duration,
}

impl Campaign {
    /// A campaign of `cases` cases of `target` from `seed`, one shard.
    #[must_use]
    pub fn new(target: Target, seed: u64, cases: u64) -> Self {
        Campaign {
            target,
            seed,
            cases: Some(cases),
            time: None,
            shard: (0, 1),
            claim: None,
            expr: None,
            at: None,
            check_time: Duration::from_secs(2),
        }
    }
}

/// The seed of case `k` of a campaign seeded `seed`.
#[must_use]
pub fn case_seed(seed: u64, k: u64) -> u64 {
    let mut r = Rng::new(seed ^ k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    r.next_u64()
}

/// The generator's configuration for a target.
#[must_use]
pub fn config_for(target: Target) -> Config {
    match target {
        Target::Print | Target::Simplify => Config::default(),
        Target::Eval => Config {
            diffs: true,
            ..Config::default()
        },
        Target::Derive | Target::Check | Target::Identity => Config {
            max_size: 10,
            max_depth: 3,
            ..Config::plain()
        },
    }
}

/// A rational given as text (`1/3`, `-2/5`, `0.1`) as the nearest `f64`.
fn rational_value(s: &str) -> Option<f64> {
    match s.split_once('/') {
        Some((p, q)) => Some(p.parse::<f64>().ok()? / q.parse::<f64>().ok()?),
        None => s.parse().ok(),
    }
}

/// Points for a case: kinks of the tree, small and simple values, and (for `eval`)
/// the extremes where kernels overflow.
fn points_for(target: Target, tree: &Tree, rng: &mut Rng) -> Vec<Point> {
    let kinks: Vec<f64> = tree
        .kink_points()
        .iter()
        .filter_map(|k| rational_value(k))
        .collect();
    let n = match target {
        Target::Eval => 6,
        Target::Simplify => 4,
        _ => 3,
    };
    let extremes = [
        710.0, -710.0, 1000.0, -1000.0, 800.0, -40.0, 40.0, 1e6, -1e6,
    ];
    let uses: Vec<&str> = gen::PARAMETERS
        .iter()
        .copied()
        .filter(|p| tree.text().contains(p))
        .collect();
    (0..n)
        .map(|i| {
            let x = match rng.below(10) {
                0 | 1 if !kinks.is_empty() => *rng.pick(&kinks),
                2 if target == Target::Eval || target == Target::Simplify => *rng.pick(&extremes),
                3 => *rng.pick(&[0.0, 1.0, -1.0, 0.5, 2.0, -3.0]),
                _ if i == 0 && target == Target::Eval && rng.below(2) == 0 => *rng.pick(&extremes),
                _ => ((rng.unit() * 10.0 - 5.0) * 1000.0).round() / 1000.0,
            };
            let mut coords = vec![("x".to_owned(), x)];
            for p in &uses {
                coords.push(((*p).to_owned(), *rng.pick(&[0.5, 1.0, 1.5, 2.0, -1.0, 0.1])));
            }
            Point { coords }
        })
        .collect()
}

/// The outermost function of a tree (the key of the ulp statistics).
fn head(tree: &Tree) -> String {
    tree.subtrees()
        .into_iter()
        .find_map(|t| match t {
            Tree::Call(f, _) => Some((*f).to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| "arithmetic".to_owned())
}

/// The key under which the errors of whole generated expressions are recorded:
/// a composition's error says more about its form (a sum cancelling) than about
/// any one function.
pub const COMPOSED_KEY: &str = "(composed)";

/// The outermost function of a tree applied directly to the variable (its other
/// arguments, leaves, kept): `gelu(x)` for `gelu(x*x) - 1`. The `eval` target
/// measures each function's own accuracy on it, at the case's points.
fn direct(tree: &Tree) -> Option<Tree> {
    tree.subtrees().into_iter().find_map(|t| match t {
        Tree::Call(f, args) => Some(Tree::Call(
            f,
            args.iter()
                .map(|a| match a {
                    Tree::Var(_) | Tree::Atom(_) => a.clone(),
                    _ => Tree::Var("x"),
                })
                .collect(),
        )),
        _ => None,
    })
}

/// Runs the point-based check of `target` on `text` at `points`.
fn check_points(
    target: Target,
    s: &mut Session,
    text: &str,
    points: &[Point],
    kinks: &[f64],
    stats: &mut Stats,
    key: &str,
) -> Option<Failure> {
    s.begin_case();
    let g = &mut s.graph;
    match target {
        Target::Eval => targets::eval(g, text, points, stats, key),
        Target::Derive => targets::derive(g, text, points, kinks),
        Target::Simplify => targets::simplify(g, text, points),
        Target::Print => targets::print(g, text),
        Target::Check | Target::Identity => None,
    }
}

fn reproducer(target: Target, text: &str, point: Option<&Point>) -> String {
    match point {
        Some(p) => format!(
            "actsym fuzz {} --expr '{text}' --at {}",
            target.name(),
            p.at_args()
        ),
        None => format!("actsym fuzz {} --expr '{text}'", target.name()),
    }
}

/// The most range limits a report lists (all are counted in `Stats::limits`).
pub const MAX_LIMITS: usize = 20;

/// The kind of a non-finite value caused by an out-of-range subterm.
const LIMIT_KIND: &str = "intermediate_out_of_range";

/// The most shrinking steps taken for one discrepancy.
const MAX_SHRINK_STEPS: usize = 60;

/// Shrinks a point-based discrepancy: smaller trees failing the same way at the same
/// point, then simpler coordinates.
fn shrink_points(
    target: Target,
    s: &mut Session,
    tree: &Tree,
    point: Option<Point>,
    kinks: &[f64],
    failure: Failure,
) -> (Tree, Option<Point>, Failure) {
    let mut scratch = Stats::default();
    let mut tree = tree.clone();
    let mut failure = failure;
    let pts = |p: &Option<Point>| p.iter().cloned().collect::<Vec<_>>();
    let mut steps = 0;
    'outer: while steps < MAX_SHRINK_STEPS {
        for cand in tree.shrink() {
            if cand.size() >= tree.size() {
                continue;
            }
            steps += 1;
            let f = check_points(
                target,
                s,
                &cand.text(),
                &pts(&point),
                kinks,
                &mut scratch,
                "",
            );
            if let Some(f) = f.filter(|f| f.kind == failure.kind) {
                tree = cand;
                failure = f;
                continue 'outer;
            }
            if steps >= MAX_SHRINK_STEPS {
                break 'outer;
            }
        }
        break;
    }
    let mut point = point;
    if let Some(p) = point.clone() {
        for i in 0..p.coords.len() {
            let v = p.coords[i].1;
            let mut simpler = vec![0.0, 1.0, -1.0, v.round()];
            if v != 0.0 {
                let mag = 10f64.powi(v.abs().log10().floor() as i32);
                simpler.push((v / mag).round() * mag);
            }
            for c in simpler {
                if c == v || kinks.contains(&v) {
                    continue;
                }
                let mut q = point.clone().unwrap_or_default();
                q.coords[i].1 = c;
                let f = check_points(
                    target,
                    s,
                    &tree.text(),
                    &[q.clone()],
                    kinks,
                    &mut scratch,
                    "",
                );
                if let Some(f) = f.filter(|f| f.kind == failure.kind) {
                    point = Some(q);
                    failure = f;
                    break;
                }
            }
        }
    }
    (tree, point, failure)
}

/// Finds the first failing point of a point-based target: all points checked at
/// once, then, on a failure, one at a time (so the failure names its point).
fn first_failure(
    target: Target,
    s: &mut Session,
    text: &str,
    points: &[Point],
    kinks: &[f64],
    stats: &mut Stats,
    key: &str,
) -> Option<(Option<Point>, Failure)> {
    if target == Target::Print {
        return check_points(target, s, text, &[], kinks, stats, key).map(|f| (None, f));
    }
    // All points at once (the derivatives, the simplified form, the tape are built
    // once); only on a failure, one point at a time to name the failing one.
    let all = check_points(target, s, text, points, kinks, stats, key)?;
    if let [p] = points {
        return Some((Some(p.clone()), all));
    }
    let mut scratch = Stats::default();
    for p in points {
        let one = std::slice::from_ref(p);
        if let Some(f) = check_points(target, s, text, one, kinks, &mut scratch, key) {
            return Some((Some(p.clone()), f));
        }
    }
    Some((None, all))
}

/// One generated case of a point-based or claim-based target.
fn run_case(c: &Campaign, s: &mut Session, k: u64, stats: &mut Stats) -> Option<Finding> {
    let seed = case_seed(c.seed, k);
    let tree = generate(seed, &config_for(c.target));
    let mut rng = Rng::new(seed ^ 0x5eed);
    if c.target == Target::Check {
        return check_case(c, s, &tree, &mut rng, stats).map(|mut f| {
            f.case = Some(k);
            f
        });
    }
    let points = points_for(c.target, &tree, &mut rng);
    let kinks: Vec<f64> = tree
        .kink_points()
        .iter()
        .filter_map(|t| rational_value(t))
        .collect();
    let mut key = head(&tree);
    let mut found = None;
    if c.target == Target::Eval {
        // The function's own accuracy first, then the whole expression's.
        if let Some(d) = direct(&tree) {
            found =
                first_failure(c.target, s, &d.text(), &points, &kinks, stats, &key).map(|f| (d, f));
        }
        key = COMPOSED_KEY.to_owned();
    }
    if found.is_none() {
        found = first_failure(c.target, s, &tree.text(), &points, &kinks, stats, &key)
            .map(|f| (tree, f));
    }
    let (tree, (point, failure)) = found?;
    let (tree, point, failure) = shrink_points(c.target, s, &tree, point, &kinks, failure);
    let text = tree.text();
    Some(Finding {
        case: Some(k),
        kind: failure.kind.to_owned(),
        reproducer: reproducer(c.target, &text, point.as_ref()),
        expression: text,
        point: point.map(|p| p.at_args()),
        detail: failure.detail,
    })
}

fn check_case(
    c: &Campaign,
    s: &mut Session,
    tree: &Tree,
    rng: &mut Rng,
    stats: &mut Stats,
) -> Option<Finding> {
    let kind = match rng.below(10) {
        0..=3 => ClaimKind::Rewrite(rng.next_u64()),
        4..=7 => ClaimKind::Perturbed(rng.below(4) as u8),
        _ => ClaimKind::Restricted(rng.below(4) as u8),
    };
    let truthful = matches!(kind, ClaimKind::Rewrite(_));
    if !truthful && !targets::defined_in_region(s, &tree.text(), kind) {
        stats.skipped += 1;
        return None;
    }
    let run = |s: &mut Session, t: &Tree| {
        s.begin_case();
        let claim = targets::claim_text(t, kind);
        targets::check(&mut s.graph, &claim, truthful, c.check_time)
    };
    let mut failure = run(s, tree)?;
    let mut tree = tree.clone();
    let mut steps = 0;
    'outer: while steps < MAX_SHRINK_STEPS / 4 {
        for cand in tree.shrink() {
            if cand.size() >= tree.size()
                || (!truthful && !targets::defined_in_region(s, &cand.text(), kind))
            {
                continue;
            }
            steps += 1;
            if let Some(f) = run(s, &cand).filter(|f| f.kind == failure.kind) {
                tree = cand;
                failure = f;
                continue 'outer;
            }
            if steps >= MAX_SHRINK_STEPS / 4 {
                break 'outer;
            }
        }
        break;
    }
    let claim = targets::claim_text(&tree, kind);
    Some(Finding {
        case: None,
        kind: failure.kind.to_owned(),
        reproducer: format!("actsym check '{claim}'"),
        expression: claim,
        point: None,
        detail: failure.detail,
    })
}

/// A given expression (`--expr`) checked at given or generated points.
fn run_given(c: &Campaign, text: &str) -> (Vec<Finding>, Stats) {
    let mut s = Session::new();
    let mut stats = Stats::default();
    let mut rng = Rng::new(c.seed);
    let points = match &c.at {
        Some(p) => vec![p.clone()],
        None => {
            let fake = Tree::Var("x");
            let mut pts = points_for(c.target, &fake, &mut rng);
            let params: Vec<&str> = gen::PARAMETERS
                .iter()
                .copied()
                .filter(|p| text.contains(p))
                .collect();
            for p in &mut pts {
                for name in &params {
                    p.coords.push(((*name).to_owned(), 1.5));
                }
            }
            pts
        }
    };
    // A campaign skips the written kinks `x - c` of its trees, where `x` may be the
    // nearest f64 to a `c` that f64 cannot represent; kinks of primitives (written
    // or inside definitions) the derive target finds itself.
    let kinks: Vec<f64> =
        c.at.iter()
            .filter(|p| targets::rounds_onto_constant(&mut s, text, p))
            .filter_map(|p| p.get("x"))
            .collect();
    let found = first_failure(c.target, &mut s, text, &points, &kinks, &mut stats, "given");
    let findings = found
        .map(|(point, f)| Finding {
            case: None,
            kind: f.kind.to_owned(),
            expression: text.to_owned(),
            reproducer: reproducer(c.target, text, point.as_ref()),
            point: point.map(|p| p.at_args()),
            detail: f.detail,
        })
        .into_iter()
        .collect();
    (findings, stats)
}

/// Runs a campaign on the current rayon pool; `progress` is told of every case done.
#[must_use]
pub fn run(c: &Campaign, progress: &(dyn Fn(u64) + Sync)) -> Report {
    let start = Instant::now();
    let mut report = Report {
        target: c.target.name().to_owned(),
        seed: c.seed,
        shards: vec![format!("{}/{}", c.shard.0, c.shard.1)],
        cases: 0,
        discrepancies: Vec::new(),
        limits: Vec::new(),
        stats: Stats::default(),
        seconds: 0.0,
        claim: c.claim.clone(),
        evidence: None,
    };
    if c.target == Target::Identity {
        let claim = c.claim.clone().unwrap_or_default();
        let (findings, evidence) = identity(c, &claim, progress);
        report.cases = evidence.screened;
        report.discrepancies = findings;
        report.evidence = Some(evidence);
    } else if let Some(text) = &c.expr {
        let (findings, stats) = run_given(c, text);
        progress(1);
        report.cases = 1;
        report.stats = stats;
        for f in findings {
            report.add(Some(f));
        }
    } else {
        let (i, n) = c.shard;
        let deadline = c.time.map(|t| start + t);
        let total = c.cases.unwrap_or(u64::MAX);
        // Cases of this shard: k = i, i + n, i + 2n, ... below `total`, in batches.
        let batch = 64 * rayon::current_num_threads() as u64;
        let mut next = 0u64; // index within the shard
        loop {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let ks: Vec<u64> = (next..next + batch)
                .map(|j| i + j * n)
                .take_while(|&k| k < total)
                .collect();
            if ks.is_empty() {
                break;
            }
            next += ks.len() as u64;
            let results: Vec<(Option<Finding>, Stats, bool)> = ks
                .par_iter()
                .map_init(Session::new, |s, &k| {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return (None, Stats::default(), false);
                    }
                    let mut stats = Stats::default();
                    let f = run_case(c, s, k, &mut stats);
                    progress(1);
                    (f, stats, true)
                })
                .collect();
            for (f, stats, ran) in results {
                if ran {
                    report.cases += 1;
                }
                report.stats.merge(&stats);
                report.add(f);
            }
        }
        report.discrepancies.sort_by_key(|f| f.case);
    }
    report.seconds = start.elapsed().as_secs_f64();
    report
}

/// One screened batch: points, points compared, the largest relative difference,
/// the candidates (difference, point).
type Screened = (u64, u64, f64, Vec<(f64, Vec<f64>)>);

/// Points screened per batch of the `identity` search.
const IDENTITY_BATCH: usize = 4096;

/// Adversarial values of one coordinate: small rationals (kinks at `k/d`), signed
/// zeros and powers of ten up to the f64 extremes, the exponential's limits.
fn adversarial(rng: &mut Rng) -> f64 {
    match rng.below(8) {
        0 => {
            let d = 1 + rng.below(12) as i64;
            let k = rng.below(49) as i64 - 24;
            k as f64 / d as f64
        }
        1 => {
            let e = rng.below(620) as i32 - 310;
            let s = if rng.below(2) == 0 { -1.0 } else { 1.0 };
            s * 10f64.powi(e)
        }
        2 => *rng.pick(&[
            0.0, -0.0, 709.0, 710.0, -745.0, -1000.0, 1000.0, 37.0, -38.0, 1e-300, -1e-300,
        ]),
        3 => (rng.unit() - 0.5) * 2e3,
        _ => (rng.unit() - 0.5) * 20.0,
    }
}

/// `identity`: screens points with the fast evaluator, certifies candidates with
/// MPFR; a certified difference (or a point where exactly one side is undefined) is
/// the counterexample.
fn identity(
    c: &Campaign,
    claim_text: &str,
    progress: &(dyn Fn(u64) + Sync),
) -> (Vec<Finding>, Evidence) {
    let mut ev = Evidence::default();
    let mut g = Graph::with_prelude();
    let Ok(claim) = crate::defs::parse_claim(&mut g, claim_text) else {
        return (Vec::new(), ev);
    };
    let mut vars = g.free_vars(claim.lhs);
    vars.extend(g.free_vars(claim.rhs));
    for &cond in &claim.conditions {
        vars.extend(g.free_vars(cond));
    }
    vars.sort_by_key(|&s| g.name(s).to_owned());
    vars.dedup();
    let one = g.int(1);
    let zero = g.int(0);
    let region = claim
        .conditions
        .iter()
        .fold(one, |acc, &cond| g.if_(cond, acc, zero));
    let tapes: Option<(Tape, Tape, Tape)> = (|| {
        Some((
            Tape::compile_unfolding(&mut g, claim.lhs, &vars).ok()?,
            Tape::compile_unfolding(&mut g, claim.rhs, &vars).ok()?,
            Tape::compile_unfolding(&mut g, region, &vars).ok()?,
        ))
    })();
    let Some((tl, tr, tw)) = tapes else {
        return (Vec::new(), ev);
    };
    let total = c.cases.unwrap_or(u64::MAX);
    let deadline = c.time.map(|t| Instant::now() + t);
    let batches = total.div_ceil(IDENTITY_BATCH as u64);
    let (i, n) = c.shard;
    let mut b = i;
    let mut candidates: Vec<(f64, Vec<f64>)> = Vec::new();
    while b < batches && deadline.is_none_or(|d| Instant::now() < d) {
        // One round: as many batches as threads, in parallel.
        let round: Vec<u64> = (0..rayon::current_num_threads() as u64)
            .map(|j| b + j * n)
            .filter(|&bb| bb < batches)
            .collect();
        b += round.len() as u64 * n;
        let results: Vec<Screened> = round
            .par_iter()
            .map(|&bb| {
                let mut rng = Rng::new(case_seed(c.seed, bb));
                let m = IDENTITY_BATCH.min((total - bb * IDENTITY_BATCH as u64) as usize);
                let cols: Vec<Vec<f64>> = (0..vars.len())
                    .map(|_| (0..m).map(|_| adversarial(&mut rng)).collect())
                    .collect();
                let inputs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
                let (mut l, mut r, mut w) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
                let ok = tl.eval_batch(&inputs, &mut l).is_ok()
                    && tr.eval_batch(&inputs, &mut r).is_ok()
                    && tw.eval_batch(&inputs, &mut w).is_ok();
                let mut compared = 0;
                let mut worst = 0f64;
                let mut cand = Vec::new();
                if ok {
                    for j in 0..m {
                        if w[j] != 1.0 {
                            continue;
                        }
                        let point = || cols.iter().map(|col| col[j]).collect::<Vec<f64>>();
                        match (l[j].is_nan(), r[j].is_nan()) {
                            (false, false) => {
                                compared += 1;
                                let (a, bv) = (l[j], r[j]);
                                if a.is_finite() && bv.is_finite() {
                                    let rel = (a - bv).abs() / (a.abs().max(bv.abs()) + 1e-300);
                                    worst = worst.max(rel);
                                    if rel > 1e-9 && (a - bv).abs() > 1e-290 {
                                        cand.push((rel, point()));
                                    }
                                }
                            }
                            (true, true) => {}
                            _ => cand.push((f64::INFINITY, point())),
                        }
                    }
                }
                progress(m as u64);
                (m as u64, compared, worst, cand)
            })
            .collect();
        for (m, compared, worst, cand) in results {
            ev.screened += m;
            ev.compared += compared;
            ev.max_relative_difference = ev.max_relative_difference.max(worst);
            ev.candidates += cand.len() as u64;
            candidates.extend(cand);
            candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
            candidates.truncate(64);
        }
        // Certify as soon as a batch offers candidates, most different first.
        let mut found = None;
        for (_, p) in candidates.drain(..).take(16) {
            ev.certified += 1;
            if counterexample(&mut g, &claim, &vars, &p).is_some() {
                found = Some(p);
                break;
            }
        }
        candidates.clear();
        if let Some(p) = found {
            let p = simpler_point(&mut g, &claim, &vars, &tw, p);
            let (point, detail) = counterexample(&mut g, &claim, &vars, &p)
                .unwrap_or_else(|| (Point::default(), String::new()));
            let lt = crate::print::text(&g, claim.lhs);
            let rt = crate::print::text(&g, claim.rhs);
            return (
                vec![Finding {
                    case: None,
                    kind: "counterexample".to_owned(),
                    expression: claim_text.to_owned(),
                    point: Some(point.at_args()),
                    detail,
                    reproducer: format!("actsym eval '({lt}) - ({rt})' --at {}", point.at_args()),
                }],
                ev,
            );
        }
    }
    (Vec::new(), ev)
}

/// Simple values tried in place of each coordinate of a counterexample.
const SIMPLE: [f64; 13] = [
    0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 10.0, -10.0, 100.0, -100.0,
];

/// A simpler point than `p` (coordinate by coordinate: small integers and halves,
/// the rounded value, one significant digit) that is still a certified
/// counterexample in the region.
fn simpler_point(
    g: &mut Graph,
    claim: &crate::parse::Claim,
    vars: &[crate::expr::Symbol],
    region: &Tape,
    p: Vec<f64>,
) -> Vec<f64> {
    let mut p = p;
    for i in 0..p.len() {
        let v = p[i];
        let mut tries: Vec<f64> = SIMPLE.to_vec();
        tries.push(v.round());
        if v != 0.0 && v.is_finite() {
            let mag = 10f64.powi(v.abs().log10().floor() as i32);
            tries.push((v / mag).round() * mag);
        }
        for c in tries {
            if c == v {
                break;
            }
            let mut q = p.clone();
            q[i] = c;
            if region.eval_point(&q).ok() == Some(1.0)
                && counterexample(g, claim, vars, &q).is_some()
            {
                p = q;
                break;
            }
        }
    }
    p
}

/// Whether `p` is a certified counterexample of the claim (MPFR): both sides
/// defined with a certified non-zero difference, or exactly one side undefined.
/// The point and what the sides are there.
fn counterexample(
    g: &mut Graph,
    claim: &crate::parse::Claim,
    vars: &[crate::expr::Symbol],
    p: &[f64],
) -> Option<(Point, String)> {
    let point = Point {
        coords: vars
            .iter()
            .zip(p)
            .map(|(&s, &v)| (g.name(s).to_owned(), v))
            .collect(),
    };
    let l = targets::truth(g, claim.lhs, &point, 20);
    let r = targets::truth(g, claim.rhs, &point, 20);
    let differs = match (&l, &r) {
        (Truth::Value(..), Truth::Undefined) | (Truth::Undefined, Truth::Value(..)) => true,
        (Truth::Value(..), Truth::Value(..)) => {
            let d = g.sub(claim.lhs, claim.rhs);
            matches!(
                targets::truth(g, d, &point, 5),
                Truth::Value(_, dec) if dec.trim_start_matches('-') != "0"
            )
        }
        _ => false,
    };
    if !differs {
        return None;
    }
    let show = |t: &Truth| match t {
        Truth::Value(_, d) => d.clone(),
        Truth::Undefined => "undefined".to_owned(),
        Truth::Unknown => "unknown".to_owned(),
    };
    let detail = format!(
        "at {point} the left side is {} and the right side {} (MPFR)",
        show(&l),
        show(&r)
    );
    Some((point, detail))
}

/// Combines the reports of one campaign's shards.
///
/// # Errors
/// When the reports are of different targets or seeds.
pub fn merge(reports: &[Report]) -> Result<Report, String> {
    let Some(first) = reports.first() else {
        return Err("no report to merge".to_owned());
    };
    let mut out = Report {
        shards: Vec::new(),
        cases: 0,
        discrepancies: Vec::new(),
        limits: Vec::new(),
        stats: Stats::default(),
        seconds: 0.0,
        evidence: first.evidence.as_ref().map(|_| Evidence::default()),
        ..first.clone()
    };
    for r in reports {
        if r.target != first.target || r.seed != first.seed || r.claim != first.claim {
            return Err(format!(
                "reports of different campaigns: {} (seed {}) and {} (seed {})",
                first.target, first.seed, r.target, r.seed
            ));
        }
        out.shards.extend(r.shards.iter().cloned());
        out.cases += r.cases;
        out.discrepancies.extend(r.discrepancies.iter().cloned());
        for l in &r.limits {
            if out.limits.len() < MAX_LIMITS {
                out.limits.push(l.clone());
            }
        }
        out.stats.merge(&r.stats);
        out.seconds = out.seconds.max(r.seconds);
        if let (Some(o), Some(e)) = (&mut out.evidence, &r.evidence) {
            o.screened += e.screened;
            o.compared += e.compared;
            o.candidates += e.candidates;
            o.certified += e.certified;
            o.max_relative_difference = o.max_relative_difference.max(e.max_relative_difference);
        }
    }
    out.discrepancies.sort_by_key(|f| f.case);
    Ok(out)
}
