//! The fast evaluator against a hand-written Rust scalar loop and the expression
//! crates exmex, fasteval and meval (issue 4).
//!
//! Workloads over 1e6 points uniformly in [-8, 8), beta = 1.5:
//! W1 sigmoid; W2 swish'(x); W3 gelu'(x) = Phi(x) + x phi(x); W4 the residual
//! tanh(x) + 1 - 2 sigmoid(2x); W5 a 1->16->16->1 ReLU MLP with fixed weights; W6 the
//! derivative of sigmoid composed 4 times. All methods run interleaved in one process
//! for `ROUNDS` rounds; each figure is the median ns per point (the interpreters run
//! on a prefix of the points, to keep the run short). The output ends with one
//! `RESULT` line per workload. Single-thread figures are thread CPU time (the machine
//! is shared with other jobs); `actsym_par_ns` is wall time on all threads. `ulp_max` is measured against MPFR on 2000 of the
//! points; for W4, whose true value is 0, it is the largest |value| in units of
//! ulp(1) = 2^-52. Run with `cargo bench --bench evaluator` (release profile, no
//! target-cpu flags: the AVX2 kernels are chosen at run time).

#[path = "../tests/fast_eval/mpfr_ref.rs"]
#[allow(dead_code)]
mod mpfr_ref;

use std::hint::black_box;
use std::time::Instant;

use actsym::defs::parse_expr;
use actsym::expr::Graph;
use actsym::fast::Tape;
use fasteval::{Compiler, Evaler};

const N: usize = 1_000_000;
const ROUNDS: usize = 7;
const BETA: f64 = 1.5;

/// One workload: its text for actsym, exmex, fasteval, meval, and the hand loop.
struct Workload {
    name: &'static str,
    actsym: String,
    exmex: Option<String>,
    fasteval: Option<String>,
    meval: Option<String>,
    hand: fn(&[f64], &mut [f64], &Mlp),
    /// How many points the interpreters evaluate per round.
    interp_points: usize,
}

/// The fixed weights of W5, dyadic so that every method sees the same numbers.
struct Mlp {
    w1: [f64; 16],
    b1: [f64; 16],
    w2: [[f64; 16]; 16],
    b2: [f64; 16],
    w3: [f64; 16],
    b3: f64,
}

impl Mlp {
    fn new() -> Mlp {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) % 33) as f64 / 16.0 - 1.0 // k/16 in [-1, 1]
        };
        let mut m = Mlp {
            w1: [0.0; 16],
            b1: [0.0; 16],
            w2: [[0.0; 16]; 16],
            b2: [0.0; 16],
            w3: [0.0; 16],
            b3: 0.0,
        };
        for j in 0..16 {
            m.w1[j] = next();
            m.b1[j] = next();
            m.b2[j] = next();
            m.w3[j] = next();
            for i in 0..16 {
                m.w2[j][i] = next();
            }
        }
        m.b3 = next();
        m
    }

    /// The network as text, with `relu(u)` spelled by `relu`.
    fn text(&self, relu: &dyn Fn(&str) -> String) -> String {
        let h1: Vec<String> = (0..16)
            .map(|j| relu(&format!("{}*x + {}", self.w1[j], self.b1[j])))
            .collect();
        let h2: Vec<String> = (0..16)
            .map(|i| {
                let sum: Vec<String> = (0..16)
                    .map(|j| format!("{}*{}", self.w2[i][j], h1[j]))
                    .collect();
                relu(&format!("{} + {}", sum.join(" + "), self.b2[i]))
            })
            .collect();
        let out: Vec<String> = (0..16)
            .map(|i| format!("{}*{}", self.w3[i], h2[i]))
            .collect();
        format!("{} + {}", out.join(" + "), self.b3).replace("+ -", "- ")
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn hand_w1(xs: &[f64], out: &mut [f64], _: &Mlp) {
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = sigmoid(x);
    }
}

fn hand_w2(xs: &[f64], out: &mut [f64], _: &Mlp) {
    for (o, &x) in out.iter_mut().zip(xs) {
        let s = sigmoid(BETA * x);
        *o = s + BETA * x * s * (1.0 - s);
    }
}

fn hand_w3(xs: &[f64], out: &mut [f64], _: &Mlp) {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    for (o, &x) in out.iter_mut().zip(xs) {
        let cdf = 0.5 * (1.0 + libm::erf(x * std::f64::consts::FRAC_1_SQRT_2));
        *o = cdf + x * (-0.5 * x * x).exp() * INV_SQRT_2PI;
    }
}

fn hand_w4(xs: &[f64], out: &mut [f64], _: &Mlp) {
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = x.tanh() + 1.0 - 2.0 * sigmoid(2.0 * x);
    }
}

fn hand_w5(xs: &[f64], out: &mut [f64], m: &Mlp) {
    for (o, &x) in out.iter_mut().zip(xs) {
        let mut h1 = [0.0; 16];
        for ((h, w), b) in h1.iter_mut().zip(&m.w1).zip(&m.b1) {
            *h = (w * x + b).max(0.0);
        }
        let mut y = m.b3;
        for ((row, b), w3) in m.w2.iter().zip(&m.b2).zip(&m.w3) {
            let mut s = *b;
            for (w, h) in row.iter().zip(&h1) {
                s += w * h;
            }
            y += w3 * s.max(0.0);
        }
        *o = y;
    }
}

fn hand_w6(xs: &[f64], out: &mut [f64], _: &Mlp) {
    for (o, &x) in out.iter_mut().zip(xs) {
        let s1 = sigmoid(x);
        let s2 = sigmoid(s1);
        let s3 = sigmoid(s2);
        let s4 = sigmoid(s3);
        *o = s1 * (1.0 - s1) * s2 * (1.0 - s2) * s3 * (1.0 - s3) * s4 * (1.0 - s4);
    }
}

fn workloads(m: &Mlp) -> Vec<Workload> {
    let sig = |u: &str| format!("1/(1 + exp(-({u})))");
    let sig_fe = |u: &str| format!("1/(1 + e()^(-({u})))");
    let swish_d = |s: &dyn Fn(&str) -> String| {
        format!("{} + 1.5*x*{}*(1 - {})", s("1.5*x"), s("1.5*x"), s("1.5*x"))
    };
    let w6 = |s: &dyn Fn(&str) -> String| {
        let s1 = s("x");
        let s2 = s(&s1);
        let s3 = s(&s2);
        let s4 = s(&s3);
        [s1, s2, s3, s4]
            .iter()
            .map(|t| format!("{t}*(1 - {t})"))
            .collect::<Vec<_>>()
            .join("*")
    };
    let w4 = |s: &dyn Fn(&str) -> String| format!("tanh(x) + 1 - 2*{}", s("2*x"));
    vec![
        Workload {
            name: "W1",
            actsym: "sigmoid(x)".into(),
            exmex: Some(sig("x")),
            fasteval: Some(sig_fe("x")),
            meval: Some(sig("x")),
            hand: hand_w1,
            interp_points: 200_000,
        },
        Workload {
            name: "W2",
            actsym: "sigmoid(1.5*x) + 1.5*x*sigmoid(1.5*x)*(1 - sigmoid(1.5*x))".into(),
            exmex: Some(swish_d(&sig)),
            fasteval: Some(swish_d(&sig_fe)),
            meval: Some(swish_d(&sig)),
            hand: hand_w2,
            interp_points: 100_000,
        },
        // No erf in exmex, fasteval or meval.
        Workload {
            name: "W3",
            actsym: "Phi(x) + x*phi(x)".into(),
            exmex: None,
            fasteval: None,
            meval: None,
            hand: hand_w3,
            interp_points: 0,
        },
        Workload {
            name: "W4",
            actsym: "tanh(x) + 1 - 2*sigmoid(2*x)".into(),
            exmex: Some(w4(&sig)),
            fasteval: None, // no tanh in fasteval
            meval: Some(w4(&sig)),
            hand: hand_w4,
            interp_points: 100_000,
        },
        Workload {
            name: "W5",
            actsym: m.text(&|u| format!("relu({u})")),
            exmex: Some(m.text(&|u| format!("(({u}) + abs({u}))/2"))),
            fasteval: Some(m.text(&|u| format!("max({u}, 0)"))),
            meval: Some(m.text(&|u| format!("max({u}, 0)"))),
            hand: hand_w5,
            interp_points: 5_000,
        },
        Workload {
            name: "W6",
            actsym: w6(&|u| format!("sigmoid({u})")),
            exmex: Some(w6(&sig)),
            fasteval: Some(w6(&sig_fe)),
            meval: Some(w6(&sig)),
            hand: hand_w6,
            interp_points: 20_000,
        },
    ]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The CPU time of this thread in ns. The machine is shared, so single-thread figures
/// count only the time this thread ran; the all-threads figure is wall time.
fn thread_ns() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write into.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
}

/// Times `f` over `n` points in thread CPU time: ns per point.
fn time(n: usize, f: impl FnOnce()) -> f64 {
    let t = thread_ns();
    f();
    (thread_ns() - t) / n as f64
}

/// Times `f` over `n` points in wall time: ns per point.
fn time_wall(n: usize, f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    let m = Mlp::new();
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let xs: Vec<f64> = (0..N)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            -8.0 + 16.0 * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect();
    let mut out = vec![0.0; N];
    let loads = workloads(&m);
    let mut g = Graph::with_prelude();
    let xsym = g.symbol("x");
    let mut tapes = Vec::new();
    for w in &loads {
        let e = parse_expr(&mut g, &w.actsym).expect("workload parses");
        tapes.push((e, Tape::compile(&g, e, &[xsym]).expect("workload compiles")));
    }
    let exmex: Vec<_> = loads
        .iter()
        .map(|w| {
            w.exmex
                .as_ref()
                .map(|t| exmex::parse::<f64>(t).expect("exmex parses"))
        })
        .collect();
    let parser = fasteval::Parser {
        expr_len_limit: 1 << 20,
        expr_depth_limit: 1 << 10,
    };
    let mut slab = fasteval::Slab::with_capacity(1 << 16);
    let fe: Vec<_> = loads
        .iter()
        .map(|w| {
            w.fasteval.as_ref().map(|t| {
                let mut sl = fasteval::Slab::with_capacity(1 << 16);
                let c = parser
                    .parse(t, &mut sl.ps)
                    .expect("fasteval parses")
                    .from(&sl.ps)
                    .compile(&sl.ps, &mut sl.cs);
                (c, sl)
            })
        })
        .collect();
    slab.clear();
    let me: Vec<_> = loads
        .iter()
        .map(|w| {
            w.meval.as_ref().map(|t| {
                t.parse::<meval::Expr>()
                    .expect("meval parses")
                    .bind("x")
                    .expect("binds")
            })
        })
        .collect();

    let k = loads.len();
    let mut t_act = vec![Vec::new(); k];
    let mut t_par = vec![Vec::new(); k];
    let mut t_hand = vec![Vec::new(); k];
    let mut t_exmex = vec![Vec::new(); k];
    let mut t_fe = vec![Vec::new(); k];
    let mut t_me = vec![Vec::new(); k];
    use exmex::Express;
    for _ in 0..ROUNDS {
        for (i, w) in loads.iter().enumerate() {
            let tape = &tapes[i].1;
            t_act[i].push(time(N, || {
                tape.eval_batch(&[&xs], &mut out).expect("shapes")
            }));
            black_box(&out);
            t_par[i].push(time_wall(N, || {
                tape.eval_batch_parallel(&[&xs], &mut out).expect("shapes")
            }));
            black_box(&out);
            t_hand[i].push(time(N, || (w.hand)(black_box(&xs), &mut out, &m)));
            black_box(&out);
            let n = w.interp_points;
            if let Some(e) = &exmex[i] {
                t_exmex[i].push(time(n, || {
                    for (o, &x) in out[..n].iter_mut().zip(&xs[..n]) {
                        *o = e.eval(&[x]).unwrap_or(f64::NAN);
                    }
                }));
            }
            if let Some((c, sl)) = &fe[i] {
                t_fe[i].push(time(n, || {
                    for (o, &x) in out[..n].iter_mut().zip(&xs[..n]) {
                        let mut cb = |name: &str, _: Vec<f64>| (name == "x").then_some(x);
                        *o = c.eval(sl, &mut cb).unwrap_or(f64::NAN);
                    }
                }));
            }
            if let Some(f) = &me[i] {
                t_me[i].push(time(n, || {
                    for (o, &x) in out[..n].iter_mut().zip(&xs[..n]) {
                        *o = f(x);
                    }
                }));
            }
            black_box(&out);
        }
    }
    let fmt = |v: &mut Vec<f64>| {
        if v.is_empty() {
            "n/a".to_owned()
        } else {
            format!("{:.2}", median(v))
        }
    };
    let mut results = Vec::new();
    for (i, w) in loads.iter().enumerate() {
        let (e, tape) = &tapes[i];
        let ulp_max = ulp_max(&g, *e, xsym, tape, &xs, w.name == "W4");
        let spread = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(0.0, f64::max);
            format!("{lo:.2}-{hi:.2}")
        };
        // actsym and the hand loop run back to back in each round, so their ratio per
        // round cancels the slow phases of a shared machine.
        let mut paired: Vec<f64> = t_act[i]
            .iter()
            .zip(&t_hand[i])
            .map(|(a, h)| a / h)
            .collect();
        println!(
            "{} spread (min-max over {ROUNDS} rounds): actsym {} ns, actsym all threads {} ns, hand {} ns; per-round ratio {} (median {:.3})",
            w.name,
            spread(&t_act[i]),
            spread(&t_par[i]),
            spread(&t_hand[i]),
            spread(&paired),
            median(&mut paired)
        );
        let a = median(&mut t_act[i]);
        let h = median(&mut t_hand[i]);
        results.push(format!(
            "RESULT {} actsym_ns={a:.2} actsym_par_ns={} hand_ns={h:.2} exmex_ns={} fasteval_ns={} meval_ns={} ratio_hand={:.3} ulp_max={ulp_max:.2}",
            w.name,
            fmt(&mut t_par[i]),
            fmt(&mut t_exmex[i]),
            fmt(&mut t_fe[i]),
            fmt(&mut t_me[i]),
            a / h
        ));
    }
    for r in results {
        println!("{r}");
    }
}

/// The largest error of the tape against MPFR over 2000 of the points, in ulp of the
/// true value (or of 1 for a workload whose true value is 0).
fn ulp_max(
    g: &Graph,
    e: actsym::expr::ExprId,
    x: actsym::expr::Symbol,
    tape: &Tape,
    xs: &[f64],
    zero: bool,
) -> f64 {
    let mut worst: f64 = 0.0;
    for &xi in xs.iter().step_by(xs.len() / 2000) {
        let got = tape.eval_point(&[xi]).expect("one variable");
        let err = if zero {
            got.abs() / f64::EPSILON
        } else {
            match mpfr_ref::reference(g, e, &[x], &[xi]) {
                Some(want) => mpfr_ref::ulps(got, &want),
                None => f64::INFINITY,
            }
        };
        worst = worst.max(err);
    }
    worst
}
