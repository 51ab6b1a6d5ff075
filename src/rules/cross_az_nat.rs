//! `cross-az-nat`: a subnet whose route table sends traffic to a NAT gateway (or a NAT
//! instance / ENI) in another availability zone. Each GB then crosses AZs (billed at both ends,
//! docs/semantics.md §10) and an outage of the NAT's AZ cuts the subnet off (docs/semantics.md §5:
//! "Each NAT gateway is created in a specific Availability Zone").

use super::facts::{self, Target};
use super::{Context, Draft, Rule};
use crate::model::{Object, ResId};

declare_rule! {
    pub struct CrossAzNat {
        id: "cross-az-nat",
        category: Cost,
        default_severity: Warning,
        summary: "a subnet sends traffic through a NAT gateway (or NAT instance) in another availability zone",
    }
}

impl Rule for CrossAzNat {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        let prices = ctx.settings.prices();
        for (id, r) in net.present() {
            let Object::Subnet(s) = &r.obj else { continue };
            if r.is_data() {
                continue;
            }
            let Some(az) = facts::subnet_az(s) else { continue };
            let Some((table, t)) = facts::table_of(net, s) else { continue };
            let Some(routes) = facts::routes(t) else { continue };
            // (destination, NAT, NAT's AZ) of every route to a NAT in another AZ.
            let mut far: Vec<(String, ResId, String)> = Vec::new();
            let mut decided_by = Vec::new();
            for route in routes {
                let nat = match facts::target(net, route) {
                    Target::Nat(n) => n,
                    // A NAT instance or appliance ENI (source/destination check off).
                    Target::Eni(e) if is_nat_instance(net, e) => e,
                    _ => continue,
                };
                let Some(nat_az) = facts::az_of(net, nat) else { continue };
                if nat_az != az && !far.iter().any(|(_, n, _)| *n == nat) {
                    let dest = facts::dest_text(&route.dest);
                    let attribute = match (route.inline_index.is_some(), net.res(nat).obj.workload().is_some()) {
                        (false, false) => "nat_gateway_id",
                        (false, true) => "network_interface_id",
                        (true, false) => "route.nat_gateway_id",
                        (true, true) => "route.network_interface_id",
                    };
                    let key = if route.inline_index.is_some() { vec![dest.clone()] } else { Vec::new() };
                    decided_by.push((route.source, attribute, key));
                    far.push((dest, nat, nat_az.to_string()));
                }
            }
            if far.is_empty() {
                continue;
            }
            // Which table the subnet uses is decided by its association.
            if let Some(a) = s.route_table_association {
                decided_by.push((a, "route_table_id", Vec::new()));
            }
            let (dest, nat, nat_az) = &far[0];
            let per_gb = prices.inter_az_gb * 2.0;
            let mut message = format!(
                "{} in {az} sends {dest} through {} in {nat_az}: every GB that crosses availability zones costs \
                 {} more ({} at each end) on top of NAT processing, and an outage of {nat_az} cuts this subnet off",
                net.name(id),
                net.name(*nat),
                facts::usd(per_gb),
                facts::usd(prices.inter_az_gb),
            );
            for (d, n, a) in &far[1..] {
                message.push_str(&format!("; it also sends {d} through {} in {a}", net.name(*n)));
            }
            let mut resources = vec![id, table];
            resources.extend(far.iter().map(|(_, n, _)| *n));
            out.push(Draft {
                message,
                resources,
                key: far.iter().map(|(_, n, _)| net.name(*n).to_string()).collect(),
                help: format!(
                    "give each AZ its own NAT gateway and route {az}'s subnets to the one in {az} \
                     (one route table per AZ), or accept the cost and the shared failure domain"
                ),
                decided_by,
                ..Draft::default()
            });
        }
    }
}

/// An instance or ENI that forwards traffic (source/destination check off).
fn is_nat_instance(net: &crate::model::Network, id: ResId) -> bool {
    net.res(id).obj.workload().is_some_and(|w| w.source_dest_check == crate::model::Val::Known(false))
}
