//! The fast evaluator against MPFR (the `eval` target of `actsym fuzz`, expressions
//! from the shared generator, the point from the first 8 bytes): never a panic, no
//! NaN or infinity where the true value is finite (range limits of a subterm aside).
#![no_main]

use actsym::expr::Graph;
use actsym::fuzz::{from_bytes, targets, Config, Point, Stats};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(8);
    let x = f64::from_le_bytes(head.try_into().expect("8 bytes"));
    if !x.is_finite() {
        return;
    }
    let tree = from_bytes(rest, &Config::default());
    let mut point = Point {
        coords: vec![("x".to_owned(), x)],
    };
    for p in ["alpha", "beta"] {
        point.coords.push((p.to_owned(), 1.5));
    }
    let mut g = Graph::with_prelude();
    let mut stats = Stats::default();
    if let Some(f) = targets::eval(&mut g, &tree.text(), &[point], &mut stats, "fuzz") {
        if f.kind != "intermediate_out_of_range" {
            panic!("{} at x = {x}: {} ({})", tree.text(), f.kind, f.detail);
        }
    }
});
