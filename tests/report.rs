//! Issue 5: findings on the right `.tf` line. Snapshots of every format for fixtures with
//! sources (nested modules with `count` and `for_each`, `.tf.json`, an override, a plan with
//! prior state), SARIF validated against the 2.1.0 schema, exit codes, source locations, and
//! fingerprints that survive moved lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

use common::{run, run_with_stdin};
use serde_json::Value;
use tfvpc::finding::{Finding, Hop, Location, LocationKind, Severity, Trace};
use tfvpc::report::{LintReport, Options};
use tfvpc::source::Sources;

/// Fixtures snapshotted in every format (paths relative to the crate root, where cargo runs
/// integration tests, so the output shows the paths a user would type).
const FIXTURES: &[&str] = &[
    "testdata/plans/basic-vpc/plan.json",
    "testdata/plans/report-sources/plan.json",
    "testdata/plans/report-update/plan.json",
    "testdata/plans/report-update/terraform.tfstate",
];

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "markdown", "gitlab"];

fn snapshot_name(input: &str, format: &str) -> String {
    let parts: Vec<&str> = input.split('/').collect();
    format!("{format}__{}__{}", parts[parts.len() - 2], parts[parts.len() - 1].replace('.', "_"))
}

/// The SARIF schema from `../shared` (a clone beside shared/; `../../shared` for a git worktree
/// one level deeper), when present.
fn sarif_validator() -> Option<jsonschema::Validator> {
    let text = ["../shared", "../../shared"].iter().find_map(|dir| {
        std::fs::read_to_string(common::root().join(dir).join("schemas/sarif-schema-2.1.0.json")).ok()
    })?;
    let schema: Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::draft4::new(&schema).unwrap())
}

fn assert_valid_sarif(text: &str, what: &str) {
    let log: Value = serde_json::from_str(text).unwrap();
    let Some(validator) = sarif_validator() else {
        eprintln!("../shared/schemas/sarif-schema-2.1.0.json is absent: SARIF schema validation skipped");
        return;
    };
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: SARIF invalid:\n{}", errors.join("\n"));
    // GitHub code scanning: every result has a physical location with startLine ≥ 1.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{what}: {r}");
        assert!(loc["artifactLocation"]["uri"].as_str().is_some_and(|u| !u.is_empty()), "{what}: {r}");
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "{what}: ruleIndex");
        assert!(r["partialFingerprints"]["tfvpc/v2"].as_str().is_some_and(|f| f.len() == 32));
    }
}

/// Output made stable across machines and versions: the absolute repository root, the tool
/// version, and the rule list (which grows with every new rule) are redacted.
fn stable(format: &str, text: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match format {
        "sarif" => {
            let mut log: Value = serde_json::from_str(text).unwrap();
            let run = &mut log["runs"][0];
            if run.get("originalUriBaseIds").is_some() {
                run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///[repo root]/".into();
            }
            let driver = &mut run["tool"]["driver"];
            driver["version"] = "[version]".into();
            driver["semanticVersion"] = "[version]".into();
            let n = driver["rules"].as_array().unwrap().len();
            driver["rules"] = format!("[{n} rules]").into();
            for r in run["results"].as_array_mut().unwrap() {
                r["ruleIndex"] = "[index]".into();
            }
            serde_json::to_string_pretty(&log).unwrap()
        }
        "json" => {
            let mut v: Value = serde_json::from_str(text).unwrap();
            v["tool"]["version"] = "[version]".into();
            serde_json::to_string_pretty(&v).unwrap()
        }
        _ => {
            assert!(!text.contains(&format!("tfvpc {version}")), "text formats do not name the version");
            text.to_string()
        }
    }
}

#[test]
fn every_format_of_every_fixture() {
    for input in FIXTURES {
        for format in FORMATS {
            // `--repo-root .` (the crate root, where cargo runs tests) rather than the nearest
            // `.git`: the snapshots are the same in a git checkout and in an unpacked archive.
            let r = run(&["lint", "--format", format, "--repo-root", ".", input]);
            assert!(r.code <= 1, "{input} {format}: {}", r.stderr);
            if *format == "sarif" {
                assert_valid_sarif(&r.stdout, input);
            }
            insta::assert_snapshot!(snapshot_name(input, format), stable(format, &r.stdout));
        }
    }
}

#[test]
fn sarif_without_sources_points_at_the_input() {
    let bytes = std::fs::read(common::path("testdata/plans/report-update/plan.json")).unwrap();
    let r = run_with_stdin(&["lint", "--format", "sarif", "--sarif-category", "tfvpc/prod", "-"], &bytes);
    assert_eq!(r.code, 1);
    assert_valid_sarif(&r.stdout, "stdin");
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "tfvpc/prod/");
    for result in run["results"].as_array().unwrap() {
        assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "-");
        assert!(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"].as_str().unwrap().contains("--source-dir")), "{notes:?}");
    // With --source-dir the same plan is located in the .tf files.
    let r = run_with_stdin(&["lint", "--format", "json", "--source-dir", "testdata/plans/report-update", "-"], &bytes);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["location"]["file"], "testdata/plans/report-update/main.tf", "{f}");
        // The structural rules point at the CIDR they are about.
        assert_eq!(f["location"]["kind"], "attribute", "{f}");
    }
}

#[test]
fn sarif_rules_come_from_the_rule_docs() {
    let r = run(&["lint", "--format", "sarif", "--repo-root", ".", "testdata/plans/basic-vpc/plan.json"]);
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let infos = tfvpc::rules::infos();
    assert_eq!(rules.len(), infos.len());
    for (rule, info) in rules.iter().zip(&infos) {
        assert_eq!(rule["id"], info.name);
        assert_eq!(rule["shortDescription"]["text"], info.summary);
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > info.summary.len() / 2);
        assert_eq!(rule["help"]["markdown"], info.doc);
        assert_eq!(rule["defaultConfiguration"]["level"], info.default_severity.as_str());
        assert!(rule["properties"]["tags"].as_array().unwrap().contains(&Value::from(info.category)));
    }
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    // The validator is real: a run without a tool is rejected.
    if let Some(v) = sarif_validator() {
        assert!(!v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]})));
    }
    assert!(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().starts_with("file:///"));
}

#[test]
fn exit_codes_are_the_same_in_every_format() {
    // `html` (tests/serve.rs checks its content) has the same exit codes.
    for format in FORMATS.iter().chain(&["html"]) {
        let basic = "testdata/plans/basic-vpc/plan.json";
        assert_eq!(run(&["lint", "--format", format, basic]).code, 1, "{format}");
        assert_eq!(run(&["lint", "--format", format, "--fail-on", "never", basic]).code, 0, "{format}");
        assert_eq!(run(&["lint", "--format", format, "testdata/plans/empty-plan/plan.json"]).code, 0, "{format}");
        assert_eq!(run(&["lint", "--format", format, "testdata/bad/empty.json"]).code, 2, "{format}");
    }
    let r = run(&["lint", "--source-dir", "/nonexistent/dir", "testdata/plans/basic-vpc/plan.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--source-dir"), "{}", r.stderr);
}

/// report-update's plan without the resources this change adds: only the finding already
/// present before remains.
fn plan_with_only_old_findings() -> Vec<u8> {
    let text = std::fs::read_to_string(common::path("testdata/plans/report-update/plan.json")).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    let new = ["aws_subnet.b", "aws_subnet.b_half", "aws_subnet.tiny"];
    plan["resource_changes"].as_array_mut().unwrap().retain(|rc| !new.contains(&rc["address"].as_str().unwrap()));
    plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| !new.contains(&r["address"].as_str().unwrap()));
    plan.to_string().into_bytes()
}

#[test]
fn introduced_marks_what_the_plan_adds() {
    let (_, v) = common::lint_json(Path::new("testdata/plans/report-update/plan.json"));
    let by_address = |a: &str| v["findings"].as_array().unwrap().iter().find(|f| f["resources"][0] == a).unwrap();
    assert_eq!(by_address("aws_subnet.legacy")["introduced"], false);
    assert_eq!(by_address("aws_subnet.b_half")["introduced"], true);
    assert_eq!(by_address("aws_subnet.tiny")["introduced"], true);
    // A create-only plan: everything is introduced. A state has no before: null.
    let (_, v) = common::lint_json(Path::new("testdata/plans/report-sources/plan.json"));
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["introduced"] == true));
    let (_, v) = common::lint_json(Path::new("testdata/plans/report-update/terraform.tfstate"));
    assert!(!v["findings"].as_array().unwrap().is_empty());
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["introduced"].is_null()));

    let r = run(&["lint", "testdata/plans/report-update/plan.json"]);
    assert!(r.stdout.contains("2 findings introduced by this plan, 1 already present"), "{}", r.stdout);
    let r = run(&["lint", "--new-only", "--format", "json", "testdata/plans/report-update/plan.json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2);
    // --new-only on a plan whose only finding was already there: clean.
    let plan = plan_with_only_old_findings();
    let args = ["lint", "--source-dir", "testdata/plans/report-update", "-"];
    assert_eq!(run_with_stdin(&args, &plan).code, 1);
    let r = run_with_stdin(&["lint", "--new-only", "--source-dir", "testdata/plans/report-update", "-"], &plan);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("0 findings introduced by this plan, 1 already present (not shown: --new-only)"),
        "{}",
        r.stdout
    );
    // A state has no before: --new-only keeps its findings.
    assert_eq!(run(&["lint", "--new-only", "testdata/plans/report-update/terraform.tfstate"]).code, 1);
}

#[test]
fn output_writes_the_file_and_a_summary_to_stderr() {
    let dir = temp_dir("output");
    let out = dir.join("tfvpc.sarif");
    let r = run(&[
        "lint",
        "--format",
        "sarif",
        "--output",
        out.to_str().unwrap(),
        "testdata/plans/report-update/plan.json",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_valid_sarif(&std::fs::read_to_string(&out).unwrap(), "--output");
    assert!(r.stderr.contains("report written to"), "{}", r.stderr);
    assert!(r.stderr.contains("error[subnet-cidr-size] testdata/plans/report-update/main.tf:35:3"), "{}", r.stderr);
    assert!(r.stderr.contains("3 findings (3 errors) in 1 input"), "{}", r.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every `.tf` file under `dir` gets blank lines and a comment on top.
fn shift_lines(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            shift_lines(&p);
        } else if p.extension().is_some_and(|e| e == "tf") {
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, format!("\n\n# moved down\n\n{text}")).unwrap();
        }
    }
}

#[test]
fn fingerprints_survive_moved_lines() {
    let dir = temp_dir("moved");
    copy_dir(&common::root().join("testdata/plans/report-sources"), &dir);
    let plan = dir.join("plan.json");
    let (_, before) = common::lint_json(&plan);
    let r = run(&["lint", "--format", "sarif", plan.to_str().unwrap()]);
    let sarif_before: Value = serde_json::from_str(&r.stdout).unwrap();
    shift_lines(&dir);
    let (_, after) = common::lint_json(&plan);
    let r = run(&["lint", "--format", "sarif", plan.to_str().unwrap()]);
    let sarif_after: Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = |v: &Value| v["findings"].as_array().unwrap().clone();
    assert_eq!(findings(&before).len(), findings(&after).len());
    let mut moved = 0;
    for (a, b) in findings(&before).iter().zip(findings(&after)) {
        assert_eq!(a["fingerprint"], b["fingerprint"], "{a} vs {b}");
        if a["location"]["file"].as_str().unwrap().ends_with(".tf") {
            assert_eq!(a["location"]["line"].as_u64().unwrap() + 4, b["location"]["line"].as_u64().unwrap());
            moved += 1;
        }
    }
    assert!(moved >= 4, "the .tf findings moved");
    let fps = |v: &Value| -> Vec<Value> {
        v["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["partialFingerprints"].clone()).collect()
    };
    assert_eq!(fps(&sarif_before), fps(&sarif_after));
    // Fingerprints are unique within the run, and the same on every run.
    let mut all: Vec<String> = findings(&after).iter().map(|f| f["fingerprint"].to_string()).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), findings(&after).len());
    let (_, again) = common::lint_json(&plan);
    assert_eq!(findings(&after), findings(&again));
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- locations -------------------------------------------------------------------------------

fn sources(dir: &str) -> Sources {
    Sources::load(&common::root().join(dir), dir, None)
}

fn at(s: &Sources, address: &str, attribute: Option<&str>) -> (String, usize, LocationKind) {
    let l = s.locate(address, attribute, &[]).unwrap_or_else(|| panic!("{address} not located"));
    (l.file, l.line, l.kind)
}

#[test]
fn locates_root_count_and_for_each_instances() {
    let s = sources("testdata/plans/report-sources");
    let main = "testdata/plans/report-sources/main.tf".to_string();
    assert_eq!(at(&s, "aws_vpc.main", None), (main.clone(), 7, LocationKind::Block));
    assert_eq!(at(&s, "aws_subnet.twins[0]", None), (main.clone(), 13, LocationKind::Block));
    assert_eq!(at(&s, "aws_subnet.twins[1]", None), (main.clone(), 13, LocationKind::Block));
    assert_eq!(at(&s, r#"aws_subnet.by_key["y"]"#, None), (main.clone(), 20, LocationKind::Block));
    assert_eq!(at(&s, r#"aws_subnet.by_key["y"]"#, Some("cidr_block")), (main.clone(), 26, LocationKind::Attribute));
    assert_eq!(at(&s, "aws_subnet.twins[1]", Some("no_such_attribute")), (main.clone(), 13, LocationKind::Block));
    // Implicit objects are located at their parent.
    assert_eq!(at(&s, "aws_vpc.main:main_route_table", None), (main.clone(), 7, LocationKind::Block));
    assert!(s.locate("aws_subnet.nowhere", None, &[]).is_none());
    assert!(s.locate("not an address", None, &[]).is_none());
    let l = s.locate("aws_vpc.main", Some("cidr_block"), &[]).unwrap();
    assert_eq!((l.line, l.column, l.end_line, l.end_column), (8, 3, 8, 30));
}

#[test]
fn locates_instances_of_nested_modules_with_count_and_for_each() {
    let s = sources("testdata/plans/report-sources");
    let zone = "testdata/plans/report-sources/modules/zone/main.tf".to_string();
    let extra = "testdata/plans/report-sources/modules/zone/modules/extra/main.tf".to_string();
    assert_eq!(at(&s, r#"module.zone["a"].aws_subnet.this"#, None), (zone.clone(), 9, LocationKind::Block));
    assert_eq!(at(&s, r#"module.zone["b"].aws_subnet.this"#, Some("cidr_block")), (zone, 11, LocationKind::Attribute));
    assert_eq!(
        at(&s, r#"module.zone["b"].module.extra[0].aws_subnet.extra"#, Some("cidr_block")),
        (extra, 11, LocationKind::Attribute)
    );
    // The modules-count-foreach fixture: for_each module → count module, three levels.
    let s = sources("testdata/plans/modules-count-foreach");
    let (file, line, _) = at(&s, r#"module.network["prod"].module.app_subnets[0].aws_subnet.this[1]"#, None);
    assert_eq!(file, "testdata/plans/modules-count-foreach/modules/network/modules/subnets/main.tf");
    let text = std::fs::read_to_string(common::path(&file)).unwrap();
    assert!(text.lines().nth(line - 1).unwrap().starts_with("resource \"aws_subnet\" \"this\""));
    let (file, line, _) = at(&s, r#"module.network["dev"].aws_nat_gateway.this["us-east-1a"]"#, Some("subnet_id"));
    assert_eq!(file, "testdata/plans/modules-count-foreach/modules/network/main.tf");
    let text = std::fs::read_to_string(common::path(&file)).unwrap();
    assert!(text.lines().nth(line - 1).unwrap().trim_start().starts_with("subnet_id"));
}

#[test]
fn locates_tf_json_and_overrides() {
    let s = sources("testdata/plans/report-sources");
    let json = "testdata/plans/report-sources/subnets.tf.json".to_string();
    assert_eq!(at(&s, "aws_subnet.from_json", None), (json.clone(), 4, LocationKind::Block));
    assert_eq!(at(&s, "aws_subnet.from_json", Some("cidr_block")), (json, 6, LocationKind::Attribute));
    // main_override.tf sets cidr_block: the attribute is there, the block stays in main.tf.
    let main = "testdata/plans/report-sources/main.tf".to_string();
    let over = "testdata/plans/report-sources/main_override.tf".to_string();
    assert_eq!(at(&s, "aws_subnet.overridden", None), (main.clone(), 30, LocationKind::Block));
    assert_eq!(at(&s, "aws_subnet.overridden", Some("cidr_block")), (over, 2, LocationKind::Attribute));
    assert_eq!(at(&s, "aws_subnet.overridden", Some("vpc_id")), (main, 31, LocationKind::Attribute));
}

#[test]
fn downloaded_and_missing_modules_are_located_at_the_module_block() {
    let dir = "testdata/sources/registry-module";
    let s = sources(dir);
    let main = format!("{dir}/main.tf");
    assert_eq!(at(&s, r#"module.zone["a"].aws_subnet.this"#, None), (main.clone(), 16, LocationKind::ModuleCall));
    assert_eq!(
        at(&s, r#"module.zone["b"].module.extra[0].aws_subnet.extra"#, Some("cidr_block")),
        (main.clone(), 16, LocationKind::ModuleCall)
    );
    assert_eq!(at(&s, "module.gone.aws_vpc.x", None), (main.clone(), 25, LocationKind::ModuleCall));
    assert!(s.files().iter().all(|f| !f.display.contains(".terraform")), "downloaded code is not read");
    // End to end: the report-sources plan linted against these sources.
    let r = run(&["lint", "--format", "json", "--source-dir", dir, "testdata/plans/report-sources/plan.json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resources"][0] == r#"module.zone["a"].module.extra[0].aws_subnet.extra"#)
        .unwrap();
    assert_eq!(f["location"]["file"], main);
    assert_eq!(f["location"]["line"], 16);
    assert_eq!(f["location"]["kind"], "module_call");
    // Resources not in these sources fall back to the plan file, line 1.
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["resources"][0] == "aws_subnet.from_json").unwrap();
    assert_eq!(f["location"]["file"], "testdata/plans/report-sources/plan.json");
    assert_eq!(f["location"]["line"], 1);
    assert_eq!(f["location"]["kind"], "input");
}

#[test]
fn repeated_nested_blocks_are_told_apart_by_key_values() {
    let s = sources("testdata/plans/merged-refs");
    let one = s.locate("aws_route_table.mixed", Some("route"), &[]).unwrap();
    let nat = s.locate("aws_route_table.mixed", Some("route.nat_gateway_id"), &[]).unwrap();
    assert_eq!(one.kind, LocationKind::Attribute);
    assert!(nat.line > one.line, "the route with nat_gateway_id is the second one: {one:?} {nat:?}");
    let text = std::fs::read_to_string(common::path(&nat.file)).unwrap();
    assert!(text.lines().nth(nat.line - 1).unwrap().contains("nat_gateway_id"));
}

#[test]
fn repo_root_makes_uris_relative() {
    let r =
        run(&["lint", "--format", "json", "--repo-root", "testdata/plans", "testdata/plans/report-sources/plan.json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["location"]["file"], "testdata/plans/report-sources/main.tf");
    assert_eq!(f["location"]["uri"], "report-sources/main.tf");
    let r = run(&[
        "lint",
        "--format",
        "github",
        "--repo-root",
        "testdata/plans",
        "testdata/plans/report-sources/plan.json",
    ]);
    assert!(r.stdout.contains("::error file=report-sources/main.tf,line="), "{}", r.stdout);
}

#[test]
fn repo_root_defaults_to_the_nearest_git_folder() {
    // A copy outside any checkout: no `.git` above it (the temporary folder), then one.
    let dir = temp_dir("git-root");
    copy_dir(&common::root().join("testdata/plans/report-sources"), &dir.join("infra"));
    let plan = dir.join("infra/plan.json");
    let plan = plan.to_string_lossy();
    let uri_of_first = |r: &common::Run| {
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["findings"][0]["location"]["uri"].clone()
    };
    if tfvpc::source::find_repo_root(&dir).is_none() {
        let r = run(&["lint", "--format", "json", &plan]);
        assert_eq!(uri_of_first(&r), Value::Null, "no repository, no URI: {}", r.stdout);
    }
    std::fs::create_dir(dir.join(".git")).unwrap();
    let r = run(&["lint", "--format", "json", &plan]);
    assert_eq!(uri_of_first(&r), "infra/main.tf", "{}", r.stdout);
    let r = run(&["lint", "--format", "sarif", &plan]);
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    let root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().to_string();
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- synthetic reports: traces, GitHub's annotation limit, the comment size limit --------------

fn loc(file: &str, line: usize) -> Location {
    Location {
        file: file.into(),
        line,
        column: 1,
        end_line: line,
        end_column: 10,
        kind: LocationKind::Block,
        uri: Some(file.into()),
    }
}

fn finding(i: usize, severity: Severity) -> Finding {
    Finding {
        rule: "subnet-cidr-overlap",
        severity,
        message: format!("finding {i}: a, b\nc % d"),
        resources: vec![format!("aws_subnet.s[{i}]")],
        input: "plan.json".into(),
        location: Some(loc("main.tf", i + 1)),
        help: "fix it".into(),
        attribute: None,
        key: Vec::new(),
        fingerprint: format!("{i:032x}"),
        introduced: Some(i.is_multiple_of(2)),
        related: Vec::new(),
        trace: None,
        indeterminate: false,
        affected: tfvpc::finding::Affected { count: 1, ..Default::default() },
        decided_by: Vec::new(),
    }
}

fn path_finding() -> Finding {
    let hop = |address: Option<&str>, message: &str, passes: Option<bool>, line: usize| Hop {
        resource: address.map(str::to_string),
        message: message.into(),
        passes,
        attribute: None,
        location: address.map(|_| loc("main.tf", line)),
    };
    Finding {
        rule: "subnet-cidr-overlap",
        severity: Severity::Error,
        message: "tcp 443 from the internet cannot reach aws_instance.web".into(),
        resources: vec!["aws_instance.web".into(), "aws_route_table.public".into()],
        input: "plan.json".into(),
        location: Some(loc("main.tf", 40)),
        help: "add a route".into(),
        attribute: Some("route"),
        key: vec!["tcp/443".into()],
        fingerprint: "f".repeat(32),
        introduced: Some(true),
        related: vec![tfvpc::finding::Related {
            address: "aws_route_table.public".into(),
            location: Some(loc("main.tf", 20)),
        }],
        trace: Some(Trace {
            hops: vec![
                hop(None, "the internet", None, 0),
                hop(Some("aws_internet_gateway.main"), "enters the vpc", Some(true), 10),
                hop(Some("aws_route_table.public"), "no route to 10.0.1.0/24 \"x\"", Some(false), 20),
            ],
            cost: vec!["nat gateway processing: $0.045/GB".into()],
        }),
        indeterminate: false,
        affected: tfvpc::finding::Affected { count: 1, ..Default::default() },
        decided_by: Vec::new(),
    }
}

fn report_of(findings: Vec<Finding>) -> LintReport {
    LintReport { findings, ..Default::default() }
}

#[test]
fn path_findings_show_their_trace_in_every_format() {
    let files = [("main.tf".to_string(), std::sync::Arc::<str>::from("x\n".repeat(50)))].into_iter().collect();
    let report = LintReport { files, ..report_of(vec![path_finding()]) };
    let human = tfvpc::report::human::render(&report, &Options::default());
    assert!(human.contains("path:"), "{human}");
    assert!(human.contains("✗ 3. aws_route_table.public: no route to 10.0.1.0/24"), "{human}");
    assert!(human.contains("nat gateway processing: $0.045/GB"), "{human}");
    let sarif = tfvpc::report::sarif::render(&report, &Options::default());
    assert_valid_sarif(&sarif, "trace");
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let flow = &log["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
    assert_eq!(flow.as_array().unwrap().len(), 3);
    assert_eq!(flow[2]["location"]["physicalLocation"]["region"]["startLine"], 20);
    let md = tfvpc::report::markdown::render(&report);
    assert!(md.contains("```mermaid\nflowchart LR\n"), "{md}");
    assert!(md.contains("h1 --> h2"), "{md}");
    assert!(md.contains("#quot;x#quot;"), "{md}");
    insta::assert_snapshot!("markdown__synthetic_path", md);
    let json = tfvpc::report::json::render(&report);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["findings"][0]["trace"]["hops"][2]["passes"], false);
    assert_eq!(v["findings"][0]["trace"]["hops"][2]["address"], "aws_route_table.public");
}

#[test]
fn github_output_escapes_and_respects_the_annotation_limit() {
    let mut findings: Vec<Finding> = (0..13).map(|i| finding(i, Severity::Error)).collect();
    findings.extend((13..16).map(|i| finding(i, Severity::Warning)));
    let out = tfvpc::report::github::render(&report_of(findings));
    let errors = out.lines().filter(|l| l.starts_with("::error ")).count();
    let warnings = out.lines().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!(errors, tfvpc::report::github::PER_LEVEL, "{out}");
    assert_eq!(warnings, 3);
    assert!(out.contains("4 more error findings are not annotated"), "{out}");
    assert!(out.contains("finding 0: a, b%0Ac %25 d"), "message escaping: {out}");
    assert!(out.contains("title=tfvpc subnet-cidr-overlap::"), "{out}");
    assert!(out.contains("error[subnet-cidr-overlap] main.tf:13:1: finding 12"), "plain log line: {out}");
    let mut f = finding(0, Severity::Note);
    f.location = Some(loc("dir,with:odd/main.tf", 3));
    let out = tfvpc::report::github::render(&report_of(vec![f]));
    assert!(out.starts_with("::notice file=dir%2Cwith%3Aodd/main.tf,line=3,"), "{out}");
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let findings: Vec<Finding> = (0..3000).map(|i| finding(i, Severity::Warning)).collect();
    let md = tfvpc::report::markdown::render(&report_of(findings));
    assert!(md.chars().count() <= tfvpc::report::markdown::MAX_CHARS);
    assert!(
        md.contains("findings not shown: a GitHub comment holds at most 65536 characters"),
        "{}",
        &md[md.len() - 300..]
    );
    let shown = md.lines().filter(|l| l.starts_with("| 🟠")).count();
    assert!(md.contains(&format!("_{} findings not shown", 3000 - shown)));
    let mut many_paths: Vec<Finding> = (0..400).map(|_| path_finding()).collect();
    for (i, f) in many_paths.iter_mut().enumerate() {
        f.fingerprint = format!("{i:032x}");
    }
    let md = tfvpc::report::markdown::render(&report_of(many_paths));
    assert!(md.chars().count() <= tfvpc::report::markdown::MAX_CHARS);
    assert!(md.contains("path diagrams not shown"), "{}", &md[md.len() - 300..]);
}

/// Every plan and state under testdata/ and ../shared/corpus/plans (when present), with its
/// sources when they are beside it: SARIF valid against the schema, every finding located with
/// a line ≥ 1, GitHub and Markdown output produced.
#[test]
fn sarif_of_every_known_plan_is_valid() {
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut walk = vec![common::root().join("testdata/plans"), common::root().join("testdata/rules")];
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk.push(p);
            } else if ["plan.json", "state.json"].contains(&p.file_name().unwrap().to_str().unwrap()) {
                inputs.push(p);
            }
        }
    }
    for dir in ["../shared/corpus/plans", "../../shared/corpus/plans"] {
        if let Ok(entries) = std::fs::read_dir(common::root().join(dir)) {
            inputs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")));
            break;
        }
    }
    inputs.sort();
    for input in &inputs {
        let name = input.to_string_lossy().into_owned();
        let r = run(&["lint", "--format", "sarif", "--fail-on", "never", &name]);
        if r.code == 2 {
            continue; // inputs tfvpc rejects (the corpus has a wrong-format file) are tested elsewhere
        }
        assert_valid_sarif(&r.stdout, &name);
        let (_, v) = common::lint_json(input);
        for f in v["findings"].as_array().unwrap() {
            assert!(f["location"]["line"].as_u64().unwrap() >= 1, "{name}: {f}");
        }
        for format in ["github", "markdown", "human"] {
            assert_eq!(run(&["lint", "--format", format, "--fail-on", "never", &name]).code, 0, "{name} {format}");
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let basic = "testdata/plans/basic-vpc/plan.json";
    assert!(run(&["lint", "--color", "always", basic]).stdout.contains('\u{1b}'));
    assert!(!run(&["lint", "--color", "never", basic]).stdout.contains('\u{1b}'));
    assert!(!run(&["lint", basic]).stdout.contains('\u{1b}'), "auto: the test's stdout is not a terminal");
}

#[test]
fn a_file_that_does_not_parse_is_a_warning_not_an_error() {
    let dir = temp_dir("broken");
    copy_dir(&common::root().join("testdata/plans/report-update"), &dir);
    std::fs::write(dir.join("broken.tf"), "resource \"aws_vpc\" {\n  = oops\n").unwrap();
    std::fs::write(dir.join("broken.tf.json"), "{\"resource\": ").unwrap();
    let plan = dir.join("plan.json");
    let r = run(&["lint", plan.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("broken.tf does not parse"), "{}", r.stdout);
    assert!(r.stdout.contains("broken.tf.json does not parse"), "{}", r.stdout);
    let (_, v) = common::lint_json(&plan);
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["location"]["kind"] == "attribute"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gitlab_code_quality_has_what_gitlab_requires() {
    // https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
    for input in FIXTURES {
        let r = run(&["lint", "--format", "gitlab", "--repo-root", ".", input]);
        assert!(r.code <= 1, "{input}: {}", r.stderr);
        let issues: Value = serde_json::from_str(&r.stdout).unwrap();
        let issues = issues.as_array().unwrap();
        let json: Value = serde_json::from_str(&run(&["lint", "--format", "json", input]).stdout).unwrap();
        assert_eq!(issues.len(), json["findings"].as_array().unwrap().len(), "{input}");
        let mut fingerprints = std::collections::HashSet::new();
        for issue in issues {
            assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()), "{issue}");
            assert!(issue["check_name"].as_str().unwrap().starts_with("tfvpc/"), "{issue}");
            assert!(["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()));
            assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()), "unique: {issue}");
            let path = issue["location"]["path"].as_str().unwrap();
            assert!(path.starts_with("testdata/plans/"), "relative to the repository root: {issue}");
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
    }
    // Two inputs with the same finding still give unique fingerprints.
    let plan = "testdata/plans/basic-vpc/plan.json";
    let r = run(&["lint", "--format", "gitlab", plan, "testdata/bad/utf8-bom.json"]);
    let issues: Value = serde_json::from_str(&r.stdout).unwrap();
    let fingerprints: std::collections::HashSet<&str> =
        issues.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), issues.as_array().unwrap().len());
    assert_eq!(fingerprints.len(), 6);
}
