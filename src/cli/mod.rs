//! Flags and dispatch of the command line. Flags are parsed and validated here once
//! (clap, after `argv` has marked expressions that start with `-`); the library does
//! the work; outcomes map to exit codes: 0 success, 1 refuted / wrong, 2 bad input,
//! 3 unknown. With `--json` every outcome, errors included, is one JSON object on
//! stdout.

mod argv;
mod bound_cmd;
mod check_cmd;
mod common;
mod convert_cmd;
mod defs_cmd;
mod derive_cmd;
mod error;
mod eval_cmd;
mod exercises_cmd;
mod fuzz_cmd;
mod grid;
mod input;
mod meta_cmd;
mod netfile;
mod output;
mod plot_cmd;
mod prove_cmd;
mod pwl_cmd;
mod pwl_net;
mod session;

use std::io::Write;

use clap::{CommandFactory, Parser, Subcommand};

pub use error::CliError;
pub use session::Session;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: bad input (parse error, unknown name, undefined value, bad flag).
pub const EXIT_INPUT: u8 = 2;

/// The top-level help's closing text.
const TOP_EXAMPLES: &str = "Examples:
  actsym eval 'sigmoid(x)' --at x=-800 --digits 30
  actsym eval 'diff(gelu(x), x)' --at x=-400 --json
  actsym eval 'f(x) = x^2 + 1; f(3)'
  actsym check 'tanh(x) + 1 = 2*sigmoid(2*x)'
  actsym check 'diff(sigmoid(x), x) <= 1/4'
  actsym bound 'gelu(x)'
  actsym pwl 'relu(x) - 2*relu(x - 1) + relu(x - 2)'
  actsym defs

Every command takes --json (one JSON object on stdout, errors included) and --defs FILE.
An EXPR or CLAIM of - is read from stdin.
Exit codes: 0 success, 1 refuted or wrong, 2 bad input, 3 unknown.";

#[derive(Parser, Debug)]
#[command(
    name = "actsym",
    version,
    about = "The mathematics of neural-network activation functions: derive, simplify, evaluate with certified digits, check identities and derivations, analyse ReLU networks piecewise.",
    long_about = None,
    after_help = TOP_EXAMPLES
)]
struct Cli {
    /// Add the definitions in FILE (repeatable).
    #[arg(long = "defs", value_name = "FILE", global = true)]
    defs: Vec<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Differentiate: named functions keep their names; kinks take the left-hand derivative.
    #[command(
        after_help = "Examples:\n  actsym derive 'swish(x, beta)'\n  actsym derive 'relu(x)' --format latex\n  actsym derive 'sigmoid(x)' --order 3\n  actsym derive 'prelu(x, alpha)' --wrt alpha\n  actsym derive 'relu(-x)' --kink autodiff\n\nThe text output parses back: 'E where s = ...' names a shared subterm (--inline writes it out)."
    )]
    Derive(derive_cmd::DeriveArgs),
    /// Simplify an expression (sound: the domain is kept); proved constants print as constants.
    #[command(
        after_help = "Examples:\n  actsym simplify 'exp(-x)/(1 + exp(-x))^2'\n  actsym simplify 'sigmoid(x) + sigmoid(-x)'      # 1\n  actsym simplify 'diff(gelu(x), x)' --format latex"
    )]
    Simplify(derive_cmd::SimplifyArgs),
    /// Evaluate an expression at exact points with correctly rounded digits (MPFR), or on a grid.
    #[command(
        after_help = "Examples:\n  actsym eval 'sigmoid(x)' --at x=-800 --digits 30\n  actsym eval 'swish(x, beta)' --at x=1/2 beta=3/2 --json\n  actsym eval '1/3'                      # 1/3 (exact); --digits 5 gives 0.33333\n  actsym eval 'diff(relu(x), x)' --at x=0 --kink right\n  actsym eval 'log(x)' --at x=0        # exits 2: log of 0 is undefined\n  actsym eval 'gelu(x)' --grid -4:4:9 --fast --csv -o gelu.csv\n\nValues are exact rationals: 3/2, -0.1, 1e-30."
    )]
    Eval(eval_cmd::EvalArgs),
    /// Decide a claim: proved, verified, refuted with a certified counterexample, or unknown.
    #[command(
        after_help = "Examples:\n  actsym check 'tanh(x) + 1 = 2*sigmoid(2*x)' --explain\n  actsym check 'diff(sigmoid(x), x) <= 1/4'            # proved: equality at x = 0\n  actsym check '0 < sigmoid(x) < 1'                    # a chain: each link\n  actsym check 'tanh(x) + 1 = sigmoid(2*x)'            # refuted, exit 1\n  actsym check 'relu(x) = x where x >= 0' --json\n  actsym check 'diff(relu(x), x) = heaviside(x)' --kink right\n\nExit codes: 0 proved or verified, 1 refuted, 2 bad input, 3 unknown."
    )]
    Check(check_cmd::CheckArgs),
    /// Certified bounds: the supremum and infimum of an expression, attained where (exact
    /// for one generator), or the limit approached.
    #[command(
        after_help = "Examples:\n  actsym bound 'diff(sigmoid(x), x)'           # sup 1/4 at x = 0, inf 0 (a limit)\n  actsym bound 'gelu(x)' --digits 20 --json\n  actsym bound 'abs(diff(gelu(x), x))'         # a Lipschitz constant\n  actsym bound 'x*exp(-x)' --over 0:inf\n\nExit codes: 0 bounds found, 2 bad input, 3 no bounds within the limits."
    )]
    Bound(bound_cmd::BoundArgs),
    /// Check a derivation chain: each '= expr' (or '<= expr', '< expr', ...) step is proved,
    /// verified or refuted.
    #[command(
        after_help = "Examples:\n  actsym prove exercises/tanh-sigmoid.prove\n  actsym prove my-derivation.prove --json\n\nThe file holds a 'claim: L = R' (or 'L <= R', ...) line, then one '= expr [by reason]' line\nper step ('<= expr', '< expr', '>= expr', '> expr' in a chain of inequalities: a = b <= c < d\nshows a < d); the last expression must be the claim's right side. A FILE of - is read from stdin."
    )]
    Prove(prove_cmd::ProveArgs),
    /// Piecewise analysis of a function of one variable (e.g. a ReLU network): exact
    /// breakpoints and pieces; whether it is piecewise linear and continuous.
    #[command(
        after_help = "Examples:\n  actsym pwl 'relu(x) - 2*relu(x - 1) + relu(x - 2)'\n  actsym pwl 'relu(2*relu(x) - relu(x - 1) - 1/2)' --json\n  actsym pwl 'heaviside(x)*x'              # piecewise linear, continuous\n  actsym pwl network.act                     # definitions, then the output's expression\n  actsym pwl 'diff(relu(x)^2, x)'            # derivatives take the left-hand value at kinks\n  actsym pwl 'relu(x + y - 1)' --along x=0,y=0:x=1,y=2   # several inputs: on a segment\n\nA network file is in the actsym language: definitions, then one expression.\nExit codes: 0 decided (piecewise linear or not), 2 bad input, 3 unknown (e.g. exp, pi or a\nsymbolic parameter in the expression)."
    )]
    Pwl(pwl_cmd::PwlArgs),
    /// Convert a network file's tanh layers to sigmoid layers (or back) and check the
    /// two networks equal.
    #[command(
        after_help = "Examples:\n  actsym convert net.json --to sigmoid               # the converted JSON on stdout\n  actsym convert net.json --to sigmoid -o net-sigmoid.json\n  actsym convert model.safetensors --to tanh -o model-tanh.safetensors --force\n\ntanh(u) = 2*sigmoid(2*u) - 1: the layer's weights and bias are doubled, the factor 2 and\nthe -1 folded into the next layer. The result is written in the input's kind; an\nexisting -o file is replaced only with --force.\nExit codes: 0 proved or verified equal, 1 refuted, 2 bad input, 3 unknown."
    )]
    Convert(convert_cmd::ConvertArgs),
    /// Plot functions and their derivatives: PNG or SVG files, the terminal, or the
    /// chapter's figures. Jumps are never bridged; the value at a kink is a dot.
    #[command(
        after_help = "Examples:\n  actsym plot 'relu(x)' -o relu.png\n  actsym plot 'relu(x)' --derivative -o grad_relu.svg      # 'grad of relu', left-hand at 0\n  actsym plot 'sigmoid(x)' 'tanh(x)' --range -4:4 -o both.png\n  actsym plot 'sigmoid(x)' --derivative --terminal\n  actsym plot 'relu(x)' --derivative --kink autodiff --terminal\n  actsym plot network.act -o net.png                    # breakpoints marked\n  actsym plot --book figures/                           # the chapter's figures\n\nThe file's extension picks the format (.png or .svg); an existing file is only\nreplaced with --force. Exit codes: 0 drawn, 2 bad input."
    )]
    Plot(plot_cmd::PlotArgs),
    /// The chapter's exercises: list, show, check an answer (with a diagnosis), run
    /// every reference answer, grade answer sheets in bulk.
    #[command(
        after_help = "Examples:\n  actsym exercises list\n  actsym exercises show 2\n  actsym exercises check 2 --answer 'if(x > 0, 1, alpha)'\n  actsym exercises check 3 --answer 'sigmoid(beta*x) + x*sigmoid(beta*x)*(1 - sigmoid(beta*x))'\n  actsym exercises check 5a --answer-file my-proof.prove --json\n  actsym exercises run\n  actsym exercises grade sheets/*.toml --csv grades.csv --jobs 2\n\nA sheet is TOML: student = \"Ada\", then one answer per exercise id (2 = \"...\", or\n5a = { file = \"ada-5a.prove\" } relative to the sheet).\nExit codes of check: 0 correct, 1 incorrect, 2 unreadable, 3 undecided."
    )]
    Exercises(exercises_cmd::ExercisesArgs),
    /// Fuzz the engines: random expressions checked differentially; discrepancies
    /// shrunk to one-line reproducers.
    #[command(
        after_help = "Examples:\n  actsym fuzz eval --cases 2000 --seed 1\n  actsym fuzz derive --time 30s --jobs 2\n  actsym fuzz identity 'tanh(x) = 2*sigmoid(2*x) - 1' --cases 1000000\n  actsym fuzz simplify --shard 3/8 --cases 80000 --json -o shard-3.json\n  actsym fuzz merge shard-*.json\n  actsym fuzz eval --expr 'exp(x)/(1 + exp(x))' --at x=710\n\nTargets: derive, simplify, eval, print, check, identity CLAIM; merge REPORT....\nExit codes: 0 no discrepancy, 1 a discrepancy (or a counterexample), 2 bad input."
    )]
    Fuzz(fuzz_cmd::FuzzArgs),
    /// Print every definition: the prelude, then those from --defs files.
    #[command(after_help = "Examples:\n  actsym defs\n  actsym defs --defs my_activations.act")]
    Defs(defs_cmd::DefsArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    #[command(
        after_help = "Examples:\n  actsym completions bash > ~/.local/share/bash-completion/completions/actsym\n  actsym completions zsh > ~/.zfunc/_actsym\n  actsym completions fish > ~/.config/fish/completions/actsym.fish"
    )]
    Completions(meta_cmd::CompletionsArgs),
    /// Print the manual page (roff) on stdout.
    #[command(
        after_help = "Examples:\n  actsym man > actsym.1 && man ./actsym.1\n  actsym man | man -l -"
    )]
    Man(meta_cmd::ManArgs),
}

/// The clap description of the command line (for completions and the man page).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn run() -> u8 {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let json = argv::wants_json(&raw);
    let args = match argv::prepare(raw, &Cli::command()) {
        Ok(args) => args,
        Err(e) => return report(&e, json),
    };
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            if !e.use_stderr() {
                // --help and --version.
                let _ = e.print();
                return EXIT_OK;
            }
            if json {
                return report(&error::from_clap(&e), true);
            }
            let _ = e.print();
            return EXIT_INPUT;
        }
    };
    let result = match cli.command {
        Command::Completions(args) => meta_cmd::completions(&args),
        Command::Man(args) => meta_cmd::man(&args),
        Command::Exercises(args) => exercises_cmd::run(&args),
        Command::Fuzz(args) => fuzz_cmd::run(&args),
        command => Session::new(&cli.defs).and_then(|mut session| match command {
            Command::Eval(args) => eval_cmd::run(&mut session, &args),
            Command::Defs(args) => defs_cmd::run(&session, &args),
            Command::Derive(args) => derive_cmd::run_derive(&mut session, &args),
            Command::Simplify(args) => derive_cmd::run_simplify(&mut session, &args),
            Command::Check(args) => check_cmd::run(&mut session, &args),
            Command::Bound(args) => bound_cmd::run(&mut session, &args),
            Command::Prove(args) => prove_cmd::run(&mut session, &args),
            Command::Pwl(args) => pwl_cmd::run(&mut session, &args),
            Command::Convert(args) => convert_cmd::run(&mut session, &args),
            Command::Plot(args) => plot_cmd::run(&mut session, &args),
            Command::Completions(_)
            | Command::Man(_)
            | Command::Exercises(_)
            | Command::Fuzz(_) => Ok(EXIT_OK),
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => report(&e, json),
    }
}

/// Prints an error (JSON on stdout, or text on stderr) and returns its exit code.
fn report(e: &CliError, json: bool) -> u8 {
    if json {
        let _ = emit(&format!("{}\n", e.json()));
    } else {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(e.text().as_bytes());
    }
    e.code
}

/// Writes to stdout, treating a closed pipe (`actsym ... | head`) as success.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(
            "write_failed",
            format!("cannot write output: {e}"),
        )),
    }
}

/// Writes one JSON object and a newline to stdout.
pub fn emit_json(value: &serde_json::Value) -> Result<(), CliError> {
    emit(&format!("{value}\n"))
}
