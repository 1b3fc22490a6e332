//! Facts computed once per node when it is interned: a structural hash (for a
//! deterministic canonical order that does not depend on creation order), depth,
//! whether the node is defined at every real point, and what is known of its sign.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use num_traits::{Signed, Zero};

use super::{BigInt, BigRational, ExprId, Func, Graph, Node};

/// What is known of the sign of a node wherever it is defined.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignInfo {
    /// Strictly positive.
    Positive,
    /// Positive or zero.
    NonNegative,
    /// Nothing known.
    Unknown,
}

impl SignInfo {
    /// Whether the node is known to be `>= 0`.
    #[must_use]
    pub fn is_nonneg(self) -> bool {
        self != SignInfo::Unknown
    }
}

/// Facts about one node.
#[derive(Clone, Copy, Debug)]
pub struct NodeInfo {
    /// A hash of the node's structure, independent of ids and creation order.
    pub shape: u64,
    /// 1 for a leaf, else one more than the deepest child.
    pub depth: u32,
    /// Whether the node is defined at every point (no log, division by something
    /// that can vanish, fractional power of something that can be negative, ...).
    /// `false` means "not known to be total".
    pub total: bool,
    /// What is known of the node's sign.
    pub sign: SignInfo,
    /// The kind's rank in the canonical order.
    pub rank: u8,
    /// Whether an `if` is reachable from the node (the node included).
    pub has_if: bool,
    /// Whether a `diff` is reachable from the node (the node included).
    pub has_diff: bool,
}

fn rank(node: &Node) -> u8 {
    match node {
        Node::Num(_) => 0,
        Node::Pi => 1,
        Node::Var(_) => 2,
        Node::Pow(..) => 3,
        Node::Mul(_) => 4,
        Node::Func(..) | Node::Call(..) => 5,
        Node::Add(_) => 6,
        Node::Max(..) | Node::Min(..) => 7,
        Node::If(..) => 8,
        Node::Cmp(..) => 9,
        Node::Diff(..) => 10,
        Node::Bool(_) => 11,
        Node::Undefined => 12,
    }
}

pub(super) fn compute(g: &Graph, node: &Node) -> NodeInfo {
    let mut h = std::hash::DefaultHasher::new();
    std::mem::discriminant(node).hash(&mut h);
    let mut depth = 0;
    let mut has_if = matches!(node, Node::If(..));
    let mut has_diff = matches!(node, Node::Diff(..));
    node.each_child(|c| {
        let info = g.info(c);
        info.shape.hash(&mut h);
        depth = depth.max(info.depth);
        has_if |= info.has_if;
        has_diff |= info.has_diff;
    });
    match node {
        Node::Num(r) => hash_rational(r, &mut h),
        Node::Bool(b) => b.hash(&mut h),
        Node::Var(s) | Node::Call(s, _) | Node::Diff(_, s) => g.name(*s).hash(&mut h),
        Node::Func(f, _) => f.hash(&mut h),
        Node::Cmp(op, ..) => op.hash(&mut h),
        _ => {}
    }
    let (total, sign) = total_and_sign(g, node);
    NodeInfo {
        shape: h.finish(),
        depth: depth + 1,
        total,
        sign,
        rank: rank(node),
        has_if,
        has_diff,
    }
}

/// Feeds `r` to `h` exactly as `BigRational`'s own `Hash` does (the shapes, and so
/// the canonical order, stay what they were), without its divisions for an integer:
/// that hashes the continued fraction of `r`, which for `n/1` is `n` then `0`.
fn hash_rational<H: Hasher>(r: &BigRational, h: &mut H) {
    if r.is_integer() {
        r.numer().hash(h);
        BigInt::zero().hash(h);
    } else {
        r.hash(h);
    }
}

fn all_total(g: &Graph, ids: &[ExprId]) -> bool {
    ids.iter().all(|&c| g.info(c).total)
}

fn total_and_sign(g: &Graph, node: &Node) -> (bool, SignInfo) {
    use SignInfo::*;
    let sign_of = |id: ExprId| g.info(id).sign;
    match node {
        Node::Num(r) => (
            true,
            if r.is_positive() {
                Positive
            } else if r.is_zero() {
                NonNegative
            } else {
                Unknown
            },
        ),
        Node::Pi => (true, Positive),
        Node::Bool(_) | Node::Var(_) => (true, Unknown),
        Node::Add(a) => {
            let s = if a.iter().all(|&c| sign_of(c).is_nonneg()) {
                if a.iter().any(|&c| sign_of(c) == Positive) {
                    Positive
                } else {
                    NonNegative
                }
            } else {
                Unknown
            };
            (all_total(g, a), s)
        }
        Node::Mul(a) => {
            let s = if a.iter().all(|&c| sign_of(c) == Positive) {
                Positive
            } else if a.iter().all(|&c| sign_of(c).is_nonneg()) {
                NonNegative
            } else {
                Unknown
            };
            (all_total(g, a), s)
        }
        Node::Pow(b, e) => {
            let (bt, et) = (g.info(*b).total, g.info(*e).total);
            let bs = sign_of(*b);
            match g.as_num(*e) {
                Some(r) if r.is_integer() => {
                    let even = (r.numer() % 2u32).is_zero();
                    let s = if bs == Positive {
                        Positive
                    } else if even || bs == NonNegative {
                        NonNegative
                    } else {
                        Unknown
                    };
                    let total = bt && (!r.is_negative() || bs == Positive);
                    (total, s)
                }
                Some(r) => {
                    // A fractional power is real only for a nonnegative base.
                    let total = bt && (bs == Positive || (bs == NonNegative && r.is_positive()));
                    (
                        total,
                        if bs == Positive {
                            Positive
                        } else {
                            NonNegative
                        },
                    )
                }
                None => {
                    let total = bt && et && bs == Positive;
                    (total, if bs == Positive { Positive } else { Unknown })
                }
            }
        }
        Node::Func(f, a) => {
            let t = g.info(*a).total;
            match f {
                Func::Exp | Func::Cosh => (t, Positive),
                Func::Abs => (t, NonNegative),
                Func::Log => (false, Unknown),
                Func::Sign | Func::Erf | Func::Tanh | Func::Sinh => (
                    t,
                    if sign_of(*a).is_nonneg() {
                        NonNegative
                    } else {
                        Unknown
                    },
                ),
            }
        }
        Node::Max(a, b) => {
            let s = match (sign_of(*a), sign_of(*b)) {
                (Positive, _) | (_, Positive) => Positive,
                (NonNegative, _) | (_, NonNegative) => NonNegative,
                _ => Unknown,
            };
            (all_total(g, &[*a, *b]), s)
        }
        Node::Min(a, b) => {
            let s = match (sign_of(*a), sign_of(*b)) {
                (Positive, Positive) => Positive,
                (x, y) if x.is_nonneg() && y.is_nonneg() => NonNegative,
                _ => Unknown,
            };
            (all_total(g, &[*a, *b]), s)
        }
        Node::Call(f, args) => match g.defs.get(*f) {
            Some(def) => (def.total && all_total(g, args), def.sign),
            None => (false, Unknown),
        },
        Node::Cmp(_, a, b) => (all_total(g, &[*a, *b]), Unknown),
        Node::If(c, a, b) => {
            let s = match (sign_of(*a), sign_of(*b)) {
                (Positive, Positive) => Positive,
                (x, y) if x.is_nonneg() && y.is_nonneg() => NonNegative,
                _ => Unknown,
            };
            (all_total(g, &[*c, *a, *b]), s)
        }
        Node::Diff(..) | Node::Undefined => (false, Unknown),
    }
}

/// The canonical order of operands in sums, products, `max` and `min`: by kind, then
/// numbers by value and variables by name, then by structural hash, then by id.
/// It depends only on structure (except for hash collisions), so the same text gives
/// the same printed order in any graph.
#[must_use]
pub fn canonical_cmp(g: &Graph, a: ExprId, b: ExprId) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (ia, ib) = (g.info(a), g.info(b));
    ia.rank
        .cmp(&ib.rank)
        .then_with(|| match (g.node(a), g.node(b)) {
            (Node::Num(x), Node::Num(y)) => x.cmp(y),
            (Node::Var(x), Node::Var(y)) => g.name(*x).cmp(g.name(*y)),
            (Node::Pow(x, _), Node::Pow(y, _)) if x != y => canonical_cmp(g, *x, *y),
            _ => Ordering::Equal,
        })
        .then_with(|| ia.shape.cmp(&ib.shape))
        .then_with(|| a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An integer's shape is hashed as `BigRational`'s `Hash` hashes it.
    #[test]
    fn integers_hash_as_rationals_do() {
        for n in [0i64, 1, -1, 7, -12, 1 << 40, i64::MIN, i64::MAX] {
            for d in [1i64, 3] {
                let r = BigRational::new(BigInt::from(n), BigInt::from(d));
                let (mut a, mut b) = (
                    std::hash::DefaultHasher::new(),
                    std::hash::DefaultHasher::new(),
                );
                r.hash(&mut a);
                hash_rational(&r, &mut b);
                assert_eq!(a.finish(), b.finish(), "{r}");
            }
        }
    }
}
