//! Formula answers: an expression (possibly after definitions, possibly with
//! `diff(...)` inside) compared AS A FUNCTION with the reference by the checker, so
//! every equal form is accepted. A wrong answer goes to the diagnoses
//! ([`super::diagnose`]); a right one longer than the reference is marked
//! `unsimplified` and shown simplified.

use crate::diff::Kink;
use crate::expr::{ExprId, Graph, Symbol};
use crate::parse::StatementKind;

use super::diagnose::{self, Case};
use super::engine::{self, Budget, Effort};
use super::format::{Exercise, FormulaSpec};
use super::grade::{undecided, Grade, Verdict};

/// The reference of a formula exercise, built in the answer's graph.
pub(super) struct Reference {
    /// The expected function (the derivative, left-hand at kinks, simplified).
    pub expected: ExprId,
    /// The function differentiated, for a derivative exercise.
    pub function: Option<ExprId>,
    /// The variable of differentiation.
    pub wrt: Option<Symbol>,
    /// The question as an expression, `diff(function, wrt)`.
    pub question: Option<ExprId>,
    /// The variables an answer may use.
    pub variables: Vec<Symbol>,
    /// The kinks in `wrt`, exact.
    pub kinks: Vec<ExprId>,
}

impl Reference {
    /// Builds the reference; an error is a mistake in the exercise file.
    pub fn build(g: &mut Graph, spec: &FormulaSpec) -> Result<Reference, String> {
        let parse = |g: &mut Graph, what: &str, src: &str| {
            engine::parse_expr(g, src).map_err(|e| format!("{what} '{src}' does not parse: {e}"))
        };
        let variables = spec.variables.iter().map(|v| g.symbol(v)).collect();
        let kinks = spec
            .kinks
            .iter()
            .map(|k| parse(g, "kink", k))
            .collect::<Result<Vec<_>, _>>()?;
        if let (Some(f), Some(w)) = (&spec.function, &spec.wrt) {
            let function = parse(g, "function", f)?;
            let wrt = g.symbol(w);
            let expected = engine::derive(g, function, wrt, Kink::Left)
                .map_err(|e| format!("the derivative of {f} cannot be taken: {e}"))?;
            let question = g.diff_node(function, wrt);
            Ok(Reference {
                expected,
                function: Some(function),
                wrt: Some(wrt),
                question: Some(question),
                variables,
                kinks,
            })
        } else {
            let src = spec.expected.as_deref().unwrap_or("");
            Ok(Reference {
                expected: parse(g, "expected", src)?,
                function: None,
                wrt: None,
                question: None,
                variables,
                kinks,
            })
        }
    }

    /// `derivative` or `expected function`, for messages.
    pub fn noun(&self) -> &'static str {
        if self.function.is_some() {
            "the derivative"
        } else {
            "the expected function"
        }
    }
}

/// Reads the answer: definitions, then one expression, or a claim whose left side is
/// the question itself (`diff(prelu(x, alpha), x) = ...`).
fn read_answer(
    g: &mut Graph,
    ex: &Exercise,
    text: &str,
    reference: &Reference,
) -> Result<ExprId, Box<Grade>> {
    let stmts = engine::parse_text(g, text).map_err(|e| Grade::reject_parse(ex, text, &e))?;
    let mut found = Vec::new();
    for s in &stmts {
        match &s.kind {
            StatementKind::Definition(_) => {}
            StatementKind::Expr(e) => found.push(*e),
            StatementKind::Claim(c)
                if Some(c.lhs) == reference.question
                    && c.conditions.is_empty()
                    && c.is_identity() =>
            {
                found.push(c.rhs);
            }
            StatementKind::Claim(_) => {
                return Err(Grade::reject(
                    ex,
                    format!("expected {}, found a claim", ex.expects),
                ))
            }
        }
    }
    match found.as_slice() {
        [e] => Ok(*e),
        [] => Err(Grade::reject(
            ex,
            format!("expected {}, found only definitions", ex.expects),
        )),
        _ => Err(Grade::reject(
            ex,
            format!(
                "expected one formula ({}), found {}",
                ex.expects,
                found.len()
            ),
        )),
    }
}

/// Grades a formula answer.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let Some(spec) = &ex.formula else {
        return Grade::unknown(ex, "the exercise file has no [formula] table");
    };
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let reference = match Reference::build(g, spec) {
        Ok(r) => r,
        Err(e) => return Grade::unknown(ex, format!("exercise file: {e}")),
    };
    let answer = match read_answer(g, ex, text, &reference) {
        Ok(a) => a,
        Err(grade) => return *grade,
    };
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(engine::text(g, answer));
    let strange: Vec<String> = g
        .free_vars(answer)
        .into_iter()
        .filter(|v| !reference.variables.contains(v))
        .map(|v| g.name(v).to_owned())
        .collect();
    if !strange.is_empty() {
        let allowed: Vec<&str> = spec.variables.iter().map(String::as_str).collect();
        return grade.with_diagnosis(
            "unknown_variable",
            format!(
                "Your answer uses {}, which this exercise does not have; its variables are {}.",
                strange.join(", "),
                allowed.join(", ")
            ),
            None,
        );
    }
    let decision = engine::decide(g, answer, reference.expected, &[], Effort::Full, budget);
    grade.method = Some(format!("{} ({})", decision.verdict, decision.method));
    match decision.holds {
        None => undecided(ex, &decision),
        Some(true) => {
            grade.verdict = Verdict::Correct;
            // Unsimplified: diff(...) is still inside, or the simplifier finds a form
            // at least a quarter shorter (a term or two rearranged is no remark);
            // the simplified form is shown, the answer accepted.
            // The checker has taken the answer's derivatives, so this does too; if it
            // could not, the answer stands without the remark.
            let Ok(taken) = engine::take_diffs(g, answer) else {
                return grade;
            };
            let simple = engine::simplify(g, taken);
            let (short, long) = (engine::op_count(g, simple), engine::op_count(g, answer));
            if engine::has_diff(g, answer) || 4 * short <= 3 * long {
                let shown = engine::text(g, simple);
                grade = grade.with_diagnosis(
                    "unsimplified",
                    format!("Correct; it simplifies to {shown}"),
                    None,
                );
            }
            grade
        }
        Some(false) => {
            let Some(witness) = decision.witness else {
                return grade.with_diagnosis("differs", "Your answer is not right.", None);
            };
            // The diagnoses compare the answer's derivatives as taken; one that cannot
            // be taken leaves the certified point without a diagnosis.
            let Ok(answer) = engine::take_diffs(g, answer) else {
                grade = grade.with_witness(&witness);
                return grade.with_diagnosis("differs", "Your answer is not right.", None);
            };
            let case = Case {
                answer,
                reference: &reference,
                witness: &witness,
                budget,
            };
            let found = diagnose::diagnose(g, &case, &ex.diagnoses);
            // The point shown is the diagnosis's own when it has one (the side of
            // the kink where the answer is wrong), else the main check's.
            let shown = found.witness.as_ref().unwrap_or(&witness);
            grade = grade.with_witness(shown);
            grade.details.push(format!(
                "certified at {}: your answer {}, {} {}",
                shown.point_text,
                shown.lhs,
                reference.noun(),
                shown.rhs
            ));
            grade.with_diagnosis(found.code, found.text, found.hint)
        }
    }
}
