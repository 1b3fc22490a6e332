//! Time to decide claims: the chapter's identities one by one (criterion), then the
//! whole test corpus once, with the verdict counts and the median and worst time per
//! claim. Target: a typical claim decided in under 50 ms.

use std::time::{Duration, Instant};

use actsym::defs;
use actsym::expr::Graph;
use actsym::prove::verdict::{decide_claim, Options};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const CHAPTER: [(&str, &str); 8] = [
    ("tanh_sigmoid", "tanh(x) + 1 = 2*sigmoid(2*x)"),
    ("tanh_sigmoid_wrong", "tanh(x) + 1 = sigmoid(2*x)"),
    (
        "sigmoid_deriv",
        "diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))",
    ),
    (
        "swish_deriv",
        "diff(swish(x, beta), x) = sigmoid(beta*x) + beta*x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
    ),
    (
        "swish_deriv_missing_beta",
        "diff(swish(x, beta), x) = sigmoid(beta*x) + x*sigmoid(beta*x)*(1 - sigmoid(beta*x))",
    ),
    ("prelu_relu", "prelu(x, alpha) = relu(x) - alpha*relu(-x)"),
    ("softplus_odd", "softplus(x) - softplus(-x) = x"),
    ("gelu_deriv", "diff(gelu(x), x) = Phi(x) + x*phi(x)"),
];

fn decide(claim: &str) {
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, claim).expect("benchmark claims parse");
    let report = decide_claim(&mut g, &c, &Options::default());
    std::hint::black_box(report.verdict);
}

fn chapter(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(300));
    for (name, claim) in CHAPTER {
        group.bench_function(name, |b| {
            b.iter_batched(|| (), |()| decide(claim), BatchSize::SmallInput)
        });
    }
    group.finish();
}

fn corpus(_: &mut Criterion) {
    let text = include_str!("../tests/corpus/claims.tsv");
    let mut times = Vec::new();
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    for line in text.lines() {
        let Some((_, claim)) = line.split_once('\t') else {
            continue;
        };
        let start = Instant::now();
        let mut g = Graph::with_prelude();
        let Ok(c) = defs::parse_claim(&mut g, claim) else {
            continue;
        };
        let report = decide_claim(&mut g, &c, &Options::default());
        times.push(start.elapsed());
        *counts.entry(report.verdict.as_str()).or_default() += 1;
    }
    times.sort();
    let total: Duration = times.iter().sum();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let p90 = times.get(times.len() * 9 / 10).copied().unwrap_or_default();
    let worst = times.last().copied().unwrap_or_default();
    println!(
        "CORPUS claims={} total_ms={:.0} median_ms={:.2} p90_ms={:.2} max_ms={:.1} verdicts={:?}",
        times.len(),
        total.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        counts
    );
}

criterion_group!(benches, chapter, corpus);
criterion_main!(benches);
