//! Human output: one miette diagnostic per finding with the `.tf` snippet, labels on the
//! resources involved (the labels of one diagnostic share its file; resources in other files get
//! related diagnostics), help, the hop trace and cost lines of path findings, and a closing
//! summary. The only place that renders miette reports.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity as MietteSeverity,
    SourceSpan,
};

use super::{LintReport, Options, plural, position};
use crate::finding::{Finding, Location, LocationKind, Severity};
use crate::source::offset_of;

/// A finding, or a group of its resources in another file, as a miette diagnostic.
#[derive(Debug)]
struct Part {
    text: String,
    code: Option<&'static str>,
    severity: MietteSeverity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Part>,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Part {}

impl Diagnostic for Part {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<MietteSeverity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() { None } else { Some(Box::new(self.labels.iter().cloned())) }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() { None } else { Some(Box::new(self.related.iter().map(|p| p as &dyn Diagnostic))) }
    }
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

fn miette_severity(s: Severity) -> MietteSeverity {
    match s {
        Severity::Error => MietteSeverity::Error,
        Severity::Warning => MietteSeverity::Warning,
        Severity::Note => MietteSeverity::Advice,
    }
}

/// The byte span of a location in its file's text.
fn span_of(text: &str, l: &Location) -> SourceSpan {
    let start = offset_of(text, l.line, l.column);
    let end = offset_of(text, l.end_line, l.end_column).max(start);
    SourceSpan::from(start..end)
}

/// Where a resource is, when the file's text is at hand (a snippet can be shown).
fn snippet<'a>(l: Option<&'a Location>, files: &BTreeMap<String, Arc<str>>) -> Option<(&'a Location, Arc<str>)> {
    let l = l.filter(|l| l.kind != LocationKind::Input)?;
    files.get(&l.file).map(|t| (l, t.clone()))
}

/// How close (in lines) a supporting resource must be to share the primary snippet.
const NEAR_LINES: usize = 2;

/// Adds a label, or names one more resource on a label of the same span (instances of one
/// `count` block).
fn merge_label(labels: &mut Vec<LabeledSpan>, span: SourceSpan, address: &str, l: &Location) {
    match labels.iter_mut().find(|x| x.offset() == span.offset() && x.len() == span.len()) {
        Some(existing) => {
            let merged = Some(format!("{}, {address}", existing.label().unwrap_or("")));
            *existing = if existing.primary() {
                LabeledSpan::new_primary_with_span(merged, span)
            } else {
                LabeledSpan::new_with_span(merged, span)
            };
        }
        None => labels.push(LabeledSpan::new_with_span(Some(label_text(address, l)), span)),
    }
}

fn label_text(address: &str, l: &Location) -> String {
    match l.kind {
        LocationKind::ModuleCall => format!("{address} (created by this module)"),
        LocationKind::ModuleArgument => format!("{address} (decided by this module argument)"),
        LocationKind::Config => "this ignore block".to_string(),
        _ => address.to_string(),
    }
}

/// The main text: the message, where it is when no snippet shows it, the trace and cost lines.
fn text_of(f: &Finding, located: bool) -> String {
    let mut text = f.message.clone();
    if !located {
        let _ = write!(text, "\n  at {} in {}", f.resources.first().map_or("", String::as_str), f.input);
    }
    if let Some(summary) = f.affected.summary() {
        let _ = write!(text, "\n  {summary}");
    }
    if f.introduced == Some(false) {
        text.push_str("\n  (already present before this plan)");
    }
    if let Some(trace) = &f.trace {
        if !trace.hops.is_empty() {
            text.push_str("\n  path:");
            for (i, hop) in trace.hops.iter().enumerate() {
                let mark = match hop.passes {
                    Some(false) => "✗",
                    _ => "→",
                };
                let _ = write!(text, "\n    {mark} {}. ", i + 1);
                if let Some(a) = &hop.resource {
                    let _ = write!(text, "{a}: ");
                }
                text.push_str(&hop.message);
                if let Some(l) = hop.location.as_ref().filter(|l| l.kind != LocationKind::Input) {
                    let _ = write!(text, " ({}:{})", l.file, l.line);
                }
            }
        }
        if !trace.cost.is_empty() {
            text.push_str("\n  cost:");
            for line in &trace.cost {
                let _ = write!(text, "\n    {line}");
            }
        }
    }
    text
}

fn diagnostic(f: &Finding, files: &BTreeMap<String, Arc<str>>) -> Part {
    let primary = snippet(f.location.as_ref(), files);
    let help = Some(format!("{}\n(`tfvpc explain {}` for details)", f.help, f.rule));
    let mut part = Part {
        text: text_of(f, primary.is_some()),
        code: Some(f.rule),
        severity: miette_severity(f.severity),
        help,
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    let Some((loc, text)) = primary else {
        if !f.related.is_empty() {
            part.text.push_str(&format!("\n  also: {}", f.resources[1..].join(", ")));
        }
        return part;
    };
    let address = f.resources.first().map_or("", String::as_str);
    let span = span_of(&text, loc);
    let label = match loc.kind {
        // A block of the configuration file by its keyword: `this ignore block`, `this expect block`.
        LocationKind::Config => {
            let keyword = text.get(span.offset()..).and_then(|t| t.split_whitespace().next()).unwrap_or("ignore");
            format!("this {keyword} block")
        }
        _ => label_text(address, loc),
    };
    part.labels.push(LabeledSpan::new_primary_with_span(Some(label), span));
    part.source = Some(NamedSource::new(&loc.file, text.clone()).with_language("hcl"));
    // Supporting resources: a label in the main snippet when within a few lines of the primary
    // one (miette would otherwise show everything between them), else a related diagnostic of
    // their own, in whatever file they are.
    let mut elsewhere: Vec<(String, &Location, Arc<str>)> = Vec::new();
    let mut unlocated: Vec<&str> = Vec::new();
    for r in &f.related {
        match snippet(r.location.as_ref(), files) {
            Some((l, t)) if l.file == loc.file && l.line.abs_diff(loc.line) <= NEAR_LINES => {
                let span = span_of(&t, l);
                merge_label(&mut part.labels, span, &r.address, l);
            }
            Some((l, t)) => match elsewhere.iter_mut().find(|(_, other, _)| other == &l) {
                // Instances of one `count`/`for_each` block share it.
                Some(entry) => entry.0 = format!("{}, {}", entry.0, r.address),
                None => elsewhere.push((r.address.clone(), l, t)),
            },
            None => unlocated.push(&r.address),
        }
    }
    if !unlocated.is_empty() {
        part.text.push_str(&format!("\n  also: {}", unlocated.join(", ")));
    }
    for (addresses, l, t) in elsewhere {
        let label = label_text(&addresses, l);
        part.related.push(Part {
            text: format!("related: {addresses}"),
            code: None,
            severity: MietteSeverity::Advice,
            help: None,
            labels: vec![LabeledSpan::new_with_span(Some(label), span_of(&t, l))],
            source: Some(NamedSource::new(&l.file, t).with_language("hcl")),
            related: Vec::new(),
        });
    }
    part
}

/// Renders one finding.
pub fn render_finding(f: &Finding, files: &BTreeMap<String, Arc<str>>, color: bool) -> String {
    let diag = diagnostic(f, files);
    let mut out = String::new();
    if handler(color).render_report(&mut out, &diag).is_err() {
        out = format!("{}[{}]: {}\n", f.severity, f.rule, diag.text);
    }
    out
}

/// Renders a whole report: input warnings, findings, and the summary lines.
pub fn render(report: &LintReport, options: &Options) -> String {
    let mut out = String::new();
    for i in &report.inputs {
        // An input that modelled nothing is said in the summary lines, where the reader looks last.
        for w in i.warnings.iter().filter(|w| w.as_str() != super::NOTHING_MODELLED) {
            let _ = writeln!(out, "warning: {}: {w}", i.input);
        }
        if options.verbose {
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
        out.push_str(&render_finding(f, &report.files, options.color));
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}

/// `3 findings (1 error, 2 warnings) in 2 inputs`, a line for each input that modelled no VPC
/// and no subnet ([`super::NOTHING_MODELLED`]), and for plans a line
/// `3 findings introduced by this plan, 5 already present`.
pub fn summary_line(report: &LintReport) -> String {
    let n = report.findings.len();
    let where_ = plural(report.inputs.len(), "input", "inputs");
    let mut out = if n == 0 {
        format!("no findings in {where_}\n")
    } else {
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
    };
    for i in report.inputs.iter().filter(|i| i.warnings.iter().any(|w| w == super::NOTHING_MODELLED)) {
        let _ = writeln!(out, "{}: {}", i.input, super::NOTHING_MODELLED);
    }
    if let Some((new, present)) = report.introduced_counts() {
        let plans = report.inputs.iter().filter(|i| i.kind == "plan").count();
        let this = if plans > 1 { "these plans" } else { "this plan" };
        let hidden = if report.hidden_present > 0 { " (not shown: --new-only)" } else { "" };
        let _ = writeln!(
            out,
            "{} introduced by {this}, {present} already present{hidden}",
            plural(new, "finding", "findings")
        );
    }
    out.push_str(&suppression_lines(report));
    if !report.errors.is_empty() {
        // The run failed: say so where the reader looks last (exit code 2).
        let names: Vec<&str> = report.errors.iter().map(|(input, _)| input.as_str()).collect();
        let _ = writeln!(
            out,
            "{} could not be analysed (see the errors above): {}",
            plural(names.len(), "input", "inputs"),
            names.join(", ")
        );
    }
    out
}

/// The summary lines about suppressions and baselines (none when neither played a part).
fn suppression_lines(report: &LintReport) -> String {
    let mut out = String::new();
    if report.suppressed > 0 {
        let _ = writeln!(
            out,
            "{} suppressed (tfvpc:ignore comments, ignore blocks)",
            plural(report.suppressed, "finding", "findings")
        );
    }
    if let Some(b) = &report.baseline {
        let stale = if b.stale == 1 {
            "1 baseline entry no longer occurs".to_string()
        } else {
            format!("{} baseline entries no longer occur", b.stale)
        };
        let _ =
            writeln!(out, "{} in the baseline {} not shown; {stale}", plural(b.hidden, "finding", "findings"), b.file);
    }
    if let Some((file, n)) = &report.baseline_written {
        let _ =
            writeln!(out, "wrote {} to the baseline {file}; they are not reported", plural(*n, "finding", "findings"));
    }
    if let Some(differences) = &report.differences {
        out.push_str(&super::diff::summary_block(differences));
    }
    out
}

/// What `--output FILE` leaves on standard error: one line per finding and the summary.
pub fn short_summary(report: &LintReport, written_to: &str) -> String {
    const MAX_LINES: usize = 50;
    let mut out = format!("tfvpc: report written to {written_to}\n");
    for f in report.findings.iter().take(MAX_LINES) {
        let new = match f.introduced {
            Some(true) => " (new)",
            _ => "",
        };
        let _ = writeln!(out, "{}[{}] {}: {}{new}", f.severity, f.rule, position(f), f.message);
    }
    if report.findings.len() > MAX_LINES {
        let _ = writeln!(out, "… and {} more in {written_to}", report.findings.len() - MAX_LINES);
    }
    out.push_str(&summary_line(report));
    out
}
