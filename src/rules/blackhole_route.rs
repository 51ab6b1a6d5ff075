//! `blackhole-route`: a route whose target will not exist. AWS keeps such a route with state
//! `blackhole` and drops what matches it (docs/semantics.md §1.6): a target this plan destroys and does
//! not re-create, a route AWS already reports as `blackhole`, a literal gateway id in a VPC this
//! plan creates (nothing outside the plan can be in a new VPC), and a transit gateway route to
//! an attachment the plan destroys. Explicit `blackhole = true` TGW routes are deliberate;
//! targets outside the input are external, not missing.

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::Action;
use crate::model::{Link, Network, Object, Origin, ResId, TargetKind, Val};

declare_rule! {
    pub struct BlackholeRoute {
        id: "blackhole-route",
        category: Routing,
        default_severity: Error,
        summary: "a route's target will not exist after apply, so matching traffic is dropped",
    }
}

impl Rule for BlackholeRoute {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            if r.origin == Origin::Data {
                continue;
            }
            let Some(routes) = facts::routes(t) else { continue };
            for route in routes {
                let owner = facts::route_owner(route, table);
                let dest = facts::dest_text(&route.dest);
                let why = match facts::target(net, route) {
                    Target::Missing(gone) if net.res(gone).present() => Some((
                        format!(
                            "{} is replaced by this plan and the route names its old id {}, which will not exist after apply",
                            net.name(gone),
                            route.target_id.clone().unwrap_or_default()
                        ),
                        Some(gone),
                    )),
                    Target::Missing(gone) => {
                        Some((format!("{} is destroyed by this plan and not re-created", net.name(gone)), Some(gone)))
                    }
                    _ if route.state_blackhole => {
                        Some(("AWS reports the route as `blackhole`: its target no longer exists".to_string(), None))
                    }
                    Target::External | Target::ExternalIgw
                        if literal_in_new_vpc(net, t.vpc.clone(), route.target_kind) =>
                    {
                        let id = route.target_id.clone().unwrap_or_default();
                        Some((format!("{id} cannot exist in {}, which this plan creates", vpc_name(net, &t.vpc)), None))
                    }
                    _ => None,
                };
                let Some((why, gone)) = why else { continue };
                let mut resources = vec![owner];
                if owner != table {
                    resources.push(table);
                }
                resources.extend(gone);
                out.push(Draft {
                    message: format!("route to {dest} in {} is a blackhole: {why}", net.name(table)),
                    resources,
                    attribute: Some(route_attr(route, owner == table)),
                    key: vec![dest.clone()],
                    help: "point the route at a target that exists after apply, or remove the route".into(),
                    ..Draft::default()
                });
            }
        }
        for (id, r) in net.present() {
            let Object::TgwRoute(route) = &r.obj else { continue };
            if route.blackhole == Val::Known(true) {
                continue;
            }
            if let Link::Missing(gone) = route.attachment {
                let dest = route.dest.known().map_or_else(|| "an unknown destination".to_string(), ToString::to_string);
                out.push(Draft {
                    message: format!(
                        "transit gateway route to {dest} is a blackhole: {} is destroyed by this plan and not re-created",
                        net.name(gone)
                    ),
                    resources: vec![id, gone],
                    help: "route to an attachment that exists after apply, or make the route an explicit `blackhole = true` if dropping is intended".into(),
                    ..Draft::default()
                });
            }
        }
    }

    /// A route that leads nowhere explains a failure that routing (a VPC table, the reply's
    /// route, a transit gateway table) drops at a blackhole, in a table or target the draft
    /// names; another drop in the same table (no route, a NACL) is not its doing.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        matches!(failure.stage, Stage::Route | Stage::ReturnPath | Stage::Tgw)
            && failure.at_blackhole()
            && (failure.names_the_decider(draft) || failure.names_the_path(draft))
    }
}

/// Gateways that live in one VPC: a literal id of one of these cannot be in a VPC created now.
fn literal_in_new_vpc(net: &Network, vpc: Link, kind: TargetKind) -> bool {
    let zonal = matches!(
        kind,
        TargetKind::Gateway
            | TargetKind::NatGateway
            | TargetKind::EgressOnly
            | TargetKind::NetworkInterface
            | TargetKind::Instance
            | TargetKind::VpcEndpoint
    );
    let Some(v) = vpc.res() else { return false };
    zonal && net.res(v).origin == Origin::Managed(Action::Create) && vpc_is_plain(net, v)
}

fn vpc_is_plain(net: &Network, v: ResId) -> bool {
    net.res(v).rtype == "aws_vpc"
}

fn vpc_name(net: &Network, vpc: &Link) -> String {
    vpc.res().map_or_else(|| "its VPC".to_string(), |v| net.name(v).to_string())
}

/// The attribute that names a route's target: `route.<target>` for inline routes.
pub(super) fn route_attr(route: &crate::model::Route, inline: bool) -> &'static str {
    let target = match route.target_kind {
        TargetKind::Gateway => "gateway_id",
        TargetKind::NatGateway if route.nat_in_gateway_id => "gateway_id",
        TargetKind::NatGateway => "nat_gateway_id",
        TargetKind::EgressOnly => "egress_only_gateway_id",
        TargetKind::NetworkInterface => "network_interface_id",
        TargetKind::Instance => "instance_id",
        TargetKind::TransitGateway => "transit_gateway_id",
        TargetKind::Peering => "vpc_peering_connection_id",
        TargetKind::VpcEndpoint => "vpc_endpoint_id",
        _ => return if inline { "route" } else { "route_table_id" },
    };
    if inline {
        match target {
            "gateway_id" => "route.gateway_id",
            "nat_gateway_id" => "route.nat_gateway_id",
            "egress_only_gateway_id" => "route.egress_only_gateway_id",
            "network_interface_id" => "route.network_interface_id",
            "instance_id" => "route.instance_id",
            "transit_gateway_id" => "route.transit_gateway_id",
            "vpc_peering_connection_id" => "route.vpc_peering_connection_id",
            _ => "route.vpc_endpoint_id",
        }
    } else {
        target
    }
}
