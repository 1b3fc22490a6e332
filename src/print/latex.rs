//! The LaTeX printer: a formula as a textbook sets it.
//!
//! `\frac{num}{den}` for quotients (negative powers, also fractional ones:
//! `\frac{1}{\sqrt{u}}`), `\sqrt{u}`, and `\sqrt[3]{u}` where `u` is known to be
//! non-negative (else the power `x^{1/3}`, which keeps actsym's meaning: undefined
//! for a negative base; even roots read that way anyway), `e^{u}` for a small exponent and
//! `\exp\left(u\right)` otherwise, `\tanh^{2}(x)`, `\left|u\right|`, `\log`, `\sigma`
//! for sigmoid, `\Phi`, `\phi`, `\operatorname{ReLU}` and `\operatorname{name}` for
//! other functions, `\max`, `\min`, Greek variables and subscripts (`w1 -> w_{1}`),
//! `cases` for `if` (nested `if`s in the else branch become more rows), `\leq`,
//! `\geq`, `\neq`, `\frac{d}{dx}` for `diff`. Factors are juxtaposed, with `\cdot`
//! only before a factor that starts with a digit (`2 \cdot 3^{x}`). Brackets are
//! `\left(...\right)` around tall contents (fractions, roots, cases), `(...)` else.
//! Sums and products take the same shapes as in the text printer.

use num_integer::Integer;
use num_traits::{One, Signed};

use super::latex_names::{function, variable};
use super::layout::{
    any_within, coefficient, decimal, is_plain, node, render, rest_factors, split_product,
    sum_shape, DenRule, Piece, Prec, Style, SumShape, ATOM, COND, POWER, PRODUCT, SUM, UNARY,
};
use crate::expr::{BigRational, CmpOp, ExprId, Func, Graph, Node};

/// The LaTeX style.
struct LatexStyle;

/// The expression as a LaTeX formula (math mode, without delimiters).
///
/// ```
/// use actsym::{defs, expr::Graph, print};
/// let mut g = Graph::with_prelude();
/// let e = defs::parse_expr(&mut g, "sigmoid(x)*(1 - sigmoid(x))").unwrap();
/// assert_eq!(print::latex(&g, e), r"\sigma(x) (1 - \sigma(x))");
/// ```
#[must_use]
pub fn latex(g: &Graph, id: ExprId) -> String {
    render(&LatexStyle, g, id)
}

/// Whether a node sets taller than a line of text (a fraction, a root, cases, a
/// derivative), so that brackets around it should grow with `\left`/`\right`.
fn tall(g: &Graph, id: ExprId) -> bool {
    any_within(g, id, 48, |n| match n {
        Node::Num(r) => !is_plain(r),
        Node::Mul(fs) => fs.iter().any(|&f| match g.node(f) {
            Node::Num(r) => !is_plain(r),
            Node::Pow(_, e) => g.as_num(*e).is_some_and(|r| r.is_negative()),
            _ => false,
        }),
        Node::Pow(_, e) => g
            .as_num(*e)
            .is_some_and(|r| !r.is_integer() || r.is_negative()),
        Node::If(..) | Node::Diff(..) => true,
        _ => false,
    })
}

/// Whether `exp(u)` should set as `e^{u}`: `u` is small and holds no exponential,
/// case distinction or comparison of its own.
fn small_exponent(g: &Graph, u: ExprId) -> bool {
    !any_within(g, u, 8, |n| {
        matches!(
            n,
            Node::Func(Func::Exp, _) | Node::If(..) | Node::Diff(..) | Node::Cmp(..)
        )
    })
}

impl Style for LatexStyle {
    fn brackets(&self, g: &Graph, id: ExprId) -> (&'static str, &'static str) {
        if tall(g, id) {
            (r"\left(", r"\right)")
        } else {
            ("(", ")")
        }
    }

    fn layout<'g>(&self, g: &'g Graph, id: ExprId, min: Prec, out: &mut Vec<Piece<'g>>) -> Prec {
        match g.node(id) {
            Node::Num(r) => number(r, out),
            Node::Pi => {
                out.push(Piece::Str(r"\pi"));
                ATOM
            }
            Node::Bool(b) => {
                out.push(Piece::Str(if *b {
                    r"\text{true}"
                } else {
                    r"\text{false}"
                }));
                ATOM
            }
            Node::Undefined => {
                out.push(Piece::Str(r"\text{undefined}"));
                ATOM
            }
            Node::Var(s) => {
                out.push(Piece::Text(variable(g.name(*s))));
                ATOM
            }
            Node::Add(terms) => sum(g, terms, min, out),
            Node::Mul(_) => product(g, &rest_factors(g, id), &coefficient(g, id), out),
            Node::Pow(b, e) => power(g, id, *b, *e, out),
            Node::Func(f, a) => func(g, *f, *a, out),
            Node::Max(a, b) => {
                out.push(Piece::Str(r"\max"));
                arguments(g, &[*a, *b], out);
                ATOM
            }
            Node::Min(a, b) => {
                out.push(Piece::Str(r"\min"));
                arguments(g, &[*a, *b], out);
                ATOM
            }
            Node::Call(f, args) => {
                out.push(Piece::Head(function(g.name(*f))));
                arguments(g, args, out);
                ATOM
            }
            Node::Cmp(op, a, b) => {
                out.extend([node(*a, SUM), Piece::Op(cmp_op(*op)), node(*b, SUM)]);
                COND
            }
            Node::If(..) => cases(g, id, out),
            Node::Diff(e, v) => {
                out.extend([
                    Piece::Str(r"\frac{d}{d"),
                    Piece::Text(variable(g.name(*v))),
                    Piece::Str("} "),
                    node(*e, ATOM),
                ]);
                PRODUCT
            }
        }
    }
}

/// `(a, b)` after a function name, with tall brackets around tall arguments.
fn arguments<'g>(g: &'g Graph, args: &[ExprId], out: &mut Vec<Piece<'g>>) {
    let big = args.iter().any(|&a| tall(g, a));
    out.push(Piece::Str(if big { r"\left(" } else { "(" }));
    for (i, &a) in args.iter().enumerate() {
        if i > 0 {
            out.push(Piece::Str(", "));
        }
        out.push(node(a, COND));
    }
    out.push(Piece::Str(if big { r"\right)" } else { ")" }));
}

fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => " < ",
        CmpOp::Le => r" \leq ",
        CmpOp::Gt => " > ",
        CmpOp::Ge => r" \geq ",
        CmpOp::Ne => r" \neq ",
    }
}

/// A rational: `3`, `-3`, `0.01`, `\frac{1}{3}`, `-\frac{1}{3}`.
fn number(r: &BigRational, out: &mut Vec<Piece<'_>>) -> Prec {
    let sign = if r.is_negative() { "-" } else { "" };
    let (text, prec) = if r.is_integer() {
        (r.numer().to_string(), ATOM)
    } else if let Some(d) = decimal(r) {
        let prec = if d.contains('e') { PRODUCT } else { ATOM };
        (scientific(d), prec)
    } else {
        let a = r.abs();
        (
            format!(r"{sign}\frac{{{}}}{{{}}}", a.numer(), a.denom()),
            PRODUCT,
        )
    };
    out.push(Piece::Text(text));
    if r.is_negative() {
        prec.min(UNARY)
    } else {
        prec
    }
}

/// `2.5e-9` as `2.5 \times 10^{-9}`; other decimals unchanged.
fn scientific(d: String) -> String {
    match d.split_once('e') {
        Some((m, e)) => format!(r"{m} \times 10^{{{e}}}"),
        None => d,
    }
}

/// A number in a superscript: `2`, `3/2`, `0.5` (no `\frac` up there).
fn exponent_number(r: &BigRational) -> String {
    decimal(r).unwrap_or_else(|| r.to_string())
}

/// Built-in functions of one argument.
fn func<'g>(g: &'g Graph, f: Func, a: ExprId, out: &mut Vec<Piece<'g>>) -> Prec {
    let head = match f {
        Func::Exp if small_exponent(g, a) => {
            out.extend([Piece::Str("e^{"), node(a, COND), Piece::Str("}")]);
            return POWER;
        }
        Func::Abs => {
            out.extend([Piece::Str(r"\left|"), node(a, COND), Piece::Str(r"\right|")]);
            return ATOM;
        }
        Func::Exp => r"\exp",
        Func::Log => r"\log",
        Func::Tanh => r"\tanh",
        Func::Sinh => r"\sinh",
        Func::Cosh => r"\cosh",
        Func::Erf => r"\operatorname{erf}",
        Func::Sign => r"\operatorname{sign}",
    };
    out.push(Piece::Str(head));
    arguments(g, &[a], out);
    ATOM
}

/// `b^e`: roots, `\tanh^{2}(x)`, fractions for negative powers, superscripts.
fn power<'g>(g: &'g Graph, id: ExprId, b: ExprId, e: ExprId, out: &mut Vec<Piece<'g>>) -> Prec {
    let Some(r) = g.as_num(e) else {
        out.extend([
            node(b, ATOM),
            Piece::Str("^{"),
            node(e, COND),
            Piece::Str("}"),
        ]);
        return POWER;
    };
    if r.is_negative() {
        return product(g, &[id], &BigRational::one(), out);
    }
    if as_root(g, b, r) {
        root(b, r, out);
        return ATOM;
    }
    if let (true, Node::Func(f @ (Func::Tanh | Func::Sinh | Func::Cosh), a)) =
        (r.is_integer(), g.node(b))
    {
        out.push(Piece::Text(format!(r"\{}^{{{}}}", f.name(), r)));
        arguments(g, &[*a], out);
        return ATOM;
    }
    out.extend([
        node(b, ATOM),
        Piece::Text(format!("^{{{}}}", exponent_number(r))),
    ]);
    POWER
}

/// Whether the power `r` is `1/n` for `n >= 2`.
fn is_root(r: &BigRational) -> bool {
    r.numer().is_one() && !r.is_integer()
}

/// Whether `b^r` sets as a root `\sqrt[n]{b}`: `r = 1/n`, and either `n` is even (a
/// reader takes `\sqrt{u}` and `\sqrt[4]{u}` as undefined for `u < 0`, as actsym
/// does) or `b` is known to be non-negative. An odd root of a possibly negative base
/// stays a power (`x^{1/3}`, `(-1)^{1/3}`): a reader takes `\sqrt[3]{-1}` for -1,
/// while actsym's fractional power of a negative number is undefined.
fn as_root(g: &Graph, b: ExprId, r: &BigRational) -> bool {
    is_root(r) && (r.denom().is_even() || g.info(b).sign.is_nonneg())
}

/// `\sqrt{b}` or `\sqrt[n]{b}` for the power `1/n`.
fn root<'g>(b: ExprId, r: &BigRational, out: &mut Vec<Piece<'g>>) {
    if r.denom() == &2.into() {
        out.push(Piece::Str(r"\sqrt{"));
    } else {
        out.push(Piece::Text(format!(r"\sqrt[{}]{{", r.denom())));
    }
    out.extend([node(b, COND), Piece::Str("}")]);
}

/// A sum: terms in display order, or `\frac{...}{d}` over a common denominator.
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
            out.push(Piece::Str(r"\frac{"));
            sum_terms(g, &terms, out);
            out.push(Piece::Text(format!("}}{{{d}}}")));
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
    Number(String),
    Factor(ExprId),
    /// A base and the positive rational power it is raised to.
    Power(ExprId, BigRational),
}

/// Whether an item sets starting with a digit, so juxtaposing it needs `\cdot`.
fn starts_with_digit(g: &Graph, item: &Item) -> bool {
    let numeric_base = |b: ExprId| matches!(g.node(b), Node::Num(_));
    match item {
        Item::Number(_) => true,
        Item::Factor(f) => match g.node(*f) {
            Node::Num(_) => true,
            Node::Pow(b, e) => numeric_base(*b) && !g.as_num(*e).is_some_and(|r| as_root(g, *b, r)),
            _ => false,
        },
        Item::Power(b, k) => numeric_base(*b) && !as_root(g, *b, k),
    }
}

/// The product `coeff * factors`: `-2 x`, `\frac{3 x}{2 y}`, `\frac{1}{\sqrt{u}}`.
fn product<'g>(
    g: &'g Graph,
    factors: &[ExprId],
    coeff: &BigRational,
    out: &mut Vec<Piece<'g>>,
) -> Prec {
    let p = split_product(g, factors, coeff, DenRule::Latex);
    let mut num = Vec::new();
    let mut den = Vec::new();
    match decimal(&p.coeff) {
        Some(d) => num.push(Item::Number(scientific(d))),
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
    if p.negative {
        out.push(Piece::Op("-"));
    }
    if den.is_empty() {
        let n = num.len();
        juxtapose(g, num, false, out);
        return if n > 1 {
            PRODUCT
        } else if p.negative {
            UNARY
        } else {
            POWER
        };
    }
    out.push(Piece::Str(r"\frac{"));
    if num.is_empty() {
        out.push(Piece::Str("1"));
    }
    juxtapose(g, num, true, out);
    out.push(Piece::Str("}{"));
    juxtapose(g, den, true, out);
    out.push(Piece::Str("}"));
    PRODUCT
}

/// Items side by side; a lone item inside `\frac` needs no brackets.
fn juxtapose<'g>(g: &'g Graph, items: Vec<Item>, in_frac: bool, out: &mut Vec<Piece<'g>>) {
    let lone = in_frac && items.len() == 1;
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(Piece::Op(if starts_with_digit(g, &item) {
                r" \cdot "
            } else {
                " "
            }));
        }
        match item {
            Item::Number(s) => out.push(Piece::Text(s)),
            Item::Factor(f) => out.push(node(f, if lone { SUM } else { POWER })),
            Item::Power(b, k) if as_root(g, b, &k) => root(b, &k, out),
            Item::Power(b, k) => out.extend([
                node(b, ATOM),
                Piece::Text(format!("^{{{}}}", exponent_number(&k))),
            ]),
        }
    }
}

/// `if(c1, a, if(c2, b, d))` as one `cases` environment with a row per branch.
fn cases<'g>(g: &'g Graph, id: ExprId, out: &mut Vec<Piece<'g>>) -> Prec {
    out.push(Piece::Str(r"\begin{cases} "));
    let mut cur = id;
    while let Node::If(c, a, b) = g.node(cur) {
        out.extend([
            node(*a, COND),
            Piece::Str(r" & \text{if } "),
            node(*c, COND),
            Piece::Str(r" \\ "),
        ]);
        cur = *b;
    }
    out.extend([
        node(cur, COND),
        Piece::Str(r" & \text{otherwise} \end{cases}"),
    ]);
    PRODUCT
}
