//! Route tables and what modifies them: inline routes and `aws_route` (docs/semantics.md §1.8: with no
//! inline `route` the table's routes are exactly the separate ones, each counted once), subnet
//! and gateway (edge) associations, `aws_main_route_table_association`, and which table each
//! subnet uses (explicit association, else its VPC's main table).

use std::collections::HashMap;

use super::{Fold, Lowerer, ModuleCall, parse_v4, parse_v6};
use crate::catalog;
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, Origin, Provenance, ResId, Resource};
use crate::model::objects::*;

/// A route from an `aws_route`, waiting to be folded into its table.
pub(super) struct PendingRoute {
    pub(super) table: Link,
    pub(super) route: Route,
    /// Where to look when the link is unknown: the module calls its `route_table_id` names, and
    /// the tables it may be when the reference is ambiguous.
    pub(super) calls: Vec<ModuleCall>,
    pub(super) may_be: Option<Vec<ResId>>,
}

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of the route table families (`RouteTable`, `Route`, `RouteTableAssociation`).
    pub(super) fn lower_route_table(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_route_table" | "aws_default_route_table", _) => self.route_table(res, r, data),
            ("aws_route", false) => {
                let table = self.one(res, "route_table_id", types_of(Role::RouteTable));
                let route = self.route_from(res, v, None, None);
                let (calls, may_be) = self.unlinked_scope(res, &table, "route_table_id", types_of(Role::RouteTable));
                self.pending_routes.push(PendingRoute { table: table.clone(), route, calls, may_be });
                Object::Route(RouteResource { table })
            }
            ("aws_route_table_association", false) => Object::RouteTableAssociation(RouteTableAssociation {
                subnet: self.one(res, "subnet_id", types_of(Role::Subnet)),
                gateway: self.one(res, "gateway_id", types_of(Role::EdgeGateway)),
                table: self.one(res, "route_table_id", types_of(Role::RouteTable)),
            }),
            ("aws_main_route_table_association", false) => {
                Object::MainRouteTableAssociation(MainRouteTableAssociation {
                    vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                    table: self.one(res, "route_table_id", types_of(Role::RouteTable)),
                })
            }
            _ => Object::Other,
        }
    }

    pub(super) fn route_table(&mut self, res: ResId, r: &Resource, data: bool) -> Object {
        let v = self.view(res);
        let vpc = self.vpc_link(res, r, None);
        let kind = if data {
            TableKind::Existing
        } else if r.rtype == "aws_default_route_table" {
            TableKind::AdoptedMain
        } else {
            TableKind::Custom
        };
        let adopts = if kind == TableKind::AdoptedMain {
            self.one(res, "default_route_table_id", types_of(Role::RouteTable)).res()
        } else {
            None
        };
        let block = if data { "routes" } else { "route" };
        let routes = match v.blocks(block) {
            Val::Known(blocks) => Val::Known(
                blocks.iter().enumerate().map(|(i, b)| self.route_from(res, *b, Some(block), Some(i))).collect(),
            ),
            Val::Absent => Val::Known(Vec::new()),
            Val::Unknown => {
                // Optional+Computed with nothing configured: the routes are the `aws_route`s
                // (docs/semantics.md §1.8); with inline blocks whose set is unknown, they are unknown.
                if self.linker.configured(res, "route") == Some(true) { Val::Unknown } else { Val::Known(Vec::new()) }
            }
        };
        let propagating_vgws = match self.many(res, "propagating_vgws", types_of(Role::VpnGateway)) {
            Val::Known(v) => v,
            _ => Vec::new(),
        };
        let inline_routes = self.linker.configured(res, "route") == Some(true);
        Object::RouteTable(RouteTable {
            vpc,
            kind,
            routes,
            propagating_vgws,
            adopts,
            inline_routes,
            ..RouteTable::default()
        })
    }

    /// One route from an inline block (`block` = `route`) or an `aws_route` (`block` = None).
    fn route_from(&mut self, res: ResId, b: View<'d>, block: Option<&str>, index: Option<usize>) -> Route {
        let (v4_key, v6_key, pl_key) = match block {
            None => ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"),
            Some(_) => ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"),
        };
        let dest = if !b.str(v4_key).is_absent() {
            Destination::V4(b.str(v4_key).and_then(parse_v4))
        } else if !b.str(v6_key).is_absent() {
            Destination::V6(b.str(v6_key).and_then(parse_v6))
        } else if !b.str(pl_key).is_absent() {
            let label = format!("{}{pl_key}", block_label(block, index));
            let link = match block {
                None => self.one(res, pl_key, types_of(Role::PrefixList)),
                Some(bl) => self.nested(res, bl, b, pl_key, types_of(Role::PrefixList), &label),
            };
            Destination::PrefixList(link)
        } else {
            Destination::Unknown
        };
        // The target is the one target attribute that is set (known or unknown).
        let mut target_kind = TargetKind::Unknown;
        let mut target = Link::Unknown("no target".into());
        let mut target_id = None;
        let mut nat_in_gateway_id = false;
        for attr in catalog::route_targets() {
            let value = match block {
                // `aws_route` computes `network_interface_id` and `instance_id` even when another
                // target is set: only configured (or known) targets count.
                None => self.unset_if_unconfigured(res, attr, b.str(attr)),
                Some(_) => b.str(attr),
            };
            if value.is_absent() {
                continue;
            }
            let kind = TargetKind::from_attr(attr);
            if let Val::Known("local") = value {
                target_kind = TargetKind::Local;
                target = Link::Absent;
                break;
            }
            target_id = value.known().map(|s| (*s).to_string());
            let label = format!("{}{attr}", block_label(block, index));
            target = match block {
                None => self.one(res, attr, kind.target_types()),
                Some(bl) => self.nested(res, bl, b, attr, kind.target_types(), &label),
            };
            target_kind = kind;
            // AWS accepts a NAT gateway in `gateway_id` and stores a NAT route
            // (docs/semantics.md §1.8): read it as one.
            if kind == TargetKind::Gateway {
                let nat_types = TargetKind::NatGateway.target_types();
                let nat = match &target {
                    Link::To(t, _) if nat_types.contains(&self.linker.index().types[t.index()].as_str()) => {
                        Some(target.clone())
                    }
                    Link::To(..) | Link::Absent | Link::External(_) | Link::Missing(_) => None,
                    Link::Unknown(_) => {
                        let expr = match block {
                            None => self.linker.expr(res, attr),
                            Some(bl) => {
                                self.linker.expr(res, &format!("{bl}.{attr}")).or_else(|| self.linker.expr(res, bl))
                            }
                        };
                        let relinked = self.linker.link(res, value.clone(), expr, nat_types);
                        if matches!(relinked, Link::To(..)) {
                            let at = if block.is_some() { label.as_str() } else { attr };
                            self.links.retain(|l| !(l.from == res && l.attr == at && l.link.is_unknown()));
                            self.record(res, at, &relinked);
                            Some(relinked)
                        } else {
                            None
                        }
                    }
                };
                if let Some(nat) = nat {
                    target = nat;
                    target_kind = TargetKind::NatGateway;
                    nat_in_gateway_id = true;
                }
            }
            // An unknown endpoint read from a Network Firewall's `firewall_status`
            // (docs/semantics.md §1.9): its endpoint when it has one subnet mapping, else unknown
            // with the candidates said, never a guess.
            // (An unknown value's expression may also yield a constant it reads on the way, as
            // `s.availability_zone == aws_subnet.a.availability_zone` does: not an endpoint id.)
            if kind == TargetKind::VpcEndpoint
                && value.is_unknown()
                && !matches!(target, Link::To(..))
                && let Some(link) = self.firewall_endpoint_link(res, b, block, attr, value)
            {
                let at = if block.is_some() { label.as_str() } else { attr };
                self.links.retain(|l| !(l.from == res && l.attr == at && l.link == target));
                self.record(res, at, &link);
                target = link;
            }
            break;
        }
        Route {
            source: res,
            inline_index: index,
            dest,
            target_kind,
            target,
            state_blackhole: b.str("state") == Val::Known("blackhole"),
            target_id,
            nat_in_gateway_id,
        }
    }
}

impl<'d> Lowerer<'_, '_, 'd> {
    /// The firewall endpoint an unknown `vpc_endpoint_id` names, when its value comes from an
    /// `aws_networkfirewall_firewall` (a plan's reference list, or the target HCL evaluation
    /// records): `Some(To)` with one subnet mapping, else `Some(Unknown)` naming the candidates;
    /// None when it names no firewall.
    fn firewall_endpoint_link(
        &self,
        res: ResId,
        b: View<'d>,
        block: Option<&str>,
        attr: &str,
        value: Val<&str>,
    ) -> Option<Link> {
        let fw_types = types_of(Role::Firewall);
        let fw = match b.target(attr).and_then(|t| self.linker.link_target(t, fw_types)) {
            Some(link) => link,
            None => {
                let expr = match block {
                    None => self.linker.expr(res, attr),
                    Some(bl) => self.linker.expr(res, &format!("{bl}.{attr}")).or_else(|| self.linker.expr(res, bl)),
                };
                self.linker.link(res, value, expr, fw_types)
            }
        };
        let Link::To(fw, how) = fw else { return None };
        let ix = self.linker.index();
        let name = &ix.names[fw.index()];
        let endpoints = ix.firewall_endpoints.get(&fw).map_or(&[][..], Vec::as_slice);
        Some(match endpoints {
            [one] => Link::To(*one, how),
            [] => Link::Unknown(format!("an endpoint of {name}, whose subnet mappings are not known until apply")),
            many => Link::Unknown(format!(
                "may be the endpoint of any of the {} subnet mappings of {name} (one per AZ); the plan does not say which `firewall_status` entry it reads: a state after apply, or a literal vpce- id, decides it",
                many.len()
            )),
        })
    }
}

fn block_label(block: Option<&str>, index: Option<usize>) -> String {
    match (block, index) {
        (Some(b), Some(i)) => format!("{b}[{i}]."),
        (Some(b), None) => format!("{b}."),
        _ => String::new(),
    }
}

impl Fold<'_, '_> {
    pub(super) fn routes(&mut self, pending: Vec<PendingRoute>) {
        // Destinations of every aws_route per table (present or being deleted), to drop their
        // copies from a table's state routes (docs/semantics.md §11: count each once).
        let mut separate: HashMap<ResId, Vec<Destination>> = HashMap::new();
        for id in self.net.ids().collect::<Vec<_>>() {
            if let Object::Route(rr) = &self.net.res(id).obj
                && let Some(t) = rr.table.res()
                && let Some(view) = self.views[id.index()]
            {
                let dest = route_dest_key(view);
                separate.entry(t).or_default().push(dest);
            }
        }
        for (table, dests) in &separate {
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj
                && !t.inline_routes
                && let Val::Known(routes) = &mut t.routes
            {
                routes.retain(|r| r.inline_index.is_none() || !dests.contains(&r.dest));
            }
        }
        let mut table_pool: Option<Vec<ResId>> = None;
        for p in pending {
            if !self.net.res(p.route.source).present() {
                continue;
            }
            let Some(table) = p.table.res() else {
                if p.table.is_unknown() && !self.fan_out {
                    self.skipped = true;
                } else if let Link::Unknown(why) = &p.table {
                    let why = format!("{} may belong to this table ({why})", self.net.name(p.route.source));
                    let is_table = |o: &Object| matches!(o, Object::RouteTable(_));
                    let pool = table_pool.get_or_insert_with(|| self.pool(is_table));
                    let mut tables = self.candidates(p.route.source, &p.calls, p.may_be.as_deref(), pool, is_table);
                    // A route can only target its own VPC's gateways (a peering connection: one of
                    // its two VPCs); tables of other VPCs cannot hold it.
                    if let Some(vpcs) = self.route_target_vpcs(&p.route) {
                        let same: Vec<ResId> = tables
                            .iter()
                            .copied()
                            .filter(|&t| {
                                self.net
                                    .res(t)
                                    .obj
                                    .route_table()
                                    .and_then(|rt| rt.vpc.res())
                                    .is_none_or(|v| vpcs.contains(&v))
                            })
                            .collect();
                        if !same.is_empty() {
                            tables = same;
                        }
                    }
                    // One copy, shared by every table it may belong to.
                    let shared = std::sync::Arc::new((p.route.clone(), why));
                    for t in tables {
                        if let Object::RouteTable(rt) = &mut self.net.resources[t.index()].obj {
                            rt.maybe_routes.push(shared.clone());
                        }
                    }
                }
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj
                && let Val::Known(routes) = &mut t.routes
            {
                routes.push(p.route);
            }
        }
    }

    /// The VPCs a route's target belongs to (a peering connection: both), when known.
    fn route_target_vpcs(&self, route: &Route) -> Option<Vec<ResId>> {
        let target = route.target.res()?;
        let vpcs: Vec<ResId> = match &self.net.res(target).obj {
            Object::Peering(p) => [p.requester.res(), p.accepter.res()].into_iter().flatten().collect(),
            Object::PeeringAccepter(a) => {
                let p = self.net.res(a.peering.res()?).obj.peering()?;
                [p.requester.res(), p.accepter.res()].into_iter().flatten().collect()
            }
            Object::InternetGateway(g) | Object::EgressOnlyGateway(g) => g.vpc.res().into_iter().collect(),
            Object::NatGateway(n) => {
                self.net.res(n.subnet.res()?).obj.subnet().and_then(|s| s.vpc.res()).into_iter().collect()
            }
            Object::Endpoint(e) => e.vpc.res().into_iter().collect(),
            _ => Vec::new(),
        };
        (!vpcs.is_empty()).then_some(vpcs)
    }

    /// Gateway (edge) associations: the table routes what enters the VPC through the gateway.
    pub(super) fn edge_associations(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::RouteTableAssociation(_))) {
            let Object::RouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (gw, table) = (a.gateway.clone(), a.table.clone());
            if gw == Link::Absent {
                continue;
            }
            let Some(table) = self.present_target(&table) else {
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.edge_gateways.push(gw);
            }
        }
    }

    /// `aws_main_route_table_association` makes its table the VPC's main table.
    pub(super) fn main_associations(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::MainRouteTableAssociation(_))) {
            let Object::MainRouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (vpc, table) = (a.vpc.clone(), a.table.clone());
            let (Some(vpc), Some(table)) = (self.present_target(&vpc), self.present_target(&table)) else {
                continue;
            };
            if let Object::Vpc(v) = &mut self.net.resources[vpc.index()].obj {
                v.main_route_table = Some(table);
            }
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.main_association = Some(id);
            }
        }
    }

    pub(super) fn subnet_tables(&mut self) {
        let mut explicit: HashMap<ResId, Vec<(ResId, Link)>> = HashMap::new();
        let mut unknown_assoc_vpcs: Vec<Option<ResId>> = Vec::new();
        for id in self.ids_where(|r| matches!(r.obj, Object::RouteTableAssociation(_))) {
            let Object::RouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            if a.gateway != Link::Absent {
                continue;
            }
            match &a.subnet {
                Link::To(s, _) => explicit.entry(*s).or_default().push((id, a.table.clone())),
                Link::Unknown(_) => {
                    let vpc = a.table.res().and_then(|t| match &self.net.res(t).obj {
                        Object::RouteTable(t) => t.vpc.res(),
                        _ => None,
                    });
                    unknown_assoc_vpcs.push(vpc);
                }
                _ => {}
            }
        }
        for s in self.ids_where(|r| matches!(r.obj, Object::Subnet(_))) {
            let Object::Subnet(sub) = &self.net.res(s).obj else {
                continue;
            };
            let vpc = sub.vpc.res();
            let data = self.net.res(s).origin == Origin::Data;
            let (table, via) = match explicit.get(&s).map(Vec::as_slice) {
                Some([(assoc, table)]) => (table.clone(), Some(*assoc)),
                Some(many) if many.len() > 1 => {
                    let names: Vec<String> = many.iter().map(|(a, _)| self.net.name(*a).to_string()).collect();
                    (Link::Unknown(format!("associated by several resources: {}", names.join(", "))), None)
                }
                _ if data => (Link::Unknown("an existing subnet: its route table is not in the input".into()), None),
                _ if unknown_assoc_vpcs.iter().any(|v| v.is_none() || *v == vpc) => {
                    (Link::Unknown("an association whose subnet is unknown may target this subnet".into()), None)
                }
                _ => match vpc.and_then(|v| self.net.res(v).obj.vpc().and_then(|v| v.main_route_table)) {
                    Some(main) => (Link::To(main, Provenance::Inferred), None),
                    None => (Link::Unknown("the subnet's VPC is not known".into()), None),
                },
            };
            if let Object::Subnet(sub) = &mut self.net.resources[s.index()].obj {
                sub.route_table = table;
                sub.route_table_association = via;
            }
        }
    }
}

fn route_dest_key(v: View<'_>) -> Destination {
    if !v.str("destination_cidr_block").is_absent() {
        Destination::V4(v.str("destination_cidr_block").and_then(parse_v4))
    } else if !v.str("destination_ipv6_cidr_block").is_absent() {
        Destination::V6(v.str("destination_ipv6_cidr_block").and_then(parse_v6))
    } else {
        Destination::Unknown
    }
}
