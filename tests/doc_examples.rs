//! Issue 6, item 4: every rule doc's examples are real. The ```hcl block under `## Example` in
//! `rules/<rule>.md` is, whitespace aside, `testdata/rules/<rule>/fail_doc_example/main.tf`, whose
//! plan (with the `support.tf` beside it) triggers the rule (a block of `.tfvpc.hcl` — an
//! `expect` — is the case's `.tfvpc.hcl` instead of its `main.tf`); the block under `## Use instead` is
//! `pass_doc_use_instead/main.tf`, whose plan does not. `tests/rule_fixtures.rs` checks both
//! cases' exact findings from the `# expect:` lines of their `support.tf`.
//!
//! `UPDATE_DOCS=1 cargo test --test doc_examples` rewrites the `main.tf` files from the docs;
//! then `testdata/gen.sh testdata/rules/<rule>/*_doc_*` regenerates their plans.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]
// clippy.toml allows panics in `#[test]` functions only; the helpers below are test code too.
#![expect(clippy::panic, reason = "test helpers")]

mod common;

use std::path::Path;

/// The one ```hcl block of a `## <section>` of a doc.
fn hcl_block(doc: &str, section: &str, rule: &str) -> String {
    let heading = format!("## {section}\n");
    let start = doc.find(&heading).unwrap_or_else(|| panic!("rules/{rule}.md has no `## {section}`")) + heading.len();
    let body = &doc[start..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let blocks: Vec<&str> = body.split("```hcl\n").skip(1).map(|b| b.split("\n```").next().unwrap_or("")).collect();
    assert_eq!(blocks.len(), 1, "rules/{rule}.md: `## {section}` must hold exactly one ```hcl block");
    format!("{}\n", blocks[0])
}

/// Whitespace-normalised text: runs of blanks become one space, lines are trimmed, blank lines go.
fn normalised(text: &str) -> Vec<String> {
    text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect()
}

/// The rules of `case`'s plan: every finding's rule.
fn rules_found(case: &Path) -> Vec<String> {
    let plan = case.join("plan.json");
    assert!(plan.is_file(), "{} has no plan.json (run testdata/gen.sh {})", case.display(), case.display());
    let (_, report) = common::lint_json(&plan);
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn every_doc_example_is_a_fixture_that_triggers_its_rule() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut failures = Vec::new();
    for rule in tfvpc::rules::names() {
        let doc = std::fs::read_to_string(common::root().join(format!("rules/{rule}.md"))).unwrap();
        for (section, case, triggers) in
            [("Example", "fail_doc_example", true), ("Use instead", "pass_doc_use_instead", false)]
        {
            let block = hcl_block(&doc, section, rule);
            if block.lines().any(|l| l.trim_start().starts_with("# expect:")) {
                failures.push(format!("rules/{rule}.md: `## {section}` holds `# expect:`; put it in support.tf"));
            }
            let dir = common::root().join(format!("testdata/rules/{rule}/{case}"));
            // Blocks of `.tfvpc.hcl` (an `expect`) are the fixture's configuration file.
            let file = if block.trim_start().starts_with("expect ") { ".tfvpc.hcl" } else { "main.tf" };
            let main = dir.join(file);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&main, &block).unwrap();
            }
            let Ok(source) = std::fs::read_to_string(&main) else {
                failures.push(format!("{rule}: no {}", main.display()));
                continue;
            };
            if normalised(&source) != normalised(&block) {
                failures.push(format!(
                    "{rule}: {case}/{file} differs from the `## {section}` block of rules/{rule}.md \
                     (UPDATE_DOCS=1 cargo test --test doc_examples, then testdata/gen.sh)"
                ));
                continue;
            }
            if update {
                continue;
            }
            let found = rules_found(&dir);
            let fired = found.iter().any(|r| r == rule);
            if fired != triggers {
                failures.push(format!(
                    "{rule}: the plan of `## {section}` ({case}) {} the rule; findings: {found:?}",
                    if triggers { "does not trigger" } else { "triggers" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn normalising_ignores_only_whitespace() {
    assert_eq!(normalised("a  = 1\n\n  b = \"x\"  \n"), normalised("a = 1\nb = \"x\""));
    assert_ne!(normalised("a = 1"), normalised("a = 2"));
}
