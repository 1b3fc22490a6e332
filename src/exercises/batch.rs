//! Batch answers (part 6: a nonlinearity applied per minibatch). The answer is a small
//! batch function: outputs `y1 = ...`, ..., `yn = ...` over the inputs `x1`, ...,
//! `xn` (definitions may come first; an optional line `at x1 = 1, x2 = 3, ...` gives
//! the point to show it at and values for any other parameter), or a named choice,
//! `batch_norm(n)`, `batch_center(n)` or `batch_softmax(n)`. It is correct when
//! changing one example changes another example's output: a cross derivative
//! `d y_i / d x_j` (i != j) whose certified enclosure at an exact point excludes 0.
//! When every cross derivative is proved zero the outputs do not couple the examples,
//! which is what a per-example nonlinearity does: incorrect.

use std::collections::{BTreeMap, HashMap};

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::diff::Kink;
use crate::expr::{ExprId, Graph, Symbol};
use crate::parse::StatementKind;

use super::engine::{self, Budget, Effort};
use super::format::Exercise;
use super::grade::{Grade, Verdict};

/// The named choices and what they build.
pub const NAMED: [&str; 3] = ["batch_norm", "batch_center", "batch_softmax"];

/// The epsilon of `batch_norm`, as in common frameworks: 1e-5.
const EPSILON: &str = "1/100000";

/// The batch function of a named choice over `n` examples, as answer text.
fn named_text(name: &str, n: usize) -> String {
    let xs: Vec<String> = (1..=n).map(|k| format!("x{k}")).collect();
    let mean = format!("({})/{n}", xs.join(" + "));
    let var = format!(
        "({})/{n}",
        xs.iter()
            .map(|x| format!("({x} - {mean})^2"))
            .collect::<Vec<_>>()
            .join(" + ")
    );
    let total = xs
        .iter()
        .map(|x| format!("exp({x})"))
        .collect::<Vec<_>>()
        .join(" + ");
    xs.iter()
        .enumerate()
        .map(|(k, x)| {
            let y = match name {
                "batch_norm" => format!("({x} - {mean})/sqrt({var} + {EPSILON})"),
                "batch_center" => format!("{x} - {mean}"),
                _ => format!("exp({x})/({total})"),
            };
            format!("y{} = {y}\n", k + 1)
        })
        .collect()
}

/// `name(n)` of a named choice, when the whole answer is one.
fn named_choice(text: &str) -> Option<Result<(String, usize), String>> {
    let code: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let code = code.trim();
    let name = NAMED.iter().find(|n| code.starts_with(*n))?;
    let rest = code[name.len()..].trim();
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?.trim();
    Some(
        inner
            .parse::<usize>()
            .map(|n| ((*name).to_owned(), n))
            .map_err(|_| format!("{name}(n) takes a whole number of examples, not '{inner}'")),
    )
}

/// A batch read from an answer.
struct Batch {
    outputs: Vec<ExprId>,
    inputs: Vec<Symbol>,
    point: HashMap<Symbol, BigRational>,
}

/// The values an `at` line gives, by variable.
type Assignments = Vec<(Symbol, BigRational)>;

/// Splits off the `at ...` line (blanked in place, so positions stay) and reads it.
fn split_point(
    g: &mut Graph,
    ex: &Exercise,
    text: &str,
) -> Result<(String, Assignments), Box<Grade>> {
    let mut body = String::with_capacity(text.len());
    let mut point = Vec::new();
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        let Some(rest) = code.trim_start().strip_prefix("at ") else {
            body.push_str(line);
            continue;
        };
        for part in rest.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(Grade::reject(
                    ex,
                    format!(
                        "'at' takes name = value pairs; '{}' is not one",
                        part.trim()
                    ),
                ));
            };
            let value = value.trim();
            let v = engine::parse_expr(g, value)
                .ok()
                .and_then(|e| g.as_num(e).cloned())
                .ok_or_else(|| {
                    Grade::reject(
                        ex,
                        format!("'{value}' is not an exact number (write 3/2, 0.1, -2)"),
                    )
                })?;
            point.push((g.symbol(name.trim()), v));
        }
        body.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    }
    Ok((body, point))
}

fn read_batch(g: &mut Graph, ex: &Exercise, text: &str, max: usize) -> Result<Batch, Box<Grade>> {
    let (body, point) = split_point(g, ex, text)?;
    let stmts = engine::parse_text(g, &body).map_err(|e| Grade::reject_parse(ex, text, &e))?;
    let mut outputs: BTreeMap<usize, ExprId> = BTreeMap::new();
    for s in &stmts {
        let bad = || {
            let (line, _) = crate::parse::line_col(text, s.span.start);
            Grade::reject(
                ex,
                format!("line {line}: expected an output 'yK = expr' (or a definition)"),
            )
        };
        match &s.kind {
            StatementKind::Definition(_) => {}
            StatementKind::Claim(c) if c.conditions.is_empty() && c.is_identity() => {
                let name = match g.node(c.lhs) {
                    crate::expr::Node::Var(v) => g.name(*v).to_owned(),
                    _ => return Err(bad()),
                };
                let k = name
                    .strip_prefix('y')
                    .and_then(|d| d.parse::<usize>().ok())
                    .filter(|&k| k >= 1)
                    .ok_or_else(bad)?;
                if outputs.insert(k, c.rhs).is_some() {
                    return Err(Grade::reject(ex, format!("y{k} is given twice")));
                }
            }
            _ => return Err(bad()),
        }
    }
    let n = outputs.len();
    if n == 0 {
        return Err(Grade::reject(ex, format!("expected {}", ex.expects)));
    }
    if n > max {
        return Err(Grade::reject(
            ex,
            format!("a batch of at most {max} examples, please (this one has {n})"),
        ));
    }
    if let Some(k) = (1..=n).find(|k| !outputs.contains_key(k)) {
        return Err(Grade::reject(
            ex,
            format!("the outputs are numbered y1, y2, ... without gaps, but y{k} is missing"),
        ));
    }
    let inputs: Vec<Symbol> = (1..=n).map(|k| g.symbol(&format!("x{k}"))).collect();
    let point: HashMap<Symbol, BigRational> = point.into_iter().collect();
    let outputs: Vec<ExprId> = outputs.into_values().collect();
    for (k, &y) in outputs.iter().enumerate() {
        if let Some(v) = g
            .free_vars(y)
            .into_iter()
            .find(|v| !inputs.contains(v) && !point.contains_key(v))
        {
            return Err(Grade::reject(
                ex,
                format!(
                    "y{} uses '{}', which is not an input x1..x{n}: give it a value on an 'at' line",
                    k + 1,
                    g.name(v)
                ),
            ));
        }
    }
    Ok(Batch {
        outputs,
        inputs,
        point,
    })
}

/// The points tried: the answer's own first (when it gives every input), then two
/// fixed irregular ones (the answer's other parameters kept).
fn points(b: &Batch) -> Vec<HashMap<Symbol, BigRational>> {
    let defaults: [fn(i64) -> (i64, i64); 2] = [|k| (k, 1), |k| (k * k + 1, k + 2)];
    let mut out = Vec::new();
    if b.inputs.iter().all(|x| b.point.contains_key(x)) {
        out.push(b.point.clone());
    }
    for f in defaults {
        let mut env = b.point.clone();
        for (k, &x) in b.inputs.iter().enumerate() {
            let (n, d) = f(k as i64 + 1);
            env.insert(x, BigRational::new(BigInt::from(n), BigInt::from(d)));
        }
        out.push(env);
    }
    out
}

fn point_text(g: &Graph, env: &HashMap<Symbol, BigRational>) -> String {
    let mut parts: Vec<(String, String)> = env
        .iter()
        .map(|(v, r)| (g.name(*v).to_owned(), r.to_string()))
        .collect();
    parts.sort();
    parts
        .into_iter()
        .map(|(n, r)| format!("{n} = {r}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Grades a batch answer.
pub(super) fn grade(ex: &Exercise, text: &str, budget: &Budget) -> Grade {
    let max = ex.batch.as_ref().map_or(8, |b| b.max_size);
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let owned;
    let mut named = None;
    let text = match named_choice(text) {
        Some(Ok((name, n))) if (1..=max).contains(&n) => {
            owned = named_text(&name, n);
            named = Some(format!("{name}({n})"));
            owned.as_str()
        }
        Some(Ok((name, n))) => {
            return Grade::unreadable(
                ex,
                format!("{name}({n}): the batch size must be 1 to {max}"),
            )
        }
        Some(Err(msg)) => return Grade::unreadable(ex, msg),
        None => text,
    };
    let b = match read_batch(g, ex, text, max) {
        Ok(b) => b,
        Err(grade) => return *grade,
    };
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = named.or_else(|| {
        Some(
            b.outputs
                .iter()
                .enumerate()
                .map(|(k, &y)| format!("y{} = {}", k + 1, engine::text(g, y)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    let n = b.outputs.len();
    if n < 2 {
        return grade.with_diagnosis(
            "single_example",
            "A batch of one example cannot show one example changing another's output: use at least two.",
            None,
        );
    }
    // The cross derivatives d y_i / d x_j (i != j), taken when first needed: the
    // first pair usually shows the coupling, and a batch of 8 has 56 pairs.
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
        .collect();
    let mut taken: HashMap<(usize, usize), ExprId> = HashMap::new();
    let mut cross = |g: &mut Graph, i: usize, j: usize| -> Result<ExprId, String> {
        if let Some(&d) = taken.get(&(i, j)) {
            return Ok(d);
        }
        let d = engine::derive(g, b.outputs[i], b.inputs[j], Kink::Left)
            .map_err(|e| format!("d y{}/d x{}: {e}", i + 1, j + 1))?;
        taken.insert((i, j), d);
        Ok(d)
    };
    for env in points(&b) {
        for &(i0, j0) in &pairs {
            if budget.spent() {
                return Grade::unknown(ex, "the time limit of this answer was reached");
            }
            let d = match cross(g, i0, j0) {
                Ok(d) => d,
                Err(why) => return Grade::unknown(ex, why),
            };
            let (i, j) = (i0 + 1, j0 + 1);
            if engine::certified_sign(g, d, &env).is_some_and(|s| s != std::cmp::Ordering::Equal) {
                let value = engine::value_text(g, d, &env, 8);
                let at = point_text(g, &env);
                grade.verdict = Verdict::Correct;
                grade.method = Some("certified non-zero cross derivative (MPFR enclosure)".into());
                grade.point = Some(serde_json::Value::Object(
                    env.iter()
                        .map(|(v, r)| {
                            (
                                g.name(*v).to_owned(),
                                serde_json::Value::String(r.to_string()),
                            )
                        })
                        .collect(),
                ));
                grade.details.push(format!(
                    "Changing example {j} changes example {i}'s output: d y{i}/d x{j} = {value} at {at}, certified non-zero. So the output for one example depends on which other examples share its minibatch."
                ));
                // The formula helps when it is short enough to read.
                if engine::op_count(g, d) <= 30 {
                    grade
                        .details
                        .push(format!("d y{i}/d x{j} = {}", engine::text(g, d)));
                }
                return grade;
            }
        }
    }
    // No coupling found: is every cross derivative zero?
    let zero = g.int(0);
    let mut all_zero = true;
    for &(i, j) in &pairs {
        let d = match cross(g, i, j) {
            Ok(d) => d,
            Err(why) => return Grade::unknown(ex, why),
        };
        if engine::decide(g, d, zero, &[], Effort::Light, budget).holds != Some(true) {
            all_zero = false;
            break;
        }
    }
    if all_zero {
        grade.method = Some("every cross derivative proved zero".into());
        return grade.with_diagnosis(
            "no_coupling",
            "Each output depends only on its own example (every d y_i/d x_j with i != j is 0): this nonlinearity acts per example, not per minibatch, so it shows no problem.",
            None,
        );
    }
    Grade::unknown(
        ex,
        "no certified non-zero cross derivative was found, and not all of them are zero",
    )
}
