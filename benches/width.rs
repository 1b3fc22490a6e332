//! Proofs that scale with width (issue 12, item 7): a claim pairing n tanh units with
//! their sigmoid forms (each with its own linear argument) for n = 8, 16 and 64, and a
//! 1 -> 64 -> 1 tanh network against its conversion to sigmoid, each decided end to
//! end (`proved` by exact evaluation at D + 1 points, re-checked). Prints one RESULT
//! line with the median milliseconds and the ratios 64/16 and 64/8, then the
//! criterion groups. Target: the network equality in under a second.

use std::time::{Duration, Instant};

use actsym::defs;
use actsym::expr::{BigRational, Graph};
use actsym::network::convert::{convert, Target};
use actsym::network::exact::parse_rational;
use actsym::network::{Activation, Layer, Network};
use actsym::parse::Claim;
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use criterion::{criterion_group, criterion_main, Criterion};

fn unit(k: usize) -> String {
    if k == 1 {
        "x/3".to_owned()
    } else {
        format!("{k}*x/3 - {}", k - 1)
    }
}

/// `tanh(x/3) + tanh(2*x/3 - 1) + ... = (2*sigmoid(2*x/3) - 1) + ...`
fn pairing(n: usize) -> String {
    let lhs: Vec<String> = (1..=n).map(|k| format!("tanh({})", unit(k))).collect();
    let rhs: Vec<String> = (1..=n)
        .map(|k| format!("(2*sigmoid(2*({})) - 1)", unit(k)))
        .collect();
    format!("{} = {}", lhs.join(" + "), rhs.join(" + "))
}

/// The 1 -> n -> 1 tanh network of `tests/width.rs` (the same pseudo-random weights).
fn tanh_net(n: usize) -> Network {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |den: &[i64]| -> BigRational {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let num = (state % 601) as i64 - 300;
        let d = den[(state >> 20) as usize % den.len()];
        parse_rational(&format!("{num}/{d}")).expect("a rational")
    };
    Network {
        inputs: 1,
        layers: vec![
            Layer {
                weights: (0..n).map(|_| vec![next(&[20, 7, 100])]).collect(),
                bias: (0..n).map(|_| next(&[10, 3, 100])).collect(),
                activation: Activation::Tanh,
            },
            Layer {
                weights: vec![(0..n).map(|_| next(&[5, 9, 100])).collect()],
                bias: vec![next(&[4])],
                activation: Activation::Identity,
            },
        ],
    }
}

fn decide_pairing(n: usize) -> Verdict {
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, &pairing(n)).expect("the claim parses");
    decide_claim(&mut g, &c, &Options::default()).verdict
}

fn decide_network(net: &Network, converted: &Network) -> Verdict {
    let mut g = Graph::with_prelude();
    let a = net.build(&mut g).expect("builds")[0];
    let b = converted.build(&mut g).expect("builds")[0];
    decide_claim(
        &mut g,
        &Claim::equality(a, b, Vec::new()),
        &Options::default(),
    )
    .verdict
}

/// The median of five runs, in milliseconds, and the verdict.
fn median_ms(f: &mut dyn FnMut() -> Verdict) -> (f64, Verdict) {
    let mut times = Vec::new();
    let mut verdict = Verdict::Unknown;
    for _ in 0..5 {
        let start = Instant::now();
        verdict = f();
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    (times[2], verdict)
}

fn width(c: &mut Criterion) {
    let net = tanh_net(64);
    let converted = convert(&net, Target::Sigmoid).0;
    let (t8, v8) = median_ms(&mut || decide_pairing(8));
    let (t16, v16) = median_ms(&mut || decide_pairing(16));
    let (t64, v64) = median_ms(&mut || decide_pairing(64));
    let (tn, vn) = median_ms(&mut || decide_network(&net, &converted));
    println!(
        "RESULT width: pairing n=8 {t8:.1} ms ({}), n=16 {t16:.1} ms ({}), n=64 {t64:.1} ms ({}); 64/16 = {:.2}x, 64/8 = {:.2}x; 1 -> 64 -> 1 tanh network = its sigmoid conversion {tn:.1} ms ({})",
        v8.as_str(),
        v16.as_str(),
        v64.as_str(),
        t64 / t16,
        t64 / t8,
        vn.as_str()
    );
    let mut group = c.benchmark_group("width");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(300));
    group.bench_function("pairing_16", |b| b.iter(|| decide_pairing(16)));
    group.bench_function("pairing_64", |b| b.iter(|| decide_pairing(64)));
    group.bench_function("network_1_64_1", |b| {
        b.iter(|| decide_network(&net, &converted))
    });
    group.finish();
}

criterion_group!(benches, width);
criterion_main!(benches);
