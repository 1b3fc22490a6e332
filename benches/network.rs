//! Exact analysis of networks: the breakpoints of a 1 -> 64 -> 64 -> 1 ReLU network
//! (target: well under a second), the linear regions of a 2 -> 16 -> 16 -> 1 ReLU
//! network in a box (target: seconds), and a sum of 9,999 shifted relus (10,000
//! pieces; target: under a second). Each prints a RESULT line with its size.

use std::time::{Duration, Instant};

use actsym::expr::{BigRational, Graph};
use actsym::network::regions::regions;
use actsym::network::{Activation, Layer, Network};
use actsym::pwl::analyse;
use criterion::{criterion_group, criterion_main, Criterion};
use num_bigint::BigInt;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

/// A deterministic ReLU network of the given widths, small rational weights.
fn relu_net(widths: &[usize]) -> Network {
    let mut s: i64 = 12_345;
    let mut next = || {
        s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
        q((s >> 8) % 17 - 8, 1 + (s >> 4) % 4)
    };
    let layers = widths
        .windows(2)
        .enumerate()
        .map(|(k, w)| Layer {
            weights: (0..w[1])
                .map(|_| (0..w[0]).map(|_| next()).collect())
                .collect(),
            bias: (0..w[1]).map(|_| next()).collect(),
            activation: if k + 2 == widths.len() {
                Activation::Identity
            } else {
                Activation::Relu
            },
        })
        .collect();
    Network {
        inputs: widths[0],
        layers,
    }
}

fn breakpoints(c: &mut Criterion) {
    let net = relu_net(&[1, 64, 64, 1]);
    let run = || {
        let mut g = Graph::with_prelude();
        let e = net.output(&mut g).expect("builds");
        let x = g.symbol("x");
        analyse(&mut g, e, x).expect("analysed")
    };
    let t = Instant::now();
    let f = run();
    println!(
        "RESULT breakpoints_1_64_64_1: {} breakpoints in {:?}",
        f.breaks.len(),
        t.elapsed()
    );
    let mut group = c.benchmark_group("network");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("breakpoints_1_64_64_1", |b| {
        b.iter(|| std::hint::black_box(run().breaks.len()))
    });
    group.finish();
}

fn box_regions(c: &mut Criterion) {
    let net = relu_net(&[2, 16, 16, 1]);
    let bx = [(q(-2, 1), q(2, 1)), (q(-2, 1), q(2, 1))];
    let t = Instant::now();
    let r = regions(&net, &bx, None).expect("regions");
    println!(
        "RESULT regions_2_16_16_1: {} regions ({} affine maps, continuous {}) in {:?}",
        r.regions.len(),
        r.maps,
        r.continuous,
        t.elapsed()
    );
    let mut group = c.benchmark_group("network");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("regions_2_16_16_1", |b| {
        b.iter(|| std::hint::black_box(regions(&net, &bx, None).expect("regions").regions.len()));
    });
    group.finish();
}

fn many_relus(c: &mut Criterion) {
    let run = |n: i64| {
        let mut g = Graph::with_prelude();
        let relu = g.find_symbol("relu").expect("relu");
        let x = g.var("x");
        let terms: Vec<_> = (0..n)
            .map(|k| {
                let c = g.num(q(k, 3));
                let u = g.sub(x, c);
                g.call(relu, vec![u])
            })
            .collect();
        let e = g.add(terms);
        let xs = g.symbol("x");
        analyse(&mut g, e, xs).expect("analysed").pieces.len()
    };
    for n in [1_000, 4_000, 9_999] {
        let t = Instant::now();
        let pieces = run(n);
        println!(
            "RESULT sum_of_{n}_relus: {pieces} pieces in {:?}",
            t.elapsed()
        );
    }
    let mut group = c.benchmark_group("network");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("sum_of_9999_relus", |b| {
        b.iter(|| std::hint::black_box(run(9_999)))
    });
    group.finish();
}

criterion_group!(benches, breakpoints, box_regions, many_relus);
criterion_main!(benches);
