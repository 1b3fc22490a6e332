//! Answer sheets and bulk grading. A sheet is one student's answers, in TOML:
//!
//! ```toml
//! student = "Ada Lovelace"
//! 2 = "if(x > 0, 1, alpha)"
//! 3 = "sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))"
//! 5a = { file = "ada-5a.prove" }     # a path relative to the sheet
//! ```
//!
//! [`grade_sheets`] grades many sheets in parallel (rayon; every answer in a graph of
//! its own, since a graph is not `Sync` and definitions must not leak between
//! answers). A sheet or an answer that cannot be read costs its own cells only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::catalog::Catalog;
use super::grade::{grade, Grade, Limits, Verdict};

/// One answer of a sheet: its text, or why it could not be read.
#[derive(Clone, Debug)]
pub struct SheetAnswer {
    /// The exercise id.
    pub id: String,
    /// The answer's text, or the reason it cannot be read (a missing file, a value
    /// that is not text).
    pub text: Result<String, String>,
}

/// A sheet as read from its file.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// The student.
    pub student: String,
    /// The answers, in catalog order.
    pub answers: Vec<SheetAnswer>,
    /// Keys that name no exercise (reported, not graded).
    pub warnings: Vec<String>,
}

/// Why a sheet could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The sheet's path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The TOML is malformed (the message has the line, the column and a caret).
    #[error("{path}: {message}")]
    Toml {
        /// The sheet's path.
        path: String,
        /// The TOML reader's message.
        message: String,
    },
    /// No `student = "..."` line.
    #[error("{path}: the sheet needs a line student = \"name\"")]
    NoStudent {
        /// The sheet's path.
        path: String,
    },
}

/// Reads a sheet's text; answer files are read relative to `dir`.
///
/// # Errors
/// [`SheetError`] for malformed TOML or a missing `student`.
pub fn parse_sheet(
    text: &str,
    path: &str,
    dir: &Path,
    catalog: &Catalog,
) -> Result<Sheet, SheetError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| SheetError::Toml {
        path: path.into(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    let Some(student) = table.get("student").and_then(toml::Value::as_str) else {
        return Err(SheetError::NoStudent { path: path.into() });
    };
    let mut answers = Vec::new();
    let mut warnings = Vec::new();
    for (key, value) in &table {
        if key == "student" {
            continue;
        }
        if catalog.get(key).is_none() {
            warnings.push(format!("'{key}' is not an exercise id; ignored"));
            continue;
        }
        let text = match value {
            toml::Value::String(s) => Ok(s.clone()),
            toml::Value::Table(t) => match t.get("file").and_then(toml::Value::as_str) {
                Some(f) => {
                    let p = dir.join(f);
                    std::fs::read_to_string(&p)
                        .map_err(|e| format!("cannot read answer file {}: {e}", p.display()))
                }
                None => Err("an answer is a string or { file = \"path\" }".to_owned()),
            },
            _ => Err("an answer is a string or { file = \"path\" }".to_owned()),
        };
        answers.push(SheetAnswer {
            id: key.clone(),
            text,
        });
    }
    answers.sort_by_key(|a| catalog.position(&a.id));
    Ok(Sheet {
        student: student.to_owned(),
        answers,
        warnings,
    })
}

/// Reads a sheet file.
///
/// # Errors
/// [`SheetError`].
pub fn read_sheet(path: &Path, catalog: &Catalog) -> Result<Sheet, SheetError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SheetError::Io {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    parse_sheet(&text, &shown, dir, catalog)
}

/// One graded cell of the table.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The exercise id.
    pub id: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The diagnosis code (empty when none).
    pub diagnosis: String,
    /// The diagnosis text, or the reason the answer is unreadable or unknown.
    pub message: String,
}

/// One sheet's grades.
#[derive(Clone, Debug, Serialize)]
pub struct SheetResult {
    /// The sheet's path.
    pub sheet: String,
    /// The student (the file's name when the sheet could not be read).
    pub student: String,
    /// The graded answers, in catalog order.
    pub cells: Vec<Cell>,
    /// Why the sheet could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Keys that were ignored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl SheetResult {
    /// The cell of an exercise, if the sheet answers it.
    #[must_use]
    pub fn cell(&self, id: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.id == id)
    }

    /// How many answers are correct.
    #[must_use]
    pub fn correct(&self) -> usize {
        self.cells
            .iter()
            .filter(|c| c.verdict == Verdict::Correct)
            .count()
    }
}

fn cell_of(g: &Grade) -> Cell {
    let message = match (&g.diagnosis, &g.error, &g.method) {
        (Some(d), _, _) => d.text.clone(),
        (None, Some(e), _) => e.message.clone(),
        (None, None, Some(m)) if g.verdict == Verdict::Unknown => m.clone(),
        _ => String::new(),
    };
    Cell {
        id: g.id.clone(),
        verdict: g.verdict,
        diagnosis: g.code().to_owned(),
        message,
    }
}

/// Grades one sheet file.
#[must_use]
pub fn grade_sheet(path: &Path, catalog: &Catalog, limits: &Limits) -> SheetResult {
    let shown = path.display().to_string();
    let sheet = match read_sheet(path, catalog) {
        Ok(s) => s,
        Err(e) => {
            let student = path
                .file_stem()
                .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned());
            return SheetResult {
                sheet: shown,
                student,
                cells: Vec::new(),
                error: Some(e.to_string()),
                warnings: Vec::new(),
            };
        }
    };
    let cells = sheet
        .answers
        .iter()
        .filter_map(|a| {
            let ex = catalog.get(&a.id)?;
            Some(match &a.text {
                Ok(text) => cell_of(&grade(ex, text, limits)),
                Err(why) => cell_of(&Grade::unreadable(ex, why.clone())),
            })
        })
        .collect();
    SheetResult {
        sheet: shown,
        student: sheet.student,
        cells,
        error: None,
        warnings: sheet.warnings,
    }
}

/// Stack of the grading threads: deep (legal) expressions recurse in some passes.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// Grades sheets on `jobs` threads (0: one per core), calling `progress` with the
/// number done after each sheet. Results are in the order of `paths`.
#[must_use]
pub fn grade_sheets(
    paths: &[PathBuf],
    catalog: &Catalog,
    jobs: usize,
    limits: &Limits,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<SheetResult> {
    let done = AtomicUsize::new(0);
    let one = |p: &PathBuf| {
        let r = grade_sheet(p, catalog, limits);
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
        r
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build();
    match pool {
        Ok(pool) => pool.install(|| paths.par_iter().map(one).collect()),
        Err(_) => paths.iter().map(one).collect(),
    }
}

/// The exercise ids answered on any sheet, in catalog order: the table's columns.
#[must_use]
pub fn columns(results: &[SheetResult], catalog: &Catalog) -> Vec<String> {
    catalog
        .ids()
        .into_iter()
        .filter(|id| results.iter().any(|r| r.cell(id).is_some()))
        .map(str::to_owned)
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV: a header, then one row per student and column: `student, id, verdict,
/// diagnosis, sheet` (verdict `missing` where the sheet has no answer, `unreadable`
/// with diagnosis `sheet_unreadable` where the sheet itself could not be read).
#[must_use]
pub fn csv(results: &[SheetResult], columns: &[String]) -> String {
    let mut out = String::from("student,id,verdict,diagnosis,sheet\n");
    for r in results {
        for id in columns {
            let (verdict, code) = match (r.cell(id), &r.error) {
                (Some(c), _) => (c.verdict.as_str(), c.diagnosis.as_str()),
                (None, Some(_)) => ("unreadable", "sheet_unreadable"),
                (None, None) => ("missing", ""),
            };
            let row = [r.student.as_str(), id, verdict, code, r.sheet.as_str()];
            let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// The per-student table: rows students, columns ids, marks ✓ ✗ ? (· for no
/// answer), and the number correct.
#[must_use]
pub fn table(results: &[SheetResult], columns: &[String]) -> String {
    let width = |s: &str| s.chars().count();
    let name_w = results
        .iter()
        .map(|r| width(&r.student))
        .chain([width("student")])
        .max()
        .unwrap_or(7);
    let col_w: Vec<usize> = columns.iter().map(|c| width(c).max(1)).collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let mut out = pad("student", name_w);
    for (c, &w) in columns.iter().zip(&col_w) {
        out.push_str("  ");
        out.push_str(&pad(c, w));
    }
    out.push_str("  total\n");
    for r in results {
        out.push_str(&pad(&r.student, name_w));
        for (c, &w) in columns.iter().zip(&col_w) {
            let mark = match (r.cell(c), &r.error) {
                (Some(cell), _) => cell.verdict.mark(),
                (None, Some(_)) => "?",
                (None, None) => "·",
            };
            out.push_str("  ");
            out.push_str(&pad(mark, w));
        }
        out.push_str(&format!("  {}/{}\n", r.correct(), columns.len()));
    }
    out
}
