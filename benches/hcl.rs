//! HCL mode speed (issue 11 item 10), on `tfvpc-gen` HCL: evaluated from the directory into a
//! `Document` (parse, evaluate, produce the document: `hcl_front_end`), and the whole
//! `tfvpc lint DIR` (`hcl_lint`); the same two steps on the estate's plan for comparison
//! (`plan_ingest`, `plan_lint`). Two estates:
//!
//! - `hcl_100_modules`: the root, 100 module instances and 9,927 resources
//!   (`tfvpc-gen --vpcs 100 --subnets-per-vpc 32 --services-per-vpc 0 --seed 1`);
//! - `hcl_estate`: the estate of docs/performance.md, 100 VPC and 822 service module instances,
//!   23,183 resources (`--vpcs 100 --subnets-per-vpc 12 --services-per-vpc 8 --seed 1`).
//!
//! `cargo bench --bench hcl`. The estates are generated into `target/bench-data/` in the setup.
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

/// The root: 100 module instances, 9,927 resources.
const HUNDRED_MODULES: common::synth::Params =
    common::synth::Params { vpcs: 100, subnets_per_vpc: 32, services_per_vpc: 0, seed: 1 };

/// The four benchmarks on one estate.
fn group(c: &mut Criterion, name: &str, params: common::synth::Params) {
    let input = common::plan_input(params);
    let dir = input.path.as_ref().unwrap().parent().unwrap().display().to_string();
    let opts = HclOptions::default();
    let mut group = c.benchmark_group(name);
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

fn hcl(c: &mut Criterion) {
    group(c, "hcl_100_modules", HUNDRED_MODULES);
    group(c, "hcl_estate", common::LARGE);
}

criterion_group!(benches, hcl);
criterion_main!(benches);
