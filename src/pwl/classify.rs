//! Exercise 4 for all weights: a structural class of every node, by closure rules,
//! valid for every value of the expression's parameters (every free name that is
//! not one of the variables). `w2*relu(w1*x + b1) + b2` is continuous piecewise
//! linear in `x` whatever `w1, b1, w2, b2` are: a parameter times an affine function
//! is affine, `max` of continuous piecewise linear functions is one, and so are sums.
//!
//! The classes, from the most special: constant, affine, continuous piecewise
//! linear, piecewise linear (jumps allowed), smooth (infinitely differentiable
//! where defined), and unknown (no rule applies: the classification cannot say; the
//! function may still be in a class for other reasons, such as cancellation). Each
//! class is an upper bound: a parameter value may make the function simpler (a zero
//! weight), never outside it.

use std::collections::HashMap;

use num_traits::ToPrimitive;

use crate::diff::Kink;
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::unfold::{unfold, UnfoldError};

/// A structural class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Does not depend on the variables.
    Constant,
    /// `a . x + b` with parameter coefficients.
    Affine,
    /// Continuous, affine on each of finitely many pieces.
    ContinuousPiecewiseLinear,
    /// Affine on each of finitely many pieces; jumps allowed.
    PiecewiseLinear,
    /// Infinitely differentiable where defined.
    Smooth,
    /// No rule applies.
    Unknown,
}

impl Class {
    /// The words printed.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Class::Constant => "constant",
            Class::Affine => "affine",
            Class::ContinuousPiecewiseLinear => "continuous piecewise linear",
            Class::PiecewiseLinear => "piecewise linear (jumps allowed)",
            Class::Smooth => "smooth where defined",
            Class::Unknown => "unknown (no rule applies)",
        }
    }

    /// The name used in JSON.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Class::Constant => "constant",
            Class::Affine => "affine",
            Class::ContinuousPiecewiseLinear => "continuous_piecewise_linear",
            Class::PiecewiseLinear => "piecewise_linear",
            Class::Smooth => "smooth",
            Class::Unknown => "unknown",
        }
    }

    fn within_cpwl(self) -> bool {
        self <= Class::ContinuousPiecewiseLinear
    }

    fn within_pwl(self) -> bool {
        self <= Class::PiecewiseLinear
    }

    fn within_smooth(self) -> bool {
        matches!(self, Class::Constant | Class::Affine | Class::Smooth)
    }
}

/// The smallest class holding every one of `cs` (a sum, `max`, ...).
fn join(cs: &[Class]) -> Class {
    if cs.iter().all(|&c| c == Class::Constant) {
        Class::Constant
    } else if cs.iter().all(|&c| c <= Class::Affine) {
        Class::Affine
    } else if cs.iter().all(|c| c.within_cpwl()) {
        Class::ContinuousPiecewiseLinear
    } else if cs.iter().all(|c| c.within_pwl()) {
        Class::PiecewiseLinear
    } else if cs.iter().all(|c| c.within_smooth()) {
        Class::Smooth
    } else {
        Class::Unknown
    }
}

/// The classification of an expression: its class, and each node's class with the
/// rule that gave it (children before parents).
#[derive(Clone, Debug)]
pub struct Classified {
    /// The unfolded expression classified.
    pub root: ExprId,
    /// The root's class.
    pub class: Class,
    /// The parameters: free names other than the variables, sorted.
    pub parameters: Vec<Symbol>,
    /// Every node: its id, class and rule.
    pub nodes: Vec<(ExprId, Class, &'static str)>,
}

/// Classifies `root` as a function of `vars`, for every value of its other free
/// names (unfolded first: definitions inlined, `diff(...)` taken left-hand).
///
/// # Errors
/// [`UnfoldError`] when `root` cannot be unfolded.
pub fn classify(g: &mut Graph, root: ExprId, vars: &[Symbol]) -> Result<Classified, UnfoldError> {
    let e = unfold(g, root, Kink::Left)?;
    let mut class: HashMap<ExprId, Class> = HashMap::new();
    let mut nodes = Vec::new();
    for id in g.reachable(&[e]) {
        let c = |x: &ExprId| class[x];
        let (k, rule) = match g.node(id) {
            Node::Num(_) | Node::Pi | Node::Bool(_) => (Class::Constant, "a number is constant"),
            Node::Var(s) if vars.contains(s) => (Class::Affine, "a variable is affine"),
            Node::Var(_) => (Class::Constant, "a parameter is constant in the variables"),
            Node::Undefined => (Class::Unknown, "undefined"),
            Node::Add(ts) => {
                let k = join(&ts.iter().map(c).collect::<Vec<_>>());
                (k, "a sum is in the smallest class holding its terms")
            }
            Node::Mul(fs) => {
                let moving: Vec<Class> = fs.iter().map(c).filter(|&k| k != Class::Constant).collect();
                match moving.as_slice() {
                    [] => (Class::Constant, "a product of constants is constant"),
                    [one] => (*one, "a constant times a function is in the function's class"),
                    many if many.iter().all(|k| k.within_smooth()) => {
                        (Class::Smooth, "a product of smooth functions is smooth")
                    }
                    _ => (Class::Unknown, "a product of two non-constant factors, not both smooth"),
                }
            }
            Node::Pow(b, x) => {
                let (kb, kx) = (c(b), c(x));
                let n = g.as_num(*x).filter(|r| r.is_integer()).and_then(|r| r.to_integer().to_i64());
                match (kb, kx, n) {
                    (Class::Constant, Class::Constant, _) => (Class::Constant, "a power of constants is constant (where defined)"),
                    (_, _, Some(0)) => (Class::Constant, "a zeroth power is constant (where defined)"),
                    (k, _, Some(1)) => (k, "a first power is its base"),
                    (k, _, Some(n)) if k.within_smooth() && n > 1 => {
                        (Class::Smooth, "a positive integer power of a smooth function is smooth")
                    }
                    (k, _, Some(n)) if k.within_smooth() && n.is_negative() => {
                        (Class::Smooth, "a negative integer power of a smooth function is smooth where defined")
                    }
                    _ => (Class::Unknown, "a power with no rule (a fractional or variable exponent, or a non-smooth base)"),
                }
            }
            Node::Func(f, u) => {
                let ku = c(u);
                match (f, ku) {
                    (_, Class::Constant) => (Class::Constant, "a function of a constant is constant"),
                    (Func::Abs, k) if k.within_cpwl() => {
                        (Class::ContinuousPiecewiseLinear, "abs of a continuous piecewise linear function is one")
                    }
                    (Func::Abs, k) if k.within_pwl() => {
                        (Class::PiecewiseLinear, "abs of a piecewise linear function is one")
                    }
                    (Func::Sign, k) if k.within_pwl() => {
                        (Class::PiecewiseLinear, "sign of a piecewise linear function is piecewise constant")
                    }
                    (Func::Abs | Func::Sign, _) => (Class::Unknown, "abs or sign of a function with no rule"),
                    (_, k) if k.within_smooth() => {
                        (Class::Smooth, "exp, log, tanh, sinh, cosh, erf of a smooth function are smooth where defined")
                    }
                    _ => (Class::Unknown, "a smooth function of a non-smooth argument"),
                }
            }
            Node::Max(a, b) | Node::Min(a, b) => {
                let k = join(&[c(a), c(b)]);
                match k {
                    Class::Constant => (k, "max or min of constants is constant"),
                    k if k.within_cpwl() => (
                        Class::ContinuousPiecewiseLinear,
                        "max or min of continuous piecewise linear functions is one",
                    ),
                    Class::PiecewiseLinear => (k, "max or min of piecewise linear functions is one"),
                    _ => (Class::Unknown, "max or min of functions that are not piecewise linear"),
                }
            }
            Node::Cmp(_, l, r) => match join(&[c(l), c(r)]) {
                Class::Constant => (Class::Constant, "a comparison of constants is constant"),
                k if k.within_pwl() => (
                    Class::PiecewiseLinear,
                    "a comparison of piecewise linear functions is piecewise constant (it may jump)",
                ),
                _ => (Class::Unknown, "a comparison of functions that are not piecewise linear"),
            },
            Node::If(cond, a, b) => match join(&[c(cond), c(a), c(b)]) {
                Class::Constant => (Class::Constant, "if of constants is constant"),
                k if k.within_pwl() => (
                    Class::PiecewiseLinear,
                    "if of piecewise linear condition and branches is piecewise linear (it may jump)",
                ),
                _ => (Class::Unknown, "if with a condition or branch that is not piecewise linear"),
            },
            Node::Call(..) | Node::Diff(..) => (Class::Unknown, "a call or derivative that could not be unfolded"),
        };
        class.insert(id, k);
        nodes.push((id, k, rule));
    }
    let mut parameters: Vec<Symbol> = g
        .free_vars(e)
        .into_iter()
        .filter(|s| !vars.contains(s))
        .collect();
    parameters.sort_by(|a, b| g.name(*a).cmp(g.name(*b)));
    Ok(Classified {
        root: e,
        class: class[&e],
        parameters,
        nodes,
    })
}
