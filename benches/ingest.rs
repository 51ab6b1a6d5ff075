//! Ingest benchmarks on a ~40 MB generated plan: `serde_json::Value` parsing (the baseline tfvpc
//! must beat), tfvpc's ingest, and ingest plus modelling. See docs/performance.md.
//!
//! `cargo bench --bench ingest`. The plan is generated into `target/bench-data/` on first use.
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

#[expect(dead_code, reason = "the benchmark uses only part of the generator")]
#[path = "../src/bin/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tfvpc::ingest::{Input, parse_input};
use tfvpc::model::lower::{Side, lower};

/// The estate of docs/performance.md: 100 VPCs x 12 subnets (1,200 subnets), ~8 services per
/// VPC; ~43 MB of plan JSON, ~23,000 resources.
pub const LARGE: synth::Params = synth::Params { vpcs: 100, subnets_per_vpc: 12, services_per_vpc: 8, seed: 1 };

/// Generates (once) and reads the plan of an estate; returns it as tfvpc reads its input.
pub fn plan_input(params: synth::Params) -> Input {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let dir = target.join("bench-data").join(format!(
        "estate-{}x{}x{}-s{}",
        params.vpcs, params.subnets_per_vpc, params.services_per_vpc, params.seed
    ));
    let path = dir.join("plan.json");
    let estate = synth::Estate::new(params).unwrap();
    // Regenerated every run: cheap (well under a second), and never stale.
    synth::write_estate(&estate, &dir).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    Input { name: path.display().to_string(), path: Some(path), text }
}

fn ingest(c: &mut Criterion) {
    let input = plan_input(LARGE);
    let mut group = c.benchmark_group("plan_43mb");
    group.throughput(Throughput::Bytes(input.text.len() as u64));
    group.sample_size(20).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(3));
    group.bench_function("serde_json_value", |b| {
        b.iter_with_large_drop(|| serde_json::from_str::<serde_json::Value>(black_box(&input.text)).unwrap())
    });
    group.bench_function("ingest", |b| b.iter_with_large_drop(|| parse_input(black_box(&input)).unwrap()));
    group.bench_function("ingest_and_model", |b| {
        b.iter_with_large_drop(|| {
            let doc = parse_input(black_box(&input)).unwrap();
            lower(&input.name, &doc, Side::After)
        })
    });
    let doc = parse_input(&input).unwrap();
    group.bench_function("model_only", |b| b.iter_with_large_drop(|| lower(&input.name, black_box(&doc), Side::After)));
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
