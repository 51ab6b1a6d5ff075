//! Human output: miette diagnostics, one per finding, and a closing summary line. The only
//! place that renders miette reports.

use std::fmt::Write as _;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Severity as MietteSeverity};

use super::LintReport;
use crate::finding::{Finding, Severity};

/// A finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    text: String,
}

impl std::fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<MietteSeverity> {
        Some(match self.finding.severity {
            Severity::Error => MietteSeverity::Error,
            Severity::Warning => MietteSeverity::Warning,
            Severity::Note => MietteSeverity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!("{}\n(`tfvpc explain {}` for details)", self.finding.help, self.finding.rule)))
    }
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

/// Renders one finding.
pub fn render_finding(finding: &Finding, color: bool) -> String {
    let mut text = finding.message.clone();
    let mut at = format!("\n  in {}", finding.input);
    if let Some(primary) = finding.resources.first() {
        at.push_str(&format!(": {primary}"));
    }
    if let Some(loc) = &finding.location {
        at.push_str(&format!(" ({}:{}:{})", loc.file, loc.line, loc.column));
    }
    text.push_str(&at);
    if finding.resources.len() > 1 {
        text.push_str(&format!("\n  also: {}", finding.resources[1..].join(", ")));
    }
    let diag = FindingDiagnostic { finding, text };
    let mut out = String::new();
    if handler(color).render_report(&mut out, &diag).is_err() {
        out = format!("{}[{}]: {}\n", finding.severity, finding.rule, diag.text);
    }
    out
}

/// Renders a whole report: findings, input warnings, and the summary line.
pub fn render(report: &LintReport, color: bool, verbose: bool) -> String {
    let mut out = String::new();
    for i in &report.inputs {
        for w in &i.warnings {
            let _ = writeln!(out, "warning: {}: {w}", i.input);
        }
        if verbose {
            if !i.summary.other_providers.is_empty() {
                let list: Vec<String> = i.summary.other_providers.iter().map(|(k, v)| format!("{k} ({v})")).collect();
                let _ =
                    writeln!(out, "note: {}: resources of other providers, not analysed: {}", i.input, list.join(", "));
            }
            if !i.summary.not_modelled.is_empty() {
                let list: Vec<String> = i.summary.not_modelled.iter().map(|(k, v)| format!("{k} ({v})")).collect();
                let _ = writeln!(
                    out,
                    "note: {}: AWS network resources tfvpc does not model yet: {}",
                    i.input,
                    list.join(", ")
                );
            }
        }
    }
    for f in &report.findings {
        out.push_str(&render_finding(f, color));
    }
    out.push_str(&summary_line(report));
    out
}

/// `3 findings (1 error, 2 warnings) in 2 inputs`.
pub fn summary_line(report: &LintReport) -> String {
    let n = report.findings.len();
    let inputs = report.inputs.len();
    let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") };
    let where_ = plural(inputs, "input", "inputs");
    if n == 0 {
        return format!("no findings in {where_}\n");
    }
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Note, "note", "notes"),
    ] {
        let c = report.count(sev);
        if c > 0 {
            parts.push(plural(c, one, many));
        }
    }
    format!("{} ({}) in {where_}\n", plural(n, "finding", "findings"), parts.join(", "))
}
