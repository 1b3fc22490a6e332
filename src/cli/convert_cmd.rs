//! `actsym convert NET --to sigmoid|tanh [-o FILE] [--force]`: every tanh layer of a
//! network file becomes a sigmoid layer (tanh(u) = 2 sigmoid(2u) - 1, the factor 2
//! and the -1 folded into the next layer), or back; the result is written in the
//! input's kind (JSON or safetensors), and the two networks are checked equal:
//! structurally (`network::convert::structurally_equal`: the affine maps exactly,
//! the scalar identity proved by the checker), else by the checker, output by output.

use std::path::{Path, PathBuf};
use std::time::Duration;

use actsym::defs;
use actsym::network::convert::{convert, structurally_equal, Target};
use actsym::network::{json as netjson, safetensors as netst, Format};
use actsym::parse::Claim;
use actsym::prove::verdict::{decide_claim, Options, Verdict};
use safetensors::tensor::Dtype;
use serde_json::json;

use super::check_cmd::exit_code;
use super::netfile::{self, network_error, shape_text};
use super::output::Sink;
use super::{emit, CliError, Session};

/// The activation `--to` converts to.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ToArg {
    /// tanh layers become sigmoid layers.
    Sigmoid,
    /// sigmoid layers become tanh layers.
    Tanh,
}

/// Flags of `actsym convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// The network file (JSON or safetensors).
    #[arg(value_name = "NETWORK_FILE")]
    network: PathBuf,
    /// The activation to convert to.
    #[arg(long, value_enum)]
    to: ToArg,
    /// Write the converted network to FILE (in the input's kind; a JSON network is
    /// printed on stdout without -o).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing -o file.
    #[arg(long, requires = "output")]
    force: bool,
    /// The activations of a safetensors file that does not name them.
    #[arg(long, value_name = "LIST")]
    activations: Option<String>,
    /// Time budget of the equality check, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    time_limit: f64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Proved => "proved",
        Verdict::Verified => "verified",
        Verdict::Refuted => "refuted",
        Verdict::Unknown => "unknown",
    }
}

/// The weaker of two verdicts (refuted wins, then unknown, verified, proved).
fn weaker(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v: Verdict| match v {
        Verdict::Proved => 0,
        Verdict::Verified => 1,
        Verdict::Unknown => 2,
        Verdict::Refuted => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

pub fn run(session: &mut Session, args: &ConvertArgs) -> Result<u8, CliError> {
    if !(args.time_limit > 0.0 && args.time_limit <= 3600.0) {
        return Err(CliError::flag(
            "--time-limit must be between 0 and 3600 seconds",
        ));
    }
    let g = &mut session.graph;
    let path: &Path = &args.network;
    let loaded = netfile::load(g, path, args.activations.as_deref())?;
    let Some(net) = &loaded.network else {
        return Err(CliError::input(format!(
            "{}: convert needs a network file (JSON or safetensors), not actsym text",
            path.display()
        )));
    };
    if args.activations.is_some() && loaded.format != Format::Safetensors {
        return Err(CliError::flag(
            "--activations applies to a safetensors file",
        ));
    }
    let (target, from, to) = match args.to {
        ToArg::Sigmoid => (Target::Sigmoid, "tanh", "sigmoid"),
        ToArg::Tanh => (Target::Tanh, "sigmoid", "tanh"),
    };
    let (converted, changed) = convert(net, target);
    let back = convert(
        &converted,
        match target {
            Target::Sigmoid => Target::Tanh,
            Target::Tanh => Target::Sigmoid,
        },
    )
    .0;
    let round_trip = back == *net;
    // Write in the input's kind.
    let mut printed_json = None;
    match (loaded.format, &args.output) {
        (Format::Safetensors, Some(out)) => {
            let bytes = std::fs::read(path).unwrap_or_default();
            let dtype = netst::first_dtype(&bytes).unwrap_or(Dtype::F32);
            let data = netst::write(&converted, dtype).map_err(|e| network_error(out, &e))?;
            let mut sink = Sink::open(Some(out), args.force)?;
            sink.write_bytes(&data)?;
            sink.finish()?;
        }
        (Format::Safetensors, None) => {
            return Err(CliError::flag(
                "a safetensors network is binary: give -o FILE for the converted network",
            ))
        }
        (_, Some(out)) => {
            let mut sink = Sink::open(Some(out), args.force)?;
            sink.write(&netjson::write(&converted))?;
            sink.finish()?;
        }
        (_, None) => printed_json = Some(netjson::write(&converted)),
    }
    // Check the two networks equal: structurally (the affine maps exactly, the
    // scalar identities by the checker), else by the checker, output by output.
    let opts = Options {
        time_limit: Duration::from_secs_f64(args.time_limit),
        ..Options::default()
    };
    let mut verdict = Verdict::Proved;
    let mut methods = Vec::new();
    let structural = structurally_equal(net, &converted).filter(|ids| {
        ids.iter().all(|id| {
            defs::parse_claim(g, id.claim())
                .is_ok_and(|c| decide_claim(g, &c, &opts).verdict == Verdict::Proved)
        })
    });
    if let Some(ids) = structural {
        let claims: Vec<&str> = ids.iter().map(|id| id.claim()).collect();
        methods.push(format!(
            "structural: the affine maps agree exactly, unit by unit, given {} (proved)",
            if claims.is_empty() {
                "no identity".to_owned()
            } else {
                claims.join(" and ")
            }
        ));
    } else {
        let a = net.build(g).map_err(|e| network_error(path, &e))?;
        let b = converted.build(g).map_err(|e| network_error(path, &e))?;
        for (&l, &r) in a.iter().zip(&b) {
            let report = decide_claim(g, &Claim::equality(l, r, Vec::new()), &opts);
            verdict = weaker(verdict, report.verdict);
            methods.push(if report.method.is_empty() {
                report.note.unwrap_or_default()
            } else {
                report.method
            });
        }
    }
    methods.dedup();
    let written = args.output.as_ref().map(|p| p.display().to_string());
    if args.json {
        let mut obj = json!({
            "network": path.display().to_string(),
            "format": loaded.format.name(),
            "to": to,
            "converted_layers": changed,
            "shape": converted.shape(),
            "output": written,
            "round_trip_identical": round_trip,
            "verdict": verdict_name(verdict),
            "method": methods.join("; "),
        });
        if let Some(text) = &printed_json {
            obj["converted"] = serde_json::from_str(text).unwrap_or_default();
        }
        emit(&format!("{obj}\n"))?;
    } else {
        let mut out = String::new();
        if let Some(text) = &printed_json {
            out.push_str(text);
        }
        let report = format!(
            "{}: {changed} {from} layer(s) converted to {to} (shape {}, now {})\n{}converting back gives the same network: {}\nthe two networks are equal: {} ({})\n",
            path.display(),
            shape_text(net),
            shape_text(&converted),
            written.map(|w| format!("written to {w}\n")).unwrap_or_default(),
            if round_trip { "yes" } else { "no" },
            verdict_name(verdict),
            methods.join("; ")
        );
        if printed_json.is_some() {
            // stdout holds the network; the report goes to stderr.
            eprint!("{report}");
        } else {
            out.push_str(&report);
        }
        emit(&out)?;
    }
    Ok(exit_code(verdict))
}
