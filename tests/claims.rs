//! The claim corpus (tests/corpus/claims.tsv): true and false claims over the
//! chapter's functions. Soundness is asserted without exception — no false claim is
//! proved or verified, no true claim is refuted — and so is strength: at least so
//! many proofs and refutations, at most so many verified and unknown answers, so a
//! checker that gives up (or stops proving) fails too. The counts are printed.

use actsym::defs;
use actsym::expr::Graph;
use actsym::prove::verdict::{decide_claim, Options, Verdict};

/// `(claims true?, verdict, at least, at most)`. When this corpus was last decided:
/// 194 true claims proved and 29 verified, all 214 false ones refuted, none unknown.
const EXPECTED_COUNTS: &[(bool, &str, usize, usize)] = &[
    (true, "proved", 190, usize::MAX),
    (true, "verified", 0, 35),
    (true, "unknown", 0, 5),
    (false, "refuted", 210, usize::MAX),
    (false, "unknown", 0, 5),
];

#[test]
fn corpus_is_decided_soundly() {
    let text = include_str!("corpus/claims.tsv");
    let mut counts = std::collections::BTreeMap::<(bool, &'static str), usize>::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for (lineno, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((truth, claim)) = line.split_once('\t') else {
            panic!("line {}: expected TRUE|FALSE<TAB>claim", lineno + 1);
        };
        let truth = match truth {
            "TRUE" => true,
            "FALSE" => false,
            other => panic!("line {}: bad label {other}", lineno + 1),
        };
        total += 1;
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim)
            .unwrap_or_else(|e| panic!("line {}: {claim}: {e}", lineno + 1));
        let report = decide_claim(&mut g, &c, &Options::default());
        *counts.entry((truth, report.verdict.as_str())).or_default() += 1;
        let unsound = matches!(
            (truth, report.verdict),
            (false, Verdict::Proved | Verdict::Verified) | (true, Verdict::Refuted)
        );
        if unsound {
            failures.push(format!(
                "line {}: {} claim {claim} was {}",
                lineno + 1,
                if truth { "TRUE" } else { "FALSE" },
                report.verdict.as_str()
            ));
        }
    }
    eprintln!("corpus: {total} claims");
    for ((truth, verdict), n) in &counts {
        eprintln!(
            "  {} claims {verdict}: {n}",
            if *truth { "true" } else { "false" }
        );
    }
    assert!(
        failures.is_empty(),
        "unsound verdicts:\n{}",
        failures.join("\n")
    );
    assert!(total >= 200, "the corpus holds at least 200 claims");
    for &(truth, verdict, least, most) in EXPECTED_COUNTS {
        let n = counts.get(&(truth, verdict)).copied().unwrap_or(0);
        assert!(
            (least..=most).contains(&n),
            "{} claims {verdict}: {n}, expected between {least} and {most}",
            if truth { "true" } else { "false" }
        );
    }
}
