//! Every rule's fixtures (`testdata/rules/<rule>/{fail_*,pass_*}`, real Terraform plans) produce
//! exactly the findings their HCL announces with `# expect: <rule> [address]` comments — no
//! more (no false alarms), no fewer (`-` for a finding without an address, about `.tfvpc.hcl`) — and what the user sees of them (rule, severity, location,
//! primary address, message) is snapshotted (`tests/snapshots/rules/<rule>__<case>.snap`).
//! Meta-tests keep rules, docs and fixture folders in step, and say that adding a rule touches
//! only its file, its line in the `register_rules!` list, its doc and its fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
                // A finding about the configuration file (an `expect` block) has no address.
                Some("-") => String::new(),
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

/// `(rule, case folder, lint JSON)` of every fixture, linted once for all the tests here.
fn linted() -> &'static [(String, PathBuf, serde_json::Value)] {
    static LINTED: OnceLock<Vec<(String, PathBuf, serde_json::Value)>> = OnceLock::new();
    LINTED.get_or_init(|| {
        cases()
            .into_iter()
            .map(|(rule, case)| {
                let plan = case.join("plan.json");
                assert!(plan.is_file(), "{} has no plan.json (run testdata/gen.sh {})", case.display(), case.display());
                let (_, report) = common::lint_json(&plan);
                (rule, case, report)
            })
            .collect()
    })
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for (rule, case, report) in linted() {
        let expected = expectations(case);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("fail_") {
            assert!(expected.iter().any(|(r, _)| r == rule), "{}: a fail case must expect {rule}", case.display());
        } else {
            assert!(name.starts_with("pass_"), "{}: cases are fail_* or pass_*", case.display());
        }
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

/// What the user sees of a fixture's findings, in report order: for each, rule, severity,
/// location (`file:line:column`, relative to the case folder, and what it points at) and primary
/// address, then the message.
fn findings_text(case: &Path, report: &serde_json::Value) -> String {
    let prefix = format!("{}/", case.display());
    let mut out = String::new();
    for f in report["findings"].as_array().unwrap() {
        let location = match &f["location"] {
            serde_json::Value::Null => "-".to_string(),
            l => {
                let file = l["file"].as_str().unwrap();
                format!(
                    "{}:{}:{} ({})",
                    file.strip_prefix(&prefix).unwrap_or(file),
                    l["line"],
                    l["column"],
                    l["kind"].as_str().unwrap()
                )
            }
        };
        out.push_str(&format!(
            "{} {} {} {}\n  {}\n",
            f["rule"].as_str().unwrap(),
            f["severity"].as_str().unwrap(),
            location,
            f["resources"][0].as_str().unwrap_or("-"),
            f["message"].as_str().unwrap()
        ));
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

#[test]
fn fixture_findings_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::root().join("tests/snapshots/rules"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (rule, case, report) in linted() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            insta::assert_snapshot!(format!("{rule}__{name}"), findings_text(case, report));
        }
    });
}

/// The `module::Type` lines of the `register_rules!` list in `src/rules/mod.rs`.
fn registry_list() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::root().join("src/rules/mod.rs")).unwrap();
    let start = text.find("register_rules! {").expect("src/rules/mod.rs invokes register_rules!");
    let body = &text[start + "register_rules! {".len()..];
    let body = &body[..body.find('}').unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .map(|l| {
            let (module, ty) =
                l.trim_end_matches(',').split_once("::").unwrap_or_else(|| panic!("`{l}`: module::Type"));
            (module.to_string(), ty.to_string())
        })
        .collect()
}

/// `(type, id)` of the `declare_rule!` in a rule file, if it has one.
fn declaration(text: &str) -> Option<(String, String)> {
    let decl = &text[text.find("declare_rule! {")?..];
    let ty = decl.split("pub struct ").nth(1)?.split_whitespace().next()?.to_string();
    let id = decl.split("id: \"").nth(1)?.split('"').next()?.to_string();
    Some((ty, id))
}

/// A source file without its comment lines and `#[cfg(test)]` items (tests may name rules).
fn code_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with("#[cfg(test)]") {
            // Skip the item: up to its `;`, or until its braces close.
            let mut depth = 0i32;
            let mut opened = false;
            for item in lines.by_ref() {
                depth += item.matches('{').count() as i32 - item.matches('}').count() as i32;
                opened |= item.contains('{');
                if (opened && depth <= 0) || (!opened && item.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        out.push(line);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Adding a rule touches its file `src/rules/<stem>.rs` (the `declare_rule!` and the code), its
/// line in the `register_rules!` list, `rules/<id>.md` and `testdata/rules/<id>/`: nothing else.
/// Every declaring file is listed exactly once (sorted: the order rules claim path failures in)
/// and every listed file declares the type it is listed with; the id is the stem in kebab-case
/// and its string literal appears once in the code under `src/`, in the declaration — no
/// string table elsewhere names rules.
#[test]
fn a_rule_is_one_declaration_one_list_line_one_doc_and_its_fixtures() {
    let root = common::root();
    let list = registry_list();
    let mut sorted = list.clone();
    sorted.sort();
    assert_eq!(list, sorted, "the register_rules! list is sorted by module");
    let mut declared: BTreeMap<String, (String, String)> = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("src/rules")).unwrap().flatten() {
        let p = entry.path();
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&p).unwrap();
        if let Some(d) = declaration(&code_lines(&text).join("\n")) {
            declared.insert(stem, d);
        }
    }
    for (stem, (ty, id)) in &declared {
        let listed: Vec<&(String, String)> = list.iter().filter(|(m, _)| m == stem).collect();
        assert_eq!(listed.len(), 1, "src/rules/{stem}.rs declares a rule: list it once in register_rules!");
        assert_eq!(&listed[0].1, ty, "register_rules! lists {stem} with the type its declare_rule! declares");
        assert_eq!(id.replace('-', "_"), *stem, "rule `{id}` lives in src/rules/{}.rs", id.replace('-', "_"));
    }
    for (module, _) in &list {
        assert!(
            declared.contains_key(module),
            "register_rules! lists {module}, but src/rules/{module}.rs declares no rule"
        );
    }
    let ids: Vec<&str> = declared.values().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, tfvpc::rules::names(), "the registry holds exactly the declared rules");

    // Each id's string literal: once, in its declaration.
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let sources: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = code_lines(&text).join("\n");
            (f, code)
        })
        .collect();
    for (stem, (_, id)) in &declared {
        let literal = format!("\"{id}\"");
        let found: Vec<String> = sources
            .iter()
            .flat_map(|(f, code)| {
                let rel = f.strip_prefix(&root).unwrap().display().to_string();
                std::iter::repeat_n(rel, code.matches(&literal).count())
            })
            .collect();
        assert_eq!(
            found,
            [format!("src/rules/{stem}.rs")],
            "the id {literal} is written once, in its declare_rule!; elsewhere use RuleId::{}",
            declared[stem].0
        );
    }

    // Its doc and fixtures.
    for id in &ids {
        let doc = std::fs::read_to_string(root.join(format!("rules/{id}.md")))
            .unwrap_or_else(|_| panic!("missing rules/{id}.md"));
        assert!(
            doc.starts_with(&format!("# {id}\n")),
            "rules/{id}.md starts with `# {id}` (no front matter: the declaration states id, category, severity, summary)"
        );
        let dir = root.join(format!("testdata/rules/{id}"));
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("missing fixture folder {}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(cases.iter().any(|c| c.starts_with("fail_")), "{id}: no fail_ fixture");
        assert!(cases.iter().any(|c| c.starts_with("pass_")), "{id}: no pass_ fixture");
    }
    // No doc or fixture folder without a declared rule.
    for entry in std::fs::read_dir(root.join("rules")).unwrap().flatten() {
        let stem = entry.path().file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "README" {
            continue;
        }
        assert!(ids.contains(&stem.as_str()), "rules/{stem}.md documents no declared rule");
    }
    for entry in std::fs::read_dir(root.join("testdata/rules")).unwrap().flatten() {
        let stem = entry.file_name().to_string_lossy().into_owned();
        assert!(ids.contains(&stem.as_str()), "testdata/rules/{stem} belongs to no declared rule");
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
