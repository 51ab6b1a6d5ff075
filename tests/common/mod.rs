//! Helpers shared by the end-to-end tests: run tfvpc in-process.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    reason = "each test binary uses a different subset; tests fail loudly"
)]

use std::path::{Path, PathBuf};

use clap::Parser;

/// What one in-process run produced.
pub(crate) struct Run {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `tfvpc ARGS…` in-process with `stdin` as standard input.
pub(crate) fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut argv = vec!["tfvpc"];
    argv.extend_from_slice(args);
    let cli = match tfvpc::cli::Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return Run { code: 2, stdout: String::new(), stderr: e.to_string() },
    };
    let mut input = stdin;
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut io = tfvpc::Io { stdin: &mut input, stdout: &mut out, stderr: &mut err, stdout_is_terminal: false };
    let code = match tfvpc::run(cli, &mut io) {
        Ok(code) => code,
        Err(e) => {
            err.extend_from_slice(tfvpc::render_error(&e).as_bytes());
            tfvpc::EXIT_ERROR
        }
    };
    Run { code, stdout: String::from_utf8_lossy(&out).into_owned(), stderr: String::from_utf8_lossy(&err).into_owned() }
}

/// Runs `tfvpc ARGS…` with empty standard input.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with_stdin(args, b"")
}

/// The crate root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the crate root, as a string.
pub(crate) fn path(rel: &str) -> String {
    root().join(rel).to_string_lossy().into_owned()
}

/// `../shared/corpus/plans`, when present.
pub(crate) fn corpus_dir() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/plans");
    dir.is_dir().then_some(dir)
}

/// Runs `tfvpc lint --format json` on a file and parses the report.
pub(crate) fn lint_json(file: &Path) -> (u8, serde_json::Value) {
    // The fixtures of the rules about changes (`testdata/rules/<rule>/<case>/plan.json`) are
    // linted with `--diff`: those rules report differences between the two sides of a plan.
    let of_change_rule = file
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .is_some_and(|rule| tfvpc::rules::infos().iter().any(|i| i.name == rule && i.category == "change"));
    let shown = file.to_string_lossy();
    let mut args = vec!["lint", "--format", "json", "--fail-on", "never", &shown];
    if of_change_rule {
        args.push("--diff");
    }
    let r = run(&args);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}\n{}", file.display(), r.stdout, r.stderr));
    (r.code, v)
}

/// A copy of a fixture's plan in a folder of its own, without the `.tf` sources beside it: the
/// plan read alone, as when it is linted away from its configuration.
#[allow(dead_code, reason = "not every test binary reads a plan alone")]
pub(crate) fn alone(rel: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tfvpc-alone-{}-{}", std::process::id(), rel.replace('/', "_")));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(Path::new(rel).file_name().unwrap());
    std::fs::copy(root().join(rel), &file).unwrap();
    file.to_string_lossy().into_owned()
}
