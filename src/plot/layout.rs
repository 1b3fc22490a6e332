//! The geometry shared by every renderer: the y-range chosen robustly from the
//! sampled values, polylines clipped to the plot box (a curve that leaves the range
//! is cut at its edge, never squeezed in), and tick values.

/// The y-range for these values: the span of the finite values, unless a few of
/// them lie far outside the bulk (near a pole), in which case the range is the
/// bulk (2nd to 98th percentile) widened by twice its span on each side; then 5%
/// padding (values beyond 1e300 are left out). A constant function gets a range of ±1 around its value (or ±10% of
/// it when that is larger).
#[must_use]
pub fn y_range(values: &[f64]) -> (f64, f64) {
    // Values beyond 1e300 are far outside any useful range and would overflow the
    // span; they are clipped like any other value outside it.
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|y| y.abs() <= 1e300)
        .collect();
    if v.is_empty() {
        return (-1.0, 1.0);
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    let (min, max) = (v[0], v[v.len() - 1]);
    let (q_lo, q_hi) = (at(0.02), at(0.98));
    let span = q_hi - q_lo;
    let (lo, hi) = if span > 0.0 {
        (min.max(q_lo - 2.0 * span), max.min(q_hi + 2.0 * span))
    } else {
        (min, max)
    };
    if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()) {
        let c = (lo + hi) / 2.0;
        let r = (c.abs() * 0.1).max(1.0);
        return (c - r, c + r);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Cuts a polyline to the band `lo <= y <= hi`: the parts inside, each ending where
/// the curve crosses the band's edge.
#[must_use]
pub fn clip(points: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| (lo..=hi).contains(&y);
    // Where the segment from `a` to `b` meets the horizontal line at `level`.
    let cross = |a: (f64, f64), b: (f64, f64), level: f64| {
        let t = (level - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), level)
    };
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for (i, &p) in points.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| points[j]);
        match (prev, inside(p.1)) {
            (None, true) => cur.push(p),
            (None, false) => {}
            (Some(a), true) => {
                if !inside(a.1) {
                    let level = if a.1 > hi { hi } else { lo };
                    cur.push(cross(a, p, level));
                }
                cur.push(p);
            }
            (Some(a), false) => {
                if inside(a.1) {
                    let level = if p.1 > hi { hi } else { lo };
                    cur.push(cross(a, p, level));
                    out.push(std::mem::take(&mut cur));
                } else if (a.1 > hi && p.1 < lo) || (a.1 < lo && p.1 > hi) {
                    // Straight through the band between two samples.
                    let (first, second) = if a.1 > hi { (hi, lo) } else { (lo, hi) };
                    out.push(vec![cross(a, p, first), cross(a, p, second)]);
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// About `n` round tick values (1, 2 or 5 times a power of ten) covering `[lo, hi]`.
#[must_use]
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick value as short text: `-8`, `0.25`, `1e-05`.
#[must_use]
pub fn tick_text(v: f64) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        return format!("{v:.0e}");
    }
    // Round to 10 significant digits so 0.30000000000000004 prints as 0.3.
    let s = format!(
        "{:.*}",
        10usize.saturating_sub(a.log10().max(0.0) as usize),
        v
    );
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" {
        "0".to_owned()
    } else {
        s
    }
}
