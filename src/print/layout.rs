//! The printing engine shared by text and LaTeX: pieces, binding strengths, the
//! stack-driven writing out, and the analysis of sums and products into their textbook
//! shape (term order, coefficient, numerator and denominator).

use std::borrow::Cow;
use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::expr::{BigRational, ExprId, Graph, Node};

/// How tightly a printed form binds; a child printed where a stronger binding is
/// needed gets parentheses.
pub type Prec = u8;
/// A comparison (`a > b`): binds loosest.
pub const COND: Prec = 0;
/// A sum or difference.
pub const SUM: Prec = 1;
/// A product or quotient (`2*x`, `x/2`, `1/3`).
pub const PRODUCT: Prec = 2;
/// A unary minus (`-x`, `-2`).
pub const UNARY: Prec = 3;
/// A power (`x^2`).
pub const POWER: Prec = 4;
/// An atom: a name, a non-negative number, a call, anything in brackets.
pub const ATOM: Prec = 5;

/// One piece of a node's printed form.
pub enum Piece<'g> {
    /// Literal text that is not an operation (brackets, commas, numbers).
    Str(&'static str),
    /// Owned literal text that is not an operation.
    Text(String),
    /// A name borrowed from the graph.
    Name(&'g str),
    /// An operator: `+`, `-` (binary or unary), `*`, `/`, `^`, a comparison.
    Op(&'static str),
    /// The head of a function application (`exp(`, `sigmoid(`).
    Head(Cow<'g, str>),
    /// A child node, printed in brackets when it binds looser than `min`.
    Node {
        /// The child.
        id: ExprId,
        /// The binding it needs.
        min: Prec,
    },
}

/// A child piece.
pub fn node<'g>(id: ExprId, min: Prec) -> Piece<'g> {
    Piece::Node { id, min }
}

/// A format: how one node is laid out.
pub trait Style {
    /// Pushes the pieces of node `id`, printed where binding `min` is needed, onto
    /// `out`, and returns how tightly the form binds. Pieces refer only to nodes with
    /// smaller ids (children), which [`op_count`](super::op_count) relies on.
    fn layout<'g>(&self, g: &'g Graph, id: ExprId, min: Prec, out: &mut Vec<Piece<'g>>) -> Prec;

    /// The brackets put around node `id` when it needs them.
    fn brackets(&self, g: &Graph, id: ExprId) -> (&'static str, &'static str);
}

/// Writes out the pieces of `root` with an explicit stack (no recursion on depth).
pub fn render(style: &impl Style, g: &Graph, root: ExprId) -> String {
    let mut out = String::new();
    let mut stack: Vec<Piece> = vec![node(root, COND)];
    let mut buf: Vec<Piece> = Vec::new();
    while let Some(piece) = stack.pop() {
        match piece {
            Piece::Str(s) | Piece::Op(s) => out.push_str(s),
            Piece::Text(s) => out.push_str(&s),
            Piece::Name(s) => out.push_str(s),
            Piece::Head(s) => out.push_str(&s),
            Piece::Node { id, min } => {
                let prec = style.layout(g, id, min, &mut buf);
                let wrap = prec < min;
                let (open, close) = if wrap {
                    style.brackets(g, id)
                } else {
                    ("", "")
                };
                if wrap {
                    stack.push(Piece::Str(close));
                }
                stack.extend(buf.drain(..).rev());
                if wrap {
                    stack.push(Piece::Str(open));
                }
            }
        }
    }
    out
}

/// The rational coefficient of a term (`-3*x -> -3`, `x -> 1`, `2 -> 2`).
#[must_use]
pub fn coefficient(g: &Graph, id: ExprId) -> BigRational {
    match g.node(id) {
        Node::Num(r) => r.clone(),
        Node::Mul(fs) => match fs.first().map(|&f| g.node(f)) {
            Some(Node::Num(r)) => r.clone(),
            _ => BigRational::one(),
        },
        _ => BigRational::one(),
    }
}

/// The factors of a term other than its rational coefficient (`3*x*y -> [x, y]`,
/// `x -> [x]`, `2 -> []`).
#[must_use]
pub fn rest_factors(g: &Graph, id: ExprId) -> Vec<ExprId> {
    match g.node(id) {
        Node::Num(_) => Vec::new(),
        Node::Mul(fs) => match fs.first().map(|&f| g.node(f)) {
            Some(Node::Num(_)) => fs[1..].to_vec(),
            _ => fs.to_vec(),
        },
        _ => vec![id],
    }
}

/// The terms of a sum with the coefficients to print them with, in display order:
/// positive terms, then negative terms; within each sign, monomials by descending
/// degree, then the other terms from shallow to deep, with the constant placed as a
/// textbook places it. A negative constant trails (`-x - 1`, `exp(x) - 1`); a
/// positive one trails a positive monomial (`x + 1`, `x^2 + x + 1`) and otherwise
/// leads (`1 + exp(-x)`, `1 - sigmoid(x)`).
#[must_use]
pub fn sum_order(g: &Graph, terms: &[(ExprId, BigRational)]) -> Vec<(ExprId, BigRational)> {
    let is_constant = |t: ExprId| matches!(g.node(t), Node::Num(_));
    let constant_last = terms
        .iter()
        .any(|(t, c)| !c.is_negative() && !is_constant(*t) && degree(g, *t).is_some());
    let group = |t: ExprId, c: &BigRational| match (c.is_negative(), is_constant(t)) {
        (false, true) if constant_last => 2,
        (false, true) => 0,
        (false, false) => 1,
        (true, false) => 3,
        (true, true) => 4,
    };
    let mut out: Vec<_> = terms
        .iter()
        .map(|(t, c)| {
            // Monomials by descending degree, then other terms, shallowest first
            // (`Phi(x) + x*phi(x)`, `max(0, x) + alpha*min(0, x)`).
            let within =
                degree(g, *t).map_or((1, u64::from(g.info(*t).depth)), |d| (0, u64::MAX - d));
            let key = (group(*t, c), within);
            (key, rest_factors(g, *t), (*t, c.clone()))
        })
        .collect();
    // Group, then `within`, then the factors in display order.
    out.sort_by(|(ka, fa, _), (kb, fb, _)| {
        ka.cmp(kb).then_with(|| {
            fa.iter()
                .zip(fb.iter())
                .map(|(&x, &y)| display_cmp(g, x, y))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| fa.len().cmp(&fb.len()))
        })
    });
    out.into_iter().map(|(_, _, t)| t).collect()
}

/// The order of factors and terms on the page: by kind (numbers, `pi`, variables and
/// their integer powers, other powers, products, calls, sums, ...), then by name (of
/// the variable, the function, or a power's base), then by structure: `2*pi*x^2*y`,
/// `abs(x)*sign(x)`, `2 - x - y`. (The graph's canonical order breaks ties by a
/// structural hash, which reads as random.)
#[must_use]
pub fn display_cmp(g: &Graph, a: ExprId, b: ExprId) -> Ordering {
    let (ia, ib) = (g.info(a), g.info(b));
    let numbers = match (g.node(a), g.node(b)) {
        (Node::Num(x), Node::Num(y)) => x.cmp(y),
        _ => Ordering::Equal,
    };
    display_key(g, a, None)
        .cmp(&display_key(g, b, None))
        .then(numbers)
        .then_with(|| ia.depth.cmp(&ib.depth))
        .then_with(|| ia.shape.cmp(&ib.shape))
        .then_with(|| a.cmp(&b))
}

/// The kind and name that order `base^power` on the page (`power` is `None` for a
/// plain node): an integer power of a variable sorts with the variable.
fn display_key<'g>(g: &'g Graph, base: ExprId, power: Option<&BigRational>) -> (u8, &'g str) {
    let name = |id: ExprId| match g.node(id) {
        Node::Var(s) | Node::Call(s, _) => g.name(*s),
        Node::Func(f, _) => f.name(),
        _ => "",
    };
    let var_rank = 2;
    let pow_rank = 3;
    let (b, k) = match (g.node(base), power) {
        (Node::Pow(b, e), None) => (*b, g.as_num(*e)),
        (_, Some(k)) if !k.is_one() => (base, Some(k)),
        _ => return (g.info(base).rank, name(base)),
    };
    let integer = k.is_some_and(|k| k.is_integer());
    match g.node(b) {
        Node::Var(_) if integer => (var_rank, name(b)),
        _ => (pow_rank, name(b)),
    }
}

/// The page order of denominator factors `b^k`, as [`display_cmp`] orders factors.
fn den_cmp(
    g: &Graph,
    (a, ka): &(ExprId, BigRational),
    (b, kb): &(ExprId, BigRational),
) -> Ordering {
    display_key(g, *a, Some(ka))
        .cmp(&display_key(g, *b, Some(kb)))
        .then_with(|| display_cmp(g, *a, *b))
        .then_with(|| ka.cmp(kb))
}

/// The degree of a monomial: a coefficient times variables and `pi` raised to
/// positive integer powers (`3*x^2*y` has degree 3); `None` for other terms.
fn degree(g: &Graph, t: ExprId) -> Option<u64> {
    let mut d = 0u64;
    for f in rest_factors(g, t) {
        let (b, k) = match g.node(f) {
            Node::Pow(b, e) => {
                let r = g.as_num(*e).filter(|r| r.is_integer() && r.is_positive())?;
                (*b, r.numer().to_u64()?)
            }
            _ => (f, 1),
        };
        match g.node(b) {
            Node::Var(_) => d = d.saturating_add(k),
            Node::Pi => {}
            _ => return None,
        }
    }
    Some(d)
}

/// The common denominator `d > 1` of every coefficient of a sum, if they all have
/// exactly that denominator and it is not printed as a decimal: then the sum prints
/// as `(...)/d` (`x/2 + 1/2 -> (x + 1)/2`), which parses back to the same sum since a
/// rational factor distributes over a sum.
#[must_use]
pub fn common_denominator(g: &Graph, terms: &[ExprId]) -> Option<BigInt> {
    let first = coefficient(g, *terms.first()?);
    let d = first.denom().clone();
    if d.is_one() || decimal(&BigRational::new(BigInt::one(), d.clone())).is_some() {
        return None;
    }
    terms
        .iter()
        .all(|&t| coefficient(g, t).denom() == &d)
        .then_some(d)
}

/// Whether the text printer writes negative fractional powers of any base (not only
/// of positive ones) as denominators (`1/sqrt(u)`, `1/u^(3/2)`). That round-trips
/// only if the constructors fold `(u^a)^(-1)` into `u^(-a)` for a positive fraction
/// `a` (both are defined exactly where `u > 0`); until they do, `u^(-1/2)` prints as
/// written, since `1/sqrt(u)` parses to the different node `(u^(1/2))^(-1)`.
const FRACTIONAL_TEXT_DENOMINATORS: bool = true;

/// Which negative powers a printer moves into a denominator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DenRule {
    /// Negative integer powers (and fractional ones, see
    /// [`FRACTIONAL_TEXT_DENOMINATORS`]) of non-numeric bases that are not themselves
    /// negative powers: exactly those for which `1/b^k` parses back to `b^(-k)`.
    Text,
    /// Every negative rational power (`u^(-1/2) -> 1/sqrt(u)`).
    Latex,
}

/// A product in textbook shape: `sign * coeff * num / den`.
pub struct Product {
    /// Whether it prints with a leading minus.
    pub negative: bool,
    /// The absolute value of the rational coefficient.
    pub coeff: BigRational,
    /// Factors of the numerator, in canonical order.
    pub num: Vec<ExprId>,
    /// Factors of the denominator: a base and the positive power it is raised to.
    pub den: Vec<(ExprId, BigRational)>,
}

/// Splits `coeff * factors` into numerator and denominator.
#[must_use]
pub fn split_product(g: &Graph, factors: &[ExprId], coeff: &BigRational, rule: DenRule) -> Product {
    let mut num = Vec::new();
    let mut den = Vec::new();
    for &f in factors {
        match den_power(g, f, rule) {
            Some((b, k)) => den.push((b, k)),
            None => num.push(f),
        }
    }
    num.sort_by(|&a, &b| display_cmp(g, a, b));
    den.sort_by(|x, y| den_cmp(g, x, y));
    Product {
        negative: coeff.is_negative(),
        coeff: coeff.abs(),
        num,
        den,
    }
}

/// `Some((b, k))` when factor `f` is `b^(-k)` and goes into a denominator.
#[must_use]
pub fn den_power(g: &Graph, f: ExprId, rule: DenRule) -> Option<(ExprId, BigRational)> {
    let Node::Pow(b, e) = g.node(f) else {
        return None;
    };
    let r = g.as_num(*e)?;
    if !r.is_negative() {
        return None;
    }
    if rule == DenRule::Text {
        let base_ok = match g.node(*b) {
            Node::Num(_) => false,
            Node::Pow(_, e2) => !g.as_num(*e2).is_some_and(|r2| r2.is_negative()),
            _ => true,
        };
        // A positive base defined everywhere combines any rational exponents, so
        // `1/sqrt(2)` and `x/pi^(3/2)` parse back to `2^(-1/2)` and `x*pi^(-3/2)`.
        let positive = g.info(*b).sign == crate::expr::SignInfo::Positive
            && g.info(*b).total
            && !matches!(g.node(*b), Node::Pow(..));
        let fraction_ok =
            !r.is_integer() && (positive || (FRACTIONAL_TEXT_DENOMINATORS && base_ok));
        if !(r.is_integer() && base_ok || fraction_ok) {
            return None;
        }
    }
    Some((*b, -r.clone()))
}

/// The decimal form of a rational whose denominator is `2^a 5^b` with `b >= 1` and at
/// least 10, when it is not much longer than the fraction (`1/100 -> 0.01`,
/// `8943/200000 -> 0.044715`, `1/20 -> 0.05`); `None` otherwise (`1/2`, `1/5`, `1/3`
/// stay fractions). These are the numbers people write as decimals. Below `1e-6`
/// the form is scientific (`1e-40`, `2.5e-9`), which the parser reads exactly too.
#[must_use]
pub fn decimal(r: &BigRational) -> Option<String> {
    let q = r.denom();
    if r.is_integer() || q < &BigInt::from(10) {
        return None;
    }
    let twos = q.trailing_zeros()?;
    let mut m = q >> twos;
    let five = BigInt::from(5);
    // The power of five in m, by dividing out 5^(2^k) from the largest k down: a few
    // big divisions rather than one per factor (q = 10^100000 has 100000 of them).
    let mut powers = vec![five.clone()];
    while let Some(p) = powers.last() {
        if p.bits().saturating_mul(2) > m.bits() + 1 {
            break;
        }
        let sq = p * p;
        powers.push(sq);
    }
    let mut fives = 0u64;
    for (k, p) in powers.iter().enumerate().rev() {
        while (&m % p).is_zero() {
            m /= p;
            fives += 1u64 << k;
        }
    }
    // Decimal digits of q, within one: bits * log10(2).
    let q_digits = q.bits().saturating_mul(30_103) / 100_000 + 1;
    let places = twos.max(fives);
    if !m.is_one() || fives == 0 || places > q_digits + 3 {
        return None;
    }
    // r = numer * 2^(places - twos) * 5^(places - fives) / 10^places.
    let scale = num_traits::pow(BigInt::from(2), (places - twos).to_usize()?)
        * num_traits::pow(five, (places - fives).to_usize()?);
    let digits = (r.numer().abs() * scale).to_string();
    let places = places.to_usize()?;
    let sign = if r.is_negative() { "-" } else { "" };
    // The power of ten of the leading digit.
    let lead = digits.len() as i64 - 1 - places as i64;
    if lead <= -7 {
        let (first, rest) = digits.split_at(1);
        let rest = rest.trim_end_matches('0');
        let dot = if rest.is_empty() { "" } else { "." };
        return Some(format!("{sign}{first}{dot}{rest}e{lead}"));
    }
    // Zero-padded by hand: std's `{:0>width$}` panics for a width past u16::MAX.
    let padded = format!(
        "{}{digits}",
        "0".repeat((places + 1).saturating_sub(digits.len()))
    );
    let (int_part, frac_part) = padded.split_at(padded.len() - places);
    Some(format!("{sign}{int_part}.{frac_part}"))
}

/// Whether `r` prints as a plain integer or decimal (an atom when not negative).
#[must_use]
pub fn is_plain(r: &BigRational) -> bool {
    r.is_integer() || decimal(r).is_some()
}

/// Visits at most `budget` nodes of the tree under `root` (shared nodes counted each
/// time), calling `hit` on each; stops early and returns `true` as soon as `hit` does
/// or the budget runs out. Iterative, for the LaTeX printer's size heuristics.
pub fn any_within(
    g: &Graph,
    root: ExprId,
    budget: usize,
    mut hit: impl FnMut(&Node) -> bool,
) -> bool {
    let mut stack = vec![root];
    let mut seen = 0usize;
    while let Some(id) = stack.pop() {
        seen += 1;
        if seen > budget {
            return true;
        }
        let n = g.node(id);
        if hit(n) {
            return true;
        }
        stack.extend(n.children());
    }
    false
}

/// How one printer writes a number and a product; [`sum_terms`] is shared.
pub struct Writers {
    /// Writes a non-negative rational.
    pub number: fn(&BigRational, &mut Vec<Piece<'_>>) -> Prec,
    /// Writes `coeff * factors`.
    pub product: for<'g> fn(&'g Graph, &[ExprId], &BigRational, &mut Vec<Piece<'g>>) -> Prec,
}

/// The terms `c * rest(t)` of a sum joined by ` + ` and ` - `, in display order.
pub fn sum_terms<'g>(
    g: &'g Graph,
    terms: &[(ExprId, BigRational)],
    w: &Writers,
    out: &mut Vec<Piece<'g>>,
) {
    for (i, (t, c)) in sum_order(g, terms).into_iter().enumerate() {
        let c = if i == 0 {
            c
        } else {
            out.push(Piece::Op(if c.is_negative() { " - " } else { " + " }));
            c.abs()
        };
        if matches!(g.node(t), Node::Num(_)) {
            (w.number)(&c, out);
        } else if c == coefficient(g, t) {
            out.push(node(t, PRODUCT));
        } else {
            (w.product)(g, &rest_factors(g, t), &c, out);
        }
    }
}

/// How a sum prints: its terms with their coefficients, or, over a common
/// denominator `d`, the scaled terms (with a leading minus when all are negative).
pub enum SumShape {
    /// Terms as they are.
    Plain(Vec<(ExprId, BigRational)>),
    /// `[-](terms)/d`.
    Over {
        /// Whether a minus leads (`-(x + 1)/2` rather than `(-x - 1)/2`).
        negative: bool,
        /// The terms multiplied by `d`.
        terms: Vec<(ExprId, BigRational)>,
        /// The common denominator.
        d: BigInt,
    },
}

/// The shape of a sum printed at precedence `min`: a common denominator is only
/// gathered where the result needs no brackets.
#[must_use]
pub fn sum_shape(g: &Graph, terms: &[ExprId], min: Prec) -> SumShape {
    let gather = if min <= PRODUCT {
        common_denominator(g, terms)
    } else {
        None
    };
    let Some(d) = gather else {
        return SumShape::Plain(terms.iter().map(|&t| (t, coefficient(g, t))).collect());
    };
    let scale = BigRational::from_integer(d.clone());
    let mut scaled: Vec<_> = terms
        .iter()
        .map(|&t| (t, coefficient(g, t) * &scale))
        .collect();
    let negative = scaled.iter().all(|(_, c)| c.is_negative());
    if negative {
        for (_, c) in &mut scaled {
            *c = -c.clone();
        }
    }
    SumShape::Over {
        negative,
        terms: scaled,
        d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn decimals_are_the_numbers_people_write_as_decimals() {
        assert_eq!(decimal(&r(1, 100)).as_deref(), Some("0.01"));
        assert_eq!(decimal(&r(44715, 1_000_000)).as_deref(), Some("0.044715"));
        assert_eq!(decimal(&r(-1, 20)).as_deref(), Some("-0.05"));
        assert_eq!(decimal(&r(314, 100)).as_deref(), Some("3.14"));
        assert_eq!(decimal(&r(1, 2)), None);
        assert_eq!(decimal(&r(1, 5)), None);
        assert_eq!(decimal(&r(1, 3)), None);
        assert_eq!(decimal(&r(3, 1)), None);
        assert_eq!(
            decimal(&r(1, 5 << 40)),
            None,
            "far longer than the fraction"
        );
    }
}
