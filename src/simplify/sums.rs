//! Sums in their best form: as they are, with the factors common to every term
//! taken out, expanded into a polynomial over atoms (with its common monomial taken
//! out), or collected by powers of one atom; whichever has the fewest operations.
//! The original wins ties, and a new form is taken only when it is strictly
//! smaller, so passes reach a fixpoint.
//!
//! Polynomial candidates are costed as [`Form`] trees before any node is built:
//! only the winner enters the graph.
//!
//! Domains are kept: taking a factor out of every term keeps it (`f*a + f*b` is
//! undefined exactly where `f*(a + b)` is), and expansions that would cancel a
//! partial atom are refused.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive};

use super::cost::OpCounter;
use super::poly::{atom, atoms, gen, Expansions, Poly};
use super::rational::Q;
use super::Work;
use crate::expr::{BigRational, ExprId, Graph, Node};
use crate::poly::Monomial;

/// The most atoms a sum may have to be tried collected by each of them.
const MAX_COLLECT_ATOMS: usize = 6;

/// A candidate form, costed without building it.
#[derive(Clone, Debug)]
enum Form {
    /// An existing node.
    Node(ExprId),
    /// A rational constant.
    Num(Q),
    /// A sum of at least two forms.
    Sum(Vec<Form>),
    /// A product of at least two forms.
    Prod(Vec<Form>),
    /// A positive integer power (above 1).
    Pow(Box<Form>, u32),
}

impl Form {
    fn sum(mut parts: Vec<Form>) -> Form {
        let mut flat = Vec::with_capacity(parts.len());
        for p in parts.drain(..) {
            match p {
                Form::Sum(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Form::Num(Q::ZERO),
            1 => flat.pop().unwrap_or(Form::Num(Q::ZERO)),
            _ => Form::Sum(flat),
        }
    }

    fn prod(parts: Vec<Form>) -> Form {
        let mut flat: Vec<Form> = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Form::Num(r) if r.is_one() => {}
                Form::Prod(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Form::Num(Q::ONE),
            1 => flat.pop().unwrap_or(Form::Num(Q::ONE)),
            _ => Form::Prod(flat),
        }
    }

    fn pow(base: ExprId, k: u32) -> Form {
        if k == 1 {
            Form::Node(base)
        } else {
            Form::Pow(Box::new(Form::Node(base)), k)
        }
    }

    /// The operations of the form written as a tree (as [`OpCounter`] counts them).
    #[cfg(test)]
    fn ops(&self, g: &Graph, counter: &mut OpCounter) -> u64 {
        match self {
            Form::Node(id) => counter.count(g, *id),
            Form::Num(_) => 0,
            Form::Sum(xs) | Form::Prod(xs) => xs
                .iter()
                .map(|x| x.ops(g, counter))
                .fold(xs.len() as u64 - 1, u64::saturating_add),
            Form::Pow(b, _) => 1 + b.ops(g, counter),
        }
    }

    fn build(&self, g: &mut Graph) -> ExprId {
        match self {
            Form::Node(id) => *id,
            Form::Num(r) => g.num(r.to_big()),
            Form::Sum(xs) => {
                let parts = xs.iter().map(|x| x.build(g)).collect();
                g.add(parts)
            }
            Form::Prod(xs) => {
                let parts = xs.iter().map(|x| x.build(g)).collect();
                g.mul(parts)
            }
            Form::Pow(b, k) => {
                let b = b.build(g);
                let kn = g.int(i64::from(*k));
                g.pow(b, kn)
            }
        }
    }
}

/// A monomial with its coefficient, as a product.
fn term_form(m: &Monomial, c: Q) -> Form {
    let mut fs = vec![Form::Num(c)];
    fs.extend(m.factors().iter().map(|&(a, k)| Form::pow(atom(a), k)));
    Form::prod(fs)
}

/// The polynomial as a sum of products.
fn poly_form(p: &Poly) -> Form {
    Form::sum(p.terms().map(|(m, c)| term_form(m, *c)).collect())
}

/// `content * rest`.
fn factored_form(content: &Monomial, rest: &Poly) -> Form {
    let mut fs: Vec<Form> = content
        .factors()
        .iter()
        .map(|&(a, k)| Form::pow(atom(a), k))
        .collect();
    fs.push(poly_form(rest));
    Form::prod(fs)
}

/// The terms of `p` grouped by their power of `atom`, that power removed; `None`
/// when that would not group anything.
fn group_by_power(p: &Poly, atom: ExprId) -> Option<BTreeMap<u32, Poly>> {
    let groups = p.group_by_power(gen(atom));
    (groups.len() >= 2 && groups.values().any(|q| q.len() >= 2)).then_some(groups)
}

/// The polynomial collected by powers of `atom`, each coefficient with its common
/// factor taken out (`2 + b*x - 2*b*x*s` becomes `2 + x*b*(1 - 2*s)`).
fn collected_form(p: &Poly, atom: ExprId) -> Option<Form> {
    let groups = group_by_power(p, atom)?;
    let terms = groups
        .iter()
        .map(|(&k, q)| {
            let (content, rest) = q.split_common_monomial();
            let coeff = factored_form(&content, &rest);
            if k == 0 {
                coeff
            } else {
                Form::prod(vec![Form::pow(atom, k), coeff])
            }
        })
        .collect();
    Some(Form::sum(terms))
}

/// A base and an integer exponent of one factor (`x^3 -> (x, 3)`, `u -> (u, 1)`).
fn base_exp(g: &Graph, f: ExprId) -> (ExprId, i64) {
    if let Node::Pow(b, e) = g.node(f) {
        if let Some(k) = g
            .as_num(*e)
            .filter(|r| r.is_integer())
            .and_then(|r| r.to_integer().to_i64())
        {
            return (*b, k);
        }
    }
    (f, 1)
}

/// Whether a sum would have the term 1 (`s + s*t` factored as `s*(1 + t)`): such
/// sums read better as they are, the textbook's product-rule shape.
fn has_unit_term(g: &Graph, terms: &[ExprId]) -> bool {
    terms.iter().any(|&t| g.as_num(t).is_some_and(One::is_one))
}

/// Takes the factors common to every term out of a sum, without expanding
/// anything: `s*t^2*a - s^2*t*a` gives `(s*t*a, [t, -s])`.
fn common_factors(g: &mut Graph, terms: &[ExprId]) -> Option<(Vec<ExprId>, Vec<ExprId>)> {
    let split = |g: &Graph, t: ExprId| -> Vec<(ExprId, i64)> {
        match g.node(t) {
            Node::Mul(fs) => fs
                .iter()
                .filter(|&&f| g.as_num(f).is_none())
                .map(|&f| base_exp(g, f))
                .collect(),
            Node::Num(_) => Vec::new(),
            _ => vec![base_exp(g, t)],
        }
    };
    let parts: Vec<Vec<(ExprId, i64)>> = terms.iter().map(|&t| split(g, t)).collect();
    // A term with one base in two factors (`x^(-1/2) * (x^(-1/2))^2`, which the
    // product keeps apart) would have the common power divided out of each of them:
    // such sums are left as they are.
    let repeated = |fs: &Vec<(ExprId, i64)>| {
        fs.iter().enumerate().any(|(i, &(b, k))| {
            fs[i + 1..]
                .iter()
                .any(|&(b2, k2)| b2 == b && k2.signum() == k.signum())
        })
    };
    if parts.iter().any(repeated) {
        return None;
    }
    let first = parts.first()?;
    let mut common: Vec<(ExprId, i64)> = Vec::new();
    for &(b, k) in first {
        let mut least = k;
        let in_all = parts[1..].iter().all(|fs| {
            fs.iter().any(|&(b2, k2)| {
                let same = b2 == b && k2.signum() == k.signum();
                if same && k2.abs() < least.abs() {
                    least = k2;
                }
                same
            })
        });
        if in_all {
            common.push((b, least));
        }
    }
    if common.is_empty() {
        return None;
    }
    let mut cofactors = Vec::with_capacity(terms.len());
    for &t in terms {
        let fs: Vec<ExprId> = match g.node(t) {
            Node::Mul(fs) => fs.to_vec(),
            _ => vec![t],
        };
        let mut out = Vec::with_capacity(fs.len());
        for f in fs {
            if g.as_num(f).is_some() {
                out.push(f);
                continue;
            }
            let (b, k) = base_exp(g, f);
            match common
                .iter()
                .find(|&&(cb, ck)| cb == b && ck.signum() == k.signum())
            {
                Some(&(_, ck)) if ck == k => {}
                Some(&(_, ck)) => {
                    let kn = g.num(BigRational::from_integer(BigInt::from(k - ck)));
                    out.push(g.pow(b, kn));
                }
                None => out.push(f),
            }
        }
        cofactors.push(g.mul(out));
    }
    if has_unit_term(g, &cofactors) {
        return None;
    }
    let common: Vec<ExprId> = common
        .into_iter()
        .map(|(b, k)| {
            let kn = g.num(BigRational::from_integer(BigInt::from(k)));
            g.pow(b, kn)
        })
        .collect();
    Some((common, cofactors))
}

/// A polynomial candidate form, before it is built.
#[derive(Clone, Copy, Debug)]
enum Candidate {
    /// The expansion as it is.
    Expanded,
    /// The common monomial taken out.
    Factored,
    /// Collected by powers of an atom.
    Collected(ExprId),
}

// The costs below are what `Form::ops` would count for the forms built above, found
// without building them. Sums and products count one operation per operand after
// the first, so nesting does not change the count, and a factor 1 is not written.

/// The operations of `atom^k` (the atom's own, and the power).
fn atom_cost(g: &Graph, ops: &mut OpCounter, a: ExprId, k: u32) -> u64 {
    ops.count(g, a) + u64::from(k > 1)
}

/// A product's operand costs and how many operands it has.
type Parts = (u64, u64);

fn product_cost((cost, factors): Parts) -> u64 {
    cost + factors.saturating_sub(1)
}

/// The term `c*m` as product operands.
fn term_parts(g: &Graph, ops: &mut OpCounter, m: &Monomial, c: Q) -> Parts {
    let cost = m
        .factors()
        .iter()
        .map(|&(a, k)| atom_cost(g, ops, atom(a), k))
        .sum();
    (cost, m.len() as u64 + u64::from(!c.is_one()))
}

/// The polynomial written as a sum of products.
fn poly_cost(g: &Graph, ops: &mut OpCounter, p: &Poly) -> u64 {
    let terms: u64 = p
        .terms()
        .map(|(m, c)| product_cost(term_parts(g, ops, m, *c)))
        .sum();
    terms + (p.len() as u64).saturating_sub(1)
}

/// `content * rest` as product operands.
fn factored_parts(g: &Graph, ops: &mut OpCounter, content: &Monomial, rest: &Poly) -> Parts {
    let (mut cost, mut factors) = (0, content.len() as u64);
    for &(a, k) in content.factors() {
        cost += atom_cost(g, ops, atom(a), k);
    }
    match rest.terms().next() {
        Some((m, c)) if rest.len() == 1 => {
            let (rc, rf) = term_parts(g, ops, m, *c);
            cost += rc;
            factors += rf;
        }
        _ => {
            cost += poly_cost(g, ops, rest);
            factors += 1;
        }
    }
    (cost, factors)
}

/// The polynomial collected by powers of `atom` (see [`collected_form`]).
fn collected_cost(g: &Graph, ops: &mut OpCounter, p: &Poly, atom: ExprId) -> Option<u64> {
    let groups = group_by_power(p, atom)?;
    let mut total = (groups.len() as u64).saturating_sub(1);
    for (k, q) in &groups {
        let (content, rest) = q.split_common_monomial();
        let (cost, factors) = factored_parts(g, ops, &content, &rest);
        total += if *k == 0 {
            product_cost((cost, factors))
        } else {
            product_cost((cost + atom_cost(g, ops, atom, *k), factors + 1))
        };
    }
    Some(total)
}

/// The form of the sum `id` with the fewest operations among: itself, its common
/// factors taken out, its expansion (with its common monomial taken out), and its
/// expansion collected by each atom.
pub(super) fn best_sum_form(
    g: &mut Graph,
    id: ExprId,
    ops: &mut OpCounter,
    memo: &mut Expansions,
    work: &mut Work,
    depth: u32,
) -> ExprId {
    let Node::Add(terms) = g.node(id).clone() else {
        return id;
    };
    let mut best = (ops.count(g, id), id);
    if let Some((mut common, cofactors)) = common_factors(g, &terms) {
        let inner = g.add(cofactors);
        let inner = if depth < 2 {
            best_sum_form(g, inner, ops, memo, work, depth + 1)
        } else {
            inner
        };
        common.push(inner);
        let cand = g.mul(common);
        let n = ops.count(g, cand);
        if n < best.0 {
            best = (n, cand);
        }
    }
    if work.exhausted() {
        return best.1;
    }
    let Some(expanded) = memo.expand_sum(g, id, work) else {
        return best.1;
    };
    let p = &expanded.poly;
    // Cost every candidate from the polynomial alone, build only the cheapest, and
    // keep it only if it is really smaller once built.
    let mut cheapest: Option<(u64, Candidate)> = None;
    let mut consider = |n: u64, c: Candidate| {
        if n < best.0 && cheapest.as_ref().is_none_or(|b| n < b.0) {
            cheapest = Some((n, c));
        }
    };
    consider(poly_cost(g, ops, p), Candidate::Expanded);
    // The common monomial taken out, when there is one (most sums have none: no
    // quotient is formed for them).
    let factored = (!p.common_monomial().is_one()).then(|| p.split_common_monomial());
    if let Some((content, rest)) = &factored {
        let unit = rest.terms().any(|(m, c)| m.is_one() && c.is_one());
        if !unit {
            consider(
                product_cost(factored_parts(g, ops, content, rest)),
                Candidate::Factored,
            );
        }
    }
    let atoms = atoms(p);
    if atoms.len() <= MAX_COLLECT_ATOMS {
        for a in atoms {
            // Collecting by an atom of a single term only regroups the others.
            let uses = p.monomials().filter(|m| m.degree_in(gen(a)) > 0).count();
            if uses < 2 {
                continue;
            }
            if let Some(n) = collected_cost(g, ops, p, a) {
                consider(n, Candidate::Collected(a));
            }
        }
    }
    if let Some((_, c)) = cheapest {
        let form = match c {
            Candidate::Expanded => Some(poly_form(p)),
            Candidate::Factored => factored
                .as_ref()
                .map(|(content, rest)| factored_form(content, rest)),
            Candidate::Collected(a) => collected_form(p, a),
        };
        if let Some(form) = form {
            let cand = form.build(g);
            let n = ops.count(g, cand);
            if n < best.0 {
                best = (n, cand);
            }
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simplify::Work;

    /// The costs found without building agree with the built forms' counts.
    #[test]
    fn costs_match_the_forms() {
        let mut g = Graph::with_prelude();
        let src = "(1 - sigmoid(b*x))*(2 + b*x - 3*x*sigmoid(b*x)^2) + 5*x^2*b - sigmoid(b*x)/2";
        let e = crate::defs::parse_expr(&mut g, src).expect("parses");
        let mut memo = Expansions::default();
        let mut work = Work::new(1_000_000);
        let expanded = memo.expand_sum(&mut g, e, &mut work).expect("expands");
        let p = &expanded.poly;
        let mut ops = OpCounter::new();
        assert_eq!(poly_cost(&g, &mut ops, p), poly_form(p).ops(&g, &mut ops));
        for a in atoms(p) {
            if let Some(n) = collected_cost(&g, &mut ops, p, a) {
                let f = collected_form(p, a).expect("same grouping");
                assert_eq!(n, f.ops(&g, &mut ops));
            }
            let content = Monomial::power(gen(a), 1);
            if let Some(rest) = p.divide_monomial(&content) {
                let f = factored_form(&content, &rest);
                let n = product_cost(factored_parts(&g, &mut ops, &content, &rest));
                assert_eq!(n, f.ops(&g, &mut ops));
            }
        }
    }
}
