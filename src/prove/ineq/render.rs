//! The steps of an inequality's decision for `--explain`, as text lines and as JSON:
//! per link, the exact sign charts (generator, numerator and denominator, zeros) or
//! the branch-and-bound certificate's boxes with the bound claimed on each — the
//! data [`check_exact`](super::exact::check_exact) and
//! [`check_certificate`](super::bnb::check_certificate) re-check.

use serde_json::{json, Value};

use super::bnb::{BoxRecord, Certificate};
use super::exact::ExactProof;
use super::{Detail, LinkReport};
use crate::expr::Graph;
use crate::print;

/// The most boxes listed in text (JSON lists them all).
pub const MAX_LISTED_BOXES: usize = 40;

fn end_text(e: &Option<num_rational::BigRational>, lower: bool) -> String {
    match e {
        Some(r) if r.numer().bits() + r.denom().bits() > 80 => {
            let f = super::boxes::rational_to_float(64, r, rug::float::Round::Nearest);
            format!("~{}", crate::certified::decimal::float_text(&f, 8))
        }
        Some(r) => r.to_string(),
        None if lower => "-inf".into(),
        None => "+inf".into(),
    }
}

fn box_text(g: &Graph, cert: &Certificate, b: &BoxRecord) -> String {
    let parts: Vec<String> = cert
        .vars
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            format!(
                "{} in [{}, {}]",
                g.name(v),
                end_text(&b.cell.lo[i], true),
                end_text(&b.cell.hi[i], false)
            )
        })
        .collect();
    let what = if b.excluded {
        "excluded by a condition".to_owned()
    } else if b.asymptotic {
        "f > 0 (the sign of the asymptotic expansion's leading term, the rest bounded there)"
            .to_owned()
    } else {
        format!("f >= {}", end_text(&Some(b.lower.clone()), true))
    };
    format!("{}: {what}", parts.join(", "))
}

fn exact_text(p: &ExactProof) -> String {
    let var = match p.generator.split_once(" = ") {
        Some((t, _)) => t.to_owned(),
        None if p.generator.is_empty() => "x".to_owned(),
        None => p.generator.clone(),
    };
    let mut s = if p.root.is_some() {
        format!(
            "f = ({} + s*({}))/({})",
            p.p.to_text(&var),
            p.q.to_text(&var),
            p.e.to_text(&var)
        )
    } else {
        format!("f = ({})/({})", p.p.to_text(&var), p.e.to_text(&var))
    };
    if let Some(n) = &p.root {
        s.push_str(&format!(", s = sqrt({n})"));
    }
    if !p.generator.is_empty() {
        s.push_str(&format!(", {}", p.generator));
        s.push_str(&format!(", on {}", p.interval.describe(&var)));
    }
    if p.zeros.is_empty() {
        s.push_str("; no zero there");
    } else {
        s.push_str(&format!(
            "; zero at {} (equality attained)",
            p.zeros.join(", ")
        ));
    }
    s
}

fn link_lines(g: &Graph, k: usize, link: &LinkReport, out: &mut Vec<String>) {
    out.push(format!(
        "link {}: {} {} {} — {} ({})",
        k + 1,
        print::text(g, link.lhs),
        link.relation.symbol(),
        print::text(g, link.rhs),
        link.verdict.as_str(),
        link.method
    ));
    for (region, _, _, p) in &link.exact {
        let region = if region.is_empty() {
            "everywhere"
        } else {
            region
        };
        out.push(format!("  {region}: {}", exact_text(p)));
    }
    if let Some(cert) = &link.certificate {
        out.push(format!(
            "  {} boxes cover the region, each with a certified lower bound of f = {}:",
            cert.boxes.len(),
            print::text(g, link.f)
        ));
        for b in cert.boxes.iter().take(MAX_LISTED_BOXES) {
            out.push(format!("    {}", box_text(g, cert, b)));
        }
        if cert.boxes.len() > MAX_LISTED_BOXES {
            out.push(format!(
                "    ... {} more (all of them with --json)",
                cert.boxes.len() - MAX_LISTED_BOXES
            ));
        }
    }
}

/// The steps as text lines.
#[must_use]
pub fn lines(g: &Graph, detail: &Detail) -> Vec<String> {
    let mut out = Vec::new();
    for (k, link) in detail.links.iter().enumerate() {
        link_lines(g, k, link, &mut out);
    }
    out
}

fn certificate_json(g: &Graph, cert: &Certificate) -> Value {
    let boxes: Vec<Value> = cert
        .boxes
        .iter()
        .map(|b| {
            let ranges: Vec<Value> = (0..cert.vars.len())
                .map(|i| {
                    json!([
                        b.cell.lo[i]
                            .as_ref()
                            .map_or("-inf".into(), ToString::to_string),
                        b.cell.hi[i]
                            .as_ref()
                            .map_or("+inf".into(), ToString::to_string)
                    ])
                })
                .collect();
            if b.excluded {
                json!({ "box": ranges, "excluded": true })
            } else if b.asymptotic {
                json!({ "box": ranges, "asymptotic": true })
            } else {
                json!({ "box": ranges, "lower": b.lower.to_string() })
            }
        })
        .collect();
    json!({
        "vars": cert.vars.iter().map(|&v| g.name(v)).collect::<Vec<_>>(),
        "boxes": boxes,
    })
}

/// The steps as JSON: one object per link.
#[must_use]
pub fn json(g: &Graph, detail: &Detail) -> Value {
    let links: Vec<Value> = detail
        .links
        .iter()
        .map(|l| {
            let mut o = json!({
                "relation": l.relation.symbol(),
                "lhs": print::text(g, l.lhs),
                "rhs": print::text(g, l.rhs),
                "verdict": l.verdict.as_str(),
                "method": l.method,
            });
            if let Some(map) = o.as_object_mut() {
                if !l.exact.is_empty() {
                    let cases: Vec<Value> = l
                        .exact
                        .iter()
                        .map(|(region, _, _, p)| json!({ "region": region, "sign_chart": exact_text(p) }))
                        .collect();
                    map.insert("exact".into(), cases.into());
                }
                if let Some(c) = &l.certificate {
                    map.insert("certificate".into(), certificate_json(g, c));
                }
                if let Some(n) = &l.note {
                    map.insert("note".into(), n.clone().into());
                }
            }
            o
        })
        .collect();
    Value::Array(links)
}
