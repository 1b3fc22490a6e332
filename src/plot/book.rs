//! The chapter's figures, and a few it describes without drawing: each activation
//! and its derivative over [-8, 8] with the chapter's labels, and the vanishing
//! gradient of a chain of sigmoids.

use std::path::{Path, PathBuf};

use crate::defs;
use crate::expr::Graph;

use super::{figure, save, Curve, Format, PlotError, Settings};

/// The book's figures: file stem, expression, derivative order (0 or 1). The
/// chapter draws the first six; pReLU (alpha = 1/4), GELU and Swish (beta = 1) follow
/// the same pattern.
pub const BOOK_FIGURES: [(&str, &str, u32); 12] = [
    ("relu", "relu(x)", 0),
    ("grad_relu", "relu(x)", 1),
    ("sigmoid", "sigmoid(x)", 0),
    ("grad_sigmoid", "sigmoid(x)", 1),
    ("tanh", "tanh(x)", 0),
    ("grad_tanh", "tanh(x)", 1),
    ("prelu", "prelu(x, 1/4)", 0),
    ("grad_prelu", "prelu(x, 1/4)", 1),
    ("gelu", "gelu(x)", 0),
    ("grad_gelu", "gelu(x)", 1),
    ("swish", "swish(x, 1)", 0),
    ("grad_swish", "swish(x, 1)", 1),
];

/// The deepest sigmoid chain of the vanishing-gradient figure.
const CHAIN_DEPTH: usize = 6;

/// The stem of the vanishing-gradient figure.
const CHAIN_STEM: &str = "grad_sigmoid_chain";

/// `sigmoid(sigmoid(...sigmoid(x)))`, `depth` times.
fn chain(depth: usize) -> String {
    (0..depth).fold("x".to_owned(), |inner, _| format!("sigmoid({inner})"))
}

/// Writes every book figure into `dir` (created if missing) as `format`, each
/// `size` pixels; returns the files written. No file is replaced unless `force`:
/// every target is checked before anything is written.
///
/// # Errors
/// [`PlotError::Exists`] naming the first file that exists, or an error writing.
pub fn book(
    dir: &Path,
    format: Format,
    size: (u32, u32),
    force: bool,
) -> Result<Vec<PathBuf>, PlotError> {
    let path_of = |stem: &str| dir.join(format!("{stem}.{}", format.extension()));
    let stems = BOOK_FIGURES
        .iter()
        .map(|f| f.0)
        .chain(std::iter::once(CHAIN_STEM));
    if !force {
        if let Some(p) = stems.map(path_of).find(|p| p.exists()) {
            return Err(PlotError::Exists(p));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| PlotError::Write {
        path: dir.to_owned(),
        message: e.to_string(),
    })?;
    let settings = Settings::default();
    let mut g = Graph::with_prelude();
    let x = g.symbol("x");
    let parse = |g: &mut Graph, text: &str| {
        defs::parse_expr(g, text).map_err(|e| PlotError::Load(e.render(text, "<book>")))
    };
    let mut written = Vec::new();
    for (stem, text, order) in BOOK_FIGURES {
        let e = parse(&mut g, text)?;
        let mut curve = Curve::new(&g, e, x, order);
        if order == 0 {
            // The chapter's labels name the function, not its parameters.
            let name = stem.to_owned();
            curve.label = format!("{name}(x)");
        }
        let fig = figure(&mut g, x, &[curve], &settings, None)?;
        let path = path_of(stem);
        save(&fig, &path, size, force)?;
        written.push(path);
    }
    let mut curves = Vec::new();
    for depth in 1..=CHAIN_DEPTH {
        let e = parse(&mut g, &chain(depth))?;
        let mut c = Curve::new(&g, e, x, 1);
        c.label = format!("depth {depth}");
        curves.push(c);
    }
    let mut fig = figure(
        &mut g,
        x,
        &curves,
        &settings,
        Some("vanishing gradient of a sigmoid chain".to_owned()),
    )?;
    fig.y_label = "grad of sigmoid chain".to_owned();
    let path = path_of(CHAIN_STEM);
    save(&fig, &path, size, force)?;
    written.push(path);
    Ok(written)
}
