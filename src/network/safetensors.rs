//! safetensors files as PyTorch exports `nn.Sequential` state dicts: tensors
//! `0.weight` (shape `[out, in]`), `0.bias` (`[out]`), `2.weight`, ... (any common
//! prefix, such as `net.`, is allowed); the layers in the order of their indices.
//! `f32`, `f64`, `f16` and `bf16` values are converted to the rationals they are
//! (every float is a dyadic rational, so nothing is rounded). The activations come
//! from the caller (`--activations relu,relu,identity`) or from the file's metadata
//! key `activations` (the same comma-separated list).

use std::collections::{BTreeMap, HashMap};

use ::safetensors::tensor::{Dtype, SafeTensors, TensorView};
use num_rational::BigRational;

use super::exact::{
    bf16_to_f32, f16_to_f32, from_f64, to_bf16_exact, to_f16_exact, to_f32_exact, to_f64_exact,
};
use super::{spread_activations, Activation, Layer, Network, NetworkError, ReadOptions};

/// The metadata key that names the activations.
pub const ACTIVATIONS_KEY: &str = "activations";

fn values(name: &str, t: &TensorView<'_>) -> Result<Vec<BigRational>, NetworkError> {
    let place = format!("tensor {name}");
    let data = t.data();
    let floats: Vec<f64> = match t.dtype() {
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect(),
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap_or([0; 4]))))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|c| f64::from(f16_to_f32(u16::from_le_bytes([c[0], c[1]]))))
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|c| f64::from(bf16_to_f32(u16::from_le_bytes([c[0], c[1]]))))
            .collect(),
        other => {
            return Err(NetworkError::invalid(
                place,
                format!("has dtype {other:?}; network weights must be F32, F64, F16 or BF16"),
            ))
        }
    };
    floats
        .iter()
        .enumerate()
        .map(|(i, &f)| {
            from_f64(f).ok_or_else(|| {
                NetworkError::invalid(
                    format!("{place}[{i}]"),
                    format!("{f} is not a finite number"),
                )
            })
        })
        .collect()
}

/// Splits `net.2.weight` into the prefix `net.`, the index 2 and the kind.
fn split_key(key: &str) -> Option<(&str, u64, &str)> {
    let (rest, kind) = key.rsplit_once('.')?;
    let (prefix, index) = match rest.rsplit_once('.') {
        Some((p, i)) => (&key[..=p.len()], i),
        None => ("", rest),
    };
    if !matches!(kind, "weight" | "bias")
        || index.is_empty()
        || !index.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((prefix, index.parse().ok()?, kind))
}

/// Reads a safetensors network.
///
/// # Errors
/// [`NetworkError::Invalid`] naming the tensor (or the header) at fault.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Network, NetworkError> {
    let header = |e: ::safetensors::SafeTensorError| {
        NetworkError::invalid("the safetensors header", e.to_string())
    };
    let (_, meta) = SafeTensors::read_metadata(bytes).map_err(header)?;
    let st = SafeTensors::deserialize(bytes).map_err(header)?;
    let mut by_index: BTreeMap<u64, (Option<TensorView<'_>>, Option<TensorView<'_>>, String)> =
        BTreeMap::new();
    let mut prefix: Option<String> = None;
    for (name, t) in st.tensors() {
        let Some((p, index, kind)) = split_key(&name) else {
            return Err(NetworkError::invalid(
                format!("tensor {name}"),
                "is not a layer's weight or bias (the keys of an nn.Sequential state dict are 0.weight, 0.bias, 2.weight, ...)",
            ));
        };
        match &prefix {
            Some(q) if q != p => {
                return Err(NetworkError::invalid(
                    format!("tensor {name}"),
                    format!("its prefix '{p}' differs from the other tensors' '{q}'"),
                ))
            }
            _ => prefix = Some(p.to_owned()),
        }
        let entry = by_index.entry(index).or_insert((None, None, name.clone()));
        if kind == "weight" {
            entry.0 = Some(t);
            entry.2 = name.clone();
        } else {
            entry.1 = Some(t);
        }
    }
    if by_index.is_empty() {
        return Err(NetworkError::invalid(
            "the safetensors file",
            "holds no tensors",
        ));
    }
    let mut layers = Vec::new();
    for (index, (w, b, wname)) in &by_index {
        let p = prefix.clone().unwrap_or_default();
        let Some(w) = w else {
            return Err(NetworkError::invalid(
                format!("tensor {p}{index}.bias"),
                format!("has no {p}{index}.weight"),
            ));
        };
        let &[rows, cols] = w.shape() else {
            return Err(NetworkError::invalid(
                format!("tensor {wname}"),
                format!(
                    "has shape {:?}; a dense layer's weight has shape [outputs, inputs]",
                    w.shape()
                ),
            ));
        };
        let flat = values(wname, w)?;
        let weights: Vec<Vec<BigRational>> = flat
            .chunks(cols.max(1))
            .map(<[_]>::to_vec)
            .take(rows)
            .collect();
        let bias = match b {
            Some(b) => {
                let bname = format!("{p}{index}.bias");
                if b.shape() != [rows] {
                    return Err(NetworkError::invalid(
                        format!("tensor {bname}"),
                        format!("has shape {:?}; the layer has {rows} units, so its bias has shape [{rows}]", b.shape()),
                    ));
                }
                values(&bname, b)?
            }
            None => vec![BigRational::from_integer(0.into()); rows],
        };
        layers.push(Layer {
            weights,
            bias,
            activation: Activation::Identity,
        });
    }
    let acts = match &opts.activations {
        Some(a) => a.clone(),
        None => {
            let text = meta
                .metadata()
                .as_ref()
                .and_then(|m| m.get(ACTIVATIONS_KEY))
                .ok_or_else(|| {
                    NetworkError::invalid(
                        "the safetensors metadata",
                        "names no activations: give --activations relu,relu,identity (one per layer) or store them under the metadata key \"activations\"",
                    )
                })?;
            text.split(',')
                .map(Activation::parse_spec)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| NetworkError::invalid("the metadata key activations", m))?
        }
    };
    let acts = spread_activations(&acts, layers.len())
        .map_err(|m| NetworkError::invalid("activations", m))?;
    for (l, a) in layers.iter_mut().zip(acts) {
        l.activation = a;
    }
    let inputs = layers[0].weights.first().map_or(0, Vec::len);
    Ok(Network { inputs, layers })
}

/// The dtype used to write `values`: `preferred` when every value is exact in it,
/// else `F32`, else `F64`; `None` when some value is exact in none of them.
fn dtype_for(values: &[&BigRational], preferred: Dtype) -> Option<Dtype> {
    let fits = |d: Dtype| match d {
        Dtype::F64 => values.iter().all(|v| to_f64_exact(v).is_some()),
        Dtype::F32 => values.iter().all(|v| to_f32_exact(v).is_some()),
        Dtype::F16 => values.iter().all(|v| to_f16_exact(v).is_some()),
        Dtype::BF16 => values.iter().all(|v| to_bf16_exact(v).is_some()),
        _ => false,
    };
    [preferred, Dtype::F32, Dtype::F64]
        .into_iter()
        .find(|&d| fits(d))
}

fn encode(values: &[&BigRational], d: Dtype) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        match d {
            Dtype::F64 => out.extend(to_f64_exact(v).unwrap_or(0.0).to_le_bytes()),
            Dtype::F32 => out.extend(to_f32_exact(v).unwrap_or(0.0).to_le_bytes()),
            Dtype::F16 => out.extend(to_f16_exact(v).unwrap_or(0).to_le_bytes()),
            _ => out.extend(to_bf16_exact(v).unwrap_or(0).to_le_bytes()),
        }
    }
    out
}

/// The dtype of the first tensor of a safetensors file (to write a converted network
/// in the same precision).
#[must_use]
pub fn first_dtype(bytes: &[u8]) -> Option<Dtype> {
    let st = SafeTensors::deserialize(bytes).ok()?;
    let mut names = st.names();
    names.sort_unstable();
    names
        .first()
        .and_then(|n| st.tensor(n).ok())
        .map(|t| t.dtype())
}

/// Writes `net` as an `nn.Sequential` state dict (`0.weight`, `0.bias`, `2.weight`,
/// ...), activations in the metadata, in `preferred` when every number is exact in
/// it (else `F32`, else `F64`).
///
/// # Errors
/// [`NetworkError::Invalid`] when a number is exact in no float type (a third), or
/// when the library fails.
pub fn write(net: &Network, preferred: Dtype) -> Result<Vec<u8>, NetworkError> {
    let all: Vec<&BigRational> = net
        .layers
        .iter()
        .flat_map(|l| l.weights.iter().flatten().chain(&l.bias))
        .collect();
    let Some(d) = dtype_for(&all, preferred) else {
        let bad = all
            .iter()
            .find(|v| to_f64_exact(v).is_none())
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(NetworkError::invalid(
            "the converted network",
            format!("{bad} is not exactly a binary float, so it cannot be written to safetensors without rounding (write JSON instead)"),
        ));
    };
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (k, l) in net.layers.iter().enumerate() {
        let w: Vec<&BigRational> = l.weights.iter().flatten().collect();
        let b: Vec<&BigRational> = l.bias.iter().collect();
        buffers.push((
            format!("{}.weight", 2 * k),
            vec![l.outputs(), w.len() / l.outputs().max(1)],
            encode(&w, d),
        ));
        buffers.push((format!("{}.bias", 2 * k), vec![l.outputs()], encode(&b, d)));
    }
    let views = buffers
        .iter()
        .map(|(n, shape, data)| TensorView::new(d, shape.clone(), data).map(|v| (n.clone(), v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| NetworkError::invalid("the converted network", e.to_string()))?;
    let acts: Vec<String> = net.layers.iter().map(|l| l.activation.spec()).collect();
    let meta = HashMap::from([(ACTIVATIONS_KEY.to_owned(), acts.join(","))]);
    ::safetensors::serialize(views, Some(meta))
        .map_err(|e| NetworkError::invalid("the converted network", e.to_string()))
}
