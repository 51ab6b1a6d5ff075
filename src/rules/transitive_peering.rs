//! `transitive-peering`: a route that sends traffic over a peering connection to a destination
//! outside the peer VPC (A to C through B), or a default route over peering that relies on the
//! peer's internet gateway, NAT or endpoints. Peering is non-transitive and has no edge-to-edge
//! routing (docs/semantics.md §6; Reachability Analyzer `PCX_REQUIRES_ADDRESS_IN_VPC_CIDR`). A summary
//! route that contains the peer's CIDR (`10.0.0.0/8` → pcx) is fine.

use ipnet::IpNet;

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{Destination, Object, Val};

declare_rule! {
    pub struct TransitivePeering {
        id: "transitive-peering",
        category: Routing,
        default_severity: Error,
        summary: "a route relies on transitive peering or on the peer's internet gateway, NAT or endpoints",
    }
}

impl Rule for TransitivePeering {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let Some(routes) = facts::routes(t) else { continue };
            let Some(own_vpc) = t.vpc.res() else { continue };
            for route in routes {
                let Target::Peering(pcx) = facts::target(net, route) else { continue };
                let Some(p) = net.res(pcx).obj.peering() else { continue };
                let (Some(a), Some(b)) = (p.requester.res(), p.accepter.res()) else { continue };
                let peer = if a == own_vpc {
                    b
                } else if b == own_vpc {
                    a
                } else {
                    continue;
                };
                let dest = match &route.dest {
                    Destination::V4(Val::Known(n)) => IpNet::V4(*n),
                    Destination::V6(Val::Known(n)) => IpNet::V6(*n),
                    _ => continue,
                };
                let Some(peer_cidrs) = facts::vpc_cidrs(net, peer) else { continue };
                let owner = facts::route_owner(route, table);
                let mut resources = vec![owner];
                if owner != table {
                    resources.push(table);
                }
                resources.extend([pcx, peer]);
                let listed = peer_cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                if dest.prefix_len() == 0 {
                    out.push(Draft {
                        message: format!(
                            "{} sends the default route {dest} over {} to {}: a peer's internet gateway, NAT gateway and endpoints cannot be used across peering (no edge-to-edge routing)",
                            net.name(table), net.name(pcx), net.name(peer)
                        ),
                        resources: resources.clone(),
                        attribute: Some(super::blackhole_route::route_attr(route, owner == table)),
                        key: vec![dest.to_string()],
                        help: format!("route only the peer's own blocks ({listed}) over the peering connection; give this VPC its own path to the internet"),
                        ..Draft::default()
                    });
                } else if !peer_cidrs.iter().any(|c| facts::overlaps(c, &dest)) {
                    out.push(Draft {
                        message: format!(
                            "{} sends {dest} over {} but {} holds only {listed}: peering is not transitive, so traffic for {dest} is dropped",
                            net.name(table), net.name(pcx), net.name(peer)
                        ),
                        resources,
                        attribute: Some(super::blackhole_route::route_attr(route, owner == table)),
                        key: vec![dest.to_string()],
                        help: "peer directly with the VPC that holds the destination, or connect the VPCs through a transit gateway".into(),
                        ..Draft::default()
                    });
                }
            }
        }
    }

    /// A route over a peering connection to what lies beyond the peer explains a drop at that
    /// peering connection (destinations outside the peer, edge-to-edge use), not every failure
    /// at a peering stage (an unaccepted connection is another defect).
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.stage == Stage::Peering && failure.names_the_decider(draft)
    }
}
