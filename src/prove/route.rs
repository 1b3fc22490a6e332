//! The numeric route, region by region: lines through base points, each cut at the
//! claim's boundaries into regions ([`regions`](super::regions)); every region
//! screened with the fast evaluator ([`screen`](super::screen)) and then sampled with
//! certified MPFR enclosures at its structured points and the screen's best
//! candidates. `verified` needs [`MIN_AGREEING`] agreeing points in every region of
//! every line, every boundary point that matters decided, and no exact evidence
//! against the claim; a region's points are never skipped silently. Agreement at a
//! point where an `erf` or `tanh` of the claim is within the working precision of
//! its limit ±1 does not count unless nothing can hide there (see
//! `Route::saturation`). Kink arguments located only numerically get their bumps
//! between grid points located too ([`bumps`](super::bumps)).

use std::collections::HashMap;
use std::time::Instant;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

use super::bumps;
use super::decide::Context;
use super::normal;
use super::numeric::{
    compare_at, compare_with, PointOutcome, AGREEMENT_PRECISION, DEEP_PRECISIONS,
};
use super::points::Rng;
use super::regions::{
    boundaries, ends, exact_zeros, extra_points, on_line, region_points, Boundary, Crossing,
    Source, MIN_AGREEING,
};
use super::screen::{candidates, grid, Screen};
use crate::certified::enclose;
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::poly::Interval;

/// A point: a value for each variable.
pub type Env = HashMap<Symbol, BigRational>;

/// The end of the numeric route.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// A certified counterexample: its rational point, and the exact values where a
    /// variable sits at an irrational point (`x = log(2)`).
    pub counterexample: Option<(Env, Vec<(Symbol, ExprId)>)>,
    /// Whether the claim may be `verified` (every region has its agreeing points).
    pub verified: bool,
    /// Regions sampled (with at least one point inside the conditions).
    pub regions: usize,
    /// Points that agreed (certified).
    pub agreed: usize,
    /// Points evaluated by the fast screen.
    pub screened: usize,
    /// Points evaluated with MPFR.
    pub certified: usize,
    /// Why the claim is not verified, when it is not.
    pub note: Option<String>,
    /// At an exact pole counterexample: whether the left side is the undefined one,
    /// and why.
    pub undefined_side: Option<(bool, String)>,
    /// At an exact (irrational) counterexample: both sides with the point put in and
    /// the switches there taken, for the values shown.
    pub exact_sides: Option<(ExprId, ExprId)>,
}

/// The inputs of the route.
pub struct Claim<'a> {
    /// The unfolded left side.
    pub lhs: ExprId,
    /// The unfolded right side.
    pub rhs: ExprId,
    /// The unfolded conditions.
    pub conditions: &'a [ExprId],
    /// The variables, sorted by name.
    pub vars: &'a [Symbol],
    /// The intervals the conditions state.
    pub context: &'a Context,
    /// Seeded random points added on each line, spread over its regions.
    pub random_points: usize,
    /// The seed of those points.
    pub seed: u64,
    /// A region where the normal form of `L - R` is not zero, and whether it is
    /// certainly not the zero function there (then the claim is never verified).
    pub evidence: Option<(Context, bool)>,
}

struct Route<'a> {
    claim: Claim<'a>,
    rng: Rng,
    deadline: Instant,
    bounds: Vec<Boundary>,
    screen: Screen,
    out: Outcome,
    blocked: Option<String>,
    /// Boundaries were closer than located: the claim is not decided between them,
    /// but the search for a difference below the working precision still runs (it
    /// finds the counterexamples such claims usually have elsewhere).
    deep_anyway: bool,
    unresolved: Option<String>,
    /// The `erf` and `tanh` nodes of the sides with their arguments: where one is
    /// within the precision of its limit ±1, a difference hides below it.
    saturating: Vec<(Func, ExprId)>,
    /// `L - R` as one expression (built when first needed), whose enclosure keeps
    /// a cancelling `erf(u) - 1` as `-erfc(u)`.
    difference: Option<ExprId>,
    /// Points whose agreement did not count because of saturation.
    saturated: usize,
    /// Saturated points looked at again at a raised precision.
    raised: usize,
}

/// The hidden bits past which agreement at a point does not count: a difference of
/// `2^-bits` of the sides' size is not seen at the working precision.
const SATURATION_BITS: u64 = AGREEMENT_PRECISION as u64 - 128;

/// The highest precision a saturated point is looked at again with, and how many
/// points a route looks at again (`erf` at 16,384 bits takes a good fraction of a
/// second).
const RAISED_PRECISION: u32 = 8192;
const RAISED_POINTS: usize = 4;

fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

fn from_f64(x: f64) -> Option<BigRational> {
    BigRational::from_float(x)
}

/// Runs the numeric route until `deadline`.
pub fn run(g: &mut Graph, claim: Claim<'_>, deadline: Instant) -> Outcome {
    let bounds = boundaries(g, &[claim.lhs, claim.rhs], claim.conditions);
    let screen = Screen::new(g, claim.vars, claim.lhs, claim.rhs, claim.conditions);
    let saturating = saturating_nodes(g, &[claim.lhs, claim.rhs]);
    let mut route = Route {
        saturating,
        difference: None,
        saturated: 0,
        raised: 0,
        rng: Rng::new(claim.seed),
        claim,
        deadline,
        bounds,
        screen,
        out: Outcome::default(),
        blocked: None,
        deep_anyway: false,
        unresolved: None,
    };
    route.go(g);
    route.out.screened = route.screen.screened;
    route.out
}

impl Route<'_> {
    fn go(&mut self, g: &mut Graph) {
        let vars = self.claim.vars.to_vec();
        // Exact evidence that the claim fails: look for the counterexample it
        // promises first, at precisions far beyond the working one.
        if let Some((region, true)) = self.claim.evidence.clone() {
            let _ = self.deep_search(g, &region, true);
            if self.out.counterexample.is_some() {
                return;
            }
        }
        if vars.is_empty() {
            self.constant(g);
            if self.out.counterexample.is_some() {
                return;
            }
        } else {
            // A quick look for a counterexample at a few simple points before the
            // boundaries are located (the bumps of kink arguments cost thousands of
            // certified signs): a difference the working precision sees is mostly
            // seen at 128 bits, and a constant one always (see `compare_with`).
            // Only a counterexample counts here; every point of every region is
            // still sampled otherwise.
            if self.quick_look(g) {
                return;
            }
            let bases = self.bases();
            'lines: for &v in &vars {
                for base in &bases {
                    let mut base = base.clone();
                    base.remove(&v);
                    if Instant::now() > self.deadline {
                        self.block("the time limit was reached before every region was sampled");
                        break 'lines;
                    }
                    self.line(g, v, &base);
                    if self.out.counterexample.is_some() {
                        return;
                    }
                }
            }
        }
        match self.claim.evidence.clone() {
            Some((_, true)) => self.block(
                "the exponential-rational normal form of L - R is not zero on a region with interior, so the claim fails there, but no counterexample was certified within the limits",
            ),
            other if (self.blocked.is_none() || self.deep_anyway) && self.unresolved.is_none() => {
                // A non-zero normal form outside the canonical class proves nothing,
                // and neither does no normal form at all (a kink of a non-linear
                // argument, `min(1, cosh(x))`): a difference below the working
                // precision is looked for before the claim is called verified.
                let region = match other {
                    Some((region, _)) => region,
                    None => self.claim.context.clone(),
                };
                let completed = self.deep_search(g, &region, false);
                if self.out.counterexample.is_some() {
                    return;
                }
                if completed {
                    self.far_look(g, &region);
                    if self.out.counterexample.is_some() {
                        return;
                    }
                }
                if !completed {
                    self.block("the normal form of L - R is not zero, and the search for a difference below the working precision did not finish within the time limit");
                }
            }
            _ => {}
        }
        self.finish();
    }

    /// `points` of each variable's interval in the claim's context (the whole line
    /// where it has none), in the order of the claim's variables.
    fn per_variable(
        &self,
        points: impl Fn(&Interval) -> Vec<BigRational>,
    ) -> Vec<Vec<BigRational>> {
        self.claim
            .vars
            .iter()
            .map(|v| match self.claim.context.get(v) {
                Some(iv) => points(iv),
                None => points(&Interval::line()),
            })
            .collect()
    }

    /// Looks for a counterexample at a few simple points of the claim's intervals at
    /// [`QUICK_PRECISION`]; true when one is found.
    fn quick_look(&mut self, g: &mut Graph) -> bool {
        let vars = self.claim.vars;
        let reps = self.per_variable(|iv| deep_candidates(iv, QUICK_POINTS));
        if reps.iter().any(Vec::is_empty) {
            return false;
        }
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        let count = reps.iter().map(Vec::len).max().unwrap_or(0);
        for j in 0..count {
            let env: Env = vars
                .iter()
                .zip(&reps)
                .enumerate()
                .map(|(i, (&v, rs))| (v, rs[(j + i) % rs.len()].clone()))
                .collect();
            self.out.certified += 1;
            if compare_with(g, l, r, c, &env, &[QUICK_PRECISION], false)
                == PointOutcome::Counterexample
            {
                self.out.counterexample = Some((env, Vec::new()));
                return true;
            }
        }
        false
    }

    fn block(&mut self, why: &str) {
        if self.blocked.is_none() {
            self.blocked = Some(why.to_owned());
        }
    }

    fn finish(&mut self) {
        if let Some(why) = self.blocked.take() {
            self.out.note = Some(why);
        } else if let Some(why) = self.unresolved.take() {
            self.out.note = Some(format!("a point could not be decided: {why}"));
        } else if self.out.regions == 0 {
            self.out.note = Some("no sample point satisfies the conditions".into());
        } else {
            self.out.verified = true;
        }
    }

    /// Base points for the lines: a few values of each variable inside its interval,
    /// combined so that different lines see different companions.
    fn bases(&self) -> Vec<Env> {
        let vars = self.claim.vars;
        if vars.len() == 1 {
            return vec![Env::new()];
        }
        let count = match vars.len() {
            2 => 4,
            3 => 3,
            _ => 2,
        };
        let reps = self.per_variable(|iv| representatives(iv, count));
        (0..count)
            .map(|j| {
                vars.iter()
                    .zip(&reps)
                    .enumerate()
                    .filter(|(_, (_, r))| !r.is_empty())
                    .map(|(i, (&v, r))| (v, r[(j + i) % r.len()].clone()))
                    .collect()
            })
            .collect()
    }

    /// A claim without variables: one point, decided at the working precision and,
    /// with exact evidence, far beyond it.
    fn constant(&mut self, g: &mut Graph) {
        let env = Env::new();
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        self.out.certified += 1;
        match compare_at(g, l, r, c, &env) {
            PointOutcome::Counterexample => {
                self.out.counterexample = Some((env, Vec::new()));
            }
            PointOutcome::Agree => {
                self.block("the claim is a single point (no variables), and agreement to the working precision does not decide it exactly");
            }
            PointOutcome::Excluded => {}
            PointOutcome::OutOfRange => self.block("a value is beyond the representable range"),
            PointOutcome::Unresolved(why) => self.unresolved = Some(why),
        }
    }

    /// Certifies one point; true when the route must stop (a counterexample).
    fn certify(&mut self, g: &mut Graph, env: &Env, tally: Option<&mut (usize, usize)>) -> bool {
        self.out.certified += 1;
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        match compare_at(g, l, r, c, env) {
            PointOutcome::Counterexample => {
                self.out.counterexample = Some((env.clone(), Vec::new()));
                return true;
            }
            PointOutcome::Agree => match self.saturation(g, env) {
                Saturation::Counterexample => {
                    self.out.counterexample = Some((env.clone(), Vec::new()));
                    return true;
                }
                Saturation::Counts => {
                    self.out.agreed += 1;
                    if let Some(t) = tally {
                        t.0 += 1;
                        t.1 += 1;
                    }
                }
                Saturation::Hidden => {
                    self.saturated += 1;
                    if let Some(t) = tally {
                        t.1 += 1;
                    }
                }
            },
            PointOutcome::Excluded => {}
            PointOutcome::OutOfRange => {
                if let Some(t) = tally {
                    t.1 += 1;
                }
            }
            PointOutcome::Unresolved(why) => {
                if let Some(t) = tally {
                    t.1 += 1;
                }
                self.unresolved = Some(why);
            }
        }
        false
    }

    /// Whether agreement at `env` counts: not where an `erf` or `tanh` of the sides
    /// is within the working precision of its limit ±1 (`erf(150)` is `1 -
    /// 2^-32474`), since a difference there hides below the precision. Such a point
    /// is looked at again: `L - R` as one expression (where `erf(u) - 1` is enclosed
    /// as `-erfc(u)`), then, when the hidden part is within reach, at a raised
    /// precision.
    fn saturation(&mut self, g: &mut Graph, env: &Env) -> Saturation {
        if self.saturating.is_empty() {
            return Saturation::Counts;
        }
        let bits = hidden_bits(g, &self.saturating, env);
        if bits < SATURATION_BITS {
            return Saturation::Counts;
        }
        let d = match self.difference {
            Some(d) => d,
            None => {
                let d = g.sub(self.claim.lhs, self.claim.rhs);
                self.difference = Some(d);
                d
            }
        };
        self.out.certified += 1;
        if let Ok(iv) = enclose(g, d, env, AGREEMENT_PRECISION) {
            // Exactly 0 for every value inside the enclosures (a `relu` of a
            // certainly negative argument): nothing hides.
            if iv.is_zero() {
                return Saturation::Counts;
            }
            if !iv.contains_zero() {
                return Saturation::Counterexample;
            }
        }
        let Some(prec) = raised_precision(bits, AGREEMENT_PRECISION) else {
            return Saturation::Hidden;
        };
        if prec > RAISED_PRECISION || self.raised >= RAISED_POINTS || Instant::now() > self.deadline
        {
            return Saturation::Hidden;
        }
        self.raised += 1;
        self.out.certified += 1;
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        match compare_with(g, l, r, c, env, &[prec], true) {
            PointOutcome::Counterexample => Saturation::Counterexample,
            PointOutcome::Agree => Saturation::Counts,
            _ => Saturation::Hidden,
        }
    }

    /// One line: `v` free, the other variables at `base`.
    fn line(&mut self, g: &mut Graph, v: Symbol, base: &Env) {
        let dom = self
            .claim
            .context
            .get(&v)
            .cloned()
            .unwrap_or_else(Interval::line);
        if dom.is_empty() {
            return;
        }
        let (dlo, dhi) = ends(&dom);
        let base_f: HashMap<Symbol, f64> = base.iter().map(|(&s, r)| (s, to_f64(r))).collect();
        let with = |x: &BigRational| -> Env {
            let mut e = base.clone();
            e.insert(v, x.clone());
            e
        };
        // Closed ends of the interval are points of the claim.
        for end in [&dom.lo, &dom.hi].into_iter().flatten() {
            if end.1 && self.certify(g, &with(&end.0), None) {
                return;
            }
        }
        if let (Some(a), Some(b)) = (&dlo, &dhi) {
            if a == b {
                self.block("the region is a single point, which sampling cannot decide exactly");
                return;
            }
        }
        // The zeros of every boundary on this line.
        let mut zeros: Vec<Crossing> = Vec::new();
        // The boundary expression of each zero.
        let mut zero_exprs: Vec<ExprId> = Vec::new();
        let mut unlocated: Vec<Boundary> = Vec::new();
        for b in self.bounds.clone() {
            let c = on_line(g, b.expr, base);
            if !g.free_vars(c).contains(&v) {
                continue;
            }
            match exact_zeros(g, c, v, &b) {
                Some(zs) => {
                    zero_exprs.extend(zs.iter().map(|_| c));
                    zeros.extend(zs);
                }
                None => unlocated.push(b),
            }
        }
        let cuts_f: Vec<f64> = zeros.iter().map(|z| to_f64(&z.lo)).collect();
        let xs = grid(
            dlo.as_ref().map(to_f64),
            dhi.as_ref().map(to_f64),
            &cuts_f,
            200,
        );
        for b in unlocated {
            // A zero located only numerically, between `lo` and `hi`.
            let located = |lo, hi| Crossing {
                lo,
                hi,
                exact: None,
                source: b.source,
                certain: false,
                node: Some(b.node),
            };
            match self.screen.sign_changes(g, b.expr, v, &base_f, &xs) {
                Some(changes) => {
                    for (a, c) in changes {
                        // An f64 value of exactly 0 is a zero of the boundary only if
                        // the exact value is 0 too; otherwise the zero is beside it
                        // (`x - sqrt(2)` is 0 in f64 at the float nearest sqrt(2)),
                        // between the neighbouring floats.
                        let (a, c) = if a == c && !exactly_zero(g, b.expr, base, v, a) {
                            // The float itself is a point beside the zero worth a look.
                            if let Some(r) = from_f64(a) {
                                if dom.interior_contains(&r) && self.certify(g, &with(&r), None) {
                                    return;
                                }
                            }
                            // At least one ulp each way (`next_down`/`next_up` are
                            // newer than the MSRV).
                            let d = (a.abs() * f64::EPSILON).max(f64::from_bits(1));
                            if (a - d).is_finite() && (c + d).is_finite() {
                                (a - d, c + d)
                            } else {
                                (a, c)
                            }
                        } else {
                            (a, c)
                        };
                        if let (Some(lo), Some(hi)) = (from_f64(a), from_f64(c)) {
                            zeros.push(located(lo, hi));
                            zero_exprs.push(b.expr);
                        }
                    }
                }
                None => self.block("a boundary of the claim could not be located (it does not compile to the fast evaluator)"),
            }
            // A zero between an end of the region and the grid point nearest it,
            // closer to the end than floats resolve (`x - sqrt(2)` on `x < c`
            // with c 2e-63 above sqrt(2), where every float below c is below
            // sqrt(2)): the exact signs there differ.
            for end in [dlo.as_ref(), dhi.as_ref()].into_iter().flatten() {
                let inner = xs
                    .iter()
                    .filter_map(|&x| from_f64(x))
                    .filter(|x| dom.interior_contains(x))
                    .min_by_key(|x| (x - end).abs());
                let Some(inner) = inner else { continue };
                let at = |g: &Graph, x: &BigRational| {
                    let mut env = base.clone();
                    env.insert(v, x.clone());
                    // `None` where undefined; `Some(None)` where not decided.
                    crate::certified::enclose(g, b.expr, &env, 256)
                        .ok()
                        .map(|iv| {
                            if iv.lo > 0 {
                                Some(1)
                            } else if iv.hi < 0 {
                                Some(-1)
                            } else if iv.is_zero() {
                                Some(0)
                            } else {
                                None
                            }
                        })
                };
                let (s_in, s_end) = (at(g, &inner), at(g, end));
                // A sign flip, or a value at the end too small to decide: a zero
                // strictly between (a zero at the end itself is no point of the
                // region, and one at the grid point is found exactly).
                let changes = match (s_in, s_end) {
                    (Some(Some(a)), Some(Some(b))) => a != 0 && b != 0 && a != b,
                    (Some(Some(a)), Some(None)) => a != 0,
                    _ => false,
                };
                if changes {
                    let (lo, hi) = if &inner < end {
                        (inner, end.clone())
                    } else {
                        (end.clone(), inner)
                    };
                    zeros.push(located(lo, hi));
                    zero_exprs.push(b.expr);
                }
            }
            // A bump of a kink argument between grid points: its zeros beside its
            // extrema (a `where` condition's too, when its zero is not a point of it).
            if !b.source.point_matters() {
                let line = bumps::Line {
                    v,
                    base,
                    base_f: &base_f,
                    deadline: self.deadline,
                };
                let found = bumps::zeros(g, &mut self.screen, b.expr, &line, &xs);
                for (lo, hi) in found.zeros {
                    zeros.push(located(lo, hi));
                    zero_exprs.push(b.expr);
                }
                if let Some(why) = found.near_touch {
                    self.block(&why);
                }
            }
            if b.source.point_matters() {
                self.block("a condition or domain edge of the claim has zeros that could only be located numerically, so the claim is not decided at them");
            }
        }
        // Zeros of different boundaries whose enclosures meet, not known to be one
        // exact point: the sliver between them lies inside the enclosures, which
        // are not sampled (kinks at sqrt(2) and at a decimal 2e-63 above it).
        // (Still sampled: a counterexample elsewhere refutes the claim.)
        if let Some(why) = unseparated(g, &zeros, &zero_exprs, dlo.as_ref(), dhi.as_ref()) {
            self.block(why);
            self.deep_anyway = true;
        }
        // Boundary points that matter: rational ones are sampled, irrational ones
        // evaluated at their exact value.
        let mut cuts: Vec<BigRational> = Vec::new();
        let mut micro: Vec<(BigRational, BigRational)> = Vec::new();
        for (z, &zexpr) in zeros.iter().zip(&zero_exprs) {
            let inside = |p: &BigRational| dom.interior_contains(p);
            if let Some(r) = z.rational() {
                if inside(r) {
                    cuts.push(r.clone());
                    if self.certify(g, &with(r), None) {
                        return;
                    }
                }
                continue;
            }
            if !(inside(&z.lo) || inside(&z.hi)) {
                // An enclosure holding the whole region (a `where` interval
                // narrower than the zero was located to): the zero may be inside.
                let below_hi = dhi.as_ref().is_none_or(|h| &z.lo < h);
                let above_lo = dlo.as_ref().is_none_or(|l| &z.hi > l);
                if below_hi && above_lo {
                    self.block("a boundary of the claim was located only to an interval holding the whole region, so the claim is not decided at it");
                }
                continue;
            }
            if !(inside(&z.lo) && inside(&z.hi)) {
                // An enclosure holding an end of the region: the sliver between the
                // zero and that end is not sampled (a kink at sqrt(2) and a `where`
                // bound 2e-63 above it) — unless the boundary is undefined at that
                // end (the edge of its own domain, `log(x)` at 0 on `x > 0`).
                let end = [dlo.as_ref(), dhi.as_ref()]
                    .into_iter()
                    .flatten()
                    .find(|e| &z.lo <= *e && *e <= &z.hi);
                let edge = end.is_some_and(|e| {
                    let mut env = base.clone();
                    env.insert(v, e.clone());
                    crate::certified::enclose(g, zexpr, &env, 256).is_err()
                });
                if !edge {
                    self.block("a boundary of the claim lies closer to an end of the region than it was located, so the claim is not decided between them");
                    self.deep_anyway = true;
                }
            }
            for p in [&z.lo, &z.hi] {
                if inside(p) {
                    cuts.push(p.clone());
                }
            }
            micro.push((z.lo.clone(), z.hi.clone()));
            if z.source.point_matters() && self.exact_point(g, v, base, z, &zeros) {
                return;
            }
        }
        cuts.sort();
        cuts.dedup();
        // The regions between the cuts.
        let mut bounds_list: Vec<Option<BigRational>> = vec![dlo.clone()];
        bounds_list.extend(cuts.iter().cloned().map(Some));
        bounds_list.push(dhi.clone());
        // The screen: candidates over the whole line, then per region.
        let sampled = self.screen.sides(v, &base_f, xs);
        let cand: Vec<BigRational> = sampled
            .as_ref()
            .map(|s| candidates(s, 24))
            .unwrap_or_default()
            .into_iter()
            .filter_map(from_f64)
            .collect();
        for w in bounds_list.windows(2) {
            let (lo, hi) = (w[0].as_ref(), w[1].as_ref());
            if let (Some(a), Some(b)) = (lo, hi) {
                if a >= b || micro.iter().any(|(x, y)| x == a && y == b) {
                    continue;
                }
            }
            if Instant::now() > self.deadline {
                self.block("the time limit was reached before every region was sampled");
                return;
            }
            let inside = |p: &BigRational| lo.is_none_or(|a| p > a) && hi.is_none_or(|b| p < b);
            let mut pts: Vec<BigRational> = cand.iter().filter(|p| inside(p)).cloned().collect();
            pts.extend(region_points(lo, hi));
            let regions_here = bounds_list.len() - 1;
            let random = self.claim.random_points.div_ceil(regions_here.max(1));
            pts.extend(random_points(&mut self.rng, lo, hi, random));
            // (agreeing, inside the conditions)
            let mut tally = (0usize, 0usize);
            let saturated_before = self.saturated;
            for p in &pts {
                if self.certify(g, &with(p), Some(&mut tally)) {
                    return;
                }
            }
            if tally.0 < MIN_AGREEING && tally.1 > 0 {
                for p in extra_points(lo, hi, 3 * MIN_AGREEING) {
                    if tally.0 >= MIN_AGREEING || Instant::now() > self.deadline {
                        break;
                    }
                    if self.certify(g, &with(&p), Some(&mut tally)) {
                        return;
                    }
                }
            }
            if tally.1 > 0 {
                self.out.regions += 1;
                if tally.0 < MIN_AGREEING && self.saturated > saturated_before {
                    self.block(&format!(
                        "a region of {} has only {} agreeing points that count: at {} more, an erf or tanh of the claim is within 2^-{SATURATION_BITS} of its limit ±1, where a difference hides below the working precision",
                        g.name(v),
                        tally.0,
                        self.saturated - saturated_before
                    ));
                } else if tally.0 < MIN_AGREEING {
                    self.block(&format!(
                        "a region of {} has only {} agreeing points (at least {MIN_AGREEING} are needed)",
                        g.name(v),
                        tally.0
                    ));
                }
            }
        }
    }

    /// Decides the claim at the exact (irrational) zero `z` of a boundary that
    /// matters; true when that gives a counterexample. Every switch and pole known by
    /// exact algebra to vanish at the same point (`all`) is taken exactly: an `if`
    /// takes the branch its condition gives at equality, `sign` is 0, and a side
    /// holding a pole outside any `if` is undefined.
    fn exact_point(
        &mut self,
        g: &mut Graph,
        v: Symbol,
        base: &Env,
        z: &Crossing,
        all: &[Crossing],
    ) -> bool {
        let Some(p) = z.exact else {
            self.block("a condition or domain edge of the claim has an irrational zero without a closed form, where the claim is not decided");
            return false;
        };
        let here: Vec<&Crossing> = all
            .iter()
            .filter(|c| c.certain && c.exact == Some(p))
            .collect();
        let mut branch: HashMap<ExprId, ExprId> = HashMap::new();
        let mut poles: Vec<ExprId> = Vec::new();
        for c in &here {
            let Some(node) = c.node else { continue };
            match (c.source, g.node(node).clone()) {
                (Source::Switch, Node::If(cond, a, b)) => {
                    if let Node::Cmp(op, ..) = g.node(cond) {
                        let taken = if op.holds(std::cmp::Ordering::Equal) {
                            a
                        } else {
                            b
                        };
                        branch.insert(node, taken);
                    }
                }
                (Source::Switch, Node::Func(Func::Sign, _)) => {
                    let zero = g.int(0);
                    branch.insert(node, zero);
                }
                (Source::Pole, _) => poles.push(node),
                _ => {}
            }
        }
        let take = |g: &mut Graph, e: ExprId| -> ExprId {
            if branch.is_empty() {
                return e;
            }
            g.rewrite(e, |g, id, node| match branch.get(&id) {
                Some(&t) => t,
                None => g.rebuild(node),
            })
        };
        let (l0, r0) = (take(g, self.claim.lhs), take(g, self.claim.rhs));
        let c0: Vec<ExprId> = self.claim.conditions.iter().map(|&c| take(g, c)).collect();
        let mut bind: HashMap<Symbol, ExprId> =
            base.iter().map(|(&s, r)| (s, g.num(r.clone()))).collect();
        bind.insert(v, p);
        let l = g.substitute(l0, &bind);
        let r = g.substitute(r0, &bind);
        let conds: Vec<ExprId> = c0.iter().map(|&c| g.substitute(c, &bind)).collect();
        self.out.certified += 1;
        let found = match compare_at(g, l, r, &conds, &Env::new()) {
            PointOutcome::Counterexample => true,
            PointOutcome::Agree | PointOutcome::Excluded => return false,
            _ => match self.pole_sides(g, (l0, r0), (l, r), &conds, &poles) {
                Some(found) => found,
                None => {
                    self.block("the claim could not be decided at an irrational boundary point");
                    return false;
                }
            },
        };
        if found {
            let approx = (&z.lo + &z.hi) / BigRational::from_integer(BigInt::from(2));
            let mut env = base.clone();
            env.insert(v, approx);
            self.out.counterexample = Some((env, vec![(v, p)]));
            self.out.exact_sides = Some((l, r));
        }
        found
    }

    /// At a point where the `poles` are exactly 0: a side that holds one of them
    /// outside any `if` (`sides`, before the point is put in) is undefined. Both
    /// undefined: they agree (`Some(false)`). One undefined while the other is
    /// certainly defined and the conditions certainly hold: a counterexample
    /// (`Some(true)`). Otherwise undecided (`None`).
    fn pole_sides(
        &mut self,
        g: &mut Graph,
        sides: (ExprId, ExprId),
        at: (ExprId, ExprId),
        conds: &[ExprId],
        poles: &[ExprId],
    ) -> Option<bool> {
        if poles.is_empty() {
            return None;
        }
        let undefined = |g: &Graph, side: ExprId| -> Option<ExprId> {
            let nodes = g.reachable(&[side]);
            if nodes.iter().any(|&n| matches!(g.node(n), Node::If(..))) {
                return None;
            }
            poles.iter().copied().find(|p| nodes.contains(p))
        };
        let none = Env::new();
        let defined = |g: &mut Graph, side: ExprId| enclose(g, side, &none, 256).is_ok();
        let (lu, ru) = (undefined(g, sides.0), undefined(g, sides.1));
        let (lhs_undefined, pole) = match (lu, ru) {
            (Some(_), Some(_)) => return Some(false),
            (Some(p), None) if defined(g, at.1) => (true, p),
            (None, Some(p)) if defined(g, at.0) => (false, p),
            _ => return None,
        };
        for &c in conds {
            // A condition holds for certain only when it folded to true or its
            // enclosure decides it.
            let holds = match g.node(c).clone() {
                Node::Bool(b) => b,
                Node::Cmp(op, a, b) => {
                    let (Ok(x), Ok(y)) = (enclose(g, a, &none, 256), enclose(g, b, &none, 256))
                    else {
                        return None;
                    };
                    crate::certified::interval::decide(op, &x, &y) == Some(true)
                }
                _ => false,
            };
            if !holds {
                return None;
            }
        }
        let what = match g.node(pole) {
            Node::Func(Func::Log, u) => {
                format!("log of 0: {} is exactly 0 there", crate::print::text(g, *u))
            }
            Node::Pow(b, _) => {
                format!(
                    "division by 0: {} is exactly 0 there",
                    crate::print::text(g, *b)
                )
            }
            _ => "a pole".to_owned(),
        };
        self.out.undefined_side = Some((lhs_undefined, what));
        Some(true)
    }

    /// With exact evidence that the claim fails on `region`, looks for a point there
    /// where the difference is certified, raising the precision far beyond the
    /// working one.
    /// Returns whether the search ran to its last precision (it stops early at a
    /// counterexample or at the deadline).
    fn deep_search(&mut self, g: &mut Graph, region: &Context, certain: bool) -> bool {
        let vars = self.claim.vars.to_vec();
        let (count, precs): (usize, Vec<u32>) = if certain {
            (4, DEEP_PRECISIONS.to_vec())
        } else {
            // Outside the canonical class the precision is raised by the magnitudes
            // the claim itself produces at the point, which bound how small a term
            // it can hide (`softplus(x) - x` at 10^5 is about 2^-144270; a term
            // `10^-1000*erf(x)` about 2^-3322).
            (2, Vec::new())
        };
        let reps: Vec<Vec<BigRational>> = vars
            .iter()
            .map(|v| {
                let iv = region.get(v).cloned().unwrap_or_else(Interval::line);
                deep_candidates(&iv, count)
            })
            .collect();
        if reps.iter().any(Vec::is_empty) {
            return false;
        }
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        let envs: Vec<Env> = (0..count)
            .map(|j| {
                vars.iter()
                    .zip(&reps)
                    .enumerate()
                    .map(|(i, (&v, rs))| (v, rs[(j + i) % rs.len()].clone()))
                    .collect()
            })
            .collect();
        let precs = if certain {
            precs
        } else {
            // An erf or tanh near its limit hides its distance from it (`erf(150)`
            // is 1 - 2^-32474): that counts as a magnitude too.
            let bits = envs
                .iter()
                .map(|e| magnitude_bits(g, &[l, r], e).max(hidden_bits(g, &self.saturating, e)))
                .max()
                .unwrap_or(0);
            // At least eight times the working precision even where no magnitude
            // stands out: a function can hide its own tiny difference (`erf(x) = 1
            // where x >= 40` differs by erfc(40), about 2^-2314; `log(1 + x) = x`
            // near 1e-700 by x^2/2).
            let Some(prec) = raised_precision(bits, CONFIRMATION_PRECISION) else {
                // Too much to look at.
                return false;
            };
            vec![prec]
        };
        // A quick look first: a difference the exact evidence promises is mostly
        // seen at a low precision (a constant one always, see `compare_with`), long
        // before the slow functions' thousands of bits. Only a counterexample
        // counts here; every point goes on to the deep precisions otherwise.
        if certain {
            for env in &envs {
                self.out.certified += 1;
                if compare_with(g, l, r, c, env, &[QUICK_PRECISION], false)
                    == PointOutcome::Counterexample
                {
                    self.out.counterexample = Some((env.clone(), Vec::new()));
                    return false;
                }
            }
        }
        // Every point at one precision before any at the next, so a point where the
        // difference happens to vanish does not hold up the others.
        let mut live: Vec<bool> = vec![true; envs.len()];
        for &prec in &precs {
            for (k, env) in envs.iter().enumerate() {
                if !live[k] {
                    continue;
                }
                let step = Instant::now();
                self.out.certified += 1;
                match compare_with(g, l, r, c, env, &[prec], false) {
                    PointOutcome::Counterexample => {
                        self.out.counterexample = Some((env.clone(), Vec::new()));
                        return false;
                    }
                    PointOutcome::Unresolved(_) => {}
                    _ => live[k] = false,
                }
                // Twice the bits cost at least four times as much: no step is begun
                // that cannot end before the deadline.
                if Instant::now() + step.elapsed().saturating_mul(4) > self.deadline {
                    return false;
                }
            }
        }
        true
    }
}

impl Route<'_> {
    /// Beyond the sampled range (`10^300`), where an unbounded region goes on:
    /// a kink at `x = e^1000` (`min(log(x), 1000) = log(x)`) is out of the `f64`
    /// screen's reach. Each variable is put at `10^400`, `10^1000` and `10^5000`
    /// (from its lower end if that is beyond them, negated on the side unbounded
    /// below), the others at their simplest values, at the working precision
    /// raised by the point's magnitudes. Only a certified difference counts; a
    /// point that cannot be evaluated there (`exp(10^1000)`) is passed over, so
    /// the look adds counterexamples and never takes a verdict away.
    fn far_look(&mut self, g: &mut Graph, region: &Context) {
        let vars = self.claim.vars.to_vec();
        let (l, r, c) = (self.claim.lhs, self.claim.rhs, self.claim.conditions);
        let simple: Vec<BigRational> = vars
            .iter()
            .map(|v| {
                let iv = region.get(v).cloned().unwrap_or_else(Interval::line);
                deep_candidates(&iv, 1)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            })
            .collect();
        for &v in &vars {
            let iv = region.get(&v).cloned().unwrap_or_else(Interval::line);
            for far in far_points(&iv) {
                if Instant::now() > self.deadline {
                    return;
                }
                let mut env: Env = vars.iter().copied().zip(simple.iter().cloned()).collect();
                env.insert(v, far);
                let bits =
                    magnitude_bits(g, &[l, r], &env).max(hidden_bits(g, &self.saturating, &env));
                let Some(prec) = raised_precision(bits, AGREEMENT_PRECISION) else {
                    continue;
                };
                self.out.certified += 1;
                if let PointOutcome::Counterexample = compare_with(g, l, r, c, &env, &[prec], false)
                {
                    self.out.counterexample = Some((env, Vec::new()));
                    return;
                }
            }
        }
    }
}

/// The precision that sees a difference `bits` below the claim's own magnitudes
/// with the working precision to spare, at least `floor`, rounded up to a power
/// of two; `None` beyond the deepest precision.
fn raised_precision(bits: u64, floor: u32) -> Option<u32> {
    let need = bits
        .saturating_add(u64::from(AGREEMENT_PRECISION) + 64)
        .max(u64::from(floor));
    if need > u64::from(DEEP_PRECISIONS[DEEP_PRECISIONS.len() - 1]) {
        return None;
    }
    Some(u32::try_from(need.next_power_of_two()).unwrap_or(u32::MAX))
}

/// Points far beyond the sampled range on each unbounded side of `iv`.
fn far_points(iv: &Interval) -> Vec<BigRational> {
    let mut out = Vec::new();
    for k in [400u32, 1000, 5000] {
        let p = BigRational::from_integer(BigInt::from(10).pow(k));
        if iv.hi.is_none() {
            match &iv.lo {
                Some((lo, _)) if *lo >= p => out.push(lo + &p),
                _ => out.push(p.clone()),
            }
        }
        if iv.lo.is_none() {
            match &iv.hi {
                Some((hi, _)) if *hi <= -&p => out.push(hi - &p),
                _ => out.push(-p),
            }
        }
    }
    out
}

/// The precision of the quick looks: before the lines, and in the deep search
/// before its deep precisions.
const QUICK_PRECISION: u32 = 128;

/// The points of the quick look before the lines.
const QUICK_POINTS: usize = 3;

/// The least precision of the last look for a difference below the working
/// precision before a claim is called verified.
const CONFIRMATION_PRECISION: u32 = 16_384;

/// How far from 1 the magnitudes of the claim's own values stray at the point, in
/// bits: the largest `|log2 |v||` over its subexpressions (a constant `10^-1000`,
/// an `exp(-10^5)`, an `x^-1000`; for a constant, the bits of its numerator or
/// denominator), which bounds how small a term it can hide.
fn magnitude_bits(g: &mut Graph, sides: &[ExprId], env: &Env) -> u64 {
    let mut most: i64 = 0;
    for id in g.reachable(sides) {
        let bits = match g.node(id).clone() {
            Node::Num(r) => {
                if num_traits::Zero::is_zero(&r) {
                    continue;
                }
                // Not only its magnitude: a constant as close to 1 as
                // `1 + 10^-3000` hides a term as small as its denominator says.
                let bits = r.numer().bits().max(r.denom().bits());
                i64::try_from(bits).unwrap_or(i64::MAX)
            }
            Node::Var(_) | Node::Bool(_) | Node::Cmp(..) => continue,
            _ => match enclose(g, id, env, 64) {
                Ok(iv) if !iv.contains_zero() => {
                    i64::from(iv.magnitude().get_exp().unwrap_or(0)).saturating_abs()
                }
                // A value beyond MPFR's exponent range (`exp(-x)` at x = 10^9, whose
                // enclosure then reaches 0 though an exponential never does) is a
                // magnitude past any precision: nothing can be confirmed there.
                Err(crate::certified::EvalError::Overflow) => i64::MAX,
                Ok(_) if matches!(g.node(id), Node::Func(Func::Exp, _)) => i64::MAX,
                _ => continue,
            },
        };
        most = most.max(bits);
    }
    most.unsigned_abs()
}

/// Whether agreement at a point counts.
enum Saturation {
    /// Nothing hides below the precision there.
    Counts,
    /// A saturated point where the difference was seen after all.
    Counterexample,
    /// A difference may hide below the precision: the point does not count.
    Hidden,
}

/// The `erf` and `tanh` nodes reachable from `sides`, with their arguments.
fn saturating_nodes(g: &Graph, sides: &[ExprId]) -> Vec<(Func, ExprId)> {
    g.reachable(sides)
        .into_iter()
        .filter_map(|id| match g.node(id) {
            Node::Func(f @ (Func::Erf | Func::Tanh), u) if !g.free_vars(*u).is_empty() => {
                Some((*f, *u))
            }
            _ => None,
        })
        .collect()
}

/// How many bits below 1 the saturating nodes' distances to their limits ±1 lie at
/// the point, at least: `1 - erf(a) = erfc(a) < exp(-a^2)`, `1 - tanh(a) < 2
/// exp(-2a)` for `a = |u| > 0`, so a difference they hide is at most about
/// `2^-bits` of the sides' size. A lower bound of `|u|` from its enclosure.
fn hidden_bits(g: &Graph, nodes: &[(Func, ExprId)], env: &Env) -> u64 {
    let mut most = 0f64;
    for &(f, u) in nodes {
        let Ok(iv) = enclose(g, u, env, 64) else {
            continue;
        };
        if iv.contains_zero() {
            continue;
        }
        let a = {
            let (lo, hi) = (iv.lo.clone().abs(), iv.hi.clone().abs());
            if lo < hi {
                lo
            } else {
                hi
            }
        };
        let a = a.to_f64_round(rug::float::Round::Down);
        let bits = match f {
            Func::Erf => a * a * std::f64::consts::LOG2_E,
            _ => 2.0 * a * std::f64::consts::LOG2_E - 1.0,
        };
        most = most.max(bits);
    }
    if most.is_finite() {
        // Non-negative and finite here: the cast saturates at u64::MAX.
        most.max(0.0) as u64
    } else {
        u64::MAX
    }
}

/// Whether the interval is the single point 0 (then 0 is its only candidate).
fn pts_len_one(iv: &Interval) -> bool {
    matches!((&iv.lo, &iv.hi), (Some((a, true)), Some((b, true))) if a == b)
}

/// `count` seeded random rationals inside `(lo, hi)`: uniform where it is bounded,
/// otherwise moderate values measured from its end (or from 0).
fn random_points(
    rng: &mut Rng,
    lo: Option<&BigRational>,
    hi: Option<&BigRational>,
    count: usize,
) -> Vec<BigRational> {
    let unit = |rng: &mut Rng| {
        BigRational::new(
            BigInt::from(rng.next_u64() % 1_000_003 + 1),
            BigInt::from(1_000_005u64),
        )
    };
    (0..count)
        .map(|_| match (lo, hi) {
            (Some(a), Some(b)) => a + (b - a) * unit(rng),
            (Some(a), None) => a + rng.rational().abs() + unit(rng),
            (None, Some(b)) => b - rng.rational().abs() - unit(rng),
            (None, None) => rng.rational(),
        })
        .collect()
}

/// Points of an interval for the deep search: the smallest in magnitude first (a
/// difference like `1 - tanh(x)` is largest there), then the simplest.
fn deep_candidates(iv: &Interval, count: usize) -> Vec<BigRational> {
    let (lo, hi) = ends(iv);
    let mut pts = region_points(lo.as_ref(), hi.as_ref());
    for end in [&iv.lo, &iv.hi].into_iter().flatten() {
        if end.1 {
            pts.push(end.0.clone());
        }
    }
    // 0 is left out: a difference such as `alpha*(...)` vanishes there.
    pts.retain(|p| !num_traits::Zero::is_zero(p) || pts_len_one(iv));
    let mut by_size = pts.clone();
    by_size.sort_by_key(Signed::abs);
    let mut by_bits = pts;
    by_bits.sort_by_key(|p| p.numer().bits() + p.denom().bits());
    let mut out: Vec<BigRational> = Vec::new();
    for p in by_size.into_iter().take(count.div_ceil(2)).chain(by_bits) {
        if out.len() >= count {
            break;
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// A few values inside an interval, simplest and most telling first: its closed
/// ends, points near the ends, the middle, and moderate values where unbounded.
fn representatives(iv: &Interval, count: usize) -> Vec<BigRational> {
    let mut out: Vec<BigRational> = Vec::new();
    for end in [&iv.lo, &iv.hi].into_iter().flatten() {
        if end.1 {
            out.push(end.0.clone());
        }
    }
    let (lo, hi) = ends(iv);
    if let (Some(a), Some(b)) = (&lo, &hi) {
        if a >= b {
            return out;
        }
    }
    let pts = region_points(lo.as_ref(), hi.as_ref());
    // Simple, moderate values first (any value when the interval has none).
    let moderate: Vec<BigRational> = pts
        .iter()
        .filter(|p| to_f64(p).abs() < 1e4 && p.denom().bits() < 40)
        .cloned()
        .collect();
    let mut ranked = if moderate.is_empty() { pts } else { moderate };
    ranked.sort_by_key(|p| p.numer().bits() + p.denom().bits());
    for p in ranked {
        if out.len() >= count {
            break;
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Why the zeros on a line cannot all be told apart, if they cannot: two of them,
/// not both rational and not the same exact constant, have enclosures that meet
/// within the region `(lo, hi)`. Boundaries whose normal forms are equal or
/// opposite (`x - sqrt(2)` of a `relu`, `sqrt(2) - x` of a `min`) have the same
/// zeros.
fn unseparated(
    g: &mut Graph,
    zeros: &[Crossing],
    exprs: &[ExprId],
    lo: Option<&BigRational>,
    hi: Option<&BigRational>,
) -> Option<&'static str> {
    let in_region = |z: &Crossing| hi.is_none_or(|h| &z.lo < h) && lo.is_none_or(|l| &z.hi > l);
    let near: Vec<(&Crossing, ExprId)> = zeros
        .iter()
        .zip(exprs.iter().copied())
        .filter(|(z, _)| in_region(z))
        .collect();
    for (i, &(a, ea)) in near.iter().enumerate() {
        for &(b, eb) in &near[i + 1..] {
            if a.rational().is_some() && b.rational().is_some() {
                continue;
            }
            if a.exact.is_some() && a.exact == b.exact {
                continue;
            }
            if !(a.lo <= b.hi && b.lo <= a.hi) {
                continue;
            }
            let neg = g.neg(eb);
            let same = ea == eb
                || matches!(normal::difference_is_zero(g, ea, eb), Some((true, _)))
                || matches!(normal::difference_is_zero(g, ea, neg), Some((true, _)));
            if !same {
                return Some("two boundaries of the claim are closer than they were located, so the region between them is not sampled");
            }
        }
    }
    None
}

/// Whether the boundary `expr` is exactly 0 at `v = x` (the other variables at
/// `base`), by a certified enclosure.
fn exactly_zero(g: &Graph, expr: ExprId, base: &Env, v: Symbol, x: f64) -> bool {
    let Some(x) = from_f64(x) else {
        return false;
    };
    let mut env = base.clone();
    env.insert(v, x);
    crate::certified::enclose(g, expr, &env, AGREEMENT_PRECISION).is_ok_and(|iv| iv.is_zero())
}
