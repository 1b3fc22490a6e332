//! A claim's link at one exact point, certified: the conditions and both sides are
//! enclosed with MPFR (outward rounding) at rising precision until the relation is
//! decided there, or one side is certainly undefined (a counterexample).

use std::collections::HashMap;

use num_rational::BigRational;

use super::boxes::{directed_text, enclose_box, rational_to_float, XInterval};
use crate::certified::interval::decide;
use crate::certified::{enclose, EvalError};
use crate::expr::{CmpOp, ExprId, Graph, Node, Symbol};
use crate::parse::Relation;
use crate::prove::numeric::SideValue;

/// What one point says about a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointTest {
    /// The relation holds there (certified).
    Holds,
    /// The relation fails there, or a side is undefined (certified).
    Fails,
    /// The point does not satisfy the conditions.
    Excluded,
    /// Not decided at the precisions tried.
    Undecided,
}

const PRECISIONS: [u32; 3] = [128, 1024, 8192];

fn cmp_of(rel: Relation) -> CmpOp {
    match rel {
        Relation::Lt => CmpOp::Lt,
        Relation::Le | Relation::Eq => CmpOp::Le,
        Relation::Gt => CmpOp::Gt,
        Relation::Ge => CmpOp::Ge,
    }
}

/// Tests `l rel r` (with the conditions) at the exact point `env`.
pub fn test_point(
    g: &mut Graph,
    l: ExprId,
    r: ExprId,
    conds: &[ExprId],
    rel: Relation,
    env: &HashMap<Symbol, BigRational>,
) -> PointTest {
    'prec: for prec in PRECISIONS {
        for &c in conds {
            match condition_at(g, c, env, prec) {
                Some(true) => {}
                Some(false) => return PointTest::Excluded,
                None => continue 'prec,
            }
        }
        let lv = enclose(g, l, env, prec);
        let rv = enclose(g, r, env, prec);
        match (lv, rv) {
            (Err(EvalError::Undefined { .. }), _) | (_, Err(EvalError::Undefined { .. })) => {
                return PointTest::Fails
            }
            (Ok(a), Ok(b)) => {
                if rel == Relation::Eq {
                    continue;
                }
                match decide(cmp_of(rel), &a, &b) {
                    Some(true) => return PointTest::Holds,
                    Some(false) => return PointTest::Fails,
                    None => continue,
                }
            }
            _ => continue,
        }
    }
    PointTest::Undecided
}

fn condition_at(
    g: &mut Graph,
    cond: ExprId,
    env: &HashMap<Symbol, BigRational>,
    prec: u32,
) -> Option<bool> {
    let Node::Cmp(op, a, b) = g.node(cond).clone() else {
        return match g.node(cond) {
            Node::Bool(v) => Some(*v),
            _ => None,
        };
    };
    match (enclose(g, a, env, prec), enclose(g, b, env, prec)) {
        (Ok(x), Ok(y)) => decide(op, &x, &y),
        (Err(EvalError::Undefined { .. }), _) | (_, Err(EvalError::Undefined { .. })) => {
            Some(false)
        }
        _ => None,
    }
}

/// The enclosure of `e` over `var` in `[lo, hi]`, as text (for a point known only
/// by an isolating interval).
pub fn enclosure_text(
    g: &Graph,
    e: ExprId,
    var: Symbol,
    (lo, hi): &(BigRational, BigRational),
) -> SideValue {
    let prec = 128;
    let x = XInterval::new(
        rational_to_float(prec, lo, rug::float::Round::Down),
        rational_to_float(prec, hi, rug::float::Round::Up),
    );
    match enclose_box(g, e, &HashMap::from([(var, x)]), prec) {
        Ok(iv) => SideValue::Defined(format!(
            "in [{}, {}]",
            directed_text(&iv.lo, 20, true),
            directed_text(&iv.hi, 20, false)
        )),
        Err(_) => SideValue::Undefined("not enclosed".into()),
    }
}
