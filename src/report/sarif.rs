//! SARIF 2.1.0 (`--format sarif`), fit for GitHub code scanning
//! (<https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>;
//! the OASIS standard: <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>).
//!
//! - `tool.driver.rules`: every rule, from `rules/<rule>.md` (summary, first paragraph of "What
//!   it does", the whole doc as markdown help, default level, category tags);
//! - every result has `ruleId`, `ruleIndex`, `level`, `message` and one `physicalLocation`
//!   (GitHub rejects results without one) whose URI is relative to the repository root
//!   (`uriBaseId` `%SRCROOT%`, declared in `originalUriBaseIds`), with a region in Unicode code
//!   points (`columnKind`); without sources, the input file at line 1;
//! - `logicalLocations` name the Terraform address, `relatedLocations` the supporting
//!   resources, `codeFlows` the hops of path findings;
//! - one result per grouped finding (one defect: `crate::group`); `relatedLocations` also name
//!   the primary resources of the findings merged into it, and `properties.affected` counts
//!   and lists what it breaks;
//! - `partialFingerprints["tfvpc/v2"]` is the grouped finding's fingerprint (rule, block,
//!   attribute: `finding::group_fingerprint`): it does not change when lines move or instances
//!   come and go;
//! - `runAutomationDetails.id` comes from `--sarif-category`, so several Terraform roots of one
//!   repository upload separate analyses;
//! - suppressed findings are left out, like everywhere else: whether a code scanning service
//!   hides results that carry SARIF `suppressions` varies (GitHub's
//!   `advanced-security/dismiss-alerts` action exists to dismiss the alerts they open), and an
//!   accepted finding must not come back as an alert. Their count is
//!   `runs[0].properties.tfvpc.suppressed`; with `--baseline`, results carry
//!   `baselineState: "new"` and `runs[0].properties.tfvpc.baseline` counts hidden and stale
//!   entries.

use serde_json::{Map, Value, json};

use super::{LintReport, Options};
use crate::finding::{Finding, Location, LocationKind, Severity};
use crate::rules::{self, RuleInfo};

/// The SARIF level of a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Percent-encodes what may not stand in a URI path (RFC 3986 unreserved characters and `/`
/// stay as they are).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file://` URI of an absolute path (with a trailing slash for folders when `dir`).
pub(crate) fn file_uri(path: &std::path::Path, dir: bool) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') { text } else { format!("/{text}") };
    let mut uri = format!("file://{}", encode_path(&text));
    if dir && !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn artifact(l: &Location) -> Value {
    match &l.uri {
        Some(uri) => json!({"uri": encode_path(uri), "uriBaseId": "%SRCROOT%"}),
        None if std::path::Path::new(&l.file).is_absolute() => {
            json!({"uri": file_uri(std::path::Path::new(&l.file), false)})
        }
        None => json!({"uri": encode_path(&l.file.replace('\\', "/"))}),
    }
}

fn physical(l: &Location) -> Value {
    let region = if l.kind == LocationKind::Input {
        json!({"startLine": l.line, "startColumn": l.column})
    } else {
        json!({"startLine": l.line, "startColumn": l.column, "endLine": l.end_line, "endColumn": l.end_column})
    };
    json!({"artifactLocation": artifact(l), "region": region})
}

fn logical(address: &str) -> Value {
    json!([{"fullyQualifiedName": address, "kind": "resource"}])
}

/// A `location` object: physical when known, the address as logical location.
fn location(address: Option<&str>, l: Option<&Location>, message: Option<&str>) -> Value {
    let mut out = Map::new();
    if let Some(l) = l {
        out.insert("physicalLocation".into(), physical(l));
    }
    if let Some(a) = address {
        out.insert("logicalLocations".into(), logical(a));
    }
    if let Some(m) = message {
        out.insert("message".into(), json!({"text": m}));
    }
    Value::Object(out)
}

/// The first paragraph under `## What it does` (the summary when there is none).
fn full_description(info: &RuleInfo) -> String {
    let body = info.doc.split("## What it does").nth(1).unwrap_or("");
    let para: Vec<&str> =
        body.trim_start().lines().take_while(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    if para.is_empty() { info.summary.to_string() } else { para.join(" ") }
}

/// Where a rule's documentation is published, when the package names its repository.
pub(crate) fn help_uri(rule: &str) -> Option<String> {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repo.is_empty()).then(|| format!("{repo}/blob/main/rules/{rule}.md"))
}

fn rule_descriptor(info: &RuleInfo) -> Value {
    let mut rule = json!({
        "id": info.name,
        "name": info.name.split('-').map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        }).collect::<String>(),
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": full_description(info)},
        "help": {"text": info.doc, "markdown": info.doc},
        "defaultConfiguration": {"level": level(info.default_severity)},
        "properties": {"tags": ["terraform", "aws", "vpc", info.category], "category": info.category},
    });
    if let (Some(uri), Value::Object(m)) = (help_uri(info.name), &mut rule) {
        m.insert("helpUri".into(), Value::String(uri));
    }
    rule
}

fn result(f: &Finding, rule_index: Option<usize>, baselined: bool) -> Value {
    let address = f.resources.first().map(String::as_str);
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    let mut text = f.message.clone();
    if let Some(a) = address {
        text.push_str(&format!(" ({a})"));
    }
    if let Some(summary) = f.affected.summary() {
        text.push_str(&format!("; {summary}"));
    }
    r.insert("message".into(), json!({"text": text}));
    r.insert("locations".into(), json!([location(address, f.location.as_ref(), None)]));
    // The supporting resources, then the primary resources of the other findings merged into
    // this one (the other module instances, targets, subnets of the same defect), at the
    // grouped finding's location: one result per location.
    let merged = f.affected.members.iter().skip(1).filter_map(|m| m.address.as_ref()).map(|a| (a, f.location.as_ref()));
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|rel| (&rel.address, rel.location.as_ref()))
        .chain(merged)
        .enumerate()
        .map(|(i, (address, l))| {
            let mut l = location(Some(address), l, Some(address));
            if let Value::Object(m) = &mut l {
                m.insert("id".into(), json!(i + 1));
            }
            l
        })
        .collect();
    if !related.is_empty() {
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(trace) = f.trace.as_ref().filter(|t| !t.hops.is_empty()) {
        let steps: Vec<Value> = trace
            .hops
            .iter()
            .enumerate()
            .map(|(i, hop)| {
                let text = match &hop.resource {
                    Some(a) => format!("{a}: {}", hop.message),
                    None => hop.message.clone(),
                };
                json!({
                    "location": location(hop.resource.as_deref(), hop.location.as_ref(), Some(&text)),
                    "executionOrder": i + 1,
                })
            })
            .collect();
        r.insert("codeFlows".into(), json!([{"threadFlows": [{"locations": steps}]}]));
    }
    r.insert("partialFingerprints".into(), json!({"tfvpc/v2": f.fingerprint}));
    if baselined {
        // Compared with `--baseline FILE`: every result reported is one the baseline lacks.
        r.insert("baselineState".into(), json!("new"));
    }
    let mut props = json!({
        "input": f.input,
        "resources": f.resources,
        "introduced": f.introduced,
        "help": f.help,
        "affected": {
            "count": f.affected.count,
            "flows": f.affected.flows,
            "subnets": f.affected.subnets,
            "instances": f.affected.instances,
            "module_instances": f.affected.module_instances,
        },
    });
    if let (Some(trace), Value::Object(m)) = (&f.trace, &mut props)
        && !trace.cost.is_empty()
    {
        m.insert("cost".into(), json!(trace.cost));
    }
    r.insert("properties".into(), props);
    Value::Object(r)
}

/// Renders the report as a SARIF 2.1.0 log (pretty JSON, trailing newline).
pub fn render(report: &LintReport, options: &Options) -> String {
    let infos = rules::infos();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, infos.iter().position(|i| i.name == f.rule), report.baseline.is_some()))
        .collect();
    let mut driver = json!({
        "name": "tfvpc",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": infos.iter().map(rule_descriptor).collect::<Vec<_>>(),
    });
    let repo = env!("CARGO_PKG_REPOSITORY");
    if let (false, Value::Object(m)) = (repo.is_empty(), &mut driver) {
        m.insert("informationUri".into(), json!(repo));
    }
    let mut notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|(input, message)| json!({"level": "error", "message": {"text": format!("{input}: {message}")}}))
        .collect();
    for i in &report.inputs {
        for w in &i.warnings {
            notifications.push(json!({"level": "warning", "message": {"text": format!("{}: {w}", i.input)}}));
        }
    }
    let mut invocation = json!({"executionSuccessful": report.errors.is_empty()});
    if let (false, Value::Object(m)) = (notifications.is_empty(), &mut invocation) {
        m.insert("toolExecutionNotifications".into(), Value::Array(notifications));
    }
    let mut run = Map::new();
    run.insert("tool".into(), json!({"driver": driver}));
    run.insert("invocations".into(), json!([invocation]));
    if let Some(category) = &options.sarif_category {
        // GitHub reads the category as everything up to the last `/`.
        let id = if category.ends_with('/') { category.clone() } else { format!("{category}/") };
        run.insert("automationDetails".into(), json!({"id": id}));
    }
    if let Some(root) = &report.repo_root {
        run.insert(
            "originalUriBaseIds".into(),
            json!({"%SRCROOT%": {"uri": file_uri(root, true), "description": {"text": "the repository root"}}}),
        );
    }
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    let mut props = Map::new();
    if report.suppressed > 0 {
        props.insert("suppressed".into(), json!(report.suppressed));
    }
    if let Some(b) = &report.baseline {
        props.insert("baseline".into(), json!(b));
    }
    if let Some((file, n)) = &report.baseline_written {
        props.insert("baselineWritten".into(), json!({"file": file, "findings": n}));
    }
    if !props.is_empty() {
        run.insert("properties".into(), json!({"tfvpc": Value::Object(props)}));
    }
    run.insert("results".into(), Value::Array(results));
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths_as_uris() {
        assert_eq!(encode_path("modules/a b/main.tf"), "modules/a%20b/main.tf");
        assert_eq!(encode_path("x/é.tf"), "x/%C3%A9.tf");
        assert_eq!(file_uri(std::path::Path::new("/r/a b"), true), "file:///r/a%20b/");
    }
}
