//! The linear regions of a network of two inputs inside a box, exactly: the box is
//! split, unit by unit and layer by layer, along the lines where a unit's
//! pre-activation crosses a kink of its activation (0 for relu, prelu, leaky_relu
//! and abs; -1 and 1 for hard_tanh), so that on each final convex polygon (rational
//! vertices) every unit is one affine function and so is the output. Continuity is
//! checked, not assumed: at every vertex of every region, each region whose boundary
//! holds the vertex must give the network's exact value there; two neighbours then
//! agree on each shared edge (both are affine on it and agree at all its vertices).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Instant;

use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::{Activation, Network};

/// The most regions an enumeration may create.
pub const MAX_REGIONS: usize = 200_000;

/// A point of the plane.
pub type Point = [BigRational; 2];

/// `a x + b y + c`.
type Affine = [BigRational; 3];

/// One linear region: a convex polygon and the output's affine map on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The vertices, counter-clockwise.
    pub vertices: Vec<Point>,
    /// The output's gradient `(d/dx, d/dy)` on the region.
    pub gradient: [BigRational; 2],
    /// The output's value at the origin of the affine map: `f = g . (x, y) + offset`.
    pub offset: BigRational,
}

/// The regions of a network in a box.
#[derive(Clone, Debug)]
pub struct Regions {
    /// The regions (activation patterns), which tile the box.
    pub regions: Vec<Region>,
    /// The number of different affine maps among them.
    pub maps: usize,
    /// Whether the maps agree across every shared edge (see the module's comment).
    pub continuous: bool,
}

/// Why regions were not enumerated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    /// Not a two-input, one-output network of piecewise linear activations.
    #[error("{0}")]
    Unsupported(String),
    /// Beyond [`MAX_REGIONS`].
    #[error("more than {MAX_REGIONS} regions")]
    TooMany,
    /// The deadline passed.
    #[error("the time limit was reached before the regions were enumerated")]
    TimeLimit,
}

fn zero() -> BigRational {
    BigRational::zero()
}

fn eval(f: &Affine, p: &Point) -> BigRational {
    &f[0] * &p[0] + &f[1] * &p[1] + &f[2]
}

/// The kinks of an activation (where the pieces change).
fn kinks(a: &Activation) -> Option<Vec<BigRational>> {
    match a {
        Activation::Identity => Some(vec![]),
        Activation::Relu | Activation::Prelu(_) | Activation::LeakyRelu | Activation::Abs => {
            Some(vec![zero()])
        }
        Activation::HardTanh => Some(vec![-BigRational::one(), BigRational::one()]),
        _ => None,
    }
}

/// The piece of `a` at `z` (not a kink) as `scale * u + shift`.
fn piece(a: &Activation, z: &BigRational) -> (BigRational, BigRational) {
    let one = BigRational::one();
    match a {
        Activation::Relu if z.is_negative() => (zero(), zero()),
        Activation::Prelu(_) | Activation::LeakyRelu if z.is_negative() => {
            (a.alpha().unwrap_or_default(), zero())
        }
        Activation::Abs if z.is_negative() => (-one, zero()),
        Activation::HardTanh if *z < -one.clone() => (zero(), -one),
        Activation::HardTanh if *z > one => (zero(), one),
        _ => (one, zero()),
    }
}

/// The parts of a convex polygon where `s >= 0` and where `s <= 0`; a part is absent
/// when the polygon does not cross the line.
fn split(poly: &[Point], s: &Affine) -> (Option<Vec<Point>>, Option<Vec<Point>>) {
    let vals: Vec<BigRational> = poly.iter().map(|p| eval(s, p)).collect();
    let pos = vals.iter().any(Signed::is_positive);
    let neg = vals.iter().any(Signed::is_negative);
    if !(pos && neg) {
        return if pos {
            (Some(poly.to_vec()), None)
        } else {
            (None, Some(poly.to_vec()))
        };
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..poly.len() {
        let j = (i + 1) % poly.len();
        let (p, q, sp, sq) = (&poly[i], &poly[j], &vals[i], &vals[j]);
        if !sp.is_negative() {
            a.push(p.clone());
        }
        if !sp.is_positive() {
            b.push(p.clone());
        }
        if (sp.is_positive() && sq.is_negative()) || (sp.is_negative() && sq.is_positive()) {
            let t = sp / (sp - sq);
            let m = [&p[0] + &t * (&q[0] - &p[0]), &p[1] + &t * (&q[1] - &p[1])];
            a.push(m.clone());
            b.push(m);
        }
    }
    (Some(a), Some(b))
}

/// The centroid of the vertices (strictly inside a convex polygon of positive area).
fn inside(poly: &[Point]) -> Point {
    let n = BigRational::from_integer(poly.len().into());
    let (mut x, mut y) = (zero(), zero());
    for p in poly {
        x += &p[0];
        y += &p[1];
    }
    [x / &n, y / n]
}

struct Cell {
    poly: Vec<Point>,
    /// Each unit of the current layer as an affine function of (x, y).
    units: Vec<Affine>,
}

/// Enumerates the regions of `net` in the box `[x0, x1] x [y0, y1]`.
///
/// # Errors
/// [`RegionError`]: not two inputs and one output, an activation that is not
/// piecewise linear, too many regions, the deadline.
pub fn regions(
    net: &Network,
    bx: &[(BigRational, BigRational); 2],
    deadline: Option<Instant>,
) -> Result<Regions, RegionError> {
    if net.inputs != 2 {
        return Err(RegionError::Unsupported(format!(
            "--box needs a network of two inputs; this one has {}",
            net.inputs
        )));
    }
    if net.outputs() != 1 {
        return Err(RegionError::Unsupported(format!(
            "--box needs a network of one output; this one has {}",
            net.outputs()
        )));
    }
    let [(x0, x1), (y0, y1)] = bx;
    if x0 >= x1 || y0 >= y1 {
        return Err(RegionError::Unsupported(
            "the box is empty: give A:B,C:D with A < B and C < D".into(),
        ));
    }
    let one = BigRational::one;
    let mut cells = vec![Cell {
        poly: vec![
            [x0.clone(), y0.clone()],
            [x1.clone(), y0.clone()],
            [x1.clone(), y1.clone()],
            [x0.clone(), y1.clone()],
        ],
        units: vec![[one(), zero(), zero()], [zero(), one(), zero()]],
    }];
    for (k, layer) in net.layers.iter().enumerate() {
        let Some(ks) = kinks(&layer.activation) else {
            return Err(RegionError::Unsupported(format!(
                "layers[{k}] has activation {}, which is not piecewise linear",
                layer.activation.name()
            )));
        };
        // Pre-activations of the layer on every cell.
        let mut pre: Vec<(Vec<Point>, Vec<Affine>)> = cells
            .into_iter()
            .map(|c| {
                let z = layer
                    .weights
                    .iter()
                    .zip(&layer.bias)
                    .map(|(row, b)| {
                        let mut f = [zero(), zero(), b.clone()];
                        for (w, u) in row.iter().zip(&c.units) {
                            if !w.is_zero() {
                                for (fi, ui) in f.iter_mut().zip(u) {
                                    *fi += w * ui;
                                }
                            }
                        }
                        f
                    })
                    .collect();
                (c.poly, z)
            })
            .collect();
        for i in 0..layer.outputs() {
            for t in &ks {
                let mut next = Vec::with_capacity(pre.len());
                for (poly, z) in pre {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Err(RegionError::TimeLimit);
                    }
                    let s = [z[i][0].clone(), z[i][1].clone(), &z[i][2] - t];
                    let (a, b) = split(&poly, &s);
                    if let Some(a) = a {
                        next.push((a, z.clone()));
                    }
                    if let Some(b) = b {
                        next.push((b, z));
                    }
                    if next.len() > MAX_REGIONS {
                        return Err(RegionError::TooMany);
                    }
                }
                pre = next;
            }
        }
        cells = pre
            .into_iter()
            .map(|(poly, z)| {
                let c = inside(&poly);
                let units = z
                    .iter()
                    .map(|f| {
                        let (scale, shift) = piece(&layer.activation, &eval(f, &c));
                        [&f[0] * &scale, &f[1] * &scale, &f[2] * &scale + shift]
                    })
                    .collect();
                Cell { poly, units }
            })
            .collect();
    }
    let regions: Vec<Region> = cells
        .into_iter()
        .map(|c| {
            let [a, b, off] = c.units[0].clone();
            Region {
                vertices: c.poly,
                gradient: [a, b],
                offset: off,
            }
        })
        .collect();
    let mut distinct: Vec<(&[BigRational; 2], &BigRational)> =
        regions.iter().map(|r| (&r.gradient, &r.offset)).collect();
    distinct.sort();
    distinct.dedup();
    let maps = distinct.len();
    let continuous = check_continuity(net, &regions, deadline)?;
    Ok(Regions {
        regions,
        maps,
        continuous,
    })
}

/// Whether `a` lies between `b` and `c` (in either order), ends included.
fn between(a: &BigRational, b: &BigRational, c: &BigRational) -> bool {
    if b <= c {
        b <= a && a <= c
    } else {
        c <= a && a <= b
    }
}

/// Whether `v` lies on the closed segment from `p` to `q`: inside its bounding box
/// (comparisons only), then on its line (the cross product).
fn on_segment(v: &Point, p: &Point, q: &Point) -> bool {
    between(&v[0], &p[0], &q[0])
        && between(&v[1], &p[1], &q[1])
        && ((&q[0] - &p[0]) * (&v[1] - &p[1]) - (&q[1] - &p[1]) * (&v[0] - &p[0])).is_zero()
}

fn check_continuity(
    net: &Network,
    regions: &[Region],
    deadline: Option<Instant>,
) -> Result<bool, RegionError> {
    let mut vertices: Vec<&Point> = regions.iter().flat_map(|r| &r.vertices).collect();
    vertices.sort();
    vertices.dedup();
    let mut value: HashMap<&Point, BigRational> = HashMap::new();
    for v in &vertices {
        let f = net
            .eval_exact(&[v[0].clone(), v[1].clone()])
            .and_then(|o| o.into_iter().next())
            .ok_or_else(|| {
                RegionError::Unsupported(
                    "the network has an activation that is not piecewise linear".into(),
                )
            })?;
        value.insert(v, f);
    }
    for r in regions {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(RegionError::TimeLimit);
        }
        let Some(lo_x) = r.vertices.iter().map(|p| &p[0]).min() else {
            continue;
        };
        let hi_x = r.vertices.iter().map(|p| &p[0]).max().unwrap_or(lo_x);
        let lo_y = r.vertices.iter().map(|p| &p[1]).min().unwrap_or(lo_x);
        let hi_y = r.vertices.iter().map(|p| &p[1]).max().unwrap_or(lo_x);
        let from = vertices.partition_point(|v| v[0] < *lo_x);
        let n = r.vertices.len();
        for v in vertices[from..].iter().take_while(|v| v[0] <= *hi_x) {
            if v[1] < *lo_y || v[1] > *hi_y {
                continue;
            }
            let on = (0..n).any(|i| on_segment(v, &r.vertices[i], &r.vertices[(i + 1) % n]));
            if on && &r.gradient[0] * &v[0] + &r.gradient[1] * &v[1] + &r.offset != value[v] {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// The regions as an SVG drawing: each polygon filled with a colour of its gradient
/// (hue from the direction, darker for steeper; grey where the output is constant).
#[must_use]
pub fn svg(regions: &Regions, bx: &[(BigRational, BigRational); 2], title: &str) -> String {
    let f = |r: &BigRational| r.to_f64().unwrap_or(0.0);
    let (x0, x1, y0, y1) = (f(&bx[0].0), f(&bx[0].1), f(&bx[1].0), f(&bx[1].1));
    let (w, h, m) = (640.0, 640.0, 50.0);
    let px = |x: f64| m + (x - x0) / (x1 - x0) * (w - 2.0 * m);
    let py = |y: f64| h - m - (y - y0) / (y1 - y0) * (h - 2.0 * m);
    let norms: Vec<f64> = regions
        .regions
        .iter()
        .map(|r| f(&r.gradient[0]).hypot(f(&r.gradient[1])))
        .collect();
    let max = norms.iter().copied().fold(0.0, f64::max);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (r, norm) in regions.regions.iter().zip(&norms) {
        let (gx, gy) = (f(&r.gradient[0]), f(&r.gradient[1]));
        let fill = if *norm == 0.0 {
            "hsl(0,0%,80%)".to_owned()
        } else {
            let hue = gy.atan2(gx).to_degrees().rem_euclid(360.0);
            let light = 80.0 - 45.0 * norm / max;
            format!("hsl({hue:.0},70%,{light:.0}%)")
        };
        let pts: Vec<String> = r
            .vertices
            .iter()
            .map(|p| format!("{:.2},{:.2}", px(f(&p[0])), py(f(&p[1]))))
            .collect();
        let _ = writeln!(
            out,
            "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"white\" stroke-width=\"0.5\"/>",
            pts.join(" ")
        );
    }
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let _ = writeln!(
        out,
        "<text x=\"{m}\" y=\"30\" font-family=\"sans-serif\" font-size=\"14\">{} ({} regions, {} affine maps)</text>",
        esc(title),
        regions.regions.len(),
        regions.maps
    );
    let _ = writeln!(
        out,
        "<text x=\"{m}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"12\">x = {}</text>",
        h - m + 18.0,
        esc(&bx[0].0.to_string())
    );
    let _ = writeln!(out, "<text x=\"{}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"12\" text-anchor=\"end\">x = {}</text>", w - m, h - m + 18.0, esc(&bx[0].1.to_string()));
    let _ = writeln!(
        out,
        "<text x=\"5\" y=\"{}\" font-family=\"sans-serif\" font-size=\"12\">y = {}</text>",
        h - m,
        esc(&bx[1].0.to_string())
    );
    let _ = writeln!(
        out,
        "<text x=\"5\" y=\"{}\" font-family=\"sans-serif\" font-size=\"12\">y = {}</text>",
        m + 4.0,
        esc(&bx[1].1.to_string())
    );
    out.push_str("</svg>\n");
    out
}
