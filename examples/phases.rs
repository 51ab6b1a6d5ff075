//! Times the phases of a lint run on one plan (a profiling aid; not a benchmark), in the order
//! `tfvpc lint` runs them: reading the `.tf` sources beside the plan (on a second thread while
//! the plan is read), ingest, and for each side of the change (after, then before: the prior
//! state, which marks findings `introduced`) the model, the evaluator, the path analysis and the
//! other rules. Locating, grouping and the report are what `lint` adds on top (`total` is the
//! whole `tfvpc::run` of `tfvpc lint PLAN --format json` in process, measured last).
//!
//! ```text
//! cargo run --release --example phases -- PLAN.json
//! ```
use std::path::Path;
use std::time::Instant;

use clap::Parser;
use tfvpc::model::lower::{Side, lower};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Peak resident memory so far (Linux `VmHWM`), for the phase lines.
fn peak() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
        .unwrap_or_default()
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases PLAN.json");
        return;
    };
    let dir = Path::new(&path).parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() { Path::new(".").to_path_buf() } else { dir };
    let t = Instant::now();
    let sources = tfvpc::source::Sources::load(&dir, &dir.display().to_string(), None);
    eprintln!(
        "sources     {:>8.1} ms ({} files; on a second thread in lint) peak {}",
        ms(t),
        sources.files().len(),
        peak()
    );
    let t = Instant::now();
    let Ok((input, mut doc)) = tfvpc::ingest::load(&path, &mut std::io::empty()) else {
        eprintln!("cannot read {path}");
        return;
    };
    eprintln!("ingest      {:>8.1} ms ({} bytes) peak {}", ms(t), input.text.len(), peak());
    if tfvpc::ingest::has_config(&dir) {
        // As lint does when the plan alone leaves links unresolved (here: every block, where
        // lint evaluates only those with unresolved links).
        let t = Instant::now();
        let attached = tfvpc::ingest::attach_sources(&mut doc, &dir, &tfvpc::ingest::HclOptions::default());
        eprintln!(
            "sources+    {:>8.1} ms (evaluated beside the plan: {} resources got targets) peak {}",
            ms(t),
            attached.resources,
            peak()
        );
    }
    let Ok(settings) = tfvpc::config::resolve(None, &tfvpc::rules::defaults()) else { return };
    let suppressions = tfvpc::suppress::Suppressions::new(&settings, Some(&sources), None);
    for side in [Side::After, Side::Before] {
        let label = if side == Side::After { "after" } else { "before" };
        let t = Instant::now();
        let net = lower(&input.name, &doc, side);
        eprintln!("{label:<6} model {:>8.1} ms ({} resources) peak {}", ms(t), net.resources.len(), peak());
        let t = Instant::now();
        let ev = tfvpc::eval::Evaluator::new(&net, settings.eval());
        eprintln!("{label:<6} eval  {:>8.1} ms peak {}", ms(t), peak());
        let ctx = tfvpc::rules::Context::new(&net, &settings, &ev);
        let t = Instant::now();
        let paths = ctx.paths();
        let took = ms(t);
        eprintln!(
            "{label:<6} paths {took:>8.1} ms ({} intents, {} classes, {:.1} µs per class, {} traced, {} failures)",
            paths.evaluated,
            paths.classes,
            if paths.classes == 0 { 0.0 } else { took * 1e3 / paths.classes as f64 },
            paths.traced,
            paths.failures.len()
        );
        let t = Instant::now();
        let checked = tfvpc::rules::run(&ctx, &suppressions);
        eprintln!("{label:<6} rules {:>8.1} ms ({} findings) peak {}", ms(t), checked.findings.len(), peak());
    }
    drop(doc);
    let t = Instant::now();
    let cli = tfvpc::cli::Cli::parse_from(["tfvpc", "lint", path.as_str(), "--format", "json", "--fail-on", "never"]);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io =
        tfvpc::Io { stdin: &mut std::io::empty(), stdout: &mut stdout, stderr: &mut stderr, stdout_is_terminal: false };
    let status = tfvpc::run(cli, &mut io);
    eprintln!(
        "total       {:>8.1} ms (whole lint in process, {status:?}, {} bytes of JSON) peak {}",
        ms(t),
        stdout.len(),
        peak()
    );
}
