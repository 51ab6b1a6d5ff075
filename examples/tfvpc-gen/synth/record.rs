//! Records `templates.json` from a real `terraform show -json` plan of the generated HCL
//! (`cargo run --example tfvpc-gen -- --record-templates testdata/gen/small/plan.json`). Run it
//! after changing the HCL and regenerating the reference plan with `testdata/gen.sh
//! testdata/gen/small`.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::json::reformat;
use super::plan::{Relevant, Template, Templates};

#[derive(Deserialize)]
struct PlanDoc {
    terraform_version: String,
    planned_values: PlannedValues,
    resource_changes: Vec<Value>,
    configuration: Box<RawValue>,
    #[serde(default)]
    relevant_attributes: Vec<Value>,
}

#[derive(Deserialize)]
struct PlannedValues {
    outputs: Box<RawValue>,
    root_module: Value,
}

/// `module.vpc["a"].aws_subnet.public[0]` → (`module.vpc.aws_subnet.public`, module call path).
/// Module keys and the instance key are dropped.
fn block_address(rc: &Value) -> Result<String, String> {
    let field = |k: &str| rc.get(k).and_then(Value::as_str).ok_or_else(|| format!("resource change without `{k}`"));
    let mut out = String::new();
    if let Some(module) = rc.get("module_address").and_then(Value::as_str) {
        out.push_str(&strip_keys(module));
        out.push('.');
    }
    out.push_str(field("type")?);
    out.push('.');
    out.push_str(field("name")?);
    Ok(out)
}

/// Removes every `[...]` (keys are simple here: no `]` inside).
fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn top_keys(v: &Value) -> Vec<&str> {
    v.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

fn schema_versions(module: &Value, out: &mut BTreeMap<String, u64>) {
    for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
        if let (Some(a), Some(v)) = (r.get("address").and_then(Value::as_str), r.get("schema_version"))
            && let Some(v) = v.as_u64()
        {
            out.insert(a.to_string(), v);
        }
    }
    for child in module.get("child_modules").and_then(Value::as_array).into_iter().flatten() {
        schema_versions(child, out);
    }
}

/// Builds the templates and returns `templates.json` (indented, key order of `configuration`
/// kept as Terraform wrote it).
pub(crate) fn record(plan_text: &str) -> Result<String, String> {
    let plan: PlanDoc = serde_json::from_str(plan_text).map_err(|e| format!("reading the plan: {e}"))?;
    let mut versions = BTreeMap::new();
    schema_versions(&plan.planned_values.root_module, &mut versions);
    let mut resources: BTreeMap<String, Template> = BTreeMap::new();
    for rc in &plan.resource_changes {
        let address = rc.get("address").and_then(Value::as_str).unwrap_or_default().to_string();
        let change = rc.get("change").ok_or_else(|| format!("{address}: no `change`"))?;
        let actions = change.get("actions").cloned().unwrap_or(Value::Null);
        if actions != serde_json::json!(["create"]) {
            return Err(format!("{address}: the reference plan must only create (actions {actions})"));
        }
        let get = |k: &str| change.get(k).cloned().unwrap_or(Value::Null);
        let template = Template {
            rtype: rc.get("type").and_then(Value::as_str).unwrap_or_default().to_string(),
            name: rc.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            provider_name: rc.get("provider_name").and_then(Value::as_str).unwrap_or_default().to_string(),
            schema_version: versions
                .get(&address)
                .copied()
                .ok_or_else(|| format!("{address}: not in planned_values"))?,
            after: get("after"),
            after_unknown: get("after_unknown"),
            after_sensitive: get("after_sensitive"),
        };
        match resources.entry(block_address(rc)?) {
            Entry::Vacant(slot) => {
                slot.insert(template);
            }
            Entry::Occupied(first) => {
                // Every instance of a block must have the same shape: that is what makes one
                // template per block enough.
                let t = first.get();
                for (what, a, b) in [
                    ("after", &t.after, &template.after),
                    ("after_unknown", &t.after_unknown, &template.after_unknown),
                    ("after_sensitive", &t.after_sensitive, &template.after_sensitive),
                ] {
                    if top_keys(a) != top_keys(b) {
                        return Err(format!("{address}: `{what}` keys differ from the block's first instance"));
                    }
                }
                if t.after_unknown != template.after_unknown || t.after_sensitive != template.after_sensitive {
                    return Err(format!(
                        "{address}: unknown or sensitive markers differ from the block's first instance"
                    ));
                }
            }
        }
    }
    let mut relevant = Relevant::default();
    let mut seen_root = std::collections::BTreeSet::new();
    let mut seen_instance: BTreeMap<String, (String, std::collections::BTreeSet<String>)> = BTreeMap::new();
    for entry in &plan.relevant_attributes {
        let resource = entry.get("resource").and_then(Value::as_str).unwrap_or_default();
        let attribute = entry.get("attribute").cloned().unwrap_or(Value::Array(Vec::new()));
        // `module.<call>["<key>"].<rest>`: an entry every instance of the call has.
        let keyed = resource.strip_prefix("module.").and_then(|rest| {
            let (call, rest) = rest.split_once("[\"")?;
            let (key, rest) = rest.split_once("\"].")?;
            (!call.contains('.')).then(|| (call.to_string(), key.to_string(), rest.to_string()))
        });
        match keyed {
            Some((call, key, rest)) => {
                let (first_key, seen) =
                    seen_instance.entry(call.clone()).or_insert_with(|| (key.clone(), Default::default()));
                // One instance's entries describe them all.
                if *first_key != key {
                    continue;
                }
                if seen.insert(format!("{rest} {attribute}")) {
                    relevant
                        .per_instance
                        .entry(call)
                        .or_default()
                        .push(serde_json::json!({"resource": rest, "attribute": attribute}));
                }
            }
            None => {
                if seen_root.insert(format!("{resource} {attribute}")) {
                    relevant.root.push(serde_json::json!({"resource": resource, "attribute": attribute}));
                }
            }
        }
    }
    // Terraform writes these in a different order on every run; sort for a stable file.
    let by_text = |a: &Value, b: &Value| a.to_string().cmp(&b.to_string());
    relevant.root.sort_by(by_text);
    for entries in relevant.per_instance.values_mut() {
        entries.sort_by(by_text);
    }
    let templates = Templates {
        terraform_version: plan.terraform_version,
        planned_outputs: plan.planned_values.outputs,
        configuration: plan.configuration,
        resources,
        relevant_attributes: relevant,
    };
    let compact = serde_json::to_string(&templates).map_err(|e| e.to_string())?;
    let mut pretty = reformat(&compact, true);
    pretty.push('\n');
    Ok(pretty)
}

#[cfg(test)]
mod tests {

    #[test]
    fn strips_keys() {
        assert_eq!(super::strip_keys(r#"module.vpc["a"].module.x[0]"#), "module.vpc.module.x");
    }
}
