//! Random expressions for the printer's round-trip property: a [`Recipe`] tree drawn
//! by proptest (`prop_recursive`) and built through the graph's smart constructors.

use actsym::expr::{CmpOp, ExprId, Func, Graph};
use proptest::prelude::*;

/// A recipe for an expression, built through the graph's constructors.
#[derive(Clone, Debug)]
pub enum Recipe {
    Var(usize),
    Num(i64, i64),
    Pi,
    Add(Box<Recipe>, Box<Recipe>),
    Sub(Box<Recipe>, Box<Recipe>),
    Mul(Box<Recipe>, Box<Recipe>),
    Div(Box<Recipe>, Box<Recipe>),
    Neg(Box<Recipe>),
    PowNum(Box<Recipe>, i64, i64),
    Pow(Box<Recipe>, Box<Recipe>),
    Sqrt(Box<Recipe>),
    Func(usize, Box<Recipe>),
    Max(Box<Recipe>, Box<Recipe>),
    Min(Box<Recipe>, Box<Recipe>),
    If(usize, Box<Recipe>, Box<Recipe>, Box<Recipe>, Box<Recipe>),
    Call(usize, Vec<Recipe>),
    Diff(Box<Recipe>, usize),
}

const VARS: [&str; 4] = ["x", "y", "alpha", "w1"];
const CALLS: [(&str, usize); 14] = [
    ("sigmoid", 1),
    ("relu", 1),
    ("swish", 2),
    ("softplus", 1),
    ("gelu", 1),
    ("elu", 2),
    ("mish", 1),
    ("Phi", 1),
    ("phi", 1),
    ("leaky_relu", 1),
    ("prelu", 2),
    ("heaviside", 1),
    ("hard_tanh", 1),
    ("softsign", 1),
];
const OPS: [CmpOp; 5] = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Ne];

fn number() -> impl Strategy<Value = (i64, i64)> {
    prop_oneof![
        (-5i64..=5, Just(1i64)),
        (-7i64..=7, 1i64..=6),
        (
            -99i64..=99,
            prop_oneof![Just(10i64), Just(100), Just(1000), Just(20)]
        ),
    ]
}

pub fn recipe() -> impl Strategy<Value = Recipe> {
    let leaf = prop_oneof![
        3 => (0..VARS.len()).prop_map(Recipe::Var),
        2 => number().prop_map(|(n, d)| Recipe::Num(n, d)),
        1 => Just(Recipe::Pi),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        let b = || inner.clone().prop_map(Box::new);
        prop_oneof![
            (b(), b()).prop_map(|(a, c)| Recipe::Add(a, c)),
            (b(), b()).prop_map(|(a, c)| Recipe::Sub(a, c)),
            (b(), b()).prop_map(|(a, c)| Recipe::Mul(a, c)),
            (b(), b()).prop_map(|(a, c)| Recipe::Div(a, c)),
            b().prop_map(Recipe::Neg),
            (
                b(),
                prop_oneof![(-3i64..=4, Just(1i64)), (-3i64..=3, 2i64..=3)]
            )
                .prop_map(|(a, (n, d))| Recipe::PowNum(a, n, d)),
            (b(), b()).prop_map(|(a, c)| Recipe::Pow(a, c)),
            b().prop_map(Recipe::Sqrt),
            (0..Func::ALL.len(), b()).prop_map(|(f, a)| Recipe::Func(f, a)),
            (b(), b()).prop_map(|(a, c)| Recipe::Max(a, c)),
            (b(), b()).prop_map(|(a, c)| Recipe::Min(a, c)),
            (0..OPS.len(), b(), b(), b(), b())
                .prop_map(|(o, p, q, r, s)| Recipe::If(o, p, q, r, s)),
            (0..CALLS.len(), prop::collection::vec(inner.clone(), 2))
                .prop_map(|(f, args)| Recipe::Call(f, args)),
            (b(), 0..VARS.len()).prop_map(|(a, v)| Recipe::Diff(a, v)),
        ]
    })
}

pub fn build(g: &mut Graph, r: &Recipe) -> ExprId {
    match r {
        Recipe::Var(i) => g.var(VARS[*i]),
        Recipe::Num(n, d) => g.frac(*n, *d),
        Recipe::Pi => g.pi(),
        Recipe::Add(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.add(vec![a, b])
        }
        Recipe::Sub(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.sub(a, b)
        }
        Recipe::Mul(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.mul(vec![a, b])
        }
        Recipe::Div(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.div(a, b)
        }
        Recipe::Neg(a) => {
            let a = build(g, a);
            g.neg(a)
        }
        Recipe::PowNum(a, n, d) => {
            let a = build(g, a);
            let k = g.frac(*n, *d);
            g.pow(a, k)
        }
        Recipe::Pow(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.pow(a, b)
        }
        Recipe::Sqrt(a) => {
            let a = build(g, a);
            g.sqrt(a)
        }
        Recipe::Func(f, a) => {
            let a = build(g, a);
            g.func(Func::ALL[*f], a)
        }
        Recipe::Max(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.max(a, b)
        }
        Recipe::Min(a, b) => {
            let (a, b) = (build(g, a), build(g, b));
            g.min(a, b)
        }
        Recipe::If(o, p, q, a, b) => {
            let (p, q) = (build(g, p), build(g, q));
            let c = g.cmp(OPS[*o], p, q);
            let (a, b) = (build(g, a), build(g, b));
            g.if_(c, a, b)
        }
        Recipe::Call(f, args) => {
            let (name, arity) = CALLS[*f];
            let args: Vec<ExprId> = args.iter().take(arity).map(|a| build(g, a)).collect();
            let s = g.symbol(name);
            g.call(s, args)
        }
        Recipe::Diff(a, v) => {
            let a = build(g, a);
            let s = g.symbol(VARS[*v]);
            g.diff_node(a, s)
        }
    }
}
