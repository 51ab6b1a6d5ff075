//! The `tfvpc` binary: a thin wrapper around [`tfvpc::run`].

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the evaluator allocates many small packet sets and
/// strings, and glibc's malloc/free were a quarter of a lint's instructions (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tfvpc::cli::Cli::parse();
    let stdout = std::io::stdout();
    let is_terminal = stdout.is_terminal();
    let mut stdout = stdout.lock();
    let mut stderr = std::io::stderr();
    let mut stdin = std::io::stdin();
    let mut io =
        tfvpc::Io { stdin: &mut stdin, stdout: &mut stdout, stderr: &mut stderr, stdout_is_terminal: is_terminal };
    match tfvpc::run(cli, &mut io) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = stderr.write_all(tfvpc::render_error(&e).as_bytes());
            ExitCode::from(tfvpc::EXIT_ERROR)
        }
    }
}
