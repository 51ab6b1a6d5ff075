//! `public-ip-without-igw`: an instance or ENI with a public IPv4 address (its own setting, its
//! subnet's `map_public_ip_on_launch`, or an EIP), or an internet-facing load balancer, in a
//! subnet with no default route to an internet gateway — or whose default route goes to a NAT
//! gateway. Inbound packets arrive (the local route delivers them) but replies have no way back,
//! or leave from another address (docs/semantics.md §4, Reachability Analyzer
//! `IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS`).

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{Object, Val, WorkloadKind};

declare_rule! {
    pub struct PublicIpWithoutIgw {
        id: "public-ip-without-igw",
        category: Reachability,
        default_severity: Error,
        summary: "something with a public IP sits in a subnet that does not route to an internet gateway",
    }
}

impl Rule for PublicIpWithoutIgw {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            let Object::Workload(w) = &r.obj else { continue };
            if r.is_data() || !w.in_vpc {
                continue;
            }
            let is_lb = matches!(w.kind, WorkloadKind::LoadBalancer(_) | WorkloadKind::ClassicLoadBalancer);
            if !is_lb && !matches!(w.kind, WorkloadKind::Instance | WorkloadKind::NetworkInterface) {
                continue;
            }
            if is_lb && w.internal != Val::Known(false) {
                continue;
            }
            let Some(subnets) = facts::workload_subnets(w) else { continue };
            let mut bad: Vec<(crate::model::ResId, crate::model::ResId, String)> = Vec::new();
            for subnet in subnets {
                let Some(s) = net.res(subnet).obj.subnet() else { continue };
                if net.res(subnet).is_data() {
                    continue;
                }
                if !is_lb && facts::has_public_ip(w, s) != Some(true) {
                    continue;
                }
                let Some((table, t)) = facts::table_of(net, s) else { continue };
                let Some(default) = facts::default_route_v4(t) else { continue };
                let why = match default.map(|d| facts::target(net, d)) {
                    None => "has no default route to an internet gateway".to_string(),
                    Some(Target::Nat(nat)) => format!(
                        "sends 0.0.0.0/0 to {}, so replies leave from the NAT's address, not the public IP",
                        net.name(nat)
                    ),
                    // An appliance or Gateway Load Balancer endpoint in front of the internet
                    // gateway (ingress routing, AWS's inspection design) may hand the traffic on
                    // to it: the path rules follow such paths, this rule does not guess.
                    Some(
                        Target::Igw(_)
                        | Target::ExternalIgw
                        | Target::Unknown
                        | Target::External
                        | Target::Missing(_)
                        | Target::Eni(_)
                        | Target::Endpoint(_),
                    ) => {
                        continue;
                    }
                    Some(other) => match other {
                        Target::Tgw(t) | Target::Peering(t) | Target::Vgw(t) => {
                            format!("sends 0.0.0.0/0 to {}, not to an internet gateway", net.name(t))
                        }
                        _ => continue,
                    },
                };
                bad.push((subnet, table, why));
            }
            let Some((subnet, table, why)) = bad.first().cloned() else { continue };
            let message = if is_lb {
                format!(
                    "internet-facing load balancer {} uses {}, whose route table {} {why}: clients cannot reach it",
                    net.name(id),
                    net.name(subnet),
                    net.name(table)
                )
            } else {
                format!(
                    "{} has a public IP address but its subnet {} uses route table {}, which {why}: nothing from the internet gets an answer",
                    net.name(id),
                    net.name(subnet),
                    net.name(table)
                )
            };
            let mut resources = vec![id];
            for (s, t, _) in &bad {
                resources.push(*s);
                resources.push(*t);
            }
            resources.dedup();
            out.push(Draft {
                message,
                resources,
                attribute: Some(if is_lb { "subnets" } else { "subnet_id" }),
                help: if is_lb {
                    "place internet-facing load balancers only in public subnets (0.0.0.0/0 → internet gateway), or make it internal".into()
                } else {
                    "put it in a public subnet (0.0.0.0/0 → internet gateway), or drop the public IP and reach the internet through a NAT gateway".into()
                },
                ..Draft::default()
            });
        }
    }

    /// No route to an internet gateway explains a failure at the gateway or a route of a flow
    /// between the internet and its primary resource (or that resource's subnet); not a flow to a
    /// peer or on-premises network, nor one of another resource it names.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        matches!(failure.stage, Stage::Igw | Stage::ReturnPath | Stage::Route)
            && failure.reaches_the_internet()
            && failure.primary_is_an_end(draft)
    }
}
