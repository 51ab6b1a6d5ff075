//! VPC route tables: which table a subnet uses, the synthesized local routes, longest prefix
//! match and the priority of ties (docs/semantics.md §1).
//!
//! * A subnet uses its explicit association, else the VPC's main table (`lower` resolves both,
//!   including `aws_main_route_table_association` and `aws_default_route_table` adoption, §1.1).
//! * Every table holds a `local` route for each VPC CIDR, IPv4 (primary and secondary) and IPv6
//!   (§1.2); plans never show it, so it is added here.
//! * Longest prefix first; IPv4 and IPv6 never match each other; on equal prefixes static routes
//!   beat prefix-list routes, which beat propagated (VGW) routes (§1.3, §1.4). Two prefix-list
//!   routes for the same block to different targets are ambiguous: undetermined.
//! * A route inside the VPC's CIDR is only valid for a whole subnet CIDR (or the VPC CIDR, the
//!   "replace local target" case) to a NAT gateway, network interface or GWLB endpoint (§1.3);
//!   anything else is ignored, as AWS refuses it, and `local` serves the traffic.
//! * Gateway endpoints add `pl-… → vpce-…` to each associated table (§1.5); the prefix list is the
//!   service's symbolic block (see `addr`), so it beats `0.0.0.0/0`, while a public CIDR route that
//!   may cover the service's real ranges makes service-bound packets undetermined.
//! * VGW propagation installs the on-premises CIDRs the configuration declares (static VPN routes,
//!   `remote_ipv4_network_cidr`); a BGP VPN may announce more, so destinations outside every known
//!   CIDR that such a table would send to the VGW, or has no route for, or that are private and
//!   not known, are undetermined (issue 3).
//! * Blackholes: a target this plan destroys (`Link::Missing`) or a route AWS reports as
//!   `blackhole` drops traffic (§1.6, RA `BAD_STATE_ROUTE`); a target outside the input is
//!   external, hence undetermined, never a blackhole.

use std::collections::HashMap;

use ipnet::IpNet;

use super::addr::{ServiceOverlap, Services, private_space, service_overlap};
use super::sets::{Family, IpSet, PacketSet};
use crate::model::{Destination, Link, Network, Object, ResId, Route, TargetKind, Val};

/// Where a matching packet goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The VPC's local route.
    Local,
    /// An internet gateway.
    Igw(ResId),
    /// A virtual private gateway.
    Vgw(ResId),
    /// A NAT gateway.
    Nat(ResId),
    /// An egress-only internet gateway.
    Eigw(ResId),
    /// An instance or network interface (appliance).
    Eni(ResId),
    /// A transit gateway.
    Tgw(ResId),
    /// A VPC peering connection.
    Pcx(ResId),
    /// A Gateway Load Balancer endpoint.
    GwlbEndpoint(ResId),
    /// A gateway endpoint (S3, DynamoDB) through its prefix-list route.
    GatewayEndpoint(ResId),
    /// Drops the traffic (why).
    Blackhole(String),
    /// Cannot be decided (why).
    Undetermined(String),
}

/// Priority among routes with the same prefix (lower wins).
const RANK_STATIC: u8 = 0;
const RANK_LOCAL: u8 = 1;
const RANK_PREFIX_LIST: u8 = 2;
const RANK_PROPAGATED_STATIC: u8 = 3;
const RANK_PROPAGATED_BGP: u8 = 4;

/// One route (a prefix-list route becomes one entry per block).
#[derive(Debug, Clone)]
pub(crate) struct RouteEntry {
    /// The destination block.
    pub dest: IpSet,
    /// Its prefix length (16 for a service's symbolic block).
    pub prefix: u8,
    /// Family.
    pub family: Family,
    /// Tie priority.
    pub rank: u8,
    /// Where it sends packets.
    pub target: Target,
    /// `0.0.0.0/0 -> aws_nat_gateway.main`.
    pub text: String,
}

/// A route that may or may not be in a table.
#[derive(Debug, Clone)]
pub(crate) struct MaybeDest {
    /// Its destination.
    pub dest: IpSet,
    /// Its prefix length.
    pub prefix: u8,
    /// Its family.
    pub family: Family,
    /// It may be more specific than the local route (NAT, ENI, endpoint targets).
    pub over_local: bool,
    /// Why it may be here.
    pub why: String,
}

/// A compiled route table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Routes, by family, longest prefix first, then rank.
    pub entries: Vec<RouteEntry>,
    /// Routes with an unknown destination: (family, why, may override local).
    pub maybe_all: Vec<(Family, String, bool)>,
    /// Packets to these service blocks are undetermined (why).
    pub maybe_services: Vec<(IpSet, String)>,
    /// Routes that may or may not be in this table (a separate `aws_route` whose table could not
    /// be linked): packets they would win are undetermined.
    pub maybe_dests: Vec<MaybeDest>,
    /// The assumption IPv6 routes are taken under when the VPC's IPv6 block is unknown (the
    /// destination is outside it), stated in each such hop.
    pub v6_assumption: Option<String>,
    /// A BGP VPN propagates into the table (why).
    pub bgp: Option<String>,
    /// Routes the table lists that AWS would refuse (text, why), for messages.
    pub ignored: Vec<(String, String)>,
}

/// What the inputs of a table compile are.
pub(crate) struct RouteContext<'a> {
    pub net: &'a Network,
    pub services: &'a Services,
    /// Known CIDR blocks per VPC, and whether some block of a family is unknown.
    pub vpc_blocks: &'a HashMap<ResId, (Vec<IpNet>, bool, bool)>,
    /// Subnet CIDR blocks per VPC.
    pub subnet_blocks: &'a HashMap<ResId, Vec<IpNet>>,
    /// Gateway endpoints per table (known associations), and endpoints whose tables are unknown,
    /// per VPC.
    pub endpoints_by_table: &'a HashMap<ResId, Vec<ResId>>,
    pub endpoints_unknown_tables: &'a HashMap<ResId, Vec<ResId>>,
    /// VPN connections per VGW.
    pub vpn_by_vgw: &'a HashMap<ResId, Vec<ResId>>,
}

/// The result of a lookup.
#[derive(Debug, Default)]
pub(crate) struct Lookup {
    /// Parts and the entry (index) that routes them.
    pub hits: Vec<(usize, PacketSet)>,
    /// No route.
    pub none: PacketSet,
    /// Undetermined parts, with why.
    pub undetermined: Vec<(String, PacketSet)>,
}

/// Resolves a route's target link to a [`Target`].
pub(crate) fn resolve_target(net: &Network, kind: TargetKind, link: &Link, blackhole: bool) -> Target {
    if blackhole {
        return Target::Blackhole("AWS reports the route's state as blackhole".into());
    }
    match kind {
        TargetKind::Local => return Target::Local,
        TargetKind::LocalGateway | TargetKind::CarrierGateway | TargetKind::CoreNetwork => {
            return Target::Undetermined(format!("{kind:?} targets are not modelled"));
        }
        _ => {}
    }
    match link {
        Link::To(r, _) => target_of_resource(net, *r),
        Link::Missing(r) => Target::Blackhole(format!("the target {} is destroyed by this plan", net.name(*r))),
        Link::External(Some(id)) => Target::Undetermined(format!("the target {id} is outside the input")),
        Link::External(None) => Target::Undetermined("the target is outside the input".into()),
        Link::Unknown(why) => Target::Undetermined(format!("the target is not known until apply ({why})")),
        Link::Absent => Target::Undetermined("the route's target cannot be read".into()),
    }
}

fn target_of_resource(net: &Network, r: ResId) -> Target {
    match &net.res(r).obj {
        Object::InternetGateway(_) => Target::Igw(r),
        Object::EgressOnlyGateway(_) => Target::Eigw(r),
        Object::VpnGateway(_) => Target::Vgw(r),
        Object::GatewayAttachment(a) => match a.gateway.res() {
            Some(g) => target_of_resource(net, g),
            None => Target::Undetermined(format!("the gateway of {} is not known", net.name(r))),
        },
        Object::NatGateway(_) => Target::Nat(r),
        Object::Workload(_) => Target::Eni(r),
        Object::TransitGateway(_) => Target::Tgw(r),
        Object::Peering(_) => Target::Pcx(r),
        Object::PeeringAccepter(a) => match a.peering.res() {
            Some(p) => Target::Pcx(p),
            None => Target::Undetermined(format!("the peering connection of {} is not known", net.name(r))),
        },
        Object::Endpoint(e) => match e.kind {
            Val::Known(crate::model::EndpointKind::GatewayLoadBalancer) => Target::GwlbEndpoint(r),
            Val::Known(crate::model::EndpointKind::Gateway) => Target::GatewayEndpoint(r),
            _ => Target::Undetermined(format!("{} is not a Gateway Load Balancer endpoint", net.name(r))),
        },
        _ => Target::Undetermined(format!("{} is not a route target tfvpc models", net.name(r))),
    }
}

fn prefix_of(net: &IpNet) -> u8 {
    net.prefix_len()
}

fn family_of(net: &IpNet) -> Family {
    match net {
        IpNet::V4(_) => Family::V4,
        IpNet::V6(_) => Family::V6,
    }
}

/// AWS's IPv6 ranges where Amazon-provided VPC blocks come from (a dated hint from
/// ip-ranges.json, 2026: `2600:1f00::/24`, `2406:da00::/24`, `2a05:d000::/25`, with the
/// CloudFront and other Amazon blocks `2600:9000::/28`, `2a01:578::/32`, `2400:6500::/32`).
fn aws_v6_hint() -> IpSet {
    ["2600:1f00::/24", "2406:da00::/24", "2a05:d000::/25", "2600:9000::/28", "2a01:578::/32", "2400:6500::/32"]
        .iter()
        .filter_map(|n| n.parse::<IpNet>().ok())
        .fold(IpSet::empty(), |acc, n| acc.union(&IpSet::from_net(n)))
}

/// Compiles the table `res`.
pub(crate) fn compile(ctx: &RouteContext<'_>, res: ResId) -> Option<Table> {
    let net = ctx.net;
    let Object::RouteTable(t) = &net.res(res).obj else {
        return None;
    };
    let vpc = t.vpc.res();
    let mut table = Table::default();
    let (vpc_nets, v4_unknown, v6_unknown) = vpc.and_then(|v| ctx.vpc_blocks.get(&v)).cloned().unwrap_or_default();
    let subnet_nets = vpc.and_then(|v| ctx.subnet_blocks.get(&v)).cloned().unwrap_or_default();
    for n in &vpc_nets {
        table.entries.push(RouteEntry {
            dest: IpSet::from_net(*n),
            prefix: prefix_of(n),
            family: family_of(n),
            rank: RANK_LOCAL,
            target: Target::Local,
            text: format!("{n} -> local"),
        });
    }
    if vpc.is_none() {
        table.maybe_all.push((Family::V4, "the table's VPC is not known".into(), true));
        table.maybe_all.push((Family::V6, "the table's VPC is not known".into(), true));
    }
    if v4_unknown {
        table.maybe_all.push((Family::V4, "an IPv4 CIDR of the VPC is unknown until apply".into(), true));
    }
    if v6_unknown {
        let vpc_name = vpc.map_or("the VPC", |v| net.name(v));
        if vpc_nets.iter().any(|n| matches!(n, IpNet::V6(_))) {
            table.maybe_all.push((Family::V6, "the VPC's IPv6 CIDR is unknown until apply".into(), true));
        } else {
            // An Amazon-provided block lies in AWS's IPv6 ranges (a hint: ip-ranges.json lists
            // only some, and BYOIP may be anywhere): its local route may take packets there;
            // elsewhere the table decides, under an assumption every v6 route states.
            table.maybe_dests.push(MaybeDest {
                dest: aws_v6_hint(),
                prefix: 128,
                family: Family::V6,
                over_local: true,
                why: format!(
                    "{vpc_name}'s IPv6 block is unknown until apply and may hold this address (it lies in AWS's IPv6 ranges)"
                ),
            });
            table.v6_assumption = Some(format!(
                "assuming the destination is not in {vpc_name}'s IPv6 block (unknown until apply): it lies outside AWS's IPv6 ranges"
            ));
        }
    }
    match &t.routes {
        Val::Known(routes) => {
            for r in routes {
                add_route(ctx, &mut table, r, &vpc_nets, &subnet_nets);
            }
        }
        _ => {
            // The local route always exists; other routes are unknown (an existing table).
            let why = format!("the routes of {} are not in the input", net.name(res));
            table.maybe_all.push((Family::V4, why.clone(), false));
            table.maybe_all.push((Family::V6, why, false));
        }
    }
    // Gateway endpoint routes.
    for &e in ctx.endpoints_by_table.get(&res).map(Vec::as_slice).unwrap_or_default() {
        let Object::Endpoint(ep) = &net.res(e).obj else { continue };
        match ep.service.known() {
            Some(service) => table.entries.push(RouteEntry {
                dest: ctx.services.block(service),
                prefix: 16,
                family: Family::V4,
                rank: RANK_PREFIX_LIST,
                target: Target::GatewayEndpoint(e),
                text: format!("prefix list of {service} -> {}", net.name(e)),
            }),
            None => table.maybe_services.push((
                ctx.services.all_blocks().clone(),
                format!("the service of {} is not known until apply", net.name(e)),
            )),
        }
    }
    if let Some(v) = vpc {
        for &e in ctx.endpoints_unknown_tables.get(&v).map(Vec::as_slice).unwrap_or_default() {
            let Object::Endpoint(ep) = &net.res(e).obj else { continue };
            let blocks =
                ep.service.known().map_or_else(|| ctx.services.all_blocks().clone(), |s| ctx.services.block(s));
            table
                .maybe_services
                .push((blocks, format!("the route tables of {} are not known until apply", net.name(e))));
        }
    }
    // Propagated VGW routes.
    for vgw in &t.propagating_vgws {
        match vgw {
            Link::To(g, _) => {
                let conns = ctx.vpn_by_vgw.get(g).map(Vec::as_slice).unwrap_or_default();
                if conns.is_empty() {
                    table.bgp = Some(format!(
                        "{} propagates routes from VPN connections that are not in the input",
                        net.name(*g)
                    ));
                }
                for &c in conns {
                    let Object::VpnConnection(vc) = &net.res(c).obj else { continue };
                    let bgp = vc.static_routes_only != Val::Known(true);
                    if bgp {
                        table.bgp = Some(format!(
                            "{} (BGP) may announce routes the configuration does not declare",
                            net.name(c)
                        ));
                    }
                    for cidr in &vc.remote_cidrs {
                        match cidr {
                            Val::Known(n) => table.entries.push(RouteEntry {
                                dest: IpSet::from_net(*n),
                                prefix: prefix_of(n),
                                family: family_of(n),
                                rank: if bgp { RANK_PROPAGATED_BGP } else { RANK_PROPAGATED_STATIC },
                                target: Target::Vgw(*g),
                                text: format!("{n} -> {} (propagated from {})", net.name(*g), net.name(c)),
                            }),
                            _ => {
                                table.bgp =
                                    Some(format!("an on-premises CIDR of {} is unknown until apply", net.name(c)))
                            }
                        }
                    }
                }
            }
            other => {
                let why = match other {
                    Link::External(Some(id)) => format!("routes propagated from {id} (outside the input)"),
                    _ => "routes propagated from a VPN gateway that is not known until apply".into(),
                };
                table.bgp = Some(why);
            }
        }
    }
    // Routes that may belong here: compiled like the others, kept apart.
    for (r, why) in t.maybe_routes.iter().map(|m| &**m) {
        let over_local = matches!(
            r.target_kind,
            TargetKind::NatGateway | TargetKind::NetworkInterface | TargetKind::Instance | TargetKind::VpcEndpoint
        );
        // The common case without the formatting of a full route: a known destination.
        let known = match &r.dest {
            Destination::V4(Val::Known(n)) => Some(IpNet::V4(*n)),
            Destination::V6(Val::Known(n)) => Some(IpNet::V6(*n)),
            _ => None,
        };
        if let Some(n) = known {
            table.maybe_dests.push(MaybeDest {
                dest: IpSet::from_net(n),
                prefix: prefix_of(&n),
                family: family_of(&n),
                over_local,
                why: why.clone(),
            });
            continue;
        }
        let mut alone = Table::default();
        add_route(ctx, &mut alone, r, &vpc_nets, &subnet_nets);
        for e in alone.entries {
            table.maybe_dests.push(MaybeDest {
                dest: e.dest,
                prefix: e.prefix,
                family: e.family,
                over_local,
                why: why.clone(),
            });
        }
        table.maybe_all.extend(alone.maybe_all.into_iter().map(|(f, _, o)| (f, why.clone(), o)));
        table.maybe_services.extend(alone.maybe_services.into_iter().map(|(b, _)| (b, why.clone())));
    }
    table.maybe_dests = merge_maybe(std::mem::take(&mut table.maybe_dests));
    table.entries.sort_by(|a, b| {
        (a.family, std::cmp::Reverse(a.prefix), a.rank).cmp(&(b.family, std::cmp::Reverse(b.prefix), b.rank))
    });
    Some(table)
}

/// Routes that may be in a table, one per (family, prefix, may override local): the lookup
/// splits once per group instead of once per route (50 unplaced peering routes in a large estate).
fn merge_maybe(list: Vec<MaybeDest>) -> Vec<MaybeDest> {
    let mut groups: Vec<(MaybeDest, usize)> = Vec::new();
    for m in list {
        match groups
            .iter_mut()
            .find(|(g, _)| g.family == m.family && g.prefix == m.prefix && g.over_local == m.over_local)
        {
            Some((g, n)) => {
                g.dest = g.dest.union(&m.dest);
                *n += 1;
            }
            None => groups.push((m, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(mut g, n)| {
            if n > 1 {
                g.why = format!("{} (and {} other routes whose table is not known)", g.why, n - 1);
            }
            g
        })
        .collect()
}

fn add_route(ctx: &RouteContext<'_>, table: &mut Table, r: &Route, vpc_nets: &[IpNet], subnet_nets: &[IpNet]) {
    let net = ctx.net;
    let target = resolve_target(net, r.target_kind, &r.target, r.state_blackhole);
    let target_name = match &target {
        Target::Local => "local".to_string(),
        Target::Igw(x)
        | Target::Vgw(x)
        | Target::Nat(x)
        | Target::Eigw(x)
        | Target::Eni(x)
        | Target::Tgw(x)
        | Target::Pcx(x)
        | Target::GwlbEndpoint(x)
        | Target::GatewayEndpoint(x) => net.name(*x).to_string(),
        Target::Blackhole(_) | Target::Undetermined(_) => match (&r.target, &r.target_id) {
            (Link::To(x, _) | Link::Missing(x), _) => net.name(*x).to_string(),
            (_, Some(id)) => id.clone(),
            _ => "(unknown target)".into(),
        },
    };
    let origin = if matches!(net.res(r.source).obj, Object::Route(_)) {
        format!(" ({})", net.name(r.source))
    } else {
        String::new()
    };
    let can_override_local = matches!(
        r.target_kind,
        TargetKind::NatGateway | TargetKind::NetworkInterface | TargetKind::Instance | TargetKind::VpcEndpoint
    );
    let nets: Vec<IpNet> = match &r.dest {
        Destination::V4(Val::Known(n)) => vec![IpNet::V4(*n)],
        Destination::V6(Val::Known(n)) => vec![IpNet::V6(*n)],
        Destination::V4(_) => {
            table.maybe_all.push((
                Family::V4,
                format!("a route's destination is unknown until apply{origin}"),
                can_override_local,
            ));
            return;
        }
        Destination::V6(_) => {
            table.maybe_all.push((
                Family::V6,
                format!("a route's destination is unknown until apply{origin}"),
                can_override_local,
            ));
            return;
        }
        Destination::PrefixList(link) => {
            match prefix_list_blocks(ctx, link) {
                PlBlocks::Nets(nets) => {
                    for n in nets {
                        table.entries.push(RouteEntry {
                            dest: IpSet::from_net(n),
                            prefix: prefix_of(&n),
                            family: family_of(&n),
                            rank: RANK_PREFIX_LIST,
                            target: target.clone(),
                            text: format!("{n} -> {target_name} (prefix list){origin}"),
                        });
                    }
                }
                PlBlocks::Service(name, block) => table.entries.push(RouteEntry {
                    dest: block,
                    prefix: 16,
                    family: Family::V4,
                    rank: RANK_PREFIX_LIST,
                    target: target.clone(),
                    text: format!("prefix list of {name} -> {target_name}{origin}"),
                }),
                PlBlocks::Unknown(why) => {
                    table.maybe_all.push((Family::V4, why.clone(), false));
                    table.maybe_all.push((Family::V6, why, false));
                }
            }
            return;
        }
        Destination::Unknown => {
            table.maybe_all.push((
                Family::V4,
                format!("a route's destination cannot be read{origin}"),
                can_override_local,
            ));
            table.maybe_all.push((
                Family::V6,
                format!("a route's destination cannot be read{origin}"),
                can_override_local,
            ));
            return;
        }
    };
    for n in nets {
        let text = format!("{n} -> {target_name}{origin}");
        // Inside the VPC: only whole-subnet (or whole-VPC) routes to NAT/ENI/GWLB endpoints.
        if vpc_nets.iter().any(|v| v.contains(&n)) {
            let exact = subnet_nets.contains(&n) || vpc_nets.contains(&n);
            if !(exact && can_override_local) {
                table.ignored.push((text, "AWS refuses a route inside the VPC's CIDR unless it is a whole subnet CIDR to a NAT gateway, network interface or Gateway Load Balancer endpoint; local serves it".into()));
                continue;
            }
        }
        if service_overlap(&n) == ServiceOverlap::Maybe {
            table
                .maybe_services
                .push((ctx.services.all_blocks().clone(), format!("the route {text} may cover AWS service addresses")));
        }
        table.entries.push(RouteEntry {
            dest: IpSet::from_net(n),
            prefix: prefix_of(&n),
            family: family_of(&n),
            rank: RANK_STATIC,
            target: target.clone(),
            text,
        });
    }
}

enum PlBlocks {
    Nets(Vec<IpNet>),
    Service(String, IpSet),
    Unknown(String),
}

fn prefix_list_blocks(ctx: &RouteContext<'_>, link: &Link) -> PlBlocks {
    let Link::To(r, _) = link else {
        return PlBlocks::Unknown("a route's prefix list is not known until apply".into());
    };
    match &ctx.net.res(*r).obj {
        Object::Endpoint(e) => match e.service.known() {
            Some(s) => PlBlocks::Service(s.clone(), ctx.services.block(s)),
            None => PlBlocks::Unknown("a route's prefix list (an endpoint's) is not known until apply".into()),
        },
        Object::PrefixList(p) => match &p.entries {
            Val::Known(entries) if entries.iter().all(|e| e.known().is_some()) => {
                PlBlocks::Nets(entries.iter().filter_map(|e| e.known().copied()).collect())
            }
            _ => PlBlocks::Unknown(format!("the entries of {} are not known until apply", ctx.net.name(*r))),
        },
        _ => PlBlocks::Unknown(format!("{} is not a prefix list tfvpc models", ctx.net.name(*r))),
    }
}

impl Table {
    /// Splits `set` by the route each destination matches. `known_cidrs` are every VPC CIDR of
    /// the network and every declared on-premises CIDR (for the BGP rule).
    ///
    /// `exact`: the parts have the boxes the generic set operations give (traces print them);
    /// else the same packets, with less work (open walks, `allpairs`).
    pub(crate) fn lookup(&self, set: &PacketSet, services: &Services, known_cidrs: &IpSet, exact: bool) -> Lookup {
        let mut out = Lookup::default();
        let mut remaining = set.dst_addrs();
        let mut rest = Splitter::new(set, exact);
        for (blocks, why) in &self.maybe_services {
            let part = remaining.intersect(blocks).intersect(services.all_blocks());
            if part.is_empty() {
                continue;
            }
            remaining = remaining.difference(&part);
            let p = rest.take(&part);
            if !p.is_empty() {
                out.undetermined.push((why.clone(), p));
            }
        }
        for (i, e) in self.entries.iter().enumerate() {
            if remaining.is_empty() {
                break;
            }
            let part = remaining.intersect(&e.dest);
            if part.is_empty() {
                continue;
            }
            remaining = remaining.difference(&part);
            // Same block and rank, another target: ambiguous (two prefix lists, §1.4).
            let rival = self.entries[i + 1..]
                .iter()
                .take_while(|o| o.family == e.family && o.prefix == e.prefix && o.rank == e.rank)
                .find(|o| o.dest.intersects(&part) && o.target != e.target);
            let p = rest.take(&part);
            if p.is_empty() {
                continue;
            }
            if let Some(o) = rival {
                out.undetermined
                    .push((format!("routes {} and {} match the same addresses; AWS picks one", e.text, o.text), p));
                continue;
            }
            out.hits.push((i, p));
        }
        out.none = rest.rest(&remaining);
        // Routes that may be in this table win the packets to their destination that only a
        // route as or less specific (or none) would take.
        for m in &self.maybe_dests {
            let mut kept = Vec::with_capacity(out.hits.len());
            for (i, p) in std::mem::take(&mut out.hits) {
                let e = &self.entries[i];
                let can_win =
                    e.family == m.family && e.prefix <= m.prefix && (e.target != Target::Local || m.over_local);
                if !can_win {
                    kept.push((i, p));
                    continue;
                }
                let (inside, outside) = p.split_dst(&m.dest);
                if !inside.is_empty() {
                    out.undetermined.push((m.why.clone(), inside));
                }
                if !outside.is_empty() {
                    kept.push((i, outside));
                }
            }
            out.hits = kept;
            let (inside, outside) = std::mem::take(&mut out.none).split_dst(&m.dest);
            if !inside.is_empty() {
                out.undetermined.push((m.why.clone(), inside));
            }
            out.none = outside;
        }
        // Routes whose destination is unknown may be more specific than any known route.
        for (family, why, over_local) in &self.maybe_all {
            let (kept, moved): (Vec<_>, Vec<_>) = std::mem::take(&mut out.hits).into_iter().partition(|(i, p)| {
                let e = &self.entries[*i];
                e.family != *family || (e.target == Target::Local && !over_local) || p.is_empty()
            });
            out.hits = kept;
            for (_, p) in moved {
                out.undetermined.push((why.clone(), p));
            }
            let fam = family_part(&out.none, *family);
            if !fam.is_empty() {
                out.none = out.none.difference(&fam);
                out.undetermined.push((why.clone(), fam));
            }
        }
        if let Some(why) = &self.bgp {
            let unknown_space = known_cidrs.complement();
            let private_unknown = private_space().intersect(&unknown_space);
            let (kept, moved): (Vec<_>, Vec<_>) = std::mem::take(&mut out.hits).into_iter().partition(|(i, _)| {
                let e = &self.entries[*i];
                e.target == Target::Local
            });
            out.hits = kept;
            for (i, p) in moved {
                let to_vgw = matches!(self.entries[i].target, Target::Vgw(_));
                let risky = if to_vgw { unknown_space.clone() } else { private_unknown.clone() };
                let bad = restrict_dst(&p, &risky);
                let good = p.difference(&bad);
                if !good.is_empty() {
                    out.hits.push((i, good));
                }
                if !bad.is_empty() {
                    out.undetermined.push((why.clone(), bad));
                }
            }
            let bad = restrict_dst(&out.none, &unknown_space);
            if !bad.is_empty() {
                out.none = out.none.difference(&bad);
                out.undetermined.push((why.clone(), bad));
            }
        }
        out
    }
}

/// Takes the parts of a set by destination, one after the other (route lookups).
pub(crate) enum Splitter<'a> {
    /// Each part split off the rest: the boxes the generic operations give.
    Exact(PacketSet),
    /// Each part taken from the whole set (the parts are disjoint): the same packets.
    Fast(&'a PacketSet),
}

impl<'a> Splitter<'a> {
    pub(crate) fn new(set: &'a PacketSet, exact: bool) -> Self {
        if exact { Splitter::Exact(set.clone()) } else { Splitter::Fast(set) }
    }

    /// The packets to `part` (disjoint from every part taken before).
    pub(crate) fn take(&mut self, part: &IpSet) -> PacketSet {
        match self {
            Splitter::Exact(rest) => {
                let (p, others) = std::mem::take(rest).split_dst_owned(part);
                *rest = others;
                p
            }
            Splitter::Fast(set) => set.with_dst_in(part),
        }
    }

    /// What no part took; `remaining`: the set's destinations outside every part.
    pub(crate) fn rest(self, remaining: &IpSet) -> PacketSet {
        match self {
            Splitter::Exact(rest) => rest,
            Splitter::Fast(set) => set.with_dst_in(remaining),
        }
    }
}

/// The packets of `set` whose destination is in `addrs`.
pub(crate) fn restrict_dst(set: &PacketSet, addrs: &IpSet) -> PacketSet {
    set.with_dst_in(addrs)
}

/// The packets of `set` whose source is in `addrs`.
pub(crate) fn restrict_src(set: &PacketSet, addrs: &IpSet) -> PacketSet {
    set.with_src_in(addrs)
}

fn family_part(set: &PacketSet, family: Family) -> PacketSet {
    let addrs = match family {
        Family::V4 => IpSet::any_v4(),
        Family::V6 => IpSet::any_v6(),
    };
    restrict_dst(set, &addrs)
}
