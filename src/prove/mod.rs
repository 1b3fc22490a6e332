//! Deciding claims: the exponential-rational normal form and its algebra.

pub mod check;
pub mod decide;
pub mod normal;
pub mod poly;
pub mod region;
