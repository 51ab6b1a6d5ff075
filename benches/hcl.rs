//! HCL mode speed (issue 11 item 10) on the estate of docs/performance.md: its `tfvpc-gen` HCL
//! (100 VPC and 800 service module instances, ~12,000 resources), evaluated from the directory
//! into a `Document` (parse, evaluate, produce the document), and the whole `tfvpc lint DIR`; the
//! same two steps on the estate's plan for comparison.
//!
//! `cargo bench --bench hcl`. The estate is generated into `target/bench-data/` in the setup.
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::hint::black_box;
use std::time::Duration;

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use tfvpc::cli::Cli;
use tfvpc::ingest::{HclOptions, load_any, parse_input};

/// `tfvpc lint ARG --format json`, in process.
fn lint(arg: &str) -> Vec<u8> {
    let cli = Cli::parse_from(["tfvpc", "lint", arg, "--format", "json", "--fail-on", "never"]);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io =
        tfvpc::Io { stdin: &mut std::io::empty(), stdout: &mut stdout, stderr: &mut stderr, stdout_is_terminal: false };
    let status = tfvpc::run(black_box(cli), &mut io).unwrap();
    assert_eq!(status, tfvpc::EXIT_CLEAN, "{}", String::from_utf8_lossy(&stderr));
    stdout
}

fn hcl(c: &mut Criterion) {
    let input = common::plan_input(common::LARGE);
    let dir = input.path.as_ref().unwrap().parent().unwrap().display().to_string();
    let opts = HclOptions::default();
    let mut group = c.benchmark_group("hcl_estate");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(2));
    // The HCL front end alone: directory -> Document.
    group.bench_function("hcl_front_end", |b| {
        b.iter_with_large_drop(|| load_any(black_box(&dir), &mut std::io::empty(), &opts).unwrap())
    });
    group.bench_function("plan_ingest", |b| b.iter_with_large_drop(|| parse_input(black_box(&input)).unwrap()));
    group.bench_function("hcl_lint", |b| b.iter_with_large_drop(|| lint(&dir)));
    let plan = input.name.clone();
    group.bench_function("plan_lint", |b| b.iter_with_large_drop(|| lint(&plan)));
    group.finish();
}

criterion_group!(benches, hcl);
criterion_main!(benches);
