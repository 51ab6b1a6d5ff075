//! `--format markdown`: a pull-request comment. A table of findings (severity, rule, resource,
//! file and line, message, whether the plan introduces it) and, for path findings, a Mermaid
//! diagram of the path. The whole comment stays under GitHub's limit of [`MAX_CHARS`]
//! characters for a comment body: rows and diagrams that do not fit are left out and counted.

use std::fmt::Write as _;

use super::{LintReport, human, plural};
use crate::finding::{Finding, Severity};

/// GitHub rejects issue and pull-request comments longer than 65,536 characters.
pub const MAX_CHARS: usize = 65_536;

/// Room kept for the closing note about what was left out.
const RESERVE: usize = 400;

/// Escapes text for a table cell: no pipes, no line breaks, no raw HTML.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Inline code in a cell (backticks in the text become `'`).
fn code(text: &str) -> String {
    format!("`{}`", cell(&text.replace('`', "'")))
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴 error",
        Severity::Warning => "🟠 warning",
        Severity::Note => "🔵 note",
    }
}

/// A Mermaid label: quotes and characters Mermaid reads as markup become entities.
fn mermaid_label(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

fn row(f: &Finding) -> String {
    let where_ = match &f.location {
        Some(l) => code(&format!("{}:{}", l.uri.as_deref().unwrap_or(&l.file), l.line)),
        None => code(&f.input),
    };
    let new = match f.introduced {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    format!(
        "| {} | {} | {} | {} | {} | {new} |\n",
        icon(f.severity),
        code(f.rule),
        code(f.resources.first().map_or("", String::as_str)),
        where_,
        cell(&match f.affected.summary() {
            Some(summary) => format!("{} ({summary})", f.message),
            None => f.message.clone(),
        })
    )
}

/// A path finding's diagram, or `None` when it has no trace.
fn diagram(index: usize, f: &Finding) -> Option<String> {
    let trace = f.trace.as_ref().filter(|t| !t.hops.is_empty())?;
    let mut out = format!(
        "<details><summary>{index}. <code>{}</code> on <code>{}</code></summary>\n\n```mermaid\nflowchart LR\n",
        cell(f.rule),
        cell(f.resources.first().map_or("", String::as_str))
    );
    for (i, hop) in trace.hops.iter().enumerate() {
        let name = hop.resource.as_deref().unwrap_or("");
        let label = if name.is_empty() { hop.message.clone() } else { format!("{name}<br/>{}", hop.message) };
        let _ = writeln!(out, "  h{i}[\"{}\"]", mermaid_label(&label).replace("#lt;br/#gt;", "<br/>"));
        if i > 0 {
            let _ = writeln!(out, "  h{} --> h{i}", i - 1);
        }
        if hop.passes == Some(false) {
            let _ = writeln!(out, "  style h{i} stroke:#d00,stroke-width:3px");
        }
    }
    out.push_str("```\n");
    if !trace.cost.is_empty() {
        out.push('\n');
        for c in &trace.cost {
            let _ = writeln!(out, "- {}", cell(c));
        }
    }
    out.push_str("\n</details>\n\n");
    Some(out)
}

/// Renders the comment.
pub fn render(report: &LintReport) -> String {
    let mut out = String::from("### tfvpc\n\n");
    out.push_str(&human::summary_line(report).lines().collect::<Vec<_>>().join("  \n"));
    out.push_str("\n\n");
    for (input, message) in &report.errors {
        let _ = writeln!(out, "> **error:** {}\n", cell(&format!("{input}: {message}")));
    }
    if report.findings.is_empty() {
        return out;
    }
    let budget = MAX_CHARS - RESERVE;
    let mut size = out.chars().count();
    let header = "| Severity | Rule | Resource | Where | Finding | New |\n|---|---|---|---|---|---|\n";
    out.push_str(header);
    size += header.chars().count();
    let mut rows_left_out = 0;
    for f in &report.findings {
        let r = row(f);
        let n = r.chars().count();
        if rows_left_out > 0 || size + n > budget {
            rows_left_out += 1;
            continue;
        }
        out.push_str(&r);
        size += n;
    }
    out.push('\n');
    size += 1;
    let mut diagrams_left_out = 0;
    let mut first = true;
    for (i, f) in report.findings.iter().enumerate() {
        let Some(d) = diagram(i + 1, f) else { continue };
        let title = if first { "#### Paths\n\n" } else { "" };
        let n = d.chars().count() + title.chars().count();
        if diagrams_left_out > 0 || size + n > budget {
            diagrams_left_out += 1;
            continue;
        }
        first = false;
        out.push_str(title);
        out.push_str(&d);
        size += n;
    }
    if rows_left_out + diagrams_left_out > 0 {
        let mut parts = Vec::new();
        if rows_left_out > 0 {
            parts.push(plural(rows_left_out, "finding", "findings"));
        }
        if diagrams_left_out > 0 {
            parts.push(plural(diagrams_left_out, "path diagram", "path diagrams"));
        }
        let _ = writeln!(
            out,
            "_{} not shown: a GitHub comment holds at most {MAX_CHARS} characters. The SARIF or JSON report has everything._",
            parts.join(" and ")
        );
    }
    if let Some(differences) = report.differences.as_deref().filter(|d| !d.is_empty()) {
        out.push_str("\n#### What this change opens and closes\n\n");
        super::diff::markdown_section(differences, &mut out);
    }
    out
}
