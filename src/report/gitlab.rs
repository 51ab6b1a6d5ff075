//! `--format gitlab`: a GitLab code quality report, the JSON array of Code Climate issues that
//! GitLab reads from `artifacts:reports:codequality` and shows in the merge request widget and
//! diff (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>).
//!
//! GitLab requires, per issue, `description`, `check_name`, `fingerprint` (unique in the
//! report), `severity` (`info`, `minor`, `major`, `critical` or `blocker`), `location.path`
//! (relative to the repository root) and `location.lines.begin`. tfvpc maps error → `critical`,
//! warning → `major`, note → `info`, and uses the finding's fingerprint — made unique with the
//! input's name when two inputs share a finding — so GitLab tells resolved issues from new ones
//! across pipelines.

use std::collections::HashMap;

use serde::Serialize;

use super::LintReport;
use crate::finding::Severity;

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "info",
    }
}

/// Renders the report as a pretty JSON array with a trailing newline.
pub fn render(report: &LintReport) -> String {
    let mut per_fingerprint: HashMap<&str, usize> = HashMap::new();
    for f in &report.findings {
        *per_fingerprint.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .map(|f| {
            let path = match &f.location {
                Some(l) => l.uri.clone().unwrap_or_else(|| l.file.replace('\\', "/")),
                None => f.input.clone(),
            };
            let mut description = f.message.clone();
            if let Some(a) = f.resources.first() {
                description.push_str(&format!(" ({a})"));
            }
            let fingerprint = if per_fingerprint.get(f.fingerprint.as_str()).copied().unwrap_or(0) > 1 {
                crate::finding::fingerprint(
                    f.rule,
                    std::slice::from_ref(&f.input),
                    std::slice::from_ref(&f.fingerprint),
                )
            } else {
                f.fingerprint.clone()
            };
            Issue {
                kind: "issue",
                check_name: format!("tfvpc/{}", f.rule),
                description,
                fingerprint,
                severity: severity(f.severity),
                location: IssueLocation {
                    path,
                    lines: Lines { begin: f.location.as_ref().map_or(1, |l| l.line.max(1)) },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
