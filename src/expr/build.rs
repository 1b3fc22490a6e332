//! Smart constructors: the only way to add nodes to a [`Graph`].
//!
//! They keep every node canonical, and never change where an expression is defined:
//! - constants are folded exactly (`2*3 -> 6`, `(1/2)^2 -> 1/4`, `sqrt(8) -> 2*sqrt(2)`);
//! - sums and products are flattened, their operands ordered, like terms collected
//!   (`x + x -> 2*x`, `x*x -> x^2`), and a rational coefficient is distributed over a sum
//!   (`2*(x + 1) -> 2*x + 2`), as SymPy does;
//! - identities hold only where they keep the domain: `x + 0 -> x`, `x*1 -> x`, `x^1 -> x`;
//!   `0*u -> 0`, `u - u -> 0` and `u^0 -> 1` only when `u` is defined everywhere
//!   (`0*log(x)` stays, since it is undefined for `x <= 0`); powers of the same base are
//!   combined only when the exponents are integers of the same sign (`x*x^(-1)` stays,
//!   since it is undefined at 0 and `1` is not).

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::info::canonical_cmp;
use super::{BigRational, CmpOp, ExprId, Func, Graph, Node, Symbol};

/// `coeff *= r`, without the arithmetic (and its reductions) when either is 1.
fn times(coeff: &mut BigRational, r: &BigRational) {
    if r.is_one() {
        return;
    }
    if coeff.is_one() {
        *coeff = r.clone();
    } else {
        *coeff *= r;
    }
}

impl Graph {
    /// An exact rational constant.
    pub fn num(&mut self, r: BigRational) -> ExprId {
        self.intern(Node::Num(r))
    }

    /// An integer constant.
    pub fn int(&mut self, n: i64) -> ExprId {
        self.num(BigRational::from_integer(BigInt::from(n)))
    }

    /// The rational constant `n/d`. `d` must not be zero.
    pub fn frac(&mut self, n: i64, d: i64) -> ExprId {
        self.num(BigRational::new(BigInt::from(n), BigInt::from(d)))
    }

    /// The constant pi.
    pub fn pi(&mut self) -> ExprId {
        self.intern(Node::Pi)
    }

    /// The everywhere-undefined value.
    pub fn undefined(&mut self) -> ExprId {
        self.intern(Node::Undefined)
    }

    /// Whether any of `ids` is the everywhere-undefined value.
    pub(super) fn any_undefined(&self, ids: &[ExprId]) -> bool {
        ids.iter().any(|&i| matches!(self.node(i), Node::Undefined))
    }

    /// A truth value.
    pub fn boolean(&mut self, b: bool) -> ExprId {
        self.intern(Node::Bool(b))
    }

    /// The variable named `name`.
    pub fn var(&mut self, name: &str) -> ExprId {
        let s = self.symbol(name);
        self.intern(Node::Var(s))
    }

    /// The variable with symbol `s`.
    pub fn var_sym(&mut self, s: Symbol) -> ExprId {
        self.intern(Node::Var(s))
    }

    /// `-a`.
    pub fn neg(&mut self, a: ExprId) -> ExprId {
        let m1 = self.int(-1);
        self.mul(vec![m1, a])
    }

    /// `a - b`.
    pub fn sub(&mut self, a: ExprId, b: ExprId) -> ExprId {
        let nb = self.neg(b);
        self.add(vec![a, nb])
    }

    /// `a / b`.
    pub fn div(&mut self, a: ExprId, b: ExprId) -> ExprId {
        let m1 = self.int(-1);
        let inv = self.pow(b, m1);
        self.mul(vec![a, inv])
    }

    /// `sqrt(a)`, which is `a^(1/2)`.
    pub fn sqrt(&mut self, a: ExprId) -> ExprId {
        let half = self.frac(1, 2);
        self.pow(a, half)
    }

    /// Splits a term into its rational coefficient and the rest (`3*x*y -> (3, x*y)`).
    fn split_coeff(&mut self, t: ExprId) -> (BigRational, Option<ExprId>) {
        match self.node(t) {
            Node::Num(r) => (r.clone(), None),
            Node::Mul(fs) => match self.node(fs[0]) {
                Node::Num(r) => {
                    let r = r.clone();
                    let rest = if fs.len() == 2 {
                        fs[1]
                    } else {
                        let rest = Node::Mul(fs[1..].into());
                        self.intern(rest)
                    };
                    (r, Some(rest))
                }
                _ => (BigRational::one(), Some(t)),
            },
            _ => (BigRational::one(), Some(t)),
        }
    }

    /// A canonical sum of `terms`.
    pub fn add(&mut self, terms: Vec<ExprId>) -> ExprId {
        if self.any_undefined(&terms) {
            return self.undefined();
        }
        // Flatten nested sums.
        let mut flat = Vec::with_capacity(terms.len());
        for t in terms {
            match self.node(t) {
                Node::Add(inner) => flat.extend_from_slice(inner),
                _ => flat.push(t),
            }
        }
        // Collect like terms: coefficient per non-constant part, in first-seen order.
        let mut constant = BigRational::zero();
        let mut order: Vec<ExprId> = Vec::new();
        let mut coeffs: super::IdMap<BigRational> = super::IdMap::default();
        for t in flat {
            let (c, rest) = self.split_coeff(t);
            match rest {
                None => constant += c,
                Some(base) => {
                    if let Some(acc) = coeffs.get_mut(&base) {
                        *acc += c;
                    } else {
                        order.push(base);
                        coeffs.insert(base, c);
                    }
                }
            }
        }
        let mut out = Vec::with_capacity(order.len() + 1);
        for base in order {
            let c = coeffs.remove(&base).unwrap_or_default();
            if c.is_zero() && self.info(base).total {
                continue;
            }
            let term = if c.is_one() {
                base
            } else if c.is_zero() {
                // `0*(x/x)`, kept for its domain: the canonical product (its total
                // factors dropped, `0/x`), what parsing the printed form gives.
                let cn = self.num(c);
                self.mul(vec![cn, base])
            } else {
                // Built directly: distributing the coefficient again would undo
                // the collection (the base is never a sum here unless it was one
                // the caller kept nested, which flattening excluded).
                let cn = self.num(c);
                self.mul_raw(cn, base)
            };
            out.push(term);
        }
        if !constant.is_zero() || out.is_empty() {
            let cn = self.num(constant);
            out.push(cn);
        }
        if out.len() == 1 {
            return out[0];
        }
        out.sort_by(|&a, &b| canonical_cmp(self, a, b));
        self.intern(Node::Add(out.into()))
    }

    /// `c * base` for a rational `c` and a non-constant `base`, without distributing.
    fn mul_raw(&mut self, c: ExprId, base: ExprId) -> ExprId {
        let mut fs = vec![c];
        match self.node(base) {
            Node::Mul(inner) => fs.extend_from_slice(inner),
            _ => fs.push(base),
        }
        if fs.len() > 2 {
            fs[1..].sort_by(|&a, &b| canonical_cmp(self, a, b));
        }
        self.intern(Node::Mul(fs.into()))
    }

    /// Splits a factor into base and exponent (`x^3 -> (x, 3)`, `x -> (x, 1)`).
    fn split_pow(&self, f: ExprId) -> (ExprId, Option<ExprId>) {
        match self.node(f) {
            Node::Pow(b, e) => (*b, Some(*e)),
            _ => (f, None),
        }
    }

    /// A canonical product of `factors`.
    pub fn mul(&mut self, factors: Vec<ExprId>) -> ExprId {
        if self.any_undefined(&factors) {
            return self.undefined();
        }
        let mut flat = Vec::with_capacity(factors.len());
        for f in factors {
            match self.node(f) {
                Node::Mul(inner) => flat.extend_from_slice(inner),
                _ => flat.push(f),
            }
        }
        let mut coeff = BigRational::one();
        // Group factors by base; integer exponents of one sign combine.
        let mut order: Vec<(ExprId, Option<ExprId>)> = Vec::new();
        for f in flat {
            if let Node::Num(r) = self.node(f) {
                times(&mut coeff, r);
                continue;
            }
            let (base, exp) = self.split_pow(f);
            let exp_int = |g: &Graph, e: Option<ExprId>| -> Option<BigInt> {
                match e {
                    None => Some(BigInt::one()),
                    Some(e) => g
                        .as_num(e)
                        .filter(|r| r.is_integer())
                        .map(|r| r.to_integer()),
                }
            };
            let this = exp_int(self, exp);
            let mut merged = false;
            // A positive base takes any rational exponents (2^(1/2)*2^(1/2) = 2).
            if self.info(base).sign == super::SignInfo::Positive {
                let rat = |g: &Graph, e: Option<ExprId>| -> Option<BigRational> {
                    match e {
                        None => Some(BigRational::one()),
                        Some(e) => g.as_num(e).cloned(),
                    }
                };
                if let Some(r) = rat(self, exp) {
                    for slot in order.iter_mut() {
                        if slot.0 == base {
                            if let Some(r2) = rat(self, slot.1) {
                                let en = self.num(r.clone() + r2);
                                *slot = (base, Some(en));
                                merged = true;
                                break;
                            }
                        }
                    }
                }
            }
            if merged {
                continue;
            }
            if let Some(k) = &this {
                for slot in order.iter_mut() {
                    let (b2, e2) = *slot;
                    if b2 != base {
                        continue;
                    }
                    if let Some(k2) = exp_int(self, e2) {
                        if k.signum() == k2.signum() {
                            let sum = BigRational::from_integer(k + k2);
                            let en = self.num(sum);
                            *slot = (base, Some(en));
                            merged = true;
                            break;
                        }
                    }
                }
            }
            if !merged {
                order.push((base, exp));
            }
        }
        let mut out: Vec<ExprId> = Vec::with_capacity(order.len() + 1);
        for (base, exp) in order {
            let f = match exp {
                None => base,
                Some(e) => self.pow(base, e),
            };
            match self.node(f) {
                Node::Num(r) => times(&mut coeff, r),
                Node::Mul(inner) => {
                    // A power that split into a coefficient times a power (sqrt(8)).
                    for &g in inner.clone().iter() {
                        match self.node(g) {
                            Node::Num(r) => times(&mut coeff, r),
                            _ => out.push(g),
                        }
                    }
                }
                _ => out.push(f),
            }
        }
        if coeff.is_zero() {
            out.retain(|&f| !self.info(f).total);
            if out.is_empty() {
                return self.int(0);
            }
        }
        if out.is_empty() {
            return self.num(coeff);
        }
        // A rational coefficient times a single sum distributes over it.
        if out.len() == 1 && !coeff.is_one() && !coeff.is_zero() {
            if let Node::Add(terms) = self.node(out[0]).clone() {
                let scaled: Vec<ExprId> = terms
                    .iter()
                    .map(|&t| {
                        let c = self.num(coeff.clone());
                        self.mul(vec![c, t])
                    })
                    .collect();
                return self.add(scaled);
            }
        }
        out.sort_by(|&a, &b| canonical_cmp(self, a, b));
        if !coeff.is_one() {
            let c = self.num(coeff);
            out.insert(0, c);
        }
        if out.len() == 1 {
            return out[0];
        }
        self.intern(Node::Mul(out.into()))
    }

    /// A built-in function of one argument, with exact values folded
    /// (`exp(0) = 1`, `log(1) = 0`, `abs(-3) = 3`, ...).
    pub fn func(&mut self, f: Func, a: ExprId) -> ExprId {
        if self.any_undefined(&[a]) {
            return self.undefined();
        }
        if let Some(r) = self.as_num(a).cloned() {
            match f {
                Func::Abs => return self.num(r.abs()),
                Func::Sign => return self.num(r.signum()),
                Func::Exp | Func::Cosh if r.is_zero() => return self.int(1),
                Func::Tanh | Func::Sinh | Func::Erf if r.is_zero() => return self.int(0),
                Func::Log if r.is_one() => return self.int(0),
                _ => {}
            }
        }
        // Odd and even functions take the argument of the two signs that reads
        // positive: erf(-x) = -erf(x), cosh(-x) = cosh(x), abs(1 - x) = abs(x - 1).
        if matches!(
            f,
            Func::Erf | Func::Tanh | Func::Sinh | Func::Cosh | Func::Abs | Func::Sign
        ) && self.reads_negative(a)
        {
            let flipped = self.neg(a);
            if !self.reads_negative(flipped) {
                let inner = self.func(f, flipped);
                return match f {
                    Func::Cosh | Func::Abs => inner,
                    _ => self.neg(inner),
                };
            }
        }
        match (f, self.node(a).clone()) {
            (Func::Abs, Node::Func(Func::Abs, _)) | (Func::Sign, Node::Func(Func::Sign, _)) => {
                return a
            }
            (Func::Abs, _) if self.info(a).sign.is_nonneg() => return a,
            (Func::Sign, _)
                if self.info(a).sign == super::SignInfo::Positive && self.info(a).total =>
            {
                return self.int(1)
            }
            // Positive factors defined everywhere leave the sign alone and come out of
            // abs: sign(x*sigmoid(x)) = sign(x), abs(x*exp(y)) = abs(x)*exp(y).
            (Func::Sign | Func::Abs, Node::Mul(fs)) => {
                let positive = |g: &Graph, f: ExprId| {
                    g.info(f).sign == super::SignInfo::Positive && g.info(f).total
                };
                let (pos, rest): (Vec<ExprId>, Vec<ExprId>) =
                    fs.iter().partition(|&&x| positive(self, x));
                if !pos.is_empty() && !rest.is_empty() {
                    let inner = self.mul(rest);
                    let outer = self.func(f, inner);
                    return if f == Func::Sign {
                        outer
                    } else {
                        let mut all = pos;
                        all.push(outer);
                        self.mul(all)
                    };
                }
                if let (Func::Abs, Node::Num(c)) = (f, self.node(fs[0]).clone()) {
                    let inner = self.mul(fs[1..].to_vec());
                    let abs_inner = self.func(Func::Abs, inner);
                    let cabs = self.num(c.abs());
                    return self.mul(vec![cabs, abs_inner]);
                }
                if let (Func::Sign, Node::Num(c)) = (f, self.node(fs[0]).clone()) {
                    // sign(c*u) = sign(c)*sign(u) for a rational c != 0.
                    if !c.is_zero() {
                        let inner = self.mul(fs[1..].to_vec());
                        let s = self.func(Func::Sign, inner);
                        let cs = self.num(c.signum());
                        return self.mul(vec![cs, s]);
                    }
                }
            }
            _ => {}
        }
        self.intern(Node::Func(f, a))
    }

    /// Whether an expression reads as negated: a negative number, a product with a
    /// negative coefficient, or a sum whose first non-constant term does.
    fn reads_negative(&self, a: ExprId) -> bool {
        match self.node(a) {
            Node::Num(r) => r.is_negative(),
            Node::Mul(fs) => self.as_num(fs[0]).is_some_and(Signed::is_negative),
            Node::Add(ts) => ts
                .iter()
                .find(|&&t| self.as_num(t).is_none())
                .is_some_and(|&t| self.reads_negative(t)),
            _ => false,
        }
    }

    /// `max(a, b)`.
    pub fn max(&mut self, a: ExprId, b: ExprId) -> ExprId {
        self.extremum(a, b, true)
    }

    /// `min(a, b)`.
    pub fn min(&mut self, a: ExprId, b: ExprId) -> ExprId {
        self.extremum(a, b, false)
    }

    fn extremum(&mut self, a: ExprId, b: ExprId, is_max: bool) -> ExprId {
        if self.any_undefined(&[a, b]) {
            return self.undefined();
        }
        if a == b {
            return a;
        }
        if let (Some(x), Some(y)) = (self.as_num(a), self.as_num(b)) {
            let pick_a = if is_max { x >= y } else { x <= y };
            return if pick_a { a } else { b };
        }
        let (a, b) = if canonical_cmp(self, a, b).is_le() {
            (a, b)
        } else {
            (b, a)
        };
        self.intern(if is_max {
            Node::Max(a, b)
        } else {
            Node::Min(a, b)
        })
    }

    /// A comparison `a op b`; folded to a truth value when both sides are rational.
    pub fn cmp(&mut self, op: CmpOp, a: ExprId, b: ExprId) -> ExprId {
        if self.any_undefined(&[a, b]) {
            return self.undefined();
        }
        if let (Some(x), Some(y)) = (self.as_num(a), self.as_num(b)) {
            let v = op.holds(x.cmp(y));
            return self.boolean(v);
        }
        self.intern(Node::Cmp(op, a, b))
    }

    /// `if(cond, a, b)`; folded when the condition is a truth value, or when both
    /// branches are equal and the condition is defined everywhere.
    pub fn if_(&mut self, cond: ExprId, a: ExprId, b: ExprId) -> ExprId {
        match self.node(cond) {
            Node::Undefined => self.undefined(),
            Node::Bool(true) => a,
            Node::Bool(false) => b,
            _ if a == b && self.info(cond).total => a,
            _ => self.intern(Node::If(cond, a, b)),
        }
    }

    /// A call of a defined function, kept by name. The caller checks the arity.
    pub fn call(&mut self, f: Symbol, args: Vec<ExprId>) -> ExprId {
        self.intern(Node::Call(f, args.into()))
    }

    /// An unevaluated derivative `diff(e, v)`.
    pub fn diff_node(&mut self, e: ExprId, v: Symbol) -> ExprId {
        self.intern(Node::Diff(e, v))
    }

    /// Rebuilds a node through the smart constructors (used after its children were
    /// replaced, e.g. by substitution), so the result is canonical again.
    pub fn rebuild(&mut self, node: Node) -> ExprId {
        match node {
            Node::Num(r) => self.num(r),
            Node::Pi => self.pi(),
            Node::Bool(b) => self.boolean(b),
            Node::Undefined => self.undefined(),
            Node::Var(s) => self.var_sym(s),
            Node::Add(a) => self.add(a.into_vec()),
            Node::Mul(a) => self.mul(a.into_vec()),
            Node::Pow(b, e) => self.pow(b, e),
            Node::Func(f, a) => self.func(f, a),
            Node::Max(a, b) => self.max(a, b),
            Node::Min(a, b) => self.min(a, b),
            Node::Call(f, a) => self.call(f, a.into_vec()),
            Node::Cmp(op, a, b) => self.cmp(op, a, b),
            Node::If(c, a, b) => self.if_(c, a, b),
            Node::Diff(e, v) => self.diff_node(e, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_collect_and_order() {
        let mut g = Graph::new();
        let x = g.var("x");
        let y = g.var("y");
        let a = g.add(vec![x, y, x]);
        let two = g.int(2);
        let tx = g.mul(vec![two, x]);
        let b = g.add(vec![y, tx]);
        assert_eq!(a, b);
        let zero = g.int(0);
        assert_eq!(g.add(vec![x, zero]), x);
        let mx = g.neg(x);
        assert_eq!(g.add(vec![x, mx]), zero);
    }

    #[test]
    fn domain_is_kept() {
        let mut g = Graph::new();
        let x = g.var("x");
        let lx = g.func(Func::Log, x);
        let zero = g.int(0);
        let p = g.mul(vec![zero, lx]);
        assert_ne!(p, zero, "0*log(x) is undefined for x <= 0");
        let d = g.div(x, x);
        assert_ne!(d, g.int(1), "x/x is undefined at 0");
        let xx = g.mul(vec![x, x]);
        let two = g.int(2);
        assert_eq!(xx, g.pow(x, two));
    }

    #[test]
    fn constants_fold_exactly() {
        let mut g = Graph::new();
        let a = g.frac(1, 3);
        let b = g.frac(2, 3);
        assert_eq!(g.add(vec![a, b]), g.int(1));
        let eight = g.int(8);
        let r = g.sqrt(eight);
        let two = g.int(2);
        let s2 = g.sqrt(two);
        assert_eq!(r, g.mul(vec![two, s2]));
        let four = g.int(4);
        assert_eq!(g.sqrt(four), two);
        let m1 = g.int(-1);
        let sm1 = g.sqrt(m1);
        assert!(
            matches!(g.node(sm1), Node::Pow(..)),
            "sqrt(-1) stays undefined"
        );
    }
}
