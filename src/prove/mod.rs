//! Deciding claims: the exponential-rational normal form and its algebra; identities
//! here, inequalities, chains and bounds in [`ineq`].

pub mod bumps;
pub mod chain;
pub mod check;
pub mod decide;
pub mod evaluation;
pub mod explain;
pub mod ineq;
pub mod normal;
pub mod numeric;
pub mod points;
pub mod region;
pub mod regions;
pub mod route;
pub mod screen;
pub mod simplest;
pub mod verdict;
