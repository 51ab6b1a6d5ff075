//! `tfvpc serve`'s what-if re-evaluation on a generated 200-VPC estate (`tfvpc-gen --vpcs 200`:
//! 200 VPCs x 12 subnets): one edit of the ingested document (a network ACL rule, a security
//! group rule, a route), then what `POST /api/edits` does after applying it: the network lowered
//! again, the evaluator compiled, the path analysis and every rule run. The document copy the
//! editor starts from is part of it, as in the server.
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use tfvpc::ingest::{Document, parse_input};
use tfvpc::model::lower::{Side, lower};

/// `tfvpc-gen --vpcs 200` (its defaults otherwise).
const ESTATE_200: common::synth::Params =
    common::synth::Params { vpcs: 200, subnets_per_vpc: 12, services_per_vpc: 3, seed: 1 };

/// Sets attributes of the first resource whose address contains `addr`.
fn edit(doc: &mut Document, addr: &str, set: &[(&str, Value)]) {
    let r = doc.resources.iter_mut().find(|r| r.addr.to_string().contains(addr)).unwrap();
    let after = r.after.as_mut().unwrap();
    for (k, v) in set {
        after.values.insert((*k).to_string(), v.clone());
    }
}

/// An edit: its name, the address it applies to, the attributes it sets.
type EditSpec = (&'static str, &'static str, Vec<(&'static str, Value)>);

fn relint(c: &mut Criterion) {
    let input = common::plan_input(ESTATE_200);
    let doc = parse_input(&input).unwrap();
    let settings = tfvpc::config::resolve(None, &tfvpc::rules::defaults()).unwrap();
    let suppressions = tfvpc::suppress::Suppressions::new(&settings, None, None);
    let edits: [EditSpec; 3] = [
        ("nacl_rule", "aws_network_acl_rule.private_ingress_internal", vec![("rule_action", json!("deny"))]),
        (
            "sg_rule",
            "aws_vpc_security_group_ingress_rule.db_from_app",
            vec![("from_port", json!(5433)), ("to_port", json!(5433))],
        ),
        ("route", "aws_route.peering_requester", vec![("destination_cidr_block", json!("10.250.0.0/16"))]),
    ];
    let mut group = c.benchmark_group("whatif_relint_200_vpcs");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    for (name, addr, set) in &edits {
        group.bench_function(format!("full/{name}"), |b| {
            b.iter(|| {
                let mut edited = black_box(&doc).clone();
                edit(&mut edited, addr, set);
                let net = lower(&input.name, &edited, Side::After);
                let ev = tfvpc::eval::Evaluator::new(&net, settings.eval());
                let ctx = tfvpc::rules::Context::new(&net, &settings, &ev);
                tfvpc::rules::run(&ctx, &suppressions).findings.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, relint);
criterion_main!(benches);
