//! `E where s = sigmoid(beta*x), t = ...`: names for shared subterms, as `derive`
//! prints them, read back. Bindings are read first, in order (each may use the names
//! before it), and while the statement before `where` is parsed a bound name stands
//! for its value's node, so the text builds exactly the expression it was printed
//! from. In a claim, `where` items with `=` are bindings and items with a comparison
//! are conditions.

use super::parser::{keyword_at, Parser};
use super::{lex, ParseError, SyntaxError, RESERVED};
use crate::expr::ExprId;

/// Splits a statement at its `where` keyword (outside parentheses and comments):
/// the text before it, and the keyword with the text after it.
pub(super) fn split_where(i: &str) -> (&str, Option<(&str, &str)>) {
    let bytes = i.as_bytes();
    let mut depth = 0usize;
    let mut k = 0;
    while k < bytes.len() {
        match bytes[k] {
            b'#' => {
                while k < bytes.len() && bytes[k] != b'\n' {
                    k += 1;
                }
                continue;
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            // A `where` with nothing before it is no clause: the parser reports
            // the keyword where an expression should be.
            b'w' if depth == 0
                && !lex::blank(i[..k].trim_start()).is_empty()
                && keyword_at(&i[k..], "where")
                && (k == 0 || !is_ident_byte(bytes[k - 1])) =>
            {
                return (&i[..k], Some((&i[k..], &i[k + "where".len()..])));
            }
            _ => {}
        }
        k += 1;
    }
    (i, None)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The name of a binding item `name = value` (not `==`), and the text after `=`.
fn binding_head(item: &str) -> Option<(&str, &str)> {
    let (r, name) = lex::ident(item).ok()?;
    let r = lex::blank(r);
    let value = lex::symbol(r, '=')?;
    (!value.starts_with('=')).then_some((name, value))
}

/// The names the items of a `where` clause bind, in order.
fn bound_names(clause: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (k, c) in clause.char_indices().chain([(clause.len(), ',')]) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let item = lex::blank(clause[start..k].trim_start());
                if let Some((name, _)) = binding_head(item) {
                    names.push(name);
                }
                start = k + 1;
            }
            _ => {}
        }
    }
    names
}

impl<'s> Parser<'s, '_> {
    /// Reads the items after `where`: bindings go into `self.bound`; the conditions
    /// are returned.
    pub(super) fn where_clause(&mut self, clause: &'s str) -> Result<Vec<ExprId>, ParseError> {
        let names = bound_names(clause);
        let mut bound_so_far = 0;
        let mut conditions = Vec::new();
        let mut r = clause;
        loop {
            let at = self.ws(r);
            let (rest, e, span) = if let Some((name, value)) = binding_head(at) {
                let span = self.off(at)..self.off(at) + name.len();
                self.check_name(name, &span)?;
                let (rest, e) = self.expr(value)?;
                self.check_uses(e, name, &names[bound_so_far..], &span)?;
                self.bound.insert(name, e);
                bound_so_far += 1;
                (rest, None, span)
            } else {
                let (rest, c) = self.condition(at)?;
                let span = self.off(at)..self.off(rest);
                (rest, Some(c), span)
            };
            if let Some(c) = e {
                self.check_uses(c, "", &names[bound_so_far..], &span)?;
                conditions.push(c);
            }
            let next = self.ws(rest);
            match lex::symbol(next, ',') {
                Some(after) => r = after,
                None => {
                    self.finish(next)?;
                    return Ok(conditions);
                }
            }
        }
    }

    /// A bound name must be free: not reserved, not a function, not bound twice.
    fn check_name(&self, name: &str, span: &std::ops::Range<usize>) -> Result<(), ParseError> {
        let reason = if RESERVED.contains(&name) || name == "e" {
            format!("'{name}' cannot be bound: it is a reserved word")
        } else if self.is_function(name) {
            format!("'{name}' is a function and cannot be bound with where")
        } else if self.bound.contains_key(name) {
            format!("'{name}' is bound twice")
        } else {
            return Ok(());
        };
        Err(ParseError::new(
            SyntaxError::Binding { reason },
            span.clone(),
        ))
    }

    /// A binding (or condition) may use only the names bound before it.
    fn check_uses(
        &self,
        e: ExprId,
        own: &str,
        later: &[&str],
        span: &std::ops::Range<usize>,
    ) -> Result<(), ParseError> {
        let used = self.g.free_vars(e);
        let Some(name) = later
            .iter()
            .find(|n| used.iter().any(|&s| self.g.name(s) == **n))
        else {
            return Ok(());
        };
        let reason = if *name == own {
            format!("'{own}' is defined in terms of itself")
        } else {
            format!("'{name}' is used before its binding; bind the names a value uses first")
        };
        Err(ParseError::new(
            SyntaxError::Binding { reason },
            span.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_splits_outside_parentheses_and_words() {
        assert_eq!(split_where("a + b"), ("a + b", None));
        let (body, clause) = split_where("s*t where s = 1, t = 2");
        assert_eq!(body, "s*t ");
        assert_eq!(clause.map(|c| c.1), Some(" s = 1, t = 2"));
        assert_eq!(split_where("nowhere + 1").1, None);
        assert_eq!(split_where(" where + 1").1, None);
        assert_eq!(split_where("f(where) # where").1, None);
        assert_eq!(bound_names(" s = f(a, b), x > 0, t = 2"), vec!["s", "t"]);
    }
}
