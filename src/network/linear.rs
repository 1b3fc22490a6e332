//! Exercise 1: a network whose activations are all the identity is one affine map,
//! `x -> M x + c`, with `M` the exact product of the weight matrices and `c` the
//! combined bias. Its rank over Q is at most the smallest width of the network (the
//! rank of a product is at most the rank of each factor), so a bottleneck (2 -> 1 ->
//! 2) loses rank, and a full-rank map of the same shape is then out of reach.

use num_rational::BigRational;
use num_traits::{One, Zero};

use super::Network;

/// A matrix over Q, as rows.
pub type Matrix = Vec<Vec<BigRational>>;

/// The `rows` × `cols` matrix with ones on its diagonal and zeros elsewhere.
pub fn identity(rows: usize, cols: usize) -> Matrix {
    (0..rows)
        .map(|i| {
            (0..cols)
                .map(|j| {
                    if i == j {
                        BigRational::one()
                    } else {
                        BigRational::zero()
                    }
                })
                .collect()
        })
        .collect()
}

/// The collapsed affine map of a linear network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affine {
    /// `outputs` rows of `inputs` entries.
    pub matrix: Matrix,
    /// One per output.
    pub bias: Vec<BigRational>,
    /// The rank of `matrix` over Q.
    pub rank: usize,
    /// `min(inputs, outputs)`: the rank a map of this shape can have.
    pub full_rank: usize,
    /// The smallest width of the network (inputs, every layer), bounding the rank.
    pub narrowest: usize,
    /// Where the narrowest width is: `inputs` or `layers[k]`.
    pub narrowest_at: String,
}

impl Affine {
    /// A map of the same shape the network cannot represent, when its widths force
    /// a rank drop: ones on the diagonal (rank `full_rank`), with the reason.
    #[must_use]
    pub fn unrepresentable(&self) -> Option<(Matrix, String)> {
        if self.narrowest >= self.full_rank {
            return None;
        }
        let (rows, cols) = (self.matrix.len(), self.matrix.first().map_or(0, Vec::len));
        let m: Matrix = identity(rows, cols);
        let why = format!(
            "this map has rank {}, but every map the network computes is a product of its weight matrices, and the rank of a product is at most the smallest inner width ({} at {}), so its rank is at most {}",
            self.full_rank, self.narrowest, self.narrowest_at, self.narrowest
        );
        Some((m, why))
    }
}

/// `a * b`, exactly.
#[must_use]
pub fn mat_mul(a: &Matrix, b: &Matrix) -> Matrix {
    let cols = b.first().map_or(0, Vec::len);
    a.iter()
        .map(|row| {
            (0..cols)
                .map(|j| {
                    row.iter()
                        .zip(b)
                        .fold(BigRational::zero(), |acc, (x, brow)| acc + x * &brow[j])
                })
                .collect()
        })
        .collect()
}

/// The rank over Q, by exact Gaussian elimination.
#[must_use]
pub fn rank(m: &Matrix) -> usize {
    let mut m = m.clone();
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| !m[i][c].is_zero()) else {
            continue;
        };
        m.swap(r, p);
        let pivot = m[r][c].clone();
        let pivot_row = m[r].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != r && !row[c].is_zero() {
                let f = &row[c] / &pivot;
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(c) {
                    *x -= &f * p;
                }
            }
        }
        r += 1;
    }
    r
}

/// The affine map of a network whose activations are all the identity; `None`
/// otherwise.
#[must_use]
pub fn collapse(net: &Network) -> Option<Affine> {
    if !net.is_linear() {
        return None;
    }
    let n = net.inputs;
    let mut matrix: Matrix = identity(n, n);
    let mut bias = vec![BigRational::zero(); n];
    for l in &net.layers {
        matrix = mat_mul(&l.weights, &matrix);
        bias = l.affine(&bias);
    }
    let (mut narrowest, mut narrowest_at) = (net.inputs, "inputs".to_owned());
    for (k, l) in net.layers.iter().enumerate() {
        if l.outputs() < narrowest {
            narrowest = l.outputs();
            narrowest_at = format!("layers[{k}]");
        }
    }
    let rank = rank(&matrix);
    Some(Affine {
        full_rank: net.inputs.min(net.outputs()),
        rank,
        matrix,
        bias,
        narrowest,
        narrowest_at,
    })
}
