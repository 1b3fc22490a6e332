//! `actsym check CLAIM`: proved, verified, refuted (with a certified counterexample)
//! or unknown; exit codes 0, 0, 1, 3. The claim is echoed as typed; the form the
//! checker read is shown under `--explain`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use actsym::diff::{self, DiffError};
use actsym::expr::{ExprId, Graph};
use actsym::parse::Claim;
use actsym::print;
use actsym::prove::explain;
use actsym::prove::ineq::render as ineq_render;
use actsym::prove::numeric::SideValue;
use actsym::prove::verdict::{decide_claim, Counterexample, Options, Report, Verdict};
use actsym::unfold::{unfold_diffs, UnfoldError};

use super::common::KinkArg;
use super::input::{parse_claim, source};
use super::{emit, emit_json, CliError, Session};

/// Exit code of a refuted claim.
pub const EXIT_REFUTED: u8 = 1;
/// Exit code of an unknown verdict.
pub const EXIT_UNKNOWN: u8 = 3;

/// Flags of `actsym check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The claim: 'L = R', 'L <= R', a chain '0 < sigmoid(x) < 1', with 'where x > 0,
    /// beta >= 1', possibly after definitions (- reads stdin).
    #[arg(value_name = "CLAIM", required_unless_present = "file")]
    claim: Option<String>,
    /// Read the claim from FILE (- for stdin).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print one JSON object: verdict, method, counterexample, values, steps.
    #[arg(long)]
    json: bool,
    /// Print the proof's steps and the claim as the checker read it.
    #[arg(long)]
    explain: bool,
    /// Seeded random points of the numeric route per line, on top of every region's structured ones.
    #[arg(long, default_value_t = 64, value_name = "N")]
    points: usize,
    /// Significant digits of the values printed at a counterexample.
    #[arg(long, default_value_t = 20, value_name = "N")]
    digits: u32,
    /// Seed of the random points.
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// Time budget in seconds; past it the verdict is unknown.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    time_limit: f64,
    /// The convention for diff(...) at kinks: left-hand (default), right-hand, autodiff.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
}

/// The exit code of a verdict.
pub fn exit_code(v: Verdict) -> u8 {
    match v {
        Verdict::Proved | Verdict::Verified => super::EXIT_OK,
        Verdict::Refuted => EXIT_REFUTED,
        Verdict::Unknown => EXIT_UNKNOWN,
    }
}

/// Takes every `diff(...)` of the claim under `kink`, so the checker sees the
/// chosen convention.
/// The claim with every `diff(...)` taken in `kink` mode, by `deadline`. Out of
/// time, the claim comes back as it was: the caller decides it under the same
/// deadline (`diff::with_deadline`), where its first derivative stops at once and
/// the verdict is unknown, with the reason.
pub fn claim_under_kink(
    g: &mut Graph,
    claim: &Claim,
    kink: KinkArg,
    deadline: Instant,
) -> Result<Claim, CliError> {
    let k = kink.kink();
    let unfolded = diff::with_deadline(deadline, || -> Result<Claim, UnfoldError> {
        Ok(Claim {
            lhs: unfold_diffs(g, claim.lhs, k)?,
            rhs: unfold_diffs(g, claim.rhs, k)?,
            conditions: claim
                .conditions
                .iter()
                .map(|&c| unfold_diffs(g, c, k))
                .collect::<Result<_, _>>()?,
            relation: claim.relation,
            more: claim
                .more
                .iter()
                .map(|&(r, e)| Ok((r, unfold_diffs(g, e, k)?)))
                .collect::<Result<_, UnfoldError>>()?,
        })
    });
    match unfolded {
        Ok(c) => Ok(c),
        Err(UnfoldError::Diff(DiffError::TimeLimit)) => Ok(claim.clone()),
        Err(e) => Err(CliError::new("derivative_error", e.to_string())),
    }
}

pub fn run(session: &mut Session, args: &CheckArgs) -> Result<u8, CliError> {
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    if args.digits == 0 || args.digits > 1000 {
        return Err(CliError::flag("--digits must be between 1 and 1000"));
    }
    if args.points > 100_000 {
        return Err(CliError::flag("--points must be at most 100000"));
    }
    let src = source(
        args.claim.as_deref(),
        args.file.as_ref(),
        "actsym check 'tanh(x) + 1 = 2*sigmoid(2*x)'",
    )?;
    let g = &mut session.graph;
    let (claim, typed) = parse_claim(g, &src)?;
    let time_limit = Duration::from_secs_f64(args.time_limit);
    let deadline = Instant::now() + time_limit;
    let claim = claim_under_kink(g, &claim, args.kink, deadline)?;
    let opts = Options {
        points: args.points,
        seed: args.seed,
        time_limit,
        digits: args.digits,
        ..Options::default()
    };
    let report = diff::with_deadline(deadline, || decide_claim(g, &claim, &opts));
    let read_as = claim_text(g, &claim);
    let steps = report
        .proof
        .as_ref()
        .map(|p| explain::steps(g, (claim.lhs, claim.rhs), report.sides, p, &report.context));
    let difference = report
        .counterexample
        .as_ref()
        .and_then(|cx| difference_at(g, report.sides, cx, args.digits));
    let shown = Shown {
        typed: &typed,
        read_as: &read_as,
        difference: difference.as_deref(),
        steps: steps.as_deref(),
        explain: args.explain,
    };
    if args.json {
        emit_json(&json(g, &shown, &report))?;
    } else {
        emit(&text(g, &shown, &report))?;
    }
    Ok(exit_code(report.verdict))
}

/// The claim as the printer writes it (the form the checker read).
pub fn claim_text(g: &Graph, claim: &Claim) -> String {
    let mut s = side_text(g, claim.lhs);
    for (_, rel, right) in claim.links() {
        s.push_str(&format!(" {} {}", rel.symbol(), side_text(g, right)));
    }
    if !claim.conditions.is_empty() {
        let conds: Vec<String> = claim.conditions.iter().map(|&c| side_text(g, c)).collect();
        s.push_str(&format!(" where {}", conds.join(", ")));
    }
    s
}

/// The most operations of a side that `read as` prints.
const MAX_READ_AS_OPS: usize = 20_000;

/// A side of a claim as text, or what it is when its printed form would be too long
/// to read (a derivative taken to a high order can print as megabytes, and printing
/// it costs time without bound).
fn side_text(g: &Graph, id: ExprId) -> String {
    let ops = print::op_count(g, id);
    if ops > MAX_READ_AS_OPS {
        format!("<an expression of {ops} operations, not printed>")
    } else {
        print::text(g, id)
    }
}

/// `left - right` at a counterexample, to as many digits as the sides, when both
/// sides are defined there.
pub fn difference_at(
    g: &mut Graph,
    sides: (ExprId, ExprId),
    cx: &Counterexample,
    digits: u32,
) -> Option<String> {
    if !matches!(
        (&cx.lhs, &cx.rhs),
        (SideValue::Defined(_), SideValue::Defined(_))
    ) {
        return None;
    }
    let d = g.sub(sides.0, sides.1);
    let env: HashMap<_, _> = cx.point.iter().cloned().collect();
    actsym::certified::evaluate(g, d, &env, digits)
        .ok()
        .map(|v| v.decimal)
}

/// Whether two printed values are the same number (`1` and `1.0000`).
fn same_number(a: &SideValue, b: &SideValue) -> bool {
    let read = |v: &SideValue| match v {
        SideValue::Defined(d) => {
            let mut scratch = Graph::new();
            actsym::defs::parse_expr(&mut scratch, d)
                .ok()
                .and_then(|id| scratch.as_num(id).cloned())
        }
        SideValue::Undefined(_) => None,
    };
    matches!((read(a), read(b)), (Some(x), Some(y)) if x == y)
}

/// What is printed besides the report.
struct Shown<'a> {
    typed: &'a str,
    read_as: &'a str,
    difference: Option<&'a str>,
    steps: Option<&'a [explain::Step]>,
    explain: bool,
}

fn json(g: &Graph, shown: &Shown, report: &Report) -> serde_json::Value {
    let mut obj = serde_json::json!({
        "verdict": report.verdict.as_str(),
        "method": report.method,
        "claim": shown.typed,
    });
    let Some(map) = obj.as_object_mut() else {
        return obj;
    };
    if shown.explain {
        map.insert("read_as".into(), shown.read_as.into());
    }
    if let Some(cx) = &report.counterexample {
        map.insert("counterexample".into(), cx.point_json(g));
        if cx.exact_point.is_some() {
            map.insert("exact_point".into(), true.into());
        }
        map.insert("values".into(), cx.values_json());
        if let Some(d) = shown.difference {
            map.insert("difference".into(), d.into());
        }
    }
    if let Some(w) = report.inequality.as_ref().and_then(|d| d.exact_witness()) {
        let point: serde_json::Map<String, serde_json::Value> = w
            .point
            .iter()
            .map(|(v, t)| (g.name(*v).to_owned(), t.clone().into()))
            .collect();
        map.insert("counterexample".into(), point.into());
        map.insert("exact_point".into(), true.into());
        map.insert(
            "values".into(),
            serde_json::json!({ "lhs": w.lhs.to_string(), "rhs": w.rhs.to_string() }),
        );
    }
    if let (Some(d), true) = (&report.inequality, shown.explain) {
        map.insert("links".into(), ineq_render::json(g, d));
    }
    if let (Some(steps), true) = (shown.steps, shown.explain) {
        map.insert(
            "steps".into(),
            serde_json::to_value(steps).unwrap_or_default(),
        );
    }
    if report.verdict == Verdict::Verified {
        map.insert("points".into(), report.points_agreed.into());
        map.insert("regions".into(), report.regions.into());
        map.insert("screened".into(), report.screened.into());
        map.insert("certified".into(), report.certified.into());
    }
    // Why the symbolic route failed says nothing once a counterexample is certified.
    if let (Some(note), false) = (&report.note, report.verdict == Verdict::Refuted) {
        map.insert("note".into(), note.clone().into());
    }
    obj
}

fn text(g: &Graph, shown: &Shown, report: &Report) -> String {
    let mut out = format!("{}: {}\n", report.verdict.as_str(), shown.typed);
    if shown.explain && shown.read_as != shown.typed {
        out.push_str(&format!("  read as: {}\n", shown.read_as));
    }
    if let (Some(d), true) = (&report.inequality, shown.explain) {
        for line in ineq_render::lines(g, d) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    match report.verdict {
        Verdict::Proved => {
            out.push_str(&format!(
                "  method: {} (re-checked step by step)\n",
                report.method
            ));
            if shown.explain {
                if let Some(steps) = shown.steps {
                    out.push_str(&explain::render(steps));
                }
            }
        }
        Verdict::Refuted if report.counterexample.is_none() => {
            if let Some(w) = report.inequality.as_ref().and_then(|d| d.exact_witness()) {
                let point: Vec<String> = w
                    .point
                    .iter()
                    .map(|(v, t)| format!("{} = {t}", g.name(*v)))
                    .collect();
                out.push_str(&format!("  counterexample: {} (exact)\n", point.join(", ")));
                out.push_str(&format!("  left side:  {}\n", w.lhs));
                out.push_str(&format!("  right side: {}\n", w.rhs));
            }
            out.push_str(&format!("  method: {}\n", report.method));
        }
        Verdict::Verified => {
            out.push_str(&format!("  method: {}\n", report.method));
            out.push_str("  no symbolic proof was found");
            if let Some(note) = &report.note {
                out.push_str(&format!(": {note}"));
            }
            out.push('\n');
        }
        Verdict::Refuted => {
            if let Some(cx) = &report.counterexample {
                out.push_str(&format!("  counterexample: {}\n", cx.point_text(g)));
                // When the sides agree to the printed digits, the difference first.
                let same = same_number(&cx.lhs, &cx.rhs);
                if let (true, Some(d)) = (same, shown.difference) {
                    out.push_str(&format!("  left - right: {d}\n"));
                }
                out.push_str(&format!("  left side:  {}\n", cx.lhs));
                out.push_str(&format!("  right side: {}\n", cx.rhs));
                if let (false, Some(d)) = (same, shown.difference) {
                    out.push_str(&format!("  left - right: {d}\n"));
                }
                out.push_str(&format!("  method: {}\n", report.method));
            }
        }
        Verdict::Unknown => {
            if let Some(note) = &report.note {
                out.push_str(&format!("  reason: {note}\n"));
            }
        }
    }
    out
}
