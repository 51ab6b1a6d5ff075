//! Issue 6, item 2: suppressions. Inline `tfvpc:ignore` comments and `ignore` blocks remove
//! exactly the findings they cover, in every format; unused ones are reported as
//! `unused-suppression` at the comment or block (not when their rule is disabled); a comment
//! without a reason suppresses nothing and is reported as `suppression-without-reason`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]
// clippy.toml allows panics in `#[test]` functions only; the helpers below are test code too.
#![expect(clippy::panic, reason = "test helpers")]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A fresh copy of a fixture folder (with its modules) under cargo's test scratch folder.
fn copy_fixture(rel: &str, name: &str) -> PathBuf {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("suppressions").join(name);
    let _ = std::fs::remove_dir_all(&dest);
    copy_dir(&common::root().join(rel), &dest);
    dest
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

/// Replaces the one occurrence of `old` in a file.
fn edit(file: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(text.matches(old).count(), 1, "{}: `{old}` must occur once", file.display());
    std::fs::write(file, text.replace(old, new)).unwrap();
}

fn lint(args: &[&str]) -> (u8, Value) {
    let mut all = vec!["lint", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let r = common::run(&all);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

/// `(rule, primary address)` of every finding.
fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["resources"][0].as_str().unwrap_or("").to_string()))
        .collect()
}

fn pair(rule: &str, address: &str) -> (String, String) {
    (rule.to_string(), address.to_string())
}

fn plan(dir: &Path) -> String {
    dir.join("plan.json").to_string_lossy().into_owned()
}

/// The finding of `rule` whose primary address is `address`.
fn finding<'a>(report: &'a Value, rule: &str, address: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["resources"][0].as_str().unwrap_or("") == address)
        .unwrap_or_else(|| panic!("no {rule} on {address} in {report}"))
}

#[test]
fn inline_comments_remove_exactly_their_findings() {
    let dir = copy_fixture("testdata/plans/report-sources", "inline");
    let (_, before) = lint(&[&plan(&dir)]);
    let all = found(&before);
    // Five: the overlaps of module.zone["a"] and ["b"] (one block) are one grouped finding.
    assert_eq!(all.len(), 5, "{all:?}");
    // Above a count block (every instance), on a for_each block's first line (`//`), in a
    // `.tf.json` file (`"//"`), above a `module` block whose module is on disk (everything in
    // it, at any depth).
    edit(
        &dir.join("main.tf"),
        "# expect: subnet-cidr-overlap aws_subnet.twins[1]\n",
        "# expect: subnet-cidr-overlap aws_subnet.twins[1]\n# tfvpc:ignore:subnet-cidr-overlap both twins are placeholders\n",
    );
    edit(
        &dir.join("main.tf"),
        "resource \"aws_subnet\" \"by_key\" {",
        "resource \"aws_subnet\" \"by_key\" { // tfvpc:ignore:subnet-cidr-overlap y replaces x next week",
    );
    edit(
        &dir.join("subnets.tf.json"),
        "\"from_json\": {",
        "\"from_json\": {\n        \"//\": \"tfvpc:ignore:subnet-cidr-size a /29 for one appliance\",",
    );
    edit(
        &dir.join("main.tf"),
        "module \"zone\" {",
        "# tfvpc:ignore:subnet-cidr-overlap the zone module is being rewritten\nmodule \"zone\" {",
    );
    let (_, after) = lint(&[&plan(&dir)]);
    let left = found(&after);
    assert_eq!(left, BTreeSet::from([pair("subnet-cidr-size", "aws_subnet.overridden")]), "{after}");
    assert_eq!(after["suppressed"], 5);
    // What is left is unchanged, fingerprint and location included.
    let kept = finding(&after, "subnet-cidr-size", "aws_subnet.overridden");
    assert_eq!(kept, finding(&before, "subnet-cidr-size", "aws_subnet.overridden"));
}

#[test]
fn a_comment_in_module_code_covers_every_instance_and_nothing_else() {
    let dir = copy_fixture("testdata/plans/report-sources", "module-code");
    edit(
        &dir.join("modules/zone/modules/extra/main.tf"),
        "resource \"aws_subnet\" \"extra\"",
        "# tfvpc:ignore:subnet-cidr-overlap the extra tier is planned to overlap\nresource \"aws_subnet\" \"extra\"",
    );
    let (_, report) = lint(&[&plan(&dir)]);
    let left = found(&report);
    assert!(!left.iter().any(|(_, a)| a.contains("module.zone")), "{left:?}");
    assert_eq!(left.len(), 4, "{left:?}");
    assert_eq!(report["suppressed"], 2);
}

#[test]
fn ignore_blocks_remove_exactly_the_findings_their_pattern_matches() {
    let dir = copy_fixture("testdata/plans/report-sources", "config");
    std::fs::write(
        dir.join(".tfvpc.hcl"),
        r#"
ignore {
  rule    = "subnet-cidr-overlap"
  address = "module.zone[\"a\"].**"
  reason  = "zone a is being rebuilt"
}

ignore {
  rule    = "subnet-cidr-overlap"
  address = "aws_subnet.twins[*]"
  reason  = "placeholders"
}

ignore {
  rule   = "subnet-cidr-size"
  reason = "small subnets are fine in this sandbox"
}
"#,
    )
    .unwrap();
    let (_, report) = lint(&[&plan(&dir)]);
    assert_eq!(
        found(&report),
        BTreeSet::from([
            pair("subnet-cidr-overlap", "aws_subnet.by_key[\"y\"]"),
            pair("subnet-cidr-overlap", "module.zone[\"b\"].module.extra[0].aws_subnet.extra"),
        ]),
        "{report}"
    );
    assert_eq!(report["suppressed"], 4);
}

#[test]
fn unused_suppressions_are_reported_at_the_comment_and_the_block() {
    let dir = copy_fixture("testdata/plans/report-sources", "unused");
    // On the VPC, which has no finding; and a misspelt rule on a subnet that has one.
    edit(
        &dir.join("main.tf"),
        "resource \"aws_vpc\" \"main\" {",
        "# tfvpc:ignore:subnet-cidr-overlap the VPC has no finding\nresource \"aws_vpc\" \"main\" {",
    );
    edit(
        &dir.join("main.tf"),
        "# main_override.tf sets a /30 here.\n",
        "# main_override.tf sets a /30 here.\n# tfvpc:ignore:subnet-cidr-sise typo\n",
    );
    std::fs::write(
        dir.join(".tfvpc.hcl"),
        "ignore {\n  rule    = \"cross-az-nat\"\n  address = \"module.nothing.**\"\n  reason  = \"stale\"\n}\n",
    )
    .unwrap();
    let (_, report) = lint(&[&plan(&dir)]);
    let vpc = finding(&report, "unused-suppression", "aws_vpc.main");
    assert_eq!(vpc["severity"], "note");
    assert_eq!(vpc["location"]["kind"], "comment");
    assert_eq!(vpc["location"]["line"], 7);
    assert!(vpc["location"]["file"].as_str().unwrap().ends_with("main.tf"));
    assert!(vpc["introduced"].is_null());
    let typo = finding(&report, "unused-suppression", "aws_subnet.overridden");
    assert!(typo["message"].as_str().unwrap().contains("did you mean `subnet-cidr-size`?"), "{typo}");
    // The misspelt comment does not suppress the subnet's finding.
    finding(&report, "subnet-cidr-size", "aws_subnet.overridden");
    let block = finding(&report, "unused-suppression", "");
    assert_eq!(block["location"]["kind"], "config");
    assert_eq!(block["location"]["line"], 1);
    assert!(block["location"]["file"].as_str().unwrap().ends_with(".tfvpc.hcl"));
    assert!(block["message"].as_str().unwrap().contains("module.nothing.**"), "{block}");
    // Every format carries them; SARIF points at the configuration file.
    let r = common::run(&["lint", "--format", "sarif", &plan(&dir)]);
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "unused-suppression"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().ends_with(".tfvpc.hcl")));
    let human = common::run(&["lint", &plan(&dir)]).stdout;
    assert!(human.contains("this ignore block"), "{human}");
}

#[test]
fn a_suppression_for_a_disabled_rule_is_not_unused() {
    let dir = copy_fixture("testdata/plans/report-sources", "disabled");
    edit(
        &dir.join("main.tf"),
        "resource \"aws_vpc\" \"main\" {",
        "# tfvpc:ignore:cross-az-nat kept for when the rule is switched back on\nresource \"aws_vpc\" \"main\" {",
    );
    std::fs::write(
        dir.join(".tfvpc.hcl"),
        "rule \"cross-az-nat\" {\n  enabled = false\n}\n\nignore {\n  rule   = \"cross-az-nat\"\n  reason = \"off anyway\"\n}\n",
    )
    .unwrap();
    let (_, report) = lint(&[&plan(&dir)]);
    assert!(!found(&report).iter().any(|(r, _)| r == "unused-suppression"), "{report}");
    // Switching unused-suppression off silences the others too.
    std::fs::write(
        dir.join(".tfvpc.hcl"),
        "rule \"unused-suppression\" {\n  enabled = false\n}\n\nignore {\n  rule   = \"blackhole-route\"\n  reason = \"x\"\n}\n",
    )
    .unwrap();
    let (_, report) = lint(&[&plan(&dir)]);
    assert!(!found(&report).iter().any(|(r, _)| r == "unused-suppression"), "{report}");
}

#[test]
fn a_comment_without_a_reason_suppresses_nothing_and_is_reported() {
    let dir = copy_fixture("testdata/plans/report-sources", "no-reason");
    edit(
        &dir.join("main.tf"),
        "# main_override.tf sets a /30 here.\n",
        "# main_override.tf sets a /30 here.\n# tfvpc:ignore:subnet-cidr-size\n",
    );
    let (code, report) = lint(&[&plan(&dir)]);
    assert_eq!(code, 0);
    finding(&report, "subnet-cidr-size", "aws_subnet.overridden");
    let warning = finding(&report, "suppression-without-reason", "aws_subnet.overridden");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["location"]["kind"], "comment");
    assert_eq!(report["suppressed"], 0);
    assert!(!found(&report).iter().any(|(r, _)| r == "unused-suppression"));
}

#[test]
fn suppressed_findings_disappear_from_every_format() {
    let dir = copy_fixture("testdata/plans/report-sources", "formats");
    edit(
        &dir.join("main.tf"),
        "# main_override.tf sets a /30 here.\n",
        "# main_override.tf sets a /30 here.\n# tfvpc:ignore:subnet-cidr-size a /30 for a point-to-point link\n",
    );
    for format in ["human", "json", "sarif", "github", "markdown", "gitlab"] {
        let r = common::run(&["lint", "--format", format, &plan(&dir)]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(!r.stdout.contains("aws_subnet.overridden"), "{format}:\n{}", r.stdout);
        assert!(r.stdout.contains("aws_subnet.twins[1]"), "{format}:\n{}", r.stdout);
    }
    let human = common::run(&["lint", &plan(&dir)]).stdout;
    assert!(human.contains("1 finding suppressed"), "{human}");
    let sarif: Value = serde_json::from_str(&common::run(&["lint", "--format", "sarif", &plan(&dir)]).stdout).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["tfvpc"]["suppressed"], 1);
}

#[test]
fn inputs_sharing_a_configuration_report_an_unused_suppression_once_and_only_if_no_input_used_it() {
    let a = copy_fixture("testdata/plans/report-sources", "shared-a");
    let b = copy_fixture("testdata/plans/basic-vpc", "shared-b");
    let config = Path::new(env!("CARGO_TARGET_TMPDIR")).join("suppressions/shared.tfvpc.hcl");
    // subnet-cidr-size occurs only in a; cross-az-nat only in b; blackhole-route in neither.
    std::fs::write(
        &config,
        "ignore {\n  rule   = \"subnet-cidr-size\"\n  reason = \"a\"\n}\n\nignore {\n  rule   = \"cross-az-nat\"\n  reason = \"b\"\n}\n\nignore {\n  rule   = \"blackhole-route\"\n  reason = \"none\"\n}\n",
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let (_, report) = lint(&["--config", &config, &plan(&a), &plan(&b)]);
    let unused: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "unused-suppression").collect();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(unused[0]["message"].as_str().unwrap().contains("blackhole-route"));
    assert_eq!(unused[0]["location"]["line"], 11);
}

#[test]
fn a_comment_on_the_call_of_a_downloaded_module_covers_the_module() {
    // The zone module comes from a registry (under .terraform/, not read): the comment on its
    // `module` block is the only place a team can accept its findings.
    let dir = copy_fixture("testdata/sources/registry-module", "registry");
    edit(
        &dir.join("main.tf"),
        "module \"zone\" {",
        "# tfvpc:ignore:subnet-cidr-overlap upstream module overlaps its extra tier by design\nmodule \"zone\" {",
    );
    let source_dir = dir.to_string_lossy().into_owned();
    let (_, report) = lint(&["--source-dir", &source_dir, "testdata/plans/report-sources/plan.json"]);
    let left = found(&report);
    assert!(!left.iter().any(|(_, a)| a.starts_with("module.zone")), "{left:?}");
    assert!(left.contains(&pair("subnet-cidr-overlap", "aws_subnet.twins[1]")), "{left:?}");
    assert_eq!(report["suppressed"], 2);
}
