//! Issue 14 items 2 and 3: the output does not depend on the number of threads (byte-identical
//! JSON and SARIF at 1 and 2 rayon threads, for a plan with its sources, an HCL root and many
//! inputs at once), and among many roots a bad one still lets the others be reported.
//!
//! The binary runs as a child process: rayon's global pool is sized once per process, by
//! `RAYON_NUM_THREADS`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

#[expect(dead_code, reason = "the test uses only the generator's estate writer")]
#[path = "../examples/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-threads-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tfvpc ARGS…` with `threads` rayon threads: exit code and standard output.
fn tfvpc(threads: usize, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tfvpc"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .current_dir(common::root())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

fn estate(dir: &Path, vpcs: usize, seed: u64) {
    let params = synth::Params { vpcs, subnets_per_vpc: 8, services_per_vpc: 3, seed };
    synth::write_estate(&synth::Estate::new(params).unwrap(), dir).unwrap();
}

/// The same findings, byte for byte, at 1 and at 2 threads: a generated estate's plan with its
/// sources beside it, the same estate as an HCL root, and several inputs in one run (linted in
/// parallel), in JSON and SARIF.
#[test]
fn one_and_two_threads_give_the_same_bytes() {
    let dir = tempdir("estate");
    estate(&dir, 16, 7);
    let plan = dir.join("plan.json").to_string_lossy().into_owned();
    let root = dir.to_string_lossy().into_owned();
    let many = [
        plan.as_str(),
        "testdata/plans/basic-vpc/plan.json",
        "testdata/plans/modules-count-foreach/plan.json",
        "testdata/plans/families-peering-tgw/plan.json",
        "testdata/plans/plan-sources/plan.json",
        "testdata/group/caller-argument/plan.json",
    ];
    let runs: Vec<Vec<&str>> = vec![
        vec!["lint", "--format", "json", "--fail-on", "never", &plan],
        vec!["lint", "--format", "sarif", "--fail-on", "never", &plan],
        vec!["lint", "--format", "json", "--fail-on", "never", &root],
        [&["lint", "--format", "json", "--fail-on", "never"][..], &many[..]].concat(),
    ];
    for args in runs {
        let (one_code, one) = tfvpc(1, &args);
        let (two_code, two) = tfvpc(2, &args);
        assert_eq!(one_code, 0, "{args:?}");
        assert_eq!(one_code, two_code, "{args:?}");
        assert!(one.len() > 100, "{args:?}: {one}");
        assert!(one == two, "{args:?}: the output differs between 1 and 2 threads");
    }
}

/// A repository of many roots, one of them broken: the others are linted and reported (exit 2
/// for the tool error), the bad one is named on standard error.
#[test]
fn one_bad_root_among_many_still_reports_the_others() {
    let dir = tempdir("roots");
    let mut inputs = Vec::new();
    for n in 0..24u64 {
        let root = dir.join(format!("root-{n:02}"));
        std::fs::create_dir_all(&root).unwrap();
        if n == 11 {
            std::fs::write(root.join("plan.json"), "{\"format_version\": \"1.2\", \"planned_values\": [").unwrap();
        } else {
            estate(&root, 2, n + 1);
        }
        inputs.push(root.join("plan.json").to_string_lossy().into_owned());
    }
    let mut args = vec!["lint", "--format", "json", "--fail-on", "never"];
    args.extend(inputs.iter().map(String::as_str));
    let out = Command::new(env!("CARGO_BIN_EXE_tfvpc")).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("root-11"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let linted: Vec<&str> =
        report["per_input"].as_array().unwrap().iter().map(|i| i["input"].as_str().unwrap()).collect();
    assert_eq!(linted.len(), 23, "{linted:?}");
    assert!(!linted.iter().any(|i| i.contains("root-11")));
    // Each estate has its findings (one NAT for some VPCs, the generator's inline routes…).
    let inputs_with_findings: std::collections::BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["input"].as_str().unwrap()).collect();
    assert!(inputs_with_findings.len() > 1, "{inputs_with_findings:?}");
}
