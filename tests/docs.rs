//! Generated documentation stays in step with the code: the rule index (from the rule
//! declarations), `tfvpc rules` and `tfvpc explain` (the declarations and `rules/<id>.md`), the
//! man page and completions render. `UPDATE_DOCS=1 cargo test --test docs` rewrites stale files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use clap::Parser;

fn check_generated(rel: &str, generated: &str) {
    let path = common::root().join(rel);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == generated, "{rel} is stale: run `UPDATE_DOCS=1 cargo test --test docs`");
}

#[test]
fn rule_index_is_fresh() {
    check_generated("docs/rules/README.md", &tfvpc::rules::index_markdown());
}

/// `tfvpc explain <id>` prints `rules/<id>.md` as it is, and `tfvpc rules` lists every rule
/// with the category, default severity and summary its declaration states.
#[test]
fn rules_and_explain_come_from_the_declarations() {
    let listing = common::run(&["rules"]);
    assert_eq!(listing.code, 0);
    let lines: Vec<&str> = listing.stdout.lines().collect();
    let infos = tfvpc::rules::infos();
    assert_eq!(lines.len(), infos.len(), "one line per rule");
    for (line, info) in lines.iter().zip(&infos) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&words[..3], [info.name, info.category, info.default_severity.as_str()], "{line}");
        assert!(line.ends_with(info.summary), "{line}");
        let doc = std::fs::read_to_string(common::root().join(format!("rules/{}.md", info.name))).unwrap();
        let explained = common::run(&["explain", info.name]);
        assert_eq!(explained.code, 0);
        assert_eq!(explained.stdout, doc, "tfvpc explain {}", info.name);
    }
}

#[test]
fn completions_and_man_page_render() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = common::run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}");
        assert!(r.stdout.contains("lint"), "{shell}");
    }
    let r = common::run(&["man"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(".TH tfvpc 1"));
}

/// The `tfvpc lint …` command lines inside the fenced code blocks of a document, cut where the
/// shell command ends (a quote, `&&`, a pipe, a redirection or a comment).
fn lint_commands(doc: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (index, line) in doc.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let Some(at) = line.find("tfvpc lint").filter(|_| fenced) else { continue };
        // Inside a comment, or quoted in prose.
        if line[..at].contains('#') || line[..at].contains('`') {
            continue;
        }
        let command = &line[at..];
        let end = ["'", "&&", " | ", " > ", " #", "`"].iter().filter_map(|stop| command.find(stop)).min();
        let command = &command[..end.unwrap_or(command.len())];
        let words = command.split_whitespace().map(|w| w.trim_matches('"').to_string()).collect();
        out.push((index + 1, words));
    }
    out
}

/// Every `tfvpc lint` command the documentation shows uses flags tfvpc has, and runs: against
/// a real plan, with each file it writes redirected to a scratch folder.
#[test]
fn documented_lint_commands_parse_and_run() {
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-commands");
    std::fs::create_dir_all(&scratch).unwrap();
    let plan = common::path("testdata/plans/basic-vpc/plan.json");
    let baseline = scratch.join("baseline.json").to_string_lossy().into_owned();
    let mut seen = 0;
    for rel in ["docs/ci-integration.md", "docs/baseline.md", "README.md"] {
        let doc = std::fs::read_to_string(common::root().join(rel)).unwrap();
        for (line, words) in lint_commands(&doc) {
            seen += 1;
            let mut args: Vec<String> = Vec::new();
            let mut writes = false;
            for word in &words[1..] {
                let arg = if writes {
                    if word.contains("baseline") {
                        baseline.clone()
                    } else {
                        scratch.join(word.replace('/', "_")).to_string_lossy().into_owned()
                    }
                } else if word.ends_with("plan.json") {
                    plan.clone()
                } else {
                    word.clone()
                };
                writes = matches!(word.as_str(), "--output" | "-o" | "--write-baseline" | "--baseline");
                args.push(arg);
            }
            let argv: Vec<&str> = std::iter::once("tfvpc").chain(args.iter().map(String::as_str)).collect();
            if let Err(e) = tfvpc::cli::Cli::try_parse_from(&argv) {
                panic!("{rel}:{line}: `{}` does not parse: {e}", words.join(" "));
            }
            // Baselines are read after one is written.
            if args.iter().any(|a| a == "--baseline") && !std::path::Path::new(&baseline).exists() {
                common::run(&["lint", "--write-baseline", &baseline, &plan]);
            }
            let stdin = std::fs::read(&plan).unwrap();
            let r = common::run_with_stdin(&args.iter().map(String::as_str).collect::<Vec<_>>(), &stdin);
            assert!(r.code <= 1, "{rel}:{line}: `{}` failed: {}", words.join(" "), r.stderr);
        }
    }
    assert!(seen >= 10, "only {seen} documented commands found");
}
