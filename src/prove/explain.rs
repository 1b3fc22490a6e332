//! Proofs as readable steps: the `--explain` text and the `steps` of `--json`.

use super::decide::{Context, Proof};
use super::{evaluation, normal};
use crate::expr::{ExprId, Graph};
use crate::print;

/// One step of an explained proof.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Step {
    /// Nesting depth (cases of a split are one deeper).
    pub depth: usize,
    /// The rule: `unfold`, `split`, `case`, `resolve`, `normal form`, `evaluation`,
    /// `identical`.
    pub rule: &'static str,
    /// What the step states, in one line.
    pub statement: String,
    /// Details (normal forms, generators), one line each.
    pub details: Vec<String>,
}

/// The steps of a proof of `lhs = rhs` (the sides after unfolding definitions).
#[must_use]
pub fn steps(
    g: &mut Graph,
    original: (ExprId, ExprId),
    sides: (ExprId, ExprId),
    proof: &Proof,
    ctx: &Context,
) -> Vec<Step> {
    let mut out = Vec::new();
    if original != sides {
        out.push(Step {
            depth: 0,
            rule: "unfold",
            statement: format!("{} = {}", print::text(g, sides.0), print::text(g, sides.1)),
            details: vec!["definitions of named functions unfolded".into()],
        });
    }
    if !ctx.is_empty() {
        let mut regions: Vec<String> = ctx.iter().map(|(v, iv)| iv.describe(g.name(*v))).collect();
        regions.sort();
        out.push(Step {
            depth: 0,
            rule: "assume",
            statement: regions.join(", "),
            details: vec!["from the where conditions".into()],
        });
    }
    walk(g, sides.0, sides.1, proof, 0, &mut out);
    out
}

fn walk(g: &mut Graph, lhs: ExprId, rhs: ExprId, proof: &Proof, depth: usize, out: &mut Vec<Step>) {
    match proof {
        Proof::Identical => out.push(Step {
            depth,
            rule: "identical",
            statement: format!("{} = {}", print::text(g, lhs), print::text(g, rhs)),
            details: vec!["both sides are the same canonical expression".into()],
        }),
        Proof::Normal | Proof::Atoms => {
            let atoms = matches!(proof, Proof::Atoms);
            let mut details = Vec::new();
            let (l, r) = if atoms {
                let shared = normal::share_extrema(g, &[lhs, rhs]);
                if (shared[0], shared[1]) != (lhs, rhs) {
                    details.push(format!(
                        "extrema shared: {} = {}",
                        print::text(g, shared[0]),
                        print::text(g, shared[1])
                    ));
                }
                (shared[0], shared[1])
            } else {
                (lhs, rhs)
            };
            if let Some(e) = normal::explain(g, l, r) {
                for (_, meaning) in &e.generators {
                    details.push(format!("let {meaning}"));
                }
                details.push(format!("left  = {}", e.lhs));
                details.push(format!("right = {}", e.rhs));
                details.push(format!("numerator of left - right = {}", e.difference));
            }
            details.push(if atoms {
                "both sides are defined throughout the region; each max, min, abs, sign and if is an atom, extrema of the same arguments up to sign and order one atom (min(a, b) = -max(-a, -b))".into()
            } else {
                "both sides have the same domain conditions".into()
            });
            out.push(Step {
                depth,
                rule: if atoms {
                    "normal form with atoms"
                } else {
                    "normal form"
                },
                statement: format!("{} = {}", print::text(g, lhs), print::text(g, rhs)),
                details,
            });
        }
        Proof::Points(p) => {
            let mut details = evaluation::describe(g, p, 8);
            details.push("both sides have the same domain conditions".into());
            out.push(Step {
                depth,
                rule: "evaluation",
                statement: format!("{} = {}", print::text(g, lhs), print::text(g, rhs)),
                details,
            });
        }
        Proof::Resolve {
            lhs: l,
            rhs: r,
            proof,
        } => {
            out.push(Step {
                depth,
                rule: "resolve",
                statement: format!("{} = {}", print::text(g, *l), print::text(g, *r)),
                details: vec![
                    "each max, min, abs, sign and if takes its branch on this region".into(),
                ],
            });
            walk(g, *l, *r, proof, depth, out);
        }
        Proof::Split { var, cases } => {
            let name = g.name(*var).to_owned();
            let points: Vec<String> = cases
                .iter()
                .filter(|c| c.region.lo.is_some() && c.region.lo == c.region.hi)
                .filter_map(|c| c.region.lo.as_ref().map(|(p, _)| p.to_string()))
                .collect();
            out.push(Step {
                depth,
                rule: "split",
                statement: format!("cases of {name} around {}", points.join(", ")),
                details: Vec::new(),
            });
            for c in cases {
                let region = match (&c.region.lo, &c.region.hi) {
                    (Some((a, true)), Some((b, true))) if a == b => format!("{name} = {a}"),
                    _ => c.region.describe(&name),
                };
                out.push(Step {
                    depth: depth + 1,
                    rule: "case",
                    statement: region,
                    details: Vec::new(),
                });
                walk(g, c.lhs, c.rhs, &c.proof, depth + 2, out);
            }
        }
    }
}

/// The steps as indented text.
#[must_use]
pub fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for (k, s) in steps.iter().enumerate() {
        let pad = "  ".repeat(s.depth);
        out.push_str(&format!("{pad}{}. [{}] {}\n", k + 1, s.rule, s.statement));
        for d in &s.details {
            out.push_str(&format!("{pad}     {d}\n"));
        }
    }
    out
}
