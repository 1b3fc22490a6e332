//! Symbolic derivatives, exact and one-sided at kinks (docs/semantics.md).
//!
//! [`derive()`] differentiates an expression with respect to one variable (or parameter)
//! and simplifies the result. Every node's derivative is computed once (a memo per
//! node), without recursion: an explicit work stack visits children before parents,
//! so deep expressions cannot overflow the stack.
//!
//! Where a function is smooth the usual rules apply. Where it is not, the [`Kink`]
//! mode decides what "the derivative at a point" means:
//! - [`Kink::Left`] (the default, as the chapter says): the one-sided limit of
//!   difference quotients from the left of the *whole* expression, for every
//!   composition (`relu(-x)` has derivative -1 at 0, `max(x, 2*x)` has 1);
//! - [`Kink::Right`]: the same from the right;
//! - [`Kink::Autodiff`]: what reverse-mode frameworks compute, the chain rule with
//!   each primitive's own value at its kink (`relu'(0) = 0`, `abs'(0) = 0`, `max`
//!   splits the gradient at a tie).
//!
//! At a jump of the function itself the derivative is `undefined` in every mode but
//! autodiff; it is never silently a branch's derivative.
//!
//! Calls of the prelude's functions keep their names through named rules
//! (`sigmoid' = sigmoid*(1 - sigmoid)`); other defined functions are differentiated
//! through their bodies with the arguments substituted for the parameters.
//!
//! The derivative is meant where the expression is defined (`log(x)` gives `1/x`);
//! a `diff(...)` node, when unfolded for evaluation (the `unfold` module), keeps the
//! domain of the differentiated expression explicitly.
//!
//! ```
//! use actsym::{defs, diff::{derive, Kink}, expr::Graph};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "relu(x)").unwrap();
//! let x = g.symbol("x");
//! let d = derive(&mut g, e, x, Kink::Left).unwrap();
//! assert_eq!(d, defs::parse_expr(&mut g, "if(x > 0, 1, 0)").unwrap());
//! ```

mod kinks;
mod named;
mod rules;

use std::collections::HashMap;
use std::time::Instant;

use crate::expr::{CmpOp, ExprId, Func, Graph, IdMap, LimitExceeded, Node, Pass, Symbol};
use crate::simplify::{Budget, Simplifier};

/// How a derivative is taken where the function has a kink.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kink {
    /// The left-hand derivative of the whole expression (the default).
    #[default]
    Left,
    /// The right-hand derivative of the whole expression.
    Right,
    /// What reverse-mode automatic differentiation (PyTorch) computes.
    Autodiff,
}

impl Kink {
    /// The mode's name as written on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kink::Left => "left",
            Kink::Right => "right",
            Kink::Autodiff => "autodiff",
        }
    }

    /// Looks a mode up by its command-line name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Kink> {
        [Kink::Left, Kink::Right, Kink::Autodiff]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// The highest derivative order [`derive_n`] accepts.
pub const MAX_ORDER: u32 = 32;

/// The most operands one node of a derivative may have. Building a product of `k`
/// factors costs time quadratic in `k`, and the chain rule through `n` nested
/// functions builds products of every length up to `n`: this bound keeps
/// pathological nesting (`tanh` 20,000 deep) a prompt error instead of hours.
pub const MAX_OPERANDS: usize = 1_000;

/// The most operands (children of the nodes built, counted with repetition) one
/// derivative may build in total, which bounds its memory.
pub const MAX_DERIVATIVE_SIZE: usize = 2_000_000;

/// The most nodes a factor of a product may have for a switch below its top to be
/// looked for (see `Deriver::nested_kink`): lifting copies the product per side.
const MAX_NESTED_LIFT_NODES: usize = 400;

/// Why a derivative could not be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The graph grew past its limits.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// The order asked for is above [`MAX_ORDER`].
    #[error("derivative order {order} is above the limit of {max}")]
    OrderTooHigh {
        /// The order asked for.
        order: u32,
        /// The limit.
        max: u32,
    },
    /// A comparison or truth value was used where a number is needed.
    #[error("cannot differentiate a comparison: it is a truth value, not a number")]
    Comparison,
    /// An `if` whose condition is not a comparison.
    #[error("cannot differentiate `if` whose condition is not a comparison")]
    Condition,
    /// A call of a function that has no definition.
    #[error("cannot differentiate `{0}`: the function has no definition")]
    UnknownFunction(String),
    /// The derivative grew past [`MAX_OPERANDS`] operands in one node or
    /// [`MAX_DERIVATIVE_SIZE`] in total (deeply nested compositions make long
    /// products: the chain rule multiplies one factor per level).
    #[error(
        "the derivative is too large (more than {MAX_OPERANDS} operands in one product \
         or {MAX_DERIVATIVE_SIZE} in all)"
    )]
    TooLarge,
    /// A derivative the rules needed was not computed first (a bug in actsym).
    #[error("internal error in the derivative: a needed derivative is missing")]
    Internal,
    /// The deadline set by [`with_deadline`] passed before the derivative was taken.
    #[error("the derivative could not be taken within the time limit")]
    TimeLimit,
}

/// Runs `f` with every derivative taken on this thread (through [`derive`],
/// [`derive_n`], `diff(...)` unfolded anywhere) stopping with
/// [`DiffError::TimeLimit`] once `deadline` has passed, so a caller's time limit
/// bounds the symbolic work too (`check --time-limit`, `eval`'s budget, `derive
/// --time-limit`). The deadline is the thread's one clock
/// ([`crate::poly::budget`]), which bounds polynomial work, the simplifier and MPFR
/// enclosures as well. Nested calls keep the earlier deadline; the previous one is
/// restored when `f` returns.
pub fn with_deadline<T>(deadline: Instant, f: impl FnOnce() -> T) -> T {
    crate::poly::budget::with_deadline(deadline, f)
}

/// `Err(TimeLimit)` once the deadline of [`with_deadline`] has passed.
fn check_deadline() -> Result<(), DiffError> {
    if crate::poly::budget::expired() {
        Err(DiffError::TimeLimit)
    } else {
        Ok(())
    }
}

/// The derivative of `e` with respect to `var`, simplified (and `e` simplified
/// first, which puts its conditions in canonical form).
///
/// # Errors
/// [`DiffError`] when the expression calls an undefined function, uses a comparison
/// as a number, or the graph grows past its limits.
pub fn derive(g: &mut Graph, e: ExprId, var: Symbol, kink: Kink) -> Result<ExprId, DiffError> {
    // Taken once per graph: `diff(e, x)` unfolded for each evaluation, compiled
    // for the fast evaluator or differentiated in several modes asks again.
    let pass = Pass::Derivative(var, kink as u8);
    if let Some(d) = g.pass_result(pass, e) {
        return Ok(d);
    }
    let d = derive_n(g, e, var, 1, kink)?;
    g.record_pass(pass, e, d);
    Ok(d)
}

/// The derivative of `e` with respect to `var` in each of `modes`, as [`derive()`]
/// gives it; taken once for all of them when they cannot differ
/// ([`mode_independent`] of `e` as the differentiator reads it, simplified).
pub fn derive_modes(
    g: &mut Graph,
    e: ExprId,
    var: Symbol,
    modes: &[Kink],
) -> Vec<Result<ExprId, DiffError>> {
    let mut out = Vec::with_capacity(modes.len());
    let mut shared: Option<ExprId> = None;
    for &kink in modes {
        if let Some(d) = shared {
            out.push(Ok(d));
            continue;
        }
        let r = derive(g, e, var, kink);
        if let Ok(d) = r {
            let input = g.pass_result(Pass::DerivativeInput, e);
            if input.is_some_and(|s| mode_independent(g, s)) {
                shared = Some(d);
            }
        }
        out.push(r);
    }
    out
}

/// The derivative of `e` with respect to `var`, as the rules build it (canonical
/// through the smart constructors, but not simplified further).
///
/// # Errors
/// As [`derive()`].
pub fn derive_raw(g: &mut Graph, e: ExprId, var: Symbol, kink: Kink) -> Result<ExprId, DiffError> {
    let mut d = Deriver::new(var, kink);
    d.derive(g, e)
}

/// The `order`-th derivative of `e` with respect to `var`, simplified after each
/// step (which keeps higher orders small). Order 0 is `e` itself.
///
/// # Errors
/// [`DiffError::OrderTooHigh`] above [`MAX_ORDER`], else as [`derive()`].
pub fn derive_n(
    g: &mut Graph,
    e: ExprId,
    var: Symbol,
    order: u32,
    kink: Kink,
) -> Result<ExprId, DiffError> {
    if order > MAX_ORDER {
        return Err(DiffError::OrderTooHigh {
            order,
            max: MAX_ORDER,
        });
    }
    // One simplifier for all orders: successive derivatives share most subterms.
    let mut simplifier = Simplifier::new(g, Budget::default());
    // Simplified first, the conditions are canonical (`relu(x) > 0` is `x > 0`), so
    // the kink rules see where each one changes.
    let mut cur = if order > 0 { simplifier.run(g, e) } else { e };
    let input = cur;
    for _ in 0..order {
        let d = derive_raw(g, cur, var, kink)?;
        check_deadline()?;
        cur = simplifier.run(g, d);
        g.within_limits()?;
        check_deadline()?;
    }
    if order > 0 {
        // What was differentiated (`derive_modes` reads it).
        g.record_pass(Pass::DerivativeInput, e, input);
    }
    Ok(cur)
}

/// Whether the derivative of `e` is the same in every [`Kink`] mode because the
/// mode is never consulted: nothing reachable from `e`, through the bodies of the
/// functions it calls and inside its `diff(...)`s, is a place where the modes
/// differ. That is no `max`, `min`, `abs`, `sign`, `if` or comparison, no power with
/// an exponent strictly between 0 and 1 (its chain rule where the base is 0 is
/// decided per side), and no call of a function with an autodiff rule of its own.
/// Conservative: `false` says only that the modes may differ. (A caller that needs
/// the derivative in several modes takes it once when this holds.)
#[must_use]
pub fn mode_independent(g: &Graph, e: ExprId) -> bool {
    let mut seen: std::collections::HashSet<ExprId> = std::collections::HashSet::new();
    let mut bodies: std::collections::HashSet<Symbol> = std::collections::HashSet::new();
    let mut stack = vec![e];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match g.node(id) {
            Node::Max(..)
            | Node::Min(..)
            | Node::Func(Func::Abs | Func::Sign, _)
            | Node::If(..)
            | Node::Cmp(..)
            | Node::Bool(_) => return false,
            Node::Pow(_, p) if rules::root_like(g, *p) => return false,
            Node::Call(f, _) => {
                if named::has_autodiff_rule(g, *f) {
                    return false;
                }
                if bodies.insert(*f) {
                    match g.defs().get(*f) {
                        Some(def) => stack.push(def.body),
                        // Not differentiable at all: the same error in every mode,
                        // but no reason to say so here.
                        None => return false,
                    }
                }
            }
            _ => {}
        }
        stack.extend(g.node(id).children());
    }
    true
}

/// Replaces every `diff(e, v)` node under `root` by the derivative of `e` with
/// respect to `v`, innermost first, so the result can be evaluated. Where `e` is not
/// defined everywhere, the replacement keeps `e`'s domain (`diff(log(x), x)` is
/// undefined at `x = -1`, not `-1`). The public way in is the `unfold` module.
///
/// # Errors
/// As [`derive()`].
pub(crate) fn take_diffs(g: &mut Graph, root: ExprId, kink: Kink) -> Result<ExprId, DiffError> {
    if !g
        .reachable(&[root])
        .iter()
        .any(|&id| matches!(g.node(id), Node::Diff(..)))
    {
        return Ok(root);
    }
    let mut failure: Option<DiffError> = None;
    let out = g.rewrite(root, |g, _, node| match node {
        Node::Diff(e, v) if failure.is_none() => match derive(g, e, v, kink) {
            Ok(d) => keep_domain(g, d, e),
            Err(err) => {
                failure = Some(err);
                g.undefined()
            }
        },
        other => g.rebuild(other),
    });
    match failure {
        Some(err) => Err(err),
        None => Ok(out),
    }
}

/// `d`, made undefined wherever `e` is: `d + 0*e` when `e` is not total (the smart
/// constructors keep `0*e` exactly for that reason).
fn keep_domain(g: &mut Graph, d: ExprId, e: ExprId) -> ExprId {
    if g.info(e).total || matches!(g.node(d), Node::Undefined) {
        return d;
    }
    let zero = g.int(0);
    let guard = g.mul(vec![zero, e]);
    g.add(vec![d, guard])
}

/// The number of operands of a node.
fn operands(g: &Graph, id: ExprId) -> usize {
    match g.node(id) {
        Node::Add(xs) | Node::Mul(xs) | Node::Call(_, xs) => xs.len(),
        _ => 3,
    }
}

/// One derivative computation: the variable, the mode and the memo tables.
struct Deriver {
    var: Symbol,
    kink: Kink,
    /// The derivative of each node already differentiated.
    memo: IdMap<ExprId>,
    /// Whether a node depends on `var`.
    depends: IdMap<bool>,
    /// For a call without a named rule, its body with the arguments substituted;
    /// for a `diff` node, its expansion.
    expansion: IdMap<ExprId>,
    /// For a sum or product with an `if` operand on a moving comparison, the same
    /// function as one `if` on that comparison (see [`Deriver::lift`]); `None` when
    /// it is differentiated term by term.
    lifts: IdMap<Option<ExprId>>,
    /// Operands of the derivatives built so far.
    size: usize,
}

impl Deriver {
    fn new(var: Symbol, kink: Kink) -> Self {
        Deriver {
            var,
            kink,
            memo: IdMap::default(),
            depends: IdMap::default(),
            expansion: IdMap::default(),
            lifts: IdMap::default(),
            size: 0,
        }
    }

    /// Differentiates `root`: a depth-first walk with an explicit stack, each node
    /// finished once the derivatives it needs are known.
    fn derive(&mut self, g: &mut Graph, root: ExprId) -> Result<ExprId, DiffError> {
        let mut stack = vec![root];
        while let Some(&id) = stack.last() {
            if self.memo.contains_key(&id) {
                stack.pop();
                continue;
            }
            g.within_limits()?;
            check_deadline()?;
            let needs = self.prerequisites(g, id)?;
            let missing: Vec<ExprId> = needs
                .into_iter()
                .filter(|n| !self.memo.contains_key(n))
                .collect();
            if missing.is_empty() {
                let d = self.rule(g, id)?;
                let n = operands(g, d);
                self.size = self.size.saturating_add(n);
                if n > MAX_OPERANDS || self.size > MAX_DERIVATIVE_SIZE {
                    return Err(DiffError::TooLarge);
                }
                self.memo.insert(id, d);
                stack.pop();
            } else {
                stack.extend(missing);
            }
        }
        g.within_limits()?;
        Ok(self
            .memo
            .get(&root)
            .copied()
            .unwrap_or_else(|| g.undefined()))
    }

    /// Whether `root` depends on the variable (iteratively, memoised).
    fn depends_on_var(&mut self, g: &Graph, root: ExprId) -> bool {
        if let Some(&d) = self.depends.get(&root) {
            return d;
        }
        let mut stack = vec![(root, false)];
        while let Some((id, children_done)) = stack.pop() {
            if self.depends.contains_key(&id) {
                continue;
            }
            let node = g.node(id);
            if let Node::Var(s) = node {
                self.depends.insert(id, *s == self.var);
                continue;
            }
            let children = node.children();
            if children_done {
                let d = children.iter().any(|c| self.depends.get(c) == Some(&true));
                self.depends.insert(id, d);
            } else {
                stack.push((id, true));
                for c in children {
                    if !self.depends.contains_key(&c) {
                        stack.push((c, false));
                    }
                }
            }
        }
        self.depends.get(&root).copied().unwrap_or(true)
    }

    /// The nodes whose derivatives the rule for `id` needs.
    fn prerequisites(&mut self, g: &mut Graph, id: ExprId) -> Result<Vec<ExprId>, DiffError> {
        if !self.depends_on_var(g, id) {
            return Ok(Vec::new());
        }
        let node = g.node(id).clone();
        Ok(match node {
            Node::If(c, a, b) => match g.node(c) {
                Node::Cmp(_, u, v) => vec![*u, *v, a, b],
                _ => return Err(DiffError::Condition),
            },
            Node::Cmp(..) | Node::Bool(_) => return Err(DiffError::Comparison),
            Node::Call(f, ref args) => {
                if named::applies(g, f, self.kink) {
                    args.to_vec()
                } else {
                    vec![self.unfold_node(g, id)?]
                }
            }
            Node::Diff(..) => vec![self.unfold_node(g, id)?],
            Node::Add(_) | Node::Mul(_) | Node::Pow(..) => match self.lift(g, id)? {
                Some(l) => vec![l],
                None => node.children(),
            },
            other => other.children(),
        })
    }

    /// A sum or product whose jumps may cancel or vanish, rewritten as one `if` on
    /// the comparison where they happen, so that whether it jumps (and its one-sided
    /// derivative) is decided on the whole function, not operand by operand:
    /// `x*heaviside(x)` is `if(x > 0, x, 0)`, continuous at 0; `sign(x)*x` is
    /// `if(x > 0, x, if(x < 0, -x, 0))`, which is `abs(x)`; `heaviside(x)*heaviside(-x)`
    /// is 0 on both sides and at the tie; `if(x > 0, 1, 0) + if(x > 0, 0, exp(x))` is
    /// continuous at 0 though both terms jump there. A product is lifted when it has
    /// an `if` or `sign` factor on a moving comparison and another moving factor; a
    /// sum when two of its terms are on the same comparison (up to a constant factor
    /// or an odd power of the difference). A product of powers of one base known to be
    /// `>= 0`, or a power of such a power, is first merged into one power
    /// (`sqrt(abs(x))*sqrt(abs(x))` is `abs(x)`: the chain rule through `sqrt` at 0
    /// would meet 0^(-1/2)). Every form is the same function, with the same domain.
    fn lift(&mut self, g: &mut Graph, id: ExprId) -> Result<Option<ExprId>, DiffError> {
        if let Some(&l) = self.lifts.get(&id) {
            return Ok(l);
        }
        if let Some(m) = merge_powers(g, id) {
            self.lifts.insert(id, Some(m));
            return Ok(Some(m));
        }
        let (ts, is_mul) = match g.node(id) {
            Node::Add(ts) => (ts.to_vec(), false),
            Node::Mul(ts) => (ts.to_vec(), true),
            _ => return Ok(None),
        };
        let zero = g.int(0);
        let mut operands = ts.clone();
        let mut moving = 0;
        // (the condition, u, v) of each operand that switches on a moving comparison.
        let mut kinks: Vec<(ExprId, ExprId, ExprId)> = Vec::new();
        for (i, &t) in ts.iter().enumerate() {
            if !self.depends_on_var(g, t) {
                continue;
            }
            moving += 1;
            let e = match g.node(t) {
                Node::Call(..) => {
                    let body = self.unfold_node(g, t)?;
                    if matches!(g.node(body), Node::If(..)) {
                        body
                    } else {
                        t
                    }
                }
                _ => t,
            };
            match g.node(e).clone() {
                Node::If(c, ..) => {
                    if let Node::Cmp(_, u, v) = g.node(c).clone() {
                        if self.depends_on_var(g, u) || self.depends_on_var(g, v) {
                            operands[i] = e;
                            kinks.push((c, u, v));
                        }
                    }
                }
                Node::Func(Func::Sign, a) if self.depends_on_var(g, a) => {
                    let c = g.cmp(CmpOp::Gt, a, zero);
                    kinks.push((c, a, zero));
                }
                _ => {}
            }
        }
        if is_mul && kinks.is_empty() && moving >= 2 {
            if let Some(k) = self.nested_kink(g, &ts, &mut operands)? {
                kinks.push(k);
            }
        }
        let on = if is_mul {
            kinks
                .first()
                .filter(|_| moving >= 2)
                .map(|&(_, u, v)| (u, v))
        } else {
            let mut found = None;
            'outer: for (i, &(_, u, v)) in kinks.iter().enumerate() {
                for (j, &(c, _, _)) in kinks.iter().enumerate() {
                    if i != j
                        && kinks::holds_on_side(g, c, u, v, std::cmp::Ordering::Greater).is_some()
                    {
                        found = Some((u, v));
                        break 'outer;
                    }
                }
            }
            found
        };
        let lifted = match on {
            None => None,
            Some((u, v)) => {
                let whole = if is_mul {
                    g.mul(operands)
                } else {
                    g.add(operands)
                };
                let side = |g: &mut Graph, ord| kinks::restrict(g, whole, u, v, ord);
                let greater = side(g, std::cmp::Ordering::Greater);
                let less = side(g, std::cmp::Ordering::Less);
                let tie = side(g, std::cmp::Ordering::Equal);
                // Each side must lose the switch (else the pieces would be lifted
                // again, for ever).
                (greater != whole && less != whole)
                    .then(|| kinks::three_way(g, u, v, greater, less, tie))
            }
        };
        self.lifts.insert(id, lifted);
        Ok(lifted)
    }

    /// A moving comparison that a factor of a product switches on below its top
    /// (`x*(if(x > 0, 1, -x) + relu(-x))`, `hard_swish(x)*(1 + heaviside(x + 3))`,
    /// `relu(x)*sign(x)^2`), as `(condition, u, v)`: the product rule would multiply
    /// that factor's jump (`undefined` at the tie) by the others, which may be 0
    /// there, so the product is lifted on it like a product with an `if` factor.
    /// Calls whose body is an `if` (`heaviside`) are inlined into `operands` first,
    /// so that the pieces lose the switch. Factors larger than
    /// [`MAX_NESTED_LIFT_NODES`] are not searched.
    fn nested_kink(
        &mut self,
        g: &mut Graph,
        ts: &[ExprId],
        operands: &mut [ExprId],
    ) -> Result<Option<(ExprId, ExprId, ExprId)>, DiffError> {
        let zero = g.int(0);
        for (i, &t) in ts.iter().enumerate() {
            if !self.depends_on_var(g, t) {
                continue;
            }
            let reach = g.reachable(&[t]);
            if reach.len() > MAX_NESTED_LIFT_NODES {
                return Ok(None);
            }
            let mut inline: HashMap<ExprId, ExprId> = HashMap::new();
            for &n in &reach {
                if matches!(g.node(n), Node::Call(..)) && self.depends_on_var(g, n) {
                    let body = self.unfold_node(g, n)?;
                    if matches!(g.node(body), Node::If(..)) {
                        inline.insert(n, body);
                    }
                }
            }
            if !inline.is_empty() {
                operands[i] = g.rewrite(t, |g, id, node| match inline.get(&id) {
                    Some(&b) => b,
                    None => g.rebuild(node),
                });
            }
            for n in g.reachable(&[operands[i]]) {
                match g.node(n).clone() {
                    Node::If(c, ..) => {
                        if let Node::Cmp(_, u, v) = g.node(c).clone() {
                            if self.depends_on_var(g, u) || self.depends_on_var(g, v) {
                                return Ok(Some((c, u, v)));
                            }
                        }
                    }
                    Node::Func(Func::Sign, a) if self.depends_on_var(g, a) => {
                        let c = g.cmp(CmpOp::Gt, a, zero);
                        return Ok(Some((c, a, zero)));
                    }
                    _ => {}
                }
            }
        }
        Ok(None)
    }

    /// The derivative at `b = 0` of `b^e` (`0 < e < 1`) where `b = c^n` for an odd
    /// `n` with `n*e >= 1`: `(c^n)^e` is `c^(n*e)` where `c >= 0` and undefined where
    /// `c < 0`, so on the chosen side where `c` rises from 0 (right of the point with
    /// `c' > 0`, left of it with `c' < 0`) the derivative is that of `c^(n*e)`:
    /// `(x^3)^(1/3)` has right derivative 1 at 0. Elsewhere `otherwise`.
    ///
    /// A constant factor whose `n`-th root is rational joins `c`: `-x^3` is
    /// `(-x)^3`, so `((-x)^3)^(1/3)` (which is `-x` for `x <= 0`) has left
    /// derivative -1 at 0.
    fn odd_power_root(&self, g: &mut Graph, b: ExprId, e: ExprId, otherwise: ExprId) -> ExprId {
        use num_traits::One;
        // b = k * c^n, k = 1 for a bare power.
        let (k, power) = match g.node(b).clone() {
            Node::Pow(..) => (crate::expr::BigRational::one(), b),
            Node::Mul(fs) => match fs.as_ref() {
                [k, p] if g.as_num(*k).is_some() && matches!(g.node(*p), Node::Pow(..)) => {
                    (g.as_num(*k).cloned().unwrap_or_default(), *p)
                }
                _ => return otherwise,
            },
            _ => return otherwise,
        };
        let Node::Pow(c, n) = g.node(power).clone() else {
            return otherwise;
        };
        let (Some(nr), Some(er)) = (g.as_num(n).cloned(), g.as_num(e).cloned()) else {
            return otherwise;
        };
        // The real n-th root of k, when it is rational (n odd: k's sign is kept).
        let root = if k.is_one() {
            Some(k.clone())
        } else {
            num_traits::ToPrimitive::to_u32(&nr.to_integer())
                .filter(|&m| (1..=64).contains(&m))
                .and_then(|m| odd_root(&k, m))
        };
        let Some(root) = root else {
            return otherwise;
        };
        let odd =
            nr.is_integer() && nr.numer() % 2u8 == 1u8.into() && nr > num_traits::Zero::zero();
        let ne = nr * er;
        let op = match self.kink {
            Kink::Right => CmpOp::Gt,
            Kink::Left => CmpOp::Lt,
            Kink::Autodiff => return otherwise,
        };
        let Some(&dc) = self.memo.get(&c) else {
            return otherwise;
        };
        if !odd || ne < crate::expr::BigRational::one() || matches!(g.node(dc), Node::Undefined) {
            return otherwise;
        }
        // b = (root*c)^n.
        let r = g.num(root);
        let c = g.mul(vec![r, c]);
        let dc = g.mul(vec![r, dc]);
        let k = g.num(ne.clone());
        let km1 = g.num(ne - crate::expr::BigRational::one());
        let p = g.pow(c, km1);
        let alt = rules::scaled(g, vec![k, p, dc]);
        let zero = g.int(0);
        let rises = g.cmp(op, dc, zero);
        g.if_(rises, alt, otherwise)
    }

    /// The body of a call with its arguments substituted, or the expansion of a
    /// `diff` node; cached per node.
    fn unfold_node(&mut self, g: &mut Graph, id: ExprId) -> Result<ExprId, DiffError> {
        if let Some(&e) = self.expansion.get(&id) {
            return Ok(e);
        }
        let e = match g.node(id).clone() {
            Node::Call(f, args) => {
                let Some(def) = g.defs().get(f).cloned() else {
                    return Err(DiffError::UnknownFunction(g.name(f).to_owned()));
                };
                // Derivatives inside the body are taken before the parameters are
                // replaced: substituting into `diff(u, x)` would change its meaning.
                // This recursion is bounded by the depth of the definition hierarchy
                // (definitions cannot be cyclic).
                let body = take_diffs(g, def.body, self.kink)?;
                g.substitute(body, &def.bind(&args))
            }
            Node::Diff(..) => take_diffs(g, id, self.kink)?,
            _ => id,
        };
        self.expansion.insert(id, e);
        Ok(e)
    }

    /// The derivative of a node already differentiated.
    fn known(&self, id: ExprId) -> Result<ExprId, DiffError> {
        self.memo.get(&id).copied().ok_or(DiffError::Internal)
    }

    /// The derivatives of several nodes already differentiated.
    fn all_known(&self, ids: &[ExprId]) -> Result<Vec<ExprId>, DiffError> {
        ids.iter().map(|&i| self.known(i)).collect()
    }

    /// The derivative of `id`, all of whose prerequisites are in the memo.
    fn rule(&mut self, g: &mut Graph, id: ExprId) -> Result<ExprId, DiffError> {
        if matches!(g.node(id), Node::Undefined) {
            return Ok(g.undefined());
        }
        if !self.depends_on_var(g, id) {
            return Ok(g.int(0));
        }
        let node = g.node(id).clone();
        Ok(match node {
            Node::Num(_) | Node::Pi | Node::Bool(_) | Node::Undefined => g.int(0),
            Node::Var(_) => g.int(1),
            Node::Add(_) | Node::Mul(_) | Node::Pow(..)
                if self.lifts.get(&id).copied().flatten().is_some() =>
            {
                let l = self
                    .lifts
                    .get(&id)
                    .copied()
                    .flatten()
                    .ok_or(DiffError::Internal)?;
                self.known(l)?
            }
            Node::Add(ts) => {
                let ds = self.all_known(&ts)?;
                g.add(ds)
            }
            Node::Mul(fs) => {
                let ds = self.all_known(&fs)?;
                rules::product(g, &fs, &ds)
            }
            Node::Pow(b, e) => {
                let (db, de) = (self.known(b)?, self.known(e)?);
                let d = rules::power(g, b, e, db, de);
                if rules::is_zero(g, de) && rules::root_like(g, e) {
                    // b^e with 0 < e < 1 is defined at b = 0 but the chain rule is
                    // not: there the derivative is 0 where b is constant on the
                    // chosen side (`sqrt(relu(x))` for x <= 0), else undefined.
                    let marker = kinks::constant_marker(g, b, self.var, self.kink);
                    let marker = self.odd_power_root(g, b, e, marker);
                    if matches!(g.node(marker), Node::Undefined) {
                        // Never known constant: `d` is undefined at b = 0 already.
                        return Ok(d);
                    }
                    let zero = g.int(0);
                    let nonzero = g.cmp(crate::expr::CmpOp::Ne, b, zero);
                    g.if_(nonzero, d, marker)
                } else {
                    d
                }
            }
            Node::Func(f, a) => {
                let da = self.known(a)?;
                let d = rules::func(g, f, a, da, self.kink);
                if f != Func::Sign
                    || self.kink == Kink::Autodiff
                    || matches!(g.node(da), Node::Undefined)
                {
                    return Ok(d);
                }
                // sign(u) at u = 0 is 0 on the chosen side where u is constant
                // there (`sign(heaviside(x - 1))` at 0), else it jumps: the rule's
                // `undefined` at u = 0 is replaced where the marker knows better.
                let undefined = g.undefined();
                let marker = kinks::constant_marker(g, a, self.var, self.kink);
                if marker == undefined {
                    return Ok(d);
                }
                let zero = g.int(0);
                let nonzero = g.cmp(crate::expr::CmpOp::Ne, a, zero);
                g.if_(nonzero, zero, marker)
            }
            Node::Max(a, b) | Node::Min(a, b) => {
                let (da, db) = (self.known(a)?, self.known(b)?);
                let is_max = matches!(g.node(id), Node::Max(..));
                kinks::extremum(g, is_max, [a, b], [da, db], self.kink)
            }
            Node::If(c, a, b) => {
                let Node::Cmp(op, u, v) = g.node(c).clone() else {
                    return Err(DiffError::Condition);
                };
                let cond_moves = self.depends_on_var(g, u) || self.depends_on_var(g, v);
                let branch = kinks::Branch {
                    cond: c,
                    op,
                    u,
                    v,
                    a,
                    b,
                    du: self.known(u)?,
                    dv: self.known(v)?,
                    da: self.known(a)?,
                    db: self.known(b)?,
                };
                kinks::branch(g, &branch, self.var, cond_moves, self.kink)
            }
            Node::Cmp(..) => return Err(DiffError::Comparison),
            Node::Call(f, args) => {
                if named::applies(g, f, self.kink) {
                    let ds = self.all_known(&args)?;
                    match named::rule(g, f, &args, &ds, self.kink) {
                        Some(r) => r,
                        None => return Err(DiffError::UnknownFunction(g.name(f).to_owned())),
                    }
                } else {
                    let body = self.unfold_node(g, id)?;
                    self.known(body)?
                }
            }
            Node::Diff(..) => {
                let e = self.unfold_node(g, id)?;
                self.known(e)?
            }
        })
    }
}

/// The rational `m`-th root of `k` for odd `m` (negative for negative `k`), if
/// there is one.
fn odd_root(k: &crate::expr::BigRational, m: u32) -> Option<crate::expr::BigRational> {
    use num_traits::{Pow, Signed};
    if m % 2 == 0 {
        return None;
    }
    let root = |v: &num_bigint::BigInt| {
        let r = v.abs().nth_root(m);
        (Pow::pow(&r, m) == v.abs()).then_some(r)
    };
    let (n, d) = (root(k.numer())?, root(k.denom())?);
    let r = crate::expr::BigRational::new(n, d);
    Some(if k.is_negative() { -r } else { r })
}

/// `id` with powers of one base merged, where that is the same function: a product
/// `b^p*b^q*...` (a bare `b` is `b^1`) becomes `b^(p + q + ...)`, and `(b^p)^q`
/// becomes `b^(p*q)`, when `b` is known to be `>= 0` and every exponent is a positive
/// rational (so each form is defined exactly where `b` is, and `0^r = 0` on both
/// sides). `None` when nothing merges.
fn merge_powers(g: &mut Graph, id: ExprId) -> Option<ExprId> {
    use num_traits::Signed;
    let positive_power = |g: &Graph, f: ExprId| -> Option<(ExprId, crate::expr::BigRational)> {
        match g.node(f) {
            Node::Pow(b, e) => {
                let r = g.as_num(*e)?;
                (r.is_positive() && g.info(*b).sign.is_nonneg()).then(|| (*b, r.clone()))
            }
            _ => g
                .info(f)
                .sign
                .is_nonneg()
                .then(|| (f, crate::expr::BigRational::from_integer(1.into()))),
        }
    };
    match g.node(id).clone() {
        Node::Pow(inner, e) => {
            let q = g.as_num(e)?.clone();
            if !q.is_positive() {
                return None;
            }
            let Node::Pow(b, p) = g.node(inner).clone() else {
                return None;
            };
            let p = g.as_num(p)?.clone();
            if !p.is_positive() || !g.info(b).sign.is_nonneg() {
                return None;
            }
            let k = g.num(p * q);
            let m = g.pow(b, k);
            (m != id).then_some(m)
        }
        Node::Mul(fs) => {
            let mut groups: Vec<(ExprId, crate::expr::BigRational, usize)> = Vec::new();
            let mut rest = Vec::new();
            for &f in fs.iter() {
                match positive_power(g, f) {
                    Some((b, r)) if g.as_num(f).is_none() => {
                        if let Some(grp) = groups.iter_mut().find(|grp| grp.0 == b) {
                            grp.1 += r;
                            grp.2 += 1;
                        } else {
                            groups.push((b, r, 1));
                        }
                    }
                    _ => rest.push(f),
                }
            }
            if groups.iter().all(|grp| grp.2 < 2) {
                return None;
            }
            for (b, r, _) in groups {
                let k = g.num(r);
                rest.push(g.pow(b, k));
            }
            let m = g.mul(rest);
            (m != id).then_some(m)
        }
        _ => None,
    }
}
