//! Diagnoses of a wrong formula answer. Each test builds candidate claims from the
//! answer and the reference ("the answer is the right-hand derivative", "the answer
//! is the reference with this factor left out", ...) and lets the checker decide
//! them: a diagnosis is reported only when its claim is proved or verified (or, for
//! "right on one side only", when one side is proved and the other refuted with a
//! certified point). Which tests run, in which order and with which hint, is data:
//! the exercise file's `[[diagnosis]]` list. When none applies, the answer "differs"
//! at the certified point of the main check.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diff::Kink;
use crate::expr::{CmpOp, ExprId, Graph, Node, Symbol};

use super::engine::{self, Budget, Decision, Effort, Witness};
use super::format::{DiagnosisSpec, Test};
use super::formula::Reference;

/// The most candidate claims one structural test (sign slip, missing factor) tries.
const MAX_CANDIDATES: usize = 24;

/// A wrong answer and what it is compared with.
pub(super) struct Case<'a> {
    /// The answer, derivatives taken.
    pub answer: ExprId,
    /// The reference.
    pub reference: &'a Reference,
    /// The certified point of the main check.
    pub witness: &'a Witness,
    /// The answer's time budget.
    pub budget: &'a Budget,
}

/// The diagnosis found.
pub(super) struct Found {
    /// The code.
    pub code: String,
    /// What was found, in words.
    pub text: String,
    /// The exercise's hint.
    pub hint: Option<String>,
    /// A better point to show than the main check's, when the test found one.
    pub witness: Option<Witness>,
}

/// A test's finding: code, text, and maybe its own point.
struct Finding {
    code: String,
    text: String,
    witness: Option<Witness>,
}

fn finding(code: &str, text: String) -> Option<Finding> {
    Some(Finding {
        code: code.into(),
        text,
        witness: None,
    })
}

/// Runs the exercise's tests in order; the first that applies is the diagnosis.
pub(super) fn diagnose(g: &mut Graph, case: &Case<'_>, specs: &[DiagnosisSpec]) -> Found {
    for spec in specs {
        if case.budget.spent() {
            break;
        }
        if let Some(f) = run_test(g, case, spec) {
            return Found {
                code: f.code,
                text: f.text,
                hint: Some(spec.hint.clone()),
                witness: f.witness,
            };
        }
    }
    let w = case.witness;
    Found {
        code: "differs".into(),
        text: format!(
            "Your answer differs from {} at {}: yours is {}, {} is {}.",
            case.reference.noun(),
            w.point_text,
            w.lhs,
            case.reference.noun(),
            w.rhs
        ),
        hint: None,
        witness: None,
    }
}

fn run_test(g: &mut Graph, case: &Case<'_>, spec: &DiagnosisSpec) -> Option<Finding> {
    match spec.test {
        Test::KinkConvention => kink_convention(g, case),
        Test::KinkValue => kink_value(g, case),
        Test::OneSide => one_side(g, case),
        Test::WrongVariable => wrong_variable(g, case),
        Test::Negated => {
            let neg = g.neg(case.reference.expected);
            holds(g, case, neg, &[]).then(|| Finding {
                code: "negated".into(),
                text: format!(
                    "Your answer is the negative of {}: its sign is flipped throughout.",
                    case.reference.noun()
                ),
                witness: None,
            })
        }
        Test::SignSlip => sign_slip(g, case),
        Test::MissingTerm => missing_term(g, case),
        Test::MissingFactor => missing_factor(g, case),
        Test::ConstantFactor => constant_factor(g, case),
        Test::Model => {
            let model = engine::parse_expr(g, spec.model.as_deref()?).ok()?;
            holds(g, case, model, &[]).then(|| Finding {
                code: spec.code.clone().unwrap_or_else(|| "model".into()),
                text: spec
                    .says
                    .clone()
                    .unwrap_or_else(|| "Your answer is a typical wrong form.".into()),
                witness: None,
            })
        }
    }
}

fn light(g: &mut Graph, case: &Case<'_>, other: ExprId, conds: &[ExprId]) -> Decision {
    engine::decide(g, case.answer, other, conds, Effort::Light, case.budget)
}

/// Whether the answer equals `other` (where `conds` hold), proved or verified.
fn holds(g: &mut Graph, case: &Case<'_>, other: ExprId, conds: &[ExprId]) -> bool {
    light(g, case, other, conds).holds == Some(true)
}

/// The first kink where the answer's and the reference's values differ, with both
/// values (other variables symbolic): `(kink, answer's value, reference's value)`.
fn kink_values(g: &mut Graph, case: &Case<'_>) -> Option<(ExprId, ExprId, ExprId)> {
    let wrt = case.reference.wrt?;
    for &k in &case.reference.kinks {
        let a = engine::value_at(g, case.answer, wrt, k)?;
        let r = engine::value_at(g, case.reference.expected, wrt, k)?;
        if a != r {
            return Some((k, a, r));
        }
    }
    None
}

/// "at x = 0 your answer gives 1; the chapter's left-hand derivative there is alpha",
/// or the certified point when the kink values do not separate symbolically.
fn at_the_kink(g: &mut Graph, case: &Case<'_>) -> String {
    let wrt = case.reference.wrt.map(|w| g.name(w).to_owned());
    match (kink_values(g, case), wrt) {
        (Some((k, a, r)), Some(w)) => format!(
            "at {w} = {} your answer gives {}; the chapter takes the left-hand derivative there, {}",
            engine::text(g, k),
            engine::text(g, a),
            engine::text(g, r)
        ),
        _ => {
            let w = case.witness;
            format!(
                "at {} your answer gives {}; the chapter's left-hand derivative is {}",
                w.point_text, w.lhs, w.rhs
            )
        }
    }
}

fn kink_convention(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let (f, wrt) = (case.reference.function?, case.reference.wrt?);
    let modes = [
        (Kink::Right, "right_hand_kink", "the right-hand derivative"),
        (
            Kink::Autodiff,
            "autodiff_kink",
            "what reverse-mode automatic differentiation computes",
        ),
    ];
    for (kink, code, name) in modes {
        let Ok(other) = engine::derive(g, f, wrt, kink) else {
            continue;
        };
        if other != case.reference.expected && holds(g, case, other, &[]) {
            let at = at_the_kink(g, case);
            return finding(code, format!("Your answer is {name}: {at}."));
        }
    }
    None
}

/// `wrt < k` and `wrt > k`.
fn sides_of(g: &mut Graph, wrt: Symbol, k: ExprId) -> (ExprId, ExprId) {
    let x = g.var_sym(wrt);
    (g.cmp(CmpOp::Lt, x, k), g.cmp(CmpOp::Gt, x, k))
}

fn kink_value(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let wrt = case.reference.wrt?;
    for &k in &case.reference.kinks {
        let (left, right) = sides_of(g, wrt, k);
        let r = case.reference.expected;
        if holds(g, case, r, &[left]) && holds(g, case, r, &[right]) {
            let w = g.name(wrt).to_owned();
            let (a, e) = (
                engine::value_at(g, case.answer, wrt, k)?,
                engine::value_at(g, r, wrt, k)?,
            );
            return finding(
                "kink_value",
                format!(
                    "Your answer is right everywhere except at the kink {w} = {}: there it gives {}, and the chapter's (left-hand) derivative is {}.",
                    engine::text(g, k),
                    engine::text(g, a),
                    engine::text(g, e)
                ),
            );
        }
    }
    None
}

fn one_side(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let wrt = case.reference.wrt?;
    for &k in &case.reference.kinks {
        let (left, right) = sides_of(g, wrt, k);
        let r = case.reference.expected;
        let on_left = light(g, case, r, &[left]);
        let on_right = light(g, case, r, &[right]);
        let (good, bad, decision) = match (on_left.holds, on_right.holds) {
            (Some(true), Some(false)) => ("<", ">", on_right),
            (Some(false), Some(true)) => (">", "<", on_left),
            _ => continue,
        };
        let w = decision.witness?;
        let (name, kt) = (g.name(wrt).to_owned(), engine::text(g, k));
        return Some(Finding {
            code: "one_side_only".into(),
            text: format!(
                "Your answer is right for {name} {good} {kt} but not for {name} {bad} {kt}: at {} it gives {}, and {} is {}.",
                w.point_text,
                w.lhs,
                case.reference.noun(),
                w.rhs
            ),
            witness: Some(w),
        });
    }
    None
}

fn wrong_variable(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let (f, wrt) = (case.reference.function?, case.reference.wrt?);
    let others: Vec<Symbol> = case
        .reference
        .variables
        .iter()
        .copied()
        .filter(|&v| v != wrt)
        .collect();
    for v in others {
        let Ok(d) = engine::derive(g, f, v, Kink::Left) else {
            continue;
        };
        if g.as_num(d).is_some_and(Zero::is_zero) {
            continue;
        }
        if holds(g, case, d, &[]) {
            return finding(
                "wrong_variable",
                format!(
                    "Your answer is the derivative with respect to {}; the exercise asks for the derivative with respect to {}.",
                    g.name(v),
                    g.name(wrt)
                ),
            );
        }
    }
    None
}

/// `root` with the node `old` replaced by `new`.
fn replace(g: &mut Graph, root: ExprId, old: ExprId, new: ExprId) -> ExprId {
    g.rewrite(
        root,
        |g, id, node| if id == old { new } else { g.rebuild(node) },
    )
}

/// One edit of a node of the reference: the part it concerns (the term or factor)
/// and the node that replaces it.
type Edit = (ExprId, ExprId);

/// Tries the reference with one node edited, for every node and every edit `edits`
/// offers (at most [`MAX_CANDIDATES`] candidates): the first variant the answer
/// equals, as `(node, part)`. Variants equal to the reference or to its negative are
/// skipped (the latter is the `negated` test's).
fn first_equal_variant(
    g: &mut Graph,
    case: &Case<'_>,
    edits: impl Fn(&mut Graph, &Node) -> Vec<Edit>,
) -> Option<(ExprId, ExprId)> {
    let r = case.reference.expected;
    let negated = g.neg(r);
    let mut tried = 0;
    for n in g.reachable(&[r]) {
        let node = g.node(n).clone();
        for (part, new) in edits(g, &node) {
            if tried >= MAX_CANDIDATES {
                return None;
            }
            let candidate = replace(g, r, n, new);
            if candidate == r || candidate == negated {
                continue;
            }
            tried += 1;
            if holds(g, case, candidate, &[]) {
                return Some((n, part));
            }
        }
    }
    None
}

/// The terms of a sum, each with the sum that results from `change` applied to it.
fn sum_edits(
    g: &mut Graph,
    node: &Node,
    change: fn(&mut Graph, ExprId) -> Option<ExprId>,
) -> Vec<Edit> {
    let Node::Add(terms) = node else {
        return Vec::new();
    };
    (0..terms.len())
        .map(|k| {
            let mut rest = terms.to_vec();
            match change(g, terms[k]) {
                Some(t) => rest[k] = t,
                None => {
                    rest.remove(k);
                }
            }
            (terms[k], g.add(rest))
        })
        .collect()
}

fn sign_slip(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let (_, t) = first_equal_variant(g, case, |g, node| sum_edits(g, node, |g, t| Some(g.neg(t))))?;
    let flipped = g.neg(t);
    finding(
        "sign_slip",
        format!(
            "One sign is flipped: your answer has {} where {} has {}.",
            engine::text(g, flipped),
            case.reference.noun(),
            engine::text(g, t)
        ),
    )
}

fn missing_term(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let (n, t) = first_equal_variant(g, case, |g, node| sum_edits(g, node, |_, _| None))?;
    finding(
        "missing_term",
        format!(
            "A term is missing: {} has the term {} in {}, which your answer leaves out.",
            case.reference.noun(),
            engine::text(g, t),
            engine::text(g, n)
        ),
    )
}

fn missing_factor(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let (m, f) = first_equal_variant(g, case, |g, node| {
        let Node::Mul(factors) = node else {
            return Vec::new();
        };
        let mut edits = Vec::new();
        for (k, &f) in factors.iter().enumerate() {
            let mut rest = factors.to_vec();
            rest.remove(k);
            // A constant is the constant-factor test's; dropping the only variable
            // factor (the `s` of `-s`) is a missing term, not a missing factor.
            if g.as_num(f).is_some() || rest.iter().all(|&c| g.as_num(c).is_some()) {
                continue;
            }
            edits.push((f, g.mul(rest)));
        }
        edits
    })?;
    finding(
        "missing_factor",
        format!(
            "A factor is missing: in {}, {} has the factor {}, which your answer leaves out.",
            engine::text(g, m),
            case.reference.noun(),
            engine::text(g, f)
        ),
    )
}

/// Probe values for the variables of a ratio (simple, distinct, away from kinks).
const PROBES: [(i64, i64); 4] = [(7, 5), (3, 7), (5, 3), (-2, 9)];

/// The simplest fraction with denominator at most `max_den` within a relative
/// `1e-9` of `v` (continued fractions).
fn simple_fraction(v: f64, max_den: i64) -> Option<BigRational> {
    if !v.is_finite() {
        return None;
    }
    let (mut h0, mut h1, mut k0, mut k1) = (0i64, 1i64, 1i64, 0i64);
    let mut rest = v;
    for _ in 0..40 {
        let a = rest.floor();
        let a_i = a.to_i64()?;
        let h2 = a_i.checked_mul(h1)?.checked_add(h0)?;
        let k2 = a_i.checked_mul(k1)?.checked_add(k0)?;
        if k2 > max_den {
            return None;
        }
        (h0, h1, k0, k1) = (h1, h2, k1, k2);
        let approx = h1 as f64 / k1 as f64;
        if (approx - v).abs() <= 1e-9 * v.abs().max(1e-300) {
            return Some(BigRational::new(BigInt::from(h1), BigInt::from(k1)));
        }
        let frac = rest - a;
        if frac == 0.0 {
            return None;
        }
        rest = 1.0 / frac;
    }
    None
}

fn constant_factor(g: &mut Graph, case: &Case<'_>) -> Option<Finding> {
    let r = case.reference.expected;
    let mut vars = g.free_vars(r);
    vars.extend(g.free_vars(case.answer));
    vars.sort();
    vars.dedup();
    let env: HashMap<Symbol, BigRational> = vars
        .iter()
        .zip(PROBES.iter().cycle())
        .map(|(&v, &(n, d))| (v, BigRational::new(BigInt::from(n), BigInt::from(d))))
        .collect();
    let rv = engine::value_f64(g, r, &env)?;
    let av = engine::value_f64(g, case.answer, &env)?;
    if rv.abs() < 1e-12 {
        return None;
    }
    let c = simple_fraction(av / rv, 1000)?;
    if c.is_zero() || c.abs().is_one() {
        return None;
    }
    let cn = g.num(c.clone());
    let scaled = g.mul(vec![cn, r]);
    holds(g, case, scaled, &[]).then(|| Finding {
        code: "constant_factor".into(),
        text: format!(
            "Your answer is {c} times {}: a constant factor is off.",
            case.reference.noun()
        ),
        witness: None,
    })
}
