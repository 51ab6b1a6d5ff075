//! VPC endpoints (gateway, interface, Gateway Load Balancer) and their separate route table,
//! subnet and security group associations, folded into the endpoint; AWS Network Firewall, whose
//! endpoints (one per subnet mapping) are implicit Gateway Load Balancer endpoints
//! (docs/semantics.md §1.9).

use std::collections::BTreeSet;

use super::index::firewall_sync_states;
use super::{Fold, Lowerer};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, LinkRecord, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::VpcEndpoint`.
    pub(super) fn lower_endpoint(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_vpc_endpoint", _) => {
                let kind = match v.str("vpc_endpoint_type") {
                    Val::Known("Interface") => Val::Known(EndpointKind::Interface),
                    Val::Known("GatewayLoadBalancer") => Val::Known(EndpointKind::GatewayLoadBalancer),
                    Val::Known(_) | Val::Absent => Val::Known(EndpointKind::Gateway),
                    Val::Unknown => Val::Unknown,
                };
                Object::Endpoint(Endpoint {
                    vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                    service: v.string("service_name"),
                    kind,
                    route_tables: self
                        .many(res, "route_table_ids", types_of(Role::RouteTable))
                        .or_default_known(Vec::new()),
                    subnets: self.many(res, "subnet_ids", types_of(Role::Subnet)).or_default_known(Vec::new()),
                    security_groups: self
                        .many(res, "security_group_ids", types_of(Role::SecurityGroup))
                        .or_default_known(Vec::new()),
                    private_dns: v.bool("private_dns_enabled"),
                    firewall: None,
                })
            }
            ("aws_networkfirewall_firewall", false) => self.firewall(res, v),
            ("aws_vpc_endpoint_route_table_association", false) => Object::EndpointAssociation(EndpointAssociation {
                endpoint: self.one(res, "vpc_endpoint_id", types_of(Role::Endpoint)),
                other: self.one(res, "route_table_id", types_of(Role::RouteTable)),
            }),
            ("aws_vpc_endpoint_subnet_association", false) => Object::EndpointAssociation(EndpointAssociation {
                endpoint: self.one(res, "vpc_endpoint_id", types_of(Role::Endpoint)),
                other: self.one(res, "subnet_id", types_of(Role::Subnet)),
            }),
            ("aws_vpc_endpoint_security_group_association", false) => {
                Object::EndpointAssociation(EndpointAssociation {
                    endpoint: self.one(res, "vpc_endpoint_id", types_of(Role::Endpoint)),
                    other: self.one(res, "security_group_id", types_of(Role::SecurityGroup)),
                })
            }
            _ => Object::Other,
        }
    }
}

impl<'d> Lowerer<'_, '_, 'd> {
    /// A Network Firewall: its VPC, policy and subnet mappings, each with the endpoint
    /// registered for it and what `firewall_status` says of it.
    fn firewall(&mut self, res: ResId, v: View<'d>) -> Object {
        let vpc = self.one(res, "vpc_id", types_of(Role::Vpc));
        let policy = self.one(res, "firewall_policy_arn", types_of(Role::FirewallPolicy));
        let endpoints = self.linker.index().firewall_endpoints.get(&res).cloned().unwrap_or_default();
        let blocks = match v.blocks("subnet_mapping") {
            Val::Known(b) => b,
            _ => Vec::new(),
        };
        let states = firewall_sync_states(v);
        let mut mappings = Vec::with_capacity(endpoints.len());
        for (i, (b, endpoint)) in blocks.iter().zip(endpoints).enumerate() {
            let label = format!("subnet_mapping[{i}].subnet_id");
            let subnet = self.nested(res, "subnet_mapping", *b, "subnet_id", types_of(Role::Subnet), &label);
            let state = states.iter().find(|(at, _)| *at == Some(i)).map(|(_, s)| s);
            mappings.push(FirewallMapping {
                endpoint,
                subnet,
                endpoint_id: state.and_then(|s| s.endpoint_id).map(str::to_string),
                az: state.and_then(|s| s.az).map(str::to_string),
            });
        }
        Object::Firewall(Firewall { vpc, policy, mappings })
    }
}

impl Fold<'_, '_> {
    /// Each Network Firewall endpoint becomes a Gateway Load Balancer endpoint in its mapping's
    /// subnet, belonging to the firewall, named `<firewall>:endpoint[<subnet>]` (the subnet's
    /// address, else its AZ or id, else the mapping's position).
    pub(super) fn firewall_endpoints(&mut self) {
        for fw in self.ids_where(|r| matches!(r.obj, Object::Firewall(_))) {
            let Object::Firewall(f) = &self.net.res(fw).obj else { continue };
            let (vpc, mappings) = (f.vpc.clone(), f.mappings.clone());
            let fw_name = self.net.name(fw).to_string();
            let mut taken: BTreeSet<String> = BTreeSet::new();
            for (i, m) in mappings.iter().enumerate() {
                let subnet = match &m.subnet {
                    Link::To(s, _) if self.net.res(*s).present() => Some(*s),
                    _ => None,
                };
                let label = subnet
                    .map(|s| self.net.name(s).to_string())
                    .or_else(|| m.az.clone())
                    .or_else(|| match &m.subnet {
                        Link::External(Some(id)) => Some(id.clone()),
                        _ => None,
                    })
                    .filter(|l| !taken.contains(l))
                    .unwrap_or_else(|| i.to_string());
                taken.insert(label.clone());
                let name = format!("{fw_name}:endpoint[{label}]");
                let old = std::mem::replace(&mut self.net.resources[m.endpoint.index()].name, name.clone());
                self.net.by_name.remove(&old);
                self.net.by_name.insert(name, m.endpoint);
                let r = &mut self.net.resources[m.endpoint.index()];
                if let Some(id) = &m.endpoint_id {
                    r.id = Val::Known(id.clone());
                }
                if let Object::Endpoint(e) = &mut r.obj {
                    e.vpc = vpc.clone();
                    e.subnets = match &m.subnet {
                        Link::Unknown(_) => Val::Unknown,
                        other => Val::Known(vec![other.clone()]),
                    };
                    e.firewall = Some(fw);
                }
                for (attr, link) in [("vpc_id", vpc.clone()), ("subnet_ids", m.subnet.clone())] {
                    if link != Link::Absent {
                        self.net.links.push(LinkRecord { from: m.endpoint, attr: attr.to_string(), link });
                    }
                }
            }
        }
    }

    /// Separate associations add a route table, subnet or security group to their endpoint.
    pub(super) fn endpoint_associations(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::EndpointAssociation(_))) {
            let Object::EndpointAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (ep, other) = (a.endpoint.clone(), a.other.clone());
            let Some(ep) = self.present_target(&ep) else {
                continue;
            };
            let family = self.net.res(id).rtype.clone();
            if let Object::Endpoint(e) = &mut self.net.resources[ep.index()].obj {
                let list = if family.contains("route_table") {
                    &mut e.route_tables
                } else if family.contains("subnet") {
                    &mut e.subnets
                } else {
                    &mut e.security_groups
                };
                if let Val::Known(v) = list {
                    if !v.contains(&other) {
                        v.push(other);
                    }
                } else if list.is_absent() {
                    *list = Val::Known(vec![other]);
                }
            }
        }
    }
}
