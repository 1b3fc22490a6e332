//! Exact piecewise analysis of a function of one variable: the breakpoints, the
//! polynomial on each piece, the values at the breakpoints, and from them whether the
//! function is piecewise linear and continuous (the chapter's exercise: an MLP built
//! from ReLU or pReLU is a continuous piecewise linear function).
//!
//! The expression (unfolded: definitions inlined, `diff(...)` taken with the left-hand
//! convention) is evaluated bottom-up into a [`Piecewise`] function: sorted rational
//! breakpoints, one polynomial with rational coefficients on each open interval
//! between them, and the exact value at each breakpoint. Sums, products, integer
//! powers, `max`, `min`, `abs`, `sign` and `if` of comparisons stay in that class;
//! where two pieces are compared (`max`, `min`, a condition), the comparison's
//! difference is linear on each piece and its root, a rational, becomes a new
//! breakpoint. Everything is exact, so the verdicts are too:
//! - piecewise linear when every piece has degree at most 1;
//! - not piecewise linear when a piece on an open interval has degree 2 or more (it
//!   is curved there);
//! - otherwise (`exp`, `pi`, a symbolic parameter, a comparison of curved pieces) the
//!   analysis gives up with [`PwlError::Unsupported`] rather than guess.
//!
//! Breakpoints where nothing changes (the same polynomial on both sides and the
//! value in between) are removed, so `relu(x) - relu(-x)` is one piece, `x`.
//!
//! Outside that class, [`curvature_witness`] can still prove "not piecewise linear":
//! a point where the function is certainly smooth and its second derivative's MPFR
//! enclosure excludes 0 (so `sigmoid` is curved, while `sigmoid(x) + sigmoid(-x)`,
//! which is 1, never gets a witness). [`continuous_everywhere`] says when such a
//! function is certainly continuous.
//!
//! For every value of symbolic parameters at once, [`classify`] gives a structural
//! class by closure rules (affine, continuous piecewise linear, ...).

pub mod classify;

pub use classify::{classify, Class, Classified};

use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::Instant;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diff::Kink;
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};
use crate::poly::{PolyError, UPoly};
use crate::unfold::{unfold, UnfoldError};

/// The largest number of pieces an analysis may create.
pub const MAX_PIECES: usize = 10_000;
/// The largest total number of pieces over all subexpressions of one analysis.
pub const MAX_WORK: usize = 200_000;
/// The largest polynomial degree an analysis may create.
pub const MAX_DEGREE: usize = 64;

/// Why an expression was not analysed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PwlError {
    /// An operation outside the piecewise-polynomial class, or one this analysis
    /// cannot decide exactly; the text says which.
    #[error("{0}")]
    Unsupported(String),
    /// More pieces or a higher degree than the limits allow.
    #[error("{0}")]
    TooLarge(String),
    /// The expression could not be reduced to built-in operations (a `diff(...)`
    /// that cannot be taken, the graph's limits).
    #[error(transparent)]
    Unfold(#[from] UnfoldError),
    /// The deadline given to [`analyse_until`] passed before the analysis ended.
    #[error("the time limit was reached before the analysis ended")]
    TimeLimit,
}

/// A product of pieces within [`MAX_DEGREE`].
fn mul(p: &UPoly, q: &UPoly) -> Result<UPoly, PwlError> {
    p.mul(q, MAX_DEGREE).map_err(|e| match e {
        PolyError::DegreeTooHigh { degree, limit } => PwlError::TooLarge(format!(
            "a product of degree {degree} (the limit is {limit})"
        )),
        other => PwlError::TooLarge(other.to_string()),
    })
}

/// A function of one variable, defined everywhere, given exactly: `pieces[i]` is the
/// polynomial on the open interval from `breaks[i - 1]` to `breaks[i]` (unbounded
/// below for `i = 0`, above for the last), and `at[i]` the value at `breaks[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piecewise {
    /// The breakpoints, strictly increasing.
    pub breaks: Vec<BigRational>,
    /// One polynomial per open interval: `breaks.len() + 1` of them.
    pub pieces: Vec<UPoly>,
    /// The value at each breakpoint.
    pub at: Vec<BigRational>,
}

impl Piecewise {
    fn constant(c: BigRational) -> Piecewise {
        Piecewise {
            breaks: Vec::new(),
            pieces: vec![UPoly::constant(c)],
            at: Vec::new(),
        }
    }

    /// The value at `p`.
    #[must_use]
    pub fn value_at(&self, p: &BigRational) -> BigRational {
        match self.breaks.binary_search(p) {
            Ok(i) => self.at[i].clone(),
            Err(i) => self.pieces[i].eval(p),
        }
    }

    /// The open interval of piece `i`, as its ends (`None` when unbounded).
    #[must_use]
    pub fn interval(&self, i: usize) -> (Option<&BigRational>, Option<&BigRational>) {
        let lo = i.checked_sub(1).and_then(|j| self.breaks.get(j));
        (lo, self.breaks.get(i))
    }

    /// The limit from the left and from the right at breakpoint `i`.
    #[must_use]
    pub fn limits(&self, i: usize) -> (BigRational, BigRational) {
        let b = &self.breaks[i];
        (self.pieces[i].eval(b), self.pieces[i + 1].eval(b))
    }

    /// Whether every piece has degree at most 1.
    #[must_use]
    pub fn is_linear(&self) -> bool {
        self.pieces.iter().all(|p| p.degree() <= 1)
    }

    /// Whether the function is continuous: at every breakpoint both one-sided limits
    /// equal the value.
    #[must_use]
    pub fn is_continuous(&self) -> bool {
        (0..self.breaks.len()).all(|i| {
            let (l, r) = self.limits(i);
            l == self.at[i] && r == self.at[i]
        })
    }

    /// The function on the open interval `(lo, hi)`: the breakpoints strictly inside,
    /// and the pieces that meet it (the first and last piece stand for the parts from
    /// `lo` and up to `hi`).
    #[must_use]
    pub fn restrict(&self, lo: &BigRational, hi: &BigRational) -> Piecewise {
        let a = self.breaks.partition_point(|b| b <= lo);
        let z = self.breaks.partition_point(|b| b < hi).max(a);
        Piecewise {
            breaks: self.breaks[a..z].to_vec(),
            pieces: self.pieces[a..=z].to_vec(),
            at: self.at[a..z].to_vec(),
        }
    }

    /// Removes breakpoints where the polynomial is the same on both sides and the
    /// value in between is its value (one pass, nothing copied).
    fn merged(self) -> Piecewise {
        let n = self.breaks.len();
        let mut pieces = self.pieces.into_iter();
        let mut out = Piecewise {
            breaks: Vec::with_capacity(n),
            pieces: Vec::with_capacity(n + 1),
            at: Vec::with_capacity(n),
        };
        out.pieces.push(pieces.next().expect("at least one piece"));
        for ((b, v), next) in self.breaks.into_iter().zip(self.at).zip(pieces) {
            let last = out.pieces.last().expect("at least one piece");
            if *last == next && last.eval(&b) == v {
                continue;
            }
            out.breaks.push(b);
            out.at.push(v);
            out.pieces.push(next);
        }
        out
    }
}

/// The sorted union of two sorted breakpoint lists, in one merge pass.
fn union(a: &[BigRational], b: &[BigRational]) -> Vec<BigRational> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                out.push(a[i].clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Where each point and each open interval of `breaks`, a sorted superset of `own`,
/// falls among `own`: for interval `i` (below `breaks[i]`, and the last above all),
/// the index of `own`'s interval that contains it; for point `i`, `Ok(j)` when it is
/// `own[j]`, else `Err(k)` with `k` the `own` interval it lies inside. One pass.
fn walk(own: &[BigRational], breaks: &[BigRational]) -> (Vec<usize>, Vec<Result<usize, usize>>) {
    let mut pieces = Vec::with_capacity(breaks.len() + 1);
    let mut points = Vec::with_capacity(breaks.len());
    let mut j = 0;
    pieces.push(0);
    for b in breaks {
        if own.get(j) == Some(b) {
            points.push(Ok(j));
            j += 1;
        } else {
            points.push(Err(j));
        }
        pieces.push(j);
    }
    (pieces, points)
}

impl Piecewise {
    /// The value at point `i` of a [`walk`]: the stored value, or the piece's.
    fn walked_value(&self, b: &BigRational, at: Result<usize, usize>) -> BigRational {
        match at {
            Ok(j) => self.at[j].clone(),
            Err(k) => self.pieces[k].eval(b),
        }
    }
}

fn within_piece_limit(n: usize) -> Result<(), PwlError> {
    if n > MAX_PIECES {
        return Err(PwlError::TooLarge(format!("more than {MAX_PIECES} pieces")));
    }
    Ok(())
}

/// `f(a, b)` piece by piece and point by point, on the union of the breakpoints.
fn zip(
    a: &Piecewise,
    b: &Piecewise,
    piece: impl Fn(&UPoly, &UPoly) -> Result<UPoly, PwlError>,
    point: impl Fn(&BigRational, &BigRational) -> BigRational,
) -> Result<Piecewise, PwlError> {
    let breaks = union(&a.breaks, &b.breaks);
    within_piece_limit(breaks.len())?;
    let (pa, ta) = walk(&a.breaks, &breaks);
    let (pb, tb) = walk(&b.breaks, &breaks);
    let pieces = pa
        .iter()
        .zip(&pb)
        .map(|(&i, &j)| piece(&a.pieces[i], &b.pieces[j]))
        .collect::<Result<_, _>>()?;
    let at = breaks
        .iter()
        .zip(ta.iter().zip(&tb))
        .map(|(x, (&i, &j))| point(&a.walked_value(x, i), &b.walked_value(x, j)))
        .collect();
    Ok(Piecewise { breaks, pieces, at })
}

/// The sum of `terms` in one sweep over their sorted breakpoints: the sum's piece
/// changes at a breakpoint only by the terms that break there, so the cost is
/// `O(B log B)` in the total number of breakpoints `B` (a fold of pairwise sums
/// would refine every partial sum again, `O(B^2)`).
fn sum(terms: &[&Piecewise], deadline: Option<Instant>) -> Result<Piecewise, PwlError> {
    let mut events: Vec<(&BigRational, usize, usize)> = terms
        .iter()
        .enumerate()
        .flat_map(|(t, f)| f.breaks.iter().enumerate().map(move |(j, b)| (b, t, j)))
        .collect();
    events.sort_by(|a, b| a.0.cmp(b.0));
    // The coefficients of the current piece, updated in place at each breakpoint.
    let mut coeffs: Vec<BigRational> = Vec::new();
    for f in terms {
        add_into(&mut coeffs, &f.pieces[0], false);
    }
    let mut piece = UPoly::from_coeffs(coeffs.clone());
    let mut out = Piecewise {
        breaks: Vec::with_capacity(events.len()),
        pieces: Vec::with_capacity(events.len() + 1),
        at: Vec::with_capacity(events.len()),
    };
    let mut k = 0;
    while k < events.len() {
        let b = events[k].0;
        // The left pieces' sum at `b`, corrected by each term that breaks there.
        let mut value = piece.eval(b);
        while let Some(&(c, t, j)) = events.get(k) {
            if c != b {
                break;
            }
            let f = terms[t];
            if f.at[j] != f.pieces[j].eval(b) {
                value += &f.at[j] - f.pieces[j].eval(b);
            }
            add_into(&mut coeffs, &f.pieces[j + 1], false);
            add_into(&mut coeffs, &f.pieces[j], true);
            k += 1;
        }
        let next = UPoly::from_coeffs(coeffs.clone());
        out.breaks.push(b.clone());
        within_piece_limit(out.breaks.len())?;
        if out.breaks.len() % 1024 == 0 {
            check_deadline(deadline)?;
        }
        out.at.push(value);
        out.pieces.push(std::mem::replace(&mut piece, next));
    }
    out.pieces.push(piece);
    Ok(out)
}

/// `acc += p` (or `acc -= p`) on coefficient vectors, in place.
fn add_into(acc: &mut Vec<BigRational>, p: &UPoly, subtract: bool) {
    let cs = p.coeffs();
    if acc.len() < cs.len() {
        acc.resize(cs.len(), BigRational::zero());
    }
    for (a, c) in acc.iter_mut().zip(cs) {
        if subtract {
            *a -= c;
        } else {
            *a += c;
        }
    }
}

fn check_deadline(deadline: Option<Instant>) -> Result<(), PwlError> {
    match deadline {
        Some(d) if Instant::now() >= d => Err(PwlError::TimeLimit),
        _ => Ok(()),
    }
}

/// The sign of a function, exactly: `breaks` (those of `d` plus the roots of its
/// pieces inside their intervals), its sign on each open interval between them and at
/// each of them.
struct Signs {
    breaks: Vec<BigRational>,
    pieces: Vec<Ordering>,
    at: Vec<Ordering>,
}

/// The [`Signs`] of `d`, in one pass over its pieces and without sample points: a
/// piece of degree 1 with no root inside its interval has one sign there, that of
/// its slope on the side above the root. Fails where a piece of degree 2 or more would
/// have to be split.
fn signs(d: &Piecewise, what: &str) -> Result<Signs, PwlError> {
    let zero = BigRational::zero();
    let mut out = Signs {
        breaks: Vec::with_capacity(d.breaks.len() + 1),
        pieces: Vec::with_capacity(d.breaks.len() + 2),
        at: Vec::with_capacity(d.breaks.len() + 1),
    };
    for (i, p) in d.pieces.iter().enumerate() {
        match p.degree() {
            0 => out.pieces.push(p.coeff(0).cmp(&zero)),
            1 => {
                let slope = p.coeff(1).cmp(&zero);
                let root = -p.coeff(0) / p.coeff(1);
                let (lo, hi) = d.interval(i);
                if lo.is_none_or(|l| *l < root) && hi.is_none_or(|h| root < *h) {
                    out.pieces.push(slope.reverse());
                    out.breaks.push(root);
                    out.at.push(Ordering::Equal);
                    out.pieces.push(slope);
                } else if lo.is_some_and(|l| *l >= root) {
                    out.pieces.push(slope);
                } else {
                    out.pieces.push(slope.reverse());
                }
            }
            n => {
                return Err(PwlError::Unsupported(format!(
                    "{what} compares curved pieces (a difference of degree {n}), whose crossings need not be rational"
                )))
            }
        }
        if let (Some(b), Some(v)) = (d.breaks.get(i), d.at.get(i)) {
            out.breaks.push(b.clone());
            out.at.push(v.cmp(&zero));
        }
    }
    within_piece_limit(out.breaks.len())?;
    Ok(out)
}

/// `if(l op r, a, b)` (with `a`, `b` constant for an indicator, `then`/`else` of a
/// conditional, or the operands of `max`/`min`).
fn select(
    l: &Piecewise,
    r: &Piecewise,
    op: CmpOp,
    a: &Piecewise,
    b: &Piecewise,
    what: &str,
) -> Result<Piecewise, PwlError> {
    let d = zip(l, r, |p, q| Ok(p.sub(q)), |p, q| p - q)?;
    let s = signs(&d, what)?;
    let breaks = union(&s.breaks, &union(&a.breaks, &b.breaks));
    within_piece_limit(breaks.len())?;
    let (ps, ts) = walk(&s.breaks, &breaks);
    let (pa, ta) = walk(&a.breaks, &breaks);
    let (pb, tb) = walk(&b.breaks, &breaks);
    let pieces = (0..=breaks.len())
        .map(|i| {
            if op.holds(s.pieces[ps[i]]) {
                a.pieces[pa[i]].clone()
            } else {
                b.pieces[pb[i]].clone()
            }
        })
        .collect();
    let at = breaks
        .iter()
        .enumerate()
        .map(|(i, x)| {
            // Off the sign's own points, `d` keeps the sign of the interval.
            let sign = match ts[i] {
                Ok(j) => s.at[j],
                Err(k) => s.pieces[k],
            };
            if op.holds(sign) {
                a.walked_value(x, ta[i])
            } else {
                b.walked_value(x, tb[i])
            }
        })
        .collect();
    Ok(Piecewise { breaks, pieces, at })
}

fn unsupported(what: impl Into<String>) -> PwlError {
    PwlError::Unsupported(what.into())
}

/// Analyses `root` as a function of `var`, unfolded first: definitions inlined, and
/// `diff(...)` taken with the left-hand convention at kinks.
///
/// # Errors
/// [`PwlError::Unsupported`] for an expression outside the exact piecewise-polynomial
/// class (an exponential, `pi`, another variable, a comparison of curved pieces, an
/// undefined point), [`PwlError::TooLarge`] beyond [`MAX_PIECES`] or [`MAX_DEGREE`].
///
/// # Examples
/// ```
/// use actsym::expr::Graph;
/// use actsym::defs::parse_expr;
/// use actsym::pwl::analyse;
///
/// let mut g = Graph::with_prelude();
/// let e = parse_expr(&mut g, "relu(x) - 2*relu(x - 1) + relu(x - 2)").unwrap();
/// let x = g.symbol("x");
/// let f = analyse(&mut g, e, x).unwrap();
/// assert_eq!(f.breaks.len(), 3);
/// assert!(f.is_linear() && f.is_continuous());
/// ```
pub fn analyse(g: &mut Graph, root: ExprId, var: Symbol) -> Result<Piecewise, PwlError> {
    analyse_until(g, root, var, None)
}

/// [`analyse`] that gives up with [`PwlError::TimeLimit`] once `deadline` has
/// passed (checked between nodes and during long sums).
///
/// # Errors
/// As [`analyse`], and [`PwlError::TimeLimit`].
pub fn analyse_until(
    g: &mut Graph,
    root: ExprId,
    var: Symbol,
    deadline: Option<Instant>,
) -> Result<Piecewise, PwlError> {
    let e = unfold(g, root, Kink::Left)?;

    let mut work = 0usize;
    let one = || Piecewise::constant(BigRational::one());
    let zero = || Piecewise::constant(BigRational::zero());
    // Children have smaller ids, so the sorted ids are an order children-first, and a
    // node's value is kept at its position in it.
    let order = g.reachable(&[e]);
    let pos = |c: &ExprId| order.binary_search(c).expect("reachable");
    let mut val: Vec<Option<Piecewise>> = vec![None; order.len()];
    // How many parents still need each node's value: a value is dropped after its
    // last use, so only the frontier of the sweep is kept.
    let mut uses = vec![0usize; order.len()];
    for &id in &order {
        for c in reads(g, id) {
            uses[pos(&c)] += 1;
        }
    }
    for (here, &id) in order.iter().enumerate() {
        check_deadline(deadline)?;
        let get = |c: &ExprId| val[pos(c)].as_ref().expect("children first");
        let v = match g.node(id).clone() {
            Node::Num(r) => Piecewise::constant(r),
            Node::Bool(b) => Piecewise::constant(if b {
                BigRational::one()
            } else {
                BigRational::zero()
            }),
            Node::Pi => return Err(unsupported("pi is not rational")),
            Node::Undefined => {
                return Err(unsupported(
                    "the expression is undefined somewhere (only functions defined everywhere are analysed)",
                ))
            }
            Node::Var(s) if s == var => Piecewise {
                breaks: Vec::new(),
                pieces: vec![UPoly::x()],
                at: Vec::new(),
            },
            Node::Var(s) => {
                return Err(unsupported(format!(
                    "{} is a parameter: give it a value (for example prelu(x, 1/4))",
                    g.name(s)
                )))
            }
            Node::Add(ts) => {
                let terms: Vec<&Piecewise> = ts.iter().map(get).collect();
                sum(&terms, deadline)?
            }
            Node::Mul(fs) => fs
                .iter()
                .try_fold(one(), |acc, t| zip(&acc, get(t), mul, |p, q| p * q))?,
            Node::Pow(b, ex) => {
                let base = get(&b);
                let n = g
                    .as_num(ex)
                    .filter(|r| r.is_integer())
                    .map(BigRational::to_integer)
                    .ok_or_else(|| unsupported("a fractional or symbolic power"))?;
                if n.is_negative() {
                    // A quotient: exact only by a nonzero constant.
                    let constant = base.breaks.is_empty() && base.pieces[0].degree() == 0;
                    return Err(match (constant, base.pieces[0].coeff(0).is_zero()) {
                        (true, true) => unsupported("0 to a negative power is undefined everywhere"),
                        _ => unsupported("a quotient by a non-constant expression is not a polynomial"),
                    });
                }
                let n = n
                    .to_usize()
                    .filter(|&n| n <= MAX_DEGREE)
                    .ok_or_else(|| {
                        PwlError::TooLarge(format!("a power above {MAX_DEGREE}"))
                    })?;
                let mut acc = one();
                for _ in 0..n {
                    acc = zip(&acc, base, mul, |p, q| p * q)?;
                }
                acc
            }
            Node::Func(Func::Abs, u) => {
                let u = get(&u);
                let neg = zip(&zero(), u, |p, q| Ok(p.sub(q)), |p, q| p - q)?;
                select(u, &zero(), CmpOp::Ge, u, &neg, "abs")?
            }
            Node::Func(Func::Sign, u) => {
                let u = get(&u);
                let minus = Piecewise::constant(-BigRational::one());
                let neg_or_zero = select(u, &zero(), CmpOp::Lt, &minus, &zero(), "sign")?;
                select(u, &zero(), CmpOp::Gt, &one(), &neg_or_zero, "sign")?
            }
            Node::Func(f, _) => {
                return Err(unsupported(format!(
                    "{} is not piecewise polynomial",
                    f.name()
                )))
            }
            Node::Max(a, b) => {
                let (a, b) = (get(&a), get(&b));
                select(a, b, CmpOp::Ge, a, b, "max")?
            }
            Node::Min(a, b) => {
                let (a, b) = (get(&a), get(&b));
                select(a, b, CmpOp::Le, a, b, "min")?
            }
            Node::Cmp(op, l, r) => select(get(&l), get(&r), op, &one(), &zero(), "a condition")?,
            Node::If(c, a, b) => match g.node(c).clone() {
                Node::Cmp(op, l, r) => select(get(&l), get(&r), op, get(&a), get(&b), "if")?,
                Node::Bool(true) => get(&a).clone(),
                Node::Bool(false) => get(&b).clone(),
                _ => return Err(unsupported("if with a condition that is not a comparison")),
            },
            Node::Call(name, _) => {
                return Err(unsupported(format!(
                    "{} is not defined",
                    g.name(name)
                )))
            }
            Node::Diff(..) => return Err(unsupported("a derivative that could not be taken")),
        };
        within_piece_limit(v.breaks.len())?;
        let v = v.merged();
        // The total work is bounded too: many nodes with many pieces each.
        work += v.pieces.len();
        if work > MAX_WORK {
            return Err(PwlError::TooLarge(format!(
                "more than {MAX_WORK} pieces in all the subexpressions"
            )));
        }
        for c in reads(g, id) {
            let i = pos(&c);
            uses[i] -= 1;
            if uses[i] == 0 {
                val[i] = None;
            }
        }
        val[here] = Some(v);
    }
    Ok(val[pos(&e)].take().expect("the root is reachable"))
}

/// The nodes whose values a node's value is computed from, each once: its children,
/// and for an `if` on a comparison the comparison's operands too.
fn reads(g: &Graph, id: ExprId) -> Vec<ExprId> {
    let n = g.node(id);
    let mut cs = n.children();
    if let Node::If(c, ..) = n {
        if let Node::Cmp(_, l, r) = g.node(*c) {
            cs.extend([*l, *r]);
        }
    }
    cs.sort_unstable();
    cs.dedup();
    cs
}

/// A piece's polynomial as an expression in `var`, for printing.
pub fn poly_expr(g: &mut Graph, p: &UPoly, var: Symbol) -> ExprId {
    let x = g.var_sym(var);
    let terms: Vec<ExprId> = p
        .coeffs()
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_zero())
        .map(|(k, c)| {
            let c = g.num(c.clone());
            let k = i64::try_from(k).unwrap_or(i64::MAX);
            let kx = g.int(k);
            let xk = g.pow(x, kx);
            g.mul(vec![c, xk])
        })
        .collect();
    if terms.is_empty() {
        g.int(0)
    } else {
        g.add(terms)
    }
}

/// A certificate that a function is not piecewise linear: at `at` the function is
/// analytic (no kink, branch or domain edge is within the enclosures' reach) and its
/// second derivative's enclosure excludes 0. An analytic function with `f'' != 0` at a
/// point is curved on a whole neighbourhood, and a piecewise linear function is
/// linear near all but finitely many points.
#[derive(Clone, Debug)]
pub struct CurvatureWitness {
    /// The point.
    pub at: BigRational,
    /// An interval (MPFR, outward rounding) that holds `f''(at)`, as text.
    pub second_derivative: String,
}

/// The points tried by [`curvature_witness`]: small rationals spread over `[-6, 6]`.
const PROBES: [(i64, i64); 10] = [
    (1, 3),
    (-2, 3),
    (7, 5),
    (-9, 7),
    (3, 1),
    (-3, 1),
    (1, 7),
    (11, 2),
    (-13, 3),
    (-1, 11),
];

/// Looks for a [`CurvatureWitness`] for `root` as a function of `var` (any other free
/// variable makes the enclosures fail, and the answer `None`).
///
/// # Errors
/// [`UnfoldError`] when `root` cannot be unfolded or its second derivative cannot
/// be taken.
pub fn curvature_witness(
    g: &mut Graph,
    root: ExprId,
    var: Symbol,
) -> Result<Option<CurvatureWitness>, UnfoldError> {
    use crate::certified::enclose;
    let e = unfold(g, root, Kink::Left)?;
    // Every place where smoothness can fail, as an expression that must be certainly
    // non-zero (or positive) at the point.
    let mut nonzero = Vec::new();
    let mut positive = Vec::new();
    for id in g.reachable(&[e]) {
        match g.node(id).clone() {
            Node::Max(a, b) | Node::Min(a, b) | Node::Cmp(_, a, b) => nonzero.push(g.sub(a, b)),
            Node::Func(Func::Abs | Func::Sign, u) => nonzero.push(u),
            Node::Func(Func::Log, u) => positive.push(u),
            Node::Pow(b, ex) => match g.as_num(ex) {
                Some(r) if r.is_integer() && !r.is_negative() => {}
                Some(r) if r.is_integer() => nonzero.push(b),
                _ => positive.push(b),
            },
            Node::Undefined | Node::Call(..) | Node::Diff(..) => return Ok(None),
            _ => {}
        }
    }
    let d2 = crate::diff::derive_n(g, e, var, 2, Kink::Left)?;
    // Derivatives keep named functions (sigmoid' is written with sigmoid): unfold them
    // for the evaluator.
    let d2 = unfold(g, d2, Kink::Left)?;
    for (n, d) in PROBES {
        let p = BigRational::new(BigInt::from(n), BigInt::from(d));
        let env = HashMap::from([(var, p.clone())]);
        let smooth = nonzero
            .iter()
            .all(|&t| enclose(g, t, &env, 128).is_ok_and(|iv| !iv.contains_zero()))
            && positive
                .iter()
                .all(|&t| enclose(g, t, &env, 128).is_ok_and(|iv| iv.lo > 0));
        if !smooth {
            continue;
        }
        if let Ok(iv) = enclose(g, d2, &env, 128) {
            if !iv.contains_zero() {
                return Ok(Some(CurvatureWitness {
                    at: p,
                    second_derivative: iv.describe(),
                }));
            }
        }
    }
    Ok(None)
}

/// Whether `root` is certainly continuous everywhere: defined at every point, and
/// built only from operations continuous where defined (no `if`, comparison or
/// `sign`). `false` means "not known".
///
/// # Errors
/// [`UnfoldError`] when `root` cannot be unfolded.
pub fn continuous_everywhere(g: &mut Graph, root: ExprId) -> Result<bool, UnfoldError> {
    let e = unfold(g, root, Kink::Left)?;
    Ok(g.info(e).total
        && g.reachable(&[e]).into_iter().all(|id| {
            !matches!(
                g.node(id),
                Node::If(..)
                    | Node::Cmp(..)
                    | Node::Func(Func::Sign, _)
                    | Node::Undefined
                    | Node::Call(..)
                    | Node::Diff(..)
            )
        }))
}
