//! `--format github`: GitHub Actions workflow commands, one annotation per finding on its `.tf`
//! line (<https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>).
//!
//! Escaping follows the Actions toolkit (`@actions/core`, `command.ts`): in the message `%`,
//! `\r` and `\n` become `%25`, `%0D`, `%0A`; in properties `:` and `,` also become `%3A`, `%2C`.
//!
//! GitHub shows at most [`PER_LEVEL`] error and [`PER_LEVEL`] warning annotations per step (and 50
//! per job): "10 warning annotations and 10 error annotations per step", Actions toolkit,
//! `docs/problem-matchers.md`, "Limitations" (actions/toolkit#734). Beyond that, annotations are
//! dropped silently. So when a level has more findings, the first nine are annotated, the tenth
//! annotation says how many more there are, and every finding is still printed as a plain log
//! line; a closing summary line follows.

use std::fmt::Write as _;

use super::{LintReport, human};
use crate::finding::{Finding, LocationKind, Severity};

/// Annotations GitHub shows per level and step.
pub const PER_LEVEL: usize = 10;

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn annotation(f: &Finding) -> String {
    let mut props = Vec::new();
    if let Some(l) = &f.location {
        let file = l.uri.clone().unwrap_or_else(|| l.file.replace('\\', "/"));
        if file != "-" {
            props.push(format!("file={}", escape_property(&file)));
            props.push(format!("line={}", l.line));
            if l.kind != LocationKind::Input {
                props.push(format!("col={}", l.column));
                props.push(format!("endLine={}", l.end_line));
                if l.end_line == l.line {
                    props.push(format!("endColumn={}", l.end_column));
                }
            }
        }
    }
    props.push(format!("title={}", escape_property(&format!("tfvpc {}", f.rule))));
    let mut message = f.message.clone();
    if let Some(a) = f.resources.first() {
        let _ = write!(message, "\n{a} in {}", f.input);
    }
    if f.introduced == Some(false) {
        message.push_str(" (already present before this plan)");
    }
    if let Some(summary) = f.affected.summary() {
        let _ = write!(message, "\n{summary}");
    }
    let _ = write!(message, "\nhelp: {}", f.help);
    format!("::{} {}::{}\n", command(f.severity), props.join(","), escape_data(&message))
}

/// Renders the workflow commands.
pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for (input, message) in &report.errors {
        let _ = writeln!(out, "::error title=tfvpc::{}", escape_data(&format!("{input}: {message}")));
    }
    let mut plain = Vec::new();
    for level in [Severity::Error, Severity::Warning, Severity::Note] {
        let of_level: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == level).collect();
        let annotated = if of_level.len() > PER_LEVEL { PER_LEVEL - 1 } else { of_level.len() };
        for f in &of_level[..annotated] {
            out.push_str(&annotation(f));
        }
        if of_level.len() > annotated {
            let rest = &of_level[annotated..];
            let _ = writeln!(
                out,
                "::{} title=tfvpc::{}",
                command(level),
                escape_data(&format!(
                    "{} more {level} findings are not annotated (GitHub shows {PER_LEVEL} per step); \
                     they are listed in the log, and SARIF upload shows them all",
                    rest.len()
                ))
            );
            plain.extend(rest.iter().copied());
        }
    }
    for f in plain {
        let _ = writeln!(
            out,
            "{}[{}] {}: {} ({})",
            f.severity,
            f.rule,
            super::position(f),
            f.message,
            f.resources.first().map_or("", String::as_str)
        );
    }
    for i in report.inputs.iter().filter(|i| i.warnings.iter().any(|w| w == super::NOTHING_MODELLED)) {
        let _ = writeln!(
            out,
            "::notice title=tfvpc::{}",
            escape_data(&format!("{}: {}", i.input, super::NOTHING_MODELLED))
        );
    }
    out.push_str(&human::summary_line(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
