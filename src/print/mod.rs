//! Printers: text (round-trips through the parser), LaTeX and JSON, and the operation
//! count of the printed form.
//!
//! - [`text`] writes the actsym language with minimal parentheses, in textbook order
//!   (`x + 1`, `1 - sigmoid(x)`, `3*x/(2*y)`, `(1 + erf(x/sqrt(2)))/2`); parsing its
//!   output gives back the same node.
//! - [`latex`] writes a formula for a document (`\frac{1}{1 + e^{-x}}`).
//! - [`json`] writes a tree of JSON objects (schema in [`json`](self::json())).
//! - [`op_count`] counts the operations of the printed tree (for comparisons with
//!   SymPy's `count_ops`).
//!
//! Text and LaTeX are produced by one engine: each node is laid out as a short list of
//! `Piece`s (literal text, operators, and child nodes with the binding strength they
//! need), and a loop with an explicit stack writes them out. Nothing recurses on the
//! depth of the expression, so depth 20,000 prints on a small stack. Printing writes
//! the DAG as a tree: a subexpression shared `k` times is written `k` times.
//!
//! ```
//! use actsym::{defs, expr::Graph, print};
//! let mut g = Graph::with_prelude();
//! let e = defs::parse_expr(&mut g, "1/(1 + exp(-x))").unwrap();
//! assert_eq!(print::text(&g, e), "1/(1 + exp(-x))");
//! assert_eq!(print::latex(&g, e), r"\frac{1}{1 + e^{-x}}");
//! assert_eq!(print::op_count(&g, e), 4); // '/', '+', exp, unary '-'
//! ```

mod json;
mod latex;
mod latex_names;
mod layout;
mod text;

pub use json::json;
pub use latex::latex;
pub use text::{op_count, text};

/// An exact rational written compactly when it is huge or tiny in base ten:
/// `10^1000`, `-3*10^400`, `1/10^700`, `7/(2*10^50)`; otherwise as `p/q`. Parsing the
/// result as an expression gives back the same number.
///
/// ```
/// use actsym::print::rational_text;
/// use num_bigint::BigInt;
/// use num_rational::BigRational;
/// use num_traits::pow;
/// let big = BigRational::from_integer(pow(BigInt::from(10), 1000));
/// assert_eq!(rational_text(&big), "10^1000");
/// let tiny = BigRational::new(BigInt::from(-3), pow(BigInt::from(10), 40));
/// assert_eq!(rational_text(&tiny), "-3/10^40");
/// assert_eq!(rational_text(&BigRational::new(3.into(), 2.into())), "3/2");
/// ```
#[must_use]
pub fn rational_text(r: &num_rational::BigRational) -> String {
    /// Trailing zeros from which `m*10^k` is shorter and clearer than the digits.
    const MIN_ZEROS: usize = 12;
    fn integer(n: &num_bigint::BigInt) -> (String, bool) {
        let digits = n.magnitude().to_string();
        let zeros = digits.len() - digits.trim_end_matches('0').len();
        if zeros < MIN_ZEROS || zeros == digits.len() {
            return (digits, false);
        }
        let mantissa = &digits[..digits.len() - zeros];
        if mantissa == "1" {
            (format!("10^{zeros}"), false)
        } else {
            (format!("{mantissa}*10^{zeros}"), true)
        }
    }
    let sign = if r.numer().sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    let (num, _) = integer(r.numer());
    if r.denom() == &num_bigint::BigInt::from(1) {
        return format!("{sign}{num}");
    }
    let (den, product) = integer(r.denom());
    if product {
        format!("{sign}{num}/({den})")
    } else {
        format!("{sign}{num}/{den}")
    }
}
