//! The elementary lane operations: `max`, `min`, `sign`, division, square root,
//! powers, comparisons as lanes and the per-lane `if`. Each gives NaN exactly where the
//! operation is undefined (or an operand is NaN), the fast evaluator's marker for
//! "undefined".

/// `max(a, b)`, NaN if either is NaN (an undefined operand makes `max` undefined).
#[inline(always)]
pub fn max(a: f64, b: f64) -> f64 {
    if a >= b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `min(a, b)`, NaN if either is NaN.
#[inline(always)]
pub fn min(a: f64, b: f64) -> f64 {
    if a <= b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `sign(x)`: -1, 0 or 1; NaN for NaN.
#[inline(always)]
pub fn sign(x: f64) -> f64 {
    let s = if x > 0.0 { 1.0 } else { 0.0 };
    let s = if x < 0.0 { -1.0 } else { s };
    if x.is_nan() {
        x
    } else {
        s
    }
}

/// `a / b`, NaN (undefined) when `b` is 0.
#[inline(always)]
pub fn div(a: f64, b: f64) -> f64 {
    let q = a / b;
    if b == 0.0 {
        f64::NAN
    } else {
        q
    }
}

/// `sqrt(x)`, NaN for `x < 0`.
#[inline(always)]
pub fn sqrt(x: f64) -> f64 {
    // IEEE sqrt already gives NaN below 0; -0 is 0 here.
    x.sqrt() + 0.0
}

/// `x^p` for a constant non-integer `p`: defined for `x > 0`, and for `x = 0` when
/// `p > 0`. Uses the platform's `powf` (not vectorised; rare in activations).
#[must_use]
pub fn pow_const(x: f64, p: f64) -> f64 {
    if x > 0.0 {
        x.powf(p)
    } else if x == 0.0 && p > 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

/// `x^y` for a variable exponent: defined for `x > 0`, and for `x = 0` when `y > 0`
/// (a real power of a negative base is undefined, as on the symbolic side).
#[must_use]
pub fn pow_var(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        y
    } else {
        pow_const(x, y)
    }
}

/// The truth value of a comparison as a lane: 1 or 0, NaN if an operand is NaN.
#[inline(always)]
pub fn truth(holds: bool, a: f64, b: f64) -> f64 {
    let v = if holds { 1.0 } else { 0.0 };
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        v
    }
}

/// `if(c, a, b)` per lane: `a` where `c` is true (non-zero), `b` where false, NaN
/// where the condition itself is undefined. The branch not taken may be NaN.
#[inline(always)]
pub fn select(c: f64, a: f64, b: f64) -> f64 {
    let v = if c != 0.0 { a } else { b };
    if c.is_nan() {
        c
    } else {
        v
    }
}
