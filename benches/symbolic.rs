//! Derive + simplify benchmarks of issue 3: the n-th derivative of `swish(x, beta)`
//! for n = 1..8 and the derivative of sigmoid composed k = 1..12 times.
//!
//! Before criterion runs, a table is printed with the median time of one
//! derive+simplify from a fresh graph, the result's size as a DAG (nodes), and its
//! operations in the printed form (`print::op_count`) and with shared subterms
//! counted once (after common-subexpression elimination).
//! Targets: swish n = 8 under 2 ms with at most 92 operations (SymPy's simplified
//! form); sigmoid∘12 under 1 ms with at most 82 shared operations.

use std::hint::black_box;
use std::time::{Duration, Instant};

use actsym::defs::parse_expr;
use actsym::diff::{derive_n, Kink};
use actsym::expr::{ExprId, Graph, Symbol};
use actsym::print::op_count;
use actsym::simplify::dag_op_count;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};

/// A fresh graph with the prelude, the parsed expression and `x`.
fn setup(src: &str) -> (Graph, ExprId, Symbol) {
    let mut g = Graph::with_prelude();
    let e = parse_expr(&mut g, src).expect("benchmark expressions parse");
    let x = g.symbol("x");
    (g, e, x)
}

fn swish_src() -> String {
    "swish(x, beta)".to_owned()
}

fn sigmoid_tower(k: usize) -> String {
    format!("{}x{}", "sigmoid(".repeat(k), ")".repeat(k))
}

/// Median wall time of `runs` derive+simplify runs, each from a fresh graph, and the
/// sizes of the result.
fn measure(src: &str, order: u32, runs: usize) -> (Duration, usize, usize, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut sizes = (0, 0, 0);
    for _ in 0..runs {
        let (mut g, e, x) = setup(src);
        let t = Instant::now();
        let d = derive_n(&mut g, e, x, order, Kink::Left).expect("derivative");
        times.push(t.elapsed());
        sizes = (g.dag_size(d), op_count(&g, d), dag_op_count(&g, d));
    }
    times.sort_unstable();
    (times[runs / 2], sizes.0, sizes.1, sizes.2)
}

fn print_table() {
    println!(
        "\n{:<14} {:>12} {:>10} {:>12} {:>12}",
        "case", "time", "DAG nodes", "printed ops", "shared ops"
    );
    for n in 1..=8 {
        let (t, nodes, ops, shared) = measure(&swish_src(), n, 21);
        println!(
            "{:<14} {:>12.3?} {:>10} {:>12} {:>12}",
            format!("swish n={n}"),
            t,
            nodes,
            ops,
            shared
        );
    }
    for k in 1..=12 {
        let (t, nodes, ops, shared) = measure(&sigmoid_tower(k), 1, 21);
        println!(
            "{:<14} {:>12.3?} {:>10} {:>12} {:>12}",
            format!("sigmoid∘{k}"),
            t,
            nodes,
            ops,
            shared
        );
    }
    println!();
}

fn bench(c: &mut Criterion) {
    print_table();
    let mut group = c.benchmark_group("swish_nth_derivative");
    for n in 1..=8u32 {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter_batched(
                || setup(&swish_src()),
                |(mut g, e, x)| black_box(derive_n(&mut g, e, x, n, Kink::Left)),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
    let mut group = c.benchmark_group("sigmoid_composed_derivative");
    for k in 1..=12usize {
        group.bench_with_input(BenchmarkId::from_parameter(k), &k, |b, &k| {
            b.iter_batched(
                || setup(&sigmoid_tower(k)),
                |(mut g, e, x)| black_box(derive_n(&mut g, e, x, 1, Kink::Left)),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
