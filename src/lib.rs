//! tfvpc: catch broken AWS VPC networking in Terraform before `terraform apply`.
//!
//! The pipeline flows one way (see `docs/architecture.md`):
//! ingest (plan/state JSON) → model (typed resources, Known/Unknown/Absent values, links) →
//! eval (packet verdicts) → rules (findings, in parallel) → locate (`.tf` spans) → report;
//! graph (petgraph) is the network's topology for `tfvpc graph`.
//!
//! The library API: [`run`] a parsed command line ([`cli::Cli`]) over injectable streams
//! ([`Io`]); or use the stages one by one: [`ingest::load`], [`model::lower`],
//! [`eval::Evaluator`], [`rules::run`], and the renderers of [`report`].
//! The subcommands live in `commands/` (not public).

pub(crate) mod addr;
pub(crate) mod baseline;
mod caller;
pub(crate) mod catalog;
pub mod cli;
mod commands;
pub mod config;
pub mod diff;
pub mod error;
pub mod eval;
pub mod finding;
pub mod graph;
mod group;
pub mod ingest;
mod locate;
pub mod model;
pub(crate) mod picture;
pub mod report;
pub mod rules;
pub mod source;
pub(crate) mod suggest;
pub mod suppress;

use std::io::{Read, Write};

pub use error::{Error, Result};

use cli::{Cli, Command};

/// Exit status: no finding at or above `--fail-on`.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: tfvpc could not do its job.
pub const EXIT_ERROR: u8 = 2;

/// The process's streams, injectable for in-process end-to-end tests.
pub struct Io<'a> {
    /// Standard input (for `-`).
    pub stdin: &'a mut dyn Read,
    /// Standard output: the report.
    pub stdout: &'a mut dyn Write,
    /// Standard error: diagnostics about tfvpc itself and progress.
    pub stderr: &'a mut dyn Write,
    /// Whether standard output is a terminal (for `--color auto`).
    pub stdout_is_terminal: bool,
}

/// Runs a parsed command line. Returns the exit status; tool errors that stop the whole run are
/// `Err` (exit 2), errors of single inputs are reported and make the status 2.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<u8> {
    match cli.command {
        Command::Lint(args) => commands::lint::lint(&args, io),
        Command::Graph(args) => commands::graph::graph(&args, io),
        Command::Trace(args) => commands::trace::trace(&args, io),
        Command::Diff(args) => commands::diff::diff(&args, io),
        Command::Serve(args) => commands::serve::serve(&args, io),
        Command::Rules => commands::explain::list(io),
        Command::Explain(args) => commands::explain::explain(&args.rule, io),
        Command::Completions(args) => commands::shell::completions(args.shell, io),
        Command::Man => commands::shell::man(io),
    }
}

/// Renders a tool error as a miette report (no colour: standard error may be a log).
pub fn render_error(err: &Error) -> String {
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
    if handler.render_report(&mut out, err).is_err() {
        out = format!("error: {err}\n");
    }
    out
}
