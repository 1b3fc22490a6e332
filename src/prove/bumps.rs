//! Bumps of kink arguments. A kink argument `u` can rise above 0 (or dip below it)
//! and come back between two points of the screen's grid: `10^-6 - (x*exp(x) - 1)^2`
//! is positive only within 3.6e-4 of W(1), so its two zeros show no sign change on
//! any grid. Here the local extrema of `u` along a line are located — the zeros of
//! `u'` (its symbolic derivative), found as sign changes of `u'` on the grid (with
//! the extrema of `u'` itself added to that grid, one level deeper, so a bump of `u'`
//! is seen too) and narrowed by certified bisection in MPFR — `u` is evaluated
//! there, and where it has the other sign than on both sides, its two zeros are
//! isolated by certified bisection, so the bump becomes a region of its own.
//!
//! An extremum whose value stays within the bracket's uncertainty of 0 after the
//! bisection's last step, or a local minimum of `|u|` on the grid that no located
//! extremum explains, is a near touch: it is reported, and the claim is then not
//! `verified`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::Instant;

use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rug::Float;

use super::screen::Screen;
use crate::certified::enclose;
use crate::diff::{derive_raw, Kink};
use crate::expr::{ExprId, Graph, Symbol};

/// How many levels of derivatives add their extrema to the grid of the level above
/// (`u''` for `u'`).
const DEPTH: u32 = 1;
/// The most extrema looked at for one boundary on one line.
const MAX_EXTREMA: usize = 256;
/// The most certified bisection steps narrowing one extremum or one zero.
const MAX_STEPS: usize = 640;
/// The highest precision of a certified sign, in bits.
const MAX_PREC: u32 = 8192;

/// A line: `v` free, the other variables at `base` (exact and as `f64`).
pub struct Line<'a> {
    /// The free variable.
    pub v: Symbol,
    /// The other variables' values.
    pub base: &'a HashMap<Symbol, BigRational>,
    /// The same values as `f64`, for the screen.
    pub base_f: &'a HashMap<Symbol, f64>,
    /// When to stop.
    pub deadline: Instant,
}

/// What the search found for one boundary on one line.
#[derive(Debug, Default)]
pub struct Found {
    /// Brackets `(lo, hi)` of zeros of `u` on both sides of extrema where `u` has the
    /// other sign than around them (`lo == hi` when the zero is that rational).
    pub zeros: Vec<(BigRational, BigRational)>,
    /// Why the line is not decided, when there is a near touch.
    pub near_touch: Option<String>,
    /// How many extrema were located.
    pub extrema: usize,
}

/// A located extremum: `u'` has the sign `sa` at `a` and the other at `b` (or is 0
/// at `a == b`), inside the grid cell `outer`.
#[derive(Clone, Debug)]
struct Extremum {
    a: BigRational,
    b: BigRational,
    sa: Ordering,
    outer: (f64, f64),
}

impl Line<'_> {
    fn env(&self, x: &BigRational) -> HashMap<Symbol, BigRational> {
        let mut e = self.base.clone();
        e.insert(self.v, x.clone());
        e
    }

    /// The certified sign of `f` at `x`, raising the precision from `prec`; `None`
    /// when undefined there or not decided by `MAX_PREC` bits.
    fn sign(&self, g: &Graph, f: ExprId, x: &BigRational, prec: u32) -> Option<Ordering> {
        let env = self.env(x);
        let mut p = prec.clamp(128, MAX_PREC);
        loop {
            let iv = enclose(g, f, &env, p).ok()?;
            if iv.lo > 0 {
                return Some(Ordering::Greater);
            }
            if iv.hi < 0 {
                return Some(Ordering::Less);
            }
            if iv.is_zero() {
                return Some(Ordering::Equal);
            }
            if p >= MAX_PREC {
                return None;
            }
            p = (p * 4).min(MAX_PREC);
        }
    }

    /// `|f(x)|` as a float interval's upper end and the sign of `f(x)`, certified at
    /// about `prec` bits.
    fn value(&self, g: &Graph, f: ExprId, x: &BigRational, prec: u32) -> Option<(Float, Float)> {
        let env = self.env(x);
        let iv = enclose(g, f, &env, prec.clamp(128, MAX_PREC)).ok()?;
        Some((iv.lo, iv.hi))
    }
}

/// The precision that resolves a function near its zero inside a bracket of width
/// `w` around `m`: the bracket's relative width in bits, plus a margin.
fn prec_for(m: &BigRational, w: &BigRational) -> u32 {
    if w.is_zero() {
        return 256;
    }
    let scale = m.abs().max(BigRational::from_integer(1.into()));
    let ratio = scale / w;
    let bits = ratio.numer().bits().saturating_sub(ratio.denom().bits());
    let bits = u32::try_from(bits).unwrap_or(u32::MAX);
    bits.saturating_add(128).div_ceil(64).saturating_mul(64)
}

fn class(v: f64) -> i8 {
    if v.is_nan() {
        2
    } else if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    }
}

fn ord(c: i8) -> Ordering {
    if c > 0 {
        Ordering::Greater
    } else {
        Ordering::Less
    }
}

fn half() -> BigRational {
    BigRational::new(1.into(), 2.into())
}

/// The zeros of the kink argument `u` around its extrema on the line, and whether a
/// near touch leaves the line undecided. `xs` is the screen's grid (sorted).
pub fn zeros(g: &mut Graph, screen: &mut Screen, u: ExprId, line: &Line<'_>, xs: &[f64]) -> Found {
    let mut found = Found::default();
    let Some(uvals) = screen.values(g, u, line.v, line.base_f, xs) else {
        return found;
    };
    let extrema = match extrema(g, screen, u, line, xs, DEPTH) {
        Ok(e) => e,
        Err(why) => {
            if let Some(k) = local_minimum(xs, &uvals, &[]) {
                found.near_touch = Some(format!(
                    "a kink argument comes close to 0 near {} and its extrema could not be located ({why})",
                    xs[k]
                ));
            }
            return found;
        }
    };
    found.extrema = extrema.len();

    let mut explained: Vec<(f64, f64)> = Vec::new();
    for ext in &extrema {
        if Instant::now() > line.deadline {
            found.near_touch = Some(
                "the time limit was reached while locating the extrema of a kink argument".into(),
            );
            return found;
        }
        explained.push(ext.outer);
        match extremum_sign(g, u, line, ext) {
            Some((m, s)) => {
                for (end, left) in [(ext.outer.0, true), (ext.outer.1, false)] {
                    let Some(end) = BigRational::from_float(end) else {
                        continue;
                    };
                    if line.sign(g, u, &end, 256) != Some(s.reverse()) {
                        continue;
                    }
                    let (a, b) = if left {
                        (end, m.clone())
                    } else {
                        (m.clone(), end)
                    };
                    match zero_between(g, u, line, a, b) {
                        Some(z) => found.zeros.push(z),
                        None => {
                            found.near_touch = Some(
                                "a zero of a kink argument beside its extremum could not be isolated"
                                    .into(),
                            );
                        }
                    }
                }
            }
            None => {
                found.near_touch = Some(
                    "a kink argument touches 0 at an extremum within the precision of its location, so whether it crosses 0 there is not decided"
                        .into(),
                );
            }
        }
    }
    if found.near_touch.is_none() {
        if let Some(k) = local_minimum(xs, &uvals, &explained) {
            found.near_touch = Some(format!(
                "a kink argument comes close to 0 near {} where no extremum was located",
                xs[k]
            ));
        }
    }
    found
}

/// A grid point where `|u|` has a marked local minimum without a sign change and no
/// located extremum's cell (`explained`) lies next to it.
fn local_minimum(xs: &[f64], vals: &[f64], explained: &[(f64, f64)]) -> Option<usize> {
    for k in 1..vals.len().saturating_sub(1) {
        let (a, b, c) = (vals[k - 1], vals[k], vals[k + 1]);
        if !(a.is_finite() && b.is_finite() && c.is_finite()) {
            continue;
        }
        let (ca, cb, cc) = (class(a), class(b), class(c));
        if cb == 0 || ca != cb || cc != cb {
            continue;
        }
        let (a, b, c) = (a.abs(), b.abs(), c.abs());
        let lowest = a.min(c);
        // A real dip (not rounding noise), down to a small part of its neighbours.
        if !(b < lowest * (1.0 - 1e-6) && b < a.max(c) / 16.0) {
            continue;
        }
        let (lo, hi) = (xs[k - 1], xs[k + 1]);
        if explained.iter().any(|&(p, q)| q >= lo && p <= hi) {
            continue;
        }
        return Some(k);
    }
    None
}

/// The extrema of `f` on the line: sign changes of `f'` on the grid (plus, `depth`
/// levels down, the extrema of `f'` itself), each narrowed to a certified bracket.
fn extrema(
    g: &mut Graph,
    screen: &mut Screen,
    f: ExprId,
    line: &Line<'_>,
    xs: &[f64],
    depth: u32,
) -> Result<Vec<Extremum>, &'static str> {
    let df = derive_raw(g, f, line.v, Kink::Left).map_err(|_| "no derivative")?;
    let vals = screen
        .values(g, df, line.v, line.base_f, xs)
        .ok_or("the derivative does not compile to the fast evaluator")?;
    // The grid's points with the sign of f' there; the extrema of f' (where f' may
    // change sign twice between grid points) added with their certified signs.
    let mut pts: Vec<(f64, i8)> = xs.iter().zip(&vals).map(|(&x, &y)| (x, class(y))).collect();
    if depth > 0 {
        for e in extrema(g, screen, df, line, xs, depth - 1)? {
            let m = (&e.a + &e.b) * half();
            let s = match line.sign(g, df, &m, prec_for(&m, &(&e.b - &e.a))) {
                Some(Ordering::Greater) => 1,
                Some(Ordering::Less) => -1,
                Some(Ordering::Equal) => 0,
                None => 2,
            };
            if let Some(x) = m.to_f64() {
                pts.push((x, s));
            }
        }
        pts.sort_by(|p, q| p.0.total_cmp(&q.0));
    }
    let mut out = Vec::new();
    let mut last: Option<(f64, i8)> = None;
    for &(x, c) in &pts {
        match c {
            2 => last = None,
            0 => {}
            _ => {
                if let Some((px, pc)) = last {
                    if pc != c && px < x {
                        if out.len() >= MAX_EXTREMA || Instant::now() > line.deadline {
                            return Err("too many extrema");
                        }
                        if let Some(e) = narrow(g, screen, df, line, (px, pc), (x, c)) {
                            out.push(e);
                        }
                    }
                }
                last = Some((x, c));
            }
        }
    }
    Ok(out)
}

/// A sign change of `df` between grid points `p` and `q` (their `f64` signs),
/// narrowed by `f64` bisection and then certified in MPFR.
fn narrow(
    g: &mut Graph,
    screen: &mut Screen,
    df: ExprId,
    line: &Line<'_>,
    p: (f64, i8),
    q: (f64, i8),
) -> Option<Extremum> {
    let (mut a, mut b) = (p.0, q.0);
    for _ in 0..200 {
        let m = a + (b - a) / 2.0;
        if m <= a || m >= b {
            break;
        }
        let y = screen.values(g, df, line.v, line.base_f, &[m])?[0];
        match class(y) {
            c if c == p.1 => a = m,
            c if c == q.1 => b = m,
            _ => break,
        }
    }
    let outer = (p.0, q.0);
    let sa = ord(p.1);
    let certify = |g: &Graph, a: f64, b: f64| -> Option<Extremum> {
        let (ra, rb) = (BigRational::from_float(a)?, BigRational::from_float(b)?);
        let w = &rb - &ra;
        let prec = prec_for(&ra, &w);
        let (s_a, s_b) = (line.sign(g, df, &ra, prec)?, line.sign(g, df, &rb, prec)?);
        if s_a == Ordering::Equal {
            return Some(Extremum {
                a: ra.clone(),
                b: ra,
                sa,
                outer,
            });
        }
        if s_b == Ordering::Equal {
            return Some(Extremum {
                a: rb.clone(),
                b: rb,
                sa,
                outer,
            });
        }
        (s_a == sa && s_b == sa.reverse()).then_some(Extremum {
            a: ra,
            b: rb,
            sa,
            outer,
        })
    };
    certify(g, a, b).or_else(|| certify(g, p.0, q.0))
}

/// Narrows the extremum until the sign of `u` at its middle is certain: `u(m)` must
/// exceed what `u` can change within the bracket (`|u'|` at its ends times its
/// width). Returns the middle and that sign; `None` for a near touch.
fn extremum_sign(
    g: &mut Graph,
    u: ExprId,
    line: &Line<'_>,
    ext: &Extremum,
) -> Option<(BigRational, Ordering)> {
    let df = derive_raw(g, u, line.v, Kink::Left).ok()?;
    let (mut a, mut b) = (ext.a.clone(), ext.b.clone());
    let mut steps = 0usize;
    loop {
        let m = (&a + &b) * half();
        let w = &b - &a;
        let prec = prec_for(&m, &w);
        let (ulo, uhi) = line.value(g, u, &m, prec)?;
        let sign = if ulo > 0 {
            Some(Ordering::Greater)
        } else if uhi < 0 {
            Some(Ordering::Less)
        } else {
            None
        };
        if let Some(s) = sign {
            if w.is_zero() {
                return Some((m, s));
            }
            // How far u can move from its value at m within the bracket.
            let slope = |x: &BigRational| -> Option<Float> {
                let (lo, hi) = line.value(g, df, x, prec)?;
                Some(if lo.clone().abs() > hi.clone().abs() {
                    lo.abs()
                } else {
                    hi.abs()
                })
            };
            let (sa, sb) = (slope(&a)?, slope(&b)?);
            let most = if sa > sb { sa } else { sb };
            let wf = Float::with_val(prec, crate::expr::convert::to_rug_rational(&w));
            let reach = Float::with_val(prec, &most * &wf) * 4u32;
            let least = if s == Ordering::Greater { ulo } else { -uhi };
            if least > reach {
                return Some((m, s));
            }
        } else if w.is_zero() {
            return None;
        }
        // Eight more bisection steps on u'.
        for _ in 0..8 {
            steps += 1;
            if steps > MAX_STEPS || Instant::now() > line.deadline {
                return None;
            }
            let mid = (&a + &b) * half();
            let p = prec_for(&mid, &(&b - &a));
            match line.sign(g, df, &mid, p)? {
                Ordering::Equal => {
                    a = mid.clone();
                    b = mid;
                    break;
                }
                s if s == ext.sa => a = mid,
                _ => b = mid,
            }
        }
    }
}

/// A certified bracket of a zero of `u` between `a` and `b`, where its signs
/// differ: narrowed until it is far smaller than its distance from the extremum's
/// side.
fn zero_between(
    g: &mut Graph,
    u: ExprId,
    line: &Line<'_>,
    a: BigRational,
    b: BigRational,
) -> Option<(BigRational, BigRational)> {
    let (mut lo, mut hi) = (a.clone(), b.clone());
    let prec0 = prec_for(&lo, &(&hi - &lo));
    let s_lo = line.sign(g, u, &lo, prec0)?;
    for _ in 0..MAX_STEPS {
        let w = &hi - &lo;
        // Small beside the rest of the interval on both sides.
        let room = (&lo - &a).min(&b - &hi);
        if !room.is_zero() && w.clone() * BigRational::from_integer(1024.into()) < room {
            return Some((lo, hi));
        }
        if Instant::now() > line.deadline {
            return None;
        }
        let mid = (&lo + &hi) * half();
        match line.sign(g, u, &mid, prec_for(&mid, &w))? {
            Ordering::Equal => return Some((mid.clone(), mid)),
            s if s == s_lo => lo = mid,
            _ => hi = mid,
        }
    }
    Some((lo, hi))
}
