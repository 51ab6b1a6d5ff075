//! `all_pairs` agrees exactly with `reach` on every pair: random estates (several VPCs, shared
//! route tables and NACLs, subnet-aligned and partial NACL CIDRs, IGW, NAT, peering, transit
//! gateway, appliances, blackholes, overlapping VPCs), and the hand-built scenarios.

use proptest::prelude::*;

use super::super::testnet::{NetBuilder, known, to};
use super::{AllPairs, End};
use crate::eval::EvalSettings;
use crate::eval::sets::PacketSet;
use crate::eval::{Evaluator, Place};
use crate::model::{Link, Network, ResId, TargetKind};

fn settings() -> EvalSettings {
    EvalSettings::default()
}

/// Every pair's verdict and sets against `reach`; the mismatches, described.
pub(crate) fn disagreements(ev: &Evaluator<'_>, ap: &AllPairs) -> Vec<String> {
    let all = PacketSet::all();
    let place = |e: End| -> &Place {
        match e {
            End::Subnet(i) => &ap.subnets()[i],
            End::Internet => ap.internet(),
        }
    };
    let mut out = Vec::new();
    let mut seen = 0;
    for (from, to) in ap.pairs() {
        seen += 1;
        let (x, y) = (place(from), place(to));
        let r = ev.reach(x, y, &all);
        let Some(o) = ap.outcome(from, to) else {
            out.push(format!("{} -> {}: no outcome", x.name, y.name));
            continue;
        };
        if o.verdict != r.verdict() || o.passed != r.passed || o.failed != r.failed || o.undetermined != r.undetermined
        {
            out.push(format!(
                "{} -> {}: all_pairs {:?} passed {} failed {} undetermined {}; reach {:?} passed {} failed {} undetermined {}",
                x.name,
                y.name,
                o.verdict,
                o.passed,
                o.failed,
                o.undetermined,
                r.verdict(),
                r.passed,
                r.failed,
                r.undetermined
            ));
        }
    }
    let n = ap.subnets().len();
    if seen != n * n + n {
        out.push(format!("{seen} pairs for {n} subnets"));
    }
    let c = ap.counts();
    if c.reachable + c.unreachable + c.indeterminate != seen {
        out.push(format!("counts {c:?} for {seen} pairs"));
    }
    out
}

fn check(net: &Network) -> AllPairs {
    let s = settings();
    let ev = Evaluator::new(net, s.clone());
    let ap = ev.all_pairs();
    let bad = disagreements(&ev, &ap);
    assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.join("\n"));
    ap
}

// ---- random estates ----------------------------------------------------------------------

const AZS: &[&str] = &["us-east-1a", "us-east-1b"];
const PORTS: &[(i64, i64)] = &[(0, 65535), (443, 443), (1024, 65535), (32768, 60999), (22, 22)];
const PROTOS: &[&str] = &["-1", "tcp", "udp", "icmp"];

#[derive(Debug, Clone)]
struct RuleSpec {
    number: i64,
    allow: bool,
    proto: usize,
    ports: usize,
    /// Index into the estate's CIDR menu.
    cidr: usize,
}

#[derive(Debug, Clone)]
struct SubnetSpec {
    /// Third octet; `half` makes it a /25.
    octet: u8,
    half: bool,
    az: usize,
    public: bool,
    table: usize,
    acl: usize,
}

#[derive(Debug, Clone)]
struct TableSpec {
    /// 0 none, 1 IGW, 2 NAT, 3 appliance, 4 TGW.
    default: u8,
    /// Route to the other VPCs' CIDRs: 0 none, 1 peering, 2 TGW, 3 blackhole.
    others: u8,
    /// A whole-subnet route (to subnet `.0` of the VPC) through the NAT or the appliance.
    subnet_route: Option<(usize, bool)>,
}

#[derive(Debug, Clone)]
struct VpcSpec {
    subnets: Vec<SubnetSpec>,
    tables: Vec<TableSpec>,
    /// Custom NACLs (`None`: the VPC's default NACL).
    acls: Vec<Option<(Vec<RuleSpec>, Vec<RuleSpec>)>>,
    igw: bool,
    /// NAT gateway in subnet `i`.
    nat: Option<usize>,
    /// Appliance instance in subnet `i`, source/dest check.
    appliance: Option<(usize, bool)>,
    /// TGW attachment subnets (indexes).
    tgw_subnets: Vec<usize>,
}

#[derive(Debug, Clone)]
struct EstateSpec {
    vpcs: Vec<VpcSpec>,
    /// The last VPC reuses the first one's CIDR.
    overlap: bool,
    peering: Option<bool>,
    tgw_blackhole: bool,
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    (1i64..12, prop::bool::weighted(0.7), 0..PROTOS.len(), 0..PORTS.len(), 0usize..32)
        .prop_map(|(n, allow, proto, ports, cidr)| RuleSpec { number: n * 10, allow, proto, ports, cidr })
}

fn rules() -> impl Strategy<Value = Vec<RuleSpec>> {
    (prop::collection::vec(rule(), 0..4), prop::bool::weighted(0.6)).prop_map(|(mut rules, open)| {
        if open {
            rules.push(RuleSpec { number: 500, allow: true, proto: 0, ports: 0, cidr: 0 });
        }
        rules
    })
}

fn vpc() -> impl Strategy<Value = VpcSpec> {
    let subnet = (0u8..4, prop::bool::weighted(0.15), 0..AZS.len(), any::<bool>(), 0usize..2, 0usize..3)
        .prop_map(|(octet, half, az, public, table, acl)| SubnetSpec { octet, half, az, public, table, acl });
    let table = (0u8..5, 0u8..4, prop::option::weighted(0.15, (0usize..4, any::<bool>())))
        .prop_map(|(default, others, subnet_route)| TableSpec { default, others, subnet_route });
    (
        prop::collection::vec(subnet, 1..5),
        prop::collection::vec(table, 2),
        prop::collection::vec(prop::option::weighted(0.6, (rules(), rules())), 2),
        prop::bool::weighted(0.7),
        prop::option::weighted(0.5, 0usize..4),
        prop::option::weighted(0.2, (0usize..4, prop::bool::weighted(0.3))),
        prop::collection::vec(0usize..4, 0..3),
    )
        .prop_map(|(subnets, tables, acls, igw, nat, appliance, tgw_subnets)| VpcSpec {
            subnets,
            tables,
            acls,
            igw,
            nat,
            appliance,
            tgw_subnets,
        })
}

fn estate() -> impl Strategy<Value = EstateSpec> {
    (prop::collection::vec(vpc(), 1..4), prop::bool::weighted(0.1), prop::option::of(any::<bool>()), any::<bool>())
        .prop_map(|(vpcs, overlap, peering, tgw_blackhole)| EstateSpec { vpcs, overlap, peering, tgw_blackhole })
}

fn build(spec: &EstateSpec) -> Network {
    let mut b = NetBuilder::new();
    let n = spec.vpcs.len();
    let octet = |v: usize| if spec.overlap && n > 1 && v == n - 1 { 0 } else { v };
    let vpcs: Vec<ResId> =
        (0..n).map(|v| b.vpc(&format!("aws_vpc.v{v}"), &format!("10.{}.0.0/16", octet(v)))).collect();
    // The CIDR menu of NACL rules: the world, RFC 1918, each VPC, each possible subnet, halves.
    let mut menu: Vec<String> = vec!["0.0.0.0/0".into(), "10.0.0.0/8".into(), "203.0.113.0/24".into()];
    for v in 0..n {
        menu.push(format!("10.{}.0.0/16", octet(v)));
        for o in 0..4 {
            menu.push(format!("10.{}.{o}.0/24", octet(v)));
            menu.push(format!("10.{}.{o}.128/25", octet(v)));
        }
    }
    let tgw = spec.vpcs.iter().any(|v| !v.tgw_subnets.is_empty()).then(|| b.tgw("aws_ec2_transit_gateway.hub", true));
    let pcx = match spec.peering {
        Some(accepted) if n > 1 => Some(b.pcx("aws_vpc_peering_connection.p", vpcs[0], vpcs[1], accepted)),
        _ => None,
    };
    let mut subnets_of: Vec<Vec<ResId>> = Vec::new();
    for (v, vs) in spec.vpcs.iter().enumerate() {
        let vpc = vpcs[v];
        let mut subnets = Vec::new();
        let mut used = std::collections::BTreeSet::new();
        for (i, s) in vs.subnets.iter().enumerate() {
            if !used.insert(s.octet) {
                continue;
            }
            let cidr = format!("10.{}.{}.0/{}", octet(v), s.octet, if s.half { 25 } else { 24 });
            let id = b.subnet(&format!("aws_subnet.v{v}_{i}"), vpc, &cidr, AZS[s.az], s.public);
            subnets.push((id, s));
        }
        let ids: Vec<ResId> = subnets.iter().map(|(id, _)| *id).collect();
        let pick = |i: usize| ids.get(i % ids.len().max(1)).copied();
        let igw = vs.igw.then(|| b.igw(&format!("aws_internet_gateway.v{v}"), vpc));
        let nat = vs.nat.and_then(pick).map(|s| {
            let ip = format!("10.{}.{}.9", octet(v), ipv4_octet(&b.net, s));
            b.nat(&format!("aws_nat_gateway.v{v}"), s, &ip, true)
        });
        let appliance = vs.appliance.and_then(|(i, sdc)| pick(i).map(|s| (s, sdc))).map(|(s, sdc)| {
            let g = b.sg(&format!("aws_security_group.fw{v}"), vpc);
            let open = |g| {
                super::super::testnet::sg_rule(
                    g,
                    "-1",
                    0,
                    0,
                    crate::model::SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap())),
                )
            };
            b.sg_add(g, false, open(g));
            b.sg_add(g, true, open(g));
            let ip = format!("10.{}.{}.10", octet(v), ipv4_octet(&b.net, s));
            b.instance(&format!("aws_instance.fw{v}"), s, &[g], false, &ip, sdc)
        });
        if let Some(t) = tgw {
            let mut atts: Vec<ResId> = vs.tgw_subnets.iter().filter_map(|&i| pick(i)).collect();
            atts.sort();
            atts.dedup();
            if !atts.is_empty() {
                b.tgw_attach(&format!("aws_ec2_transit_gateway_vpc_attachment.v{v}"), t, vpc, &atts);
            }
        }
        let mut tables = Vec::new();
        for (t, ts) in vs.tables.iter().enumerate() {
            let table = b.table(&format!("aws_route_table.v{v}_{t}"), vpc);
            let default = "0.0.0.0/0";
            match ts.default {
                1 => {
                    if let Some(g) = igw {
                        b.route(table, default, TargetKind::Gateway, to(g));
                    }
                }
                2 => {
                    if let Some(g) = nat {
                        b.route(table, default, TargetKind::NatGateway, to(g));
                    }
                }
                3 => {
                    if let Some(g) = appliance {
                        b.route(table, default, TargetKind::Instance, to(g));
                    }
                }
                4 => {
                    if let Some(g) = tgw {
                        b.route(table, default, TargetKind::TransitGateway, to(g));
                    }
                }
                _ => {}
            }
            for w in (0..n).filter(|&w| w != v && octet(w) != octet(v)) {
                let dest = format!("10.{}.0.0/16", octet(w));
                match (ts.others, pcx) {
                    (1, Some(p)) if w < 2 && v < 2 => b.route(table, &dest, TargetKind::Peering, to(p)),
                    (2, _) => {
                        if let Some(g) = tgw {
                            b.route(table, &dest, TargetKind::TransitGateway, to(g));
                        }
                    }
                    (3, _) => {
                        let gone = b.net.find("aws_internet_gateway.gone").unwrap_or(vpc);
                        b.route(table, &dest, TargetKind::NatGateway, Link::Missing(gone));
                    }
                    _ => {}
                }
            }
            if let Some((i, via_nat)) = ts.subnet_route
                && let Some(s) = pick(i)
            {
                let cidr = format!("10.{}.{}.0/24", octet(v), ipv4_octet(&b.net, s));
                match (via_nat, nat, appliance) {
                    (true, Some(g), _) => b.route(table, &cidr, TargetKind::NatGateway, to(g)),
                    (false, _, Some(g)) => b.route(table, &cidr, TargetKind::Instance, to(g)),
                    _ => {}
                }
            }
            tables.push(table);
        }
        let mut acls = Vec::new();
        for (a, spec_acl) in vs.acls.iter().enumerate() {
            let Some((ingress, egress)) = spec_acl else {
                acls.push(None);
                continue;
            };
            let acl = b.nacl(&format!("aws_network_acl.v{v}_{a}"), vpc);
            for (eg, rules) in [(false, ingress), (true, egress)] {
                let mut used = std::collections::BTreeSet::new();
                for r in rules {
                    if !used.insert(r.number) {
                        continue;
                    }
                    let proto = PROTOS[r.proto];
                    let icmp = if proto == "icmp" { (-1, -1) } else { (0, 0) };
                    let cidr = &menu[r.cidr % menu.len()];
                    b.nacl_rule(acl, eg, r.number, r.allow, proto, PORTS[r.ports], icmp, cidr);
                }
            }
            acls.push(Some(acl));
        }
        for (id, s) in &subnets {
            if let Some(&t) = tables.get(s.table) {
                b.associate(*id, t);
            }
            if let Some(Some(a)) = acls.get(s.acl) {
                b.use_nacl(*id, *a);
            }
        }
        subnets_of.push(ids);
    }
    if spec.tgw_blackhole
        && let Some(t) = tgw
        && let Some(table) = b.net.find(&format!("{}:default_route_table", b.net.name(t)))
    {
        b.tgw_route("aws_ec2_transit_gateway_route.drop", table, "10.1.1.0/24", None);
    }
    let _ = subnets_of;
    b.build()
}

/// The third octet of a test subnet's CIDR.
fn ipv4_octet(net: &Network, subnet: ResId) -> u8 {
    match &net.res(subnet).obj {
        crate::model::Object::Subnet(s) => s.cidr_v4.known().map_or(0, |c| c.network().octets()[2]),
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, .. ProptestConfig::default() })]

    /// On random estates, `all_pairs` gives every pair exactly what `reach` gives.
    #[test]
    fn all_pairs_agrees_with_reach(spec in estate()) {
        let net = build(&spec);
        let s = settings();
        let ev = Evaluator::new(&net, s.clone());
        let ap = ev.all_pairs();
        let bad = disagreements(&ev, &ap);
        prop_assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.join("\n"));
    }
}

/// Many alike subnets: the classes must be shared (few `reach` calls), and still exact.
#[test]
fn alike_subnets_share_classes() {
    let mut b = NetBuilder::new();
    let tgw = b.tgw("aws_ec2_transit_gateway.hub", true);
    for v in 0..4 {
        let vpc = b.vpc(&format!("aws_vpc.v{v}"), &format!("10.{v}.0.0/16"));
        let table = b.table(&format!("aws_route_table.v{v}"), vpc);
        b.route(table, "10.0.0.0/8", TargetKind::TransitGateway, to(tgw));
        let mut atts = Vec::new();
        for i in 0..6 {
            let s = b.subnet(&format!("aws_subnet.v{v}_{i}"), vpc, &format!("10.{v}.{i}.0/24"), AZS[i % 2], false);
            b.associate(s, table);
            if i < 2 {
                atts.push(s);
            }
        }
        b.tgw_attach(&format!("aws_ec2_transit_gateway_vpc_attachment.v{v}"), tgw, vpc, &atts);
    }
    let ap = check(&b.build());
    let stats = ap.stats();
    assert_eq!(stats.pairs, 24 * 24 + 24);
    assert_eq!(stats.alone, 48, "{stats:?}");
    assert!(stats.classes < 60, "{stats:?}");
}
