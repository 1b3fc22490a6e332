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
        weights: (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            BigRational::one()
                        } else {
                            BigRational::zero()
                        }
                    })
                    .collect()
            })
            .collect(),
        bias: vec![BigRational::zero(); n],
        activation: Activation::Identity,
    }
}

/// An identity layer with identity weights and zero bias (it changes nothing).
fn is_plain_identity(l: &Layer) -> bool {
    l.activation == Activation::Identity && *l == identity_layer(l.outputs())
}
