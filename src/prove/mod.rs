//! Deciding claims: the exponential-rational normal form and its algebra.

pub mod chain;
pub mod check;
pub mod decide;
pub mod normal;
pub mod points;
pub mod poly;
pub mod region;
