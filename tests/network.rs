//! Networks as files: JSON, safetensors (written by the tests themselves) and actsym
//! text of the same network give the same exact analysis; random rational ReLU and
//! pReLU networks agree piece by piece with exact evaluation; linear collapse and
//! rank; tanh <-> sigmoid conversion round trips; 2-D regions against a brute-force
//! count of activation patterns; malformed files exit 2 naming the place; pwl scales.

use std::collections::BTreeSet;
use std::time::Instant;

use actsym::defs::parse_expr;
use actsym::expr::{BigRational, Graph};
use actsym::network::convert::{convert, Target};
use actsym::network::regions::regions;
use actsym::network::{
    self, detect, linear, Activation, Content, Format, Layer, Network, ReadOptions,
};
use actsym::pwl::{analyse, analyse_until, classify, Class, Piecewise, PwlError};
use assert_cmd::Command;
use num_bigint::BigInt;
use proptest::prelude::*;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

const ISSUE_NET: &str = r#"{"inputs": 1, "layers": [{"weights": [["1/2"], ["-3"]], "bias": ["1", "0"],
  "activation": "relu"}, {"weights": [["1", "-2"]], "bias": ["0"], "activation": "identity"}]}"#;

/// A minimal safetensors file written by hand: 8-byte little-endian header length,
/// the JSON header, then little-endian f32 data.
fn safetensors_f32(tensors: &[(&str, Vec<usize>, Vec<f32>)], activations: Option<&str>) -> Vec<u8> {
    let mut header = String::from("{");
    let mut data = Vec::new();
    for (k, (name, shape, values)) in tensors.iter().enumerate() {
        let start = data.len();
        for v in values {
            data.extend(v.to_le_bytes());
        }
        if k > 0 {
            header.push(',');
        }
        let shape: Vec<String> = shape.iter().map(ToString::to_string).collect();
        header.push_str(&format!(
            "\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{start},{}]}}",
            shape.join(","),
            data.len()
        ));
    }
    if let Some(a) = activations {
        header.push_str(&format!(",\"__metadata__\":{{\"activations\":\"{a}\"}}"));
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header.as_bytes());
    out.extend(data);
    out
}

fn issue_safetensors(acts: Option<&str>) -> Vec<u8> {
    safetensors_f32(
        &[
            ("0.weight", vec![2, 1], vec![0.5, -3.0]),
            ("0.bias", vec![2], vec![1.0, 0.0]),
            ("2.weight", vec![1, 2], vec![1.0, -2.0]),
            ("2.bias", vec![1], vec![0.0]),
        ],
        acts,
    )
}

fn analyse_net(net: &Network) -> Piecewise {
    let mut g = Graph::with_prelude();
    let e = net.output(&mut g).expect("builds");
    let x = g.symbol("x");
    analyse(&mut g, e, x).expect("analysed")
}

#[test]
fn the_issues_json_network_is_analysed_exactly() {
    let (format, content) =
        network::read_bytes(ISSUE_NET.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(format, Format::Json);
    let Content::Network(net) = content else {
        panic!("a network")
    };
    assert_eq!(net.shape(), vec![1, 2, 1]);
    // f(x) = relu(x/2 + 1) - 2 relu(-3x): 6x below -2, 13x/2 + 1 up to 0, x/2 + 1 after.
    let f = analyse_net(&net);
    assert_eq!(f.breaks, vec![q(-2, 1), q(0, 1)]);
    let coeffs: Vec<(BigRational, BigRational)> =
        f.pieces.iter().map(|p| (p.coeff(1), p.coeff(0))).collect();
    assert_eq!(
        coeffs,
        vec![(q(6, 1), q(0, 1)), (q(13, 2), q(1, 1)), (q(1, 2), q(1, 1))]
    );
    assert_eq!(f.at, vec![q(-12, 1), q(1, 1)]);
    assert!(f.is_linear() && f.is_continuous());
}

#[test]
fn json_safetensors_and_actsym_forms_agree() {
    let json = network::read_bytes(ISSUE_NET.as_bytes(), &ReadOptions::default()).expect("json");
    let st_bytes = issue_safetensors(Some("relu,identity"));
    assert_eq!(detect(&st_bytes), Format::Safetensors);
    let st = network::read_bytes(&st_bytes, &ReadOptions::default()).expect("safetensors");
    assert_eq!(st.0, Format::Safetensors);
    let (Content::Network(a), Content::Network(b)) = (json.1, st.1) else {
        panic!("networks")
    };
    assert_eq!(a, b, "the same weights, exactly");
    // The activations given by the caller instead of the metadata.
    let opts = ReadOptions {
        activations: Some(vec![Activation::Relu]),
    };
    let c = network::read_bytes(&issue_safetensors(None), &opts).expect("with --activations");
    assert_eq!(c.1, Content::Network(a.clone()));
    // The actsym text of the same network.
    let mut g = Graph::with_prelude();
    let e = parse_expr(&mut g, "relu(x/2 + 1) - 2*relu(-3*x)").expect("parses");
    let x = g.symbol("x");
    assert_eq!(analyse(&mut g, e, x).expect("analysed"), analyse_net(&a));
    assert_eq!(detect(b"relu(x)"), Format::Actsym);
}

#[test]
fn floats_are_read_exactly() {
    use network::exact::*;
    assert_eq!(parse_rational("0.1"), Some(q(1, 10)));
    assert_eq!(parse_rational("-3/2"), Some(q(-3, 2)));
    assert_eq!(parse_rational("2.5e-3"), Some(q(1, 400)));
    assert_eq!(parse_rational("1/0"), None);
    assert_eq!(parse_rational("abc"), None);
    // 0.1 as an f32 is the dyadic rational 13421773/2^27.
    assert_eq!(
        from_f64(f64::from(0.1f32)),
        Some(q(13_421_773, 134_217_728))
    );
    assert_eq!(f16_to_f32(0x3c00), 1.0);
    assert_eq!(f16_to_f32(0xc000), -2.0);
    assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
    assert_eq!(bf16_to_f32(0x3f80), 1.0);
    for bits in [0x3c00u16, 0x3555, 0x0001, 0x7bff, 0xc000, 0x0400] {
        let r = from_f64(f64::from(f16_to_f32(bits))).expect("finite");
        assert_eq!(to_f16_exact(&r), Some(bits), "{bits:#x}");
    }
    assert_eq!(to_f16_exact(&q(1, 3)), None);
}

#[test]
fn malformed_networks_name_the_place() {
    let bad = [
        (
            r#"{"inputs": 1, "layers": [{"weights": [["1", "2"]], "bias": ["0"]}]}"#,
            "layers[0].weights[0]",
        ),
        (
            r#"{"inputs": 1, "layers": [{"weights": [["1"]], "bias": ["0", "1"]}]}"#,
            "layers[0].bias",
        ),
        (
            r#"{"inputs": 1, "layers": [{"weights": [["x"]], "bias": ["0"]}]}"#,
            "layers[0].weights[0][0]",
        ),
        (
            r#"{"inputs": 1, "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "prelu"}]}"#,
            "layers[0].activation",
        ),
        (
            r#"{"inputs": 1, "layers": [{"weights": [["1"]], "bias": ["0"], "activatoin": "relu"}]}"#,
            "layers[0]",
        ),
        (
            r#"{"inputs": 1, "layers": [{"weights": [["1"]], "bias": ["0"]}, {"weights": [["1"]], "bias": ["0.1.2"]}]}"#,
            "layers[1].bias[0]",
        ),
    ];
    for (text, place) in bad {
        let err = network::read_bytes(text.as_bytes(), &ReadOptions::default()).expect_err(text);
        assert!(err.to_string().starts_with(place), "{text}: {err}");
    }
    let err = network::read_bytes(b"{\"inputs\": 1,\n \"layers\": [}", &ReadOptions::default())
        .expect_err("syntax");
    assert!(
        matches!(err, network::NetworkError::Syntax { line: 2, .. }),
        "{err}"
    );
    // An unknown activation is found when the network is built.
    let net: Network = match network::read_bytes(
        br#"{"inputs": 1, "layers": [{"weights": [["1"]], "bias": ["0"], "activation": "nosuch"}]}"#,
        &ReadOptions::default(),
    ) {
        Ok((_, Content::Network(n))) => n,
        other => panic!("{other:?}"),
    };
    let err = net.build(&mut Graph::with_prelude()).expect_err("unknown");
    assert!(
        err.to_string().contains("layers[0].activation") && err.to_string().contains("nosuch"),
        "{err}"
    );
    // safetensors: a bad key, a wrong shape, no activations.
    let st = safetensors_f32(&[("0.kernel", vec![1, 1], vec![1.0])], Some("relu"));
    let err = network::read_bytes(&st, &ReadOptions::default()).expect_err("key");
    assert!(err.to_string().contains("0.kernel"), "{err}");
    let st = safetensors_f32(
        &[
            ("0.weight", vec![2, 1], vec![1.0, 2.0]),
            ("0.bias", vec![3], vec![0.0; 3]),
        ],
        Some("relu"),
    );
    let err = network::read_bytes(&st, &ReadOptions::default()).expect_err("shape");
    assert!(err.to_string().contains("0.bias"), "{err}");
    let err = network::read_bytes(&issue_safetensors(None), &ReadOptions::default())
        .expect_err("no activations");
    assert!(err.to_string().contains("--activations"), "{err}");
    let st = safetensors_f32(&[("0.weight", vec![1, 1], vec![f32::NAN])], Some("relu"));
    let err = network::read_bytes(&st, &ReadOptions::default()).expect_err("nan");
    assert!(err.to_string().contains("0.weight[0]"), "{err}");
}

fn layer(weights: Vec<Vec<BigRational>>, bias: Vec<BigRational>, activation: Activation) -> Layer {
    Layer {
        weights,
        bias,
        activation,
    }
}

#[test]
fn a_linear_bottleneck_loses_rank() {
    // 2 -> 1 -> 2: M = [1; 3] [1 2] = [[1, 2], [3, 6]], rank 1.
    let net = Network {
        inputs: 2,
        layers: vec![
            layer(
                vec![vec![q(1, 1), q(2, 1)]],
                vec![q(1, 1)],
                Activation::Identity,
            ),
            layer(
                vec![vec![q(1, 1)], vec![q(3, 1)]],
                vec![q(0, 1), q(1, 1)],
                Activation::Identity,
            ),
        ],
    };
    let a = linear::collapse(&net).expect("linear");
    assert_eq!(
        a.matrix,
        vec![vec![q(1, 1), q(2, 1)], vec![q(3, 1), q(6, 1)]]
    );
    assert_eq!(a.bias, vec![q(1, 1), q(4, 1)]);
    assert_eq!((a.rank, a.full_rank, a.narrowest), (1, 2, 1));
    let (m, why) = a.unrepresentable().expect("a rank drop");
    assert_eq!(linear::rank(&m), 2);
    assert!(why.contains("at most 1"), "{why}");
    // Without a bottleneck: full rank, nothing out of reach.
    let wide = Network {
        inputs: 2,
        layers: vec![layer(
            vec![vec![q(1, 1), q(1, 1)], vec![q(1, 1), q(-1, 1)]],
            vec![q(0, 1); 2],
            Activation::Identity,
        )],
    };
    let a = linear::collapse(&wide).expect("linear");
    assert_eq!(a.rank, 2);
    assert!(a.unrepresentable().is_none());
    assert!(linear::collapse(&Network {
        inputs: 1,
        layers: vec![layer(vec![vec![q(1, 1)]], vec![q(0, 1)], Activation::Relu)]
    })
    .is_none());
}

fn tanh_net() -> Network {
    Network {
        inputs: 1,
        layers: vec![
            layer(
                vec![vec![q(1, 1)], vec![q(-1, 2)], vec![q(3, 1)]],
                vec![q(0, 1), q(1, 1), q(-2, 3)],
                Activation::Tanh,
            ),
            layer(
                vec![
                    vec![q(1, 1), q(3, 1), q(-1, 4)],
                    vec![q(2, 1), q(0, 1), q(1, 1)],
                ],
                vec![q(0, 1), q(5, 1)],
                Activation::Tanh,
            ),
            layer(
                vec![vec![q(1, 1), q(-1, 1)]],
                vec![q(1, 2)],
                Activation::Identity,
            ),
        ],
    }
}

#[test]
fn convert_round_trips_to_an_identical_network() {
    let net = tanh_net();
    let (s, changed) = convert(&net, Target::Sigmoid);
    assert_eq!(changed, 2);
    assert!(s.layers.iter().all(|l| l.activation != Activation::Tanh));
    // tanh(u) = 2 sigmoid(2u) - 1: the first layer's weights doubled.
    assert_eq!(s.layers[0].weights[0][0], q(2, 1));
    let (back, _) = convert(&s, Target::Tanh);
    assert_eq!(back, net);
    // A tanh last layer gets an identity layer after it, dropped on the way back.
    let last = Network {
        inputs: 1,
        layers: vec![layer(vec![vec![q(2, 1)]], vec![q(1, 1)], Activation::Tanh)],
    };
    let (s, _) = convert(&last, Target::Sigmoid);
    assert_eq!(s.layers.len(), 2);
    assert_eq!(convert(&s, Target::Tanh).0, last);
    // The converted network computes the same function (checked at exact points by
    // MPFR enclosures through the checker's verdict).
    let mut g = Graph::with_prelude();
    let a = net.output(&mut g).expect("builds");
    let b = convert(&net, Target::Sigmoid)
        .0
        .output(&mut g)
        .expect("builds");
    let claim = actsym::parse::Claim::equality(a, b, vec![]);
    let report = actsym::prove::verdict::decide_claim(
        &mut g,
        &claim,
        &actsym::prove::verdict::Options::default(),
    );
    assert!(
        matches!(
            report.verdict,
            actsym::prove::verdict::Verdict::Proved | actsym::prove::verdict::Verdict::Verified
        ),
        "{:?}",
        report.verdict
    );
}

fn random_net() -> impl Strategy<Value = Network> {
    let r = (-6i64..=6, 1i64..=4).prop_map(|(n, d)| q(n, d));
    let acts = prop_oneof![
        Just(Activation::Relu),
        (1i64..4).prop_map(|k| Activation::Prelu(q(1, k + 1))),
        Just(Activation::Abs)
    ];
    (
        1usize..=4,
        1usize..=4,
        proptest::collection::vec(r.clone(), 40),
        acts.clone(),
        acts,
    )
        .prop_map(move |(h1, h2, vals, a1, a2)| {
            let mut it = vals.into_iter().cycle();
            let mut mat = |rows: usize, cols: usize| -> Vec<Vec<BigRational>> {
                (0..rows)
                    .map(|_| (0..cols).map(|_| it.next().unwrap_or_default()).collect())
                    .collect()
            };
            let (w1, w2, w3) = (mat(h1, 1), mat(h2, h1), mat(1, h2));
            let (b1, b2, b3) = (
                mat(1, h1).remove(0),
                mat(1, h2).remove(0),
                mat(1, 1).remove(0),
            );
            Network {
                inputs: 1,
                layers: vec![
                    layer(w1, b1, a1),
                    layer(w2, b2, a2),
                    layer(w3, b3, Activation::Identity),
                ],
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every piece agrees exactly with exact evaluation at rational points inside
    /// it, the values at breakpoints too, and the function is continuous.
    #[test]
    fn pieces_agree_with_exact_evaluation(net in random_net(), ts in proptest::collection::vec((1i64..100, 0i64..8), 4)) {
        let f = analyse_net(&net);
        prop_assert!(f.is_linear() && f.is_continuous());
        for i in 0..f.pieces.len() {
            let (lo, hi) = f.interval(i);
            for (t, k) in &ts {
                let p = match (lo, hi) {
                    (Some(l), Some(h)) => l + (h - l) * q(*t, 101),
                    (Some(l), None) => l + q(*t, 7),
                    (None, Some(h)) => h - q(*t, 7),
                    (None, None) => q(*t - 50, *k + 1),
                };
                let want = net.eval_exact(std::slice::from_ref(&p)).expect("piecewise linear")[0].clone();
                prop_assert_eq!(f.pieces[i].eval(&p), want);
            }
        }
        for (b, v) in f.breaks.iter().zip(&f.at) {
            prop_assert_eq!(&net.eval_exact(std::slice::from_ref(b)).expect("pwl")[0], v);
        }
        // The JSON form of the same network reads back identical.
        let text = network::json::write(&net);
        let back = network::read_bytes(text.as_bytes(), &ReadOptions::default()).expect("reads back");
        prop_assert_eq!(back.1, Content::Network(net));
    }
}

fn net2(h: usize, seed: i64) -> Network {
    // A deterministic 2 -> h -> h -> 1 ReLU network with small rational weights.
    let mut s = seed;
    let mut next = || {
        s = (s * 1_103_515_245 + 12345) % 2_147_483_648;
        q((s >> 8) % 9 - 4, 1 + (s >> 4) % 3)
    };
    let mut mat = |rows: usize, cols: usize| -> Vec<Vec<BigRational>> {
        (0..rows)
            .map(|_| (0..cols).map(|_| next()).collect())
            .collect()
    };
    let (w1, b1, w2, b2, w3) = (mat(h, 2), mat(1, h), mat(h, h), mat(1, h), mat(1, h));
    Network {
        inputs: 2,
        layers: vec![
            layer(w1, b1[0].clone(), Activation::Relu),
            layer(w2, b2[0].clone(), Activation::Relu),
            layer(w3, vec![q(0, 1)], Activation::Identity),
        ],
    }
}

/// The activation pattern (the sign of every hidden unit) at a point.
fn pattern(net: &Network, p: &[BigRational]) -> Vec<bool> {
    let mut h = p.to_vec();
    let mut out = Vec::new();
    for l in &net.layers[..net.layers.len() - 1] {
        let z = l.affine(&h);
        out.extend(z.iter().map(|u| u > &q(0, 1)));
        h = z
            .iter()
            .map(|u| l.activation.eval_exact(u).expect("pwl"))
            .collect();
    }
    out
}

#[test]
fn region_counts_match_a_brute_force_pattern_count() {
    let bx = [(q(-2, 1), q(2, 1)), (q(-2, 1), q(2, 1))];
    for seed in [1, 7, 42] {
        let net = net2(3, seed);
        let r = regions(&net, &bx, None).expect("regions");
        assert!(r.continuous, "seed {seed}");
        // Each region is one pattern (a convex cell), and the patterns of the
        // regions' interior points are all different.
        let mut from_regions = BTreeSet::new();
        for reg in &r.regions {
            let n = q(reg.vertices.len() as i64, 1);
            let c: Vec<BigRational> = (0..2)
                .map(|k| {
                    reg.vertices
                        .iter()
                        .map(|v| v[k].clone())
                        .sum::<BigRational>()
                        / &n
                })
                .collect();
            let want = net.eval_exact(&c).expect("pwl")[0].clone();
            assert_eq!(
                &reg.gradient[0] * &c[0] + &reg.gradient[1] * &c[1] + &reg.offset,
                want
            );
            from_regions.insert(pattern(&net, &c));
        }
        assert_eq!(
            from_regions.len(),
            r.regions.len(),
            "seed {seed}: one pattern per region"
        );
        // A fine rational grid sees the same set of patterns (a grid point on a
        // boundary has a pattern of a neighbouring region, so the set is a subset;
        // the grid is fine enough to meet every region of these small networks).
        let mut from_grid = BTreeSet::new();
        let steps = 160;
        for i in 0..=steps {
            for j in 0..=steps {
                let p = [
                    q(-2, 1) + q(4 * i + 1, 1) / q(steps + 1, 1) - q(1, 2 * (steps + 1)),
                    q(-2, 1) + q(4 * j + 1, 1) / q(steps + 1, 1) - q(1, 2 * (steps + 1))
                        + q(1, 1000),
                ];
                from_grid.insert(pattern(&net, &p));
            }
        }
        assert!(
            from_grid.is_subset(&from_regions),
            "seed {seed}: a grid pattern no region has"
        );
        assert_eq!(
            from_grid.len(),
            from_regions.len(),
            "seed {seed}: regions {} vs grid patterns {}",
            r.regions.len(),
            from_grid.len()
        );
    }
}

#[test]
fn symbolic_weights_are_continuous_piecewise_linear() {
    let mut g = Graph::with_prelude();
    let e = parse_expr(&mut g, "w2*relu(w1*x + b1) + b2").expect("parses");
    let x = g.symbol("x");
    let c = classify(&mut g, e, &[x]).expect("classified");
    assert_eq!(c.class, Class::ContinuousPiecewiseLinear);
    assert_eq!(c.parameters.len(), 4);
    let cases = [
        ("w*x + b", Class::Affine),
        ("w*heaviside(x - b)", Class::PiecewiseLinear),
        ("sigmoid(w*x)", Class::Smooth),
        ("relu(x)*relu(x)", Class::Unknown),
        ("w*b + 1", Class::Constant),
        (
            "abs(relu(a*x) - relu(x - c))",
            Class::ContinuousPiecewiseLinear,
        ),
        ("exp(relu(x))", Class::Unknown),
    ];
    for (src, want) in cases {
        let e = parse_expr(&mut g, src).expect("parses");
        assert_eq!(
            classify(&mut g, e, &[x]).expect("classified").class,
            want,
            "{src}"
        );
    }
    // Every network of a shape.
    let outs = network::template(&mut g, &[1, 16, 16, 1], &[Activation::Relu]).expect("template");
    let c = classify(&mut g, outs[0], &[x]).expect("classified");
    assert_eq!(c.class, Class::ContinuousPiecewiseLinear);
    assert_eq!(c.parameters.len(), 16 + 16 + 16 * 16 + 16 + 16 + 1);
    let outs = network::template(&mut g, &[1, 4, 1], &[Activation::Tanh]).expect("template");
    assert_eq!(
        classify(&mut g, outs[0], &[x]).expect("classified").class,
        Class::Smooth
    );
}

/// `sum of n shifted relus`, built through the graph's constructors.
fn shifted_relus(g: &mut Graph, n: i64) -> actsym::expr::ExprId {
    let relu = g.find_symbol("relu").expect("the prelude's relu");
    let x = g.var("x");
    let terms: Vec<_> = (0..n)
        .map(|k| {
            let c = g.num(q(k, 3));
            let u = g.sub(x, c);
            g.call(relu, vec![u])
        })
        .collect();
    g.add(terms)
}

#[test]
fn a_sum_of_many_relus_is_near_linear() {
    let mut g = Graph::with_prelude();
    let e = shifted_relus(&mut g, 9_999);
    let x = g.symbol("x");
    let f = analyse(&mut g, e, x).expect("analysed");
    assert_eq!(f.pieces.len(), 10_000);
    assert_eq!(
        f.value_at(&q(3, 1)),
        q(15, 1),
        "relu(3) + relu(3 - 1/3) + ... + relu(3 - 9/3) = 30 - 45/3"
    );
    // The time is measured by benches/network.rs (a wall-clock bound here would fail
    // on a loaded machine); this checks the size and the values.
    // A deadline in the past stops it.
    let e = shifted_relus(&mut g, 2_000);
    let past = Instant::now();
    assert_eq!(
        analyse_until(&mut g, e, x, Some(past)),
        Err(PwlError::TimeLimit)
    );
}

/// `pwl` of a 1 -> 4,000 -> 1 network file and of the same sum of 4,000 shifted relus
/// typed as an expression: 4,001 exact pieces either way (the time is the bench's
/// business: benches/network.rs), and a time limit too short for them is `unknown`,
/// exit 3, with the reason.
#[test]
fn pwl_of_4000_relus_as_a_file_and_as_text_and_its_time_limit() {
    let n: i64 = 4_000;
    let net = serde_json::json!({"inputs": 1, "layers": [
        {"weights": (0..n).map(|_| ["1"]).collect::<Vec<_>>(),
         "bias": (1..=n).map(|k| (-k).to_string()).collect::<Vec<_>>(),
         "activation": "relu"},
        {"weights": [vec!["1"; 4_000]], "bias": ["0"], "activation": "identity"}]});
    let p = temp("wide.json", net.to_string().as_bytes());
    let text: Vec<String> = (1..=n).map(|k| format!("relu(x - {k})")).collect();
    let runs = [
        actsym().args(["pwl", "--json"]).arg(&p).output(),
        actsym()
            .args(["pwl", "--json", "-"])
            .write_stdin(text.join(" + "))
            .output(),
    ];
    let mut seen = Vec::new();
    for out in runs {
        let out = out.expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["piecewise_linear"], true);
        assert_eq!(v["continuous"], true);
        let breaks = v["breakpoints"].as_array().expect("breakpoints");
        let expected: Vec<String> = (1..=n).map(|k| k.to_string()).collect();
        assert_eq!(breaks.len(), 4_000);
        assert!(breaks.iter().zip(&expected).all(|(b, e)| b == e));
        let pieces = v["pieces"].as_array().expect("pieces");
        assert_eq!(pieces.len(), 4_001);
        // Above the last kink all 4,000 terms are on: 4000*x - (1 + 2 + ... + 4000).
        let last = &pieces[4_000];
        assert_eq!(last["slope"], "4000");
        assert_eq!(last["intercept"], "-8002000");
        // Between k and k + 1, k terms are on: k*x - k(k + 1)/2.
        assert_eq!(pieces[10]["slope"], "10");
        assert_eq!(pieces[10]["intercept"], "-55");
        seen.push((v["breakpoints"].clone(), v["pieces"].clone()));
    }
    assert_eq!(
        seen[0], seen[1],
        "the file and the text give the same pieces"
    );
    let out = actsym()
        .args(["pwl", "--json", "--time-limit", "0.001"])
        .arg(&p)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"], "unknown");
    assert!(v["reason"]
        .as_str()
        .is_some_and(|r| r.contains("time limit")));
}

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("actsym-network-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

#[test]
fn the_cli_reads_every_kind_and_says_which() {
    // The kind is chosen by content: a JSON network without the .json extension.
    let kinds = [
        ("net.data", ISSUE_NET.as_bytes().to_vec(), "json"),
        (
            "net.safetensors",
            issue_safetensors(Some("relu,identity")),
            "safetensors",
        ),
        (
            "net.act",
            b"relu(x/2 + 1) - 2*relu(-3*x)\n".to_vec(),
            "actsym",
        ),
    ];
    let mut breakpoints = Vec::new();
    for (name, bytes, kind) in kinds {
        let p = temp(name, &bytes);
        let out = actsym()
            .args(["pwl", p.to_str().expect("utf-8"), "--json"])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["format"], kind, "{name}");
        breakpoints.push(v["breakpoints"].clone());
        let out = actsym()
            .args(["eval", p.to_str().expect("utf-8"), "--at", "x=-1"])
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "-5.5",
            "{name}"
        );
    }
    assert!(
        breakpoints.windows(2).all(|w| w[0] == w[1]),
        "{breakpoints:?}"
    );
}

#[test]
fn malformed_files_exit_2_naming_the_place() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bad1.json",
            br#"{"inputs": 1, "layers": [{"weights": [["1", "2"]], "bias": ["0"]}]}"#.to_vec(),
            "layers[0].weights[0]",
        ),
        (
            "bad2.json",
            b"{\"inputs\": 1,\n  \"layers\": [1,]}".to_vec(),
            "line 2",
        ),
        (
            "bad3.safetensors",
            safetensors_f32(&[("0.weight", vec![1, 1], vec![1.0])], Some("relu,relu")),
            "activations",
        ),
    ];
    for (name, bytes, place) in cases {
        let p = temp(name, &bytes);
        let out = actsym()
            .args(["pwl", p.to_str().expect("utf-8")])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(place) && err.contains(name), "{name}: {err}");
    }
}

#[test]
fn convert_writes_the_inputs_kind_and_never_overwrites() {
    let net = tanh_net();
    let src = temp("tanh-net.json", network::json::write(&net).as_bytes());
    let out = src.with_file_name("sigmoid-net.json");
    let _ = std::fs::remove_file(&out);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "convert",
            src.to_str().expect("utf-8"),
            "--to",
            "sigmoid",
            "-o",
            out.to_str().expect("utf-8"),
        ];
        args.extend(extra);
        actsym().args(&args).output().expect("runs")
    };
    let first = run(&[]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(
        text.contains("equal: proved") || text.contains("equal: verified"),
        "{text}"
    );
    let written = network::read(&out, &ReadOptions::default()).expect("reads");
    assert_eq!(
        written.1,
        Content::Network(convert(&net, Target::Sigmoid).0)
    );
    assert_eq!(run(&[]).status.code(), Some(2), "an existing file is kept");
    assert_eq!(run(&["--force"]).status.code(), Some(0));
    // safetensors in, safetensors out (f32 stays f32 where exact).
    let st = temp(
        "tanh.safetensors",
        &safetensors_f32(
            &[
                ("0.weight", vec![2, 1], vec![1.0, -0.5]),
                ("0.bias", vec![2], vec![0.0, 1.0]),
                ("2.weight", vec![1, 2], vec![1.0, 3.0]),
                ("2.bias", vec![1], vec![0.25]),
            ],
            Some("tanh,identity"),
        ),
    );
    let st_out = st.with_file_name("sigmoid.safetensors");
    let _ = std::fs::remove_file(&st_out);
    let o = actsym()
        .args([
            "convert",
            st.to_str().expect("utf-8"),
            "--to",
            "sigmoid",
            "-o",
            st_out.to_str().expect("utf-8"),
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let bytes = std::fs::read(&st_out).expect("written");
    assert_eq!(detect(&bytes), Format::Safetensors);
    let (_, Content::Network(s)) =
        network::read_bytes(&bytes, &ReadOptions::default()).expect("reads")
    else {
        panic!()
    };
    assert_eq!(s.layers[0].activation, Activation::Sigmoid);
    assert_eq!(s.layers[1].bias, vec![q(1, 4) - q(4, 1)]);
}

#[test]
fn pwl_box_and_symbolic_from_the_cli() {
    let net = net2(4, 3);
    let p = temp("box-net.json", network::json::write(&net).as_bytes());
    let svg = p.with_file_name("box-net.svg");
    let _ = std::fs::remove_file(&svg);
    let out = actsym()
        .args([
            "pwl",
            p.to_str().expect("utf-8"),
            "--box",
            "-1:1,-1:1",
            "--svg",
            svg.to_str().expect("utf-8"),
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let want = regions(&net, &[(q(-1, 1), q(1, 1)), (q(-1, 1), q(1, 1))], None).expect("regions");
    assert_eq!(v["count"], want.regions.len());
    assert_eq!(v["continuous"], true);
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .matches("<polygon")
            .count()
            == want.regions.len()
    );
    let out = actsym()
        .args(["pwl", "--shape", "1,16,16,1", "--activations", "relu"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("continuous piecewise linear in x for all values of the"),
        "{text}"
    );
    let out = actsym()
        .args(["pwl", "w2*relu(w1*x + b1) + b2", "--symbolic", "--explain"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("for all values of the parameters (b1, b2, w1, w2)")
            && text.contains("max or min of continuous"),
        "{text}"
    );
}

#[test]
fn dense_layers_agree_with_the_compiled_expression() {
    use actsym::fast::Tape;
    for seed in [2, 5] {
        let mut net = net2(6, seed);
        // One input: keep the first column of the first layer.
        net.inputs = 1;
        for row in &mut net.layers[0].weights {
            row.truncate(1);
        }
        net.layers[1].activation = Activation::Prelu(q(1, 4));
        let dense = Tape::dense(net.dense().expect("dense"), vec!["x".into()]).expect("tape");
        let mut g = Graph::with_prelude();
        let e = net.output(&mut g).expect("builds");
        let x = g.symbol("x");
        let tape = Tape::compile_unfolding(&mut g, e, &[x]).expect("compiles");
        let xs: Vec<f64> = (0..1001).map(|i| -5.0 + f64::from(i) / 100.0).collect();
        let (mut a, mut b) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        dense.eval_batch(&[&xs], &mut a).expect("runs");
        tape.eval_batch(&[&xs], &mut b).expect("runs");
        for ((p, u), v) in xs.iter().zip(&a).zip(&b) {
            assert!(
                (u - v).abs() <= 1e-12 * v.abs().max(1.0),
                "seed {seed} at {p}: {u} vs {v}"
            );
            // The single-point path gives the same bits as the batch.
            assert_eq!(
                dense.eval_point(&[*p]).expect("runs").to_bits(),
                u.to_bits()
            );
        }
        let mut c = vec![0.0; 70_000];
        let many: Vec<f64> = (0..70_000).map(|i| f64::from(i) / 7000.0 - 5.0).collect();
        dense.eval_batch_parallel(&[&many], &mut c).expect("runs");
        let mut d = vec![0.0; 70_000];
        dense.eval_batch(&[&many], &mut d).expect("runs");
        assert!(
            c.iter().zip(&d).all(|(u, v)| u.to_bits() == v.to_bits()),
            "parallel bits"
        );
    }
}

#[test]
fn structural_equality_is_exact() {
    use actsym::network::convert::{structurally_equal, Identity};
    let net = tanh_net();
    let (s, _) = convert(&net, Target::Sigmoid);
    assert_eq!(
        structurally_equal(&net, &s),
        Some(vec![Identity::TanhAsSigmoid])
    );
    let (t, _) = convert(&s, Target::Tanh);
    assert_eq!(
        structurally_equal(&s, &t),
        Some(vec![Identity::SigmoidAsTanh])
    );
    assert_eq!(structurally_equal(&net, &net), Some(vec![]));
    // A tanh last layer: the appended identity layer is part of the check.
    let last = Network {
        inputs: 1,
        layers: vec![layer(
            vec![vec![q(2, 1)], vec![q(-1, 3)]],
            vec![q(1, 1), q(0, 1)],
            Activation::Tanh,
        )],
    };
    let (ls, _) = convert(&last, Target::Sigmoid);
    assert_eq!(
        structurally_equal(&last, &ls),
        Some(vec![Identity::TanhAsSigmoid])
    );
    // Any change of one number breaks it.
    let mut bad = s.clone();
    bad.layers[1].bias[0] += q(1, 1000);
    assert_eq!(structurally_equal(&net, &bad), None);
    let mut bad = s.clone();
    bad.layers[0].weights[1][0] *= q(3, 1);
    assert_eq!(structurally_equal(&net, &bad), None);
    let mut bad = ls.clone();
    bad.layers[1].bias[1] = q(0, 1);
    assert_eq!(structurally_equal(&last, &bad), None);
    let mut bad = s;
    bad.layers[2].activation = Activation::Relu;
    assert_eq!(structurally_equal(&net, &bad), None);
}
