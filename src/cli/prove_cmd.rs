//! `actsym prove FILE`: checks a derivation chain step by step; the first failing
//! step is reported with its counterexample.

use std::path::PathBuf;

use actsym::parse::{self, Claim};
use actsym::print;
use actsym::prove::chain::parse_chain;
use actsym::prove::verdict::{decide_claim, Options, Verdict};

use super::check_cmd::{claim_text, EXIT_REFUTED, EXIT_UNKNOWN};
use super::{emit, CliError, Session, EXIT_OK};

/// Flags of `actsym prove`.
#[derive(clap::Args, Debug)]
pub struct ProveArgs {
    /// The chain: a 'claim: L = R' line, then '= expr [by reason]' lines.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print one JSON object: verdict, claim, and each step with its verdict.
    #[arg(long)]
    json: bool,
}

pub fn run(session: &mut Session, args: &ProveArgs) -> Result<u8, CliError> {
    let name = args.file.display().to_string();
    let src = std::fs::read_to_string(&args.file)
        .map_err(|e| CliError::input(format!("error: cannot read {name}: {e}")))?;
    let g = &mut session.graph;
    let chain = parse_chain(g, &src, &name).map_err(|e| CliError::input(e.render(&src, &name)))?;
    if chain.steps.is_empty() {
        return Err(CliError::input(format!(
            "error: {name}: the chain has no steps; write lines '= expr [by reason]' after the claim"
        )));
    }
    let mut out = format!("claim: {}\n", claim_text(g, &chain.claim));
    let mut json_steps = Vec::new();
    let mut prev = chain.claim.lhs;
    let mut overall = Verdict::Proved;
    for (k, step) in chain.steps.iter().enumerate() {
        let (line, _) = parse::line_col(&src, step.span.start);
        let sub = Claim {
            lhs: prev,
            rhs: step.expr,
            conditions: chain.claim.conditions.clone(),
        };
        let report = decide_claim(g, &sub, &Options::default());
        let text = format!("{} = {}", print::text(g, prev), print::text(g, step.expr));
        let reason = step
            .reason
            .as_deref()
            .map(|r| format!("  [by {r}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  step {} (line {line}): {text}  {}{reason}\n",
            k + 1,
            report.verdict.as_str()
        ));
        let mut js = serde_json::json!({
            "step": k + 1,
            "line": line,
            "claim": text,
            "verdict": report.verdict.as_str(),
            "method": report.method,
            "reason": step.reason,
        });
        if let Some(cx) = &report.counterexample {
            out.push_str(&format!(
                "    counterexample: {}; left side {}, right side {}\n",
                cx.point_text(g),
                cx.lhs,
                cx.rhs
            ));
            if let Some(map) = js.as_object_mut() {
                map.insert("counterexample".into(), cx.point_json(g));
                map.insert("values".into(), cx.values_json());
            }
        } else if report.verdict == Verdict::Unknown {
            if let Some(note) = &report.note {
                out.push_str(&format!("    reason: {note}\n"));
            }
        }
        json_steps.push(js);
        overall = match (overall, report.verdict) {
            (_, Verdict::Refuted) | (Verdict::Refuted, _) => Verdict::Refuted,
            (_, Verdict::Unknown) | (Verdict::Unknown, _) => Verdict::Unknown,
            (_, Verdict::Verified) | (Verdict::Verified, _) => Verdict::Verified,
            _ => Verdict::Proved,
        };
        if report.verdict == Verdict::Refuted {
            out.push_str(&format!(
                "the chain breaks at step {} (line {line})\n",
                k + 1
            ));
            break;
        }
        prev = step.expr;
    }
    let mut ends_ok = true;
    if overall != Verdict::Refuted && prev != chain.claim.rhs {
        ends_ok = false;
        out.push_str(&format!(
            "the chain ends at {}, which is not the claim's right side {}\n",
            print::text(g, prev),
            print::text(g, chain.claim.rhs)
        ));
    } else if overall != Verdict::Refuted {
        out.push_str(&format!(
            "the chain {} the claim ({} steps)\n",
            match overall {
                Verdict::Proved => "proves",
                Verdict::Verified => "verifies (numerically, at least one step)",
                _ => "does not settle",
            },
            chain.steps.len()
        ));
    }
    let verdict = if ends_ok { overall } else { Verdict::Refuted };
    if args.json {
        let obj = serde_json::json!({
            "verdict": verdict.as_str(),
            "claim": claim_text(g, &chain.claim),
            "ends_match": ends_ok,
            "steps": json_steps,
        });
        emit(&format!("{obj}\n"))?;
    } else {
        emit(&out)?;
    }
    Ok(match verdict {
        Verdict::Proved | Verdict::Verified => EXIT_OK,
        Verdict::Refuted => EXIT_REFUTED,
        Verdict::Unknown => EXIT_UNKNOWN,
    })
}
