//! The generator of the polynomial coefficients in `src/fast/kernels/normal.rs`.
//!
//! Run with `cargo test --test fast_eval generate_kernel_coefficients -- --ignored --nocapture`.
//! Each function is interpolated at Chebyshev nodes in 512-bit MPFR arithmetic, the
//! interpolant is converted to monomials in the interval's normalised variable, rounded
//! to f64, and the resulting f64 Horner evaluation is measured against MPFR (and
//! `EXPM1_P` in `exp_log.rs`, the same way). The printed
//! tables are pasted into the kernel file; the printed errors are what the kernels
//! inherit.

use rug::{float::Constant, Float};

const PREC: u32 = 256;

fn f(v: f64) -> Float {
    Float::with_val(PREC, v)
}

/// Chebyshev interpolation of degree `n` on `[a, b]`, returned as monomial
/// coefficients in `t = (2x - a - b)/(b - a)` (constant first).
fn fit(func: &dyn Fn(&Float) -> Float, a: f64, b: f64, n: usize) -> Vec<Float> {
    let pi = Float::with_val(PREC, Constant::Pi);
    let m = n + 1;
    let nodes: Vec<Float> = (0..m)
        .map(|j| {
            let theta = Float::with_val(PREC, &pi * (2 * j + 1) as u32) / (2 * m) as u32;
            theta.cos()
        })
        .collect();
    let vals: Vec<Float> = nodes
        .iter()
        .map(|t| {
            let x = Float::with_val(PREC, t * (b - a)) / 2u32 + (a + b) / 2.0;
            func(&x)
        })
        .collect();
    // Chebyshev coefficients c_k = 2/m sum f(x_j) T_k(t_j).
    let mut cheb = Vec::with_capacity(m);
    for k in 0..m {
        let mut s = Float::with_val(PREC, 0);
        for (j, v) in vals.iter().enumerate() {
            let theta = Float::with_val(PREC, &pi * ((2 * j + 1) * k) as u32) / (2 * m) as u32;
            s += Float::with_val(PREC, v * theta.cos());
        }
        s = s * 2u32 / m as u32;
        if k == 0 {
            s /= 2u32;
        }
        cheb.push(s);
    }
    // Monomial coefficients: sum c_k T_k(t), T_{k+1} = 2t T_k - T_{k-1}.
    let mut mono = vec![Float::with_val(PREC, 0); m];
    let mut t_prev = vec![Float::with_val(PREC, 0); m];
    let mut t_cur = vec![Float::with_val(PREC, 0); m];
    t_prev[0] = Float::with_val(PREC, 1); // T_0
    if m > 1 {
        t_cur[1] = Float::with_val(PREC, 1); // T_1
    }
    for (k, c) in cheb.iter().enumerate() {
        let tk = if k == 0 { &t_prev } else { &t_cur };
        for i in 0..m {
            mono[i] += Float::with_val(PREC, c * &tk[i]);
        }
        if k >= 1 && k + 1 < m {
            let mut next = vec![Float::with_val(PREC, 0); m];
            for i in 0..m {
                if i + 1 < m {
                    next[i + 1] += Float::with_val(PREC, &t_cur[i] * 2u32);
                }
                next[i] -= &t_prev[i];
            }
            t_prev = std::mem::replace(&mut t_cur, next);
        }
    }
    mono
}

/// The largest relative truncation error (units of 2^-53) of the exact interpolant.
fn trunc_err(func: &dyn Fn(&Float) -> Float, c: &[Float], a: f64, b: f64) -> f64 {
    let mut worst: f64 = 0.0;
    for i in 0..=300 {
        let x = a + (b - a) * i as f64 / 300.0;
        let t = Float::with_val(PREC, f(x) * 2u32 - a - b) / (b - a);
        let mut acc = Float::with_val(PREC, 0);
        for k in c.iter().rev() {
            acc = acc * &t + k;
        }
        let want = func(&f(x));
        let rel = (Float::with_val(PREC, &want - &acc) / &want).abs().to_f64();
        worst = worst.max(rel / f64::EPSILON * 2.0);
    }
    worst
}

fn horner(c: &[f64], t: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * t + k)
}

/// The largest relative error (in units of 2^-53) of the f64 Horner evaluation.
fn max_err(func: &dyn Fn(&Float) -> Float, c: &[f64], a: f64, b: f64) -> f64 {
    let mut worst: f64 = 0.0;
    for i in 0..=2000 {
        let x = a + (b - a) * i as f64 / 2000.0;
        let t = (2.0 * x - a - b) / (b - a);
        let got = horner(c, t);
        let want = func(&f(x));
        let rel = (Float::with_val(PREC, &want - got) / &want).abs().to_f64();
        worst = worst.max(rel / f64::EPSILON * 2.0);
    }
    worst
}

fn report(name: &str, func: &dyn Fn(&Float) -> Float, a: f64, b: f64) {
    for n in 4..40 {
        let exact = fit(func, a, b, n);
        if trunc_err(func, &exact, a, b) > 0.03 && n < 39 {
            continue;
        }
        let c: Vec<f64> = exact.iter().map(Float::to_f64).collect();
        let e = max_err(func, &c, a, b);
        {
            println!("// {name} on [{a}, {b}]: degree {n}, max error {e:.3} u (u = 2^-53)");
            println!("const {name}: [f64; {}] = [", c.len());
            for k in &c {
                println!("    f64::from_bits({:#018x}), // {k:e}", k.to_bits());
            }
            println!("];");
            return;
        }
    }
}

/// Q(t) = Phi(-t) exp(t^2/2), the scaled lower tail of the normal distribution.
fn scaled_tail(t: &Float) -> Float {
    let sqrt2 = Float::with_val(PREC, 2).sqrt();
    let u = Float::with_val(PREC, t / &sqrt2);
    let tail = u.erfc() / 2u32;
    let e = (Float::with_val(PREC, t * t) / 2u32).exp();
    tail * e
}

/// `EXPM1_P` of `exp_log.rs`: `exp(r) - 1 = r + r^2 (1/2 + r Q(r))` on `|r| <= ln2/2`
/// (widened by 1e-4 for the rounding of the reduction), `Q` of degree 9 in `r`. The
/// error is reported for `r + r^2 P(r)` against `exp(r) - 1`, relative to `exp(r)`
/// (the polynomial's part of `exp`), with the rounded coefficients.
fn report_expm1() {
    let ln2 = Float::with_val(PREC, Constant::Log2);
    let l = ln2.to_f64() / 2.0 * 1.0001;
    let q = |r: &Float| {
        if r.is_zero() {
            return Float::with_val(PREC, 1) / 6u32;
        }
        let em = Float::with_val(PREC, r.exp_m1_ref());
        let r2 = Float::with_val(PREC, r * r);
        let num = em - r - Float::with_val(PREC, &r2 / 2u32);
        num / Float::with_val(PREC, &r2 * r)
    };
    // Coefficients in t = r/l, converted to powers of r.
    let mono = fit(&q, -l, l, 9);
    let mut p = vec![0.5];
    let mut lk = Float::with_val(PREC, 1);
    for c in &mono {
        p.push(Float::with_val(PREC, c / &lk).to_f64());
        lk *= l;
    }
    let mut worst: f64 = 0.0;
    for i in 0..=4000 {
        let r = -l + 2.0 * l * i as f64 / 4000.0;
        let rf = f(r);
        let mut acc = Float::with_val(PREC, 0);
        for k in p.iter().rev() {
            acc = acc * &rf + *k;
        }
        let got = Float::with_val(PREC, &rf * &rf) * acc + &rf;
        let want = Float::with_val(PREC, rf.exp_m1_ref());
        let err = (got - want) / rf.exp();
        worst = worst.max(err.abs().to_f64() / f64::EPSILON * 2.0);
    }
    println!("// EXPM1_P: degree 9 Q on |r| <= {l}, max error {worst:.4} u (u = 2^-53)");
    println!("const EXPM1_P: [f64; {}] = [", p.len());
    for k in &p {
        println!("    f64::from_bits({:#018x}), // {k:e}", k.to_bits());
    }
    println!("];");
}

#[test]
#[ignore = "generator: prints coefficient tables for the kernels"]
fn generate_kernel_coefficients() {
    let ln2 = Float::with_val(PREC, Constant::Log2);
    let hi = f64::from_bits(ln2.to_f64().to_bits() & 0xffff_ffff_ffe0_0000);
    let lo = Float::with_val(PREC, &ln2 - hi).to_f64();
    println!(
        "LN2_HI = {:#018x} LN2_LO = {:#018x}",
        hi.to_bits(),
        lo.to_bits()
    );
    // Phi(x) = 1/2 + x P(x^2) on |x| <= 1/2.
    let central = |s: &Float| {
        let x = Float::with_val(PREC, s.sqrt_ref());
        if x.is_zero() {
            return Float::with_val(PREC, 2 * Float::with_val(PREC, Constant::Pi))
                .sqrt()
                .recip();
        }
        let sqrt2 = Float::with_val(PREC, 2).sqrt();
        let phi = (Float::with_val(PREC, &x / &sqrt2).erf() + 1u32) / 2u32;
        (phi - Float::with_val(PREC, 0.5)) / x
    };
    report("PHI_CENTRAL", &central, 0.0, 0.25);
    // erf(u) = u E(u^2) on |u| <= 1.
    let erf_central = |s: &Float| {
        let u = Float::with_val(PREC, s.sqrt_ref());
        if u.is_zero() {
            return Float::with_val(PREC, Constant::Pi).sqrt().recip() * 2u32;
        }
        u.clone().erf() / u
    };
    report("ERF_CENTRAL", &erf_central, 0.0, 1.0);
    // Q(t) on [1/2, 2] and [2, 4].
    // tanh(x) = x T(x^2) on |x| <= 1.
    let tanh_central = |s: &Float| {
        let x = Float::with_val(PREC, s.sqrt_ref());
        if x.is_zero() {
            return Float::with_val(PREC, 1);
        }
        x.clone().tanh() / x
    };
    report("TANH_CENTRAL", &tanh_central, 0.0, 1.0);
    report("TAIL_NEAR", &scaled_tail, 0.5, 2.0);
    report("TAIL_MID", &scaled_tail, 2.0, 4.0);
    // t Q(t) as a function of w = 16/t^2 on t >= 4.
    let far = |w: &Float| {
        let t = (Float::with_val(PREC, 16) / w).sqrt();
        Float::with_val(PREC, &t * scaled_tail(&t))
    };
    report("TAIL_FAR", &far, 1e-6, 1.0);
    report_expm1();
}
