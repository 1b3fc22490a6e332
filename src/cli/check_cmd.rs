//! `actsym check CLAIM`: proved, verified, refuted (with a certified counterexample)
//! or unknown; exit codes 0, 0, 1, 3.

use std::time::Duration;

use actsym::print;
use actsym::prove::explain;
use actsym::prove::verdict::{decide_claim, Options, Report, Verdict};
use actsym::{defs, parse};

use super::{emit, CliError, Session};

/// Exit code of a refuted claim.
pub const EXIT_REFUTED: u8 = 1;
/// Exit code of an unknown verdict.
pub const EXIT_UNKNOWN: u8 = 3;

/// Flags of `actsym check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The claim: 'L = R' or 'L = R where x > 0, beta >= 1', possibly after definitions.
    #[arg(value_name = "CLAIM", allow_hyphen_values = true)]
    claim: String,
    /// Print one JSON object: verdict, method, counterexample, values, steps.
    #[arg(long)]
    json: bool,
    /// Print the proof's steps (or how the verdict was reached).
    #[arg(long)]
    explain: bool,
    /// Random points of the numeric route, on top of the hard ones.
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
}

fn exit_code(v: Verdict) -> u8 {
    match v {
        Verdict::Proved | Verdict::Verified => super::EXIT_OK,
        Verdict::Refuted => EXIT_REFUTED,
        Verdict::Unknown => EXIT_UNKNOWN,
    }
}

pub fn run(session: &mut Session, args: &CheckArgs) -> Result<u8, CliError> {
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::input(
            "error: --time-limit must be between 0 and 3600 seconds",
        ));
    }
    if args.digits == 0 || args.digits > 1000 {
        return Err(CliError::input(
            "error: --digits must be between 1 and 1000",
        ));
    }
    if args.points > 100_000 {
        return Err(CliError::input("error: --points must be at most 100000"));
    }
    let g = &mut session.graph;
    let claim =
        defs::parse_claim(g, &args.claim).map_err(|e| Session::parse_error(&args.claim, &e))?;
    let opts = Options {
        points: args.points,
        seed: args.seed,
        time_limit: Duration::from_secs_f64(args.time_limit),
        digits: args.digits,
        ..Options::default()
    };
    let report = decide_claim(g, &claim, &opts);
    let claim_text = claim_text(g, &claim);
    let steps = report
        .proof
        .as_ref()
        .map(|p| explain::steps(g, (claim.lhs, claim.rhs), report.sides, p, &report.context));
    if args.json {
        emit(&format!(
            "{}\n",
            json(g, &claim_text, &report, steps.as_deref())
        ))?;
    } else {
        emit(&text(
            g,
            &claim_text,
            &report,
            steps.as_deref(),
            args.explain,
        ))?;
    }
    Ok(exit_code(report.verdict))
}

/// The claim as the printer writes it.
pub fn claim_text(g: &actsym::expr::Graph, claim: &parse::Claim) -> String {
    let mut s = format!(
        "{} = {}",
        print::text(g, claim.lhs),
        print::text(g, claim.rhs)
    );
    if !claim.conditions.is_empty() {
        let conds: Vec<String> = claim
            .conditions
            .iter()
            .map(|&c| print::text(g, c))
            .collect();
        s.push_str(&format!(" where {}", conds.join(", ")));
    }
    s
}

fn json(
    g: &actsym::expr::Graph,
    claim: &str,
    report: &Report,
    steps: Option<&[explain::Step]>,
) -> serde_json::Value {
    let mut obj = serde_json::json!({
        "verdict": report.verdict.as_str(),
        "method": report.method,
        "claim": claim,
    });
    let Some(map) = obj.as_object_mut() else {
        return obj;
    };
    if let Some(cx) = &report.counterexample {
        map.insert("counterexample".into(), cx.point_json(g));
        map.insert("values".into(), cx.values_json());
    }
    if let Some(steps) = steps {
        map.insert(
            "steps".into(),
            serde_json::to_value(steps).unwrap_or_default(),
        );
    }
    if report.verdict == Verdict::Verified {
        map.insert("points".into(), report.points_agreed.into());
    }
    if let Some(note) = &report.note {
        map.insert("note".into(), note.clone().into());
    }
    obj
}

fn text(
    g: &actsym::expr::Graph,
    claim: &str,
    report: &Report,
    steps: Option<&[explain::Step]>,
    explain_steps: bool,
) -> String {
    let mut out = format!("{}: {claim}\n", report.verdict.as_str());
    match report.verdict {
        Verdict::Proved => {
            out.push_str(&format!(
                "  method: {} (re-checked step by step)\n",
                report.method
            ));
            if explain_steps {
                if let Some(steps) = steps {
                    out.push_str(&explain::render(steps));
                }
            }
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
                out.push_str(&format!("  left side:  {}\n", cx.lhs));
                out.push_str(&format!("  right side: {}\n", cx.rhs));
                out.push_str(&format!("  method: {}\n", report.method));
            }
        }
        Verdict::Unknown => {
            if let Some(note) = &report.note {
                out.push_str(&format!("  reason: {note}\n"));
            }
        }
    }
    if explain_steps && report.verdict != Verdict::Proved {
        if let Some(note) = &report.note {
            if report.verdict != Verdict::Unknown {
                out.push_str(&format!("  symbolic route: {note}\n"));
            }
        }
    }
    out
}
