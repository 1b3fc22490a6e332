//! The prelude functions and their first two derivatives, for the accuracy table.
//! Derivatives follow the left-hand convention at kinks.
//!
//! Each case lists the roots of the function in [-1000, 1000] that are not
//! structural zeros: near such a root the value is a difference of nearly equal
//! terms, so no floating-point evaluation of the formula keeps a relative error
//! bound there; the table measures outside `|x - root| < ROOT_WINDOW` and reports
//! those windows separately.

/// The half-width of the window excluded around a non-structural root.
pub const ROOT_WINDOW: f64 = 0.5;

/// One row of the table: function, derivative order, expression, roots, and the
/// bound the table asserts (4 ulp, or the documented exception).
pub struct Case {
    pub name: &'static str,
    pub order: u32,
    pub expr: String,
    pub roots: Vec<f64>,
    pub bound: f64,
    /// The bound on the error per unit of condition number where ill-conditioned.
    pub cond_bound: f64,
}

fn case(name: &'static str, order: u32, expr: &str, roots: &[f64]) -> Case {
    Case {
        name,
        order,
        expr: expr.to_owned(),
        roots: roots.to_vec(),
        bound: 4.0,
        cond_bound: 1.5,
    }
}

/// Every prelude activation with its first two derivatives, as the command line
/// evaluates them: `diff(f(x), x)` and `diff(diff(f(x), x), x)`, compiled with the
/// fused derivative kernels where the function is smooth and from the symbolic
/// derivative where it has kinks. The one exception to the 4-ulp bound is
/// `gelu_tanh`: its argument `v = sqrt(2/pi)(x + 0.044715 x^3)` is rounded (and so
/// are both constants) before `sigmoid(2v)` magnifies that rounding by `2|v|`; its
/// derivatives are sums of such kernels.
pub fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for (name, call, roots) in activations() {
        for order in 0..=2u32 {
            let mut expr = call.to_owned();
            for _ in 0..order {
                expr = format!("diff({expr}, x)");
            }
            let mut c = case(name, order, &expr, roots[order as usize]);
            c.bound = match (name, order) {
                ("gelu_tanh", 0) => 6.0,
                ("gelu_tanh", 1) => 10.0,
                ("gelu_tanh", 2) => 14.0,
                _ => 4.0,
            };
            if name == "gelu_tanh" {
                c.cond_bound = 2.0;
            }
            all.push(c);
        }
    }
    all
}

/// The roots of a function and its derivatives (in [-1000, 1000]) that are not
/// structural zeros: where its value is a difference of nearly equal terms.
type Roots = [&'static [f64]; 3];

const NONE: Roots = [&[], &[], &[]];

fn activations() -> Vec<(&'static str, &'static str, Roots)> {
    const SILU1: f64 = -1.278_464_542_761_074;
    const SILU2: f64 = 2.399_357_280_515_467;
    vec![
        ("relu", "relu(x)", NONE),
        ("prelu(.,1/4)", "prelu(x, 1/4)", NONE),
        ("leaky_relu", "leaky_relu(x)", NONE),
        ("relu6", "relu6(x)", NONE),
        ("sigmoid", "sigmoid(x)", NONE),
        ("log_sigmoid", "log_sigmoid(x)", NONE),
        ("hard_sigmoid", "hard_sigmoid(x)", NONE),
        ("softplus", "softplus(x)", NONE),
        (
            "swish(.,3/2)",
            "swish(x, 3/2)",
            [&[], &[SILU1 / 1.5], &[-SILU2 / 1.5, SILU2 / 1.5]],
        ),
        ("silu", "silu(x)", [&[], &[SILU1], &[-SILU2, SILU2]]),
        ("hard_swish", "hard_swish(x)", [&[], &[-1.5], &[]]),
        ("Phi", "Phi(x)", NONE),
        ("phi", "phi(x)", [&[], &[], &[-1.0, 1.0]]),
        (
            "gelu",
            "gelu(x)",
            [
                &[],
                &[-0.751_791_524_693_564_5],
                &[-std::f64::consts::SQRT_2, std::f64::consts::SQRT_2],
            ],
        ),
        (
            "gelu_tanh",
            "gelu_tanh(x)",
            [
                &[],
                &[-0.752_461_422_071_016],
                &[-1.418_504_008_790_828, 1.418_504_008_790_828],
            ],
        ),
        ("elu(.,3/2)", "elu(x, 3/2)", NONE),
        ("selu", "selu(x)", NONE),
        ("celu(.,3/2)", "celu(x, 3/2)", NONE),
        (
            "mish",
            "mish(x)",
            [
                &[],
                &[-1.192_431_214_515_495],
                &[-2.256_376_396_360_793, 1.490_571_179_485_428],
            ],
        ),
        ("softsign", "softsign(x)", NONE),
        ("heaviside", "heaviside(x)", NONE),
        ("hard_tanh", "hard_tanh(x)", NONE),
        // The chapter's built-in activation, beside the prelude.
        ("tanh", "tanh(x)", NONE),
    ]
}
