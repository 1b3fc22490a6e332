//! Asymptotic expansions on an unbounded tail: what `f(x)` does for `x >= L` (or
//! `x <= -L`) with `L` far out (the last rung of the box ladder, `2^1024`), where
//! interval enclosures alone cannot decide a sign (`Phi(x) + x*phi(x)` as
//! `x -> -inf` is a sum of two terms that both tend to 0).
//!
//! With `t = x` (or `t = -x`), a value on the tail is a short sum of terms
//! `c(t)*M(t)`: a scale `M(t) = t^a*(log t)^b*exp(P(t))` (`P` a polynomial in
//! rational powers of `t` with rational coefficients) and a coefficient `c(t)` that
//! lies in a fixed interval for every `t >= L` (often an exact constant such as
//! `1/sqrt(pi)`, kept as an expression so that `1 - 1` cancels exactly). The terms
//! are sorted by scale, the largest first. Every rule is an inequality valid for all
//! `t >= L`: `erfc(v)` lies between `exp(-v^2)/(v*sqrt(pi))*(1 - 1/(2*v^2))` and
//! `exp(-v^2)/(v*sqrt(pi))`; `log(1 + y) = y*θ` with `θ` in `[1/(1 + ρ), 1/(1 - ρ)]`
//! when `|y| <= ρ < 1`; a smaller scale is at most its ratio to a larger one at `L`
//! times the larger, once the ratio's logarithmic derivative is shown negative on
//! the whole tail.
//!
//! So `f = c0*M0*(1 + y)` with `|y| <= ρ`: when `ρ < 1` and `c0` has a sign, `f` has
//! that sign on the whole tail ([`TailFacts::sign`]); in any case it has it
//! eventually ([`TailFacts::eventual`]), and its limit is `±inf`, `c0` or 0.

use std::cmp::Ordering;
use std::collections::HashMap;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use rug::float::Round;
use rug::Float;

use super::boxes::{enclose_box, infinity, rational, BoxArith, XInterval};
use crate::diff::{derive, Kink};
use crate::expr::{ExprId, Func, Graph, Node, Symbol};

/// The most terms an expansion keeps; smaller ones are absorbed into larger.
const MAX_TERMS: usize = 8;

/// Which end of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `x >= L`, `x -> +inf`.
    Above,
    /// `x <= -L`, `x -> -inf`.
    Below,
}

/// What is known of `f` on a tail.
#[derive(Clone, Debug)]
pub struct TailFacts {
    /// An enclosure of the values of `f` on the whole tail.
    pub range: XInterval,
    /// The sign of `f` at every point of the tail (`Equal`: `f` is 0 there).
    pub sign: Option<Ordering>,
    /// The sign of `f` for `|x|` large enough.
    pub eventual: Option<Ordering>,
    /// The limit of `f` as `|x| -> inf` along the tail.
    pub limit: Limit,
}

/// A limit at infinity.
#[derive(Clone, Debug)]
pub enum Limit {
    /// `+inf` (`true`) or `-inf`.
    Infinite(bool),
    /// A finite limit: an enclosure, the exact value when known, and whether `f`
    /// stays strictly above it (`Some(true)`) or below it on the whole tail.
    Finite {
        /// An enclosure of the limit.
        value: XInterval,
        /// The limit as an exact constant expression.
        exact: Option<ExprId>,
        /// Whether `f` is strictly above (`true`) or below the limit on the tail.
        from_above: Option<bool>,
    },
    /// Not found.
    Unknown,
}

/// `t^a * (log t)^b * (log log t)^c * exp(sum of p_k * t^k)`, `p` sorted by
/// exponent, largest first, without zero coefficients.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Scale {
    p: Vec<(BigRational, BigRational)>,
    a: BigRational,
    b: BigRational,
    c: BigRational,
}

impl Scale {
    fn unit() -> Self {
        Scale {
            p: Vec::new(),
            a: BigRational::zero(),
            b: BigRational::zero(),
            c: BigRational::zero(),
        }
    }

    fn power(a: BigRational) -> Self {
        Scale { a, ..Scale::unit() }
    }

    fn log_power(b: BigRational) -> Self {
        Scale { b, ..Scale::unit() }
    }

    fn is_unit(&self) -> bool {
        self.p.is_empty() && self.a.is_zero() && self.b.is_zero() && self.c.is_zero()
    }

    fn mul(&self, o: &Scale) -> Scale {
        let mut p: Vec<(BigRational, BigRational)> = self.p.clone();
        for (k, c) in &o.p {
            match p.iter_mut().find(|(k2, _)| k2 == k) {
                Some(e) => e.1 += c,
                None => p.push((k.clone(), c.clone())),
            }
        }
        p.retain(|(_, c)| !c.is_zero());
        p.sort_by(|x, y| y.0.cmp(&x.0));
        Scale {
            p,
            a: &self.a + &o.a,
            b: &self.b + &o.b,
            c: &self.c + &o.c,
        }
    }

    fn pow(&self, k: &BigRational) -> Scale {
        if k.is_zero() {
            return Scale::unit();
        }
        Scale {
            p: self.p.iter().map(|(e, c)| (e.clone(), c * k)).collect(),
            a: &self.a * k,
            b: &self.b * k,
            c: &self.c * k,
        }
    }

    /// Whether the scale tends to infinity (`Greater`), to 0 (`Less`), or is 1.
    fn growth(&self) -> Ordering {
        let s = |c: &BigRational| c.cmp(&BigRational::zero());
        if let Some((_, c)) = self.p.first() {
            return s(c);
        }
        if !self.a.is_zero() {
            return s(&self.a);
        }
        if !self.b.is_zero() {
            return s(&self.b);
        }
        s(&self.c)
    }
}

fn cmp_scales(x: &Scale, y: &Scale) -> Ordering {
    x.mul(&y.pow(&-BigRational::one())).growth()
}

/// A coefficient: an enclosure valid on the whole tail, and the exact constant
/// when it is one.
#[derive(Clone, Debug)]
struct Coef {
    iv: XInterval,
    exact: Option<ExprId>,
}

#[derive(Clone, Debug)]
struct Term {
    c: Coef,
    s: Scale,
}

type Expansion = Vec<Term>;

/// `f = c0*M0*(1 + y)` with every scale of `y` tending to 0 and `|y| <= rho`.
struct Dominant {
    c0: Coef,
    m0: Scale,
    y: Expansion,
    rho: Float,
}

/// The expansion machinery for one tail.
struct Asym {
    prec: u32,
    ar: BoxArith,
    var: Symbol,
    /// `x = sigma*t`.
    sigma: i64,
    /// `log L`, `log log L`, `log log log L` (enclosures).
    ln_r: XInterval,
    lnln_r: XInterval,
    lnlnln_r: XInterval,
    /// A fresh symbol for the one-variable enclosures of a function's value and
    /// derivative.
    free: Symbol,
}

/// What `f` does on the tail `t >= start` (`x = t` above, `x = -t` below), when
/// its expansion can be built; `f` must be unfolded and have no variable but
/// `var`, and `start` must be at least 16.
pub fn analyse(
    g: &mut Graph,
    f: ExprId,
    var: Symbol,
    side: Side,
    start: &BigRational,
    prec: u32,
) -> Option<TailFacts> {
    if *start < BigRational::from_integer(16.into()) {
        return None;
    }
    if g.free_vars(f).iter().any(|&v| v != var) {
        return None;
    }
    let ar = BoxArith::new(prec);
    let r = rational(prec, start);
    let ln_r = ar.log(&r).ok()?;
    let lnln_r = ar.log(&ln_r).ok()?;
    let lnlnln_r = ar.log(&lnln_r).ok()?;
    let free = g.symbol("__tail_v");
    let asym = Asym {
        prec,
        ar,
        var,
        sigma: if side == Side::Above { 1 } else { -1 },
        ln_r,
        lnln_r,
        lnlnln_r,
        free,
    };
    let e = asym.expand(g, f)?;
    asym.facts(g, &e)
}

fn zero_float(prec: u32) -> Float {
    Float::with_val(prec, 0)
}

impl Asym {
    fn point(&self, v: Float) -> XInterval {
        XInterval::new(v.clone(), v)
    }

    fn exact_coef(&self, g: &mut Graph, id: ExprId) -> Option<Coef> {
        let iv = enclose_box(g, id, &HashMap::new(), self.prec).ok()?;
        Some(Coef {
            iv,
            exact: Some(id),
        })
    }

    fn rat_coef(&self, g: &mut Graph, q: &BigRational) -> Coef {
        let id = g.num(q.clone());
        Coef {
            iv: rational(self.prec, q),
            exact: Some(id),
        }
    }

    fn range_coef(iv: XInterval) -> Coef {
        Coef { iv, exact: None }
    }

    fn is_zero(g: &Graph, c: &Coef) -> bool {
        match c.exact {
            Some(id) => g.as_num(id).is_some_and(Zero::is_zero),
            None => c.iv.lo == 0 && c.iv.hi == 0,
        }
    }

    fn c_add(&self, g: &mut Graph, x: &Coef, y: &Coef) -> Coef {
        if let (Some(a), Some(b)) = (x.exact, y.exact) {
            let s = g.add(vec![a, b]);
            if let Some(c) = self.exact_coef(g, s) {
                return c;
            }
        }
        Self::range_coef(self.ar.add(&x.iv, &y.iv))
    }

    fn c_mul(&self, g: &mut Graph, x: &Coef, y: &Coef) -> Coef {
        if let (Some(a), Some(b)) = (x.exact, y.exact) {
            let s = g.mul(vec![a, b]);
            if let Some(c) = self.exact_coef(g, s) {
                return c;
            }
        }
        Self::range_coef(self.ar.mul(&x.iv, &y.iv))
    }

    fn c_pow(&self, g: &mut Graph, x: &Coef, k: &BigRational) -> Option<Coef> {
        if x.iv.contains_zero() {
            return None;
        }
        if !k.is_integer() && x.iv.hi < 0 {
            return None;
        }
        if let Some(a) = x.exact {
            let kk = g.num(k.clone());
            let s = g.pow(a, kk);
            if let Some(c) = self.exact_coef(g, s) {
                return Some(c);
            }
        }
        Some(Self::range_coef(self.ar.pow_rational(&x.iv, k).ok()?))
    }

    fn c_func(&self, g: &mut Graph, f: Func, x: &Coef) -> Option<Coef> {
        if let Some(a) = x.exact {
            let s = g.func(f, a);
            if let Some(c) = self.exact_coef(g, s) {
                return Some(c);
            }
        }
        let v = g.var_sym(self.free);
        let e = g.func(f, v);
        let iv = enclose_box(g, e, &HashMap::from([(self.free, x.iv.clone())]), self.prec).ok()?;
        Some(Self::range_coef(iv))
    }

    /// The magnitude `max |c|` of a coefficient, rounded up.
    fn c_abs(c: &Coef) -> Float {
        let lo = c.iv.lo.clone().abs();
        let hi = c.iv.hi.clone().abs();
        if lo > hi {
            lo
        } else {
            hi
        }
    }

    /// `L^k` as an enclosure.
    fn r_pow(&self, k: &BigRational) -> XInterval {
        self.ar
            .exp(&self.ar.mul(&rational(self.prec, k), &self.ln_r))
    }

    /// Whether `log M` is monotone on the whole tail in the direction of its
    /// growth: its derivative times `t`, `sum k*p_k*t^k + a + b/log t + c/(log t *
    /// log log t)`, has the sign of its leading part for every `t >= L`.
    fn monotone(&self, s: &Scale) -> bool {
        let prec = self.prec;
        let ar = &self.ar;
        let abs_iv = |q: &BigRational| rational(prec, &q.abs());
        // |c| / log log L and (|b| + that) / log L, rounded up.
        let (Ok(inv1), Ok(inv2)) = (ar.recip(&self.ln_r), ar.recip(&self.lnln_r)) else {
            return false;
        };
        let c_part = ar.mul(&abs_iv(&s.c), &inv2);
        let b_part = ar.mul(&ar.add(&abs_iv(&s.b), &c_part), &inv1);
        if let Some((top, pk)) = s.p.first() {
            let lead = rational(prec, &(top * pk).abs());
            let mut rest = ar.mul(&ar.add(&abs_iv(&s.a), &b_part), &self.r_pow(&-top.clone()));
            for (k, c) in &s.p[1..] {
                let term = ar.mul(&rational(prec, &(k * c).abs()), &self.r_pow(&(k - top)));
                rest = ar.add(&rest, &term);
            }
            return lead.lo > rest.hi;
        }
        if !s.a.is_zero() {
            return abs_iv(&s.a).lo > b_part.hi;
        }
        if !s.b.is_zero() {
            return abs_iv(&s.b).lo > c_part.hi;
        }
        true
    }

    /// The values of the scale on the tail.
    fn scale_range(&self, s: &Scale) -> Option<XInterval> {
        let prec = self.prec;
        if s.is_unit() {
            let one = Float::with_val(prec, 1);
            return Some(XInterval::new(one.clone(), one));
        }
        if !self.monotone(s) {
            return None;
        }
        let ar = &self.ar;
        let mut e = ar.add(
            &ar.mul(&rational(prec, &s.a), &self.ln_r),
            &ar.mul(&rational(prec, &s.b), &self.lnln_r),
        );
        e = ar.add(&e, &ar.mul(&rational(prec, &s.c), &self.lnlnln_r));
        for (k, c) in &s.p {
            e = ar.add(&e, &ar.mul(&rational(prec, c), &self.r_pow(k)));
        }
        let at = ar.exp(&e);
        Some(match s.growth() {
            Ordering::Less => XInterval::new(zero_float(prec), at.hi),
            _ => XInterval::new(at.lo, infinity(prec, false)),
        })
    }

    /// Sorts, merges equal scales, drops zero coefficients and absorbs the
    /// smallest terms beyond [`MAX_TERMS`].
    fn normalize(&self, g: &mut Graph, mut terms: Expansion) -> Option<Expansion> {
        terms.sort_by(|x, y| cmp_scales(&y.s, &x.s));
        let mut out: Expansion = Vec::with_capacity(terms.len());
        for t in terms {
            match out.last_mut() {
                Some(last) if last.s == t.s => {
                    let c = self.c_add(g, &last.c, &t.c);
                    last.c = c;
                }
                _ => out.push(t),
            }
        }
        out.retain(|t| !Self::is_zero(g, &t.c));
        while out.len() > MAX_TERMS {
            let small = out.pop()?;
            let big = out.last()?.clone();
            let ratio = small.s.mul(&big.s.pow(&-BigRational::one()));
            let rr = self.scale_range(&ratio)?;
            if ratio.growth() != Ordering::Less {
                return None;
            }
            let factor = XInterval::new(zero_float(self.prec), rr.hi);
            let add = Self::range_coef(self.ar.mul(&small.c.iv, &factor));
            let merged = self.c_add(g, &big.c, &add);
            out.last_mut()?.c = merged;
        }
        Some(out)
    }

    fn add(&self, g: &mut Graph, x: &[Term], y: &[Term]) -> Option<Expansion> {
        let mut all = x.to_vec();
        all.extend_from_slice(y);
        self.normalize(g, all)
    }

    fn mul(&self, g: &mut Graph, x: &[Term], y: &[Term]) -> Option<Expansion> {
        let mut all = Vec::with_capacity(x.len() * y.len());
        for a in x {
            for b in y {
                all.push(Term {
                    c: self.c_mul(g, &a.c, &b.c),
                    s: a.s.mul(&b.s),
                });
            }
        }
        self.normalize(g, all)
    }

    fn scale_by(&self, g: &mut Graph, x: &[Term], c: &Coef) -> Option<Expansion> {
        let all = x
            .iter()
            .map(|t| Term {
                c: self.c_mul(g, &t.c, c),
                s: t.s.clone(),
            })
            .collect();
        self.normalize(g, all)
    }

    fn constant(c: Coef) -> Expansion {
        vec![Term {
            c,
            s: Scale::unit(),
        }]
    }

    fn one(&self, g: &mut Graph) -> Expansion {
        Self::constant(self.rat_coef(g, &BigRational::one()))
    }

    /// `sum |c_i| * max M_i` over the tail, rounded up (every scale bounded).
    fn sup_abs(&self, y: &[Term]) -> Option<Float> {
        let mut acc = zero_float(self.prec);
        for t in y {
            let r = self.scale_range(&t.s)?;
            if r.hi.is_infinite() {
                return None;
            }
            let m = Float::with_val_round(self.prec, Self::c_abs(&t.c) * &r.hi, Round::Up).0;
            acc = Float::with_val_round(self.prec, &acc + &m, Round::Up).0;
        }
        Some(acc)
    }

    fn dominant(&self, g: &mut Graph, e: &[Term]) -> Option<Dominant> {
        let first = e.first()?;
        if first.c.iv.contains_zero() {
            return None;
        }
        let inv = self.c_pow(g, &first.c, &-BigRational::one())?;
        let inv_m = first.s.pow(&-BigRational::one());
        let mut y = Vec::with_capacity(e.len() - 1);
        for t in &e[1..] {
            y.push(Term {
                c: self.c_mul(g, &t.c, &inv),
                s: t.s.mul(&inv_m),
            });
        }
        let rho = self.sup_abs(&y)?;
        Some(Dominant {
            c0: first.c.clone(),
            m0: first.s.clone(),
            y,
            rho,
        })
    }

    /// The sign of the expansion on the whole tail.
    fn sign(&self, g: &mut Graph, e: &[Term]) -> Option<Ordering> {
        if e.is_empty() {
            return Some(Ordering::Equal);
        }
        let d = self.dominant(g, e)?;
        if d.rho >= 1 {
            return None;
        }
        Some(if d.c0.iv.lo > 0 {
            Ordering::Greater
        } else {
            Ordering::Less
        })
    }

    /// The interval `[1 - rho, 1 + rho]`.
    fn around_one(&self, rho: &Float) -> XInterval {
        let p = self.prec;
        XInterval::new(
            Float::with_val_round(p, 1 - rho.clone(), Round::Down).0,
            Float::with_val_round(p, 1 + rho.clone(), Round::Up).0,
        )
    }

    /// `F(C + s)` for a smooth `F` and an argument without growing terms:
    /// `F(C) + s*F'(ξ)` with `ξ` within `sup |s|` of `C`.
    fn smooth(&self, g: &mut Graph, f: Func, u: &[Term]) -> Option<Expansion> {
        let (c, s): (Coef, Expansion) = match u.first() {
            Some(t) if t.s.is_unit() => (t.c.clone(), u[1..].to_vec()),
            Some(t) if t.s.growth() == Ordering::Greater => return None,
            _ => (self.rat_coef(g, &BigRational::zero()), u.to_vec()),
        };
        let fc = self.c_func(g, f, &c)?;
        let mut out = Self::constant(fc);
        if !s.is_empty() {
            let rho = self.sup_abs(&s)?;
            let spread = XInterval::new(-rho.clone(), rho);
            let xi = self.ar.add(&c.iv, &spread);
            let v = g.var_sym(self.free);
            let fv = g.func(f, v);
            let d = derive(g, fv, self.free, Kink::Left).ok()?;
            let theta = enclose_box(g, d, &HashMap::from([(self.free, xi)]), self.prec).ok()?;
            let part = self.scale_by(g, &s, &Self::range_coef(theta))?;
            out = self.add(g, &out, &part)?;
        }
        self.normalize(g, out)
    }

    fn exp(&self, g: &mut Graph, u: &[Term]) -> Option<Expansion> {
        let mut scale = Scale::unit();
        let mut rest = Vec::new();
        for t in u {
            if t.s.growth() != Ordering::Greater {
                rest.push(t.clone());
                continue;
            }
            let q = g.as_num(t.c.exact?)?.clone();
            if t.s.p.is_empty() && t.s.b.is_zero() && t.s.c.is_zero() && t.s.a.is_positive() {
                scale = scale.mul(&Scale {
                    p: vec![(t.s.a.clone(), q)],
                    ..Scale::unit()
                });
            } else if t.s.p.is_empty() && t.s.a.is_zero() && t.s.b.is_one() && t.s.c.is_zero() {
                scale = scale.mul(&Scale::power(q));
            } else {
                return None;
            }
        }
        let w = self.smooth(g, Func::Exp, &rest)?;
        let m = vec![Term {
            c: self.rat_coef(g, &BigRational::one()),
            s: scale,
        }];
        self.mul(g, &m, &w)
    }

    fn log(&self, g: &mut Graph, u: &[Term]) -> Option<Expansion> {
        let d = self.dominant(g, u)?;
        if d.c0.iv.lo.partial_cmp(&0) != Some(Ordering::Greater) || !d.m0.c.is_zero() || d.rho >= 1
        {
            return None;
        }
        let mut terms = Vec::new();
        for (k, pk) in &d.m0.p {
            terms.push(Term {
                c: self.rat_coef(g, pk),
                s: Scale::power(k.clone()),
            });
        }
        if !d.m0.a.is_zero() {
            terms.push(Term {
                c: self.rat_coef(g, &d.m0.a),
                s: Scale::log_power(BigRational::one()),
            });
        }
        if !d.m0.b.is_zero() {
            terms.push(Term {
                c: self.rat_coef(g, &d.m0.b),
                s: Scale {
                    c: BigRational::one(),
                    ..Scale::unit()
                },
            });
        }
        terms.push(Term {
            c: self.c_func(g, Func::Log, &d.c0)?,
            s: Scale::unit(),
        });
        if !d.y.is_empty() {
            let p = self.prec;
            let lo = Float::with_val_round(
                p,
                1 / Float::with_val_round(p, 1 + d.rho.clone(), Round::Up).0,
                Round::Down,
            )
            .0;
            let hi = Float::with_val_round(
                p,
                1 / Float::with_val_round(p, 1 - d.rho.clone(), Round::Down).0,
                Round::Up,
            )
            .0;
            let part = self.scale_by(g, &d.y, &Self::range_coef(XInterval::new(lo, hi)))?;
            terms.extend(part);
        }
        self.normalize(g, terms)
    }

    fn pow(&self, g: &mut Graph, u: &[Term], k: &BigRational) -> Option<Expansion> {
        if k.is_integer() && !k.is_negative() && *k <= BigRational::from_integer(8.into()) {
            let mut acc = self.one(g);
            let mut n = k.to_integer();
            while n > 0.into() {
                acc = self.mul(g, &acc, u)?;
                n -= 1;
            }
            return Some(acc);
        }
        let d = self.dominant(g, u)?;
        if d.rho >= 1 {
            return None;
        }
        let ck = self.c_pow(g, &d.c0, k)?;
        let mut out = vec![Term {
            c: ck.clone(),
            s: d.m0.pow(k),
        }];
        if !d.y.is_empty() {
            let base = self.around_one(&d.rho);
            let km1 = k - BigRational::one();
            let theta = self.ar.mul(
                &rational(self.prec, k),
                &self.ar.pow_rational(&base, &km1).ok()?,
            );
            let lead = out.clone();
            let part = self.scale_by(g, &d.y, &Self::range_coef(theta))?;
            let part = self.mul(g, &lead, &part)?;
            out = self.add(g, &out, &part)?;
        }
        Some(out)
    }

    fn neg(&self, g: &mut Graph, u: &[Term]) -> Option<Expansion> {
        let m = self.rat_coef(g, &-BigRational::one());
        self.scale_by(g, u, &m)
    }

    /// `sigma` and the dominant of an argument that grows without bound.
    fn growing(&self, g: &mut Graph, u: &[Term]) -> Option<(i64, Dominant)> {
        let d = self.dominant(g, u)?;
        if d.m0.growth() != Ordering::Greater {
            return None;
        }
        Some((if d.c0.iv.lo > 0 { 1 } else { -1 }, d))
    }

    fn tanh(&self, g: &mut Graph, u: &[Term]) -> Option<Expansion> {
        let Some((sigma, _)) = self.growing(g, u) else {
            return self.smooth(g, Func::Tanh, u);
        };
        // tanh(u) = sigma*(1 - 2w/(1 + w)), w = exp(-2*sigma*u) in (0, rho_w].
        let k = self.rat_coef(g, &BigRational::from_integer((-2 * sigma).into()));
        let arg = self.scale_by(g, u, &k)?;
        let w = self.exp(g, &arg)?;
        let rho = self.sup_abs(&w)?;
        let p = self.prec;
        let lo = Float::with_val_round(
            p,
            1 / Float::with_val_round(p, 1 + rho, Round::Up).0,
            Round::Down,
        )
        .0;
        let theta = self.ar.mul(
            &rational(p, &BigRational::from_integer((-2 * sigma).into())),
            &XInterval::new(lo, Float::with_val(p, 1)),
        );
        let part = self.scale_by(g, &w, &Self::range_coef(theta))?;
        let s = Self::constant(self.rat_coef(g, &BigRational::from_integer(sigma.into())));
        self.add(g, &s, &part)
    }

    fn erf(&self, g: &mut Graph, u: &[Term]) -> Option<Expansion> {
        let Some((sigma, d)) = self.growing(g, u) else {
            return self.smooth(g, Func::Erf, u);
        };
        // v = sigma*u -> +inf; erfc(v) = exp(-v^2)/(v*sqrt(pi))*θ, θ in
        // [1 - 1/(2*vmin^2), 1].
        let sc = self.rat_coef(g, &BigRational::from_integer(sigma.into()));
        let v = self.scale_by(g, u, &sc)?;
        if d.rho >= 1 {
            return None;
        }
        let m = self.scale_range(&d.m0)?;
        let c0 = self.c_mul(g, &d.c0, &sc);
        let one_minus = Float::with_val_round(self.prec, 1 - d.rho.clone(), Round::Down).0;
        let vmin = self
            .ar
            .mul(&self.ar.mul(&c0.iv, &m), &self.point(one_minus))
            .lo;
        if vmin.partial_cmp(&1) != Some(Ordering::Greater) {
            return None;
        }
        let p = self.prec;
        let v2 = Float::with_val_round(p, vmin.square_ref(), Round::Down).0;
        let inv = Float::with_val_round(
            p,
            1 / Float::with_val_round(p, &v2 * 2u32, Round::Down).0,
            Round::Up,
        )
        .0;
        let theta_lo = Float::with_val_round(p, 1 - inv, Round::Down).0;
        let theta = XInterval::new(theta_lo, Float::with_val(p, 1));
        let vv = self.mul(g, &v, &v)?;
        let negvv = self.neg(g, &vv)?;
        let e = self.exp(g, &negvv)?;
        let vinv = self.pow(g, &v, &-BigRational::one())?;
        let mut erfc = self.mul(g, &e, &vinv)?;
        let pi = g.pi();
        let half = g.frac(-1, 2);
        let rs = g.pow(pi, half);
        let rs = self.exact_coef(g, rs)?;
        erfc = self.scale_by(g, &erfc, &rs)?;
        erfc = self.scale_by(g, &erfc, &Self::range_coef(theta))?;
        // erf(u) = sigma*(1 - erfc(v)).
        let neg_sigma = self.rat_coef(g, &BigRational::from_integer((-sigma).into()));
        let part = self.scale_by(g, &erfc, &neg_sigma)?;
        let s = Self::constant(sc);
        self.add(g, &s, &part)
    }

    fn hyperbolic(&self, g: &mut Graph, f: Func, u: &[Term]) -> Option<Expansion> {
        if self.growing(g, u).is_none() {
            return self.smooth(g, f, u);
        }
        let a = self.exp(g, u)?;
        let nu = self.neg(g, u)?;
        let b = self.exp(g, &nu)?;
        let b = if f == Func::Sinh { self.neg(g, &b)? } else { b };
        let sum = self.add(g, &a, &b)?;
        let half = self.rat_coef(g, &BigRational::new(1.into(), 2.into()));
        self.scale_by(g, &sum, &half)
    }

    fn expand(&self, g: &mut Graph, f: ExprId) -> Option<Expansion> {
        let order = g.reachable(&[f]);
        let mut memo: HashMap<ExprId, Option<Expansion>> = HashMap::with_capacity(order.len());
        for id in order {
            let v = self.node(g, id, &memo);
            memo.insert(id, v);
        }
        memo.remove(&f).flatten()
    }

    fn node(
        &self,
        g: &mut Graph,
        id: ExprId,
        memo: &HashMap<ExprId, Option<Expansion>>,
    ) -> Option<Expansion> {
        let get = |c: ExprId| memo.get(&c).cloned().flatten();
        match g.node(id).clone() {
            Node::Num(_) | Node::Pi => {
                let c = self.exact_coef(g, id)?;
                self.normalize(g, Self::constant(c))
            }
            Node::Var(s) if s == self.var => {
                let c = self.rat_coef(g, &BigRational::from_integer(self.sigma.into()));
                Some(vec![Term {
                    c,
                    s: Scale::power(BigRational::one()),
                }])
            }
            Node::Add(ts) => {
                let mut acc = Vec::new();
                for t in ts {
                    acc = self.add(g, &acc, &get(t)?)?;
                }
                Some(acc)
            }
            Node::Mul(fs) => {
                let mut acc = self.one(g);
                for t in fs {
                    acc = self.mul(g, &acc, &get(t)?)?;
                }
                Some(acc)
            }
            Node::Pow(b, e) => {
                let base = get(b)?;
                if let Some(k) = g.as_num(e).cloned() {
                    return self.pow(g, &base, &k);
                }
                let lb = self.log(g, &base)?;
                let prod = self.mul(g, &get(e)?, &lb)?;
                self.exp(g, &prod)
            }
            Node::Func(f, u) => {
                let u = get(u)?;
                match f {
                    Func::Exp => self.exp(g, &u),
                    Func::Log => self.log(g, &u),
                    Func::Tanh => self.tanh(g, &u),
                    Func::Erf => self.erf(g, &u),
                    Func::Sinh | Func::Cosh => self.hyperbolic(g, f, &u),
                    Func::Abs => match self.sign(g, &u)? {
                        Ordering::Less => self.neg(g, &u),
                        _ => Some(u),
                    },
                    Func::Sign => {
                        let s = match self.sign(g, &u)? {
                            Ordering::Less => -1,
                            Ordering::Equal => 0,
                            Ordering::Greater => 1,
                        };
                        let c = self.rat_coef(g, &BigRational::from_integer(s.into()));
                        self.normalize(g, Self::constant(c))
                    }
                }
            }
            Node::Max(a, b) | Node::Min(a, b) => {
                let (ea, eb) = (get(a)?, get(b)?);
                let nb = self.neg(g, &eb)?;
                let d = self.add(g, &ea, &nb)?;
                let s = self.sign(g, &d)?;
                let is_max = matches!(g.node(id), Node::Max(..));
                let first = (s != Ordering::Less) == is_max;
                Some(if first { ea } else { eb })
            }
            Node::If(c, t, e) => {
                let Node::Cmp(op, a, b) = g.node(c).clone() else {
                    return None;
                };
                let (ea, eb) = (get(a)?, get(b)?);
                let nb = self.neg(g, &eb)?;
                let d = self.add(g, &ea, &nb)?;
                let s = self.sign(g, &d)?;
                if op.holds(s) {
                    get(t)
                } else {
                    get(e)
                }
            }
            _ => None,
        }
    }

    fn facts(&self, g: &mut Graph, e: &[Term]) -> Option<TailFacts> {
        let prec = self.prec;
        if e.is_empty() {
            let z = XInterval::new(zero_float(prec), zero_float(prec));
            let exact = Some(g.int(0));
            return Some(TailFacts {
                range: z.clone(),
                sign: Some(Ordering::Equal),
                eventual: Some(Ordering::Equal),
                limit: Limit::Finite {
                    value: z,
                    exact,
                    from_above: None,
                },
            });
        }
        // The naive range: every term over its scale's range.
        let mut range = XInterval::line(prec);
        let mut naive: Option<XInterval> = Some(XInterval::new(zero_float(prec), zero_float(prec)));
        for t in e {
            naive = match (naive, self.scale_range(&t.s)) {
                (Some(acc), Some(r)) => Some(self.ar.add(&acc, &self.ar.mul(&t.c.iv, &r))),
                _ => None,
            };
        }
        if let Some(n) = naive {
            range = range.meet(&n);
        }
        let sign = self.sign(g, e);
        let d = self.dominant(g, e);
        let mut eventual = None;
        let mut limit = Limit::Unknown;
        if let Some(d) = &d {
            eventual = Some(if d.c0.iv.lo > 0 {
                Ordering::Greater
            } else {
                Ordering::Less
            });
            if d.rho < 1 {
                if let Some(m) = self.scale_range(&d.m0) {
                    let tight = self
                        .ar
                        .mul(&self.ar.mul(&d.c0.iv, &m), &self.around_one(&d.rho));
                    range = range.meet(&tight);
                }
            }
            limit = match d.m0.growth() {
                Ordering::Greater => Limit::Infinite(d.c0.iv.lo > 0),
                Ordering::Equal => {
                    let rest = &e[1..];
                    let from_above = match self.sign(g, rest) {
                        Some(Ordering::Greater) => Some(true),
                        Some(Ordering::Less) => Some(false),
                        _ => None,
                    };
                    Limit::Finite {
                        value: d.c0.iv.clone(),
                        exact: d.c0.exact,
                        from_above,
                    }
                }
                Ordering::Less => Limit::Finite {
                    value: XInterval::new(zero_float(prec), zero_float(prec)),
                    exact: Some(g.int(0)),
                    from_above: sign.map(|s| s == Ordering::Greater),
                },
            };
        }
        if let Some(s) = sign {
            let z = zero_float(prec);
            let half = match s {
                Ordering::Greater => XInterval::new(z, infinity(prec, false)),
                Ordering::Less => XInterval::new(infinity(prec, true), z),
                Ordering::Equal => XInterval::new(z.clone(), z),
            };
            range = range.meet(&half);
        }
        Some(TailFacts {
            range,
            sign,
            eventual,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;
    use crate::unfold::unfold;

    fn facts(src: &str, side: Side) -> Option<TailFacts> {
        let mut g = Graph::with_prelude();
        let e = defs::parse_expr(&mut g, src).unwrap();
        let f = unfold(&mut g, e, Kink::Left).unwrap();
        let x = g.symbol("x");
        let start = BigRational::from_integer(num_bigint::BigInt::from(2).pow(1024));
        analyse(&mut g, f, x, side, &start, 160)
    }

    #[test]
    fn signs_and_limits_far_out() {
        // gelu'(x) = Phi(x) + x*phi(x) < 0 as x -> -inf: two vanishing terms.
        let d = facts("diff(gelu(x), x)", Side::Below).unwrap();
        assert_eq!(d.sign, Some(Ordering::Less));
        let d = facts("gelu(x) + 0.17", Side::Below).unwrap();
        assert_eq!(d.sign, Some(Ordering::Greater));
        assert!(d.range.lo > 0.16 && d.range.hi < 0.18);
        let d = facts("gelu(x)", Side::Above).unwrap();
        assert!(matches!(d.limit, Limit::Infinite(true)));
        let d = facts("sigmoid(x)", Side::Below).unwrap();
        assert_eq!(d.sign, Some(Ordering::Greater));
        let d = facts("softplus(x) - x", Side::Above).unwrap();
        assert_eq!(d.sign, Some(Ordering::Greater));
        // 30 - sqrt(log(x)) is positive at 2^1024 but negative past e^900.
        let d = facts("30 - sqrt(log(x))", Side::Above).unwrap();
        assert_eq!(d.sign, None);
        assert_eq!(d.eventual, Some(Ordering::Less));
        assert!(matches!(d.limit, Limit::Infinite(false)));
        let d = facts("erf(x)", Side::Below).unwrap();
        match d.limit {
            Limit::Finite {
                value, from_above, ..
            } => {
                assert!(value.lo == -1 && value.hi == -1);
                assert_eq!(from_above, Some(true));
            }
            other => panic!("{other:?}"),
        }
        let d = facts("mish(x) - x", Side::Above).unwrap();
        assert_eq!(d.sign, Some(Ordering::Less));
        let d = facts("30 - log(log(x))", Side::Above).unwrap();
        assert_eq!(d.eventual, Some(Ordering::Less));
        let d = facts("tanh(x) - 1", Side::Above).unwrap();
        assert_eq!(d.sign, Some(Ordering::Less));
    }
}
