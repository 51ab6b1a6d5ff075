//! The benchmark generator (`tfvpc-gen`) writes plans in the shape real Terraform writes.
//!
//! `testdata/gen/small/` holds the generator's HCL for 2 VPCs x 6 subnets and the plan that real
//! Terraform 1.11.4 (hashicorp/aws 5.100.0) made of it (`testdata/gen.sh testdata/gen/small`).
//! These tests compare the generator's own plan JSON for the same parameters with that reference,
//! without running Terraform.
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions fail the test on bad fixtures")]

#[expect(dead_code, reason = "the test uses only part of the generator")]
#[path = "../examples/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use tfvpc::ingest::{Input, parse_input};
use tfvpc::model::lower::{Side, lower};
use tfvpc::model::{Link, Network};

/// The parameters `testdata/gen/small` was generated with (see testdata/README.md).
const SMALL: synth::Params = synth::Params { vpcs: 2, subnets_per_vpc: 6, services_per_vpc: 3, seed: 1 };

fn small_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gen/small")
}

fn reference_text() -> String {
    std::fs::read_to_string(small_dir().join("plan.json")).unwrap()
}

fn generated_text() -> String {
    synth::plan_for(SMALL).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn changes(plan: &Value) -> &Vec<Value> {
    plan["resource_changes"].as_array().unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// Every `references` list sorted: Terraform writes merged lists in a different order each run.
fn sort_references(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                if k == "references"
                    && let Value::Array(list) = item
                {
                    list.sort_by_key(|a| a.to_string());
                } else {
                    sort_references(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_references),
        _ => {}
    }
}

#[test]
fn the_committed_hcl_is_the_generators() {
    let estate = synth::Estate::new(SMALL).unwrap();
    for (rel, content) in synth::hcl::files(&estate) {
        let committed = std::fs::read_to_string(small_dir().join(&rel)).unwrap();
        assert_eq!(committed, content, "testdata/gen/small/{rel} differs from the generator's; see testdata/README.md");
    }
}

#[test]
fn templates_are_recorded_from_the_reference() {
    let recorded = synth::record::record(&reference_text()).unwrap();
    let shipped = include_str!("../examples/tfvpc-gen/synth/templates.json");
    assert!(recorded == shipped, "templates.json is stale: re-record it (testdata/README.md)");
}

#[test]
fn same_addresses_types_and_actions() {
    let (real, gen_) = (json(&reference_text()), json(&generated_text()));
    let summarise = |plan: &Value| -> BTreeMap<String, (String, String, Value)> {
        changes(plan)
            .iter()
            .map(|rc| {
                let address = str_of(rc, "address").to_string();
                (
                    address,
                    (str_of(rc, "type").to_string(), str_of(rc, "mode").to_string(), rc["change"]["actions"].clone()),
                )
            })
            .collect()
    };
    assert_eq!(summarise(&real), summarise(&gen_));
    // Terraform's order, too (module path, type, name, then index with numbers numerically).
    let order = |plan: &Value| changes(plan).iter().map(|rc| str_of(rc, "address").to_string()).collect::<Vec<_>>();
    assert_eq!(order(&real), order(&gen_));
    assert!(changes(&real).len() > 100, "the reference should be a real estate, not a toy");
}

#[test]
fn same_attribute_keys_per_resource_type() {
    let (real, gen_) = (json(&reference_text()), json(&generated_text()));
    let per_type = |plan: &Value, field: &str| -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for rc in changes(plan) {
            out.entry(str_of(rc, "type").to_string()).or_default().extend(keys(&rc["change"][field]));
        }
        out
    };
    for field in ["after", "after_unknown", "after_sensitive"] {
        assert_eq!(per_type(&real, field), per_type(&gen_, field), "`{field}` keys");
    }
    // And the values themselves, instance by instance.
    let by_address = |plan: &Value| -> BTreeMap<String, Value> {
        changes(plan).iter().map(|rc| (str_of(rc, "address").to_string(), rc["change"].clone())).collect()
    };
    let (r, g) = (by_address(&real), by_address(&gen_));
    for (address, change) in &r {
        assert_eq!(Some(change), g.get(address), "{address}");
    }
}

#[test]
fn same_planned_values() {
    let (real, gen_) = (json(&reference_text()), json(&generated_text()));
    assert_eq!(real["planned_values"], gen_["planned_values"]);
    assert_eq!(real["output_changes"], gen_["output_changes"]);
    for key in ["format_version", "terraform_version", "applyable", "complete", "errored"] {
        assert_eq!(real[key], gen_[key], "{key}");
    }
    let relevant = |plan: &Value| -> BTreeSet<String> {
        plan["relevant_attributes"].as_array().unwrap().iter().map(Value::to_string).collect()
    };
    assert_eq!(relevant(&real), relevant(&gen_));
}

/// One module's configuration reduced to what the comparison names: resource blocks with their
/// expressions (references as sets), count/for_each, module calls (recursively), outputs.
fn config_outline(module: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        let mut r = r.clone();
        sort_references(&mut r);
        out.insert(format!("{path}{}", str_of(&r, "address")), r);
    }
    for (name, call) in module["module_calls"].as_object().into_iter().flatten() {
        let mut head = call.clone();
        if let Some(m) = head.as_object_mut() {
            m.remove("module");
        }
        sort_references(&mut head);
        out.insert(format!("{path}module.{name}"), head);
        config_outline(&call["module"], &format!("{path}module.{name}."), out);
    }
    for (name, output) in module["outputs"].as_object().into_iter().flatten() {
        let mut output = output.clone();
        sort_references(&mut output);
        out.insert(format!("{path}output.{name}"), output);
    }
}

#[test]
fn same_configuration_and_module_calls() {
    let (real, gen_) = (json(&reference_text()), json(&generated_text()));
    let outline = |plan: &Value| {
        let mut out = BTreeMap::new();
        config_outline(&plan["configuration"]["root_module"], "", &mut out);
        out
    };
    let (r, g) = (outline(&real), outline(&gen_));
    assert_eq!(r.keys().collect::<Vec<_>>(), g.keys().collect::<Vec<_>>(), "resource blocks and module calls");
    for (address, block) in &r {
        assert_eq!(Some(block), g.get(address), "{address}");
    }
    assert!(r.contains_key("module.vpc") && r.contains_key("module.service"), "{:?}", r.keys());
    assert!(r.contains_key("module.vpc.aws_subnet.public"));
    let whole = |plan: &Value| {
        let mut c = plan["configuration"].clone();
        sort_references(&mut c);
        c
    };
    assert_eq!(whole(&real), whole(&gen_));
}

fn model(name: &str, text: String) -> Network {
    let input = Input { name: name.into(), path: None, text };
    let doc = parse_input(&input).unwrap();
    lower(name, &doc, Side::After)
}

fn link_text(net: &Network, link: &Link) -> String {
    match link {
        Link::To(r, how) => format!("-> {} ({})", net.name(*r), how.as_str()),
        Link::Missing(r) => format!("-> missing {}", net.name(*r)),
        other => format!("{other:?}"),
    }
}

#[test]
fn tfvpc_models_both_the_same() {
    let real = model("plan.json", reference_text());
    let gen_ = model("plan.json", generated_text());
    let summary = real.summary();
    assert_eq!(summary, gen_.summary());
    assert_eq!(summary.vpcs, 2);
    assert_eq!(summary.subnets, 12);
    let links = |net: &Network| -> Vec<String> {
        net.links.iter().map(|l| format!("{} .{} {}", net.name(l.from), l.attr, link_text(net, &l.link))).collect()
    };
    assert_eq!(links(&real), links(&gen_));
    let objects =
        |net: &Network| -> Vec<String> { net.resources.iter().map(|r| format!("{} {:?}", r.name, r.obj)).collect() };
    assert_eq!(objects(&real), objects(&gen_));
    assert_eq!(real.warnings, gen_.warnings);
}
