//! Plan mode with the sources beside the plan (docs/hcl-mode.md, "A plan and its sources"): the
//! `.tf` files, evaluated with the plan's own variables, decide the links the plan alone leaves
//! unresolved; sources that are not the plan's are said once. Fixture:
//! `testdata/plans/plan-sources` (a real plan of the `.tf` beside it).
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

use common::{path, root, run};

const FIXTURE: &str = "testdata/plans/plan-sources";

/// A fresh folder holding a copy of the fixture's plan and, when `with_sources`, its sources.
fn copy(name: &str, with_sources: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-plan-sources-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = root().join(FIXTURE);
    std::fs::copy(src.join("plan.json"), dir.join("plan.json")).unwrap();
    if with_sources {
        copy_tf(&src, &dir);
    }
    dir
}

fn copy_tf(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tf(&p, &to.join(e.file_name()));
        } else if p.extension().is_some_and(|x| x == "tf") {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn lint(plan: &Path) -> serde_json::Value {
    let r = run(&["lint", "--format", "json", "--fail-on", "never", &plan.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn rules(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["resources"][0].as_str().unwrap_or("").to_string()))
        .collect()
}

fn warnings(report: &serde_json::Value) -> String {
    report["per_input"][0]["warnings"].to_string()
}

fn trace(plan: &Path, from: &str, to: &str) -> serde_json::Value {
    let r = run(&["trace", "--format", "json", "--from", from, "--to", to, "--port", "443", &plan.to_string_lossy()]);
    assert!(r.code <= 1, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn a_plan_alone_leaves_the_local_chosen_nat_undecided_and_says_why() {
    let dir = copy("alone", false);
    let report = lint(&dir.join("plan.json"));
    assert!(
        !rules(&report).iter().any(|(r, _)| r == "cross-az-nat"),
        "the NAT of zone b's route is not known from the plan alone: {report}"
    );
    let t = trace(&dir.join("plan.json"), "aws_instance.app", "internet");
    assert_eq!(t["verdict"], "indeterminate", "{t}");
    let text = t.to_string();
    assert!(text.contains("local.nat_for"), "the trace names the local that would decide it: {text}");
    // Never the guess the instance keys suggest (`this["b"]` for the route of zone b).
    assert!(!text.contains(r#"aws_nat_gateway.this[\"b\"] (module.net.aws_route"#), "{text}");
}

#[test]
fn with_its_sources_the_plan_decides_the_links_the_plan_leaves_open() {
    let plan = root().join(FIXTURE).join("plan.json");
    let report = lint(&plan);
    let found = rules(&report);
    assert!(
        found.iter().any(|(r, a)| r == "cross-az-nat" && a.contains(r#"module.net.aws_subnet.private["b"]"#)),
        "zone b's private subnet uses zone a's NAT: {found:?}"
    );
    assert!(!warnings(&report).contains("not the ones"), "{}", warnings(&report));
    let t = trace(&plan, "aws_instance.app", "internet");
    assert_eq!(t["verdict"], "reachable", "{t}");
    let text = t.to_string();
    // element(module.net.private_subnet_list, var.app_index): zone b's subnet, through zone a's NAT.
    assert!(text.contains(r#"module.net.aws_route_table.private[\"b\"]"#), "{text}");
    assert!(text.contains(r#"module.net.aws_nat_gateway.this[\"a\"]"#), "{text}");
    // The folder (HCL mode) gives the same findings.
    let hcl = lint(&root().join(FIXTURE));
    assert_eq!(rules(&hcl), found);
}

#[test]
fn the_plans_own_variables_win_over_tfvars_on_disk() {
    let dir = copy("tfvars", true);
    // CI ran `terraform plan` with the default app_index = 1; the tfvars on disk say 0.
    std::fs::write(dir.join("terraform.tfvars"), "app_index = 0\n").unwrap();
    let t = trace(&dir.join("plan.json"), "aws_instance.app", "internet");
    let text = t.to_string();
    assert!(text.contains(r#"module.net.aws_route_table.private[\"b\"]"#), "{text}");
    assert!(!text.contains(r#"module.net.aws_route_table.private[\"a\"]"#), "{text}");
}

#[test]
fn sources_that_are_not_the_plans_are_said_once() {
    let dir = copy("other", true);
    let main = std::fs::read_to_string(dir.join("main.tf")).unwrap().replace("10.70.0.0/16", "10.71.0.0/16");
    std::fs::write(dir.join("main.tf"), main).unwrap();
    let report = lint(&dir.join("plan.json"));
    let w = warnings(&report);
    assert_eq!(w.matches("are not the ones this plan was made from").count(), 1, "{w}");
    assert!(w.contains("cidr_block is"), "it says what differs: {w}");
    // What both agree on (the routes) still takes its targets from the sources.
    assert!(rules(&report).iter().any(|(r, _)| r == "cross-az-nat"), "{report}");
}

#[test]
fn merged_inline_routes_are_told_apart_by_the_sources() {
    // Two inline routes to two peering connections: one merged reference list in the plan.
    let plan = path("testdata/plans/merged-refs/plan.json");
    let t = trace(Path::new(&plan), "aws_subnet.private", "10.61.0.5");
    let text = t.to_string();
    assert!(text.contains("route 10.61.0.0/16 -> aws_vpc_peering_connection.a"), "{text}");
    assert!(!text.contains("could be any of"), "{text}");
}
