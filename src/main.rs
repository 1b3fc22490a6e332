//! The `actsym` command line. All work happens in the library; this file only runs
//! the command on a thread with a large stack and turns its outcome into an exit code.

use std::process::ExitCode;

mod cli;

/// Stack for the command thread: deep (but legal) expressions recurse in printers
/// and passes, and this keeps them far from an overflow.
const STACK_BYTES: usize = 512 * 1024 * 1024;

fn main() -> ExitCode {
    let worker = std::thread::Builder::new()
        .name("actsym".into())
        .stack_size(STACK_BYTES)
        .spawn(cli::run);
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(_)) => {
            eprintln!("error: internal error (a bug in actsym); please report the input");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: could not start: {e}");
            ExitCode::from(2)
        }
    }
}
