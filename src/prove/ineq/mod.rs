//! Inequality claims: `L <= R`, `L < R`, `L >= R`, `L > R` and chains (`0 < sigmoid(x)
//! < 1`, a conjunction of links), with `where` conditions.
//!
//! Each link becomes `f >= 0` or `f > 0` with `f = R - L` (or `L - R`), decided:
//! 0. exactly by polyhedra ([`polyhedra`]) when `f` is piecewise linear in several
//!    variables on a region given by linear conditions (Farkas certificates);
//! 1. exactly ([`exact`]) when, on every region of the kink case split, `f` has an
//!    exponential-rational normal form in one generator: proved with its sign chart,
//!    or refuted at an exact point (`x = sqrt(3)`, printed as such);
//! 2. by certified branch-and-bound ([`bnb`]) otherwise: proved when boxes with MPFR
//!    enclosures cover the region (the certificate is re-checked), or refuted at a
//!    certified point; conditions over several variables are filters on the boxes,
//!    and linear ones are first decided exactly ([`linear`], Fourier–Motzkin);
//! 3. by certified values at hard points, which may only refute.
//!
//! `bound` ([`bound`]) encloses the supremum and infimum of an expression.

pub mod bnb;
pub mod bound;
pub mod boxes;
pub mod exact;
pub mod linear;
pub mod lipschitz;
mod point;
pub mod polyhedra;
pub mod render;
pub mod tail;

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::decide::{condition_interval, innermost, resolve, Context, Pick};
use super::numeric::{side_value, SideValue};
use super::points::{hard_values, kink_values};
use super::region::Interval;
use super::verdict::{decide_claim, Counterexample, Options, Report, Verdict};
use crate::diff::Kink;
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::parse::{Claim, Relation};
use crate::unfold::unfold;
use exact::{decide_exact, Exact, ExactProof, ExactWitness, Need};
pub use point::{test_point, PointTest};

/// How one link of an inequality was decided.
#[derive(Clone, Debug)]
pub struct LinkReport {
    /// The left side, as written.
    pub lhs: ExprId,
    /// The relation.
    pub relation: Relation,
    /// The right side, as written.
    pub rhs: ExprId,
    /// The verdict on this link.
    pub verdict: Verdict,
    /// How.
    pub method: String,
    /// The function whose sign was decided (`R - L` or `L - R`, unfolded).
    pub f: ExprId,
    /// The exact proof, per region of the case split.
    pub exact: Vec<(String, ExprId, Context, ExactProof)>,
    /// The branch-and-bound certificate.
    pub certificate: Option<bnb::Certificate>,
    /// A counterexample that is not a rational point (`x = sqrt(3)`).
    pub exact_witness: Option<ExactCounterexample>,
    /// Why the verdict is not stronger.
    pub note: Option<String>,
}

/// A counterexample at an exact irrational point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExactCounterexample {
    /// The point, variable by variable, as text (`x = sqrt(3)`).
    pub point: Vec<(Symbol, String)>,
    /// The left side there.
    pub lhs: SideValue,
    /// The right side there.
    pub rhs: SideValue,
}

/// What an inequality's decision adds to a [`Report`].
#[derive(Clone, Debug, Default)]
pub struct Detail {
    /// Every link, in order.
    pub links: Vec<LinkReport>,
}

impl Detail {
    /// The exact counterexample of the first refuted link, if it is one.
    #[must_use]
    pub fn exact_witness(&self) -> Option<&ExactCounterexample> {
        self.links
            .iter()
            .find(|l| l.verdict == Verdict::Refuted)
            .and_then(|l| l.exact_witness.as_ref())
    }
}

/// The entry point from [`decide_claim`]: inequalities and chains are decided
/// here; an identity whose linear conditions over several variables force branches
/// of its piecewise nodes is decided with those branches taken (and one whose
/// conditions hold nowhere is proved vacuously). `None`: an ordinary identity.
pub fn dispatch(g: &mut Graph, claim: &Claim, opts: &Options) -> Option<Report> {
    if !claim.is_identity() {
        return Some(decide(g, claim, opts));
    }
    let has_linear = claim.conditions.iter().any(|&c| match g.node(c).clone() {
        Node::Cmp(op, a, b) => linear::constraint(g, op, a, b).is_some_and(|c| c.coeffs.len() > 1),
        _ => false,
    });
    if !has_linear {
        return None;
    }
    let conds: Vec<ExprId> = claim
        .conditions
        .iter()
        .map(|&c| unfold(g, c, Kink::Left))
        .collect::<Result<_, _>>()
        .ok()?;
    if let Some(reason) = linear::empty_region(g, &conds) {
        return Some(Report {
            verdict: Verdict::Proved,
            method: format!("vacuous: {reason}"),
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
        });
    }
    let l = unfold(g, claim.lhs, Kink::Left).ok()?;
    let r = unfold(g, claim.rhs, Kink::Left).ok()?;
    let sides = linear::resolve_on_region(g, &[l, r], &conds)?;
    let resolved = Claim::equality(sides[0], sides[1], claim.conditions.clone());
    let mut report = decide_claim(g, &resolved, opts);
    report.method = format!(
        "branches forced by the linear conditions (Fourier–Motzkin), then {}",
        report.method
    );
    Some(report)
}

/// The comparison a relation makes, as `f >= 0` or `f > 0` over which side.
fn need_of(rel: Relation) -> (Need, bool) {
    // (need, whether f = rhs - lhs)
    match rel {
        Relation::Le => (Need::NonNegative, true),
        Relation::Lt => (Need::Positive, true),
        Relation::Ge => (Need::NonNegative, false),
        Relation::Gt | Relation::Eq => (Need::Positive, false),
    }
}

/// Decides a claim that is not a single identity: each link on its own, then the
/// conjunction (refuted when a link is, proved when all are, verified when all are
/// proved or verified).
pub fn decide(g: &mut Graph, claim: &Claim, opts: &Options) -> Report {
    let start = Instant::now();
    let mut links = Vec::new();
    let mut reports = Vec::new();
    for (l, rel, r) in claim.links() {
        let left = opts.time_limit.saturating_sub(start.elapsed());
        let sub_opts = Options {
            time_limit: left.max(Duration::from_millis(50)),
            ..opts.clone()
        };
        if rel == Relation::Eq {
            let rep = decide_claim(
                g,
                &Claim::equality(l, r, claim.conditions.clone()),
                &sub_opts,
            );
            links.push(LinkReport {
                lhs: l,
                relation: rel,
                rhs: r,
                verdict: rep.verdict,
                method: rep.method.clone(),
                f: rep.sides.0,
                exact: Vec::new(),
                certificate: None,
                exact_witness: None,
                note: rep.note.clone(),
            });
            reports.push(Some(rep));
        } else {
            let (link, cx) = decide_link(g, l, rel, r, &claim.conditions, &sub_opts);
            links.push(link);
            reports.push(cx.map(|cx| Report {
                verdict: Verdict::Refuted,
                method: String::new(),
                proof: None,
                sides: (l, r),
                context: Context::new(),
                counterexample: Some(cx),
                points_agreed: 0,
                regions: 0,
                screened: 0,
                certified: 0,
                note: None,
                inequality: None,
            }));
        }
    }
    let verdict = if links.iter().any(|l| l.verdict == Verdict::Refuted) {
        Verdict::Refuted
    } else if links.iter().all(|l| l.verdict == Verdict::Proved) {
        Verdict::Proved
    } else if links
        .iter()
        .all(|l| matches!(l.verdict, Verdict::Proved | Verdict::Verified))
    {
        Verdict::Verified
    } else {
        Verdict::Unknown
    };
    let first_bad = links
        .iter()
        .position(|l| l.verdict == verdict && verdict != Verdict::Proved)
        .unwrap_or(0);
    let counterexample = if verdict == Verdict::Refuted {
        reports
            .get(first_bad)
            .and_then(|r| r.as_ref())
            .and_then(|r| r.counterexample.clone())
    } else {
        None
    };
    let method = if links.len() == 1 {
        links[0].method.clone()
    } else if verdict == Verdict::Refuted || verdict == Verdict::Unknown {
        format!(
            "link {} ({}): {}",
            first_bad + 1,
            links[first_bad].relation.symbol(),
            links[first_bad].method
        )
    } else {
        let ms: BTreeSet<&str> = links.iter().map(|l| l.method.as_str()).collect();
        format!(
            "each of {} links: {}",
            links.len(),
            ms.into_iter().collect::<Vec<_>>().join("; ")
        )
    };
    let note = links.get(first_bad).and_then(|l| l.note.clone());
    Report {
        verdict,
        method,
        proof: None,
        sides: (claim.lhs, claim.rhs),
        context: Context::new(),
        counterexample,
        points_agreed: 0,
        regions: 0,
        screened: 0,
        certified: 0,
        note,
        inequality: Some(Detail { links }),
    }
}

/// The variables of the expressions, sorted by name.
fn variables(g: &Graph, ids: &[ExprId]) -> Vec<Symbol> {
    let mut v: Vec<Symbol> = ids.iter().flat_map(|&e| g.free_vars(e)).collect();
    v.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
    v.dedup();
    v
}

fn is_piecewise(g: &Graph, id: ExprId) -> bool {
    matches!(
        g.node(id),
        Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Func(Func::Abs | Func::Sign, _)
    )
}

/// Decides one link `l rel r`; returns the report and, when refuted at a rational
/// point, the counterexample.
fn decide_link(
    g: &mut Graph,
    l0: ExprId,
    rel: Relation,
    r0: ExprId,
    conditions: &[ExprId],
    opts: &Options,
) -> (LinkReport, Option<Counterexample>) {
    let start = Instant::now();
    let mut link = LinkReport {
        lhs: l0,
        relation: rel,
        rhs: r0,
        verdict: Verdict::Unknown,
        method: String::new(),
        f: l0,
        exact: Vec::new(),
        certificate: None,
        exact_witness: None,
        note: None,
    };
    let unfolded = (|| -> Result<_, crate::unfold::UnfoldError> {
        let l = unfold(g, l0, Kink::Left)?;
        let r = unfold(g, r0, Kink::Left)?;
        let cs = conditions
            .iter()
            .map(|&c| unfold(g, c, Kink::Left))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((l, r, cs))
    })();
    let (l, r, conds) = match unfolded {
        Ok(x) => x,
        Err(e) => {
            link.note = Some(format!(
                "the claim could not be reduced to built-in operations: {e}"
            ));
            return (link, None);
        }
    };
    let (need, rhs_minus_lhs) = need_of(rel);
    let f = if rhs_minus_lhs {
        g.sub(r, l)
    } else {
        g.sub(l, r)
    };
    link.f = f;
    let vars = variables(g, &[f, l, r]);
    let mut all = vec![f];
    all.extend(&conds);
    let all_vars = variables(g, &all);
    // The region: bounds on single variables; other conditions stay filters.
    let mut ctx = Context::new();
    let mut filters = Vec::new();
    for &c in &conds {
        match condition_interval(g, c) {
            Some((v, iv)) => {
                let cur = ctx.get(&v).cloned().unwrap_or_else(Interval::line);
                ctx.insert(v, cur.intersect(&iv));
            }
            None => filters.push(c),
        }
    }
    if ctx.values().any(Interval::is_empty) {
        link.verdict = Verdict::Proved;
        link.method = "the conditions hold nowhere (an empty region)".into();
        return (link, None);
    }
    // Linear conditions over several variables: an empty region is dropped.
    if !filters.is_empty() {
        if let Some(reason) = linear::empty_region(g, &conds) {
            link.verdict = Verdict::Proved;
            link.method = format!("the conditions hold nowhere: {reason}");
            return (link, None);
        }
    }
    let mut notes = Vec::new();
    // 0. A Lipschitz bound in two variables reduces to one variable.
    if conds.is_empty() && matches!(rel, Relation::Le | Relation::Ge) {
        let (small, big) = if rel == Relation::Le { (l, r) } else { (r, l) };
        if let Some((abs_d, c)) = lipschitz::reduce(g, small, big) {
            let (sub, _) = decide_link(g, abs_d, Relation::Le, c, &[], opts);
            if sub.verdict == Verdict::Proved {
                link.verdict = Verdict::Proved;
                link.method = format!(
                    "Lipschitz bound by the mean value theorem from {} <= {} ({})",
                    crate::print::text(g, abs_d),
                    crate::print::text(g, c),
                    sub.method
                );
                link.exact = sub.exact;
                link.certificate = sub.certificate;
                return (link, None);
            }
            notes.push(format!(
                "the Lipschitz reduction to {} <= {} was not proved",
                crate::print::text(g, abs_d),
                crate::print::text(g, c)
            ));
        }
    }
    // 1. Exact: piecewise linear in several variables, split into polyhedra.
    if all_vars.len() >= 2 {
        let deadline = start + opts.time_limit.min(Duration::from_secs(2));
        match polyhedra::decide(g, f, &conds, need, deadline) {
            Some(polyhedra::Outcome::Proved(leaves))
                if leaves.iter().all(polyhedra::check_leaf) =>
            {
                link.verdict = Verdict::Proved;
                link.method = format!(
                    "case split at the kinks into {} {}, linear on each, no violation (Fourier–Motzkin; Farkas certificates re-checked)",
                    leaves.len(),
                    if leaves.len() == 1 { "polyhedron" } else { "polyhedra" }
                );
                return (link, None);
            }
            Some(polyhedra::Outcome::Proved(_)) => {
                notes.push("a Farkas certificate did not re-check".to_owned());
            }
            Some(polyhedra::Outcome::Fails(piece)) => {
                // An exact point of the polyhedron where the claim fails, certified.
                if let Some(p) = polyhedra::point_in(&piece) {
                    let env: HashMap<Symbol, BigRational> = all_vars
                        .iter()
                        .map(|v| (*v, p.get(v).cloned().unwrap_or_else(BigRational::zero)))
                        .collect();
                    if let Some(cx) = certify_point(g, l, r, &conds, rel, env, opts.digits) {
                        link.verdict = Verdict::Refuted;
                        link.method = "certified counterexample in a polyhedron of the kink split where the claim's linear pieces fail (Fourier–Motzkin, MPFR interval enclosure)".into();
                        return (link, Some(cx));
                    }
                }
                notes.push(
                    "on one polyhedron of the kink split the linear pieces violate the claim"
                        .to_owned(),
                );
            }
            None => {}
        }
    }
    // 1b. Exact, one generator per region.
    if filters.is_empty() && all_vars.len() <= 1 {
        let mut budget = 256usize;
        match exact_cases(g, f, &ctx, need, &mut budget) {
            Ok(cases) => {
                link.verdict = Verdict::Proved;
                link.method = if cases.len() == 1 {
                    "exact sign of the normal form in one generator (Sturm)".into()
                } else {
                    format!(
                        "case split at the kinks ({} cases), exact sign of each normal form (Sturm)",
                        cases.len()
                    )
                };
                // Belt and braces: every case re-checked.
                let ok = cases
                    .iter()
                    .all(|(_, fc, cctx, p)| exact::check_exact(g, *fc, cctx, need, p).is_ok());
                if ok {
                    link.exact = cases;
                    return (link, None);
                }
                link.verdict = Verdict::Unknown;
                notes.push("an exact proof did not re-check".to_owned());
            }
            Err(ExactStop::Fails(w, case_f)) => {
                let w = *w;
                if let Some(cx) = refute_exact(g, l, r, &conds, rel, &w, case_f, opts, &mut link) {
                    return (link, cx);
                }
            }
            Err(ExactStop::NotApplicable(why)) => notes.push(why),
        }
    }
    // 2. Branch-and-bound.
    let region: Vec<Interval> = all_vars
        .iter()
        .map(|v| ctx.get(v).cloned().unwrap_or_else(Interval::line))
        .collect();
    let mut enc = bnb::Enclosure::new(g, f, all_vars.clone());
    if filters.is_empty() {
        enc.attach_tails(g, &region);
    }
    let limits = bnb::Limits {
        time: opts
            .time_limit
            .saturating_sub(start.elapsed())
            .min(Duration::from_secs(5)),
        ..bnb::Limits::default()
    };
    let search = bnb::search_with(g, &enc, &region, &filters, need, &limits);
    match search {
        bnb::Search::Proved(cert) => {
            if bnb::check_certificate(g, f, &region, &filters, &cert).is_ok() {
                link.verdict = Verdict::Proved;
                link.method = format!(
                    "certified branch-and-bound ({} boxes, MPFR enclosures, re-checked)",
                    cert.boxes.len()
                );
                link.certificate = Some(cert);
                return (link, None);
            }
            notes.push("a branch-and-bound certificate did not re-check".into());
        }
        bnb::Search::Counterexample(env) => {
            if let Some(cx) = certify_point(g, l, r, &conds, rel, env, opts.digits) {
                link.verdict = Verdict::Refuted;
                link.method = "certified counterexample (MPFR interval enclosure)".into();
                return (link, Some(cx));
            }
        }
        bnb::Search::Open {
            reason,
            only_far_tails,
            against,
        } => {
            if against {
                notes.push(format!(
                    "the asymptotic expansion shows the claim failing far out, beyond the points tried (|x| up to 2^(2^{}))",
                    bnb::MAX_TAIL_EXPONENT.trailing_zeros()
                ));
            } else if only_far_tails {
                // The numeric route's rule: every region sampled, far out included.
                let left = opts.time_limit.saturating_sub(start.elapsed());
                match far_sample(g, l, r, &conds, rel, &all_vars, &region, opts, left) {
                    Far::Counterexample(cx) => {
                        link.verdict = Verdict::Refuted;
                        link.method =
                            "certified counterexample far out (MPFR interval enclosure)".into();
                        return (link, Some(*cx));
                    }
                    Far::Unfinished => {
                        notes.push("the far points were not all tried in time".into());
                    }
                    Far::Agreed => {
                        link.verdict = Verdict::Verified;
                        link.method = format!(
                            "certified branch-and-bound on |x| <= 2^(2^{}) for every variable; beyond, where no asymptotic expansion decided the sign, every far point tried (10^400, 10^1000, 10^5000, 2^(2^k) up to 2^(2^{FAR_LADDER})) agrees",
                            bnb::TAIL_RUNGS
                        );
                    }
                }
            }
            notes.push(reason);
        }
    }
    // 3. Certified values at hard points: refutation only.
    if let Some(cx) = sample(g, l, r, &conds, rel, &vars, opts) {
        link.verdict = Verdict::Refuted;
        link.method = "certified counterexample (MPFR interval enclosure)".into();
        return (link, Some(cx));
    }
    link.note = Some(notes.join("; "));
    (link, None)
}

/// Why the exact route stopped.
enum ExactStop {
    /// A witness, with the function of its case.
    Fails(Box<ExactWitness>, ExprId),
    NotApplicable(String),
}

type Cases = Vec<(String, ExprId, Context, ExactProof)>;

/// The exact decision on every region of the kink case split of `f`.
fn exact_cases(
    g: &mut Graph,
    f: ExprId,
    ctx: &Context,
    need: Need,
    budget: &mut usize,
) -> Result<Cases, ExactStop> {
    *budget = budget
        .checked_sub(1)
        .ok_or_else(|| ExactStop::NotApplicable("too many cases".into()))?;
    let inner = innermost(g, &[f], ctx);
    if let Some(&(var, _)) = inner.roots.first() {
        let whole = ctx.get(&var).cloned().unwrap_or_else(Interval::line);
        let mut pts: Vec<BigRational> = inner
            .roots
            .iter()
            .filter(|(v, p)| *v == var && whole.interior_contains(p))
            .map(|(_, p)| p.clone())
            .collect();
        pts.sort();
        pts.dedup();
        let mut out = Vec::new();
        let mut lo = whole.lo.clone().map(|(v, _)| v);
        let mut regions = Vec::new();
        for p in &pts {
            regions.push(Interval::open(lo.clone(), Some(p.clone())));
            lo = Some(p.clone());
        }
        regions.push(Interval::open(lo, whole.hi.clone().map(|(v, _)| v)));
        for region in regions {
            let mut sub = ctx.clone();
            sub.insert(var, region);
            out.extend(exact_cases(g, f, &sub, need, budget)?);
        }
        // The region's own closed ends and the kinks: points, substituted.
        let mut points = pts;
        for end in [&whole.lo, &whole.hi].into_iter().flatten() {
            if end.1 {
                points.push(end.0.clone());
            }
        }
        for p in points {
            let value = g.num(p.clone());
            let fp = g.substitute(f, &HashMap::from([(var, value)]));
            let mut sub = ctx.clone();
            sub.remove(&var);
            let cases = exact_cases(g, fp, &sub, need, budget).map_err(|e| match e {
                ExactStop::Fails(w, _) if *w == ExactWitness::Constant => {
                    ExactStop::Fails(Box::new(ExactWitness::Rational(var, p.clone())), f)
                }
                other => other,
            })?;
            for (_, fc, c, proof) in cases {
                out.push((format!("{} = {p}", g.name(var)), fc, c, proof));
            }
        }
        return Ok(out);
    }
    if !inner.decided.is_empty() {
        let resolved = resolve(g, f, &inner.decided);
        return exact_cases(g, resolved, ctx, need, budget);
    }
    // abs(u) of a u whose normal form is positive (or negative) everywhere.
    let mut picks = HashMap::new();
    for id in g.reachable(&[f]) {
        if let Node::Func(Func::Abs, u) = g.node(id).clone() {
            if !g.info(u).total {
                continue;
            }
            let neg = g.neg(u);
            if super::normal::positive_where_defined(g, u) {
                picks.insert(id, Pick::First);
            } else if super::normal::positive_where_defined(g, neg) {
                picks.insert(id, Pick::Negate);
            }
        }
    }
    if !picks.is_empty() {
        let resolved = resolve(g, f, &picks);
        if resolved != f {
            return exact_cases(g, resolved, ctx, need, budget);
        }
    }
    if g.reachable(&[f]).into_iter().any(|n| is_piecewise(g, n)) {
        return Err(ExactStop::NotApplicable(
            "a piecewise condition that is not linear in one variable".into(),
        ));
    }
    match decide_exact(g, f, ctx, need) {
        Exact::Holds(p) => {
            let p = *p;
            let mut names: Vec<String> =
                ctx.iter().map(|(v, iv)| iv.describe(g.name(*v))).collect();
            names.sort();
            Ok(vec![(names.join(", "), f, ctx.clone(), p)])
        }
        Exact::Fails(w) => Err(ExactStop::Fails(Box::new(w), f)),
        Exact::NotApplicable(why) => Err(ExactStop::NotApplicable(why)),
    }
}

/// Turns an exact witness into a refutation with certified side values.
#[allow(clippy::too_many_arguments)]
fn refute_exact(
    g: &mut Graph,
    l: ExprId,
    r: ExprId,
    conds: &[ExprId],
    rel: Relation,
    w: &ExactWitness,
    _case_f: ExprId,
    opts: &Options,
    link: &mut LinkReport,
) -> Option<Option<Counterexample>> {
    match w {
        ExactWitness::Rational(v, p) => {
            let env = HashMap::from([(*v, p.clone())]);
            let cx = certify_point(g, l, r, conds, rel, env, opts.digits)?;
            link.verdict = Verdict::Refuted;
            link.method = "exact sign of the normal form; certified counterexample".into();
            Some(Some(cx))
        }
        ExactWitness::Constant => {
            let cx = certify_point(g, l, r, conds, rel, HashMap::new(), opts.digits)?;
            link.verdict = Verdict::Refuted;
            link.method = "exact sign of a constant".into();
            Some(Some(cx))
        }
        ExactWitness::Exact {
            var,
            text,
            value,
            enclosure,
        } => {
            let (lv, rv) = match value {
                Some(v) => {
                    let bind = HashMap::from([(*var, *v)]);
                    let ls = g.substitute(l, &bind);
                    let rs = g.substitute(r, &bind);
                    (
                        side_value(g, ls, &HashMap::new(), opts.digits),
                        side_value(g, rs, &HashMap::new(), opts.digits),
                    )
                }
                None => (
                    point::enclosure_text(g, l, *var, enclosure),
                    point::enclosure_text(g, r, *var, enclosure),
                ),
            };
            let point_text = text
                .split_once(" = ")
                .map_or_else(|| text.clone(), |(_, v)| v.to_owned());
            link.verdict = Verdict::Refuted;
            link.method =
                "exact sign of the normal form: the sides are equal at an exact irrational point"
                    .into();
            link.exact_witness = Some(ExactCounterexample {
                point: vec![(*var, point_text)],
                lhs: lv,
                rhs: rv,
            });
            Some(None)
        }
    }
}

/// A counterexample at a rational point, certified, with both sides' values.
fn certify_point(
    g: &mut Graph,
    l: ExprId,
    r: ExprId,
    conds: &[ExprId],
    rel: Relation,
    env: HashMap<Symbol, BigRational>,
    digits: u32,
) -> Option<Counterexample> {
    if test_point(g, l, r, conds, rel, &env) != PointTest::Fails {
        return None;
    }
    let lv = side_value(g, l, &env, digits);
    let rv = side_value(g, r, &env, digits);
    let mut point: Vec<(Symbol, BigRational)> = env.into_iter().collect();
    point.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
    // A far point reads as a power (`x = 2^1298`), not as its hundreds of digits.
    let exact_point = point.iter().any(|(_, v)| power_text(v).is_some()).then(|| {
        point
            .iter()
            .map(|(s, v)| (*s, power_text(v).unwrap_or_else(|| v.to_string())))
            .collect()
    });
    Some(Counterexample {
        exact_point,
        point,
        lhs: lv,
        rhs: rv,
    })
}

/// Hard points, then kinks: the first certified counterexample.
fn sample(
    g: &mut Graph,
    l: ExprId,
    r: ExprId,
    conds: &[ExprId],
    rel: Relation,
    vars: &[Symbol],
    opts: &Options,
) -> Option<Counterexample> {
    let start = Instant::now();
    let hard = hard_values();
    let kinks = kink_values(g, &[l, r]);
    let companion = BigRational::new(3.into(), 2.into());
    let mut points: Vec<HashMap<Symbol, BigRational>> = Vec::new();
    if vars.is_empty() {
        points.push(HashMap::new());
    }
    for &v in vars {
        let values = hard.iter().cloned().chain(
            kinks
                .iter()
                .filter(|(s, _)| *s == v)
                .map(|(_, p)| p.clone()),
        );
        for x in values {
            let mut env: HashMap<Symbol, BigRational> =
                vars.iter().map(|&w| (w, companion.clone())).collect();
            env.insert(v, x);
            points.push(env);
        }
    }
    if vars.len() > 1 {
        for x in &hard {
            points.push(vars.iter().map(|&w| (w, x.clone())).collect());
            points.push(
                vars.iter()
                    .enumerate()
                    .map(|(k, &w)| (w, if k % 2 == 0 { x.clone() } else { -x.clone() }))
                    .collect(),
            );
        }
    }
    for env in points {
        if start.elapsed() > opts.time_limit {
            return None;
        }
        if let Some(cx) = certify_point(g, l, r, conds, rel, env, opts.digits) {
            return Some(cx);
        }
    }
    None
}

/// The far points' ladder `2^(2^k)` goes up to `k = FAR_LADDER`.
const FAR_LADDER: u32 = 16;

/// Points beyond the last rung on each unbounded side of `iv`: `10^400`, `10^1000`,
/// `10^5000` (from the region's end when it is beyond them) and `2^(2^k)`.
fn far_values(iv: &Interval) -> Vec<BigRational> {
    let mut mags: Vec<BigRational> = [400u32, 1000, 5000]
        .iter()
        .map(|&k| BigRational::from_integer(num_bigint::BigInt::from(10).pow(k)))
        .collect();
    for k in 11..=FAR_LADDER {
        mags.push(BigRational::from_integer(
            num_bigint::BigInt::from(2).pow(1u32 << k),
        ));
    }
    let mut out = Vec::new();
    for p in mags {
        if iv.hi.is_none() {
            out.push(match &iv.lo {
                Some((lo, _)) if *lo >= p => lo + &p,
                _ => p.clone(),
            });
        }
        if iv.lo.is_none() {
            out.push(match &iv.hi {
                Some((hi, _)) if *hi <= -p.clone() => hi - &p,
                _ => -p.clone(),
            });
        }
    }
    out
}

/// What the far points say.
enum Far {
    /// A certified counterexample.
    Counterexample(Box<Counterexample>),
    /// Every far point tried agrees (or could not be evaluated there).
    Agreed,
    /// Out of time.
    Unfinished,
}

/// Before `verified` with the infinite boxes open: each variable at its far points
/// (the others at a simple value of their region), then all of them far together;
/// the first certified counterexample.
#[allow(clippy::too_many_arguments)]
fn far_sample(
    g: &mut Graph,
    l: ExprId,
    r: ExprId,
    conds: &[ExprId],
    rel: Relation,
    vars: &[Symbol],
    region: &[Interval],
    opts: &Options,
    time: Duration,
) -> Far {
    let start = Instant::now();
    let simple: Vec<BigRational> = region.iter().map(Interval::sample).collect();
    let fars: Vec<Vec<BigRational>> = region.iter().map(far_values).collect();
    let mut points: Vec<HashMap<Symbol, BigRational>> = Vec::new();
    for (i, &v) in vars.iter().enumerate() {
        for p in &fars[i] {
            let mut env: HashMap<Symbol, BigRational> =
                vars.iter().copied().zip(simple.iter().cloned()).collect();
            env.insert(v, p.clone());
            points.push(env);
        }
    }
    if vars.len() > 1 {
        let most = fars.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..most {
            let env: HashMap<Symbol, BigRational> = vars
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let p = fars[i].get(k).cloned().unwrap_or_else(|| simple[i].clone());
                    (v, p)
                })
                .collect();
            points.push(env);
        }
    }
    for env in points {
        if start.elapsed() > time.max(Duration::from_secs(1)) {
            return Far::Unfinished;
        }
        if let Some(cx) = certify_point(g, l, r, conds, rel, env, opts.digits) {
            return Far::Counterexample(Box::new(cx));
        }
    }
    Far::Agreed
}

/// `2^E`, `10^E` or `-2^E` for an integer of more than 30 digits that is such a
/// power.
fn power_text(v: &BigRational) -> Option<String> {
    if !v.is_integer() || v.numer().bits() < 100 {
        return None;
    }
    let n = v.numer().magnitude().clone();
    let sign = if v.is_negative() { "-" } else { "" };
    for base in [2u32, 10] {
        let b = num_bigint::BigUint::from(base);
        let mut m = n.clone();
        let mut e = 0u64;
        while (&m % &b).is_zero() {
            m /= &b;
            e += 1;
        }
        if m == num_bigint::BigUint::from(1u32) {
            return Some(format!("{sign}{base}^{e}"));
        }
    }
    None
}
