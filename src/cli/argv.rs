//! The raw arguments before clap reads them. Two jobs:
//!
//! - An expression that starts with `-` (`actsym eval -x --at x=1`) is a value, not a
//!   cluster of short flags: every `-...` token that is not one of the command's own
//!   short flags gets a leading space, which clap reads as a value and the parser
//!   skips. An unknown long flag (`--wtr`), wherever it appears, is an error that
//!   names the nearest known one (`--wrt`).
//! - `-digits 5` (one dash before a long flag's name) is an error that suggests
//!   `--digits`, rather than an expression `-digits` and a stray `5`.
//!
//! After a bare `--` every token is left alone.

use std::ffi::OsString;

use super::CliError;

/// Whether the command line asks for JSON output (`--json`, or `--format json` on
/// `derive` and `simplify`), so that even a flag error is printed as JSON.
pub fn wants_json(raw: &[OsString]) -> bool {
    let words: Vec<&str> = raw
        .iter()
        .skip(1)
        .map(|a| a.to_str().unwrap_or(""))
        .take_while(|a| *a != "--")
        .collect();
    words.iter().enumerate().any(|(k, w)| {
        *w == "--json"
            || *w == "--format=json"
            || (*w == "--format" && words.get(k + 1) == Some(&"json"))
    })
}

/// What one subcommand accepts: long names with whether they take a value, and the
/// short letters.
struct Flags {
    long: Vec<(String, bool)>,
    short: Vec<(char, bool)>,
}

fn flags_of(cmd: &clap::Command, top: &clap::Command) -> Flags {
    let mut long = vec![("help".to_owned(), false)];
    let mut short = vec![('h', false)];
    for a in cmd.get_arguments().chain(top.get_arguments()) {
        if a.is_positional() {
            continue;
        }
        let takes = a.get_action().takes_values();
        if let Some(l) = a.get_long() {
            long.push((l.to_owned(), takes));
        }
        for alias in a.get_all_aliases().unwrap_or_default() {
            long.push((alias.to_owned(), takes));
        }
        if let Some(s) = a.get_short() {
            short.push((s, takes));
        }
    }
    Flags { long, short }
}

/// Prepares the arguments for clap (see the module documentation).
pub fn prepare(raw: Vec<OsString>, top: &clap::Command) -> Result<Vec<OsString>, CliError> {
    let mut out: Vec<OsString> = Vec::with_capacity(raw.len());
    let mut iter = raw.into_iter();
    out.extend(iter.next());
    // The subcommand: the first word that is neither a flag nor a flag's value.
    let mut sub: Option<&clap::Command> = None;
    let mut pending_value = false;
    let mut rest: Vec<OsString> = Vec::new();
    for arg in iter.by_ref() {
        let text = arg.to_str().unwrap_or("").to_owned();
        out.push(arg);
        if pending_value {
            pending_value = false;
            continue;
        }
        if text == "--defs" {
            pending_value = true;
        } else if !text.starts_with('-') {
            sub = top.find_subcommand(&text);
            break;
        }
    }
    rest.extend(iter);
    let Some(sub) = sub else {
        out.extend(rest);
        return Ok(out);
    };
    let flags = flags_of(sub, top);
    let mut value_next = false;
    let mut rest = rest.into_iter();
    while let Some(arg) = rest.next() {
        let Some(text) = arg.to_str().map(str::to_owned) else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            out.push(arg);
            out.extend(rest.by_ref());
            break;
        }
        if let Some(name) = text.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, _)) => (n, true),
                None => (name, false),
            };
            let Some((_, takes)) = flags.long.iter().find(|(l, _)| l == name) else {
                return Err(unknown_long(&text, name, &flags, sub));
            };
            value_next = !inline && *takes;
            out.push(arg);
            continue;
        }
        let is_short_flag = text.len() == 2
            && text
                .chars()
                .nth(1)
                .is_some_and(|c| flags.short.iter().any(|(s, _)| *s == c));
        if is_short_flag {
            let c = text.chars().nth(1).unwrap_or('h');
            value_next = flags.short.iter().any(|(s, t)| *s == c && *t);
            out.push(arg);
            continue;
        }
        if text.len() > 1 && text.starts_with('-') {
            if !value_next {
                if let Some(long) = long_with_one_dash(&text[1..], &flags) {
                    return Err(CliError::new(
                        "unknown_flag",
                        format!("unexpected argument '{text}' found"),
                    )
                    .with_help(format!(
                        "flags take two dashes: '--{long}'; for an expression that starts with '-', write it after '--' (actsym CMD [FLAGS] -- '{text}')"
                    )));
                }
            }
            // A value (an expression or a flag's value) that starts with '-'.
            out.push(OsString::from(format!(" {text}")));
            value_next = false;
            continue;
        }
        value_next = false;
        out.push(arg);
    }
    Ok(out)
}

/// `--name` is not a flag of the command: the error names the nearest one.
fn unknown_long(text: &str, name: &str, flags: &Flags, sub: &clap::Command) -> CliError {
    let cmd = sub.get_name();
    let err = CliError::new(
        "unknown_flag",
        format!(
            "unknown flag '{}' for 'actsym {cmd}'",
            text.split('=').next().unwrap_or(text)
        ),
    );
    let nearest = actsym::parse::nearest(name, flags.long.iter().map(|(l, _)| l.as_str()));
    match nearest {
        Some(n) => err.with_help(format!("did you mean '--{n}'? ('actsym {cmd} --help' lists the flags)")),
        None => err.with_help(format!(
            "'actsym {cmd} --help' lists the flags; for an expression that starts with '--', write it after '--'"
        )),
    }
}

/// The long flag that `word` (the text after a single dash) names or nearly names.
fn long_with_one_dash<'f>(word: &str, flags: &'f Flags) -> Option<&'f str> {
    let name = word.split('=').next().unwrap_or(word);
    if name.len() < 2 || !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return None;
    }
    let names = flags.long.iter().map(|(l, _)| l.as_str());
    if let Some(exact) = flags.long.iter().find(|(l, _)| l == name) {
        return Some(exact.0.as_str());
    }
    if name.len() < 4 {
        return None;
    }
    actsym::parse::nearest(name, names)
}
