//! A graded answer ([`Grade`]): the verdict, the diagnosis of a wrong answer (a stable
//! code, the text, the exercise's hint), the certified point and both values, and for
//! an unreadable answer the error with its line and column. [`grade`] reads an answer
//! in a fresh graph (so definitions in one answer never leak into another) and sends
//! it to the checker of its exercise's kind.

use std::time::Duration;

use serde::Serialize;

use super::engine::{Budget, Decision, Witness, ANSWER_NAME};
use super::format::{AnswerKind, Exercise};
use super::{batch, formula, network, proof, vanishing};
use crate::parse::ParseError;

/// The verdict on an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The answer is right (proved or verified by the checker).
    Correct,
    /// The answer is wrong (a certified counterexample or an exact reason).
    Incorrect,
    /// The answer cannot be read: a parse error, or the wrong kind of answer.
    Unreadable,
    /// The checker could not decide within its limits.
    Unknown,
}

impl Verdict {
    /// The verdict's name in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Incorrect => "incorrect",
            Verdict::Unreadable => "unreadable",
            Verdict::Unknown => "unknown",
        }
    }

    /// The exit code of `exercises check`: 0 correct, 1 incorrect, 2 unreadable,
    /// 3 unknown.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Correct => 0,
            Verdict::Incorrect => 1,
            Verdict::Unreadable => 2,
            Verdict::Unknown => 3,
        }
    }

    /// The mark in a grade table.
    #[must_use]
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Correct => "✓",
            Verdict::Incorrect => "✗",
            Verdict::Unreadable | Verdict::Unknown => "?",
        }
    }
}

/// What is wrong with an answer (or, for a correct one, a remark such as
/// `unsimplified`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The stable code (`right_hand_kink`, `missing_factor`, `differs`, ...).
    pub code: String,
    /// What the checker found, in words, with values.
    pub text: String,
    /// The exercise's advice for this mistake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Why an answer cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    /// The message.
    pub message: String,
    /// The 1-based line, when the error has a place.
    pub line: Option<usize>,
    /// The 1-based column.
    pub column: Option<usize>,
    /// The message with the source line and a caret, for a terminal.
    #[serde(skip)]
    pub rendered: String,
}

/// The answer's value and the expected value at the certified point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Values {
    /// The answer's value.
    pub answer: String,
    /// The expected value.
    pub expected: String,
}

/// A graded answer.
#[derive(Clone, Debug, Serialize)]
pub struct Grade {
    /// The exercise.
    pub id: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The kind of answer the exercise expects.
    pub kind: &'static str,
    /// The answer as the checker read it (printed back), when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The diagnosis of a wrong answer, or a remark on a right one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Diagnosis>,
    /// The certified point that shows the verdict (exact coordinates as strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<serde_json::Value>,
    /// Both values at the point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Values>,
    /// Further lines of explanation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// How the verdict was reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Why the answer cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<AnswerError>,
}

impl Grade {
    /// A grade with only a verdict.
    #[must_use]
    pub fn new(ex: &Exercise, verdict: Verdict) -> Grade {
        Grade {
            id: ex.id.clone(),
            verdict,
            kind: ex.answer.as_str(),
            answer: None,
            diagnosis: None,
            point: None,
            values: None,
            details: Vec::new(),
            method: None,
            error: None,
        }
    }

    /// An unreadable answer.
    #[must_use]
    pub fn unreadable(ex: &Exercise, message: impl Into<String>) -> Grade {
        let message = message.into();
        let mut g = Grade::new(ex, Verdict::Unreadable);
        g.error = Some(AnswerError {
            rendered: format!("error: {message}"),
            message,
            line: None,
            column: None,
        });
        g
    }

    /// An answer with a parse error in `src`.
    #[must_use]
    pub fn parse_error(ex: &Exercise, src: &str, e: &ParseError) -> Grade {
        let (line, column) = e.line_col(src);
        let mut g = Grade::new(ex, Verdict::Unreadable);
        g.error = Some(AnswerError {
            message: e.to_string(),
            line: Some(line),
            column: Some(column),
            rendered: e.render(src, ANSWER_NAME),
        });
        g
    }

    /// [`Grade::unreadable`], boxed (for readers that return early with it).
    #[must_use]
    pub fn reject(ex: &Exercise, message: impl Into<String>) -> Box<Grade> {
        Box::new(Grade::unreadable(ex, message))
    }

    /// [`Grade::parse_error`], boxed.
    #[must_use]
    pub fn reject_parse(ex: &Exercise, src: &str, e: &ParseError) -> Box<Grade> {
        Box::new(Grade::parse_error(ex, src, e))
    }

    /// An undecided answer, with the reason.
    #[must_use]
    pub fn unknown(ex: &Exercise, reason: impl Into<String>) -> Grade {
        let mut g = Grade::new(ex, Verdict::Unknown);
        g.method = Some(reason.into());
        g
    }

    /// Sets the diagnosis.
    #[must_use]
    pub fn with_diagnosis(
        mut self,
        code: impl Into<String>,
        text: impl Into<String>,
        hint: Option<String>,
    ) -> Grade {
        self.diagnosis = Some(Diagnosis {
            code: code.into(),
            text: text.into(),
            hint,
        });
        self
    }

    /// Sets the certified point and both values from a counterexample.
    #[must_use]
    pub fn with_witness(mut self, w: &Witness) -> Grade {
        self.point = Some(w.point.clone());
        self.values = Some(Values {
            answer: w.lhs.clone(),
            expected: w.rhs.clone(),
        });
        self
    }

    /// The diagnosis code, or `""`.
    #[must_use]
    pub fn code(&self) -> &str {
        self.diagnosis.as_ref().map_or("", |d| d.code.as_str())
    }
}

/// An undecided grade from an undecided checker decision.
pub(super) fn undecided(ex: &Exercise, d: &Decision) -> Grade {
    let why = d
        .note
        .clone()
        .unwrap_or_else(|| "the checker could not decide".into());
    Grade::unknown(ex, format!("undecided: {why}"))
}

/// Limits of one answer's grading.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The wall-clock time one answer may take, diagnoses included.
    pub time_per_answer: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time_per_answer: Duration::from_secs(30),
        }
    }
}

/// Grades one answer to one exercise.
#[must_use]
pub fn grade(ex: &Exercise, answer: &str, limits: &Limits) -> Grade {
    let budget = Budget::new(limits.time_per_answer);
    if answer.trim().is_empty() {
        return Grade::unreadable(ex, format!("the answer is empty: {}", ex.expects));
    }
    // A panic would be a bug in actsym; in bulk grading it must cost one cell, not
    // the run, so it becomes an unknown verdict naming the problem.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match ex.answer {
        AnswerKind::Formula => formula::grade(ex, answer, &budget),
        AnswerKind::Proof => proof::grade(ex, answer, &budget),
        AnswerKind::Batch => batch::grade(ex, answer, &budget),
        // Part 7 also asks for the bound sigmoid' <= 1/4: an inequality answer
        // goes to its [proof] table.
        AnswerKind::Vanishing if ex.proof.is_some() && answer.contains(['<', '>']) => {
            proof::grade(ex, answer, &budget)
        }
        AnswerKind::Vanishing => vanishing::grade(ex, answer, &budget),
        AnswerKind::Network => network::grade(ex, answer, &budget),
    }));
    run.unwrap_or_else(|_| {
        Grade::unknown(
            ex,
            "internal error while grading (a bug in actsym; please report the answer)",
        )
    })
}
