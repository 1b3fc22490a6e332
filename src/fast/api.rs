//! The public entry points of the fast evaluator: [`Tape::compile`] (through
//! `compile.rs`) and the batch, parallel and single-point evaluations (through
//! `tape_exec.rs`), with the checks of their inputs. The tape itself, as data, is in
//! `tape.rs`.

use super::compile;
use super::dense::Dense;
use super::error::{CompileError, InputError};
use super::tape::Tape;
use super::tape_exec;
use crate::expr::{ExprId, Graph, Node, Symbol};
use std::collections::HashMap;

impl Tape {
    /// Compiles `root` as a function of `vars` (in this order: input `i` of
    /// [`eval_batch`](Tape::eval_batch) is `vars[i]`). Calls of prelude functions
    /// become fused kernels; other calls are inlined from their definitions.
    /// Errors: a free variable not in `vars`, an unknown function, a wrong arity, an
    /// unevaluated `diff`.
    pub fn compile(g: &Graph, root: ExprId, vars: &[Symbol]) -> Result<Tape, CompileError> {
        compile::compile(g, root, vars)
    }

    /// [`Tape::compile`], and where a `diff(...)` inside `root` has a kink or branch
    /// in its variable ([`CompileError::NonSmoothDiff`]), differentiates symbolically
    /// first (left-hand derivative at kinks, as everywhere in actsym) and compiles
    /// that.
    ///
    /// # Errors
    /// Those of [`Tape::compile`], and a failed symbolic derivative as
    /// [`CompileError::Unfold`].
    pub fn compile_unfolding(
        g: &mut Graph,
        root: ExprId,
        vars: &[Symbol],
    ) -> Result<Tape, CompileError> {
        match Tape::compile(g, root, vars) {
            Err(CompileError::NonSmoothDiff) => {
                // Branches on the variable: differentiated in the intermediate form
                // away from their ties (fused kernels, no cancellation), by the
                // symbolic derivative at them.
                let diffs: Vec<ExprId> = g
                    .reachable(&[root])
                    .into_iter()
                    .filter(|&id| matches!(g.node(id), Node::Diff(..)))
                    .collect();
                let mut ties = HashMap::with_capacity(diffs.len());
                for id in diffs {
                    let d = crate::unfold::unfold_diffs(g, id, crate::diff::Kink::Left)?;
                    ties.insert(id, d);
                }
                match compile::compile_with_ties(g, root, vars, ties) {
                    Err(CompileError::NonSmoothDiff) => {
                        let e = crate::unfold::unfold_diffs(g, root, crate::diff::Kink::Left)?;
                        Tape::compile(g, e, vars)
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    /// A network of dense layers as a tape: it runs as matrix-vector steps over
    /// groups of points (fused multiply-adds), not as one instruction per weight;
    /// `vars` name its inputs in order.
    ///
    /// # Errors
    /// [`CompileError::Unsupported`] when `vars` does not have one name per input.
    pub fn dense(dense: Dense, vars: Vec<String>) -> Result<Tape, CompileError> {
        if vars.len() != dense.inputs {
            return Err(CompileError::Unsupported(
                "a dense network needs one variable name per input",
            ));
        }
        Ok(Tape {
            vars,
            consts: Vec::new(),
            instrs: Vec::new(),
            nregs: 0,
            out: super::tape::Reg(0),
            dense: Some(Box::new(dense)),
        })
    }

    /// Checks the shapes of a batch call.
    fn validate_inputs(&self, inputs: &[&[f64]], n: usize) -> Result<(), InputError> {
        if inputs.len() != self.vars.len() {
            return Err(InputError::InputCount {
                expected: self.vars.len(),
                found: inputs.len(),
            });
        }
        for (index, x) in inputs.iter().enumerate() {
            if x.len() != n {
                return Err(InputError::InputLength {
                    index,
                    expected: n,
                    found: x.len(),
                });
            }
        }
        Ok(())
    }

    /// Evaluates at `out.len()` points on this thread: point `j` has variable `i`
    /// equal to `inputs[i][j]`.
    pub fn eval_batch(&self, inputs: &[&[f64]], out: &mut [f64]) -> Result<(), InputError> {
        self.validate_inputs(inputs, out.len())?;
        tape_exec::run(self, inputs, out);
        Ok(())
    }

    /// Like [`eval_batch`](Tape::eval_batch), split across all cores when there are at
    /// least [`PARALLEL_THRESHOLD`](tape_exec::PARALLEL_THRESHOLD) points.
    /// The results are bit-for-bit those of `eval_batch`.
    pub fn eval_batch_parallel(
        &self,
        inputs: &[&[f64]],
        out: &mut [f64],
    ) -> Result<(), InputError> {
        self.validate_inputs(inputs, out.len())?;
        tape_exec::run_parallel(self, inputs, out);
        Ok(())
    }

    /// Evaluates at one point (`point[i]` is variable `i`), with the same bits as the
    /// batch paths.
    pub fn eval_point(&self, point: &[f64]) -> Result<f64, InputError> {
        let inputs: Vec<&[f64]> = point.iter().map(std::slice::from_ref).collect();
        let mut out = [0.0];
        self.eval_batch(&inputs, &mut out)?;
        Ok(out[0])
    }
}
