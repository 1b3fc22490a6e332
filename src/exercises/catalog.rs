//! The exercises shipped with actsym: the files of `exercises/`, embedded in the
//! binary ([`FILES`]; a test checks the list against the directory), read once into a
//! [`Catalog`] in display order (the chapter's parts, then the drills).

use std::sync::OnceLock;

use super::format::{Exercise, FormatError, Group};

/// Every file of `exercises/` that grading uses, by name, with its text.
pub const FILES: &[(&str, &str)] = &[
    ("1.toml", include_str!("../../exercises/1.toml")),
    ("2.toml", include_str!("../../exercises/2.toml")),
    ("3.toml", include_str!("../../exercises/3.toml")),
    ("4.toml", include_str!("../../exercises/4.toml")),
    ("5a.toml", include_str!("../../exercises/5a.toml")),
    ("5b.toml", include_str!("../../exercises/5b.toml")),
    ("6.toml", include_str!("../../exercises/6.toml")),
    ("7.toml", include_str!("../../exercises/7.toml")),
    ("d-relu.toml", include_str!("../../exercises/d-relu.toml")),
    (
        "d-sigmoid.toml",
        include_str!("../../exercises/d-sigmoid.toml"),
    ),
    ("d-tanh.toml", include_str!("../../exercises/d-tanh.toml")),
    ("d-gelu.toml", include_str!("../../exercises/d-gelu.toml")),
    (
        "d-softplus.toml",
        include_str!("../../exercises/d-softplus.toml"),
    ),
    ("d-elu.toml", include_str!("../../exercises/d-elu.toml")),
    ("d-mish.toml", include_str!("../../exercises/d-mish.toml")),
    (
        "b-sigmoid.toml",
        include_str!("../../exercises/b-sigmoid.toml"),
    ),
    ("b-tanh.toml", include_str!("../../exercises/b-tanh.toml")),
    (
        "i-tanh-odd.toml",
        include_str!("../../exercises/i-tanh-odd.toml"),
    ),
    (
        "i-sigmoid-symmetry.toml",
        include_str!("../../exercises/i-sigmoid-symmetry.toml"),
    ),
    (
        "i-tanh-exp.toml",
        include_str!("../../exercises/i-tanh-exp.toml"),
    ),
    (
        "i-relu-split.toml",
        include_str!("../../exercises/i-relu-split.toml"),
    ),
    (
        "i-prelu-relu.toml",
        include_str!("../../exercises/i-prelu-relu.toml"),
    ),
    (
        "bottleneck.json",
        include_str!("../../exercises/bottleneck.json"),
    ),
    (
        "tanh-sigmoid-pair.json",
        include_str!("../../exercises/tanh-sigmoid-pair.json"),
    ),
    (
        "tanh-sigmoid.prove",
        include_str!("../../exercises/tanh-sigmoid.prove"),
    ),
];

/// The exercises, in display order.
#[derive(Debug)]
pub struct Catalog {
    exercises: Vec<Exercise>,
}

/// The text of an embedded file beside the exercises (a reference proof).
#[must_use]
pub fn file_text(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The display order of an id: parts by number then letter, drills after, by name.
fn order_key(ex: &Exercise) -> (Group, u32, String) {
    let digits: String = ex.id.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse::<u32>().unwrap_or(u32::MAX);
    (ex.group, number, ex.id.clone())
}

impl Catalog {
    /// Reads exercise files given as `(name, text)`; other files (reference proofs)
    /// are skipped.
    ///
    /// # Errors
    /// The first [`FormatError`], or a missing reference file, or a duplicate id.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, FormatError> {
        let mut exercises = Vec::new();
        for (name, text) in files {
            if !name.ends_with(".toml") {
                continue;
            }
            let ex = Exercise::from_toml(name, text)?;
            for r in &ex.reference_files {
                if !files.iter().any(|(n, _)| n == r) {
                    return Err(FormatError::Field {
                        file: (*name).into(),
                        field: "reference_files".into(),
                        message: format!("no file '{r}' beside the exercises"),
                    });
                }
            }
            exercises.push(ex);
        }
        exercises.sort_by_key(order_key);
        if let Some(w) = exercises.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(FormatError::Field {
                file: format!("{}.toml", w[0].id),
                field: "id".into(),
                message: "appears twice".into(),
            });
        }
        Ok(Catalog { exercises })
    }

    /// The embedded exercises (read once).
    ///
    /// # Errors
    /// A [`FormatError`] in an embedded file (the tests make sure there is none).
    pub fn embedded() -> Result<&'static Catalog, FormatError> {
        static CATALOG: OnceLock<Result<Catalog, FormatError>> = OnceLock::new();
        CATALOG
            .get_or_init(|| Catalog::from_files(FILES))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Every exercise, in display order.
    #[must_use]
    pub fn exercises(&self) -> &[Exercise] {
        &self.exercises
    }

    /// The exercise with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The ids, in display order.
    #[must_use]
    pub fn ids(&self) -> Vec<&str> {
        self.exercises.iter().map(|e| e.id.as_str()).collect()
    }

    /// The position of an id in display order.
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.id == id)
    }
}

/// Every reference answer of an exercise, as `(label, text)`: the inline ones, then
/// the files.
#[must_use]
pub fn references(ex: &Exercise) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ex
        .references
        .iter()
        .enumerate()
        .map(|(k, r)| (format!("reference {}", k + 1), r.clone()))
        .collect();
    for f in &ex.reference_files {
        if let Some(text) = file_text(f) {
            out.push((f.clone(), text.to_owned()));
        }
    }
    out
}
