//! The compiler from the expression graph to a [`Tape`].
//!
//! Three steps, none recursive over the expression's depth:
//! 1. Lowering: the nodes reachable from the root are visited children first (the
//!    graph's id order) and mapped into the hash-consed intermediate form of
//!    `tape_ir.rs`. Constant subtrees (`sqrt(2/pi)`, `1/6`) are evaluated in 256-bit
//!    MPFR and rounded once. Calls of prelude functions become fused kernels
//!    (`tape_prelude.rs`); calls of other defined functions are inlined from their
//!    definitions (recursion here is bounded by the nesting of definitions).
//! 2. Scheduling: the nodes reachable from the root in the intermediate form, in id
//!    order; shared subexpressions are one node (hash-consing), hence one
//!    instruction. Constants become registers filled once per thread (hoisted).
//! 3. Register allocation by liveness: a register is reused as soon as the last
//!    instruction reading it has been emitted.

use std::collections::HashMap;

use num_traits::ToPrimitive;
use rug::Float;

use super::error::CompileError;
use super::ops::UnaryOp;
use super::tape::{Instr, Reg, Tape};
use super::tape_diff;
use super::tape_ir::{Ir, IrId, IrNode};
use super::tape_prelude::{self, const_value, rational_f64};
use crate::defs::Origin;
use crate::expr::{CmpOp, ExprId, Func, Graph, Node, Symbol};

/// How deeply definitions may call each other before compilation gives up.
const MAX_DEF_DEPTH: u32 = 64;

/// Compiles `root` as a function of `vars`; see [`Tape::compile`].
pub(crate) fn compile(g: &Graph, root: ExprId, vars: &[Symbol]) -> Result<Tape, CompileError> {
    compile_with_ties(g, root, vars, HashMap::new())
}

/// [`compile`], with the symbolic derivative of some `diff(...)` nodes of `root`
/// (`ties`: node → derivative), used where a branch on the variable is at its tie.
pub(crate) fn compile_with_ties(
    g: &Graph,
    root: ExprId,
    vars: &[Symbol],
    ties: HashMap<ExprId, ExprId>,
) -> Result<Tape, CompileError> {
    let mut low = Lowering {
        g,
        ir: Ir::default(),
        top: HashMap::new(),
        ties,
    };
    for (i, &v) in vars.iter().enumerate() {
        let id = low.ir.var(i as u32);
        low.top.entry(v).or_insert(id);
    }
    let out = low.lower(root, &HashMap::new(), 0)?;
    let names = vars.iter().map(|&v| g.name(v).to_owned()).collect();
    Ok(schedule(&low.ir, out, names))
}

/// The state of lowering one expression.
pub(crate) struct Lowering<'g> {
    g: &'g Graph,
    pub(crate) ir: Ir,
    /// The compiled variables.
    top: HashMap<Symbol, IrId>,
    /// Symbolic derivatives of `diff(...)` nodes, for the ties of their branches.
    ties: HashMap<ExprId, ExprId>,
}

impl Lowering<'_> {
    /// Lowers the subgraph under `root`, with `params` binding the parameters of the
    /// definition being inlined (empty at the top level).
    fn lower(
        &mut self,
        root: ExprId,
        params: &HashMap<Symbol, IrId>,
        depth: u32,
    ) -> Result<IrId, CompileError> {
        if depth > MAX_DEF_DEPTH {
            return Err(CompileError::TooDeep(MAX_DEF_DEPTH));
        }
        let g = self.g;
        let mut map: HashMap<ExprId, IrId> = HashMap::new();
        let mut consts: HashMap<ExprId, Float> = HashMap::new();
        for id in g.reachable(&[root]) {
            if let Some(v) = const_value(g, id, &consts) {
                let c = self.ir.constant(v.to_f64());
                consts.insert(id, v);
                map.insert(id, c);
                continue;
            }
            let node = g.node(id);
            let ir = match node {
                Node::Diff(e, v) => self.lower_diff(id, *e, *v, &map, params, depth)?,
                _ => self.lower_node(node, &map, params, depth)?,
            };
            map.insert(id, ir);
        }
        // The root is reachable from itself, so it was mapped.
        map.get(&root)
            .copied()
            .ok_or(CompileError::Unsupported("an unreachable root"))
    }

    fn lower_node(
        &mut self,
        node: &Node,
        map: &HashMap<ExprId, IrId>,
        params: &HashMap<Symbol, IrId>,
        depth: u32,
    ) -> Result<IrId, CompileError> {
        let g = self.g;
        // Children come before parents, so every child is mapped already.
        let m = |c: &ExprId| map.get(c).copied().unwrap_or(IrId(0));
        Ok(match node {
            Node::Num(r) => self.ir.constant(rational_f64(r)),
            Node::Pi => self.ir.constant(std::f64::consts::PI),
            Node::Bool(b) => self.ir.constant(if *b { 1.0 } else { 0.0 }),
            Node::Undefined => self.ir.constant(f64::NAN),
            Node::Var(s) => match params.get(s).or_else(|| self.top.get(s)) {
                Some(&v) => v,
                None => return Err(CompileError::UnknownVariable(g.name(*s).to_owned())),
            },
            Node::Add(terms) => {
                let mut k = 0.0;
                let mut lin = Vec::with_capacity(terms.len());
                for t in terms.iter() {
                    let t = m(t);
                    match self.ir.node(t) {
                        IrNode::Const(v) => k += f64::from_bits(*v),
                        IrNode::Lin(k0, ts) if f64::from_bits(*k0) == 0.0 && ts.len() == 1 => {
                            lin.push((f64::from_bits(ts[0].0), ts[0].1));
                        }
                        _ => lin.push((1.0, t)),
                    }
                }
                self.ir.lin(k, lin)
            }
            Node::Mul(factors) => self.lower_product(factors, map),
            Node::Pow(b, e) => self.lower_pow(*b, *e, map)?,
            Node::Func(f, a) => {
                let a = m(a);
                let op = match f {
                    Func::Exp => UnaryOp::Exp,
                    Func::Log => return Ok(self.log_of(a, 0)),
                    Func::Abs => UnaryOp::Abs,
                    Func::Sign => UnaryOp::Sign,
                    Func::Tanh => UnaryOp::Tanh,
                    Func::Sinh => UnaryOp::Sinh,
                    Func::Cosh => UnaryOp::Cosh,
                    Func::Erf => UnaryOp::Erf,
                };
                self.ir.unary(op, a)
            }
            Node::Max(a, b) => self.ir.max(m(a), m(b)),
            Node::Min(a, b) => self.ir.min(m(a), m(b)),
            Node::Cmp(op, a, b) => self.ir.cmp(*op, m(a), m(b)),
            Node::If(c, a, b) => self.ir.select(m(c), m(a), m(b)),
            Node::Call(f, args) => {
                let args: Vec<IrId> = args.iter().map(m).collect();
                self.lower_call(*f, args, depth)?
            }
            Node::Diff(..) => return Err(CompileError::Unsupported("a diff node out of place")),
        })
    }

    /// Lowers the `diff(e, v)` node `id`. Expressions are differentiated in the
    /// intermediate form, which keeps the fused kernels (see `tape_diff.rs`); at
    /// the ties of branches on the variable the symbolic derivative given for `id`
    /// (`ties`) is used, and without one the node is [`CompileError::NonSmoothDiff`].
    #[allow(clippy::too_many_arguments)]
    fn lower_diff(
        &mut self,
        id: ExprId,
        e: ExprId,
        v: Symbol,
        map: &HashMap<ExprId, IrId>,
        params: &HashMap<Symbol, IrId>,
        depth: u32,
    ) -> Result<IrId, CompileError> {
        let var = match params.get(&v).or_else(|| self.top.get(&v)) {
            Some(&x) if matches!(self.ir.node(x), IrNode::Var(_)) => Some(x),
            Some(_) => return Err(CompileError::NonSmoothDiff),
            None => None,
        };
        let body = map.get(&e).copied().unwrap_or(IrId(0));
        let (d, ties) = tape_diff::derivative_off_ties(&mut self.ir, body, var)
            .ok_or(CompileError::NonSmoothDiff)?;
        let d = if ties.is_empty() {
            d
        } else {
            let Some(&symbolic) = self.ties.get(&id) else {
                return Err(CompileError::NonSmoothDiff);
            };
            let at_tie = self.lower(symbolic, params, depth + 1)?;
            let mut out = d;
            for (u, w) in ties {
                let off = self.ir.cmp(CmpOp::Ne, u, w);
                out = self.ir.select(off, out, at_tie);
            }
            out
        };
        Ok(self.ir.within_domain(d, body))
    }

    /// `log(a)`: `log(1 + exp(u))` is softplus(u), without the overflow; `log(1 + u)`
    /// is log1p(u), since `1 + u` rounds to 1 where `u` is below f64's precision
    /// and log(1) = 0 is not log(1 + u). Through a branch, each branch's logarithm
    /// (`log(if(c, 1 + x, sqrt(x)))`, the 7th crash of the `fast_eval` target), a
    /// few levels deep.
    fn log_of(&mut self, a: IrId, depth: u32) -> IrId {
        if let Some(u) = self.exp_plus_one(a) {
            return self.ir.unary(UnaryOp::Softplus, u);
        }
        if let Some(u) = self.one_plus(a) {
            return self.ir.unary(UnaryOp::Log1p, u);
        }
        if let IrNode::Select(c, p, q) = *self.ir.node(a) {
            if depth < 4 && (self.log_is_special(p, depth + 1) || self.log_is_special(q, depth + 1))
            {
                let (lp, lq) = (self.log_of(p, depth + 1), self.log_of(q, depth + 1));
                return self.ir.select(c, lp, lq);
            }
        }
        self.ir.unary(UnaryOp::Log, a)
    }

    /// Whether [`Self::log_of`] of `a` is more than `log(a)`.
    fn log_is_special(&self, a: IrId, depth: u32) -> bool {
        match self.ir.node(a) {
            IrNode::Lin(..) => self.one_plus_terms(a).is_some(),
            IrNode::Select(_, p, q) => {
                depth < 4
                    && (self.log_is_special(*p, depth + 1) || self.log_is_special(*q, depth + 1))
            }
            _ => false,
        }
    }

    /// `u` where `a` is the sum `1 + u` (`u` itself a sum of the other terms).
    fn one_plus(&mut self, a: IrId) -> Option<IrId> {
        let rest = self.one_plus_terms(a)?;
        Some(self.ir.lin(0.0, rest))
    }

    /// The terms of `u` where `a` is `1 + u`: a sum with constant 1, or such a sum
    /// scaled by a power of two (`1 + 2*x` is kept as `2*(1/2 + x)`), whose terms
    /// scale exactly.
    fn one_plus_terms(&self, a: IrId) -> Option<Vec<(f64, IrId)>> {
        let IrNode::Lin(k, ts) = self.ir.node(a) else {
            return None;
        };
        let (k, ts) = (f64::from_bits(*k), ts);
        if k == 1.0 && !ts.is_empty() {
            return Some(ts.iter().map(|&(c, t)| (f64::from_bits(c), t)).collect());
        }
        // `c*t` with `t = k2 + sum c_i*t_i`, c a power of two and c*k2 = 1.
        let [(c, t)] = ts[..] else {
            return None;
        };
        let c = f64::from_bits(c);
        let power_of_two = c.is_normal() && c.to_bits() & ((1u64 << 52) - 1) == 0;
        if k != 0.0 || !power_of_two {
            return None;
        }
        let IrNode::Lin(k2, inner) = self.ir.node(t) else {
            return None;
        };
        if c * f64::from_bits(*k2) != 1.0 || inner.is_empty() {
            return None;
        }
        let terms: Vec<(f64, IrId)> = inner
            .iter()
            .map(|&(ci, ti)| (c * f64::from_bits(ci), ti))
            .collect();
        terms.iter().all(|(ci, _)| ci.is_normal()).then_some(terms)
    }

    /// `u` when `a` is `1 + exp(u)`.
    fn exp_plus_one(&self, a: IrId) -> Option<IrId> {
        let IrNode::Lin(k, ts) = self.ir.node(a) else {
            return None;
        };
        if f64::from_bits(*k) != 1.0 || ts.len() != 1 || ts[0].0 != 1f64.to_bits() {
            return None;
        }
        match self.ir.node(ts[0].1) {
            IrNode::Unary(UnaryOp::Exp, u) => Some(*u),
            _ => None,
        }
    }

    /// A product: the rational coefficient, the factors, and the factors with a
    /// negative integer exponent collected into one division.
    fn lower_product(&mut self, factors: &[ExprId], map: &HashMap<ExprId, IrId>) -> IrId {
        let g = self.g;
        let mut coef = 1.0;
        let mut divisor: Option<f64> = None;
        let mut num = Vec::new();
        let mut den = Vec::new();
        for f in factors {
            if let Node::Num(r) = g.node(*f) {
                // 1/6 is not a float but 6 is: divide by 6 (one rounding).
                match tape_prelude::exact_reciprocal(r) {
                    Some(q) if divisor.is_none() => divisor = Some(q),
                    _ => coef *= rational_f64(r),
                }
                continue;
            }
            if let Node::Pow(b, e) = g.node(*f) {
                if let Some(n) = g
                    .as_num(*e)
                    .filter(|r| r.is_integer())
                    .and_then(|r| r.to_integer().to_i32())
                {
                    if n < 0 {
                        let base = map.get(b).copied().unwrap_or(IrId(0));
                        den.push(self.ir.powi(base, -n));
                        continue;
                    }
                }
            }
            let ir = map.get(f).copied().unwrap_or(IrId(0));
            match self.ir.as_const(ir) {
                Some(v) => coef *= v,
                None => num.push(ir),
            }
        }
        // A factor over itself is 1 where it is defined and not 0 (`x/x`, whose
        // derivative is then exactly 0, not a rounding error of the quotient rule).
        let mut cancelled = Vec::new();
        num.retain(|t| match den.iter().position(|d| d == t) {
            Some(i) => {
                cancelled.push(den.swap_remove(i));
                false
            }
            None => true,
        });
        // A factor of a product on the other side too (`x/swish(x, 1/10)`, with
        // `swish(x, 1/10) = x*sigmoid(x/10)`, is `1/sigmoid(x/10)`): otherwise the
        // quotient rule's two terms of about 1/x cancel where x is tiny, and the
        // derivative is 0 or NaN where its truth is -0.1.
        self.cancel_inside_products(&mut num, &mut den, &mut cancelled);
        self.cancel_inside_products(&mut den, &mut num, &mut cancelled);
        // `abs(u)/u` (and `u/abs(u)`) is `sign(u)` where u is not 0: its derivative
        // is then exactly 0, not the quotient rule's two terms cancelling to noise
        // (`abs(x)/(alpha*x)` at 2.4e-125).
        self.abs_over_itself(&mut num, &mut den, &mut cancelled);
        self.abs_over_itself(&mut den, &mut num, &mut cancelled);
        // `u/u^n` is `1/u^(n - 1)` (and `u^n/u` is `u^(n - 1)`) where u is not 0:
        // `x/(alpha*x^4)` at 7.9e78 no longer overflows in x^4.
        self.lower_power_by_factor(&mut num, &mut den, &mut cancelled);
        self.lower_power_by_factor(&mut den, &mut num, &mut cancelled);
        let ir = &mut self.ir;
        let mut val = match (num.is_empty(), den.is_empty()) {
            (false, true) => ir.product(num),
            (false, false) => {
                let n = ir.product(num);
                let d = ir.product(den);
                ir.div(n, d)
            }
            (true, false) => {
                let c = ir.constant(coef);
                coef = 1.0;
                let d = ir.product(den);
                ir.div(c, d)
            }
            (true, true) => ir.constant(1.0),
        };
        if coef != 1.0 {
            val = ir.scale(coef, val);
        }
        if let Some(q) = divisor {
            let q = ir.constant(q);
            val = ir.div(val, q);
        }
        for t in cancelled {
            let one = ir.constant(1.0);
            let inverse = ir.div(one, t);
            val = ir.within_domain(val, inverse);
        }
        val
    }

    /// Moves each plain factor of `singles` that is also a factor of a product in
    /// `products` to `cancelled`, and rebuilds that product without it.
    fn cancel_inside_products(
        &mut self,
        singles: &mut Vec<IrId>,
        products: &mut [IrId],
        cancelled: &mut Vec<IrId>,
    ) {
        for p in products.iter_mut() {
            let (c, mut fs) = self.ir.factors_of(*p);
            if fs.len() < 2 {
                continue;
            }
            let before = fs.len();
            singles.retain(|t| match fs.iter().position(|f| f == t) {
                Some(i) => {
                    cancelled.push(fs.remove(i));
                    false
                }
                None => true,
            });
            if fs.len() < before {
                *p = if fs.is_empty() {
                    self.ir.constant(c)
                } else {
                    let rest = self.ir.product(fs);
                    self.ir.scale(c, rest)
                };
            }
        }
    }

    /// Replaces each `abs(u)` of `side` whose `u` is a factor on `other` (alone or
    /// inside a product) by `sign(u)`, removing that `u` from `other` and moving it
    /// to `cancelled` (whose domain guard keeps u = 0 undefined).
    fn abs_over_itself(
        &mut self,
        side: &mut [IrId],
        other: &mut Vec<IrId>,
        cancelled: &mut Vec<IrId>,
    ) {
        for t in side.iter_mut() {
            let IrNode::Unary(UnaryOp::Abs, u) = *self.ir.node(*t) else {
                continue;
            };
            if let Some(i) = other.iter().position(|&o| o == u) {
                other.remove(i);
            } else {
                let mut found = false;
                for o in other.iter_mut() {
                    let (c, mut fs) = self.ir.factors_of(*o);
                    if fs.len() < 2 {
                        continue;
                    }
                    if let Some(i) = fs.iter().position(|&f| f == u) {
                        fs.remove(i);
                        let rest = self.ir.product(fs);
                        *o = self.ir.scale(c, rest);
                        found = true;
                        break;
                    }
                }
                if !found {
                    continue;
                }
            }
            *t = self.ir.unary(UnaryOp::Sign, u);
            cancelled.push(u);
        }
    }

    /// For each plain factor `u` of `singles` whose power `u^n` (n >= 2) is a factor
    /// of `powers`, lowers that power to `u^(n - 1)` and moves `u` to `cancelled`.
    fn lower_power_by_factor(
        &mut self,
        singles: &mut Vec<IrId>,
        powers: &mut [IrId],
        cancelled: &mut Vec<IrId>,
    ) {
        let mut i = 0;
        'singles: while i < singles.len() {
            let u = singles[i];
            for q in powers.iter_mut() {
                if let IrNode::PowI(b, n) = *self.ir.node(*q) {
                    if b == u && n >= 2 {
                        *q = self.ir.powi(b, n - 1);
                        cancelled.push(singles.remove(i));
                        continue 'singles;
                    }
                }
            }
            i += 1;
        }
    }

    fn lower_pow(
        &mut self,
        b: ExprId,
        e: ExprId,
        map: &HashMap<ExprId, IrId>,
    ) -> Result<IrId, CompileError> {
        let g = self.g;
        let base = map.get(&b).copied().unwrap_or(IrId(0));
        let ir = &mut self.ir;
        let Some(r) = g.as_num(e) else {
            let ex = map.get(&e).copied().unwrap_or(IrId(0));
            return Ok(ir.pow_var(base, ex));
        };
        if r.is_integer() {
            let n = r
                .to_integer()
                .to_i32()
                .ok_or(CompileError::Unsupported("an integer exponent beyond 2^31"))?;
            return Ok(ir.powi(base, n));
        }
        let two = num_bigint::BigInt::from(2);
        if *r.denom() == two {
            let s = ir.sqrt(base);
            let p = r.numer().to_i32().ok_or(CompileError::Unsupported(
                "a half-integer exponent beyond 2^31",
            ))?;
            return Ok(match p {
                1 => s,
                -1 => {
                    let one = ir.constant(1.0);
                    ir.div(one, s)
                }
                3 => ir.mul(base, s),
                _ => ir.powi(s, p),
            });
        }
        Ok(ir.pow_const(base, rational_f64(r)))
    }

    /// A call: fused when it is the graph's prelude function (not redefined by
    /// the user, and not a name the graph does not define: then it is unknown,
    /// as in the certified evaluator), otherwise inlined from its definition.
    fn lower_call(&mut self, f: Symbol, args: Vec<IrId>, depth: u32) -> Result<IrId, CompileError> {
        let g = self.g;
        let name = g.name(f);
        let def = g.defs().get(f);
        if def.is_some_and(|d| d.origin == Origin::Prelude) {
            if let Some(r) = tape_prelude::fused(&mut self.ir, name, &args) {
                return r;
            }
        }
        let Some(def) = def else {
            return Err(CompileError::UnknownFunction(name.to_owned()));
        };
        if def.params.len() != args.len() {
            return Err(CompileError::Arity {
                name: name.to_owned(),
                expected: def.params.len(),
                found: args.len(),
            });
        }
        let bindings: HashMap<Symbol, IrId> = def.params.iter().copied().zip(args).collect();
        self.lower(def.body, &bindings, depth + 1)
    }
}

/// Frees the registers of the operands of `id` read for the last time at `pos`
/// (constants and variables never: they are hoisted or read in place).
fn free_operands(
    ir: &Ir,
    id: IrId,
    pos: usize,
    last_use: &[usize],
    reg: &[Option<Reg>],
    free: &mut Vec<u32>,
) {
    let mut kids = operands(ir, id);
    kids.sort_unstable();
    kids.dedup();
    for c in kids {
        let scratch = !matches!(ir.node(c), IrNode::Const(_) | IrNode::Var(_));
        if last_use[c.0 as usize] == pos && scratch {
            if let Some(Reg(x)) = reg[c.0 as usize] {
                free.push(x);
            }
        }
    }
}

/// `op(c*x)` or `op(x/c)` with a constant `c` that is not a power of two, for a
/// kernel with a double-double form: `(op, c, divide, x)`.
fn scaled_unary(ir: &Ir, id: IrId) -> Option<(UnaryOp, f64, bool, IrId)> {
    let IrNode::Unary(op, a) = ir.node(id) else {
        return None;
    };
    if !op.takes_scaled() {
        return None;
    }
    let inexact = |c: f64| c.is_finite() && c != 0.0 && c.to_bits() & ((1u64 << 52) - 1) != 0;
    match ir.node(*a) {
        IrNode::Lin(k, ts) if f64::from_bits(*k) == 0.0 && ts.len() == 1 => {
            let c = f64::from_bits(ts[0].0);
            inexact(c).then_some((*op, c, false, ts[0].1))
        }
        IrNode::Div(x, d) => {
            let c = ir.as_const(*d)?;
            inexact(c).then_some((*op, c, true, *x))
        }
        _ => None,
    }
}

/// The operands an instruction reads (a fused scaled argument reads `x`, not `c*x`).
fn operands(ir: &Ir, id: IrId) -> Vec<IrId> {
    match scaled_unary(ir, id) {
        Some((.., x)) => vec![x],
        None => ir.children(id),
    }
}

/// Steps 2 and 3: orders the reachable nodes, hoists constants, allocates registers.
pub(crate) fn schedule(ir: &Ir, root: IrId, vars: Vec<String>) -> Tape {
    let n = ir.nodes.len();
    let mut live = vec![false; n];
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut live[id.0 as usize], true) {
            stack.extend(operands(ir, id));
        }
    }
    let order: Vec<IrId> = (0..n as u32)
        .map(IrId)
        .filter(|i| live[i.0 as usize])
        .collect();
    let mut reg: Vec<Option<Reg>> = vec![None; n];
    let mut consts = Vec::new();
    for &id in &order {
        if let Some(v) = ir.as_const(id) {
            reg[id.0 as usize] = Some(Reg(consts.len() as u32));
            consts.push(v);
        }
    }
    let body: Vec<IrId> = order
        .iter()
        .copied()
        .filter(|&i| ir.as_const(i).is_none())
        .collect();
    let mut last_use = vec![0usize; n];
    for (pos, &id) in body.iter().enumerate() {
        for c in operands(ir, id) {
            last_use[c.0 as usize] = pos;
        }
    }
    // sigmoid(u) and sigmoid_deriv(u) both needed: one paired instruction.
    let mut partner: HashMap<IrId, IrId> = HashMap::new();
    let mut sig_of: HashMap<IrId, IrId> = HashMap::new();
    for &id in &body {
        if let IrNode::Unary(UnaryOp::Sigmoid, u) = ir.node(id) {
            sig_of.insert(*u, id);
        }
    }
    for &id in &body {
        if let IrNode::Unary(UnaryOp::SigmoidDeriv, u) = ir.node(id) {
            if let Some(&s) = sig_of.get(u) {
                partner.insert(s, id);
                partner.insert(id, s);
            }
        }
    }
    let mut nregs = consts.len() as u32;
    let mut free: Vec<u32> = Vec::new();
    let mut instrs = Vec::with_capacity(body.len());
    let mut alloc = |free: &mut Vec<u32>| {
        Reg(free.pop().unwrap_or_else(|| {
            nregs += 1;
            nregs - 1
        }))
    };
    // Variables are read in place: placeholder registers from the top of the range,
    // renamed to `nregs + i` once the number of scratch registers is known.
    for &id in &body {
        if let IrNode::Var(i) = ir.node(id) {
            reg[id.0 as usize] = Some(Reg(u32::MAX - i));
        }
    }
    for (pos, &id) in body.iter().enumerate() {
        if matches!(ir.node(id), IrNode::Var(_)) {
            continue;
        }
        if reg[id.0 as usize].is_some() {
            // The second of a pair, already computed with its partner.
            free_operands(ir, id, pos, &last_use, &reg, &mut free);
            continue;
        }
        let dst = alloc(&mut free);
        if let Some(&other) = partner.get(&id) {
            let other_dst = alloc(&mut free);
            let (sig, deriv) = match ir.node(id) {
                IrNode::Unary(UnaryOp::Sigmoid, _) => (dst, other_dst),
                _ => (other_dst, dst),
            };
            let (c, divide, x) = match scaled_unary(ir, id) {
                Some((_, c, divide, x)) => (c, divide, x),
                None => (1.0, false, ir.children(id).first().copied().unwrap_or(id)),
            };
            instrs.push(Instr::SigmoidPair {
                sig,
                deriv,
                a: reg[x.0 as usize].unwrap_or(Reg(0)),
                c,
                divide,
            });
            reg[id.0 as usize] = Some(dst);
            reg[other.0 as usize] = Some(other_dst);
            free_operands(ir, id, pos, &last_use, &reg, &mut free);
            continue;
        }
        let r = |c: &IrId| reg[c.0 as usize].unwrap_or(Reg(0));
        let scaled = scaled_unary(ir, id);
        instrs.push(match ir.node(id) {
            _ if scaled.is_some() => {
                let (op, c, divide, x) = scaled.unwrap_or((UnaryOp::Exp, 1.0, false, id));
                Instr::UnaryScaled {
                    dst,
                    op,
                    c,
                    divide,
                    a: r(&x),
                }
            }
            IrNode::Const(_) | IrNode::Var(_) => continue,
            IrNode::Lin(k, terms) => Instr::Lin {
                dst,
                k: f64::from_bits(*k),
                terms: terms
                    .iter()
                    .map(|(c, t)| (f64::from_bits(*c), r(t)))
                    .collect(),
            },
            IrNode::Mul(a, b) => Instr::Mul {
                dst,
                a: r(a),
                b: r(b),
            },
            IrNode::Div(a, b) => Instr::Div {
                dst,
                a: r(a),
                b: r(b),
            },
            IrNode::PowI(a, n) => Instr::PowI {
                dst,
                a: r(a),
                n: *n,
            },
            IrNode::Sqrt(a) => Instr::Sqrt { dst, a: r(a) },
            IrNode::PowConst(a, p) => Instr::PowConst {
                dst,
                a: r(a),
                p: f64::from_bits(*p),
            },
            IrNode::PowVar(a, b) => Instr::PowVar {
                dst,
                a: r(a),
                b: r(b),
            },
            IrNode::Unary(op, a) => Instr::Unary {
                dst,
                op: *op,
                a: r(a),
            },
            IrNode::Max(a, b) => Instr::Max {
                dst,
                a: r(a),
                b: r(b),
            },
            IrNode::Min(a, b) => Instr::Min {
                dst,
                a: r(a),
                b: r(b),
            },
            IrNode::Cmp(op, a, b) => Instr::Cmp {
                dst,
                op: *op,
                a: r(a),
                b: r(b),
            },
            IrNode::Select(c, a, b) => Instr::Select {
                dst,
                cond: r(c),
                a: r(a),
                b: r(b),
            },
        });
        reg[id.0 as usize] = Some(dst);
        free_operands(ir, id, pos, &last_use, &reg, &mut free);
    }
    let inputs_from = nregs;
    let rename = |r: Reg| {
        if r.0 >= u32::MAX - vars.len() as u32 {
            Reg(inputs_from + (u32::MAX - r.0))
        } else {
            r
        }
    };
    for ins in &mut instrs {
        ins.map_regs(rename);
    }
    let out = rename(reg[root.0 as usize].unwrap_or(Reg(0)));
    Tape {
        vars,
        consts,
        instrs,
        nregs,
        out,
        dense: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_subexpressions_are_one_instruction() {
        let mut g = Graph::with_prelude();
        let x = g.var("x");
        let s = g.symbol("sigmoid");
        let sx = g.call(s, vec![x]);
        let one = g.int(1);
        let e = g.add(vec![sx, one]);
        let e2 = g.mul(vec![e, sx]);
        let xs = g.symbol("x");
        let tape = compile(&g, e2, &[xs]).unwrap();
        let sigmoids = tape
            .instructions()
            .iter()
            .filter(|i| {
                matches!(
                    i,
                    Instr::Unary {
                        op: UnaryOp::Sigmoid,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(sigmoids, 1);
    }

    /// A prelude name in a graph without the prelude is unknown, as it is to the
    /// certified evaluator: the fast evaluator does not fuse what is not defined.
    #[test]
    fn a_prelude_name_without_the_prelude_is_unknown() {
        let mut g = Graph::new();
        let x = g.var("x");
        let s = g.symbol("sigmoid");
        let sx = g.call(s, vec![x]);
        let xs = g.symbol("x");
        let err = compile(&g, sx, &[xs]).unwrap_err();
        assert!(
            matches!(err, CompileError::UnknownFunction(ref n) if n == "sigmoid"),
            "{err:?}"
        );
    }
}
