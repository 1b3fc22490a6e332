//! A profiling harness, not a check: times each case of `actsym fuzz check` (the
//! same claims, drawn as the campaign draws them) and prints the slowest, so the
//! checker's throughput work looks at the claims that cost. Run it in release:
//! `CASES=1000 SEED=1 cargo test --release --test check_times -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use actsym::fuzz::targets::{check, claim_text, defined_in_region, ClaimKind};
use actsym::fuzz::{case_seed, config_for, generate, Rng, Session, Target};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "a profiling harness: run it in release with --ignored --nocapture"]
fn slowest_check_cases() {
    let (cases, seed, top) = (
        env_u64("CASES", 300),
        env_u64("SEED", 1),
        env_u64("TOP", 25),
    );
    let mut s = Session::new();
    let mut times: Vec<(Duration, String)> = Vec::new();
    let all = Instant::now();
    for k in 0..cases {
        let cs = case_seed(seed, k);
        let tree = generate(cs, &config_for(Target::Check));
        // As the campaign draws the kind of a claim (fuzz::check_case).
        let mut rng = Rng::new(cs ^ 0x5eed);
        let kind = match rng.below(10) {
            0..=3 => ClaimKind::Rewrite(rng.next_u64()),
            4..=7 => ClaimKind::Perturbed(rng.below(4) as u8),
            _ => ClaimKind::Restricted(rng.below(4) as u8),
        };
        let truthful = matches!(kind, ClaimKind::Rewrite(_));
        let start = Instant::now();
        if !truthful && !defined_in_region(&mut s, &tree.text(), kind) {
            continue;
        }
        s.begin_case();
        let claim = claim_text(&tree, kind);
        let failure = check(&mut s.graph, &claim, truthful, Duration::from_secs(2));
        assert!(failure.is_none(), "case {k}: {claim}: {failure:?}");
        times.push((start.elapsed(), format!("case {k}: {claim}")));
    }
    let total = all.elapsed();
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let sum: Duration = times.iter().map(|t| t.0).sum();
    println!(
        "{} cases in {:.2} s ({:.0} cases/s)",
        times.len(),
        total.as_secs_f64(),
        times.len() as f64 / total.as_secs_f64()
    );
    let mut acc = Duration::ZERO;
    for (i, (t, what)) in times.iter().enumerate().take(top as usize) {
        acc += *t;
        println!(
            "{i:3} {:8.2} ms  (cum {:4.1}%)  {what}",
            t.as_secs_f64() * 1e3,
            100.0 * acc.as_secs_f64() / sum.as_secs_f64()
        );
    }
}
