//! Identities by exact evaluation at `D + 1` points: proofs that scale with the
//! number of terms.
//!
//! The normal form of `L - R` is a sum of the normal forms of its summands (the terms
//! of both sides, the right side's negated), each a quotient of polynomials in the
//! generators (`t = exp(x/q)`, variables, `exp(1)`, opaque atoms). Expanding the sum
//! over the product of all denominators is what makes the plain normal form give up
//! past a dozen units. Instead:
//!
//! - summands whose denominator is a monomial are summed exactly at the end;
//! - the others are grouped by their denominator (up to a monomial and a constant),
//!   and each group is written in one coordinate `w`, a monomial in the generators
//!   (`w = exp(x/3)^2*exp(1)^-1`), when every summand of the group is a rational
//!   function of that monomial (else in the generators themselves, a grid);
//! - the group's sum `F(w)` is claimed equal to a Laurent polynomial `P(w)` (found by
//!   exact division over the distinct denominators). With `E` the product of the
//!   distinct denominators, `w^-L * E * (F - P)` is a polynomial whose degree in each
//!   coordinate is at most `D`, a bound computed from the degrees of the terms
//!   without expanding the product ([`degree_bounds`]). A polynomial of degree at
//!   most `D` in each coordinate that vanishes on a grid of `D + 1` distinct values
//!   per coordinate is zero, so `F = P` once `F - P` is exactly zero at those points,
//!   each chosen where no denominator (and no coordinate) vanishes;
//! - the polynomial parts and the monomial summands then sum exactly to zero.
//!
//! Soundness: each step is a formal identity in the generators treated as
//! independent symbols, so the normal form of `L - R` is the zero rational function,
//! which is the argument of the plain normal form (`L = R` wherever both are
//! defined); the domains are compared by the caller as for the normal form.
//! [`check`] re-derives every degree bound and re-evaluates every point exactly.

use std::collections::HashMap;

use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::normal::{Generator, Normalizer};
use crate::expr::{ExprId, Graph, Node};
use crate::poly::{Gen, Monomial, Poly, RatFn, UPoly};

/// Claims of at least this many summands try this route before the plain normal form.
pub const FIRST_FROM: usize = 8;
/// The highest degree bound per coordinate.
pub const MAX_DEGREE: u64 = 4096;
/// The most summand evaluations of one proof (grid points times summands).
pub const MAX_EVALUATIONS: u64 = 2_000_000;
/// The largest exponent (of either sign) of a coordinate in a group's terms.
pub const MAX_EXPONENT: i64 = 65_536;

/// A Laurent polynomial in a group's coordinates: exponents (one per coordinate) and
/// coefficient, each exponent vector once.
pub type Laurent = Vec<(Vec<i64>, BigRational)>;

/// The coordinates a group is written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coords {
    /// One coordinate `w`, the monomial with these exponents (of either sign).
    Line(Vec<(Generator, i64)>),
    /// The generators themselves, one coordinate each.
    Grid(Vec<Generator>),
}

/// A group of summands shown equal to a Laurent polynomial by evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The summands of `L - R` in the group (indices, increasing).
    pub summands: Vec<usize>,
    /// The coordinates.
    pub coords: Coords,
    /// The group's sum as a Laurent polynomial in the coordinates.
    pub part: Laurent,
    /// The degree bound `D` per coordinate.
    pub degrees: Vec<u64>,
    /// The points per coordinate (at least `D + 1` distinct non-zero rationals).
    pub points: Vec<Vec<BigRational>>,
}

/// A proof that `L - R` is zero by exact evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointsProof {
    /// How many summands `L - R` has.
    pub summands: usize,
    /// The groups.
    pub groups: Vec<Group>,
    /// Summands with a monomial denominator, summed exactly with the groups' parts.
    pub rest: Vec<usize>,
}

impl PointsProof {
    /// The number of points evaluated (grid points over all groups).
    #[must_use]
    pub fn point_count(&self) -> u64 {
        self.groups.iter().map(grid_size).sum()
    }

    /// The largest degree bound of any coordinate.
    #[must_use]
    pub fn max_degree(&self) -> u64 {
        self.groups
            .iter()
            .flat_map(|gr| gr.degrees.iter().copied())
            .max()
            .unwrap_or(0)
    }
}

fn grid_size(gr: &Group) -> u64 {
    gr.points
        .iter()
        .fold(1u64, |acc, s| acc.saturating_mul(s.len() as u64))
}

/// The terms of a side: the operands of a sum, or the side itself.
fn terms(g: &Graph, e: ExprId) -> Vec<ExprId> {
    match g.node(e) {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![e],
    }
}

/// How many summands `lhs - rhs` has.
#[must_use]
pub fn summand_count(g: &Graph, lhs: ExprId, rhs: ExprId) -> usize {
    terms(g, lhs).len() + terms(g, rhs).len()
}

/// The normal forms of the summands of `lhs - rhs` over shared generators.
fn summand_forms(g: &Graph, lhs: ExprId, rhs: ExprId) -> Option<(Normalizer, Vec<RatFn>)> {
    let mut n = Normalizer::new(g, &[lhs, rhs]);
    let mut out = Vec::new();
    for t in terms(g, lhs) {
        out.push(n.normalize(g, t)?);
    }
    for t in terms(g, rhs) {
        out.push(n.normalize(g, t)?.neg());
    }
    Some((n, out))
}

/// The exponent vector of a monomial over `ngen` generators.
fn exps(m: &Monomial, ngen: usize) -> Vec<i64> {
    let mut v = vec![0i64; ngen];
    for &(gen, k) in m.factors() {
        if let Some(slot) = v.get_mut(gen as usize) {
            *slot = i64::from(k);
        }
    }
    v
}

/// `k` with `d = k*v`, if there is one.
fn multiple_of(d: &[i64], v: &[i64]) -> Option<i64> {
    let j = v.iter().position(|x| *x != 0)?;
    if d[j] % v[j] != 0 {
        return None;
    }
    let k = d[j] / v[j];
    d.iter()
        .zip(v)
        .all(|(a, b)| b.checked_mul(k) == Some(*a))
        .then_some(k)
}

/// A summand in a group's coordinates.
struct Local {
    num: Laurent,
    den: Laurent,
}

/// The coordinates resolved to generator indices.
enum Resolved {
    Line(Vec<i64>),
    Grid(Vec<usize>),
}

fn resolve(coords: &Coords, gens: &[Generator]) -> Option<Resolved> {
    let index = |gen: &Generator| gens.iter().position(|x| x == gen);
    match coords {
        Coords::Line(factors) => {
            let mut v = vec![0i64; gens.len()];
            for (gen, k) in factors {
                v[index(gen)?] = *k;
            }
            v.iter().any(|k| *k != 0).then_some(Resolved::Line(v))
        }
        Coords::Grid(list) => {
            let idx: Option<Vec<usize>> = list.iter().map(index).collect();
            let idx = idx?;
            let mut sorted = idx.clone();
            sorted.sort_unstable();
            sorted.dedup();
            (sorted.len() == idx.len()).then_some(Resolved::Grid(idx))
        }
    }
}

impl Resolved {
    fn rank(&self) -> usize {
        match self {
            Resolved::Line(_) => 1,
            Resolved::Grid(idx) => idx.len(),
        }
    }

    /// A summand in these coordinates (`None` when it is not a function of them, or
    /// an exponent is beyond [`MAX_EXPONENT`]).
    fn local(&self, f: &RatFn, ngen: usize) -> Option<Local> {
        let l = self.local_unchecked(f, ngen)?;
        let small = |p: &Laurent| {
            p.iter()
                .all(|(e, _)| e.iter().all(|k| k.abs() <= MAX_EXPONENT))
        };
        (small(&l.num) && small(&l.den)).then_some(l)
    }

    fn local_unchecked(&self, f: &RatFn, ngen: usize) -> Option<Local> {
        match self {
            Resolved::Line(v) => {
                let (base, _) = f.den.terms().next()?;
                let base = exps(base, ngen);
                let conv = |p: &Poly| -> Option<Laurent> {
                    p.terms()
                        .map(|(m, c)| {
                            let d: Vec<i64> = exps(m, ngen)
                                .iter()
                                .zip(&base)
                                .map(|(a, b)| a - b)
                                .collect();
                            Some((vec![multiple_of(&d, v)?], c.clone()))
                        })
                        .collect()
                };
                Some(Local {
                    num: conv(&f.num)?,
                    den: conv(&f.den)?,
                })
            }
            Resolved::Grid(idx) => {
                let conv = |p: &Poly| -> Option<Laurent> {
                    p.terms()
                        .map(|(m, c)| {
                            let e = exps(m, ngen);
                            let mut out = vec![0i64; idx.len()];
                            for (gen, k) in e.iter().enumerate() {
                                if *k != 0 {
                                    out[idx.iter().position(|i| *i == gen)?] = *k;
                                }
                            }
                            Some((out, c.clone()))
                        })
                        .collect()
                };
                Some(Local {
                    num: conv(&f.num)?,
                    den: conv(&f.den)?,
                })
            }
        }
    }

    /// A coordinate exponent vector as a generator exponent vector.
    fn global(&self, k: &[i64], ngen: usize) -> Option<Vec<i64>> {
        let mut out = vec![0i64; ngen];
        match self {
            Resolved::Line(v) => {
                for (o, x) in out.iter_mut().zip(v) {
                    *o = x.checked_mul(*k.first()?)?;
                }
            }
            Resolved::Grid(idx) => {
                for (j, &i) in idx.iter().enumerate() {
                    out[i] = *k.get(j)?;
                }
            }
        }
        Some(out)
    }
}

/// Per coordinate, the least and greatest exponent (`None` for the zero polynomial).
fn lo_hi(p: &Laurent, r: usize) -> Option<(Vec<i64>, Vec<i64>)> {
    let (first, _) = p.first()?;
    let mut lo = first.clone();
    let mut hi = first.clone();
    for (e, _) in p {
        for j in 0..r {
            lo[j] = lo[j].min(e[j]);
            hi[j] = hi[j].max(e[j]);
        }
    }
    Some((lo, hi))
}

/// A denominator up to a monomial and a constant: shifted to least exponents 0,
/// divided by the coefficient of its least term, sorted.
fn canonical(p: &Laurent, r: usize) -> Option<Laurent> {
    let (lo, _) = lo_hi(p, r)?;
    let mut out: Laurent = p
        .iter()
        .map(|(e, c)| (e.iter().zip(&lo).map(|(a, b)| a - b).collect(), c.clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let c = out.first()?.1.clone();
    if c.is_zero() {
        return None;
    }
    for t in &mut out {
        t.1 = &t.1 / &c;
    }
    Some(out)
}

/// The degree bound per coordinate of `w^-L * E * (F - P)`, where `F` is the sum of
/// the summands, `P` the claimed part and `E` the product of the distinct
/// denominators (up to monomials and constants), computed from the terms' exponent
/// ranges without expanding `E`. `None` when a denominator is zero or an exponent
/// overflows.
fn degree_bounds(locals: &[Local], part: &Laurent, r: usize) -> Option<Vec<u64>> {
    let mut distinct: Vec<Laurent> = Vec::new();
    for l in locals {
        let c = canonical(&l.den, r)?;
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let mut deg_e = vec![0i64; r];
    for d in &distinct {
        let (lo, hi) = lo_hi(d, r)?;
        for j in 0..r {
            deg_e[j] = deg_e[j].checked_add(hi[j] - lo[j])?;
        }
    }
    let mut low: Option<Vec<i64>> = None;
    let mut high: Option<Vec<i64>> = None;
    let mut widen = |a: Vec<i64>, b: Vec<i64>| {
        let l = low.get_or_insert_with(|| a.clone());
        for j in 0..r {
            l[j] = l[j].min(a[j]);
        }
        let h = high.get_or_insert_with(|| b.clone());
        for j in 0..r {
            h[j] = h[j].max(b[j]);
        }
    };
    for l in locals {
        let Some((nlo, nhi)) = lo_hi(&l.num, r) else {
            continue; // a zero summand adds nothing
        };
        let (dlo, dhi) = lo_hi(&l.den, r)?;
        let a: Vec<i64> = (0..r).map(|j| nlo[j] - dlo[j]).collect();
        let b: Option<Vec<i64>> = (0..r)
            .map(|j| {
                nhi[j]
                    .checked_sub(dlo[j])?
                    .checked_add(deg_e[j])?
                    .checked_sub(dhi[j] - dlo[j])
            })
            .collect();
        widen(a, b?);
    }
    if let Some((plo, phi)) = lo_hi(part, r) {
        let b: Option<Vec<i64>> = (0..r).map(|j| phi[j].checked_add(deg_e[j])).collect();
        widen(plo, b?);
    }
    match (low, high) {
        (Some(l), Some(h)) => (0..r)
            .map(|j| u64::try_from(h[j].checked_sub(l[j])?).ok())
            .collect(),
        _ => Some(vec![0; r]),
    }
}

/// `p` at a point (`None` when a negative power of zero is needed).
fn eval(
    p: &Laurent,
    point: &[BigRational],
    powers: &mut HashMap<(usize, i64), BigRational>,
) -> Option<BigRational> {
    let mut sum = BigRational::zero();
    for (e, c) in p {
        let mut term = c.clone();
        for (j, &k) in e.iter().enumerate() {
            if k == 0 {
                continue;
            }
            let base = &point[j];
            if k < 0 && base.is_zero() {
                return None;
            }
            let pw = powers.entry((j, k)).or_insert_with(|| {
                let p = num_traits::pow(base.clone(), k.unsigned_abs() as usize);
                if k < 0 {
                    p.recip()
                } else {
                    p
                }
            });
            term *= &*pw;
        }
        sum += term;
    }
    Some(sum)
}

/// `F - P` at a point; `None` when a coordinate or a denominator vanishes there.
fn difference_at(locals: &[Local], part: &Laurent, point: &[BigRational]) -> Option<BigRational> {
    if point.iter().any(Zero::is_zero) {
        return None;
    }
    let mut powers = HashMap::new();
    let mut sum = -eval(part, point, &mut powers)?;
    for l in locals {
        let d = eval(&l.den, point, &mut powers)?;
        if d.is_zero() {
            return None;
        }
        sum += eval(&l.num, point, &mut powers)? / d;
    }
    Some(sum)
}

/// Every point of the grid `S_1 x ... x S_r`.
fn grid_points(sets: &[Vec<BigRational>]) -> Vec<Vec<BigRational>> {
    let mut out: Vec<Vec<BigRational>> = vec![Vec::new()];
    for s in sets {
        let mut next = Vec::with_capacity(out.len() * s.len());
        for p in &out {
            for v in s {
                let mut q = p.clone();
                q.push(v.clone());
                next.push(q);
            }
        }
        out = next;
    }
    out
}

fn int(k: i64) -> BigRational {
    BigRational::from_integer(k.into())
}

/// The polynomial part of a one-coordinate group: `F = A / E` with `E` the product of
/// the distinct denominators; `None` unless `E` divides `A` (then `F` is a Laurent
/// polynomial).
fn line_part(locals: &[Local]) -> Option<Laurent> {
    let to_upoly = |p: &Laurent, shift: i64| -> Option<UPoly> {
        let top = p.iter().map(|(e, _)| e[0] - shift).max()?;
        if top as u64 > MAX_DEGREE * 4 {
            return None;
        }
        let mut c = vec![BigRational::zero(); usize::try_from(top).ok()? + 1];
        for (e, k) in p {
            c[usize::try_from(e[0] - shift).ok()?] += k;
        }
        Some(UPoly::from_coeffs(c))
    };
    let mut distinct: Vec<Laurent> = Vec::new();
    for l in locals {
        let c = canonical(&l.den, 1)?;
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let factors: Option<Vec<UPoly>> = distinct.iter().map(|d| to_upoly(d, 0)).collect();
    let factors = factors?;
    let limit = (MAX_DEGREE * 4) as usize;
    let mut e = UPoly::one();
    for f in &factors {
        e = e.mul(f, limit).ok()?;
    }
    // Each summand times E: num * (the other factors) / c, at offset lo(num) - lo(den).
    let mut pieces: Vec<(i64, UPoly)> = Vec::new();
    for l in locals {
        let Some((nlo, _)) = lo_hi(&l.num, 1) else {
            continue;
        };
        let (dlo, _) = lo_hi(&l.den, 1)?;
        let own = canonical(&l.den, 1)?;
        let c = l
            .den
            .iter()
            .find(|(x, _)| x[0] == dlo[0])
            .map(|(_, c)| c.clone())?;
        let mut acc = to_upoly(&l.num, nlo[0])?.scale(&c.recip());
        for (d, f) in distinct.iter().zip(&factors) {
            if *d != own {
                acc = acc.mul(f, limit).ok()?;
            }
        }
        pieces.push((nlo[0] - dlo[0], acc));
    }
    let low = pieces.iter().map(|(o, _)| *o).min().unwrap_or(0);
    let mut a = UPoly::zero();
    for (o, p) in pieces {
        let shift = usize::try_from(o - low).ok()?;
        if shift > limit {
            return None;
        }
        let mut c = vec![BigRational::zero(); shift];
        c.extend(p.coeffs().iter().cloned());
        a = a.add(&UPoly::from_coeffs(c));
    }
    let q = a.exact_div(&e)?;
    Some(
        q.coeffs()
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_zero())
            .map(|(k, c)| (vec![k as i64 + low], c.clone()))
            .collect(),
    )
}

/// The direction of the differences between the monomials of the summands (each
/// against its own first denominator term), if they all lie on one line: the
/// primitive vector times the gcd of the multiples, so that the degrees in `w` are
/// as low as they can be (`w = exp(2*u)` for a `tanh(u)`).
fn direction(forms: &[&RatFn], ngen: usize) -> Option<Vec<i64>> {
    let mut v: Option<Vec<i64>> = None;
    let mut multiples = 0i64;
    for f in forms {
        let (base, _) = f.den.terms().next()?;
        let base = exps(base, ngen);
        for (m, _) in f.num.terms().chain(f.den.terms()) {
            let d: Vec<i64> = exps(m, ngen)
                .iter()
                .zip(&base)
                .map(|(a, b)| a - b)
                .collect();
            if d.iter().all(|x| *x == 0) {
                continue;
            }
            if v.is_none() {
                let g = d.iter().fold(0i64, |acc, x| acc.gcd(x));
                let mut p: Vec<i64> = d.iter().map(|x| x / g).collect();
                if p.iter().find(|x| **x != 0).is_some_and(|x| *x < 0) {
                    p.iter_mut().for_each(|x| *x = -*x);
                }
                v = Some(p);
            }
            let k = multiple_of(&d, v.as_ref()?)?;
            multiples = multiples.gcd(&k);
        }
    }
    let v = v?;
    v.iter().map(|x| x.checked_mul(multiples)).collect()
}

/// The points of a one-coordinate group: the first `D + 1` of 1, 2, 3, ... where no
/// denominator vanishes and `F - P` is zero; `None` at a non-zero value.
fn line_points(locals: &[Local], part: &Laurent, degree: u64) -> Option<Vec<BigRational>> {
    let need = usize::try_from(degree).ok()? + 1;
    let mut out = Vec::with_capacity(need);
    let mut k = 0i64;
    while out.len() < need {
        k += 1;
        if k as usize > need + 256 {
            return None;
        }
        let p = int(k);
        match difference_at(locals, part, std::slice::from_ref(&p)) {
            None => continue,
            Some(v) if v.is_zero() => out.push(p),
            Some(_) => return None,
        }
    }
    Some(out)
}

/// The points of a grid group: `{s, ..., s + D_j}` per coordinate for the first
/// start `s` at which no denominator vanishes on the grid.
fn grid_sets(locals: &[Local], part: &Laurent, degrees: &[u64]) -> Option<Vec<Vec<BigRational>>> {
    'start: for s in 1..=4i64 {
        let sets: Vec<Vec<BigRational>> = degrees
            .iter()
            .map(|&d| (0..=d as i64).map(|k| int(s + k)).collect())
            .collect();
        for p in grid_points(&sets) {
            match difference_at(locals, part, &p) {
                None => continue 'start,
                Some(v) if v.is_zero() => {}
                Some(_) => return None,
            }
        }
        return Some(sets);
    }
    None
}

fn budget_ok(points: u64, summands: usize, spent: &mut u64) -> bool {
    *spent = spent.saturating_add(points.saturating_mul(summands as u64 + 1));
    *spent <= MAX_EVALUATIONS
}

/// Builds a group of the given summands in `coords` with its part, bounds and points.
fn build_group(
    forms: &[RatFn],
    members: Vec<usize>,
    coords: Coords,
    gens: &[Generator],
    spent: &mut u64,
) -> Option<Group> {
    let resolved = resolve(&coords, gens)?;
    let r = resolved.rank();
    let ngen = gens.len();
    let locals: Option<Vec<Local>> = members
        .iter()
        .map(|&i| resolved.local(&forms[i], ngen))
        .collect();
    let locals = locals?;
    let part = match resolved {
        Resolved::Line(_) => line_part(&locals)?,
        Resolved::Grid(_) => Vec::new(),
    };
    let degrees = degree_bounds(&locals, &part, r)?;
    if degrees.iter().any(|&d| d > MAX_DEGREE) {
        return None;
    }
    let grid: u64 = degrees.iter().map(|d| d + 1).product();
    if !budget_ok(grid, locals.len(), spent) {
        return None;
    }
    let points = match resolved {
        Resolved::Line(_) => vec![line_points(&locals, &part, degrees[0])?],
        Resolved::Grid(_) => grid_sets(&locals, &part, &degrees)?,
    };
    Some(Group {
        summands: members,
        coords,
        part,
        degrees,
        points,
    })
}

fn line_coords(v: &[i64], gens: &[Generator]) -> Coords {
    Coords::Line(
        v.iter()
            .enumerate()
            .filter(|(_, k)| **k != 0)
            .map(|(i, k)| (gens[i].clone(), *k))
            .collect(),
    )
}

/// Whether the groups' parts and the rest sum exactly to zero.
fn total_is_zero(
    forms: &[RatFn],
    groups: &[Group],
    rest: &[usize],
    gens: &[Generator],
) -> Option<bool> {
    let ngen = gens.len();
    let mut sum: HashMap<Vec<i64>, BigRational> = HashMap::new();
    let mut add = |e: Vec<i64>, c: BigRational| {
        let slot = sum.entry(e).or_insert_with(BigRational::zero);
        *slot += c;
    };
    for gr in groups {
        let resolved = resolve(&gr.coords, gens)?;
        for (k, c) in &gr.part {
            if k.len() != resolved.rank() {
                return None;
            }
            add(resolved.global(k, ngen)?, c.clone());
        }
    }
    for &i in rest {
        let f = &forms[i];
        let mut dens = f.den.terms();
        let (dm, dc) = dens.next()?;
        if dens.next().is_some() || dc.is_zero() {
            return None; // not a monomial denominator
        }
        let dm = exps(dm, ngen);
        for (m, c) in f.num.terms() {
            let e: Vec<i64> = exps(m, ngen).iter().zip(&dm).map(|(a, b)| a - b).collect();
            add(e, c / dc);
        }
    }
    Some(sum.values().all(Zero::is_zero))
}

/// Searches a proof that `lhs = rhs` as formal functions by exact evaluation.
///
/// # Errors
/// Why no such proof was found.
pub fn prove(g: &Graph, lhs: ExprId, rhs: ExprId) -> Result<PointsProof, String> {
    let (n, forms) =
        summand_forms(g, lhs, rhs).ok_or("a summand has no exponential-rational normal form")?;
    let gens = n.generators().to_vec();
    let ngen = gens.len();
    let mut rest = Vec::new();
    let mut keyed: Vec<(Poly, Vec<usize>)> = Vec::new();
    for (i, f) in forms.iter().enumerate() {
        let Some((_, _, p)) = f.den.split_content() else {
            return Err("a zero denominator".into());
        };
        if f.num.is_zero() || p == Poly::one() {
            rest.push(i);
        } else if let Some(slot) = keyed.iter_mut().find(|(k, _)| *k == p) {
            slot.1.push(i);
        } else {
            keyed.push((p, vec![i]));
        }
    }
    let summands = forms.len();
    let mut spent = 0u64;
    // Group by denominator, each group in its own coordinate.
    let grouped = (|| {
        let mut groups = Vec::new();
        for (_, members) in &keyed {
            let fs: Vec<&RatFn> = members.iter().map(|&i| &forms[i]).collect();
            let v = direction(&fs, ngen)?;
            groups.push(build_group(
                &forms,
                members.clone(),
                line_coords(&v, &gens),
                &gens,
                &mut spent,
            )?);
        }
        Some(groups)
    })();
    if let Some(groups) = grouped {
        if total_is_zero(&forms, &groups, &rest, &gens) == Some(true) {
            return Ok(PointsProof {
                summands,
                groups,
                rest,
            });
        }
    }
    // All summands with a denominator in one group: one coordinate if they lie on
    // a line, else the generators as a grid with part zero (the rest included).
    let members: Vec<usize> = keyed.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    if members.is_empty() {
        return Err("the summands do not sum to zero".into());
    }
    let fs: Vec<&RatFn> = members.iter().map(|&i| &forms[i]).collect();
    if let Some(v) = direction(&fs, ngen) {
        let mut sorted = members.clone();
        sorted.sort_unstable();
        if let Some(gr) = build_group(&forms, sorted, line_coords(&v, &gens), &gens, &mut spent) {
            let groups = vec![gr];
            if total_is_zero(&forms, &groups, &rest, &gens) == Some(true) {
                return Ok(PointsProof {
                    summands,
                    groups,
                    rest,
                });
            }
        }
    }
    let all: Vec<usize> = (0..summands).collect();
    let mut used: Vec<Gen> = forms
        .iter()
        .flat_map(|f| f.num.generators().into_iter().chain(f.den.generators()))
        .collect();
    used.sort_unstable();
    used.dedup();
    let coords = Coords::Grid(used.iter().map(|&i| gens[i as usize].clone()).collect());
    let gr = build_group(&forms, all, coords, &gens, &mut spent)
        .ok_or("no evaluation proof within the limits (degree, points) or a non-zero value")?;
    Ok(PointsProof {
        summands,
        groups: vec![gr],
        rest: Vec::new(),
    })
}

/// Re-checks a proof: the summands are recomputed, each group's summands rewritten in
/// its coordinates, its degree bounds derived again and compared, its points counted
/// (at least `D + 1` distinct non-zero values per coordinate) and every grid point
/// evaluated exactly (no denominator zero there, `F - P` zero); then the parts and
/// the rest must sum to zero, and the groups and the rest must partition the summands.
///
/// # Errors
/// Why the proof does not check.
pub fn check(g: &Graph, lhs: ExprId, rhs: ExprId, proof: &PointsProof) -> Result<(), String> {
    let (n, forms) =
        summand_forms(g, lhs, rhs).ok_or("a summand has no exponential-rational normal form")?;
    if forms.len() != proof.summands {
        return Err("the proof is about a different number of summands".into());
    }
    let gens = n.generators().to_vec();
    let mut seen = vec![false; forms.len()];
    for &i in proof
        .groups
        .iter()
        .flat_map(|gr| gr.summands.iter())
        .chain(proof.rest.iter())
    {
        match seen.get_mut(i) {
            Some(s) if !*s => *s = true,
            _ => return Err("the groups do not partition the summands".into()),
        }
    }
    if seen.iter().any(|s| !s) {
        return Err("a summand is in no group".into());
    }
    let mut spent = 0u64;
    for gr in &proof.groups {
        let resolved =
            resolve(&gr.coords, &gens).ok_or("a group's coordinates are not generators")?;
        let r = resolved.rank();
        if gr
            .part
            .iter()
            .any(|(k, _)| k.len() != r || k.iter().any(|e| e.abs() > MAX_EXPONENT))
        {
            return Err(
                "a part with the wrong number of coordinates or too large an exponent".into(),
            );
        }
        let locals: Option<Vec<Local>> = gr
            .summands
            .iter()
            .map(|&i| resolved.local(&forms[i], gens.len()))
            .collect();
        let locals = locals.ok_or("a summand is not a function of its group's coordinates")?;
        let degrees =
            degree_bounds(&locals, &gr.part, r).ok_or("a degree bound cannot be derived")?;
        if degrees != gr.degrees {
            return Err(format!(
                "the degree bounds {:?} are not the derived {degrees:?}",
                gr.degrees
            ));
        }
        if gr.points.len() != r {
            return Err("a point set per coordinate is expected".into());
        }
        for (set, &d) in gr.points.iter().zip(&degrees) {
            let mut sorted = set.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != set.len() || (set.len() as u64) < d + 1 {
                return Err(format!(
                    "{} distinct points where degree {d} needs {}",
                    sorted.len(),
                    d + 1
                ));
            }
        }
        if !budget_ok(grid_size(gr), locals.len(), &mut spent) {
            return Err("too many evaluations".into());
        }
        for p in grid_points(&gr.points) {
            match difference_at(&locals, &gr.part, &p) {
                None => return Err("a point where a denominator or a coordinate is zero".into()),
                Some(v) if !v.is_zero() => {
                    return Err("a point where the group differs from its part".into())
                }
                Some(_) => {}
            }
        }
    }
    match total_is_zero(&forms, &proof.groups, &proof.rest, &gens) {
        Some(true) => Ok(()),
        _ => Err("the parts and the rest do not sum to zero".into()),
    }
}

/// A generator as text (`exp(x/3)`, `x`, `g3`).
fn generator_text(g: &Graph, gen: &Generator, i: usize) -> String {
    match gen {
        Generator::Var(s) => g.name(*s).to_owned(),
        Generator::Exp { shape, q } => {
            let shape = if shape.is_empty() {
                "1".to_owned()
            } else {
                shape
                    .iter()
                    .map(|&f| crate::print::text(g, f))
                    .collect::<Vec<_>>()
                    .join("*")
            };
            if q.is_one() {
                format!("exp({shape})")
            } else {
                format!("exp({shape}/{q})")
            }
        }
        Generator::Atom(id) => crate::print::text(g, *id),
        _ => format!("g{i}"),
    }
}

/// One line per group for `--explain` (at most `limit` groups, then a count).
#[must_use]
pub fn describe(g: &Graph, proof: &PointsProof, limit: usize) -> Vec<String> {
    let mut out = vec![format!(
        "L - R has {} summands: {} group(s) by denominator, {} with a monomial denominator; per group, w^-L*E*(F - P) has degree at most D (from the terms' degrees; E, the product of the distinct denominators, not expanded), and F - P is exactly 0 at D + 1 points",
        proof.summands,
        proof.groups.len(),
        proof.rest.len()
    )];
    for (k, gr) in proof.groups.iter().enumerate() {
        if k == limit {
            out.push(format!(
                "... and {} more group(s)",
                proof.groups.len() - limit
            ));
            break;
        }
        let coords = match &gr.coords {
            Coords::Line(fs) => {
                let w: Vec<String> = fs
                    .iter()
                    .enumerate()
                    .map(|(i, (gen, e))| {
                        let t = generator_text(g, gen, i);
                        if *e == 1 {
                            t
                        } else {
                            format!("{t}^{e}")
                        }
                    })
                    .collect();
                format!("w = {}", w.join("*"))
            }
            Coords::Grid(list) => {
                let w: Vec<String> = list
                    .iter()
                    .enumerate()
                    .map(|(i, gen)| generator_text(g, gen, i))
                    .collect();
                format!("grid in {}", w.join(", "))
            }
        };
        let pts: Vec<String> = gr
            .points
            .iter()
            .map(|s| {
                let shown: Vec<String> = s.iter().take(6).map(ToString::to_string).collect();
                let more = if s.len() > 6 { ", ..." } else { "" };
                format!("{{{}{more}}}", shown.join(", "))
            })
            .collect();
        let part: Vec<String> = gr
            .part
            .iter()
            .map(|(e, c)| {
                if e.iter().all(|x| *x == 0) {
                    c.to_string()
                } else {
                    format!("{c}*w^{}", e[0])
                }
            })
            .collect();
        let degrees = match gr.degrees.as_slice() {
            [d] => d.to_string(),
            ds => format!("{ds:?}"),
        };
        out.push(format!(
            "group {} ({} summands): {coords}; D = {degrees}; zero at {} point(s) {}; sum = {}",
            k + 1,
            gr.summands.len(),
            grid_size(gr),
            pts.join(" x "),
            if part.is_empty() {
                "0".to_owned()
            } else {
                part.join(" + ")
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defs;

    fn sides(claim: &str) -> (Graph, ExprId, ExprId) {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).unwrap();
        let (l, r) = (defs::inline(&mut g, c.lhs), defs::inline(&mut g, c.rhs));
        (g, l, r)
    }

    #[test]
    fn pairs_prove_and_recheck() {
        let (g, l, r) = sides(
            "tanh(x/3) + tanh(2*x/3 - 1) + tanh(x - 2) = (2*sigmoid(2*x/3) - 1) + (2*sigmoid(4*x/3 - 2) - 1) + (2*sigmoid(2*x - 4) - 1)",
        );
        let p = prove(&g, l, r).unwrap();
        assert_eq!(p.groups.len(), 3);
        check(&g, l, r, &p).unwrap();
        // A dropped point.
        let mut t = p.clone();
        t.groups[0].points[0].pop();
        assert!(check(&g, l, r, &t).unwrap_err().contains("points"));
        // A lower degree bound with one point fewer.
        let mut t = p.clone();
        t.groups[1].degrees[0] -= 1;
        t.groups[1].points[0].pop();
        assert!(check(&g, l, r, &t).unwrap_err().contains("degree"));
        // A changed part.
        let mut t = p.clone();
        t.groups[2].part[0].1 += int(1);
        assert!(check(&g, l, r, &t).is_err());
        // A summand left out.
        let mut t = p;
        t.groups[0].summands.pop();
        assert!(check(&g, l, r, &t).is_err());
    }

    #[test]
    fn false_claims_have_no_proof() {
        for claim in [
            "tanh(x/3) + tanh(2*x/3 - 1) = (2*sigmoid(2*x/3) - 1) + (2*sigmoid(4*x/3 - 1) - 1)",
            "tanh(x/3) + tanh(2*x/3 - 1) = (2*sigmoid(2*x/3) - 1) + (2*sigmoid(5*x/3 - 2) - 1)",
            "tanh(x/3) + tanh(2*x/3 - 1) = (2*sigmoid(2*x/3) - 1) + (2*sigmoid(4*x/3 - 2) - 1) + 10^-30",
            "tanh(x) + x = 2*sigmoid(2*x) - 1",
        ] {
            let (g, l, r) = sides(claim);
            assert!(prove(&g, l, r).is_err(), "{claim}");
        }
    }

    #[test]
    fn a_grid_of_two_variables() {
        let (g, l, r) = sides("x*tanh(y) + x = 2*x*sigmoid(2*y)");
        let p = prove(&g, l, r).unwrap();
        check(&g, l, r, &p).unwrap();
        let (g, l, r) = sides("x*tanh(y) + y = 2*x*sigmoid(2*y)");
        assert!(prove(&g, l, r).is_err());
    }
}
