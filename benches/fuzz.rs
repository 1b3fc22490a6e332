//! Throughput of `actsym fuzz`: cases per second per core for each target, and the
//! scaling from 1 to 2 jobs (a ratio within one run), then criterion's timing of one
//! batch of cases per target. Also the memory of the reusable session: its graph is
//! rolled back to the prelude before each case, so it stays bounded over any number
//! of cases.
//!
//! `cargo bench --bench fuzz` prints one `RESULT` line per target:
//! `RESULT fuzz <target> jobs=1 <cases/s> jobs=2 <cases/s> scaling <ratio> cpu <cases/cpu-s>`.
//! On a shared machine the wall-clock rates move with the load; the last figure,
//! cases per second of CPU time used by the process (all its threads), is the rate
//! per core that the load does not change. Then `RESULT fuzz rss` gives the resident
//! memory after the runs.
//!
//! `RESULT fuzz derive-symbolic` times the symbolic path of the same `derive` cases
//! alone: the expression parsed into the session's graph and its derivative taken and
//! simplified in all three kink modes, without the MPFR oracles that check it (the
//! difference quotients at 60 digits and the certified value of each derivative at
//! each point), so the two figures show where a case's time goes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use actsym::diff::{self, Kink};
use actsym::fuzz::{self, Campaign, Session, Target};
use criterion::{criterion_group, criterion_main, Criterion};

/// CPU time used by the process so far (all threads).
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The resident memory of the process in kB (Linux), if known.
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Cases per second (wall clock) and per second of CPU time of `cases` cases of
/// `target` on a pool of `jobs` threads.
fn rate(target: Target, cases: u64, jobs: usize) -> (f64, f64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(64 << 20)
        .build()
        .expect("threads");
    let mut c = Campaign::new(target, 1, cases);
    if target == Target::Identity {
        c.claim = Some("tanh(x) = 2*sigmoid(2*x) - 1".to_owned());
    }
    let (start, cpu) = (Instant::now(), cpu_time());
    let r = pool.install(|| fuzz::run(&c, &|_| {}));
    black_box(&r);
    let n = r.cases as f64;
    let cpu = (cpu_time() - cpu).as_secs_f64();
    (n / start.elapsed().as_secs_f64(), n / cpu.max(1e-9))
}

/// Cases per second of CPU time of the symbolic path of `derive` (parse, then the
/// derivative in each kink mode, simplified) on the campaign's own expressions.
fn symbolic_derive_rate(cases: u64) -> f64 {
    let config = fuzz::config_for(Target::Derive);
    let texts: Vec<String> = (0..cases)
        .map(|k| fuzz::generate(fuzz::case_seed(1, k), &config).text())
        .collect();
    let mut s = Session::new();
    let modes = [Kink::Left, Kink::Right, Kink::Autodiff];
    let cpu = cpu_time();
    for text in &texts {
        s.begin_case();
        let g = &mut s.graph;
        let Ok(e) = actsym::defs::parse_expr(g, text) else {
            continue;
        };
        let x = g.symbol("x");
        black_box(diff::derive_modes(g, e, x, &modes));
    }
    cases as f64 / (cpu_time() - cpu).as_secs_f64().max(1e-9)
}

fn print_table() {
    println!("\nfuzz throughput (cases per second; identity: points per second)");
    for (target, cases) in [
        (Target::Print, 4000),
        (Target::Simplify, 2000),
        (Target::Eval, 2000),
        (Target::Derive, 2000),
        (Target::Check, 400),
        (Target::Identity, 2_000_000),
    ] {
        let (one, cpu) = rate(target, cases, 1);
        let (two, _) = rate(target, cases, 2);
        println!(
            "RESULT fuzz {:<9} jobs=1 {:>12.0} jobs=2 {:>12.0} scaling {:.2} cpu {:>12.0}",
            target.name(),
            one,
            two,
            two / one,
            cpu
        );
    }
    println!(
        "RESULT fuzz derive-symbolic cpu {:>12.0}",
        symbolic_derive_rate(4000)
    );
    if let Some(kb) = rss_kb() {
        println!("RESULT fuzz rss {kb} kB");
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
