//! VPC endpoints (gateway, interface, Gateway Load Balancer) and their separate route table,
//! subnet and security group associations, folded into the endpoint.

use super::{Fold, Lowerer};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
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
                })
            }
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

impl Fold<'_, '_> {
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
