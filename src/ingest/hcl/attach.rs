//! Plan and sources together (docs/hcl-mode.md, "A plan and its sources"): the root module's
//! `.tf` files beside a plan, evaluated with the plan's own variables, give what the plan does
//! not record — which instance an unknown id refers to when it comes through a local, a child
//! module's output, one of several merged nested blocks, `element()` or a conditional index.
//! Those are the evaluated document's [`Attrs::targets`](crate::ingest::Attrs::targets); they
//! are copied onto the plan's resources where the two agree, and a disagreement (the sources
//! are not the plan's) is said once.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as Json;

use super::root::{HclOptions, evaluate};
use crate::addr::{Mode, ResourceAddr};
use crate::ingest::{Action, Attrs, Document};

/// Known attributes compared between the plan and the sources: where one of them differs, the
/// sources are not the plan's for that resource and give it no targets.
const COMPARED: &[&str] = &[
    "cidr_block",
    "ipv6_cidr_block",
    "availability_zone",
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "rule_number",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "cidr_ipv6",
];

/// What reading the sources beside a plan did.
#[derive(Debug, Default)]
pub struct Attached {
    /// Resource instances of the plan that got targets from the sources.
    pub resources: usize,
    /// Warnings for the report (the sources are not the plan's; they could not be evaluated).
    pub warnings: Vec<String>,
}

/// Evaluates the root module in `dir` with the plan's variables and copies the targets of
/// unknown values onto the plan's after-apply attributes. Never fails: sources that cannot be
/// evaluated leave the plan as it is, with a warning. With `opts.only_blocks`, only those blocks are
/// evaluated (with what they refer to) and compared.
pub fn attach_sources(doc: &mut Document, dir: &Path, opts: &HclOptions) -> Attached {
    let mut out = Attached::default();
    let opts = HclOptions { plan_variables: Some(doc.variables.clone()), ..opts.clone() };
    let shown = dir.display();
    let code = match evaluate(dir, &opts) {
        Ok((code, _notes)) => code,
        Err(e) => {
            out.warnings.push(format!(
                "the Terraform sources in {shown} beside the plan could not be evaluated ({e}): what the plan leaves unresolved stays unresolved"
            ));
            return out;
        }
    };
    let by_addr: HashMap<&ResourceAddr, &Attrs> =
        code.resources.iter().filter_map(|r| r.after.as_ref().map(|a| (&r.addr, a))).collect();
    // A block whose instances the sources cannot count is one placeholder without a key.
    let placeholders: std::collections::HashSet<&ResourceAddr> =
        code.resources.iter().filter(|r| r.addr.key().is_none()).map(|r| &r.addr).collect();
    // The blocks the sources were evaluated for (all, without `only_blocks`).
    let evaluated: std::collections::HashSet<(String, String)> =
        code.resources.iter().map(|r| (r.addr.config_module_path(), r.addr.local_name())).collect();
    let mut differ: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for r in &mut doc.resources {
        if r.addr.mode() != Mode::Managed || matches!(r.action, Action::Delete | Action::Forget | Action::Read) {
            continue;
        }
        if opts.only_blocks.is_some() && !evaluated.contains(&(r.addr.config_module_path(), r.addr.local_name())) {
            continue;
        }
        let Some(after) = r.after.as_mut() else { continue };
        let Some(theirs) = by_addr.get(&r.addr) else {
            let block = r.addr.without_key();
            if !placeholders.contains(&block) {
                missing.push(r.addr.to_string());
            }
            continue;
        };
        if let Some(d) = first_difference(after, theirs) {
            differ.push(format!("{}: {d}", r.addr));
            continue;
        }
        let Json::Object(targets) = &theirs.targets else { continue };
        let aligned: serde_json::Map<String, Json> = targets
            .iter()
            .filter_map(|(k, t)| {
                let code = theirs.values.get(k).unwrap_or(&Json::Null);
                align(after.values.get(k).unwrap_or(&Json::Null), code, t).map(|t| (k.clone(), t))
            })
            .collect();
        if aligned.is_empty() {
            continue;
        }
        after.targets = Json::Object(aligned);
        out.resources += 1;
    }
    // What each module instance's caller passes, as far as this evaluation went: a finding
    // pointed at its caller's argument (`crate::caller`) needs no second evaluation for these.
    if doc.module_inputs.is_empty() && differ.is_empty() {
        doc.module_inputs = code.module_inputs.clone();
    }
    let undeclared: Vec<&String> = doc.variables.keys().filter(|k| !declares(&code, k)).collect();
    if !differ.is_empty() || !missing.is_empty() || !undeclared.is_empty() {
        let mut parts = Vec::new();
        if !differ.is_empty() {
            parts.push(format!("{} with other values ({})", count(differ.len()), examples(&differ)));
        }
        if !missing.is_empty() {
            parts.push(format!("{} not in the sources ({})", count(missing.len()), examples(&missing)));
        }
        if !undeclared.is_empty() {
            let names: Vec<String> = undeclared.iter().map(|n| format!("var.{n}")).collect();
            parts.push(format!("variables the sources do not declare ({})", examples(&names)));
        }
        out.warnings.push(format!(
            "the Terraform sources in {shown} are not the ones this plan was made from: {}; their values are used only for the resources on which both agree (regenerate the plan, or point --source-dir at its sources)",
            parts.join("; ")
        ));
    }
    out
}

/// The values module instances get for the `wanted` inputs (configuration module path,
/// variable), from the root module in `dir` evaluated with the plan's variables; no resource is
/// evaluated but what those inputs need. Empty when the sources cannot be evaluated (the
/// findings then stay where they are; reading them for links said why already).
pub fn module_inputs(
    doc: &Document,
    dir: &Path,
    opts: &HclOptions,
    wanted: std::collections::BTreeSet<(String, String)>,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, Json>> {
    let opts = HclOptions {
        plan_variables: Some(doc.variables.clone()),
        only_blocks: Some(std::collections::BTreeSet::new()),
        inputs: wanted,
        ..opts.clone()
    };
    evaluate(dir, &opts).map(|(code, _)| code.module_inputs).unwrap_or_default()
}

fn declares(code: &Document, name: &str) -> bool {
    code.config.as_ref().is_some_and(|c| c.root.variable_defaults.contains_key(name))
        || code.variables.contains_key(name)
}

fn count(n: usize) -> String {
    if n == 1 { "1 resource".to_string() } else { format!("{n} resources") }
}

fn examples(items: &[String]) -> String {
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    v.sort_unstable();
    let more = v.len().saturating_sub(3);
    let mut s = v.into_iter().take(3).collect::<Vec<_>>().join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// The first compared attribute that both sides know and that differs.
fn first_difference(plan: &Attrs, code: &Attrs) -> Option<String> {
    for k in COMPARED {
        let (Some(a), Some(b)) = (known(plan, k), known(code, k)) else { continue };
        if !same(a, b) {
            return Some(format!("{k} is {a} in the plan, {b} in the sources"));
        }
    }
    None
}

fn known<'a>(a: &'a Attrs, key: &str) -> Option<&'a Json> {
    if a.unknown.get(key) == Some(&Json::Bool(true)) || a.sensitive.get(key) == Some(&Json::Bool(true)) {
        return None;
    }
    a.values.get(key).filter(|v| !v.is_null() && v.as_str() != Some(""))
}

/// Equal as Terraform values: numbers by value (`80` and `80.0`), numeric strings as numbers.
fn same(a: &Json, b: &Json) -> bool {
    if a == b {
        return true;
    }
    let num = |v: &Json| match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if x == y)
}

/// The targets of one attribute of the sources (`code`, `targets`) laid over the plan's value
/// of it. Blocks are matched by content, not by position: Terraform orders a set of blocks (a
/// route table's inline `route`s) by its own rule in a plan, so the plan's block whose known
/// attributes agree with exactly one block of the sources takes that block's targets. Scalars
/// and lists of ids take the sources' targets as they are.
fn align(plan: &Json, code: &Json, targets: &Json) -> Option<Json> {
    match (plan, code, targets) {
        (Json::Array(p), Json::Array(c), Json::Array(t)) if p.iter().chain(c).all(Json::is_object) => {
            let mut out = Vec::with_capacity(p.len());
            let mut any = false;
            for pb in p {
                let mut found = c.iter().enumerate().filter(|(_, cb)| compatible(pb, cb));
                let picked = match (found.next(), found.next()) {
                    (Some((j, cb)), None) => t.get(j).and_then(|tj| align(pb, cb, tj)),
                    _ => None,
                };
                any |= picked.is_some();
                out.push(picked.unwrap_or(Json::Null));
            }
            any.then_some(Json::Array(out))
        }
        (Json::Object(p), Json::Object(c), Json::Object(t)) => {
            let o: serde_json::Map<String, Json> = t
                .iter()
                .filter_map(|(k, tk)| {
                    align(p.get(k).unwrap_or(&Json::Null), c.get(k).unwrap_or(&Json::Null), tk).map(|x| (k.clone(), x))
                })
                .collect();
            (!o.is_empty()).then_some(Json::Object(o))
        }
        (_, _, Json::Null) => None,
        (_, _, t) => Some(t.clone()),
    }
}

/// Two blocks agree: every attribute both know (strings, numbers, booleans) is equal, and they
/// know at least one in common.
fn compatible(plan: &Json, code: &Json) -> bool {
    let (Json::Object(p), Json::Object(c)) = (plan, code) else { return false };
    let mut common = 0;
    for (k, pv) in p {
        let Some(cv) = c.get(k) else { continue };
        let scalar = |v: &Json| matches!(v, Json::String(s) if !s.is_empty()) || v.is_number() || v.is_boolean();
        if scalar(pv) && scalar(cv) {
            if !same(pv, cv) {
                return false;
            }
            common += 1;
        }
    }
    common > 0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn blocks_take_the_targets_of_the_block_with_the_same_known_values() {
        // The plan orders the set of `route` blocks its own way.
        let plan = json!([
            { "cidr_block": "10.62.0.0/16", "vpc_peering_connection_id": null },
            { "cidr_block": "10.61.0.0/16", "vpc_peering_connection_id": null },
        ]);
        let code = json!([
            { "cidr_block": "10.61.0.0/16", "vpc_peering_connection_id": null },
            { "cidr_block": "10.62.0.0/16", "vpc_peering_connection_id": null },
        ]);
        let targets = json!([
            { "vpc_peering_connection_id": "aws_vpc_peering_connection.a.id" },
            { "vpc_peering_connection_id": "aws_vpc_peering_connection.b.id" },
        ]);
        assert_eq!(
            align(&plan, &code, &targets),
            Some(json!([
                { "vpc_peering_connection_id": "aws_vpc_peering_connection.b.id" },
                { "vpc_peering_connection_id": "aws_vpc_peering_connection.a.id" },
            ]))
        );
    }

    #[test]
    fn blocks_that_match_several_or_none_get_no_target() {
        let plan = json!([{ "cidr_block": null, "gateway_id": null }, { "cidr_block": "10.9.0.0/16" }]);
        let code = json!([{ "cidr_block": "10.1.0.0/16" }, { "cidr_block": "10.2.0.0/16" }]);
        let targets =
            json!([{ "gateway_id": "aws_internet_gateway.a.id" }, { "gateway_id": "aws_internet_gateway.b.id" }]);
        assert_eq!(align(&plan, &code, &targets), None);
        // Scalars and id lists are taken as they are.
        assert_eq!(align(&json!(null), &json!(null), &json!("aws_vpc.a.id")), Some(json!("aws_vpc.a.id")));
        assert_eq!(
            align(&json!(null), &json!([null, null]), &json!(["a.b.id", "c.d.id"])),
            Some(json!(["a.b.id", "c.d.id"]))
        );
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(same(&json!(80), &json!(80.0)));
        assert!(same(&json!("100"), &json!(100)));
        assert!(!same(&json!("10.0.0.0/16"), &json!("10.1.0.0/16")));
    }
}
