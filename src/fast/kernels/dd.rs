//! Double-double arithmetic (a value as an unevaluated sum `hi + lo`), for the few
//! kernels whose formulas are long enough that their roundings would add up to
//! several ulp (`mish'`, `mish''`). Every operation is branch-free f64 arithmetic
//! with fused multiply-adds, so it vectorises like the other kernels.

/// `hi + lo` with `|lo| <= ulp(hi)/2`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Dd {
    pub(super) hi: f64,
    pub(super) lo: f64,
}

/// `a + b` exactly as `s + e` (Knuth's TwoSum).
#[inline(always)]
fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    Dd { hi: s, lo: e }
}

/// `a + b` exactly for `|a| >= |b|` (Fast2Sum).
#[inline(always)]
fn fast_two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd {
        hi: s,
        lo: b - (s - a),
    }
}

impl Dd {
    #[inline(always)]
    pub(super) fn new(hi: f64, lo: f64) -> Dd {
        Dd { hi, lo }
    }

    #[inline(always)]
    pub(super) fn of(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    #[inline(always)]
    pub(super) fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.hi, o.hi);
        fast_two_sum(s.hi, s.lo + (self.lo + o.lo))
    }

    #[inline(always)]
    pub(super) fn add_f(self, c: f64) -> Dd {
        self.add(Dd::of(c))
    }

    #[inline(always)]
    pub(super) fn mul(self, o: Dd) -> Dd {
        let p = self.hi * o.hi;
        let e = self.hi.mul_add(o.hi, -p) + self.hi.mul_add(o.lo, self.lo * o.hi);
        fast_two_sum(p, e)
    }

    /// `self * c` for a power of two or small integer `c` (exact scaling of `lo`).
    #[inline(always)]
    pub(super) fn mul_f(self, c: f64) -> Dd {
        self.mul(Dd::of(c))
    }

    /// `self / o` rounded to f64 (one division and one correction).
    #[inline(always)]
    pub(super) fn div_to_f64(self, o: Dd) -> f64 {
        let q = self.hi / o.hi;
        let r = (-q).mul_add(o.hi, self.hi) + (self.lo - q * o.lo);
        q + r / o.hi
    }
}
