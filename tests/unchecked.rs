//! Runs that checked nothing, or less than they seem to, say so (issue 12, "Say what was not
//! checked"): an input that models no VPC and no subnet says it in every format; sources that
//! hold none of the plan's resources warn; findings that fall back to the input's first line say
//! why, once per input. (`expect` blocks that match nothing are the rule
//! `expect-matches-nothing`, tested by its fixtures in `tests/rule_fixtures.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use serde_json::Value;

const NOTHING: &str = "0 VPCs modelled: the network comes from data sources or another root";

fn lint(args: &[&str]) -> common::Run {
    let mut all = vec!["lint", "--color", "never", "--fail-on", "never"];
    all.extend_from_slice(args);
    common::run(&all)
}

fn json_of(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let r = lint(&all);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr))
}

fn warnings(report: &Value) -> Vec<String> {
    report["per_input"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()))
        .collect()
}

/// The SARIF schema from `../shared` (or `../../shared` for a worktree one level deeper).
fn sarif_validator() -> Option<jsonschema::Validator> {
    let text = ["../shared", "../../shared"].iter().find_map(|dir| {
        std::fs::read_to_string(common::root().join(dir).join("schemas/sarif-schema-2.1.0.json")).ok()
    })?;
    let schema: Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::draft4::new(&schema).unwrap())
}

/// The plan of a root whose VPC and subnet are data sources (real Terraform, deferred reads):
/// every format says that nothing was modelled, where a clean run would say only "no findings".
#[test]
fn a_plan_modelling_no_vpc_says_so_in_every_format() {
    let plan = common::path("testdata/plans/data-source-vpc/plan.json");
    let report = json_of(&[&plan]);
    assert_eq!(report["summary"]["vpcs"], 0);
    assert_eq!(report["summary"]["subnets"], 0);
    let w = warnings(&report);
    assert_eq!(w.iter().filter(|w| w.starts_with(NOTHING)).count(), 1, "JSON warnings: {w:?}");

    let human = lint(&[&plan]).stdout;
    assert!(human.contains("no findings in 1 input"), "{human}");
    let last = human.lines().last().unwrap();
    assert!(last.contains(NOTHING) && last.contains("data-source-vpc/plan.json"), "human summary: {human}");
    assert_eq!(human.matches(NOTHING).count(), 1, "said once: {human}");

    let markdown = lint(&["--format", "markdown", &plan]).stdout;
    assert!(markdown.contains(NOTHING), "{markdown}");

    let github = lint(&["--format", "github", &plan]).stdout;
    assert!(
        github.lines().any(|l| l.starts_with("::notice title=tfvpc::") && l.contains(NOTHING)),
        "GitHub notice: {github}"
    );

    let sarif_text = lint(&["--format", "sarif", &plan]).stdout;
    let sarif: Value = serde_json::from_str(&sarif_text).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"].as_str().unwrap().contains(NOTHING)), "SARIF: {notes:?}");
    if let Some(validator) = sarif_validator() {
        let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "SARIF invalid: {errors:?}");
    }

    // A Code Climate report is an array of issues: it has no place for a run-level note.
    let gitlab = lint(&["--format", "gitlab", &plan]).stdout;
    assert_eq!(serde_json::from_str::<Value>(&gitlab).unwrap(), serde_json::json!([]));
}

/// A plan that models a network does not get the note.
#[test]
fn a_plan_modelling_a_vpc_has_no_such_note() {
    let report = json_of(&[&common::path("testdata/plans/basic-vpc/plan.json")]);
    assert!(!warnings(&report).iter().any(|w| w.contains(NOTHING)));
}

/// `--source-dir` naming the sources of another root: none of the plan's resources is there, so
/// every finding points at the plan. Said once, in the input's warnings.
#[test]
fn source_dir_without_the_plans_resources_warns() {
    let plan = common::path("testdata/plans/basic-vpc/plan.json");
    let other = common::path("testdata/rules/expect-matches-nothing/pass_pattern_matches");
    let report = json_of(&["--source-dir", &other, &plan]);
    let w = warnings(&report);
    let about: Vec<&String> = w.iter().filter(|w| w.contains("holds none or few of this input's resources")).collect();
    assert_eq!(about.len(), 1, "{w:?}");
    assert!(about[0].starts_with("--source-dir "), "{w:?}");
    assert!(!w.iter().any(|w| w.contains("not found in the .tf sources")), "said once: {w:?}");
    // Some findings point at the plan, others at blocks of another root that share a name.
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["location"]["kind"] == "input"));
    // The right folder: no warning.
    let right = json_of(&["--source-dir", &common::path("testdata/plans/basic-vpc"), &plan]);
    assert!(warnings(&right).is_empty(), "{:?}", warnings(&right));
}

/// The criterion gives no false warning: every fixture whose folder holds a `resource` block
/// (the sources `terraform plan` ran on) is found in its sources.
#[test]
fn no_fixture_with_sources_gets_the_foreign_sources_warning() {
    let mut plans = Vec::new();
    let mut stack = vec![common::root().join("testdata")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "plan.json" || n == "state.json") {
                plans.push(p);
            }
        }
    }
    let mut checked = 0;
    for plan in plans {
        let dir = plan.parent().unwrap();
        let has_resource_blocks = std::fs::read_dir(dir).unwrap().flatten().any(|e| {
            e.path().extension().is_some_and(|x| x == "tf")
                && std::fs::read_to_string(e.path()).unwrap().lines().any(|l| l.starts_with("resource \""))
        });
        if !has_resource_blocks || dir.components().any(|c| c.as_os_str() == "bad") {
            continue;
        }
        let r = lint(&["--format", "json", &plan.to_string_lossy()]);
        let Ok(report) = serde_json::from_str::<Value>(&r.stdout) else { continue };
        let w = warnings(&report);
        assert!(
            !w.iter().any(|w| w.contains("holds none or few of this input's resources")),
            "{}: {w:?}",
            plan.display()
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} fixtures with sources");
}

/// A plan copied away from its `.tf` files: its findings point at `plan.json:1`, and the input's
/// warnings say why, once.
#[test]
fn findings_at_the_input_say_why_once() {
    let dir = std::env::temp_dir().join(format!("tfvpc-unchecked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.json");
    std::fs::copy(common::root().join("testdata/plans/basic-vpc/plan.json"), &plan).unwrap();
    let report = json_of(&[&plan.to_string_lossy()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(report["findings"].as_array().unwrap().len() > 1);
    let w = warnings(&report);
    let why: Vec<&String> = w.iter().filter(|w| w.contains("findings point at the input")).collect();
    assert_eq!(why.len(), 1, "{w:?}");
    assert!(why[0].starts_with("no .tf sources in ") && why[0].contains("--source-dir"), "{w:?}");

    // Beside its sources, nothing to say.
    let report = json_of(&[&common::path("testdata/plans/basic-vpc/plan.json")]);
    assert!(warnings(&report).is_empty());
}

/// Standard input has no folder: the same warning as before, once.
#[test]
fn findings_from_stdin_say_why_once() {
    let text = std::fs::read(common::root().join("testdata/plans/basic-vpc/plan.json")).unwrap();
    let r = common::run_with_stdin(&["lint", "--format", "json", "--fail-on", "never", "-"], &text);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let w = warnings(&report);
    assert_eq!(w.iter().filter(|w| w.starts_with("standard input has no folder")).count(), 1, "{w:?}");
}

/// An `ignore` block for `expect-matches-nothing` suppresses it and counts as used (it is not
/// reported as `unused-suppression`).
#[test]
fn an_ignored_expect_that_matches_nothing_is_a_used_suppression() {
    let case = common::root().join("testdata/rules/expect-matches-nothing/fail_doc_example");
    let dir = std::env::temp_dir().join(format!("tfvpc-unchecked-ignore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["plan.json", "support.tf"] {
        std::fs::copy(case.join(file), dir.join(file)).unwrap();
    }
    let config = std::fs::read_to_string(case.join(".tfvpc.hcl")).unwrap()
        + "\nignore {\n  rule   = \"expect-matches-nothing\"\n  reason = \"the web tier is planned later\"\n}\n";
    std::fs::write(dir.join(".tfvpc.hcl"), config).unwrap();
    let report = json_of(&[&dir.join("plan.json").to_string_lossy()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
    assert_eq!(report["suppressed"], 1);
}
