//! What a plot draws: an expression in the language, or a network file read into the
//! graph by a [`NetworkLoader`]. A network plots as its function with its
//! breakpoints marked; new file formats plug in as further loaders.

use std::path::Path;

use crate::defs;
use crate::expr::{ExprId, Graph};

use super::PlotError;

/// A target read into the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The function.
    pub expr: ExprId,
    /// For a network file, its name (the file stem), used in labels.
    pub network: Option<String>,
}

/// Reads a network file into the graph as the expression of its output.
pub trait NetworkLoader {
    /// Whether this loader reads `path` (by its extension or contents).
    fn accepts(&self, path: &Path) -> bool;
    /// Reads `path` into `g` and returns the expression of the network's output.
    ///
    /// # Errors
    /// [`PlotError::Load`] with a message naming the file.
    fn load(&self, g: &mut Graph, path: &Path) -> Result<ExprId, PlotError>;
}

/// A network written in the actsym language: definitions, then the output's
/// expression (`h1(x) = relu(2*x - 1); h1(x) - relu(-x)`). It reads any file.
#[derive(Clone, Copy, Debug, Default)]
pub struct ActsymFile;

impl NetworkLoader for ActsymFile {
    fn accepts(&self, _: &Path) -> bool {
        true
    }

    fn load(&self, g: &mut Graph, path: &Path) -> Result<ExprId, PlotError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| PlotError::Load(format!("cannot read {name}: {e}")))?;
        defs::parse_expr(g, &text).map_err(|e| PlotError::Load(e.render(&text, &name)))
    }
}

/// Reads one target: an existing file through the first of `loaders` that accepts
/// it (then [`ActsymFile`]), otherwise the text as an expression (`input_name`
/// names it in parse errors).
///
/// # Errors
/// [`PlotError::Load`] with the rendered parse or read error.
pub fn load(
    g: &mut Graph,
    target: &str,
    loaders: &[&dyn NetworkLoader],
    input_name: &str,
) -> Result<Loaded, PlotError> {
    let path = Path::new(target);
    if path.is_file() {
        let loader = loaders
            .iter()
            .copied()
            .find(|l| l.accepts(path))
            .unwrap_or(&ActsymFile);
        let expr = loader.load(g, path)?;
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
