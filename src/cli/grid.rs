//! `actsym eval EXPR --grid A:B:N`: a table of values over evenly spaced points, with
//! the certified MPFR evaluator (exact grid points, correct digits) or, with `--fast`,
//! the compiled f64 evaluator. Undefined points print as `undefined`, never NaN.

use std::collections::HashMap;

use actsym::certified;
use actsym::defs;
use actsym::expr::{BigRational, ExprId, Graph, Symbol};
use actsym::fast::Tape;

use super::CliError;

/// The most grid points with the MPFR evaluator, and with `--fast`.
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
    let id = defs::parse_expr(&mut scratch, text).map_err(|e| {
        CliError::input(format!(
            "error: in --grid ({what})\n{}",
            e.render(text, "<grid>")
        ))
    })?;
    scratch.as_num(id).cloned().ok_or_else(|| {
        CliError::input(format!(
            "error: --grid {what} '{text}' is not an exact rational such as -8, 1/2 or 0.1"
        ))
    })
}

impl Grid {
    /// Reads `A:B:N`.
    pub fn parse(text: &str, fast: bool) -> Result<Grid, CliError> {
        let parts: Vec<&str> = text.split(':').collect();
        let [a, b, n] = parts.as_slice() else {
            return Err(CliError::input(format!(
                "error: --grid takes A:B:N (for example -8:8:17), got '{text}'"
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
                CliError::input(format!(
                    "error: --grid N must be a whole number from 1 to {max}, got '{n}'"
                ))
            })?;
        if lo > hi {
            return Err(CliError::input("error: --grid A:B:N needs A <= B"));
        }
        Ok(Grid { lo, hi, n })
    }

    /// The exact points.
    pub fn points(&self) -> Vec<BigRational> {
        if self.n == 1 {
            return vec![self.lo.clone()];
        }
        let step = (&self.hi - &self.lo) / BigRational::from_integer((self.n - 1).into());
        (0..self.n)
            .map(|k| &self.lo + &step * BigRational::from_integer(k.into()))
            .collect()
    }
}

/// One row of the table: the point and the value's text.
pub type Row = (String, String);

/// Values with the certified evaluator.
pub fn exact_rows(
    g: &mut Graph,
    root: ExprId,
    var: Symbol,
    env: &HashMap<Symbol, BigRational>,
    grid: &Grid,
    digits: u32,
) -> Result<Vec<Row>, CliError> {
    let mut rows = Vec::with_capacity(grid.n);
    for p in grid.points() {
        let mut at = env.clone();
        at.insert(var, p.clone());
        let value = match certified::evaluate(g, root, &at, digits) {
            Ok(v) => v.decimal,
            Err(certified::EvalError::Undefined { .. }) => "undefined".into(),
            Err(e) => {
                return Err(CliError::input(format!(
                    "error: {e} at {} = {p}",
                    g.name(var)
                )))
            }
        };
        rows.push((certified::decimal_of_rational(&p, 17), value));
    }
    Ok(rows)
}

/// Values with the compiled f64 evaluator; parameters given with `--at` are inputs too.
/// A `diff(...)` of a smooth expression is differentiated by the compiler (keeping its
/// fused kernels); one with kinks is differentiated symbolically first.
pub fn fast_rows(
    g: &mut Graph,
    root: ExprId,
    var: Symbol,
    env: &HashMap<Symbol, BigRational>,
    grid: &Grid,
    show_tape: bool,
) -> Result<(Vec<Row>, Option<String>), CliError> {
    let mut vars = vec![var];
    let mut params: Vec<(Symbol, f64)> = env.iter().map(|(&s, r)| (s, to_f64(r))).collect();
    params.sort_by(|a, b| g.name(a.0).cmp(g.name(b.0)));
    vars.extend(params.iter().map(|p| p.0));
    let tape = Tape::compile_unfolding(g, root, &vars)
        .map_err(|e| CliError::input(format!("error: {e}")))?;
    let lo = to_f64(&grid.lo);
    let hi = to_f64(&grid.hi);
    let xs: Vec<f64> = (0..grid.n)
        .map(|k| {
            if grid.n == 1 {
                lo
            } else {
                lo + (hi - lo) * (k as f64) / ((grid.n - 1) as f64)
            }
        })
        .collect();
    let columns: Vec<Vec<f64>> = params.iter().map(|p| vec![p.1; grid.n]).collect();
    let mut inputs: Vec<&[f64]> = vec![&xs];
    inputs.extend(columns.iter().map(Vec::as_slice));
    let mut out = vec![0.0; grid.n];
    tape.eval_batch_parallel(&inputs, &mut out)
        .map_err(|e| CliError::input(format!("error: {e}")))?;
    let rows = xs
        .iter()
        .zip(&out)
        .map(|(x, v)| {
            let value = if v.is_nan() {
                "undefined".to_owned()
            } else if v.is_infinite() {
                "overflow".to_owned()
            } else {
                float_text(*v)
            };
            (float_text(*x), value)
        })
        .collect();
    Ok((rows, show_tape.then(|| tape.to_string())))
}

/// The shortest text that reads back as the same f64, in plain notation for
/// moderate magnitudes and scientific notation otherwise.
fn float_text(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn to_f64(r: &BigRational) -> f64 {
    num_traits::ToPrimitive::to_f64(r).unwrap_or(f64::NAN)
}

/// The table as aligned text or CSV.
pub fn render(var: &str, header: &str, rows: &[Row], csv: bool) -> String {
    let mut out = String::new();
    if csv {
        out.push_str(&format!("{var},{}\n", csv_field(header)));
        for (x, v) in rows {
            out.push_str(&format!("{x},{v}\n"));
        }
        return out;
    }
    let width = rows
        .iter()
        .map(|r| r.0.len())
        .max()
        .unwrap_or(0)
        .max(var.len());
    out.push_str(&format!("{var:>width$}  {header}\n"));
    for (x, v) in rows {
        out.push_str(&format!("{x:>width$}  {v}\n"));
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
