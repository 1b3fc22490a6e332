//! The expression levels of the grammar, one function per level: `expr`, `sum`,
//! `product` (with the implicit-multiplication check), `unary`, `power`, `postfix`,
//! atoms and calls (with their arity). Each enters one level of nesting, bounded by
//! `MAX_NESTING`, and grows the stack on demand.

use std::ops::Range;

use super::error::{line_col, nearest, ParseError, SyntaxError};
use super::lex::{self, NumberError};
use super::parser::{starts_operand, PResult, Parser};
use super::{MAX_NESTING, RESERVED};
use crate::expr::{ExprId, Func, Node};

impl<'s> Parser<'s, '_> {
    /// Enters one level of nesting, failing past the limit, and grows the stack when
    /// it runs low so deep but legal inputs never overflow it.
    pub(super) fn nested<T>(
        &mut self,
        at: &'s str,
        f: impl FnOnce(&mut Self) -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        if self.depth >= MAX_NESTING {
            return self.err_at(SyntaxError::TooDeep(MAX_NESTING), at, 1);
        }
        self.depth += 1;
        let res = stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        self.depth -= 1;
        res
    }

    /// `expr := sum`.
    pub(super) fn expr(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        self.nested(i, |p| p.sum(i))
    }

    /// `sum := product { (+|-) product }`, built as one flat sum.
    pub(super) fn sum(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let (mut r, first) = self.product(i)?;
        let mut terms = vec![first];
        loop {
            let at = self.ws(r);
            let negate = if let Some(r2) = lex::symbol(at, '+') {
                r = r2;
                false
            } else if let Some(r2) = lex::symbol(at, '-') {
                r = r2;
                true
            } else {
                break;
            };
            let (r2, t) = self.product(r)?;
            terms.push(if negate { self.g.neg(t) } else { t });
            r = r2;
        }
        let e = if terms.len() == 1 {
            terms[0]
        } else {
            self.g.add(terms)
        };
        Ok((r, e))
    }

    /// `product := unary { (*|/) unary }`, built as one flat product.
    pub(super) fn product(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let start = self.ws(i);
        let (mut r, first) = self.unary(i)?;
        let mut factors = vec![first];
        let mut operand_start = start;
        loop {
            let at = self.ws(r);
            self.reject_implicit_multiplication(operand_start, r, at)?;
            let divide = if at.starts_with("**") {
                break;
            } else if let Some(r2) = lex::symbol(at, '*') {
                r = r2;
                false
            } else if let Some(r2) = lex::symbol(at, '/') {
                r = r2;
                true
            } else {
                break;
            };
            operand_start = self.ws(r);
            let (r2, f) = self.unary(r)?;
            factors.push(if divide {
                let m1 = self.g.int(-1);
                self.g.pow(f, m1)
            } else {
                f
            });
            r = r2;
        }
        let e = if factors.len() == 1 {
            factors[0]
        } else {
            self.g.mul(factors)
        };
        Ok((r, e))
    }

    /// Reports `2x`, `2 x`, `x(y)` where `x` is no function, `(a)(b)`: an operand
    /// directly after an operand.
    pub(super) fn reject_implicit_multiplication(
        &self,
        left: &'s str,
        left_end: &'s str,
        at: &'s str,
    ) -> Result<(), ParseError> {
        if !starts_operand(at) {
            return Ok(());
        }
        let left_text = &left[..left.len() - left_end.len()];
        let right_len = if at.starts_with('(') {
            let mut depth = 0usize;
            at.char_indices()
                .find_map(|(k, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(k + 1);
                            }
                        }
                        _ => {}
                    }
                    None
                })
                .unwrap_or(at.len())
        } else {
            at.len()
                - at.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    .len()
        };
        let shorten = |s: &str| {
            if s.chars().count() > 24 {
                "...".to_owned()
            } else {
                s.to_owned()
            }
        };
        let suggestion = format!("{}*{}", shorten(left_text), shorten(&at[..right_len]));
        let start = self.off(left);
        Err(ParseError::new(
            SyntaxError::ImplicitMultiplication { suggestion },
            start..self.off(at) + right_len,
        ))
    }

    /// `unary := '-' unary | power` (and a unary `+`).
    pub(super) fn unary(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let at = self.ws(i);
        if let Some(r) = lex::symbol(at, '-') {
            let (r, e) = self.nested(at, |p| p.unary(r))?;
            return Ok((r, self.g.neg(e)));
        }
        if let Some(r) = lex::symbol(at, '+') {
            return self.nested(at, |p| p.unary(r));
        }
        self.power(at)
    }

    /// `power := postfix [ ('^' | '**') unary ]`, right-associative.
    pub(super) fn power(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let (r, base) = self.postfix(i)?;
        let at = self.ws(r);
        let after = if let Some(r2) = at.strip_prefix("**") {
            r2
        } else if let Some(r2) = lex::symbol(at, '^') {
            r2
        } else {
            return Ok((r, base));
        };
        let (r, exp) = self.nested(at, |p| p.unary(after))?;
        Ok((r, self.g.pow(base, exp)))
    }

    /// `postfix := NUMBER | IDENT | IDENT '(' args ')' | '(' expr ')'`.
    pub(super) fn postfix(&mut self, i: &'s str) -> PResult<'s, ExprId> {
        let at = self.ws(i);
        if let Some(res) = lex::number(at) {
            return match res {
                Ok((r, v)) => Ok((r, self.g.num(v))),
                Err((why, len)) => {
                    let (reason, help) = match why {
                        NumberError::NoFractionDigits => {
                            ("expected digits after '.'", "write 1.0 or 1")
                        }
                        NumberError::NoExponentDigits => (
                            "expected digits after the exponent 'e'",
                            "write 1e-3 for 0.001; Euler's number is exp(1)",
                        ),
                        NumberError::ExponentTooLarge => (
                            "the exponent is too large",
                            "decimal exponents are limited to ±10000",
                        ),
                    };
                    Err(ParseError::new(
                        SyntaxError::BadNumber {
                            reason: reason.into(),
                        },
                        self.off(at)..self.off(at) + len,
                    )
                    .with_help(help))
                }
            };
        }
        if let Some(r) = lex::symbol(at, '(') {
            let (r, e) = self.expr(r)?;
            let close = self.ws(r);
            return match lex::symbol(close, ')') {
                Some(r) => Ok((r, e)),
                None => {
                    let (line, col) = line_col(self.src, self.off(at));
                    self.expected(&format!("')' to close the '(' at {line}:{col}"), close)
                }
            };
        }
        if at.starts_with('.') && at[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err(ParseError::new(
                SyntaxError::BadNumber {
                    reason: "a number must start with a digit".into(),
                },
                self.off(at)..self.off(at) + 1,
            )
            .with_help("write 0.5 rather than .5"));
        }
        let Ok((r, name)) = lex::ident(at) else {
            return self.expected("an expression", at);
        };
        let name_span = self.span(at, r);
        let paren = self.ws(r);
        if paren.starts_with('(') {
            return self.call(name, name_span, paren);
        }
        self.atom(name, name_span, r)
    }

    /// An identifier that is not called: a constant or a variable.
    pub(super) fn atom(
        &mut self,
        name: &'s str,
        span: Range<usize>,
        r: &'s str,
    ) -> PResult<'s, ExprId> {
        match name {
            "pi" => return Ok((r, self.g.pi())),
            "undefined" => return Ok((r, self.g.undefined())),
            _ => {}
        }
        if let Some(&value) = self.bound.get(name) {
            return Ok((r, value));
        }
        if RESERVED.contains(&name) {
            return Err(ParseError::new(
                SyntaxError::Expected {
                    expected: "an expression".into(),
                    found: format!("the keyword '{name}'"),
                },
                span,
            ));
        }
        if name == "e" {
            // Other tools' Euler's number: never silently a variable named e.
            return Err(ParseError::new(
                SyntaxError::NotInLanguage {
                    what: "'e' (Euler's number)".into(),
                },
                span,
            ));
        }
        if self.is_function(name) {
            let arity = self.arity(name).unwrap_or(1);
            let params = ["x", "y", "z", "w"][..arity.clamp(1, 4)].join(", ");
            return Err(ParseError::new(
                SyntaxError::FunctionAsValue {
                    name: name.into(),
                    params,
                },
                span,
            ));
        }
        if let Some((function, params)) = &self.params {
            if !params.iter().any(|p| p == name) {
                let function = function.clone();
                return Err(ParseError::new(
                    SyntaxError::NotAParameter {
                        name: name.into(),
                        function: function.clone(),
                    },
                    span,
                )
                .with_help(format!("add it to the parameters: {function}(..., {name})")));
            }
        }
        Ok((r, self.g.var(name)))
    }

    /// The number of arguments a function takes.
    pub(super) fn arity(&self, name: &str) -> Option<usize> {
        if Func::from_name(name).is_some() || name == "sqrt" {
            return Some(1);
        }
        match name {
            "max" | "min" | "diff" => return Some(2),
            "if" => return Some(3),
            _ => {}
        }
        if let Some(p) = self.pending.get(name) {
            return Some(p.arity);
        }
        let s = self.g.find_symbol(name)?;
        self.g.defs().get(s).map(|d| d.params.len())
    }

    /// `IDENT '(' args ')'`: a call of a built-in or defined function.
    pub(super) fn call(
        &mut self,
        name: &'s str,
        span: Range<usize>,
        paren: &'s str,
    ) -> PResult<'s, ExprId> {
        let Some(expected) = self.arity(name) else {
            let known = self.known_functions();
            let err = ParseError::new(SyntaxError::UnknownFunction { name: name.into() }, span);
            let help = match nearest(name, known.iter().map(String::as_str)) {
                Some(k) => format!("did you mean '{k}'?"),
                None if !RESERVED.contains(&name) => {
                    format!("for a product write {name}*(...); see `actsym defs` for the functions")
                }
                None => "see `actsym defs` for the functions".into(),
            };
            return Err(err.with_help(help));
        };
        let mut r = &paren[1..];
        let mut args = Vec::new();
        let close = self.ws(r);
        if let Some(r2) = lex::symbol(close, ')') {
            r = r2;
        } else {
            loop {
                let (r2, arg) = if name == "if" && args.is_empty() {
                    self.nested(r, |p| p.condition(r))?
                } else if name == "diff" && args.len() == 1 {
                    let at = self.ws(r);
                    match lex::ident(at) {
                        Ok((r2, v)) if !RESERVED.contains(&v) && !self.is_function(v) => {
                            let s = self.g.symbol(v);
                            (r2, self.g.var_sym(s))
                        }
                        _ => return self.expected("a variable name (diff(expr, x))", at),
                    }
                } else {
                    self.expr(r)?
                };
                args.push(arg);
                let at = self.ws(r2);
                if let Some(r3) = lex::symbol(at, ',') {
                    r = r3;
                    continue;
                }
                if let Some(r3) = lex::symbol(at, ')') {
                    r = r3;
                    break;
                }
                if at.starts_with(['<', '>', '!']) {
                    return self.err_at(SyntaxError::StrayCondition, at, 1);
                }
                let (line, col) = line_col(self.src, self.off(paren));
                return self.expected(&format!("',' or ')' to close the '(' at {line}:{col}"), at);
            }
        }
        let full = span.start..self.off(r);
        if args.len() != expected {
            return Err(ParseError::new(
                SyntaxError::WrongArity {
                    name: name.into(),
                    expected,
                    got: args.len(),
                },
                full,
            ));
        }
        let g = &mut *self.g;
        let e = if let Some(f) = Func::from_name(name) {
            g.func(f, args[0])
        } else {
            match name {
                "sqrt" => g.sqrt(args[0]),
                "max" => g.max(args[0], args[1]),
                "min" => g.min(args[0], args[1]),
                "if" => g.if_(args[0], args[1], args[2]),
                "diff" => match g.node(args[1]).clone() {
                    Node::Var(v) => g.diff_node(args[0], v),
                    _ => g.undefined(),
                },
                _ => {
                    let s = g.symbol(name);
                    g.call(s, args)
                }
            }
        };
        Ok((r, e))
    }
}
