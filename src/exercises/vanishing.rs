//! Vanishing-gradient answers (part 7): `depth = N` and/or `x = VALUE` (separated by
//! commas, semicolons or newlines). The gradient `d/dx unit(unit(...unit(x)))` of the
//! unit composed `depth` times (default 1: `unit'(x)`) at the point `x` (default 0)
//! must be below the exercise's threshold. Decided exactly: the certified enclosure
//! of `gradient - threshold` at the exact point excludes 0 on the negative side.

use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use crate::diff::Kink;
use crate::expr::Graph;

use super::engine::{self, Budget};
use super::format::Exercise;
use super::grade::{Grade, Verdict};

/// The largest `|x|` accepted.
const MAX_ABS_X: i64 = 1_000_000;

/// Reads `depth = N, x = V`.
fn read(
    g: &mut Graph,
    ex: &Exercise,
    text: &str,
    max_depth: u32,
) -> Result<(u32, BigRational), Box<Grade>> {
    let mut depth = None;
    let mut x = None;
    let code: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for part in code
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((name, value)) = part.split_once('=') else {
            return Err(Grade::reject(
                ex,
                format!("expected name = value (depth = 5, x = 10), found '{part}'"),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let number =
            engine::parse_expr(g, value).map_err(|e| Grade::reject_parse(ex, value, &e))?;
        let Some(r) = g.as_num(number).cloned() else {
            return Err(Grade::reject(
                ex,
                format!("{name} = {value}: an exact number, please (3/2, 0.1, -20)"),
            ));
        };
        match name {
            "depth" | "n" | "layers" => {
                let ok = r.is_integer()
                    && r >= BigRational::from_integer(1.into())
                    && r <= BigRational::from_integer(max_depth.into());
                if !ok {
                    return Err(Grade::reject(
                        ex,
                        format!("depth must be a whole number from 1 to {max_depth}, not {r}"),
                    ));
                }
                depth = Some(r.to_integer().try_into().unwrap_or(1u32));
            }
            "x" => {
                if r.abs() > BigRational::from_integer(BigInt::from(MAX_ABS_X)) {
                    return Err(Grade::reject(
                        ex,
                        format!("x must be between -{MAX_ABS_X} and {MAX_ABS_X}"),
                    ));
                }
                x = Some(r);
            }
            other => {
                return Err(Grade::reject(
                    ex,
                    format!("unknown name '{other}': the answer gives depth and/or x"),
                ))
            }
        }
    }
    if depth.is_none() && x.is_none() {
        return Err(Grade::reject(ex, format!("expected {}", ex.expects)));
    }
    Ok((depth.unwrap_or(1), x.unwrap_or_else(BigRational::zero)))
}

/// Grades a vanishing-gradient answer.
pub(super) fn grade(ex: &Exercise, text: &str, _budget: &Budget) -> Grade {
    let Some(spec) = &ex.vanishing else {
        return Grade::unknown(ex, "the exercise file has no [vanishing] table");
    };
    let mut g = Graph::with_prelude();
    let g = &mut g;
    let threshold = match engine::parse_expr(g, &spec.threshold) {
        Ok(t) if g.as_num(t).is_some() => t,
        _ => return Grade::unknown(ex, "exercise file: threshold is not an exact number"),
    };
    let (depth, x0) = match read(g, ex, text, spec.max_depth) {
        Ok(v) => v,
        Err(grade) => return *grade,
    };
    let unit = g.symbol(&spec.unit);
    if g.defs().get(unit).is_none_or(|d| d.params.len() != 1) {
        return Grade::unknown(
            ex,
            format!(
                "exercise file: '{}' is not a function of one argument",
                spec.unit
            ),
        );
    }
    let xs = g.symbol("x");
    let mut chain = g.var_sym(xs);
    for _ in 0..depth {
        chain = g.call(unit, vec![chain]);
    }
    let gradient = match engine::derive(g, chain, xs, Kink::Left) {
        Ok(d) => d,
        Err(e) => return Grade::unknown(ex, format!("the gradient cannot be taken: {e}")),
    };
    let env = HashMap::from([(xs, x0.clone())]);
    let gap = g.sub(gradient, threshold);
    let value = engine::value_text(g, gradient, &env, 6);
    let t = engine::text(g, threshold);
    let what = if depth == 1 {
        format!("{}'(x)", spec.unit)
    } else {
        format!("the gradient of {} composed {depth} times", spec.unit)
    };
    let mut grade = Grade::new(ex, Verdict::Incorrect);
    grade.answer = Some(format!("depth = {depth}, x = {x0}"));
    grade.point = Some(serde_json::json!({ "x": x0.to_string() }));
    grade.method = Some("certified enclosure (MPFR) of the gradient minus the threshold".into());
    match engine::certified_sign(g, gap, &env) {
        Some(Ordering::Less) => {
            grade.verdict = Verdict::Correct;
            grade
                .details
                .push(format!("{what} at x = {x0} is {value} < {t} (certified)"));
            grade
        }
        Some(_) => {
            let hint = ex.hints.first().cloned();
            grade.with_diagnosis(
                "not_small",
                format!("{what} at x = {x0} is {value}, which is not below {t}."),
                hint,
            )
        }
        None => Grade::unknown(
            ex,
            format!("{what} at x = {x0} could not be compared with {t}"),
        ),
    }
}
