//! Evaluator fixtures: real Terraform plans under `testdata/eval/<case>/` with the traces they
//! must produce (`expect.json`: verdict, `dropped_at`, leg, deciding resource, gateways on the
//! path, failing ports), run through `tfvpc trace` in-process, with the human and JSON output
//! snapshotted (insta).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use common::{path, root, run};
use serde_json::Value;

fn cases() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let dir = root().join("testdata/eval");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for case in entries {
        let expect = case.join("expect.json");
        if !expect.is_file() {
            continue;
        }
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(expect).unwrap()).unwrap();
        out.push((name, value));
    }
    out
}

/// A case's input: its plan, or the state a `state-only` fixture holds.
fn input(case: &str) -> String {
    let plan = format!("testdata/eval/{case}/plan.json");
    if root().join(&plan).is_file() { path(&plan) } else { path(&format!("testdata/eval/{case}/state.json")) }
}

fn args<'a>(case: &str, t: &'a Value, plan: &'a str, format: &'a str) -> Vec<String> {
    let mut a = vec![
        "trace".to_string(),
        plan.to_string(),
        "--from".into(),
        t["from"].as_str().unwrap().into(),
        "--to".into(),
        t["to"].as_str().unwrap().into(),
        "--protocol".into(),
        t["protocol"].as_str().unwrap().into(),
        "--format".into(),
        format.into(),
        "--gb-per-month".into(),
        "100".into(),
    ];
    if let Some(p) = t.get("port") {
        a.push("--port".into());
        a.push(p.to_string());
    }
    let _ = case;
    a
}

#[test]
fn every_fixture_trace_matches_its_expectation() {
    let cases = cases();
    assert!(cases.len() >= 12, "fixtures missing");
    let mut failures = Vec::new();
    for (case, expect) in &cases {
        let plan = input(case);
        for t in expect["traces"].as_array().unwrap() {
            let name = t["name"].as_str().unwrap();
            let a = args(case, t, &plan, "json");
            let argv: Vec<&str> = a.iter().map(String::as_str).collect();
            let r = run(&argv);
            let want_code = match t["verdict"].as_str().unwrap() {
                "unreachable" => 1,
                _ => 0,
            };
            if r.code != want_code {
                failures.push(format!("{case}/{name}: exit {} (want {want_code}): {}{}", r.code, r.stderr, r.stdout));
                continue;
            }
            let got: Value = serde_json::from_str(&r.stdout).unwrap();
            for key in ["verdict", "dropped_at", "dropped_leg", "dropped_in"] {
                if got[key] != t[key] {
                    failures.push(format!(
                        "{case}/{name}: {key} = {} (want {}); reason: {}",
                        got[key], t[key], got["reason"]
                    ));
                }
            }
            let path: Vec<&str> = got["path"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            for want in t["path_contains"].as_array().unwrap() {
                if !path.contains(&want.as_str().unwrap()) {
                    failures.push(format!("{case}/{name}: path {path:?} lacks {want}"));
                }
            }
            if let Some(at) = t.get("undetermined_at")
                && &got["undetermined_at"] != at
            {
                failures.push(format!("{case}/{name}: undetermined_at {} (want {at})", got["undetermined_at"]));
            }
            if let Some(want) = t.get("reason_contains").and_then(Value::as_str)
                && !got["reason"].as_str().unwrap_or_default().contains(want)
            {
                failures.push(format!("{case}/{name}: reason {} lacks {want:?}", got["reason"]));
            }
            if let Some(ports) = t.get("failing_ports")
                && &got["failing_ports"] != ports
            {
                failures.push(format!("{case}/{name}: failing_ports {} (want {ports})", got["failing_ports"]));
            }
            // The JSON contract of issue 3.
            for key in [
                "verdict",
                "dropped_at",
                "dropped_leg",
                "dropped_in",
                "undetermined_at",
                "reason",
                "path",
                "forward",
                "return",
                "failing_ports",
                "cost",
            ] {
                if got.get(key).is_none() {
                    failures.push(format!("{case}/{name}: JSON lacks {key}"));
                }
            }
            for hop in got["forward"].as_array().unwrap().iter().chain(got["return"].as_array().unwrap()) {
                for key in ["stage", "resource", "decision", "reason"] {
                    if hop.get(key).is_none() {
                        failures.push(format!("{case}/{name}: hop lacks {key}: {hop}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_traces_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots/eval"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (case, expect) in cases() {
            let plan = input(&case);
            for t in expect["traces"].as_array().unwrap() {
                let name = t["name"].as_str().unwrap();
                for (format, ext) in [("human", "human"), ("json", "json")] {
                    let a = args(&case, t, &plan, format);
                    let argv: Vec<&str> = a.iter().map(String::as_str).collect();
                    let r = run(&argv);
                    insta::assert_snapshot!(format!("{case}__{name}__{ext}"), r.stdout);
                }
            }
        }
    });
}

#[test]
fn trace_exit_codes_and_usage_errors() {
    let alb = path("testdata/eval/alb/plan.json");
    // Bad endpoint: exit 2, close matches in the help.
    let r = run(&["trace", &alb, "--from", "aws_instance.ap", "--to", "internet", "--port", "443"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `aws_instance.app`"), "{}", r.stderr);
    // tcp without a port.
    let r = run(&["trace", &alb, "--from", "aws_instance.app", "--to", "internet"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--port"), "{}", r.stderr);
    // Unknown protocol.
    let r = run(&["trace", &alb, "--from", "aws_instance.app", "--to", "internet", "--protocol", "sctp"]);
    assert_eq!(r.code, 2);
    // Indeterminate: a public IP that depends on nothing known... use a subnet pair whose
    // addresses are a choice and a NACL that splits them (hand-built plans cover that); here a
    // reachable and an unreachable verdict give 0 and 1.
    let ok = run(&["trace", &alb, "--from", "aws_lb.good", "--to", "aws_instance.app", "--port", "8080"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let bad = run(&["trace", &alb, "--from", "aws_lb.broken", "--to", "aws_instance.app", "--port", "8080"]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    // Every AZ of a load balancer is traced, and each is shown.
    let v: Value = serde_json::from_str(
        &run(&["trace", &alb, "--from", "internet", "--to", "aws_lb.good", "--port", "443", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(v["traces"].as_array().unwrap().len(), 2);
}

#[test]
fn indeterminate_exits_zero_unless_asked() {
    // An instance in a subnet outside the input (external-ids): its address is unknown.
    let plan = path("testdata/plans/external-ids/plan.json");
    let args = ["trace", plan.as_str(), "--from", "internet", "--to", "aws_instance.worker", "--port", "443"];
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("verdict: indeterminate"), "{}", r.stdout);
    assert!(r.stderr.contains("--fail-on-indeterminate"), "{}", r.stderr);
    let mut strict = args.to_vec();
    strict.push("--fail-on-indeterminate");
    assert_eq!(run(&strict).code, 1);
}

#[test]
fn network_firewall_inspection_lints_clean_and_its_defect_is_found() {
    // docs/semantics.md §1.9: a correct inspection VPC (one AZ decided by the plan, two AZs
    // undecided in the plan, two AZs linked by id in a state, centralised behind a transit
    // gateway) gives no finding: only the firewall's policy, or which endpoint a route reads,
    // is unknown.
    for case in ["network-firewall", "network-firewall-2az", "network-firewall-state", "network-firewall-tgw"] {
        let input = input(case);
        let r = run(&["lint", &input, "--format", "json"]);
        assert_eq!(r.code, 0, "{case}: {}{}", r.stderr, r.stdout);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{case}: {}", r.stdout);
        // The undecided flows are notes, each naming why.
        let r = run(&["lint", &input, "--format", "json", "--show-indeterminate"]);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        let notes = v["findings"].as_array().unwrap();
        // (No intent crosses the transit gateway's inspection path: its spoke has no note.)
        assert!(case == "network-firewall-tgw" || !notes.is_empty(), "{case}: no note for the undecided flows");
        for n in notes {
            let m = n["message"].as_str().unwrap();
            assert!(
                m.contains("its policy is not evaluated")
                    || m.contains("subnet mappings of aws_networkfirewall_firewall.main"),
                "{case}: {m}"
            );
        }
    }
    // The firewall subnet has no route out: the replies are dropped after the firewall, whatever
    // its policy says, and that is reported on the table that lacks the route.
    let input = input("network-firewall-broken");
    let r = run(&["lint", &input, "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stderr, r.stdout);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    assert_eq!(findings[0]["rule"], "unreachable-path");
    assert_eq!(findings[0]["resources"][0], "aws_route_table.firewall");
    assert!(findings[0]["message"].as_str().unwrap().contains("NO_ROUTE_TO_DESTINATION"), "{}", r.stdout);
}
