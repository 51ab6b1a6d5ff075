//! Snapshots of the model summary and the graph of every fixture plan (real Terraform output),
//! plus assertions on the linking cases each fixture was written for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

fn graph_json(rel: &str) -> serde_json::Value {
    graph_of(&common::path(rel))
}

fn graph_of(file: &str) -> serde_json::Value {
    let rel = file;
    let r = common::run(&["graph", "--format", "json", file]);
    assert_eq!(r.code, 0, "{rel}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn summary(rel: &str) -> serde_json::Value {
    let (_, v) = common::lint_json(&common::root().join(rel));
    v["summary"].clone()
}

fn fixtures() -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(common::root().join("testdata/plans")).unwrap().flatten() {
        for file in ["plan.json", "state.json"] {
            if entry.path().join(file).is_file() {
                out.push(format!("testdata/plans/{}/{file}", entry.file_name().to_string_lossy()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn summaries_and_graphs_of_every_fixture() {
    for rel in fixtures() {
        let name = rel.trim_start_matches("testdata/plans/").replace('/', "__").replace(".json", "");
        insta::assert_json_snapshot!(format!("summary__{name}"), summary(&rel));
        insta::assert_json_snapshot!(format!("graph__{name}"), graph_json(&rel));
    }
}

fn edges(g: &serde_json::Value, from: &str, kind: &str) -> Vec<(String, String)> {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["from"] == from && e["kind"] == kind)
        .map(|e| (e["to"].as_str().unwrap().to_string(), e["provenance"].as_str().unwrap().to_string()))
        .collect()
}

fn pair(to: &str, how: &str) -> (String, String) {
    (to.to_string(), how.to_string())
}

#[test]
fn create_plan_links_by_references() {
    let g = graph_json("testdata/plans/basic-vpc/plan.json");
    assert_eq!(edges(&g, "aws_subnet.public[1]", "in_vpc"), [pair("aws_vpc.main", "reference")]);
    assert_eq!(edges(&g, "aws_route_table.private", "routes_to"), [pair("aws_nat_gateway.main", "reference")]);
    assert!(edges(&g, "aws_instance.web", "in_subnet").iter().any(|(t, _)| t.starts_with("aws_subnet.public")));
}

#[test]
fn modules_count_and_for_each_align_by_key() {
    // The plan alone: what its reference lists decide (with the sources beside it, they decide
    // the rest, by reference: see below).
    let g = graph_of(&common::alone("testdata/plans/modules-count-foreach/plan.json"));
    let m = r#"module.network["prod"]"#;
    // for_each NAT per AZ in the public subnet of the same key.
    assert_eq!(
        edges(&g, &format!(r#"{m}.aws_nat_gateway.this["us-east-1b"]"#), "in_subnet"),
        [pair(&format!(r#"{m}.aws_subnet.public["us-east-1b"]"#), "inferred")]
    );
    // `for_each = aws_nat_gateway.this` with `each.value.id`.
    assert_eq!(
        edges(&g, &format!(r#"{m}.aws_route_table.app["us-east-1a"]"#), "routes_to"),
        [pair(&format!(r#"{m}.aws_nat_gateway.this["us-east-1a"]"#), "inferred")]
    );
    // An explicit key links every instance to that one.
    assert_eq!(
        edges(&g, &format!("{m}.aws_route.mgmt_nat"), "routes_to"),
        [pair(&format!(r#"{m}.aws_nat_gateway.this["us-east-1a"]"#), "reference")]
    );
    // References through `local.vpc_id` fall back to the module's only VPC.
    assert_eq!(
        edges(&g, &format!(r#"{m}.aws_internet_gateway.this"#), "attached"),
        [pair(&format!("{m}.aws_vpc.this"), "inferred")]
    );
    // Root resources reach into module instances through outputs.
    assert!(
        edges(&g, "aws_instance.bastion", "in_subnet")
            .contains(&pair(&format!(r#"{m}.aws_subnet.public["us-east-1a"]"#), "reference"))
    );
    // `values(this)[var.single_nat ? 0 : count.index]` with two NATs is ambiguous: no edge.
    assert!(edges(&g, &format!("{m}.aws_route.private_nat[0]"), "routes_to").is_empty());
    // dev has a single NAT: the same expression is decidable there.
    let dev = r#"module.network["dev"]"#;
    assert_eq!(
        edges(&g, &format!("{dev}.aws_route.private_nat[1]"), "routes_to"),
        [pair(&format!(r#"{dev}.aws_nat_gateway.this["us-east-1a"]"#), "reference")]
    );
    // With its sources, the ambiguous expression is evaluated: prod's two NATs by index.
    let g = graph_json("testdata/plans/modules-count-foreach/plan.json");
    for (i, az) in [(0, "us-east-1a"), (1, "us-east-1b")] {
        assert_eq!(
            edges(&g, &format!("{m}.aws_route.private_nat[{i}]"), "routes_to"),
            [pair(&format!(r#"{m}.aws_nat_gateway.this["{az}"]"#), "reference")]
        );
    }
}

#[test]
fn merged_route_references_are_matched_by_type_or_left_unknown() {
    let g = graph_of(&common::alone("testdata/plans/merged-refs/plan.json"));
    let mixed = edges(&g, "aws_route_table.mixed", "routes_to");
    assert!(mixed.contains(&pair("aws_internet_gateway.main", "reference")), "{mixed:?}");
    assert!(mixed.contains(&pair("aws_nat_gateway.main", "reference")), "{mixed:?}");
    let peers = edges(&g, "aws_route_table.peers", "routes_to");
    assert!(
        peers.iter().all(|(t, _)| !t.starts_with("aws_vpc_peering_connection")),
        "two pcx routes are ambiguous: {peers:?}"
    );
    // With the sources beside the plan, each block is told apart.
    let g = graph_json("testdata/plans/merged-refs/plan.json");
    let peers = edges(&g, "aws_route_table.peers", "routes_to");
    for pcx in ["aws_vpc_peering_connection.a", "aws_vpc_peering_connection.b"] {
        assert!(peers.contains(&pair(pcx, "reference")), "{peers:?}");
    }
}

#[test]
fn update_plans_match_literal_ids_and_remember_deletions() {
    let s = summary("testdata/plans/update-real-ids/plan.json");
    assert_eq!(s["deleted"], 1);
    assert_eq!(s["nat_gateways"], 1);
    let g = graph_json("testdata/plans/update-real-ids/plan.json");
    assert_eq!(edges(&g, "aws_route.reporting_default", "routes_to"), [pair("aws_nat_gateway.a", "id")]);
    // aws_nat_gateway.b is destroyed: no node, no edge to it.
    assert!(g["nodes"].as_array().unwrap().iter().all(|n| n["id"] != "aws_nat_gateway.b"));
    // The forgotten EIP still exists in AWS.
    assert!(g["nodes"].as_array().unwrap().iter().any(|n| n["id"] == "aws_eip.b"));
}

#[test]
fn external_ids_are_counted_not_linked() {
    let s = summary("testdata/plans/external-ids/plan.json");
    assert!(s["external_references"].as_u64().unwrap() >= 10);
    assert_eq!(s["vpcs"], 0);
}

#[test]
fn default_resources_adopt_what_the_vpc_created() {
    let g = graph_json("testdata/plans/default-adoption/plan.json");
    let adopts = |from: &str| edges(&g, from, "adopts");
    assert_eq!(adopts("aws_default_route_table.isolated"), [pair("aws_vpc.isolated:main_route_table", "reference")]);
    assert_eq!(adopts("aws_default_network_acl.isolated"), [pair("aws_vpc.isolated:default_network_acl", "reference")]);
    assert_eq!(
        adopts("aws_default_security_group.isolated"),
        [pair("aws_vpc.isolated:default_security_group", "reference")]
    );
}
