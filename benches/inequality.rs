//! Inequalities and bounds: `diff(sigmoid(x), x) <= 1/4` (exact, one generator) and
//! `bound 'gelu(x)'` to 20 digits (branch-and-bound), each in milliseconds (criterion);
//! then the whole inequality corpus once, with the verdict counts and the total time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use actsym::defs;
use actsym::expr::Graph;
use actsym::prove::ineq::bound::{bound, BoundOptions};
use actsym::prove::verdict::{decide_claim, Options};
use criterion::{criterion_group, criterion_main, Criterion};

fn decide(claim: &str, seconds: f64) -> &'static str {
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, claim).expect("benchmark claims parse");
    let opts = Options {
        points: 16,
        time_limit: Duration::from_secs_f64(seconds),
        ..Options::default()
    };
    decide_claim(&mut g, &c, &opts).verdict.as_str()
}

fn gelu_bound() {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "gelu(x)").expect("parses");
    let opts = BoundOptions {
        digits: 20,
        ..BoundOptions::default()
    };
    let b = bound(&mut g, e, &[], &opts).expect("bounds");
    std::hint::black_box(b.inf.lower);
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("inequality");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(300));
    group.bench_function("sigmoid_deriv_le_quarter", |b| {
        b.iter(|| std::hint::black_box(decide("diff(sigmoid(x), x) <= 1/4", 10.0)))
    });
    group.bench_function("bound_gelu_20_digits", |b| b.iter(gelu_bound));
    group.finish();
}

fn corpus(_: &mut Criterion) {
    let text = include_str!("../tests/corpus/inequalities.tsv");
    let mut counts = BTreeMap::<(String, &'static str), usize>::new();
    let started = Instant::now();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let Some((label, claim)) = line.split_once('\t') else {
            continue;
        };
        *counts
            .entry((label.to_owned(), decide(claim, 2.0)))
            .or_default() += 1;
    }
    println!(
        "RESULT inequality corpus: {} claims in {:.2} s; (label, verdict) counts {counts:?}",
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count(),
        started.elapsed().as_secs_f64()
    );
}

criterion_group! {
    name = group;
    config = Criterion::default().without_plots();
    targets = benches, corpus
}
criterion_main!(group);
