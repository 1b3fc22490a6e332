//! A small JSON Schema validator for the subset of draft 2020-12 that
//! `docs/schemas/` uses: `type` (one or a list), `enum`, `const`, `properties`,
//! `required`, `additionalProperties` (false or a schema), `items`, `anyOf`,
//! `oneOf`, `minimum`, `pattern`, and `$ref` to another file of the folder. A keyword
//! outside the subset is an error, so a schema can never be silently half-checked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The schemas of a folder, by file name.
pub struct Schemas {
    files: HashMap<String, Value>,
}

/// Keywords that only describe.
const ANNOTATIONS: [&str; 5] = ["$schema", "$id", "title", "description", "$comment"];

impl Schemas {
    /// Reads every `*.json` of `dir`.
    pub fn load(dir: &Path) -> Schemas {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir).expect("the schema folder") {
            let path: PathBuf = entry.expect("an entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a schema file");
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            files.insert(name, value);
        }
        Schemas { files }
    }

    /// The names of the schema files.
    pub fn names(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).collect()
    }

    /// Validates `value` against the schema file `name`; the errors, empty when valid.
    pub fn validate(&self, name: &str, value: &Value) -> Vec<String> {
        let schema = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"));
        let mut errors = Vec::new();
        self.check(schema, value, "$", &mut errors);
        errors
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(s) = schema.as_object() else {
            errors.push(format!("{at}: the schema is not an object"));
            return;
        };
        for (key, rule) in s {
            match key.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => vec![],
                    };
                    if !types.iter().any(|t| has_type(v, t)) {
                        errors.push(format!("{at}: {v} is not of type {types:?}"));
                    }
                }
                "enum" => {
                    if !rule.as_array().is_some_and(|opts| opts.contains(v)) {
                        errors.push(format!("{at}: {v} is not one of {rule}"));
                    }
                }
                "const" => {
                    if rule != v {
                        errors.push(format!("{at}: {v} is not {rule}"));
                    }
                }
                "minimum" => {
                    if let (Some(x), Some(m)) = (v.as_f64(), rule.as_f64()) {
                        if x < m {
                            errors.push(format!("{at}: {x} is below {m}"));
                        }
                    }
                }
                "pattern" => {
                    if let (Some(text), Some(p)) = (v.as_str(), rule.as_str()) {
                        let re = regex::Regex::new(p).expect("a valid pattern");
                        if !re.is_match(text) {
                            errors.push(format!("{at}: {text:?} does not match {p}"));
                        }
                    }
                }
                "required" => {
                    if let Some(obj) = v.as_object() {
                        for name in rule.as_array().into_iter().flatten() {
                            let name = name.as_str().unwrap_or("");
                            if !obj.contains_key(name) {
                                errors.push(format!("{at}: missing key {name:?}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let (Some(obj), Some(props)) = (v.as_object(), rule.as_object()) {
                        for (name, sub) in props {
                            if let Some(x) = obj.get(name) {
                                self.check(sub, x, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    let known = s.get("properties").and_then(Value::as_object);
                    if let Some(obj) = v.as_object() {
                        for (name, x) in obj {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            match rule {
                                Value::Bool(false) => {
                                    errors.push(format!("{at}: unexpected key {name:?}"));
                                }
                                Value::Bool(true) => {}
                                sub => self.check(sub, x, &format!("{at}.{name}"), errors),
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = v.as_array() {
                        for (k, x) in items.iter().enumerate() {
                            self.check(rule, x, &format!("{at}[{k}]"), errors);
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let options = rule.as_array().cloned().unwrap_or_default();
                    let passing = options
                        .iter()
                        .filter(|o| {
                            let mut e = Vec::new();
                            self.check(o, v, at, &mut e);
                            e.is_empty()
                        })
                        .count();
                    let ok = if key == "anyOf" {
                        passing > 0
                    } else {
                        passing == 1
                    };
                    if !ok {
                        // Say why the option that fails least fails.
                        let why = options
                            .iter()
                            .map(|o| {
                                let mut e = Vec::new();
                                self.check(o, v, at, &mut e);
                                e
                            })
                            .min_by_key(Vec::len)
                            .unwrap_or_default();
                        errors.push(format!(
                            "{at}: {passing} of the {key} options match; closest: {why:?}"
                        ));
                    }
                }
                "$ref" => {
                    let name = rule.as_str().unwrap_or("");
                    match self.files.get(name) {
                        Some(target) => self.check(target, v, at, errors),
                        None => errors.push(format!("{at}: $ref to unknown {name}")),
                    }
                }
                other => errors.push(format!("{at}: the validator does not know {other:?}")),
            }
        }
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        _ => false,
    }
}
