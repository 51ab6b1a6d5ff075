//! The picture of real plans: containment, tiers, AZ columns, links, determinism.

use super::*;
use crate::model::lower::{Side, lower};

fn net_of(path: &str) -> Network {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stdin = std::io::empty();
    let (input, doc) = crate::ingest::load(root.join(path).to_str().unwrap_or_default(), &mut stdin).unwrap();
    lower(&input.name, &doc, Side::After)
}

fn find<'a>(pic: &'a Picture, address: &str) -> &'a Node {
    pic.nodes.iter().find(|n| n.address == address).unwrap_or_else(|| panic!("{address} not drawn"))
}

fn inside(inner: &Node, outer: &Node) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.x + inner.w <= outer.x + outer.w
        && inner.y + inner.h <= outer.y + outer.h
}

#[test]
fn basic_vpc_subnets_sit_in_their_vpc_by_az_and_tier() {
    let net = net_of("testdata/plans/basic-vpc/plan.json");
    let pic = build(&net, &Options::default());
    let vpc = find(&pic, "aws_vpc.main");
    let subnets: Vec<&Node> = pic.nodes.iter().filter(|n| n.kind == "subnet").collect();
    assert!(subnets.len() >= 4, "{subnets:?}");
    for s in &subnets {
        assert!(inside(s, vpc), "{} outside its VPC", s.address);
    }
    // Public subnets (default route to the IGW) are drawn above private ones, each AZ its column.
    let public = find(&pic, "aws_subnet.public[0]");
    let private = find(&pic, "aws_subnet.private[0]");
    assert!(public.detail.ends_with("public"), "{}", public.detail);
    assert!(private.detail.ends_with("private"), "{}", private.detail);
    assert!(public.y < private.y);
    assert_eq!(public.x, private.x, "same AZ, same column");
    assert_ne!(find(&pic, "aws_subnet.public[1]").x, public.x, "another AZ, another column");
    // Workloads and the NAT gateway are chips inside their subnet; the IGW on the VPC.
    let web = find(&pic, "aws_instance.web");
    assert_eq!(web.kind, "instance");
    assert!(pic.nodes.iter().any(|n| n.kind == "nat" && pic.nodes.iter().any(|s| s.kind == "subnet" && inside(n, s))));
    assert!(inside(find(&pic, "aws_internet_gateway.main"), vpc));
    // Route tables, ACLs and groups are not drawn but anchored on what they act on.
    assert!(pic.anchors.get("aws_security_group.web").is_some_and(|a| a.contains(&"aws_instance.web".to_string())));
    assert!(
        pic.anchors
            .get("aws_route_table.private")
            .is_some_and(|a| a.iter().any(|s| s.starts_with("aws_subnet.private")))
    );
}

#[test]
fn svg_is_deterministic_and_names_every_resource() {
    let net = net_of("testdata/plans/basic-vpc/plan.json");
    let a = svg::render(&build(&net, &Options::default()));
    let b = svg::render(&build(&net, &Options::default()));
    assert_eq!(a, b);
    assert!(a.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for address in ["aws_vpc.main", "aws_subnet.public[0]", "aws_instance.app", "aws_internet_gateway.main"] {
        assert!(a.contains(&format!("data-address=\"{address}\"")), "{address} missing");
    }
    assert!(!a.contains("<script"), "the SVG carries no script");
}

#[test]
fn peering_and_transit_gateways_are_links_and_the_vpc_filter_keeps_neighbours() {
    let net = net_of("testdata/plans/families-peering-tgw/plan.json");
    let pic = build(&net, &Options::default());
    assert!(pic.edges.iter().any(|e| e.kind == "peering"), "{:?}", pic.edges);
    assert!(pic.edges.iter().any(|e| e.kind == "tgw"), "{:?}", pic.edges);
    assert!(pic.nodes.iter().any(|n| n.kind == "tgw"));
    let vpcs = pic.nodes.iter().filter(|n| n.kind == "vpc").count();
    let first = pic.edges.iter().find(|e| e.kind == "peering").map(|e| e.from.clone()).unwrap_or_default();
    let only = build(&net, &Options { vpc: Some(first.clone()), collapse: None });
    let kept: Vec<&str> = only.nodes.iter().filter(|n| n.kind == "vpc").map(|n| n.address.as_str()).collect();
    assert!(kept.contains(&first.as_str()));
    assert!(kept.len() <= vpcs);
    assert!(only.edges.iter().all(|e| kept.contains(&e.from.as_str()) || e.kind == "tgw"));
    assert!(build(&net, &Options { vpc: Some("aws_vpc.nope".into()), collapse: None }).nodes.is_empty());
}

#[test]
fn many_vpcs_collapse_to_an_overview() {
    let net = net_of("testdata/plans/families-peering-tgw/plan.json");
    let pic = build(&net, &Options { vpc: None, collapse: Some(true) });
    assert!(pic.collapsed);
    assert!(pic.nodes.iter().all(|n| n.kind != "subnet"));
    assert!(pic.nodes.iter().filter(|n| n.kind == "vpc").all(|n| n.detail.contains("subnets")));
}

#[test]
fn module_addresses_keep_their_module_in_labels() {
    assert_eq!(short("module.a.aws_subnet.b[\"x\"]"), "module.a.b[\"x\"]");
    assert_eq!(short("module.a[\"k\"].module.b.aws_vpc.this"), "module.a[\"k\"].module.b.this");
    assert_eq!(short("aws_vpc.main"), "main");
}

#[test]
fn collapsed_vpcs_carry_what_is_inside_them() {
    let net = net_of("testdata/plans/basic-vpc/plan.json");
    let pic = build(&net, &Options { vpc: None, collapse: Some(true) });
    assert_eq!(pic.anchors.get("aws_subnet.private[0]"), Some(&vec!["aws_vpc.main".to_string()]));
    assert_eq!(pic.anchors.get("aws_instance.web"), Some(&vec!["aws_vpc.main".to_string()]));
    assert_eq!(pic.anchors.get("aws_security_group.web"), Some(&vec!["aws_vpc.main".to_string()]));
}

#[test]
fn labels_inside_a_module_vpc_drop_the_module_path() {
    assert_eq!(module_prefix("module.vpc[\"a\"].aws_subnet.x"), "module.vpc[\"a\"].");
    assert_eq!(module_prefix("module.a.module.b.aws_vpc.this"), "module.a.module.b.");
    assert_eq!(module_prefix("aws_vpc.main"), "");
    let mut nodes = vec![Node {
        address: "module.vpc[\"a\"].aws_subnet.private[1]".into(),
        kind: "subnet",
        label: String::new(),
        detail: String::new(),
        x: 0.0,
        y: 0.0,
        w: 1.0,
        h: 1.0,
    }];
    relabel_inside(&mut nodes, "module.vpc[\"a\"].aws_vpc.this");
    assert_eq!(nodes[0].label, "private[1]");
}
