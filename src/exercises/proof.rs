//! Proof answers (part 5a, the identity drills): a claim, or a derivation chain as
//! `actsym prove` reads it (a `claim:` line, then `= expr [by reason]` steps). The
//! claim must state the exercise's identity (the same sides, possibly swapped or
//! rearranged: the canonical differences of the sides agree up to sign) and hold;
//! each step of a chain must hold, and the chain must end at the claim's right side.

use crate::expr::Graph;
use crate::parse::{Claim, Relation};
use crate::prove::chain::parse_chain;

use super::engine::{self, Budget, Effort};
use super::format::Exercise;
use super::grade::{undecided, Grade, Verdict};

/// Whether the text is a derivation chain rather than a claim.
fn is_chain(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with("claim:"))
}

/// The relation read right to left (`a <= b` is `b >= a`).
fn converse(r: Relation) -> Relation {
    match r {
        Relation::Eq => Relation::Eq,
        Relation::Lt => Relation::Gt,
        Relation::Le => Relation::Ge,
        Relation::Gt => Relation::Lt,
        Relation::Ge => Relation::Le,
    }
}

/// Whether `c` states the target: the same sides (either way round, the relation
/// read the other way), or sides whose canonical difference is the target's up to
/// sign (`tanh(x) = 2*sigmoid(2*x) - 1`; for an inequality the sign goes with the
/// relation), and no condition the target does not have. The sides are compared
/// with their `diff(...)` taken, so `sigmoid(x)*(1 - sigmoid(x)) <= 1/4` states
/// `diff(sigmoid(x), x) <= 1/4` when the derivative takes that form.
fn same_statement(g: &mut Graph, c: &Claim, target: &Claim) -> bool {
    if !c.conditions.iter().all(|k| target.conditions.contains(k)) || c.more != target.more {
        return false;
    }
    let (r, t) = (c.relation, target.relation);
    let same_way = r == t;
    let other_way = r == converse(t);
    if (same_way && (c.lhs, c.rhs) == (target.lhs, target.rhs))
        || (other_way && (c.rhs, c.lhs) == (target.lhs, target.rhs))
    {
        return true;
    }
    let taken = |g: &mut Graph, e| engine::take_diffs(g, e).unwrap_or(e);
    let (cl, cr, tl, tr) = (
        taken(g, c.lhs),
        taken(g, c.rhs),
        taken(g, target.lhs),
        taken(g, target.rhs),
    );
    let d = g.sub(cl, cr);
    let t_diff = g.sub(tl, tr);
    let minus_t = g.neg(t_diff);
    (same_way && d == t_diff) || (other_way && d == minus_t)
}

fn claim_text(g: &Graph, c: &Claim) -> String {
    let mut s = engine::text(g, c.lhs);
    for (_, rel, right) in c.links() {
        s.push_str(&format!(" {} {}", rel.symbol(), engine::text(g, right)));
    }
    if !c.conditions.is_empty() {
        let conds: Vec<String> = c.conditions.iter().map(|&k| engine::text(g, k)).collect();
        s.push_str(&format!(" where {}", conds.join(", ")));
    }
    s
}

/// The verdict on a claim that is not the target: false, or true but another one.
fn other_claim(
    g: &mut Graph,
    mut grade: Grade,
    c: &Claim,
    target: &Claim,
    budget: &Budget,
) -> Grade {
    let d = engine::decide_claim_with(g, c, Effort::Full, budget);
    let wanted = claim_text(g, target);
    match (d.holds, d.witness) {
        (Some(false), Some(w)) => {
            let text = format!(
                "Your claim is false: at {} the left side is {}, the right side {}.",
                w.point_text, w.lhs, w.rhs
            );
            grade = grade.with_witness(&w);
            grade.with_diagnosis("claim_refuted", text, None)
        }
        (Some(true), _) => grade.with_diagnosis(
            "wrong_claim",
            format!("Your claim holds, but it is not the one to show: {wanted}."),
            None,
        ),
        _ => grade.with_diagnosis(
            "wrong_claim",
            format!("Your claim is not the one to show: {wanted}."),
            None,
        ),
    }
}

/// Grades a proof answer.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let Some(spec) = &ex.proof else {
        return Grade::unknown(ex, "the exercise file has no [proof] table");
    };
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let target = match engine::parse_claim(g, &spec.claim) {
        Ok(c) => c,
        Err(e) => {
            return Grade::unknown(ex, format!("exercise file: the claim does not parse: {e}"))
        }
    };
    if is_chain(text) && target.relation != Relation::Eq {
        return Grade::unreadable(
            ex,
            format!(
                "expected the inequality as one claim ({}), not a derivation chain",
                ex.expects
            ),
        );
    }
    if is_chain(text) {
        grade_chain(g, ex, text, &target, budget)
    } else {
        grade_claim(g, ex, text, &target, budget)
    }
}

fn grade_claim(g: &mut Graph, ex: &Exercise, text: &str, target: &Claim, budget: &Budget) -> Grade {
    let c = match engine::parse_claim(g, text) {
        Ok(c) => c,
        Err(e) => return Grade::parse_error(ex, text, &e),
    };
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(claim_text(g, &c));
    if !same_statement(g, &c, target) {
        return other_claim(g, grade, &c, target, budget);
    }
    let d = engine::decide_claim_with(g, &c, Effort::Full, budget);
    grade.method = Some(format!("{} ({})", d.verdict, d.method));
    match (d.holds, &d.witness) {
        (Some(true), _) => {
            grade.verdict = Verdict::Correct;
            grade
        }
        (Some(false), Some(w)) => {
            let text = format!(
                "Your claim is false: at {} the left side is {}, the right side {}.",
                w.point_text, w.lhs, w.rhs
            );
            grade
                .with_witness(w)
                .with_diagnosis("claim_refuted", text, None)
        }
        _ => undecided(ex, &d),
    }
}

fn grade_chain(g: &mut Graph, ex: &Exercise, text: &str, target: &Claim, budget: &Budget) -> Grade {
    let chain = match parse_chain(g, text, engine::ANSWER_NAME) {
        Ok(c) => c,
        Err(e) => return Grade::parse_error(ex, text, &e),
    };
    if chain.steps.is_empty() {
        return Grade::unreadable(
            ex,
            "the chain has no steps: write lines '= expr [by reason]' after the claim",
        );
    }
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(claim_text(g, &chain.claim));
    if !same_statement(g, &chain.claim, target) {
        return other_claim(g, grade, &chain.claim, target, budget);
    }
    let mut prev = chain.claim.lhs;
    let mut undecided_step = None;
    let mut numeric_steps = Vec::new();
    for (k, step) in chain.steps.iter().enumerate() {
        let line = crate::parse::line_col(text, step.span.start).0;
        if step.relation != crate::parse::Relation::Eq {
            let msg = format!(
                "Step {} (line {line}) is an inequality ('{}'): a derivation of an identity needs '=' steps.",
                k + 1,
                step.relation.symbol()
            );
            return grade.with_diagnosis("chain_incomplete", msg, None);
        }
        let d = engine::decide(
            g,
            prev,
            step.expr,
            &chain.claim.conditions,
            Effort::Full,
            budget,
        );
        grade.details.push(format!(
            "step {} (line {line}): {} = {}  {}",
            k + 1,
            engine::text(g, prev),
            engine::text(g, step.expr),
            d.verdict
        ));
        match (d.holds, &d.witness) {
            (Some(false), Some(w)) => {
                let msg = format!(
                    "Step {} (line {line}) does not hold: {} = {} fails at {}, where the left side is {} and the right side {}.",
                    k + 1,
                    engine::text(g, prev),
                    engine::text(g, step.expr),
                    w.point_text,
                    w.lhs,
                    w.rhs
                );
                return grade
                    .with_witness(w)
                    .with_diagnosis("step_refuted", msg, None);
            }
            (Some(true), _) if d.verdict != "proved" => numeric_steps.push(k + 1),
            (Some(true), _) => {}
            _ => {
                undecided_step.get_or_insert((k + 1, d));
            }
        }
        prev = step.expr;
    }
    if prev != chain.claim.rhs {
        let msg = format!(
            "The chain ends at {}, which is not the claim's right side {}.",
            engine::text(g, prev),
            engine::text(g, chain.claim.rhs)
        );
        return grade.with_diagnosis("chain_incomplete", msg, None);
    }
    if let Some((k, d)) = undecided_step {
        let mut u = undecided(ex, &d);
        u.details = grade.details;
        u.details.push(format!("step {k} could not be decided"));
        return u;
    }
    grade.verdict = Verdict::Correct;
    grade.method = Some(format!("{} steps, each checked", chain.steps.len()));
    if !numeric_steps.is_empty() {
        let list: Vec<String> = numeric_steps.iter().map(ToString::to_string).collect();
        grade.details.push(format!(
            "step {} verified numerically (no symbolic proof found)",
            list.join(", ")
        ));
    }
    grade
}
