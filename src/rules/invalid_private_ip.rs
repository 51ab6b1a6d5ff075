//! `invalid-private-ip`: an instance or network interface given a private IPv4 address that is
//! outside its subnet or one of the five addresses AWS reserves in every subnet (network, +1
//! router, +2 DNS, +3 future use, broadcast). AWS rejects it at apply (docs/semantics.md §9,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).

use std::net::IpAddr;

use super::paths::FailureView;
use super::{Context, Draft, Rule, facts};
use crate::model::{Object, Val};

declare_rule! {
    pub struct InvalidPrivateIp {
        id: "invalid-private-ip",
        category: Addressing,
        default_severity: Error,
        summary: "a private IP is outside its subnet or one of the five addresses AWS reserves",
    }
}

impl Rule for InvalidPrivateIp {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            let Object::Workload(w) = &r.obj else { continue };
            if r.is_data() {
                continue;
            }
            let Val::Known(ips) = &w.private_ips else { continue };
            let Some(subnets) = facts::workload_subnets(w) else { continue };
            let [subnet] = subnets.as_slice() else { continue };
            let Some(Val::Known(cidr)) = net.res(*subnet).obj.subnet().map(|s| s.cidr_v4.clone()) else { continue };
            for ip in ips {
                let IpAddr::V4(v4) = ip else { continue };
                let why = if !cidr.contains(v4) {
                    format!("is outside {} ({cidr})", net.name(*subnet))
                } else {
                    let offset = u32::from(*v4) - u32::from(cidr.network());
                    let last = u32::from(cidr.broadcast()) - u32::from(cidr.network());
                    match offset {
                        0 => "is the network address of the subnet, which AWS reserves".to_string(),
                        1 => "is reserved by AWS for the VPC router (subnet base + 1)".to_string(),
                        2 => "is reserved by AWS for DNS (subnet base + 2)".to_string(),
                        3 => "is reserved by AWS for future use (subnet base + 3)".to_string(),
                        o if o == last => "is the broadcast address of the subnet, which AWS reserves".to_string(),
                        _ => continue,
                    }
                };
                out.push(Draft {
                    message: format!("private ip {ip} of {} {why}", net.name(id)),
                    resources: vec![id, *subnet],
                    attribute: Some(if net.res(id).rtype == "aws_instance" { "private_ip" } else { "private_ips" }),
                    key: vec![ip.to_string()],
                    help: format!(
                        "pick an address from {} to {} (the first four and the last address of {cidr} are reserved)",
                        first_usable(cidr),
                        last_usable(cidr)
                    ),
                    ..Draft::default()
                });
            }
        }
    }

    /// A subnet that will not be created, or an address it cannot hold, explains the failures of
    /// the flows from and to it (and its subnet): its primary resource only, not the subnet it
    /// overlaps or the VPC it names (issue 12, item 3).
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.primary_is_an_end(draft)
    }
}

fn first_usable(c: ipnet::Ipv4Net) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(u32::from(c.network()).saturating_add(4))
}

fn last_usable(c: ipnet::Ipv4Net) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(u32::from(c.broadcast()).saturating_sub(1))
}
