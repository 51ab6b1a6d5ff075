//! Generated documentation stays in step with the code: the rule index, the man page and
//! completions render. `UPDATE_DOCS=1 cargo test --test docs` rewrites stale files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

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
