//! `peering-without-routes`: a peering connection that no route table of either VPC routes to.
//! "The owner of each VPC … must manually add a route … that points to the IP address range of
//! the other VPC" (docs/semantics.md §6): without routes the connection carries nothing. A connection
//! routed on one side only is a missing return route, which path rules report.

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Object, TargetKind};

declare_rule! {
    pub struct PeeringWithoutRoutes {
        id: "peering-without-routes",
        category: Routing,
        default_severity: Warning,
        summary: "a peering connection that no route table of either VPC routes to",
    }
}

impl Rule for PeeringWithoutRoutes {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (pcx, r) in net.present() {
            let Object::Peering(p) = &r.obj else { continue };
            if !facts::managed(net, pcx) {
                continue;
            }
            let (Some(a), Some(b)) = (p.requester.res(), p.accepter.res()) else { continue };
            let mut routed = false;
            let mut undecidable = false;
            for (_, tr) in net.present() {
                let Object::RouteTable(t) = &tr.obj else { continue };
                let in_pair = match t.vpc.res() {
                    Some(v) => v == a || v == b,
                    None => true,
                };
                if !in_pair {
                    continue;
                }
                // A table we cannot read (an existing VPC's) may hold the route.
                let Some(routes) = facts::routes(t) else {
                    undecidable = true;
                    continue;
                };
                // Routes that may belong to this table (their table could not be linked).
                for route in routes.iter().chain(t.maybe_routes.iter().map(|m| &m.0)) {
                    match facts::target(net, route) {
                        Target::Peering(x) if x == pcx => routed = true,
                        Target::Unknown | Target::External if route.target_kind == TargetKind::Peering => {
                            undecidable = true
                        }
                        _ => {}
                    }
                }
            }
            // Tables of VPCs outside the input (cross-account peers, data sources) are not visible.
            let peer_visible = [a, b].iter().all(|v| facts::managed(net, *v));
            if routed || undecidable || !peer_visible {
                continue;
            }
            out.push(Draft {
                message: format!(
                    "no route table of {} or {} routes to {}: the peering connection carries no traffic",
                    net.name(a),
                    net.name(b),
                    net.name(pcx)
                ),
                resources: vec![pcx, a, b],
                help: "add routes on both sides: each VPC's route tables need the other VPC's CIDR → vpc_peering_connection_id".into(),
                ..Draft::default()
            });
        }
    }

    /// A peering connection without routes explains a routing drop of a flow between its two
    /// VPCs, not failures of flows inside either VPC.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.at_routing() && failure.joins_named_vpcs(draft)
    }
}
