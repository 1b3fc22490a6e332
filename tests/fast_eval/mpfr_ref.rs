//! The reference for the fast evaluator: the graph evaluated in MPFR (rug) with the
//! language's semantics (undefined points are `None`), at increasing precision until
//! the value rounded to f64 is stable (Ziv's strategy), and the ulp distance.

use std::cell::Cell;
use std::collections::HashMap;

thread_local! {
    /// Set when a directed evaluation overflowed or underflowed the f64 range.
    static OUT_OF_RANGE: Cell<bool> = const { Cell::new(false) };
}

use actsym::expr::{ExprId, Func, Graph, Node, Symbol};
use num_traits::ToPrimitive;
use rug::float::{Constant, Round};
use rug::ops::Pow;
use rug::{Float, Integer, Rational};

/// Precisions tried in turn; two successive ones must agree on the rounded value.
const PRECS: [u32; 4] = [1280, 2560, 5120, 10240];

fn to_rug(r: &actsym::expr::BigRational) -> Rational {
    let n = Integer::from_str_radix(&r.numer().to_str_radix(16), 16).unwrap();
    let d = Integer::from_str_radix(&r.denom().to_str_radix(16), 16).unwrap();
    Rational::from((n, d))
}

/// `root` at the point `env`, at precision `prec`; `None` where undefined.
pub fn eval_at(g: &Graph, root: ExprId, env: &HashMap<Symbol, Float>, prec: u32) -> Option<Float> {
    eval_rounded(g, root, env, prec, None)
}

/// Like [`eval_at`], but when `round_to` is given every node's value is rounded to
/// that many bits, up or down at random (the state is a splitmix64 counter): a model of a
/// naive evaluation in f64 with random rounding errors (CESTAC), used to estimate how
/// much a formula magnifies rounding errors.
pub fn eval_rounded(
    g: &Graph,
    root: ExprId,
    env: &HashMap<Symbol, Float>,
    prec: u32,
    round_to: Option<(u32, &Cell<u64>)>,
) -> Option<Float> {
    let mut val: HashMap<ExprId, Option<Float>> = HashMap::new();
    let f = |x: f64| Float::with_val(prec, x);
    // A naive evaluation rounds each partial sum and product of an n-ary node too
    // (f64 code sums left to right), not only the node's value.
    let partial = |x: Float| match round_to {
        Some((bits, seed)) => Float::with_val_round(bits, &x, random_direction(seed)).0,
        None => x,
    };
    for id in g.reachable(&[root]) {
        let get = |c: &ExprId| val.get(c).cloned().flatten();
        let v: Option<Float> = match g.node(id) {
            Node::Num(r) => Some(Float::with_val(prec, to_rug(r))),
            Node::Pi => Some(Float::with_val(prec, Constant::Pi)),
            Node::Bool(b) => Some(f(if *b { 1.0 } else { 0.0 })),
            Node::Undefined => None,
            Node::Var(s) => Some(env.get(s).expect("variable bound").clone()),
            Node::Add(ts) => ts
                .iter()
                .try_fold(f(0.0), |acc, t| Some(partial(acc + get(t)?))),
            Node::Mul(fs) => fs
                .iter()
                .try_fold(f(1.0), |acc, t| Some(partial(acc * get(t)?))),
            Node::Pow(b, e) => {
                let base = get(b).map(|v| Float::with_val(prec, v));
                let ex = get(e);
                match (base, ex) {
                    (Some(base), Some(ex)) => match g.as_num(*e) {
                        Some(r) if r.is_integer() => {
                            let n = r.to_integer().to_i32().unwrap();
                            if base.is_zero() && n < 0 {
                                None
                            } else {
                                Some(base.pow(n))
                            }
                        }
                        _ => {
                            if base > 0 {
                                Some(base.pow(ex))
                            } else if base.is_zero() && ex > 0 {
                                Some(f(0.0))
                            } else {
                                None
                            }
                        }
                    },
                    _ => None,
                }
            }
            // Functions of a (rounded) operand are evaluated at the working precision,
            // not at the operand's.
            Node::Func(func, a) => {
                get(a)
                    .map(|a| Float::with_val(prec, a))
                    .and_then(|a| match func {
                        Func::Exp => Some(a.exp()),
                        Func::Log => (a > 0).then(|| a.ln()),
                        Func::Abs => Some(a.abs()),
                        Func::Sign => Some(if a.is_zero() { f(0.0) } else { a.signum() }),
                        Func::Tanh => Some(a.tanh()),
                        Func::Sinh => Some(a.sinh()),
                        Func::Cosh => Some(a.cosh()),
                        Func::Erf => Some(a.erf()),
                    })
            }
            Node::Max(a, b) => get(a).zip(get(b)).map(|(x, y)| if x >= y { x } else { y }),
            Node::Min(a, b) => get(a).zip(get(b)).map(|(x, y)| if x <= y { x } else { y }),
            Node::Cmp(op, a, b) => get(a).zip(get(b)).map(|(x, y)| {
                let ord = x.partial_cmp(&y).unwrap();
                f(if op.holds(ord) { 1.0 } else { 0.0 })
            }),
            Node::If(c, a, b) => get(c).and_then(|c| if !c.is_zero() { get(a) } else { get(b) }),
            Node::Call(name, args) => {
                let def = g.defs().get(*name).expect("defined function");
                let mut inner = env.clone();
                let mut ok = true;
                for (p, a) in def.params.iter().zip(args.iter()) {
                    match get(a) {
                        Some(v) => {
                            inner.insert(*p, v);
                        }
                        None => ok = false,
                    }
                }
                if ok {
                    eval_rounded(g, def.body, &inner, prec, round_to)
                } else {
                    None
                }
            }
            Node::Diff(..) => panic!("diff in a reference expression"),
        };
        let v = match round_to {
            // Like f64: overflow to infinity; an underflowing value (where f64 would
            // lose relative precision) marks the evaluation as unusable (NaN).
            Some((bits, seed)) => v.map(|x| {
                let y = Float::with_val_round(bits, &x, random_direction(seed)).0;
                let a = y.to_f64().abs();
                if a > f64::MAX || (a < f64::MIN_POSITIVE && !y.is_zero()) {
                    OUT_OF_RANGE.with(|c| c.set(true));
                    y
                } else {
                    y
                }
            }),
            None => v,
        };
        val.insert(id, v);
    }
    val.remove(&root).flatten()
}

/// Up or down at random: the next step of a splitmix64 counter.
fn random_direction(seed: &Cell<u64>) -> Round {
    let z = seed.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
    seed.set(z);
    let mut r = z;
    r = (r ^ (r >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    r = (r ^ (r >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    r ^= r >> 31;
    if r >> 63 == 1 {
        Round::Up
    } else {
        Round::Down
    }
}

/// The reference value: `None` where undefined, else the value at a precision where
/// its rounding to f64 is stable.
pub fn reference(g: &Graph, root: ExprId, vars: &[Symbol], point: &[f64]) -> Option<Float> {
    let mut prev: Option<Option<Float>> = None;
    for prec in PRECS {
        let env: HashMap<Symbol, Float> = vars
            .iter()
            .zip(point)
            .map(|(&s, &x)| (s, Float::with_val(prec, x)))
            .collect();
        let v = eval_at(g, root, &env, prec);
        if let Some(p) = &prev {
            let same = match (p, &v) {
                (None, None) => true,
                (Some(a), Some(b)) => a.to_f64().to_bits() == b.to_f64().to_bits(),
                _ => false,
            };
            if same {
                return v;
            }
        }
        prev = Some(v);
    }
    prev.flatten()
}

/// The distance of `got` from the true value in units of the true value's ulp
/// (the ulp of a subnormal being 2^-1074). Infinite for a wrong NaN or overflow.
pub fn ulps(got: f64, want: &Float) -> f64 {
    if got.is_nan() {
        return f64::INFINITY;
    }
    let w = want.to_f64();
    if w.is_infinite() {
        return if got == w { 0.0 } else { f64::INFINITY };
    }
    if want.is_zero() {
        return if got == 0.0 { 0.0 } else { f64::INFINITY };
    }
    let e = want.get_exp().unwrap_or(0);
    let ulp_exp = (e - 53).max(-1074);
    let diff = Float::with_val(want.prec(), want - got).abs();
    let ulp = Float::with_val(64, 1) << ulp_exp;
    (diff / ulp).to_f64()
}

/// Six naive f64-like evaluations with random rounding directions (256-bit
/// operations, each result rounded to 53 bits); `None` when an intermediate value
/// left the normal f64 range (where f64 itself would change the result).
pub fn directed(
    g: &Graph,
    root: ExprId,
    vars: &[Symbol],
    point: &[f64],
) -> Option<Vec<Option<Float>>> {
    OUT_OF_RANGE.with(|c| c.set(false));
    let env: HashMap<Symbol, Float> = vars
        .iter()
        .zip(point)
        .map(|(&s, &x)| (s, Float::with_val(256, x)))
        .collect();
    let seed = Cell::new(0x9e37_79b9_7f4a_7c15 ^ point.first().map_or(0, |x| x.to_bits()));
    let r = (0..6)
        .map(|_| eval_rounded(g, root, &env, 256, Some((53, &seed))))
        .collect();
    (!OUT_OF_RANGE.with(Cell::get)).then_some(r)
}

/// The condition number `|x f'(x) / f(x)|` of `root` in its single variable at `x`
/// (relative error out per relative error in), by a central difference in 2560-bit
/// arithmetic; infinite at a zero of `f`, and 0 at `x = 0`.
pub fn condition(g: &Graph, root: ExprId, var: Symbol, x: f64) -> f64 {
    const PREC: u32 = 2560;
    if x == 0.0 {
        return 0.0;
    }
    let at = |v: Float| {
        let env: HashMap<Symbol, Float> = [(var, v)].into_iter().collect();
        eval_at(g, root, &env, PREC)
    };
    let h = Float::with_val(PREC, 1) >> 200;
    let xf = Float::with_val(PREC, x);
    let up = Float::with_val(PREC, &xf * (Float::with_val(PREC, 1) + &h));
    let down = Float::with_val(PREC, &xf * (Float::with_val(PREC, 1) - &h));
    match (at(xf), at(up), at(down)) {
        (Some(f), Some(a), Some(b)) => {
            if f.is_zero() {
                return f64::INFINITY;
            }
            let d = Float::with_val(PREC, &a - &b) / (Float::with_val(PREC, &h * 2u32) * &f);
            d.abs().to_f64()
        }
        _ => f64::INFINITY,
    }
}
