//! `route-target-in-other-vpc`: a route whose target — an internet gateway, egress-only gateway,
//! NAT gateway, instance, network interface or Gateway Load Balancer endpoint — belongs to a
//! different VPC than the route table. AWS rejects the route at apply ("route table and network
//! gateway belong to different networks"); targets that may cross VPCs (peering, transit
//! gateway, VPN gateway) are not checked here.

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Network, Object, ResId};

declare_rule! {
    pub struct RouteTargetInOtherVpc {
        id: "route-target-in-other-vpc",
        category: Routing,
        default_severity: Error,
        summary: "a route points at a gateway, NAT or interface that belongs to another VPC",
    }
}

impl Rule for RouteTargetInOtherVpc {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let Some(routes) = facts::routes(t) else { continue };
            let Some(own) = t.vpc.res() else { continue };
            for route in routes {
                let target = match facts::target(net, route) {
                    Target::Igw(g) | Target::EgressOnly(g) | Target::Nat(g) | Target::Eni(g) | Target::Endpoint(g) => g,
                    _ => continue,
                };
                let Some(other) = vpc_of(net, target) else { continue };
                if other == own {
                    continue;
                }
                let owner = facts::route_owner(route, table);
                let mut resources = vec![owner];
                if owner != table {
                    resources.push(table);
                }
                resources.extend([target, own, other]);
                out.push(Draft {
                    message: format!(
                        "route to {} in {} (of {}) targets {}, which belongs to {}: AWS rejects routes to another VPC's gateways and interfaces",
                        facts::dest_text(&route.dest),
                        net.name(table),
                        net.name(own),
                        net.name(target),
                        net.name(other)
                    ),
                    resources,
                    attribute: Some(super::blackhole_route::route_attr(route, owner == table)),
                    key: vec![facts::dest_text(&route.dest)],
                    help: "route to a target in the table's own VPC; to reach another VPC use a peering connection or a transit gateway".into(),
                    ..Draft::default()
                });
            }
        }
    }

    /// A route to another VPC's gateway explains a routing drop in the table or at the target
    /// it names, of a flow to the route's destination.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.at_routing()
            && failure.names_the_decider(draft)
            && failure.routes_into_key(draft)
    }
}

/// The VPC a gateway, NAT, endpoint or ENI-bearing resource belongs to.
fn vpc_of(net: &Network, id: ResId) -> Option<ResId> {
    match &net.res(id).obj {
        Object::InternetGateway(g) | Object::EgressOnlyGateway(g) => g.vpc.res(),
        Object::Endpoint(e) => e.vpc.res(),
        Object::NatGateway(_) | Object::Workload(_) => {
            let s = facts::subnet_of(net, id)?;
            net.res(s).obj.subnet()?.vpc.res()
        }
        _ => None,
    }
}
