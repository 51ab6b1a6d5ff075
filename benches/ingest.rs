//! The ~43 MB generated plan of docs/performance.md: `serde_json::Value` parsing (the baseline),
//! tfvpc's ingest, ingest plus modelling, and the full `tfvpc lint` run.
//!
//! `cargo bench --bench ingest`. The plan is generated into `target/bench-data/` in the setup.
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::hint::black_box;
use std::time::Duration;

use clap::Parser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tfvpc::cli::Cli;
use tfvpc::ingest::parse_input;
use tfvpc::model::lower::{Side, lower};

fn plan(c: &mut Criterion) {
    let input = common::plan_input(common::LARGE);
    let path = input.name.clone();
    let mut group = c.benchmark_group("plan_43mb");
    group.throughput(Throughput::Bytes(input.text.len() as u64));
    group.sample_size(20).measurement_time(Duration::from_secs(12)).warm_up_time(Duration::from_secs(3));
    // tfvpc first: measured after the Value benchmark, ingest would start on a heap holding
    // millions of freed chunks, which a real run never sees.
    group.bench_function("ingest", |b| b.iter_with_large_drop(|| parse_input(black_box(&input)).unwrap()));
    group.bench_function("ingest_and_model", |b| {
        b.iter_with_large_drop(|| {
            let doc = parse_input(black_box(&input)).unwrap();
            lower(&input.name, &doc, Side::After)
        })
    });
    let doc = parse_input(&input).unwrap();
    group.bench_function("model_only", |b| b.iter_with_large_drop(|| lower(&input.name, black_box(&doc), Side::After)));
    drop(doc);
    // `tfvpc lint plan.json --format json`, in process: read the file, ingest, model,
    // evaluator, rules, JSON report (lint builds no graph).
    group.bench_function("lint", |b| {
        b.iter_with_large_drop(|| {
            let cli = Cli::parse_from(["tfvpc", "lint", path.as_str(), "--format", "json", "--fail-on", "never"]);
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = tfvpc::Io {
                stdin: &mut std::io::empty(),
                stdout: &mut stdout,
                stderr: &mut stderr,
                stdout_is_terminal: false,
            };
            let status = tfvpc::run(black_box(cli), &mut io).unwrap();
            assert_eq!(status, tfvpc::EXIT_CLEAN, "{}", String::from_utf8_lossy(&stderr));
            stdout
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter_with_large_drop(|| serde_json::from_str::<serde_json::Value>(black_box(&input.text)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, plan);
criterion_main!(benches);
