//! Certified bounds of an expression: enclosures of its supremum and infimum over a
//! region, whether each is attained and where.
//!
//! One generator (`x`, or `t = exp(x/q)`) and no kinks: exactly. The extremes are
//! among the values at the real roots of the derivative's numerator (exact
//! algebraic points), at closed ends, and the limits at open or infinite ends;
//! `diff(sigmoid(x), x)` has sup `1/4` attained at `x = 0` and inf `0`, a limit.
//!
//! Otherwise: branch-and-bound with the enclosures of [`bnb`](super::bnb), the box
//! with the least lower bound first, until the infimum's enclosure is narrower
//! than the digits asked. The infimum is reported attained when every box that may
//! still hold it is bounded and the function is continuous (a compact set), with
//! the hull of those boxes as the enclosure of the arg-min.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use rug::ops::Pow;
use rug::Float;

use super::bnb::{
    check_certificate, initial_cells, search, Cell, Enclosure, Limits, Search, PRECISION,
    TAIL_RUNGS,
};
use super::boxes::{condition_on_box, BoxError};
use super::exact::Need;
use super::exact::{univariate, Variable};
use super::tail::{Limit, Side};
use crate::diff::Kink;
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::poly::{real_roots, Algebraic, Interval, Sign, UPoly, UniLimits};
use crate::prove::decide::{condition_interval, requirements, Context};
use crate::unfold::unfold;

/// Where an extreme is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// At an exact point, per variable (`x = 0`, `x = sqrt(3)`).
    Exact(Vec<(Symbol, String)>),
    /// In a box, per variable `[lo, hi]` (decimal).
    Enclosure(Vec<(Symbol, String, String)>),
    /// Approached as a variable tends to an end (`x -> +inf`, `x -> 0`).
    Limit(String),
}

/// One extreme (the supremum or the infimum).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extreme {
    /// The exact value, when known (`1/4`, `+inf`).
    pub value: Option<String>,
    /// A certified lower bound of the extreme (decimal, rounded down).
    pub lower: String,
    /// A certified upper bound (decimal, rounded up).
    pub upper: String,
    /// Whether it is attained (`None`: not decided).
    pub attained: Option<bool>,
    /// Where.
    pub at: Option<At>,
}

/// The bounds of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The supremum.
    pub sup: Extreme,
    /// The infimum.
    pub inf: Extreme,
    /// How they were found.
    pub method: String,
    /// What is not certified, if anything.
    pub note: Option<String>,
}

/// Why no bounds were found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    /// The expression could not be reduced to built-in operations.
    #[error("{0}")]
    Unfold(String),
    /// Not within the limits.
    #[error("{0}")]
    Limits(String),
    /// The conditions hold nowhere: there is nothing to bound.
    #[error("the region is empty: {0}")]
    Empty(String),
}

/// Options of a bound.
#[derive(Clone, Copy, Debug)]
pub struct BoundOptions {
    /// Significant digits of the enclosures.
    pub digits: u32,
    /// The time budget.
    pub time: Duration,
    /// The most boxes.
    pub max_boxes: usize,
}

impl Default for BoundOptions {
    fn default() -> Self {
        BoundOptions {
            digits: 12,
            time: Duration::from_secs(10),
            max_boxes: 200_000,
        }
    }
}

/// The supremum and infimum of `e` where the conditions hold.
pub fn bound(
    g: &mut Graph,
    e: ExprId,
    conds: &[ExprId],
    opts: &BoundOptions,
) -> Result<Bounds, BoundError> {
    let f = unfold(g, e, Kink::Left).map_err(|err| BoundError::Unfold(err.to_string()))?;
    let conds: Vec<ExprId> = conds
        .iter()
        .map(|&c| unfold(g, c, Kink::Left))
        .collect::<Result<_, _>>()
        .map_err(|err| BoundError::Unfold(err.to_string()))?;
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
    if let Some((v, _)) = ctx.iter().find(|(_, iv)| iv.is_empty()) {
        return Err(BoundError::Empty(format!(
            "the conditions on {} contradict each other",
            g.name(*v)
        )));
    }
    if let Some(reason) = super::linear::empty_region(g, &conds) {
        return Err(BoundError::Empty(reason));
    }
    let mut vars: Vec<Symbol> = g.free_vars(f);
    for &c in &filters {
        vars.extend(g.free_vars(c));
    }
    vars.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
    vars.dedup();
    if filters.is_empty() && vars.len() <= 1 {
        if let Some(b) = exact_bounds(g, f, &ctx, opts.digits) {
            return Ok(b);
        }
    }
    let region: Vec<Interval> = vars
        .iter()
        .map(|v| ctx.get(v).cloned().unwrap_or_else(Interval::line))
        .collect();
    let neg = g.neg(f);
    let inf = minimize(g, f, &vars, &region, &filters, opts, false)?;
    let sup = minimize(g, neg, &vars, &region, &filters, opts, true)?;
    let note = match (&inf.1, &sup.1) {
        (None, None) => None,
        (a, b) => Some(
            [a.clone(), b.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
        ),
    };
    Ok(Bounds {
        sup: sup.0,
        inf: inf.0,
        method: "certified branch-and-bound (MPFR interval enclosures, mean-value forms)".into(),
        note,
    })
}

/// A box in the queue, ordered by its lower bound (least first).
struct Queued {
    lower: Float,
    cell: Cell,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        self.lower == o.lower
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> Ordering {
        // Reversed: the heap pops the least lower bound.
        o.lower.partial_cmp(&self.lower).unwrap_or(Ordering::Equal)
    }
}

fn decimal(f: &Float, digits: u32, down: bool) -> String {
    super::boxes::directed_text(f, digits, down)
}

/// Minimises `f` over the region (the sup is the negated inf of `-f`).
#[allow(clippy::too_many_lines)]
fn minimize(
    g: &mut Graph,
    f: ExprId,
    vars: &[Symbol],
    region: &[Interval],
    filters: &[ExprId],
    opts: &BoundOptions,
    negate: bool,
) -> Result<(Extreme, Option<String>), BoundError> {
    let start = Instant::now();
    let mut enc = Enclosure::new(g, f, vars.to_vec());
    if filters.is_empty() {
        enc.attach_tails(g, region);
    }
    // f -> -inf along a tail: the infimum is -inf, a limit.
    for t in &enc.tails {
        if matches!(t.facts.limit, Limit::Infinite(false)) {
            let v = if negate { "+inf" } else { "-inf" };
            return Ok((
                Extreme {
                    value: Some(v.into()),
                    lower: v.into(),
                    upper: v.into(),
                    attained: Some(false),
                    at: Some(At::Limit(limit_text(g, vars, t.side))),
                },
                None,
            ));
        }
    }
    // The least value seen is the limit along a tail (not a sampled point).
    let mut limit_best: Option<(Side, Option<ExprId>)> = None;
    let continuous = !g
        .reachable(&[f])
        .into_iter()
        .any(|id| matches!(g.node(id), Node::If(..) | Node::Func(Func::Sign, _)));
    let prec = PRECISION.max(opts.digits * 4 + 64);
    let mut heap = BinaryHeap::new();
    let mut best: Option<(Float, Vec<BigRational>)> = None;
    let mut tails: Vec<Float> = Vec::new();
    let mut maybe_undefined = 0usize;
    let env_of = |cell: &Cell| -> HashMap<Symbol, super::boxes::XInterval> {
        vars.iter()
            .enumerate()
            .map(|(i, &v)| {
                let one = Cell {
                    lo: vec![cell.lo[i].clone()],
                    hi: vec![cell.hi[i].clone()],
                };
                (v, cell_iv(&one, prec))
            })
            .collect()
    };
    let inside = |g: &Graph, cell: &Cell| -> Option<bool> {
        let env = env_of(cell);
        let mut all = Some(true);
        for &c in filters {
            match condition_on_box(g, c, &env, prec) {
                Some(false) => return Some(false),
                Some(true) => {}
                None => all = None,
            }
        }
        all
    };
    let push = |g: &Graph, cell: Cell, heap: &mut BinaryHeap<Queued>, bad: &mut usize| {
        if inside(g, &cell) == Some(false) {
            return;
        }
        match enc.on(g, &cell, prec) {
            Ok(iv) => heap.push(Queued { lower: iv.lo, cell }),
            Err(BoxError::Undefined) => {}
            Err(_) => {
                *bad += 1;
                heap.push(Queued {
                    lower: Float::with_val(prec, rug::float::Special::NegInfinity),
                    cell,
                });
            }
        }
    };
    let count = super::bnb::initial_cell_count(region);
    if count > opts.max_boxes {
        return Err(BoundError::Limits(format!(
            "the initial boxes (the product of each variable's pieces, {}) are more than the limit of {} boxes",
                if count == usize::MAX { "past 2^64".to_owned() } else { count.to_string() },
            opts.max_boxes
        )));
    }
    for cell in initial_cells(region) {
        push(g, cell, &mut heap, &mut maybe_undefined);
    }
    let tol_digits = opts.digits + 1;
    let mut examined = 0usize;
    let mut stopped: Option<String> = None;
    let mut near: Vec<Cell> = Vec::new();
    let mut final_lower: Option<Float> = None;
    let mut floor: Option<Float> = None;
    while let Some(q) = heap.pop() {
        examined += 1;
        // Close enough?
        if let Some((b, _)) = &best {
            let width = Float::with_val(prec, b - &q.lower);
            let floor = Float::with_val(prec, Float::i_exp(1, -100));
            let scale = Float::with_val(prec, b.clone().abs()).max(&floor);
            let tol = Float::with_val(
                prec,
                &scale * Float::with_val(prec, 10).pow(-(tol_digits as i32)),
            );
            if width <= tol {
                final_lower = Some(q.lower.clone());
                near.push(q.cell);
                // Every other box whose lower bound is below the best value may hold
                // the minimum too.
                while let Some(o) = heap.pop() {
                    if o.lower <= *b {
                        near.push(o.cell);
                    } else {
                        break;
                    }
                }
                break;
            }
        }
        if examined > opts.max_boxes || start.elapsed() > opts.time {
            stopped = Some(format!("the limits were reached after {examined} boxes"));
            final_lower = Some(q.lower.clone());
            break;
        }
        // Sample the box.
        let p: Vec<BigRational> = (0..vars.len())
            .map(|i| sample(q.cell.lo[i].as_ref(), q.cell.hi[i].as_ref()))
            .collect();
        let pc = Cell {
            lo: p.iter().cloned().map(Some).collect(),
            hi: p.iter().cloned().map(Some).collect(),
        };
        if inside(g, &pc) == Some(true) {
            if let Ok(v) = enc.at_point(g, &p, prec) {
                if best.as_ref().is_none_or(|(b, _)| v.hi < *b) {
                    best = Some((v.hi.clone(), p.clone()));
                    limit_best = None;
                }
            }
        }
        let unbounded = q.cell.lo.iter().chain(&q.cell.hi).any(Option::is_none);
        if unbounded {
            floor = Some(floor.map_or(q.lower.clone(), |f: Float| f.min(&q.lower)));
            // A finite limit along the tail bounds the infimum from above.
            let lim = enc
                .tails_of(&q.cell)
                .last()
                .and_then(|t| match &t.facts.limit {
                    Limit::Finite { value, exact, .. } => Some((t.side, value.hi.clone(), *exact)),
                    _ => None,
                });
            match lim {
                Some((side, hi, exact)) => {
                    if best.as_ref().is_none_or(|(b, _)| hi < *b) {
                        best = Some((hi, p.clone()));
                        limit_best = Some((side, exact));
                    }
                }
                None => tails.push(q.lower.clone()),
            }
            continue;
        }
        match split(&q.cell) {
            Some((a, b)) => {
                push(g, a, &mut heap, &mut maybe_undefined);
                push(g, b, &mut heap, &mut maybe_undefined);
            }
            None => {
                floor = Some(floor.map_or(q.lower.clone(), |f: Float| f.min(&q.lower)));
                near.push(q.cell);
            }
        }
    }
    // An infinite box among those that may hold the extreme: its finite limit, when
    // at or below the least value seen, is the extreme (approached, not a point);
    // otherwise attainment is not decided.
    let mut near_unbounded = false;
    near.retain(|c| {
        if !c.lo.iter().chain(&c.hi).any(Option::is_none) {
            return true;
        }
        let lim = enc.tails_of(c).last().and_then(|t| match &t.facts.limit {
            Limit::Finite { value, exact, .. } => Some((t.side, value.hi.clone(), *exact)),
            _ => None,
        });
        match lim {
            Some((side, hi, exact)) if best.as_ref().is_some_and(|(b, _)| hi <= *b) => {
                best = Some((hi, Vec::new()));
                limit_best = Some((side, exact));
            }
            Some(_) => {}
            None => near_unbounded = true,
        }
        false
    });
    let Some((best_v, _)) = best else {
        return Err(BoundError::Limits(
            "no point of the region could be evaluated".into(),
        ));
    };
    // The least lower bound of every box that may still hold the minimum: the one
    // the search stopped at, and those set aside before (the heap pops the least
    // lower bound first, so they may lie below it), the infinite tails included.
    let lower_finite = match final_lower {
        Some(l) if l <= best_v => l,
        _ => best_v.clone(),
    };
    let lower_finite = match floor {
        Some(f) if f < lower_finite => f,
        _ => lower_finite,
    };
    // A box that may still hold the extreme and reaches infinity is an open tail
    // too: the extreme may be a limit there, never attained.
    let open_tails = tails.iter().any(|t| *t <= best_v) || near_unbounded;
    let mut note = None;
    if open_tails {
        note = Some(format!(
            "the {} is certified for |x| <= 2^(2^{TAIL_RUNGS}) in every variable; the infinite boxes beyond stayed open",
            if negate { "supremum" } else { "infimum" }
        ));
    }
    if let Some(s) = &stopped {
        note = Some(match note {
            Some(n) => format!("{n}; {s}"),
            None => s.clone(),
        });
    }
    if lower_finite.is_infinite() {
        note =
            Some("the expression may be undefined on part of the region, or is unbounded".into());
    }
    // Attained: the boxes that may hold the minimum are bounded, inside the region
    // away from its open ends, and the function is continuous (a compact set).
    let touches_open_end = near.iter().any(|c| {
        region.iter().enumerate().any(|(i, iv)| {
            let lo_open = iv
                .lo
                .as_ref()
                .is_some_and(|(v, closed)| !closed && c.lo[i].as_ref() == Some(v));
            let hi_open = iv
                .hi
                .as_ref()
                .is_some_and(|(v, closed)| !closed && c.hi[i].as_ref() == Some(v));
            lo_open || hi_open
        })
    });
    // Every box that may hold the extreme is certified defined throughout (a box
    // that meets a pole or a point where the expression is undefined may hold only a
    // limit there, never a point), and the extreme is finite.
    let near_defined = near.iter().all(|c| enc.on(g, c, prec).is_ok());
    let near_bounded = !near.is_empty()
        && near_defined
        && lower_finite.is_finite()
        && !near_unbounded
        && !open_tails
        && continuous
        && stopped.is_none()
        && filters.is_empty()
        && !touches_open_end;
    let attained = if near_bounded { Some(true) } else { None };
    // Where the extreme of the certified range is: shown even when far boxes stayed
    // open (then attainment is not decided).
    let located = !near.is_empty()
        && near_defined
        && !near_unbounded
        && continuous
        && stopped.is_none()
        && !touches_open_end;
    let at = if located {
        let mut parts = Vec::new();
        for (i, &v) in vars.iter().enumerate() {
            let lo = near.iter().filter_map(|c| c.lo[i].clone()).min();
            let hi = near.iter().filter_map(|c| c.hi[i].clone()).max();
            if let (Some(lo), Some(hi)) = (lo, hi) {
                parts.push((
                    v,
                    decimal_of_rational_dir(&lo, opts.digits, true),
                    decimal_of_rational_dir(&hi, opts.digits, false),
                ));
            }
        }
        Some(At::Enclosure(parts))
    } else {
        None
    };
    // The best boxes reach the last rung of the ladder: the function grows (or
    // falls) at least that far, so the extreme is not bounded by what was seen.
    let edge = super::bnb::last_rung();
    let at_edge = limit_best.is_none()
        && !near.is_empty()
        && near
            .iter()
            .all(|c| c.lo.iter().chain(&c.hi).flatten().any(|e| e.abs() == edge));
    let (lo, hi) = if at_edge {
        note = Some(format!(
            "the {} is approached at the edge of the certified range |x| <= 2^(2^{TAIL_RUNGS}): only the bound on the other side is certified",
            if negate { "supremum" } else { "infimum" }
        ));
        (super::boxes::infinity(prec, true), best_v)
    } else {
        (lower_finite, best_v)
    };
    let (mut attained, mut at) = if at_edge && limit_best.is_none() {
        (None, None)
    } else {
        (attained, at)
    };
    let mut value = None;
    if let Some((side, exact)) = limit_best {
        // The infimum is the limit along the tail; not attained when f stays
        // strictly above it everywhere (a certified branch-and-bound of f - L > 0).
        at = Some(At::Limit(limit_text(g, vars, side)));
        attained = None;
        if let Some(l) = exact.and_then(|e| g.as_num(e).cloned()) {
            if strictly_above(g, f, &l, vars, region) {
                attained = Some(false);
                value = Some(if negate { -l } else { l }.to_string());
            }
        }
    }
    let ext = if negate {
        Extreme {
            value: value.clone(),
            lower: decimal(&-hi, opts.digits, true),
            upper: decimal(&-lo, opts.digits, false),
            attained,
            at,
        }
    } else {
        Extreme {
            value,
            lower: decimal(&lo, opts.digits, true),
            upper: decimal(&hi, opts.digits, false),
            attained,
            at,
        }
    };
    Ok((ext, note))
}

/// `x -> +inf` or `x -> -inf`.
fn limit_text(g: &Graph, vars: &[Symbol], side: Side) -> String {
    let name = vars.first().map_or("x", |&v| g.name(v));
    match side {
        Side::Above => format!("{name} -> +inf"),
        Side::Below => format!("{name} -> -inf"),
    }
}

/// Whether `f > l` on the whole region (a re-checked branch-and-bound certificate).
fn strictly_above(
    g: &mut Graph,
    f: ExprId,
    l: &BigRational,
    vars: &[Symbol],
    region: &[Interval],
) -> bool {
    let lid = g.num(l.clone());
    let d = g.sub(f, lid);
    let mut enc = Enclosure::new(g, d, vars.to_vec());
    enc.attach_tails(g, region);
    let limits = Limits {
        time: Duration::from_secs(2),
        ..Limits::default()
    };
    match search(g, &enc, region, Need::Positive, &limits) {
        Search::Proved(cert) => check_certificate(g, d, region, &[], &cert).is_ok(),
        _ => false,
    }
}

fn decimal_of_rational_dir(r: &BigRational, digits: u32, down: bool) -> String {
    let f = super::boxes::rational_to_float(
        digits * 4 + 64,
        r,
        if down {
            rug::float::Round::Down
        } else {
            rug::float::Round::Up
        },
    );
    decimal(&f, digits, down)
}

fn cell_iv(cell: &Cell, prec: u32) -> super::boxes::XInterval {
    use rug::float::{Round, Special};
    let lo = match &cell.lo[0] {
        Some(r) => super::boxes::rational_to_float(prec, r, Round::Down),
        None => Float::with_val(prec, Special::NegInfinity),
    };
    let hi = match &cell.hi[0] {
        Some(r) => super::boxes::rational_to_float(prec, r, Round::Up),
        None => Float::with_val(prec, Special::Infinity),
    };
    super::boxes::XInterval::new(lo, hi)
}

fn sample(lo: Option<&BigRational>, hi: Option<&BigRational>) -> BigRational {
    let two = BigRational::from_integer(2.into());
    match (lo, hi) {
        (Some(a), Some(b)) => (a + b) / two,
        (Some(a), None) => a * &two + BigRational::one(),
        (None, Some(b)) => b * &two - BigRational::one(),
        (None, None) => BigRational::zero(),
    }
}

fn split(cell: &Cell) -> Option<(Cell, Cell)> {
    let mut best: Option<(usize, BigRational)> = None;
    for i in 0..cell.lo.len() {
        if let (Some(a), Some(b)) = (&cell.lo[i], &cell.hi[i]) {
            let w = b - a;
            if best.as_ref().is_none_or(|(_, bw)| &w > bw) {
                best = Some((i, w));
            }
        }
    }
    let (i, w) = best?;
    if w.is_zero() || w < BigRational::new(1.into(), BigInt::from(2).pow(400)) {
        return None;
    }
    let m = sample(cell.lo[i].as_ref(), cell.hi[i].as_ref());
    let mut a = cell.clone();
    let mut b = cell.clone();
    a.hi[i] = Some(m.clone());
    b.lo[i] = Some(m);
    Some((a, b))
}

// ---------------------------------------------------------------------------
// The exact route.

const LIMITS: UniLimits = UniLimits::DEFAULT;

/// A candidate extreme: its value (exact or enclosed), attained or a limit, where.
#[derive(Clone, Debug)]
struct Candidate {
    /// The value: exact rational, or an enclosure, or infinite (sign).
    value: Value,
    attained: bool,
    at: At,
}

#[derive(Clone, Debug)]
enum Value {
    Exact(BigRational),
    Enclosed(BigRational, BigRational),
    Infinite(bool),
}

impl Value {
    fn bounds(&self) -> (Option<BigRational>, Option<BigRational>) {
        match self {
            Value::Exact(r) => (Some(r.clone()), Some(r.clone())),
            Value::Enclosed(a, b) => (Some(a.clone()), Some(b.clone())),
            Value::Infinite(true) => (None, None),
            Value::Infinite(false) => (None, None),
        }
    }
}

/// The exact bounds of a one-generator function without kinks, if it is one.
fn exact_bounds(g: &mut Graph, f: ExprId, ctx: &Context, digits: u32) -> Option<Bounds> {
    if g.reachable(&[f]).into_iter().any(|id| {
        matches!(
            g.node(id),
            Node::Max(..) | Node::Min(..) | Node::If(..) | Node::Func(Func::Abs | Func::Sign, _)
        )
    }) {
        return None;
    }
    if !requirements(g, f, ctx).is_some_and(|r| r.is_empty()) {
        return None;
    }
    let u = univariate(g, f).ok()?;
    if u.root.is_some() {
        return None;
    }
    let (var, q) = match &u.variable {
        Variable::Var(s) => (*s, None),
        Variable::Exp(s, q) => (*s, Some(q.clone())),
        Variable::None => {
            let c = u.p.eval(&BigRational::zero()) / u.e.eval(&BigRational::zero());
            let ext = Extreme {
                value: Some(c.to_string()),
                lower: c.to_string(),
                upper: c.to_string(),
                attained: Some(true),
                at: None,
            };
            return Some(Bounds {
                sup: ext.clone(),
                inf: ext,
                method: "a constant".into(),
                note: None,
            });
        }
    };
    let iv = match &q {
        None => ctx.get(&var).cloned().unwrap_or_else(Interval::line),
        Some(_) => {
            let x = ctx.get(&var).cloned().unwrap_or_else(Interval::line);
            let map = |e: &Option<(BigRational, bool)>, inf: Option<(BigRational, bool)>| match e {
                None => Some(inf),
                Some((v, c)) if v.is_zero() => Some(Some((BigRational::one(), *c))),
                Some(_) => None,
            };
            Interval {
                lo: map(&x.lo, Some((BigRational::zero(), false)))?,
                hi: map(&x.hi, None)?,
            }
        }
    };
    if iv.is_empty() {
        return None;
    }
    let (p, e) = (&u.p, &u.e);
    // No pole on the interval.
    if !e.is_constant() && real_roots(e, &LIMITS).ok()?.iter().any(|r| r.lies_in(&iv)) {
        return None;
    }
    // Critical points: roots of P'E - PE' inside.
    let dn = p
        .derivative()
        .mul(e, LIMITS.max_degree)
        .ok()?
        .sub(&p.mul(&e.derivative(), LIMITS.max_degree).ok()?);
    let mut cands: Vec<Candidate> = Vec::new();
    let name = g.name(var).to_owned();
    let point_at = |a: &Algebraic| -> At {
        match &q {
            None => At::Exact(vec![(var, a.to_string())]),
            Some(q) => {
                if a.as_rational().is_some_and(One::is_one) {
                    At::Exact(vec![(var, "0".into())])
                } else if q.is_one() {
                    At::Exact(vec![(var, format!("log({a})"))])
                } else {
                    At::Exact(vec![(var, format!("{q}*log({a})"))])
                }
            }
        }
    };
    if dn.is_zero() {
        // Constant on the interval.
        let s = iv.sample();
        let c = p.eval(&s) / e.eval(&s);
        cands.push(Candidate {
            value: Value::Exact(c),
            attained: true,
            at: At::Exact(vec![(var, point_value(&q, &s))]),
        });
    } else if !dn.is_constant() {
        for mut a in real_roots(&dn, &LIMITS).ok()? {
            if !a.lies_in(&iv) {
                continue;
            }
            let value = value_at(p, e, &mut a)?;
            cands.push(Candidate {
                value,
                attained: true,
                at: point_at(&a),
            });
        }
    }
    // Ends.
    for (end, upper) in [(&iv.lo, false), (&iv.hi, true)] {
        match end {
            Some((v, closed)) => {
                let ev = e.eval(v);
                if ev.is_zero() {
                    // t -> 0+ at a pole of the normal form.
                    let lim = limit_at_zero(p, e)?;
                    cands.push(Candidate {
                        value: lim,
                        attained: false,
                        at: At::Limit(format!("{name} -> -inf")),
                    });
                    continue;
                }
                let val = p.eval(v) / ev;
                let at_text = point_value(&q, v);
                let (attained, at) = if *closed {
                    (true, At::Exact(vec![(var, at_text)]))
                } else {
                    (false, At::Limit(format!("{name} -> {at_text}")))
                };
                let at = if q.is_some() && v.is_zero() && !*closed {
                    At::Limit(format!("{name} -> -inf"))
                } else {
                    at
                };
                cands.push(Candidate {
                    value: Value::Exact(val),
                    attained,
                    at,
                });
            }
            None => {
                let lim = limit_at_infinity(p, e, upper)?;
                cands.push(Candidate {
                    value: lim,
                    attained: false,
                    at: At::Limit(format!("{name} -> {}inf", if upper { "+" } else { "-" })),
                });
            }
        }
    }
    let sup = pick(&cands, true, digits)?;
    let inf = pick(&cands, false, digits)?;
    Some(Bounds {
        sup,
        inf,
        method: format!(
            "exact: the normal form in one generator ({}), its critical points (Sturm) and limits",
            u.generator
        ),
        note: None,
    })
}

fn point_value(q: &Option<BigInt>, t: &BigRational) -> String {
    match q {
        None => t.to_string(),
        Some(_) if t.is_one() => "0".into(),
        Some(q) if q.is_one() => format!("log({t})"),
        Some(q) => format!("{q}*log({t})"),
    }
}

/// `P/E` at an algebraic point: exact at a rational, else an enclosure from exact
/// rational interval arithmetic on a refined isolating interval.
fn value_at(p: &UPoly, e: &UPoly, a: &mut Algebraic) -> Option<Value> {
    if let Some(r) = a.as_rational() {
        return Some(Value::Exact(p.eval(r) / e.eval(r)));
    }
    a.refine(
        &BigRational::new(1.into(), BigInt::from(2).pow(120)),
        &LIMITS,
    )
    .ok()?;
    let (lo, hi) = a.enclosure();
    let pv = horner_interval(p, &lo, &hi);
    let ev = horner_interval(e, &lo, &hi);
    if ev.0.is_positive() || ev.1.is_negative() {
        let corners = [&pv.0 / &ev.0, &pv.0 / &ev.1, &pv.1 / &ev.0, &pv.1 / &ev.1];
        let mn = corners.iter().min()?.clone();
        let mx = corners.iter().max()?.clone();
        Some(Value::Enclosed(mn, mx))
    } else {
        None
    }
}

/// An enclosure of a polynomial over `[lo, hi]` (naive interval Horner, exact).
fn horner_interval(p: &UPoly, lo: &BigRational, hi: &BigRational) -> (BigRational, BigRational) {
    let mut acc = (BigRational::zero(), BigRational::zero());
    for c in p.coeffs().iter().rev() {
        let prods = [&acc.0 * lo, &acc.0 * hi, &acc.1 * lo, &acc.1 * hi];
        let mn = prods
            .iter()
            .min()
            .cloned()
            .unwrap_or_else(BigRational::zero);
        let mx = prods
            .iter()
            .max()
            .cloned()
            .unwrap_or_else(BigRational::zero);
        acc = (mn + c, mx + c);
    }
    acc
}

fn limit_at_infinity(p: &UPoly, e: &UPoly, positive: bool) -> Option<Value> {
    let (dp, de) = (p.degree(), e.degree());
    if p.is_zero() {
        return Some(Value::Exact(BigRational::zero()));
    }
    Some(match dp.cmp(&de) {
        Ordering::Less => Value::Exact(BigRational::zero()),
        Ordering::Equal => Value::Exact(p.leading() / e.leading()),
        Ordering::Greater => {
            let mut s = Sign::of(&(p.leading() / e.leading()));
            if !positive && (dp - de) % 2 == 1 {
                s = -s;
            }
            Value::Infinite(s == Sign::Positive)
        }
    })
}

fn limit_at_zero(p: &UPoly, e: &UPoly) -> Option<Value> {
    let low = |u: &UPoly| u.coeffs().iter().position(|c| !c.is_zero());
    let (ip, ie) = (low(p)?, low(e)?);
    Some(match ip.cmp(&ie) {
        Ordering::Greater => Value::Exact(BigRational::zero()),
        Ordering::Equal => Value::Exact(p.coeff(ip) / e.coeff(ie)),
        Ordering::Less => Value::Infinite(Sign::of(&(p.coeff(ip) / e.coeff(ie))) == Sign::Positive),
    })
}

/// The largest (or least) candidate, exactly when the comparisons are decided.
fn pick(cands: &[Candidate], largest: bool, digits: u32) -> Option<Extreme> {
    // Infinite candidates first.
    if let Some(c) = cands
        .iter()
        .find(|c| matches!(c.value, Value::Infinite(pos) if pos == largest))
    {
        let v = if largest { "+inf" } else { "-inf" };
        return Some(Extreme {
            value: Some(v.into()),
            lower: v.into(),
            upper: v.into(),
            attained: Some(false),
            at: Some(c.at.clone()),
        });
    }
    let finite: Vec<&Candidate> = cands
        .iter()
        .filter(|c| !matches!(c.value, Value::Infinite(_)))
        .collect();
    // The best by lower (or upper) bound; it must dominate every other one.
    let key = |c: &Candidate| {
        let (lo, hi) = c.value.bounds();
        if largest {
            hi
        } else {
            lo.map(|x| -x)
        }
    };
    let best = finite.iter().max_by(|a, b| key(a).cmp(&key(b)))?;
    let (blo, bhi) = best.value.bounds();
    let (blo, bhi) = (blo?, bhi?);
    // Candidates equal to the best (exact ties) decide attainment: attained if any
    // tied candidate is attained.
    let mut attained = best.attained;
    let mut at = best.at.clone();
    for c in &finite {
        let (lo, hi) = c.value.bounds();
        let (lo, hi) = (lo?, hi?);
        let tied = lo == blo && hi == bhi && lo == hi;
        if tied {
            if c.attained && !attained {
                attained = true;
                at = c.at.clone();
            }
            continue;
        }
        // Must be separated from the best.
        let separated = if largest { hi < blo } else { lo > bhi };
        let same = std::ptr::eq(*c, *best);
        if !separated && !same {
            return None;
        }
    }
    let exact = (blo == bhi).then(|| blo.to_string());
    Some(Extreme {
        value: exact,
        lower: decimal_of_rational_dir(&blo, digits, true),
        upper: decimal_of_rational_dir(&bhi, digits, false),
        attained: Some(attained),
        at: Some(at),
    })
}
