//! What the benchmarks share: the generated estate of docs/performance.md, written into
//! `target/bench-data/` and read back as tfvpc reads its input.

#[expect(dead_code, reason = "the benchmarks use only part of the generator")]
#[path = "../../examples/tfvpc-gen/synth/mod.rs"]
pub(crate) mod synth;

use std::path::PathBuf;

use tfvpc::ingest::Input;

/// The estate of docs/performance.md: 100 VPCs x 12 subnets (1,200 subnets), ~8 services per
/// VPC; ~43 MB of plan JSON, ~23,000 resources.
#[allow(dead_code, reason = "not every benchmark uses it")]
pub(crate) const LARGE: synth::Params = synth::Params { vpcs: 100, subnets_per_vpc: 12, services_per_vpc: 8, seed: 1 };

/// Generates the estate into `target/bench-data/` (well under a second, so every run: never
/// stale) and reads its plan back.
pub(crate) fn plan_input(params: synth::Params) -> Input {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let dir = target.join("bench-data").join(format!(
        "estate-{}x{}x{}-s{}",
        params.vpcs, params.subnets_per_vpc, params.services_per_vpc, params.seed
    ));
    let estate = synth::Estate::new(params).unwrap();
    synth::write_estate(&estate, &dir).unwrap();
    let path = dir.join("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    Input { name: path.display().to_string(), path: Some(path), text }
}
