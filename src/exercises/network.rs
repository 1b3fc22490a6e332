//! Network answers (part 4: a ReLU/pReLU MLP is continuous piecewise linear). The
//! answer is a network of one input written in the language: an expression, or
//! definitions (one per layer or unit) and then the output's expression. It must be
//! an MLP — sums of weighted units, each unit one of the exercise's activations
//! applied to such a sum — and the exact piecewise analysis must find it continuous
//! and piecewise linear. A wrong answer is diagnosed from that analysis: a curved
//! piece (or a certified curvature witness), a jump with both one-sided limits, or
//! the node that is not part of an MLP.

use crate::expr::{ExprId, Graph, Node, Origin, Symbol};
use crate::parse::StatementKind;
use crate::pwl;
use crate::pwl::classify::{classify, Class};

use super::engine::{self, Budget};
use super::format::{Exercise, NetworkSpec, Property};
use super::grade::{Grade, Verdict};

/// Inlines the calls of functions the answer defined (prelude calls keep their
/// names, so the units stay visible). The caller takes the derivatives first (a
/// definition that takes one is inlined then, its derivative taken before its
/// parameters are replaced). Definitions are not recursive, so this ends within one
/// round per definition.
pub(super) fn inline_user_calls(g: &mut Graph, root: ExprId) -> ExprId {
    let mut e = root;
    for _ in 0..=g.defs().len() {
        let mut changed = false;
        e = g.rewrite(e, |g, _, node| {
            if let Node::Call(f, args) = &node {
                if let Some(def) = g.defs().get(*f).cloned() {
                    if def.origin != Origin::Prelude {
                        changed = true;
                        return g.substitute(def.body, &def.bind(args));
                    }
                }
            }
            g.rebuild(node)
        });
        if !changed {
            break;
        }
    }
    e
}

/// Whether `e` depends on `input`.
fn depends(g: &Graph, e: ExprId, input: Symbol) -> bool {
    g.free_vars(e).contains(&input)
}

/// The first node of `e` that is not part of an MLP over `input` (affine maps and the
/// allowed activations; `max(u, 0)` and `min(u, 0)` count as ReLU written out).
fn not_mlp(g: &Graph, e: ExprId, input: Symbol, spec: &NetworkSpec) -> Option<ExprId> {
    for id in g.reachable(&[e]) {
        let ok = match g.node(id) {
            Node::Num(_) | Node::Var(_) | Node::Add(_) => true,
            Node::Mul(f) => f.iter().filter(|&&c| depends(g, c, input)).count() <= 1,
            Node::Max(a, b) | Node::Min(a, b) => {
                g.as_num(*a).is_some_and(num_traits::Zero::is_zero)
                    || g.as_num(*b).is_some_and(num_traits::Zero::is_zero)
            }
            Node::Call(f, args) => {
                spec.activations.iter().any(|a| a == g.name(*f))
                    && args.iter().skip(1).all(|&p| !depends(g, p, input))
            }
            _ => false,
        };
        if !ok {
            return Some(id);
        }
    }
    None
}

/// Reads the answer: definitions, then one expression.
fn read(g: &mut Graph, ex: &Exercise, text: &str) -> Result<ExprId, Box<Grade>> {
    let stmts = engine::parse_text(g, text).map_err(|e| Grade::reject_parse(ex, text, &e))?;
    let exprs: Vec<ExprId> = stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Expr(e) => Some(Ok(*e)),
            StatementKind::Claim(_) => Some(Err(())),
            StatementKind::Definition(_) => None,
        })
        .collect::<Result<_, _>>()
        .map_err(|()| Grade::reject(ex, format!("expected {}, found a claim", ex.expects)))?;
    match exprs.as_slice() {
        [e] => Ok(*e),
        _ => Err(Grade::reject(
            ex,
            format!(
                "expected {}: definitions, then one expression (the output)",
                ex.expects
            ),
        )),
    }
}

/// A point of one coordinate as JSON.
fn point_of(name: &str, value: String) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(name.to_owned(), serde_json::Value::String(value));
    serde_json::Value::Object(map)
}

/// Grades an MLP with symbolic weights for every value of them: the structural
/// classification ([`classify`]) must find the output continuous and piecewise
/// linear by its closure rules. A class outside it is no proof of the contrary (a
/// rule may miss a cancellation), so that is undecided, never incorrect.
fn symbolic(
    g: &mut Graph,
    ex: &Exercise,
    mut grade: Grade,
    net: ExprId,
    input: Symbol,
    weights: &[String],
) -> Grade {
    match classify(g, net, &[input]) {
        Ok(c) if c.class <= Class::ContinuousPiecewiseLinear => {
            grade.verdict = Verdict::Correct;
            grade.method = Some("structural classification, for every value of the weights".into());
            grade.details.push(format!(
                "{} for every value of {}: affine maps of it are, relu and prelu of it are (max and min of continuous piecewise linear functions), and so are sums",
                c.class.describe(),
                weights.join(", ")
            ));
            grade
        }
        Ok(c) => Grade::unknown(
            ex,
            format!(
                "the classification for every value of the weights ({}) finds the network {}, which does not show it is continuous piecewise linear",
                weights.join(", "),
                c.class.describe()
            ),
        ),
        Err(e) => Grade::unknown(ex, format!("the network could not be unfolded: {e}")),
    }
}

/// Grades a network answer by the property its exercise asks for.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let Some(spec) = &ex.network else {
        return Grade::unknown(ex, "the exercise file has no [network] table");
    };
    match spec.property {
        Property::ContinuousPiecewiseLinear => piecewise(ex, spec, text),
        Property::LinearCollapse => super::linear::grade(ex, text, budget),
        Property::SameFunctionClass => super::classes::grade(ex, text, budget),
    }
}

/// Whether a name is a network input: `x`, `y`, `z`, or `x1`, `x2`, ... (the names a
/// network file's inputs get).
pub(super) fn is_input_name(name: &str) -> bool {
    matches!(name, "x" | "y" | "z")
        || name
            .strip_prefix('x')
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The order of inputs: `x`, `y`, `z`, then `x1`, `x2`, ... by number.
pub(super) fn input_order(name: &str) -> (usize, usize) {
    match name {
        "x" => (0, 0),
        "y" => (0, 1),
        "z" => (0, 2),
        other => (1, other[1..].parse().unwrap_or(usize::MAX)),
    }
}

/// Whether `e` depends on one of `inputs`.
pub(super) fn depends_on(g: &Graph, e: ExprId, inputs: &[Symbol]) -> bool {
    g.free_vars(e).iter().any(|v| inputs.contains(v))
}

/// The inputs `e` uses (by [`is_input_name`]), in [`input_order`].
pub(super) fn inputs_of(g: &Graph, roots: &[ExprId]) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = roots
        .iter()
        .flat_map(|&r| g.free_vars(r))
        .filter(|&v| is_input_name(g.name(v)))
        .collect();
    out.sort_by_key(|&v| input_order(g.name(v)));
    out.dedup();
    out
}

/// A network file's reading error as an unreadable grade (a JSON syntax error keeps
/// its line and column).
pub(super) fn network_error(
    ex: &Exercise,
    prefix: &str,
    e: &crate::network::NetworkError,
) -> Grade {
    let mut grade = Grade::unreadable(ex, format!("{prefix}{e}"));
    if let (crate::network::NetworkError::Syntax { line, column, .. }, Some(err)) =
        (e, grade.error.as_mut())
    {
        err.line = Some(*line);
        err.column = Some(*column);
    }
    grade
}

/// Grades an MLP that must be continuous and piecewise linear (part 4).
fn piecewise(ex: &Exercise, spec: &NetworkSpec, text: &str) -> Grade {
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let raw = match read(g, ex, text) {
        Ok(e) => e,
        Err(grade) => return *grade,
    };
    let net = match engine::take_diffs(g, raw) {
        Ok(taken) => inline_user_calls(g, taken),
        Err(e) => return Grade::unknown(ex, format!("the network's derivatives: {e}")),
    };
    let input = g.symbol(&spec.input);
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(engine::text(g, net));
    let offense = not_mlp(g, net, input, spec);
    let weights: Vec<String> = g
        .free_vars(net)
        .into_iter()
        .filter(|&v| v != input)
        .map(|v| g.name(v).to_owned())
        .collect();
    let mlp_text = |g: &Graph, id: ExprId| {
        format!(
            "{} is not part of an MLP: a unit applies {} to a weighted sum plus a bias, and a layer adds weighted units.",
            engine::text(g, id),
            spec.activations.join(" or ")
        )
    };
    if !weights.is_empty() {
        if let Some(id) = offense {
            let text = mlp_text(g, id);
            return grade.with_diagnosis("not_an_mlp", text, None);
        }
        return symbolic(g, ex, grade, net, input, &weights);
    }
    grade.method = Some("exact piecewise analysis (rational breakpoints)".into());
    let x = spec.input.as_str();
    match pwl::analyse(g, net, input) {
        Ok(pw) => {
            if let Some(i) = pw.pieces.iter().position(|p| p.degree() > 1) {
                let piece = pwl::poly_expr(g, &pw.pieces[i], input);
                let (lo, hi) = pw.interval(i);
                let range = match (lo, hi) {
                    (Some(a), Some(b)) => format!("{a} < {x} < {b}"),
                    (Some(a), None) => format!("{x} > {a}"),
                    (None, Some(b)) => format!("{x} < {b}"),
                    (None, None) => "every x".to_owned(),
                };
                let text = format!(
                    "Your network is not piecewise linear: on {range} it is {}.",
                    engine::text(g, piece)
                );
                return grade.with_diagnosis("not_piecewise_linear", text, None);
            }
            if let Some(i) = (0..pw.breaks.len()).find(|&i| {
                let (l, r) = pw.limits(i);
                l != pw.at[i] || r != pw.at[i]
            }) {
                let (l, r) = pw.limits(i);
                let b = &pw.breaks[i];
                grade.point = Some(point_of(x, b.to_string()));
                let text = format!(
                    "Your network jumps at {x} = {b}: from the left it tends to {l}, from the right to {r}, and its value there is {}.",
                    pw.at[i]
                );
                return grade.with_diagnosis("discontinuous", text, None);
            }
            if let Some(id) = offense {
                let text = mlp_text(g, id);
                return grade.with_diagnosis("not_an_mlp", text, None);
            }
            grade.verdict = Verdict::Correct;
            let breaks: Vec<String> = pw.breaks.iter().map(ToString::to_string).collect();
            grade.details.push(format!(
                "continuous and piecewise linear: {} pieces, breakpoints {}",
                pw.pieces.len(),
                if breaks.is_empty() {
                    "none".to_owned()
                } else {
                    breaks.join(", ")
                }
            ));
            grade
        }
        Err(e) => match pwl::curvature_witness(g, net, input) {
            Ok(Some(w)) => {
                grade.point = Some(point_of(x, w.at.to_string()));
                let text = format!(
                    "Your network is not piecewise linear: at {x} = {} it is smooth and its second derivative is {}, not 0.",
                    w.at, w.second_derivative
                );
                grade.with_diagnosis("not_piecewise_linear", text, None)
            }
            Ok(None) | Err(_) => match offense {
                Some(id) => {
                    let text = mlp_text(g, id);
                    grade.with_diagnosis("not_an_mlp", text, None)
                }
                None => Grade::unknown(ex, format!("the piecewise analysis could not decide: {e}")),
            },
        },
    }
}

/// The names of the free variables of `sides` that are not inputs (the weights of a
/// network written with names), sorted, each once.
pub(super) fn weight_names(g: &Graph, sides: &[ExprId], inputs: &[Symbol]) -> Vec<String> {
    let mut w: Vec<Symbol> = sides.iter().flat_map(|&s| g.free_vars(s)).collect();
    w.sort();
    w.dedup();
    w.into_iter()
        .filter(|v| !inputs.contains(v))
        .map(|v| g.name(v).to_owned())
        .collect()
}
