//! `actsym fuzz TARGET [--seed S] [--cases N | --time 30s] [--jobs N] [--shard I/N]`
//! and `actsym fuzz merge REPORT...`: the library's campaigns (`actsym::fuzz`) with a
//! progress bar on a terminal, reports as text or JSON, exit 1 on a discrepancy.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use actsym::expr::Graph;
use actsym::fuzz::{self, Campaign, Point, Report, Target};
use serde_json::json;

use super::input::{parse_claim, parse_expr, read_file, source};
use super::output::Progress;
use super::{emit, emit_json, CliError, EXIT_OK};

/// Exit code: a discrepancy was found.
const EXIT_FOUND: u8 = 1;
/// Cases run when neither `--cases` nor `--time` is given.
const DEFAULT_CASES: u64 = 1000;
/// Points screened by `identity` when neither `--cases` nor `--time` is given.
const DEFAULT_POINTS: u64 = 1_000_000;

/// Flags of `actsym fuzz`.
#[derive(clap::Args, Debug)]
pub struct FuzzArgs {
    /// The target: derive, simplify, eval, print, check, identity CLAIM; or merge REPORT...
    #[arg(value_name = "TARGET")]
    target: String,
    /// The claim of `identity`, or the report files of `merge`.
    #[arg(value_name = "CLAIM|REPORT")]
    rest: Vec<String>,
    /// The campaign's seed (the same seed runs the same cases everywhere).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cases of the whole campaign, over all shards (identity: points screened).
    #[arg(long, value_name = "N", conflicts_with = "time")]
    cases: Option<u64>,
    /// Run for this long instead: 30s, 5m, 1h.
    #[arg(long, value_name = "DURATION")]
    time: Option<String>,
    /// Threads (default: every core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run shard I of N (0 <= I < N): the cases k with k % N == I.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Check one expression instead of generated ones (what a reproducer runs).
    #[arg(long, value_name = "EXPR")]
    expr: Option<String>,
    /// The point for --expr (for example x=0.5 beta=1.5).
    #[arg(long, value_name = "VAR=VALUE", num_args = 1.., requires = "expr")]
    at: Vec<String>,
    /// Print one JSON object (the report; `actsym fuzz merge` reads it back).
    #[arg(long)]
    json: bool,
    /// Write the JSON report to FILE as well.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Reads `30s`, `5m`, `1h`, `500ms` or a number of seconds.
fn parse_duration(text: &str) -> Result<Duration, CliError> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((t, ""), |i| t.split_at(i));
    let v: f64 = num.parse().map_err(|_| bad_duration(text))?;
    let secs = match unit {
        "" | "s" => v,
        "ms" => v / 1000.0,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        _ => return Err(bad_duration(text)),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 1e7 {
        return Err(bad_duration(text));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn bad_duration(text: &str) -> CliError {
    CliError::flag(format!(
        "--time takes a duration such as 30s, 5m or 1h, got '{text}'"
    ))
}

/// Reads `I/N` with `0 <= I < N`.
fn parse_shard(text: &str) -> Result<(u64, u64), CliError> {
    let bad = || {
        CliError::flag(format!(
            "--shard takes I/N with 0 <= I < N (for example 0/4), got '{text}'"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

pub fn run(args: &FuzzArgs) -> Result<u8, CliError> {
    if args.target == "merge" {
        return run_merge(args);
    }
    let Some(target) = Target::from_name(&args.target) else {
        return Err(CliError::flag(format!(
            "unknown fuzz target '{}': the targets are derive, simplify, eval, print, check, identity CLAIM, and merge REPORT...",
            args.target
        )));
    };
    let time = args.time.as_deref().map(parse_duration).transpose()?;
    let shard = args
        .shard
        .as_deref()
        .map(parse_shard)
        .transpose()?
        .unwrap_or((0, 1));
    let default_cases = if target == Target::Identity {
        DEFAULT_POINTS
    } else {
        DEFAULT_CASES
    };
    let mut campaign = Campaign::new(target, args.seed, args.cases.unwrap_or(default_cases));
    if time.is_some() {
        campaign.cases = args.cases;
    }
    campaign.time = time;
    campaign.shard = shard;
    if target == Target::Identity {
        let [claim] = args.rest.as_slice() else {
            return Err(CliError::flag(
                "fuzz identity takes one CLAIM: actsym fuzz identity 'tanh(x) = 2*sigmoid(2*x) - 1'",
            ));
        };
        let src = source(
            Some(claim),
            None,
            "actsym fuzz identity 'tanh(x) = 2*sigmoid(2*x) - 1'",
        )?;
        let mut g = Graph::with_prelude();
        parse_claim(&mut g, &src)?;
        campaign.claim = Some(src.text);
    } else if let Some(extra) = args.rest.first() {
        return Err(CliError::flag(format!(
            "fuzz {} takes no argument, got '{extra}' (only identity takes a CLAIM)",
            target.name()
        )));
    }
    if let Some(e) = &args.expr {
        if matches!(target, Target::Identity | Target::Check) {
            return Err(CliError::flag(
                "--expr is for the targets derive, simplify, eval and print",
            ));
        }
        let src = source(
            Some(e),
            None,
            "actsym fuzz eval --expr 'sigmoid(x)' --at x=800",
        )?;
        let mut g = Graph::with_prelude();
        parse_expr(&mut g, &src)?;
        campaign.expr = Some(src.text);
        if !args.at.is_empty() {
            let p = Point::parse(&args.at).map_err(|a| {
                CliError::flag(format!(
                    "--at takes VAR=NUMBER (for example x=0.5), got '{a}'"
                ))
            })?;
            campaign.at = Some(p);
        }
    }
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(64 << 20)
        .build()
        .map_err(|e| CliError::new("thread_pool", format!("cannot start threads: {e}")))?;
    let total = match (campaign.cases, &campaign.expr) {
        (_, Some(_)) => 1,
        (Some(n), None) => n.div_ceil(shard.1),
        (None, None) => 0,
    };
    let progress = Mutex::new(Progress::new(total, "cases"));
    let tick = |n: u64| {
        if let Ok(mut p) = progress.lock() {
            p.inc(n);
        }
    };
    let report = pool.install(|| fuzz::run(&campaign, &tick));
    if let Ok(p) = progress.into_inner() {
        p.finish();
    }
    finish(&report, args)
}

/// Prints a report (text or JSON), writes `-o`, and returns the exit code.
fn finish(report: &Report, args: &FuzzArgs) -> Result<u8, CliError> {
    let mut value = serde_json::to_value(report)
        .map_err(|e| CliError::new("internal", format!("cannot write the report: {e}")))?;
    value["cases_per_second"] = json!(if report.seconds > 0.0 {
        report.cases as f64 / report.seconds
    } else {
        0.0
    });
    if let Some(path) = &args.output {
        std::fs::write(path, format!("{value}\n")).map_err(|e| {
            CliError::new(
                "write_failed",
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
    }
    if args.json {
        emit_json(&value)?;
    } else {
        emit(&render(report))?;
    }
    Ok(if report.discrepancies.is_empty() {
        EXIT_OK
    } else {
        EXIT_FOUND
    })
}

/// The text form of a report.
fn render(r: &Report) -> String {
    let rate = if r.seconds > 0.0 {
        r.cases as f64 / r.seconds
    } else {
        0.0
    };
    let what = if r.target == "identity" {
        "points"
    } else {
        "cases"
    };
    let mut s = format!(
        "fuzz {}: {} {what} (seed {}, shard {}) in {:.1} s, {:.0} {what}/s\n",
        r.target,
        r.cases,
        r.seed,
        r.shards.join(" "),
        r.seconds,
        rate
    );
    if let Some(c) = &r.claim {
        s.push_str(&format!("claim: {c}\n"));
    }
    if let Some(e) = &r.evidence {
        s.push_str(&format!(
            "screened {} points, {} compared (in the region, both sides defined), {} candidates, {} certified with MPFR; largest relative difference {:e}\n",
            e.screened, e.compared, e.candidates, e.certified, e.max_relative_difference
        ));
    }
    if r.stats.skipped > 0 {
        s.push_str(&format!(
            "{} cases skipped (not compilable, no defined point)\n",
            r.stats.skipped
        ));
    }
    if !r.stats.ulp.is_empty() {
        s.push_str(
            "fast evaluator against MPFR (ulp): each function applied to the case's variables, then the whole expressions\n",
        );
        for (k, u) in &r.stats.ulp {
            s.push_str(&format!(
                "  {k:<14} points {:>7}  max {:>10.3e}  mean {:>10.3e}  within 4 ulp {:>6.2}%\n",
                u.points,
                u.max_ulp,
                u.mean_ulp,
                100.0 * u.within_4_ulp as f64 / u.points.max(1) as f64
            ));
        }
    }
    if r.stats.limits > 0 {
        s.push_str(&format!(
            "{} cases met a limit of f64 (a subterm beyond its range or precision), not counted; for example:\n",
            r.stats.limits
        ));
        for f in r.limits.iter().take(3) {
            s.push_str(&format!("  {}\n    {}\n", f.reproducer, f.detail));
        }
    }
    s.push_str(&format!("{} discrepancies\n", r.discrepancies.len()));
    for f in &r.discrepancies {
        let case = f.case.map(|k| format!("case {k}: ")).unwrap_or_default();
        s.push_str(&format!(
            "{case}{}: {}\n  {}\n  reproduce: {}\n",
            f.kind, f.expression, f.detail, f.reproducer
        ));
    }
    s
}

/// `actsym fuzz merge REPORT...`.
fn run_merge(args: &FuzzArgs) -> Result<u8, CliError> {
    if args.rest.is_empty() {
        return Err(CliError::flag(
            "fuzz merge takes the JSON reports to combine: actsym fuzz merge shard-*.json",
        ));
    }
    let mut reports = Vec::new();
    for path in &args.rest {
        let src = read_file(std::path::Path::new(path), " (a fuzz report)")?;
        let r: Report = serde_json::from_str(&src.text).map_err(|e| {
            CliError::input(format!("{path}: not a report of actsym fuzz --json: {e}"))
        })?;
        reports.push(r);
    }
    let merged = fuzz::merge(&reports).map_err(CliError::input)?;
    finish(&merged, args)
}
