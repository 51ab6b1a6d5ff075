//! Issue 6, item 3: baselines. `--write-baseline` records today's findings by fingerprint;
//! `--baseline` reports only the others and counts the entries that no longer occur. A round
//! trip leaves zero findings, also after lines move; the file is deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("baseline").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

const PLAN: &str = "testdata/plans/basic-vpc/plan.json";

#[test]
fn a_round_trip_leaves_zero_findings() {
    let dir = scratch("round-trip");
    let file = s(&dir.join("baseline.json"));
    let before = common::run(&["lint", "--format", "json", PLAN]);
    assert_eq!(before.code, 1);
    let n = serde_json::from_str::<Value>(&before.stdout).unwrap()["findings"].as_array().unwrap().len();
    assert!(n > 0);
    let written = common::run(&["lint", "--write-baseline", &file, PLAN]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.contains(&format!("wrote {n} findings to the baseline")), "{}", written.stdout);
    let baseline: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(baseline["format"], "tfvpc-baseline");
    assert_eq!(baseline["version"], 2);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), n);
    for entry in baseline["findings"].as_array().unwrap() {
        assert_eq!(entry["fingerprint"].as_str().unwrap().len(), 32);
        assert!(entry["rule"].is_string() && entry["message"].is_string());
    }
    for format in ["json", "human", "sarif", "github", "markdown", "gitlab"] {
        let r = common::run(&["lint", "--format", format, "--baseline", &file, PLAN]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        if format == "json" {
            let v: Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(v["findings"].as_array().unwrap().len(), 0);
            assert_eq!(v["baseline"]["entries"], n);
            assert_eq!(v["baseline"]["hidden"], n);
            assert_eq!(v["baseline"]["stale"], 0);
        }
        if format == "sarif" {
            let v: Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
            assert_eq!(v["runs"][0]["properties"]["tfvpc"]["baseline"]["stale"], 0);
        }
        if format == "human" {
            assert!(r.stdout.contains(&format!("{n} findings in the baseline")), "{}", r.stdout);
            assert!(r.stdout.contains("0 baseline entries no longer occur"), "{}", r.stdout);
        }
    }
}

#[test]
fn stale_entries_are_counted_and_new_findings_reported() {
    let dir = scratch("stale");
    let file = dir.join("baseline.json");
    common::run(&["lint", "--write-baseline", &s(&file), PLAN]);
    let mut baseline: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let entries = baseline["findings"].as_array_mut().unwrap();
    // One finding is no longer accepted (it comes back), and one accepted finding is gone.
    let dropped = entries.remove(0);
    entries.push(serde_json::json!({"fingerprint": "0123456789abcdef0123456789abcdef", "rule": "cross-az-nat"}));
    std::fs::write(&file, serde_json::to_string_pretty(&baseline).unwrap()).unwrap();
    let r = common::run(&["lint", "--format", "json", "--baseline", &s(&file), PLAN]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["fingerprint"], dropped["fingerprint"]);
    assert_eq!(v["baseline"]["stale"], 1);
    let human = common::run(&["lint", "--baseline", &s(&file), PLAN]).stdout;
    assert!(human.contains("1 baseline entry no longer occurs"), "{human}");
    let sarif: Value =
        serde_json::from_str(&common::run(&["lint", "--format", "sarif", "--baseline", &s(&file), PLAN]).stdout)
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "new");
    assert_eq!(sarif["runs"][0]["properties"]["tfvpc"]["baseline"]["stale"], 1);
}

#[test]
fn the_file_is_deterministic_and_survives_moved_lines() {
    let dir = scratch("moved");
    for entry in std::fs::read_dir(common::root().join("testdata/plans/basic-vpc")).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let plan = s(&dir.join("plan.json"));
    let (first, second) = (dir.join("first.json"), dir.join("second.json"));
    common::run(&["lint", "--write-baseline", &s(&first), &plan]);
    common::run(&["lint", "--write-baseline", &s(&second), &plan]);
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap());
    // Lines move: findings move with them, fingerprints do not.
    let main = dir.join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("# a new header\n\n\n{text}")).unwrap();
    let r = common::run(&["lint", "--format", "json", "--baseline", &s(&first), &plan]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn new_only_and_baseline_combine() {
    let dir = scratch("new-only");
    let file = s(&dir.join("baseline.json"));
    // report-update has findings introduced by the plan and findings already present.
    let plan = "testdata/plans/report-update/plan.json";
    let all = common::run(&["lint", "--format", "json", plan]);
    let all: Value = serde_json::from_str(&all.stdout).unwrap();
    let introduced = all["findings"].as_array().unwrap().iter().filter(|f| f["introduced"] == true).count();
    assert!(introduced > 0);
    // A baseline written with --new-only still records every finding.
    common::run(&["lint", "--new-only", "--write-baseline", &file, plan]);
    let baseline: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), all["findings"].as_array().unwrap().len());
    let r = common::run(&["lint", "--format", "json", "--new-only", "--baseline", &file, plan]);
    assert_eq!(r.code, 0);
}

#[test]
fn a_report_or_a_broken_file_is_not_a_baseline() {
    let dir = scratch("bad");
    let report = dir.join("report.json");
    std::fs::write(&report, common::run(&["lint", "--format", "json", PLAN]).stdout).unwrap();
    let r = common::run(&["lint", "--baseline", &s(&report), PLAN]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a tfvpc baseline"), "{}", r.stderr);
    let r = common::run(&["lint", "--baseline", &s(&dir.join("missing.json")), PLAN]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}
