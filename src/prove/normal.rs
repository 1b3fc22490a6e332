//! The exponential-rational normal form: an expression without piecewise nodes
//! becomes a quotient of polynomials over Q in generators — variables,
//! `exp(m/q)` for each exponent shape `m` (with `q` the lcm of the denominators of the
//! rational multiples of `m` that occur), and opaque atoms (`log(u)`, `erf(u)`,
//! `sqrt(2)`, `pi`, ...) treated as independent symbols.
//!
//! Soundness: if the normal form of `L - R` is the zero rational function, `L = R` at
//! every point where both are defined (a formal identity holds for every value of the
//! generators, and the normal form equals the expression wherever the expression is
//! defined). A non-zero normal form proves nothing: the generators may be dependent.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::poly::{Gen, Poly, RatFn};

/// What a generator stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Generator {
    /// A variable.
    Var(Symbol),
    /// `exp(shape/q)`, where the shape is a product of factors; the empty product is
    /// the constant 1 (so `exp(1/q)`).
    Exp {
        /// The factors of the exponent's non-rational part.
        shape: Vec<ExprId>,
        /// The denominator.
        q: BigInt,
    },
    /// An opaque atom: the node itself.
    Atom(ExprId),
    /// A function of an argument whose normal form is the polynomial (after roots
    /// are rationalised): `erf(x/sqrt(2))` and `erf(sqrt(2)*x/2)` are one generator.
    Apply(Func, Poly),
    /// `sqrt(n)` of a positive rational `n`; its square is reduced to `n` before the
    /// zero test.
    Root(BigRational),
    /// `log(c)` of a positive rational `c != 1`.
    LogConst(BigRational),
    /// `log(p)` of a polynomial `p` in `exp` generators with positive coefficients
    /// (so positive), normalised by its content.
    LogPoly(Poly),
}

/// Builds normal forms over one set of generators (shared by both sides of a claim).
pub struct Normalizer {
    gens: Vec<Generator>,
    index: HashMap<Generator, Gen>,
    /// The denominator `q` per exponent shape.
    scale: HashMap<Vec<ExprId>, BigInt>,
    memo: HashMap<ExprId, Option<RatFn>>,
}

/// The generator `g` as a rational function.
fn generator(g: Gen) -> RatFn {
    RatFn::poly(Poly::monomial(g, 1))
}

/// `u` as a constant plus rational multiples of shapes (`2 - x/2 + 3*beta*x` gives
/// `(2, []), (-1/2, [x]), (3, [beta, x])`).
fn decompose(g: &Graph, u: ExprId) -> Vec<(BigRational, Vec<ExprId>)> {
    let terms: Vec<ExprId> = match g.node(u) {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![u],
    };
    terms
        .into_iter()
        .map(|t| match g.node(t) {
            Node::Num(r) => (r.clone(), Vec::new()),
            Node::Mul(fs) => match g.node(fs[0]) {
                Node::Num(c) => (c.clone(), fs[1..].to_vec()),
                _ => (BigRational::one(), fs.to_vec()),
            },
            _ => (BigRational::one(), vec![t]),
        })
        .collect()
}

impl Normalizer {
    /// A normaliser for the expressions under `roots` (it scans their exponents).
    #[must_use]
    pub fn new(g: &Graph, roots: &[ExprId]) -> Self {
        let mut scale: HashMap<Vec<ExprId>, BigInt> = HashMap::new();
        for id in g.reachable(roots) {
            let (arg, factor) = match g.node(id) {
                Node::Func(Func::Exp | Func::Sinh | Func::Cosh, u) => (*u, 1),
                Node::Func(Func::Tanh, u) => (*u, 2),
                _ => continue,
            };
            for (c, shape) in decompose(g, arg) {
                let c = c * BigRational::from_integer(BigInt::from(factor));
                let q = scale.entry(shape).or_insert_with(BigInt::one);
                *q = q.lcm(c.denom());
            }
        }
        Normalizer {
            gens: Vec::new(),
            index: HashMap::new(),
            scale,
            memo: HashMap::new(),
        }
    }

    /// The normal form of `id` as a polynomial (a constant denominator divided
    /// out), negated when `negate`.
    fn polynomial_of(&mut self, g: &Graph, id: ExprId, negate: bool) -> Option<Poly> {
        let f = self.normalize(g, id)?;
        let d = f.den.as_constant()?;
        if d.is_zero() {
            return None;
        }
        let p = f.num.scale(&d.recip());
        if negate {
            p.neg().ok()
        } else {
            Some(p)
        }
    }

    /// The generators used so far, by index.
    #[must_use]
    pub fn generators(&self) -> &[Generator] {
        &self.gens
    }

    fn gen(&mut self, g: Generator) -> Gen {
        if let Some(&i) = self.index.get(&g) {
            return i;
        }
        let i = self.gens.len() as Gen;
        self.gens.push(g.clone());
        self.index.insert(g, i);
        i
    }

    /// `exp(k*u)` as a product of generator powers.
    fn exp_of(&mut self, g: &Graph, u: ExprId, k: i64) -> Option<RatFn> {
        let mut out = RatFn::constant(BigRational::one());
        for (c, shape) in decompose(g, u) {
            let c = c * BigRational::from_integer(BigInt::from(k));
            if c.is_zero() {
                continue;
            }
            let q = self.scale.get(&shape).cloned().unwrap_or_else(BigInt::one);
            // An exponent not a multiple of 1/q (a shape the scale was not built
            // for) has no form here: truncating it would be wrong.
            let scaled = c * BigRational::from_integer(q.clone());
            if !scaled.is_integer() {
                return None;
            }
            let power = scaled.to_integer().to_i64()?;
            let gen = self.gen(Generator::Exp { shape, q });
            out = out.mul(&RatFn::gen_power(gen, power).ok()?).ok()?;
        }
        Some(out)
    }

    /// `f(u)` as a generator keyed by the normal form of `u` when that is a
    /// polynomial once roots in the denominator are rationalised, else by the node.
    fn apply(&mut self, f: Func, u: ExprId, id: ExprId) -> RatFn {
        let key = self.child(u).and_then(|arg| self.rationalise(&arg));
        let gen = match key {
            Some(p) => self.gen(Generator::Apply(f, p)),
            None => self.gen(Generator::Atom(id)),
        };
        generator(gen)
    }

    /// `num/den` as one polynomial when `den` is a rational times powers of roots:
    /// multiplying both by the same root powers makes the denominator rational.
    fn rationalise(&self, f: &RatFn) -> Option<Poly> {
        let mut terms = f.den.terms();
        let (m, c) = terms.next()?;
        if terms.next().is_some() {
            return None;
        }
        let mut lift = Poly::one();
        let mut den = Poly::constant(c.clone());
        for &(gen, k) in m.factors() {
            match self.gens.get(gen as usize) {
                Some(Generator::Root(_)) => {
                    lift = lift.mul(&Poly::monomial(gen, k)).ok()?;
                    den = den.mul(&Poly::monomial(gen, k.checked_mul(2)?)).ok()?;
                }
                _ => return None,
            }
        }
        let den = self.reduce_roots(&den)?.as_constant()?;
        if den.is_zero() {
            return None;
        }
        let num = self.reduce_roots(&f.num.mul(&lift).ok()?)?;
        Some(num.scale(&den.recip()))
    }

    /// Reduces `sqrt(n)^k` to `n^(k div 2) * sqrt(n)^(k mod 2)` in a numerator. A
    /// numerator that reduces to zero vanishes at the true value of every root.
    #[must_use]
    pub fn reduce_roots(&self, p: &Poly) -> Option<Poly> {
        let roots: Vec<(Gen, BigRational)> = self
            .gens
            .iter()
            .enumerate()
            .filter_map(|(i, gen)| match gen {
                Generator::Root(n) => Some((i as Gen, n.clone())),
                _ => None,
            })
            .collect();
        if roots.is_empty() {
            return Some(p.clone());
        }
        let mut out = Poly::zero();
        for (m, c) in p.terms() {
            let mut coeff = c.clone();
            let mut factors = Vec::new();
            for &(gen, k) in m.factors() {
                match roots.iter().find(|(g, _)| *g == gen) {
                    Some((_, n)) => {
                        coeff *= num_traits::pow(n.clone(), (k / 2) as usize);
                        if k % 2 == 1 {
                            factors.push((gen, 1));
                        }
                    }
                    None => factors.push((gen, k)),
                }
            }
            let mut term = Poly::constant(coeff);
            for (gen, k) in factors {
                term = term.mul(&Poly::monomial(gen, k)).ok()?;
            }
            out = out.add(&term).ok()?;
        }
        Some(out)
    }

    /// Whether every generator of `p` is an `exp(...)`, so positive.
    fn positive_generators(&self, p: &Poly) -> bool {
        p.generators()
            .into_iter()
            .all(|gen| matches!(self.gens.get(gen as usize), Some(Generator::Exp { .. })))
    }

    /// `log(u)` for `u` a quotient of polynomials in `exp` generators with positive
    /// coefficients: `log(c m p) = log(c) + log(m) + log(p)` (each factor is positive),
    /// where `log` of a monomial in `exp(shape/q)` is linear in the shapes. This makes
    /// `log(exp(u)) = u` and `log(1 + exp(-x)) = log(1 + exp(x)) - x` exact.
    fn log_of(&mut self, u: ExprId) -> Option<RatFn> {
        let f = self.child(u)?;
        let mut out = RatFn::constant(BigRational::zero());
        for (part, sign) in [(&f.num, 1i64), (&f.den, -1i64)] {
            if !part.all_coefficients_positive() || !self.positive_generators(part) {
                return None;
            }
            let (c, mono, p) = part.split_content()?;
            let mut term = RatFn::constant(BigRational::zero());
            if !c.is_one() {
                let gen = self.gen(Generator::LogConst(c));
                term = term.add(&generator(gen)).ok()?;
            }
            for &(gen, k) in mono.factors() {
                let Some(Generator::Exp { shape, q }) = self.gens.get(gen as usize).cloned() else {
                    return None;
                };
                // log(exp(shape/q)^k) = k*shape/q.
                let mut s = RatFn::constant(BigRational::new(BigInt::from(k), q));
                for factor in shape {
                    s = s.mul(&self.child(factor)?).ok()?;
                }
                term = term.add(&s).ok()?;
            }
            if p != Poly::one() {
                let gen = self.gen(Generator::LogPoly(p));
                term = term.add(&generator(gen)).ok()?;
            }
            let scaled = term
                .mul(&RatFn::constant(BigRational::from_integer(sign.into())))
                .ok()?;
            out = out.add(&scaled).ok()?;
        }
        Some(out)
    }

    /// The normal form of `root`, or `None` when it is undefined everywhere, too
    /// large, or holds a node the normal form does not cover.
    pub fn normalize(&mut self, g: &Graph, root: ExprId) -> Option<RatFn> {
        for id in g.reachable(&[root]) {
            if self.memo.contains_key(&id) {
                continue;
            }
            let v = self.node_form(g, id);
            self.memo.insert(id, v);
        }
        self.memo.get(&root).cloned().flatten()
    }

    fn child(&self, id: ExprId) -> Option<RatFn> {
        self.memo.get(&id).cloned().flatten()
    }

    fn node_form(&mut self, g: &Graph, id: ExprId) -> Option<RatFn> {
        let one = || RatFn::constant(BigRational::one());
        match g.node(id) {
            Node::Num(r) => Some(RatFn::constant(r.clone())),
            Node::Var(s) => Some(generator(self.gen(Generator::Var(*s)))),
            Node::Add(ts) => {
                let mut acc = RatFn::constant(BigRational::zero());
                for &t in ts.iter() {
                    acc = acc.add(&self.child(t)?).ok()?;
                }
                Some(acc)
            }
            Node::Mul(fs) => {
                let mut acc = one();
                for &f in fs.iter() {
                    acc = acc.mul(&self.child(f)?).ok()?;
                }
                Some(acc)
            }
            Node::Pow(b, e) => match g.as_num(*e) {
                Some(k) if k.is_integer() => self.child(*b)?.pow(k.to_integer().to_i64()?).ok(),
                // n^(p/2) = sqrt(n)^p for a positive rational n.
                Some(k)
                    if k.denom() == &BigInt::from(2)
                        && g.as_num(*b).is_some_and(|n| n > &BigRational::zero()) =>
                {
                    let n = g.as_num(*b)?.clone();
                    let gen = self.gen(Generator::Root(n));
                    RatFn::gen_power(gen, k.numer().to_i64()?).ok()
                }
                _ => Some(generator(self.gen(Generator::Atom(id)))),
            },
            Node::Func(Func::Exp, u) => self.exp_of(g, *u, 1),
            Node::Func(Func::Log, u) => match self.log_of(*u) {
                Some(f) => Some(f),
                None => Some(self.apply(Func::Log, *u, id)),
            },
            Node::Func(Func::Erf, u) => Some(self.apply(Func::Erf, *u, id)),
            Node::Func(Func::Tanh, u) => {
                let e = self.exp_of(g, *u, 2)?;
                e.sub(&one())
                    .ok()?
                    .mul(&e.add(&one()).ok()?.recip().ok()?)
                    .ok()
            }
            Node::Func(f @ (Func::Sinh | Func::Cosh), u) => {
                let e = self.exp_of(g, *u, 1)?;
                let inv = e.recip().ok()?;
                let s = if *f == Func::Sinh {
                    e.sub(&inv).ok()?
                } else {
                    e.add(&inv).ok()?
                };
                s.mul(&RatFn::constant(BigRational::new(1.into(), 2.into())))
                    .ok()
            }
            Node::Undefined | Node::Bool(_) | Node::Cmp(..) => None,
            _ => Some(generator(self.gen(Generator::Atom(id)))),
        }
    }
}

/// `roots` rebuilt so that the extrema of the same arguments up to sign and order
/// are one node: `-min(-x, -c)` becomes `max(c, x)` (`min(a, b) = -max(-a, -b)`),
/// as does `max(x + softplus(-x) - x, c)`, whose arguments have the normal forms of
/// `softplus(x)`'s and `c`'s. Then the normal form, with each extremum an atom,
/// sees them as one generator even inside `exp` and `cosh`, where a kink that is
/// not rational (`x = Phi(2)`) leaves no case split to resolve them.
///
/// Wherever every node of `roots` is defined, each rebuilt node is too and has its
/// original's value (a shared node's arguments have equal normal forms, so equal
/// values there).
pub fn share_extrema(g: &mut Graph, roots: &[ExprId]) -> Vec<ExprId> {
    let mut n = Normalizer::new(g, roots);
    let mut reps: HashMap<[Poly; 2], (ExprId, bool)> = HashMap::new();
    let mut out = Vec::with_capacity(roots.len());
    for &root in roots {
        out.push(g.rewrite(root, |g, _, node| {
            let (a, b, is_max) = match node {
                Node::Max(a, b) => (a, b, true),
                Node::Min(a, b) => (a, b, false),
                other => return g.rebuild(other),
            };
            let built = g.rebuild(node);
            let (Some(pa), Some(pb)) = (
                n.polynomial_of(g, a, !is_max),
                n.polynomial_of(g, b, !is_max),
            ) else {
                return built;
            };
            let key = if format!("{pa:?}") <= format!("{pb:?}") {
                [pa, pb]
            } else {
                [pb, pa]
            };
            match reps.get(&key) {
                Some(&(rep, rep_is_max)) if rep_is_max == is_max => rep,
                Some(&(rep, _)) => g.neg(rep),
                None => {
                    reps.insert(key, (built, is_max));
                    built
                }
            }
        }));
    }
    out
}

/// Whether `u` is positive wherever it is defined: its normal form is a quotient of
/// polynomials with positive coefficients in `exp(...)` generators only (so `1 +
/// tanh(x)*tanh(y)` and `sigmoid(x)/(1 - sigmoid(x))` are).
#[must_use]
pub fn positive_where_defined(g: &Graph, u: ExprId) -> bool {
    let mut n = Normalizer::new(g, &[u]);
    let Some(f) = n.normalize(g, u) else {
        return false;
    };
    [&f.num, &f.den]
        .iter()
        .all(|p| p.all_coefficients_positive() && n.positive_generators(p))
}

/// Whether `lhs - rhs` normalises to zero: then `lhs = rhs` wherever both are defined.
/// `None` when either side has no normal form.
#[must_use]
pub fn difference_is_zero(g: &Graph, lhs: ExprId, rhs: ExprId) -> Option<(bool, Poly)> {
    let mut n = Normalizer::new(g, &[lhs, rhs]);
    let l = n.normalize(g, lhs)?;
    let r = n.normalize(g, rhs)?;
    let d = l.sub(&r).ok()?;
    let num = n.reduce_roots(&d.num)?;
    Some((num.is_zero(), num))
}

/// Whether the normal form of `lhs - rhs` is certainly not the zero function: its
/// numerator is not zero and every generator it holds is a variable or an `exp` of a
/// monomial in the variables (or of an exponential constant such as `exp(10)`). Such
/// generators are algebraically independent over the constants (the exponents are
/// linearly independent functions), so the numerator vanishes on no open set unless
/// the exponential constants satisfy a relation, which is not known for any of them.
/// Used only to withhold `verified`, never to refute. Outside this class a non-zero
/// normal form proves nothing (`log(x*y) - log(x) - log(y)`).
#[must_use]
pub fn canonical_nonzero(g: &Graph, lhs: ExprId, rhs: ExprId) -> bool {
    nonzero_kind(g, lhs, rhs) == Some(true)
}

/// `Some(true)` when the normal form of `lhs - rhs` is certainly not the zero
/// function ([`canonical_nonzero`]), `Some(false)` when it is not zero but outside
/// the canonical class (it may still be the zero function), `None` when it is zero
/// or there is none.
#[must_use]
pub fn nonzero_kind(g: &Graph, lhs: ExprId, rhs: ExprId) -> Option<bool> {
    let mut n = Normalizer::new(g, &[lhs, rhs]);
    let l = n.normalize(g, lhs)?;
    let r = n.normalize(g, rhs)?;
    let d = l.sub(&r).ok()?;
    let num = n.reduce_roots(&d.num)?;
    if num.is_zero() {
        return None;
    }
    let factor_ok = |f: ExprId| match g.node(f) {
        Node::Var(_) => true,
        Node::Pow(b, e) => {
            matches!(g.node(*b), Node::Var(_))
                && g.as_num(*e)
                    .is_some_and(|k| k.is_integer() && k > &BigRational::zero())
        }
        Node::Func(Func::Exp, u) => matches!(g.node(*u), Node::Num(_)),
        _ => false,
    };
    Some(
        num.generators()
            .into_iter()
            .all(|gen| match n.generators().get(gen as usize) {
                Some(Generator::Var(_)) => true,
                Some(Generator::Exp { shape, .. }) => shape.iter().all(|&f| factor_ok(f)),
                _ => false,
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;

    fn zero(a: &str, b: &str) -> bool {
        let mut g = Graph::with_prelude();
        let l = defs::parse_expr(&mut g, a).unwrap();
        let r = defs::parse_expr(&mut g, b).unwrap();
        let (l, r) = (defs::inline(&mut g, l), defs::inline(&mut g, r));
        difference_is_zero(&g, l, r)
            .map(|(z, _)| z)
            .unwrap_or(false)
    }

    #[test]
    fn the_sigmoid_tanh_family() {
        assert!(zero("tanh(x) + 1", "2*sigmoid(2*x)"));
        assert!(!zero("tanh(x) + 1", "sigmoid(2*x)"));
        assert!(zero("sigmoid(x)", "exp(x)/(1 + exp(x))"));
        assert!(zero("1 - sigmoid(x)", "sigmoid(-x)"));
        assert!(zero(
            "sigmoid(x)*(1 - sigmoid(x))",
            "exp(-x)/(1 + exp(-x))^2"
        ));
        assert!(zero("tanh(x/2)", "2*sigmoid(x) - 1"));
        assert!(zero("swish(x, beta)", "x/(1 + exp(-beta*x))"));
        assert!(zero("sinh(3*beta*x)", "(exp(3*beta*x) - exp(-3*beta*x))/2"));
        assert!(zero("cosh(x)^2 - sinh(x)^2", "1"));
        assert!(zero(
            "softplus(x) - softplus(-x)",
            "log(1 + exp(x)) - log(1 + exp(-x))"
        ));
        assert!(zero("softplus(x) - softplus(-x)", "x"));
        assert!(zero("log(exp(3*x))", "3*x"));
        assert!(zero("log_sigmoid(x)", "-log(1 + exp(-x))"));
        assert!(zero("log(sigmoid(x))", "x - softplus(x)"));
        assert!(!zero("log(x*y)", "log(x) + log(y)"));
        assert!(zero("x/sqrt(2)", "x*sqrt(2)/2"));
        assert!(zero("sqrt(8)*sqrt(2)", "4"));
        assert!(zero("erf(x/sqrt(2))", "erf(x*sqrt(2)/2)"));
        assert!(zero("Phi(x)", "(1 + erf(x*sqrt(2)/2))/2"));
        assert!(!zero("sqrt(2)", "1.4142135623730951"));
    }

    /// Exponents beyond 32 bits fail cleanly; they once wrapped, so `exp(5000000000*x)`
    /// and `exp(705032704*x)` (5000000000 mod 2^32) had one normal form.
    #[test]
    fn huge_exponents_never_wrap() {
        assert!(!zero("exp(5000000000*x)", "exp(705032704*x)"));
        assert!(!zero("(x^3000000000)^2*y", "x^1705032704*y"));
    }
}

/// The normal forms of both sides of a claim, for explanations.
#[derive(Clone, Debug)]
pub struct Explained {
    /// Each generator: its name and what it stands for (`t = exp(x)`).
    pub generators: Vec<(String, String)>,
    /// The left side's normal form.
    pub lhs: String,
    /// The right side's normal form.
    pub rhs: String,
    /// The numerator of `lhs - rhs`.
    pub difference: String,
}

/// Explains the normal forms of `lhs` and `rhs` over shared generators.
#[must_use]
pub fn explain(g: &Graph, lhs: ExprId, rhs: ExprId) -> Option<Explained> {
    let mut n = Normalizer::new(g, &[lhs, rhs]);
    let l = n.normalize(g, lhs)?;
    let r = n.normalize(g, rhs)?;
    let d = l.sub(&r).ok()?;
    let mut exp_count = 0;
    let mut atom_count = 0;
    let mut names = Vec::new();
    let mut generators = Vec::new();
    for gen in n.generators() {
        let (name, meaning) = match gen {
            Generator::Var(s) => (g.name(*s).to_owned(), String::new()),
            Generator::Exp { shape, q } => {
                exp_count += 1;
                let name = if exp_count == 1 {
                    "t".to_owned()
                } else {
                    format!("t{exp_count}")
                };
                let shape_text = if shape.is_empty() {
                    "1".to_owned()
                } else {
                    shape
                        .iter()
                        .map(|&f| crate::print::text(g, f))
                        .collect::<Vec<_>>()
                        .join("*")
                };
                let arg = if q == &BigInt::one() {
                    shape_text
                } else {
                    format!("{shape_text}/{q}")
                };
                (name.clone(), format!("{name} = exp({arg})"))
            }
            Generator::Atom(id) => {
                atom_count += 1;
                let name = format!("a{atom_count}");
                (
                    name.clone(),
                    format!("{name} = {}", crate::print::text(g, *id)),
                )
            }
            Generator::Apply(f, p) => {
                atom_count += 1;
                let name = format!("a{atom_count}");
                let text = p.to_text(&names);
                (name.clone(), format!("{name} = {}({text})", f.name()))
            }
            Generator::Root(n) => {
                atom_count += 1;
                let name = format!("a{atom_count}");
                (name.clone(), format!("{name} = sqrt({n})"))
            }
            Generator::LogConst(c) => {
                atom_count += 1;
                let name = format!("a{atom_count}");
                (name.clone(), format!("{name} = log({c})"))
            }
            Generator::LogPoly(p) => {
                atom_count += 1;
                let name = format!("a{atom_count}");
                let text = p.to_text(&names);
                (name.clone(), format!("{name} = log({text})"))
            }
        };
        names.push(name.clone());
        if !meaning.is_empty() {
            generators.push((name, meaning));
        }
    }
    Some(Explained {
        generators,
        lhs: l.to_text(&names),
        rhs: r.to_text(&names),
        difference: n.reduce_roots(&d.num)?.to_text(&names),
    })
}
