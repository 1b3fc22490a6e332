//! Sampling one curve honestly: evenly spaced values from the fast evaluator, refined
//! where the function breaks.
//!
//! Two kinds of places are examined more closely than the grid:
//! - the function's own kink points: the roots of the arguments of `max`, `min`,
//!   `abs`, `sign`, of the sides of comparisons (`if`, `heaviside`), of bases of
//!   negative or fractional powers and of `log`, each compiled to its own tape, found
//!   by a sign change on the grid and bisection;
//! - places where two consecutive samples differ much more than their neighbours
//!   predict (a jump, a pole, or a steep stretch), refined by bisection.
//!
//! Each is then classified by shrinking windows: at a jump the difference across the
//! point stays as large as the window shrinks, at a kink (or a steep but continuous
//! stretch) it shrinks with the window. A jump breaks the polyline (no segment joins
//! its sides) and its value, where the convention defines one, is kept as a dot; a
//! kink becomes a vertex, so the corner is drawn exactly. Undefined values (NaN from
//! the evaluator) break the polyline too, and the ends of the domain are found by
//! bisection so a curve like `sqrt(x)` starts where it is defined.

use crate::fast::Tape;

/// The most bisection steps at one place (enough to reach adjacent floats from a grid
/// step of any size that matters).
const BISECTION_STEPS: usize = 80;
/// The most places refined by bisection from value differences on one curve.
const MAX_VALUE_CANDIDATES: usize = 4_000;
/// A pair of samples is a candidate when their difference exceeds this multiple of
/// the smaller neighbouring difference.
const STEEPNESS_RATIO: f64 = 4.0;

/// A discontinuity of the drawn function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jump {
    /// Where it is.
    pub x: f64,
    /// The limit from the left (NaN when undefined there).
    pub left: f64,
    /// The limit from the right (NaN when undefined there).
    pub right: f64,
    /// The value at the point, when it is known (at a kink point of the expression)
    /// and defined: the chosen derivative convention decides it.
    pub value: Option<f64>,
}

/// One curve, sampled: polylines that never cross a jump or an undefined point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    /// The polylines, left to right; each has at least one point.
    pub pieces: Vec<Vec<(f64, f64)>>,
    /// The jumps, left to right.
    pub jumps: Vec<Jump>,
    /// The kink points where the function is continuous (drawn through as vertices).
    pub kinks: Vec<f64>,
}

/// A function of one variable compiled for the fast evaluator.
struct F<'a>(&'a Tape);

impl F<'_> {
    fn at(&self, x: f64) -> f64 {
        let y = self.0.eval_point(&[x]).unwrap_or(f64::NAN);
        if y.is_finite() {
            y
        } else {
            f64::NAN
        }
    }

    fn batch(&self, xs: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; xs.len()];
        if self.0.eval_batch(&[xs], &mut out).is_err() {
            out.fill(f64::NAN);
        }
        // Overflow is drawn like an undefined value: it lies outside any y-range.
        for y in &mut out {
            if !y.is_finite() {
                *y = f64::NAN;
            }
        }
        out
    }
}

/// `n` evenly spaced points from `lo` to `hi`, both included.
#[must_use]
pub fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    (0..n)
        .map(|k| {
            if k + 1 == n {
                hi
            } else {
                lo + (hi - lo) * (k as f64) / ((n - 1) as f64)
            }
        })
        .collect()
}

/// The 98th percentile of `|y|` over the finite values: a scale for "negligible"
/// that one pole cannot inflate.
fn robust_scale(ys: &[f64]) -> f64 {
    let mut a: Vec<f64> = ys
        .iter()
        .filter(|y| y.is_finite())
        .map(|y| y.abs())
        .collect();
    if a.is_empty() {
        return 1.0;
    }
    a.sort_by(f64::total_cmp);
    let k = ((a.len() - 1) as f64 * 0.98) as usize;
    a[k].max(1e-300)
}

/// The most bisection steps for a kink point: enough to reach adjacent floats from
/// any bracket of finite width, subnormals included.
const ROOT_STEPS: usize = 2_200;

/// The number with the fewest significant bits in `[l, h]` (0 when the interval holds
/// it): where a root written as a short constant (0, 1/2, -5) is, if it is there.
fn simplest(l: f64, h: f64) -> f64 {
    if l <= 0.0 && 0.0 <= h {
        return 0.0;
    }
    let mut p = l.abs().max(h.abs()).log2().ceil().exp2();
    while p > 0.0 {
        let k = (l / p).ceil();
        if k * p <= h {
            return k * p;
        }
        p /= 2.0;
    }
    l
}

/// A kink point: where a kink argument changes sign.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Root {
    x: f64,
    /// The argument is exactly 0 at `x`, so the value there is the value at the
    /// kink; otherwise the kink lies strictly between `x` and its neighbouring float.
    exact: bool,
}

/// The root of `arg` between `l` and `h`, where it changes sign: a float where it is
/// exactly 0 if there is one (the simplest number in the bracket is tried first,
/// then bisection down to adjacent floats meets any other), else the end of the last
/// bracket with the smaller `|arg|`.
fn bisect_root(arg: &F, mut l: f64, mut h: f64) -> Root {
    let s = simplest(l, h);
    if arg.at(s) == 0.0 {
        return Root { x: s, exact: true };
    }
    let mut al = arg.at(l);
    let mut ah = arg.at(h);
    for _ in 0..ROOT_STEPS {
        let m = l + (h - l) / 2.0;
        if m <= l || m >= h {
            break;
        }
        let am = arg.at(m);
        if am == 0.0 {
            return Root { x: m, exact: true };
        }
        if am.is_nan() {
            break;
        }
        if (am < 0.0) == (al < 0.0) {
            l = m;
            al = am;
        } else {
            h = m;
            ah = am;
        }
    }
    Root {
        x: if al.abs() <= ah.abs() { l } else { h },
        exact: false,
    }
}

/// The isolated roots of one kink argument on the grid.
fn roots_of(arg: &F, xs: &[f64], out: &mut Vec<Root>) {
    let a = arg.batch(xs);
    for i in 0..xs.len() {
        if a[i] == 0.0 {
            // A root on a grid point counts unless the argument vanishes on a stretch.
            let flat = (i > 0 && a[i - 1] == 0.0) && (i + 1 < a.len() && a[i + 1] == 0.0);
            if !flat {
                out.push(Root {
                    x: xs[i],
                    exact: true,
                });
            }
        } else if i + 1 < xs.len()
            && a[i + 1] != 0.0
            && (a[i] < 0.0) != (a[i + 1] < 0.0)
            && a[i].is_finite()
            && a[i + 1].is_finite()
        {
            out.push(bisect_root(arg, xs[i], xs[i + 1]));
        }
    }
}

/// How the function behaves across a kink point.
enum Across {
    /// Continuous there: a vertex of the polyline.
    Continuous,
    /// A jump (or a pole, or a single undefined point), with its one-sided limits.
    Jump(f64, f64),
    /// Defined on one side only: the points approaching it on the defined side.
    Edge(Vec<(f64, f64)>),
}

/// Classifies `r` by shrinking windows: at a jump the difference across it does not
/// shrink with the window, at a kink it does. `w` is the first window's half width,
/// `tiny` the size below which a difference is rounding.
fn across(f: &F, r: f64, w: f64, tiny: f64) -> Across {
    let mut prev = f64::NAN;
    let mut edge = Vec::new();
    let mut one_sided = true;
    for k in 0..5 {
        // Each window is 2^-10 of the previous one, but never below a few ulps of r.
        let wk = (w * (-10.0 * f64::from(k)).exp2()).max(r.abs() * 8.0 * f64::EPSILON);
        let (l, h) = (f.at(r - wk), f.at(r + wk));
        if l.is_nan() == h.is_nan() {
            one_sided = false;
        } else if l.is_nan() {
            edge.push((r + wk, h));
        } else {
            edge.push((r - wk, l));
        }
        let d = (h - l).abs();
        if k == 4 {
            if one_sided {
                return Across::Edge(edge);
            }
            // NaN on both sides compares false: no jump is claimed where nothing is defined.
            return if d > tiny && (prev.is_nan() || d >= 0.5 * prev) {
                Across::Jump(l, h)
            } else {
                Across::Continuous
            };
        }
        prev = d;
    }
    Across::Continuous
}

/// A place between adjacent samples, refined by bisection towards the larger change.
enum Refined {
    /// The function jumps (or is undefined) between `l` and `h`.
    Break { l: (f64, f64), h: (f64, f64) },
    /// Continuous: the points visited, to draw the steep stretch more finely.
    Steep(Vec<(f64, f64)>),
}

fn refine(f: &F, (mut l, mut fl): (f64, f64), (mut h, mut fh): (f64, f64), tiny: f64) -> Refined {
    let mut visited = Vec::new();
    for _ in 0..BISECTION_STEPS {
        let m = l + (h - l) / 2.0;
        if m <= l || m >= h {
            break;
        }
        let fm = f.at(m);
        if fm.is_nan() {
            return Refined::Break {
                l: (l, fl),
                h: (h, fh),
            };
        }
        visited.push((m, fm));
        if (fm - fl).abs() >= (fh - fm).abs() {
            h = m;
            fh = fm;
        } else {
            l = m;
            fl = fm;
        }
    }
    // Adjacent floats (or a bracket far below any pixel) and still apart: a jump.
    if (fh - fl).abs() > tiny.max(1e-9 * fl.abs().max(fh.abs())) {
        Refined::Break {
            l: (l, fl),
            h: (h, fh),
        }
    } else {
        Refined::Steep(visited)
    }
}

/// The last point where `f` is defined, between a defined `(a, fa)` and an undefined
/// `b` (either side), by bisection.
fn domain_edge(f: &F, (mut a, mut fa): (f64, f64), mut b: f64) -> (f64, f64) {
    for _ in 0..BISECTION_STEPS {
        let m = a + (b - a) / 2.0;
        if m == a || m == b {
            break;
        }
        let fm = f.at(m);
        if fm.is_nan() {
            b = m;
        } else {
            a = m;
            fa = fm;
        }
    }
    (a, fa)
}

/// One item of the merged, sorted sample list.
#[derive(Clone, Copy)]
enum Item {
    Point(f64),
    Break,
}

/// Samples `f` on `n` points of `[lo, hi]`, refined at the roots of the kink
/// arguments `args` and wherever the values change suspiciously fast (see the
/// module documentation).
#[must_use]
pub fn sample(f: &Tape, args: &[Tape], lo: f64, hi: f64, n: usize) -> Samples {
    let f = F(f);
    let xs = grid(lo, hi, n);
    let ys = f.batch(&xs);
    let step = (hi - lo) / ((xs.len() - 1) as f64);
    let tiny = 1e-9 * robust_scale(&ys);

    // The kink points of the expression, sorted and without repeats.
    let mut roots = Vec::new();
    for arg in args {
        roots_of(&F(arg), &xs, &mut roots);
    }
    roots.retain(|r| (lo..=hi).contains(&r.x));
    // Sorted, one per place; an exact root wins over an inexact one at the same x.
    roots.sort_by(|a, b| a.x.total_cmp(&b.x).then(b.exact.cmp(&a.exact)));
    roots.dedup_by(|b, a| a.x == b.x);

    // (x, order, item): the order keeps a jump's left end, break and right end in
    // that order at the same x.
    let mut items: Vec<(f64, u8, Item)> = Vec::with_capacity(xs.len() + 4 * roots.len());
    let mut out = Samples::default();
    let mut jump_xs: Vec<f64> = Vec::new();
    for &Root { x: r, exact } in &roots {
        match across(&f, r, step / 4.0, tiny) {
            Across::Jump(left, right) => {
                // The value at the kink is known only where it is a float.
                let v = if exact { f.at(r) } else { f64::NAN };
                out.jumps.push(Jump {
                    x: r,
                    left,
                    right,
                    value: (!v.is_nan()).then_some(v),
                });
                items.push((r, 0, Item::Point(left)));
                items.push((r, 1, Item::Break));
                items.push((r, 2, Item::Point(right)));
                jump_xs.push(r);
            }
            Across::Continuous => {
                out.kinks.push(r);
                items.push((r, 1, Item::Point(f.at(r))));
            }
            Across::Edge(points) => {
                items.push((r, 1, Item::Point(f.at(r))));
                items.extend(points.into_iter().map(|(x, y)| (x, 1, Item::Point(y))));
            }
        }
    }
    for (&x, &y) in xs.iter().zip(&ys) {
        // A grid point exactly at a jump would join a side to the jump's value.
        if jump_xs.binary_search_by(|j| j.total_cmp(&x)).is_err() {
            items.push((x, 1, Item::Point(y)));
        }
    }

    // Suspicious steps between grid points without a kink point: refine.
    let mut candidates = 0;
    for i in 0..xs.len() - 1 {
        let (x0, x1, y0, y1) = (xs[i], xs[i + 1], ys[i], ys[i + 1]);
        let has_root = {
            let k = roots.partition_point(|r| r.x < x0);
            k < roots.len() && roots[k].x <= x1
        };
        if has_root {
            continue;
        }
        if y0.is_nan() != y1.is_nan() {
            let edge = if y0.is_nan() {
                domain_edge(&f, (x1, y1), x0)
            } else {
                domain_edge(&f, (x0, y0), x1)
            };
            items.push((edge.0, 1, Item::Point(edge.1)));
            continue;
        }
        if y0.is_nan() {
            continue;
        }
        let d = (y1 - y0).abs();
        let before = (i > 0).then(|| (ys[i] - ys[i - 1]).abs());
        let after = (i + 2 < ys.len()).then(|| (ys[i + 2] - ys[i + 1]).abs());
        let local = match (before, after) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => continue,
        };
        // NaN neighbours compare false: such a step is examined too.
        if d <= tiny || d <= STEEPNESS_RATIO * local || candidates >= MAX_VALUE_CANDIDATES {
            continue;
        }
        candidates += 1;
        match refine(&f, (x0, y0), (x1, y1), tiny) {
            Refined::Break { l, h } => {
                out.jumps.push(Jump {
                    x: l.0 + (h.0 - l.0) / 2.0,
                    left: l.1,
                    right: h.1,
                    value: None,
                });
                items.push((l.0, 1, Item::Point(l.1)));
                items.push((l.0, 3, Item::Break));
                items.push((h.0, 0, Item::Point(h.1)));
            }
            Refined::Steep(points) => {
                items.extend(points.into_iter().map(|(x, y)| (x, 1, Item::Point(y))));
            }
        }
    }

    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut piece: Vec<(f64, f64)> = Vec::new();
    for (x, _, item) in items {
        match item {
            Item::Point(y) if !y.is_nan() => {
                if piece.last().is_none_or(|p| p.0 != x || p.1 != y) {
                    piece.push((x, y));
                }
            }
            _ => {
                if !piece.is_empty() {
                    out.pieces.push(std::mem::take(&mut piece));
                }
            }
        }
    }
    if !piece.is_empty() {
        out.pieces.push(piece);
    }
    out.jumps.sort_by(|a, b| a.x.total_cmp(&b.x));
    out
}
