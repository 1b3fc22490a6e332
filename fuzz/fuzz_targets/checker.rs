//! The checker on claims true or false by construction (the `check` target of
//! `actsym fuzz`, expressions from the shared generator): a true claim is never
//! refuted, a false one never proved or verified.
#![no_main]

use std::time::Duration;

use actsym::fuzz::targets::{self, ClaimKind};
use actsym::fuzz::{from_bytes, Config, Session};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let config = Config {
        max_size: 8,
        max_depth: 3,
        ..Config::plain()
    };
    let tree = from_bytes(rest, &config);
    let kind = match first % 3 {
        0 => ClaimKind::Rewrite(u64::from(first)),
        1 => ClaimKind::Perturbed(first / 3),
        _ => ClaimKind::Restricted(first / 3),
    };
    let truthful = matches!(kind, ClaimKind::Rewrite(_));
    let claim = targets::claim_text(&tree, kind);
    let mut s = Session::new();
    // A false claim about an expression defined nowhere in its region is vacuously
    // true: only claims whose expression is defined somewhere in the region count.
    if !truthful && !targets::defined_in_region(&mut s, &tree.text(), kind) {
        return;
    }
    s.begin_case();
    if let Some(f) = targets::check(&mut s.graph, &claim, truthful, Duration::from_secs(1)) {
        panic!("{claim}: {} ({})", f.kind, f.detail);
    }
});
