//! Where long outputs go: stdout, or `-o FILE` (never overwriting an existing file
//! without `--force`), written through a buffer and stopping quietly when a pipe
//! closes; and a progress bar on stderr for work that takes more than a second,
//! shown only when stderr is a terminal.

use std::fs::OpenOptions;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::CliError;

/// A buffered destination for a table.
pub struct Sink {
    out: BufWriter<Box<dyn Write>>,
    path: Option<PathBuf>,
    /// Set once stdout's reader went away: the rest is dropped, and that is success.
    closed: bool,
}

impl Sink {
    /// Stdout, or the file `path` (created; replaced only with `force`).
    pub fn open(path: Option<&Path>, force: bool) -> Result<Sink, CliError> {
        let writer: Box<dyn Write> = match path {
            None => Box::new(std::io::stdout()),
            Some(p) => {
                let mut opts = OpenOptions::new();
                opts.write(true);
                if force {
                    opts.create(true).truncate(true);
                } else {
                    opts.create_new(true);
                }
                let file = opts.open(p).map_err(|e| open_error(p, &e))?;
                Box::new(file)
            }
        };
        Ok(Sink {
            out: BufWriter::with_capacity(1 << 16, writer),
            path: path.map(Path::to_path_buf),
            closed: false,
        })
    }

    /// Writes `text`.
    pub fn write(&mut self, text: &str) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        match self.out.write_all(text.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) => self.failed(&e),
        }
    }

    /// Writes `bytes` (a binary file).
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        match self.out.write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) => self.failed(&e),
        }
    }

    /// Flushes the buffer.
    pub fn finish(mut self) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        match self.out.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.failed(&e),
        }
    }

    fn failed(&mut self, e: &std::io::Error) -> Result<(), CliError> {
        if self.path.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed = true;
            return Ok(());
        }
        let target = self
            .path
            .as_ref()
            .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
        Err(CliError::new(
            "write_failed",
            format!("cannot write {target}: {e}"),
        ))
    }
}

fn open_error(p: &Path, e: &std::io::Error) -> CliError {
    let shown = p.display();
    match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::new(
            "file_exists",
            format!("{shown} already exists; add --force to overwrite it"),
        ),
        std::io::ErrorKind::NotFound => CliError::new(
            "no_such_file",
            format!("cannot create {shown}: no such directory"),
        ),
        _ => CliError::new("write_failed", format!("cannot create {shown}: {e}")),
    }
}

/// A progress bar that appears only after a second of work, on a terminal.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: bool,
    terminal: bool,
}

/// How long work runs before its progress bar appears.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

impl Progress {
    /// A bar for `total` steps of `what` (e.g. "points").
    pub fn new(total: u64, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {what} (eta {{eta}})"
        )) {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: Instant::now(),
            shown: false,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Advances by `n` steps.
    pub fn inc(&mut self, n: u64) {
        self.bar.inc(n);
        if !self.shown && self.terminal && self.start.elapsed() > PROGRESS_DELAY {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
