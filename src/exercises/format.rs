//! The exercise file format: one TOML file per part (`exercises/<id>.toml`), read into
//! [`Exercise`]. The format is described for authors in `exercises/README.md`; every
//! field is checked here ([`Exercise::validate`]) so a mistake in a file is an error
//! naming the file and the field, never a silent default.

use serde::Deserialize;

/// Whether an exercise is one of the chapter's numbered parts or a drill beside them.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// A part of the chapter's exercise list (§5.1.4).
    Part,
    /// A drill a student expects beside them (derivatives, identities).
    Drill,
}

/// The kind of answer an exercise expects, and so the checker that grades it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A formula, compared as a function with the reference.
    Formula,
    /// A claim or a derivation chain (`claim:` line, then `= expr` steps).
    Proof,
    /// A small batch function whose outputs couple the examples.
    Batch,
    /// A depth and/or point where a sigmoid chain's gradient is small.
    Vanishing,
    /// A network (an expression or definitions, then an expression).
    Network,
}

impl AnswerKind {
    /// The kind's name in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Formula => "formula",
            AnswerKind::Proof => "proof",
            AnswerKind::Batch => "batch",
            AnswerKind::Vanishing => "vanishing",
            AnswerKind::Network => "network",
        }
    }
}

/// One exercise, as its file says.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The identifier (`2`, `5a`, `d-relu`); the file is `<id>.toml`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// Part or drill.
    pub group: Group,
    /// Where in the chapter it comes from (`5.1.4, exercise 2`).
    pub section: String,
    /// The exercise's words, quoted verbatim from the chapter (drills that the chapter
    /// does not state have none).
    #[serde(default)]
    pub quote: Option<String>,
    /// What the student is asked to submit, in plain words.
    pub task: String,
    /// The kind of answer.
    pub answer: AnswerKind,
    /// The answer's format, one line (`a formula in x and alpha`).
    pub expects: String,
    /// Settings of a formula answer.
    #[serde(default)]
    pub formula: Option<FormulaSpec>,
    /// Settings of a proof answer.
    #[serde(default)]
    pub proof: Option<ProofSpec>,
    /// Settings of a batch answer.
    #[serde(default)]
    pub batch: Option<BatchSpec>,
    /// Settings of a vanishing-gradient answer.
    #[serde(default)]
    pub vanishing: Option<VanishingSpec>,
    /// Settings of a network answer.
    #[serde(default)]
    pub network: Option<NetworkSpec>,
    /// Reference answers, written out; `exercises run` grades every one.
    #[serde(default)]
    pub references: Vec<String>,
    /// Reference answers in files beside this one (`tanh-sigmoid.prove`).
    #[serde(default)]
    pub reference_files: Vec<String>,
    /// The diagnoses tried on a wrong answer, in order.
    #[serde(default, rename = "diagnosis")]
    pub diagnoses: Vec<DiagnosisSpec>,
    /// Hints shown by `exercises show`.
    #[serde(default)]
    pub hints: Vec<String>,
}

/// A formula answer: the reference is `diff(function, wrt)` (left-hand at kinks) or
/// the `expected` expression.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaSpec {
    /// The function differentiated (`prelu(x, alpha)`).
    #[serde(default)]
    pub function: Option<String>,
    /// The variable of differentiation.
    #[serde(default)]
    pub wrt: Option<String>,
    /// The expected function, when the exercise is not a derivative.
    #[serde(default)]
    pub expected: Option<String>,
    /// The variables an answer may use.
    pub variables: Vec<String>,
    /// Where the function has kinks in `wrt` (exact values), for the kink diagnoses.
    #[serde(default)]
    pub kinks: Vec<String>,
}

/// A proof answer: a claim or derivation chain that states `claim`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofSpec {
    /// The statement to show.
    pub claim: String,
}

/// A batch answer (outputs `y1..yn` over inputs `x1..xn`, or a named choice).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSpec {
    /// The largest batch accepted.
    pub max_size: usize,
}

/// A vanishing-gradient answer: the gradient of `unit` composed `depth` times, at
/// `x`, must be below `threshold`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VanishingSpec {
    /// The activation composed (a prelude function of one argument).
    pub unit: String,
    /// The bound the gradient must be below (exact).
    pub threshold: String,
    /// The deepest chain accepted.
    pub max_depth: u32,
}

/// The property a network answer must have.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    /// A network of affine maps and the listed activations whose function is
    /// continuous and piecewise linear (decided exactly).
    ContinuousPiecewiseLinear,
    /// A network without nonlinearity collapsed to one affine map (part 1): a claim
    /// that a deep linear network equals one affine layer, or a network whose narrow
    /// layer makes it lose rank.
    LinearCollapse,
    /// A tanh network and a sigmoid network computing the same function (part 5b):
    /// a pair of network files or a claim, checked by the conversion's structure and
    /// the checker.
    SameFunctionClass,
}

/// A network answer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// What the network must show.
    pub property: Property,
    /// The input variable.
    pub input: String,
    /// The activations a unit may apply.
    pub activations: Vec<String>,
}

/// Which test decides a diagnosis.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// The answer is the right-hand (or the autodiff) derivative.
    KinkConvention,
    /// Right everywhere except at a kink.
    KinkValue,
    /// Right on one side of a kink only.
    OneSide,
    /// The derivative with respect to another variable.
    WrongVariable,
    /// The negative of the reference.
    Negated,
    /// One term's sign flipped.
    SignSlip,
    /// One term of a sum left out (half of the product rule).
    MissingTerm,
    /// One factor left out (a chain-rule factor).
    MissingFactor,
    /// A constant multiple of the reference.
    ConstantFactor,
    /// Equal to a typical wrong function given in the file.
    Model,
}

impl Test {
    /// The diagnosis code a test reports (a model's code is its own).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Test::KinkConvention => "right_hand_kink",
            Test::KinkValue => "kink_value",
            Test::OneSide => "one_side_only",
            Test::WrongVariable => "wrong_variable",
            Test::Negated => "negated",
            Test::SignSlip => "sign_slip",
            Test::MissingTerm => "missing_term",
            Test::MissingFactor => "missing_factor",
            Test::ConstantFactor => "constant_factor",
            Test::Model => "model",
        }
    }
}

/// One diagnosis to try on a wrong answer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisSpec {
    /// The test.
    pub test: Test,
    /// The code reported (required for `model`; the others have fixed codes).
    #[serde(default)]
    pub code: Option<String>,
    /// The typical wrong function (for `model`).
    #[serde(default)]
    pub model: Option<String>,
    /// What the mistake is, in words (for `model`).
    #[serde(default)]
    pub says: Option<String>,
    /// Advice shown with the diagnosis.
    pub hint: String,
}

/// A mistake in an exercise file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The TOML does not parse or does not fit the format.
    #[error("{file}: {message}")]
    Toml {
        /// The file.
        file: String,
        /// The TOML reader's message (with line and column).
        message: String,
    },
    /// A field is missing, malformed or inconsistent.
    #[error("{file}: {field}: {message}")]
    Field {
        /// The file.
        file: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
}

fn field(file: &str, name: &str, message: impl Into<String>) -> FormatError {
    FormatError::Field {
        file: file.into(),
        field: name.into(),
        message: message.into(),
    }
}

/// Whether a code is a stable identifier: lowercase letters, digits and `_`.
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Exercise {
    /// Reads one exercise file.
    ///
    /// # Errors
    /// [`FormatError`] naming the file and the field.
    pub fn from_toml(file: &str, text: &str) -> Result<Exercise, FormatError> {
        let ex: Exercise = toml::from_str(text).map_err(|e| FormatError::Toml {
            file: file.into(),
            message: e.to_string(),
        })?;
        ex.validate(file)?;
        Ok(ex)
    }

    /// Checks what serde cannot: the kind's table is present, the id matches the file
    /// name, models have codes, and there is something for `run` to check.
    ///
    /// # Errors
    /// [`FormatError::Field`].
    pub fn validate(&self, file: &str) -> Result<(), FormatError> {
        let stem = file.strip_suffix(".toml").unwrap_or(file);
        if self.id != stem {
            return Err(field(
                file,
                "id",
                format!("is '{}' but the file is named for '{stem}'", self.id),
            ));
        }
        if self.group == Group::Part && self.quote.is_none() {
            return Err(field(file, "quote", "a part quotes the chapter"));
        }
        let present = match self.answer {
            AnswerKind::Formula => self.formula.is_some(),
            AnswerKind::Proof => self.proof.is_some(),
            AnswerKind::Batch => self.batch.is_some(),
            AnswerKind::Vanishing => self.vanishing.is_some(),
            AnswerKind::Network => self.network.is_some(),
        };
        if !present {
            return Err(field(
                file,
                self.answer.as_str(),
                format!("answer = \"{0}\" needs a [{0}] table", self.answer.as_str()),
            ));
        }
        if let Some(f) = &self.formula {
            let derivative = f.function.is_some() && f.wrt.is_some();
            if derivative == f.expected.is_some() {
                return Err(field(
                    file,
                    "formula",
                    "give either function and wrt (a derivative) or expected",
                ));
            }
        }
        if self.references.is_empty() && self.reference_files.is_empty() {
            return Err(field(file, "references", "at least one reference answer"));
        }
        for d in &self.diagnoses {
            match (d.test, &d.code, &d.model) {
                (Test::Model, Some(code), Some(_)) if is_code(code) => {}
                (Test::Model, _, _) => {
                    return Err(field(
                        file,
                        "diagnosis",
                        "a model needs a code (lowercase, digits, _) and a model expression",
                    ))
                }
                (_, Some(_), _) | (_, _, Some(_)) => {
                    return Err(field(
                        file,
                        "diagnosis",
                        format!("test '{}' has a fixed code and no model", d.test.code()),
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }
}
