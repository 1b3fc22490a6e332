//! What a plot draws: an expression in the language, or a network file read by
//! `network::read` (JSON, safetensors or actsym text, the kind chosen by content)
//! and built into the graph as the expression of its output. A network plots as its
//! function with its breakpoints marked.

use std::path::Path;

use crate::defs;
use crate::expr::{ExprId, Graph};
use crate::network::{self, Content, ReadOptions};

use super::PlotError;

/// A target read into the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The function.
    pub expr: ExprId,
    /// For a network file, its name (the file stem), used in labels.
    pub network: Option<String>,
}

/// Reads a network file into `g` as the expression of its one output.
fn load_file(g: &mut Graph, path: &Path) -> Result<ExprId, PlotError> {
    let name = path.display().to_string();
    let (_, content) = network::read(path, &ReadOptions::default())
        .map_err(|e| PlotError::Load(format!("{name}: {e}")))?;
    match content {
        Content::Text(text) => {
            defs::parse_expr(g, &text).map_err(|e| PlotError::Load(e.render(&text, &name)))
        }
        Content::Network(net) => net
            .output(g)
            .map_err(|e| PlotError::Load(format!("{name}: {e}"))),
    }
}

/// Reads one target: an existing file as a network file, otherwise the text as an
/// expression (`input_name` names it in parse errors).
///
/// # Errors
/// [`PlotError::Load`] with the rendered parse or read error.
pub fn load(g: &mut Graph, target: &str, input_name: &str) -> Result<Loaded, PlotError> {
    let path = Path::new(target);
    if path.is_file() {
        let expr = load_file(g, path)?;
        let stem = path.file_stem().map_or_else(
            || "network".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        return Ok(Loaded {
            expr,
            network: Some(stem),
        });
    }
    let expr = defs::parse_expr(g, target).map_err(|e| {
        // `nets/hat.act` that is not there reads better as a missing file than as
        // a division of unknown names.
        let file_like = target.contains(['/', '\\'])
            || path
                .extension()
                .is_some_and(|x| ["act", "json", "safetensors"].contains(&&*x.to_string_lossy()));
        if file_like && !target.contains('(') {
            PlotError::Load(format!("cannot read {target}: no such file"))
        } else {
            PlotError::Load(e.render(target, input_name))
        }
    })?;
    Ok(Loaded {
        expr,
        network: None,
    })
}
