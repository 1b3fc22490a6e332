//! Exact univariate algebra over Q: one line per case (division, gcds, square-free
//! parts, real roots and their printing, root counts on intervals, comparisons,
//! signs at algebraic numbers, sign charts of rational functions), and property
//! tests: roots of products of known linear and quadratic factors are found exactly,
//! Sturm counts agree with the isolated roots, square-free parts and gcds behave, and
//! signs agree with exact evaluation.

use std::cmp::Ordering;
use std::collections::HashMap;

use actsym::expr::Graph;
use actsym::poly::{
    count_roots, real_roots, sign_on_interval, Algebraic, Interval, Part, PointKind, PolyError,
    Sign, UPoly, UniLimits,
};
use num_rational::BigRational;
use proptest::prelude::*;

const LIM: UniLimits = UniLimits::DEFAULT;

fn p(c: &[i64]) -> UPoly {
    UPoly::from_ints(c)
}

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

/// Parses an interval such as `(0, 1]`, `[-1/2, 3)`, `(-inf, 2]`, `(0, inf)`.
fn interval(s: &str) -> Interval {
    let (l, r) = s.split_once(',').expect("a comma");
    let (l, r) = (l.trim(), r.trim());
    let num = |t: &str| -> BigRational { t.parse().expect("a rational") };
    let lo = match &l[1..] {
        "-inf" => None,
        t => Some((num(t), l.starts_with('['))),
    };
    let hi = match &r[..r.len() - 1] {
        "inf" => None,
        t => Some((num(t), r.ends_with(']'))),
    };
    Interval { lo, hi }
}

fn texts(roots: &[Algebraic]) -> Vec<String> {
    roots.iter().map(ToString::to_string).collect()
}

#[test]
fn division_gcd_and_square_free_parts() {
    type Coeffs = &'static [i64];
    // (a, b, a mod b, monic gcd(a, b))
    let cases: [(Coeffs, Coeffs, Coeffs, Coeffs); 5] = [
        (&[-1, 0, 1], &[1, 1], &[], &[1, 1]),
        (&[-2, 0, 1], &[-3, 0, 1], &[1], &[1]),
        (&[0, 0, 2], &[0, 4], &[], &[0, 1]),
        (&[6, 11, 6, 1], &[2, 3, 1], &[], &[2, 3, 1]),
        (&[5, 0, 3], &[0, 1], &[5], &[1]),
    ];
    for (a, b, rem, g) in cases {
        let (quo, r) = p(a).div_rem(&p(b)).expect("non-zero divisor");
        assert_eq!(r, p(rem), "{a:?} mod {b:?}");
        let back = quo.mul(&p(b), 64).expect("small").add(&r);
        assert_eq!(back, p(a), "quotient and remainder of {a:?} / {b:?}");
        assert_eq!(p(a).gcd(&p(b), &LIM), Ok(p(g)), "gcd({a:?}, {b:?})");
    }
    assert_eq!(
        p(&[1]).div_rem(&UPoly::zero()),
        Err(PolyError::DivisionByZero)
    );
    // (p, monic square-free part, square-free factors by multiplicity)
    type Factors = &'static [(Coeffs, u32)];
    let cases: [(Coeffs, Coeffs, Factors); 4] = [
        (&[2, -3, 0, 1], &[-2, 1, 1], &[(&[2, 1], 1), (&[-1, 1], 2)]),
        (&[0, 0, 0, 5], &[0, 1], &[(&[0, 1], 3)]),
        (&[1, 0, 2, 0, 1], &[1, 0, 1], &[(&[1, 0, 1], 2)]),
        (&[-6, 11, -6, 1], &[-6, 11, -6, 1], &[(&[-6, 11, -6, 1], 1)]),
    ];
    for (f, sf, factors) in cases {
        assert_eq!(
            p(f).square_free_part(&LIM),
            Ok(p(sf)),
            "square-free part of {f:?}"
        );
        let want: Vec<(UPoly, u32)> = factors.iter().map(|&(c, m)| (p(c), m)).collect();
        assert_eq!(p(f).square_free_factors(&LIM), Ok(want), "factors of {f:?}");
    }
}

/// The number's text (when it has one) parses, and its certified MPFR enclosure
/// lies inside the number's exact enclosure (strictly, for an irrational).
fn assert_text_is_the_number(x: &Algebraic) {
    let Some(text) = x.to_expression_text() else {
        return;
    };
    let (lo, hi) = x.enclosure();
    let mut g = Graph::new();
    for (src, closed) in [
        (format!("({text}) - ({lo})"), x.as_rational().is_some()),
        (format!("({hi}) - ({text})"), x.as_rational().is_some()),
    ] {
        let e = actsym::defs::parse_expr(&mut g, &src).expect("the text parses");
        let iv = actsym::certified::enclose(&g, e, &HashMap::new(), 256).expect("defined");
        if closed {
            assert!(iv.contains_zero(), "{src} encloses 0");
        } else {
            assert!(iv.lo > 0, "{src} is positive");
        }
    }
}

#[test]
fn real_roots_exactly_and_their_text() {
    let cases: [(&[i64], &[&str]); 12] = [
        (&[-3, 0, 1], &["-sqrt(3)", "sqrt(3)"]),
        (&[-1, -1, 1], &["(1 - sqrt(5))/2", "(1 + sqrt(5))/2"]),
        (&[-4, 0, 3], &["-2*sqrt(3)/3", "2*sqrt(3)/3"]),
        (&[-8, 0, 1], &["-2*sqrt(2)", "2*sqrt(2)"]),
        (&[-1, -4, 4], &["(1 - sqrt(2))/2", "(1 + sqrt(2))/2"]),
        (&[1, 4, 1], &["-2 - sqrt(3)", "-2 + sqrt(3)"]),
        (&[2, -3, 0, 1], &["-2", "1"]),
        (&[2, -4, -1, 2], &["-sqrt(2)", "1/2", "sqrt(2)"]),
        (
            &[6, 0, -5, 0, 1],
            &["-sqrt(3)", "-sqrt(2)", "sqrt(2)", "sqrt(3)"],
        ),
        (&[-1, -1, 0, 1], &["root of x^3 - x - 1 in [1, 2]"]),
        (&[1, 0, 1], &[]),
        (&[0, -3, 0, 4], &["-sqrt(3)/2", "0", "sqrt(3)/2"]),
    ];
    for (c, want) in cases {
        let roots = real_roots(&p(c), &LIM).expect("small polynomial");
        assert_eq!(texts(&roots), want, "roots of {}", p(c).to_text("x"));
        let exprs: Vec<Option<String>> = roots.iter().map(Algebraic::to_expression_text).collect();
        for (r, e) in roots.iter().zip(exprs) {
            assert_eq!(e.is_some(), !r.to_string().starts_with("root of"));
            assert_text_is_the_number(r);
        }
    }
    assert_eq!(
        real_roots(&UPoly::zero(), &LIM),
        Err(PolyError::ZeroPolynomial)
    );
}

#[test]
fn root_counts_with_open_closed_and_infinite_ends() {
    // (x - 1)(x - 2)(x^2 - 2): roots -sqrt(2), 1, sqrt(2), 2.
    let f = p(&[4, 0, -4, 0, 1])
        .mul(&p(&[1, -1]), 64)
        .and_then(|g| g.mul(&p(&[-2, 1]), 64))
        .and_then(|g| {
            g.exact_div(&p(&[2, -3, 1]))
                .ok_or(PolyError::DivisionByZero)
        })
        .and_then(|g| {
            g.exact_div(&p(&[-2, 0, 1]))
                .ok_or(PolyError::DivisionByZero)
        })
        .and_then(|g| g.mul(&p(&[-2, 0, 1]), 64)?.mul(&p(&[2, -3, 1]), 64));
    let f = f.expect("small");
    let cases = [
        ("(-inf, inf)", 4),
        ("[1, 2]", 3),
        ("(1, 2)", 1),
        ("(1, 2]", 2),
        ("[1, 2)", 2),
        ("[1, 1]", 1),
        ("(1, 1]", 0),
        ("[3/2, 3/2]", 0),
        ("(-inf, 1)", 1),
        ("(-inf, 1]", 2),
        ("(2, inf)", 0),
        ("[2, inf)", 1),
        ("[-3/2, -7/5]", 1),
        ("[-7/5, -3/2]", 0),
    ];
    for (iv, want) in cases {
        assert_eq!(
            count_roots(&f, &interval(iv), &LIM),
            Ok(want),
            "roots in {iv}"
        );
    }
}

/// The `k`-th real root of the polynomial with coefficients `c`.
fn root(c: &[i64], k: usize) -> Algebraic {
    real_roots(&p(c), &LIM).expect("small polynomial")[k].clone()
}

#[test]
fn comparisons_and_signs_at_algebraic_numbers() {
    let sqrt2 = root(&[-2, 0, 1], 1);
    let sqrt8_half = root(&[-8, 0, 4], 1); // sqrt(8)/2 = sqrt(2), another polynomial
    let sqrt3 = root(&[-3, 0, 1], 1);
    let cbrt2 = root(&[-2, 0, 0, 1], 0);
    let cases = [
        (&sqrt2, &sqrt8_half, Ordering::Equal),
        (&sqrt2, &sqrt3, Ordering::Less),
        (&cbrt2, &sqrt2, Ordering::Less), // 1.2599 < 1.4142
        (&sqrt3, &cbrt2, Ordering::Greater),
    ];
    for (a, b, want) in cases {
        assert_eq!(a.cmp(b, &LIM), Ok(want), "{a} vs {b}");
        assert_eq!(b.cmp(a, &LIM), Ok(want.reverse()), "{b} vs {a}");
    }
    // (number, rational, comparison)
    let cases = [
        (&sqrt2, q(7, 5), Ordering::Greater),
        (&sqrt2, q(10, 7), Ordering::Less),
        (&cbrt2, q(5, 4), Ordering::Greater),
        (&cbrt2, q(63, 50), Ordering::Less),
    ];
    for (a, r, want) in cases {
        assert_eq!(a.cmp_rational(&r), want, "{a} vs {r}");
    }
    // (number, polynomial, its sign there)
    let cases: [(&Algebraic, &[i64], Sign); 5] = [
        (&sqrt2, &[-4, 0, 0, 0, 1], Sign::Zero), // x^4 - 4
        (&sqrt2, &[-7, 5], Sign::Positive),      // 5 sqrt(2) - 7 = 0.07...
        (&sqrt3, &[0, -2, 1], Sign::Negative),   // 3 - 2 sqrt(3) = -0.46...
        (&cbrt2, &[-2, 0, 0, 1], Sign::Zero),
        (&cbrt2, &[-1, 0, 1], Sign::Positive),
    ];
    for (a, c, want) in cases {
        assert_eq!(
            a.sign_of(&p(c), &LIM),
            Ok(want),
            "sign of {} at {a}",
            p(c).to_text("x")
        );
    }
    let mut narrow = cbrt2.clone();
    narrow.refine(&q(1, 1000), &LIM).expect("few steps");
    let (lo, hi) = narrow.enclosure();
    assert!(&hi - &lo <= q(1, 1000) && lo < q(126, 100) && hi > q(125, 100));
    assert_eq!(narrow.cmp(&cbrt2, &LIM), Ok(Ordering::Equal));
}

/// The chart as text: signs of stretches, and points as `zero at v`, `pole at v`.
fn chart_text(num: &[i64], den: &[i64], iv: &str) -> String {
    let chart = sign_on_interval(&p(num), &p(den), &interval(iv), &LIM).expect("small");
    let parts: Vec<String> = chart
        .parts()
        .iter()
        .map(|part| match part {
            Part::Stretch { sign, .. } => match sign {
                Sign::Negative => "-".to_owned(),
                Sign::Zero => "0".to_owned(),
                Sign::Positive => "+".to_owned(),
            },
            Part::Point { at, kind } => {
                let k = match kind {
                    PointKind::Zero => "zero",
                    PointKind::Pole => "pole",
                    PointKind::Both => "hole",
                };
                format!("{k} at {at}")
            }
        })
        .collect();
    parts.join(", ")
}

#[test]
fn sign_charts_of_rational_functions() {
    type Coeffs = &'static [i64];
    let cases: [(Coeffs, Coeffs, &str, &str); 10] = [
        // sigmoid'(x) - 1/4 in t = exp(x) > 0: -(t - 1)^2 / (4 (1 + t)^2)
        (&[-1, 2, -1], &[4, 8, 4], "(0, inf)", "-, zero at 1, -"),
        (&[-1, 2, -1], &[4, 8, 4], "(1, inf)", "-"),
        (&[-1, 2, -1], &[4, 8, 4], "[1, 2]", "zero at 1, -"),
        // x^2 - 3 over x - 1 on the line
        (
            &[-3, 0, 1],
            &[-1, 1],
            "(-inf, inf)",
            "-, zero at -sqrt(3), +, pole at 1, -, zero at sqrt(3), +",
        ),
        (&[-3, 0, 1], &[-1, 1], "(1, 2)", "-, zero at sqrt(3), +"),
        // (x - 1)/(x^2 - 1): a hole at 1, a pole at -1
        (
            &[-1, 1],
            &[-1, 0, 1],
            "[-2, 2]",
            "-, pole at -1, +, hole at 1, +",
        ),
        (&[5], &[1, 0, 1], "(-inf, inf)", "+"),
        (&[], &[1, 1], "[-2, 0]", "0, hole at -1, 0"),
        (&[0, 1], &[1], "[0, 0]", "zero at 0"),
        (&[0, 1], &[1], "[1/2, 1/2]", "+"),
    ];
    for (num, den, iv, want) in cases {
        assert_eq!(
            chart_text(num, den, iv),
            want,
            "({num:?})/({den:?}) on {iv}"
        );
    }
    let chart = sign_on_interval(
        &p(&[-1, 2, -1]),
        &p(&[4, 8, 4]),
        &interval("(0, inf)"),
        &LIM,
    )
    .expect("small");
    assert_eq!(chart.constant_sign(), None);
    assert!(chart.find(|s| s == Sign::Positive).is_none());
    assert_eq!(
        sign_on_interval(&p(&[1]), &UPoly::zero(), &interval("(0, 1)"), &LIM),
        Err(PolyError::DivisionByZero)
    );
}

#[test]
fn limits_fail_with_typed_errors() {
    let tight = UniLimits {
        max_degree: 4,
        ..UniLimits::DEFAULT
    };
    assert_eq!(
        real_roots(&p(&[1, 0, 0, 0, 0, 1]), &tight),
        Err(PolyError::DegreeTooHigh {
            degree: 5,
            limit: 4
        })
    );
    let few_steps = UniLimits {
        max_steps: 3,
        ..UniLimits::DEFAULT
    };
    // Roots 1/1000 and 2/1000 need many halvings of [-2, 2] to separate.
    let close = p(&[2, -3000, 1_000_000]);
    assert!(matches!(
        real_roots(&close, &few_steps),
        Err(PolyError::TooManySteps { .. })
    ));
    assert_eq!(
        texts(&real_roots(&close, &LIM).expect("enough steps")),
        ["1/1000", "1/500"]
    );
    let small_bits = UniLimits {
        max_bits: 8,
        ..UniLimits::DEFAULT
    };
    let wide = p(&[1_000_003, 0, -1_000_001, 0, 1]);
    assert!(matches!(
        count_roots(&wide, &interval("(-inf, inf)"), &small_bits),
        Err(PolyError::CoefficientTooLarge { .. })
    ));
}

/// A small factor: `a x - b` (a rational root) or `x^2 - d` / `x^2 + d`.
#[derive(Clone, Debug)]
enum Factor {
    Linear(i64, i64),
    Quadratic(i64),
    NoRealRoots(i64),
}

fn factor() -> impl Strategy<Value = (Factor, u32)> {
    let f = prop_oneof![
        (1i64..5, -6i64..7).prop_map(|(a, b)| Factor::Linear(a, b)),
        prop::sample::select(vec![2i64, 3, 5, 6, 7, 10]).prop_map(Factor::Quadratic),
        (1i64..4).prop_map(Factor::NoRealRoots),
    ];
    (f, 1u32..3)
}

impl Factor {
    fn poly(&self) -> UPoly {
        match *self {
            Factor::Linear(a, b) => p(&[-b, a]),
            Factor::Quadratic(d) => p(&[-d, 0, 1]),
            Factor::NoRealRoots(d) => p(&[d, 0, 1]),
        }
    }

    /// The texts of its real roots.
    fn roots(&self) -> Vec<String> {
        match *self {
            Factor::Linear(a, b) => vec![q(b, a).to_string()],
            Factor::Quadratic(d) => vec![format!("sqrt({d})"), format!("-sqrt({d})")],
            Factor::NoRealRoots(_) => Vec::new(),
        }
    }
}

fn small_poly() -> impl Strategy<Value = UPoly> {
    prop::collection::vec(-6i64..7, 1..7).prop_map(|c| p(&c))
}

fn rational() -> impl Strategy<Value = BigRational> {
    (-40i64..41, 1i64..9).prop_map(|(n, d)| q(n, d))
}

fn end() -> impl Strategy<Value = Option<(BigRational, bool)>> {
    prop::option::of((rational(), any::<bool>()))
}

fn any_interval() -> impl Strategy<Value = Interval> {
    (end(), end()).prop_map(|(lo, hi)| Interval { lo, hi })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Roots of products of known factors are found exactly, once each, in order.
    #[test]
    fn products_of_known_factors(fs in prop::collection::vec(factor(), 1..4)) {
        let mut f = UPoly::one();
        let mut want: Vec<String> = Vec::new();
        for (fac, m) in &fs {
            f = f.mul(&fac.poly().pow(*m, 64).expect("small"), 64).expect("small");
            want.extend(fac.roots());
        }
        want.sort();
        want.dedup();
        let roots = real_roots(&f, &LIM).expect("small polynomial");
        let mut got = texts(&roots);
        got.sort();
        prop_assert_eq!(got, want);
        for pair in roots.windows(2) {
            prop_assert_eq!(pair[0].cmp(&pair[1], &LIM), Ok(Ordering::Less));
        }
        for r in &roots {
            prop_assert_eq!(r.sign_of(&f, &LIM), Ok(Sign::Zero));
            assert_text_is_the_number(r);
        }
    }

    /// Sturm counts on any interval agree with the isolated roots lying in it.
    #[test]
    fn counts_agree_with_isolation(f in small_poly(), iv in any_interval()) {
        prop_assume!(!f.is_zero());
        let roots = real_roots(&f, &LIM).expect("small polynomial");
        let inside = roots.iter().filter(|r| r.lies_in(&iv)).count();
        prop_assert_eq!(count_roots(&f, &iv, &LIM), Ok(inside));
    }

    /// The square-free part of p*q^2 is that of p*q; gcds divide both and scale.
    #[test]
    fn square_free_parts_and_gcds(a in small_poly(), b in small_poly(), c in small_poly()) {
        prop_assume!(!a.is_zero() && !b.is_zero() && !c.is_zero());
        let ab = a.mul(&b, 64).expect("small");
        let abb = ab.mul(&b, 64).expect("small");
        prop_assert_eq!(abb.square_free_part(&LIM), ab.square_free_part(&LIM));
        let g = a.gcd(&b, &LIM).expect("small");
        prop_assert!(a.exact_div(&g).is_some() && b.exact_div(&g).is_some());
        let scaled = a.mul(&c, 64).expect("small").gcd(&b.mul(&c, 64).expect("small"), &LIM);
        prop_assert_eq!(scaled, g.mul(&c.monic(), 64));
        let sf = a.square_free_part(&LIM).expect("small");
        prop_assert!(sf.gcd(&sf.derivative(), &LIM).expect("small").is_constant());
    }

    /// Signs at rational points are those of exact evaluation, and the sign chart
    /// of a quotient agrees with it at every rational point of the interval.
    #[test]
    fn signs_agree_with_evaluation(
        num in small_poly(),
        den in small_poly(),
        iv in any_interval(),
        points in prop::collection::vec(rational(), 1..6),
    ) {
        for t in &points {
            prop_assert_eq!(num.sign_at(t), Sign::of(&num.eval(t)));
        }
        prop_assume!(!den.is_zero());
        let chart = sign_on_interval(&num, &den, &iv, &LIM).expect("small");
        for t in points.iter().filter(|t| iv.contains(t)) {
            let at = Algebraic::Rational(t.clone());
            let (n, d) = (num.eval(t), den.eval(t));
            for part in chart.parts() {
                if let Part::Point { at: x, kind } = part {
                    if x.cmp(&at, &LIM) == Ok(Ordering::Equal) {
                        let want = match (n == BigRational::from_integer(0.into()), d == BigRational::from_integer(0.into())) {
                            (true, false) => PointKind::Zero,
                            (false, true) => PointKind::Pole,
                            _ => PointKind::Both,
                        };
                        prop_assert_eq!(*kind, want);
                    }
                }
            }
            if Sign::of(&d) != Sign::Zero && Sign::of(&n) != Sign::Zero {
                // The stretch holding t: between the points below and above it.
                let below = chart.parts().iter().rposition(|part| match part {
                    Part::Point { at: x, .. } => x.cmp_rational(t) == Ordering::Less,
                    Part::Stretch { .. } => false,
                });
                let stretch = chart.parts()[below.map_or(0, |i| i + 1)..]
                    .iter()
                    .find_map(|part| match part {
                        Part::Stretch { sign, sample } => Some((*sign, sample.clone())),
                        Part::Point { .. } => None,
                    });
                let (sign, sample) = stretch.expect("a stretch holds t");
                prop_assert_eq!(sign, Sign::of(&(n / d)), "at {} (sample {})", t, sample);
            }
        }
    }
}
