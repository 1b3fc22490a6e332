//! The exercises' one door into the checker, the front doors of `defs` (parsing and
//! registering an answer's definitions), the differentiator, `unfold`, the simplifier
//! and the certified evaluator. Every grading step calls these wrappers, so a change of
//! those modules' public API is absorbed here and nowhere else.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use num_rational::BigRational;

use crate::certified;
use crate::defs::{self, Origin};
use crate::diff::{self, DiffError, Kink};
use crate::expr::{ExprId, Graph, Node, Symbol};
use crate::parse::{Claim, ParseError, Statement};
use crate::print;
use crate::prove::verdict::{decide_claim, Options, Verdict as CheckVerdict};
use crate::simplify;
use crate::unfold::{self, UnfoldError};

/// The name answers carry in parse errors.
pub const ANSWER_NAME: &str = "<answer>";

/// A wall-clock budget shared by every decision of one answer.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    deadline: Instant,
}

impl Budget {
    /// A budget that ends `limit` from now.
    #[must_use]
    pub fn new(limit: Duration) -> Self {
        Budget {
            deadline: Instant::now() + limit,
        }
    }

    /// The time left, at most `cap`.
    fn slice(&self, cap: Duration) -> Duration {
        self.deadline
            .saturating_duration_since(Instant::now())
            .min(cap)
    }

    /// Whether the budget is spent.
    #[must_use]
    pub fn spent(&self) -> bool {
        Instant::now() >= self.deadline
    }
}

/// How thoroughly a claim is decided: the answer's own claim gets the checker's
/// defaults, a diagnosis candidate a lighter numeric route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// The answer against the reference.
    Full,
    /// A candidate explanation of a wrong answer.
    Light,
}

/// A certified point where a claim's two sides differ.
#[derive(Clone, Debug)]
pub struct Witness {
    /// The point as `alpha = 0, x = 0`.
    pub point_text: String,
    /// The point as a JSON object of exact strings.
    pub point: serde_json::Value,
    /// The left side's value there (decimal digits, or why it is undefined).
    pub lhs: String,
    /// The right side's value there.
    pub rhs: String,
}

/// What the checker said about a claim.
#[derive(Clone, Debug)]
pub struct Decision {
    /// `Some(true)` when proved or verified, `Some(false)` when refuted, `None` when
    /// unknown.
    pub holds: Option<bool>,
    /// The checker's verdict (`proved`, `verified`, `refuted`, `unknown`).
    pub verdict: &'static str,
    /// How it was reached.
    pub method: String,
    /// The certified counterexample of a refuted claim.
    pub witness: Option<Witness>,
    /// Why it is unknown, when it is.
    pub note: Option<String>,
}

/// Decides `lhs = rhs where conditions` with the checker.
#[must_use]
pub fn decide(
    g: &mut Graph,
    lhs: ExprId,
    rhs: ExprId,
    conditions: &[ExprId],
    effort: Effort,
    budget: &Budget,
) -> Decision {
    decide_claim_with(
        g,
        &Claim::equality(lhs, rhs, conditions.to_vec()),
        effort,
        budget,
    )
}

/// Decides a claim (an identity or an inequality) with the checker.
#[must_use]
pub fn decide_claim_with(
    g: &mut Graph,
    claim: &Claim,
    effort: Effort,
    budget: &Budget,
) -> Decision {
    let (points, cap) = match effort {
        Effort::Full => (Options::default().points, Duration::from_secs(10)),
        Effort::Light => (16, Duration::from_secs(2)),
    };
    let time_limit = budget.slice(cap);
    if time_limit.is_zero() {
        return Decision {
            holds: None,
            verdict: CheckVerdict::Unknown.as_str(),
            method: String::new(),
            witness: None,
            note: Some("the time limit of this answer was reached".into()),
        };
    }
    let opts = Options {
        points,
        time_limit,
        digits: 12,
        ..Options::default()
    };
    let report = decide_claim(g, claim, &opts);
    let holds = match report.verdict {
        CheckVerdict::Proved | CheckVerdict::Verified => Some(true),
        CheckVerdict::Refuted => Some(false),
        CheckVerdict::Unknown => None,
    };
    let witness = report.counterexample.as_ref().map(|cx| Witness {
        point_text: cx.point_text(g),
        point: cx.point_json(g),
        lhs: cx.lhs.to_string(),
        rhs: cx.rhs.to_string(),
    });
    Decision {
        holds,
        verdict: report.verdict.as_str(),
        method: report.method,
        witness,
        note: report.note,
    }
}

/// Parses a whole text (definitions, claims, expressions) and registers its
/// definitions.
///
/// # Errors
/// The parser's or the registration's error, with its span.
pub fn parse_text(g: &mut Graph, src: &str) -> Result<Vec<Statement>, ParseError> {
    defs::parse_source(g, src, Origin::User(ANSWER_NAME.into()))
}

/// Parses one expression (possibly after definitions).
///
/// # Errors
/// As [`parse_text`], and a text that is not one expression.
pub fn parse_expr(g: &mut Graph, src: &str) -> Result<ExprId, ParseError> {
    defs::parse_expr(g, src)
}

/// Parses one claim (possibly after definitions).
///
/// # Errors
/// As [`parse_text`], and a text that is not one claim.
pub fn parse_claim(g: &mut Graph, src: &str) -> Result<Claim, ParseError> {
    defs::parse_claim(g, src)
}

/// The derivative of `e` with respect to `var`, simplified.
pub fn derive(g: &mut Graph, e: ExprId, var: Symbol, kink: Kink) -> Result<ExprId, DiffError> {
    diff::derive(g, e, var, kink)
}

/// `e` with every `diff(...)` taken (left-hand at kinks), those inside the
/// definitions it calls included; other calls keep their names.
///
/// # Errors
/// A derivative that cannot be taken, or the graph's limits.
pub fn take_diffs(g: &mut Graph, e: ExprId) -> Result<ExprId, UnfoldError> {
    unfold::unfold_diffs(g, e, Kink::Left)
}

/// `e` reduced to built-in operations: derivatives taken (left-hand at kinks),
/// definitions inlined.
///
/// # Errors
/// As [`take_diffs`].
pub fn unfold(g: &mut Graph, e: ExprId) -> Result<ExprId, UnfoldError> {
    unfold::unfold(g, e, Kink::Left)
}

/// `e` simplified (soundly: the domain is kept).
#[must_use]
pub fn simplify(g: &mut Graph, e: ExprId) -> ExprId {
    simplify::simplify(g, e)
}

/// `e` with `var` replaced by `value`, unfolded and simplified: the value of an
/// expression at a point of one variable, the others left symbolic. `None` when `e`
/// cannot be unfolded.
#[must_use]
pub fn value_at(g: &mut Graph, e: ExprId, var: Symbol, value: ExprId) -> Option<ExprId> {
    let u = unfold(g, e).ok()?;
    let s = g.substitute(u, &HashMap::from([(var, value)]));
    Some(simplify(g, s))
}

/// The text of an expression.
#[must_use]
pub fn text(g: &Graph, e: ExprId) -> String {
    print::text(g, e)
}

/// The number of operations in the printed form.
#[must_use]
pub fn op_count(g: &Graph, e: ExprId) -> usize {
    print::op_count(g, e)
}

/// Whether a `diff(...)` node occurs in `e`.
#[must_use]
pub fn has_diff(g: &Graph, e: ExprId) -> bool {
    g.reachable(&[e])
        .into_iter()
        .any(|id| matches!(g.node(id), Node::Diff(..)))
}

/// The certified sign of `e` at the exact point `env`: the MPFR enclosure at rising
/// precision, until it excludes 0 (or is exactly 0). `None` when undefined there, not
/// decided, or `e` cannot be unfolded.
#[must_use]
pub fn certified_sign(
    g: &mut Graph,
    e: ExprId,
    env: &HashMap<Symbol, BigRational>,
) -> Option<Ordering> {
    let u = unfold(g, e).ok()?;
    for prec in [128, 512, 2048] {
        match certified::enclose(g, u, env, prec) {
            Ok(iv) if iv.is_zero() => return Some(Ordering::Equal),
            Ok(iv) if !iv.contains_zero() => {
                return Some(if iv.lo.cmp0() == Some(Ordering::Greater) {
                    Ordering::Greater
                } else {
                    Ordering::Less
                })
            }
            Ok(_) | Err(certified::EvalError::Undecided) => {}
            Err(_) => return None,
        }
    }
    None
}

/// The value of `e` at `env` with `digits` certified significant digits, as text (or
/// why it has none). The evaluator unfolds `e` itself.
#[must_use]
pub fn value_text(
    g: &mut Graph,
    e: ExprId,
    env: &HashMap<Symbol, BigRational>,
    digits: u32,
) -> String {
    match certified::evaluate(g, e, env, digits) {
        Ok(v) => v.decimal,
        Err(certified::EvalError::Undefined { detail, .. }) => format!("undefined ({detail})"),
        Err(e) => format!("not evaluated ({e})"),
    }
}

/// The value of `e` at `env` as an `f64` (from certified digits), when defined.
#[must_use]
pub fn value_f64(g: &mut Graph, e: ExprId, env: &HashMap<Symbol, BigRational>) -> Option<f64> {
    let v = certified::evaluate(g, e, env, 20).ok()?;
    v.decimal.parse::<f64>().ok().filter(|f| f.is_finite())
}
