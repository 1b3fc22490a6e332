//! The text printer: the actsym language with minimal parentheses, which parses back
//! to the same node, and the operation count of that printed form.
//!
//! Display rules (the canonical graph fixes the content, these only fix the display):
//! - sums: positive terms, then a positive constant, then negative terms, then a
//!   negative constant (`x + 1`, `1 - sigmoid(x)`, `-x - 1`, `x - y`); when every
//!   coefficient has the same denominator `d` (not a decimal one) the sum prints as
//!   `(...)/d` (`(1 + erf(x/sqrt(2)))/2`) wherever no bracket would be needed;
//! - products: sign, rational coefficient, numerator, then a denominator gathering the
//!   negative integer powers (`2*x`, `x/2`, `-x`, `3*x/(2*y)`, `1/(1 + exp(-x))`); a lone
//!   sum over a number is written `x/(x + 1)/2`, because `2*(x + 1)` would distribute;
//! - powers: `sqrt(u)` for `u^(1/2)`, `1/x` for `x^(-1)`; a base that is not an atom
//!   and an exponent that is not an atom are bracketed (`(-2)^x`, `(1/2)^x`,
//!   `x^(2*y)`, `x^(1/3)`, `2^(-x)`); `u^(-1/2)` prints as written, `u^(-1/2)`, since
//!   `1/sqrt(u)` parses to the different node `(u^(1/2))^(-1)`;
//! - numbers: integers, decimals for denominators `2^a 5^b` that people write as
//!   decimals (`0.01`, `0.044715`, `0.05`; see [`decimal`](super::layout::decimal)),
//!   otherwise `p/q` (`1/2`, `1/3`, `2/5`);
//! - `pi`, `undefined`, calls `sigmoid(x)`, `if(x > 0, x, 0)`, `diff(e, x)`;
//!   the truth values print as `0 < 1` and `1 < 0`, which parse back to them.
//!
//! The printer is iterative (see [`layout`](super::layout)): any depth prints.

use std::borrow::Cow;
use std::collections::HashMap;

use num_traits::{One, Signed};

use super::layout::{
    coefficient, decimal, den_power, node, render, rest_factors, split_product, sum_shape, DenRule,
    Piece, Prec, Style, SumShape, ATOM, COND, POWER, PRODUCT, SUM, UNARY,
};
use crate::expr::{BigRational, CmpOp, ExprId, Graph, Node};

/// The text style.
struct TextStyle;

/// The expression as text in the actsym language, with minimal parentheses. Parsing
/// the result in the same graph gives back `id`.
///
/// ```
/// use actsym::{defs, expr::Graph, print};
/// let mut g = Graph::with_prelude();
/// let e = defs::parse_expr(&mut g, "-(x^2)/2 + 3*x/(2*y) - 1").unwrap();
/// assert_eq!(print::text(&g, e), "3*x/(2*y) - x^2/2 - 1");
/// ```
#[must_use]
pub fn text(g: &Graph, id: ExprId) -> String {
    render(&TextStyle, g, id)
}

/// The number of operations in the printed form of `id`: every binary `+ - * / ^`,
/// every unary minus, every comparison and every function application (`exp`, `sqrt`,
/// `max`, `if`, `sigmoid`, ...) counts one; literal numbers (`-2`, `1/3`) count none,
/// like SymPy's `count_ops`. Computed over the DAG without printing (shared
/// subexpressions count once per occurrence; the count saturates at `usize::MAX`).
#[must_use]
pub fn op_count(g: &Graph, id: ExprId) -> usize {
    // Every layout depends on `min` only through whether a sum may take its
    // gathered form `(...)/d`, so two counts per node suffice: [plain, gathered].
    let mut counts: HashMap<ExprId, [usize; 2]> = HashMap::new();
    let mut buf = Vec::new();
    for n in g.reachable(&[id]) {
        let mut pair = [0usize; 2];
        for (slot, min) in [(0, ATOM), (1, COND)] {
            buf.clear();
            TextStyle.layout(g, n, min, &mut buf);
            pair[slot] = buf.iter().fold(0usize, |acc, p| {
                acc.saturating_add(match p {
                    Piece::Op(_) | Piece::Head(_) => 1,
                    Piece::Node { id: c, min } => {
                        counts.get(c).map_or(0, |k| k[usize::from(*min <= PRODUCT)])
                    }
                    _ => 0,
                })
            });
        }
        counts.insert(n, pair);
    }
    counts.get(&id).map_or(0, |k| k[1])
}

impl Style for TextStyle {
    fn brackets(&self, _: &Graph, _: ExprId) -> (&'static str, &'static str) {
        ("(", ")")
    }

    fn layout<'g>(&self, g: &'g Graph, id: ExprId, min: Prec, out: &mut Vec<Piece<'g>>) -> Prec {
        match g.node(id) {
            Node::Num(r) => number(r, out),
            Node::Pi => {
                out.push(Piece::Str("pi"));
                ATOM
            }
            Node::Bool(b) => {
                out.push(Piece::Str(if *b { "0 < 1" } else { "1 < 0" }));
                COND
            }
            Node::Undefined => {
                out.push(Piece::Str("undefined"));
                ATOM
            }
            Node::Var(s) => {
                out.push(Piece::Name(g.name(*s)));
                ATOM
            }
            Node::Add(terms) => sum(g, terms, min, out),
            Node::Mul(_) => product(g, &rest_factors(g, id), &coefficient(g, id), out),
            Node::Pow(b, e) => {
                if let Some(r) = g.as_num(*e) {
                    if *r == BigRational::new(1.into(), 2.into()) {
                        call(Cow::Borrowed("sqrt("), &[*b], out);
                        return ATOM;
                    }
                    if den_power(g, id, DenRule::Text).is_some() {
                        return product(g, &[id], &BigRational::one(), out);
                    }
                }
                out.extend([node(*b, ATOM), Piece::Op("^"), node(*e, ATOM)]);
                POWER
            }
            Node::Func(f, a) => {
                call(Cow::Owned(format!("{}(", f.name())), &[*a], out);
                ATOM
            }
            Node::Max(a, b) => {
                call(Cow::Borrowed("max("), &[*a, *b], out);
                ATOM
            }
            Node::Min(a, b) => {
                call(Cow::Borrowed("min("), &[*a, *b], out);
                ATOM
            }
            Node::Call(f, args) => {
                call(Cow::Owned(format!("{}(", g.name(*f))), args, out);
                ATOM
            }
            Node::Cmp(op, a, b) => {
                out.extend([node(*a, SUM), Piece::Op(cmp_op(*op)), node(*b, SUM)]);
                COND
            }
            Node::If(c, a, b) => {
                call(Cow::Borrowed("if("), &[*c, *a, *b], out);
                ATOM
            }
            Node::Diff(e, v) => {
                out.extend([
                    Piece::Head(Cow::Borrowed("diff(")),
                    node(*e, COND),
                    Piece::Str(", "),
                    Piece::Name(g.name(*v)),
                    Piece::Str(")"),
                ]);
                ATOM
            }
        }
    }
}

/// `head arg1, arg2, ...)`.
fn call<'g>(head: Cow<'g, str>, args: &[ExprId], out: &mut Vec<Piece<'g>>) {
    out.push(Piece::Head(head));
    for (i, &a) in args.iter().enumerate() {
        if i > 0 {
            out.push(Piece::Str(", "));
        }
        out.push(node(a, COND));
    }
    out.push(Piece::Str(")"));
}

/// A comparison operator with its spaces.
fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => " < ",
        CmpOp::Le => " <= ",
        CmpOp::Gt => " > ",
        CmpOp::Ge => " >= ",
        CmpOp::Ne => " != ",
    }
}

/// A rational: `3`, `-3`, `0.01`, `1/3`, `-1/3`.
fn number(r: &BigRational, out: &mut Vec<Piece<'_>>) -> Prec {
    let (text, prec) = if r.is_integer() {
        (r.numer().to_string(), ATOM)
    } else if let Some(d) = decimal(r) {
        (d, ATOM)
    } else {
        (format!("{}/{}", r.numer(), r.denom()), PRODUCT)
    };
    out.push(Piece::Text(text));
    if r.is_negative() {
        prec.min(UNARY)
    } else {
        prec
    }
}

/// A sum: its terms in display order, or `(...)/d` over a common denominator.
fn sum<'g>(g: &'g Graph, terms: &[ExprId], min: Prec, out: &mut Vec<Piece<'g>>) -> Prec {
    match sum_shape(g, terms, min) {
        SumShape::Plain(with_coeffs) => {
            sum_terms(g, &with_coeffs, out);
            SUM
        }
        SumShape::Over { negative, terms, d } => {
            if negative {
                out.push(Piece::Op("-"));
            }
            out.push(Piece::Str("("));
            sum_terms(g, &terms, out);
            out.extend([Piece::Str(")"), Piece::Op("/"), Piece::Text(d.to_string())]);
            PRODUCT
        }
    }
}

/// The terms of a sum, with this printer's numbers and products.
fn sum_terms<'g>(g: &'g Graph, terms: &[(ExprId, BigRational)], out: &mut Vec<Piece<'g>>) {
    let writers = super::layout::Writers { number, product };
    super::layout::sum_terms(g, terms, &writers, out);
}

/// One item of a numerator or denominator.
enum Item {
    /// A number.
    Number(String),
    /// A factor.
    Factor(ExprId),
    /// A factor raised to a positive integer power (from a negative one).
    Power(ExprId, BigRational),
}

/// The product `coeff * factors` in textbook shape.
fn product<'g>(
    g: &'g Graph,
    factors: &[ExprId],
    coeff: &BigRational,
    out: &mut Vec<Piece<'g>>,
) -> Prec {
    let p = split_product(g, factors, coeff, DenRule::Text);
    let mut num = Vec::new();
    let mut den = Vec::new();
    match decimal(&p.coeff) {
        Some(d) => num.push(Item::Number(d)),
        None => {
            if !p.coeff.numer().is_one() {
                num.push(Item::Number(p.coeff.numer().to_string()));
            }
            if !p.coeff.denom().is_one() {
                den.push(Item::Number(p.coeff.denom().to_string()));
            }
        }
    }
    num.extend(p.num.iter().map(|&f| Item::Factor(f)));
    den.extend(p.den.iter().map(|(b, k)| {
        if k.is_one() {
            Item::Factor(*b)
        } else {
            Item::Power(*b, k.clone())
        }
    }));
    // A leading minus binds to the first factor alone, and `-(x + 1)` distributes
    // when parsed: lead with another factor, or bracket the whole product.
    let is_sum =
        |item: &Item| matches!(item, Item::Factor(f) if matches!(g.node(*f), Node::Add(_)));
    let mut bracket = false;
    if p.negative && num.first().is_some_and(is_sum) {
        match num.iter().position(|item| !is_sum(item)) {
            Some(k) => {
                let item = num.remove(k);
                num.insert(0, item);
            }
            None => bracket = true,
        }
    }
    if p.negative {
        out.push(Piece::Op("-"));
    }
    if bracket {
        out.push(Piece::Str("("));
    }
    if num.is_empty() {
        out.push(Piece::Str("1"));
    }
    let num_len = num.len();
    items(num, out);
    if separate_divisions(g, &p.den, den.len()) {
        // Factors first, the number last: `x/(x + 1)/2`, `x/pi/sqrt(pi)`.
        let number_first = matches!(den.first(), Some(Item::Number(_)));
        den.rotate_left(usize::from(number_first));
        for item in den {
            out.push(Piece::Op("/"));
            items(vec![item], out);
        }
    } else if den.len() == 1 {
        out.push(Piece::Op("/"));
        items(den, out);
    } else if den.len() > 1 {
        out.extend([Piece::Op("/"), Piece::Str("(")]);
        items(den, out);
        out.push(Piece::Str(")"));
    }
    if bracket {
        out.push(Piece::Str(")"));
        return UNARY;
    }
    if !p.den.is_empty() || !p.coeff.denom().is_one() || num_len > 1 {
        PRODUCT
    } else if p.negative {
        UNARY
    } else {
        POWER
    }
}

/// Whether a denominator must be written as separate divisions because its product
/// would not parse back to the same factors: `2*(x + 1)` distributes into `2*x + 2`,
/// and `pi*sqrt(pi)` merges into `pi^(3/2)` (powers of one positive base combine).
fn separate_divisions(g: &Graph, den: &[(ExprId, BigRational)], items: usize) -> bool {
    let lone_sum =
        items == 2 && matches!(den, [(b, k)] if k.is_one() && matches!(g.node(*b), Node::Add(_)));
    // The base the parser's product sees for `b^k`: `b` itself, or for `k = 1` the
    // base of `b` when `b` is a power.
    let root = |(b, k): &(ExprId, BigRational)| match g.node(*b) {
        Node::Pow(c, _) if k.is_one() => *c,
        _ => *b,
    };
    let mut roots: Vec<ExprId> = den.iter().map(root).collect();
    roots.sort_unstable();
    let shared_base = roots.windows(2).any(|w| w[0] == w[1]);
    lone_sum || shared_base
}

/// Items joined by `*`.
fn items<'g>(items: Vec<Item>, out: &mut Vec<Piece<'g>>) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(Piece::Op("*"));
        }
        match item {
            Item::Number(s) => out.push(Piece::Text(s)),
            Item::Factor(f) => out.push(node(f, POWER)),
            Item::Power(b, k) if k == BigRational::new(1.into(), 2.into()) => {
                call(Cow::Borrowed("sqrt("), &[b], out);
            }
            Item::Power(b, k) if k.is_integer() => {
                out.extend([node(b, ATOM), Piece::Op("^"), Piece::Text(k.to_string())]);
            }
            Item::Power(b, k) => {
                out.extend([node(b, ATOM), Piece::Op("^"), Piece::Text(format!("({k})"))]);
            }
        }
    }
}
