//! Proofs that scale with width (issue 12, item 7): claims pairing n tanh units with
//! their sigmoid forms, each with its own linear argument, are `proved` by exact
//! evaluation at `D + 1` points for n = 8, 16 and 64; variants changed by 10^-30 or in
//! one slope are never proved; tampered proofs (a dropped point, a wrong degree bound,
//! a changed part, a summand left out) are rejected by the step checker; a 1 -> 64 ->
//! 1 tanh network and its conversion to sigmoid are proved equal by the checker.

use std::time::Duration;

use actsym::defs;
use actsym::expr::{BigRational, ExprId, Graph};
use actsym::network::convert::{convert, Target};
use actsym::network::{Activation, Layer, Network};
use actsym::parse::Claim;
use actsym::prove::check::check;
use actsym::prove::decide::{prove, Context, Proof};
use actsym::prove::evaluation::{self, PointsProof};
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use assert_cmd::Command;
use num_bigint::BigInt;

/// The linear argument of unit `k`: `k*x/3 - (k - 1)`, or with a changed slope.
fn unit(k: usize, slope_num: usize) -> String {
    if k == 1 {
        format!("{slope_num}*x/3")
    } else {
        format!("{slope_num}*x/3 - {}", k - 1)
    }
}

/// `tanh(u_1) + ... + tanh(u_n) = (2*sigmoid(2*u_1) - 1) + ...`; `changed` alters the
/// right side of the last unit.
fn pairing(n: usize, changed: Option<&str>) -> String {
    let lhs: Vec<String> = (1..=n).map(|k| format!("tanh({})", unit(k, k))).collect();
    let mut rhs: Vec<String> = (1..=n)
        .map(|k| format!("(2*sigmoid(2*({})) - 1)", unit(k, k)))
        .collect();
    match changed {
        Some("coefficient") => {
            rhs[n - 1] = format!("((2 + 10^-30)*sigmoid(2*({})) - 1)", unit(n, n));
        }
        Some("slope") => rhs[n - 1] = format!("(2*sigmoid(2*({})) - 1)", unit(n, n + 1)),
        Some(other) => panic!("unknown change {other}"),
        None => {}
    }
    format!("{} = {}", lhs.join(" + "), rhs.join(" + "))
}

fn sides(g: &mut Graph, claim: &str) -> (ExprId, ExprId) {
    let c = defs::parse_claim(g, claim).unwrap();
    (defs::inline(g, c.lhs), defs::inline(g, c.rhs))
}

fn quick() -> Options {
    Options {
        time_limit: Duration::from_secs(3),
        ..Options::default()
    }
}

#[test]
fn pairing_claims_are_proved_by_evaluation_at_any_width() {
    for n in [8, 16, 64] {
        let mut g = Graph::with_prelude();
        let claim = defs::parse_claim(&mut g, &pairing(n, None)).unwrap();
        let report = decide_claim(&mut g, &claim, &quick());
        assert_eq!(
            report.verdict,
            Verdict::Proved,
            "n = {n}: {:?}",
            report.note
        );
        assert!(
            report
                .method
                .starts_with("exact evaluation at D + 1 points"),
            "n = {n}: {}",
            report.method
        );
        let Some(Proof::Points(p)) = &report.proof else {
            panic!("n = {n}: an evaluation proof is expected")
        };
        // One group per unit (its tanh and its sigmoid share a denominator), each a
        // function of one monomial of low degree; the constants are the rest.
        assert_eq!(p.groups.len(), n, "n = {n}");
        assert!(p.max_degree() <= 4, "n = {n}: D = {}", p.max_degree());
        let (l, r) = report.sides;
        check(
            &mut g,
            l,
            r,
            &report.context,
            report.proof.as_ref().unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn changed_variants_are_never_proved() {
    // The evaluation route itself at every width; the whole proof search (which then
    // also tries the plain normal form, slow at width 64) at 8 and 16.
    for n in [8, 16, 64] {
        for change in ["coefficient", "slope"] {
            let mut g = Graph::with_prelude();
            let (l, r) = sides(&mut g, &pairing(n, Some(change)));
            assert!(
                evaluation::prove(&g, l, r).is_err(),
                "n = {n}, {change}: a proof of a false claim"
            );
            if n < 64 {
                assert!(
                    prove(&mut g, l, r, &Context::new()).is_err(),
                    "n = {n}, {change}: a proof of a false claim"
                );
            }
        }
    }
    // End to end, the verdict is never `proved` (the numeric route decides the rest).
    for change in ["coefficient", "slope"] {
        let mut g = Graph::with_prelude();
        let claim = defs::parse_claim(&mut g, &pairing(8, Some(change))).unwrap();
        let report = decide_claim(&mut g, &claim, &quick());
        assert_ne!(report.verdict, Verdict::Proved, "{change}");
        if change == "slope" {
            assert_eq!(report.verdict, Verdict::Refuted, "{change}");
        }
    }
}

fn points_proof(g: &mut Graph, n: usize) -> (ExprId, ExprId, PointsProof) {
    let (l, r) = sides(g, &pairing(n, None));
    match prove(g, l, r, &Context::new()).unwrap() {
        Proof::Points(p) => (l, r, *p),
        other => panic!("an evaluation proof is expected, not {other:?}"),
    }
}

#[test]
fn tampered_proofs_are_rejected() {
    let mut g = Graph::with_prelude();
    let (l, r, p) = points_proof(&mut g, 16);
    let ctx = Context::new();
    check(&mut g, l, r, &ctx, &Proof::Points(Box::new(p.clone()))).unwrap();
    let rejected = |g: &mut Graph, t: PointsProof| {
        check(g, l, r, &ctx, &Proof::Points(Box::new(t)))
            .expect_err("a tampered proof passed")
            .0
    };
    // A dropped point.
    let mut t = p.clone();
    t.groups[3].points[0].pop();
    assert!(rejected(&mut g, t).contains("points where degree"));
    // A point repeated instead of a new one.
    let mut t = p.clone();
    let first = t.groups[5].points[0][0].clone();
    *t.groups[5].points[0].last_mut().unwrap() = first;
    assert!(rejected(&mut g, t).contains("distinct points"));
    // A wrong degree bound (lower, with as many points as it would need).
    let mut t = p.clone();
    t.groups[7].degrees[0] -= 1;
    t.groups[7].points[0].pop();
    assert!(rejected(&mut g, t).contains("degree bounds"));
    // A wrong degree bound (higher): not the derived one either.
    let mut t = p.clone();
    t.groups[7].degrees[0] += 1;
    t.groups[7].points[0].push(BigRational::from_integer(BigInt::from(1000)));
    assert!(rejected(&mut g, t).contains("degree bounds"));
    // A changed polynomial part.
    let mut t = p.clone();
    t.groups[2].part[0].1 += BigRational::new(1.into(), BigInt::from(10).pow(30));
    assert!(!rejected(&mut g, t).is_empty());
    // A summand moved out of its group into the rest.
    let mut t = p.clone();
    let moved = t.groups[0].summands.pop().unwrap();
    t.rest.push(moved);
    t.rest.sort_unstable();
    assert!(!rejected(&mut g, t).is_empty());
    // A group dropped.
    let mut t = p.clone();
    t.groups.remove(9);
    assert!(rejected(&mut g, t).contains("no group"));
    // A point where a coordinate is zero.
    let mut t = p.clone();
    t.groups[1].points[0][0] = BigRational::from_integer(0.into());
    assert!(rejected(&mut g, t).contains("zero"));
    // The same proof for a different claim.
    let (l2, r2) = sides(&mut g, &pairing(16, Some("slope")));
    assert!(check(&mut g, l2, r2, &ctx, &Proof::Points(Box::new(p))).is_err());
}

fn q(text: &str) -> BigRational {
    actsym::network::exact::parse_rational(text).unwrap()
}

/// A 1 -> n -> 1 tanh network with varied rational weights (a fixed pseudo-random
/// sequence, so the test is reproducible).
fn tanh_net(n: usize) -> Network {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |den: &[i64]| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let num = (state % 601) as i64 - 300;
        let d = den[(state >> 20) as usize % den.len()];
        q(&format!("{num}/{d}"))
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

#[test]
fn a_wide_tanh_network_equals_its_sigmoid_conversion() {
    let net = tanh_net(64);
    let (converted, changed) = convert(&net, Target::Sigmoid);
    assert_eq!(changed, 1);
    assert_eq!(convert(&converted, Target::Tanh).0, net);
    let mut g = Graph::with_prelude();
    let a = net.build(&mut g).unwrap()[0];
    let b = converted.build(&mut g).unwrap()[0];
    let report = decide_claim(&mut g, &Claim::equality(a, b, Vec::new()), &quick());
    assert_eq!(report.verdict, Verdict::Proved, "{:?}", report.note);
    assert!(report
        .method
        .starts_with("exact evaluation at D + 1 points"));
    // A network with one output weight changed is not proved equal.
    let mut wrong = converted.clone();
    wrong.layers[1].weights[0][17] += q("1/1000000");
    let c = wrong.build(&mut g).unwrap()[0];
    let (l, r) = (defs::inline(&mut g, a), defs::inline(&mut g, c));
    assert!(evaluation::prove(&g, l, r).is_err());
}

#[test]
fn the_cli_names_the_proof() {
    let out = Command::cargo_bin("actsym")
        .unwrap()
        .args(["check", "--explain", &pairing(12, None)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("proved:"), "{text}");
    assert!(
        text.contains("method: exact evaluation at D + 1 points (12 groups"),
        "{text}"
    );
    assert!(text.contains("[evaluation]"), "{text}");
    assert!(text.contains("zero at 2 point(s)"), "{text}");
}
