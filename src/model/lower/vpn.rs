//! Site-to-site VPN: virtual private gateways (their attachments are folded with the internet
//! gateways' in `gateway.rs`), route propagation into route tables, customer gateways, VPN
//! connections (to a VPN gateway or a transit gateway) and their static routes.

use super::{Fold, Lowerer, parse_net};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::Vpn`.
    pub(super) fn lower_vpn(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_vpn_gateway_attachment", false) => Object::GatewayAttachment(GatewayAttachment {
                gateway: self.one(res, "vpn_gateway_id", types_of(Role::VpnGateway)),
                vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
            }),
            ("aws_vpn_gateway", false) => {
                Object::VpnGateway(VpnGateway { vpc: self.one(res, "vpc_id", types_of(Role::Vpc)) })
            }
            ("aws_vpn_gateway_route_propagation", false) => Object::VgwPropagation(VgwPropagation {
                vgw: self.one(res, "vpn_gateway_id", types_of(Role::VpnGateway)),
                table: self.one(res, "route_table_id", types_of(Role::RouteTable)),
            }),
            ("aws_customer_gateway", false) => Object::CustomerGateway(CustomerGateway { ip: v.string("ip_address") }),
            ("aws_vpn_connection", false) => {
                let remote = v.str("remote_ipv4_network_cidr").and_then(parse_net);
                let remote_cidrs = match remote {
                    Val::Known(n) if n.prefix_len() > 0 => vec![Val::Known(n)],
                    _ => Vec::new(),
                };
                Object::VpnConnection(VpnConnection {
                    vgw: self.one(res, "vpn_gateway_id", types_of(Role::VpnGateway)),
                    tgw: self.one(res, "transit_gateway_id", types_of(Role::TransitGateway)),
                    customer_gateway: self.one(res, "customer_gateway_id", types_of(Role::CustomerGateway)),
                    static_routes_only: v.bool("static_routes_only").or_default_known(false),
                    remote_cidrs,
                })
            }
            ("aws_vpn_connection_route", false) => Object::VpnRoute(VpnRoute {
                connection: self.one(res, "vpn_connection_id", types_of(Role::VpnConnection)),
                cidr: v.str("destination_cidr_block").and_then(parse_net),
            }),
            _ => Object::Other,
        }
    }
}

impl Fold<'_, '_> {
    /// `aws_vpn_gateway_route_propagation` makes its table learn the gateway's routes.
    pub(super) fn vgw_propagations(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::VgwPropagation(_))) {
            let Object::VgwPropagation(p) = &self.net.res(id).obj else {
                continue;
            };
            let (vgw, table) = (p.vgw.clone(), p.table.clone());
            let Some(table) = self.present_target(&table) else {
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.propagating_vgws.push(vgw);
            }
        }
    }

    /// `aws_vpn_connection_route` adds a static route (a remote CIDR) to its connection.
    pub(super) fn vpn_routes(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::VpnRoute(_))) {
            let Object::VpnRoute(v) = &self.net.res(id).obj else {
                continue;
            };
            let (conn, cidr) = (v.connection.clone(), v.cidr.clone());
            let Some(conn) = self.present_target(&conn) else {
                continue;
            };
            if let Object::VpnConnection(c) = &mut self.net.resources[conn.index()].obj {
                c.remote_cidrs.push(cidr);
            }
        }
    }
}
