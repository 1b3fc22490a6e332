//! Names in LaTeX: variables (Greek letters, subscripts from trailing digits or `_`)
//! and the names of defined functions (the prelude's from the table of activations:
//! `\sigma`, `\operatorname{ReLU}`, ...).

use std::borrow::Cow;

use crate::activations;

/// Greek letters that have a LaTeX command of the same name.
const GREEK: [&str; 38] = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
    "varrho",
];

/// A name part: a Greek command, a single letter as is, else upright-italic text.
fn word(s: &str, multi: &str) -> String {
    if GREEK.contains(&s) {
        format!("\\{s}")
    } else if s.chars().count() <= 1 || s.chars().all(|c| c.is_ascii_digit()) {
        s.to_owned()
    } else {
        format!("\\{multi}{{{}}}", escape(s))
    }
}

/// Escapes the characters of an identifier that LaTeX treats specially.
fn escape(s: &str) -> String {
    s.replace('_', r"\_")
}

/// A variable: `x`, `\alpha`, `w_{1}`, `\beta_{2}`, `x_{in}`, `\mathit{lr}`.
#[must_use]
pub fn variable(name: &str) -> String {
    let (base, sub) = match name.split_once('_') {
        Some((b, s)) if !b.is_empty() && !s.is_empty() => (b, s),
        _ => {
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
            if base.is_empty() {
                (name, "")
            } else {
                (base, &name[base.len()..])
            }
        }
    };
    let base = word(base, "mathit");
    if sub.is_empty() {
        base
    } else {
        format!("{base}_{{{}}}", word(sub, "mathrm"))
    }
}

/// The head of a call of a defined function, without its argument list.
#[must_use]
pub fn function(name: &str) -> Cow<'static, str> {
    if let Some(row) = activations::find(name) {
        return Cow::Borrowed(row.latex);
    }
    if GREEK.contains(&name) {
        return Cow::Owned(format!("\\{name}"));
    }
    if name.chars().count() == 1 {
        return Cow::Owned(name.to_owned());
    }
    Cow::Owned(format!("\\operatorname{{{}}}", escape(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables() {
        assert_eq!(variable("x"), "x");
        assert_eq!(variable("alpha"), r"\alpha");
        assert_eq!(variable("w1"), "w_{1}");
        assert_eq!(variable("beta12"), r"\beta_{12}");
        assert_eq!(variable("x_in"), r"x_{\mathrm{in}}");
        assert_eq!(variable("lr"), r"\mathit{lr}");
        assert_eq!(variable("x_"), r"\mathit{x\_}");
        assert_eq!(variable("theta_k"), r"\theta_{k}");
    }

    #[test]
    fn functions() {
        assert_eq!(function("sigmoid"), r"\sigma");
        assert_eq!(function("phi"), r"\phi");
        assert_eq!(function("f"), "f");
        assert_eq!(function("my_act"), r"\operatorname{my\_act}");
    }
}
