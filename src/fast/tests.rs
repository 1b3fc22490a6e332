//! Folding and execution agree: every operation of the intermediate form, built once
//! on constants (folded by the compiler) and once on variables (one instruction of a
//! tape, executed), gives the same bits at every sample point, NaN for NaN.

use super::compile::schedule;
use super::kernels;
use super::ops::UnaryOp;
use super::tape::Instr;
use super::tape_ir::{Ir, IrId};
use crate::expr::CmpOp;

/// Operands: signed zeros, small and large, subnormal, near the exponential's
/// limits, infinities, NaN, and values whose cube is not exact in f64.
const SAMPLES: [f64; 20] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -2.5,
    1.1,
    1.3,
    3.0,
    -7.25,
    1e-310,
    1e300,
    -1e300,
    700.0,
    -745.5,
    40.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    std::f64::consts::PI,
];

/// Whether two results are the same: equal bits, or both NaN (the folder keeps one
/// NaN for every undefined constant).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Every tuple of `arity` samples.
fn tuples(arity: usize) -> Vec<Vec<f64>> {
    (0..arity).fold(vec![vec![]], |acc, _| {
        acc.iter()
            .flat_map(|t| {
                SAMPLES.iter().map(move |&v| {
                    let mut t = t.clone();
                    t.push(v);
                    t
                })
            })
            .collect()
    })
}

/// Checks the operation `build` of `arity` operands: folded on constants, and as the
/// single instruction of a tape over variables.
fn check(name: &str, arity: usize, build: impl Fn(&mut Ir, &[IrId]) -> IrId) {
    let mut ir = Ir::default();
    let vars: Vec<IrId> = (0..arity as u32).map(|i| ir.var(i)).collect();
    let root = build(&mut ir, &vars);
    let names = (0..arity).map(|i| format!("x{i}")).collect();
    let tape = schedule(&ir, root, names);
    assert_eq!(tape.instructions().len(), 1, "{name}: {tape}");
    let points = tuples(arity);
    let columns: Vec<Vec<f64>> = (0..arity)
        .map(|i| points.iter().map(|p| p[i]).collect())
        .collect();
    let inputs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let mut out = vec![0.0; points.len()];
    tape.eval_batch(&inputs, &mut out).unwrap();
    for (p, &executed) in points.iter().zip(&out) {
        let mut ir = Ir::default();
        let consts: Vec<IrId> = p.iter().map(|&v| ir.constant(v)).collect();
        let id = build(&mut ir, &consts);
        let folded = ir
            .as_const(id)
            .unwrap_or_else(|| panic!("{name} at {p:?} is not folded"));
        assert!(
            same(folded, executed),
            "{name} at {p:?}: folded {folded:e}, executed {executed:e}"
        );
    }
}

#[test]
fn folding_and_execution_agree_for_every_operation() {
    for &op in UnaryOp::ALL {
        check(op.name(), 1, |ir, a| ir.unary(op, a[0]));
    }
    for (k, c0, c1) in [
        (0.0, 1.0, 1.0),
        (0.0, -0.3, 2.5),
        (1.5, 1.0, -1.0),
        (-0.1, 3.0, 0.7),
    ] {
        check(&format!("lin {k} {c0} {c1}"), 2, |ir, a| {
            ir.lin(k, vec![(c0, a[0]), (c1, a[1])])
        });
    }
    check("lin 0 1 -1 1", 3, |ir, a| {
        ir.lin(0.0, vec![(1.0, a[0]), (-1.0, a[1]), (1.0, a[2])])
    });
    check("mul", 2, |ir, a| ir.mul(a[0], a[1]));
    check("div", 2, |ir, a| ir.div(a[0], a[1]));
    for n in [-31, -5, -3, -2, -1, 0, 2, 3, 4, 5, 6, 7, 31, 1000] {
        check(&format!("powi {n}"), 1, |ir, a| ir.powi(a[0], n));
    }
    check("sqrt", 1, |ir, a| ir.sqrt(a[0]));
    for p in [0.5, 1.5, -0.5, 1.0 / 3.0, 2.5] {
        check(&format!("pow_const {p}"), 1, |ir, a| ir.pow_const(a[0], p));
    }
    check("pow_var", 2, |ir, a| ir.pow_var(a[0], a[1]));
    check("max", 2, |ir, a| ir.max(a[0], a[1]));
    check("min", 2, |ir, a| ir.min(a[0], a[1]));
    for op in [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Ne] {
        check(op.as_str(), 2, |ir, a| ir.cmp(op, a[0], a[1]));
    }
    check("select", 3, |ir, a| ir.select(a[0], a[1], a[2]));
}

/// The paired instruction computes what its two kernels compute apart, so a tape
/// with `SigmoidPair` has the bits of the folded `sigmoid` and `sigmoid'`.
#[test]
fn the_sigmoid_pair_is_its_two_kernels() {
    for &x in &SAMPLES {
        let (s, d) = kernels::sigmoid_pair1(x);
        assert!(same(s, UnaryOp::Sigmoid.apply(x)), "sigmoid at {x}");
        assert!(same(d, UnaryOp::SigmoidDeriv.apply(x)), "sigmoid' at {x}");
        for c in [1.5, -0.7, 3.0] {
            for divide in [false, true] {
                let (hi, lo) = kernels::scaled_arg(x, c, divide);
                let (s, d) = kernels::sigmoid_pair(hi, lo);
                assert!(same(s, UnaryOp::Sigmoid.apply_dd(hi, lo)), "{c} {x}");
                assert!(same(d, UnaryOp::SigmoidDeriv.apply_dd(hi, lo)), "{c} {x}");
            }
        }
    }
    // And the scheduler pairs them.
    let mut ir = Ir::default();
    let x = ir.var(0);
    let s = ir.unary(UnaryOp::Sigmoid, x);
    let d = ir.unary(UnaryOp::SigmoidDeriv, x);
    let root = ir.lin(0.0, vec![(1.0, s), (2.0, d)]);
    let tape = schedule(&ir, root, vec!["x".into()]);
    assert!(
        matches!(tape.instructions()[0], Instr::SigmoidPair { .. }),
        "{tape}"
    );
}

/// A kernel of a scaled argument, `op(c*x)` or `op(x/c)` with an inexact `c`, is one
/// instruction that runs the kernel's double-double form on the exact argument.
#[test]
fn scaled_kernels_run_their_double_double_form() {
    for &op in UnaryOp::ALL.iter().filter(|op| op.takes_scaled()) {
        for c in [1.1, 3.3, 0.7] {
            for divide in [false, true] {
                let mut ir = Ir::default();
                let x = ir.var(0);
                let arg = if divide {
                    let k = ir.constant(c);
                    ir.div(x, k)
                } else {
                    ir.scale(c, x)
                };
                let root = ir.unary(op, arg);
                let tape = schedule(&ir, root, vec!["x".into()]);
                let name = op.name();
                assert!(
                    matches!(tape.instructions(), [Instr::UnaryScaled { .. }]),
                    "{name}: {tape}"
                );
                let mut out = [0.0; SAMPLES.len()];
                tape.eval_batch(&[&SAMPLES], &mut out).unwrap();
                for (&x, &got) in SAMPLES.iter().zip(&out) {
                    let (hi, lo) = kernels::scaled_arg(x, c, divide);
                    let want = op.apply_dd(hi, lo);
                    assert!(
                        same(got, want),
                        "{name}({c}, {divide}) at {x}: {got:e} {want:e}"
                    );
                }
            }
        }
    }
}

/// The files of `src/fast/` and of `src/fast/kernels/`, lowest first, as the module
/// documentation lists them: a file may import (`super::name`) only files before it,
/// so the files form no cycle.
const LAYERS: [(&str, &[&str]); 2] = [
    (
        "src/fast",
        &[
            "kernels/mod",
            "ops",
            "error",
            "dense",
            "tape_ir",
            "tape_prelude",
            "tape_diff",
            "tape",
            "compile",
            "tape_exec",
            "api",
        ],
    ),
    (
        "src/fast/kernels",
        &[
            "tables",
            "dd",
            "basic",
            "exp_log",
            "activation",
            "scaled",
            "deriv",
            "normal",
        ],
    ),
];

/// The sibling modules a file's code names as `super::name` (comments skipped).
fn sibling_imports(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("super::") {
            rest = &rest[at + "super::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `super::{a, b}` names several.
            if name.is_empty() && rest.starts_with('{') {
                let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
                names.extend(
                    inner
                        .split(',')
                        .map(|s| s.trim().split("::").next().unwrap_or("").to_owned()),
                );
            } else {
                names.push(name);
            }
        }
    }
    names
}

#[test]
fn the_files_import_only_lower_files() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (dir, order) in LAYERS {
        for (i, file) in order.iter().enumerate() {
            let path = format!("{root}/{dir}/{file}.rs");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let module = |f: &str| f.trim_end_matches("/mod").to_owned();
            for name in sibling_imports(&text) {
                if let Some(j) = order.iter().position(|f| module(f) == name) {
                    assert!(j < i, "{dir}/{file}.rs imports {name}, a file above it");
                }
            }
        }
        // Every file of the directory is placed.
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let stem = name.trim_end_matches(".rs");
            let placed = order.iter().any(|f| f.trim_end_matches("/mod") == stem)
                || ["mod", "tests"].contains(&stem);
            assert!(placed, "{dir}/{name} is not in the file order");
        }
    }
}
