//! Issue 13, item 6: linking and verdict changes never leave a plan with more undecided flows.
//! Every plan under `testdata/` (`plan.json`, `state.json`) and `../shared/corpus/plans` (skipped
//! when absent) is linted with `--show-indeterminate`; its indeterminate notes (the flows whose
//! fate stays unknown until apply) are at most as many as before issue 13 (`BEFORE`, captured
//! on main's code). A plan not in `BEFORE` had none and must have none; a new fixture with
//! indeterminate flows adds its line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

/// Indeterminate notes per plan before issue 13 (path relative to the crate root; corpus plans
/// as `corpus/<file>`). Every other plan had none.
const BEFORE: &[(&str, usize)] = &[
    ("corpus/cyse7125_infra-aws_tfplan.json", 24),
    ("corpus/kmkouokam_multicloud_show-state.json", 4),
    ("corpus/merakiki_team3-infra_tfplan.utf16.json", 1),
    ("corpus/nbiuk_infrastructure_tfplan.json", 4),
    ("corpus/tfcompliance_issue-171_nlb-subnets.json", 2),
    ("corpus/tripleaze_eks-platform_plan.json", 2),
    ("corpus/venkat8538_realestate_default-vpc_plan.json", 2),
    ("testdata/eval/nacl-order/plan.json", 1),
    // AWS Network Firewall (docs/semantics.md §1.9): the policy is not evaluated; with two AZs
    // the plan does not say which endpoint a route reads. Before, every flow through the
    // firewall was undecided at its route (the firewall was not modelled).
    ("testdata/eval/network-firewall-2az/plan.json", 1),
    ("testdata/eval/network-firewall-state/state.json", 1),
    ("testdata/eval/network-firewall/plan.json", 1),
    ("testdata/gen/small/plan.json", 36),
    ("testdata/plans/modules-count-foreach/plan.json", 2),
    ("testdata/rules/nat-without-igw-route/fail_doc_example/plan.json", 1),
    ("testdata/rules/nat-without-igw-route/fail_nat_in_private_subnet/plan.json", 1),
    ("testdata/rules/sg-no-egress/pass_egress_rule_on_module_output_local/plan.json", 1),
    ("testdata/rules/unreachable-path/pass_nacl_rule_on_module_output_local/plan.json", 1),
    ("testdata/rules/unreachable-path/pass_office_ssh_admitted_before_deny/plan.json", 1),
    ("testdata/rules/unreachable-path/pass_tgw_attachment_vpc_from_module_map/plan.json", 2),
];

fn plans(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            if name != ".terraform" && name != "bad" {
                plans(&p, out);
            }
        } else if name == "plan.json" || name == "state.json" {
            out.push(p);
        }
    }
}

fn indeterminate(file: &Path) -> usize {
    let r = common::run(&[
        "lint",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--show-indeterminate",
        &file.to_string_lossy(),
    ]);
    if r.code == 2 {
        return 0;
    }
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{}: {e}\n{}", file.display(), r.stderr));
    v["findings"].as_array().unwrap().iter().filter(|f| f["key"][0] == "indeterminate").count()
}

#[test]
fn no_plan_leaves_more_flows_undecided_than_before() {
    let root = common::root();
    let mut files = Vec::new();
    plans(&root.join("testdata"), &mut files);
    let mut named: Vec<(String, PathBuf)> =
        files.into_iter().map(|p| (p.strip_prefix(&root).unwrap().to_string_lossy().into_owned(), p)).collect();
    if let Some(dir) = common::corpus_dir() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.contains("NOT-show-json") {
                named.push((format!("corpus/{name}"), e.path()));
            }
        }
    }
    assert!(named.len() > 150, "plans missing: {}", named.len());
    let counts: Vec<(String, usize)> = std::thread::scope(|s| {
        let chunks: Vec<_> = named
            .chunks(named.len().div_ceil(4))
            .map(|chunk| s.spawn(move || chunk.iter().map(|(n, p)| (n.clone(), indeterminate(p))).collect::<Vec<_>>()))
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    let (mut before_total, mut now_total) = (0, 0);
    for (name, now) in &counts {
        let before = BEFORE.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c);
        before_total += before;
        now_total += now;
        if *now > before {
            failures.push(format!("{name}: {now} indeterminate flows (before: {before})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("indeterminate flows: {now_total} (before: {before_total}) over {} plans", counts.len());
}
