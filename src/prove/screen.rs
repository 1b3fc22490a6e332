//! The fast screen of the numeric route: both sides, the conditions and the
//! boundaries compiled to `f64` tapes and evaluated in batches along a line, to find
//! where `|L - R|` is largest, where it changes sign, where exactly one side is
//! undefined, and where a boundary changes sign. The screen only proposes points:
//! every verdict rests on the certified MPFR evaluation of the points it proposes.

use std::collections::HashMap;

use crate::expr::{CmpOp, ExprId, Graph, Node, Symbol};
use crate::fast::Tape;

/// The compiled tapes of one claim.
pub struct Screen {
    vars: Vec<Symbol>,
    lhs: Option<Tape>,
    rhs: Option<Tape>,
    conditions: Vec<Option<(CmpOp, Tape)>>,
    boundaries: HashMap<ExprId, Option<Tape>>,
    /// How many points have been evaluated.
    pub screened: usize,
}

/// The sides at the points of a line.
pub struct Sampled {
    /// The points.
    pub xs: Vec<f64>,
    /// The left side (NaN where undefined).
    pub lhs: Vec<f64>,
    /// The right side.
    pub rhs: Vec<f64>,
    /// Whether the `f64` conditions hold (a guess: only MPFR decides).
    pub inside: Vec<bool>,
}

impl Screen {
    /// Compiles the sides and conditions; a part that does not compile is left out
    /// (the screen then proposes fewer points, the certified route is unchanged).
    pub fn new(
        g: &mut Graph,
        vars: &[Symbol],
        lhs: ExprId,
        rhs: ExprId,
        conditions: &[ExprId],
    ) -> Screen {
        let conditions = conditions
            .iter()
            .map(|&c| match g.node(c).clone() {
                Node::Cmp(op, a, b) => {
                    let d = g.sub(a, b);
                    Tape::compile(g, d, vars).ok().map(|t| (op, t))
                }
                _ => None,
            })
            .collect();
        Screen {
            vars: vars.to_vec(),
            lhs: Tape::compile(g, lhs, vars).ok(),
            rhs: Tape::compile(g, rhs, vars).ok(),
            conditions,
            boundaries: HashMap::new(),
            screened: 0,
        }
    }

    /// Whether both sides compiled.
    #[must_use]
    pub fn usable(&self) -> bool {
        self.lhs.is_some() && self.rhs.is_some()
    }

    fn inputs(&self, var: Symbol, base: &HashMap<Symbol, f64>, xs: &[f64]) -> Vec<Vec<f64>> {
        self.vars
            .iter()
            .map(|&w| {
                if w == var {
                    xs.to_vec()
                } else {
                    vec![base.get(&w).copied().unwrap_or(0.0); xs.len()]
                }
            })
            .collect()
    }

    fn run(tape: &Tape, inputs: &[Vec<f64>], n: usize) -> Vec<f64> {
        let refs: Vec<&[f64]> = inputs.iter().map(Vec::as_slice).collect();
        let mut out = vec![f64::NAN; n];
        if tape.eval_batch(&refs, &mut out).is_err() {
            out.fill(f64::NAN);
        }
        out
    }

    /// Both sides and the conditions at the points `xs` of the line through `base`
    /// along `var`.
    pub fn sides(
        &mut self,
        var: Symbol,
        base: &HashMap<Symbol, f64>,
        xs: Vec<f64>,
    ) -> Option<Sampled> {
        let (l, r) = (self.lhs.as_ref()?, self.rhs.as_ref()?);
        let n = xs.len();
        let inputs = self.inputs(var, base, &xs);
        let lhs = Self::run(l, &inputs, n);
        let rhs = Self::run(r, &inputs, n);
        let mut inside = vec![true; n];
        for c in &self.conditions {
            let Some((op, t)) = c else { continue };
            let v = Self::run(t, &inputs, n);
            for (ok, d) in inside.iter_mut().zip(v) {
                let holds = match op {
                    CmpOp::Lt => d < 0.0,
                    CmpOp::Le => d <= 0.0,
                    CmpOp::Gt => d > 0.0,
                    CmpOp::Ge => d >= 0.0,
                    CmpOp::Ne => d != 0.0,
                };
                *ok &= holds;
            }
        }
        self.screened += n;
        Some(Sampled {
            xs,
            lhs,
            rhs,
            inside,
        })
    }

    /// The values of `expr` (compiled once and kept) at the points `xs` of the line
    /// through `base` along `var`: NaN where undefined. `None` when it does not
    /// compile.
    pub fn values(
        &mut self,
        g: &mut Graph,
        expr: ExprId,
        var: Symbol,
        base: &HashMap<Symbol, f64>,
        xs: &[f64],
    ) -> Option<Vec<f64>> {
        if !self.boundaries.contains_key(&expr) {
            let t = Tape::compile(g, expr, &self.vars).ok();
            self.boundaries.insert(expr, t);
        }
        let tape = self.boundaries.get(&expr)?.as_ref()?;
        let inputs = self.inputs(var, base, xs);
        self.screened += xs.len();
        Some(Self::run(tape, &inputs, xs.len()))
    }

    /// The sign changes of the boundary `expr` along the line (a change between a
    /// value and NaN counts: a domain edge), each narrowed by bisection to adjacent
    /// floats. `None` when the boundary does not compile.
    pub fn sign_changes(
        &mut self,
        g: &mut Graph,
        expr: ExprId,
        var: Symbol,
        base: &HashMap<Symbol, f64>,
        xs: &[f64],
    ) -> Option<Vec<(f64, f64)>> {
        if !self.boundaries.contains_key(&expr) {
            let t = Tape::compile(g, expr, &self.vars).ok();
            self.boundaries.insert(expr, t);
        }
        let tape = self.boundaries.get(&expr)?.as_ref()?;
        let inputs = self.inputs(var, base, xs);
        let vals = Self::run(tape, &inputs, xs.len());
        self.screened += xs.len();
        let class = |v: f64| {
            if v.is_nan() {
                2
            } else if v > 0.0 {
                1
            } else if v < 0.0 {
                -1
            } else {
                0
            }
        };
        let mut out = Vec::new();
        let vars = self.vars.clone();
        let eval = |x: f64| -> f64 {
            let point: Vec<f64> = vars
                .iter()
                .map(|&w| {
                    if w == var {
                        x
                    } else {
                        base.get(&w).copied().unwrap_or(0.0)
                    }
                })
                .collect();
            tape.eval_point(&point).unwrap_or(f64::NAN)
        };
        for k in 1..xs.len() {
            let (ca, cb) = (class(vals[k - 1]), class(vals[k]));
            if ca == cb {
                continue;
            }
            if ca == 0 || cb == 0 {
                // An exact zero of the f64 value: keep a small bracket around it.
                let z = if ca == 0 { xs[k - 1] } else { xs[k] };
                out.push((z, z));
                continue;
            }
            let (mut a, mut b) = (xs[k - 1], xs[k]);
            for _ in 0..200 {
                let m = a + (b - a) / 2.0;
                if m <= a || m >= b {
                    break;
                }
                if class(eval(m)) == ca {
                    a = m;
                } else {
                    b = m;
                }
            }
            out.push((a, b));
        }
        Some(out)
    }
}

/// The grid a line is screened on: magnitudes from 1e-320 to 1e300 (both signs), a
/// fine uniform grid on [-10, 10], and `per_region` points in every gap between the
/// `cuts`, all inside `(lo, hi)`.
#[must_use]
pub fn grid(lo: Option<f64>, hi: Option<f64>, cuts: &[f64], per_region: usize) -> Vec<f64> {
    let mut xs: Vec<f64> = vec![0.0];
    let mut e = -320.0f64;
    while e <= 300.0 {
        let m = 10f64.powf(e);
        xs.push(m);
        xs.push(-m);
        e += if (-40.0..=40.0).contains(&e) {
            0.05
        } else {
            0.5
        };
    }
    for j in 0..=2000 {
        xs.push(-10.0 + 20.0 * f64::from(j) / 2000.0);
    }
    let mut ends: Vec<f64> = cuts.to_vec();
    ends.extend(lo);
    ends.extend(hi);
    ends.retain(|v| v.is_finite());
    ends.sort_by(f64::total_cmp);
    ends.dedup();
    for w in ends.windows(2) {
        for j in 1..per_region {
            xs.push(w[0] + (w[1] - w[0]) * (j as f64) / (per_region as f64));
        }
    }
    for &c in &ends {
        for k in 1..=15 {
            let d = 10f64.powi(-k) * c.abs().max(1e-300);
            xs.push(c + d);
            xs.push(c - d);
        }
    }
    xs.retain(|x| x.is_finite() && lo.is_none_or(|a| *x >= a) && hi.is_none_or(|b| *x <= b));
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// The points of a screened line worth certifying: where exactly one side is
/// undefined, where `L - R` changes sign, and the `count` points where the relative
/// difference is largest (only where the `f64` conditions hold).
#[must_use]
pub fn candidates(s: &Sampled, count: usize) -> Vec<f64> {
    let mut out = Vec::new();
    let mut scored: Vec<(f64, f64)> = Vec::new();
    let mut last_sign = 0i8;
    for k in 0..s.xs.len() {
        if !s.inside[k] {
            continue;
        }
        let (l, r) = (s.lhs[k], s.rhs[k]);
        if l.is_nan() != r.is_nan() {
            if out.len() < count {
                out.push(s.xs[k]);
            }
            continue;
        }
        if l.is_nan() || l.is_infinite() || r.is_infinite() {
            continue;
        }
        let d = l - r;
        let sign = if d > 0.0 {
            1
        } else if d < 0.0 {
            -1
        } else {
            0
        };
        if sign != 0 && last_sign != 0 && sign != last_sign && out.len() < 2 * count {
            out.push(s.xs[k]);
        }
        if sign != 0 {
            last_sign = sign;
        }
        let rel = d.abs() / (1.0 + l.abs().max(r.abs()));
        if rel > 0.0 {
            scored.push((rel, s.xs[k]));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.extend(scored.into_iter().take(count).map(|p| p.1));
    out
}
