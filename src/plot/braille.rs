//! The terminal renderer: a canvas of Unicode braille characters (each cell holds
//! 2 × 4 dots, so an 80-column terminal gives about 140 × 70 dots) and the text
//! around it: the y-label, tick values on the left, an x-axis with tick values and
//! the variable below, a legend when several curves share the plot. Curves are
//! the same clipped polylines as in the image files; jumps keep their gaps and
//! show the value dot.

use std::fmt::Write;

use super::{clip, tick_text, ticks, Figure};

/// A grid of braille cells, addressed by dot: `x` from the left, `y` from the top.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canvas {
    cols: usize,
    rows: usize,
    /// One byte of dots per cell (bit layout of U+2800..U+28FF).
    cells: Vec<u8>,
    /// The curve that last drew in each cell (for colour).
    owner: Vec<Option<usize>>,
    /// Characters written over cells (curve numbers when there is no colour).
    text: Vec<Option<char>>,
}

impl Canvas {
    /// An empty canvas of `cols` × `rows` cells (`2*cols` × `4*rows` dots).
    #[must_use]
    pub fn new(cols: usize, rows: usize) -> Canvas {
        Canvas {
            cols,
            rows,
            cells: vec![0; cols * rows],
            owner: vec![None; cols * rows],
            text: vec![None; cols * rows],
        }
    }

    /// The size in dots.
    #[must_use]
    pub fn dots(&self) -> (usize, usize) {
        (2 * self.cols, 4 * self.rows)
    }

    /// Sets the dot at `(x, y)` for curve `curve`; dots outside are ignored.
    pub fn set(&mut self, x: i64, y: i64, curve: usize) {
        let (w, h) = self.dots();
        let (Ok(xu), Ok(yu)) = (usize::try_from(x), usize::try_from(y)) else {
            return;
        };
        if xu >= w || yu >= h {
            return;
        }
        const BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
        let cell = (yu / 4) * self.cols + xu / 2;
        self.cells[cell] |= BITS[xu % 2][yu % 4];
        self.owner[cell] = Some(curve);
    }

    /// Draws a straight line of dots from `a` to `b` (Bresenham).
    pub fn line(&mut self, a: (i64, i64), b: (i64, i64), curve: usize) {
        let (mut x, mut y) = a;
        let (dx, dy) = ((b.0 - a.0).abs(), -(b.1 - a.1).abs());
        let (sx, sy) = ((b.0 - a.0).signum(), (b.1 - a.1).signum());
        let mut err = dx + dy;
        loop {
            self.set(x, y, curve);
            if (x, y) == b {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    /// Writes `c` over the cell holding dot `(x, y)` (ignored outside).
    pub fn put(&mut self, x: i64, y: i64, c: char) {
        let (w, h) = self.dots();
        if let (Ok(xu), Ok(yu)) = (usize::try_from(x), usize::try_from(y)) {
            if xu < w && yu < h {
                self.text[(yu / 4) * self.cols + xu / 2] = Some(c);
            }
        }
    }

    /// Row `r` as text: a braille character per cell with dots, a space otherwise;
    /// with `colour`, each drawn cell in its curve's ANSI colour.
    #[must_use]
    pub fn row(&self, r: usize, colour: bool) -> String {
        let mut s = String::new();
        for c in 0..self.cols {
            let bits = self.cells[r * self.cols + c];
            if let Some(t) = self.text[r * self.cols + c] {
                s.push(t);
                continue;
            }
            if bits == 0 {
                s.push(' ');
                continue;
            }
            let ch = char::from_u32(0x2800 + u32::from(bits)).unwrap_or('?');
            match self.owner[r * self.cols + c].filter(|_| colour) {
                Some(k) => {
                    let _ = write!(s, "\x1b[{}m{ch}\x1b[0m", ansi(k));
                }
                None => s.push(ch),
            }
        }
        s
    }
}

/// The ANSI foreground colour of curve `k` (blue, yellow, green, red, magenta, cyan).
fn ansi(k: usize) -> u8 {
    [34, 33, 32, 31, 35, 36][k % 6]
}

/// The figure as text `width` columns wide with a plot `height` rows tall (at
/// least 20 × 4). With `colour`, curves are told apart by ANSI colours.
#[must_use]
pub fn terminal(fig: &Figure, width: usize, height: usize, colour: bool) -> String {
    let ((x0, x1), (y0, y1)) = (fig.x_range, fig.y_range);
    let rows = height.max(4);
    let yticks = ticks(y0, y1, (rows / 3).max(2));
    let ylabels: Vec<String> = yticks.iter().map(|&v| tick_text(v)).collect();
    let gutter = ylabels.iter().map(|s| s.chars().count()).max().unwrap_or(1) + 2;
    let cols = width.max(20).saturating_sub(gutter + 1).max(8);
    let mut canvas = Canvas::new(cols, rows);
    let (w, h) = canvas.dots();
    let to_dot = |(x, y): (f64, f64)| -> (i64, i64) {
        let dx = (x - x0) / (x1 - x0) * (w - 1) as f64;
        let dy = (y1 - y) / (y1 - y0) * (h - 1) as f64;
        (dx.round() as i64, dy.round() as i64)
    };
    let inside = |y: f64| (y0..=y1).contains(&y);
    for (k, t) in fig.traces.iter().enumerate() {
        for piece in t.samples.pieces.iter().flat_map(|p| clip(p, y0, y1)) {
            let dots: Vec<(i64, i64)> = piece.into_iter().map(to_dot).collect();
            if let [only] = dots.as_slice() {
                canvas.set(only.0, only.1, k);
            }
            for pair in dots.windows(2) {
                canvas.line(pair[0], pair[1], k);
            }
        }
        // Without colour, several curves are told apart by their number, written
        // where each one's last visible stretch ends.
        if !colour && fig.traces.len() > 1 {
            let last = t
                .samples
                .pieces
                .iter()
                .flat_map(|p| clip(p, y0, y1))
                .filter_map(|p| p.last().copied())
                .next_back();
            if let (Some(p), Some(d)) = (last, char::from_digit((k as u32 + 1) % 10, 10)) {
                let (x, y) = to_dot(p);
                canvas.put(x, y, d);
            }
        }
        let dots = t.samples.jumps.iter().filter_map(|j| Some((j.x, j.value?)));
        for p in dots.chain(t.breakpoints.iter().copied()) {
            if inside(p.1) {
                let (x, y) = to_dot(p);
                canvas.set(x, y, k);
            }
        }
    }
    // The row of each y tick.
    let tick_row = |v: f64| (((y1 - v) / (y1 - y0) * (h - 1) as f64).round() as usize) / 4;
    let mut out = String::new();
    if let Some(title) = &fig.title {
        let _ = writeln!(out, "{title}");
    }
    let _ = writeln!(out, "{}", fig.y_label);
    for r in 0..rows {
        let label = yticks
            .iter()
            .zip(&ylabels)
            .find(|(v, _)| tick_row(**v) == r)
            .map(|(_, s)| s.as_str());
        let (label, axis) = match label {
            Some(s) => (s, '┤'),
            None => ("", '│'),
        };
        let _ = writeln!(
            out,
            "{label:>width$} {axis}{}",
            canvas.row(r, colour).trim_end(),
            width = gutter - 2
        );
    }
    // The x-axis: tick marks on the line, values centred under them; the range's
    // ends first, so the reader always sees them.
    let xticks = ticks(x0, x1, (cols / 10).max(2));
    let col_of = |v: f64| ((v - x0) / (x1 - x0) * (cols - 1) as f64).round() as usize;
    let mut axis: Vec<char> = vec!['─'; cols];
    let mut labels: Vec<char> = vec![' '; gutter + cols + 1];
    let mut used = vec![false; labels.len()];
    let mut place = |v: f64| {
        let text: Vec<char> = tick_text(v).chars().collect();
        let centre = gutter + col_of(v);
        let start = centre
            .saturating_sub(text.len() / 2)
            .min(labels.len().saturating_sub(text.len()));
        let end = start + text.len();
        // One blank column on each side between labels.
        if end > labels.len()
            || used[start.saturating_sub(1)..(end + 1).min(used.len())].contains(&true)
        {
            return;
        }
        labels[start..end].copy_from_slice(&text);
        used[start..end].fill(true);
    };
    place(x0);
    place(x1);
    for &v in &xticks {
        axis[col_of(v)] = '┬';
        place(v);
    }
    let _ = writeln!(
        out,
        "{:>width$} └{}",
        "",
        axis.iter().collect::<String>(),
        width = gutter - 2
    );
    let _ = writeln!(out, "{}", labels.iter().collect::<String>().trim_end());
    let centre = gutter + cols / 2;
    let _ = writeln!(
        out,
        "{:>width$}",
        fig.x_label,
        width = centre + fig.x_label.chars().count() / 2
    );
    if fig.traces.len() > 1 {
        let entries: Vec<String> = fig
            .traces
            .iter()
            .enumerate()
            .map(|(k, t)| {
                if colour {
                    format!("\x1b[{}m⠒⠒\x1b[0m {}", ansi(k), t.label)
                } else {
                    format!("[{}] {}", k + 1, t.label)
                }
            })
            .collect();
        let _ = writeln!(out, "{}", entries.join("   "));
    }
    out
}
