//! Plots: PNG pixels and SVG coordinates where the evaluator puts the function, the
//! jump rule (no segment joins the two sides of a jump), kinks drawn through,
//! undefined points left out, clipping, the terminal rendering, the book's files,
//! network breakpoints, `--force` and errors.

use std::path::{Path, PathBuf};

use actsym::defs;
use actsym::diff::Kink;
use actsym::expr::Graph;
use actsym::fast::Tape;
use actsym::plot::{self, Curve, Figure, Settings, Trace};
use assert_cmd::Command;
use predicates::prelude::*;

fn actsym() -> Command {
    Command::cargo_bin("actsym").expect("the binary is built")
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("actsym-plot-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The figure of `exprs` (their `order`-th derivatives) with `settings`.
fn figure_of(exprs: &[&str], order: u32, settings: &Settings) -> (Figure, Graph) {
    let mut g = Graph::with_prelude();
    let ids: Vec<_> = exprs
        .iter()
        .map(|e| defs::parse_expr(&mut g, e).expect("parses"))
        .collect();
    let x = plot::variable(&mut g, &ids).expect("one variable");
    let curves: Vec<Curve> = ids.iter().map(|&e| Curve::new(&g, e, x, order)).collect();
    let fig = plot::figure(&mut g, x, &curves, settings, None).expect("plots");
    (fig, g)
}

fn trace_of(expr: &str, order: u32, kink: Kink) -> Trace {
    let settings = Settings {
        kink,
        ..Settings::default()
    };
    figure_of(&[expr], order, &settings).0.traces.remove(0)
}

/// The fast evaluator's value of `expr` at `x`.
fn value(expr: &str, x: f64) -> f64 {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, expr).expect("parses");
    let xs = g.symbol("x");
    Tape::compile_unfolding(&mut g, e, &[xs])
        .expect("compiles")
        .eval_point(&[x])
        .expect("evaluates")
}

// ---------------------------------------------------------------- jumps and kinks

/// Checks the jump rule on `expr` (its `order`-th derivative): the jumps are at
/// `jumps` (x, value at the point), and no segment of any piece crosses a jump or
/// stands vertically on one.
fn check_jumps(expr: &str, order: u32, kink: Kink, jumps: &[(f64, Option<f64>)]) {
    let t = trace_of(expr, order, kink);
    let found: Vec<(f64, Option<f64>)> = t.samples.jumps.iter().map(|j| (j.x, j.value)).collect();
    assert_eq!(found.len(), jumps.len(), "{expr}: jumps {found:?}");
    for ((x, v), (ex, ev)) in found.iter().zip(jumps) {
        assert!((x - ex).abs() < 1e-9, "{expr}: jump at {x}, expected {ex}");
        assert_eq!(v, ev, "{expr}: value at the jump {x}");
    }
    assert_eq!(
        t.samples.pieces.len(),
        jumps.len() + 1,
        "{expr}: one piece more than jumps"
    );
    for j in &t.samples.jumps {
        for piece in &t.samples.pieces {
            for s in piece.windows(2) {
                let (a, b) = (s[0], s[1]);
                assert!(
                    !(a.0 < j.x && j.x < b.0),
                    "{expr}: segment {a:?}-{b:?} crosses the jump at {}",
                    j.x
                );
                assert!(
                    !(a.0 == j.x && b.0 == j.x),
                    "{expr}: a vertical segment at the jump {}",
                    j.x
                );
            }
        }
    }
}

#[test]
fn jumps_are_never_bridged() {
    use Kink::{Autodiff, Left, Right};
    check_jumps("heaviside(x)", 0, Left, &[(0.0, Some(0.0))]);
    check_jumps("sign(x)", 0, Left, &[(0.0, Some(0.0))]);
    check_jumps("relu(x)", 1, Left, &[(0.0, Some(0.0))]);
    check_jumps("relu(x)", 1, Right, &[(0.0, Some(1.0))]);
    check_jumps("relu(x)", 1, Autodiff, &[(0.0, Some(0.0))]);
    check_jumps("abs(x)", 1, Left, &[(0.0, Some(-1.0))]);
    // A jump off the grid and off the dyadic rationals, and one found from values.
    check_jumps("if(x > 1/3, 2, -1)", 0, Left, &[(1.0 / 3.0, Some(-1.0))]);
    check_jumps(
        "heaviside(x - 1/3) + heaviside(x + 5)",
        0,
        Left,
        &[(-5.0, Some(0.0)), (1.0 / 3.0, Some(1.0))],
    );
    // A pole and a point where the function is undefined between two sides.
    check_jumps("1/x", 0, Left, &[(0.0, None)]);
    check_jumps("x/abs(x)", 0, Left, &[(0.0, None)]);
    check_jumps("relu(x)^2", 2, Left, &[(0.0, Some(0.0))]);
}

/// Samples `expr` with no kink points known, so only the values can reveal breaks.
fn from_values_alone(expr: &str) -> plot::Samples {
    let mut g = Graph::with_prelude();
    let e = defs::parse_expr(&mut g, expr).expect("parses");
    let x = g.symbol("x");
    let tape = Tape::compile_unfolding(&mut g, e, &[x]).expect("compiles");
    plot::sample(&tape, &[], -8.0, 8.0, 801)
}

#[test]
fn jumps_are_found_from_values_alone() {
    // (expression, where it jumps): bisection pins each one between adjacent floats.
    let cases: &[(&str, &[f64])] = &[
        ("heaviside(x - 1/3)", &[1.0 / 3.0]),
        ("sign(x - 2/7) + 3*heaviside(x + 5.55)", &[-5.55, 2.0 / 7.0]),
        ("1/(x - 1/3)", &[1.0 / 3.0]),
        ("relu(x)", &[]),
        ("tanh(1000*x)", &[]),
        ("abs(x - 0.1)", &[]),
    ];
    for (expr, at) in cases {
        let s = from_values_alone(expr);
        let xs: Vec<f64> = s.jumps.iter().map(|j| j.x).collect();
        assert_eq!(xs.len(), at.len(), "{expr}: {xs:?}");
        for (x, e) in xs.iter().zip(*at) {
            assert!((x - e).abs() < 1e-12, "{expr}: {x} vs {e}");
        }
        assert_eq!(s.pieces.len(), at.len() + 1, "{expr}");
        for j in &s.jumps {
            // No value is claimed where the convention is not known.
            assert_eq!(j.value, None);
            for seg in s.pieces.iter().flat_map(|p| p.windows(2)) {
                assert!(!(seg[0].0 < j.x && j.x < seg[1].0), "{expr}: {seg:?}");
            }
        }
    }
}

#[test]
fn the_jump_value_follows_the_convention_and_the_limits_are_the_sides() {
    let t = trace_of("relu(x)", 1, Kink::Left);
    let j = t.samples.jumps[0];
    assert_eq!((j.left, j.right, j.value), (0.0, 1.0, Some(0.0)));
    // relu' is two horizontal pieces: 0 up to the jump, 1 after it.
    let [left, right] = t.samples.pieces.as_slice() else {
        panic!("two pieces")
    };
    assert!(left.iter().all(|p| p.1 == 0.0 && p.0 <= 0.0));
    assert!(right.iter().all(|p| p.1 == 1.0 && p.0 >= 0.0));
    assert_eq!((left.last().unwrap().0, right[0].0), (0.0, 0.0));
    // 0 off the grid (and 80 halvings from it): the kink is still found exactly at 0,
    // so the dot is the left-hand value, not the value just right of 0.
    for (lo, hi, points) in [(-4.0, 3.0, 801), (-1.0, 1e-3, 7), (-0.3, 8.0, 1000)] {
        let settings = Settings {
            range: (lo, hi),
            points,
            ..Settings::default()
        };
        let (fig, _) = figure_of(&["relu(2*x) + heaviside(x - 1/2)"], 1, &settings);
        let j = fig.traces[0].samples.jumps[0];
        assert_eq!((j.x, j.value), (0.0, Some(0.0)), "on [{lo}, {hi}]");
    }
}

/// `expr` is drawn as one piece through its kinks at `kinks`, each a vertex.
fn check_kinks(expr: &str, kinks: &[f64]) {
    let t = trace_of(expr, 0, Kink::Left);
    assert!(t.samples.jumps.is_empty(), "{expr}: {:?}", t.samples.jumps);
    assert_eq!(t.samples.pieces.len(), 1, "{expr}");
    assert_eq!(
        t.samples.kinks.len(),
        kinks.len(),
        "{expr}: {:?}",
        t.samples.kinks
    );
    for (k, e) in t.samples.kinks.iter().zip(kinks) {
        assert!((k - e).abs() < 1e-12, "{expr}: kink {k}, expected {e}");
        let vertex = t.samples.pieces[0].iter().find(|p| p.0 == *k);
        let v = vertex.unwrap_or_else(|| panic!("{expr}: the kink {k} is a vertex"));
        assert!((v.1 - value(expr, *k)).abs() < 1e-12);
    }
}

#[test]
fn kinks_are_drawn_through_as_vertices() {
    check_kinks("relu(x)", &[0.0]);
    check_kinks("abs(x - 1/3)", &[1.0 / 3.0]);
    check_kinks("relu(x) - 2*relu(x - 1) + relu(x - 2)", &[0.0, 1.0, 2.0]);
    check_kinks("min(x, 2*x + 1)", &[-1.0]);
    // Steep but continuous: refined, never broken.
    let t = trace_of("tanh(1000*x)", 0, Kink::Left);
    assert_eq!((t.samples.pieces.len(), t.samples.jumps.len()), (1, 0));
}

#[test]
fn undefined_points_leave_gaps_and_domains_end_where_they_end() {
    // x/x is 1 except at 0, where it is undefined: two pieces, no jump.
    let t = trace_of("x/x", 0, Kink::Left);
    assert_eq!((t.samples.pieces.len(), t.samples.jumps.len()), (2, 0));
    assert!(t
        .samples
        .pieces
        .iter()
        .flatten()
        .all(|p| p.1 == 1.0 && p.0 != 0.0));
    // sqrt starts exactly at 0; log comes down towards its pole at 0.
    let t = trace_of("sqrt(x)", 0, Kink::Left);
    assert_eq!(t.samples.pieces.len(), 1);
    assert_eq!(t.samples.pieces[0][0], (0.0, 0.0));
    let t = trace_of("log(x)", 0, Kink::Left);
    assert_eq!(t.samples.pieces.len(), 1);
    assert!(t.samples.pieces[0][0].0 < 1e-6 && t.samples.pieces[0][0].1 < -13.0);
    // Nowhere defined: nothing drawn.
    let t = trace_of("log(-abs(x) - 1)", 0, Kink::Left);
    assert!(t.samples.pieces.is_empty());
}

#[test]
fn curves_leaving_the_range_are_clipped_not_stretched() {
    // A pole does not stretch the y-range to its huge values near 0.
    let (fig, _) = figure_of(&["1/x"], 0, &Settings::default());
    assert!(
        fig.y_range.0 > -100.0 && fig.y_range.1 < 100.0,
        "{:?}",
        fig.y_range
    );
    // Given a y-range, relu is cut where it leaves it.
    let settings = Settings {
        y_range: Some((0.0, 1.0)),
        ..Settings::default()
    };
    let (fig, _) = figure_of(&["relu(x)"], 0, &settings);
    let drawn = plot::clip(&fig.traces[0].samples.pieces[0], 0.0, 1.0);
    assert_eq!(drawn.len(), 1);
    let end = *drawn[0].last().unwrap();
    assert!((end.0 - 1.0).abs() < 1e-12 && end.1 == 1.0, "{end:?}");
    // Through the band and out again between two samples.
    let through = plot::clip(&[(0.0, -1.0), (1.0, 3.0), (2.0, 0.5)], 0.0, 1.0);
    assert_eq!(
        through,
        vec![vec![(0.25, 0.0), (0.5, 1.0)], vec![(1.8, 1.0), (2.0, 0.5)]]
    );
}

// ---------------------------------------------------------------- files

/// The RGB colour at pixel `(x, y)` of a decoded PNG.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn read(path: &Path) -> Image {
        let decoder = png::Decoder::new(std::fs::File::open(path).expect("png exists"));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            rgb: buf,
        }
    }

    fn at(&self, x: i64, y: i64) -> [u8; 3] {
        let i = 3 * (y as usize * self.width as usize + x as usize);
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Whether a pixel within `r` of `(x, y)` has colour `c`.
    fn near(&self, (x, y): (f64, f64), r: i64, c: [u8; 3]) -> bool {
        let (x, y) = (x.round() as i64, y.round() as i64);
        (-r..=r).any(|dx| (-r..=r).any(|dy| self.at(x + dx, y + dy) == c))
    }
}

const BLUE: [u8; 3] = [0x1f, 0x77, 0xb4];

#[test]
fn png_pixels_lie_where_the_function_is() {
    let dir = scratch("png");
    let path = dir.join("sigmoid.png");
    let (fig, _) = figure_of(&["sigmoid(x)"], 0, &Settings::default());
    let frame = plot::save(&fig, &path, (320, 160), false).expect("saved");
    let img = Image::read(&path);
    assert_eq!((img.width, img.height), (320, 160));
    for x in [-6.0, -3.0, -1.0, 0.0, 0.5, 2.0, 5.0] {
        let y = value("sigmoid(x)", x);
        assert!(img.near(frame.pixel(x, y), 1, BLUE), "curve at x = {x}");
        // Well away from the curve, no curve pixels.
        let off = if y > 0.5 { y - 0.4 } else { y + 0.4 };
        assert!(
            !img.near(frame.pixel(x, off), 2, BLUE),
            "no curve at ({x}, {off})"
        );
    }
    // The axes frame the plot: the range's corners map inside the image.
    let (px, py) = frame.pixel(-8.0, fig.y_range.1);
    assert!(px > 20.0 && (0.0..20.0).contains(&py));
}

#[test]
fn png_jump_has_no_vertical_line() {
    let dir = scratch("png-jump");
    let path = dir.join("grad_relu.png");
    let (fig, _) = figure_of(&["relu(x)"], 1, &Settings::default());
    let frame = plot::save(&fig, &path, (320, 160), false).expect("saved");
    let img = Image::read(&path);
    // Half way up, at x = 0 and just beside it, nothing is drawn.
    let mid = frame.pixel(0.0, 0.5);
    assert!(!img.near(mid, 2, BLUE));
    // Both horizontal pieces are there.
    assert!(img.near(frame.pixel(-4.0, 0.0), 1, BLUE));
    assert!(img.near(frame.pixel(4.0, 1.0), 1, BLUE));
}

/// The points of every polyline drawn in the curve's colour in an SVG file.
fn svg_polylines(svg: &str, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<polyline")
        .skip(1)
        .filter(|p| p.contains(&format!("stroke=\"{stroke}\"")))
        .map(|p| {
            let start = p.find("points=\"").expect("points") + 8;
            let end = start + p[start..].find('"').expect("closing quote");
            p[start..end]
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').expect("x,y");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect()
        })
        .collect()
}

/// The texts of an SVG file, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(t[start..end].trim().to_owned())
        })
        .collect()
}

/// The circles of an SVG file: centre, and whether filled.
fn svg_circles(svg: &str) -> Vec<((f64, f64), bool)> {
    let attr = |c: &str, name: &str| -> String {
        let start = c.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        c[start..start + c[start..].find('"').expect("quote")].to_owned()
    };
    svg.split("<circle")
        .skip(1)
        .map(|c| {
            let x = attr(c, "cx").parse().expect("cx");
            let y = attr(c, "cy").parse().expect("cy");
            ((x, y), attr(c, "fill") != "none")
        })
        .collect()
}

#[test]
fn svg_coordinates_match_the_evaluator() {
    let dir = scratch("svg");
    for expr in ["tanh(x)", "gelu(x)", "sigmoid(x)"] {
        let path = dir.join(format!("{}.svg", &expr[..4]));
        let (fig, _) = figure_of(&[expr], 0, &Settings::default());
        let frame = plot::save(&fig, &path, (400, 200), false).expect("saved");
        let svg = std::fs::read_to_string(&path).expect("svg");
        let texts = svg_texts(&svg);
        assert!(texts.iter().any(|t| t == "x") && texts.iter().any(|t| t == expr));
        let lines = svg_polylines(&svg, "#1F77B4");
        assert_eq!(lines.len(), 1, "{expr}: one polyline");
        // Each drawn point is within a pixel of the function at the pixel's x (or
        // the next pixel's: plotters rounds down).
        let ((x0, x1), (p0, p1)) = frame.x;
        let x_of = |px: f64| x0 + (px - f64::from(p0)) / f64::from(p1 - p0) * (x1 - x0);
        let mut checked = 0;
        for &(px, py) in lines[0].iter().step_by(37) {
            let ok = [px - 1.0, px, px + 1.0].iter().any(|&q| {
                let x = x_of(q).clamp(x0, x1);
                (frame.pixel(x, value(expr, x)).1 - py).abs() <= 1.5
            });
            assert!(ok, "{expr}: point ({px}, {py}) is off the curve");
            checked += 1;
        }
        assert!(checked >= 10);
    }
}

#[test]
fn svg_of_a_jump_has_a_break_and_a_dot() {
    let dir = scratch("svg-jump");
    let path = dir.join("heaviside.svg");
    let (fig, _) = figure_of(&["heaviside(x)"], 0, &Settings::default());
    let frame = plot::save(&fig, &path, (400, 200), false).expect("saved");
    let svg = std::fs::read_to_string(&path).expect("svg");
    let lines = svg_polylines(&svg, "#1F77B4");
    assert_eq!(lines.len(), 2);
    let (lo, hi) = (frame.pixel(0.0, 0.0), frame.pixel(0.0, 1.0));
    // The left piece stays at 0, the right one at 1: no segment climbs the step.
    assert!(lines[0].iter().all(|p| (p.1 - lo.1.floor()).abs() <= 1.0));
    assert!(lines[1].iter().all(|p| (p.1 - hi.1.floor()).abs() <= 1.0));
    // The value at 0 is a filled dot at (0, 0); the limit from the right an open one.
    let near = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() <= 1.0 && (a.1 - b.1).abs() <= 1.0;
    let circles = svg_circles(&svg);
    assert_eq!(circles.len(), 2, "{circles:?}");
    assert!(circles.iter().any(|&(c, filled)| filled && near(c, lo)));
    assert!(circles.iter().any(|&(c, filled)| !filled && near(c, hi)));
}

#[test]
fn several_curves_share_axes_with_a_legend() {
    let dir = scratch("legend");
    let path = dir.join("both.svg");
    let (fig, _) = figure_of(&["sigmoid(x)", "tanh(x)"], 0, &Settings::default());
    assert_eq!(fig.y_label, "y");
    plot::save(&fig, &path, (400, 200), false).expect("saved");
    let svg = std::fs::read_to_string(&path).expect("svg");
    let texts = svg_texts(&svg);
    assert!(["sigmoid(x)", "tanh(x)"]
        .iter()
        .all(|l| texts.iter().any(|t| t == l)));
    assert_eq!(
        svg_polylines(&svg, "#FF7F0E").len(),
        2,
        "tanh and its legend key"
    );
}

#[test]
fn terminal_rendering_of_relu() {
    let (fig, _) = figure_of(&["relu(x)"], 0, &Settings::default());
    insta::assert_snapshot!(plot::terminal(&fig, 60, 10, false));
}

#[test]
fn terminal_rendering_of_grad_relu_keeps_the_jump() {
    let (fig, _) = figure_of(&["relu(x)"], 1, &Settings::default());
    insta::assert_snapshot!(plot::terminal(&fig, 50, 6, false));
}

// ---------------------------------------------------------------- command line

#[test]
fn output_is_never_overwritten_without_force() {
    let dir = scratch("force");
    let path = dir.join("relu.svg");
    let p = path.to_str().expect("utf-8");
    let run = |extra: &[&str]| {
        let mut c = actsym();
        c.args(["plot", "relu(x)", "--size", "200x100", "-o", p])
            .args(extra);
        c.assert()
    };
    run(&[]).success().stdout(predicate::str::contains(p));
    std::fs::write(&path, "mine").expect("write");
    run(&[])
        .code(2)
        .stderr(predicate::str::contains(p).and(predicate::str::contains("--force")));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "mine");
    run(&["--force"]).success();
    assert!(std::fs::read_to_string(&path)
        .expect("read")
        .starts_with("<svg"));
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = scratch("errors");
    let out = dir.join("f.png");
    let o = out.to_str().expect("utf-8");
    let missing = dir.join("no/such/dir/f.png");
    let cases: &[(&[&str], &str)] = &[
        (
            &["plot", "relu(x)", "-o", missing.to_str().unwrap()],
            "does not exist",
        ),
        (
            &["plot", "relu(x)", "-o", "f.jpg"],
            "must end in .png or .svg",
        ),
        (&["plot", "x*y", "-o", o], "these have x, y"),
        (&["plot", "2x", "-o", o], "implicit multiplication"),
        (&["plot", "relu(x)", "--order", "9", "-o", o], "at most 8"),
        (
            &["plot", "relu(x)", "--range", "8:-8", "-o", o],
            "--range takes A:B",
        ),
        (&["plot", "relu(x)", "--points", "1", "-o", o], "from 2 to"),
        (&["plot", "relu(x)"], "-o FILE"),
        (
            &["plot", "relu(x)", "--kink", "middle", "-o", o],
            "left, right, autodiff",
        ),
        (&["plot", "nosuch(x)", "-o", o], "nosuch"),
        (
            &["plot", "relu(x)", "--size", "10x10", "-o", o],
            "image size",
        ),
    ];
    for (args, message) in cases {
        actsym()
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    assert!(!out.exists(), "no file is written on an error");
}

#[test]
fn book_writes_every_figure_and_refuses_to_overwrite() {
    let dir = scratch("book");
    let figs = dir.join("figures");
    let f = figs.to_str().expect("utf-8");
    let assert = actsym()
        .args(["plot", "--book", f, "--size", "160x80", "--format", "svg"])
        .assert()
        .success();
    let listed: Vec<String> = String::from_utf8_lossy(&assert.get_output().stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let stems: Vec<&str> = plot::BOOK_FIGURES.iter().map(|b| b.0).collect();
    assert_eq!(listed.len(), stems.len() + 1);
    for (line, stem) in listed
        .iter()
        .zip(stems.iter().chain(&["grad_sigmoid_chain"]))
    {
        assert_eq!(
            *line,
            figs.join(format!("{stem}.svg")).display().to_string()
        );
        let svg = std::fs::read_to_string(line).expect("written");
        assert!(svg.starts_with("<svg"));
    }
    let chain = std::fs::read_to_string(figs.join("grad_sigmoid_chain.svg")).expect("chain");
    let texts = svg_texts(&chain);
    assert!((1..=6).all(|d| texts.contains(&format!("depth {d}"))));
    let grad_relu = std::fs::read_to_string(figs.join("grad_relu.svg")).expect("grad_relu");
    assert!(svg_texts(&grad_relu).contains(&"grad of relu".to_owned()));
    actsym()
        .args(["plot", "--book", f, "--format", "svg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("relu.svg exists"));
}

#[test]
fn a_network_file_plots_with_its_exact_breakpoints() {
    let dir = scratch("network");
    let net = dir.join("hat.act");
    std::fs::write(
        &net,
        "# a hat from three ReLUs\nh(x) = relu(x) - 2*relu(x - 1) + relu(x - 2)\nh(x)\n",
    )
    .expect("write");
    let out = dir.join("hat.png");
    let assert = actsym()
        .args(["plot", net.to_str().unwrap(), "--size", "200x100", "--json"])
        .args(["-o", out.to_str().unwrap()])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("json");
    let curve = &v["curves"][0];
    assert_eq!(curve["label"], "hat(x)");
    assert_eq!(
        curve["breakpoints"],
        serde_json::json!([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    );
    assert_eq!(curve["pieces"], 1);
    assert!(out.exists());
    // Its derivative: jumps at the breakpoints, left-hand values there.
    let assert = actsym()
        .args([
            "plot",
            net.to_str().unwrap(),
            "--derivative",
            "--terminal",
            "--json",
        ])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("json");
    assert_eq!(v["curves"][0]["label"], "grad of hat");
    let values: Vec<f64> = v["curves"][0]["jumps"]
        .as_array()
        .expect("jumps")
        .iter()
        .map(|j| j["value"].as_f64().expect("a value"))
        .collect();
    assert_eq!(values, [0.0, 1.0, -1.0]);
    // A broken network file: the error names the file, line and column.
    let bad = dir.join("bad.act");
    std::fs::write(&bad, "h(x) = relu(x) +\n").expect("write");
    actsym()
        .args(["plot", bad.to_str().unwrap(), "--terminal"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.act:1:"));
}

#[test]
fn terminal_output_is_80_columns_when_not_a_terminal() {
    let assert = actsym()
        .args(["plot", "sigmoid(x)", "--terminal"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.lines().any(|l| l.chars().count() >= 70));
    assert!(text.starts_with("sigmoid(x)\n") && text.contains('⠉'));
}
