//! Evaluation: what AWS would do to a packet, and to whole packet sets, hop by hop, both legs,
//! with the reason at every stop (docs/semantics.md, all sections; issue 3).
//!
//! [`Evaluator::new`] compiles the network once (route tables with their local routes, NACLs,
//! security groups, transit gateway tables, per-subnet and per-VPC facts) into dense indexes; it
//! is `Sync`, so rules and benchmarks share one evaluator across threads. Then:
//!
//! * [`Evaluator::reach`]: the packets of a set that pass both legs, the ones dropped (where, why)
//!   and the ones whose fate depends on values unknown until apply;
//! * [`Evaluator::trace`] / [`trace()`]: one flow between two endpoints (resource addresses,
//!   subnets, IP addresses, `internet`, AWS service names), per instance and AZ, with a verdict,
//!   the hops of both legs, the failing source ports and the bill ([`trace::TraceReport`]).
//!
//! Modules: [`sets`] (set algebra), [`addr`] (address classes, symbolic service addresses),
//! [`flow`] (protocols, ports, ICMP replies), [`settings`] (what the evaluator reads of the
//! user's settings), [`place`] and [`resolve`] (endpoints), `route`, `nacl`, `sg`, `tgw`
//! (compiled forwarding state; `rule_fields` reads the port and ICMP fields of SG and NACL
//! rules), `walk/` (the hop-by-hop state machine, a file per kind of hop), [`reach`] (results
//! and verdicts), [`mod@trace`] (reports; the human renderer is in `report::trace`), [`cost`]
//! (the bill), [`allpairs`] (every subnet pair at once, the work shared; `prepared` is what it
//! derives from a walk result, kept in the walk memo; `hash` the hot tables' hash map), and
//! `reference` (a naive one-packet evaluator the property tests compare against; test builds
//! only).

pub(crate) mod addr;
pub(crate) mod allpairs;
pub(crate) mod cost;
pub(crate) mod flow;
pub(crate) mod hash;
pub(crate) mod nacl;
pub(crate) mod place;
pub(crate) mod prepared;
pub(crate) mod reach;
pub(crate) mod resolve;
pub(crate) mod route;
pub(crate) mod rule_fields;
pub mod sets;
pub(crate) mod settings;
pub(crate) mod sg;
pub(crate) mod tgw;
pub(crate) mod trace;
pub(crate) mod walk;

use std::collections::HashMap;

use ipnet::IpNet;

use self::addr::{Services, public_space};
use self::sets::IpSet;
use crate::model::{EndpointKind, Link, Network, Object, Origin, ResId, Val};

/// The words every drop at a blackhole says (a route whose target does not exist, a gateway or
/// peering connection that does not serve the route's VPC); rules recognise such drops by them.
pub const BLACKHOLE: &str = "is a blackhole";

pub use self::allpairs::{AllPairs, End, PairOutcome};
pub use self::flow::Flow;
pub use self::place::{Place, PlaceKind, Tri};
pub use self::reach::{Leg, Reach, Stage, Verdict};
pub use self::resolve::Endpoint;
pub use self::settings::{ClientPortsRule, EvalSettings, UnitPrices};
pub use self::trace::{TraceEnd, TraceError, TraceOptions, TraceReport, trace};

/// Facts about a VPC the evaluator needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct VpcInfo {
    /// Known CIDR blocks (IPv4 and IPv6).
    pub cidr: IpSet,
    /// The same, as blocks.
    pub nets: Vec<IpNet>,
    /// Some IPv4 / IPv6 block is unknown until apply.
    pub v4_unknown: bool,
    pub v6_unknown: bool,
    /// Subnets.
    pub subnets: Vec<ResId>,
    /// Internet gateways attached to it.
    pub igws: Vec<ResId>,
    /// Egress-only internet gateways.
    pub eigws: Vec<ResId>,
    /// Virtual private gateways attached to it.
    pub vgws: Vec<ResId>,
    /// Region, when known.
    pub region: Option<String>,
    /// Its default security group.
    pub default_sg: Option<ResId>,
}

/// Facts about a subnet.
#[derive(Debug, Clone)]
pub(crate) struct SubnetInfo {
    /// Its VPC.
    pub vpc: Option<ResId>,
    /// Known CIDR blocks.
    pub cidr: IpSet,
    /// The same, as blocks.
    pub nets: Vec<IpNet>,
    pub v4_unknown: bool,
    pub v6_unknown: bool,
    /// Availability zone name.
    pub az: Option<std::sync::Arc<str>>,
    /// The route table it uses.
    pub table: Link,
    /// The network ACL it uses.
    pub acl: Link,
    /// `map_public_ip_on_launch`.
    pub map_public_ip: Val<bool>,
}

/// The compiled network: pure, `Sync`, built once per input.
pub struct Evaluator<'n> {
    pub(crate) net: &'n Network,
    pub(crate) settings: EvalSettings,
    pub(crate) services: Services,
    /// Public addresses no VPC, route or declared on-premises CIDR of the network claims.
    pub(crate) internet: IpSet,
    /// Every known VPC CIDR.
    pub(crate) vpc_space: IpSet,
    /// Every known VPC CIDR and declared on-premises CIDR.
    pub(crate) known_cidrs: IpSet,
    pub(crate) vpcs: Vec<Option<VpcInfo>>,
    pub(crate) subnets: Vec<Option<SubnetInfo>>,
    pub(crate) tables: Vec<Option<route::Table>>,
    pub(crate) acls: Vec<Option<nacl::Acl>>,
    pub(crate) groups: Vec<Option<sg::Group>>,
    /// Gateway (IGW/VGW) → its edge-associated route table.
    pub(crate) edge_tables: HashMap<ResId, ResId>,
    pub(crate) tgw: tgw::TgwIndex,
    /// VPN connections per VGW.
    pub(crate) vpn_by_vgw: HashMap<ResId, Vec<ResId>>,
    /// NAT gateways and their possible private addresses (for messages).
    pub(crate) nat_addrs: Vec<(ResId, IpSet)>,
}

impl<'n> Evaluator<'n> {
    /// Compiles `net`. Never fails: what cannot be read evaluates to "undetermined".
    #[must_use]
    pub fn new(net: &'n Network, settings: EvalSettings) -> Self {
        let n = net.resources.len();
        // Services the network mentions, plus S3 and DynamoDB of every region seen.
        let mut service_names: Vec<String> = Vec::new();
        let mut regions: Vec<String> = Vec::new();
        for (_, r) in net.present() {
            if let Object::Endpoint(e) = &r.obj
                && let Val::Known(s) = &e.service
            {
                service_names.push(s.clone());
            }
            if let Some(region) = &r.region {
                regions.push(region.clone());
            }
        }
        regions.sort();
        regions.dedup();
        for region in &regions {
            service_names.push(format!("com.amazonaws.{region}.s3"));
            service_names.push(format!("com.amazonaws.{region}.dynamodb"));
        }
        let services = Services::new(service_names);

        let mut vpcs: Vec<Option<VpcInfo>> = vec![None; n];
        let mut subnets: Vec<Option<SubnetInfo>> = vec![None; n];
        let mut vpc_blocks: HashMap<ResId, (Vec<IpNet>, bool, bool)> = HashMap::new();
        for (id, r) in net.present() {
            if let Object::Vpc(v) = &r.obj {
                let mut info = VpcInfo { region: r.region.clone(), default_sg: v.default_sg, ..VpcInfo::default() };
                for c in &v.cidrs_v4 {
                    match &c.cidr {
                        Val::Known(b) => info.nets.push(IpNet::V4(*b)),
                        _ => info.v4_unknown = true,
                    }
                }
                for c in &v.cidrs_v6 {
                    match &c.cidr {
                        Val::Known(b) => info.nets.push(IpNet::V6(*b)),
                        _ => info.v6_unknown = true,
                    }
                }
                if r.origin == Origin::Data && v.cidrs_v4.is_empty() {
                    info.v4_unknown = true;
                }
                info.cidr = IpSet::from_nets(info.nets.iter().copied());
                vpc_blocks.insert(id, (info.nets.clone(), info.v4_unknown, info.v6_unknown));
                vpcs[id.index()] = Some(info);
            }
        }
        let mut subnet_blocks: HashMap<ResId, Vec<IpNet>> = HashMap::new();
        for (id, r) in net.present() {
            if let Object::Subnet(s) = &r.obj {
                let mut nets = Vec::new();
                let (mut v4_unknown, mut v6_unknown) = (false, false);
                match &s.cidr_v4 {
                    Val::Known(b) => nets.push(IpNet::V4(*b)),
                    Val::Unknown => v4_unknown = true,
                    Val::Absent => {}
                }
                match &s.cidr_v6 {
                    Val::Known(b) => nets.push(IpNet::V6(*b)),
                    Val::Unknown => v6_unknown = true,
                    Val::Absent => {}
                }
                let vpc = s.vpc.res();
                if let Some(v) = vpc {
                    subnet_blocks.entry(v).or_default().extend(nets.iter().copied());
                    if let Some(Some(info)) = vpcs.get_mut(v.index()) {
                        info.subnets.push(id);
                    }
                }
                subnets[id.index()] = Some(SubnetInfo {
                    vpc,
                    cidr: IpSet::from_nets(nets.iter().copied()),
                    nets,
                    v4_unknown,
                    v6_unknown,
                    az: s.az.known().map(|a| std::sync::Arc::from(a.as_str())),
                    table: s.route_table.clone(),
                    acl: s.nacl.clone(),
                    map_public_ip: s.map_public_ip.clone(),
                });
            }
        }
        // Gateways, VPN connections, gateway endpoints.
        let mut vpn_by_vgw: HashMap<ResId, Vec<ResId>> = HashMap::new();
        let mut endpoints_by_table: HashMap<ResId, Vec<ResId>> = HashMap::new();
        let mut endpoints_unknown_tables: HashMap<ResId, Vec<ResId>> = HashMap::new();
        let mut edge_tables: HashMap<ResId, ResId> = HashMap::new();
        let mut declared = IpSet::empty();
        for (id, r) in net.present() {
            match &r.obj {
                Object::InternetGateway(g) => {
                    if let Some(Some(v)) = g.vpc.res().map(|v| vpcs.get_mut(v.index()))
                        && let Some(info) = v.as_mut()
                    {
                        info.igws.push(id);
                    }
                }
                Object::EgressOnlyGateway(g) => {
                    if let Some(Some(Some(info))) = g.vpc.res().map(|v| vpcs.get_mut(v.index())) {
                        info.eigws.push(id);
                    }
                }
                Object::VpnGateway(g) => {
                    if let Some(Some(Some(info))) = g.vpc.res().map(|v| vpcs.get_mut(v.index())) {
                        info.vgws.push(id);
                    }
                }
                Object::VpnConnection(c) => {
                    if let Some(g) = c.vgw.res() {
                        vpn_by_vgw.entry(g).or_default().push(id);
                    }
                    for cidr in c.remote_cidrs.iter().filter_map(|c| c.known()) {
                        declared = declared.union(&IpSet::from_net(*cidr));
                    }
                }
                Object::Endpoint(e) if e.kind == Val::Known(EndpointKind::Gateway) => match &e.route_tables {
                    Val::Known(list) => {
                        for l in list {
                            match l {
                                Link::To(t, _) => endpoints_by_table.entry(*t).or_default().push(id),
                                Link::Unknown(_) => {
                                    if let Some(v) = e.vpc.res() {
                                        endpoints_unknown_tables.entry(v).or_default().push(id);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    Val::Unknown => {
                        if let Some(v) = e.vpc.res() {
                            endpoints_unknown_tables.entry(v).or_default().push(id);
                        }
                    }
                    Val::Absent => {}
                },
                Object::RouteTable(t) => {
                    for g in &t.edge_gateways {
                        if let Some(g) = g.res() {
                            edge_tables.insert(g, id);
                        }
                    }
                }
                _ => {}
            }
        }
        let ctx = route::RouteContext {
            net,
            services: &services,
            vpc_blocks: &vpc_blocks,
            subnet_blocks: &subnet_blocks,
            endpoints_by_table: &endpoints_by_table,
            endpoints_unknown_tables: &endpoints_unknown_tables,
            vpn_by_vgw: &vpn_by_vgw,
        };
        let mut tables: Vec<Option<route::Table>> = vec![None; n];
        let mut acls: Vec<Option<nacl::Acl>> = vec![None; n];
        let mut groups: Vec<Option<sg::Group>> = vec![None; n];
        // Each table, ACL and group compiles on its own: in parallel, placed by id.
        enum Compiled {
            Table(Option<route::Table>),
            Acl(Option<nacl::Acl>),
            Group(Option<sg::Group>),
        }
        let present: Vec<ResId> = net.present().map(|(id, _)| id).collect();
        let shared_rules = sg::SharedRules::default();
        let compiled: Vec<(ResId, Compiled)> = {
            use rayon::prelude::*;
            present
                .par_iter()
                .filter_map(|&id| match &net.res(id).obj {
                    Object::RouteTable(_) => Some((id, Compiled::Table(route::compile(&ctx, id)))),
                    Object::NetworkAcl(_) => Some((id, Compiled::Acl(nacl::compile(net, id, &services)))),
                    Object::SecurityGroup(_) => {
                        Some((id, Compiled::Group(sg::compile(net, id, &services, &shared_rules))))
                    }
                    _ => None,
                })
                .collect()
        };
        for (id, c) in compiled {
            match c {
                Compiled::Table(t) => tables[id.index()] = t,
                Compiled::Acl(a) => acls[id.index()] = a,
                Compiled::Group(g) => groups[id.index()] = g,
            }
        }
        let tgw = tgw::build(net, &vpc_blocks);
        let vpc_space = vpcs.iter().flatten().fold(IpSet::empty(), |acc, v| acc.union(&v.cidr));
        let known_cidrs = vpc_space.union(&declared);
        let mut claimed = known_cidrs.clone();
        for t in tables.iter().flatten() {
            for e in &t.entries {
                // Routes to the internet's own gateways (a split default route, say) do not make
                // their destinations something other than the internet.
                let internet_bound =
                    matches!(e.target, route::Target::Igw(_) | route::Target::Nat(_) | route::Target::Eigw(_));
                if e.prefix > 0 && e.target != route::Target::Local && !internet_bound {
                    claimed = claimed.union(&e.dest);
                }
            }
        }
        let internet = public_space().difference(&claimed);
        let mut ev = Evaluator {
            net,
            settings,
            services,
            internet,
            vpc_space,
            known_cidrs,
            vpcs,
            subnets,
            tables,
            acls,
            groups,
            edge_tables,
            tgw,
            vpn_by_vgw,
            nat_addrs: Vec::new(),
        };
        let nats: Vec<ResId> =
            net.present().filter(|(_, r)| matches!(r.obj, Object::NatGateway(_))).map(|(id, _)| id).collect();
        ev.nat_addrs = nats
            .into_iter()
            .filter_map(|n| ev.places_of(n).ok().and_then(|p| p.into_iter().next()).map(|p| (n, p.addrs)))
            .collect();
        ev
    }

    /// The network.
    #[must_use]
    pub fn network(&self) -> &'n Network {
        self.net
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &EvalSettings {
        &self.settings
    }

    pub(crate) fn vpc(&self, id: ResId) -> Option<&VpcInfo> {
        self.vpcs.get(id.index()).and_then(Option::as_ref)
    }

    pub(crate) fn subnet(&self, id: ResId) -> Option<&SubnetInfo> {
        self.subnets.get(id.index()).and_then(Option::as_ref)
    }

    pub(crate) fn table(&self, id: ResId) -> Option<&route::Table> {
        self.tables.get(id.index()).and_then(Option::as_ref)
    }

    pub(crate) fn acl(&self, id: ResId) -> Option<&nacl::Acl> {
        self.acls.get(id.index()).and_then(Option::as_ref)
    }

    pub(crate) fn group(&self, id: ResId) -> Option<&sg::Group> {
        self.groups.get(id.index()).and_then(Option::as_ref)
    }

    /// What the security groups of `place` decide about `set` in one direction, as the walk's
    /// filter does (`walk/filters.rs`): the allowed packets, those only group references allow,
    /// the undetermined and the denied ones. `other` is the other side's identity and `refs`
    /// whether references match on the path. `None` when the place's groups are not a list of
    /// the input's known groups (no groups, unknown, or one tfvpc cannot read).
    pub(crate) fn sg_decision(
        &self,
        place: &Place,
        dir: sg::SgDirection,
        set: &sets::PacketSet,
        other: &sg::Ident,
        refs: &sg::RefValidity,
    ) -> Option<[sets::PacketSet; 4]> {
        let sg::SgList::Groups(keys) = &place.sgs else { return None };
        if keys.is_empty() {
            return None;
        }
        let mut views = Vec::with_capacity(keys.len());
        for k in keys {
            match k {
                sg::GroupKey::Res(g) => views.push(sg::GroupView::Known(k.clone(), self.group(*g)?)),
                sg::GroupKey::External(_) => return None,
            }
        }
        let out = sg::evaluate(&views, dir, set, other, refs);
        let undetermined = out.undetermined.iter().fold(sets::PacketSet::empty(), |acc, (_, s)| acc.union(s));
        Some([out.allowed_set(), out.by_reference, undetermined, out.denied])
    }

    /// Every subnet of the network, in address order.
    pub fn subnet_ids(&self) -> impl Iterator<Item = ResId> + '_ {
        self.subnets.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| ResId(i as u32))
    }

    /// The availability zone of a subnet, when known.
    #[must_use]
    pub fn subnet_az(&self, id: ResId) -> Option<&str> {
        self.subnet(id).and_then(|s| s.az.as_deref())
    }

    /// The symbolic address block of an AWS service (see [`addr`]).
    #[must_use]
    pub fn service_block(&self, service: &str) -> IpSet {
        self.services.block(service)
    }
}

#[cfg(test)]
pub(crate) mod reference;

#[cfg(test)]
pub(crate) mod testnet;

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod sync_tests {
    use super::*;

    #[test]
    fn evaluator_is_sync() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Evaluator<'static>>();
    }
}
