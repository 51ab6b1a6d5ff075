//! `nat-gateway-in-gateway-id`: a route names a NAT gateway in `gateway_id` instead of
//! `nat_gateway_id`. AWS accepts it and stores a NAT route (the evaluator reads it as one), but
//! the provider reads the route back with the NAT in `nat_gateway_id`, so every plan shows a
//! diff that never converges (hashicorp/aws `aws_route` and `aws_route_table` docs).

use super::facts;
use super::{Context, Draft, Rule};
use crate::model::{Object, TargetKind};

declare_rule! {
    pub struct NatGatewayInGatewayId {
        id: "nat-gateway-in-gateway-id",
        category: Routing,
        default_severity: Warning,
        summary: "a route names a NAT gateway in gateway_id instead of nat_gateway_id",
    }
}

impl Rule for NatGatewayInGatewayId {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let Some(routes) = facts::routes(t) else { continue };
            for route in routes {
                if !route.nat_in_gateway_id || route.target_kind != TargetKind::NatGateway {
                    continue;
                }
                let Some(nat) = route.target.res() else { continue };
                let owner = facts::route_owner(route, table);
                let inline = owner == table;
                let mut resources = vec![owner];
                if !inline {
                    resources.push(table);
                }
                resources.push(nat);
                let dest = facts::dest_text(&route.dest);
                out.push(Draft {
                    message: format!(
                        "route to {dest} in {} names {} in gateway_id: AWS stores a NAT route, but the provider shows a diff on every plan",
                        net.name(table),
                        net.name(nat)
                    ),
                    resources,
                    attribute: Some(if inline { "route.gateway_id" } else { "gateway_id" }),
                    key: vec![dest],
                    help: format!("set nat_gateway_id = {}.id instead of gateway_id", net.name(nat)),
                    ..Draft::default()
                });
            }
        }
    }
}
