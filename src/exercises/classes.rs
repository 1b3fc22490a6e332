//! Part 5b (tanh and sigmoid networks parametrize the same function class): since
//! `tanh(u) = 2*sigmoid(2*u) - 1`, a tanh unit is a sigmoid unit with doubled weights
//! and bias whose output the next affine layer scales by 2 and shifts by -1 (its bias
//! term absorbs the shift), and back, `sigmoid(u) = (tanh(u/2) + 1)/2`. The answer is
//! one of:
//!
//! - a pair of network files' JSON, `[ORIGINAL, CONVERTED]`: one network of tanh (and
//!   identity) layers and one of sigmoid (and identity) layers, in either order. They
//!   are compared structurally (`network::convert::structurally_equal`: the affine
//!   maps exactly, unit by unit, the identity used proved by the checker), else by
//!   the checker, output by output;
//! - a claim `TANH_NETWORK = SIGMOID_NETWORK` (either order, definitions allowed),
//!   decided by the checker; with symbolic weights it holds for every value of them,
//!   which is the statement about the classes itself.
//!
//! A wrong conversion is diagnosed by the checker against the conversion with one
//! typical slip (the inner factor 2 forgotten, the shift -1 not folded into the bias,
//! the outer factor 2 forgotten); a pair that is not one tanh and one sigmoid
//! network, or uses another activation, is diagnosed from its structure.

use crate::expr::{ExprId, Func, Graph, Node, Symbol};
use crate::network::convert::structurally_equal;
use crate::network::{json, Activation, Network};
use crate::parse::StatementKind;

use super::engine::{self, Budget, Effort};
use super::format::Exercise;
use super::grade::{undecided, Grade, Verdict};
use super::network::{depends_on, inline_user_calls, inputs_of, network_error, weight_names};

/// Which units a network (or a side of a claim) uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Units {
    /// None: an affine map.
    None,
    /// tanh units only.
    Tanh,
    /// sigmoid units only.
    Sigmoid,
    /// Both.
    Mixed,
}

impl Units {
    fn with(self, other: Units) -> Units {
        match (self, other) {
            (Units::None, u) | (u, Units::None) => u,
            (a, b) if a == b => a,
            _ => Units::Mixed,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Units::None => "no tanh or sigmoid unit (it is affine)",
            Units::Tanh => "tanh units",
            Units::Sigmoid => "sigmoid units",
            Units::Mixed => "both tanh and sigmoid units",
        }
    }
}

/// A typical slip in converting, as the function a unit was (wrongly) replaced by.
struct Slip {
    code: &'static str,
    says: &'static str,
}

/// A unit's replacement: `u` (its pre-activation) to an expression.
type Replace = fn(&mut Graph, ExprId) -> ExprId;

/// The slips of tanh -> sigmoid (`tanh(u) = 2*sigmoid(2*u) - 1`), each with the
/// replacement of `tanh(u)` it amounts to.
const TO_SIGMOID: [(Slip, Replace); 3] = [
    (
        Slip {
            code: "inner_scale",
            says: "each tanh(u) became 2*sigmoid(u) - 1: the unit's weights and bias were not doubled (tanh(u) = 2*sigmoid(2*u) - 1)",
        },
        |g, u| sig_affine(g, u, 1, 1, 2, 1, -1),
    ),
    (
        Slip {
            code: "bias_shift",
            says: "each tanh(u) became 2*sigmoid(2*u): the -1 was not folded into the next layer's bias (affine layers have bias terms, too)",
        },
        |g, u| sig_affine(g, u, 2, 1, 2, 1, 0),
    ),
    (
        Slip {
            code: "outer_factor",
            says: "each tanh(u) became sigmoid(2*u) - 1: the next layer's weights were not doubled (tanh(u) = 2*sigmoid(2*u) - 1)",
        },
        |g, u| sig_affine(g, u, 2, 1, 1, 1, -1),
    ),
];

/// The slips of sigmoid -> tanh (`sigmoid(u) = (tanh(u/2) + 1)/2`).
const TO_TANH: [(Slip, Replace); 3] = [
    (
        Slip {
            code: "inner_scale",
            says: "each sigmoid(u) became (tanh(u) + 1)/2: the unit's weights and bias were not halved (sigmoid(u) = (tanh(u/2) + 1)/2)",
        },
        |g, u| tanh_affine(g, u, 1, 1, 1, 2, 1),
    ),
    (
        Slip {
            code: "bias_shift",
            says: "each sigmoid(u) became tanh(u/2)/2: the +1/2 was not folded into the next layer's bias (affine layers have bias terms, too)",
        },
        |g, u| tanh_affine(g, u, 1, 2, 1, 2, 0),
    ),
    (
        Slip {
            code: "outer_factor",
            says: "each sigmoid(u) became tanh(u/2) + 1/2: the next layer's weights were not halved (sigmoid(u) = (tanh(u/2) + 1)/2)",
        },
        |g, u| tanh_affine(g, u, 1, 2, 1, 1, 1),
    ),
];

/// `(a/b)*sigmoid((p/q)*u) + c`; here with `p/q` the inner scale, `a/b` the outer
/// factor (`a` over `b`) and `c` the shift.
fn sig_affine(g: &mut Graph, u: ExprId, p: i64, q: i64, a: i64, b: i64, c: i64) -> ExprId {
    let k = g.frac(p, q);
    let inner = g.mul(vec![k, u]);
    let s = g
        .find_symbol("sigmoid")
        .expect("the prelude defines sigmoid");
    let unit = g.call(s, vec![inner]);
    let f = g.frac(a, b);
    let scaled = g.mul(vec![f, unit]);
    let shift = g.int(c);
    g.add(vec![scaled, shift])
}

/// `(a/b)*tanh((p/q)*u) + c/2`.
fn tanh_affine(g: &mut Graph, u: ExprId, p: i64, q: i64, a: i64, b: i64, c2: i64) -> ExprId {
    let k = g.frac(p, q);
    let inner = g.mul(vec![k, u]);
    let unit = g.func(Func::Tanh, inner);
    let f = g.frac(a, b);
    let scaled = g.mul(vec![f, unit]);
    let shift = g.frac(c2, 2);
    g.add(vec![scaled, shift])
}

/// `e` with its tanh (or sigmoid) units replaced: the one `only` names (every one
/// when `None`) by `by`, the others by the right conversion `right`.
fn replace_units(
    g: &mut Graph,
    e: ExprId,
    from: Units,
    by: Replace,
    right: Replace,
    only: Option<ExprId>,
) -> ExprId {
    let sigmoid = g.find_symbol("sigmoid");
    g.rewrite(e, |g, id, node| {
        let f = if only.is_none_or(|o| o == id) {
            by
        } else {
            right
        };
        match (&node, from) {
            (Node::Func(Func::Tanh, u), Units::Tanh) => f(g, *u),
            (Node::Call(s, args), Units::Sigmoid) if Some(*s) == sigmoid && args.len() == 1 => {
                f(g, args[0])
            }
            _ => g.rebuild(node),
        }
    })
}

/// The distinct units of `e` of one kind.
fn unit_nodes(g: &Graph, e: ExprId, from: Units) -> Vec<ExprId> {
    g.reachable(&[e])
        .into_iter()
        .filter(|&id| match (g.node(id), from) {
            (Node::Func(Func::Tanh, _), Units::Tanh) => true,
            (Node::Call(f, args), Units::Sigmoid) => g.name(*f) == "sigmoid" && args.len() == 1,
            _ => false,
        })
        .collect()
}

/// The units of `e`, or the first node that is no part of a tanh or sigmoid MLP.
fn units_of(g: &Graph, e: ExprId, inputs: &[Symbol]) -> Result<Units, ExprId> {
    let mut units = Units::None;
    for id in g.reachable(&[e]) {
        if !depends_on(g, id, inputs) {
            continue;
        }
        match g.node(id) {
            Node::Var(_) | Node::Add(_) => {}
            Node::Mul(f) if f.iter().filter(|&&c| depends_on(g, c, inputs)).count() <= 1 => {}
            Node::Func(Func::Tanh, _) => units = units.with(Units::Tanh),
            Node::Call(f, args) if g.name(*f) == "sigmoid" && args.len() == 1 => {
                units = units.with(Units::Sigmoid);
            }
            _ => return Err(id),
        }
    }
    Ok(units)
}

/// Grades a part 5b answer.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    match text.trim_start().chars().next() {
        Some('[') => grade_pair(ex, text, budget),
        Some('{') => Grade::unreadable(
            ex,
            format!(
                "expected {}: one network alone shows nothing; give it with its conversion as a pair [ORIGINAL, CONVERTED] (`actsym convert` shows how)",
                ex.expects
            ),
        ),
        _ => grade_claim(ex, text, budget),
    }
}

/// The diagnosis of a refuted equality of a tanh side `t` and a sigmoid side `s`:
/// the first slip the checker shows equal to the answer's converted side.
fn slip(
    g: &mut Graph,
    t: ExprId,
    s: ExprId,
    directions: &[Units],
    budget: &Budget,
) -> Option<(&'static Slip, Option<String>)> {
    for &from in directions {
        let (slips, right, original, converted): (_, Replace, _, _) = match from {
            Units::Tanh => (&TO_SIGMOID, |g, u| sig_affine(g, u, 2, 1, 2, 1, -1), t, s),
            _ => (&TO_TANH, |g, u| tanh_affine(g, u, 1, 2, 1, 2, 1), s, t),
        };
        // Every unit with the slip, then (in a network of several) one unit alone.
        let units = unit_nodes(g, original, from);
        let mut which: Vec<Option<ExprId>> = vec![None];
        if units.len() > 1 {
            which.extend(units.iter().take(8).map(|&u| Some(u)));
        }
        for only in which {
            for (slip, by) in slips {
                if budget.spent() {
                    return None;
                }
                let model = replace_units(g, original, from, *by, right, only);
                let d = engine::decide(g, converted, model, &[], Effort::Light, budget);
                if d.holds == Some(true) {
                    return Some((slip, only.map(|u| engine::text(g, u))));
                }
            }
        }
    }
    None
}

/// The verdict of the checker on `t = s` (several outputs: each), with the slip
/// diagnosed when refuted.
fn decide_outputs(
    ex: &Exercise,
    g: &mut Graph,
    mut grade: Grade,
    pairs: &[(ExprId, ExprId)],
    directions: &[Units],
    budget: &Budget,
) -> Grade {
    let mut methods = Vec::new();
    for (k, &(t, s)) in pairs.iter().enumerate() {
        let d = engine::decide(g, t, s, &[], Effort::Full, budget);
        match (d.holds, &d.witness) {
            (Some(true), _) => methods.push(format!("{} ({})", d.verdict, d.method)),
            (Some(false), Some(w)) => {
                let which = if pairs.len() > 1 {
                    format!("output {}: ", k + 1)
                } else {
                    String::new()
                };
                let values = format!(
                    "at {} the tanh network is {}, the sigmoid network {}",
                    w.point_text, w.lhs, w.rhs
                );
                grade = grade.with_witness(w);
                return match slip(g, t, s, directions, budget) {
                    Some((sl, unit)) => {
                        let says = match unit {
                            Some(u) => format!(
                                "in the unit {u} (the others are right), {}",
                                sl.says.replacen("each ", "", 1)
                            ),
                            None => sl.says.to_owned(),
                        };
                        let text = format!("{which}The networks differ: {says}; {values}.");
                        grade.with_diagnosis(sl.code, text, None)
                    }
                    None => {
                        let text = format!(
                            "{which}The networks differ: {values}. Write each tanh(u) as 2*sigmoid(2*u) - 1 and fold the factor 2 and the -1 into the next layer."
                        );
                        grade.with_diagnosis("differs", text, None)
                    }
                };
            }
            _ => return undecided(ex, &d),
        }
    }
    grade.verdict = Verdict::Correct;
    grade.method = Some(format!("the checker: {}", methods.join("; ")));
    grade
}

/// The units of a network file, or the layer with another activation.
fn network_units(net: &Network) -> Result<Units, (usize, String)> {
    let mut u = Units::None;
    for (k, l) in net.layers.iter().enumerate() {
        u = u.with(match &l.activation {
            Activation::Identity => Units::None,
            Activation::Tanh => Units::Tanh,
            Activation::Sigmoid => Units::Sigmoid,
            other => return Err((k, other.spec())),
        });
    }
    Ok(u)
}

/// `[ORIGINAL, CONVERTED]` as the answer.
fn grade_pair(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    // The syntax is checked as a whole (errors keep their place); each network is
    // then read from its own text, so its numbers stay exact.
    let items: Vec<&str> = match serde_json::from_str::<Vec<serde_json::Value>>(text) {
        Ok(_) => split_array(text),
        Err(e) => {
            let mut grade = Grade::unreadable(
                ex,
                format!(
                    "the pair of networks: {}",
                    e.to_string().split(" at line ").next().unwrap_or_default()
                ),
            );
            if let Some(err) = grade.error.as_mut() {
                err.line = Some(e.line());
                err.column = Some(e.column());
            }
            return grade;
        }
    };
    if items.len() != 2 {
        return Grade::unreadable(
            ex,
            format!(
                "expected a pair [ORIGINAL, CONVERTED] of two networks, found {}",
                items.len()
            ),
        );
    }
    let mut nets = Vec::with_capacity(2);
    for (k, v) in items.iter().enumerate() {
        let read = json::read(v.as_bytes()).and_then(|n| n.validate().map(|()| n));
        match read {
            Ok(n) => nets.push(n),
            Err(e) => return network_error(ex, &format!("network {}: ", k + 1), &e),
        }
    }
    let (a, b) = (&nets[0], &nets[1]);
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(format!("a {} network and a {} network", shape(a), shape(b)));
    let mut kinds = [Units::None; 2];
    for (k, n) in nets.iter().enumerate() {
        match network_units(n) {
            Ok(u) => kinds[k] = u,
            Err((layer, act)) => {
                let text = format!(
                    "network {}, layers[{layer}] applies {act}: the exercise compares tanh networks with sigmoid networks",
                    k + 1
                );
                return grade.with_diagnosis("wrong_activation", text, None);
            }
        }
    }
    if let Some(text) = not_converted(kinds, "network 1", "network 2") {
        return grade.with_diagnosis("not_converted", text, None);
    }
    if a.inputs != b.inputs || a.outputs() != b.outputs() {
        let text = format!(
            "The networks have different shapes ({} and {}): a conversion keeps the inputs and outputs.",
            shape(a),
            shape(b)
        );
        return grade.with_diagnosis("different_shape", text, None);
    }
    let mut g = Graph::with_prelude();
    let g = &mut g;
    // Structurally: b is a with each unit written by the identity, the affine maps
    // compared exactly; the identity is then proved by the checker.
    if let Some(ids) = structurally_equal(a, b) {
        let mut proved = Vec::new();
        let all = ids.iter().all(|id| {
            let Ok(c) = engine::parse_claim(g, id.claim()) else {
                return false;
            };
            let d = engine::decide_claim_with(g, &c, Effort::Full, budget);
            proved.push(format!("{} {}", id.claim(), d.verdict));
            d.holds == Some(true)
        });
        if all && !ids.is_empty() {
            grade.verdict = Verdict::Correct;
            grade.method = Some(format!(
                "structural: the affine maps compared exactly, unit by unit, and {}",
                proved.join(", ")
            ));
            grade.details.push(
                "network 2 is network 1 with each unit written by the identity, so the two compute the same function at any width"
                    .into(),
            );
            return grade;
        }
    }
    let (oa, ob) = match (a.build(g), b.build(g)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return network_error(ex, "", &e),
    };
    let tanh_first = kinds[0] == Units::Tanh;
    let pairs: Vec<(ExprId, ExprId)> = oa
        .iter()
        .zip(&ob)
        .map(|(&x, &y)| if tanh_first { (x, y) } else { (y, x) })
        .collect();
    let direction = if tanh_first {
        Units::Tanh
    } else {
        Units::Sigmoid
    };
    decide_outputs(ex, g, grade, &pairs, &[direction], budget)
}

/// The texts of the elements of a JSON array already known to be well formed.
fn split_array(text: &str) -> Vec<&str> {
    let Some(open) = text.find('[') else {
        return Vec::new();
    };
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut start, mut out) = (open + 1, Vec::new());
    for (i, c) in text.char_indices().skip_while(|&(i, _)| i <= open) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' if depth > 0 => depth -= 1,
            ',' | ']' if depth == 0 => {
                if !text[start..i].trim().is_empty() {
                    out.push(&text[start..i]);
                }
                start = i + 1;
                if c == ']' {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

fn shape(n: &Network) -> String {
    n.shape()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Why two sides are not one tanh and one sigmoid network, if they are not.
fn not_converted(kinds: [Units; 2], first: &str, second: &str) -> Option<String> {
    match kinds {
        [Units::Tanh, Units::Sigmoid] | [Units::Sigmoid, Units::Tanh] => None,
        [a, b] if a == b => Some(format!(
            "Both {first} and {second} use {}: one must use tanh units and the other sigmoid units.",
            a.describe()
        )),
        [a, b] => Some(format!(
            "{first} uses {} and {second} {}: one must use tanh units only and the other sigmoid units only.",
            a.describe(),
            b.describe()
        )),
    }
}

/// The claim `TANH_NETWORK = SIGMOID_NETWORK` as the answer.
fn grade_claim(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let stmts = match engine::parse_text(g, text) {
        Ok(s) => s,
        Err(e) => return Grade::parse_error(ex, text, &e),
    };
    let claims: Vec<_> = stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Definition(_) => None,
            StatementKind::Claim(c) if c.is_identity() && c.conditions.is_empty() => {
                Some(Some(c.clone()))
            }
            _ => Some(None),
        })
        .collect();
    let [Some(c)] = claims.as_slice() else {
        return Grade::unreadable(
            ex,
            format!(
                "expected {}: definitions, then one claim TANH_NETWORK = SIGMOID_NETWORK",
                ex.expects
            ),
        );
    };
    let mut sides = [c.lhs, c.rhs];
    for s in &mut sides {
        match engine::take_diffs(g, *s) {
            Ok(t) => *s = inline_user_calls(g, t),
            Err(e) => return Grade::unknown(ex, format!("the claim's derivatives: {e}")),
        }
    }
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(format!(
        "{} = {}",
        engine::text(g, sides[0]),
        engine::text(g, sides[1])
    ));
    let inputs = inputs_of(g, &sides);
    if inputs.is_empty() {
        return Grade::unreadable(
            ex,
            "the claim uses no input (x, y, z or x1, x2, ...): write the networks as functions of x".to_owned(),
        );
    }
    let mut kinds = [Units::None; 2];
    for (k, &s) in sides.iter().enumerate() {
        match units_of(g, s, &inputs) {
            Ok(u) => kinds[k] = u,
            Err(id) => {
                let text = format!(
                    "{} is no part of a tanh or sigmoid network: a unit applies tanh or sigmoid to a weighted sum plus a bias, and a layer adds weighted units.",
                    engine::text(g, id)
                );
                return grade.with_diagnosis("wrong_activation", text, None);
            }
        }
    }
    if let Some(text) = not_converted(kinds, "the left side", "the right side") {
        return grade.with_diagnosis("not_converted", text, None);
    }
    let weights = weight_names(g, &sides, &inputs);
    let (t, s) = if kinds[0] == Units::Tanh {
        (sides[0], sides[1])
    } else {
        (sides[1], sides[0])
    };
    // The left side is read as the original, the right as its conversion: that
    // direction's slips are tried first.
    let directions = if kinds[0] == Units::Tanh {
        [Units::Tanh, Units::Sigmoid]
    } else {
        [Units::Sigmoid, Units::Tanh]
    };
    let mut graded = decide_outputs(ex, g, grade, &[(t, s)], &directions, budget);
    if graded.verdict == Verdict::Correct {
        graded.details.push(if weights.is_empty() {
            "the tanh network and the sigmoid network compute the same function".into()
        } else {
            format!(
                "the tanh network and the sigmoid network compute the same function for every value of {}: every network of the one kind is one of the other",
                weights.join(", ")
            )
        });
    }
    graded
}
