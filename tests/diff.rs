//! `tfvpc diff` (issue 16) over real update plans (`testdata/diff/<case>/`: Terraform 1.11 plans
//! of `main.tf` against a prior state made from `before.tf.txt`): each case's exact differences
//! (from, to, protocol, ports, change, causes, rule), both forms of input (a plan and its prior
//! state; two inputs), moved resources, the policy and its configuration, every format (SARIF
//! validated against the 2.1.0 schema), exit codes, and `tfvpc lint --diff`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use serde_json::Value;

fn case(name: &str) -> String {
    common::path(&format!("testdata/diff/{name}/plan.json"))
}

fn json(args: &[&str]) -> (u8, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    let r = common::run(&all);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

/// `from → to change protocol ports [causes] rule severity`, one line per entry.
fn lines(report: &Value) -> Vec<String> {
    report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let causes: Vec<&str> = d["causes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
            format!(
                "{} → {} {} {} {} [{}] {} {}",
                d["from"].as_str().unwrap(),
                d["to"].as_str().unwrap(),
                d["change"].as_str().unwrap(),
                d["protocol"].as_str().unwrap(),
                d["ports"].as_str().unwrap_or("-"),
                causes.join(", "),
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn sg_rule_opened_to_the_world_is_internet_exposure() {
    let (code, report) = json(&[&case("sg-open-world")]);
    assert_eq!(report["version"], 1);
    assert_eq!(
        lines(&report),
        [
            "internet → aws_instance.web opened tcp 22 [aws_vpc_security_group_ingress_rule.ssh] internet-exposure-added error"
        ]
    );
    assert_eq!(report["differences"][0]["stage"], "sg-ingress");
    assert_eq!(report["differences"][0]["at"], "aws_security_group.web");
    assert!(report["differences"][0]["location"]["file"].as_str().unwrap().ends_with("sg-open-world/main.tf"));
    assert_eq!(code, 1, "an error fails the run");
}

#[test]
fn route_moved_to_another_nat_is_rerouted_with_the_cost_delta() {
    let (code, report) = json(&[&case("route-other-nat")]);
    assert_eq!(
        lines(&report),
        [
            "aws_instance.app → internet rerouted tcp 0-65535 [aws_route.private_a_default] reachability-changed note",
            "aws_instance.app → internet rerouted udp 0-65535 [aws_route.private_a_default] reachability-changed note",
            "aws_instance.app → internet rerouted icmp all types [aws_route.private_a_default] reachability-changed note",
        ]
    );
    let d = &report["differences"][0];
    assert_eq!(d["path_before"], serde_json::json!(["aws_nat_gateway.a", "aws_internet_gateway.main"]));
    assert_eq!(d["path_after"], serde_json::json!(["aws_nat_gateway.b", "aws_internet_gateway.main"]));
    let (before, after) = (d["usd_per_gb_before"].as_f64().unwrap(), d["usd_per_gb_after"].as_f64().unwrap());
    assert!((after - before - 0.02).abs() < 1e-9, "cross-AZ transfer both ways: {before} → {after}");
    assert_eq!(code, 0, "notes do not fail the run");
}

#[test]
fn peering_removed_closes_the_path() {
    let (_, report) = json(&[&case("peering-removed")]);
    assert_eq!(
        lines(&report),
        [
            "aws_instance.app → aws_instance.payments closed tcp 443 [aws_route.app_to_payments, aws_route.payments_to_app, \
          aws_vpc_peering_connection.app_payments] reachability-changed note"
        ]
    );
    let d = &report["differences"][0];
    assert_eq!((d["stage"].as_str(), d["at"].as_str()), (Some("route"), Some("aws_route_table.app")));
    // The deleted route has no block left: the annotation goes to the table that lost it.
    assert_eq!(d["location"]["line"], 15);
}

#[test]
fn nacl_tightened_closes_one_port() {
    let (_, report) = json(&[&case("nacl-tightened")]);
    assert_eq!(
        lines(&report),
        [
            "aws_instance.client → aws_instance.app closed tcp 22 [aws_network_acl_rule.app_in_deny_ssh] reachability-changed note"
        ]
    );
}

#[test]
fn a_moved_resource_is_the_same_on_both_sides() {
    let expected =
        ["aws_instance.client → aws_instance.frontend opened tcp 443 [aws_vpc_security_group_ingress_rule.web_https] \
          reachability-changed note"];
    let (_, report) = json(&[&case("moved")]);
    assert_eq!(lines(&report), expected);
    // Two inputs: the prior state names aws_instance.web; the plan's `previous_address` maps it.
    let state = common::path("testdata/diff/moved/terraform.tfstate");
    let (_, report) = json(&[&state, &case("moved")]);
    assert_eq!(lines(&report), expected);
}

#[test]
fn two_inputs_give_the_differences_of_the_plan() {
    for name in ["sg-open-world", "route-other-nat", "peering-removed", "nacl-tightened"] {
        let state = common::path(&format!("testdata/diff/{name}/terraform.tfstate"));
        let (_, one) = json(&[&case(name)]);
        let (_, two) = json(&[&state, &case(name)]);
        assert_eq!(lines(&one), lines(&two), "{name}");
    }
}

#[test]
fn an_input_diffed_with_itself_has_no_difference() {
    for name in ["sg-open-world", "route-other-nat", "peering-removed", "nacl-tightened", "moved"] {
        let (code, report) = json(&[&case(name), &case(name)]);
        assert_eq!(lines(&report), Vec::<String>::new(), "{name}");
        assert_eq!(code, 0);
    }
}

#[test]
fn a_state_alone_is_a_usage_error() {
    let r = common::run(&["diff", &common::path("testdata/diff/moved/terraform.tfstate")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has one side only"), "{}", r.stderr);
}

/// A temporary folder (one per test: `tag`) with a copy of a case and a configuration file.
fn with_config(tag: &str, name: &str, config: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-diff-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["main.tf", "providers.tf", "plan.json"] {
        std::fs::copy(common::root().join(format!("testdata/diff/{name}/{f}")), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join(".tfvpc.hcl"), config).unwrap();
    dir
}

#[test]
fn a_declared_public_resource_is_not_internet_exposure() {
    let dir = with_config("public", "sg-open-world", "public \"aws_instance.web\" { reason = \"the SSH host\" }\n");
    let (code, report) = json(&[&dir.join("plan.json").to_string_lossy()]);
    assert_eq!(report["differences"][0]["rule"], "reachability-changed");
    assert_eq!(code, 0);
}

#[test]
fn fail_on_makes_a_kind_of_change_an_error() {
    let dir = with_config("fail-on", "nacl-tightened", "diff { fail_on = \"closed\" }\n");
    let (code, report) = json(&[&dir.join("plan.json").to_string_lossy()]);
    assert_eq!(report["differences"][0]["severity"], "error");
    assert_eq!(code, 1);
}

#[test]
fn an_ignore_block_suppresses_a_difference() {
    let config = "ignore {\n  rule    = \"internet-exposure-added\"\n  address = \"aws_vpc_security_group_ingress_rule.ssh\"\n  reason  = \"temporary\"\n}\n";
    let dir = with_config("ignore", "sg-open-world", config);
    let (code, report) = json(&[&dir.join("plan.json").to_string_lossy()]);
    assert_eq!(lines(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(code, 0);
}

#[test]
fn a_bad_fail_on_is_a_configuration_error() {
    let dir = with_config("bad", "nacl-tightened", "diff { fail_on = \"opend\" }\n");
    let r = common::run(&["diff", &dir.join("plan.json").to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean \"opened\""), "{}", r.stderr);
}

#[test]
fn human_and_markdown_reports() {
    let r = common::run(&["diff", &case("sg-open-world")]);
    assert!(r.stdout.starts_with("internet → aws_instance.web: opened tcp 22\n"), "{}", r.stdout);
    assert!(r.stdout.contains("caused by aws_vpc_security_group_ingress_rule.ssh"));
    assert!(r.stdout.ends_with("1 difference (1 opened)\n"));
    let r = common::run(&["diff", "--format", "markdown", &case("peering-removed")]);
    assert!(
        r.stdout.contains("| 🔵 | closed | `aws_instance.app` | `aws_instance.payments` | tcp 443 |"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("```mermaid\nflowchart LR\n"));
    assert!(r.stdout.contains("n0 -- \"closed: tcp 443\" --x n1"));
}

#[test]
fn sarif_and_github_annotate_the_causing_lines() {
    let r = common::run(&["diff", "--format", "sarif", &case("nacl-tightened")]);
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "reachability-changed");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 82);
    if let Some(schema) = ["../shared", "../../shared"]
        .iter()
        .find_map(|d| std::fs::read_to_string(common::root().join(d).join("schemas/sarif-schema-2.1.0.json")).ok())
    {
        let schema: Value = serde_json::from_str(&schema).unwrap();
        let validator = jsonschema::draft4::new(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    let r = common::run(&["diff", "--format", "github", &case("sg-open-world")]);
    assert!(r.stdout.starts_with("::error file=testdata/diff/sg-open-world/main.tf,line=53,"), "{}", r.stdout);
}

#[test]
fn lint_diff_appends_the_differences() {
    let r = common::run(&["lint", "--diff", "--format", "json", "--fail-on", "never", &case("nacl-tightened")]);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        lines(&report),
        [
            "aws_instance.client → aws_instance.app closed tcp 22 [aws_network_acl_rule.app_in_deny_ssh] reachability-changed note"
        ]
    );
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "reachability-changed"));
    let human = common::run(&["lint", "--diff", &case("nacl-tightened")]);
    assert!(
        human
            .stdout
            .contains("what this change opens and closes:\n  aws_instance.client → aws_instance.app: closed tcp 22")
    );
    // Without --diff nothing of it.
    let plain = common::run(&["lint", "--format", "json", &case("nacl-tightened")]);
    let plain: Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(plain.get("differences").is_none());
}

#[test]
fn a_moved_resource_has_its_new_address_before_the_change() {
    // What keeps `introduced` right for moved resources: the network before the change names
    // the moved instance by its new address, so its findings' fingerprints match on both sides;
    // the document records the move for comparing two inputs.
    let plan = case("moved");
    let (input, doc, _) =
        tfvpc::ingest::load_any(&plan, &mut std::io::empty(), &tfvpc::ingest::HclOptions::default()).unwrap();
    assert_eq!(doc.moved.get("aws_instance.frontend").map(String::as_str), Some("aws_instance.web"));
    let before = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::Before);
    assert!(before.find("aws_instance.frontend").is_some());
    assert!(before.find("aws_instance.web").is_none());
}
