//! The chapter's exercises: every part checkable, answers graded with a diagnosis,
//! answer sheets graded in bulk.
//!
//! Each exercise is a TOML file of `exercises/` ([`format`]), embedded in the binary
//! ([`catalog`]). [`grade()`] reads an answer and sends it to the checker of its kind:
//! formulas are compared as functions by the prover ([`formula`]) and a wrong one is
//! diagnosed by tests the file lists ([`diagnose`]); claims and derivation chains
//! ([`proof`]); batch functions by a certified cross derivative ([`batch`]);
//! vanishing gradients by a certified bound ([`vanishing`]); networks by the exact
//! piecewise analysis ([`network`], part 4), the exact collapse of linear layers and
//! their rank ([`linear`], part 1), and the tanh/sigmoid conversion ([`classes`],
//! part 5b). [`sheet`] grades many students' sheets in
//! parallel; [`render`] prints grades and tables.
//!
//! ```
//! use actsym::exercises::{catalog::Catalog, grade, Limits, Verdict};
//! let catalog = Catalog::embedded().unwrap();
//! let ex = catalog.get("2").unwrap();
//! let right = grade(ex, "if(x > 0, 1, alpha)", &Limits::default());
//! assert_eq!(right.verdict, Verdict::Correct);
//! let wrong = grade(ex, "if(x >= 0, 1, alpha)", &Limits::default());
//! assert_eq!(wrong.verdict, Verdict::Incorrect);
//! assert_eq!(wrong.code(), "right_hand_kink");
//! ```

pub mod batch;
pub mod catalog;
pub mod classes;
pub mod diagnose;
mod engine;
pub mod format;
pub mod formula;
pub mod grade;
pub mod linear;
pub mod network;
pub mod proof;
pub mod render;
pub mod sheet;
pub mod vanishing;

use std::time::{Duration, Instant};

pub use grade::{grade, Diagnosis, Grade, Limits, Verdict};

use catalog::{references, Catalog};

/// One reference answer checked by [`run_references`].
#[derive(Clone, Debug)]
pub struct ReferenceCheck {
    /// Which reference (`reference 2`, `tanh-sigmoid.prove`).
    pub label: String,
    /// Its grade.
    pub grade: Grade,
    /// How long grading took.
    pub time: Duration,
}

/// Every reference answer of one exercise, checked.
#[derive(Clone, Debug)]
pub struct ExerciseCheck {
    /// The exercise id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Each reference's check.
    pub references: Vec<ReferenceCheck>,
}

impl ExerciseCheck {
    /// Whether every reference answer was graded correct.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.references
            .iter()
            .all(|r| r.grade.verdict == Verdict::Correct)
    }

    /// The total time.
    #[must_use]
    pub fn time(&self) -> Duration {
        self.references.iter().map(|r| r.time).sum()
    }
}

/// Grades every reference answer of every exercise (what `exercises run` shows).
#[must_use]
pub fn run_references(catalog: &Catalog, limits: &Limits) -> Vec<ExerciseCheck> {
    catalog
        .exercises()
        .iter()
        .map(|ex| ExerciseCheck {
            id: ex.id.clone(),
            title: ex.title.clone(),
            references: references(ex)
                .into_iter()
                .map(|(label, text)| {
                    let start = Instant::now();
                    let grade = grade(ex, &text, limits);
                    ReferenceCheck {
                        label,
                        grade,
                        time: start.elapsed(),
                    }
                })
                .collect(),
        })
        .collect()
}
