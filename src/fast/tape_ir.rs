//! The compiler's intermediate form: a small hash-consed DAG of f64 operations.
//!
//! The expression graph is lowered into this form (see `compile.rs`): calls of prelude
//! functions become fused kernels, constants are rounded to f64, and the constructors
//! here rewrite numerically unstable shapes into stable ones as they are built:
//!
//! - `k - k*sigmoid(u)` -> `k*sigmoid(-u)` (no cancellation for large `u`);
//! - `k - 2k*sigmoid(u)` -> `-k*tanh(u/2)` (accurate near `u = 0`);
//! - `k + k*tanh(u)` -> `2k*sigmoid(2u)` and `k - k*tanh(u)` -> `2k*sigmoid(-2u)`;
//! - `k - k*tanh(u)^2` -> `k*sech2(u)`; `k - k*exp(u)` -> `-k*expm1(u)`;
//! - `sigmoid(u)*sigmoid(-u)` (the derivative of the sigmoid) -> one fused kernel;
//! - `k + c*u` -> `c*(u + k/c)` when `k/c` is exact, so the root `u = -k/c` is exact;
//! - `sinh(u)/cosh(u)` -> `tanh(u)`, `m*exp(u)/(c + c*exp(u))` -> `(m/c)*sigmoid(u)`
//!   (both sides overflow from `u = 710` on), `log(exp(u))` -> `u` and
//!   `log(Phi(u))` -> one kernel
//!   (`Phi(u)` underflows below `u = -38`).
//!
//! Every rewrite is an identity of real functions that keeps the domain, so the tape
//! computes the same function as the graph. Hash-consing makes shared subexpressions
//! (including those exposed by inlining) one node, hence one tape instruction.

use std::collections::HashMap;

use rug::Rational;

use super::ops::{self, UnaryOp};
use crate::expr::CmpOp;

/// An id of an [`IrNode`]; children have smaller ids than parents.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub(crate) struct IrId(pub(crate) u32);

/// One node of the intermediate form. Floats are stored as bits so nodes hash.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum IrNode {
    Const(u64),
    Var(u32),
    /// `k + sum c_i * t_i`, at least one term.
    Lin(u64, Box<[(u64, IrId)]>),
    Mul(IrId, IrId),
    Div(IrId, IrId),
    PowI(IrId, i32),
    Sqrt(IrId),
    PowConst(IrId, u64),
    PowVar(IrId, IrId),
    Unary(UnaryOp, IrId),
    Max(IrId, IrId),
    Min(IrId, IrId),
    Cmp(CmpOp, IrId, IrId),
    Select(IrId, IrId, IrId),
}

/// The hash-consed arena of the intermediate form.
#[derive(Default)]
pub(crate) struct Ir {
    pub(crate) nodes: Vec<IrNode>,
    memo: HashMap<IrNode, IrId>,
    /// Per node: defined at every real point (no `log`, division, root or power
    /// that can be undefined below it).
    total: Vec<bool>,
}

/// Whether `q = a/b` is exactly representable, and `q` if so.
fn exact_quotient(a: f64, b: f64) -> Option<f64> {
    let (ra, rb) = (Rational::from_f64(a)?, Rational::from_f64(b)?);
    if rb == 0 {
        return None;
    }
    let q = ra / rb;
    let f = q.to_f64();
    (f.is_finite() && Rational::from_f64(f)? == q).then_some(f)
}

/// Whether `a*b` is exactly representable, and the product if so.
fn exact_product(a: f64, b: f64) -> Option<f64> {
    let p = Rational::from_f64(a)? * Rational::from_f64(b)?;
    let f = p.to_f64();
    (f.is_finite() && Rational::from_f64(f)? == p).then_some(f)
}

impl Ir {
    pub(crate) fn node(&self, id: IrId) -> &IrNode {
        &self.nodes[id.0 as usize]
    }

    fn intern(&mut self, node: IrNode) -> IrId {
        if let Some(&id) = self.memo.get(&node) {
            return id;
        }
        let id = IrId(self.nodes.len() as u32);
        let total = match &node {
            IrNode::Const(b) => !f64::from_bits(*b).is_nan(),
            IrNode::Var(_) => true,
            IrNode::Div(a, b) => {
                self.total[a.0 as usize] && self.total[b.0 as usize] && self.positive(*b)
            }
            IrNode::Sqrt(_) | IrNode::PowConst(..) | IrNode::PowVar(..) => false,
            IrNode::PowI(_, n) if *n < 0 => false,
            IrNode::Unary(UnaryOp::Log | UnaryOp::Log1p, _) => false,
            // An undefined constant term (`pi/0 - x`): `0*(pi/0 - x)` is undefined.
            // An undefined coefficient (`log(-1)*x`) is undefined as well.
            IrNode::Lin(k, ts)
                if f64::from_bits(*k).is_nan()
                    || ts.iter().any(|(c, _)| f64::from_bits(*c).is_nan()) =>
            {
                false
            }
            _ => self
                .children_of(&node)
                .iter()
                .all(|c| self.total[c.0 as usize]),
        };
        self.total.push(total);
        self.nodes.push(node.clone());
        self.memo.insert(node, id);
        id
    }

    /// Whether `id` is positive wherever defined, by its form: `k + sum c_i t_i` with
    /// `k > 0`, `c_i > 0` and each `t_i` non-negative (as `abs`, even powers, `exp`).
    fn positive(&self, id: IrId) -> bool {
        let nonneg = |t: IrId| match self.node(t) {
            IrNode::PowI(_, n) => n % 2 == 0,
            IrNode::Unary(op, _) => matches!(
                op,
                UnaryOp::Abs
                    | UnaryOp::Exp
                    | UnaryOp::Sigmoid
                    | UnaryOp::Softplus
                    | UnaryOp::Cosh
                    | UnaryOp::NormCdf
                    | UnaryOp::NormPdf
                    | UnaryOp::Erfc
            ),
            IrNode::Const(b) => f64::from_bits(*b) >= 0.0,
            _ => false,
        };
        match self.node(id) {
            IrNode::Const(b) => f64::from_bits(*b) > 0.0,
            IrNode::Lin(k, ts) => {
                f64::from_bits(*k) > 0.0
                    && ts
                        .iter()
                        .all(|&(c, t)| f64::from_bits(c) > 0.0 && nonneg(t))
            }
            IrNode::PowI(b, n) => *n % 2 == 0 && self.positive(*b),
            _ => false,
        }
    }

    pub(crate) fn as_const(&self, id: IrId) -> Option<f64> {
        match self.node(id) {
            IrNode::Const(b) => Some(f64::from_bits(*b)),
            _ => None,
        }
    }

    pub(crate) fn constant(&mut self, v: f64) -> IrId {
        // One NaN, so that all undefined constants are one node.
        let v = if v.is_nan() { f64::NAN } else { v };
        self.intern(IrNode::Const(v.to_bits()))
    }

    pub(crate) fn var(&mut self, i: u32) -> IrId {
        self.intern(IrNode::Var(i))
    }

    /// `c * a`.
    pub(crate) fn scale(&mut self, c: f64, a: IrId) -> IrId {
        self.lin(0.0, vec![(c, a)])
    }

    /// `-a`.
    pub(crate) fn neg(&mut self, a: IrId) -> IrId {
        self.scale(-1.0, a)
    }

    /// `k + sum c_i t_i`, with the stabilising rewrites of the module header.
    pub(crate) fn lin(&mut self, k: f64, terms: Vec<(f64, IrId)>) -> IrId {
        // -0 and +0 are one constant term.
        let k = k + 0.0;
        let mut merged: Vec<(f64, IrId)> = Vec::with_capacity(terms.len());
        let mut constants: Vec<(f64, f64)> = Vec::new();
        for (c, t) in terms {
            if let Some(v) = self.as_const(t) {
                constants.push((c, v));
            } else if let Some(slot) = merged.iter_mut().find(|s| s.1 == t) {
                slot.0 += c;
            } else {
                merged.push((c, t));
            }
        }
        // The constant terms fold into `k` in their order, as the tape would sum them
        // (when all terms are constant, this is the tape's value bit for bit).
        let k = ops::lin(k, &constants);
        // `0*t` (given so, or `t - t`) is 0 where `t` is defined everywhere; elsewhere
        // the term stays for its domain (`d + 0*log(x)` is undefined for `x <= 0`).
        merged.retain(|&(c, t)| c != 0.0 || !self.total[t.0 as usize]);
        if merged.len() >= 2 {
            self.fuse_derivative_sums(&mut merged);
        }
        match merged.as_slice() {
            [] => return self.constant(k),
            [(c, t)] if k == 0.0 && *c == 1.0 => return *t,
            [(c, t)] if k == 0.0 => {
                // c*(c2*x) = (c c2)*x when c c2 is exact (always for c = -1).
                if let IrNode::Lin(k2, ts) = self.node(*t) {
                    if f64::from_bits(*k2) == 0.0 && ts.len() == 1 {
                        let (c2, x) = (f64::from_bits(ts[0].0), ts[0].1);
                        if let Some(cc) = exact_product(*c, c2) {
                            return self.lin(0.0, vec![(cc, x)]);
                        }
                    }
                }
            }
            [(c, t)] => {
                if let Some(id) = self.stabilise(k, *c, *t, true) {
                    return id;
                }
            }
            _ if k != 0.0 => {
                if let Some(id) = self.pair_constant(k, &merged) {
                    return id;
                }
            }
            _ => {}
        }
        let terms = merged.into_iter().map(|(c, t)| (c.to_bits(), t)).collect();
        self.intern(IrNode::Lin((k + 0.0).to_bits(), terms))
    }

    /// In a sum of several terms, applies a rewrite of the module header to the
    /// constant and one term, unless the rewritten term would merge with another
    /// term (that would be simplification, which is not the compiler's business, and
    /// would make the identity `tanh(x) + 1 - 2 sigmoid(2x)` vanish unevaluated).
    fn pair_constant(&mut self, k: f64, terms: &[(f64, IrId)]) -> Option<IrId> {
        for (i, &(c, t)) in terms.iter().enumerate() {
            let Some(id) = self.stabilise(k, c, t, false) else {
                continue;
            };
            let (nc, nt) = match self.node(id) {
                IrNode::Lin(k2, ts) if f64::from_bits(*k2) == 0.0 && ts.len() == 1 => {
                    (f64::from_bits(ts[0].0), ts[0].1)
                }
                _ => (1.0, id),
            };
            if terms.iter().any(|&(_, other)| other == nt) {
                continue;
            }
            let mut rest = terms.to_vec();
            rest[i] = (nc, nt);
            return Some(self.lin(0.0, rest));
        }
        None
    }

    /// The rewrites of `k + c*t` (k != 0) listed in the module header; the last two
    /// (exact shifts) only for a lone term (`single`).
    fn stabilise(&mut self, k: f64, c: f64, t: IrId, single: bool) -> Option<IrId> {
        match self.node(t).clone() {
            IrNode::Unary(UnaryOp::Sigmoid, u) if c == -k => {
                let nu = self.neg(u);
                let s = self.unary(UnaryOp::Sigmoid, nu);
                Some(self.scale(k, s))
            }
            IrNode::Unary(UnaryOp::Sigmoid, u) if c == -2.0 * k => {
                let half = self.scale(0.5, u);
                let th = self.unary(UnaryOp::Tanh, half);
                Some(self.scale(-k, th))
            }
            IrNode::Unary(UnaryOp::Tanh, u) if c == k || c == -k => {
                let two_u = self.scale(if c == k { 2.0 } else { -2.0 }, u);
                let s = self.unary(UnaryOp::Sigmoid, two_u);
                Some(self.scale(2.0 * k, s))
            }
            IrNode::PowI(b, 2) if c == -k => match self.node(b).clone() {
                IrNode::Unary(UnaryOp::Tanh, u) => {
                    let s = self.unary(UnaryOp::Sech2, u);
                    Some(self.scale(k, s))
                }
                IrNode::Unary(UnaryOp::TanhSoftplus, u) => {
                    let s = self.unary(UnaryOp::Sech2Softplus, u);
                    Some(self.scale(k, s))
                }
                _ => None,
            },
            IrNode::Unary(UnaryOp::Exp, u) if c == -k => {
                let e = self.unary(UnaryOp::Expm1, u);
                Some(self.scale(-k, e))
            }
            // k - k erf(u) = k erfc(u) and k + k erf(u) = k erfc(-u): `1 + erf(u)`
            // written by hand (a hand-made gelu) cancels to nothing where erf is near -1.
            IrNode::Unary(UnaryOp::Erf, u) if c == -k || c == k => {
                let arg = if c == -k { u } else { self.neg(u) };
                let e = self.unary(UnaryOp::Erfc, arg);
                Some(self.scale(k, e))
            }
            // k + x/d = (x + k*d)/d when k*d is exact: one rounding, exact root.
            IrNode::Div(x, d) if c == 1.0 && single => {
                let dv = self.as_const(d)?;
                let kd = k * dv;
                exact_quotient(kd, dv).filter(|&q| q == k)?;
                let shifted = self.lin(kd, vec![(1.0, x)]);
                Some(self.div(shifted, d))
            }
            _ if single && c != 1.0 && c != -1.0 => {
                let q = exact_quotient(k, c)?;
                let shifted = self.lin(q, vec![(1.0, t)]);
                Some(self.scale(c, shifted))
            }
            _ => None,
        }
    }

    pub(crate) fn unary(&mut self, op: UnaryOp, a: IrId) -> IrId {
        if let Some(v) = self.as_const(a) {
            return self.constant(op.apply(v));
        }
        // tanh(softplus(u)) and its sech^2 have closed forms without cancellation.
        // Even kernels take the argument with a positive coefficient, so that
        // `sigmoid'(-u)` and `sigmoid'(u)` are one node.
        if matches!(
            op,
            UnaryOp::SigmoidDeriv
                | UnaryOp::Sech2
                | UnaryOp::NormPdf
                | UnaryOp::SiluDeriv2
                | UnaryOp::SoftsignDeriv
        ) {
            if let Some((c, t)) = self.scaled_term(a) {
                if c < 0.0 {
                    let pos = self.scale(-c, t);
                    return self.unary(op, pos);
                }
            }
        }
        // erfc(-t/sqrt(2)) = 2 Phi(t): `1 + erf(x/sqrt(2))` written by hand gets the
        // normal kernel, which takes `t` itself (rounding 1/sqrt(2) first would be
        // magnified by 2u^2 in the tail).
        if op == UnaryOp::Erfc {
            if let Some((c, t)) = self.scaled_term(a) {
                if c.abs() == std::f64::consts::FRAC_1_SQRT_2 {
                    let arg = if c < 0.0 { t } else { self.neg(t) };
                    let p = self.unary(UnaryOp::NormCdf, arg);
                    return self.scale(2.0, p);
                }
            }
        }
        // log(exp(u)) = u (exp(u) > 0 everywhere), also where exp(u) under- or overflows.
        if let (UnaryOp::Log, IrNode::Unary(UnaryOp::Exp, u)) = (op, self.node(a)) {
            return *u;
        }
        // log(Phi(u)) is finite where Phi(u) underflows (u < -38).
        if let (UnaryOp::Log, IrNode::Unary(UnaryOp::NormCdf, u)) = (op, self.node(a)) {
            let u = *u;
            return self.unary(UnaryOp::LogNormCdf, u);
        }
        if let IrNode::Unary(UnaryOp::Softplus, u) = *self.node(a) {
            match op {
                UnaryOp::Tanh => return self.unary(UnaryOp::TanhSoftplus, u),
                UnaryOp::Sech2 => return self.unary(UnaryOp::Sech2Softplus, u),
                _ => {}
            }
        }
        self.intern(IrNode::Unary(op, a))
    }

    /// Whether `b` is `-a` (or `a` is `-b`), also as `c*x` against `-c*x`.
    fn negates(&self, a: IrId, b: IrId) -> bool {
        if let (IrNode::Lin(k1, t1), IrNode::Lin(k2, t2)) = (self.node(a), self.node(b)) {
            if f64::from_bits(*k1) == 0.0
                && f64::from_bits(*k2) == 0.0
                && t1.len() == 1
                && t2.len() == 1
                && t1[0].1 == t2[0].1
                && f64::from_bits(t1[0].0) == -f64::from_bits(t2[0].0)
            {
                return true;
            }
        }
        let is_neg_of = |x: IrId, y: IrId| match self.node(x) {
            IrNode::Lin(k, terms) => {
                f64::from_bits(*k) == 0.0
                    && terms.len() == 1
                    && terms[0] == ((-1.0f64).to_bits(), y)
            }
            _ => false,
        };
        is_neg_of(a, b) || is_neg_of(b, a)
    }

    /// `a * b`.
    pub(crate) fn mul(&mut self, a: IrId, b: IrId) -> IrId {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => return self.constant(ops::mul(x, y)),
            (Some(x), None) => return self.scale(x, b),
            (None, Some(y)) => return self.scale(y, a),
            _ => {}
        }
        if let (IrNode::Unary(UnaryOp::Sigmoid, u), IrNode::Unary(UnaryOp::Sigmoid, v)) =
            (self.node(a).clone(), self.node(b).clone())
        {
            if self.negates(u, v) {
                return self.unary(UnaryOp::SigmoidDeriv, u);
            }
        }
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.intern(IrNode::Mul(a, b))
    }

    /// The product of `factors` (at least one), pairing `sigmoid(u)` with
    /// `sigmoid(-u)` first so the fused derivative kernel is found in long products.
    pub(crate) fn product(&mut self, factors: Vec<IrId>) -> IrId {
        // Scaled factors give up their constant (when the constants' product is
        // exact), so that `x*sigmoid(u)*(1.5*sigmoid(-u))` still finds its pair.
        let mut coef = 1.0;
        let mut factors: Vec<IrId> = factors
            .into_iter()
            .map(|f| match self.scaled_term(f) {
                Some((c, t)) => match exact_product(coef, c) {
                    Some(p) => {
                        coef = p;
                        t
                    }
                    None => f,
                },
                None => f,
            })
            .collect();
        let mut i = 0;
        while i < factors.len() {
            let mut paired = false;
            if let IrNode::Unary(UnaryOp::Sigmoid, u) = self.node(factors[i]).clone() {
                for j in i + 1..factors.len() {
                    if let IrNode::Unary(UnaryOp::Sigmoid, v) = self.node(factors[j]).clone() {
                        if self.negates(u, v) {
                            factors.remove(j);
                            factors[i] = self.unary(UnaryOp::SigmoidDeriv, u);
                            paired = true;
                            break;
                        }
                    }
                }
            }
            if !paired {
                i += 1;
            }
        }
        let mut it = factors.into_iter();
        let Some(first) = it.next() else {
            return self.constant(coef);
        };
        let p = it.fold(first, |acc, f| self.mul(acc, f));
        self.scale(coef, p)
    }

    /// `(c, t)` when `id` is `c*t` (a one-term sum without constant).
    fn scaled_term(&self, id: IrId) -> Option<(f64, IrId)> {
        match self.node(id) {
            IrNode::Lin(k, ts) if f64::from_bits(*k) == 0.0 && ts.len() == 1 => {
                Some((f64::from_bits(ts[0].0), ts[0].1))
            }
            _ => None,
        }
    }

    /// `id` as `c * (f_1 * f_2 * ...)`, through products and exactly scaled factors;
    /// the factors sorted.
    pub(crate) fn factors_of(&self, id: IrId) -> (f64, Vec<IrId>) {
        let mut coef = 1.0;
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            if let IrNode::Mul(a, b) = self.node(t) {
                stack.extend([*a, *b]);
                continue;
            }
            match self.scaled_term(t) {
                Some((c, inner)) if exact_product(coef, c).is_some() => {
                    coef *= c;
                    stack.push(inner);
                }
                _ => out.push(t),
            }
        }
        out.sort_unstable();
        (coef, out)
    }

    /// Fuses the derivatives of `silu`/`swish` and `mish` written as sums:
    /// `a*sigmoid(u) + b*p*sigmoid'(u)` with `u = c*p` and `b = a*c` is
    /// `a*silu'(u)`; `a*T(p) + a*p*sech2_softplus(p)*sigmoid(p)` with
    /// `T = tanh_softplus` is `a*mish'(p)`. Both sums cancel near a root of the
    /// derivative; the fused kernels do not lose the terms' own errors there.
    fn fuse_derivative_sums(&mut self, terms: &mut Vec<(f64, IrId)>) {
        let mut i = 0;
        while i < terms.len() {
            let (a, t) = terms[i];
            let (op, arg, want) = match *self.node(t) {
                IrNode::Unary(UnaryOp::Sigmoid, u) => {
                    let (c, p) = self.scaled_term(u).unwrap_or((1.0, u));
                    let sd = self.unary(UnaryOp::SigmoidDeriv, u);
                    let mut want = vec![p, sd];
                    want.sort_unstable();
                    match exact_product(a, c) {
                        Some(b) => (UnaryOp::SiluDeriv, u, (b, want)),
                        None => {
                            i += 1;
                            continue;
                        }
                    }
                }
                IrNode::Unary(UnaryOp::TanhSoftplus, p) => {
                    let s = self.unary(UnaryOp::Sigmoid, p);
                    let s2 = self.unary(UnaryOp::Sech2Softplus, p);
                    let mut want = vec![p, s, s2];
                    want.sort_unstable();
                    (UnaryOp::MishDeriv, p, (a, want))
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            let found = terms.iter().enumerate().position(|(j, &(b, other))| {
                if j == i {
                    return false;
                }
                let (coef, fs) = self.factors_of(other);
                fs == want.1 && exact_product(b, coef) == Some(want.0)
            });
            match found {
                Some(j) => {
                    terms[i] = (a, self.unary(op, arg));
                    terms.remove(j);
                    i = 0;
                }
                None => i += 1,
            }
        }
    }

    /// `a / b` (NaN where `b = 0`).
    pub(crate) fn div(&mut self, a: IrId, b: IrId) -> IrId {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => return self.constant(ops::div(x, y)),
            (_, Some(y)) if y != 0.0 => {
                if let Some(r) = exact_quotient(1.0, y) {
                    return self.scale(r, a);
                }
            }
            _ => {}
        }
        if let Some(q) = self.stable_quotient(a, b) {
            return q;
        }
        self.intern(IrNode::Div(a, b))
    }

    /// Quotients whose numerator and denominator overflow together, rewritten so
    /// that neither is formed: `sinh(u)/cosh(u)` -> `tanh(u)` and
    /// `m*exp(u)/(c + c*exp(u))` -> `(m/c)*sigmoid(u)` (`c > 0`, `m/c` exact), which
    /// are `inf/inf` from `u = 710` on although their value is at most `|m/c|`.
    /// Both sides are defined everywhere, so the domain is kept.
    fn stable_quotient(&mut self, a: IrId, b: IrId) -> Option<IrId> {
        let (m, num) = self.scaled_term(a).unwrap_or((1.0, a));
        let (d, den) = self.scaled_term(b).unwrap_or((1.0, b));
        let m = exact_quotient(m, d)?;
        match (self.node(num).clone(), self.node(den).clone()) {
            (IrNode::Unary(UnaryOp::Sinh, u), IrNode::Unary(UnaryOp::Cosh, v)) if u == v => {
                let t = self.unary(UnaryOp::Tanh, u);
                Some(self.scale(m, t))
            }
            (IrNode::Unary(UnaryOp::Exp, u), IrNode::Lin(k, terms))
                if terms.len() == 1 && terms[0].1 == num && terms[0].0 == k =>
            {
                let c = f64::from_bits(k);
                let r = exact_quotient(m, c).filter(|_| c > 0.0)?;
                let s = self.unary(UnaryOp::Sigmoid, u);
                Some(self.scale(r, s))
            }
            _ => None,
        }
    }

    pub(crate) fn powi(&mut self, a: IrId, n: i32) -> IrId {
        if n == 1 {
            return a;
        }
        if let Some(v) = self.as_const(a) {
            return self.constant(ops::powi(v, n));
        }
        self.intern(IrNode::PowI(a, n))
    }

    pub(crate) fn sqrt(&mut self, a: IrId) -> IrId {
        if let Some(v) = self.as_const(a) {
            return self.constant(ops::sqrt(v));
        }
        self.intern(IrNode::Sqrt(a))
    }

    pub(crate) fn pow_const(&mut self, a: IrId, p: f64) -> IrId {
        if let Some(v) = self.as_const(a) {
            return self.constant(ops::pow_const(v, p));
        }
        self.intern(IrNode::PowConst(a, p.to_bits()))
    }

    pub(crate) fn pow_var(&mut self, a: IrId, b: IrId) -> IrId {
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.constant(ops::pow_var(x, y));
        }
        self.intern(IrNode::PowVar(a, b))
    }

    pub(crate) fn max(&mut self, a: IrId, b: IrId) -> IrId {
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.constant(ops::max(x, y));
        }
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.intern(IrNode::Max(a, b))
    }

    pub(crate) fn min(&mut self, a: IrId, b: IrId) -> IrId {
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.constant(ops::min(x, y));
        }
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.intern(IrNode::Min(a, b))
    }

    pub(crate) fn cmp(&mut self, op: CmpOp, a: IrId, b: IrId) -> IrId {
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.constant(ops::compare(op, x, y));
        }
        // Comparisons that a monotone map preserves exactly are decided on its
        // argument: `exp(u) < 1` as `u < 0` (exp(-1e-300) rounds to 1), `c*t < 0` as
        // `t < 0` for c > 0 (c*t may underflow to 0).
        match (self.node(a).clone(), self.as_const(b)) {
            (IrNode::Unary(UnaryOp::Exp, u), Some(1.0)) => {
                let zero = self.constant(0.0);
                return self.cmp(op, u, zero);
            }
            (IrNode::Lin(k, ts), Some(zero))
                if zero == 0.0
                    && f64::from_bits(k) == 0.0
                    && ts.len() == 1
                    && f64::from_bits(ts[0].0) > 0.0 =>
            {
                return self.cmp(op, ts[0].1, b);
            }
            (IrNode::Div(t, c), Some(zero))
                if zero == 0.0 && self.as_const(c).is_some_and(|c| c > 0.0) =>
            {
                return self.cmp(op, t, b);
            }
            _ => {}
        }
        self.intern(IrNode::Cmp(op, a, b))
    }

    pub(crate) fn select(&mut self, c: IrId, a: IrId, b: IrId) -> IrId {
        if let (Some(v), Some(x), Some(y)) = (self.as_const(c), self.as_const(a), self.as_const(b))
        {
            return self.constant(ops::select(v, x, y));
        }
        // A constant condition picks a branch (or is undefined) whatever the branches
        // are, as `ops::select` does lane by lane.
        if let Some(v) = self.as_const(c) {
            return if v.is_nan() {
                c
            } else if v != 0.0 {
                a
            } else {
                b
            };
        }
        self.intern(IrNode::Select(c, a, b))
    }

    /// `d` where `e` is defined, undefined (NaN) where `e` is not: a derivative keeps
    /// the domain of the function differentiated (`log(u)' = u'/u` is not defined
    /// for `u < 0`). `if(e != e, d, d)` is NaN exactly where `e` is.
    pub(crate) fn within_domain(&mut self, d: IrId, e: IrId) -> IrId {
        if self.total[e.0 as usize] {
            return d;
        }
        let c = self.cmp(CmpOp::Ne, e, e);
        self.select(c, d, d)
    }

    /// The children of a node.
    pub(crate) fn children(&self, id: IrId) -> Vec<IrId> {
        self.children_of(self.node(id))
    }

    fn children_of(&self, node: &IrNode) -> Vec<IrId> {
        match node {
            IrNode::Const(_) | IrNode::Var(_) => vec![],
            IrNode::Lin(_, terms) => terms.iter().map(|t| t.1).collect(),
            IrNode::PowI(a, _) | IrNode::Sqrt(a) | IrNode::PowConst(a, _) | IrNode::Unary(_, a) => {
                vec![*a]
            }
            IrNode::Mul(a, b)
            | IrNode::Div(a, b)
            | IrNode::PowVar(a, b)
            | IrNode::Max(a, b)
            | IrNode::Min(a, b)
            | IrNode::Cmp(_, a, b) => vec![*a, *b],
            IrNode::Select(c, a, b) => vec![*c, *a, *b],
        }
    }
}
