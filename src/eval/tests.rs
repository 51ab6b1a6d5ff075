//! Evaluator tests: hand-built scenarios for each rule of docs/semantics.md, and property tests that the
//! set evaluator agrees with the naive reference evaluator on random small networks.

use proptest::prelude::*;

use super::reach::{Leg, Outcome, Stage, Verdict};
use super::reference::{RefOutcome, reference};
use super::sets::{Packet, PacketSet, PortSet, Protocol};
use super::testnet::{NetBuilder, known, sg_rule, to};
use super::{Evaluator, Flow, Place, TraceOptions};
use crate::eval::EvalSettings;
use crate::model::{Link, Network, Object, ResId, SgPeer, TargetKind, Val};

pub(crate) fn settings() -> EvalSettings {
    EvalSettings::default()
}

fn place(ev: &Evaluator<'_>, name: &str) -> Place {
    ev.resolve(name, None).unwrap().places.remove(0)
}

fn trace(net: &Network, from: &str, to: &str, flow: &Flow) -> super::TraceReport {
    let s = settings();
    super::trace(net, s, from, to, flow, &TraceOptions::default()).unwrap()
}

/// A VPC 10.0.0.0/16 with a public subnet (IGW, NAT) and a private subnet routed to the NAT,
/// an app instance in the private subnet and a web instance in the public one.
fn two_tier() -> (NetBuilder, [ResId; 8]) {
    let mut b = NetBuilder::new();
    let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
    let public = b.subnet("aws_subnet.public", vpc, "10.0.0.0/24", "us-east-1a", true);
    let private = b.subnet("aws_subnet.private", vpc, "10.0.1.0/24", "us-east-1a", false);
    let igw = b.igw("aws_internet_gateway.main", vpc);
    let nat = b.nat("aws_nat_gateway.main", public, "10.0.0.5", true);
    let rt_public = b.table("aws_route_table.public", vpc);
    b.route(rt_public, "0.0.0.0/0", TargetKind::Gateway, to(igw));
    b.associate(public, rt_public);
    let rt_private = b.table("aws_route_table.private", vpc);
    b.route(rt_private, "0.0.0.0/0", TargetKind::NatGateway, to(nat));
    b.associate(private, rt_private);
    let app_sg = b.sg("aws_security_group.app", vpc);
    b.sg_add(app_sg, true, sg_rule(app_sg, "-1", 0, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    let web_sg = b.sg("aws_security_group.web", vpc);
    b.sg_add(web_sg, false, sg_rule(web_sg, "tcp", 443, 443, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    b.sg_add(web_sg, true, sg_rule(web_sg, "-1", 0, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    b.sg_add(app_sg, false, sg_rule(app_sg, "tcp", 8080, 8080, SgPeer::Group(to(web_sg))));
    let app = b.instance("aws_instance.app", private, &[app_sg], false, "10.0.1.10", true);
    let web = b.instance("aws_instance.web", public, &[web_sg], true, "10.0.0.10", true);
    (b, [vpc, public, private, igw, nat, app, web, app_sg])
}

#[test]
fn private_instance_reaches_internet_through_nat() {
    let (b, _) = two_tier();
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(
        r.decisive.path,
        [
            "aws_subnet.private",
            "aws_route_table.private",
            "aws_subnet.public",
            "aws_nat_gateway.main",
            "aws_route_table.public",
            "aws_internet_gateway.main"
        ]
    );
    assert!(r.decisive.cost.iter().any(|l| l.item == "NAT gateway data processing"));
}

#[test]
fn nat_subnet_nacl_with_linux_range_drops_part_of_the_nat_ports() {
    let (mut b, [vpc, public, ..]) = two_tier();
    let acl = b.nacl("aws_network_acl.public", vpc);
    b.nacl_rule(acl, true, 100, true, "-1", (0, 0), (0, 0), "0.0.0.0/0");
    b.nacl_rule(acl, false, 100, true, "tcp", (32768, 60999), (0, 0), "0.0.0.0/0");
    b.nacl_rule(acl, false, 110, true, "tcp", (443, 443), (0, 0), "10.0.0.0/16");
    b.use_nacl(public, acl);
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.dropped_at, Some(Stage::NaclIngress));
    assert_eq!(r.decisive.dropped_leg, Some(Leg::Return));
    assert_eq!(r.decisive.dropped_in.as_deref(), Some("aws_network_acl.public"));
    let ports: Vec<(u16, u16)> = r.decisive.failing_ports.iter().map(|p| (p.from, p.to)).collect();
    assert_eq!(ports, [(1024, 32767), (61000, 65535)]);
}

#[test]
fn private_linux_subnet_with_ephemeral_range_is_fine() {
    let (mut b, [vpc, _, private, ..]) = two_tier();
    let acl = b.nacl("aws_network_acl.private", vpc);
    b.nacl_rule(acl, true, 100, true, "tcp", (443, 443), (0, 0), "0.0.0.0/0");
    b.nacl_rule(acl, false, 100, true, "tcp", (32768, 60999), (0, 0), "0.0.0.0/0");
    b.use_nacl(private, acl);
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
}

#[test]
fn nacl_deny_before_allow_wins_and_after_is_dead() {
    let (mut b, [vpc, public, ..]) = two_tier();
    let acl = b.nacl("aws_network_acl.public", vpc);
    b.nacl_rule(acl, false, 50, false, "tcp", (443, 443), (0, 0), "198.51.100.0/24");
    b.nacl_rule(acl, false, 100, true, "-1", (0, 0), (0, 0), "0.0.0.0/0");
    b.nacl_rule(acl, false, 200, false, "tcp", (443, 443), (0, 0), "203.0.113.0/24");
    b.nacl_rule(acl, true, 100, true, "-1", (0, 0), (0, 0), "0.0.0.0/0");
    b.use_nacl(public, acl);
    let net = b.build();
    let denied = trace(&net, "198.51.100.7", "aws_instance.web", &Flow::tcp(443));
    assert_eq!(denied.verdict(), Verdict::Unreachable);
    assert_eq!(denied.decisive.dropped_at, Some(Stage::NaclIngress));
    assert!(denied.decisive.reason.as_deref().unwrap_or("").contains("rule 50 deny"), "{:?}", denied.decisive.reason);
    let allowed = trace(&net, "203.0.113.7", "aws_instance.web", &Flow::tcp(443));
    assert_eq!(allowed.verdict(), Verdict::Reachable);
}

#[test]
fn icmp_echo_needs_the_reply_type_through_nacls() {
    let (mut b, [vpc, public, ..]) = two_tier();
    let web_sg = b.net.find("aws_security_group.web").unwrap();
    b.sg_add(web_sg, false, sg_rule(web_sg, "icmp", 8, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    let acl = b.nacl("aws_network_acl.public", vpc);
    b.nacl_rule(acl, false, 100, true, "icmp", (0, 0), (8, 0), "0.0.0.0/0");
    b.nacl_rule(acl, true, 100, true, "icmp", (0, 0), (8, 0), "0.0.0.0/0");
    b.use_nacl(public, acl);
    let net = b.build();
    let r = trace(&net, "203.0.113.9", "aws_instance.web", &Flow::icmp(8, 0));
    assert_eq!(r.verdict(), Verdict::Unreachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.dropped_at, Some(Stage::NaclEgress));
    assert_eq!(r.decisive.dropped_leg, Some(Leg::Return));
}

#[test]
fn sg_reference_admits_the_referenced_group_only() {
    let (b, _) = two_tier();
    let net = b.build();
    assert_eq!(trace(&net, "aws_instance.web", "aws_instance.app", &Flow::tcp(8080)).verdict(), Verdict::Reachable);
    let r = trace(&net, "aws_subnet.public", "aws_instance.app", &Flow::tcp(8080));
    assert_eq!(r.verdict(), Verdict::Unreachable);
    assert_eq!(r.decisive.dropped_at, Some(Stage::SgIngress));
}

#[test]
fn public_ip_without_igw_route_fails_on_the_reply() {
    let (mut b, [_, _, private, ..]) = two_tier();
    // app gets a public IP while its subnet routes 0.0.0.0/0 to the NAT.
    let app = b.net.find("aws_instance.app").unwrap();
    if let Object::Workload(w) = &mut b.net.resources[app.index()].obj {
        w.public_ip = Val::Known(true);
    }
    let app_sg = b.net.find("aws_security_group.app").unwrap();
    b.sg_add(app_sg, false, sg_rule(app_sg, "tcp", 22, 22, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    let _ = private;
    let net = b.build();
    let r = trace(&net, "internet", "aws_instance.app", &Flow::tcp(22));
    assert_eq!(r.verdict(), Verdict::Unreachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.dropped_at, Some(Stage::ReturnPath));
}

#[test]
fn unknown_instance_address_makes_a_partial_rule_indeterminate() {
    let (mut b, [vpc, public, ..]) = two_tier();
    let acl = b.nacl("aws_network_acl.public", vpc);
    b.nacl_rule(acl, true, 100, true, "-1", (0, 0), (0, 0), "0.0.0.0/0");
    b.nacl_rule(acl, false, 100, true, "-1", (0, 0), (0, 0), "10.0.1.0/25");
    b.use_nacl(public, acl);
    let net = b.build();
    // A hypothetical ENI anywhere in the private subnet: half of its addresses are admitted.
    let r = trace(&net, "aws_subnet.private", "aws_subnet.public", &Flow::tcp(22));
    assert_eq!(r.verdict(), Verdict::Indeterminate, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(trace(&net, "10.0.1.20", "aws_subnet.public", &Flow::tcp(22)).verdict(), Verdict::Reachable);
    assert_eq!(trace(&net, "10.0.1.200", "aws_subnet.public", &Flow::tcp(22)).verdict(), Verdict::Unreachable);
}

fn peered(return_route: bool) -> Network {
    let mut b = NetBuilder::new();
    let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
    let c = b.vpc("aws_vpc.b", "10.1.0.0/16");
    let sa = b.subnet("aws_subnet.a", a, "10.0.1.0/24", "us-east-1a", false);
    let sb = b.subnet("aws_subnet.b", c, "10.1.1.0/24", "us-east-1b", false);
    let pcx = b.pcx("aws_vpc_peering_connection.ab", a, c, true);
    let ra = b.table("aws_route_table.a", a);
    b.route(ra, "10.1.0.0/16", TargetKind::Peering, to(pcx));
    b.route(ra, "10.2.0.0/16", TargetKind::Peering, to(pcx));
    b.associate(sa, ra);
    let rb = b.table("aws_route_table.b", c);
    if return_route {
        b.route(rb, "10.0.0.0/16", TargetKind::Peering, to(pcx));
    }
    b.associate(sb, rb);
    b.build()
}

#[test]
fn peering_needs_routes_both_ways_and_is_not_transitive() {
    let ok = peered(true);
    assert_eq!(trace(&ok, "aws_subnet.a", "aws_subnet.b", &Flow::tcp(5432)).verdict(), Verdict::Reachable);
    let broken = peered(false);
    let r = trace(&broken, "aws_subnet.a", "aws_subnet.b", &Flow::tcp(5432));
    assert_eq!(r.verdict(), Verdict::Unreachable);
    assert_eq!(r.decisive.dropped_at, Some(Stage::ReturnPath));
    assert_eq!(r.decisive.dropped_in.as_deref(), Some("aws_route_table.b"));
    let transit = trace(&ok, "aws_subnet.a", "10.2.0.9", &Flow::tcp(5432));
    assert_eq!(transit.verdict(), Verdict::Unreachable);
    assert_eq!(transit.decisive.dropped_at, Some(Stage::Peering));
}

fn appliance_net(sdc: bool, reference_rule: bool) -> Network {
    let mut b = NetBuilder::new();
    let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
    let s1 = b.subnet("aws_subnet.one", vpc, "10.0.1.0/24", "us-east-1a", false);
    let s2 = b.subnet("aws_subnet.two", vpc, "10.0.2.0/24", "us-east-1a", false);
    let s3 = b.subnet("aws_subnet.fw", vpc, "10.0.3.0/24", "us-east-1a", false);
    let fw_sg = b.sg("aws_security_group.fw", vpc);
    b.sg_add(fw_sg, false, sg_rule(fw_sg, "-1", 0, 0, SgPeer::Cidr(known("10.0.0.0/16".parse().unwrap()))));
    b.sg_add(fw_sg, true, sg_rule(fw_sg, "-1", 0, 0, SgPeer::Cidr(known("10.0.0.0/16".parse().unwrap()))));
    let fw = b.instance("aws_instance.fw", s3, &[fw_sg], false, "10.0.3.10", sdc);
    let c_sg = b.sg("aws_security_group.client", vpc);
    b.sg_add(c_sg, true, sg_rule(c_sg, "-1", 0, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    let s_sg = b.sg("aws_security_group.server", vpc);
    let peer =
        if reference_rule { SgPeer::Group(to(c_sg)) } else { SgPeer::Cidr(known("10.0.1.0/24".parse().unwrap())) };
    b.sg_add(s_sg, false, sg_rule(s_sg, "tcp", 443, 443, peer));
    b.instance("aws_instance.client", s1, &[c_sg], false, "10.0.1.10", true);
    b.instance("aws_instance.server", s2, &[s_sg], false, "10.0.2.10", true);
    let r1 = b.table("aws_route_table.one", vpc);
    b.route(r1, "10.0.2.0/24", TargetKind::Instance, to(fw));
    b.associate(s1, r1);
    let r2 = b.table("aws_route_table.two", vpc);
    b.route(r2, "10.0.1.0/24", TargetKind::Instance, to(fw));
    b.associate(s2, r2);
    b.build()
}

#[test]
fn appliance_forwards_only_with_source_dest_check_off() {
    let net = appliance_net(false, false);
    let r = trace(&net, "aws_instance.client", "aws_instance.server", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    assert!(r.decisive.path.contains(&"aws_instance.fw".to_string()));
    let net = appliance_net(true, false);
    let r = trace(&net, "aws_instance.client", "aws_instance.server", &Flow::tcp(443));
    assert_eq!(r.decisive.dropped_at, Some(Stage::Appliance));
}

#[test]
fn sg_references_are_not_preserved_through_an_appliance() {
    let net = appliance_net(false, true);
    let r = trace(&net, "aws_instance.client", "aws_instance.server", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.dropped_at, Some(Stage::SgIngress));
    assert!(r.decisive.reason.as_deref().unwrap_or("").contains("not preserved"), "{:?}", r.decisive.reason);
}

/// docs/semantics.md §1.9: an app subnet behind an AWS Network Firewall endpoint (0.0.0.0/0 to
/// the endpoint, the firewall subnet to the IGW), with or without the IGW's edge route table
/// that brings the replies back through the endpoint.
fn firewall_net(ingress_routing: bool, firewall_to_igw: bool) -> Network {
    let mut b = NetBuilder::new();
    let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
    let fw_subnet = b.subnet("aws_subnet.firewall", vpc, "10.0.0.0/28", "us-east-1a", false);
    let app = b.subnet("aws_subnet.app", vpc, "10.0.1.0/24", "us-east-1a", false);
    let igw = b.igw("aws_internet_gateway.main", vpc);
    let (_, eps) = b.firewall("aws_networkfirewall_firewall.main", vpc, &[fw_subnet]);
    let rt_fw = b.table("aws_route_table.firewall", vpc);
    if firewall_to_igw {
        b.route(rt_fw, "0.0.0.0/0", TargetKind::Gateway, to(igw));
    }
    b.associate(fw_subnet, rt_fw);
    let rt_app = b.table("aws_route_table.app", vpc);
    b.route(rt_app, "0.0.0.0/0", TargetKind::VpcEndpoint, to(eps[0]));
    b.associate(app, rt_app);
    if ingress_routing {
        let edge = b.table("aws_route_table.edge", vpc);
        b.route(edge, "10.0.1.0/24", TargetKind::VpcEndpoint, to(eps[0]));
        b.edge_associate(edge, igw);
    }
    let sg = b.sg("aws_security_group.web", vpc);
    b.sg_add(sg, false, sg_rule(sg, "tcp", 443, 443, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    b.sg_add(sg, true, sg_rule(sg, "-1", 0, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap()))));
    b.instance("aws_instance.web", app, &[sg], true, "10.0.1.10", true);
    b.build()
}

#[test]
fn a_path_through_a_network_firewall_is_undecided_at_the_firewall_and_drops_around_it_are_not() {
    let fw = "AWS Network Firewall aws_networkfirewall_firewall.main: its policy is not evaluated (rules decide)";
    // Both legs through the endpoint: the network carries the flow; the policy decides.
    let net = firewall_net(true, true);
    for (from, to) in [("internet", "aws_instance.web"), ("aws_instance.web", "internet")] {
        let r = trace(&net, from, to, &Flow::tcp(443));
        let text = crate::report::trace::render_human(&r, false);
        assert_eq!(r.verdict(), Verdict::Indeterminate, "{text}");
        assert_eq!(r.decisive.undetermined_at, Some(Stage::Endpoint), "{text}");
        assert_eq!(r.decisive.reason.as_deref(), Some(fw), "{text}");
        assert!(
            r.decisive.path.contains(&"aws_networkfirewall_firewall.main:endpoint[aws_subnet.firewall]".to_string())
        );
        // The fast evaluator agrees.
        let ev = Evaluator::new(&net, settings());
        let (x, y) = (place(&ev, from), place(&ev, to));
        let reach = ev.reach(&x, &y, &Flow::tcp(443).packets(&x.addrs, &y.addrs, &x.client.set()));
        assert_eq!(reach.verdict(), Verdict::Indeterminate);
    }
    // Without ingress routing the replies from the internet bypass the firewall: a firewall
    // must see both directions (asymmetric routing is a decided drop).
    let net = firewall_net(false, true);
    let r = trace(&net, "aws_instance.web", "internet", &Flow::tcp(443));
    let text = crate::report::trace::render_human(&r, false);
    assert_eq!(r.verdict(), Verdict::Unreachable, "{text}");
    assert_eq!(r.decisive.dropped_at, Some(Stage::ReturnPath), "{text}");
    assert!(r.decisive.reason.as_deref().unwrap_or("").contains("asymmetric path"), "{text}");
    // After the firewall, no route to the internet gateway: decided, whatever the policy says.
    let net = firewall_net(true, false);
    let r = trace(&net, "aws_instance.web", "internet", &Flow::tcp(443));
    let text = crate::report::trace::render_human(&r, false);
    assert_eq!(r.verdict(), Verdict::Unreachable, "{text}");
    assert_eq!(r.decisive.dropped_at, Some(Stage::Route), "{text}");
    assert_eq!(r.decisive.dropped_in.as_deref(), Some("aws_route_table.firewall"), "{text}");
}

#[test]
fn reach_accounts_for_every_packet() {
    let (b, _) = two_tier();
    let net = b.build();
    let s = settings();
    let ev = Evaluator::new(&net, s.clone());
    for (x, y) in [
        ("aws_instance.app", "internet"),
        ("aws_subnet.public", "aws_subnet.private"),
        ("internet", "aws_instance.web"),
    ] {
        let src = place(&ev, x);
        let dst = place(&ev, y);
        let reach = ev.reach_traced(&src, &dst, &PacketSet::all());
        let fast = ev.reach(&src, &dst, &PacketSet::all());
        assert_eq!(
            (&fast.passed, &fast.failed, &fast.undetermined),
            (&reach.passed, &reach.failed, &reach.undetermined),
            "{x} -> {y}"
        );
        let covered = reach.passed.union(&reach.failed).union(&reach.undetermined);
        assert_eq!(covered, reach.request, "{x} -> {y}");
        let passed_leaves = reach
            .leaves
            .iter()
            .filter(|l| l.outcome == Outcome::Passed)
            .fold(PacketSet::empty(), |a, l| a.union(&l.packets));
        assert!(reach.passed.is_subset(&passed_leaves), "{x} -> {y}");
    }
}

fn tgw_net(blackhole: bool) -> Network {
    let mut b = NetBuilder::new();
    let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
    let c = b.vpc("aws_vpc.b", "10.1.0.0/16");
    let sa = b.subnet("aws_subnet.a", a, "10.0.1.0/24", "us-east-1a", false);
    let sb = b.subnet("aws_subnet.b", c, "10.1.1.0/24", "us-east-1a", false);
    let tgw = b.tgw("aws_ec2_transit_gateway.hub", true);
    b.tgw_attach("aws_ec2_transit_gateway_vpc_attachment.a", tgw, a, &[sa]);
    b.tgw_attach("aws_ec2_transit_gateway_vpc_attachment.b", tgw, c, &[sb]);
    if blackhole {
        let table = b.net.find("aws_ec2_transit_gateway.hub:default_route_table").unwrap();
        b.tgw_route("aws_ec2_transit_gateway_route.drop", table, "10.1.1.0/24", None);
    }
    for (s, v, dest) in [(sa, a, "10.1.0.0/16"), (sb, c, "10.0.0.0/16")] {
        let t = b.table(&format!("aws_route_table.{}", if v == a { "a" } else { "b" }), v);
        b.route(t, dest, TargetKind::TransitGateway, to(tgw));
        b.associate(s, t);
    }
    b.build()
}

#[test]
fn transit_gateway_default_tables_and_blackholes() {
    let open = tgw_net(false);
    let r = trace(&open, "aws_subnet.a", "aws_subnet.b", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    assert!(
        r.decisive.path.contains(&"aws_ec2_transit_gateway.hub:default_route_table".to_string()),
        "{:?}",
        r.decisive.path
    );
    let dropped = tgw_net(true);
    let r = trace(&dropped, "aws_subnet.a", "aws_subnet.b", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable);
    assert_eq!(r.decisive.dropped_at, Some(Stage::Tgw));
    assert!(r.decisive.reason.as_deref().unwrap_or("").contains("blackhole"), "{:?}", r.decisive.reason);
}

#[test]
fn private_nat_cannot_use_the_internet_gateway() {
    let (mut b, [_, public, ..]) = two_tier();
    let nat = b.net.find("aws_nat_gateway.main").unwrap();
    if let Object::NatGateway(n) = &mut b.net.resources[nat.index()].obj {
        n.public = Val::Known(false);
    }
    let _ = public;
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable);
    assert_eq!(r.decisive.dropped_at, Some(Stage::Igw));
}

#[test]
fn gateway_endpoint_and_public_nacl_cidrs() {
    let (mut b, [vpc, _, private, ..]) = two_tier();
    let rt = b.net.find("aws_route_table.private").unwrap();
    b.endpoint(
        "aws_vpc_endpoint.s3",
        vpc,
        "com.amazonaws.us-east-1.s3",
        crate::model::EndpointKind::Gateway,
        &[rt],
        &[],
        &[],
    );
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "com.amazonaws.us-east-1.s3", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    assert!(r.decisive.path.contains(&"aws_vpc_endpoint.s3".to_string()));
    assert!(!r.decisive.path.contains(&"aws_nat_gateway.main".to_string()));
    // UDP is not carried by gateway endpoints.
    let u = trace(&net, "aws_instance.app", "com.amazonaws.us-east-1.s3", &Flow::udp(53));
    assert_eq!(u.decisive.dropped_at, Some(Stage::Endpoint));
    // A NACL that allows only a concrete public range may or may not cover S3's addresses.
    let (mut b, [vpc, _, private2, ..]) = two_tier();
    let rt = b.net.find("aws_route_table.private").unwrap();
    b.endpoint(
        "aws_vpc_endpoint.s3",
        vpc,
        "com.amazonaws.us-east-1.s3",
        crate::model::EndpointKind::Gateway,
        &[rt],
        &[],
        &[],
    );
    let acl = b.nacl("aws_network_acl.private", vpc);
    b.nacl_rule(acl, true, 100, true, "tcp", (443, 443), (0, 0), "52.216.0.0/15");
    b.nacl_rule(acl, false, 100, true, "-1", (0, 0), (0, 0), "0.0.0.0/0");
    b.use_nacl(private2, acl);
    let _ = private;
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "com.amazonaws.us-east-1.s3", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Indeterminate, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.undetermined_at, Some(Stage::NaclEgress));
}

#[test]
fn interface_endpoint_security_group_decides() {
    let (mut b, [vpc, _, private, ..]) = two_tier();
    let sg = b.sg("aws_security_group.endpoint", vpc);
    b.sg_add(sg, false, sg_rule(sg, "tcp", 443, 443, SgPeer::Cidr(known("10.0.1.0/24".parse().unwrap()))));
    b.endpoint(
        "aws_vpc_endpoint.ssm",
        vpc,
        "com.amazonaws.us-east-1.ssm",
        crate::model::EndpointKind::Interface,
        &[],
        &[private],
        &[sg],
    );
    let net = b.build();
    let r = trace(&net, "aws_instance.app", "com.amazonaws.us-east-1.ssm", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.destination, "aws_vpc_endpoint.ssm");
    assert!(r.decisive.cost.iter().any(|l| l.item == "interface endpoint data processing"));
    let web = trace(&net, "aws_instance.web", "com.amazonaws.us-east-1.ssm", &Flow::tcp(443));
    assert_eq!(web.decisive.dropped_at, Some(Stage::SgIngress));
}

#[test]
fn egress_only_gateway_is_outbound_only() {
    let mut b = NetBuilder::new();
    let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
    let s = b.subnet("aws_subnet.v6", vpc, "10.0.1.0/24", "us-east-1a", false);
    b.add_v6(vpc, "2600:1f18:1234:5600::/56", s, "2600:1f18:1234:5601::/64");
    let eigw = b.eigw("aws_egress_only_internet_gateway.main", vpc);
    let t = b.table("aws_route_table.v6", vpc);
    b.route(t, "::/0", TargetKind::EgressOnly, to(eigw));
    b.associate(s, t);
    let acl = b.vpc_parts(vpc).1;
    if let Object::NetworkAcl(a) = &mut b.net.resources[acl.index()].obj {
        for list in [&mut a.ingress, &mut a.egress] {
            if let Val::Known(rules) = list {
                let mut r = rules[0].clone();
                r.number = known(101);
                r.cidr = known("::/0".parse().unwrap());
                rules.push(r);
            }
        }
    }
    let net = b.build();
    let out = trace(&net, "aws_subnet.v6", "2606:4700::1111", &Flow::tcp(443));
    assert_eq!(out.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&out, false));
    let r = trace(&net, "2606:4700::1111", "aws_subnet.v6", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable);
    assert_eq!(r.decisive.dropped_at, Some(Stage::Eigw));
}

/// Centralised egress: spoke → TGW → egress VPC attachment subnet → NAT → IGW, and back.
fn central_egress(return_route: bool) -> Network {
    let mut b = NetBuilder::new();
    let spoke = b.vpc("aws_vpc.spoke", "10.1.0.0/16");
    let egress = b.vpc("aws_vpc.egress", "10.0.0.0/16");
    let s_app = b.subnet("aws_subnet.app", spoke, "10.1.1.0/24", "us-east-1a", false);
    let e_tgw = b.subnet("aws_subnet.egress_tgw", egress, "10.0.9.0/28", "us-east-1a", false);
    let e_pub = b.subnet("aws_subnet.egress_public", egress, "10.0.0.0/24", "us-east-1a", true);
    let tgw = b.tgw("aws_ec2_transit_gateway.hub", true);
    b.tgw_attach("aws_ec2_transit_gateway_vpc_attachment.spoke", tgw, spoke, &[s_app]);
    let att_e = b.tgw_attach("aws_ec2_transit_gateway_vpc_attachment.egress", tgw, egress, &[e_tgw]);
    let table = b.net.find("aws_ec2_transit_gateway.hub:default_route_table").unwrap();
    b.tgw_route("aws_ec2_transit_gateway_route.default", table, "0.0.0.0/0", Some(att_e));
    let igw = b.igw("aws_internet_gateway.egress", egress);
    let nat = b.nat("aws_nat_gateway.egress", e_pub, "10.0.0.5", true);
    let rt_app = b.table("aws_route_table.app", spoke);
    b.route(rt_app, "0.0.0.0/0", TargetKind::TransitGateway, to(tgw));
    b.associate(s_app, rt_app);
    let rt_tgw = b.table("aws_route_table.egress_tgw", egress);
    b.route(rt_tgw, "0.0.0.0/0", TargetKind::NatGateway, to(nat));
    b.associate(e_tgw, rt_tgw);
    let rt_pub = b.table("aws_route_table.egress_public", egress);
    b.route(rt_pub, "0.0.0.0/0", TargetKind::Gateway, to(igw));
    if return_route {
        b.route(rt_pub, "10.1.0.0/16", TargetKind::TransitGateway, to(tgw));
    }
    b.associate(e_pub, rt_pub);
    b.build()
}

#[test]
fn centralised_egress_through_a_transit_gateway() {
    let ok = central_egress(true);
    let r = trace(&ok, "aws_subnet.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Reachable, "{}", crate::report::trace::render_human(&r, false));
    for hop in ["aws_ec2_transit_gateway.hub", "aws_nat_gateway.egress", "aws_internet_gateway.egress"] {
        assert!(r.decisive.path.contains(&hop.to_string()), "{hop} not in {:?}", r.decisive.path);
    }
    let broken = central_egress(false);
    let r = trace(&broken, "aws_subnet.app", "internet", &Flow::tcp(443));
    assert_eq!(r.verdict(), Verdict::Unreachable, "{}", crate::report::trace::render_human(&r, false));
    assert_eq!(r.decisive.dropped_at, Some(Stage::ReturnPath));
}

#[test]
fn a_database_in_one_of_its_subnets_is_a_choice() {
    let (mut b, [vpc, public, private, ..]) = two_tier();
    let db_sg = b.sg("aws_security_group.db", vpc);
    b.sg_add(db_sg, false, sg_rule(db_sg, "tcp", 5432, 5432, SgPeer::Cidr(known("10.0.0.0/16".parse().unwrap()))));
    b.add(
        "aws_db_instance.main",
        crate::catalog::Family::Workload,
        crate::model::Origin::Managed(crate::model::Action::Create),
        Object::Workload(crate::model::Workload {
            kind: crate::model::WorkloadKind::Database,
            subnets: known(vec![to(public), to(private)]),
            security_groups: known(vec![to(db_sg)]),
            public_ip: known(false),
            in_vpc: true,
            ..crate::model::Workload::default()
        }),
    );
    // The private subnet's NACL admits nothing: the flow works only if AWS picks the public one.
    let acl = b.nacl("aws_network_acl.closed", vpc);
    b.use_nacl(private, acl);
    let net = b.build();
    let r = trace(&net, "aws_instance.web", "aws_db_instance.main", &Flow::tcp(5432));
    assert_eq!(r.traces.len(), 2);
    assert_eq!(r.verdict(), Verdict::Indeterminate, "{}", crate::report::trace::render_human(&r, false));
    assert!(r.decisive.reason.as_deref().unwrap_or("").contains("depends on the subnet"), "{:?}", r.decisive.reason);
}

// ---- property tests against the reference evaluator -------------------------------------------

const CIDRS: &[&str] = &[
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.1.0.0/16",
    "10.0.1.0/24",
    "10.0.2.0/24",
    "10.0.1.0/25",
    "10.1.1.0/24",
    "203.0.113.0/24",
    "10.0.0.0/8",
];
const PORTS: &[(i64, i64)] = &[(22, 22), (80, 80), (443, 443), (1024, 65535), (32768, 60999), (0, 65535), (8080, 8090)];
const PROTOS: &[&str] = &["-1", "tcp", "udp", "icmp"];
const DPORTS: &[u16] = &[22, 80, 443, 1024, 8080, 40000, 60999, 61000];
const SPORTS: &[u16] = &[1024, 20000, 32767, 32768, 45000, 60999, 61000, 65535];
const NAT_PORTS: &[u16] = &[1023, 1024, 1025, 20000, 32767, 32768, 45000, 60999, 61000, 65535];
const SUBNETS: &[(usize, &str, &str)] = &[
    (0, "10.0.1.0/24", "us-east-1a"),
    (0, "10.0.2.0/24", "us-east-1b"),
    (1, "10.1.1.0/24", "us-east-1a"),
    (1, "10.1.2.0/24", "us-east-1b"),
];

#[derive(Debug, Clone)]
struct RuleSpec {
    number: i64,
    allow: bool,
    proto: usize,
    ports: usize,
    icmp: (i64, i64),
    cidr: usize,
}

#[derive(Debug, Clone)]
struct SgRuleSpec {
    proto: usize,
    ports: usize,
    icmp: (i64, i64),
    /// 0..CIDRS.len(): a CIDR; then a group of instance `i`; then self.
    peer: usize,
}

#[derive(Debug, Clone)]
struct SubnetSpec {
    /// 0: none, 1: IGW, 2: NAT, 3: appliance instance 0.
    default_route: u8,
    peer_route: bool,
    blackhole: bool,
    acl: Option<(Vec<RuleSpec>, Vec<RuleSpec>)>,
}

#[derive(Debug, Clone)]
struct InstSpec {
    subnet: usize,
    public: bool,
    sdc: bool,
    sg_in: Vec<SgRuleSpec>,
    sg_out: Vec<SgRuleSpec>,
}

#[derive(Debug, Clone)]
pub(crate) struct Spec {
    two_vpcs: bool,
    pcx: Option<bool>,
    igw: bool,
    nat_subnet: usize,
    subnets: Vec<SubnetSpec>,
    instances: Vec<InstSpec>,
}

fn rule_spec() -> impl Strategy<Value = RuleSpec> {
    (
        1i64..20,
        any::<bool>(),
        0..PROTOS.len(),
        0..PORTS.len(),
        prop_oneof![Just((-1i64, -1i64)), Just((8, 0)), Just((0, 0)), Just((3, 4))],
        0..CIDRS.len(),
    )
        .prop_map(|(n, allow, proto, ports, icmp, cidr)| RuleSpec {
            number: n * 10,
            allow,
            proto,
            ports,
            icmp,
            cidr,
        })
}

fn sg_rule_spec(instances: usize) -> impl Strategy<Value = SgRuleSpec> {
    (
        0..PROTOS.len(),
        0..PORTS.len(),
        prop_oneof![Just((-1i64, -1i64)), Just((8, 0)), Just((0, 0))],
        0..CIDRS.len() + instances + 1,
    )
        .prop_map(|(proto, ports, icmp, peer)| SgRuleSpec { proto, ports, icmp, peer })
}

pub(crate) fn spec() -> impl Strategy<Value = Spec> {
    let rules = || {
        (prop::collection::vec(rule_spec(), 0..4), prop::bool::weighted(0.7)).prop_map(|(mut rules, open)| {
            if open {
                rules.push(RuleSpec { number: 300, allow: true, proto: 0, ports: 0, icmp: (-1, -1), cidr: 0 });
            }
            rules
        })
    };
    let subnet =
        (0u8..4, prop::bool::weighted(0.7), prop::bool::weighted(0.1), prop::option::weighted(0.5, (rules(), rules())))
            .prop_map(|(default_route, peer_route, blackhole, acl)| SubnetSpec {
                default_route,
                peer_route,
                blackhole,
                acl,
            });
    (
        any::<bool>(),
        prop::option::of(any::<bool>()),
        prop::bool::weighted(0.8),
        0usize..2,
        prop::collection::vec(subnet, 4),
    )
        .prop_flat_map(|(two_vpcs, pcx, igw, nat_subnet, subnets)| {
            let n_subnets = if two_vpcs { 4 } else { 2 };
            let open_rule = |cidr: usize| SgRuleSpec { proto: 0, ports: 0, icmp: (-1, -1), peer: cidr };
            let inst = (
                0usize..n_subnets,
                any::<bool>(),
                prop::bool::weighted(0.7),
                prop::collection::vec(sg_rule_spec(4), 0..3),
                prop::collection::vec(sg_rule_spec(4), 0..3),
                prop::option::weighted(0.5, prop_oneof![Just(0usize), Just(8usize), Just(1usize)]),
                prop::bool::weighted(0.75),
            )
                .prop_map(move |(subnet, public, sdc, mut sg_in, mut sg_out, open_in, open_out)| {
                    if let Some(c) = open_in {
                        sg_in.push(open_rule(c));
                    }
                    if open_out {
                        sg_out.push(open_rule(0));
                    }
                    InstSpec { subnet, public, sdc, sg_in, sg_out }
                });
            (Just((two_vpcs, pcx, igw, nat_subnet, subnets)), prop::collection::vec(inst, 1..5))
        })
        .prop_map(|((two_vpcs, pcx, igw, nat_subnet, subnets), instances)| Spec {
            two_vpcs,
            pcx,
            igw,
            nat_subnet,
            subnets,
            instances,
        })
}

pub(crate) fn build(spec: &Spec) -> Network {
    let mut b = NetBuilder::new();
    let v0 = b.vpc("aws_vpc.v0", "10.0.0.0/16");
    let v1 = spec.two_vpcs.then(|| b.vpc("aws_vpc.v1", "10.1.0.0/16"));
    let vpcs = [Some(v0), v1];
    let n_subnets = if spec.two_vpcs { 4 } else { 2 };
    let mut subnets = Vec::new();
    for (i, &(v, cidr, az)) in SUBNETS.iter().enumerate().take(n_subnets) {
        let Some(vpc) = vpcs[v] else { continue };
        subnets.push(b.subnet(&format!("aws_subnet.s{i}"), vpc, cidr, az, false));
    }
    let igw = spec.igw.then(|| b.igw("aws_internet_gateway.main", v0));
    let nat = b.nat(
        "aws_nat_gateway.main",
        subnets[spec.nat_subnet],
        if spec.nat_subnet == 0 { "10.0.1.5" } else { "10.0.2.5" },
        true,
    );
    let pcx = match (spec.pcx, v1) {
        (Some(accepted), Some(v1)) => Some(b.pcx("aws_vpc_peering_connection.p", v0, v1, accepted)),
        _ => None,
    };
    // Security groups and instances (rules added once every group exists).
    let mut groups = Vec::new();
    for (i, inst) in spec.instances.iter().enumerate() {
        let vpc = vpcs[SUBNETS[inst.subnet].0].unwrap_or(v0);
        groups.push(b.sg(&format!("aws_security_group.g{i}"), vpc));
    }
    let mut instances = Vec::new();
    for (i, inst) in spec.instances.iter().enumerate() {
        let base = SUBNETS[inst.subnet].1.trim_end_matches(".0/24");
        instances.push(b.instance(
            &format!("aws_instance.i{i}"),
            subnets[inst.subnet],
            &[groups[i]],
            inst.public,
            &format!("{base}.{}", 10 + i),
            inst.sdc,
        ));
    }
    for (i, inst) in spec.instances.iter().enumerate() {
        for (egress, rules) in [(false, &inst.sg_in), (true, &inst.sg_out)] {
            for r in rules {
                let peer = if r.peer < CIDRS.len() {
                    SgPeer::Cidr(known(CIDRS[r.peer].parse().unwrap()))
                } else if r.peer - CIDRS.len() < groups.len() {
                    SgPeer::Group(to(groups[r.peer - CIDRS.len()]))
                } else {
                    SgPeer::SelfGroup
                };
                let (from, to_port) = match PROTOS[r.proto] {
                    "icmp" => r.icmp,
                    "-1" => (0, 0),
                    _ => PORTS[r.ports],
                };
                b.sg_add(groups[i], egress, sg_rule(groups[i], PROTOS[r.proto], from, to_port, peer));
            }
        }
    }
    for (i, s) in spec.subnets.iter().enumerate().take(n_subnets) {
        let (v, _, _) = SUBNETS[i];
        let Some(vpc) = vpcs[v] else { continue };
        let t = b.table(&format!("aws_route_table.t{i}"), vpc);
        match (s.default_route, v) {
            (1, 0) if igw.is_some() => b.route(t, "0.0.0.0/0", TargetKind::Gateway, to(igw.unwrap_or(v0))),
            (2, 0) => b.route(t, "0.0.0.0/0", TargetKind::NatGateway, to(nat)),
            (3, _) => b.route(t, "0.0.0.0/0", TargetKind::Instance, to(instances[0])),
            _ => {}
        }
        if s.peer_route
            && let Some(p) = pcx
        {
            b.route(t, if v == 0 { "10.1.0.0/16" } else { "10.0.0.0/16" }, TargetKind::Peering, to(p));
        }
        if s.blackhole {
            let gone = b.net.find("aws_nat_gateway.main").unwrap_or(nat);
            b.route(t, "203.0.113.0/25", TargetKind::NatGateway, Link::Missing(gone));
        }
        b.associate(subnets[i], t);
        if let Some((ingress, egress)) = &s.acl {
            let acl = b.nacl(&format!("aws_network_acl.a{i}"), vpc);
            for (eg, rules) in [(false, ingress), (true, egress)] {
                let mut used = std::collections::BTreeSet::new();
                for r in rules {
                    if !used.insert(r.number) {
                        continue;
                    }
                    b.nacl_rule(acl, eg, r.number, r.allow, PROTOS[r.proto], PORTS[r.ports], r.icmp, CIDRS[r.cidr]);
                }
            }
            b.use_nacl(subnets[i], acl);
        }
    }
    b.build()
}

#[derive(Debug, Clone)]
struct FlowSpec {
    src: usize,
    dst: usize,
    proto: usize,
    dport: u16,
    sport: u16,
    icmp: (u16, u16),
    internet_host: bool,
}

fn flow_spec() -> impl Strategy<Value = FlowSpec> {
    (
        0usize..6,
        0usize..6,
        1usize..4,
        prop::sample::select(DPORTS),
        prop::sample::select(SPORTS),
        prop_oneof![Just((8u16, 0u16)), Just((0, 0)), Just((3, 4))],
        any::<bool>(),
    )
        .prop_map(|(src, dst, proto, dport, sport, icmp, internet_host)| FlowSpec {
            src,
            dst,
            proto,
            dport,
            sport,
            icmp,
            internet_host,
        })
}

/// The places of a flow spec: instance `i` when it exists, else the internet.
fn endpoints(ev: &Evaluator<'_>, spec: &Spec, f: &FlowSpec) -> Option<(Place, Place)> {
    let host: std::net::IpAddr =
        if f.internet_host { "203.0.113.7".parse().ok()? } else { "198.51.100.9".parse().ok()? };
    let pick = |i: usize| {
        if i < spec.instances.len() {
            ev.resolve(&format!("aws_instance.i{i}"), None).ok().map(|mut e| e.places.remove(0))
        } else {
            Some(ev.internet_place(Some(host)))
        }
    };
    let (src, dst) = (pick(f.src)?, pick(f.dst)?);
    (src.name != dst.name && !(src.is_internet() && dst.is_internet())).then_some((src, dst))
}

fn packet(src: &Place, dst: &Place, f: &FlowSpec) -> Option<Packet> {
    let s = src.addrs.v4.first()?;
    let d = dst.addrs.v4.first()?;
    let (proto, a, b) = match PROTOS[f.proto] {
        "tcp" => (Protocol::TCP, f.sport, f.dport),
        "udp" => (Protocol::UDP, f.sport, f.dport),
        _ => (Protocol::ICMP, f.icmp.0, f.icmp.1),
    };
    Some(Packet::new(proto, std::net::IpAddr::V4(s.into()), std::net::IpAddr::V4(d.into()), a, b))
}

/// The reference's verdict over every port a NAT gateway may pick.
fn reference_verdict(ev: &Evaluator<'_>, src: &Place, dst: &Place, p: Packet) -> Option<RefOutcome> {
    let mut unknown = None;
    for &port in NAT_PORTS.iter().filter(|&&p| p >= 1024) {
        match reference(ev, src, dst, p, port) {
            RefOutcome::Unsupported(_) => return None,
            d @ RefOutcome::Drop { .. } => return Some(d),
            u @ RefOutcome::Unknown { .. } => unknown = Some(u),
            RefOutcome::Pass => {}
        }
    }
    Some(unknown.unwrap_or(RefOutcome::Pass))
}

fn set_verdict(reach: &super::Reach, p: &Packet) -> &'static str {
    if reach.failed.contains(p) {
        "drop"
    } else if reach.undetermined.contains(p) {
        "unknown"
    } else if reach.passed.contains(p) {
        "pass"
    } else {
        "missing"
    }
}

fn ref_kind(r: &RefOutcome) -> &'static str {
    match r {
        RefOutcome::Pass => "pass",
        RefOutcome::Drop { .. } => "drop",
        RefOutcome::Unknown { .. } => "unknown",
        RefOutcome::Unsupported(_) => "unsupported",
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// One packet at a time: the set evaluator and the reference agree.
    #[test]
    fn set_evaluator_agrees_with_reference(spec in spec(), flows in prop::collection::vec(flow_spec(), 1..6)) {
        let net = build(&spec);
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        for f in &flows {
            let Some((src, dst)) = endpoints(&ev, &spec, f) else { continue };
            let Some(p) = packet(&src, &dst, f) else { continue };
            let Some(expected) = reference_verdict(&ev, &src, &dst, p) else { continue };
            let set = PacketSet::from_match(&super::sets::PacketMatch {
                protocols: p.protocol.set(),
                src: super::sets::IpSet::from_addr(p.src),
                dst: super::sets::IpSet::from_addr(p.dst),
                a: PortSet::single(p.a),
                b: PortSet::single(p.b),
            });
            let reach = ev.reach(&src, &dst, &set);
            prop_assert_eq!(set_verdict(&reach, &p), ref_kind(&expected), "{} -> {}: {} (reference {:?}); leaves {:?}", src.name, dst.name, p, expected,
                reach.leaves.iter().map(|l| (l.outcome, l.stage, l.leg, l.reason.clone())).collect::<Vec<_>>());
        }
    }

    /// A whole flow evaluated as one set agrees with the reference on sampled packets.
    #[test]
    fn set_results_agree_with_reference_on_samples(spec in spec(), f in flow_spec(), samples in prop::collection::vec((prop::sample::select(SPORTS), prop::sample::select(DPORTS)), 8)) {
        let net = build(&spec);
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        let Some((src, dst)) = endpoints(&ev, &spec, &f) else { return Ok(()) };
        let Some(p0) = packet(&src, &dst, &f) else { return Ok(()) };
        let request = PacketSet::from_match(&super::sets::PacketMatch {
            protocols: Protocol::TCP.set().union(&Protocol::UDP.set()),
            src: super::sets::IpSet::from_addr(p0.src),
            dst: super::sets::IpSet::from_addr(p0.dst),
            a: PortSet::range(1024, 65535),
            ..super::sets::PacketMatch::all()
        });
        let reach = ev.reach(&src, &dst, &request);
        for (sport, dport) in samples {
            for proto in [Protocol::TCP, Protocol::UDP] {
                let p = Packet::new(proto, p0.src, p0.dst, sport, dport);
                let Some(expected) = reference_verdict(&ev, &src, &dst, p) else { continue };
                prop_assert_eq!(set_verdict(&reach, &p), ref_kind(&expected), "{} -> {}: {} (reference {:?})", src.name, dst.name, p, expected);
            }
        }
    }

    /// Adding a NACL deny rule never adds reachability.
    #[test]
    fn nacl_deny_never_adds_reachability(spec in spec(), f in flow_spec(), subnet in 0usize..4, number in 1i64..40, proto in 0..PROTOS.len(), ports in 0..PORTS.len(), cidr in 0..CIDRS.len(), egress in any::<bool>()) {
        let net = build(&spec);
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        let Some((src, dst)) = endpoints(&ev, &spec, &f) else { return Ok(()) };
        let all = PacketSet::all();
        let before = ev.reach(&src, &dst, &all).passed;
        let mut denied = net.clone();
        let Some(sub) = denied.find(&format!("aws_subnet.s{}", subnet.min(if spec.two_vpcs { 3 } else { 1 }))) else { return Ok(()) };
        let Some(acl) = (match &denied.res(sub).obj { Object::Subnet(x) => x.nacl.res(), _ => None }) else { return Ok(()) };
        if let Object::NetworkAcl(a) = &mut denied.resources[acl.index()].obj {
            let list = if egress { &mut a.egress } else { &mut a.ingress };
            if let Val::Known(rules) = list {
                // A new rule only: replacing an existing rule of that number (a deny by another
                // deny) may of course open what the old one closed.
                if rules.iter().any(|r| r.number == known(number * 5)) {
                    return Ok(());
                }
                rules.push(crate::model::NaclRule {
                    source: acl,
                    number: known(number * 5),
                    allow: known(false),
                    protocol: known(PROTOS[proto].into()),
                    from_port: known(PORTS[ports].0),
                    to_port: known(PORTS[ports].1),
                    icmp_type: known(-1),
                    icmp_code: known(-1),
                    cidr: known(CIDRS[cidr].parse().unwrap()),
                });
            }
        }
        let ev2 = Evaluator::new(&denied, s.clone());
        let after = ev2.reach(&src, &dst, &all).passed;
        prop_assert!(after.is_subset(&before), "{} -> {}: gained {}", src.name, dst.name, after.difference(&before));
    }

    /// Removing a route that no other route overlaps never adds reachability (its destinations
    /// lose their route; a route that shadows a broader one may of course add reachability when
    /// removed, e.g. a blackhole).
    #[test]
    fn removing_an_unshadowed_route_never_adds_reachability(spec in spec(), f in flow_spec(), table in 0usize..4, which in 0usize..4) {
        let net = build(&spec);
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        let Some((src, dst)) = endpoints(&ev, &spec, &f) else { return Ok(()) };
        let all = PacketSet::all();
        let before = ev.reach(&src, &dst, &all).passed;
        let mut cut = net.clone();
        let Some(t) = cut.find(&format!("aws_route_table.t{table}")) else { return Ok(()) };
        let vpc_nets: Vec<ipnet::IpNet> = vec!["10.0.0.0/16".parse().unwrap(), "10.1.0.0/16".parse().unwrap()];
        if let Object::RouteTable(rt) = &mut cut.resources[t.index()].obj && let Val::Known(routes) = &mut rt.routes {
            if routes.is_empty() { return Ok(()) }
            let i = which % routes.len();
            let net_of = |r: &crate::model::Route| match &r.dest { crate::model::Destination::V4(Val::Known(n)) => Some(ipnet::IpNet::V4(*n)), _ => None };
            let Some(n) = net_of(&routes[i]) else { return Ok(()) };
            let overlaps = |m: &ipnet::IpNet| m.contains(&n.network()) || n.contains(&m.network());
            let shadowed = routes.iter().enumerate().any(|(j, r)| j != i && net_of(r).is_some_and(|m| overlaps(&m))) || vpc_nets.iter().any(overlaps);
            if shadowed { return Ok(()) }
            routes.remove(i);
        }
        let ev2 = Evaluator::new(&cut, s.clone());
        let after = ev2.reach(&src, &dst, &all).passed;
        prop_assert!(after.is_subset(&before), "{} -> {}: gained {}", src.name, dst.name, after.difference(&before));
    }

    /// Longest prefix wins: of the routes matching an address, the one chosen is the longest.
    #[test]
    fn longest_prefix_wins(prefixes in prop::collection::btree_set(8u8..=28, 1..6), host in any::<u32>()) {
        let mut b = NetBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let igw = b.igw("aws_internet_gateway.main", vpc);
        let t = b.table("aws_route_table.t", vpc);
        let addr = std::net::Ipv4Addr::from(0xCB00_0000u32 | (host & 0x00FF_FFFF));
        for len in &prefixes {
            let net = ipnet::Ipv4Net::new(addr, *len).unwrap().trunc();
            b.route(t, &net.to_string(), TargetKind::Gateway, to(igw));
        }
        let net = b.build();
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        let table = ev.table(t).unwrap();
        let set = PacketSet::from_match(&super::sets::PacketMatch { dst: super::sets::IpSet::from_addr(addr.into()), ..super::sets::PacketMatch::all() });
        let lookup = table.lookup(&set, &ev.services, &ev.known_cidrs, true);
        prop_assert_eq!(lookup.hits.len(), 1);
        let chosen = &table.entries[lookup.hits[0].0];
        prop_assert_eq!(chosen.prefix, *prefixes.iter().max().unwrap());
    }
}

// ---- all pairs ---------------------------------------------------------------------------------

fn assert_all_pairs_agree(net: &Network) {
    let s = settings();
    let ev = Evaluator::new(net, s.clone());
    let ap = ev.all_pairs();
    let bad = super::allpairs::tests::disagreements(&ev, &ap);
    assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.join("\n"));
}

/// `all_pairs` agrees with `reach` on the hand-built scenarios.
#[test]
fn all_pairs_agrees_with_reach_on_the_scenarios() {
    let (b, _) = two_tier();
    assert_all_pairs_agree(&b.build());
    for flag in [false, true] {
        assert_all_pairs_agree(&peered(flag));
        assert_all_pairs_agree(&tgw_net(flag));
        assert_all_pairs_agree(&central_egress(flag));
        assert_all_pairs_agree(&appliance_net(flag, flag));
        assert_all_pairs_agree(&appliance_net(flag, !flag));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, .. ProptestConfig::default() })]

    /// On the reference property's random networks (instances aside), `all_pairs` agrees with
    /// `reach` on every pair.
    #[test]
    fn all_pairs_agrees_with_reach_on_random_networks(spec in spec()) {
        assert_all_pairs_agree(&build(&spec));
    }
}
