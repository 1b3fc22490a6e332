//! Dense layers: a feed-forward network run as matrix-vector steps over groups of
//! [`LANES`] points held in fixed-size arrays (each weight times a whole group, a
//! fused multiply-add per lane under AVX2+FMA, chosen at run time), instead of one
//! scalar instruction per weight. A [`Tape`](super::Tape) built by
//! [`Tape::dense`](super::Tape::dense) runs this way; its batch, parallel and
//! single-point paths give the same bits (each lane depends only on its point, and
//! the dispatch is the same for every path).

use std::fmt;

use super::kernels;

/// Points evaluated together.
pub const LANES: usize = 8;

/// The activation of a dense layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DenseActivation {
    /// `u`
    Identity,
    /// `max(u, 0)`
    Relu,
    /// `u` above 0, `alpha u` below.
    Prelu(f64),
    /// `|u|`
    Abs,
    /// `u` clamped to `[-1, 1]`.
    HardTanh,
    /// The logistic function.
    Sigmoid,
    /// `tanh(u)`
    Tanh,
}

impl DenseActivation {
    #[inline(always)]
    fn apply(self, v: f64) -> f64 {
        match self {
            DenseActivation::Identity => v,
            // NaN passes through every branch (an undefined input stays undefined).
            DenseActivation::Relu => {
                if v < 0.0 {
                    0.0
                } else {
                    v
                }
            }
            DenseActivation::Prelu(a) => {
                if v < 0.0 {
                    a * v
                } else {
                    v
                }
            }
            DenseActivation::Abs => v.abs(),
            DenseActivation::HardTanh => v.clamp(-1.0, 1.0),
            DenseActivation::Sigmoid => kernels::sigmoid(v),
            DenseActivation::Tanh => kernels::tanh(v),
        }
    }

    fn name(self) -> String {
        match self {
            DenseActivation::Identity => "identity".into(),
            DenseActivation::Relu => "relu".into(),
            DenseActivation::Prelu(a) => format!("prelu({a})"),
            DenseActivation::Abs => "abs".into(),
            DenseActivation::HardTanh => "hard_tanh".into(),
            DenseActivation::Sigmoid => "sigmoid".into(),
            DenseActivation::Tanh => "tanh".into(),
        }
    }
}

/// One layer: `outputs` rows of `inputs` weights (row-major), a bias per row.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseLayer {
    /// Row-major, `outputs * inputs`.
    pub weights: Vec<f64>,
    /// One per output.
    pub bias: Vec<f64>,
    /// The activation.
    pub activation: DenseActivation,
}

/// A network of dense layers with one output.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub(crate) inputs: usize,
    pub(crate) layers: Vec<DenseLayer>,
    /// The widest layer (the size of the scratch arrays).
    pub(crate) width: usize,
}

impl Dense {
    /// Checks the shapes: `inputs` inputs, each layer's weights `bias.len()` rows of
    /// the previous width, one output. `None` when they do not fit.
    #[must_use]
    pub fn new(inputs: usize, layers: Vec<DenseLayer>) -> Option<Dense> {
        let mut w = inputs;
        let mut width = inputs;
        for l in &layers {
            if l.bias.is_empty() || l.weights.len() != l.bias.len() * w {
                return None;
            }
            w = l.bias.len();
            width = width.max(w);
        }
        (w == 1 && inputs > 0 && !layers.is_empty()).then_some(Dense {
            inputs,
            layers,
            width,
        })
    }

    /// Evaluates `out.len()` points (`inputs[i][j]` is input `i` of point `j`),
    /// dispatching to AVX2+FMA when the CPU has them.
    pub(crate) fn run(&self, inputs: &[&[f64]], offset: usize, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU supports AVX2 and FMA, checked just above.
                unsafe { self.run_avx2(inputs, offset, out) };
                return;
            }
        }
        self.run_impl::<false>(inputs, offset, out);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_avx2(&self, inputs: &[&[f64]], offset: usize, out: &mut [f64]) {
        self.run_impl::<true>(inputs, offset, out);
    }

    #[inline(always)]
    fn run_impl<const FMA: bool>(&self, inputs: &[&[f64]], offset: usize, out: &mut [f64]) {
        let mut a = vec![[0.0f64; LANES]; self.width];
        let mut b = vec![[0.0f64; LANES]; self.width];
        for (g, out_group) in out.chunks_mut(LANES).enumerate() {
            let start = offset + g * LANES;
            let len = out_group.len();
            for (i, lane) in a.iter_mut().take(self.inputs).enumerate() {
                *lane = [0.0; LANES];
                lane[..len].copy_from_slice(&inputs[i][start..start + len]);
            }
            let mut width = self.inputs;
            let (mut h, mut next) = (&mut a, &mut b);
            for layer in &self.layers {
                for ((acc, row), &bias) in next
                    .iter_mut()
                    .zip(layer.weights.chunks_exact(width))
                    .zip(&layer.bias)
                {
                    let mut s = [bias; LANES];
                    for (&w, x) in row.iter().zip(h.iter()) {
                        for k in 0..LANES {
                            s[k] = if FMA {
                                w.mul_add(x[k], s[k])
                            } else {
                                s[k] + w * x[k]
                            };
                        }
                    }
                    for k in 0..LANES {
                        acc[k] = layer.activation.apply(s[k]);
                    }
                }
                width = layer.bias.len();
                std::mem::swap(&mut h, &mut next);
            }
            out_group.copy_from_slice(&h[0][..len]);
        }
    }
}

impl fmt::Display for Dense {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut w = self.inputs;
        writeln!(
            f,
            "# dense network: {} input(s), {} layer(s)",
            self.inputs,
            self.layers.len()
        )?;
        for (k, l) in self.layers.iter().enumerate() {
            writeln!(
                f,
                "layer {k}: {} x {} matrix-vector (fma), bias, {}",
                l.bias.len(),
                w,
                l.activation.name()
            )?;
            w = l.bias.len();
        }
        Ok(())
    }
}
