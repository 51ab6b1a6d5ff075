//! `--format html`: one self-contained page for a CI artifact — for each input, the network
//! picture (the SVG of `tfvpc graph --format svg`, with finding badges that link to the
//! findings), then every finding with its fix, its `.tf` location, what it breaks and its hop
//! trace with the bill lines. No script, no server, nothing loaded from anywhere: the file opens
//! as is from a CI run's artifacts.

use std::fmt::Write as _;

use super::{LintReport, plural};
use crate::finding::{Finding, Severity};

const STYLE: &str = "\
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#212529;background:#fafbfc}\
header{padding:.7em 1.2em;background:#1f2d3d;color:#fff}header h1{margin:0;font-size:1.2em}header p{margin:.2em 0 0;opacity:.85}\
main{padding:0 1.2em 2em}h2{font-size:1.1em;margin:1.4em 0 .4em}.muted{color:#868e96}\
.picture{overflow:auto;border:1px solid #dee2e6;background:#fff;padding:8px;max-height:80vh}\
.finding{border-left:5px solid #adb5bd;background:#fff;margin:.7em 0;padding:.5em .8em;border-radius:0 4px 4px 0}\
.finding.sev-error{border-color:#e03131}.finding.sev-warning{border-color:#f08c00}.finding.sev-note{border-color:#1c7ed6}\
.finding:target{outline:3px solid #1c7ed6}.finding .rule{font-family:ui-monospace,monospace;font-size:12.5px}\
.finding .sev{font-weight:700;text-transform:uppercase;font-size:11px;margin-right:.5em}\
.sev-error .sev{color:#c92a2a}.sev-warning .sev{color:#e67700}.sev-note .sev{color:#1864ab}\
.finding .msg{margin:.2em 0;font-weight:600}.finding dl{margin:.3em 0;display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;font-size:13px}\
.finding dt{color:#495057}.finding dd{margin:0}code{font-family:ui-monospace,monospace;font-size:12.5px}\
ol.hops{margin:.3em 0;padding-left:1.6em;font-size:13px}ol.hops li.stop{color:#c92a2a;font-weight:600}\
ul.cost{margin:.2em 0;padding-left:1.4em;font-size:13px}.warn{color:#e67700}";

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report; `pictures[i]` is the SVG of `report.inputs[i]` (badges linking to
/// `#finding-N`, N the finding's index in `report.findings`).
pub fn render(report: &LintReport, pictures: &[String]) -> String {
    let mut out = String::new();
    let counts = [Severity::Error, Severity::Warning, Severity::Note].map(|s| report.count(s));
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>tfvpc report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>tfvpc report</h1><p>{} ({} error{}, {} warning{}, {} note{}) in {}</p></header>\n<main>\n",
        plural(report.findings.len(), "finding", "findings"),
        counts[0],
        if counts[0] == 1 { "" } else { "s" },
        counts[1],
        if counts[1] == 1 { "" } else { "s" },
        counts[2],
        if counts[2] == 1 { "" } else { "s" },
        plural(report.inputs.len(), "input", "inputs"),
    );
    for (arg, error) in &report.errors {
        let _ = writeln!(out, "<p class=\"warn\">{}: {}</p>", esc(arg), esc(error));
    }
    for (i, input) in report.inputs.iter().enumerate() {
        let s = &input.summary;
        let _ = writeln!(
            out,
            "<section class=\"input\">\n<h2>{}</h2>\n<p class=\"muted\">{}: {} · {} · {}</p>",
            esc(&input.input),
            esc(input.kind),
            plural(s.vpcs, "VPC", "VPCs"),
            plural(s.subnets, "subnet", "subnets"),
            plural(s.workloads, "workload", "workloads"),
        );
        for w in &input.warnings {
            let _ = writeln!(out, "<p class=\"warn\">warning: {}</p>", esc(w));
        }
        if let Some(svg) = pictures.get(i) {
            // Inline SVG needs no namespace declaration in HTML.
            let _ = writeln!(
                out,
                "<div class=\"picture\">{}</div>",
                svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
            );
        }
        let mine: Vec<(usize, &Finding)> =
            report.findings.iter().enumerate().filter(|(_, f)| f.input == input.input).collect();
        let _ = writeln!(out, "<h2>{}</h2>", plural(mine.len(), "finding", "findings"));
        if mine.is_empty() {
            out.push_str("<p class=\"muted\">no findings</p>\n");
        }
        for (index, f) in mine {
            finding(&mut out, index, f);
        }
        out.push_str("</section>\n");
    }
    if report.suppressed > 0 {
        let _ = writeln!(out, "<p class=\"muted\">{} suppressed</p>", plural(report.suppressed, "finding", "findings"));
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn finding(out: &mut String, index: usize, f: &Finding) {
    let sev = f.severity.as_str();
    let _ = write!(
        out,
        "<article class=\"finding sev-{sev}\" id=\"finding-{index}\"><div><span class=\"sev\">{sev}</span><span class=\"rule\">{}</span>{}</div>\n<p class=\"msg\">{}</p>\n<dl>",
        esc(f.rule),
        match f.introduced {
            Some(true) => " <span class=\"muted\">· introduced by this plan</span>",
            Some(false) => " <span class=\"muted\">· already present</span>",
            None => "",
        },
        esc(&f.message),
    );
    let _ =
        write!(out, "<dt>resource</dt><dd><code>{}</code></dd>", esc(f.resources.first().map_or("", String::as_str)));
    if let Some(l) = &f.location {
        let _ = write!(out, "<dt>where</dt><dd><code>{}:{}:{}</code></dd>", esc(&l.file), l.line, l.column);
    }
    if !f.help.is_empty() {
        let _ = write!(out, "<dt>fix</dt><dd>{}</dd>", esc(&f.help));
    }
    if let Some(summary) = f.affected.summary() {
        let _ = write!(out, "<dt>affects</dt><dd>{}</dd>", esc(&summary));
    }
    if !f.affected.flows.is_empty() {
        let flows: Vec<String> = f.affected.flows.iter().map(|x| format!("<code>{}</code>", esc(x))).collect();
        let _ = write!(out, "<dt>flows</dt><dd>{}</dd>", flows.join("<br>"));
    }
    out.push_str("</dl>\n");
    if let Some(trace) = &f.trace {
        if !trace.hops.is_empty() {
            out.push_str("<div class=\"muted\">trace</div><ol class=\"hops\">");
            for h in &trace.hops {
                let class = if h.passes == Some(false) { " class=\"stop\"" } else { "" };
                let at = h.resource.as_deref().map(|a| format!("<code>{}</code> ", esc(a))).unwrap_or_default();
                let _ = write!(out, "<li{class}>{at}{}</li>", esc(&h.message));
            }
            out.push_str("</ol>\n");
        }
        if !trace.cost.is_empty() {
            out.push_str("<div class=\"muted\">bill of the path</div><ul class=\"cost\">");
            for c in &trace.cost {
                let _ = write!(out, "<li>{}</li>", esc(c));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</article>\n");
}
