//! `actsym prove FILE`: checks a derivation chain step by step; the first failing
//! step is reported with its counterexample. Claims and steps are echoed as typed.

use std::path::PathBuf;

use actsym::expr::ExprId;
use actsym::parse::{self, Claim};
use actsym::prove::chain::{chain_relation, implies, parse_chain, split_reason};
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use serde_json::json;

use super::check_cmd::{claim_text, claim_under_kink, difference_at, exit_code};
use super::common::KinkArg;
use super::input::{echo, read_file, read_stdin};
use super::{emit, emit_json, CliError, Session};

/// Flags of `actsym prove`.
#[derive(clap::Args, Debug)]
pub struct ProveArgs {
    /// The chain: a 'claim: L = R' line, then '= expr [by reason]' lines (- reads stdin).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print one JSON object: verdict, claim, and each step with its verdict.
    #[arg(long)]
    json: bool,
    /// Also print each step as the checker read it.
    #[arg(long)]
    explain: bool,
    /// The convention for diff(...) at kinks: left-hand (default), right-hand, autodiff.
    #[arg(long, value_enum, default_value_t = KinkArg::Left)]
    kink: KinkArg,
}

/// `n step` or `n steps`.
fn steps_word(n: usize) -> String {
    if n == 1 {
        "1 step".to_owned()
    } else {
        format!("{n} steps")
    }
}

/// The left side of a claim as typed: the text before its first top-level `=`.
fn left_side(claim: &str) -> &str {
    let bytes = claim.as_bytes();
    let mut depth = 0i32;
    for (k, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'<' | b'>' if depth == 0 => return claim[..k].trim(),
            b'=' if depth == 0
                && !matches!(
                    k.checked_sub(1).map(|p| bytes[p]),
                    Some(b'<' | b'>' | b'!' | b'=')
                )
                && bytes.get(k + 1) != Some(&b'=') =>
            {
                return claim[..k].trim();
            }
            _ => {}
        }
    }
    claim
}

pub fn run(session: &mut Session, args: &ProveArgs) -> Result<u8, CliError> {
    let src = if args.file.as_os_str() == "-" {
        read_stdin()?
    } else {
        read_file(&args.file, "")?
    };
    let name = src.name.clone();
    let g = &mut session.graph;
    let chain =
        parse_chain(g, &src.text, &name).map_err(|e| CliError::parse(&src.text, &name, &e))?;
    if chain.steps.is_empty() {
        return Err(CliError::new(
            "empty_chain",
            format!(
                "{name}: the chain has no steps; write lines '= expr [by reason]' after the claim"
            ),
        ));
    }
    let claim_typed = echo(
        src.text[chain.claim_span.clone()]
            .trim_start()
            .trim_start_matches("claim:"),
    );
    let mut out = format!("claim: {claim_typed}\n");
    if args.explain {
        out.push_str(&format!("  read as: {}\n", claim_text(g, &chain.claim)));
    }
    let mut json_steps = Vec::new();
    let mut prev: ExprId = chain.claim.lhs;
    let mut prev_typed = left_side(&claim_typed).to_owned();
    let mut overall = Verdict::Proved;
    for (k, step) in chain.steps.iter().enumerate() {
        let (line, _) = parse::line_col(&src.text, step.span.start);
        let line_text = src.text[step.span.clone()].trim_start();
        let rel = step.relation.symbol();
        let typed = echo(split_reason(line_text.strip_prefix(rel).unwrap_or(line_text)).0);
        let sub = Claim {
            relation: step.relation,
            ..Claim::equality(prev, step.expr, chain.claim.conditions.clone())
        };
        let opts = Options::default();
        let deadline = std::time::Instant::now() + opts.time_limit;
        let sub = claim_under_kink(g, &sub, args.kink, deadline)?;
        let report = actsym::diff::with_deadline(deadline, || decide_claim(g, &sub, &opts));
        let reason = step
            .reason
            .as_deref()
            .map(|r| format!("  [by {r}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  step {} (line {line}): {rel} {typed}  {}{reason}\n",
            k + 1,
            report.verdict.as_str()
        ));
        let read_as = claim_text(g, &sub);
        if args.explain {
            out.push_str(&format!("    read as: {read_as}\n"));
        }
        let mut js = json!({
            "step": k + 1,
            "line": line,
            "claim": format!("{prev_typed} {rel} {typed}"),
            "verdict": report.verdict.as_str(),
            "method": report.method,
            "reason": step.reason,
        });
        if args.explain {
            js["read_as"] = json!(read_as);
        }
        if let Some(cx) = &report.counterexample {
            out.push_str(&format!(
                "    counterexample: {}; left side {}, right side {}\n",
                cx.point_text(g),
                cx.lhs,
                cx.rhs
            ));
            js["counterexample"] = cx.point_json(g);
            js["values"] = cx.values_json();
            if let Some(d) = difference_at(g, report.sides, cx, Options::default().digits) {
                out.push_str(&format!("    left - right: {d}\n"));
                js["difference"] = json!(d);
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
        prev_typed = typed;
    }
    let mut ends_ok = true;
    let shown = chain_relation(&chain.steps);
    let claimed = chain.claim.relation;
    if overall != Verdict::Refuted && !chain.claim.more.is_empty() {
        ends_ok = false;
        out.push_str("a derivation chain proves one relation 'L rel R'; the claim is a chain\n");
    } else if overall != Verdict::Refuted && !shown.is_some_and(|r| implies(r, claimed)) {
        ends_ok = false;
        out.push_str(&format!(
            "the steps show {}, which does not give the claim's '{}'\n",
            shown.map_or_else(
                || "no relation (they point opposite ways)".to_owned(),
                |r| format!("'{}'", r.symbol())
            ),
            claimed.symbol()
        ));
    } else if overall != Verdict::Refuted && prev != chain.claim.rhs {
        ends_ok = false;
        out.push_str(&format!(
            "the chain ends at {prev_typed}, which is not the claim's right side\n"
        ));
    } else if overall != Verdict::Refuted {
        out.push_str(&format!(
            "the chain {} the claim ({})\n",
            match overall {
                Verdict::Proved => "proves",
                Verdict::Verified => "verifies (numerically, at least one step)",
                _ => "does not settle",
            },
            steps_word(chain.steps.len())
        ));
    }
    let verdict = if ends_ok { overall } else { Verdict::Refuted };
    if args.json {
        emit_json(&json!({
            "verdict": verdict.as_str(),
            "claim": claim_typed,
            "ends_match": ends_ok,
            "steps": json_steps,
        }))?;
    } else {
        emit(&out)?;
    }
    Ok(exit_code(verdict))
}
