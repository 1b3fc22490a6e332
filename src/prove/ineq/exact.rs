//! The exact decision of `f >= 0` (or `f > 0`) on a region where `f` has no
//! piecewise nodes and is defined everywhere: the exponential-rational normal form
//! of `f` with one generator — the variable `x` itself, or `t = exp(x/q)` (then
//! `t > 0` ranges over the image of the region) — and at most one square root of a
//! rational `s = sqrt(n)`, is a univariate rational function whose sign on an
//! interval is decided exactly: its real roots are isolated (Sturm), the sign is
//! taken at one rational point between them, and at each root exactly.
//!
//! With `s`, `f = (A + s*B)/(C + s*D)` is rationalised to `(P + s*Q)/E` with
//! `E = C^2 - n*D^2`; the roots of `P + s*Q` are among those of its norm
//! `P^2 - n*Q^2`, and its sign at a rational or algebraic point is decided from the
//! signs of `P`, `Q` and the norm there.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::super::decide::{requirements, Context};
use super::super::normal::{Generator, Normalizer};
use crate::expr::{ExprId, Graph, Node, Symbol};
use crate::poly::{
    count_roots, real_roots, simplest_between, Algebraic, Gen, Interval, Poly, PolyError, Sign,
    UPoly, UniLimits,
};

/// What must be shown of `f` on the region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// `f >= 0` everywhere.
    NonNegative,
    /// `f > 0` everywhere.
    Positive,
}

impl Need {
    fn accepts(self, s: Sign) -> bool {
        match self {
            Need::NonNegative => s != Sign::Negative,
            Need::Positive => s == Sign::Positive,
        }
    }
}

/// The one generator of an exact decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variable {
    /// No generator: `f` is a constant.
    None,
    /// The variable itself.
    Var(Symbol),
    /// `t = exp(x/q)`.
    Exp(Symbol, BigInt),
}

/// An exact sign chart, as re-checked by [`check_exact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExactProof {
    /// The generator.
    pub variable: Variable,
    /// The generator's text (`x`, `t = exp(x/2)`).
    pub generator: String,
    /// `f` as `(P + s*Q)/E` (`Q = 0` without a root).
    pub p: UPoly,
    /// The coefficient of the root `s`.
    pub q: UPoly,
    /// The denominator.
    pub e: UPoly,
    /// The root `n` of `s = sqrt(n)`, if any.
    pub root: Option<BigRational>,
    /// The interval of the generator.
    pub interval: Interval,
    /// The zeros of `f` in the interval (where equality is attained), as text in `x`.
    pub zeros: Vec<String>,
    /// The sign per stretch at its rational sample, in order, with the points between.
    pub samples: Vec<(BigRational, Sign)>,
}

/// A point where `f` has the wrong sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExactWitness {
    /// A rational point (a stretch of the wrong sign).
    Rational(Symbol, BigRational),
    /// An exact irrational point (`x = sqrt(3)`, `x = 2*log(3)`), with an expression
    /// of its value when it has one, and a rational point very near it (for the
    /// stretch case, where any point of the stretch will do).
    Exact {
        /// The variable.
        var: Symbol,
        /// The point as text.
        text: String,
        /// The point as an expression of the language, when it has one.
        value: Option<ExprId>,
        /// A rational enclosure of the point.
        enclosure: (BigRational, BigRational),
    },
    /// `f` is a constant of the wrong sign.
    Constant,
}

/// The outcome of the exact route.
#[derive(Clone, Debug)]
pub enum Exact {
    /// The sign holds everywhere on the region.
    Holds(Box<ExactProof>),
    /// It fails at the witness.
    Fails(ExactWitness),
    /// The exact route does not apply (with the reason).
    NotApplicable(String),
}

const LIMITS: UniLimits = UniLimits::DEFAULT;

/// Decides `f >= 0` / `f > 0` on the region `ctx` exactly, when `f` is in the class.
pub fn decide_exact(g: &mut Graph, f: ExprId, ctx: &Context, need: Need) -> Exact {
    match try_exact(g, f, ctx, need) {
        Ok(e) => e,
        Err(why) => Exact::NotApplicable(why),
    }
}

fn poly_err(e: PolyError) -> String {
    format!("exact sign determination stopped: {e}")
}

/// The pieces of `f`'s normal form over one generator and one root.
pub(super) struct Univariate {
    pub(super) variable: Variable,
    pub(super) generator: String,
    pub(super) p: UPoly,
    pub(super) q: UPoly,
    pub(super) e: UPoly,
    pub(super) root: Option<BigRational>,
}

/// `f` as `(P + s*Q)/E` in one generator.
pub(super) fn univariate(g: &Graph, f: ExprId) -> Result<Univariate, String> {
    let mut n = Normalizer::new(g, &[f]);
    let rf = n
        .normalize(g, f)
        .ok_or_else(|| "no exponential-rational normal form".to_owned())?;
    let gens = n.generators().to_vec();
    let mut main: Option<(Gen, Variable, String)> = None;
    let mut root: Option<(Gen, BigRational)> = None;
    for (i, gen) in gens.iter().enumerate() {
        let i = i as Gen;
        let used = rf.num.generators().contains(&i) || rf.den.generators().contains(&i);
        if !used {
            continue;
        }
        let (var, text) = match gen {
            Generator::Var(s) => (Variable::Var(*s), g.name(*s).to_owned()),
            Generator::Exp { shape, q } if shape.len() == 1 => match g.node(shape[0]) {
                Node::Var(s) => {
                    let arg = if q.is_one() {
                        g.name(*s).to_owned()
                    } else {
                        format!("{}/{q}", g.name(*s))
                    };
                    (Variable::Exp(*s, q.clone()), format!("t = exp({arg})"))
                }
                _ => return Err("more than one generator in the normal form".into()),
            },
            Generator::Root(r) if root.is_none() => {
                root = Some((i, r.clone()));
                continue;
            }
            _ => return Err("more than one generator in the normal form".into()),
        };
        if main.is_some() {
            return Err("more than one generator in the normal form".into());
        }
        main = Some((i, var, text));
    }
    let (mg, variable, generator) = main.unwrap_or((Gen::MAX, Variable::None, String::new()));
    let num = n
        .reduce_roots(&rf.num)
        .ok_or("the normal form is too large")?;
    let den = n
        .reduce_roots(&rf.den)
        .ok_or("the normal form is too large")?;
    let split = |p: &Poly| -> Result<(UPoly, UPoly), String> {
        let Some((rg, _)) = &root else {
            return Ok((to_uni(p, mg)?, UPoly::zero()));
        };
        let groups = p.group_by_power(*rg);
        let a = groups.get(&0).cloned().unwrap_or_else(Poly::zero);
        let b = groups.get(&1).cloned().unwrap_or_else(Poly::zero);
        if groups.keys().any(|&k| k > 1) {
            return Err("a root power was not reduced".into());
        }
        let strip = |p: &Poly| -> Poly {
            let mut out = Poly::zero();
            for (m, c) in p.terms() {
                let _ = out.add_term(m.without(*rg), c.clone());
            }
            out
        };
        Ok((to_uni(&strip(&a), mg)?, to_uni(&strip(&b), mg)?))
    };
    let (a, b) = split(&num)?;
    let (c, d) = split(&den)?;
    let deg = LIMITS.max_degree;
    let (p, q, e) = match &root {
        None => (a, b, c),
        Some((_, r)) => {
            // (a + s b)(c - s d) = (a c - r b d) + s (b c - a d); (c + s d)(c - s d) = c^2 - r d^2.
            let m = |x: &UPoly, y: &UPoly| x.mul(y, deg).map_err(poly_err);
            let p = m(&a, &c)?.sub(&m(&b, &d)?.scale(r));
            let q = m(&b, &c)?.sub(&m(&a, &d)?);
            let e = m(&c, &c)?.sub(&m(&d, &d)?.scale(r));
            (p, q, e)
        }
    };
    if e.is_zero() {
        return Err("the normal form has a zero denominator".into());
    }
    Ok(Univariate {
        variable,
        generator,
        p,
        q,
        e,
        root: root.map(|(_, r)| r),
    })
}

fn to_uni(p: &Poly, g: Gen) -> Result<UPoly, String> {
    if let Some(c) = p.as_constant() {
        return Ok(UPoly::constant(c));
    }
    p.to_univariate(g, LIMITS.max_degree).map_err(poly_err)
}

fn try_exact(g: &mut Graph, f: ExprId, ctx: &Context, need: Need) -> Result<Exact, String> {
    match requirements(g, f, ctx) {
        Some(r) if r.is_empty() => {}
        Some(_) => {
            return Err("the expression is not known to be defined on the whole region".into())
        }
        None => return Err("an expression outside the normal form".into()),
    }
    let u = univariate(g, f)?;
    let interval = match &u.variable {
        Variable::None => Interval::line(),
        Variable::Var(s) => ctx.get(s).cloned().unwrap_or_else(Interval::line),
        Variable::Exp(s, _) => exp_interval(ctx.get(s))?,
    };
    let sign = Signer {
        p: &u.p,
        q: &u.q,
        e: &u.e,
        root: u.root.as_ref(),
    };
    let chart = chart(&sign, &interval).map_err(poly_err)?;
    let mut zeros = Vec::new();
    let mut samples = Vec::new();
    for part in chart {
        match part {
            Part::Stretch(sample, s) => {
                if !need.accepts(s) {
                    return Ok(Exact::Fails(witness_in_stretch(g, &u.variable, &sample)));
                }
                samples.push((sample, s));
            }
            Part::Zero(at) => {
                if !need.accepts(Sign::Zero) {
                    return Ok(Exact::Fails(witness_at(g, &u.variable, &at)?));
                }
                zeros.push(point_text(g, &u.variable, &at));
            }
            Part::Pole => return Err("the normal form has a pole on the region".into()),
        }
    }
    if let Variable::None = u.variable {
        // A constant: its sign was checked through the one stretch.
        if samples.is_empty() && zeros.is_empty() {
            return Err("an empty region".into());
        }
    }
    Ok(Exact::Holds(Box::new(ExactProof {
        variable: u.variable,
        generator: u.generator,
        p: u.p,
        q: u.q,
        e: u.e,
        root: u.root,
        interval,
        zeros,
        samples,
    })))
}

/// The interval of `t = exp(x/q)` when `x` ranges over `iv`: only ends at 0 or
/// infinite ends map to rationals (`exp(0) = 1`).
fn exp_interval(iv: Option<&Interval>) -> Result<Interval, String> {
    let zero = BigRational::zero();
    let Some(iv) = iv else {
        return Ok(Interval::open(Some(zero), None));
    };
    let map_end =
        |end: &Option<(BigRational, bool)>, infinite: Option<(BigRational, bool)>| match end {
            None => Ok(infinite),
            Some((v, closed)) if v.is_zero() => Ok(Some((BigRational::one(), *closed))),
            Some(_) => {
                Err("an exponential generator on a region with a non-zero rational end".to_owned())
            }
        };
    Ok(Interval {
        lo: map_end(&iv.lo, Some((zero, false)))?,
        hi: map_end(&iv.hi, None)?,
    })
}

/// Signs of `(P + s*Q)/E` at rationals and at algebraic numbers.
pub(super) struct Signer<'a> {
    pub(super) p: &'a UPoly,
    pub(super) q: &'a UPoly,
    pub(super) e: &'a UPoly,
    pub(super) root: Option<&'a BigRational>,
}

/// The sign of `a + sqrt(n)*b` given the signs of `a`, `b` and `a^2 - n*b^2`.
fn sign_with_root(sa: Sign, sb: Sign, norm: Sign) -> Sign {
    match (sa, sb) {
        (Sign::Zero, s) | (s, Sign::Zero) => s,
        (x, y) if x == y => x,
        // Opposite signs: the larger magnitude wins; equal magnitudes cancel.
        (x, y) => match norm {
            Sign::Positive => x,
            Sign::Negative => y,
            Sign::Zero => Sign::Zero,
        },
    }
}

impl Signer<'_> {
    fn numerator_at_rational(&self, r: &BigRational) -> Sign {
        let a = self.p.eval(r);
        match self.root {
            None => Sign::of(&a),
            Some(n) => {
                let b = self.q.eval(r);
                let norm = &a * &a - n * &b * &b;
                sign_with_root(Sign::of(&a), Sign::of(&b), Sign::of(&norm))
            }
        }
    }

    fn at_rational(&self, r: &BigRational) -> Option<Sign> {
        let de = self.e.sign_at(r);
        (de != Sign::Zero).then(|| self.numerator_at_rational(r) * de)
    }

    fn norm(&self) -> Result<UPoly, PolyError> {
        let deg = LIMITS.max_degree;
        match self.root {
            None => Ok(self.p.clone()),
            Some(n) => Ok(self
                .p
                .mul(self.p, deg)?
                .sub(&self.q.mul(self.q, deg)?.scale(n))),
        }
    }

    /// The numerator's sign and the denominator's at an algebraic number.
    fn at_algebraic(&self, x: &Algebraic) -> Result<(Sign, Sign), PolyError> {
        let de = x.sign_of(self.e, &LIMITS)?;
        let sa = x.sign_of(self.p, &LIMITS)?;
        let num = match self.root {
            None => sa,
            Some(_) => {
                let sb = x.sign_of(self.q, &LIMITS)?;
                let sn = x.sign_of(&self.norm()?, &LIMITS)?;
                sign_with_root(sa, sb, sn)
            }
        };
        Ok((num, de))
    }

    /// The polynomial whose roots hold every zero and pole.
    fn critical(&self) -> Result<UPoly, PolyError> {
        let norm = self.norm()?;
        if norm.is_zero() {
            return Ok(self.e.clone());
        }
        norm.mul(self.e, LIMITS.max_degree)
    }
}

/// One part of a chart.
pub(super) enum Part {
    Stretch(BigRational, Sign),
    Zero(Algebraic),
    Pole,
}

/// The chart of the function on the interval, in increasing order.
pub(super) fn chart(s: &Signer, iv: &Interval) -> Result<Vec<Part>, PolyError> {
    if iv.is_empty() {
        return Ok(Vec::new());
    }
    let critical = s.critical()?;
    let mut points: Vec<Algebraic> = if critical.is_constant() {
        Vec::new()
    } else {
        real_roots(&critical, &LIMITS)?
            .into_iter()
            .filter(|a| a.lies_in(iv))
            .collect()
    };
    let mut parts = Vec::new();
    let stretch = |r: BigRational| -> Part {
        match s.at_rational(&r) {
            Some(sign) => Part::Stretch(r, sign),
            None => Part::Pole,
        }
    };
    if points.is_empty() {
        parts.push(stretch(iv.sample()));
        return Ok(parts);
    }
    // Separate the first and last points from finite ends.
    let lo_end = iv.lo.clone();
    let hi_end = iv.hi.clone();
    let n = points.len();
    if let Some((e, _)) = &lo_end {
        separate(&mut points[0], e)?;
    }
    if let Some((e, _)) = &hi_end {
        separate(&mut points[n - 1], e)?;
    }
    match &lo_end {
        None => parts.push(stretch(
            points[0].enclosure().0.floor() - BigRational::one(),
        )),
        Some((e, _)) if points[0].cmp_rational(e) == Ordering::Greater => {
            parts.push(stretch(simplest_between(e, &points[0].enclosure().0)));
        }
        Some(_) => {}
    }
    for i in 0..n {
        if i > 0 {
            let upper = points[i - 1].enclosure().1;
            let lower = points[i].enclosure().0;
            let sample = if upper < lower {
                simplest_between(&upper, &lower)
            } else {
                upper
            };
            parts.push(stretch(sample));
        }
        let (num, den) = s.at_algebraic(&points[i])?;
        parts.push(if den == Sign::Zero {
            Part::Pole
        } else if num == Sign::Zero {
            Part::Zero(points[i].clone())
        } else {
            // A root of the norm that is not a zero of `P + s*Q`: no sign change
            // needs a point here, but it is a stretch of the numerator's sign.
            match points[i].as_rational() {
                Some(r) => Part::Stretch(r.clone(), num * den),
                None => continue,
            }
        });
    }
    match &hi_end {
        None => parts.push(stretch(
            points[n - 1].enclosure().1.ceil() + BigRational::one(),
        )),
        Some((e, _)) if points[n - 1].cmp_rational(e) == Ordering::Less => {
            parts.push(stretch(simplest_between(&points[n - 1].enclosure().1, e)));
        }
        Some(_) => {}
    }
    Ok(parts)
}

/// Narrows an algebraic number's interval until `e` lies outside it.
fn separate(x: &mut Algebraic, e: &BigRational) -> Result<(), PolyError> {
    if x.as_rational().is_some() {
        return Ok(());
    }
    let mut width = {
        let (lo, hi) = x.enclosure();
        hi - lo
    };
    for _ in 0..4096 {
        let (lo, hi) = x.enclosure();
        if e < &lo || e > &hi {
            return Ok(());
        }
        width /= BigRational::from_integer(2.into());
        x.refine(&width, &LIMITS)?;
    }
    Err(PolyError::TooManySteps { limit: 4096 })
}

/// The point `x` where the generator takes the value `at`, as text.
fn point_text(g: &Graph, var: &Variable, at: &Algebraic) -> String {
    match var {
        Variable::None => String::new(),
        Variable::Var(s) => format!("{} = {at}", g.name(*s)),
        Variable::Exp(s, q) => {
            if at.as_rational().is_some_and(One::is_one) {
                return format!("{} = 0", g.name(*s));
            }
            let log = format!("log({at})");
            if q.is_one() {
                format!("{} = {log}", g.name(*s))
            } else {
                format!("{} = {q}*{log}", g.name(*s))
            }
        }
    }
}

/// A counterexample at a zero of `f` (a strict inequality fails there).
fn witness_at(g: &mut Graph, var: &Variable, at: &Algebraic) -> Result<ExactWitness, String> {
    let s = match var {
        Variable::None => return Ok(ExactWitness::Constant),
        Variable::Var(s) | Variable::Exp(s, _) => *s,
    };
    if let (Variable::Var(_), Some(r)) = (var, at.as_rational()) {
        return Ok(ExactWitness::Rational(s, r.clone()));
    }
    if let (Variable::Exp(..), Some(r)) = (var, at.as_rational()) {
        if r.is_one() {
            return Ok(ExactWitness::Rational(s, BigRational::zero()));
        }
    }
    let text = point_text(g, var, at);
    let value_text = text.split_once(" = ").map(|(_, v)| v.to_owned());
    let value = match (var, at.to_expression_text(), value_text) {
        (Variable::Var(_), Some(t), _) => crate::defs::parse_expr(g, &t).ok(),
        (Variable::Exp(..), Some(_), Some(v)) => crate::defs::parse_expr(g, &v).ok(),
        _ => None,
    };
    let mut a = at.clone();
    a.refine(
        &BigRational::new(1.into(), BigInt::from(1u64 << 62)),
        &LIMITS,
    )
    .map_err(poly_err)?;
    let (lo, hi) = a.enclosure();
    let enclosure = match var {
        Variable::Exp(_, q) => {
            let qf = BigRational::from_integer(q.clone());
            (&qf * log_down(&lo), &qf * log_up(&hi))
        }
        _ => (lo, hi),
    };
    Ok(ExactWitness::Exact {
        var: s,
        text,
        value,
        enclosure,
    })
}

fn log_down(r: &BigRational) -> BigRational {
    log_rounded(r, rug::float::Round::Down)
}

fn log_up(r: &BigRational) -> BigRational {
    log_rounded(r, rug::float::Round::Up)
}

fn log_rounded(r: &BigRational, round: rug::float::Round) -> BigRational {
    let q = crate::expr::convert::to_rug_rational(r);
    let x = rug::Float::with_val_round(256, &q, round).0;
    let l = rug::Float::with_val_round(256, x.ln_ref(), round).0;
    super::boxes::float_to_rational(&l).unwrap_or_else(BigRational::zero)
}

/// A counterexample in a stretch of the wrong sign: a rational point of it.
fn witness_in_stretch(g: &mut Graph, var: &Variable, sample: &BigRational) -> ExactWitness {
    match var {
        Variable::None => ExactWitness::Constant,
        Variable::Var(s) => ExactWitness::Rational(*s, sample.clone()),
        Variable::Exp(s, q) => {
            // x = q*log(t): a rational near it is in the open stretch unless the
            // stretch is extremely short; the caller certifies the point.
            let qf = BigRational::from_integer(q.clone());
            if sample.is_one() {
                return ExactWitness::Rational(*s, BigRational::zero());
            }
            let mid = &qf * log_down(sample);
            let _ = g;
            ExactWitness::Rational(*s, round_to_simple(&mid))
        }
    }
}

/// A simple rational within 2^-40 of `r`.
fn round_to_simple(r: &BigRational) -> BigRational {
    let eps = BigRational::new(1.into(), BigInt::from(1u64 << 40));
    simplest_between(&(r - &eps), &(r + &eps))
}

/// Re-checks an exact proof independently of the isolation that produced it: the
/// normal form is rebuilt and must be the recorded one; the number of distinct
/// roots of the critical polynomial in the interval (a Sturm count) must equal the
/// number of recorded zeros plus the norm's roots that are not zeros; and every
/// recorded stretch sample lies in the interval and has an accepted sign.
pub fn check_exact(
    g: &mut Graph,
    f: ExprId,
    ctx: &Context,
    need: Need,
    proof: &ExactProof,
) -> Result<(), String> {
    match requirements(g, f, ctx) {
        Some(r) if r.is_empty() => {}
        _ => return Err("the expression is not defined on the whole region".into()),
    }
    let u = univariate(g, f)?;
    if u.p != proof.p || u.q != proof.q || u.e != proof.e || u.root != proof.root {
        return Err("the normal form is not the recorded one".into());
    }
    let sign = Signer {
        p: &u.p,
        q: &u.q,
        e: &u.e,
        root: u.root.as_ref(),
    };
    // No pole in the interval.
    if !u.e.is_constant() && count_roots(&u.e, &proof.interval, &LIMITS).map_err(poly_err)? > 0 {
        return Err("the denominator vanishes on the region".into());
    }
    for (r, s) in &proof.samples {
        if !proof.interval.contains(r) && !proof.interval.is_empty() {
            return Err(format!("the sample {r} is outside the region"));
        }
        if sign.at_rational(r) != Some(*s) || !need.accepts(*s) {
            return Err(format!("the sign at {r} is not the recorded one"));
        }
    }
    // The chart again, from the Sturm sequence of the critical polynomial: every
    // stretch and every zero must have an accepted sign, and there is no pole.
    for part in chart(&sign, &proof.interval).map_err(poly_err)? {
        match part {
            Part::Stretch(r, s) if !need.accepts(s) => {
                return Err(format!("the sign at {r} is rejected"))
            }
            Part::Zero(at) if !need.accepts(Sign::Zero) => {
                return Err(format!("the function vanishes at {at}"))
            }
            Part::Pole => return Err("the function has a pole on the region".into()),
            _ => {}
        }
    }
    Ok(())
}
