//! The reports of `tfvpc diff` (and the difference summary `tfvpc lint --diff` appends): the
//! human list, grouped per source × destination resource (internet exposure first); the JSON
//! contract (`differences`, version [`DIFF_JSON_VERSION`], docs/output-formats.md); Markdown for a
//! pull-request comment (a table and a Mermaid diagram of the opened and closed paths). SARIF and
//! GitHub annotations come from the differences' findings, through `sarif.rs` and `github.rs`.

use std::fmt::Write as _;

use serde::Serialize;

use super::plural;
use crate::diff::policy::{Reported, cost_text, path_text};
use crate::diff::{Change, Difference};
use crate::finding::{Location, Severity};

/// The version of `tfvpc diff --format json` (and of the `differences` entries of
/// `tfvpc lint --diff --format json`): bumped on any change that is not a pure addition.
pub const DIFF_JSON_VERSION: u32 = 1;

/// Everything a diff run produced.
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    /// The before side as given (the plan itself when comparing a plan with its prior state).
    pub before: String,
    /// The after side as given.
    pub after: String,
    /// The differences with their findings, in report order.
    pub reported: Vec<Reported>,
    /// How many differences suppressions left out.
    pub suppressed: usize,
    /// Warnings about the inputs.
    pub warnings: Vec<String>,
}

impl DiffReport {
    /// The number of differences of one kind of change.
    pub fn count(&self, change: Change) -> usize {
        self.reported.iter().filter(|r| r.difference.change == change).count()
    }
}

/// One entry of the JSON `differences` array: one protocol of one difference.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    /// Source: an address, `internet` or `on-premises`.
    pub from: &'a str,
    /// Destination: an address, `internet`, `on-premises` or a service name.
    pub to: &'a str,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number or range, `other` (every protocol
    /// but those four) or `all` (every protocol, port and type).
    pub protocol: String,
    /// Destination ports (`0-65535 except 22`), or ICMP types (`type 8`); null otherwise.
    pub ports: Option<String>,
    /// `opened`, `closed`, `may-open`, `may-close`, `rerouted`.
    pub change: Change,
    /// The rule that reports it.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Every service of the difference, as the human report prints them.
    pub services: String,
    /// The changed resources at the hop where the two sides part.
    pub causes: &'a [String],
    /// The stage where the side that does not get through stops.
    pub stage: Option<&'static str>,
    /// The resource that decides there.
    pub at: Option<&'a str>,
    /// Gateways on the path before and after (reachable sides).
    pub path_before: &'a [String],
    /// Gateways after.
    pub path_after: &'a [String],
    /// Per-GB price of the path before (reachable sides).
    pub usd_per_gb_before: Option<f64>,
    /// Per-GB price after.
    pub usd_per_gb_after: Option<f64>,
    /// Where in the `.tf` sources the first cause is.
    pub location: Option<&'a Location>,
    /// The finding's fingerprint (stable across runs).
    pub fingerprint: &'a str,
}

/// The JSON entries of the reported differences.
pub fn entries(reported: &[Reported]) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for r in reported {
        let d = &r.difference;
        for (protocol, ports) in d.services.entries() {
            out.push(Entry {
                from: &d.from,
                to: &d.to,
                protocol,
                ports,
                change: d.change,
                rule: r.finding.rule,
                severity: r.finding.severity,
                services: d.services.text(),
                causes: &d.causes,
                stage: d.stage.map(crate::eval::Stage::as_str),
                at: d.at.as_deref(),
                path_before: &d.path_before,
                path_after: &d.path_after,
                usd_per_gb_before: d.usd_per_gb_before,
                usd_per_gb_after: d.usd_per_gb_after,
                location: r.finding.location.as_ref(),
                fingerprint: &r.finding.fingerprint,
            });
        }
    }
    out
}

/// `tfvpc diff --format json`.
pub fn json(report: &DiffReport) -> String {
    #[derive(Serialize)]
    struct Summary {
        opened: usize,
        closed: usize,
        may_open: usize,
        may_close: usize,
        rerouted: usize,
        suppressed: usize,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        version: u32,
        before: &'a str,
        after: &'a str,
        differences: Vec<Entry<'a>>,
        summary: Summary,
        warnings: &'a [String],
    }
    let out = Out {
        version: DIFF_JSON_VERSION,
        before: &report.before,
        after: &report.after,
        differences: entries(&report.reported),
        summary: Summary {
            opened: report.count(Change::Opened),
            closed: report.count(Change::Closed),
            may_open: report.count(Change::MayOpen),
            may_close: report.count(Change::MayClose),
            rerouted: report.count(Change::Rerouted),
            suppressed: report.suppressed,
        },
        warnings: &report.warnings,
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn where_text(l: &Location) -> String {
    format!("{}:{}", l.file, l.line)
}

/// One difference, two or three lines: what changed, then why and where.
fn human_item(r: &Reported, out: &mut String) {
    let d = &r.difference;
    let _ = writeln!(out, "{} → {}: {} {}", d.from, d.to, d.change, d.services.text());
    let severity = match r.finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let at = r.finding.location.as_ref().map(|l| format!(" at {}", where_text(l))).unwrap_or_default();
    let _ = writeln!(out, "  {severity}[{}]{at}", r.finding.rule);
    if !d.causes.is_empty() {
        let _ = writeln!(out, "  caused by {}", d.causes.join(", "));
    }
    match (d.change, d.stage, &d.at) {
        (Change::Rerouted, _, _) => {
            let _ = writeln!(out, "  before: {}", path_text(&d.path_before));
            let _ = writeln!(
                out,
                "  after:  {}{}",
                path_text(&d.path_after),
                cost_text(d.usd_per_gb_before, d.usd_per_gb_after)
            );
        }
        (change, Some(stage), at) => {
            let side = if matches!(change, Change::Opened | Change::MayOpen) { "before" } else { "after" };
            let by = at.as_ref().map(|a| format!(" ({a})")).unwrap_or_default();
            let verb = if matches!(change, Change::MayOpen | Change::MayClose) { "undecided" } else { "stops" };
            let _ = writeln!(out, "  {side}: {verb} at {stage}{by}");
        }
        _ => {}
    }
}

/// The human report: every difference, then a summary line.
pub fn human(report: &DiffReport) -> String {
    let mut out = String::new();
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    for r in &report.reported {
        human_item(r, &mut out);
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// The section `tfvpc lint --diff` appends to the human report: one line per difference.
pub fn summary_block(reported: &[Reported]) -> String {
    let mut out = String::from("\nwhat this change opens and closes:\n");
    if reported.is_empty() {
        out.push_str("  no difference in reachability\n");
    }
    for r in reported {
        let d = &r.difference;
        let by = if d.causes.is_empty() { String::new() } else { format!(" (by {})", d.causes.join(", ")) };
        let _ = writeln!(out, "  {} → {}: {} {}{by}", d.from, d.to, d.change, d.services.text());
    }
    out
}

/// `3 differences (1 opened, 2 closed), 1 suppressed` or `no difference in reachability`.
pub fn summary_line(report: &DiffReport) -> String {
    let mut parts = Vec::new();
    for change in [Change::Opened, Change::MayOpen, Change::Closed, Change::MayClose, Change::Rerouted] {
        let n = report.count(change);
        if n > 0 {
            parts.push(format!("{n} {change}"));
        }
    }
    let mut line = if report.reported.is_empty() {
        "no difference in reachability".to_string()
    } else {
        format!("{} ({})", plural(report.reported.len(), "difference", "differences"), parts.join(", "))
    };
    if report.suppressed > 0 {
        let _ = write!(line, ", {} suppressed", report.suppressed);
    }
    line
}

fn cell(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', " ")
}

fn mermaid_label(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

/// The Markdown table and diagram (also the section `tfvpc lint --diff --format markdown` adds).
pub fn markdown_section(reported: &[Reported], out: &mut String) {
    out.push_str("| | change | from | to | services | caused by |\n|---|---|---|---|---|---|\n");
    for r in reported {
        let d = &r.difference;
        let icon = match r.finding.severity {
            Severity::Error => "🔴",
            Severity::Warning => "🟠",
            Severity::Note => "🔵",
        };
        let causes = if d.causes.is_empty() {
            String::new()
        } else {
            d.causes.iter().map(|c| format!("`{}`", cell(c))).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            out,
            "| {icon} | {} | `{}` | `{}` | {} | {causes} |",
            d.change,
            cell(&d.from),
            cell(&d.to),
            cell(&d.services.text())
        );
    }
    let drawn: Vec<&Difference> =
        reported.iter().map(|r| &r.difference).filter(|d| d.change != Change::Rerouted).collect();
    if drawn.is_empty() {
        return;
    }
    out.push_str("\n```mermaid\nflowchart LR\n");
    let mut nodes: Vec<String> = Vec::new();
    let mut id = |name: &str, out: &mut String| -> usize {
        if let Some(i) = nodes.iter().position(|n| n == name) {
            return i;
        }
        nodes.push(name.to_string());
        let i = nodes.len() - 1;
        let _ = writeln!(out, "  n{i}[\"{}\"]", mermaid_label(name));
        i
    };
    for d in drawn {
        let (a, b) = (id(&d.from, out), id(&d.to, out));
        let label = mermaid_label(&format!("{}: {}", d.change, d.services.text()));
        let arrow = match d.change {
            Change::Opened => format!("n{a} -- \"{label}\" --> n{b}"),
            Change::MayOpen | Change::MayClose => format!("n{a} -. \"{label}\" .-> n{b}"),
            _ => format!("n{a} -- \"{label}\" --x n{b}"),
        };
        let _ = writeln!(out, "  {arrow}");
    }
    out.push_str("```\n");
}

/// `tfvpc diff --format markdown`: a pull-request comment.
pub fn markdown(report: &DiffReport) -> String {
    let mut out = String::from("### tfvpc diff\n\n");
    let _ = writeln!(out, "{}\n", summary_line(report));
    if !report.reported.is_empty() {
        markdown_section(&report.reported, &mut out);
    }
    out
}
