//! Issue 12 items 1 and 2: one defect, one finding. The findings of one rule that point at the
//! same thing to change are one finding listing what it breaks (`affected`); the contracts
//! that survive grouping (JSON version 2, version 1 baselines, suppressions of one module
//! instance, fingerprints).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

#[expect(dead_code, reason = "the test uses only the generator's estate writer")]
#[path = "../examples/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

fn lint(rel: &str) -> Value {
    common::lint_json(&common::root().join(rel)).1
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).collect()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
}

/// Measured case (a): a TGW route table lacking the orders attachment's propagation gave one
/// `missing-return-route` and several `unreachable-path`; now one `unreachable-path`.
#[test]
fn tgw_table_lacking_a_propagation_is_one_finding() {
    let r = lint("testdata/rules/unreachable-path/fail_tgw_table_lacks_propagation/plan.json");
    assert_eq!(r["version"], 2);
    assert!(findings(&r, "missing-return-route").is_empty(), "merged into unreachable-path");
    let f = findings(&r, "unreachable-path");
    assert_eq!(f.len(), 1, "{f:#?}");
    let f = f[0];
    assert_eq!(f["resources"][0], "aws_ec2_transit_gateway_route_table.prod");
    assert_eq!(f["affected"]["count"], 4);
    let members: Vec<&str> =
        f["affected"]["members"].as_array().unwrap().iter().map(|m| m["rule"].as_str().unwrap()).collect();
    assert_eq!(members.iter().filter(|r| **r == "missing-return-route").count(), 1);
    assert_eq!(members.iter().filter(|r| **r == "unreachable-path").count(), 3);
    let flows = strings(&f["affected"]["flows"]);
    assert!(flows.contains(&"aws_subnet.web → aws_instance.orders (tcp 443)"), "{flows:?}");
    assert!(flows.contains(&"aws_subnet.web → aws_instance.orders (tcp 5432)"), "{flows:?}");
    assert!(flows.contains(&"aws_subnet.orders → aws_instance.web (tcp 8080)"), "{flows:?}");
    assert_eq!(strings(&f["affected"]["subnets"]), ["aws_subnet.orders", "aws_subnet.web"]);
}

/// Measured case (b): a Lambda's NACL admitting only 32768-60999 gave one finding per subnet.
#[test]
fn lambda_nacl_gap_is_one_finding_listing_both_subnets() {
    let r = lint("testdata/rules/nacl-ephemeral-gap/fail_lambda_in_two_subnets/plan.json");
    let f = findings(&r, "nacl-ephemeral-gap");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["resources"][0], "aws_network_acl.fn");
    assert_eq!(f[0]["affected"]["count"], 2);
    let subnets = strings(&f[0]["affected"]["subnets"]);
    assert!(subnets.contains(&"aws_subnet.fn_a") && subnets.contains(&"aws_subnet.fn_b"), "{subnets:?}");
    assert_eq!(f[0]["affected"]["flows"].as_array().unwrap().len(), 2);
}

/// Measured case (c): an app SG admitting the bastion instead of the ALB gave one finding per
/// target instance.
#[test]
fn app_group_not_admitting_the_alb_is_one_finding_listing_the_targets() {
    let r = lint("testdata/rules/unreachable-path/fail_app_group_admits_bastion_not_alb/plan.json");
    let f = findings(&r, "unreachable-path");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["resources"][0], "aws_security_group.app");
    assert_eq!(f[0]["affected"]["count"], 3);
    assert_eq!(f[0]["affected"]["flows"].as_array().unwrap().len(), 6);
    let instances = strings(&f[0]["affected"]["instances"]);
    for i in 0..3 {
        assert!(instances.contains(&format!("aws_instance.app[{i}]").as_str()), "{instances:?}");
    }
    // Human output: the count and the first few, not one block per target.
    let plan = common::path("testdata/rules/unreachable-path/fail_app_group_admits_bastion_not_alb/plan.json");
    let human = common::run(&["lint", "--color", "never", &plan]).stdout;
    // Six flows: from the load balancer's nodes in both public subnets to the three targets.
    assert!(human.contains("3 findings of one defect: 6 flows ("), "{human}");
    assert!(human.contains("1 finding (1 error)"), "{human}");
}

/// Measured case (e): one NACL without ephemeral rules gave one finding per flow, most of them
/// about a subnet's hypothetical ENI. The request the same NACL drops (egress tcp 8080) is
/// another rule range, another change: it stays its own `unreachable-path`.
#[test]
fn nacl_without_ephemeral_rules_is_one_finding() {
    let r = lint("testdata/rules/nacl-ephemeral-gap/fail_acl_without_ephemeral_rules/plan.json");
    let f = findings(&r, "nacl-ephemeral-gap");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["affected"]["count"], 3);
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(findings(&r, "unreachable-path").len(), 1);
}

/// Across module instances: one finding per source location, the instances listed; SARIF one
/// result with the other instances as related locations.
#[test]
fn module_instances_are_one_finding_per_source_location() {
    let plan = "testdata/rules/cross-az-nat/fail_module_instances/plan.json";
    let r = lint(plan);
    let f = findings(&r, "cross-az-nat");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["affected"]["count"], 3);
    assert_eq!(
        strings(&f[0]["affected"]["module_instances"]),
        [r#"module.vpc["a"]"#, r#"module.vpc["b"]"#, r#"module.vpc["c"]"#]
    );
    // Every instance passes `single_nat = true`: the module's code is what to change.
    assert!(f[0]["location"]["file"].as_str().unwrap().ends_with("modules/vpc/main.tf"));
    assert_eq!(findings(&r, "s3-via-nat").len(), 1);
    let sarif: Value =
        serde_json::from_str(&common::run(&["lint", "--format", "sarif", &common::path(plan)]).stdout).unwrap();
    let results: Vec<&Value> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().filter(|r| r["ruleId"] == "cross-az-nat").collect();
    assert_eq!(results.len(), 1);
    let related: Vec<&str> = results[0]["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap())
        .collect();
    assert!(related.contains(&r#"module.vpc["b"].aws_subnet.private[1]"#), "{related:?}");
    assert!(related.contains(&r#"module.vpc["c"].aws_subnet.private[1]"#), "{related:?}");
    assert_eq!(results[0]["properties"]["affected"]["count"], 3);
    assert_eq!(results[0]["partialFingerprints"]["tfvpc/v2"], f[0]["fingerprint"]);
}

/// An `ignore` block on one module instance and a `tfvpc:ignore` comment on another `module`
/// block suppress those instances' part only: the grouped finding stays for the rest.
#[test]
fn suppressing_one_module_instance_leaves_the_rest_of_the_group() {
    let r = lint("testdata/group/module-instance-ignore/plan.json");
    let f = findings(&r, "cross-az-nat");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["affected"]["count"], 2);
    assert_eq!(strings(&f[0]["affected"]["module_instances"]), [r#"module.vpc["b"]"#, r#"module.vpc["c"]"#]);
    assert_eq!(r["suppressed"], 2);
    assert!(findings(&r, "unused-suppression").is_empty(), "both suppressions are used");
    // s3-via-nat is not suppressed: all four instances.
    assert_eq!(findings(&r, "s3-via-nat")[0]["affected"]["count"], 4);
}

/// A baseline written by main before grouping (format version 1: one entry per finding of a
/// rule) keeps hiding the grouped findings it covers; one more module instance than it holds
/// makes the grouped finding come back (`grown`), and a version 2 baseline records members.
#[test]
fn version_1_baselines_map_to_grouped_findings() {
    let cases = [
        ("cross-az-nat", "fail_module_instances", 2),
        ("unreachable-path", "fail_tgw_table_lacks_propagation", 1),
        ("unreachable-path", "fail_app_group_admits_bastion_not_alb", 1),
    ];
    for (rule, case, grouped) in cases {
        let plan = common::path(&format!("testdata/rules/{rule}/{case}/plan.json"));
        let baseline = common::path(&format!("testdata/group/baseline-v1/{case}.json"));
        let text = std::fs::read_to_string(&baseline).unwrap();
        assert!(text.contains("\"version\": 1"), "{case}: the fixture is a version 1 baseline");
        let r = common::run(&["lint", "--format", "json", "--baseline", &baseline, &plan]);
        assert_eq!(r.code, 0, "{case}: {}", r.stdout);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["findings"].as_array().unwrap().is_empty(), "{case}: {v:#}");
        assert_eq!(v["baseline"]["hidden"], grouped, "{case}");
        assert_eq!(v["baseline"]["stale"], 0, "{case}");
    }
    // The baseline without module.vpc["c"]'s cross-az-nat: the grouped finding is reported.
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(common::path("testdata/group/baseline-v1/fail_module_instances.json")).unwrap(),
    )
    .unwrap();
    let mut partial = baseline.clone();
    partial["findings"].as_array_mut().unwrap().retain(|e| e["address"] != r#"module.vpc["c"].aws_subnet.private[1]"#);
    let dir = tempdir();
    let partial_file = dir.join("partial.json");
    std::fs::write(&partial_file, serde_json::to_string(&partial).unwrap()).unwrap();
    let plan = common::path("testdata/rules/cross-az-nat/fail_module_instances/plan.json");
    let r = common::run(&["lint", "--format", "json", "--baseline", &partial_file.to_string_lossy(), &plan]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["cross-az-nat"], "{v:#}");
    assert_eq!(v["baseline"]["grown"], 1);
    assert_eq!(v["baseline"]["hidden"], 1);
    // Version 2: one entry per grouped finding, with its members.
    let written = dir.join("v2.json");
    common::run(&["lint", "--write-baseline", &written.to_string_lossy(), &plan]);
    let v2: Value = serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["findings"].as_array().unwrap().len(), 2);
    assert_eq!(v2["findings"][0]["members"].as_array().unwrap().len(), 3);
    let old: Vec<&str> =
        baseline["findings"].as_array().unwrap().iter().map(|e| e["fingerprint"].as_str().unwrap()).collect();
    for e in v2["findings"].as_array().unwrap() {
        for m in e["members"].as_array().unwrap() {
            assert!(old.contains(&m.as_str().unwrap()), "members keep the version 1 fingerprints");
        }
    }
    let r = common::run(&["lint", "--format", "json", "--baseline", &written.to_string_lossy(), &plan]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().is_empty());
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-grouping-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Fingerprints of grouped findings do not depend on which instances are present: the same
/// defect in the three-instance fixture and in the fixture where instance a is suppressed
/// (another root, same module) has the same fingerprint. Where another `module` block
/// (`module.edge`, a smaller name) calls the module too, the smallest block names it.
#[test]
fn grouped_fingerprints_leave_instances_out() {
    let a = lint("testdata/rules/cross-az-nat/fail_module_instances/plan.json");
    let b = lint("testdata/group/module-instance-ignore/plan.json");
    let fp = |r: &Value, rule: &str| findings(r, rule)[0]["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp(&a, "cross-az-nat"), fp(&b, "cross-az-nat"));
    assert_ne!(fp(&a, "s3-via-nat"), fp(&b, "s3-via-nat"));
    assert_eq!(findings(&b, "s3-via-nat")[0]["affected"]["module_instances"][0], "module.edge");
}

/// Every plan and state under testdata/ and ../shared/corpus/plans (when present).
fn every_input() -> Vec<PathBuf> {
    let mut inputs = Vec::new();
    let mut walk = vec![common::root().join("testdata")];
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk.push(p);
            } else if p.file_name().is_some_and(|n| n == "plan.json" || n == "state.json") {
                inputs.push(p);
            }
        }
    }
    if let Some(dir) = common::corpus_dir() {
        inputs.extend(
            std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json")),
        );
    }
    inputs.sort();
    inputs
}

/// The block an address belongs to, instance keys left out.
fn block_of(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The invariant of issue 12: no two findings of one rule at one source location (for
/// findings that fall back to the input's first line: at one block and attribute).
#[test]
fn no_two_findings_of_one_rule_at_one_source_location() {
    let mut failures = Vec::new();
    for input in every_input() {
        let r = common::run(&["lint", "--format", "json", "--fail-on", "never", &input.to_string_lossy()]);
        let Ok(v) = serde_json::from_str::<Value>(&r.stdout) else { continue };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for f in v["findings"].as_array().unwrap() {
            let l = &f["location"];
            let at = match l["kind"].as_str() {
                Some("input") | None => format!(
                    "{} {} {}",
                    f["input"],
                    f["resources"][0].as_str().map(block_of).unwrap_or_default(),
                    f["attribute"]
                ),
                _ => format!("{}:{}:{}", l["file"], l["line"], l["column"]),
            };
            *seen.entry(format!("{} at {at} ({})", f["rule"], f["indeterminate"])).or_default() += 1;
        }
        for (k, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
            failures.push(format!("{}: {n} × {k}", input.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// `affected.count` is exact: the members of all findings of a plan add up to the findings of
/// the rules before grouping (checked on the module fixture, where main gave 6).
#[test]
fn affected_counts_add_up() {
    let r = lint("testdata/rules/cross-az-nat/fail_module_instances/plan.json");
    let total: u64 = r["findings"].as_array().unwrap().iter().map(|f| f["affected"]["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 6);
    for f in r["findings"].as_array().unwrap() {
        assert_eq!(
            f["affected"]["count"].as_u64().unwrap() as usize,
            f["affected"]["members"].as_array().unwrap().len()
        );
    }
}

/// Measured case (d): `tfvpc-gen --vpcs 100` gave 150 `cross-az-nat` warnings at one line of
/// `modules/vpc/main.tf` (5,552 lines of human output); at 12 VPCs (debug builds are slow) main
/// gives 18 there. Now one finding per source location with the module instances listed, and
/// a short human report.
#[test]
fn generated_estate_gives_one_cross_az_nat_per_source_location() {
    let dir = tempdir().join("estate");
    let params = synth::Params { vpcs: 12, subnets_per_vpc: 12, services_per_vpc: 3, seed: 1 };
    let estate = synth::Estate::new(params).unwrap();
    synth::write_estate(&estate, &dir).unwrap();
    let plan = dir.join("plan.json");
    let (_, r) = common::lint_json(&plan);
    let f = findings(&r, "cross-az-nat");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["affected"]["count"], 18);
    assert_eq!(f[0]["affected"]["subnets"].as_array().unwrap().len(), 18);
    assert_eq!(f[0]["affected"]["module_instances"].as_array().unwrap().len(), 3);
    // The three VPCs with the finding are those whose `single_nat` is true: the finding points
    // at that argument of the `module "vpc"` block (tests/caller.rs), not at the module's code.
    assert!(f[0]["location"]["file"].as_str().unwrap().ends_with("estate/main.tf"), "{}", f[0]["location"]);
    assert_eq!(f[0]["location"]["kind"], "module_argument");
    let human = common::run(&["lint", "--color", "never", &plan.to_string_lossy()]).stdout;
    // With the sources beside the plan, one more real defect: the public tables' inline routes
    // and the root's `aws_route.peering_*` on the same tables (a plan alone cannot tell which
    // table `module.vpc[each.value.requester].public_route_table_id` is).
    assert_eq!(r["findings"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(findings(&r, "inline-and-separate-rules").len(), 1, "{r}");
    assert!(human.lines().count() < 90, "{human}");
    assert!(human.contains("18 findings of one defect: 3 module instances ("), "{human}");
}

/// Two inputs with the same defect (same grouped fingerprint) are one baseline entry holding
/// the members of both.
#[test]
fn one_baseline_entry_per_grouped_finding_across_inputs() {
    let dir = tempdir();
    let written = dir.join("two-inputs.json");
    let a = common::path("testdata/rules/cross-az-nat/fail_module_instances/plan.json");
    let b = common::path("testdata/group/module-instance-ignore/plan.json");
    common::run(&["lint", "--write-baseline", &written.to_string_lossy(), &a, &b]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    let nat: Vec<&Value> = v["findings"].as_array().unwrap().iter().filter(|e| e["rule"] == "cross-az-nat").collect();
    assert_eq!(nat.len(), 1, "{v:#}");
    // a, b, c of the first input; b and c of the second (a is suppressed there) have the same
    // member fingerprints.
    assert_eq!(nat[0]["members"].as_array().unwrap().len(), 3);
}
