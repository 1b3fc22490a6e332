//! Network files on the command line: a path is read by `network::read` (its kind,
//! JSON, safetensors or actsym text, chosen by content), a network is built into the
//! graph as the expression of its output; errors name the file and the place.

use std::path::Path;

use actsym::expr::{ExprId, Graph};
use actsym::network::{self, Activation, Content, Format, Network, NetworkError, ReadOptions};

use super::error::file_error;
use super::input::{parse_expr, Source};
use super::CliError;

/// A network file read into the graph.
pub struct Loaded {
    /// The file's kind.
    pub format: Format,
    /// The layers, for JSON and safetensors.
    pub network: Option<Network>,
    /// The output (`None` for a network of several outputs).
    pub expr: Option<ExprId>,
    /// How the output is shown: the statement as typed, or the file and its shape.
    pub expression: String,
}

/// A [`NetworkError`] of the file `path` as a command-line error (exit 2), with the
/// line and column of a JSON syntax error.
pub fn network_error(path: &Path, e: &NetworkError) -> CliError {
    let name = path.display().to_string();
    let mut err = CliError::new("bad_network", format!("{name}: {e}"));
    if let NetworkError::Syntax { line, column, .. } = e {
        err.detail.position = Some((*line, *column));
    }
    err.detail.source = Some(name);
    err
}

/// Reads `--activations relu,prelu:1/4,identity`.
pub fn parse_activations(text: &str) -> Result<Vec<Activation>, CliError> {
    text.split(',')
        .map(|s| {
            Activation::parse_spec(s).map_err(|m| CliError::flag(format!("--activations: {m}")))
        })
        .collect()
}

/// The shape as text: `1 -> 16 -> 1`.
pub fn shape_text(net: &Network) -> String {
    net.shape()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Reads the file `path` (of any kind) into `g`.
pub fn load(g: &mut Graph, path: &Path, activations: Option<&str>) -> Result<Loaded, CliError> {
    let opts = ReadOptions {
        activations: activations.map(parse_activations).transpose()?,
    };
    if let Err(e) = std::fs::metadata(path) {
        return Err(file_error("", path, &e));
    }
    let (format, content) = network::read(path, &opts).map_err(|e| network_error(path, &e))?;
    match content {
        Content::Text(text) => {
            let src = Source {
                text,
                name: path.display().to_string(),
            };
            let (e, expression) = parse_expr(g, &src)?;
            Ok(Loaded {
                format,
                network: None,
                expr: Some(e),
                expression,
            })
        }
        Content::Network(net) => {
            let outs = net.build(g).map_err(|e| network_error(path, &e))?;
            let expr = match outs.as_slice() {
                [one] => Some(*one),
                _ => None,
            };
            let expression = format!(
                "{} ({} network {})",
                path.display(),
                format.name(),
                shape_text(&net)
            );
            Ok(Loaded {
                format,
                network: Some(net),
                expr,
                expression,
            })
        }
    }
}
