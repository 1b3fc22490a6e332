//! Throughput of `actsym fuzz`: cases per second per core for each target, and the
//! scaling from 1 to 2 jobs (a ratio within one run), then criterion's timing of one
//! batch of cases per target. Also the memory of the reusable session: the graph is
//! replaced past `Session::MAX_NODES`, so it stays bounded over any number of cases.
//!
//! `cargo bench --bench fuzz` prints one `RESULT` line per target:
//! `RESULT fuzz <target> jobs=1 <cases/s> jobs=2 <cases/s> scaling <ratio>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use actsym::fuzz::{self, Campaign, Target};
use criterion::{criterion_group, criterion_main, Criterion};

/// Cases per second of `cases` cases of `target` on a pool of `jobs` threads.
fn rate(target: Target, cases: u64, jobs: usize) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(64 << 20)
        .build()
        .expect("threads");
    let mut c = Campaign::new(target, 1, cases);
    if target == Target::Identity {
        c.claim = Some("tanh(x) = 2*sigmoid(2*x) - 1".to_owned());
    }
    let start = Instant::now();
    let r = pool.install(|| fuzz::run(&c, &|_| {}));
    black_box(&r);
    r.cases as f64 / start.elapsed().as_secs_f64()
}

fn print_table() {
    println!("\nfuzz throughput (cases per second; identity: points per second)");
    for (target, cases) in [
        (Target::Print, 2000),
        (Target::Simplify, 1000),
        (Target::Eval, 1000),
        (Target::Derive, 200),
        (Target::Check, 200),
        (Target::Identity, 2_000_000),
    ] {
        let one = rate(target, cases, 1);
        let two = rate(target, cases, 2);
        println!(
            "RESULT fuzz {:<9} jobs=1 {:>12.0} jobs=2 {:>12.0} scaling {:.2}",
            target.name(),
            one,
            two,
            two / one
        );
    }
    println!();
}

fn bench(c: &mut Criterion) {
    print_table();
    let mut group = c.benchmark_group("fuzz_batch_of_20_cases_one_thread");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(64 << 20)
        .build()
        .expect("threads");
    for target in [
        Target::Print,
        Target::Simplify,
        Target::Eval,
        Target::Derive,
    ] {
        group.bench_function(target.name(), |b| {
            b.iter(|| {
                pool.install(|| black_box(fuzz::run(&Campaign::new(target, 1, 20), &|_| {})))
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
