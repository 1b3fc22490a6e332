//! Exercise 5 on networks: `tanh(u) = 2 sigmoid(2u) - 1`, so a tanh layer becomes a
//! sigmoid layer with doubled weights and bias, the factor 2 and the `-1` folded into
//! the next layer (`W h + b` with `h = 2s - 1` is `(2W) s + (b - W 1)`); and back,
//! `sigmoid(u) = (tanh(u/2) + 1)/2`: halved weights and bias, the next layer
//! `(W/2) t + (b + W 1 / 2)`. A converted last layer gets an identity layer after it
//! (`2 I`, `-1`, or `I/2`, `1/2`), and an identity layer with identity weights and
//! zero bias at the end is dropped, so tanh -> sigmoid -> tanh gives back the same
//! network.

use num_rational::BigRational;
use num_traits::{One, Zero};

use super::{Activation, Layer, Network};

/// The activation to convert to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// tanh layers become sigmoid layers.
    Sigmoid,
    /// sigmoid layers become tanh layers.
    Tanh,
}

/// The converted network and how many layers changed.
#[must_use]
pub fn convert(net: &Network, to: Target) -> (Network, usize) {
    let (from, into, inner, outer, shift) = match to {
        // tanh(u) = 2 sigmoid(2u) - 1: the layer's input is scaled by 2, its output h
        // is 2 s - 1.
        Target::Sigmoid => (
            Activation::Tanh,
            Activation::Sigmoid,
            int(2),
            int(2),
            int(-1),
        ),
        // sigmoid(u) = (tanh(u/2) + 1)/2 = t/2 + 1/2.
        Target::Tanh => (
            Activation::Sigmoid,
            Activation::Tanh,
            half(),
            half(),
            half(),
        ),
    };
    let mut layers = net.layers.clone();
    let mut changed = 0;
    let mut k = 0;
    while k < layers.len() {
        if layers[k].activation != from {
            k += 1;
            continue;
        }
        changed += 1;
        let l = &mut layers[k];
        for row in &mut l.weights {
            for w in row.iter_mut() {
                *w *= &inner;
            }
        }
        for b in &mut l.bias {
            *b *= &inner;
        }
        l.activation = into.clone();
        let width = l.outputs();
        if k + 1 == layers.len() {
            layers.push(identity_layer(width));
        }
        // The next layer reads h = outer * a + shift.
        let next = &mut layers[k + 1];
        for (row, b) in next.weights.iter_mut().zip(next.bias.iter_mut()) {
            let sum: BigRational = row.iter().fold(BigRational::zero(), |acc, w| acc + w);
            *b += sum * &shift;
            for w in row.iter_mut() {
                *w *= &outer;
            }
        }
        k += 1;
    }
    while layers.len() > 1 && layers.last().is_some_and(is_plain_identity) {
        layers.pop();
    }
    (
        Network {
            inputs: net.inputs,
            layers,
        },
        changed,
    )
}

fn int(n: i64) -> BigRational {
    BigRational::from_integer(n.into())
}

fn half() -> BigRational {
    BigRational::new(1.into(), 2.into())
}

fn identity_layer(n: usize) -> Layer {
    Layer {
        weights: super::linear::identity(n, n),
        bias: vec![BigRational::zero(); n],
        activation: Activation::Identity,
    }
}

/// An identity layer with identity weights and zero bias (it changes nothing).
fn is_plain_identity(l: &Layer) -> bool {
    l.activation == Activation::Identity && *l == identity_layer(l.outputs())
}

/// A scalar identity a structural equality relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Identity {
    /// `tanh(u) = 2*sigmoid(2*u) - 1`
    TanhAsSigmoid,
    /// `sigmoid(u) = (tanh(u/2) + 1)/2`
    SigmoidAsTanh,
}

impl Identity {
    /// The identity as a claim in the language.
    #[must_use]
    pub fn claim(self) -> &'static str {
        match self {
            Identity::TanhAsSigmoid => "tanh(u) = 2*sigmoid(2*u) - 1",
            Identity::SigmoidAsTanh => "sigmoid(u) = (tanh(u/2) + 1)/2",
        }
    }
}

/// Whether `b` computes the same function as `a` because it is `a` with some tanh
/// units written as `2 sigmoid(2u) - 1` (or sigmoid units as `(tanh(u/2) + 1)/2`)
/// and the affine maps adjusted exactly: layer by layer, `a`'s units are an exact
/// affine function of `b`'s (`h = s g + c`, unit by unit), each pre-activation of
/// `b` is checked to be the required multiple of `a`'s, exactly, and a trailing
/// identity layer of `b` must give `a`'s output. The identities used are returned
/// (the caller proves them); `None` when the structure does not match.
#[must_use]
pub fn structurally_equal(a: &Network, b: &Network) -> Option<Vec<Identity>> {
    if a.inputs != b.inputs
        || b.layers.len() < a.layers.len()
        || b.layers.len() > a.layers.len() + 1
    {
        return None;
    }
    let one = BigRational::one();
    // h = s * g + c, unit by unit.
    let mut s = vec![one.clone(); a.inputs];
    let mut c = vec![BigRational::zero(); a.inputs];
    let mut used = Vec::new();
    for (la, lb) in a.layers.iter().zip(&b.layers) {
        if la.outputs() != lb.outputs() {
            return None;
        }
        let (scale, out_s, out_c, id) = match (&la.activation, &lb.activation) {
            (x, y) if x == y => (one.clone(), one.clone(), BigRational::zero(), None),
            (Activation::Tanh, Activation::Sigmoid) => {
                (int(2), int(2), int(-1), Some(Identity::TanhAsSigmoid))
            }
            (Activation::Sigmoid, Activation::Tanh) => {
                (half(), half(), half(), Some(Identity::SigmoidAsTanh))
            }
            _ => return None,
        };
        // a's pre-activation: W h + b = (W s) g + (W c + b); b's must be `scale` times it.
        for ((wa, ba), (wb, bb)) in la
            .weights
            .iter()
            .zip(&la.bias)
            .zip(lb.weights.iter().zip(&lb.bias))
        {
            let bias = wa
                .iter()
                .zip(&c)
                .fold(ba.clone(), |acc, (w, ci)| acc + w * ci);
            if *bb != &bias * &scale {
                return None;
            }
            if wa
                .iter()
                .zip(&s)
                .zip(wb)
                .any(|((w, si), v)| *v != w * si * &scale)
            {
                return None;
            }
        }
        used.extend(id);
        s = vec![out_s; la.outputs()];
        c = vec![out_c; la.outputs()];
    }
    // A trailing identity layer of b turns its units back into a's outputs.
    match b.layers.get(a.layers.len()) {
        Some(last) => {
            let n = last.outputs();
            let ok = last.activation == Activation::Identity
                && n == s.len()
                && last.bias == c
                && last.weights.iter().enumerate().all(|(i, row)| {
                    row.iter()
                        .enumerate()
                        .all(|(j, w)| if i == j { *w == s[i] } else { w.is_zero() })
                });
            if !ok {
                return None;
            }
        }
        None => {
            if s.iter().any(|x| !x.is_one()) || c.iter().any(|x| !x.is_zero()) {
                return None;
            }
        }
    }
    used.sort();
    used.dedup();
    Some(used)
}
