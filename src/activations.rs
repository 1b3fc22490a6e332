//! The table of activations: one row per function of the prelude (`src/prelude.act`),
//! saying everything the passes know about it besides its definition. The
//! differentiator reads its derivative rules, the simplifier its patterns, the LaTeX
//! printer its name, the fast evaluator its kernel and constants; the certified
//! evaluator and the prover read only the definition, inlined. No other code keeps
//! a list of the activations' rules, LaTeX names, constants or kernels (network
//! files name their layers' activations in a vocabulary of their own,
//! `network::Activation`, whose units are calls of the prelude's functions).
//!
//! A row is plain data (this module imports nothing): its name and parameters (equal
//! to the prelude's definition: `tests/activation_recipe.rs` checks it), the
//! constants of its definition that a kernel reads (as written in the prelude), its
//! name in LaTeX, its derivative rules written in the language, its fused kernel and
//! the simplifier's pattern that produces it. Every field but the name, parameters
//! and LaTeX is optional: without a rule the differentiator takes the derivative of
//! the definition, without a kernel the fast evaluator inlines it.
//!
//! ```
//! use actsym::activations::{self, Kernel};
//! let selu = activations::find("selu").unwrap();
//! assert_eq!(selu.params, ["x"]);
//! assert_eq!(selu.kernel, Some(Kernel::Elu));
//! assert_eq!(selu.constant("alpha"), Some("1.6732632423543772848170429916717"));
//! assert_eq!(activations::find("sigmoid").unwrap().latex, r"\sigma");
//! ```
//!
//! A derivative rule is the differential of a call, an expression of the parameters
//! (`x`, `alpha`) and their differentials (`dx`, `dalpha`: the derivatives of the
//! arguments). It is the derivative with names kept (`softplus' = sigmoid`), so its
//! text may call other prelude functions; it must equal the derivative of the
//! definition wherever that is smooth (`tests/activation_recipe.rs` checks it). Its
//! products are built as the chain rule builds them: one with a zero differential
//! is 0, and a number times a parameter is one factor (`-x*phi(x)*dx` with a sum
//! `u` for `x` reads `(-u)*phi(u)*du`, `-u` distributed).

/// One activation function of the prelude.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activation {
    /// Its name, as called in the language.
    pub name: &'static str,
    /// Its parameters, in order (the prelude's definition has the same).
    pub params: &'static [&'static str],
    /// Named constants of its definition that its kernel reads, as written in the
    /// prelude (decimal literals): `leaky_relu`'s `alpha = 0.01`.
    pub constants: &'static [(&'static str, &'static str)],
    /// The head of a call in LaTeX (`\sigma`, `\operatorname{ReLU}`).
    pub latex: &'static str,
    /// The derivative rule that holds in every kink mode: the differential of a call
    /// (see the module header). `None`: through the definition.
    pub derivative: Option<&'static str>,
    /// The rule used in autodiff mode only, with PyTorch's values at the kinks (in
    /// the one-sided modes the definition's own `max`/`min` give the exact answer).
    pub autodiff: Option<&'static str>,
    /// The fast evaluator's fused lowering. `None`: the definition is inlined.
    pub kernel: Option<Kernel>,
    /// The simplifier's pattern that turns built-in forms back into this name.
    pub pattern: Option<Pattern>,
}

impl Activation {
    /// The number of parameters.
    #[must_use]
    pub fn arity(&self) -> usize {
        self.params.len()
    }

    /// The position of the parameter `name`.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|&p| p == name)
    }

    /// The value of the constant `name`, as written.
    #[must_use]
    pub fn constant(&self, name: &str) -> Option<&'static str> {
        self.constants
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
    }
}

/// The fused lowerings of the fast evaluator (`fast/tape_prelude.rs`), each the
/// definition up to an exact identity. A kernel reads the call's first argument `x`
/// and, by name, the operands listed: from the argument of that name if the
/// activation has such a parameter, else from its constant of that name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// `max(x, 0)`.
    Relu,
    /// `max(x, 0) + alpha*min(x, 0)`; reads `alpha`.
    Prelu,
    /// `min(max(x, 0), 6)`.
    Relu6,
    /// The logistic function, one kernel.
    Sigmoid,
    /// `-softplus(-x)`, one kernel.
    LogSigmoid,
    /// `log(1 + exp(x))`, one kernel.
    Softplus,
    /// `max(0, min(1, (x + 3)/6))`.
    HardSigmoid,
    /// `x*sigmoid(beta*x)`; reads `beta`.
    Swish,
    /// `x*relu6(x + 3)/6`.
    HardSwish,
    /// The standard normal distribution function, one kernel.
    NormCdf,
    /// The standard normal density, one kernel.
    NormPdf,
    /// `x*Phi(x)`.
    Gelu,
    /// `x*sigmoid(2*sqrt(2/pi)*(x + c*x^3))`; reads the constant `c`.
    GeluTanh,
    /// `if(x > 0, lambda*x, lambda*alpha*expm1(x))`; reads `alpha` and, if the
    /// activation has one, `lambda` (else 1).
    Elu,
    /// `max(0, x) + min(0, alpha*expm1(x/alpha))`; reads `alpha`.
    Celu,
    /// `x*tanh(softplus(x))`.
    Mish,
    /// `x/(1 + abs(x))`.
    Softsign,
    /// `if(x > 0, 1, 0)`.
    Heaviside,
    /// `max(-1, min(1, x))`.
    HardTanh,
}

/// The simplifier's patterns (`simplify/patterns.rs`, `simplify/cond.rs`) that
/// produce or see through a prelude name. Each is an identity of total functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// `1/(1 + exp(-u))` is it, and `exp(-u)*it(u)` is `1 - it(u)`.
    Sigmoid,
    /// `log(1 + exp(u))` is it.
    Softplus,
    /// It is `max(u, 0)`: comparisons of it with constants see through it.
    Relu,
}

/// A row with the defaults of the optional fields.
const fn row(
    name: &'static str,
    params: &'static [&'static str],
    latex: &'static str,
) -> Activation {
    Activation {
        name,
        params,
        constants: &[],
        latex,
        derivative: None,
        autodiff: None,
        kernel: None,
        pattern: None,
    }
}

/// The parameter lists the rows share.
const X: &[&str] = &["x"];

/// The table, in the prelude's order.
pub const TABLE: &[Activation] = &[
    Activation {
        autodiff: Some("if(x > 0, dx, 0)"),
        kernel: Some(Kernel::Relu),
        pattern: Some(Pattern::Relu),
        ..row("relu", X, r"\operatorname{ReLU}")
    },
    Activation {
        // torch: slope 1 for x > 0, alpha else.
        autodiff: Some("if(x > 0, dx, alpha*dx) + dalpha*min(x, 0)"),
        kernel: Some(Kernel::Prelu),
        ..row("prelu", &["x", "alpha"], r"\operatorname{PReLU}")
    },
    Activation {
        constants: &[("alpha", "0.01")],
        kernel: Some(Kernel::Prelu),
        ..row("leaky_relu", X, r"\operatorname{LeakyReLU}")
    },
    Activation {
        autodiff: Some("if(x > 0, if(x < 6, dx, 0), 0)"),
        kernel: Some(Kernel::Relu6),
        ..row("relu6", X, r"\operatorname{ReLU6}")
    },
    Activation {
        derivative: Some("sigmoid(x)*(1 - sigmoid(x))*dx"),
        kernel: Some(Kernel::Sigmoid),
        pattern: Some(Pattern::Sigmoid),
        ..row("sigmoid", X, r"\sigma")
    },
    Activation {
        derivative: Some("sigmoid(-x)*dx"),
        kernel: Some(Kernel::LogSigmoid),
        ..row("log_sigmoid", X, r"\operatorname{LogSigmoid}")
    },
    Activation {
        autodiff: Some("if(x > -3, if(x < 3, dx/6, 0), 0)"),
        kernel: Some(Kernel::HardSigmoid),
        ..row("hard_sigmoid", X, r"\operatorname{HardSigmoid}")
    },
    Activation {
        derivative: Some("sigmoid(x)*dx"),
        kernel: Some(Kernel::Softplus),
        pattern: Some(Pattern::Softplus),
        ..row("softplus", X, r"\operatorname{softplus}")
    },
    Activation {
        kernel: Some(Kernel::Swish),
        ..row("swish", &["x", "beta"], r"\operatorname{swish}")
    },
    Activation {
        constants: &[("beta", "1")],
        kernel: Some(Kernel::Swish),
        ..row("silu", X, r"\operatorname{SiLU}")
    },
    Activation {
        // torch.ops.aten.hardswish_backward: 0 below -3, x/3 + 1/2 up to 3, 1 above.
        autodiff: Some("if(x < -3, 0, if(x <= 3, x/3 + 1/2, 1))*dx"),
        kernel: Some(Kernel::HardSwish),
        ..row("hard_swish", X, r"\operatorname{HardSwish}")
    },
    Activation {
        derivative: Some("phi(x)*dx"),
        kernel: Some(Kernel::NormCdf),
        ..row("Phi", X, r"\Phi")
    },
    Activation {
        derivative: Some("-x*phi(x)*dx"),
        kernel: Some(Kernel::NormPdf),
        ..row("phi", X, r"\phi")
    },
    Activation {
        kernel: Some(Kernel::Gelu),
        ..row("gelu", X, r"\operatorname{GELU}")
    },
    Activation {
        constants: &[("c", "0.044715")],
        kernel: Some(Kernel::GeluTanh),
        ..row("gelu_tanh", X, r"\operatorname{GELU}_{\tanh}")
    },
    Activation {
        kernel: Some(Kernel::Elu),
        ..row("elu", &["x", "alpha"], r"\operatorname{ELU}")
    },
    Activation {
        constants: &[
            ("lambda", "1.0507009873554804934193349852946"),
            ("alpha", "1.6732632423543772848170429916717"),
        ],
        kernel: Some(Kernel::Elu),
        ..row("selu", X, r"\operatorname{SELU}")
    },
    Activation {
        kernel: Some(Kernel::Celu),
        ..row("celu", &["x", "alpha"], r"\operatorname{CELU}")
    },
    Activation {
        kernel: Some(Kernel::Mish),
        ..row("mish", X, r"\operatorname{mish}")
    },
    Activation {
        kernel: Some(Kernel::Softsign),
        ..row("softsign", X, r"\operatorname{softsign}")
    },
    Activation {
        kernel: Some(Kernel::Heaviside),
        ..row("heaviside", X, "H")
    },
    Activation {
        autodiff: Some("if(x > -1, if(x < 1, dx, 0), 0)"),
        kernel: Some(Kernel::HardTanh),
        ..row("hard_tanh", X, r"\operatorname{HardTanh}")
    },
    row("squareplus", &["x", "b"], r"\operatorname{squareplus}"),
];

/// The row of the activation `name`.
#[must_use]
pub fn find(name: &str) -> Option<&'static Activation> {
    TABLE.iter().find(|a| a.name == name)
}
