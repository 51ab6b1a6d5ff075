//! `s3-via-nat`: a route table whose default route goes to a NAT gateway and that has no S3
//! gateway endpoint, so S3 traffic is billed NAT data processing although it never leaves AWS
//! (SEMANTICS §8, §10). An S3 interface endpoint with private DNS in the VPC, or an S3 gateway
//! endpoint on the table, is clean. DynamoDB likewise, when the VPC already uses a DynamoDB
//! endpoint on other tables.

use super::facts::{self, Target};
use super::{Context, Draft, Rule};
use crate::model::{EndpointKind, Link, Network, Object, ResId, Val};

/// The rule.
pub struct S3ViaNat;

impl Rule for S3ViaNat {
    fn name(&self) -> &'static str {
        "s3-via-nat"
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        let nat_gb = ctx.settings.prices().nat_gateway_gb;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let Some(Some(default)) = facts::default_route_v4(t) else { continue };
            let Target::Nat(nat) = facts::target(net, default) else { continue };
            let Some(vpc) = t.vpc.res() else { continue };
            let Some(region) = net.res(vpc).region.clone().or_else(|| r.region.clone()) else { continue };
            for service in ["s3", "dynamodb"] {
                let name = format!("com.amazonaws.{region}.{service}");
                let Some(state) = endpoint_state(net, vpc, table, &name) else { continue };
                let flag = match service {
                    "s3" => !state.on_table && !state.interface_dns,
                    _ => !state.on_table && !state.interface_dns && state.elsewhere,
                };
                if !flag {
                    continue;
                }
                let label = if service == "s3" { "S3" } else { "DynamoDB" };
                out.push(Draft {
                    message: format!(
                        "{} sends {label} traffic through {} ({} per GB of NAT processing): no {label} gateway endpoint is associated with it",
                        net.name(table),
                        net.name(nat),
                        facts::usd(nat_gb)
                    ),
                    resources: vec![table, nat, vpc],
                    key: vec![service.to_string()],
                    help: format!(
                        "add an aws_vpc_endpoint for \"{name}\" (vpc_endpoint_type = \"Gateway\", free) and list this table in route_table_ids"
                    ),
                    ..Draft::default()
                });
            }
        }
    }
}

struct EndpointState {
    on_table: bool,
    interface_dns: bool,
    elsewhere: bool,
}

/// What endpoints of a service the VPC has; None when an endpoint's service or tables are
/// unknown (it might be the one).
fn endpoint_state(net: &Network, vpc: ResId, table: ResId, service: &str) -> Option<EndpointState> {
    let mut s = EndpointState { on_table: false, interface_dns: false, elsewhere: false };
    for (_, r) in net.present() {
        let Object::Endpoint(e) = &r.obj else { continue };
        match &e.vpc {
            Link::To(v, _) if *v == vpc => {}
            Link::To(..) | Link::External(_) | Link::Absent | Link::Missing(_) => continue,
            Link::Unknown(_) => return None,
        }
        let same = match &e.service {
            Val::Known(n) => n == service,
            _ => return None,
        };
        if !same {
            continue;
        }
        match e.kind {
            Val::Known(EndpointKind::Gateway) => match &e.route_tables {
                Val::Known(tables) => {
                    if tables.iter().any(|l| l.res() == Some(table)) {
                        s.on_table = true;
                    } else if tables.iter().any(Link::is_unknown) {
                        return None;
                    } else {
                        s.elsewhere = true;
                    }
                }
                Val::Unknown => return None,
                Val::Absent => s.elsewhere = true,
            },
            Val::Known(EndpointKind::Interface) => match e.private_dns {
                Val::Known(true) => s.interface_dns = true,
                Val::Unknown => return None,
                _ => s.elsewhere = true,
            },
            Val::Known(EndpointKind::GatewayLoadBalancer) => {}
            _ => return None,
        }
    }
    Some(s)
}
