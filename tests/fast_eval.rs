//! Tests of the compiled fast evaluator (tape) against MPFR.
#[path = "fast_eval/gen_coeffs.rs"]
mod gen_coeffs;
