//! Networks as users have them: dense layers (`weights` as rows of output units, a
//! `bias`, an `activation`) with exact rational numbers, read from JSON or
//! safetensors files ([`read`], the kind chosen by the file's content), written back
//! in the same kind, and built into the expression graph as the network's output
//! ([`Network::build`]), so every analysis of expressions applies to them.
//!
//! - `exact.rs`: numbers as text and binary floats, exactly;
//! - `json.rs`, `safetensors.rs`: the two file kinds, read and written;
//! - `linear.rs`: a network of identity layers collapsed to one affine map, its rank;
//! - `convert.rs`: tanh layers to sigmoid layers and back;
//! - `regions.rs`: the linear regions of a two-input network in a box.

pub mod convert;
pub mod exact;
pub mod json;
pub mod linear;
pub mod regions;
pub mod safetensors;

use std::path::Path;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use crate::activations;
use crate::expr::{ExprId, Func, Graph};

/// Why a network could not be read or built. Messages name the place: the layer
/// and field (`layers[1].weights[0][2]`), the tensor, or the line and column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// The file could not be read.
    #[error("{0}")]
    Read(String),
    /// The text is not JSON: where and why.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A field is missing, has the wrong shape or an invalid value.
    #[error("{place}: {message}")]
    Invalid {
        /// The field (`layers[1].bias`, `tensor 2.weight`).
        place: String,
        /// What is wrong.
        message: String,
    },
}

impl NetworkError {
    pub(crate) fn invalid(place: impl Into<String>, message: impl Into<String>) -> Self {
        NetworkError::Invalid {
            place: place.into(),
            message: message.into(),
        }
    }
}

/// The kind of a network file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `{"inputs": ..., "layers": [...]}`.
    Json,
    /// An 8-byte little-endian header length, a JSON header, the tensors' bytes.
    Safetensors,
    /// Text in the actsym language: definitions, then the output's expression.
    Actsym,
}

impl Format {
    /// The name printed and used in JSON output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Safetensors => "safetensors",
            Format::Actsym => "actsym",
        }
    }
}

/// The kind of a file, from its content: a safetensors header (its length in the
/// first 8 bytes fits the file and the header starts with `{`), else JSON (the first
/// non-blank character is `{`), else actsym text.
#[must_use]
pub fn detect(bytes: &[u8]) -> Format {
    if bytes.len() >= 10 {
        let mut n = [0u8; 8];
        n.copy_from_slice(&bytes[..8]);
        let n = u64::from_le_bytes(n);
        if n >= 2 && n <= (bytes.len() - 8) as u64 && bytes[8] == b'{' {
            return Format::Safetensors;
        }
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        _ => Format::Actsym,
    }
}

/// An activation applied unit by unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `u`
    Identity,
    /// `relu(u)`
    Relu,
    /// `prelu(u, alpha)`
    Prelu(BigRational),
    /// `leaky_relu(u)` (slope 1/100 below 0)
    LeakyRelu,
    /// `abs(u)`
    Abs,
    /// `hard_tanh(u)`
    HardTanh,
    /// `sigmoid(u)`
    Sigmoid,
    /// `tanh(u)`
    Tanh,
    /// Any other function of one argument, by name (checked when the network is
    /// built: a built-in or a definition of the graph).
    Named(String),
}

impl Activation {
    /// Reads a name (and the `alpha` of `prelu`; `leaky_relu` with an `alpha` is
    /// `prelu`).
    ///
    /// # Errors
    /// A message when `prelu` has no `alpha`, another activation has one, or the
    /// name is not a name.
    pub fn parse(name: &str, alpha: Option<BigRational>) -> Result<Activation, String> {
        let a = match (name, alpha) {
            ("prelu" | "leaky_relu", Some(a)) => return Ok(Activation::Prelu(a)),
            ("prelu", None) => {
                return Err(
                    "prelu needs \"alpha\" (its slope below 0), e.g. \"alpha\": \"1/4\"".into(),
                )
            }
            (other, Some(_)) => return Err(format!("\"alpha\" belongs to prelu, not to {other}")),
            ("identity" | "linear" | "none", None) => Activation::Identity,
            ("relu", None) => Activation::Relu,
            ("leaky_relu", None) => Activation::LeakyRelu,
            ("abs", None) => Activation::Abs,
            ("hard_tanh", None) => Activation::HardTanh,
            ("sigmoid", None) => Activation::Sigmoid,
            ("tanh", None) => Activation::Tanh,
            (other, None) => {
                let ok = other.starts_with(|c: char| c.is_ascii_alphabetic())
                    && other.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(format!("'{other}' is not an activation name"));
                }
                Activation::Named(other.to_owned())
            }
        };
        Ok(a)
    }

    /// Reads `NAME` or `prelu:ALPHA` (as in `--activations relu,prelu:1/4,identity`).
    ///
    /// # Errors
    /// As [`Activation::parse`], and for an `ALPHA` that is not an exact number.
    pub fn parse_spec(spec: &str) -> Result<Activation, String> {
        let spec = spec.trim();
        match spec.split_once(':') {
            Some((name, alpha)) => {
                let a = exact::parse_rational(alpha).ok_or_else(|| {
                    format!("'{alpha}' is not an exact number such as 1/4 or 0.25")
                })?;
                Activation::parse(name.trim(), Some(a))
            }
            None => Activation::parse(spec, None),
        }
    }

    /// The name (`prelu` for every [`Activation::Prelu`]).
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Activation::Identity => "identity",
            Activation::Relu => "relu",
            Activation::Prelu(_) => "prelu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Abs => "abs",
            Activation::HardTanh => "hard_tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Named(n) => n,
        }
    }

    /// `NAME` or `prelu:ALPHA`, as [`Activation::parse_spec`] reads it.
    #[must_use]
    pub fn spec(&self) -> String {
        match self {
            Activation::Prelu(a) => format!("prelu:{a}"),
            other => other.name().to_owned(),
        }
    }

    /// The slope of `prelu`, `leaky_relu`'s 1/100 (its constant `alpha` in the table
    /// of activations).
    #[must_use]
    pub fn alpha(&self) -> Option<BigRational> {
        match self {
            Activation::Prelu(a) => Some(a.clone()),
            Activation::LeakyRelu => {
                exact::parse_rational(activations::find("leaky_relu")?.constant("alpha")?)
            }
            _ => None,
        }
    }

    /// The exact value at `u` of a piecewise linear activation; `None` for the
    /// others.
    #[must_use]
    pub fn eval_exact(&self, u: &BigRational) -> Option<BigRational> {
        let zero = BigRational::zero();
        Some(match self {
            Activation::Identity => u.clone(),
            Activation::Relu => u.max(&zero).clone(),
            Activation::Prelu(_) | Activation::LeakyRelu => {
                if u.is_negative() {
                    u * self.alpha()?
                } else {
                    u.clone()
                }
            }
            Activation::Abs => u.abs(),
            Activation::HardTanh => {
                let one = BigRational::one();
                u.clone().max(-one.clone()).min(one)
            }
            _ => return None,
        })
    }

    /// Applies the activation to `u` in the graph.
    ///
    /// # Errors
    /// A message when a named activation is not a function of one argument.
    pub fn apply(&self, g: &mut Graph, u: ExprId) -> Result<ExprId, String> {
        let call = |g: &mut Graph, name: &str, args: Vec<ExprId>| -> Result<ExprId, String> {
            let s = g
                .find_symbol(name)
                .filter(|&s| {
                    g.defs()
                        .get(s)
                        .is_some_and(|d| d.params.len() == args.len())
                })
                .ok_or_else(|| {
                    format!(
                        "'{name}' is not a defined function of {} argument(s)",
                        args.len()
                    )
                })?;
            Ok(g.call(s, args))
        };
        match self {
            Activation::Identity => Ok(u),
            Activation::Prelu(a) => {
                let a = g.num(a.clone());
                call(g, "prelu", vec![u, a])
            }
            Activation::Named(name) => {
                if let Some(f) = Func::from_name(name) {
                    return Ok(g.func(f, u));
                }
                call(g, name, vec![u]).map_err(|_| {
                    format!(
                        "unknown activation '{name}' (known: identity, relu, prelu, leaky_relu, abs, hard_tanh, sigmoid, tanh, and any function of one argument of the prelude or --defs)"
                    )
                })
            }
            Activation::Tanh => Ok(g.func(Func::Tanh, u)),
            Activation::Abs => Ok(g.func(Func::Abs, u)),
            other => call(g, other.name(), vec![u]),
        }
    }
}

/// One dense layer: `activation(weights * h + bias)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// One row per output unit, one column per input of the layer.
    pub weights: Vec<Vec<BigRational>>,
    /// One per output unit.
    pub bias: Vec<BigRational>,
    /// Applied to every unit.
    pub activation: Activation,
}

impl Layer {
    /// The number of output units.
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.weights.len()
    }

    /// `weights * h + bias`, exactly.
    #[must_use]
    pub fn affine(&self, h: &[BigRational]) -> Vec<BigRational> {
        self.weights
            .iter()
            .zip(&self.bias)
            .map(|(row, b)| row.iter().zip(h).fold(b.clone(), |acc, (w, x)| acc + w * x))
            .collect()
    }
}

/// A feed-forward network of dense layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// The number of inputs.
    pub inputs: usize,
    /// The layers, first applied first.
    pub layers: Vec<Layer>,
}

/// The names of a network's inputs: `x` for one, `x, y` for two, `x, y, z` for
/// three, `x1, ..., xn` beyond.
#[must_use]
pub fn input_names(n: usize) -> Vec<String> {
    match n {
        1 => vec!["x".into()],
        2 => vec!["x".into(), "y".into()],
        3 => vec!["x".into(), "y".into(), "z".into()],
        n => (1..=n).map(|i| format!("x{i}")).collect(),
    }
}

impl Network {
    /// The number of outputs.
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(self.inputs, Layer::outputs)
    }

    /// The widths: inputs, then each layer's outputs.
    #[must_use]
    pub fn shape(&self) -> Vec<usize> {
        std::iter::once(self.inputs)
            .chain(self.layers.iter().map(Layer::outputs))
            .collect()
    }

    /// Checks the dimensions: at least one layer, every layer at least one unit, each
    /// row as long as the layer's input, one bias per unit.
    ///
    /// # Errors
    /// [`NetworkError::Invalid`] naming the layer and field.
    pub fn validate(&self) -> Result<(), NetworkError> {
        if self.inputs == 0 {
            return Err(NetworkError::invalid(
                "inputs",
                "a network needs at least one input",
            ));
        }
        if self.layers.is_empty() {
            return Err(NetworkError::invalid(
                "layers",
                "a network needs at least one layer",
            ));
        }
        let mut width = self.inputs;
        for (k, layer) in self.layers.iter().enumerate() {
            if layer.weights.is_empty() {
                return Err(NetworkError::invalid(
                    format!("layers[{k}].weights"),
                    "a layer needs at least one unit (one row of weights)",
                ));
            }
            for (i, row) in layer.weights.iter().enumerate() {
                if row.len() != width {
                    return Err(NetworkError::invalid(
                        format!("layers[{k}].weights[{i}]"),
                        format!(
                            "has {} weights, but the layer's input has width {width} ({})",
                            row.len(),
                            if k == 0 {
                                "the network's inputs".to_owned()
                            } else {
                                format!("the units of layers[{}]", k - 1)
                            }
                        ),
                    ));
                }
            }
            if layer.bias.len() != layer.weights.len() {
                return Err(NetworkError::invalid(
                    format!("layers[{k}].bias"),
                    format!(
                        "has {} entries, but the layer has {} units (rows of weights)",
                        layer.bias.len(),
                        layer.weights.len()
                    ),
                ));
            }
            width = layer.weights.len();
        }
        Ok(())
    }

    /// Builds the network's outputs as expressions of its inputs (named by
    /// [`input_names`]).
    ///
    /// # Errors
    /// [`NetworkError::Invalid`] for an activation the graph does not define.
    pub fn build(&self, g: &mut Graph) -> Result<Vec<ExprId>, NetworkError> {
        let mut h: Vec<ExprId> = input_names(self.inputs).iter().map(|n| g.var(n)).collect();
        for (k, layer) in self.layers.iter().enumerate() {
            let mut next = Vec::with_capacity(layer.outputs());
            for (row, b) in layer.weights.iter().zip(&layer.bias) {
                let mut terms: Vec<ExprId> = row
                    .iter()
                    .zip(&h)
                    .filter(|(w, _)| !w.is_zero())
                    .map(|(w, &x)| {
                        if w.is_one() {
                            x
                        } else {
                            let w = g.num(w.clone());
                            g.mul(vec![w, x])
                        }
                    })
                    .collect();
                if !b.is_zero() {
                    terms.push(g.num(b.clone()));
                }
                let u = match terms.len() {
                    0 => g.int(0),
                    1 => terms[0],
                    _ => g.add(terms),
                };
                let a = layer
                    .activation
                    .apply(g, u)
                    .map_err(|m| NetworkError::invalid(format!("layers[{k}].activation"), m))?;
                next.push(a);
            }
            h = next;
        }
        Ok(h)
    }

    /// The one output as an expression.
    ///
    /// # Errors
    /// As [`Network::build`], and when the network has several outputs.
    pub fn output(&self, g: &mut Graph) -> Result<ExprId, NetworkError> {
        let outs = self.build(g)?;
        match outs.as_slice() {
            [one] => Ok(*one),
            many => Err(NetworkError::invalid(
                format!("layers[{}].weights", self.layers.len() - 1),
                format!(
                    "the network has {} outputs; this command analyses a network with one output",
                    many.len()
                ),
            )),
        }
    }

    /// The exact outputs at `x`, when every activation is piecewise linear
    /// ([`Activation::eval_exact`]).
    #[must_use]
    pub fn eval_exact(&self, x: &[BigRational]) -> Option<Vec<BigRational>> {
        let mut h = x.to_vec();
        for layer in &self.layers {
            h = layer
                .affine(&h)
                .iter()
                .map(|u| layer.activation.eval_exact(u))
                .collect::<Option<_>>()?;
        }
        Some(h)
    }

    /// Whether every activation is the identity.
    #[must_use]
    pub fn is_linear(&self) -> bool {
        self.layers
            .iter()
            .all(|l| l.activation == Activation::Identity)
    }
}

/// What a network file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// Dense layers (JSON or safetensors).
    Network(Network),
    /// Text in the actsym language, to parse.
    Text(String),
}

/// How to read a file: the activations of a safetensors file that does not name them
/// (`--activations`).
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// One activation per layer, or one for every hidden layer (the last layer is
    /// then the identity).
    pub activations: Option<Vec<Activation>>,
}

/// Reads a network file, its kind chosen by content ([`detect`]).
///
/// # Errors
/// [`NetworkError`] naming the place of the problem.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<(Format, Content), NetworkError> {
    let bytes = std::fs::read(path)
        .map_err(|e| NetworkError::Read(format!("cannot read {}: {e}", path.display())))?;
    read_bytes(&bytes, opts)
}

/// [`read`] of bytes already in memory.
///
/// # Errors
/// [`NetworkError`] naming the place of the problem.
pub fn read_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<(Format, Content), NetworkError> {
    let format = detect(bytes);
    let content = match format {
        Format::Json => Content::Network(json::read(bytes)?),
        Format::Safetensors => Content::Network(safetensors::read(bytes, opts)?),
        Format::Actsym => Content::Text(String::from_utf8(bytes.to_vec()).map_err(|e| {
            NetworkError::Read(format!(
                "the file is neither a network (JSON, safetensors) nor UTF-8 text: {e}"
            ))
        })?),
    };
    if let Content::Network(n) = &content {
        n.validate()?;
    }
    Ok((format, content))
}

/// Spreads activations given for a network of `layers` layers: one per layer, or a
/// single one for every hidden layer with an identity last layer.
///
/// # Errors
/// A message when the count fits neither.
pub fn spread_activations(acts: &[Activation], layers: usize) -> Result<Vec<Activation>, String> {
    match acts.len() {
        n if n == layers => Ok(acts.to_vec()),
        1 => Ok((0..layers)
            .map(|k| if k + 1 == layers { Activation::Identity } else { acts[0].clone() })
            .collect()),
        n => Err(format!(
            "{n} activations for {layers} layers: give one per layer, or one for every hidden layer (the last is then the identity)"
        )),
    }
}

/// A network with symbolic weights and biases (`w1_2_1` is layer 1's weight from
/// input 1 to unit 2, `b1_2` its bias; layers and units counted from 1), for the
/// classification of every network of a shape (`--shape 1,16,16,1`).
///
/// # Errors
/// [`NetworkError::Invalid`] for a shape of fewer than two widths, a width of 0, or
/// an activation the graph does not define.
pub fn template(
    g: &mut Graph,
    shape: &[usize],
    acts: &[Activation],
) -> Result<Vec<ExprId>, NetworkError> {
    if shape.len() < 2 || shape.contains(&0) {
        return Err(NetworkError::invalid(
            "--shape",
            "give the widths from inputs to outputs, at least two, none 0 (for example 1,16,16,1)",
        ));
    }
    let acts = spread_activations(acts, shape.len() - 1)
        .map_err(|m| NetworkError::invalid("--activations", m))?;
    let mut h: Vec<ExprId> = input_names(shape[0]).iter().map(|n| g.var(n)).collect();
    for (l, act) in acts.iter().enumerate() {
        let mut next = Vec::with_capacity(shape[l + 1]);
        for i in 1..=shape[l + 1] {
            let mut terms: Vec<ExprId> = h
                .iter()
                .enumerate()
                .map(|(j, &x)| {
                    let w = g.var(&format!("w{}_{i}_{}", l + 1, j + 1));
                    g.mul(vec![w, x])
                })
                .collect();
            terms.push(g.var(&format!("b{}_{i}", l + 1)));
            let u = g.add(terms);
            next.push(act.apply(g, u).map_err(|m| {
                NetworkError::invalid(format!("--activations (layer {})", l + 1), m)
            })?);
        }
        h = next;
    }
    Ok(h)
}

impl Network {
    /// The network as dense `f64` layers for the fast evaluator (weights rounded to
    /// the nearest `f64`); `None` for several outputs or an activation without a
    /// dense kernel (a named one).
    #[must_use]
    pub fn dense(&self) -> Option<crate::fast::Dense> {
        use crate::fast::{Dense, DenseActivation, DenseLayer};
        use num_traits::ToPrimitive;
        let f = |r: &BigRational| r.to_f64().unwrap_or(f64::NAN);
        let layers = self
            .layers
            .iter()
            .map(|l| {
                let activation = match &l.activation {
                    Activation::Identity => DenseActivation::Identity,
                    Activation::Relu => DenseActivation::Relu,
                    Activation::Prelu(_) | Activation::LeakyRelu => {
                        DenseActivation::Prelu(f(&l.activation.alpha()?))
                    }
                    Activation::Abs => DenseActivation::Abs,
                    Activation::HardTanh => DenseActivation::HardTanh,
                    Activation::Sigmoid => DenseActivation::Sigmoid,
                    Activation::Tanh => DenseActivation::Tanh,
                    Activation::Named(_) => return None,
                };
                Some(DenseLayer {
                    weights: l.weights.iter().flatten().map(f).collect(),
                    bias: l.bias.iter().map(f).collect(),
                    activation,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Dense::new(self.inputs, layers)
    }
}
