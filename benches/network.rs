//! Exact analysis of networks: the breakpoints of a 1 -> 64 -> 64 -> 1 ReLU network
//! (target: well under a second), the linear regions of a 2 -> 16 -> 16 -> 1 ReLU
//! network in a box (target: seconds), and a sum of 9,999 shifted relus (10,000
//! pieces; target: under a second), and the dense-layer fast evaluator on a
//! 1 -> 16 -> 16 -> 1 ReLU network against a hand-written scalar loop and a loop over
//! groups of 8 points in fixed-size arrays, in one run (target: at most 0.5x the
//! scalar loop's time, within 1.2x of the 8-lane loop, compile under 1 ms). Each
//! prints a RESULT line.

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

/// The weights of a 1 -> 16 -> 16 -> 1 network as `f64`, row-major.
struct Weights {
    w1: Vec<f64>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: Vec<f64>,
    w3: Vec<f64>,
    b3: f64,
}

/// The hand-written scalar loop: one point at a time.
fn scalar_loop(w: &Weights, xs: &[f64], out: &mut [f64]) {
    let (w1, b1, w2, b2, w3, b3) = (&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, w.b3);
    let n = b1.len();
    for (x, o) in xs.iter().zip(out.iter_mut()) {
        let mut h1 = [0.0; 16];
        for i in 0..n {
            h1[i] = (w1[i] * x + b1[i]).max(0.0);
        }
        let mut y = b3;
        for i in 0..n {
            let mut s = b2[i];
            for j in 0..n {
                s += w2[i * n + j] * h1[j];
            }
            y += w3[i] * s.max(0.0);
        }
        *o = y;
    }
}

/// The hand-written loop over groups of 8 points in fixed-size arrays.
fn lane_loop(w: &Weights, xs: &[f64], out: &mut [f64]) {
    let (w1, b1, w2, b2, w3, b3) = (&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, w.b3);
    const L: usize = 8;
    let n = b1.len();
    for (xg, og) in xs.chunks(L).zip(out.chunks_mut(L)) {
        let mut x = [0.0; L];
        x[..xg.len()].copy_from_slice(xg);
        let mut h1 = [[0.0; L]; 16];
        for i in 0..n {
            for k in 0..L {
                h1[i][k] = (w1[i] * x[k] + b1[i]).max(0.0);
            }
        }
        let mut y = [b3; L];
        for i in 0..n {
            let mut s = [b2[i]; L];
            for j in 0..n {
                for k in 0..L {
                    s[k] += w2[i * n + j] * h1[j][k];
                }
            }
            for k in 0..L {
                y[k] += w3[i] * s[k].max(0.0);
            }
        }
        og.copy_from_slice(&y[..og.len()]);
    }
}

fn dense_layers(c: &mut Criterion) {
    use actsym::fast::Tape;
    use num_traits::ToPrimitive;
    let net = relu_net(&[1, 16, 16, 1]);
    let f = |r: &BigRational| r.to_f64().unwrap_or(0.0);
    let flat = |k: usize| -> Vec<f64> { net.layers[k].weights.iter().flatten().map(f).collect() };
    let (w1, w2, w3) = (flat(0), flat(1), flat(2));
    let b: Vec<Vec<f64>> = net
        .layers
        .iter()
        .map(|l| l.bias.iter().map(f).collect())
        .collect();
    let wts = Weights {
        w1,
        b1: b[0].clone(),
        w2,
        b2: b[1].clone(),
        w3,
        b3: b[2][0],
    };
    let n = 1 << 16;
    let xs: Vec<f64> = (0..n).map(|i| -8.0 + 16.0 * i as f64 / n as f64).collect();
    let mut out = vec![0.0; n];
    // Compile times: the dense tape, and the expression compiled node by node.
    let t = Instant::now();
    let reps = 1000;
    for _ in 0..reps {
        std::hint::black_box(
            Tape::dense(net.dense().expect("dense"), vec!["x".into()]).expect("tape"),
        );
    }
    let dense_compile = t.elapsed() / reps;
    let mut g = Graph::with_prelude();
    let e = net.output(&mut g).expect("builds");
    let x = g.symbol("x");
    let t = Instant::now();
    let scalar_tape = Tape::compile_unfolding(&mut g, e, &[x]).expect("compiles");
    let node_compile = t.elapsed();
    let dense = Tape::dense(net.dense().expect("dense"), vec!["x".into()]).expect("tape");
    let time = |f: &mut dyn FnMut()| {
        f();
        let t = Instant::now();
        for _ in 0..20 {
            f();
        }
        t.elapsed() / 20
    };
    let t_scalar = time(&mut || scalar_loop(&wts, &xs, &mut out));
    let reference = out.clone();
    let t_lanes = time(&mut || lane_loop(&wts, &xs, &mut out));
    let t_dense = time(&mut || dense.eval_batch(&[&xs], &mut out).expect("runs"));
    let worst = out
        .iter()
        .zip(&reference)
        .map(|(a, r)| (a - r).abs() / r.abs().max(1.0))
        .fold(0.0, f64::max);
    let t_tape = time(&mut || scalar_tape.eval_batch(&[&xs], &mut out).expect("runs"));
    println!(
        "RESULT dense_1_16_16_1: compile {dense_compile:?} (node-by-node tape {node_compile:?}); per 65536 points: scalar loop {t_scalar:?}, 8-lane loop {t_lanes:?}, dense tape {t_dense:?} ({:.2}x the scalar loop, {:.2}x the 8-lane loop), node-by-node tape {t_tape:?} ({:.2}x); largest relative difference from the scalar loop {worst:.1e}",
        t_dense.as_secs_f64() / t_scalar.as_secs_f64(),
        t_dense.as_secs_f64() / t_lanes.as_secs_f64(),
        t_tape.as_secs_f64() / t_scalar.as_secs_f64(),
    );
    let mut group = c.benchmark_group("network");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("dense_tape_1_16_16_1", |bch| {
        bch.iter(|| dense.eval_batch(&[&xs], &mut out).expect("runs"))
    });
    group.bench_function("scalar_loop_1_16_16_1", |bch| {
        bch.iter(|| scalar_loop(&wts, &xs, &mut out));
    });
    group.bench_function("lane_loop_1_16_16_1", |bch| {
        bch.iter(|| lane_loop(&wts, &xs, &mut out));
    });
    group.finish();
}

criterion_group!(benches, dense_layers, breakpoints, box_regions, many_relus);
criterion_main!(benches);
