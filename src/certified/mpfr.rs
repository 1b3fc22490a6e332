//! The MPFR interval evaluator over the expression graph: [`enclose`] gives an
//! interval that certainly holds the value of an expression at an exact point.
//!
//! The walk is iterative (an explicit stack, no recursion) and lazy: a node's
//! operands are evaluated when the node is demanded, and `if(c, a, b)` demands its
//! condition first and then only the branch taken, so `if(x > 0, log(x), 0)` is 0 at
//! `x = -1`. When the condition cannot be decided at this precision (its sides'
//! enclosures overlap), both branches are evaluated and their hull is the enclosure
//! if both are defined; otherwise the result is undecided.
//!
//! Sums that cancel catastrophically (`1 + erf(u)`, `1 - tanh(u)`, `exp(u) - 1`,
//! `log(1 + t)`) are tightened by fused forms (`erfc`, `expm1`, `log1p`), so that
//! `Phi(-800)` and `softplus(-1e6)` get their digits at ordinary precision.
//!
//! Calls of defined functions must be unfolded first ([`unfold`]; the precision
//! loop [`evaluate`](super::evaluate) does it): a call reaching the walk is
//! [`EvalError::CallNotUnfolded`]. `diff(...)` is [`EvalError::Diff`].
//!
//! Values of a node's operands are dropped as soon as every parent that uses them has
//! been computed, so memory stays proportional to the live frontier of the DAG even at
//! tens of thousands of bits.
//!
//! ```
//! use std::collections::HashMap;
//! use actsym::certified::enclose;
//! use actsym::expr::{BigRational, Func, Graph};
//! let mut g = Graph::new();
//! let x = g.var("x");
//! let e = g.func(Func::Exp, x);
//! let env = HashMap::from([(g.symbol("x"), BigRational::from_integer(1.into()))]);
//! let iv = enclose(&g, e, &env, 128).unwrap();
//! assert!(iv.lo < iv.hi && iv.lo > 2.718281828 && iv.hi < 2.718281829);
//! ```
//!
//! [`unfold`]: crate::unfold::unfold

use std::collections::HashMap;

use super::error::EvalError;
use super::fuse::{combine, detect, enclose_fused, Fusion};
use super::interval::{decide, Arith, Interval};
use crate::expr::{BigRational, ExprId, Func, Graph, Node, Symbol};

/// The enclosure of `root` at the point `env`, computed at `prec` bits.
///
/// Errors: [`EvalError::Undefined`] when the expression is certainly undefined at the
/// point, [`EvalError::Undecided`] when `prec` is too low to tell (an operand touches a
/// domain edge, or a condition is on its edge), [`EvalError::UnboundVariable`],
/// [`EvalError::Diff`], [`EvalError::CallNotUnfolded`], [`EvalError::Overflow`].
pub fn enclose(
    g: &Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    prec: u32,
) -> Result<Interval, EvalError> {
    let mut ar = Arith::new(prec);
    enclose_with(g, root, env, &mut ar)
}

/// [`enclose`] with a caller's arithmetic, which records underflow.
pub(crate) fn enclose_with(
    g: &Graph,
    root: ExprId,
    env: &HashMap<Symbol, BigRational>,
    ar: &mut Arith,
) -> Result<Interval, EvalError> {
    let plan = Plan::new(g, &[root]);
    let value = Walk::new(&plan, env).run(ar)?.pop();
    number(value.unwrap_or(Err(EvalError::Undecided)))
}

/// The enclosures of several expressions at one point in one walk, each shared
/// subexpression computed once (both sides of a claim): the same as [`enclose`] of
/// each, at the same precision.
#[must_use]
pub fn enclose_all(
    g: &Graph,
    roots: &[ExprId],
    env: &HashMap<Symbol, BigRational>,
    prec: u32,
) -> Vec<Result<Interval, EvalError>> {
    let mut ar = Arith::new(prec);
    let plan = Plan::new(g, roots);
    match Walk::new(&plan, env).run(&mut ar) {
        Ok(values) => values.into_iter().map(number).collect(),
        Err(e) => roots.iter().map(|_| Err(e.clone())).collect(),
    }
}

/// The enclosure of `root` at each of several points at `prec` bits, the walk's
/// plan (reachable nodes, fused forms, operands) built once for all of them: the
/// same as [`enclose`] at each point. The fuzz targets' oracles evaluate one
/// expression at many points this way.
#[must_use]
pub fn enclose_at_points(
    g: &Graph,
    root: ExprId,
    envs: &[&HashMap<Symbol, BigRational>],
    prec: u32,
) -> Vec<Result<Interval, EvalError>> {
    let plan = Plan::new(g, &[root]);
    envs.iter()
        .map(|env| {
            let mut ar = Arith::new(prec);
            let value = Walk::new(&plan, env).run(&mut ar)?.pop();
            number(value.unwrap_or(Err(EvalError::Undecided)))
        })
        .collect()
}

fn number(value: Result<Val, EvalError>) -> Result<Interval, EvalError> {
    match value? {
        Val::Num(iv) => Ok(iv),
        Val::Truth(_) => Err(EvalError::Mistyped(
            "the expression is a comparison (a truth value), not a number",
        )),
    }
}

/// The value of a node: a number's enclosure, or a decided truth value.
#[derive(Clone, Debug)]
enum Val {
    Num(Interval),
    Truth(bool),
}

/// The state of one reachable node during the walk.
#[derive(Clone, Debug)]
enum Slot {
    /// Not computed yet.
    Pending,
    /// Computed.
    Done(Result<Val, EvalError>),
    /// Computed (or no longer needed) and dropped: every parent is done.
    Freed,
}

/// What a walk over some roots needs that does not depend on the point: the
/// reachable nodes, their fused forms and the operands each reads. Built once, it
/// serves any number of points ([`enclose_at_points`]).
struct Plan<'a> {
    g: &'a Graph,
    /// The expressions asked for; their values are never dropped.
    roots: Vec<ExprId>,
    /// Reachable ids in increasing order; a node's slot is its position here.
    order: Vec<ExprId>,
    /// The fused form of each node, if it has one (see [`super::fuse`]).
    fusions: Vec<Option<Fusion>>,
    /// The operands of slot `k` are `operand_ids[operand_start[k]..operand_start[k + 1]]`.
    operand_start: Vec<usize>,
    operand_ids: Vec<ExprId>,
    /// How many parents read each node.
    uses: Vec<u32>,
}

impl<'a> Plan<'a> {
    fn new(g: &'a Graph, roots: &[ExprId]) -> Self {
        let order = g.reachable(roots);
        let n = order.len();
        let fusions: Vec<Option<Fusion>> = order.iter().map(|&id| detect(g, id)).collect();
        let mut operand_start = Vec::with_capacity(n + 1);
        let mut operand_ids = Vec::new();
        for (k, &id) in order.iter().enumerate() {
            operand_start.push(operand_ids.len());
            // Its children, and the operand of its fused form (a grandchild, kept
            // alive until `id` is computed).
            let mut cs = g.node(id).children();
            cs.extend(fusions[k].as_ref().map(Fusion::operand));
            cs.sort_unstable();
            cs.dedup();
            operand_ids.extend(cs);
        }
        operand_start.push(operand_ids.len());
        let mut plan = Plan {
            g,
            roots: roots.to_vec(),
            order,
            fusions,
            operand_start,
            operand_ids,
            uses: vec![0; n],
        };
        for k in 0..n {
            for i in plan.operand_start[k]..plan.operand_start[k + 1] {
                if let Some(j) = plan.slot_index(plan.operand_ids[i]) {
                    plan.uses[j] += 1;
                }
            }
        }
        plan
    }

    fn slot_index(&self, id: ExprId) -> Option<usize> {
        self.order.binary_search(&id).ok()
    }
}

/// One evaluation of a [`Plan`] at one point.
struct Walk<'p, 'a> {
    plan: &'p Plan<'a>,
    g: &'a Graph,
    env: &'p HashMap<Symbol, BigRational>,
    roots: &'p [ExprId],
    slots: Vec<Slot>,
    /// How many parents still to be computed use each node.
    uses: Vec<u32>,
}

impl<'p, 'a> Walk<'p, 'a> {
    fn new(plan: &'p Plan<'a>, env: &'p HashMap<Symbol, BigRational>) -> Self {
        Walk {
            plan,
            g: plan.g,
            env,
            roots: &plan.roots,
            slots: vec![Slot::Pending; plan.order.len()],
            uses: plan.uses.clone(),
        }
    }

    fn slot_index(&self, id: ExprId) -> Option<usize> {
        self.plan.slot_index(id)
    }

    fn fusion(&self, id: ExprId) -> Option<&'p Fusion> {
        self.slot_index(id)
            .and_then(|i| self.plan.fusions.get(i))
            .and_then(Option::as_ref)
    }

    /// The nodes whose values `id` reads: its children, and the operand of its fused
    /// form.
    fn operands(&self, id: ExprId) -> &'p [ExprId] {
        match self.slot_index(id) {
            Some(k) => {
                let plan = self.plan;
                &plan.operand_ids[plan.operand_start[k]..plan.operand_start[k + 1]]
            }
            None => &[],
        }
    }

    /// The computed result of a node; a missing or freed one (which the walk's order
    /// rules out) is reported as undecided rather than trusted.
    fn result(&self, id: ExprId) -> Result<&Val, EvalError> {
        match self.slot_index(id).and_then(|i| self.slots.get(i)) {
            Some(Slot::Done(Ok(v))) => Ok(v),
            Some(Slot::Done(Err(e))) => Err(e.clone()),
            _ => Err(EvalError::Undecided),
        }
    }

    fn is_settled(&self, id: ExprId) -> bool {
        match self.slot_index(id).and_then(|i| self.slots.get(i)) {
            Some(Slot::Pending) => false,
            Some(_) | None => true,
        }
    }

    /// The value of each root, in order; `Err` only past the time limit.
    fn run(mut self, ar: &mut Arith) -> Result<Vec<Result<Val, EvalError>>, EvalError> {
        let mut stack: Vec<ExprId> = self.roots.iter().rev().copied().collect();
        while let Some(&id) = stack.last() {
            if self.is_settled(id) {
                stack.pop();
                continue;
            }
            let needed: Vec<ExprId> = self
                .demanded(id)
                .into_iter()
                .filter(|&c| !self.is_settled(c))
                .collect();
            if !needed.is_empty() {
                stack.extend(needed);
                continue;
            }
            // The caller's time limit bounds the walk: one MPFR operation at a time.
            if crate::poly::budget::expired() {
                return Err(EvalError::TimeLimit);
            }
            let value = self.compute(id, ar);
            if let Some(i) = self.slot_index(id) {
                self.slots[i] = Slot::Done(value);
            }
            stack.pop();
            if !self.roots.contains(&id) {
                self.release_children(id);
            }
        }
        Ok(self
            .roots
            .iter()
            .map(|&r| match self.slot_index(r).map(|i| &self.slots[i]) {
                Some(Slot::Done(v)) => v.clone(),
                _ => Err(EvalError::Undecided),
            })
            .collect())
    }

    /// Drops the values of `id`'s operands that no other parent will read.
    fn release_children(&mut self, id: ExprId) {
        for &c in self.operands(id) {
            if self.roots.contains(&c) {
                continue;
            }
            if let Some(i) = self.slot_index(c) {
                self.uses[i] = self.uses[i].saturating_sub(1);
                if self.uses[i] == 0 {
                    self.slots[i] = Slot::Freed;
                }
            }
        }
    }

    /// The operands `id` needs now: all children, except for `if`, which needs its
    /// condition first and then the branch it selects (both when undecided).
    fn demanded(&self, id: ExprId) -> Vec<ExprId> {
        match self.g.node(id) {
            Node::If(c, a, b) => {
                if !self.is_settled(*c) {
                    return vec![*c];
                }
                match self.result(*c) {
                    Ok(Val::Truth(true)) => vec![*a],
                    Ok(Val::Truth(false)) => vec![*b],
                    Err(EvalError::Undecided) => vec![*a, *b],
                    _ => Vec::new(),
                }
            }
            _ => self.operands(id).to_vec(),
        }
    }

    /// The enclosure of a numeric operand.
    fn num(&self, id: ExprId) -> Result<&Interval, EvalError> {
        match self.result(id)? {
            Val::Num(iv) => Ok(iv),
            Val::Truth(_) => Err(EvalError::Mistyped(
                "a comparison (a truth value) is used as a number",
            )),
        }
    }

    /// The enclosures of all operands of a strict operation; if several fail, the
    /// most telling error wins (a certain undefined point beats "undecided").
    fn nums(&self, ids: &[ExprId]) -> Result<Vec<&Interval>, EvalError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut worst: Option<EvalError> = None;
        for &c in ids {
            match self.num(c) {
                Ok(iv) => out.push(iv),
                Err(e) => {
                    if worst.as_ref().is_none_or(|w| e.rank() > w.rank()) {
                        worst = Some(e);
                    }
                }
            }
        }
        match worst {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// The exact value of an operand that is a constant or a bound variable (for
    /// exact error messages).
    fn exact(&self, id: ExprId) -> Option<&'p BigRational> {
        match self.g.node(id) {
            Node::Num(r) => Some(r),
            Node::Var(s) => self.env.get(s),
            _ => None,
        }
    }

    /// The value of `id` from its operands' values, tightened by its fused form.
    fn compute(&self, id: ExprId, ar: &mut Arith) -> Result<Val, EvalError> {
        let plain = self.compute_plain(id, ar);
        let Some(fusion) = self.fusion(id) else {
            return plain;
        };
        let Ok(x) = self.num(fusion.operand()) else {
            return plain;
        };
        let plain = match plain {
            Ok(Val::Num(iv)) => Ok(iv),
            Ok(truth) => return Ok(truth),
            Err(e) => Err(e),
        };
        let mut fused = enclose_fused(ar, fusion, x);
        if let (Fusion::Rest { rest, .. }, Some(Ok(f))) = (fusion, &fused) {
            let mut sum = Ok(f.clone());
            for &t in rest {
                sum = match (sum, self.num(t)) {
                    (Ok(acc), Ok(v)) => ar.add(&acc, v),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
            }
            fused = Some(sum);
        }
        combine(plain, fused).map(Val::Num)
    }

    fn compute_plain(&self, id: ExprId, ar: &mut Arith) -> Result<Val, EvalError> {
        let g = self.g;
        let num = |r: Result<Interval, EvalError>| r.map(Val::Num);
        match g.node(id) {
            Node::Num(r) => num(ar.rational(r)),
            Node::Pi => num(ar.pi()),
            Node::Bool(b) => Ok(Val::Truth(*b)),
            Node::Undefined => Err(EvalError::undefined(
                "undefined",
                "the expression is undefined here",
            )),
            Node::Var(s) => match self.env.get(s) {
                Some(r) => num(ar.rational(r)),
                None => Err(EvalError::UnboundVariable(g.name(*s).to_owned())),
            },
            Node::Add(ts) => {
                let ivs = self.nums(ts)?;
                num(fold(ar, &ivs, Arith::add))
            }
            Node::Mul(fs) => {
                let ivs = self.nums(fs)?;
                num(fold(ar, &ivs, Arith::mul))
            }
            Node::Pow(b, e) => {
                let ivs = self.nums(&[*b, *e])?;
                let (base, exponent) = (ivs[0], ivs[1]);
                // A huge integer exponent, exactly (its parity, and 10^1000000 + 1
                // is beyond the constant folding): through exp and log1p of the
                // base's exact value when it has one.
                let k = match g.as_num(*e) {
                    Some(r) if r.is_integer() => {
                        Some(crate::expr::convert::to_rug_integer(r.numer()))
                    }
                    Some(_) => None,
                    None => exact_constant(g, *e, self.env)
                        .filter(rug::Rational::is_integer)
                        .map(|r| r.into_numer_denom().0),
                };
                if let Some(k) = k.filter(|k| k.significant_bits() > 64) {
                    if !base.contains_zero() {
                        let exact = exact_constant(g, *b, self.env);
                        return num(ar.pow_int_by_log(base, &k, exact.as_ref()));
                    }
                }
                num(match g.as_num(*e) {
                    Some(r) => ar.pow_rational(base, r, self.exact(*b)),
                    None => ar.pow_interval(base, exponent),
                })
            }
            Node::Func(f, a) => {
                let x = self.num(*a)?;
                num(match f {
                    Func::Exp => ar.exp(x),
                    Func::Log => ar.log(x, self.exact(*a)),
                    Func::Abs => Ok(ar.abs(x)),
                    // An argument exactly 0 (`sign(x - 1/3)` at 1/3) is 0.
                    Func::Sign => Ok(match exact_constant(g, *a, self.env) {
                        Some(r) if x.contains_zero() => ar.integer(r.cmp0() as i32),
                        _ => ar.sign(x),
                    }),
                    Func::Tanh => ar.tanh(x),
                    Func::Sinh => ar.sinh(x),
                    Func::Cosh => ar.cosh(x),
                    Func::Erf => ar.erf(x),
                })
            }
            Node::Max(a, b) => {
                let ivs = self.nums(&[*a, *b])?;
                Ok(Val::Num(ar.max(ivs[0], ivs[1])))
            }
            Node::Min(a, b) => {
                let ivs = self.nums(&[*a, *b])?;
                Ok(Val::Num(ar.min(ivs[0], ivs[1])))
            }
            Node::Call(f, _) => {
                let name = g.name(*f).to_owned();
                Err(if g.defs().get(*f).is_some() {
                    EvalError::CallNotUnfolded(name)
                } else {
                    EvalError::UnknownFunction(name)
                })
            }
            Node::Cmp(op, a, b) => {
                // `u > 0` for a u known positive and defined everywhere (exp of
                // anything) is decided by its sign when its value is beyond the
                // range or its enclosure still holds 0 (heaviside(exp(-exp(30))) = 1,
                // as sign(...) is).
                let zero = |id: ExprId| g.as_num(id).is_some_and(num_traits::Zero::is_zero);
                let positive = |id: ExprId| {
                    let info = g.info(id);
                    info.total && info.sign == crate::expr::SignInfo::Positive
                };
                if zero(*b) && positive(*a) {
                    return Ok(Val::Truth(op.holds(std::cmp::Ordering::Greater)));
                }
                if zero(*a) && positive(*b) {
                    return Ok(Val::Truth(op.holds(std::cmp::Ordering::Less)));
                }
                let ivs = self.nums(&[*a, *b])?;
                decide(*op, ivs[0], ivs[1])
                    .or_else(|| {
                        // Sides with exact rational values (`x > 1/3` at x = 1/3,
                        // where both enclosures hold 1/3) compare exactly.
                        let (u, v) = (
                            exact_constant(g, *a, self.env)?,
                            exact_constant(g, *b, self.env)?,
                        );
                        Some(op.holds(u.cmp(&v)))
                    })
                    .map(Val::Truth)
                    .ok_or(EvalError::Undecided)
            }
            Node::If(c, a, b) => match self.result(*c) {
                Ok(Val::Truth(true)) => self.result(*a).cloned(),
                Ok(Val::Truth(false)) => self.result(*b).cloned(),
                Ok(Val::Num(_)) => Err(EvalError::Mistyped(
                    "the condition of if(...) must be a comparison, not a number",
                )),
                Err(EvalError::Undecided) => {
                    // The condition is on its edge at this precision: the value is one
                    // of the branches, so their hull encloses it if both are defined.
                    match (self.result(*a), self.result(*b)) {
                        (Ok(Val::Num(x)), Ok(Val::Num(y))) => Ok(Val::Num(x.hull(y))),
                        (Ok(Val::Truth(x)), Ok(Val::Truth(y))) if x == y => Ok(Val::Truth(*x)),
                        _ => Err(EvalError::Undecided),
                    }
                }
                Err(e) => Err(e),
            },
            Node::Diff(..) => Err(EvalError::Diff),
        }
    }
}

/// Folds the operands of a sum or product left to right.
fn fold(
    ar: &mut Arith,
    ivs: &[&Interval],
    op: fn(&mut Arith, &Interval, &Interval) -> Result<Interval, EvalError>,
) -> Result<Interval, EvalError> {
    let Some((first, rest)) = ivs.split_first() else {
        return Err(EvalError::Undecided);
    };
    let mut acc = (*first).clone();
    for iv in rest {
        acc = op(ar, &acc, iv)?;
    }
    Ok(acc)
}

/// The most bits of an exact constant computed by [`exact_constant`] (10^1000000
/// has 3.3 million; GMP multiplies such numbers in milliseconds).
const EXACT_CONSTANT_BITS: u64 = 1 << 23;

/// The exact value of a small constant expression of rationals, bound variables,
/// sums, products and integer powers (`10^1000000 + 1`, `1 + 10^-1000000`), with
/// GMP; `None` beyond [`EXACT_CONSTANT_BITS`] or for anything else.
pub(crate) fn exact_constant(
    g: &Graph,
    id: ExprId,
    env: &HashMap<Symbol, BigRational>,
) -> Option<rug::Rational> {
    fn go(
        g: &Graph,
        id: ExprId,
        env: &HashMap<Symbol, BigRational>,
        budget: &mut u32,
    ) -> Option<rug::Rational> {
        *budget = budget.checked_sub(1)?;
        let size = |r: &rug::Rational| {
            u64::from(r.numer().significant_bits()) + u64::from(r.denom().significant_bits())
        };
        let r = match g.node(id) {
            Node::Num(r) => crate::expr::convert::to_rug_rational(r),
            Node::Var(s) => crate::expr::convert::to_rug_rational(env.get(s)?),
            Node::Add(ts) => {
                let mut acc = rug::Rational::new();
                for &t in ts.iter() {
                    acc += go(g, t, env, budget)?;
                }
                acc
            }
            Node::Mul(fs) => {
                let mut acc = rug::Rational::from(1);
                for &f in fs.iter() {
                    acc *= go(g, f, env, budget)?;
                }
                acc
            }
            Node::Pow(b, e) => {
                let b = go(g, *b, env, budget)?;
                let e = go(g, *e, env, budget)?;
                if !e.is_integer() {
                    return None;
                }
                let k = e.numer().to_i64()?;
                if k < 0 && b == 0 {
                    return None;
                }
                let bits = size(&b).max(1).checked_mul(k.unsigned_abs())?;
                if bits > EXACT_CONSTANT_BITS {
                    return None;
                }
                let p = u32::try_from(k.unsigned_abs()).ok()?;
                let r = rug::Rational::from((
                    rug::ops::Pow::pow(b.numer().clone(), p),
                    rug::ops::Pow::pow(b.denom().clone(), p),
                ));
                if k < 0 {
                    r.recip()
                } else {
                    r
                }
            }
            _ => return None,
        };
        (size(&r) <= EXACT_CONSTANT_BITS).then_some(r)
    }
    let mut budget = 64;
    go(g, id, env, &mut budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One walk gives what one walk per root gives: a root inside another, a
    /// shared subexpression, an undefined root.
    #[test]
    fn enclose_all_is_enclose_of_each() {
        let mut g = Graph::with_prelude();
        let l = crate::defs::parse_expr(&mut g, "erf(exp(x)) + log(x)").unwrap();
        let r = crate::defs::parse_expr(&mut g, "erf(exp(x)) + log(x) + 1/1000").unwrap();
        let u = crate::defs::parse_expr(&mut g, "log(x - 5)").unwrap();
        let x = g.symbol("x");
        let env = HashMap::from([(x, BigRational::new(3.into(), 2.into()))]);
        let roots = [l, r, u, l];
        let all = enclose_all(&g, &roots, &env, 256);
        assert_eq!(all.len(), roots.len());
        for (&root, got) in roots.iter().zip(&all) {
            let want = enclose(&g, root, &env, 256);
            match (got, &want) {
                (Ok(a), Ok(b)) => assert!(a.lo == b.lo && a.hi == b.hi),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                _ => panic!("{got:?} and {want:?} differ"),
            }
        }
        assert!(matches!(all[2], Err(EvalError::Undefined { .. })));
    }
}
