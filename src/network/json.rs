//! The JSON network file: `{"inputs": 1, "layers": [{"weights": [["1/2"], ["-3"]],
//! "bias": ["1", "0"], "activation": "relu"}, ...]}`. Numbers are exact strings
//! (`"3/2"`, `"0.1"`) or JSON numbers (read from their decimal text, so `0.1` is
//! 1/10); `prelu` takes an `"alpha"`. Errors name the layer and field.

use num_rational::BigRational;
use serde_json::{json, Map, Value};

use super::exact::parse_rational;
use super::{Activation, Layer, Network, NetworkError};

/// Reads a JSON network (dimensions are checked by [`Network::validate`]).
///
/// # Errors
/// [`NetworkError::Syntax`] for text that is not JSON, [`NetworkError::Invalid`]
/// naming the field otherwise.
pub fn read(bytes: &[u8]) -> Result<Network, NetworkError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| NetworkError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned(),
    })?;
    let Value::Object(top) = v else {
        return Err(NetworkError::invalid(
            "the file",
            "a JSON network is an object {\"inputs\": ..., \"layers\": [...]}",
        ));
    };
    check_keys(
        &top,
        &["inputs", "layers", "name", "description"],
        "the top level",
    )?;
    let Some(Value::Array(layers_v)) = top.get("layers") else {
        return Err(NetworkError::invalid(
            "layers",
            if top.contains_key("layers") {
                "must be a list of layers"
            } else {
                "missing: a network needs \"layers\": [...]"
            },
        ));
    };
    let mut layers = Vec::with_capacity(layers_v.len());
    for (k, l) in layers_v.iter().enumerate() {
        let place = format!("layers[{k}]");
        let Value::Object(obj) = l else {
            return Err(NetworkError::invalid(
                place,
                "a layer is an object {\"weights\", \"bias\", \"activation\"}",
            ));
        };
        check_keys(obj, &["weights", "bias", "activation", "alpha"], &place)?;
        let weights = match obj.get("weights") {
            Some(Value::Array(rows)) => rows
                .iter()
                .enumerate()
                .map(|(i, row)| numbers(row, &format!("{place}.weights[{i}]")))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(NetworkError::invalid(
                    format!("{place}.weights"),
                    "must be a list of rows (one per output unit)",
                ))
            }
            None => return Err(NetworkError::invalid(format!("{place}.weights"), "missing")),
        };
        let bias = match obj.get("bias") {
            Some(b) => numbers(b, &format!("{place}.bias"))?,
            None => vec![BigRational::from_integer(0.into()); weights.len()],
        };
        let alpha = obj
            .get("alpha")
            .map(|a| number(a, &format!("{place}.alpha")))
            .transpose()?;
        let activation = match obj.get("activation") {
            Some(Value::String(s)) => Activation::parse(s, alpha),
            Some(_) => {
                return Err(NetworkError::invalid(
                    format!("{place}.activation"),
                    "must be a name such as \"relu\"",
                ))
            }
            None => Activation::parse("identity", alpha),
        }
        .map_err(|m| NetworkError::invalid(format!("{place}.activation"), m))?;
        layers.push(Layer {
            weights,
            bias,
            activation,
        });
    }
    let inputs = match top.get("inputs") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| NetworkError::invalid("inputs", "must be a positive integer"))?,
        Some(_) => {
            return Err(NetworkError::invalid(
                "inputs",
                "must be a positive integer",
            ))
        }
        None => layers
            .first()
            .and_then(|l| l.weights.first())
            .map_or(0, Vec::len),
    };
    Ok(Network { inputs, layers })
}

fn check_keys(obj: &Map<String, Value>, allowed: &[&str], place: &str) -> Result<(), NetworkError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(NetworkError::invalid(
            place,
            format!(
                "unknown field \"{k}\" (the fields are {})",
                allowed.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn number(v: &Value, place: &str) -> Result<BigRational, NetworkError> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => {
            return Err(NetworkError::invalid(
                place,
                format!("{other} is not a number (write \"3/2\", \"0.1\" or 2)"),
            ))
        }
    };
    parse_rational(&text).ok_or_else(|| {
        NetworkError::invalid(
            place,
            format!("'{text}' is not an exact number such as \"3/2\", \"-0.1\" or \"2\""),
        )
    })
}

fn numbers(v: &Value, place: &str) -> Result<Vec<BigRational>, NetworkError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(j, x)| number(x, &format!("{place}[{j}]")))
            .collect(),
        _ => Err(NetworkError::invalid(place, "must be a list of numbers")),
    }
}

/// The network as JSON text, numbers as exact strings (read back by [`read`]).
#[must_use]
pub fn write(net: &Network) -> String {
    let s = |r: &BigRational| Value::String(r.to_string());
    let layers: Vec<Value> = net
        .layers
        .iter()
        .map(|l| {
            let mut obj = json!({
                "weights": l.weights.iter().map(|row| row.iter().map(s).collect::<Vec<_>>()).collect::<Vec<_>>(),
                "bias": l.bias.iter().map(s).collect::<Vec<_>>(),
                "activation": l.activation.name(),
            });
            if let Activation::Prelu(a) = &l.activation {
                obj["alpha"] = s(a);
            }
            obj
        })
        .collect();
    let v = json!({"inputs": net.inputs, "layers": layers});
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
