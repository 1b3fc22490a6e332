//! Inequalities: the corpus (tests/corpus/inequalities.tsv, labels checked with mpmath by
//! tests/corpus/check_inequalities.py) through `decide_claim` — a true claim is never refuted, a
//! false one never proved or verified, and most are decided; the exact route's verdicts and
//! witnesses; tampered branch-and-bound certificates rejected; `bound` against random points.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actsym::defs;
use actsym::expr::Graph;
use actsym::prove::ineq::bnb::{self, check_certificate, Enclosure, Limits, Search};
use actsym::prove::ineq::bound::{bound, BoundOptions};
use actsym::prove::ineq::exact::Need;
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use actsym::unfold::unfold;
use num_rational::BigRational;
use proptest::prelude::*;

fn opts(seconds: f64) -> Options {
    Options {
        points: 16,
        time_limit: Duration::from_secs_f64(seconds),
        ..Options::default()
    }
}

fn verdict(claim: &str) -> (Verdict, String) {
    let mut g = Graph::with_prelude();
    let c = defs::parse_claim(&mut g, claim).expect("parses");
    let r = decide_claim(&mut g, &c, &opts(2.0));
    let witness = r
        .inequality
        .as_ref()
        .and_then(|d| d.exact_witness())
        .map(|w| {
            w.point
                .iter()
                .map(|(_, t)| t.clone())
                .collect::<Vec<_>>()
                .join(",")
        })
        .or_else(|| {
            r.counterexample.as_ref().map(|cx| {
                cx.point
                    .iter()
                    .map(|(_, v)| v.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
        })
        .unwrap_or_default();
    (r.verdict, witness)
}

#[test]
fn the_corpus_is_decided_soundly() {
    let text = include_str!("corpus/inequalities.tsv");
    let started = Instant::now();
    let mut counts: HashMap<(bool, &'static str), usize> = HashMap::new();
    let mut wrong = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (label, claim) = line.split_once('\t').expect("LABEL<TAB>claim");
        let truth = label == "true";
        let (v, _) = verdict(claim);
        *counts.entry((truth, v.as_str())).or_default() += 1;
        let unsound = match v {
            Verdict::Proved | Verdict::Verified => !truth,
            Verdict::Refuted => truth,
            Verdict::Unknown => false,
        };
        if unsound {
            wrong.push(format!("{label}\t{claim}\t-> {}", v.as_str()));
        }
    }
    eprintln!(
        "inequality corpus in {:.1} s: {counts:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(wrong.is_empty(), "unsound verdicts:\n{}", wrong.join("\n"));
    let get = |t: bool, v: &str| counts.get(&(t, v)).copied().unwrap_or(0);
    let true_total: usize = ["proved", "verified", "unknown"]
        .iter()
        .map(|v| get(true, v))
        .sum();
    let false_total = get(false, "refuted") + get(false, "unknown");
    assert!(true_total >= 60 && false_total >= 60, "{counts:?}");
    // Most claims are decided: every false claim but a few is refuted, and most true
    // ones are proved.
    assert!(get(false, "refuted") * 10 >= false_total * 9, "{counts:?}");
    assert!(get(true, "proved") * 2 >= true_total, "{counts:?}");
}

#[test]
fn piecewise_linear_claims_in_several_variables_are_decided_by_polyhedra() {
    for claim in [
        "relu(x + y) <= relu(x) + relu(y)",
        "abs(x) - abs(y) <= abs(x - y)",
        "relu(x + y + z) <= relu(x) + relu(y) + relu(z)",
        "abs(x) + abs(y) + 1 > abs(x + y)",
        "relu6(x + y) <= relu6(x) + relu6(y)",
        "relu(x - y) <= x where x >= y, y >= 0",
    ] {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).unwrap();
        let r = decide_claim(&mut g, &c, &Options::default());
        assert_eq!(r.verdict, Verdict::Proved, "{claim}: {}", r.method);
        assert!(r.method.contains("polyhedr"), "{claim}: {}", r.method);
    }
    // A failing polyhedron gives a small exact counterexample.
    for (claim, point) in [
        ("relu(x + y) >= relu(x) + relu(y)", "x = 2, y = -1"),
        ("relu(x - y) <= x where x >= y", "x = 0, y = -1"),
    ] {
        let mut g = Graph::with_prelude();
        let c = defs::parse_claim(&mut g, claim).unwrap();
        let r = decide_claim(&mut g, &c, &Options::default());
        assert_eq!(r.verdict, Verdict::Refuted, "{claim}: {}", r.method);
        let cx = r.counterexample.expect("a counterexample");
        assert_eq!(cx.point_text(&g), point, "{claim}");
    }
}

#[test]
fn exact_one_generator_decisions() {
    for (claim, expect, witness) in [
        ("diff(sigmoid(x), x) <= 1/4", Verdict::Proved, ""),
        ("diff(sigmoid(x), x) < 1/4", Verdict::Refuted, "0"),
        ("x^2 + 3 > 2*sqrt(3)*x", Verdict::Refuted, "sqrt(3)"),
        ("x^2 + 3 >= 2*sqrt(3)*x", Verdict::Proved, ""),
        ("(x^2 - x - 1)^2 > 0", Verdict::Refuted, "(1 - sqrt(5))/2"),
        ("0 < sigmoid(x) < 1", Verdict::Proved, ""),
        ("relu(x) <= abs(x)", Verdict::Proved, ""),
        ("x^3 >= x + 1 where x >= 2", Verdict::Proved, ""),
        ("sigmoid(x) = 1 - sigmoid(-x) <= 1", Verdict::Proved, ""),
        ("0 < sigmoid(x) < 1/2", Verdict::Refuted, "0"),
        ("diff(sigmoid(x), x) <= 1/4 - 1e-30", Verdict::Refuted, "0"),
    ] {
        let (v, w) = verdict(claim);
        assert_eq!(v, expect, "{claim}");
        assert_eq!(w, witness, "{claim}");
    }
}

#[test]
fn lipschitz_bounds_in_two_variables() {
    for (claim, expect) in [
        (
            "abs(sigmoid(x) - sigmoid(y)) <= abs(x - y)/4",
            Verdict::Proved,
        ),
        ("abs(tanh(x) - tanh(y)) <= abs(x - y)", Verdict::Proved),
        ("abs(relu(x) - relu(y)) <= abs(x - y)", Verdict::Proved),
        (
            "abs(sigmoid(x) - sigmoid(y)) <= abs(x - y)/5",
            Verdict::Refuted,
        ),
        ("abs(tanh(x) - tanh(y)) < abs(x - y)", Verdict::Refuted),
    ] {
        assert_eq!(verdict(claim).0, expect, "{claim}");
    }
}

#[test]
fn linear_conditions_over_several_variables() {
    for (claim, expect) in [
        ("relu(a - x) = 0 where x >= a", Verdict::Proved),
        ("abs(x - y) = x - y where x > y", Verdict::Proved),
        ("min(x, y) = x where x <= y", Verdict::Proved),
        ("sigmoid(x) = tanh(x) where x > y, y > x", Verdict::Proved),
        ("relu(a - x) < 0 where x >= a", Verdict::Refuted),
    ] {
        assert_eq!(verdict(claim).0, expect, "{claim}");
    }
}

/// A branch-and-bound certificate for `exp(x) >= 1 + x` and the function it is about.
fn certificate() -> (Graph, actsym::expr::ExprId, bnb::Certificate) {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "exp(x) - 1 - x").expect("parses");
    let f = unfold(&mut g, e, actsym::diff::Kink::Left).expect("unfolds");
    let x = g.symbol("x");
    let enc = Enclosure::new(&mut g, f, vec![x]);
    let region = vec![actsym::poly::Interval::line()];
    match bnb::search(&g, &enc, &region, Need::NonNegative, &Limits::default()) {
        Search::Proved(c) => (g, f, c),
        other => panic!("no certificate: {other:?}"),
    }
}

#[test]
fn the_checker_accepts_certificates_and_rejects_tampered_ones() {
    let (mut g, f, cert) = certificate();
    let region = cert.region.clone();
    assert!(cert.boxes.len() > 4);
    check_certificate(&mut g, f, &region, &[], &cert).expect("the certificate re-checks");
    // A dropped box leaves a gap.
    for k in [0, cert.boxes.len() / 2, cert.boxes.len() - 1] {
        let mut t = cert.clone();
        t.boxes.remove(k);
        assert!(
            check_certificate(&mut g, f, &region, &[], &t).is_err(),
            "dropped box {k}"
        );
    }
    // A claimed bound above what a fresh enclosure gives.
    let mut t = cert.clone();
    let k = cert.boxes.len() / 2;
    t.boxes[k].lower += BigRational::from_integer(1000.into());
    assert!(check_certificate(&mut g, f, &region, &[], &t).is_err());
    // A box widened past where the bound holds.
    let mut t = cert.clone();
    if let Some(b) = t
        .boxes
        .iter_mut()
        .find(|b| b.cell.hi[0].is_some() && b.cell.lo[0].is_some())
    {
        b.cell.hi[0] = Some(BigRational::from_integer(1_000_000.into()));
        b.lower = BigRational::from_integer(1.into());
    }
    assert!(check_certificate(&mut g, f, &region, &[], &t).is_err());
    // A certificate about a smaller region does not prove the claim.
    let smaller = vec![actsym::poly::Interval::open(
        Some(BigRational::from_integer(0.into())),
        None,
    )];
    assert!(check_certificate(&mut g, f, &smaller, &[], &cert).is_err());
}

#[test]
fn bounds_exact_and_certified() {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "diff(sigmoid(x), x)").expect("parses");
    let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
    assert_eq!(b.sup.value.as_deref(), Some("1/4"));
    assert_eq!(b.sup.attained, Some(true));
    assert_eq!(b.inf.value.as_deref(), Some("0"));
    assert_eq!(b.inf.attained, Some(false));
    // On a bounded range (no infinite tail to close) gelu's minimum is certified to
    // 20 digits and attained.
    let e = defs::parse_expr(&mut g, "gelu(x)").expect("parses");
    let claim = defs::parse_claim(&mut g, "0 = 0 where x >= -10, x <= 10").expect("parses");
    let opts = BoundOptions {
        digits: 20,
        ..BoundOptions::default()
    };
    let b = bound(&mut g, e, &claim.conditions, &opts).expect("bounds");
    let lo: f64 = b.inf.lower.parse().expect("a number");
    let hi: f64 = b.inf.upper.parse().expect("a number");
    assert!(lo <= -0.169_971_207_479_9 && hi >= -0.169_971_207_480_0 && hi - lo < 1e-15);
    assert_eq!(b.inf.attained, Some(true));
}

/// Limits approached at infinity are never reported attained, and the enclosure of
/// an extreme whose tail stayed open covers what the tail may hold.
#[test]
fn bounds_never_call_a_limit_attained() {
    let mut g = Graph::with_prelude();
    for src in ["erf(x)", "erf(x) + erf(y)", "sigmoid(x) + erf(x)"] {
        let e = defs::parse_expr(&mut g, src).expect("parses");
        let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
        assert_ne!(b.sup.attained, Some(true), "{src}: sup is a limit");
        assert_ne!(b.inf.attained, Some(true), "{src}: inf is a limit");
    }
    // Strictly positive everywhere, inf 0 approached at both ends.
    let e = defs::parse_expr(&mut g, "sigmoid(x) - sigmoid(x - 1)").expect("parses");
    let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
    assert_ne!(b.inf.attained, Some(true));
    assert_eq!(b.sup.attained, Some(true));
    // x is unbounded above where x <= y: the sup's upper end is +inf.
    let e = defs::parse_expr(&mut g, "x").expect("parses");
    let claim = defs::parse_claim(&mut g, "0 = 0 where x <= y").expect("parses");
    let b = bound(&mut g, e, &claim.conditions, &BoundOptions::default()).expect("bounds");
    assert_eq!(b.sup.upper, "+inf");
    // An empty region has nothing to bound.
    let claim = defs::parse_claim(&mut g, "0 = 0 where x > 1, x < 0").expect("parses");
    assert!(matches!(
        bound(&mut g, e, &claim.conditions, &BoundOptions::default()),
        Err(actsym::prove::ineq::bound::BoundError::Empty(_))
    ));
}

fn sample_value(g: &mut Graph, src: &str, x: &BigRational) -> f64 {
    let e = defs::parse_expr(g, src).expect("parses");
    let env = HashMap::from([(g.symbol("x"), x.clone())]);
    actsym::certified::evaluate(g, e, &env, 30)
        .expect("defined")
        .decimal
        .parse()
        .expect("a number")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// f <= sup and f >= inf at random points, and `f <= sup - 1e-30` is refuted.
    #[test]
    fn bound_encloses_random_points(pick in 0usize..6, num in -4000i64..4000) {
        let funcs = ["gelu(x)", "silu(x)", "x*exp(-x^2)", "mish(x)", "erf(x)", "sigmoid(x) - sigmoid(x - 1)"];
        let src = funcs[pick];
        let mut g = Graph::with_prelude();
        let e = defs::parse_expr(&mut g, src).expect("parses");
        let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
        let x = BigRational::new(num.into(), 500.into());
        let v = sample_value(&mut g, src, &x);
        if b.sup.upper != "+inf" {
            let up: f64 = b.sup.upper.parse().expect("a number");
            prop_assert!(v <= up + 1e-12, "{src} at {x}: {v} > sup {up}");
        }
        let lo: f64 = b.inf.lower.parse().expect("a number");
        prop_assert!(v >= lo - 1e-12, "{src} at {x}: {v} < inf {lo}");
        if pick == 2 || pick == 5 {
            // x*exp(-x^2) has its sup 1/sqrt(2e) at 1/sqrt(2), sigmoid(x) - sigmoid(x - 1)
            // at 1/2: just below it is refuted.
            let claim = format!("{src} <= {} - 1e-30", b.sup.lower);
            let c = defs::parse_claim(&mut g, &claim).expect("parses");
            let r = decide_claim(&mut g, &c, &opts(5.0));
            prop_assert_eq!(r.verdict, Verdict::Refuted, "{}", claim);
        }
    }
}

fn prove_stdin(text: &str) -> (i32, String) {
    let out = assert_cmd::Command::cargo_bin("actsym")
        .expect("the binary is built")
        .args(["prove", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn derivation_chains_with_inequality_steps() {
    // Vanishing gradients through two sigmoid layers: a = b <= c < d shows a < d.
    let chain = "claim: diff(sigmoid(x), x)*diff(sigmoid(x), x) < 1/8\n\
                 = (sigmoid(x)*(1 - sigmoid(x)))^2   by sigmoid'\n\
                 <= 1/16                             by sigma' <= 1/4\n\
                 < 1/8\n";
    let (code, out) = prove_stdin(chain);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("step 2 (line 3): <= 1/16  proved"), "{out}");
    // Steps that only show '<=' do not prove a '<' claim.
    let weak = "claim: diff(sigmoid(x), x)^2 < 1/16\n= (sigmoid(x)*(1 - sigmoid(x)))^2\n<= 1/16\n";
    let (code, out) = prove_stdin(weak);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not give the claim's '<'"), "{out}");
    // A false inequality step breaks the chain with a counterexample.
    let wrong = "claim: x^2 + 1 >= 2*x\n= (x - 1)^2 + 2*x\n> 2*x\n";
    let (code, out) = prove_stdin(wrong);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("counterexample: x = 1"), "{out}");
}

#[test]
fn unbounded_tails_by_asymptotic_expansions() {
    for (claim, expect) in [
        // Phi(x) and x*phi(x) both vanish as x -> -inf: the expansion decides.
        ("gelu(x) >= -0.17", Verdict::Proved),
        ("gelu(x) > -0.17", Verdict::Proved),
        ("diff(gelu(x), x) > -0.13", Verdict::Proved),
        ("exp(-x^2) > 0", Verdict::Proved),
        ("0 < Phi(x) <= 1", Verdict::Proved),
        ("0 <= Phi(x) <= 1", Verdict::Proved),
        ("sigmoid(x) > 0", Verdict::Proved),
        ("0 < sigmoid(x) < 1", Verdict::Proved),
        ("diff(sigmoid(x), x) > 0", Verdict::Proved),
        // Fails only past e^(e^30): no point can show it, and it is never verified.
        ("log(log(x)) < 30 where x >= 3", Verdict::Unknown),
    ] {
        assert_eq!(verdict(claim).0, expect, "{claim}");
    }
    // Fails only past e^900 (was verified): refuted at the least power of two found.
    let (v, w) = verdict("sqrt(log(x)) < 30 where x >= 1");
    assert_eq!(v, Verdict::Refuted);
    assert_eq!(w, num_bigint::BigInt::from(2).pow(1299).to_string());
    let (v, _) = verdict("log(log(x)) < 7 where x >= 3");
    assert_eq!(v, Verdict::Refuted);
}

#[test]
fn asymptotic_boxes_are_rechecked_and_tampering_is_rejected() {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "gelu(x) + 0.17").expect("parses");
    let f = unfold(&mut g, e, actsym::diff::Kink::Left).expect("unfolds");
    let x = g.symbol("x");
    let region = vec![actsym::poly::Interval::line()];
    let mut enc = Enclosure::new(&mut g, f, vec![x]);
    enc.attach_tails(&mut g, &region);
    let Search::Proved(cert) = bnb::search(&g, &enc, &region, Need::Positive, &Limits::default())
    else {
        panic!("gelu(x) + 0.17 > 0 not proved");
    };
    assert!(cert.boxes.iter().any(|b| b.asymptotic));
    check_certificate(&mut g, f, &region, &[], &cert).expect("the certificate re-checks");
    // The same boxes do not prove a function that is negative far out.
    let e2 = defs::parse_expr(&mut g, "gelu(x) + 0.17 - 1").expect("parses");
    let f2 = unfold(&mut g, e2, actsym::diff::Kink::Left).expect("unfolds");
    assert!(check_certificate(&mut g, f2, &region, &[], &cert).is_err());
    // A finite box near the minimum claimed asymptotic is rejected.
    let mut t = cert.clone();
    let k = t
        .boxes
        .iter()
        .position(|b| {
            b.cell.lo[0] > Some(BigRational::from_integer((-4).into()))
                && b.cell.hi[0].is_some()
                && b.cell.hi[0] < Some(BigRational::from_integer(0.into()))
        })
        .expect("a finite box");
    t.boxes[k].asymptotic = true;
    t.boxes[k].lower = BigRational::from_integer(0.into());
    let r = check_certificate(&mut g, f, &region, &[], &t);
    assert!(r.is_err(), "{:?} {:?}", t.boxes[k], r);
    // Dropping the infinite box leaves a gap.
    let mut t = cert.clone();
    let k = t
        .boxes
        .iter()
        .position(|b| b.cell.lo[0].is_none())
        .expect("the infinite box");
    t.boxes.remove(k);
    assert!(check_certificate(&mut g, f, &region, &[], &t).is_err());
}

#[test]
fn bounds_at_infinity_are_limits() {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, "gelu(x)").expect("parses");
    let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
    assert_eq!(b.sup.value.as_deref(), Some("+inf"));
    assert_eq!(b.sup.attained, Some(false));
    assert_eq!(b.inf.attained, Some(true), "{b:?}");
    assert!(b.note.is_none(), "{b:?}");
    let e = defs::parse_expr(&mut g, "erf(x)").expect("parses");
    let b = bound(&mut g, e, &[], &BoundOptions::default()).expect("bounds");
    assert_eq!(b.sup.value.as_deref(), Some("1"));
    assert_eq!(b.sup.attained, Some(false));
    assert_eq!(b.inf.value.as_deref(), Some("-1"));
    assert_eq!(b.inf.attained, Some(false));
}
