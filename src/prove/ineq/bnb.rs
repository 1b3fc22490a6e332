//! Certified branch-and-bound: `f >= 0` (or `f > 0`) on a box of variables is shown
//! by covering the box with sub-boxes on each of which an MPFR enclosure of `f`
//! (outward rounding, [`boxes`](super::boxes)) lies above 0. Unbounded ends are cut
//! at a ladder `±1, ±2, ±4, ±16, ..., ±2^(2^k)` (the boxes between rungs are
//! finite, so `x*Phi(x)` stays small on each), with a last infinite box per side.
//!
//! Enclosures: the natural interval extension, intersected with the mean-value
//! form `f(c) + f'(X)*(X - c)` and, in one variable, with monotonicity (`f' >= 0` on
//! the box gives `f >= f(lo)`), when `f` is continuous (no `if` or `sign`).
//!
//! The proof is a [`Certificate`]: the boxes and the lower bound claimed on each.
//! [`check_certificate`] re-checks it without searching: the boxes must cover the
//! region (a sweep over each dimension's breakpoints) and each claimed bound must be
//! below a fresh enclosure and satisfy the sign.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use num_rational::BigRational;
use num_traits::{One, Zero};
use rug::float::Round;
use rug::Float;

use super::boxes::{
    condition_on_box, enclose_box, float_to_rational, rational_to_float, BoxError, XInterval,
};
use super::exact::Need;
use super::tail::{self, Side, TailFacts};
use crate::diff::{derive, Kink};
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::poly::Interval;
use crate::unfold::unfold;
use std::cmp::Ordering;

/// Working precision of the boxes, in bits.
pub const PRECISION: u32 = 160;
/// The last rung of the ladder is `2^(2^TAIL_RUNGS)`; beyond it lies the last,
/// infinite, box of each side.
pub const TAIL_RUNGS: u32 = 10;

/// One end of a box: a rational, or infinite (`None`).
pub type End = Option<BigRational>;

/// A box: per variable, its lower and upper ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The lower ends, per variable (`None` is `-inf`).
    pub lo: Vec<End>,
    /// The upper ends, per variable (`None` is `+inf`).
    pub hi: Vec<End>,
}

/// One box of a certificate with the lower bound of `f` claimed on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoxRecord {
    /// The box.
    pub cell: Cell,
    /// The claimed lower bound of `f` on the box (unused when excluded).
    pub lower: BigRational,
    /// Whether a condition fails on the whole box (so nothing is claimed there).
    pub excluded: bool,
    /// Whether the box is an infinite tail whose sign is shown by the asymptotic
    /// expansion of [`tail`](super::tail) (then `lower` is 0 and unused).
    pub asymptotic: bool,
}

/// A branch-and-bound proof of `f >= 0` or `f > 0` on a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The variables, in box order.
    pub vars: Vec<Symbol>,
    /// The region, per variable (closed boxes cover its closure).
    pub region: Vec<Interval>,
    /// What is shown.
    pub need: Need,
    /// The boxes.
    pub boxes: Vec<BoxRecord>,
}

/// Limits of a search.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most boxes examined.
    pub max_boxes: usize,
    /// The deepest bisection of one initial box.
    pub max_depth: u32,
    /// The time budget.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_boxes: 20_000,
            max_depth: 60,
            time: Duration::from_secs(5),
        }
    }
}

/// The outcome of a search.
#[derive(Clone, Debug)]
pub enum Search {
    /// Every box closed.
    Proved(Certificate),
    /// A certified point where `f` has the wrong sign or is undefined.
    Counterexample(HashMap<Symbol, BigRational>),
    /// Some boxes stayed open; `only_far_tails` when the open boxes are all beyond
    /// the last rung (values there are beyond MPFR's exponent range).
    Open {
        /// Why.
        reason: String,
        /// Whether only the infinite last boxes stayed open.
        only_far_tails: bool,
        /// Whether the asymptotic expansion of an open tail shows the claim failing
        /// far out (where no point could be evaluated): never `verified` then.
        against: bool,
    },
}

/// The function with the derivatives its enclosures use.
pub struct Enclosure {
    /// `f`, unfolded.
    pub f: ExprId,
    /// The variables.
    pub vars: Vec<Symbol>,
    /// `df/dv` per variable, when `f` is continuous and they could be taken.
    pub grad: Option<Vec<ExprId>>,
    /// What the asymptotic expansions say on the infinite boxes of one variable
    /// (see [`Enclosure::attach_tails`]).
    pub tails: Vec<TailBox>,
}

/// A tail `|x| >= start` on one side with what is known of `f` there.
#[derive(Clone, Debug)]
pub struct TailBox {
    /// The side.
    pub side: Side,
    /// Where it begins (in `|x|`).
    pub start: BigRational,
    /// The facts.
    pub facts: TailFacts,
}

/// Tails begin at `2^4`, `2^8`, `2^16` (so the boxes between the rungs beyond,
/// where `exp(-x^2)` underflows MPFR's range, are closed by their sign) and at the
/// last rung (where the ranges are tightest).
const TAIL_STARTS: [u32; 4] = [4, 8, 16, 1 << TAIL_RUNGS];

fn continuous(g: &Graph, f: ExprId) -> bool {
    !g.reachable(&[f]).into_iter().any(|id| {
        matches!(
            g.node(id),
            Node::If(..) | Node::Func(Func::Sign, _) | Node::Undefined
        )
    })
}

impl Enclosure {
    /// Prepares the enclosures of `f` (unfolded) in `vars`.
    pub fn new(g: &mut Graph, f: ExprId, vars: Vec<Symbol>) -> Self {
        let grad = if continuous(g, f) {
            vars.iter()
                .map(|&v| {
                    let d = derive(g, f, v, Kink::Left).ok()?;
                    unfold(g, d, Kink::Left).ok()
                })
                .collect::<Option<Vec<_>>>()
        } else {
            None
        };
        Enclosure {
            f,
            vars,
            grad,
            tails: Vec::new(),
        }
    }

    /// Builds the asymptotic expansion of `f` on each unbounded side of the region
    /// (one variable only), from `2^16` and from the last rung on: there a sign or
    /// range the enclosures cannot see (both terms of `Phi(x) + x*phi(x)` vanish as
    /// `x -> -inf`) is shown.
    pub fn attach_tails(&mut self, g: &mut Graph, region: &[Interval]) {
        let ([var], [iv]) = (&self.vars[..], region) else {
            return;
        };
        let var = *var;
        let mut sides = Vec::new();
        if iv.hi.is_none() {
            sides.push((Side::Above, iv.lo.as_ref().map(|(v, _)| v.clone())));
        }
        if iv.lo.is_none() {
            sides.push((Side::Below, iv.hi.as_ref().map(|(v, _)| -v.clone())));
        }
        for (side, end) in sides {
            let mut starts: Vec<BigRational> = TAIL_STARTS
                .iter()
                .map(|&e| {
                    let r = BigRational::from_integer(num_bigint::BigInt::from(2).pow(e));
                    match &end {
                        Some(v) if *v > r => v.clone(),
                        _ => r,
                    }
                })
                .collect();
            starts.dedup();
            for start in starts {
                if let Some(facts) = tail::analyse(g, self.f, var, side, &start, PRECISION) {
                    self.tails.push(TailBox { side, start, facts });
                }
            }
        }
    }

    /// The tails the cell lies in.
    pub fn tails_of<'a>(&'a self, cell: &'a Cell) -> impl Iterator<Item = &'a TailBox> + 'a {
        self.tails.iter().filter(move |t| match t.side {
            Side::Above => cell.lo[0].as_ref().is_some_and(|lo| *lo >= t.start),
            Side::Below => cell.hi[0].as_ref().is_some_and(|hi| -hi.clone() >= t.start),
        })
    }

    fn env(&self, cell: &Cell, prec: u32) -> HashMap<Symbol, XInterval> {
        self.vars
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, cell_interval(cell, i, prec)))
            .collect()
    }

    /// A certified enclosure of `f` on the cell.
    pub fn on(&self, g: &Graph, cell: &Cell, prec: u32) -> Result<XInterval, BoxError> {
        let mut tail_range: Option<XInterval> = None;
        for t in self.tails_of(cell) {
            tail_range = Some(match tail_range {
                Some(r) => r.meet(&t.facts.range),
                None => t.facts.range.clone(),
            });
        }
        let with_tail = |iv: XInterval| match &tail_range {
            Some(r) => iv.meet(r),
            None => iv,
        };
        let env = self.env(cell, prec);
        let natural = match enclose_box(g, self.f, &env, prec) {
            Ok(v) => v,
            Err(e) => return tail_range.clone().ok_or(e),
        };
        let Some(grad) = &self.grad else {
            return Ok(with_tail(natural));
        };
        let finite = cell.lo.iter().chain(&cell.hi).all(Option::is_some);
        let mut best = natural;
        let slopes: Vec<Result<XInterval, BoxError>> = grad
            .iter()
            .map(|&d| enclose_box(g, d, &env, prec))
            .collect();
        // Monotone in one variable: the value at the finite ends bounds the box.
        if self.vars.len() == 1 {
            if let Ok(s) = &slopes[0] {
                let at = |e: &End| -> Option<XInterval> {
                    let e = e.as_ref()?;
                    let p = point_cell(std::slice::from_ref(e));
                    enclose_box(g, self.f, &self.env(&p, prec), prec).ok()
                };
                let (flo, fhi) = (at(&cell.lo[0]), at(&cell.hi[0]));
                let inf = Float::with_val(prec, rug::float::Special::NegInfinity);
                let sup = Float::with_val(prec, rug::float::Special::Infinity);
                if s.lo >= 0 {
                    let lo = flo.map_or(inf, |v| v.lo);
                    let hi = fhi.map_or(sup, |v| v.hi);
                    best = best.meet(&XInterval::new(lo, hi));
                } else if s.hi <= 0 {
                    let lo = fhi.map_or(inf, |v| v.lo);
                    let hi = flo.map_or(sup, |v| v.hi);
                    best = best.meet(&XInterval::new(lo, hi));
                }
            }
        }
        if finite && slopes.iter().all(Result::is_ok) {
            // Mean-value form around the centre.
            let centre: Vec<BigRational> = (0..self.vars.len())
                .map(|i| mid(cell.lo[i].as_ref(), cell.hi[i].as_ref()))
                .collect();
            let pc = point_cell(&centre);
            if let Ok(fc) = enclose_box(g, self.f, &self.env(&pc, prec), prec) {
                let ar = super::boxes::BoxArith::new(prec);
                let mut acc = fc;
                for (i, s) in slopes.iter().enumerate() {
                    let Ok(s) = s else { continue };
                    let c = super::boxes::rational(prec, &centre[i]);
                    let x = cell_interval(cell, i, prec);
                    let dx = XInterval::new(
                        Float::with_val_round(prec, &x.lo - &c.hi, Round::Down).0,
                        Float::with_val_round(prec, &x.hi - &c.lo, Round::Up).0,
                    );
                    let term = ar.mul(s, &dx);
                    acc = XInterval::new(
                        Float::with_val_round(prec, &acc.lo + &term.lo, Round::Down).0,
                        Float::with_val_round(prec, &acc.hi + &term.hi, Round::Up).0,
                    );
                }
                if !acc.lo.is_nan() && !acc.hi.is_nan() {
                    best = best.meet(&acc);
                }
            }
        }
        Ok(with_tail(best))
    }

    /// The enclosure of `f` at a rational point.
    pub fn at_point(&self, g: &Graph, p: &[BigRational], prec: u32) -> Result<XInterval, BoxError> {
        enclose_box(g, self.f, &self.env(&point_cell(p), prec), prec)
    }
}

fn point_cell(p: &[BigRational]) -> Cell {
    Cell {
        lo: p.iter().cloned().map(Some).collect(),
        hi: p.iter().cloned().map(Some).collect(),
    }
}

fn cell_interval(cell: &Cell, i: usize, prec: u32) -> XInterval {
    let lo = match &cell.lo[i] {
        Some(r) => rational_to_float(prec, r, Round::Down),
        None => Float::with_val(prec, rug::float::Special::NegInfinity),
    };
    let hi = match &cell.hi[i] {
        Some(r) => rational_to_float(prec, r, Round::Up),
        None => Float::with_val(prec, rug::float::Special::Infinity),
    };
    XInterval::new(lo, hi)
}

/// A point of the box: the midpoint of finite ends, else a point past the finite
/// end (or 0 for the whole line).
fn mid(lo: Option<&BigRational>, hi: Option<&BigRational>) -> BigRational {
    let two = BigRational::from_integer(2.into());
    match (lo, hi) {
        (Some(a), Some(b)) => (a + b) / two,
        (Some(a), None) => a * &two + BigRational::one(),
        (None, Some(b)) => b * &two - BigRational::one(),
        (None, None) => BigRational::zero(),
    }
}

/// The last rung of the ladder, `2^(2^TAIL_RUNGS)`.
#[must_use]
pub fn last_rung() -> BigRational {
    BigRational::from_integer(num_bigint::BigInt::from(2).pow(1u32 << TAIL_RUNGS))
}

/// The rungs of the ladder on the positive side: 1, 2, 4, 16, 256, ..., 2^(2^k).
fn rungs() -> Vec<BigRational> {
    let mut out = vec![BigRational::one()];
    for k in 0..=TAIL_RUNGS {
        let e = 1u64 << k;
        out.push(BigRational::from_integer(
            num_bigint::BigInt::from(2).pow(e as u32),
        ));
    }
    out
}

/// The pieces of one variable's interval: cut at 0 and at the ladder's rungs.
pub fn pieces(iv: &Interval) -> Vec<(End, End)> {
    let mut cuts: Vec<BigRational> = vec![BigRational::zero()];
    for r in rungs() {
        cuts.push(r.clone());
        cuts.push(-r);
    }
    cuts.sort();
    let lo = iv.lo.as_ref().map(|(v, _)| v.clone());
    let hi = iv.hi.as_ref().map(|(v, _)| v.clone());
    let inside: Vec<BigRational> = cuts
        .into_iter()
        .filter(|c| lo.as_ref().is_none_or(|l| c > l) && hi.as_ref().is_none_or(|h| c < h))
        .collect();
    let mut out = Vec::new();
    let mut prev = lo;
    for c in inside {
        out.push((prev, Some(c.clone())));
        prev = Some(c);
    }
    out.push((prev, hi));
    out
}

/// The region as a cell.
#[must_use]
pub fn region_cell(region: &[Interval]) -> Cell {
    Cell {
        lo: region
            .iter()
            .map(|iv| iv.lo.as_ref().map(|(v, _)| v.clone()))
            .collect(),
        hi: region
            .iter()
            .map(|iv| iv.hi.as_ref().map(|(v, _)| v.clone()))
            .collect(),
    }
}

/// How many initial boxes [`initial_cells`] makes (saturating): the product of the
/// variables' piece counts, which grows exponentially with the variables (20
/// variables on the whole line make far more boxes than any search examines).
pub fn initial_cell_count(region: &[Interval]) -> usize {
    region
        .iter()
        .fold(1usize, |n, iv| n.saturating_mul(pieces(iv).len()))
}

/// The initial boxes: the product of every variable's pieces.
pub fn initial_cells(region: &[Interval]) -> Vec<Cell> {
    let mut cells = vec![Cell {
        lo: Vec::new(),
        hi: Vec::new(),
    }];
    for iv in region {
        let ps = pieces(iv);
        let mut next = Vec::with_capacity(cells.len() * ps.len());
        for c in &cells {
            for (a, b) in &ps {
                let mut c2 = c.clone();
                c2.lo.push(a.clone());
                c2.hi.push(b.clone());
                next.push(c2);
            }
        }
        cells = next;
    }
    cells
}

/// Whether the cell has an infinite end.
fn unbounded(cell: &Cell) -> bool {
    cell.lo.iter().chain(&cell.hi).any(Option::is_none)
}

/// Splits the cell in two along its widest finite dimension.
fn bisect(cell: &Cell) -> Option<(Cell, Cell)> {
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
    if w.is_zero() {
        return None;
    }
    let m = mid(cell.lo[i].as_ref(), cell.hi[i].as_ref());
    // Keep the cut a short dyadic rational.
    let m = dyadic_near(&m, &w);
    let mut left = cell.clone();
    let mut right = cell.clone();
    left.hi[i] = Some(m.clone());
    right.lo[i] = Some(m);
    Some((left, right))
}

fn dyadic_near(m: &BigRational, w: &BigRational) -> BigRational {
    // A dyadic within w/8 of m.
    let mut scale = BigRational::one();
    let eight = BigRational::from_integer(8.into());
    let two = BigRational::from_integer(2.into());
    while &scale * w < eight.clone() * BigRational::one()
        && scale < BigRational::from_integer(num_bigint::BigInt::from(2).pow(200))
    {
        scale *= &two;
    }
    (m * &scale).round() / scale
}

fn accepts(need: Need, lower: &Float) -> bool {
    match need {
        Need::NonNegative => *lower >= 0,
        Need::Positive => *lower > 0,
    }
}

/// Searches a certificate of `f >= 0` / `f > 0` on the region.
pub fn search(
    g: &Graph,
    enc: &Enclosure,
    region: &[Interval],
    need: Need,
    limits: &Limits,
) -> Search {
    search_with(g, enc, region, &[], need, limits)
}

/// Whether some filter fails on the whole cell.
fn excluded(g: &Graph, enc: &Enclosure, filters: &[ExprId], cell: &Cell) -> bool {
    let env = enc.env(cell, PRECISION);
    filters
        .iter()
        .any(|&c| condition_on_box(g, c, &env, PRECISION) == Some(false))
}

/// What one box shows.
enum Close {
    /// A condition fails on the whole box.
    Excluded,
    /// `f` is at least this on the box, which shows the sign.
    Bound(BigRational),
    /// The box touches an open end of a one-variable region, where `f` is
    /// strictly monotone away from a value `>= 0`: `f > 0` on the box minus that end.
    OpenEnd,
    /// A box on a tail where the asymptotic expansion shows the sign (`f > 0`, or
    /// `f = 0` when `f >= 0` is needed).
    Asymptotic,
    /// Not shown; the enclosure's lower end, if any.
    Open(Option<Float>),
    /// An operation the box evaluator does not cover.
    Unsupported,
}

fn close(
    g: &Graph,
    enc: &Enclosure,
    filters: &[ExprId],
    region: &[Interval],
    need: Need,
    cell: &Cell,
    use_tails: bool,
) -> Close {
    if excluded(g, enc, filters, cell) {
        return Close::Excluded;
    }
    if filters.is_empty() && use_tails {
        for t in enc.tails_of(cell) {
            match (t.facts.sign, need) {
                (Some(Ordering::Greater), _) | (Some(Ordering::Equal), Need::NonNegative) => {
                    return Close::Asymptotic
                }
                _ => {}
            }
        }
    }
    let lower = match enc.on(g, cell, PRECISION) {
        Ok(iv) if accepts(need, &iv.lo) => {
            // A huge bound is recorded as 1 (still below it); a tiny one exactly.
            let one = Float::with_val(PRECISION, 1);
            if iv.lo > one {
                return Close::Bound(BigRational::one());
            }
            match float_to_rational(&iv.lo) {
                Some(r) => return Close::Bound(r),
                None if need == Need::NonNegative => return Close::Bound(BigRational::zero()),
                None => Some(iv.lo),
            }
        }
        Ok(iv) => Some(iv.lo),
        Err(BoxError::Unsupported) => return Close::Unsupported,
        Err(_) => None,
    };
    if open_end_strict(g, enc, region, cell) {
        return Close::OpenEnd;
    }
    Close::Open(lower)
}

/// The open-end rule of [`Close::OpenEnd`].
fn open_end_strict(g: &Graph, enc: &Enclosure, region: &[Interval], cell: &Cell) -> bool {
    let (Some(grad), [iv]) = (&enc.grad, region) else {
        return false;
    };
    let (Some(a), Some(b)) = (&cell.lo[0], &cell.hi[0]) else {
        return false;
    };
    let env = enc.env(cell, PRECISION);
    let Ok(s) = enclose_box(g, grad[0], &env, PRECISION) else {
        return false;
    };
    let value_at = |p: &BigRational| enc.at_point(g, std::slice::from_ref(p), PRECISION).ok();
    let lo_open = iv.lo.as_ref().is_some_and(|(v, closed)| !closed && v == a);
    let hi_open = iv.hi.as_ref().is_some_and(|(v, closed)| !closed && v == b);
    (lo_open && s.lo > 0 && value_at(a).is_some_and(|v| v.lo >= 0))
        || (hi_open && s.hi < 0 && value_at(b).is_some_and(|v| v.lo >= 0))
}

/// A queued box, the least lower bound first.
struct Queued {
    lower: Float,
    cell: Cell,
    depth: u32,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        self.lower == o.lower
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.lower
            .partial_cmp(&self.lower)
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

/// [`search`] where the conditions `filters` (comparisons) must hold too: a box on
/// which one certainly fails is excluded. The box with the least lower bound is
/// examined first, so a counterexample is met early.
pub fn search_with(
    g: &Graph,
    enc: &Enclosure,
    region: &[Interval],
    filters: &[ExprId],
    need: Need,
    limits: &Limits,
) -> Search {
    let start = Instant::now();
    let mut closed = Vec::new();
    let mut examined = 0usize;
    let mut open_far = 0usize;
    let mut open_near = 0usize;
    let mut against = false;
    let mut heap = std::collections::BinaryHeap::new();
    let count = initial_cell_count(region);
    if count > limits.max_boxes {
        return Search::Open {
            reason: format!(
                "the initial boxes (the product of each variable's pieces, {}) are more than the limit of {} boxes",
                if count == usize::MAX { "past 2^64".to_owned() } else { count.to_string() },
                limits.max_boxes
            ),
            only_far_tails: false,
            against: false,
        };
    }
    let mut todo: Vec<(Cell, u32)> = initial_cells(region).into_iter().map(|c| (c, 0)).collect();
    loop {
        // Examine the new boxes; the open ones join the queue.
        for (cell, depth) in todo.drain(..) {
            examined += 1;
            if examined > limits.max_boxes || start.elapsed() > limits.time {
                return Search::Open {
                    reason: format!("the limits were reached after {examined} boxes"),
                    only_far_tails: false,
                    against: false,
                };
            }
            match close(g, enc, filters, region, need, &cell, true) {
                Close::Excluded => closed.push(BoxRecord {
                    cell,
                    lower: BigRational::zero(),
                    excluded: true,
                    asymptotic: false,
                }),
                Close::Bound(lower) => closed.push(BoxRecord {
                    cell,
                    lower,
                    excluded: false,
                    asymptotic: false,
                }),
                Close::OpenEnd => closed.push(BoxRecord {
                    cell,
                    lower: BigRational::zero(),
                    excluded: false,
                    asymptotic: false,
                }),
                Close::Asymptotic => closed.push(BoxRecord {
                    cell,
                    lower: BigRational::zero(),
                    excluded: false,
                    asymptotic: true,
                }),
                Close::Unsupported => {
                    return Search::Open {
                        reason: "an operation the box evaluator does not cover".into(),
                        only_far_tails: false,
                        against: false,
                    }
                }
                Close::Open(lower) => heap.push(Queued {
                    lower: lower.unwrap_or_else(|| super::boxes::infinity(PRECISION, true)),
                    cell,
                    depth,
                }),
            }
        }
        let Some(Queued { cell, depth, .. }) = heap.pop() else {
            break;
        };
        // A certified counterexample at the box's sample point?
        let p: Vec<BigRational> = (0..cell.lo.len())
            .map(|i| mid(cell.lo[i].as_ref(), cell.hi[i].as_ref()))
            .collect();
        let pc = point_cell(&p);
        let inside = filters
            .iter()
            .all(|&c| condition_on_box(g, c, &enc.env(&pc, PRECISION), PRECISION) == Some(true));
        if inside {
            match enc.at_point(g, &p, PRECISION) {
                Err(BoxError::Undefined) => return Search::Counterexample(env_of(&enc.vars, &p)),
                Ok(v) if v.hi < 0 || (need == Need::Positive && v.hi <= 0) => {
                    return Search::Counterexample(env_of(&enc.vars, &p))
                }
                _ => {}
            }
        }
        if unbounded(&cell) {
            if let Some(t) = enc.tails_of(&cell).last() {
                let wrong = match t.facts.eventual {
                    Some(Ordering::Less) => true,
                    Some(Ordering::Equal) => need == Need::Positive,
                    _ => false,
                };
                if wrong && filters.is_empty() {
                    if let Some(env) = tail_counterexample(g, enc, t, need, &cell) {
                        return Search::Counterexample(env);
                    }
                    against = true;
                }
            }
            open_far += 1;
            continue;
        }
        if depth >= limits.max_depth {
            open_near += 1;
            continue;
        }
        match bisect(&cell) {
            Some((a, b)) => {
                todo.push((a, depth + 1));
                todo.push((b, depth + 1));
            }
            None => open_near += 1,
        }
    }
    if open_far + open_near > 0 {
        return Search::Open {
            reason: format!(
                "{} boxes stayed open ({} of them the infinite boxes beyond 2^(2^{TAIL_RUNGS}))",
                open_far + open_near,
                open_far
            ),
            only_far_tails: open_near == 0,
            against,
        };
    }
    Search::Proved(Certificate {
        vars: enc.vars.clone(),
        region: region.to_vec(),
        need,
        boxes: closed,
    })
}

fn env_of(vars: &[Symbol], p: &[BigRational]) -> HashMap<Symbol, BigRational> {
    vars.iter().copied().zip(p.iter().cloned()).collect()
}

/// Why a certificate was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected(pub String);

/// Re-checks a certificate: the boxes cover the region, and on each a fresh
/// enclosure of `f` lies above the claimed bound, which satisfies the sign.
pub fn check_certificate(
    g: &mut Graph,
    f: ExprId,
    region: &[Interval],
    filters: &[ExprId],
    cert: &Certificate,
) -> Result<(), Rejected> {
    if cert.region != region {
        return Err(Rejected("the certificate is about another region".into()));
    }
    let mut enc = Enclosure::new(g, f, cert.vars.clone());
    if filters.is_empty() {
        enc.attach_tails(g, region);
    }
    for (k, b) in cert.boxes.iter().enumerate() {
        // An asymptotic box is re-checked by its expansion, any other by a fresh
        // enclosure.
        let shown = close(g, &enc, filters, region, cert.need, &b.cell, b.asymptotic);
        let ok = match shown {
            Close::Excluded => b.excluded,
            Close::Bound(fresh) => {
                !b.excluded
                    && fresh >= b.lower
                    && match cert.need {
                        Need::NonNegative => b.lower >= BigRational::zero(),
                        Need::Positive => b.lower > BigRational::zero(),
                    }
            }
            Close::OpenEnd => !b.excluded && b.lower.is_zero(),
            Close::Asymptotic => !b.excluded && b.asymptotic,
            Close::Open(_) | Close::Unsupported => false,
        };
        if !ok {
            return Err(Rejected(format!(
                "box {k}: the claimed bound {} is not shown by a fresh enclosure",
                b.lower
            )));
        }
    }
    let cells: Vec<&Cell> = cert.boxes.iter().map(|b| &b.cell).collect();
    if !covers(&cells, &region_cell(region), 0) {
        return Err(Rejected("the boxes do not cover the region".into()));
    }
    Ok(())
}

fn le_lo(a: &End, b: &End) -> bool {
    // As lower ends: None is -inf.
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => x <= y,
    }
}

fn ge_hi(a: &End, b: &End) -> bool {
    // As upper ends: None is +inf.
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => x >= y,
    }
}

/// Whether the closed cells cover the region from dimension `dim` on (the earlier
/// dimensions are already restricted to a slab that every cell given spans).
fn covers(cells: &[&Cell], region: &Cell, dim: usize) -> bool {
    if dim == region.lo.len() {
        return !cells.is_empty();
    }
    // The breakpoints of the cells in this dimension, inside the region.
    let mut cuts: Vec<BigRational> = cells
        .iter()
        .flat_map(|c| [c.lo[dim].clone(), c.hi[dim].clone()])
        .flatten()
        .filter(|v| {
            !le_lo(&Some(v.clone()), &region.lo[dim]) && !ge_hi(&Some(v.clone()), &region.hi[dim])
        })
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut ends: Vec<End> = vec![region.lo[dim].clone()];
    ends.extend(cuts.into_iter().map(Some));
    ends.push(region.hi[dim].clone());
    for w in ends.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        // The cells spanning the slab [a, b].
        let spanning: Vec<&Cell> = cells
            .iter()
            .copied()
            .filter(|c| le_lo(&c.lo[dim], a) && ge_hi(&c.hi[dim], b))
            .collect();
        if !covers(&spanning, region, dim + 1) {
            return false;
        }
    }
    true
}

/// The largest binary exponent of a point tried on a tail: `2^(2^22)` as a rational
/// is half a megabyte.
pub const MAX_TAIL_EXPONENT: u64 = 1 << 22;

/// A point of an infinite box where `f` has the wrong sign, when its expansion says
/// it has it far enough out: `x = ±2^E` for `E` doubling from the box's end up to
/// [`MAX_TAIL_EXPONENT`], then the least such exponent by bisection.
fn tail_counterexample(
    g: &Graph,
    enc: &Enclosure,
    t: &TailBox,
    need: Need,
    cell: &Cell,
) -> Option<HashMap<Symbol, BigRational>> {
    let end = match t.side {
        Side::Above => cell.lo[0].clone()?,
        Side::Below => -cell.hi[0].clone()?,
    };
    let start_bits = end.to_integer().bits() + 1;
    let point = |e: u64| -> BigRational {
        let p = BigRational::from_integer(num_bigint::BigInt::from(1) << e);
        match t.side {
            Side::Above => p,
            Side::Below => -p,
        }
    };
    let fails = |e: u64| -> bool {
        let p = point(e);
        match enc.at_point(g, std::slice::from_ref(&p), PRECISION) {
            Err(BoxError::Undefined) => true,
            Ok(v) => v.hi < 0 || (need == Need::Positive && v.hi <= 0),
            Err(_) => false,
        }
    };
    let mut lo = start_bits;
    let mut e = start_bits.max(2);
    let hit = loop {
        if fails(e) {
            break e;
        }
        lo = e;
        if e >= MAX_TAIL_EXPONENT {
            return None;
        }
        e = (e * 2).min(MAX_TAIL_EXPONENT);
    };
    // The least failing exponent above `lo` by bisection (the sign need not be
    // monotone in between: only a failing exponent is ever kept).
    let mut hi = hit;
    while hi - lo > 1 {
        let m = lo + (hi - lo) / 2;
        if fails(m) {
            hi = m;
        } else {
            lo = m;
        }
    }
    Some(env_of(&enc.vars, &[point(hi)]))
}
