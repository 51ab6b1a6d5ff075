//! Every rule's fixtures (`testdata/rules/<rule>/{fail_*,pass_*}`, real Terraform plans) produce
//! exactly the findings their HCL announces with `# expect: <rule> [address]` comments — no
//! more (no false alarms), no fewer. Meta-tests keep rules, docs and fixture folders in step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(rule, primary address)` pairs announced in the `.tf` files of a case (not in modules/).
fn expectations(case: &Path) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(case).unwrap().flatten() {
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.trim().strip_prefix("# expect:") else { continue };
            let mut parts = rest.split_whitespace();
            let rule = parts.next().expect("rule name after # expect:").to_string();
            let address = match parts.next() {
                Some(a) => a.to_string(),
                None => {
                    // The next resource block's address.
                    let block = lines[i + 1..]
                        .iter()
                        .find(|l| l.starts_with("resource "))
                        .unwrap_or_else(|| panic!("{}: `# expect` without a following resource", p.display()));
                    let names: Vec<&str> = block.split('"').collect();
                    format!("{}.{}", names[1], names[3])
                }
            };
            out.insert((rule, address));
        }
    }
    out
}

fn cases() -> Vec<(String, PathBuf)> {
    let dir = common::root().join("testdata/rules");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&dir).unwrap().flatten() {
        for case in std::fs::read_dir(rule.path()).unwrap().flatten() {
            if case.path().is_dir() {
                out.push((rule.file_name().to_string_lossy().into_owned(), case.path()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for (rule, case) in cases() {
        let plan = case.join("plan.json");
        assert!(plan.is_file(), "{} has no plan.json (run testdata/gen.sh {})", case.display(), case.display());
        let expected = expectations(&case);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("fail_") {
            assert!(expected.iter().any(|(r, _)| *r == rule), "{}: a fail case must expect {rule}", case.display());
        } else {
            assert!(name.starts_with("pass_"), "{}: cases are fail_* or pass_*", case.display());
        }
        let (_, report) = common::lint_json(&plan);
        let got: BTreeSet<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["rule"].as_str().unwrap().to_string(), f["resources"][0].as_str().unwrap_or("").to_string()))
            .collect();
        if got != expected {
            failures.push(format!("{}:\n  expected {expected:?}\n  got      {got:?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_doc_and_failing_and_passing_fixtures() {
    let names = tfvpc::rules::names();
    for name in &names {
        let doc = common::root().join(format!("rules/{name}.md"));
        assert!(doc.is_file(), "missing {}", doc.display());
        let dir = common::root().join(format!("testdata/rules/{name}"));
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("missing fixture folder {}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(cases.iter().any(|c| c.starts_with("fail_")), "{name}: no fail_ fixture");
        assert!(cases.iter().any(|c| c.starts_with("pass_")), "{name}: no pass_ fixture");
        let src = common::root().join(format!("src/rules/{}.rs", name.replace('-', "_")));
        assert!(src.is_file(), "missing {}", src.display());
    }
    // No doc, fixture folder or rule source without a registered rule.
    for entry in std::fs::read_dir(common::root().join("rules")).unwrap().flatten() {
        let stem = entry.path().file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "README" {
            continue;
        }
        assert!(names.contains(&stem.as_str()), "rules/{stem}.md documents no registered rule");
    }
    for entry in std::fs::read_dir(common::root().join("testdata/rules")).unwrap().flatten() {
        let stem = entry.file_name().to_string_lossy().into_owned();
        assert!(names.contains(&stem.as_str()), "testdata/rules/{stem} belongs to no registered rule");
    }
}

#[test]
fn docs_have_the_fixed_sections() {
    for info in tfvpc::rules::infos() {
        for section in ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"] {
            assert!(info.doc.contains(section), "rules/{}.md lacks `{section}`", info.name);
        }
        assert!(info.doc.contains("https://docs.aws.amazon.com/"), "rules/{}.md cites no AWS doc", info.name);
    }
}

/// Every plan under `testdata/` (and the corpus, when present).
fn all_plans() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") && !p.to_string_lossy().contains("/bad/") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&common::root().join("testdata"), &mut out);
    if let Some(corpus) = common::corpus_dir() {
        walk(&corpus, &mut out);
    }
    out.sort();
    out
}

/// The path analysis traces an intent whose fast verdict is "unknown until apply" only when the
/// notes are shown: the defects found must not depend on it.
#[test]
fn findings_do_not_depend_on_showing_indeterminate_notes() {
    let findings = |plan: &str, show: bool| -> Option<Vec<String>> {
        let mut args = vec!["lint", "--format", "json", "--fail-on", "never"];
        if show {
            args.push("--show-indeterminate");
        }
        args.push(plan);
        let run = common::run(&args);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).ok()?;
        let mut out: Vec<String> = v["findings"]
            .as_array()?
            .iter()
            .filter(|f| f["indeterminate"] != true)
            .map(|f| format!("{} {} {}", f["rule"], f["resources"][0], f["message"]))
            .collect();
        out.sort();
        Some(out)
    };
    let mut checked = 0;
    for plan in all_plans() {
        let plan = plan.to_string_lossy().into_owned();
        let Some(plain) = findings(&plan, false) else { continue };
        assert_eq!(Some(plain), findings(&plan, true), "{plan}");
        checked += 1;
    }
    assert!(checked > 100, "only {checked} plans linted");
}
