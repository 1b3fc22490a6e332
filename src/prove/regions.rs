//! The regions of the numeric route. A claim is looked at along lines: one variable
//! free, the others fixed at a base point. On each line the boundaries of the claim
//! — the zeros of kink arguments (`max`, `min`, `abs`), of switching conditions
//! (`if`, `sign`), of domain edges (denominators, `log` and root arguments) and of
//! the `where` conditions — are located, exactly where the algebra allows (linear
//! roots; polynomial roots by Sturm isolation; roots of polynomials in `t = exp(x/q)`,
//! so `sigmoid(x) = 0.7` at `x = log(7/3)`), otherwise by the fast evaluator's
//! screen (a sign change on a dense grid, bisected). The line is cut at every
//! boundary into regions, and each region gets its points: both sides of each end at
//! several scales (`end ± 10^-k` of the width), the interior, and far out where it is
//! unbounded.
//!
//! A boundary point matters on its own where the claim may switch there (a condition,
//! `sign`, a domain edge): a rational one is sampled exactly; an irrational one is
//! evaluated at its exact value (`log(7/3)`, `sqrt(2)`) when it has one, and is
//! otherwise reported as not decided (so the claim is never `verified`).

use std::collections::{BTreeSet, HashMap};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use rug::float::Round;
use rug::Float;

use super::normal::{Generator, Normalizer};
use super::region::{shape_of, Interval, Shape};
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};
use crate::poly::{real_roots, Algebraic, UniLimits};

/// The least number of agreeing points every region needs before the claim may be
/// `verified`.
pub const MIN_AGREEING: usize = 32;

/// Why a boundary matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A kink of a continuous piecewise function (`max`, `min`, `abs`): only the
    /// regions on both sides matter.
    Kink,
    /// A switching condition (`if`, `sign`): the value at the zero itself may differ.
    Switch,
    /// A domain edge where the value at the zero is defined on its own: the
    /// argument of a root or a power with a symbolic exponent.
    Domain,
    /// A pole: where the argument of a division (a negative power) or of `log` is
    /// 0, the expression holding it is undefined.
    Pole,
    /// A `where` condition; `closed` when its zero belongs to the region.
    Condition {
        /// `<=` or `>=`.
        closed: bool,
    },
}

impl Source {
    /// Whether the zero itself must be evaluated.
    #[must_use]
    pub fn point_matters(self) -> bool {
        !matches!(self, Source::Kink | Source::Condition { closed: false })
    }
}

/// An expression whose zeros cut the lines.
#[derive(Clone, Copy, Debug)]
pub struct Boundary {
    /// The expression (a function of the claim's variables).
    pub expr: ExprId,
    /// The node it belongs to (the piecewise node, the power or the `log`).
    pub node: ExprId,
    /// Why its zeros matter.
    pub source: Source,
}

/// The boundaries of a claim: every piecewise node's condition, every domain edge of
/// both sides and of the conditions, and every condition.
pub fn boundaries(g: &mut Graph, sides: &[ExprId], conditions: &[ExprId]) -> Vec<Boundary> {
    let mut out: Vec<Boundary> = Vec::new();
    let mut roots: Vec<ExprId> = sides.to_vec();
    roots.extend_from_slice(conditions);
    for id in g.reachable(&roots) {
        let found = match g.node(id).clone() {
            Node::Max(a, b) | Node::Min(a, b) => Some((g.sub(a, b), Source::Kink)),
            Node::Func(Func::Abs, u) => Some((u, Source::Kink)),
            Node::Func(Func::Sign, u) => Some((u, Source::Switch)),
            Node::If(c, _, _) => match g.node(c).clone() {
                Node::Cmp(_, a, b) => Some((g.sub(a, b), Source::Switch)),
                _ => None,
            },
            Node::Pow(b, e) => match g.as_num(e) {
                Some(k) if k.is_integer() && !k.is_negative() => None,
                Some(k) if k.is_negative() => Some((b, Source::Pole)),
                _ => Some((b, Source::Domain)),
            },
            Node::Func(Func::Log, u) => Some((u, Source::Pole)),
            _ => None,
        };
        if let Some((expr, source)) = found {
            if !g.free_vars(expr).is_empty() {
                out.push(Boundary {
                    expr,
                    node: id,
                    source,
                });
            }
        }
    }
    for &c in conditions {
        if let Node::Cmp(op, a, b) = g.node(c).clone() {
            let expr = g.sub(a, b);
            if !g.free_vars(expr).is_empty() {
                let closed = matches!(op, CmpOp::Le | CmpOp::Ge);
                out.push(Boundary {
                    expr,
                    node: c,
                    source: Source::Condition { closed },
                });
            }
        }
    }
    out
}

/// A zero of a boundary on a line.
#[derive(Clone, Debug)]
pub struct Crossing {
    /// A rational lower bound of the zero (equal to `hi` when it is rational).
    pub lo: BigRational,
    /// A rational upper bound.
    pub hi: BigRational,
    /// The exact value as a constant expression, when it has one.
    pub exact: Option<ExprId>,
    /// Why it matters.
    pub source: Source,
    /// Whether the boundary (a pole or a switch) is certainly 0 exactly at `exact`,
    /// by exact algebra (a root of its normal form's numerator, not of its
    /// denominator, of an expression defined everywhere).
    pub certain: bool,
    /// The node the boundary belongs to.
    pub node: Option<ExprId>,
}

impl Crossing {
    /// The rational value, when the zero is rational.
    #[must_use]
    pub fn rational(&self) -> Option<&BigRational> {
        (self.lo == self.hi).then_some(&self.lo)
    }
}

/// The zeros of `c` (a function of `v` alone) when exact algebra finds all of them:
/// `None` when it cannot (then the screen looks for sign changes).
pub fn exact_zeros(g: &mut Graph, c: ExprId, v: Symbol, b: &Boundary) -> Option<Vec<Crossing>> {
    let source = b.source;
    let certain = matches!(source, Source::Pole | Source::Switch) && g.info(c).total;
    match shape_of(g, c) {
        Some(Shape::Constant(_)) => return Some(Vec::new()),
        Some(Shape::Linear(lin)) => {
            let r = lin.root();
            let exact = Some(g.num(r.clone()));
            return Some(vec![Crossing {
                lo: r.clone(),
                hi: r,
                exact,
                source,
                certain,
                node: Some(b.node),
            }]);
        }
        None => {}
    }
    // Positive wherever it is defined (`1 + exp(-log(x))`): no zeros.
    if super::normal::positive_where_defined(g, c) {
        return Some(Vec::new());
    }
    // Zeros through the structure: `log(u)` is 0 where `u = 1`, `abs(u)` and `u^k`
    // (k > 0) where `u` is, a product where a factor is (each operand's own domain
    // edges are boundaries of their own).
    let derived = Boundary {
        expr: c,
        node: b.node,
        source: if source == Source::Pole {
            Source::Domain
        } else {
            source
        },
    };
    match g.node(c).clone() {
        Node::Func(Func::Log, u) => {
            let one = g.int(1);
            let d = g.sub(u, one);
            return exact_zeros(g, d, v, &derived);
        }
        Node::Func(Func::Abs, u) => return exact_zeros(g, u, v, &derived),
        Node::Pow(u, e) if g.as_num(e).is_some_and(Signed::is_positive) => {
            return exact_zeros(g, u, v, &derived);
        }
        Node::Mul(fs) => {
            let mut all = Vec::new();
            for f in fs.iter() {
                if g.free_vars(*f).contains(&v) {
                    all.extend(exact_zeros(g, *f, v, &derived)?);
                }
            }
            return Some(all);
        }
        _ => {}
    }
    let mut n = Normalizer::new(g, &[c]);
    let f = n.normalize(g, c)?;
    let gens: BTreeSet<u32> = f
        .num
        .generators()
        .into_iter()
        .chain(f.den.generators())
        .collect();
    if gens.len() != 1 {
        return None;
    }
    let gen = *gens.iter().next()?;
    let limits = UniLimits::DEFAULT;
    let num = f.num.to_univariate(gen, limits.max_degree).ok()?;
    let den = f.den.to_univariate(gen, limits.max_degree).ok()?;
    let kind = match n.generators().get(gen as usize)? {
        Generator::Var(s) if *s == v => None,
        Generator::Exp { shape, q } if shape.len() == 1 && g.node(shape[0]) == &Node::Var(v) => {
            Some(BigRational::from_integer(q.clone()))
        }
        _ => return None,
    };
    let mut out = Vec::new();
    for (p, is_num) in [(&num, true), (&den, false)] {
        if p.is_constant() {
            continue;
        }
        for root in real_roots(p, &limits).ok()? {
            // A zero of the numerator is certainly a zero of `c` when the
            // denominator does not vanish there too.
            let den_nonzero =
                is_num && root.sign_of(&den, &limits).ok()? != crate::poly::Sign::Zero;
            let zero = match &kind {
                None => polynomial_zero(g, root, source)?,
                Some(q) => match exp_zero(g, root, q, source)? {
                    Some(z) => z,
                    None => continue,
                },
            };
            out.push(Crossing {
                certain: certain && den_nonzero && zero.exact.is_some(),
                node: Some(b.node),
                ..zero
            });
        }
    }
    Some(out)
}

fn tiny() -> BigRational {
    BigRational::new(BigInt::one(), BigInt::one() << 200)
}

/// A root `x` of a polynomial in the variable itself.
fn polynomial_zero(g: &mut Graph, mut root: Algebraic, source: Source) -> Option<Crossing> {
    if let Some(r) = root.as_rational() {
        let exact = Some(g.num(r.clone()));
        return Some(Crossing {
            lo: r.clone(),
            hi: r.clone(),
            exact,
            source,
            certain: false,
            node: None,
        });
    }
    let exact = root
        .to_expression_text()
        .and_then(|t| crate::defs::parse_expr(g, &t).ok());
    root.refine(&tiny(), &UniLimits::DEFAULT).ok()?;
    let (lo, hi) = root.enclosure();
    Some(Crossing {
        lo,
        hi,
        exact,
        source,
        certain: false,
        node: None,
    })
}

/// A root `t` of a polynomial in `t = exp(x/q)`: the zero `x = q*log(t)` when `t > 0`.
fn exp_zero(
    g: &mut Graph,
    mut root: Algebraic,
    q: &BigRational,
    source: Source,
) -> Option<Option<Crossing>> {
    if root.cmp_rational(&BigRational::zero()) != std::cmp::Ordering::Greater {
        return Some(None);
    }
    root.refine(&tiny(), &UniLimits::DEFAULT).ok()?;
    let (tlo, thi) = root.enclosure();
    let t_expr = match root.as_rational() {
        Some(r) => Some(g.num(r.clone())),
        None => root
            .to_expression_text()
            .and_then(|t| crate::defs::parse_expr(g, &t).ok()),
    };
    let exact = t_expr.map(|t| {
        let l = g.func(Func::Log, t);
        let qn = g.num(q.clone());
        g.mul(vec![qn, l])
    });
    let (a_lo, a_hi) = q_log(&tlo, q)?;
    let (b_lo, b_hi) = q_log(&thi, q)?;
    Some(Some(Crossing {
        lo: a_lo.min(b_lo),
        hi: a_hi.max(b_hi),
        exact,
        source,
        certain: false,
        node: None,
    }))
}

/// Rational bounds of `q*log(t)` for `t > 0`, rounded outward.
fn q_log(t: &BigRational, q: &BigRational) -> Option<(BigRational, BigRational)> {
    if !t.is_positive() {
        return None;
    }
    let prec = 256;
    let tq = crate::expr::convert::to_rug_rational(t);
    let t_lo = Float::with_val_round(prec, &tq, Round::Down).0;
    let t_hi = Float::with_val_round(prec, &tq, Round::Up).0;
    if t_lo.cmp0() != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let l_lo = Float::with_val_round(prec, t_lo.ln_ref(), Round::Down).0;
    let l_hi = Float::with_val_round(prec, t_hi.ln_ref(), Round::Up).0;
    let qq = crate::expr::convert::to_rug_rational(q);
    let mut lo: Option<BigRational> = None;
    let mut hi: Option<BigRational> = None;
    for l in [&l_lo, &l_hi] {
        let d = Float::with_val_round(prec, l * &qq, Round::Down).0;
        let u = Float::with_val_round(prec, l * &qq, Round::Up).0;
        let d = from_rug(&d.to_rational()?);
        let u = from_rug(&u.to_rational()?);
        lo = Some(lo.map_or(d.clone(), |x: BigRational| x.min(d)));
        hi = Some(hi.map_or(u.clone(), |x: BigRational| x.max(u)));
    }
    Some((lo?, hi?))
}

/// A GMP rational as a num-rational one, exactly.
fn from_rug(r: &rug::Rational) -> BigRational {
    let int =
        |n: &rug::Integer| BigInt::parse_bytes(n.to_string().as_bytes(), 10).unwrap_or_default();
    BigRational::new(int(r.numer()), int(r.denom()))
}

/// `10^k` as a rational (`k` may be negative).
#[must_use]
pub fn pow10(k: i32) -> BigRational {
    let p = BigRational::from_integer(num_traits::pow(BigInt::from(10), k.unsigned_abs() as usize));
    if k < 0 {
        p.recip()
    } else {
        p
    }
}

fn rat(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

/// The scales at which points approach a region's ends: `10^-k` of the width.
const NEAR: [i32; 10] = [1, 2, 3, 4, 6, 9, 13, 20, 30, 45];

/// The structured points of a region `(lo, hi)` (open; `None` is unbounded): both
/// ends approached at several scales, the interior, and far out.
#[must_use]
pub fn region_points(lo: Option<&BigRational>, hi: Option<&BigRational>) -> Vec<BigRational> {
    let mut out: Vec<BigRational> = Vec::new();
    match (lo, hi) {
        (Some(a), Some(b)) => {
            let w = b - a;
            for k in NEAR {
                out.push(a + &w * pow10(-k));
                out.push(b - &w * pow10(-k));
            }
            for j in 1..=17 {
                out.push(a + &w * rat(j, 18));
            }
        }
        (Some(a), None) | (None, Some(a)) => {
            let up = lo.is_some();
            let w = a.abs().max(BigRational::one());
            let step = |d: BigRational| if up { a + d } else { a - d };
            for k in NEAR {
                out.push(step(&w * pow10(-k)));
                out.push(step(pow10(-k)));
            }
            for m in [
                rat(1, 3),
                rat(1, 2),
                rat(1, 1),
                rat(3, 2),
                rat(2, 1),
                rat(3, 1),
            ] {
                out.push(step(&w * m));
            }
            for k in [1, 2, 3, 4, 6, 8, 12, 20, 30, 50, 100, 300] {
                out.push(step(pow10(k)));
            }
        }
        (None, None) => {
            out.push(BigRational::zero());
            for m in [
                pow10(-30),
                pow10(-10),
                pow10(-3),
                rat(1, 3),
                rat(1, 2),
                rat(1, 1),
                rat(3, 2),
                rat(2, 1),
                rat(3, 1),
                rat(7, 1),
                pow10(1),
                pow10(2),
                pow10(3),
                pow10(6),
                pow10(12),
                pow10(30),
                pow10(100),
            ] {
                out.push(-m.clone());
                out.push(m);
            }
        }
    }
    let inside = |p: &BigRational| lo.is_none_or(|a| p > a) && hi.is_none_or(|b| p < b);
    let mut seen = BTreeSet::new();
    out.retain(|p| inside(p) && seen.insert(p.clone()));
    out
}

/// More points of a region when its structured ones are not enough: evenly spread
/// (`count` of them), or along a geometric ladder where it is unbounded.
#[must_use]
pub fn extra_points(
    lo: Option<&BigRational>,
    hi: Option<&BigRational>,
    count: usize,
) -> Vec<BigRational> {
    let n = count as i64 + 1;
    let out: Vec<BigRational> = match (lo, hi) {
        (Some(a), Some(b)) => (1..n)
            .map(|j| a + (b - a) * rat(2 * j - 1, 2 * n))
            .collect(),
        (Some(a), None) => (1..n).map(|j| a + rat(j * j, 7)).collect(),
        (None, Some(b)) => (1..n).map(|j| b - rat(j * j, 7)).collect(),
        (None, None) => (1..n)
            .map(|j| rat(if j % 2 == 0 { j * j } else { -j * j }, 11))
            .collect(),
    };
    out
}

/// The interval of `v` as exact rational ends (open/closed flags dropped).
#[must_use]
pub fn ends(iv: &Interval) -> (Option<BigRational>, Option<BigRational>) {
    (
        iv.lo.as_ref().map(|(v, _)| v.clone()),
        iv.hi.as_ref().map(|(v, _)| v.clone()),
    )
}

/// Substitutes the base point's values for the other variables.
pub fn on_line(g: &mut Graph, e: ExprId, base: &HashMap<Symbol, BigRational>) -> ExprId {
    if base.is_empty() {
        return e;
    }
    let bind: HashMap<Symbol, ExprId> = base.iter().map(|(&s, r)| (s, g.num(r.clone()))).collect();
    g.substitute(e, &bind)
}
