//! `s3-via-nat`: a route table whose default route goes to a NAT gateway and that has no S3
//! gateway endpoint, so S3 traffic is billed NAT data processing although it never leaves AWS
//! (docs/semantics.md §8, §10). An S3 interface endpoint with private DNS in the VPC, or an S3 gateway
//! endpoint on the table, is clean. DynamoDB likewise, when the VPC already uses a DynamoDB
//! endpoint on other tables. A table used only by transit gateway attachment subnets is clean:
//! what it carries arrives from other VPCs, which cannot use this VPC's gateway endpoint
//! (docs/semantics.md §8), so an endpoint there would not save anything.

use super::facts::{self, Target};
use super::{Context, Draft, Rule};
use std::collections::BTreeSet;

use crate::model::{AttachmentKind, EndpointKind, Link, Network, Object, ResId, Val};

declare_rule! {
    pub struct S3ViaNat {
        id: "s3-via-nat",
        category: Cost,
        default_severity: Note,
        summary: "S3 (or DynamoDB) traffic goes through a NAT gateway instead of a free gateway endpoint",
    }
}

impl Rule for S3ViaNat {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        let nat_gb = ctx.settings.prices().nat_gateway_gb;
        let attachments = Attachments::of(net);
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let users: Vec<ResId> = net
                .present()
                .filter(|(_, s)| s.obj.subnet().is_some_and(|s| s.route_table.res() == Some(table)))
                .map(|(id, _)| id)
                .collect();
            if !users.is_empty() && users.iter().all(|s| attachments.may_be_only_attachment(net, *s)) {
                continue;
            }
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

/// Transit gateway VPC attachments' subnets, and the workloads' subnets.
struct Attachments {
    /// Subnets attachments name.
    subnets: BTreeSet<ResId>,
    /// VPCs with an attachment whose subnets are unknown (`None`: its VPC is unknown too).
    unknown_in: Vec<Option<ResId>>,
    /// Subnets some workload sits in.
    with_workloads: BTreeSet<ResId>,
}

impl Attachments {
    fn of(net: &Network) -> Self {
        let mut out = Attachments { subnets: BTreeSet::new(), unknown_in: Vec::new(), with_workloads: BTreeSet::new() };
        for (_, r) in net.present() {
            match &r.obj {
                Object::TgwAttachment(a) => {
                    if let AttachmentKind::Vpc { vpc, subnets, .. } = &a.kind {
                        match subnets {
                            Val::Known(list) if list.iter().all(|l| l.res().is_some()) => {
                                out.subnets.extend(list.iter().filter_map(Link::res));
                            }
                            _ => out.unknown_in.push(vpc.res()),
                        }
                    }
                }
                Object::Workload(w) => {
                    if let Val::Known(list) = &w.subnets {
                        out.with_workloads.extend(list.iter().filter_map(Link::res));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Whether the subnet may serve a transit gateway attachment and nothing else: named by an
    /// attachment, or free of workloads in a VPC with an attachment whose subnets are unknown.
    fn may_be_only_attachment(&self, net: &Network, subnet: ResId) -> bool {
        if self.subnets.contains(&subnet) {
            return true;
        }
        let vpc = net.res(subnet).obj.subnet().and_then(|s| s.vpc.res());
        !self.with_workloads.contains(&subnet) && self.unknown_in.iter().any(|v| v.is_none() || *v == vpc)
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
