//! The parser on arbitrary text: never a panic, and every expression of the shared
//! generator (drawn from the same bytes) parses and prints back to itself.
#![no_main]

use actsym::defs::{parse_expr, parse_source};
use actsym::expr::{Graph, Origin};
use actsym::fuzz::{from_bytes, targets, Config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut g = Graph::with_prelude();
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_source(&mut g, text, Origin::User("<fuzz>".to_owned()));
        g.begin_operation();
        let _ = parse_expr(&mut g, text);
    }
    let tree = from_bytes(data, &Config::default());
    g.begin_operation();
    if let Some(f) = targets::print(&mut g, &tree.text()) {
        panic!("{}: {} ({})", tree.text(), f.kind, f.detail);
    }
});
