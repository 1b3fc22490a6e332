//! Figures as PNG and SVG files with plotters: the chapter's look (axes with ticks
//! and a light grid, 'x' and 'relu(x)' as labels, a legend when several curves
//! share the axes, a 2:1 frame like its 5 × 2.5 inch figures). Text uses the DejaVu
//! font embedded in the binary (registered once as "sans-serif"), so no system font
//! is needed. Jumps: a filled dot at the value the convention gives, open circles at
//! the one-sided limits that are not the value; breakpoints of networks: crosses.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{clip, tick_text, Figure, PlotError};

/// The image formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A PNG bitmap.
    Png,
    /// An SVG drawing.
    Svg,
}

impl Format {
    /// The format of a file name, by its extension (`.png`, `.svg`, any case).
    #[must_use]
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Format::Png),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    /// The extension, without the dot.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Where the axes landed in the image: data point `(x, y)` is at pixel
/// [`Frame::pixel`]`(x, y)`, as plotters maps it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The image's width and height in pixels.
    pub size: (u32, u32),
    /// The x-range and the pixel columns of its ends.
    pub x: ((f64, f64), (i32, i32)),
    /// The y-range and the pixel rows of its ends.
    pub y: ((f64, f64), (i32, i32)),
}

impl Frame {
    /// The pixel of a data point (fractional; plotters rounds down).
    #[must_use]
    pub fn pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let map = |((a, b), (pa, pb)): ((f64, f64), (i32, i32)), v: f64| {
            f64::from(pa) + (v - a) / (b - a) * f64::from(pb - pa)
        };
        (map(self.x, x), map(self.y, y))
    }
}

/// The colours of successive curves (matplotlib's, as in the chapter's figures).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
];

/// The colour of curve `i`.
#[must_use]
pub(super) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The font is a valid TrueType file shipped inside the `dejavu` crate; should
        // registration fail, text is left out rather than the plot.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// Checks that `path` may be written: its directory exists, and it does not exist
/// unless `force`.
fn check_target(path: &Path, force: bool) -> Result<(), PlotError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(PlotError::NoDirectory {
            path: path.to_owned(),
            dir: dir.to_owned(),
        });
    }
    if path.is_dir() {
        return Err(PlotError::Write {
            path: path.to_owned(),
            message: "it is a directory".into(),
        });
    }
    if !force && path.exists() {
        return Err(PlotError::Exists(path.to_owned()));
    }
    Ok(())
}

/// Writes the figure to `path`, PNG or SVG by its extension, `size` pixels
/// (width, height). An existing file is only replaced when `force` is set.
///
/// # Errors
/// [`PlotError::Extension`], [`PlotError::NoDirectory`], [`PlotError::Exists`],
/// [`PlotError::Write`] (each naming the path), or a size outside 64..=8192.
pub fn save(fig: &Figure, path: &Path, size: (u32, u32), force: bool) -> Result<Frame, PlotError> {
    let format = Format::of(path).ok_or_else(|| PlotError::Extension(path.to_owned()))?;
    if !(64..=8192).contains(&size.0) || !(64..=8192).contains(&size.1) {
        return Err(PlotError::Setting(format!(
            "the image size must be from 64 to 8192 pixels each way, got {}x{}",
            size.0, size.1
        )));
    }
    check_target(path, force)?;
    register_font();
    let fail = |e: String| PlotError::Write {
        path: path.to_owned(),
        message: e,
    };
    match format {
        Format::Png => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            let frame = draw(&root, fig).map_err(fail)?;
            root.present().map_err(|e| fail(e.to_string()))?;
            Ok(frame)
        }
        Format::Svg => {
            let mut text = String::new();
            let frame = {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                let frame = draw(&root, fig).map_err(fail)?;
                root.present().map_err(|e| fail(e.to_string()))?;
                frame
            };
            write_new(path, text.as_bytes(), force)?;
            Ok(frame)
        }
    }
}

/// Writes `bytes` to `path`, refusing an existing file unless `force` (checked
/// again at creation, so a file that appeared meanwhile is not replaced).
fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), PlotError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let fail = |e: std::io::Error| -> PlotError {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            PlotError::Exists(path.to_owned())
        } else {
            PlotError::Write {
                path: PathBuf::from(path),
                message: e.to_string(),
            }
        }
    };
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

/// The legend's corner: the one with the fewest curve points under it.
fn legend_corner(fig: &Figure) -> SeriesLabelPosition {
    let ((x0, x1), (y0, y1)) = (fig.x_range, fig.y_range);
    let (w, h) = ((x1 - x0) * 0.35, (y1 - y0) * 0.4);
    let corners = [
        (SeriesLabelPosition::UpperLeft, x0, y1 - h),
        (SeriesLabelPosition::UpperRight, x1 - w, y1 - h),
        (SeriesLabelPosition::LowerRight, x1 - w, y0),
        (SeriesLabelPosition::LowerLeft, x0, y0),
    ];
    let count = |cx: f64, cy: f64| {
        fig.traces
            .iter()
            .flat_map(|t| t.samples.pieces.iter().flatten())
            .filter(|p| (cx..=cx + w).contains(&p.0) && (cy..=cy + h).contains(&p.1))
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|&(_, cx, cy)| count(cx, cy))
        .map_or(SeriesLabelPosition::UpperLeft, |c| c.0)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<Frame, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (w, h) = root.dim_in_pixel();
    // Sizes scale with the image (designed at 800 x 400).
    let s = f64::from(h.min(w / 2)) / 400.0;
    let px = |v: f64| (v * s).round().max(1.0) as u32;
    root.fill(&WHITE).map_err(err)?;
    let ((x0, x1), (y0, y1)) = (fig.x_range, fig.y_range);
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(px(14.0))
        .x_label_area_size(px(52.0))
        .y_label_area_size(px(78.0));
    if let Some(title) = &fig.title {
        builder.caption(title, ("sans-serif", px(22.0)));
    }
    let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
    let fmt = |v: &f64| tick_text(*v);
    chart
        .configure_mesh()
        .x_desc(fig.x_label.as_str())
        .y_desc(fig.y_label.as_str())
        .x_labels(9)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style(("sans-serif", px(15.0)))
        .axis_desc_style(("sans-serif", px(17.0)))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    let line = px(2.0);
    for (i, t) in fig.traces.iter().enumerate() {
        let c = colour(i);
        let style = c.stroke_width(line);
        let pieces: Vec<Vec<(f64, f64)>> = t
            .samples
            .pieces
            .iter()
            .flat_map(|p| clip(p, y0, y1))
            .filter(|p| p.len() >= 2)
            .collect();
        let series = chart
            .draw_series(pieces.into_iter().map(|p| PathElement::new(p, style)))
            .map_err(err)?;
        if fig.traces.len() > 1 {
            let key = px(22.0) as i32;
            series
                .label(t.label.as_str())
                .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + key, ly)], style));
        }
        let inside = |y: f64| (y0..=y1).contains(&y);
        let r = px(4.0);
        for j in &t.samples.jumps {
            for limit in [j.left, j.right] {
                let attained = j
                    .value
                    .is_some_and(|v| (v - limit).abs() <= 1e-12 * (y1 - y0));
                if limit.is_finite() && inside(limit) && !attained {
                    let open = Circle::new((j.x, limit), r, c.stroke_width(px(1.5)));
                    chart.draw_series(std::iter::once(open)).map_err(err)?;
                }
            }
            if let Some(v) = j.value.filter(|v| inside(*v)) {
                let dot = Circle::new((j.x, v), r, c.filled());
                chart.draw_series(std::iter::once(dot)).map_err(err)?;
            }
        }
        let marks = t
            .breakpoints
            .iter()
            .filter(|b| inside(b.1))
            .map(|&b| Cross::new(b, px(5.0), BLACK.stroke_width(px(1.5))));
        chart.draw_series(marks).map_err(err)?;
    }
    if fig.traces.len() > 1 {
        chart
            .configure_series_labels()
            .position(legend_corner(fig))
            .label_font(("sans-serif", px(15.0)))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .draw()
            .map_err(err)?;
    }
    let a = chart.backend_coord(&(x0, y0));
    let b = chart.backend_coord(&(x1, y1));
    Ok(Frame {
        size: (w, h),
        x: ((x0, x1), (a.0, b.0)),
        y: ((y0, y1), (a.1, b.1)),
    })
}
