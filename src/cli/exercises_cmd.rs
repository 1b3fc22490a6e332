//! `actsym exercises`: list, show, check one answer, run every reference answer, and
//! grade answer sheets in bulk. The grading is the library's (`actsym::exercises`);
//! this file reads flags, answers and files, prints, and maps verdicts to exit codes.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actsym::exercises::catalog::Catalog;
use actsym::exercises::format::Exercise;
use actsym::exercises::{grade, render, run_references, sheet, Limits};
use clap::Subcommand;

use super::input::{read_file, read_stdin};
use super::output::{Progress, Sink};
use super::{emit, CliError, EXIT_INPUT, EXIT_OK};

/// Flags of `actsym exercises`.
#[derive(clap::Args, Debug)]
pub struct ExercisesArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// Print one JSON object (errors included).
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// List the exercises (the default).
    List,
    /// Show one exercise: the chapter's words, the task, the answer's format, hints.
    Show {
        /// The exercise id (see `actsym exercises list`).
        id: String,
    },
    /// Grade one answer: exit 0 correct, 1 incorrect, 2 unreadable, 3 undecided.
    Check(CheckArgs),
    /// Grade every reference answer of every exercise; exit 0 only if all pass.
    Run,
    /// Grade answer sheets (TOML, one per student) in parallel: a table and a CSV.
    Grade(GradeArgs),
}

/// Flags of `actsym exercises check`.
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["answer", "answer_file"]))]
struct CheckArgs {
    /// The exercise id.
    id: String,
    /// The answer's text ('-' reads it from stdin).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    answer: Option<String>,
    /// A file holding the answer (a derivation chain, a network, a batch, ...).
    #[arg(long, value_name = "FILE")]
    answer_file: Option<PathBuf>,
    /// Time budget of the answer, diagnoses included, in seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    time_limit: f64,
}

/// Flags of `actsym exercises grade`.
#[derive(clap::Args, Debug)]
struct GradeArgs {
    /// The sheets: TOML files with student = "..." and one answer per exercise id.
    #[arg(value_name = "SHEET", required = true)]
    sheets: Vec<PathBuf>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    jobs: usize,
    /// Write the grades as CSV (student, id, verdict, diagnosis, sheet).
    #[arg(long = "csv", short = 'o', value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Replace an existing CSV file.
    #[arg(long)]
    force: bool,
    /// Time budget of each answer in seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    time_limit: f64,
}

/// A bad-input failure (printed as JSON under `--json` by the dispatcher).
fn fail(kind: &'static str, message: String) -> Result<u8, CliError> {
    Err(CliError::new(kind, message))
}

fn limits(seconds: f64) -> Option<Limits> {
    (seconds > 0.0 && seconds <= 3600.0).then(|| Limits {
        time_per_answer: Duration::from_secs_f64(seconds),
    })
}

fn find<'c>(catalog: &'c Catalog, id: &str) -> Result<&'c Exercise, String> {
    catalog.get(id).ok_or_else(|| {
        format!(
            "no exercise '{id}'; the exercises are {}",
            catalog.ids().join(", ")
        )
    })
}

pub fn run(args: &ExercisesArgs) -> Result<u8, CliError> {
    let json = args.json;
    let catalog = match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => return fail("exercise_file", e.to_string()),
    };
    let out = |text: String, value: serde_json::Value| {
        if json {
            emit(&format!("{value}\n"))
        } else {
            emit(&text)
        }
    };
    match args.action.as_ref().unwrap_or(&Action::List) {
        Action::List => {
            out(render::list_text(catalog), render::list_json(catalog))?;
            Ok(EXIT_OK)
        }
        Action::Show { id } => match find(catalog, id) {
            Ok(ex) => {
                out(render::show_text(ex), render::show_json(ex))?;
                Ok(EXIT_OK)
            }
            Err(msg) => fail("unknown_exercise", msg),
        },
        Action::Check(c) => check(catalog, c, json),
        Action::Run => {
            let checks = run_references(catalog, &Limits::default());
            out(render::run_table(&checks), render::run_json(&checks))?;
            Ok(if checks.iter().all(|c| c.passed()) {
                EXIT_OK
            } else {
                1
            })
        }
        Action::Grade(g) => grade_sheets(catalog, g, json),
    }
}

fn check(catalog: &Catalog, c: &CheckArgs, json: bool) -> Result<u8, CliError> {
    let ex = match find(catalog, &c.id) {
        Ok(ex) => ex,
        Err(msg) => return fail("unknown_exercise", msg),
    };
    let Some(limits) = limits(c.time_limit) else {
        return fail(
            "bad_flag_value",
            "--time-limit must be between 0 and 3600 seconds".into(),
        );
    };
    let text = match (&c.answer, &c.answer_file) {
        (Some(a), _) if a == "-" => read_stdin()?.text,
        (Some(a), _) => a.clone(),
        (None, Some(f)) => read_file(f, " (--answer-file)")?.text,
        (None, None) => {
            return fail(
                "missing_argument",
                "give --answer TEXT or --answer-file FILE".into(),
            )
        }
    };
    let g = grade(ex, &text, &limits);
    if json {
        emit(&format!("{}\n", render::grade_json(ex, &g)))?;
    } else {
        emit(&render::grade_text(ex, &g))?;
    }
    Ok(g.verdict.exit_code())
}

fn grade_sheets(catalog: &Catalog, a: &GradeArgs, json: bool) -> Result<u8, CliError> {
    let Some(limits) = limits(a.time_limit) else {
        return fail(
            "bad_flag_value",
            "--time-limit must be between 0 and 3600 seconds".into(),
        );
    };
    if a.jobs > 256 {
        return fail("bad_flag_value", "--jobs must be at most 256".into());
    }
    // The CSV file is created before grading, so an existing one stops the run at
    // once (unless --force) rather than after minutes of work.
    let mut sink = match &a.csv {
        Some(path) => Some(Sink::open(Some(path), a.force)?),
        None => None,
    };
    let progress = Mutex::new(Progress::new(a.sheets.len() as u64, "sheets"));
    let start = Instant::now();
    let results = sheet::grade_sheets(&a.sheets, catalog, a.jobs, &limits, &|_| {
        if let Ok(mut p) = progress.lock() {
            p.inc(1);
        }
    });
    if let Ok(p) = progress.into_inner() {
        p.finish();
    }
    let elapsed = start.elapsed();
    let columns = sheet::columns(&results, catalog);
    if let Some(mut sink) = sink.take() {
        sink.write(&sheet::csv(&results, &columns))?;
        sink.finish()?;
    }
    let broken = results.iter().filter(|r| r.error.is_some()).count();
    if json {
        let obj = serde_json::json!({
            "columns": columns,
            "students": results,
            "csv": a.csv.as_ref().map(|p| p.display().to_string()),
            "sheets": results.len(),
            "unreadable_sheets": broken,
            "seconds": elapsed.as_secs_f64(),
        });
        emit(&format!("{obj}\n"))?;
    } else {
        let mut text = sheet::table(&results, &columns);
        for r in &results {
            if let Some(e) = &r.error {
                text.push_str(&format!("{}: unreadable sheet: {e}\n", r.sheet));
            }
            for w in &r.warnings {
                text.push_str(&format!("{}: {w}\n", r.sheet));
            }
        }
        text.push_str(&format!(
            "{} sheets graded in {:.2} s",
            results.len(),
            elapsed.as_secs_f64()
        ));
        if let Some(p) = &a.csv {
            text.push_str(&format!("; CSV written to {}", p.display()));
        }
        text.push('\n');
        emit(&text)?;
    }
    Ok(if broken > 0 { EXIT_INPUT } else { EXIT_OK })
}
