//! Runs tapes: chunked batch loops, run-time CPU dispatch and threads.
//!
//! The whole interpreter loop (chunks -> instructions -> lanes) is one
//! `#[inline(always)]` function, instantiated twice: once as is (baseline x86-64 or
//! any other target) and once inside an `#[target_feature(enable = "avx2,fma")]`
//! function chosen at run time with `is_x86_feature_detected!`. The kernels are
//! inlined into both, so the lane loops become 4-wide AVX2 code with FMA without
//! `-C target-cpu` flags (in optimised builds; see [`exec`]). The kernels' fused
//! multiply-adds are `f64::mul_add`, exact on every target (one instruction with FMA,
//! a library call without), and every lane's result depends only on that lane's
//! inputs, so the dispatch level, the chunk boundaries and the thread split never
//! change a result's bits.

use rayon::prelude::*;

use super::kernels;
use super::ops::{self, with_scaled, with_unary, UnaryOp};
use super::tape::{Instr, Reg, Tape, CHUNK};
use crate::expr::CmpOp;

/// Batches shorter than this stay on the calling thread.
pub const PARALLEL_THRESHOLD: usize = 1 << 15;

/// The number of points one parallel task evaluates.
const BLOCK: usize = 32 * CHUNK;

/// A scratch buffer for one thread: every register's chunk, constants filled in.
fn new_scratch(tape: &Tape) -> Vec<f64> {
    let mut buf = vec![0.0; tape.nregs as usize * CHUNK];
    for (reg, &c) in buf.chunks_mut(CHUNK).zip(&tape.consts) {
        reg.fill(c);
    }
    buf
}

/// Evaluates all of `out` on this thread.
pub(crate) fn run(tape: &Tape, inputs: &[&[f64]], out: &mut [f64]) {
    if let Some(d) = &tape.dense {
        d.run(inputs, 0, out);
        return;
    }
    let mut scratch = new_scratch(tape);
    run_range(tape, &mut scratch, inputs, 0, out);
}

/// Evaluates all of `out`, in blocks on rayon's threads when it is long.
pub(crate) fn run_parallel(tape: &Tape, inputs: &[&[f64]], out: &mut [f64]) {
    if out.len() < PARALLEL_THRESHOLD {
        run(tape, inputs, out);
        return;
    }
    if let Some(d) = &tape.dense {
        out.par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(i, block)| d.run(inputs, i * BLOCK, block));
        return;
    }
    out.par_chunks_mut(BLOCK).enumerate().for_each_init(
        || new_scratch(tape),
        |scratch, (i, block)| run_range(tape, scratch, inputs, i * BLOCK, block),
    );
}

/// Evaluates the points `offset..offset + out.len()` of `inputs` into `out`.
fn run_range(tape: &Tape, scratch: &mut [f64], inputs: &[&[f64]], offset: usize, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            unsafe { run_range_avx2(tape, scratch, inputs, offset, out) };
            return;
        }
    }
    run_range_impl(tape, scratch, inputs, offset, out);
}

/// [`run_range_impl`] compiled with AVX2 and FMA enabled.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_range_avx2(
    tape: &Tape,
    scratch: &mut [f64],
    inputs: &[&[f64]],
    offset: usize,
    out: &mut [f64],
) {
    run_range_impl(tape, scratch, inputs, offset, out);
}

#[inline(always)]
fn run_range_impl(
    tape: &Tape,
    scratch: &mut [f64],
    inputs: &[&[f64]],
    offset: usize,
    out: &mut [f64],
) {
    let nregs = tape.nregs as usize;
    // The last instruction writes straight into the output when it computes the
    // result (one pass over the chunk less).
    let direct = tape
        .instrs
        .last()
        .is_some_and(|i| i.dst() == tape.out && !matches!(i, Instr::SigmoidPair { .. }));
    let (body, last) = match tape.instrs.split_last() {
        Some((l, b)) => (b, Some(l)),
        None => (&tape.instrs[..], None),
    };
    for (ci, out_chunk) in out.chunks_mut(CHUNK).enumerate() {
        let start = offset + ci * CHUNK;
        let len = out_chunk.len();
        let mut f = Frame {
            buf: &mut *scratch,
            inputs,
            start,
            len,
            nregs,
            out: None,
        };
        for ins in body {
            exec(ins, &mut f);
        }
        if let Some(l) = last {
            if direct {
                f.out = Some(&mut *out_chunk);
                exec(l, &mut f);
                continue;
            }
            exec(l, &mut f);
        }
        let o = tape.out.0 as usize;
        match inputs.get(o.wrapping_sub(nregs)) {
            Some(x) if o >= nregs => out_chunk.copy_from_slice(&x[start..start + len]),
            _ => out_chunk.copy_from_slice(&scratch[o * CHUNK..o * CHUNK + len]),
        }
    }
}

/// One chunk's view of the registers: the scratch buffer (registers `0..nregs`), the
/// inputs (register `nregs + i` is variable `i`, read in place), and, for the last
/// instruction, the output chunk to write into directly.
struct Frame<'a, 'o> {
    buf: &'a mut [f64],
    inputs: &'a [&'a [f64]],
    start: usize,
    len: usize,
    nregs: usize,
    out: Option<&'o mut [f64]>,
}

/// The destination's lanes and the sources' lanes. The compiler guarantees that the
/// destination is a scratch register not among the sources.
#[inline(always)]
fn split<'f, const N: usize>(
    f: &'f mut Frame<'_, '_>,
    dst: Reg,
    srcs: [Reg; N],
) -> (&'f mut [f64], [&'f [f64]; N]) {
    let (len, start, nregs) = (f.len, f.start, f.nregs);
    let inputs: &'f [&'f [f64]] = f.inputs;
    let input = move |s: usize| -> &'f [f64] {
        inputs
            .get(s - nregs)
            .map_or(&[][..], |x| &x[start..start + len])
    };
    if let Some(o) = f.out.as_deref_mut() {
        let buf: &[f64] = f.buf;
        let srcs = srcs.map(|s| {
            let s = s.0 as usize;
            if s >= nregs {
                input(s)
            } else {
                &buf[s * CHUNK..s * CHUNK + len]
            }
        });
        return (&mut o[..len], srcs);
    }
    let d = dst.0 as usize;
    let (lo, hi) = f.buf.split_at_mut(d * CHUNK);
    let (dchunk, rest) = hi.split_at_mut(CHUNK);
    let (lo, rest): (&[f64], &[f64]) = (lo, rest);
    let srcs = srcs.map(|s| {
        let s = s.0 as usize;
        if s >= nregs {
            input(s)
        } else if s < d {
            &lo[s * CHUNK..s * CHUNK + len]
        } else {
            let at = (s - d - 1) * CHUNK;
            &rest[at..at + len]
        }
    });
    (&mut dchunk[..len], srcs)
}

/// `d[i] = f(a[i])` for the lanes of a chunk. A macro rather than a function taking a
/// closure: closures and function items would be compiled as separate functions
/// without the caller's AVX2 target feature, and called once per lane.
macro_rules! map1 {
    ($d:expr, $a:expr, |$x:ident| $body:expr) => {
        for (o, &$x) in $d.iter_mut().zip($a) {
            *o = $body;
        }
    };
    ($d:expr, $a:expr, $f:path) => {
        map1!($d, $a, |x| $f(x))
    };
}

/// `d[i] = f(a[i], b[i])` for the lanes of a chunk (see [`map1`]).
macro_rules! map2 {
    ($d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $body:expr) => {
        for ((o, &$x), &$y) in $d.iter_mut().zip($a).zip($b) {
            *o = $body;
        }
    };
    ($d:expr, $a:expr, $b:expr, $f:path) => {
        map2!($d, $a, $b, |x, y| $f(x, y))
    };
}

/// Inlined into the dispatched loop in optimised builds (that is what makes the
/// kernels AVX2 code). Unoptimised builds keep every local of an inlined function in
/// its own stack slot, so inlining every kernel loop into one function gave it a frame
/// of megabytes after small changes; there the dispatchers stay separate functions
/// (the bits are the same at every dispatch level).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
fn exec(ins: &Instr, f: &mut Frame<'_, '_>) {
    match ins {
        Instr::Lin { dst, k, terms } => exec_lin(f, *dst, *k, terms),
        Instr::Mul { dst, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            map2!(d, a, b, ops::mul);
        }
        Instr::Div { dst, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            map2!(d, a, b, ops::div);
        }
        Instr::PowI { dst, a, n } => {
            let (d, [a]) = split(f, *dst, [*a]);
            // The exponents `ops::powi` treats apart are matched here, outside the lane
            // loop, so that each loop inlines only its own branch.
            match *n {
                2 => map1!(d, a, |x| ops::powi(x, 2)),
                3 => map1!(d, a, |x| ops::powi(x, 3)),
                4 => map1!(d, a, |x| ops::powi(x, 4)),
                -1 => map1!(d, a, |x| ops::powi(x, -1)),
                -2 => map1!(d, a, |x| ops::powi(x, -2)),
                n => map1!(d, a, |x| ops::powi(x, n)),
            }
        }
        Instr::Sqrt { dst, a } => {
            let (d, [a]) = split(f, *dst, [*a]);
            map1!(d, a, ops::sqrt);
        }
        Instr::PowConst { dst, a, p } => {
            let (d, [a]) = split(f, *dst, [*a]);
            map1!(d, a, |x| ops::pow_const(x, *p));
        }
        Instr::PowVar { dst, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            map2!(d, a, b, ops::pow_var);
        }
        Instr::Unary { dst, op, a } => {
            let (d, [a]) = split(f, *dst, [*a]);
            exec_unary(*op, d, a);
        }
        Instr::UnaryScaled {
            dst,
            op,
            c,
            divide,
            a,
        } => {
            let (d, [a]) = split(f, *dst, [*a]);
            exec_unary_scaled(*op, *c, *divide, d, a);
        }
        Instr::SigmoidPair {
            sig,
            deriv,
            a,
            c,
            divide,
        } => {
            if let Some((s, d, x)) = two_outputs(f, *sig, *deriv, *a) {
                exec_sigmoid_pair(s, d, x, *c, *divide);
            }
        }
        Instr::Max { dst, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            map2!(d, a, b, ops::max);
        }
        Instr::Min { dst, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            map2!(d, a, b, ops::min);
        }
        Instr::Cmp { dst, op, a, b } => {
            let (d, [a, b]) = split(f, *dst, [*a, *b]);
            match op {
                CmpOp::Lt => map2!(d, a, b, |x, y| ops::compare(CmpOp::Lt, x, y)),
                CmpOp::Le => map2!(d, a, b, |x, y| ops::compare(CmpOp::Le, x, y)),
                CmpOp::Gt => map2!(d, a, b, |x, y| ops::compare(CmpOp::Gt, x, y)),
                CmpOp::Ge => map2!(d, a, b, |x, y| ops::compare(CmpOp::Ge, x, y)),
                CmpOp::Ne => map2!(d, a, b, |x, y| ops::compare(CmpOp::Ne, x, y)),
            }
        }
        Instr::Select { dst, cond, a, b } => {
            let (d, [c, a, b]) = split(f, *dst, [*cond, *a, *b]);
            for (((o, &c), &x), &y) in d.iter_mut().zip(c).zip(a).zip(b) {
                *o = ops::select(c, x, y);
            }
        }
    }
}

/// Two distinct destination registers and one source (all distinct, by the
/// compiler's construction; `None` otherwise).
#[inline(always)]
fn two_outputs<'f>(
    f: &'f mut Frame<'_, '_>,
    w1: Reg,
    w2: Reg,
    r: Reg,
) -> Option<(&'f mut [f64], &'f mut [f64], &'f [f64])> {
    let len = f.len;
    let (mut a, mut b, mut c) = (None, None, None);
    if r.0 as usize >= f.nregs {
        let x = f.inputs.get(r.0 as usize - f.nregs)?;
        c = Some(&x[f.start..f.start + len]);
    }
    for (i, chunk) in f.buf.chunks_mut(CHUNK).enumerate() {
        let i = i as u32;
        if i == w1.0 {
            a = Some(chunk);
        } else if i == w2.0 {
            b = Some(chunk);
        } else if i == r.0 {
            c = Some(&*chunk);
        }
    }
    Some((&mut a?[..len], &mut b?[..len], &c?[..len]))
}

#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
fn exec_sigmoid_pair(s: &mut [f64], d: &mut [f64], a: &[f64], c: f64, divide: bool) {
    macro_rules! pair_loop {
        (|$x:ident| $pair:expr) => {
            for ((so, dout), &$x) in s.iter_mut().zip(d.iter_mut()).zip(a) {
                let (sv, dv) = $pair;
                *so = sv;
                *dout = dv;
            }
        };
    }
    if c == 1.0 && !divide {
        pair_loop!(|x| kernels::sigmoid_pair1(x));
    } else if divide {
        pair_loop!(|x| {
            let (hi, lo) = kernels::scaled_arg(x, c, true);
            kernels::sigmoid_pair(hi, lo)
        });
    } else {
        pair_loop!(|x| {
            let (hi, lo) = kernels::scaled_arg(x, c, false);
            kernels::sigmoid_pair(hi, lo)
        });
    }
}

/// `dst = k + sum c_i t_i`, one pass per term, summed left to right.
#[inline(always)]
fn exec_lin(f: &mut Frame<'_, '_>, dst: Reg, k: f64, terms: &[(f64, Reg)]) {
    let Some(((c0, r0), rest)) = terms.split_first() else {
        let (d, []) = split(f, dst, []);
        d.fill(k);
        return;
    };
    {
        let (d, [a]) = split(f, dst, [*r0]);
        let c0 = *c0;
        if k == 0.0 {
            map1!(d, a, |x| ops::lin_first(0.0, c0, x));
        } else {
            map1!(d, a, |x| ops::lin_first(k, c0, x));
        }
    }
    for (c, r) in rest {
        let (d, [a]) = split(f, dst, [*r]);
        let c = *c;
        if c == 1.0 {
            for (o, &x) in d.iter_mut().zip(a) {
                *o = ops::lin_next(*o, 1.0, x);
            }
        } else {
            for (o, &x) in d.iter_mut().zip(a) {
                *o = ops::lin_next(*o, c, x);
            }
        }
    }
}

/// One fused kernel over a chunk, the match on the kernel outside the lane loop.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
fn exec_unary(op: UnaryOp, d: &mut [f64], a: &[f64]) {
    with_unary!(op, |k| map1!(d, a, |x| k.apply(x)));
}

/// One fused kernel of the scaled argument `c*x` (or `x/c` when `divide`) over a
/// chunk, the argument formed exactly as a double-double.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
fn exec_unary_scaled(op: UnaryOp, c: f64, divide: bool, d: &mut [f64], a: &[f64]) {
    with_scaled!(
        op,
        |k| if divide {
            map1!(d, a, |x| {
                let (hi, lo) = kernels::scaled_arg(x, c, true);
                k.apply_dd(hi, lo)
            });
        } else {
            map1!(d, a, |x| {
                let (hi, lo) = kernels::scaled_arg(x, c, false);
                k.apply_dd(hi, lo)
            });
        },
        // Kernels without a double-double form (the compiler emits none scaled): the
        // rounded argument.
        map1!(d, a, |x| op.apply(if divide { x / c } else { c * x }))
    );
}
