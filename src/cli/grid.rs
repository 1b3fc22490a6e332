//! `actsym eval EXPR --grid A:B:N`: a table of values over evenly spaced points, with
//! the certified MPFR evaluator (exact grid points, correct digits) or, with `--fast`,
//! the compiled f64 evaluator (each exact grid point rounded once to f64). Undefined
//! points print as `undefined`, never NaN. The table is streamed, as aligned text,
//! CSV or JSON, to stdout or to `-o FILE`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use actsym::certified;
use actsym::defs;
use actsym::expr::{BigRational, ExprId, Graph, Symbol};
use actsym::fast::Tape;
use num_traits::{Signed, ToPrimitive};

use super::common::KinkArg;
use super::output::{Progress, Sink};
use super::CliError;

/// The most grid points with the MPFR evaluator.
pub const MAX_POINTS: usize = 100_000;
/// The most grid points with `--fast`.
pub const MAX_FAST_POINTS: usize = 10_000_000;

/// A grid `A:B:N`: `N` points from `A` to `B`, both included.
pub struct Grid {
    lo: BigRational,
    hi: BigRational,
    n: usize,
}

fn exact(text: &str, what: &str) -> Result<BigRational, CliError> {
    let mut scratch = Graph::new();
    let id =
        defs::parse_expr(&mut scratch, text).map_err(|e| CliError::parse(text, "<grid>", &e))?;
    scratch.as_num(id).cloned().ok_or_else(|| {
        CliError::flag(format!(
            "--grid {what} '{text}' is not an exact rational such as -8, 1/2 or 0.1"
        ))
    })
}

impl Grid {
    /// Reads `A:B:N`.
    pub fn parse(text: &str, fast: bool) -> Result<Grid, CliError> {
        let text = text.trim();
        let parts: Vec<&str> = text.split(':').collect();
        let [a, b, n] = parts.as_slice() else {
            return Err(CliError::flag(format!(
                "--grid takes A:B:N (for example -8:8:17), got '{text}'"
            )));
        };
        let lo = exact(a.trim(), "start")?;
        let hi = exact(b.trim(), "end")?;
        let max = if fast { MAX_FAST_POINTS } else { MAX_POINTS };
        let n: usize = n
            .trim()
            .parse()
            .ok()
            .filter(|&n| (1..=max).contains(&n))
            .ok_or_else(|| {
                CliError::flag(format!(
                    "--grid N must be a whole number from 1 to {max}, got '{n}'"
                ))
            })?;
        if lo > hi {
            return Err(CliError::flag("--grid A:B:N needs A <= B"));
        }
        if fast {
            let limit = BigRational::from_float(f64::MAX).unwrap_or_default();
            if lo.abs() > limit || hi.abs() > limit {
                return Err(CliError::flag(
                    "--grid reaches beyond the range of f64 (about 1.8e308), where --fast cannot evaluate; drop --fast for the certified evaluator",
                ));
            }
        }
        Ok(Grid { lo, hi, n })
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// The exact point `k` (of `0..n`).
    pub fn point(&self, k: usize) -> BigRational {
        if self.n == 1 {
            return self.lo.clone();
        }
        let last = BigRational::from_integer((self.n - 1).into());
        &self.lo + (&self.hi - &self.lo) * BigRational::from_integer(k.into()) / last
    }

    /// Every point rounded once to f64. With small numerators and denominators, as
    /// on most grids, `(a + k*b) / d` is computed in f64 exactly and divided once
    /// (correctly rounded); otherwise each point is converted from its exact value.
    pub fn f64_points(&self) -> Vec<f64> {
        const EXACT: i128 = 1 << 53;
        let n1 = (self.n.max(2) - 1) as i128;
        let d = self.lo.denom() * self.hi.denom();
        let a = self.lo.numer() * self.hi.denom();
        let b = self.hi.numer() * self.lo.denom() - &a;
        let small = (|| {
            let a = a.to_i128()?.checked_mul(n1)?;
            let b = b.to_i128()?;
            let d = d.to_i128()?.checked_mul(n1)?;
            let top = a.abs().checked_add(b.abs().checked_mul(n1)?)?;
            (top < EXACT && d < EXACT).then_some((a, b, d))
        })();
        match small {
            Some((a, b, d)) if self.n > 1 => (0..self.n)
                .map(|k| (a + b * k as i128) as f64 / d as f64)
                .collect(),
            _ => (0..self.n)
                .map(|k| self.point(k).to_f64().unwrap_or(f64::NAN))
                .collect(),
        }
    }
}

/// What the table is printed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// Aligned columns with a header.
    Text,
    /// `x,expr` then one row a point.
    Csv,
    /// One JSON object with `points`.
    Json,
}

impl TableFormat {
    /// The name in the JSON summary.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Text => "text",
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
        }
    }

    /// From the flags, then from the output file's extension.
    pub fn choose(csv: bool, json: bool, output: Option<&Path>) -> TableFormat {
        let ext = output
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if csv || ext.as_deref() == Some("csv") {
            TableFormat::Csv
        } else if json || ext.as_deref() == Some("json") {
            TableFormat::Json
        } else {
            TableFormat::Text
        }
    }
}

/// The table being written: its header, format and destination.
pub struct Table<'a> {
    /// The variable's name.
    pub var: &'a str,
    /// The expression as typed.
    pub header: &'a str,
    /// `mpfr` or `fast f64`.
    pub engine: &'static str,
    /// The format.
    pub format: TableFormat,
    /// The tape listing, for a JSON table (`--show-tape`).
    pub tape: Option<&'a str>,
}

/// `text` right-aligned in `width` characters (by hand: std's `{:>width$}` panics
/// for a width past u16::MAX, and a grid point like 10^100000 is that wide).
fn pad_left(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{}{text}", " ".repeat(width.saturating_sub(n)))
}

impl Table<'_> {
    fn begin(&self, sink: &mut Sink, width: usize) -> Result<(), CliError> {
        match self.format {
            TableFormat::Csv => sink.write(&format!("{},{}\n", self.var, csv_field(self.header))),
            TableFormat::Text => {
                let var = self.var;
                sink.write(&format!("{}  {}\n", pad_left(var, width), self.header))
            }
            TableFormat::Json => {
                let mut head = serde_json::json!({
                    "expression": self.header,
                    "var": self.var,
                    "engine": self.engine,
                });
                if let (Some(t), Some(map)) = (self.tape, head.as_object_mut()) {
                    map.insert("tape".into(), t.into());
                }
                let head = head.to_string();
                // `{...}` without its closing brace, then the points.
                sink.write(&format!("{},\"points\":[", &head[..head.len() - 1]))
            }
        }
    }

    fn row(&self, out: &mut String, k: usize, x: &str, v: &str, width: usize, var_key: &str) {
        match self.format {
            TableFormat::Csv => {
                let _ = writeln!(out, "{x},{v}");
            }
            TableFormat::Text => {
                let _ = writeln!(out, "{}  {v}", pad_left(x, width));
            }
            TableFormat::Json => {
                let sep = if k == 0 { "" } else { "," };
                let _ = write!(out, "{sep}{{{var_key}:\"{x}\",\"value\":\"{v}\"}}");
            }
        }
    }

    fn end(&self, sink: &mut Sink) -> Result<(), CliError> {
        if self.format == TableFormat::Json {
            sink.write("]}\n")?;
        }
        Ok(())
    }
}

/// Values with the certified evaluator, written row by row.
#[allow(clippy::too_many_arguments)]
pub fn write_exact(
    g: &mut Graph,
    root: ExprId,
    var: Symbol,
    env: &HashMap<Symbol, BigRational>,
    grid: &Grid,
    digits: u32,
    table: &Table,
    sink: &mut Sink,
) -> Result<(), CliError> {
    let xs: Vec<BigRational> = (0..grid.n).map(|k| grid.point(k)).collect();
    let texts: Vec<String> = xs
        .iter()
        .map(|p| certified::decimal_of_rational(p, 17))
        .collect();
    let width = texts
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(table.var.len());
    let var_key = serde_json::to_string(table.var).unwrap_or_default();
    table.begin(sink, width)?;
    let mut progress = Progress::new(grid.n as u64, "points");
    let mut buf = String::new();
    for (k, (p, x)) in xs.iter().zip(&texts).enumerate() {
        let mut at = env.clone();
        at.insert(var, p.clone());
        let value = match certified::evaluate(g, root, &at, digits) {
            Ok(v) => v.decimal,
            Err(certified::EvalError::Undefined { .. }) => "undefined".into(),
            Err(e) => {
                progress.finish();
                return Err(CliError::new(
                    "evaluation_error",
                    format!("{e} at {} = {p}", g.name(var)),
                ));
            }
        };
        buf.clear();
        table.row(&mut buf, k, x, &value, width, &var_key);
        sink.write(&buf)?;
        progress.inc(1);
    }
    progress.finish();
    table.end(sink)
}

/// The compiled tape of `root` over `vars`. The left-hand convention compiles
/// `diff(...)` itself (keeping fused kernels); the others compile `unfolded`, where
/// every `diff(...)` was already taken under the chosen convention.
pub fn compile(
    g: &mut Graph,
    root: ExprId,
    unfolded: ExprId,
    vars: &[Symbol],
    kink: KinkArg,
) -> Result<Tape, CliError> {
    let tape = if kink == KinkArg::Left {
        Tape::compile_unfolding(g, root, vars)
    } else {
        Tape::compile(g, unfolded, vars)
    };
    tape.map_err(|e| CliError::new("compile_error", e.to_string()))
}

/// The parameters given with `--at` as extra inputs of a tape, sorted by name.
pub fn parameters(g: &Graph, env: &HashMap<Symbol, BigRational>) -> Vec<(Symbol, f64)> {
    let mut params: Vec<(Symbol, f64)> = env
        .iter()
        .map(|(&s, r)| (s, r.to_f64().unwrap_or(f64::NAN)))
        .collect();
    params.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
    params
}

/// The f64 text of a fast value: `undefined` for NaN, `overflow` for an infinity.
pub fn fast_value_text(v: f64) -> String {
    if v.is_nan() {
        "undefined".to_owned()
    } else if v.is_infinite() {
        "overflow".to_owned()
    } else {
        float_text(v)
    }
}

/// Values with the compiled f64 evaluator, written row by row.
pub fn write_fast(
    tape: &Tape,
    params: &[(Symbol, f64)],
    grid: &Grid,
    table: &Table,
    sink: &mut Sink,
) -> Result<(), CliError> {
    let xs = grid.f64_points();
    let columns: Vec<Vec<f64>> = params.iter().map(|p| vec![p.1; grid.n]).collect();
    let mut inputs: Vec<&[f64]> = vec![&xs];
    inputs.extend(columns.iter().map(Vec::as_slice));
    let mut out = vec![0.0; grid.n];
    tape.eval_batch_parallel(&inputs, &mut out)
        .map_err(|e| CliError::new("evaluation_error", e.to_string()))?;
    let width = if table.format == TableFormat::Text {
        xs.iter()
            .map(|&x| float_text(x).len())
            .max()
            .unwrap_or(0)
            .max(table.var.len())
    } else {
        0
    };
    let var_key = serde_json::to_string(table.var).unwrap_or_default();
    table.begin(sink, width)?;
    let mut progress = Progress::new(grid.n as u64, "rows");
    let mut buf = String::with_capacity(1 << 16);
    for (k, (&x, &v)) in xs.iter().zip(&out).enumerate() {
        table.row(
            &mut buf,
            k,
            &float_text(x),
            &fast_value_text(v),
            width,
            &var_key,
        );
        if buf.len() > (1 << 16) - 128 {
            sink.write(&buf)?;
            buf.clear();
            progress.inc(1 << 12);
        }
    }
    sink.write(&buf)?;
    progress.finish();
    table.end(sink)
}

/// The shortest text that reads back as the same f64, in plain notation for
/// moderate magnitudes and scientific notation otherwise.
pub fn float_text(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_points_are_exact_points_rounded_once() {
        for (text, expected) in [
            ("-1:1:5", vec![-1.0, -0.5, 0.0, 0.5, 1.0]),
            ("0:1/3:4", vec![0.0, 1.0 / 9.0, 2.0 / 9.0, 1.0 / 3.0]),
            ("0.1:0.3:3", vec![0.1, 0.2, 0.3]),
            ("-1e308:1e308:3", vec![-1e308, 0.0, 1e308]),
            ("5:5:1", vec![5.0]),
        ] {
            let grid = Grid::parse(text, true).unwrap();
            assert_eq!(grid.f64_points(), expected, "{text}");
        }
        assert!(Grid::parse("-1e309:0:3", true).is_err());
        assert!(Grid::parse("-1e309:0:3", false).is_ok());
    }
}
