//! Issue 12 item 1, last part: where module instances differ only by an input the caller passes
//! (one instance's CIDR, one instance's NAT flag), the finding points at that argument in the
//! caller's `module` block (location kind `module_argument`) — in plan mode and HCL mode alike,
//! for separate `module` blocks and for one `for_each` block — and stays at the module's code
//! when every instance behaves alike or two inputs could be the cause. Fingerprints do not move.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use serde_json::Value;

fn lint(rel: &str) -> Value {
    common::lint_json(&common::root().join(rel)).1
}

fn only<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let all: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).collect();
    assert_eq!(all.len(), 1, "one {rule} finding: {all:#?}");
    all[0]
}

/// `(file, line, kind)` of a finding's location.
fn at(f: &Value) -> (String, u64, String) {
    let l = &f["location"];
    (l["file"].as_str().unwrap().to_string(), l["line"].as_u64().unwrap(), l["kind"].as_str().unwrap().to_string())
}

fn text_at(file: &str, line: u64) -> String {
    let text = std::fs::read_to_string(common::root().join(file)).unwrap();
    // (`file` is as shown: absolute here, since the tests pass absolute paths.)
    text.lines().nth(line as usize - 1).unwrap().trim().to_string()
}

/// Three `module` blocks of one module: module.dev alone passes `single_nat = true`, module.edge
/// alone a public CIDR. Each finding points at that argument, in both modes, and its help names
/// the instances' values and where the module reads the input.
#[test]
fn a_finding_of_one_instance_points_at_the_argument_that_differs() {
    for input in ["testdata/group/caller-argument/plan.json", "testdata/group/caller-argument"] {
        let r = lint(input);
        let nat = only(&r, "cross-az-nat");
        let (file, line, kind) = at(nat);
        assert!(file.ends_with("testdata/group/caller-argument/main.tf"), "{input}: {file}");
        assert_eq!(kind, "module_argument", "{input}");
        assert_eq!(text_at(&file, line), "single_nat = true", "{input}");
        let help = nat["help"].as_str().unwrap();
        assert!(help.contains("module.dev gets true"), "{input}: {help}");
        assert!(help.contains("module.edge (false); module.prod (false)"), "{input}: {help}");
        assert!(help.contains("modules/vpc/main.tf:81 (route_table_id)"), "{input}: the line that reads it: {help}");
        assert_eq!(nat["resources"][0], "module.dev.aws_subnet.private[1]");

        let cidr = only(&r, "public-vpc-cidr");
        let (file, line, kind) = at(cidr);
        assert_eq!(kind, "module_argument", "{input}");
        assert_eq!(text_at(&file, line), "cidr       = \"192.173.0.0/16\"", "{input}");
        assert!(cidr["help"].as_str().unwrap().contains("module.edge gets \"192.173.0.0/16\""), "{input}");

        // What every instance shares stays at the module's code.
        let s3 = only(&r, "s3-via-nat");
        assert_eq!(at(s3).2, "block", "{input}");
        assert!(at(s3).0.ends_with("modules/vpc/main.tf"), "{input}");
    }
}

/// The grouped fingerprint is the block's, whatever line the finding points at: baselines and
/// ignores written before keep matching. Plan mode and HCL mode agree on it.
#[test]
fn pointing_at_the_caller_keeps_the_fingerprint() {
    let plan = lint("testdata/group/caller-argument/plan.json");
    let hcl = lint("testdata/group/caller-argument");
    for rule in ["cross-az-nat", "public-vpc-cidr"] {
        assert_eq!(only(&plan, rule)["fingerprint"], only(&hcl, rule)["fingerprint"], "{rule}");
    }
    // The same plan read without its sources: the finding is at the input, same fingerprint.
    let alone = common::lint_json(std::path::Path::new(&common::alone("testdata/group/caller-argument/plan.json"))).1;
    assert_eq!(only(&alone, "cross-az-nat")["fingerprint"], only(&plan, "cross-az-nat")["fingerprint"]);
    assert_eq!(at(only(&alone, "cross-az-nat")).2, "input");
}

/// One `for_each` block whose instances get `single_nat` from a local map: the plan does not
/// record module inputs, so the sources are evaluated for them; the finding points at the
/// argument line of the `module` block in both modes.
#[test]
fn a_for_each_instance_points_at_the_argument_of_its_module_block() {
    for input in ["testdata/plans/modules-count-foreach/plan.json", "testdata/plans/modules-count-foreach"] {
        let r = lint(input);
        let nat = only(&r, "cross-az-nat");
        let (file, line, kind) = at(nat);
        assert_eq!(kind, "module_argument", "{input}");
        assert_eq!(text_at(&file, line), "single_nat       = each.value.single_nat", "{input}");
        let help = nat["help"].as_str().unwrap();
        assert!(help.contains("module.network[\"dev\"] gets true"), "{input}: {help}");
        assert!(help.contains("module.network[\"prod\"] (false)"), "{input}: {help}");
    }
}

/// Every instance behaves alike (all pass `single_nat = true`; two of them suppressed): the
/// module's code is what to change, and the finding stays there.
#[test]
fn instances_that_behave_alike_keep_the_module_line() {
    let r = lint("testdata/group/module-instance-ignore/plan.json");
    let nat = only(&r, "cross-az-nat");
    assert_eq!(at(nat).2, "block");
    assert!(at(nat).0.ends_with("modules/vpc/main.tf"));
}

/// module.a passes both `single_nat` and `one_table` differently from module.b, and the table
/// the subnet uses reads both: either could be the cause, so the finding stays at the module's
/// code, and its help names both inputs.
#[test]
fn two_inputs_that_could_cause_it_keep_the_module_line() {
    for input in ["testdata/group/caller-ambiguous/plan.json", "testdata/group/caller-ambiguous"] {
        let r = lint(input);
        let nat = only(&r, "cross-az-nat");
        assert_eq!(at(nat).2, "block", "{input}");
        let help = nat["help"].as_str().unwrap();
        assert!(help.contains("module inputs `one_table`, `single_nat`"), "{input}: {help}");
    }
}

/// Human output labels the argument, and SARIF points its result at it.
#[test]
fn human_and_sarif_show_the_argument() {
    let plan = common::path("testdata/group/caller-argument/plan.json");
    let human = common::run(&["lint", "--fail-on", "never", &plan]);
    assert!(human.stdout.contains("(decided by this module argument)"), "{}", human.stdout);
    assert!(human.stdout.contains("single_nat = true"), "{}", human.stdout);
    let sarif: Value =
        serde_json::from_str(&common::run(&["lint", "--format", "sarif", "--fail-on", "never", &plan]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let nat = results.iter().find(|r| r["ruleId"] == "cross-az-nat").unwrap();
    let loc = &nat["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"].as_str().unwrap().ends_with("caller-argument/main.tf"), "{loc}");
    assert_eq!(loc["region"]["startLine"], 18);
}
