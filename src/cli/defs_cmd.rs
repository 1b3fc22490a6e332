//! `actsym defs`: prints the prelude and the user's definitions, in the language.

use actsym::defs::Origin;

use super::{emit, CliError, Session, EXIT_OK};

/// Flags of `actsym defs`.
#[derive(clap::Args, Debug)]
pub struct DefsArgs {
    /// Print a JSON object {"definitions": [{"name", "params", "body", "origin"}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(session: &Session, args: &DefsArgs) -> Result<u8, CliError> {
    let g = &session.graph;
    if args.json {
        let defs: Vec<serde_json::Value> = g
            .defs()
            .iter()
            .map(|d| {
                serde_json::json!({
                    "name": g.name(d.name),
                    "params": d.params.iter().map(|&p| g.name(p)).collect::<Vec<_>>(),
                    "definition": d.source,
                    "origin": match &d.origin {
                        Origin::Prelude => "prelude".to_owned(),
                        Origin::User(f) => f.clone(),
                    },
                })
            })
            .collect();
        emit(&format!("{}\n", serde_json::json!({ "definitions": defs })))?;
        return Ok(EXIT_OK);
    }
    let mut out = String::new();
    let mut last: Option<&Origin> = None;
    for d in g.defs().iter() {
        if last != Some(&d.origin) {
            if last.is_some() {
                out.push('\n');
            }
            match &d.origin {
                Origin::Prelude => out.push_str("# prelude\n"),
                Origin::User(f) => out.push_str(&format!("# from {f}\n")),
            }
            last = Some(&d.origin);
        }
        out.push_str(&d.source);
        out.push('\n');
    }
    emit(&out)?;
    Ok(EXIT_OK)
}
