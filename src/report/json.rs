//! The JSON report of `tfvpc lint --format json` — a public contract (version 2; the versions
//! and what changed are in `docs/output-formats.md`): later versions add fields, never rename or
//! remove them. Version 2 groups findings (one per defect, `crate::group`) and adds
//! `findings[].affected` and `baseline.grown`.
//!
//! ```json
//! {"version": 1, "tool": {"name": "tfvpc", "version": "…"}, "inputs": ["…"],
//!  "findings": [{"rule", "severity", "message", "resources", "input", "location", "help",
//!                "affected": {"count", "flows", "subnets", "instances", "module_instances", "members"}}],
//!  "summary": {"vpcs": N, …, "findings": {"error": N, "warning": N, "note": N}},
//!  "suppressed": N, "baseline": {"file", "entries", "hidden", "stale"} | null,
//!  "baseline_written": {"file", "findings"} | null}
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use super::LintReport;
use crate::baseline::Comparison;
use crate::finding::{Finding, Severity};
use crate::model::Summary;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingCounts {
    error: usize,
    warning: usize,
    note: usize,
}

#[derive(Serialize)]
struct Totals {
    #[serde(flatten)]
    summary: Summary,
    findings: FindingCounts,
}

#[derive(Serialize)]
struct PerInput<'a> {
    input: &'a str,
    kind: &'a str,
    #[serde(flatten)]
    summary: &'a Summary,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    input: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Written<'a> {
    file: &'a str,
    findings: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    inputs: Vec<&'a str>,
    findings: &'a [Finding],
    summary: Totals,
    per_input: Vec<PerInput<'a>>,
    errors: Vec<ErrorJson<'a>>,
    suppressed: usize,
    baseline: Option<&'a Comparison>,
    baseline_written: Option<Written<'a>>,
    /// `--diff` only: the differences, as `tfvpc diff --format json` lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    differences: Option<Vec<super::diff::Entry<'a>>>,
}

fn add(total: &mut Summary, s: &Summary) {
    total.vpcs += s.vpcs;
    total.subnets += s.subnets;
    total.route_tables += s.route_tables;
    total.internet_gateways += s.internet_gateways;
    total.egress_only_internet_gateways += s.egress_only_internet_gateways;
    total.nat_gateways += s.nat_gateways;
    total.peering_connections += s.peering_connections;
    total.transit_gateways += s.transit_gateways;
    total.transit_gateway_attachments += s.transit_gateway_attachments;
    total.vpc_endpoints += s.vpc_endpoints;
    total.security_groups += s.security_groups;
    total.network_acls += s.network_acls;
    total.network_interfaces += s.network_interfaces;
    total.vpn_gateways += s.vpn_gateways;
    total.workloads += s.workloads;
    total.links_unknown += s.links_unknown;
    total.external_references += s.external_references;
    total.deleted += s.deleted;
    merge_counts(&mut total.not_modelled, &s.not_modelled);
    merge_counts(&mut total.other_providers, &s.other_providers);
}

fn merge_counts(into: &mut BTreeMap<String, usize>, from: &BTreeMap<String, usize>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_default() += v;
    }
}

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &LintReport) -> String {
    let mut summary = Summary::default();
    for i in &report.inputs {
        add(&mut summary, &i.summary);
    }
    let json = Report {
        version: 2,
        tool: Tool { name: "tfvpc", version: env!("CARGO_PKG_VERSION") },
        inputs: report.inputs.iter().map(|i| i.input.as_str()).collect(),
        findings: &report.findings,
        summary: Totals {
            summary,
            findings: FindingCounts {
                error: report.count(Severity::Error),
                warning: report.count(Severity::Warning),
                note: report.count(Severity::Note),
            },
        },
        per_input: report
            .inputs
            .iter()
            .map(|i| PerInput { input: &i.input, kind: i.kind, summary: &i.summary, warnings: &i.warnings })
            .collect(),
        errors: report.errors.iter().map(|(input, message)| ErrorJson { input, message }).collect(),
        suppressed: report.suppressed,
        baseline: report.baseline.as_ref(),
        baseline_written: report
            .baseline_written
            .as_ref()
            .map(|(file, findings)| Written { file, findings: *findings }),
        differences: report.differences.as_deref().map(super::diff::entries),
    };
    let mut out = serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
