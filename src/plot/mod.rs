//! Plots of functions of one variable and their derivatives: PNG and SVG files
//! (plotters, with an embedded DejaVu font, so no system fonts are needed) and
//! Unicode braille in the terminal, drawn honestly at kinks and jumps.
//!
//! The pipeline: a [`Curve`] (an expression, a derivative order, a label) is compiled
//! for the fast evaluator and sampled into a [`Trace`] ([`trace`]): polylines that
//! never cross a jump or an undefined point, the jumps with their one-sided limits
//! and the value the derivative convention gives there (a dot), and, for networks,
//! the exact breakpoints ([`crate::pwl::analyse`]). Traces share a [`Figure`] (axis
//! labels, x-range, a y-range chosen robustly or given); the figure is written to a
//! file ([`save`], PNG or SVG by the extension) or rendered as text ([`terminal`]).
//! [`book`] writes the chapter's figures.
//!
//! ```
//! use actsym::{defs, diff::Kink, expr::Graph, plot};
//!
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "relu(x)").unwrap();
//! let x = g.symbol("x");
//! let settings = plot::Settings::default(); // [-8, 8], 801 points, left-hand kinks
//! let curve = plot::Curve::new(&g, e, x, 1); // its derivative: "grad of relu"
//! let fig = plot::figure(&mut g, x, &[curve], &settings, None).unwrap();
//! let t = &fig.traces[0];
//! assert_eq!(t.label, "grad of relu");
//! assert_eq!(t.samples.pieces.len(), 2); // two horizontal pieces, nothing joins them
//! assert_eq!(t.samples.jumps[0].value, Some(0.0)); // the left-hand value at 0
//! let text = plot::terminal(&fig, 60, 12, false);
//! assert!(text.contains("grad of relu"));
//! ```

mod book;
mod braille;
mod draw;
mod layout;
mod sample;
mod source;

use std::path::PathBuf;

use num_traits::ToPrimitive;

use crate::diff::Kink;
use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::fast::{CompileError, Tape};
use crate::unfold::{unfold, UnfoldError};

pub use book::{book, BOOK_FIGURES};
pub use braille::{terminal, Canvas};
pub use draw::{save, Format, Frame};
pub use layout::{clip, tick_text, ticks, y_range};
pub use sample::{grid, sample, Jump, Samples};
pub use source::{load, Loaded};

/// The highest derivative order a plot takes.
pub const MAX_ORDER: u32 = 8;
/// The most sample points of one curve.
pub const MAX_POINTS: usize = 100_000;
/// The most kink arguments examined on one curve (a network has one per neuron).
pub const MAX_KINK_ARGUMENTS: usize = 2_000;

/// Why a plot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A file or expression could not be read; the message is rendered.
    #[error("{0}")]
    Load(String),
    /// The curves are not functions of one variable.
    #[error("{0}")]
    Variables(String),
    /// The fast evaluator cannot compile the curve.
    #[error("cannot evaluate {label}: {source}")]
    Compile {
        /// The curve.
        label: String,
        /// Why.
        source: CompileError,
    },
    /// The curve could not be unfolded (a derivative that cannot be taken, the
    /// graph's limits).
    #[error("cannot differentiate {label}: {source}")]
    Derivative {
        /// The curve.
        label: String,
        /// Why.
        source: UnfoldError,
    },
    /// A setting out of bounds (range, points, order, size).
    #[error("{0}")]
    Setting(String),
    /// The output file exists and overwriting was not asked for.
    #[error("{} exists (use --force to overwrite it)", .0.display())]
    Exists(PathBuf),
    /// The output's directory does not exist.
    #[error("cannot write {}: the directory {} does not exist", .path.display(), .dir.display())]
    NoDirectory {
        /// The output file.
        path: PathBuf,
        /// Its missing directory.
        dir: PathBuf,
    },
    /// The output's extension is neither `.png` nor `.svg`.
    #[error("cannot write {}: the file name must end in .png or .svg", .0.display())]
    Extension(PathBuf),
    /// Writing the file failed.
    #[error("cannot write {}: {message}", .path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// How curves are sampled.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The x-range.
    pub range: (f64, f64),
    /// Evenly spaced sample points (refined further at kinks and jumps).
    pub points: usize,
    /// The derivative convention at kinks.
    pub kink: Kink,
    /// A fixed y-range instead of the one chosen from the values.
    pub y_range: Option<(f64, f64)>,
}

impl Default for Settings {
    /// The chapter's `[-8, 8]`, 801 points, left-hand derivatives, automatic y-range.
    fn default() -> Self {
        Settings {
            range: (-8.0, 8.0),
            points: 801,
            kink: Kink::Left,
            y_range: None,
        }
    }
}

impl Settings {
    /// Checks the bounds: a finite range with `lo < hi`, 2 to [`MAX_POINTS`] points.
    ///
    /// # Errors
    /// [`PlotError::Setting`] naming the setting.
    pub fn validate(&self) -> Result<(), PlotError> {
        // The width must be finite and wide enough for f64 samples to differ.
        let ok = |(a, b): (f64, f64)| {
            let w = b - a;
            a.is_finite() && b.is_finite() && w.is_finite() && w > 1e-9 * a.abs().max(b.abs())
        };
        if !ok(self.range) {
            return Err(PlotError::Setting(format!(
                "the x-range must be finite with A < B (and B - A not vanishingly small against them), got {:?}:{:?}",
                self.range.0, self.range.1
            )));
        }
        if let Some(y) = self.y_range.filter(|&y| !ok(y)) {
            return Err(PlotError::Setting(format!(
                "the y-range must be finite with A < B (and B - A not vanishingly small against them), got {:?}:{:?}",
                y.0, y.1
            )));
        }
        if !(2..=MAX_POINTS).contains(&self.points) {
            return Err(PlotError::Setting(format!(
                "the number of points must be from 2 to {MAX_POINTS}, got {}",
                self.points
            )));
        }
        Ok(())
    }
}

/// One function to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Curve {
    /// The function (of the figure's variable).
    pub expr: ExprId,
    /// How many times to differentiate it (0 draws the function).
    pub order: u32,
    /// The label: the y-axis label when alone, the legend entry otherwise.
    pub label: String,
    /// Mark the exact breakpoints (for networks).
    pub breakpoints: bool,
}

impl Curve {
    /// The `order`-th derivative of `expr` with the chapter's label ([`label`]).
    #[must_use]
    pub fn new(g: &Graph, expr: ExprId, var: Symbol, order: u32) -> Curve {
        Curve {
            expr,
            order,
            label: label(g, expr, var, order),
            breakpoints: false,
        }
    }
}

/// One curve, sampled.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The label.
    pub label: String,
    /// The polylines, jumps and kinks.
    pub samples: Samples,
    /// Exact breakpoints `(x, value)` inside the range, when asked for.
    pub breakpoints: Vec<(f64, f64)>,
    /// Why breakpoints asked for could not be found exactly.
    pub note: Option<String>,
}

/// Curves on shared axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The curves, in legend order.
    pub traces: Vec<Trace>,
    /// The x-range.
    pub x_range: (f64, f64),
    /// The y-range: values outside are clipped.
    pub y_range: (f64, f64),
    /// The x-axis label (the variable).
    pub x_label: String,
    /// The y-axis label.
    pub y_label: String,
    /// A title above the plot.
    pub title: Option<String>,
}

/// The chapter's label for the `order`-th derivative of `e`: the expression itself
/// (`relu(x)`), `grad of relu` for the derivative of a call on the variable,
/// `grad of (x^2 + 1)` otherwise; order 2 is `grad of grad of relu`, higher orders
/// `grad^3 of relu`.
#[must_use]
pub fn label(g: &Graph, e: ExprId, var: Symbol, order: u32) -> String {
    if order == 0 {
        return crate::print::text(g, e);
    }
    let of = match g.node(e) {
        Node::Call(f, args) if args.first().is_some_and(|a| *g.node(*a) == Node::Var(var)) => {
            g.name(*f).to_owned()
        }
        Node::Func(f, a) if *g.node(*a) == Node::Var(var) => f.name().to_owned(),
        _ => format!("({})", crate::print::text(g, e)),
    };
    derivative_label(&of, order)
}

/// The label of the `order`-th derivative of the function called `of`:
/// `grad of relu`, `grad of grad of relu`, `grad^3 of relu` (order 0: `of`).
#[must_use]
pub fn derivative_label(of: &str, order: u32) -> String {
    match order {
        0 => of.to_owned(),
        1 => format!("grad of {of}"),
        2 => format!("grad of grad of {of}"),
        n => format!("grad^{n} of {of}"),
    }
}

/// The variable of a set of expressions: `x` when present, else the only free
/// variable (`x` for constants).
///
/// # Errors
/// [`PlotError::Variables`] when they have more than one.
pub fn variable(g: &mut Graph, exprs: &[ExprId]) -> Result<Symbol, PlotError> {
    let mut free: Vec<Symbol> = exprs.iter().flat_map(|&e| g.free_vars(e)).collect();
    free.sort_unstable();
    free.dedup();
    if let Some(&x) = free.iter().find(|&&s| g.name(s) == "x") {
        if free.len() == 1 {
            return Ok(x);
        }
    }
    match free.as_slice() {
        [] => Ok(g.symbol("x")),
        [only] => Ok(*only),
        many => Err(PlotError::Variables(format!(
            "a plot draws functions of one variable; these have {} (give the others values, e.g. prelu(x, 0.25))",
            many.iter().map(|&s| g.name(s)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The expressions whose roots are the kink points, jumps, poles and domain edges
/// of `e` (primitives only): arguments of `max`/`min` (as a difference), `abs` and
/// `sign`, comparisons (as a difference), bases of negative or fractional powers,
/// arguments of `log`. Only those depending on `var`, at most
/// [`MAX_KINK_ARGUMENTS`].
fn kink_arguments(g: &mut Graph, e: ExprId, var: Symbol) -> Vec<ExprId> {
    let mut out = Vec::new();
    for id in g.reachable(&[e]) {
        let arg = match g.node(id).clone() {
            Node::Max(a, b) | Node::Min(a, b) | Node::Cmp(_, a, b) => g.sub(a, b),
            Node::Func(Func::Abs | Func::Sign | Func::Log, a) => a,
            Node::Pow(base, p) => match g.as_num(p) {
                Some(p) if p.is_integer() && *p.numer() > 0.into() => continue,
                _ => base,
            },
            _ => continue,
        };
        if g.free_vars(arg).contains(&var) && !out.contains(&arg) {
            out.push(arg);
            if out.len() == MAX_KINK_ARGUMENTS {
                break;
            }
        }
    }
    out
}

/// Samples one curve (see the module documentation).
///
/// # Errors
/// A derivative order above [`MAX_ORDER`], a curve the fast evaluator cannot
/// compile, or a failed derivative.
pub fn trace(
    g: &mut Graph,
    var: Symbol,
    curve: &Curve,
    settings: &Settings,
) -> Result<Trace, PlotError> {
    settings.validate()?;
    if curve.order > MAX_ORDER {
        return Err(PlotError::Setting(format!(
            "the derivative order must be at most {MAX_ORDER}, got {}",
            curve.order
        )));
    }
    let label = curve.label.clone();
    let mut d = curve.expr;
    for _ in 0..curve.order {
        d = g.diff_node(d, var);
    }
    // The left-hand convention is the compiler's own (it differentiates in its IR);
    // the others are taken symbolically first.
    let plotted = match settings.kink {
        Kink::Left => d,
        kink => unfold(g, d, kink).map_err(|source| PlotError::Derivative {
            label: label.clone(),
            source,
        })?,
    };
    // Derivatives break only where the function does (every rule keeps the
    // arguments of max, min, abs, sign, conditions, powers and log), so the kink
    // points are read from the function itself (unfolded: every `diff(...)` taken in
    // the `kink` convention, every definition inlined): no symbolic n-th derivative
    // needed.
    let structure =
        unfold(g, curve.expr, settings.kink).map_err(|source| PlotError::Derivative {
            label: label.clone(),
            source,
        })?;
    let tape =
        Tape::compile_unfolding(g, plotted, &[var]).map_err(|source| PlotError::Compile {
            label: label.clone(),
            source,
        })?;
    let args: Vec<Tape> = kink_arguments(g, structure, var)
        .into_iter()
        .filter_map(|a| Tape::compile(g, a, &[var]).ok())
        .collect();
    let (lo, hi) = settings.range;
    let samples = sample(&tape, &args, lo, hi, settings.points);
    let (breakpoints, note) = if curve.breakpoints {
        exact_breakpoints(g, plotted, var, settings.range)
    } else {
        (Vec::new(), None)
    };
    Ok(Trace {
        label,
        samples,
        breakpoints,
        note,
    })
}

/// The exact breakpoints of `e` inside `range`, with the exact values there.
fn exact_breakpoints(
    g: &mut Graph,
    e: ExprId,
    var: Symbol,
    (lo, hi): (f64, f64),
) -> (Vec<(f64, f64)>, Option<String>) {
    match crate::pwl::analyse(g, e, var) {
        Ok(f) => {
            let points = f
                .breaks
                .iter()
                .zip(&f.at)
                .filter_map(|(b, v)| Some((b.to_f64()?, v.to_f64()?)))
                .filter(|(b, _)| (lo..=hi).contains(b))
                .collect();
            (points, None)
        }
        Err(why) => (Vec::new(), Some(format!("no exact breakpoints: {why}"))),
    }
}

/// Samples every curve onto shared axes: x labelled with the variable, y with the
/// curve's label when there is one curve (else `y`, with a legend), and the y-range
/// from the settings or chosen from the values ([`y_range`]).
///
/// # Errors
/// As [`trace`].
pub fn figure(
    g: &mut Graph,
    var: Symbol,
    curves: &[Curve],
    settings: &Settings,
    title: Option<String>,
) -> Result<Figure, PlotError> {
    let traces = curves
        .iter()
        .map(|c| trace(g, var, c, settings))
        .collect::<Result<Vec<_>, _>>()?;
    let values: Vec<f64> = traces
        .iter()
        .flat_map(|t| {
            let s = &t.samples;
            s.pieces
                .iter()
                .flatten()
                .map(|p| p.1)
                .chain(s.jumps.iter().filter_map(|j| j.value))
        })
        .collect();
    let y_label = match traces.as_slice() {
        [one] => one.label.clone(),
        _ => "y".to_owned(),
    };
    Ok(Figure {
        y_range: settings.y_range.unwrap_or_else(|| y_range(&values)),
        traces,
        x_range: settings.range,
        x_label: g.name(var).to_owned(),
        y_label,
        title,
    })
}
