//! Issue 16 item 6: the diff walks only the pairs of ends a change can touch. The restricted
//! diff must give exactly the differences of the diff that walks every pair: on every update
//! fixture of `testdata/diff`, on generated estates with one change of each kind (an SG rule,
//! a route, a NACL rule, a transit gateway attachment, a removed peering), and on an estate diffed
//! with itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

#[expect(dead_code, reason = "the test uses only the generator's estate writer")]
#[path = "../examples/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tfvpc::diff::{Sides, changed_between, changed_in_plan, diff, diff_every_pair};
use tfvpc::model::lower::{Side, lower};

fn settings() -> tfvpc::config::Settings {
    tfvpc::config::resolve(None, &tfvpc::rules::defaults()).unwrap()
}

/// Both diffs of the two sides of one plan; their debug text must be equal.
fn both_of_plan(path: &str) -> (String, String, usize) {
    let (input, doc) = tfvpc::ingest::load(path, &mut std::io::empty()).unwrap();
    let before = lower(&input.name, &doc, Side::Before);
    let after = lower(&input.name, &doc, Side::After);
    let sides = Sides {
        before: &before,
        after: &after,
        rename: doc.moved.iter().map(|(a, b)| (b.clone(), a.clone())).collect(),
        changed: changed_in_plan(&doc),
    };
    both(&sides)
}

fn both(sides: &Sides<'_>) -> (String, String, usize) {
    let s = settings();
    let b = tfvpc::eval::Evaluator::new(sides.before, s.eval());
    let a = tfvpc::eval::Evaluator::new(sides.after, s.eval());
    let restricted = diff(sides, &b, &a);
    let every = diff_every_pair(sides, &b, &a);
    (format!("{restricted:#?}"), format!("{every:#?}"), every.len())
}

#[test]
fn every_update_fixture_gives_the_same_differences() {
    let dir = common::root().join("testdata/diff");
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path().join("plan.json")).collect();
    cases.sort();
    let mut with_differences = 0;
    for plan in cases.iter().filter(|p| p.is_file()) {
        let (restricted, every, n) = both_of_plan(&plan.to_string_lossy());
        assert_eq!(restricted, every, "{}", plan.display());
        with_differences += usize::from(n > 0);
    }
    assert!(with_differences >= 4, "only {with_differences} fixtures have differences");
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfvpc-diff-pairs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every resource of a plan's planned values, by address.
fn resources(plan: &mut Value) -> BTreeMap<String, &mut Value> {
    fn walk<'v>(m: &'v mut Value, out: &mut BTreeMap<String, &'v mut Value>) {
        let Value::Object(map) = m else { return };
        let mut children = None;
        for (k, v) in map.iter_mut() {
            match k.as_str() {
                "resources" => {
                    for r in v.as_array_mut().unwrap() {
                        let a = r["address"].as_str().unwrap().to_string();
                        out.insert(a, r);
                    }
                }
                "child_modules" => children = Some(v),
                _ => {}
            }
        }
        if let Some(c) = children {
            for m in c.as_array_mut().unwrap() {
                walk(m, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&mut plan["planned_values"]["root_module"], &mut out);
    out
}

/// The generated estate's plan, and the same plan with `edit` applied to its planned values.
fn estate_and_edit(name: &str, edit: impl Fn(&mut BTreeMap<String, &mut Value>)) -> (PathBuf, PathBuf) {
    let dir = tempdir(name);
    let params = synth::Params { vpcs: 8, subnets_per_vpc: 6, services_per_vpc: 2, seed: 3 };
    synth::write_estate(&synth::Estate::new(params).unwrap(), &dir).unwrap();
    let before = dir.join("plan.json");
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&before).unwrap()).unwrap();
    // The edit is made to the planned values, then copied to the resource changes (what
    // ingest reads) of the resources it changed.
    let old: BTreeMap<String, Value> =
        resources(&mut plan).into_iter().map(|(a, v)| (a, v["values"].clone())).collect();
    let new: BTreeMap<String, Value> = {
        let mut r = resources(&mut plan);
        edit(&mut r);
        r.into_iter().map(|(a, v)| (a, v["values"].clone())).collect()
    };
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        let a = rc["address"].as_str().unwrap().to_string();
        if let (Some(o), Some(n)) = (old.get(&a), new.get(&a))
            && o != n
        {
            for (k, v) in n.as_object().unwrap() {
                rc["change"]["after"][k] = v.clone();
            }
        }
    }
    let after_dir = dir.join("after");
    std::fs::create_dir_all(&after_dir).unwrap();
    let after = after_dir.join("plan.json");
    std::fs::write(&after, serde_json::to_string(&plan).unwrap()).unwrap();
    (before, after)
}

/// The two plans diffed, each read with the estate's sources (beside the first plan), as
/// `tfvpc diff` reads a plan beside its configuration: without them the instances' subnets and
/// groups come through module outputs and are unknown.
fn both_of_two(before: &Path, after: &Path) -> (String, String, usize) {
    let sources = before.parent().unwrap();
    let opts = tfvpc::ingest::HclOptions::default();
    let (bi, mut bd) = tfvpc::ingest::load(&before.to_string_lossy(), &mut std::io::empty()).unwrap();
    let (ai, mut ad) = tfvpc::ingest::load(&after.to_string_lossy(), &mut std::io::empty()).unwrap();
    for doc in [&mut bd, &mut ad] {
        let attached = tfvpc::ingest::attach_sources(doc, sources, &opts);
        assert!(attached.resources > 0, "{:?}", attached.warnings);
    }
    let b = lower(&bi.name, &bd, Side::After);
    let a = lower(&ai.name, &ad, Side::After);
    let rename = BTreeMap::new();
    let changed = changed_between(&bd, &ad, &rename);
    let sides = Sides { before: &b, after: &a, rename, changed };
    both(&sides)
}

fn first<'a>(r: &'a mut BTreeMap<String, &mut Value>, pick: impl Fn(&str, &Value) -> bool) -> &'a mut Value {
    let types: std::collections::BTreeSet<String> =
        r.values().map(|v| v["type"].as_str().unwrap_or("").to_string()).collect();
    r.iter_mut()
        .find(|(a, v)| pick(a, v))
        .map(|(_, v)| &mut **v)
        .unwrap_or_else(|| panic!("no such resource among {types:?}"))
}

/// The resource `name` of the first VPC module instance that has services (instances are the
/// members of its groups).
fn in_served_vpc<'a>(r: &'a mut BTreeMap<String, &mut Value>, name: &str) -> &'a mut Value {
    let served: Vec<String> = r
        .keys()
        .filter_map(|a| a.strip_prefix("module.service[\""))
        .filter_map(|k| k.rsplitn(3, '-').nth(2).map(str::to_string))
        .collect();
    let wanted: Vec<String> = served.iter().map(|vpc| format!("module.vpc[\"{vpc}\"].{name}")).collect();
    first(r, |a, _| wanted.iter().any(|w| w == a))
}

/// One edit of a plan's planned values.
type Edit = Box<dyn Fn(&mut BTreeMap<String, &mut Value>)>;

/// The served VPC's app group SSH rule (`10.0.0.0/8`, tcp 22) and its database group's egress rule.
const SSH: &str = "aws_vpc_security_group_ingress_rule.app_ssh_internal";
const DB_EGRESS: &str = "aws_security_group_rule.db_egress_vpc";

/// An edit setting values of the resource `name` of the first served VPC ([`in_served_vpc`]).
fn set_in_served_vpc(name: &'static str, set: &[(&'static str, Value)]) -> Edit {
    let set = set.to_vec();
    Box::new(move |r| {
        let v = in_served_vpc(r, name);
        for (k, value) in &set {
            v["values"][*k] = value.clone();
        }
    })
}

#[test]
fn one_change_of_each_kind_gives_the_same_differences() {
    let edits: Vec<(&str, Edit)> = vec![
        (
            // An ingress rule of a group with members, opened to the world on every port.
            "sg-rule",
            set_in_served_vpc(
                SSH,
                &[("cidr_ipv4", "0.0.0.0/0".into()), ("from_port", 0.into()), ("to_port", 65535.into())],
            ),
        ),
        (
            // The same rule opened to the world on its own port: its members are private, so
            // most pairs are left out unwalked (their groups decide alike for every internal
            // address); only what could come from outside is walked.
            "sg-rule-world-same-port",
            set_in_served_vpc(SSH, &[("cidr_ipv4", "0.0.0.0/0".into())]),
        ),
        (
            // A rule narrowed to one VPC: pairs from the other VPCs close.
            "sg-rule-narrowed",
            set_in_served_vpc(SSH, &[("cidr_ipv4", "10.0.0.0/16".into())]),
        ),
        (
            // An egress rule: only pairs from the group's members can differ.
            "sg-egress-rule",
            set_in_served_vpc(
                "aws_vpc_security_group_egress_rule.app_all",
                &[
                    ("cidr_ipv4", "10.0.0.0/9".into()),
                    ("ip_protocol", "tcp".into()),
                    ("from_port", 443.into()),
                    ("to_port", 443.into()),
                ],
            ),
        ),
        (
            // An `aws_security_group_rule` of type egress closed to one address.
            "sg-rule-egress-type",
            set_in_served_vpc(DB_EGRESS, &[("cidr_blocks", vec![Value::from("192.0.2.1/32")].into())]),
        ),
        (
            // A rule that turns from egress into ingress: both ways differ.
            "sg-rule-turned",
            set_in_served_vpc(DB_EGRESS, &[("type", "ingress".into())]),
        ),
        (
            "route",
            Box::new(|r| {
                let v =
                    first(r, |_, v| v["type"] == "aws_route" && v["values"]["destination_cidr_block"] == "0.0.0.0/0");
                v["values"]["destination_cidr_block"] = Value::from("0.0.0.0/1");
            }),
        ),
        (
            "nacl-rule",
            Box::new(|r| {
                let v = first(r, |_, v| v["type"] == "aws_network_acl_rule" || v["type"] == "aws_network_acl");
                if v["type"] == "aws_network_acl" {
                    v["values"]["ingress"] = Value::Array(Vec::new());
                } else {
                    v["values"]["rule_action"] = Value::from("deny");
                }
            }),
        ),
        (
            "tgw-attachment",
            Box::new(|r| {
                let v = first(r, |_, v| v["type"] == "aws_ec2_transit_gateway_vpc_attachment");
                v["values"]["transit_gateway_default_route_table_propagation"] = Value::from(false);
                v["values"]["transit_gateway_default_route_table_association"] = Value::from(false);
            }),
        ),
        (
            "peering-route-removed",
            Box::new(|r| {
                // A route to a peered VPC's /16 (its peering connection is unknown in the plan)
                // now sends another range: the peer's range is no longer routed.
                let v = first(r, |_, v| {
                    v["type"] == "aws_route"
                        && v["values"]["destination_cidr_block"].as_str().is_some_and(|d| d.ends_with(".0.0/16"))
                });
                v["values"]["destination_cidr_block"] = Value::from("192.0.2.0/24");
            }),
        ),
    ];
    let mut with_differences: Vec<&str> = Vec::new();
    for (name, edit) in edits {
        let (before, after) = estate_and_edit(name, |r| edit(r));
        let (restricted, every, n) = both_of_two(&before, &after);
        assert_eq!(restricted, every, "{name}");
        if n > 0 {
            with_differences.push(name);
        }
    }
    // The equality means something only where there are differences to find: the rules of
    // groups with members, both ways, and the routes.
    for name in ["sg-rule", "sg-rule-narrowed", "sg-egress-rule", "route", "peering-route-removed"] {
        assert!(with_differences.contains(&name), "{name} made no differences (only {with_differences:?} did)");
    }
    // The estate with itself: nothing, walked or not.
    let (before, _) = estate_and_edit("self", |_| {});
    let (restricted, every, n) = both_of_two(&before, &before);
    assert_eq!((restricted.as_str(), n), (every.as_str(), 0));
}
