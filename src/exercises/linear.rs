//! Part 1 (linear deep networks): adding layers without a nonlinearity never adds
//! expressive power, since the network is one affine map `x -> M x + c`; a layer
//! narrower than both the inputs and the outputs takes some away, since the rank of
//! `M` is at most the narrowest width. The answer is one of:
//!
//! - a network file's JSON (`{"inputs": 2, "layers": [...]}`) whose activations are
//!   all the identity: an example of the loss, collapsed exactly and its rank taken
//!   over Q (`network::linear`);
//! - outputs `y1 = ...`, `y2 = ...` over inputs `x, y` (or `x1, x2, ...`) after
//!   definitions: the same example written out, a layer being the calls of one or
//!   more defined functions through which every output depends on the inputs;
//! - the claim `NETWORK = AFFINE`: a deep linear network (definitions, nesting,
//!   symbolic weights) equals one affine layer, decided by the checker, the collapsed
//!   map shown.
//!
//! A network with a nonlinearity, an example that loses no rank, one whose rank drops
//! only because of its weights (not a narrow layer), and a claim whose affine side is
//! not the collapse are each diagnosed.

use std::collections::HashMap;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use crate::expr::{ExprId, Graph, Node, Origin, Symbol};
use crate::network::linear::{self as lin, Affine, Matrix};
use crate::network::{self, Activation, Content, ReadOptions};
use crate::parse::{Claim, StatementKind};

use super::engine::{self, Budget, Effort};
use super::format::Exercise;
use super::grade::{undecided, Grade, Verdict};
use super::network::{depends_on, inline_user_calls, inputs_of, network_error, weight_names};

/// Grades a part 1 answer.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let first = text.trim_start().chars().next();
    if first == Some('{') {
        return grade_file(ex, text);
    }
    if first == Some('[') {
        return Grade::unreadable(
            ex,
            format!("expected {}: one network, not a list", ex.expects),
        );
    }
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let stmts = match engine::parse_text(g, text) {
        Ok(s) => s,
        Err(e) => return Grade::parse_error(ex, text, &e),
    };
    let mut claims: Vec<Claim> = Vec::new();
    let mut claim_src = "";
    for s in &stmts {
        match &s.kind {
            StatementKind::Definition(_) => {}
            StatementKind::Claim(c) if c.is_identity() && c.conditions.is_empty() => {
                claims.push(c.clone());
                claim_src = text.get(s.span.clone()).unwrap_or_default();
            }
            _ => {
                let (line, _) = crate::parse::line_col(text, s.span.start);
                return Grade::unreadable(
                    ex,
                    format!(
                        "line {line}: expected {} (an identity, without 'where')",
                        ex.expects
                    ),
                );
            }
        }
    }
    let output_k = |g: &Graph, c: &Claim| match g.node(c.lhs) {
        Node::Var(v) => g
            .name(*v)
            .strip_prefix('y')
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|&k| k >= 1),
        _ => None,
    };
    if !claims.is_empty() && claims.iter().all(|c| output_k(g, c).is_some()) {
        let mut outs: Vec<(usize, ExprId)> = claims
            .iter()
            .map(|c| (output_k(g, c).unwrap_or(0), c.rhs))
            .collect();
        outs.sort_by_key(|o| o.0);
        if let Some(k) = (1..=outs.len()).find(|&k| outs[k - 1].0 != k) {
            return Grade::unreadable(
                ex,
                format!("the outputs are numbered y1, y2, ... without gaps or repeats, but y{k} is not there once"),
            );
        }
        let outs: Vec<ExprId> = outs.into_iter().map(|o| o.1).collect();
        return grade_outputs(ex, g, &outs);
    }
    match claims.as_slice() {
        [c] if same_sides(claim_src) => {
            let mut grade = Grade::new(ex, Verdict::Incorrect);
            grade.answer = Some(claim_src.trim().to_owned());
            grade.with_diagnosis(
                "trivial",
                "Both sides are written the same: that shows nothing. Write the deep linear network (an affine map of an affine map, or layers you define) on one side and the one affine layer it equals on the other.",
                None,
            )
        }
        [c] => grade_claim(ex, g, c, budget),
        _ => Grade::unreadable(
            ex,
            format!(
                "expected {}: definitions, then one claim NETWORK = AFFINE, or outputs y1 = ..., y2 = ...",
                ex.expects
            ),
        ),
    }
}

/// Whether the claim `L = R` has its two sides written alike (blanks aside).
fn same_sides(src: &str) -> bool {
    let b = src.as_bytes();
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'=' if depth == 0
                && !matches!(b.get(i.wrapping_sub(1)), Some(b'<' | b'>' | b'!' | b'='))
                && b.get(i + 1) != Some(&b'=') =>
            {
                let squeeze = |t: &str| t.split_whitespace().collect::<String>();
                return squeeze(&src[..i]) == squeeze(&src[i + 1..]);
            }
            _ => {}
        }
    }
    false
}

/// The first node of `e` that is not affine in `inputs` (a nonlinearity, a product of
/// two input-dependent factors, a power of one).
fn nonlinear(g: &Graph, e: ExprId, inputs: &[Symbol]) -> Option<ExprId> {
    g.reachable(&[e]).into_iter().find(|&id| {
        if !depends_on(g, id, inputs) {
            return false;
        }
        match g.node(id) {
            Node::Var(_) | Node::Add(_) => false,
            Node::Mul(f) => f.iter().filter(|&&c| depends_on(g, c, inputs)).count() > 1,
            _ => true,
        }
    })
}

/// Whether `e` is one affine layer: a sum of input-free terms and terms
/// `coefficient * input` (the coefficient free of inputs).
fn one_layer(g: &Graph, e: ExprId, inputs: &[Symbol]) -> bool {
    let term_ok = |t: ExprId| match g.node(t) {
        _ if !depends_on(g, t, inputs) => true,
        Node::Var(_) => true,
        Node::Mul(f) => f.iter().all(|&c| {
            !depends_on(g, c, inputs) || matches!(g.node(c), Node::Var(v) if inputs.contains(v))
        }),
        _ => false,
    };
    match g.node(e) {
        Node::Add(terms) => terms.iter().all(|&t| term_ok(t)),
        _ => term_ok(e),
    }
}

/// The collapsed affine map of an affine expression: each input's coefficient (its
/// derivative) and the bias (the value at 0), simplified.
fn collapse_expr(g: &mut Graph, e: ExprId, inputs: &[Symbol]) -> Option<(Vec<ExprId>, ExprId)> {
    let mut coeffs = Vec::with_capacity(inputs.len());
    for &x in inputs {
        let d = engine::derive(g, e, x, crate::diff::Kink::Left).ok()?;
        coeffs.push(engine::simplify(g, d));
    }
    let u = engine::unfold(g, e).ok()?;
    let zero = g.int(0);
    let at0: HashMap<Symbol, ExprId> = inputs.iter().map(|&x| (x, zero)).collect();
    let b = g.substitute(u, &at0);
    Some((coeffs, engine::simplify(g, b)))
}

/// `c1*x + c2*y + b` as text, from expressions.
fn map_text(g: &mut Graph, coeffs: &[ExprId], bias: ExprId, inputs: &[Symbol]) -> String {
    let mut terms: Vec<ExprId> = coeffs
        .iter()
        .zip(inputs)
        .map(|(&c, &x)| {
            let v = g.var_sym(x);
            g.mul(vec![c, v])
        })
        .collect();
    terms.push(bias);
    let sum = g.add(terms);
    engine::text(g, sum)
}

/// `M x + c` as one line per output, from exact numbers.
fn affine_text(a: &Affine, names: &[String]) -> String {
    a.matrix
        .iter()
        .zip(&a.bias)
        .enumerate()
        .map(|(i, (row, b))| {
            let mut s = String::new();
            for (w, n) in row.iter().zip(names) {
                if w.is_zero() {
                    continue;
                }
                let sign = if w.is_negative() { "-" } else { "+" };
                let mag = w.abs();
                let t = if mag.is_one() {
                    n.clone()
                } else {
                    format!("{mag}*{n}")
                };
                if s.is_empty() {
                    s = if w.is_negative() { format!("-{t}") } else { t };
                } else {
                    s.push_str(&format!(" {sign} {t}"));
                }
            }
            if !b.is_zero() || s.is_empty() {
                if s.is_empty() {
                    s = b.to_string();
                } else {
                    let sign = if b.is_negative() { "-" } else { "+" };
                    s.push_str(&format!(" {sign} {}", b.abs()));
                }
            }
            format!("y{} = {s}", i + 1)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1 input`, `2 inputs`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn matrix_text(m: &Matrix) -> String {
    let rows: Vec<String> = m
        .iter()
        .map(|r| {
            format!(
                "[{}]",
                r.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// The verdict on an example: it must lose rank, and because of a narrow layer.
fn judge(mut grade: Grade, a: &Affine, names: &[String]) -> Grade {
    let map = affine_text(a, names);
    grade.answer = Some(map.clone());
    grade.details.push(format!(
        "your network is one affine map: {map} (matrix {}, rank {} over Q)",
        matrix_text(&a.matrix),
        a.rank
    ));
    let f = a.full_rank;
    if a.rank >= f {
        let text = format!(
            "Your network loses nothing: its map {map} has rank {}, the most a map of {} and {} can have. Its narrowest width is {} (at {}); a layer takes expressive power away only when it is narrower than both the inputs and the outputs (a 2 -> 1 -> 2 network).",
            a.rank,
            count(a.matrix.first().map_or(0, Vec::len), "input"),
            count(a.matrix.len(), "output"),
            a.narrowest,
            a.narrowest_at
        );
        return grade.with_diagnosis("no_rank_loss", text, None);
    }
    let Some((m, why)) = a.unrepresentable() else {
        let text = format!(
            "Your network's map {map} has rank {} < {f}, but only because of its weights: no layer is narrower than {f} (the narrowest is {} at {}), so other weights of the same shape give a map of rank {f} (the identity on {f} coordinates). Depth did not take anything away; a layer narrower than {f} would.",
            a.rank, a.narrowest, a.narrowest_at
        );
        return grade.with_diagnosis("singular_weights", text, None);
    };
    grade.verdict = Verdict::Correct;
    grade.method = Some("exact collapse of the layers and rank over Q".into());
    grade.details.push(format!(
        "a map of the same shape it cannot represent: matrix {} — {why}",
        matrix_text(&m)
    ));
    grade
}

/// A JSON network file as the answer.
fn grade_file(ex: &Exercise, text: &str) -> Grade {
    let net = match network::read_bytes(text.as_bytes(), &ReadOptions::default()) {
        Ok((_, Content::Network(n))) => n,
        Ok((_, Content::Text(_))) => {
            return Grade::unreadable(ex, format!("expected {}", ex.expects))
        }
        Err(e) => return network_error(ex, "the network: ", &e),
    };
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    if let Some((k, l)) = net
        .layers
        .iter()
        .enumerate()
        .find(|(_, l)| l.activation != Activation::Identity)
    {
        let text = format!(
            "layers[{k}] applies {}: a linear deep network has no nonlinearity (every activation \"identity\"). With one, depth does add expressive power.",
            l.activation.spec()
        );
        return grade.with_diagnosis("not_linear", text, None);
    }
    let Some(a) = lin::collapse(&net) else {
        return Grade::unknown(ex, "the network could not be collapsed");
    };
    grade.method = Some("exact collapse of the layers and rank over Q".into());
    judge(grade, &a, &network::input_names(net.inputs))
}

/// The narrowest layer of outputs written with definitions: the smallest set of
/// calls of defined functions through which every output depends on the inputs (its
/// size and the functions), when there is one narrower than `limit`.
fn narrowest_cut(
    g: &mut Graph,
    outs: &[ExprId],
    inputs: &[Symbol],
    limit: usize,
) -> Option<(usize, String)> {
    let calls: Vec<(Symbol, ExprId)> = g
        .reachable(outs)
        .into_iter()
        .filter_map(|id| match g.node(id) {
            Node::Call(f, _)
                if depends_on(g, id, inputs)
                    && g.defs()
                        .get(*f)
                        .is_some_and(|d| d.origin != Origin::Prelude) =>
            {
                Some((*f, id))
            }
            _ => None,
        })
        .collect();
    let mut fns: Vec<Symbol> = calls.iter().map(|c| c.0).collect();
    fns.sort();
    fns.dedup();
    if fns.len() > 8 {
        fns.truncate(8);
    }
    let mut best: Option<(usize, String)> = None;
    for mask in 1u32..(1 << fns.len()) {
        let chosen: Vec<Symbol> = (0..fns.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| fns[i])
            .collect();
        let cut: Vec<ExprId> = calls
            .iter()
            .filter(|c| chosen.contains(&c.0))
            .map(|c| c.1)
            .collect();
        if cut.len() >= limit || best.as_ref().is_some_and(|b| b.0 <= cut.len()) {
            continue;
        }
        // Every call of the cut replaced by a fresh name: do the outputs still see
        // the inputs?
        let fresh: HashMap<ExprId, ExprId> = cut
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, g.var(&format!("__unit{k}"))))
            .collect();
        let through = outs.iter().all(|&o| {
            let r = g.rewrite(o, |g, id, node| match fresh.get(&id) {
                Some(&v) => v,
                None => g.rebuild(node),
            });
            !depends_on(g, r, inputs)
        });
        if through {
            let names: Vec<&str> = chosen.iter().map(|&f| g.name(f)).collect();
            best = Some((cut.len(), format!("the calls of {}", names.join(", "))));
        }
    }
    best
}

/// Outputs `y1 = ...` written out as the answer.
fn grade_outputs(ex: &Exercise, g: &mut Graph, raw: &[ExprId]) -> Grade {
    let inputs = inputs_of(g, raw);
    if inputs.is_empty() {
        return Grade::unreadable(
            ex,
            "the outputs use no input (x, y, z or x1, x2, ...)".to_owned(),
        );
    }
    let mut outs = Vec::with_capacity(raw.len());
    for &o in raw {
        match engine::take_diffs(g, o) {
            Ok(t) => outs.push(inline_user_calls(g, t)),
            Err(e) => return Grade::unknown(ex, format!("the outputs' derivatives: {e}")),
        }
    }
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    for (k, &o) in outs.iter().enumerate() {
        if let Some(id) = nonlinear(g, o, &inputs) {
            let text = format!(
                "y{} applies {}, which is not affine in the inputs: a linear deep network has no nonlinearity, only weighted sums and biases.",
                k + 1,
                engine::text(g, id)
            );
            return grade.with_diagnosis("not_linear", text, None);
        }
    }
    let mut matrix: Matrix = Vec::with_capacity(outs.len());
    let mut bias = Vec::with_capacity(outs.len());
    for (k, &o) in outs.iter().enumerate() {
        let Some((coeffs, b)) = collapse_expr(g, o, &inputs) else {
            return Grade::unknown(ex, format!("y{} could not be collapsed", k + 1));
        };
        let mut row = Vec::with_capacity(coeffs.len());
        for c in coeffs.into_iter().chain(std::iter::once(b)) {
            match g.as_num(c) {
                Some(v) => row.push(v.clone()),
                None => {
                    return Grade::unreadable(
                        ex,
                        format!(
                            "y{}: the weights of an example must be exact numbers (the rank is taken over Q), but {} is not one",
                            k + 1,
                            engine::text(g, c)
                        ),
                    )
                }
            }
        }
        bias.push(row.pop().unwrap_or_else(BigRational::zero));
        matrix.push(row);
    }
    let full_rank = inputs.len().min(outs.len());
    let (mut narrowest, mut narrowest_at) = if inputs.len() <= outs.len() {
        (inputs.len(), "inputs".to_owned())
    } else {
        (outs.len(), "outputs".to_owned())
    };
    if let Some((w, at)) = narrowest_cut(g, raw, &inputs, narrowest) {
        (narrowest, narrowest_at) = (w, at);
    }
    let rank = lin::rank(&matrix);
    let a = Affine {
        matrix,
        bias,
        rank,
        full_rank,
        narrowest,
        narrowest_at,
    };
    grade.method = Some("exact collapse of the outputs and rank over Q".into());
    let names: Vec<String> = inputs.iter().map(|&x| g.name(x).to_owned()).collect();
    judge(grade, &a, &names)
}

/// The claim `NETWORK = AFFINE` as the answer.
fn grade_claim(ex: &Exercise, g: &mut Graph, c: &Claim, budget: &Budget) -> Grade {
    let mut sides = [c.lhs, c.rhs];
    for s in &mut sides {
        match engine::take_diffs(g, *s) {
            Ok(t) => *s = inline_user_calls(g, t),
            Err(e) => return Grade::unknown(ex, format!("the claim's derivatives: {e}")),
        }
    }
    let inputs = inputs_of(g, &sides);
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(format!(
        "{} = {}",
        engine::text(g, sides[0]),
        engine::text(g, sides[1])
    ));
    if inputs.is_empty() {
        return Grade::unreadable(
            ex,
            "the claim uses no input (x, y, z or x1, x2, ...): write the network as a function of x".to_owned(),
        );
    }
    for &s in &sides {
        if let Some(id) = nonlinear(g, s, &inputs) {
            let text = format!(
                "{} is not affine in the inputs: a linear deep network has no nonlinearity, only weighted sums and biases (with one, depth does add expressive power).",
                engine::text(g, id)
            );
            return grade.with_diagnosis("not_linear", text, None);
        }
    }
    if let Some(&side) = sides.iter().find(|&&s| !depends_on(g, s, &inputs)) {
        return Grade::unreadable(
            ex,
            format!(
                "{} uses no input (x, y, z or x1, x2, ...): write both sides as functions of the inputs",
                engine::text(g, side)
            ),
        );
    }
    // The affine side: the right one, or the left when only it is one layer.
    let (net, layer) = if one_layer(g, sides[1], &inputs) {
        (sides[0], sides[1])
    } else if one_layer(g, sides[0], &inputs) {
        (sides[1], sides[0])
    } else {
        // Two deep linear networks: equal or not, the layer is shown.
        (sides[0], sides[1])
    };
    let flat = one_layer(g, layer, &inputs);
    let Some((coeffs, b)) = collapse_expr(g, net, &inputs) else {
        return Grade::unknown(ex, "the network could not be collapsed");
    };
    let collapsed = map_text(g, &coeffs, b, &inputs);
    let d = engine::decide(g, net, layer, &[], Effort::Full, budget);
    let weights = weight_names(g, &sides, &inputs);
    match (d.holds, &d.witness) {
        (Some(true), _) => {
            grade.verdict = Verdict::Correct;
            grade.method = Some(format!("the checker ({}): {}", d.verdict, d.method));
            let every = if weights.is_empty() {
                String::new()
            } else {
                format!(" for every value of {}", weights.join(", "))
            };
            grade.details.push(format!(
                "the deep linear network is one affine layer{every}: {collapsed}"
            ));
            if flat {
                grade
            } else {
                let text = format!(
                    "Both sides are linear networks, equal{every}; the one affine layer they both are is {collapsed}."
                );
                grade.with_diagnosis("unsimplified", text, None)
            }
        }
        (Some(false), Some(w)) => {
            let text = format!(
                "Your network collapses to {collapsed}, not to {}: at {} your network is {}, your {} {}.",
                engine::text(g, layer),
                w.point_text,
                if net == sides[0] { &w.lhs } else { &w.rhs },
                if flat { "affine layer" } else { "other side" },
                if net == sides[0] { &w.rhs } else { &w.lhs },
            );
            grade = grade.with_witness(w);
            grade.with_diagnosis("wrong_collapse", text, None)
        }
        _ => undecided(ex, &d),
    }
}
