//! Deciding claims: the exponential-rational normal form and its algebra.

pub mod normal;
pub mod poly;
