//! Text and JSON for the exercises' command line: the list, one exercise, a graded
//! answer, and the table of `exercises run`.

use serde_json::{json, Value};

use super::catalog::Catalog;
use super::format::{Exercise, Group};
use super::grade::{Grade, Verdict};
use super::ExerciseCheck;

/// One line per exercise: id, kind, title.
#[must_use]
pub fn list_text(catalog: &Catalog) -> String {
    let w = catalog
        .exercises()
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(2);
    let mut out = String::new();
    let mut group = None;
    for ex in catalog.exercises() {
        if group != Some(ex.group) {
            out.push_str(match ex.group {
                Group::Part => "Exercises of §5.1.4:\n",
                Group::Drill => "Drills:\n",
            });
            group = Some(ex.group);
        }
        out.push_str(&format!(
            "  {:<w$}  {:<9}  {}\n",
            ex.id,
            ex.answer.as_str(),
            ex.title
        ));
    }
    out
}

/// The list as JSON: `{"exercises": [{"id", "title", "kind", "group"}]}`.
#[must_use]
pub fn list_json(catalog: &Catalog) -> Value {
    let items: Vec<Value> = catalog
        .exercises()
        .iter()
        .map(|ex| {
            json!({
                "id": ex.id,
                "title": ex.title,
                "kind": ex.answer.as_str(),
                "group": match ex.group { Group::Part => "part", Group::Drill => "drill" },
            })
        })
        .collect();
    json!({ "exercises": items })
}

/// One exercise for a student: the chapter's words, the task, the answer's format,
/// the hints.
#[must_use]
pub fn show_text(ex: &Exercise) -> String {
    let mut out = format!("Exercise {}: {}\n({})\n\n", ex.id, ex.title, ex.section);
    if let Some(q) = &ex.quote {
        for line in q.trim().lines() {
            out.push_str(&format!("  > {line}\n"));
        }
        out.push('\n');
    }
    out.push_str(&format!("Task: {}\n", ex.task.trim()));
    out.push_str(&format!("Answer: {}\n", ex.expects));
    for h in &ex.hints {
        out.push_str(&format!("Hint: {h}\n"));
    }
    out.push_str(&format!(
        "\nCheck an answer: actsym exercises check {} --answer '...'  (or --answer-file FILE)\n",
        ex.id
    ));
    out
}

/// One exercise as JSON.
#[must_use]
pub fn show_json(ex: &Exercise) -> Value {
    json!({
        "id": ex.id,
        "title": ex.title,
        "section": ex.section,
        "quote": ex.quote,
        "task": ex.task.trim(),
        "kind": ex.answer.as_str(),
        "expects": ex.expects,
        "hints": ex.hints,
    })
}

/// A graded answer as the student reads it.
#[must_use]
pub fn grade_text(ex: &Exercise, g: &Grade) -> String {
    let mut out = format!("Exercise {}: {}\n", ex.id, ex.title);
    if let Some(a) = &g.answer {
        out.push_str(&format!("your answer: {a}\n"));
    }
    match (&g.diagnosis, g.verdict) {
        (_, Verdict::Unreadable) => {
            out.push_str("unreadable\n");
            if let Some(e) = &g.error {
                out.push_str(&e.rendered);
                if !e.rendered.ends_with('\n') {
                    out.push('\n');
                }
            }
            if !g
                .error
                .as_ref()
                .is_some_and(|e| e.message.contains(&ex.expects))
            {
                out.push_str(&format!("expected: {}\n", ex.expects));
            }
        }
        (Some(d), v) => {
            out.push_str(&format!("{} [{}]: {}\n", v.as_str(), d.code, d.text));
        }
        (None, v) => out.push_str(&format!("{}\n", v.as_str())),
    }
    for line in &g.details {
        out.push_str(&format!("  {line}\n"));
    }
    if g.verdict == Verdict::Unknown {
        if let Some(m) = &g.method {
            out.push_str(&format!("  reason: {m}\n"));
        }
    }
    if let Some(h) = g.diagnosis.as_ref().and_then(|d| d.hint.as_ref()) {
        out.push_str(&format!("  hint: {h}\n"));
    }
    out
}

/// A graded answer as JSON: the grade, with the exercise's title.
#[must_use]
pub fn grade_json(ex: &Exercise, g: &Grade) -> Value {
    let mut v = serde_json::to_value(g).unwrap_or_else(|_| json!({}));
    if let Some(map) = v.as_object_mut() {
        map.insert("title".into(), json!(ex.title));
    }
    v
}

fn millis(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The table of `exercises run`: id, title, verdict, time; then the failures.
#[must_use]
pub fn run_table(checks: &[ExerciseCheck]) -> String {
    let id_w = checks.iter().map(|c| c.id.len()).max().unwrap_or(2).max(2);
    let title_w = checks
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "{:<id_w$}  {:<title_w$}  {:<14}  {:>10}\n",
        "id", "title", "verdict", "time"
    );
    for c in checks {
        let ok = c
            .references
            .iter()
            .filter(|r| r.grade.verdict == Verdict::Correct)
            .count();
        let verdict = format!(
            "{} {ok}/{}",
            if c.passed() { "pass" } else { "FAIL" },
            c.references.len()
        );
        out.push_str(&format!(
            "{:<id_w$}  {:<title_w$}  {:<14}  {:>10}\n",
            c.id,
            c.title,
            verdict,
            millis(c.time())
        ));
    }
    let failed: Vec<&ExerciseCheck> = checks.iter().filter(|c| !c.passed()).collect();
    let total: std::time::Duration = checks.iter().map(ExerciseCheck::time).sum();
    out.push_str(&format!(
        "{} of {} exercises pass ({} reference answers) in {}\n",
        checks.len() - failed.len(),
        checks.len(),
        checks.iter().map(|c| c.references.len()).sum::<usize>(),
        millis(total)
    ));
    for c in failed {
        for r in c
            .references
            .iter()
            .filter(|r| r.grade.verdict != Verdict::Correct)
        {
            let why = r
                .grade
                .diagnosis
                .as_ref()
                .map(|d| d.text.clone())
                .or_else(|| r.grade.error.as_ref().map(|e| e.message.clone()))
                .or_else(|| r.grade.method.clone())
                .unwrap_or_default();
            out.push_str(&format!(
                "  {} {}: {} {why}\n",
                c.id,
                r.label,
                r.grade.verdict.as_str()
            ));
        }
    }
    out
}

/// The run as JSON.
#[must_use]
pub fn run_json(checks: &[ExerciseCheck]) -> Value {
    let items: Vec<Value> = checks
        .iter()
        .map(|c| {
            let refs: Vec<Value> = c
                .references
                .iter()
                .map(|r| {
                    json!({
                        "reference": r.label,
                        "verdict": r.grade.verdict.as_str(),
                        "diagnosis": r.grade.code(),
                        "time_ms": r.time.as_secs_f64() * 1000.0,
                    })
                })
                .collect();
            json!({
                "id": c.id,
                "title": c.title,
                "verdict": if c.passed() { "pass" } else { "fail" },
                "time_ms": c.time().as_secs_f64() * 1000.0,
                "references": refs,
            })
        })
        .collect();
    let passed = checks.iter().filter(|c| c.passed()).count();
    json!({
        "exercises": items,
        "passed": passed,
        "failed": checks.len() - passed,
    })
}
