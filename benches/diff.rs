//! Issue 16 item 6: `tfvpc diff` of the generated 200-VPC estate (`tfvpc-gen --vpcs 200`,
//! 200 VPCs x 12 subnets, with its `.tf` sources beside each plan) against the same estate
//! with one changed security group rule, next to one `tfvpc lint` of the changed estate. Both
//! are whole commands (`tfvpc::run`: read, sources, lower, evaluate, report as JSON), so the
//! ratio is the one a CI job sees. Two changes of the app group's SSH rule (`10.0.0.0/8`,
//! tcp 22, on private instances) of one VPC:
//!
//! * `world_same_port`: opened to `0.0.0.0/0` on port 22 (the headline review case; nothing
//!   changes, since the members have no public address);
//! * `world_every_port`: opened to `0.0.0.0/0` on every port (the worst case: every source of
//!   the estate gains ports to the group's members, ~22,000 pairwise differences).
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

/// The binary's allocator, so that the ratio is the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `tfvpc-gen --vpcs 200` (its defaults otherwise).
const ESTATE_200: common::synth::Params =
    common::synth::Params { vpcs: 200, subnets_per_vpc: 12, services_per_vpc: 3, seed: 1 };

/// The rule every change edits (its first instance in address order).
const RULE: &str = "aws_vpc_security_group_ingress_rule.app_ssh_internal";

/// Copies the estate's sources (not its plan) from `from` to `to`.
fn copy_sources(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "plan.json" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_sources(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes the estate with `set` applied to the first instance of [`RULE`] (planned values and
/// resource changes) into `dir`, beside a copy of the sources.
fn changed_estate(base: &Path, dir: &Path, set: &[(&str, Value)]) -> PathBuf {
    fn first_rule(m: &mut Value) -> Option<&mut Value> {
        let is_rule = |r: &Value| r["address"].as_str().is_some_and(|a| a.ends_with(RULE));
        let here = m.get("resources").and_then(Value::as_array).and_then(|rs| rs.iter().position(is_rule));
        match here {
            Some(i) => m["resources"].get_mut(i),
            None => m.get_mut("child_modules")?.as_array_mut()?.iter_mut().find_map(first_rule),
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    copy_sources(base, dir);
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(base.join("plan.json")).unwrap()).unwrap();
    let rule = first_rule(&mut plan["planned_values"]["root_module"]).unwrap();
    let address = rule["address"].as_str().unwrap().to_string();
    for (k, v) in set {
        rule["values"][*k] = v.clone();
    }
    let rc = plan["resource_changes"].as_array_mut().unwrap().iter_mut().find(|r| r["address"] == address).unwrap();
    for (k, v) in set {
        rc["change"]["after"][*k] = v.clone();
    }
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_string(&plan).unwrap()).unwrap();
    path
}

/// Runs one tfvpc command line in process, its report discarded; returns the exit status.
fn run(argv: &[&str]) -> u8 {
    let cli = tfvpc::cli::Cli::try_parse_from(argv).unwrap();
    let (mut out, mut err) = (std::io::sink(), std::io::sink());
    let mut io =
        tfvpc::Io { stdin: &mut std::io::empty(), stdout: &mut out, stderr: &mut err, stdout_is_terminal: false };
    tfvpc::run(cli, &mut io).unwrap()
}

fn diff_vs_lint(c: &mut Criterion) {
    let base_input = common::plan_input(ESTATE_200);
    let base_plan = base_input.path.unwrap();
    let base = base_plan.parent().unwrap().to_path_buf();
    let world = |ports: bool| {
        let mut set = vec![("cidr_ipv4", Value::from("0.0.0.0/0"))];
        if ports {
            set.extend([("from_port", Value::from(0)), ("to_port", Value::from(65535))]);
        }
        set
    };
    let changes = [("world_same_port", world(false)), ("world_every_port", world(true))];
    let mut group = c.benchmark_group("diff_200_vpcs_one_sg_rule");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(20));
    let base_s = base_plan.to_string_lossy().to_string();
    for (name, set) in &changes {
        let dir = base.with_file_name(format!("{}-{name}", base.file_name().unwrap().to_string_lossy()));
        let after = changed_estate(&base, &dir, set).to_string_lossy().to_string();
        group.bench_function(format!("lint/{name}"), |b| {
            b.iter(|| run(&["tfvpc", "lint", &after, "--format", "json"]));
        });
        group.bench_function(format!("diff/{name}"), |b| {
            b.iter(|| run(&["tfvpc", "diff", &base_s, &after, "--format", "json"]));
        });
    }
    group.finish();
}

criterion_group!(benches, diff_vs_lint);
criterion_main!(benches);
