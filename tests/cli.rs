//! End-to-end: the CLI run in-process — exit codes, the JSON contract, inputs of every kind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use common::{path, run, run_with_stdin};

const BASIC: &str = "testdata/plans/basic-vpc/plan.json";

#[test]
fn lint_reports_the_basic_example_and_fails() {
    let r = run(&["lint", &path(BASIC)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("subnet-cidr-overlap"), "{}", r.stdout);
    assert!(r.stdout.contains("aws_subnet.private_extra"), "{}", r.stdout);
    assert!(r.stdout.contains("cross-az-nat"), "{}", r.stdout);
    assert!(r.stdout.contains("3 findings (1 error, 1 warning, 1 note) in 1 input"), "{}", r.stdout);
    assert!(!r.stdout.contains('\u{1b}'), "no colour when not on a terminal");
}

#[test]
fn json_report_follows_the_contract() {
    let r = run(&["lint", "--format", "json", &path(BASIC)]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(v["tool"]["name"], "tfvpc");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["inputs"][0], path(BASIC));
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "subnet-cidr-overlap").unwrap();
    for key in ["rule", "severity", "message", "resources", "input", "location", "help"] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["rule"], "subnet-cidr-overlap");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["resources"][0], "aws_subnet.private_extra");
    assert_eq!(f["input"], path(BASIC));
    let s = &v["summary"];
    for key in [
        "vpcs",
        "subnets",
        "route_tables",
        "internet_gateways",
        "nat_gateways",
        "peering_connections",
        "transit_gateways",
        "vpc_endpoints",
        "security_groups",
        "network_acls",
        "workloads",
        "links_unknown",
        "external_references",
        "not_modelled",
    ] {
        assert!(s.get(key).is_some(), "summary lacks {key}: {s}");
    }
    assert_eq!(s["vpcs"], 1);
    assert_eq!(s["subnets"], 5);
    assert_eq!(s["nat_gateways"], 1);
    assert_eq!(s["workloads"], 2);
    assert_eq!(s["findings"]["error"], 1);
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(run(&["lint", "--fail-on", "never", &path(BASIC)]).code, 0);
    assert_eq!(run(&["lint", "--fail-on", "error", &path(BASIC)]).code, 1);
    assert_eq!(run(&["lint", &path("testdata/plans/empty-plan/plan.json")]).code, 0);
}

#[test]
fn standard_input_and_several_inputs_are_linted_separately() {
    let bytes = std::fs::read(path(BASIC)).unwrap();
    let r =
        run_with_stdin(&["lint", "--format", "json", "-", &path("testdata/plans/default-adoption/plan.json")], &bytes);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["inputs"][0], "-");
    assert_eq!(v["findings"][0]["input"], "-");
    assert_eq!(v["per_input"].as_array().unwrap().len(), 2);
}

#[test]
fn encodings_are_detected_from_content() {
    for f in ["utf8-bom.json", "utf16le-bom.json", "utf16be-bom.json"] {
        let r = run(&["lint", "--format", "json", &path(&format!("testdata/bad/{f}"))]);
        assert_eq!(r.code, 1, "{f}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["findings"].as_array().unwrap().iter().any(|x| x["rule"] == "subnet-cidr-overlap"), "{f}");
    }
}

#[test]
fn wrong_documents_exit_2_with_advice() {
    let cases = [
        ("plan-json-events.json", "event stream of `terraform plan -json`"),
        ("binary-tfplan", "binary plan file"),
        ("empty.json", "the input is empty"),
        ("not-terraform.json", "not a Terraform plan or state"),
        ("format-v2.json", "format_version 2.0 is not supported"),
        ("truncated.json", "ends early"),
    ];
    for (file, expected) in cases {
        let r = run(&["lint", &path(&format!("testdata/bad/{file}"))]);
        assert_eq!(r.code, 2, "{file}");
        // miette wraps lines; compare the words.
        let flat = r.stderr.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
        assert!(flat.contains(expected), "{file}: {}", r.stderr);
        assert!(flat.contains("terraform show -json") || file == "format-v2.json", "{file} gives the command to run");
    }
    let r = run(&["lint", "/nonexistent/plan.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/plan.json"), "{}", r.stderr);
}

#[test]
fn one_bad_input_does_not_hide_the_others() {
    let r = run(&["lint", "--format", "json", &path("testdata/bad/empty.json"), &path(BASIC)]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    assert_eq!(v["errors"][0]["input"], path("testdata/bad/empty.json"));
    // The human summary does not read as a clean run.
    let r = run(&["lint", "--color", "never", &path("testdata/bad/empty.json"), &path(BASIC)]);
    assert_eq!(r.code, 2);
    let last = r.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        format!("1 input could not be analysed (see the errors above): {}", path("testdata/bad/empty.json"))
    );
    assert!(r.stdout.contains("3 findings (1 error, 1 warning, 1 note) in 1 input"), "{}", r.stdout);
}

#[test]
fn partial_plans_are_analysed_with_a_warning() {
    let mut plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path(BASIC)).unwrap()).unwrap();
    plan["errored"] = serde_json::Value::Bool(true);
    plan["complete"] = serde_json::Value::Bool(false);
    let r = run_with_stdin(&["lint", "-"], plan.to_string().as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("errored"), "{}", r.stdout);
    assert!(r.stdout.contains("not complete"), "{}", r.stdout);
    assert!(r.stdout.contains("subnet-cidr-overlap"));
}

#[test]
fn opentofu_plans_are_accepted() {
    // `tofu show -json` writes the same document; its version key names OpenTofu's version.
    let mut plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path(BASIC)).unwrap()).unwrap();
    plan["terraform_version"] = serde_json::Value::String("1.8.3".into());
    let r = run_with_stdin(&["lint", "--format", "json", "-"], plan.to_string().as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn state_files_are_read() {
    for f in ["testdata/plans/state-show/state.json", "testdata/plans/state-show/terraform.tfstate"] {
        let r = run(&["lint", "--format", "json", "--fail-on", "error", &path(f)]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["summary"]["vpcs"], 1, "{f}");
        assert_eq!(v["summary"]["subnets"], 4, "{f}");
        assert_eq!(v["summary"]["nat_gateways"], 2, "{f}");
    }
}

#[test]
fn config_disables_and_reclassifies_rules() {
    let dir = std::env::temp_dir().join(format!("tfvpc-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join(".tfvpc.hcl");
    std::fs::write(
        &cfg,
        "rule \"subnet-cidr-overlap\" {\n  severity = \"note\"\n}\nrule \"cross-az-nat\" {\n  severity = \"note\"\n}\n",
    )
    .unwrap();
    let r = run(&["lint", "--format", "json", "--config", &cfg.to_string_lossy(), "--fail-on", "note", &path(BASIC)]);
    assert_eq!(r.code, 1, "notes fail only with --fail-on note");
    let r = run(&["lint", "--format", "json", "--config", &cfg.to_string_lossy(), &path(BASIC)]);
    assert_eq!(r.code, 0, "a note never fails the run by default");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "note"));
    std::fs::write(
        &cfg,
        "rule \"subnet-cidr-overlap\" {\n  enabled = false\n}\nrule \"cross-az-nat\" {\n  enabled = false\n}\n",
    )
    .unwrap();
    let r = run(&["lint", "--format", "json", "--config", &cfg.to_string_lossy(), &path(BASIC)]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["rule"] == "s3-via-nat"));
    std::fs::write(&cfg, "rule \"subnet-cidr-overlapp\" {\n  enabled = false\n}\n").unwrap();
    let r = run(&["lint", "--config", &cfg.to_string_lossy(), &path(BASIC)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(":1:"), "{}", r.stderr);
    assert!(r.stderr.contains("subnet-cidr-overlap"), "suggests the right name: {}", r.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn graph_json_follows_the_contract() {
    let r = run(&["graph", "--format", "json", &path(BASIC)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let nodes = v["nodes"].as_array().unwrap();
    let node = nodes.iter().find(|n| n["id"] == "aws_subnet.public[0]").unwrap();
    assert_eq!(node["type"], "aws_subnet");
    assert_eq!(node["family"], "subnet");
    let edges = v["edges"].as_array().unwrap();
    let has = |from: &str, to: &str, kind: &str| {
        edges.iter().any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
    };
    assert!(has("aws_subnet.public[0]", "aws_vpc.main", "in_vpc"));
    assert!(has("aws_subnet.public[0]", "aws_route_table.public", "associated"));
    assert!(has("aws_route_table.private", "aws_nat_gateway.main", "routes_to"));
    assert!(has("aws_nat_gateway.main", "aws_subnet.public[0]", "in_subnet"));
    for e in edges {
        assert!(["id", "reference", "inferred", "data"].contains(&e["provenance"].as_str().unwrap()), "{e}");
    }
    for fmt in ["dot", "mermaid"] {
        let r = run(&["graph", "--format", fmt, &path(BASIC)]);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("aws_vpc.main"));
    }
}

#[test]
fn rules_and_explain_cover_every_rule() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    for name in tfvpc::rules::names() {
        assert!(r.stdout.contains(name));
        let e = run(&["explain", name]);
        assert_eq!(e.code, 0);
        assert!(e.stdout.contains("## Why is this bad?"));
    }
    let e = run(&["explain", "no-such-rule"]);
    assert_eq!(e.code, 2);
}

#[test]
fn arbitrary_bytes_never_panic() {
    let samples: [&[u8]; 8] = [
        b"{",
        b"{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"x\"}]}",
        b"{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_vpc.a\",\"type\":\"aws_vpc\",\"change\":{\"actions\":[\"create\"],\"after\":{\"cidr_block\":7}}}]}",
        b"{\"format_version\":1}",
        b"\xff\xfe\x00",
        b"{\"version\":4,\"resources\":[{\"type\":\"aws_subnet\",\"name\":\"a\",\"instances\":[{\"attributes\":{\"cidr_block\":\"nonsense\"}}]}]}",
        b"{\"format_version\":\"1.2\",\"configuration\":{\"root_module\":{\"module_calls\":{\"m\":{\"module\":{\"resources\":[{\"address\":\"aws_subnet.s\",\"type\":\"aws_subnet\",\"mode\":\"managed\",\"expressions\":{\"vpc_id\":{\"references\":[\"module.m.x\",\"var.v\",\"local.l\",\"aws_vpc.v[\\\"k\\\"]\"]}}}]}}}}},\"resource_changes\":[{\"address\":\"module.m.aws_subnet.s\",\"type\":\"aws_subnet\",\"mode\":\"managed\",\"change\":{\"actions\":[\"create\"],\"after\":{},\"after_unknown\":{\"vpc_id\":true}}}]}",
        b"\x00\x00\x00",
    ];
    for s in samples {
        let r = run_with_stdin(&["lint", "-"], s);
        assert!(r.code <= 2, "{s:?}");
    }
}

#[test]
fn indeterminate_notes_are_shown_on_request_and_never_fail() {
    // The plan alone (its sources would decide what stays undecided here).
    let plan = common::alone("testdata/plans/modules-count-foreach/plan.json");
    let plain = run(&["lint", "--format", "json", "--fail-on", "never", &plan]);
    let v: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f.get("indeterminate").is_none()));
    let shown = run(&["lint", "--format", "json", "--fail-on", "note", "--show-indeterminate", &plan]);
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let notes: Vec<&serde_json::Value> =
        v["findings"].as_array().unwrap().iter().filter(|f| f["indeterminate"] == true).collect();
    assert!(!notes.is_empty(), "{}", shown.stdout);
    assert!(notes.iter().all(|f| f["severity"] == "note"));
    assert!(notes.iter().all(|f| f["message"].as_str().unwrap().contains("not known until apply")));
    // The input says how many flows stayed undecided and why, most frequent cause first.
    let warnings = v["per_input"][0]["warnings"].to_string();
    assert!(warnings.contains("2 flows stayed undecided until apply; top causes: route 0.0.0.0/0"), "{warnings}");
    assert!(!v["per_input"][0]["warnings"].to_string().is_empty());
    let plain_warnings: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(!plain_warnings["per_input"][0]["warnings"].to_string().contains("undecided"));
    // The run's exit code is the same with and without them.
    let without = run(&["lint", "--fail-on", "note", &plan]);
    assert_eq!(shown.code, without.code);
}
