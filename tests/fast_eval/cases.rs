//! The prelude functions and their first two derivatives, written by hand, for the
//! accuracy table. Derivatives follow the left-hand convention at kinks.
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
}

fn case(name: &'static str, order: u32, expr: &str, roots: &[f64]) -> Case {
    Case {
        name,
        order,
        expr: expr
            .replace('V', "(sqrt(2/pi)*(x + 0.044715*x^3))")
            .replace('D', "(sqrt(2/pi)*(1 + 0.134145*x^2))")
            .replace('T', "tanh(softplus(x))")
            .replace('L', "1.0507009873554804934193349852946")
            .replace('A', "1.6732632423543772848170429916717"),
        roots: roots.to_vec(),
        bound: 4.0,
    }
}

/// Every prelude activation with its first two derivatives, with the measured
/// exceptions to the 4-ulp bound (measured with `FAST_EVAL_POINTS=3000`). They are
/// derivatives written as sums of products of three or four kernels, each within
/// 1-3 ulp, on the slopes around a root where the sum partly cancels (the error
/// decays like 1/|x - root| beyond the excluded window); `gelu_tanh` additionally
/// evaluates `sigmoid`/`sech^2` at a rounded `v = sqrt(2/pi)(x + 0.044715 x^3)`,
/// which magnifies the rounding of `v` by `2|v|`.
pub fn cases() -> Vec<Case> {
    let mut all = cases_at_4_ulp();
    for c in &mut all {
        c.bound = match (c.name, c.order) {
            ("swish(.,3/2)", 1) | ("silu", 1) | ("softsign", 2) => 5.0,
            ("swish(.,3/2)", 2) | ("gelu_tanh", 0) => 6.0,
            ("silu", 2) => 7.0,
            ("mish", 1) => 8.0,
            ("gelu_tanh", 1) => 10.0,
            ("mish", 2) => 12.0,
            ("gelu_tanh", 2) => 14.0,
            _ => 4.0,
        };
    }
    all
}

fn cases_at_4_ulp() -> Vec<Case> {
    vec![
        case("relu", 0, "relu(x)", &[]),
        case("relu", 1, "if(x > 0, 1, 0)", &[]),
        case("prelu(.,1/4)", 0, "prelu(x, 1/4)", &[]),
        case("prelu(.,1/4)", 1, "if(x > 0, 1, 1/4)", &[]),
        case("leaky_relu", 0, "leaky_relu(x)", &[]),
        case("leaky_relu", 1, "if(x > 0, 1, 0.01)", &[]),
        case("relu6", 0, "relu6(x)", &[]),
        case("relu6", 1, "if(x > 0, if(x <= 6, 1, 0), 0)", &[]),
        case("sigmoid", 0, "sigmoid(x)", &[]),
        case("sigmoid", 1, "sigmoid(x)*(1 - sigmoid(x))", &[]),
        case(
            "sigmoid",
            2,
            "sigmoid(x)*(1 - sigmoid(x))*(1 - 2*sigmoid(x))",
            &[],
        ),
        case("log_sigmoid", 0, "log_sigmoid(x)", &[]),
        case("log_sigmoid", 1, "1 - sigmoid(x)", &[]),
        case("log_sigmoid", 2, "-sigmoid(x)*(1 - sigmoid(x))", &[]),
        case("hard_sigmoid", 0, "hard_sigmoid(x)", &[]),
        case("hard_sigmoid", 1, "if(x > -3, if(x <= 3, 1/6, 0), 0)", &[]),
        case("softplus", 0, "softplus(x)", &[]),
        case("softplus", 1, "sigmoid(x)", &[]),
        case("softplus", 2, "sigmoid(x)*(1 - sigmoid(x))", &[]),
        case("swish(.,3/2)", 0, "swish(x, 3/2)", &[]),
        case(
            "swish(.,3/2)",
            1,
            "sigmoid(1.5*x) + 1.5*x*sigmoid(1.5*x)*(1 - sigmoid(1.5*x))",
            &[-1.278_464_542_761_074 / 1.5],
        ),
        case(
            "swish(.,3/2)",
            2,
            "1.5*sigmoid(1.5*x)*(1 - sigmoid(1.5*x))*(2 + 1.5*x*(1 - 2*sigmoid(1.5*x)))",
            &[-2.399_357_280_515_467 / 1.5, 2.399_357_280_515_467 / 1.5],
        ),
        case("silu", 0, "silu(x)", &[]),
        case(
            "silu",
            1,
            "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))",
            &[-1.278_464_542_761_074],
        ),
        case(
            "silu",
            2,
            "sigmoid(x)*(1 - sigmoid(x))*(2 + x*(1 - 2*sigmoid(x)))",
            &[-2.399_357_280_515_467, 2.399_357_280_515_467],
        ),
        case("hard_swish", 0, "hard_swish(x)", &[]),
        case(
            "hard_swish",
            1,
            "if(x > -3, if(x <= 3, (2*x + 3)/6, 1), 0)",
            &[-1.5],
        ),
        case("hard_swish", 2, "if(x > -3, if(x <= 3, 1/3, 0), 0)", &[]),
        case("Phi", 0, "Phi(x)", &[]),
        case("Phi", 1, "phi(x)", &[]),
        case("Phi", 2, "-x*phi(x)", &[]),
        case("phi", 0, "phi(x)", &[]),
        case("phi", 1, "-x*phi(x)", &[]),
        case("phi", 2, "(x^2 - 1)*phi(x)", &[-1.0, 1.0]),
        case("gelu", 0, "gelu(x)", &[]),
        case("gelu", 1, "Phi(x) + x*phi(x)", &[-0.751_791_524_693_564_5]),
        case(
            "gelu",
            2,
            "(2 - x^2)*phi(x)",
            &[-std::f64::consts::SQRT_2, std::f64::consts::SQRT_2],
        ),
        case("gelu_tanh", 0, "gelu_tanh(x)", &[]),
        case(
            "gelu_tanh",
            1,
            "(1 + tanh(V))/2 + x*(1 - tanh(V)^2)*D/2",
            &[-0.752_461_422_071_016],
        ),
        case(
            "gelu_tanh",
            2,
            "(1 - tanh(V)^2)*(D - x*tanh(V)*D^2 + 0.134145*sqrt(2/pi)*x^2)",
            &[-1.418_504_008_790_828, 1.418_504_008_790_828],
        ),
        case("elu(.,3/2)", 0, "elu(x, 1.5)", &[]),
        case("elu(.,3/2)", 1, "if(x > 0, 1, 1.5*exp(x))", &[]),
        case("elu(.,3/2)", 2, "if(x > 0, 0, 1.5*exp(x))", &[]),
        case("selu", 0, "selu(x)", &[]),
        case("selu", 1, "L*if(x > 0, 1, A*exp(x))", &[]),
        case("selu", 2, "L*if(x > 0, 0, A*exp(x))", &[]),
        case("celu(.,3/2)", 0, "celu(x, 1.5)", &[]),
        case("celu(.,3/2)", 1, "if(x > 0, 1, exp(x/1.5))", &[]),
        case("celu(.,3/2)", 2, "if(x > 0, 0, exp(x/1.5)/1.5)", &[]),
        case("mish", 0, "mish(x)", &[]),
        case(
            "mish",
            1,
            "T + x*(1 - T^2)*sigmoid(x)",
            &[-1.192_431_214_515_495],
        ),
        case(
            "mish",
            2,
            "2*(1 - T^2)*sigmoid(x) + x*(1 - T^2)*(sigmoid(x)*(1 - sigmoid(x)) - 2*T*sigmoid(x)^2)",
            &[-2.256_376_396_360_793, 1.490_571_179_485_428],
        ),
        case("softsign", 0, "softsign(x)", &[]),
        case("softsign", 1, "1/(1 + abs(x))^2", &[]),
        case("softsign", 2, "-2*sign(x)/(1 + abs(x))^3", &[]),
        case("heaviside", 0, "heaviside(x)", &[]),
        case("hard_tanh", 0, "hard_tanh(x)", &[]),
        case("hard_tanh", 1, "if(x > -1, if(x <= 1, 1, 0), 0)", &[]),
    ]
}
