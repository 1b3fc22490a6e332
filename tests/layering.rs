//! The layering rule, checked on the source: every module of the library sits in a
//! layer, and a module may use only modules of lower layers (or itself). The table
//! below is the one place the layers are written in code; ARCHITECTURE.md's "Layering
//! rule" section lists the same table, and a test here keeps the two equal.
//!
//! Imports are read from the text of `src/` (the library part; `src/main.rs` and
//! `src/cli/` are the binary, the top layer): `use crate::a::...`, grouped
//! `use crate::{a::b, c}` (over several lines too), inline paths `crate::a::f(...)`
//! anywhere in code, and `super::` paths that climb to the crate root. Comments and
//! string literals are skipped; test modules inside `src/` count like any code.
//!
//! `cargo test --test layering -- --nocapture` prints the module graph. A last test
//! checks that ARCHITECTURE.md's code map names every file of `src/`, and nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import only modules of a lower layer.
const LAYERS: &[(&str, u32)] = &[
    ("poly", 0),
    ("expr", 1),
    ("activations", 1),
    ("parse", 2),
    ("defs", 3),
    ("print", 4),
    ("simplify", 5),
    ("diff", 6),
    ("unfold", 7),
    ("certified", 8),
    ("fast", 8),
    ("prove", 9),
    ("pwl", 9),
    ("network", 10),
    ("plot", 11),
    ("fuzz", 11),
    ("exercises", 11),
    ("cli", 12),
];

/// Known violations still to be removed (file, imported module). Empty when done.
const TO_DO: &[(&str, &str)] = &[];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The file's path relative to `src/`, with `/` separators.
fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(src_dir()).expect("under src/");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The library files: everything under `src/` but the crate root and the binary.
fn library_files() -> Vec<(String, PathBuf)> {
    rust_files(&src_dir())
        .into_iter()
        .map(|p| (relative(&p), p))
        .filter(|(rel, _)| rel != "lib.rs" && rel != "main.rs" && !rel.starts_with("cli/"))
        .collect()
}

/// The top-level module a file belongs to (`diff/kinks.rs` -> `diff`).
fn top_module(rel: &str) -> String {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first).to_owned()
}

/// The module path of a file below the crate root (`prove/check.rs` -> 2 levels,
/// `prove/mod.rs` -> 1).
fn module_depth(rel: &str) -> usize {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.last() == Some(&"mod.rs") {
        parts.len() - 1
    } else {
        parts.len()
    }
}

/// The source with comments and the contents of string and character literals
/// replaced by spaces (newlines kept, so line numbers stay right).
fn code_only(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !is_ident_char(chars[i - 1]))
            && raw_string_start(&chars, i).is_some()
        {
            let (hashes, body_start) = raw_string_start(&chars, i).unwrap_or((0, i));
            out.extend(std::iter::repeat_n(' ', body_start - i));
            i = body_start;
            while i < chars.len() {
                let closes =
                    chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#'));
                if closes {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{..}') or a lifetime ('a).
            let literal_end = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match literal_end {
                Some(end) => {
                    out.extend(std::iter::repeat_n(' ', end + 1 - i));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// For `r"..."` or `r#"..."#` at `i`: the number of `#` and where the body starts.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut k = i + 1;
    while chars.get(k) == Some(&'#') {
        k += 1;
    }
    (chars.get(k) == Some(&'"')).then_some((k - i - 1, k + 1))
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier at `i`, if any.
fn ident_at(chars: &[char], i: usize) -> Option<String> {
    let s: String = chars[i..]
        .iter()
        .take_while(|&&c| is_ident_char(c))
        .collect();
    (!s.is_empty()).then_some(s)
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

/// The first path segment of each item of the group `{...}` starting at `open`.
fn group_heads(chars: &[char], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '{' => {
                depth += 1;
                if depth == 1 {
                    at_item_start = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => at_item_start = true,
            c if depth == 1 && at_item_start && !c.is_whitespace() => {
                at_item_start = false;
                if let Some(id) = ident_at(chars, i) {
                    i += id.len();
                    heads.push(id);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// One import of a crate module: the 1-based line and the module's name.
struct Import {
    line: usize,
    module: String,
}

/// Every crate module the code names: `crate::a`, `crate::{a, b}`, and `super::`
/// chains that climb to the crate root from a file `depth` modules deep.
fn imports(code: &str, depth: usize) -> Vec<Import> {
    let chars: Vec<char> = code.chars().collect();
    let line_of = |i: usize| chars[..i].iter().filter(|&&c| c == '\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(is_ident_char(chars[i - 1]) || chars[i - 1] == '$');
        if !starts_word {
            i += 1;
            continue;
        }
        let after_root = if chars[i..].starts_with(&['c', 'r', 'a', 't', 'e', ':', ':']) {
            Some(i + 7)
        } else if chars[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
            let mut k = i;
            let mut climbs = 0;
            while chars[k..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                climbs += 1;
                k = skip_ws(&chars, k + 7);
            }
            let reaches_root = climbs >= depth;
            if !reaches_root {
                i = k;
                continue;
            }
            Some(k)
        } else {
            None
        };
        let Some(j) = after_root else {
            i += 1;
            continue;
        };
        let j = skip_ws(&chars, j);
        let line = line_of(i);
        if chars.get(j) == Some(&'{') {
            for module in group_heads(&chars, j) {
                out.push(Import { line, module });
            }
        } else if let Some(module) = ident_at(&chars, j) {
            out.push(Import { line, module });
        }
        i = j;
    }
    out
}

/// Every import of every library file: (file, line, from, to), `to != from`.
fn all_imports() -> Vec<(String, usize, String, String)> {
    let mut out = Vec::new();
    for (rel, path) in library_files() {
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let from = top_module(&rel);
        for imp in imports(&code_only(&src), module_depth(&rel)) {
            if imp.module != from && imp.module != "self" {
                out.push((rel.clone(), imp.line, from.clone(), imp.module));
            }
        }
    }
    out
}

/// The top-level modules of the library, from the files under `src/`.
fn top_modules() -> BTreeSet<String> {
    library_files()
        .iter()
        .map(|(rel, _)| top_module(rel))
        .collect()
}

#[test]
fn every_module_is_in_the_layer_table() {
    let missing: Vec<String> = top_modules()
        .into_iter()
        .filter(|m| layer(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "modules missing from the layer table (tests/layering.rs and ARCHITECTURE.md): {}",
        missing.join(", ")
    );
}

#[test]
fn imports_go_only_down() {
    let mut violations = Vec::new();
    let mut to_do_seen = BTreeSet::new();
    for (file, line, from, to) in all_imports() {
        let (Some(lf), Some(lt)) = (layer(&from), layer(&to)) else {
            violations.push(format!(
                "src/{file}:{line}: {from} imports {to}, which is not in the layer table"
            ));
            continue;
        };
        if lt < lf {
            continue;
        }
        if TO_DO.contains(&(file.as_str(), to.as_str())) {
            to_do_seen.insert((file, to));
            continue;
        }
        let direction = if lt == lf { "sideways" } else { "up" };
        violations.push(format!(
            "src/{file}:{line}: {from} (layer {lf}) imports {to} (layer {lt}): {direction}; \
             a module may use only lower layers"
        ));
    }
    let stale: Vec<String> = TO_DO
        .iter()
        .filter(|(f, m)| !to_do_seen.contains(&((*f).to_owned(), (*m).to_owned())))
        .map(|(f, m)| format!("{f} -> {m}"))
        .collect();
    assert!(
        violations.is_empty(),
        "imports against the layering rule:\n{}",
        violations.join("\n")
    );
    assert!(
        stale.is_empty(),
        "TO_DO entries that no longer occur (remove them): {}",
        stale.join(", ")
    );
}

/// Definitions enter a graph only through `defs`, which checks them: no other module
/// calls the crate-private insertion.
#[test]
fn only_defs_inserts_definitions() {
    let mut callers = Vec::new();
    for (rel, path) in library_files() {
        if rel == "defs.rs" || rel.starts_with("expr/") {
            continue;
        }
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if code_only(&src).contains("insert_definition") {
            callers.push(rel);
        }
    }
    assert!(
        callers.is_empty(),
        "only src/defs.rs may insert definitions: {}",
        callers.join(", ")
    );
}

/// The module graph, one `module: imports...` per importing module, joined by ` | `.
fn module_graph() -> String {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, _, from, to) in all_imports() {
        graph.entry(from).or_default().insert(to);
    }
    graph
        .iter()
        .map(|(from, tos)| {
            format!(
                "{from}: {}",
                tos.iter().cloned().collect::<Vec<_>>().join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn print_module_graph() {
    let graph = module_graph();
    println!("module graph: {graph}");
    assert!(!graph.is_empty(), "the library's modules import each other");
}

/// The (module, layer) rows of ARCHITECTURE.md's "Layering rule" table.
fn documented_layers() -> BTreeSet<(String, u32)> {
    let section = architecture_section("Layering rule");
    let mut rows = BTreeSet::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | layer | modules | ... |
        let Some(Ok(layer)) = cells.get(1).map(|c| c.parse::<u32>()) else {
            continue;
        };
        let modules = cells.get(2).copied().unwrap_or("");
        for name in backticked(modules) {
            rows.insert((name.to_owned(), layer));
        }
    }
    rows
}

#[test]
fn architecture_lists_the_same_layers() {
    let code: BTreeSet<(String, u32)> = LAYERS.iter().map(|&(m, l)| (m.to_owned(), l)).collect();
    let doc = documented_layers();
    let only_code: Vec<_> = code.difference(&doc).collect();
    let only_doc: Vec<_> = doc.difference(&code).collect();
    assert!(
        only_code.is_empty() && only_doc.is_empty(),
        "the layer tables differ: only in tests/layering.rs {only_code:?}, \
         only in ARCHITECTURE.md {only_doc:?}"
    );
}

/// A section of ARCHITECTURE.md, from its `## ` heading to the next.
fn architecture_section(heading: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let text = fs::read_to_string(&path).expect("ARCHITECTURE.md");
    text.split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has a '## {heading}' section"))
        .to_owned()
}

/// The names in backticks in a piece of markdown.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Every file under `src/` (any kind), relative to the crate root: `src/diff/mod.rs`.
fn src_files() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(format!("src/{}", relative(&path)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_code_map_matches_the_tree_file_for_file() {
    let section = architecture_section("Code map");
    // (first cell's paths, the whole row)
    let rows: Vec<(Vec<&str>, &str)> = section
        .lines()
        .filter_map(|line| {
            let first = line.strip_prefix('|')?.split('|').next()?;
            Some((backticked(first), line))
        })
        .collect();
    let mut unnamed = Vec::new();
    for file in src_files() {
        let (dir, name) = file.rsplit_once('/').expect("under src/");
        let dir = format!("{dir}/");
        let named = rows.iter().any(|(paths, row)| {
            paths.contains(&file.as_str())
                || (paths.contains(&dir.as_str()) && backticked(row).contains(&name))
        });
        if !named {
            unnamed.push(file);
        }
    }
    let mut stale = Vec::new();
    for (paths, row) in &rows {
        for path in paths.iter().filter(|p| p.starts_with("src/")) {
            let on_disk = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            if !on_disk.exists() {
                stale.push((*path).to_owned());
            }
            if path.ends_with('/') {
                let files = backticked(row)
                    .into_iter()
                    .filter(|f| !f.contains('/') && (f.ends_with(".rs") || f.ends_with(".act")));
                stale.extend(
                    files
                        .filter(|f| !on_disk.join(f).exists())
                        .map(|f| format!("{path}{f}")),
                );
            }
        }
    }
    assert!(
        unnamed.is_empty() && stale.is_empty(),
        "ARCHITECTURE.md's code map and src/ differ: files it does not name {unnamed:?}; \
         names it has that are not files {stale:?}"
    );
}

/// Runs the import reader on small sources, so its parsing is tested too.
#[test]
fn the_import_reader_sees_every_form() {
    let cases: &[(&str, usize, &[&str])] = &[
        ("use crate::expr::Graph;", 1, &["expr"]),
        (
            "use crate::{defs, parse::{self, Claim}};",
            1,
            &["defs", "parse"],
        ),
        ("use crate::{\n    a::b,\n    c,\n};", 1, &["a", "c"]),
        ("let x = crate::diff::derive(g);", 1, &["diff"]),
        (
            "let s = \"crate::nope\"; // crate::nope\n/* crate::nope */",
            1,
            &[],
        ),
        ("let c = '\"'; let d = crate::x::y;", 1, &["x"]),
        (
            "fn f<'a>(x: &'a str) -> &'a str { crate::z::w(x) }",
            1,
            &["z"],
        ),
        ("use super::super::eval;", 2, &["eval"]),
        ("use super::check;", 2, &[]),
        ("use super::check;", 1, &["check"]),
        ("let r = r#\"crate::nope\"#; mycrate::x;", 1, &[]),
    ];
    for &(src, depth, expected) in cases {
        let got: Vec<String> = imports(&code_only(src), depth)
            .into_iter()
            .map(|i| i.module)
            .collect();
        assert_eq!(got, expected, "{src}");
    }
}
