//! Time to decide claims: the chapter's identities one by one (criterion), then the
//! whole test corpus and the adversarial corpus once each, with the verdict counts,
//! the median, p90 and worst time per claim and the points screened and certified;
//! then the fast screen's throughput (points per second), once as a RESULT line and
//! under criterion (`screen/*`, `elem/s`: points at which both sides are evaluated).
//! Target: a typical claim decided in under 50 ms.

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
    corpus_stats("CORPUS", include_str!("../tests/corpus/claims.tsv"));
    corpus_stats(
        "ADVERSARIAL",
        include_str!("../tests/corpus/adversarial.tsv"),
    );
}

/// The fast screen's throughput: both sides of a claim on a line's grid, in f64.
fn screening(_: &mut Criterion) {
    use actsym::prove::screen::{grid, Screen};
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, "gelu(x) + softplus(x) = x*Phi(x) + log(1 + exp(x))")
        .expect("the screening claim parses");
    let l = defs::inline(&mut g, c.lhs);
    let r = defs::inline(&mut g, c.rhs);
    let x = g.symbol("x");
    let mut screen = Screen::new(&mut g, &[x], l, r, &[]);
    let base = std::collections::HashMap::new();
    let xs = grid(None, None, &[], 200);
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_millis(500) {
        std::hint::black_box(screen.sides(x, &base, xs.clone()));
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "SCREEN points_per_line={} points_per_second={:.0} (both sides, {rounds} lines)",
        xs.len(),
        screen.screened as f64 / secs
    );
}

/// The fast screen under criterion, with its throughput in points per second
/// (criterion's `elem/s`: one element is one point at which both sides of the claim
/// are evaluated in f64), for a smooth claim, a kinked one and one with a domain.
fn screen_throughput(c: &mut Criterion) {
    use actsym::prove::screen::{grid, Screen};
    let claims = [
        (
            "smooth",
            "gelu(x) + softplus(x) = x*Phi(x) + log(1 + exp(x))",
        ),
        ("kinks", "relu(x^2 - 2) + relu(2 - x^2) = abs(x^2 - 2)"),
        ("domain", "log(x + 1) - log(x) = log(1 + 1/x)"),
    ];
    let mut group = c.benchmark_group("screen");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(300));
    for (name, claim) in claims {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).expect("the screening claims parse");
        let l = defs::inline(&mut g, c.lhs);
        let r = defs::inline(&mut g, c.rhs);
        let x = g.symbol("x");
        let mut screen = Screen::new(&mut g, &[x], l, r, &[]);
        let base = std::collections::HashMap::new();
        let xs = grid(None, None, &[-1.0, 0.0, 1.0], 2_500);
        group.throughput(criterion::Throughput::Elements(xs.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| std::hint::black_box(screen.sides(x, &base, xs.clone())))
        });
    }
    group.finish();
}

fn corpus_stats(name: &str, text: &str) {
    let mut times = Vec::new();
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    let (mut screened, mut certified) = (0usize, 0usize);
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let Some(claim) = line.split('\t').nth(1) else {
            continue;
        };
        let start = Instant::now();
        let mut g = Graph::with_prelude();
        let Ok(c) = defs::parse_claim(&mut g, claim) else {
            continue;
        };
        let report = decide_claim(&mut g, &c, &Options::default());
        times.push(start.elapsed());
        screened += report.screened;
        certified += report.certified;
        *counts.entry(report.verdict.as_str()).or_default() += 1;
    }
    times.sort();
    let total: Duration = times.iter().sum();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let p90 = times.get(times.len() * 9 / 10).copied().unwrap_or_default();
    let worst = times.last().copied().unwrap_or_default();
    println!(
        "{name} claims={} total_ms={:.0} median_ms={:.2} p90_ms={:.2} max_ms={:.1} screened={screened} certified={certified} verdicts={:?}",
        times.len(),
        total.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        counts
    );
}

criterion_group!(benches, chapter, corpus, screening, screen_throughput);
criterion_main!(benches);
