//! HCL mode end to end: `tfvpc lint DIR` evaluates the root module without a plan. The parity
//! test holds HCL mode to plan mode on every fixture that has both the `.tf` sources and the
//! real `plan.json` Terraform made of them: the same findings (rule, primary address, severity).
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{path, root, run};

/// Fixtures whose findings differ for a reason inherent to linting code without a plan.
const INHERENT: &[(&str, &str)] = &[
    (
        "testdata/plans/update-real-ids",
        "an update plan made against terraform.tfstate: the state's real ids (a NAT gateway the code names by its literal id) are in the plan, while HCL mode evaluates the code as a create plan from an empty state",
    ),
    ("testdata/rules/blackhole-route/fail_destroyed_nat", "same as update-real-ids: a plan against terraform.tfstate"),
    ("testdata/rules/blackhole-route/fail_doc_example", "same as update-real-ids: a plan against terraform.tfstate"),
    (
        "testdata/rules/blackhole-route/pass_doc_use_instead",
        "same as update-real-ids: a plan against terraform.tfstate",
    ),
];

type Key = (String, String, String);

fn findings(arg: &str) -> Result<BTreeSet<Key>, String> {
    let r = run(&["lint", "--format", "json", "--fail-on", "never", arg]);
    if r.code != 0 {
        return Err(format!("exit {}: {}", r.code, r.stderr));
    }
    let j: serde_json::Value = serde_json::from_str(&r.stdout).map_err(|e| e.to_string())?;
    Ok(j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let primary = f["resources"].as_array().and_then(|a| a.first()).and_then(|x| x.as_str()).unwrap_or("");
            (f["rule"].as_str().unwrap().to_string(), primary.to_string(), f["severity"].as_str().unwrap().to_string())
        })
        .collect())
}

fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        let has_plan = entries.iter().any(|p| p.file_name().is_some_and(|n| n == "plan.json"));
        let has_tf = entries.iter().any(|p| p.extension().is_some_and(|e| e == "tf"));
        if has_plan && has_tf {
            out.push(dir.to_path_buf());
        }
        for e in entries {
            if e.is_dir() && !e.ends_with(".terraform") {
                walk(&e, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("testdata"), &mut out);
    out
}

#[test]
fn hcl_mode_gives_plan_modes_findings_on_every_fixture() {
    let all = fixtures();
    assert!(all.len() > 150, "fixtures found: {}", all.len());
    let mut identical = 0;
    let mut failures = Vec::new();
    for dir in &all {
        let rel = dir.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
        let hcl = findings(&dir.to_string_lossy());
        let plan = findings(&dir.join("plan.json").to_string_lossy()).unwrap();
        let inherent = INHERENT.iter().any(|(d, _)| *d == rel);
        match hcl {
            Ok(h) if h == plan => {
                identical += 1;
                assert!(!inherent, "{rel} is listed as inherently different but now agrees: remove it from INHERENT");
            }
            Ok(_) if inherent => {}
            Ok(h) => failures.push(format!(
                "{rel}:\n  only HCL: {:?}\n  only plan: {:?}",
                h.difference(&plan).collect::<Vec<_>>(),
                plan.difference(&h).collect::<Vec<_>>()
            )),
            Err(e) => failures.push(format!("{rel}: HCL mode failed: {e}")),
        }
    }
    eprintln!(
        "HCL/plan parity: {identical} of {} fixtures identical, {} inherent differences",
        all.len(),
        INHERENT.len()
    );
    assert!(failures.is_empty(), "{} fixtures differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_folder_without_a_plan_is_linted() {
    let r = run(&["lint", "--format", "json", &path("testdata/bad/hcl-dir")]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["per_input"][0]["kind"], "Terraform configuration (HCL)", "{j}");
    assert_eq!(j["per_input"][0]["subnets"], 1, "{j}");
}

#[test]
fn syntax_errors_name_the_file_line_and_column_and_exit_2() {
    let r = run(&["lint", &path("testdata/bad/hcl-syntax")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("main.tf:8:1") || r.stderr.contains("main.tf:7:"), "{}", r.stderr);
    // The other inputs of the run are still linted.
    let r = run(&["lint", "--format", "json", &path("testdata/bad/hcl-syntax"), &path("testdata/bad/hcl-dir")]);
    assert_eq!(r.code, 2);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["inputs"].as_array().unwrap().len(), 1, "{j}");
}

#[test]
fn trace_and_graph_take_a_folder() {
    let dir = path("testdata/plans/basic-vpc");
    let r = run(&["graph", "--format", "json", &dir]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = run(&["graph", "--format", "json", &path("testdata/plans/basic-vpc/plan.json")]);
    let nodes = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["nodes"].as_array().unwrap().len();
    assert_eq!(nodes(&r.stdout), nodes(&plan.stdout));
    let r = run(&["trace", &dir, "--from", "aws_instance.web", "--to", "0.0.0.0", "--port", "443"]);
    let p = run(&[
        "trace",
        &path("testdata/plans/basic-vpc/plan.json"),
        "--from",
        "aws_instance.web",
        "--to",
        "0.0.0.0",
        "--port",
        "443",
    ]);
    assert_eq!(r.code, p.code, "{}\n{}", r.stdout, r.stderr);
}

fn lint_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["lint", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn rules_of(j: &serde_json::Value) -> Vec<String> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["resources"][0].as_str().unwrap()))
        .collect()
}

#[test]
fn variables_follow_terraforms_precedence() {
    let dir = path("testdata/hcl/vars");
    // b.auto.tfvars.json wins over a.auto.tfvars and terraform.tfvars: b overlaps a.
    let j = lint_json(&[&dir]);
    assert!(rules_of(&j).iter().any(|r| r.starts_with("subnet-cidr-overlap")), "{:?}", rules_of(&j));
    // --var and --var-file apply after the files, in command-line order.
    let ok = path("testdata/hcl/vars/ok.tfvars");
    let j = lint_json(&["--var", "b_cidr=10.0.1.0/25", "--var-file", &ok, &dir]);
    assert!(!rules_of(&j).iter().any(|r| r.starts_with("subnet-cidr-overlap")), "{:?}", rules_of(&j));
    let j = lint_json(&["--var-file", &ok, "--var", "b_cidr=10.0.1.0/25", &dir]);
    assert!(rules_of(&j).iter().any(|r| r.starts_with("subnet-cidr-overlap")), "{:?}", rules_of(&j));
    // optional() defaults fill map(object) values; for_each makes one subnet per key.
    let g = run(&["graph", "--format", "json", &dir]);
    assert!(g.stdout.contains("aws_subnet.more[\\\"c\\\"]"), "{}", g.stdout);
}

#[test]
fn an_unknown_count_is_a_placeholder_never_dropped_nor_one_instance() {
    let dir = path("testdata/hcl/undecided");
    let j = lint_json(&[&dir]);
    let warnings = j["per_input"][0]["warnings"].to_string();
    assert!(
        warnings.contains("aws_route.nat: count is not known before apply (it depends on var.nat_count)"),
        "{warnings}"
    );
    assert!(warnings.contains("--var nat_count=VALUE"), "{warnings}");
    // The route may or may not exist: no finding about it.
    assert!(rules_of(&j).is_empty(), "{:?}", rules_of(&j));
    let g = run(&["graph", "--format", "json", &dir]);
    assert!(g.stdout.contains("\"aws_route.nat\""), "the placeholder is kept: {}", g.stdout);
    // Decided by --var: two routes to a NAT id no VPC of this code can hold.
    let j = lint_json(&["--var", "nat_count=2", &dir]);
    // One block, one grouped finding (issue 12) that lists both instances.
    assert_eq!(rules_of(&j), ["blackhole-route aws_route.nat[0]"]);
    assert_eq!(j["findings"][0]["affected"]["count"], 2, "{}", j["findings"][0]["affected"]);
}
