//! Test support shared by the derivative and simplifier tests: parsing helpers, a
//! plain debug printer (independent of `actsym::print`, for failure messages), and
//! exact evaluation of piecewise-linear expressions by substitution.
#![allow(dead_code)]

use std::collections::HashMap;

use actsym::defs;
use actsym::expr::{BigRational, ExprId, Graph, Node};

/// Parses `src` in `g`, failing the test with the parser's message.
pub fn parse(g: &mut Graph, src: &str) -> ExprId {
    match defs::parse_expr(g, src) {
        Ok(e) => e,
        Err(err) => panic!("cannot parse {src:?}: {err}"),
    }
}

/// A fully parenthesised rendering for failure messages.
pub fn show(g: &Graph, id: ExprId) -> String {
    let list = |xs: &[ExprId], sep: &str| -> String {
        xs.iter().map(|&x| show(g, x)).collect::<Vec<_>>().join(sep)
    };
    match g.node(id) {
        Node::Num(r) => r.to_string(),
        Node::Pi => "pi".into(),
        Node::Bool(b) => b.to_string(),
        Node::Undefined => "undefined".into(),
        Node::Var(s) => g.name(*s).into(),
        Node::Add(ts) => format!("({})", list(ts, " + ")),
        Node::Mul(fs) => format!("({})", list(fs, "*")),
        Node::Pow(b, e) => format!("{}^{}", show(g, *b), show(g, *e)),
        Node::Func(f, a) => format!("{}({})", f.name(), show(g, *a)),
        Node::Max(a, b) => format!("max({}, {})", show(g, *a), show(g, *b)),
        Node::Min(a, b) => format!("min({}, {})", show(g, *a), show(g, *b)),
        Node::Call(f, args) => format!("{}({})", g.name(*f), list(args, ", ")),
        Node::Cmp(op, a, b) => format!("{} {} {}", show(g, *a), op.as_str(), show(g, *b)),
        Node::If(c, a, b) => format!("if({}, {}, {})", show(g, *c), show(g, *a), show(g, *b)),
        Node::Diff(e, v) => format!("diff({}, {})", show(g, *e), g.name(*v)),
    }
}

/// `e` with exact rationals substituted for variables (`"x=0, alpha=1/2"`), folded
/// by the smart constructors.
pub fn at(g: &mut Graph, e: ExprId, point: &[(&str, BigRational)]) -> ExprId {
    let bindings: HashMap<_, _> = point
        .iter()
        .map(|(name, value)| (g.symbol(name), g.num(value.clone())))
        .collect();
    g.substitute(e, &bindings)
}

/// An exact rational from text (`"-3/2"`).
pub fn q(s: &str) -> BigRational {
    s.parse().unwrap_or_else(|_| panic!("bad rational {s:?}"))
}

/// Evaluates `e` in floating point at a point (calls of defined functions expanded
/// first). `None` where the expression is undefined (log of a non-positive number,
/// division by zero, `undefined`, a fractional power of a negative number, ...).
/// A test oracle for derivatives and simplification at random points.
pub fn eval_f64(g: &mut Graph, e: ExprId, point: &[(&str, f64)]) -> Option<f64> {
    let e = actsym::defs::inline(g, e);
    let values: HashMap<actsym::expr::Symbol, f64> = point
        .iter()
        .filter_map(|(n, v)| g.find_symbol(n).map(|s| (s, *v)))
        .collect();
    let mut memo: HashMap<ExprId, Option<f64>> = HashMap::new();
    for id in g.reachable(&[e]) {
        let v = eval_node(g, id, &values, &memo);
        memo.insert(id, v);
    }
    memo.get(&e).copied().flatten().filter(|v| v.is_finite())
}

fn eval_node(
    g: &Graph,
    id: ExprId,
    values: &HashMap<actsym::expr::Symbol, f64>,
    memo: &HashMap<ExprId, Option<f64>>,
) -> Option<f64> {
    use actsym::expr::{CmpOp, Func};
    use num_traits::ToPrimitive;
    let v = |c: &ExprId| memo.get(c).copied().flatten();
    let finite = |x: f64| x.is_finite().then_some(x);
    match g.node(id) {
        Node::Num(r) => r.to_f64(),
        Node::Pi => Some(std::f64::consts::PI),
        Node::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Node::Undefined | Node::Diff(..) | Node::Call(..) => None,
        Node::Var(s) => values.get(s).copied(),
        Node::Add(ts) => ts.iter().map(v).sum::<Option<f64>>().and_then(finite),
        Node::Mul(fs) => fs.iter().map(v).product::<Option<f64>>().and_then(finite),
        Node::Pow(b, e) => {
            let (b, e) = (v(b)?, v(e)?);
            if b == 0.0 && e < 0.0 {
                return None;
            }
            if b < 0.0 && e.fract() != 0.0 {
                return None;
            }
            finite(b.powf(e))
        }
        Node::Func(f, a) => {
            let a = v(a)?;
            finite(match f {
                Func::Exp => a.exp(),
                Func::Log if a > 0.0 => a.ln(),
                Func::Log => return None,
                Func::Abs => a.abs(),
                Func::Sign => {
                    if a == 0.0 {
                        0.0
                    } else {
                        a.signum()
                    }
                }
                Func::Tanh => a.tanh(),
                Func::Sinh => a.sinh(),
                Func::Cosh => a.cosh(),
                Func::Erf => erf(a),
            })
        }
        Node::Max(a, b) => Some(v(a)?.max(v(b)?)),
        Node::Min(a, b) => Some(v(a)?.min(v(b)?)),
        Node::Cmp(op, a, b) => {
            let (a, b) = (v(a)?, v(b)?);
            let holds = match op {
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                CmpOp::Ge => a >= b,
                CmpOp::Ne => a != b,
            };
            Some(if holds { 1.0 } else { 0.0 })
        }
        Node::If(c, a, b) => {
            if v(c)? != 0.0 {
                v(a)
            } else {
                v(b)
            }
        }
    }
}

/// erf in f64: the Taylor series near 0, the continued fraction of erfc beyond.
fn erf(x: f64) -> f64 {
    let a = x.abs();
    if a > 2.5 {
        // erfc(a) = exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
        let mut k = a;
        for n in (1..=80).rev() {
            k = a + f64::from(n) / 2.0 / k;
        }
        let erfc = (-a * a).exp() / std::f64::consts::PI.sqrt() / k;
        return x.signum() * (1.0 - erfc);
    }
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let mut sum = 0.0;
    let mut term = x;
    let mut n = 0.0;
    while n < 200.0 {
        let add = term / (2.0 * n + 1.0);
        sum += add;
        if add.abs() < 1e-17 * sum.abs().max(1e-300) {
            break;
        }
        n += 1.0;
        term *= -x * x / n;
    }
    2.0 / std::f64::consts::PI.sqrt() * sum
}

/// The largest decimal exponent [`decimal`] converts: beyond it the exact rational
/// would have tens of thousands of digits (`sinh(sinh(sinh(sinh(2))))` is about
/// 10^31227831, whose exact conversion takes hours), so the caller skips the case.
pub const MAX_DECIMAL_EXPONENT: i32 = 4000;

/// An exact rational from a decimal string (`-1.25e-3`); `None` beyond
/// [`MAX_DECIMAL_EXPONENT`].
pub fn decimal(s: &str) -> Option<BigRational> {
    use actsym::expr::BigInt;
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: BigInt = format!("{int}{frac}").parse().ok()?;
    let scale = exp.checked_sub(i32::try_from(frac.len()).ok()?)?;
    if scale.unsigned_abs() > MAX_DECIMAL_EXPONENT.unsigned_abs() {
        return None;
    }
    let power = BigInt::from(10).pow(scale.unsigned_abs());
    let mut r = BigRational::from_integer(digits);
    if scale >= 0 {
        r *= BigRational::from_integer(power);
    } else {
        r /= BigRational::from_integer(power);
    }
    Some(if neg { -r } else { r })
}

/// The value of `e` at `x = point` by the MPFR evaluator, to `digits` digits, as an
/// exact rational (`None` where `e` is undefined).
pub fn mpfr_at(g: &mut Graph, e: ExprId, point: &BigRational, digits: u32) -> Option<BigRational> {
    let x = g.symbol("x");
    let env: HashMap<_, _> = [(x, point.clone())].into_iter().collect();
    let v = actsym::certified::evaluate(g, e, &env, digits).ok()?;
    v.exact.or_else(|| decimal(&v.decimal))
}
