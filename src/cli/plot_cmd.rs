//! `actsym plot EXPR... -o FILE | --terminal` and `actsym plot --book DIR`: flags
//! only; the library's `plot` module samples, lays out and draws.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use actsym::diff::Kink;
use actsym::plot::{self, Curve, Figure, Format, Frame, PlotError, Settings};
use serde_json::{json, Value};

use super::{emit, CliError, Session, EXIT_OK};

/// Flags of `actsym plot`.
#[derive(clap::Args, Debug)]
pub struct PlotArgs {
    /// Expressions of one variable, or network files (definitions, then the
    /// output's expression), drawn on shared axes. One starting with - goes after --.
    #[arg(value_name = "EXPR", required_unless_present = "book")]
    targets: Vec<String>,
    /// Draw the derivatives instead (the left-hand derivative at kinks unless --kink).
    #[arg(long)]
    derivative: bool,
    /// The derivative's order (1 to 8; implies --derivative).
    #[arg(long, value_name = "N")]
    order: Option<u32>,
    /// The x-range.
    #[arg(
        long,
        value_name = "A:B",
        default_value = "-8:8",
        allow_hyphen_values = true
    )]
    range: String,
    /// A fixed y-range (default: chosen from the values; a curve leaving it is clipped).
    #[arg(long, value_name = "A:B", allow_hyphen_values = true)]
    yrange: Option<String>,
    /// Evenly spaced sample points (2 to 100000), refined at kinks and jumps.
    #[arg(long, value_name = "N", default_value_t = 801)]
    points: usize,
    /// The derivative at a kink: left (the chapter's), right, or autodiff (PyTorch's).
    #[arg(long, value_name = "left|right|autodiff", value_parser = parse_kink, default_value = "left")]
    kink: Kink,
    /// A title above the plot.
    #[arg(long, value_name = "T")]
    title: Option<String>,
    /// Write the plot to FILE: PNG or SVG by its extension.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// The image size in pixels.
    #[arg(long, value_name = "WxH", default_value = "800x400")]
    size: String,
    /// Draw the plot in the terminal with braille characters.
    #[arg(long)]
    terminal: bool,
    /// Write the chapter's figures (and pReLU, GELU, Swish, the sigmoid chain) into DIR.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["targets", "output", "terminal"])]
    book: Option<PathBuf>,
    /// The image format of --book.
    #[arg(long, value_name = "png|svg", default_value = "png", value_parser = parse_format)]
    format: Format,
    /// Print one JSON object: the files written and each curve's pieces, jumps and
    /// breakpoints.
    #[arg(long)]
    json: bool,
}

fn parse_kink(s: &str) -> Result<Kink, String> {
    Kink::from_name(s).ok_or_else(|| format!("'{s}' is not one of left, right, autodiff"))
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::of(Path::new(&format!("f.{s}"))).ok_or_else(|| format!("'{s}' is not png or svg"))
}

/// Reads `A:B` as two finite numbers.
fn parse_range(flag: &str, text: &str) -> Result<(f64, f64), CliError> {
    let bad = || {
        CliError::input(format!(
            "error: {flag} takes A:B with A < B (for example -8:8), got '{text}'"
        ))
    };
    let (a, b) = text.split_once(':').ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    if a.is_finite() && b.is_finite() && a < b {
        Ok((a, b))
    } else {
        Err(bad())
    }
}

/// Reads `WxH`.
fn parse_size(text: &str) -> Result<(u32, u32), CliError> {
    let bad = || {
        CliError::input(format!(
            "error: --size takes WxH (for example 800x400), got '{text}'"
        ))
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    Ok((
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ))
}

fn fail(e: PlotError) -> CliError {
    match e {
        // Parse errors come rendered with their caret and "error:" already.
        PlotError::Load(m) if m.starts_with("error:") => CliError::input(m),
        e => CliError::input(format!("error: {e}")),
    }
}

pub fn run(session: &mut Session, args: &PlotArgs) -> Result<u8, CliError> {
    let size = parse_size(&args.size)?;
    if let Some(dir) = &args.book {
        let files = plot::book(dir, args.format, size, args.force).map_err(fail)?;
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        if args.json {
            emit(&format!("{}\n", json!({ "files": names })))?;
        } else {
            emit(&names.iter().map(|n| format!("{n}\n")).collect::<String>())?;
        }
        return Ok(EXIT_OK);
    }
    if args.output.is_none() && !args.terminal {
        return Err(CliError::input(
            "error: say where to draw: -o FILE.png | -o FILE.svg, --terminal, or --book DIR",
        ));
    }
    let settings = Settings {
        range: parse_range("--range", &args.range)?,
        points: args.points,
        kink: args.kink,
        y_range: args
            .yrange
            .as_deref()
            .map(|t| parse_range("--yrange", t))
            .transpose()?,
    };
    settings.validate().map_err(fail)?;
    let order = args.order.unwrap_or(u32::from(args.derivative));
    let g = &mut session.graph;
    let loaded = args
        .targets
        .iter()
        .map(|t| plot::load(g, t, super::session::INPUT_NAME))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let exprs: Vec<_> = loaded.iter().map(|l| l.expr).collect();
    let var = plot::variable(g, &exprs).map_err(fail)?;
    let curves: Vec<Curve> = loaded
        .iter()
        .map(|l| {
            let mut c = Curve::new(g, l.expr, var, order);
            if let Some(name) = &l.network {
                c.breakpoints = true;
                c.label = match order {
                    0 => format!("{name}({})", g.name(var)),
                    n => plot::derivative_label(name, n),
                };
            }
            c
        })
        .collect();
    let fig = plot::figure(g, var, &curves, &settings, args.title.clone()).map_err(fail)?;
    let frame = match &args.output {
        Some(path) => Some(plot::save(&fig, path, size, args.force).map_err(fail)?),
        None => None,
    };
    let text = args.terminal.then(|| terminal_text(&fig));
    if args.json {
        emit(&format!(
            "{}\n",
            report(&fig, args.output.as_deref(), frame, text)
        ))?;
        return Ok(EXIT_OK);
    }
    let mut out = text.unwrap_or_default();
    for t in &fig.traces {
        if let Some(note) = &t.note {
            out.push_str(&format!("note: {}: {note}\n", t.label));
        }
    }
    if let Some(path) = &args.output {
        out.push_str(&format!("{}\n", path.display()));
    }
    emit(&out)?;
    Ok(EXIT_OK)
}

/// The plot in braille, as wide as the terminal (80 columns when stdout is not one),
/// about half as tall as wide in dots.
fn terminal_text(fig: &Figure) -> String {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let (width, max_rows) = match terminal_size::terminal_size().filter(|_| tty) {
        Some((w, h)) => (usize::from(w.0), usize::from(h.0).saturating_sub(8)),
        None => (80, 40),
    };
    let rows = (width.saturating_sub(10) / 4).clamp(4, max_rows.max(4));
    let colour = tty && std::env::var_os("NO_COLOR").is_none();
    plot::terminal(fig, width, rows, colour)
}

fn report(fig: &Figure, path: Option<&Path>, frame: Option<Frame>, text: Option<String>) -> Value {
    let curves: Vec<Value> = fig
        .traces
        .iter()
        .map(|t| {
            let jumps: Vec<Value> = t
                .samples
                .jumps
                .iter()
                .map(|j| {
                    let num = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
                    json!({"x": j.x, "left": num(j.left), "right": num(j.right), "value": j.value})
                })
                .collect();
            json!({
                "label": t.label,
                "pieces": t.samples.pieces.len(),
                "points": t.samples.pieces.iter().map(Vec::len).sum::<usize>(),
                "jumps": jumps,
                "kinks": t.samples.kinks,
                "breakpoints": t.breakpoints.iter().map(|b| json!([b.0, b.1])).collect::<Vec<_>>(),
                "note": t.note,
            })
        })
        .collect();
    let mut obj = json!({
        "x_label": fig.x_label,
        "y_label": fig.y_label,
        "x_range": [fig.x_range.0, fig.x_range.1],
        "y_range": [fig.y_range.0, fig.y_range.1],
        "curves": curves,
    });
    if let Some(p) = path {
        obj["files"] = json!([p.display().to_string()]);
    }
    if let Some(f) = frame {
        obj["frame"] = json!({
            "size": [f.size.0, f.size.1],
            "x_pixels": [f.x.1 .0, f.x.1 .1],
            "y_pixels": [f.y.1 .0, f.y.1 .1],
        });
    }
    if let Some(t) = text {
        obj["terminal"] = json!(t);
    }
    obj
}
