//! `nat-without-igw-route`: a public NAT gateway whose own subnet has no default route to an
//! internet gateway. "You route traffic from the NAT gateway to the internet gateway for the
//! VPC" (docs/semantics.md §5): without it, nothing behind the NAT reaches the internet.

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{Object, Val};

declare_rule! {
    pub struct NatWithoutIgwRoute {
        id: "nat-without-igw-route",
        category: Reachability,
        default_severity: Error,
        summary: "a public NAT gateway sits in a subnet without a default route to an internet gateway",
    }
}

impl Rule for NatWithoutIgwRoute {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (nat, r) in net.present() {
            let Object::NatGateway(n) = &r.obj else { continue };
            if n.public != Val::Known(true) || r.is_data() {
                continue;
            }
            let Some(subnet) = n.subnet.res() else { continue };
            let Some(s) = net.res(subnet).obj.subnet() else { continue };
            if net.res(subnet).is_data() {
                continue;
            }
            let Some((table, t)) = facts::table_of(net, s) else { continue };
            let Some(default) = facts::default_route_v4(t) else { continue };
            let (why, target) = match default.map(|d| facts::target(net, d)) {
                None => ("has no default route".to_string(), None),
                Some(Target::Igw(_) | Target::ExternalIgw) => continue,
                Some(Target::Unknown | Target::External | Target::Missing(_)) => continue,
                Some(Target::Nat(other)) => (format!("sends 0.0.0.0/0 to {}", net.name(other)), Some(other)),
                Some(
                    Target::Tgw(t)
                    | Target::Peering(t)
                    | Target::Eni(t)
                    | Target::Vgw(t)
                    | Target::Endpoint(t)
                    | Target::EgressOnly(t),
                ) => (format!("sends 0.0.0.0/0 to {}", net.name(t)), Some(t)),
                Some(Target::Local) => continue,
            };
            let mut resources = vec![nat, subnet, table];
            resources.extend(target);
            out.push(Draft {
                message: format!(
                    "public {} sits in {}, whose route table {} {why}: the NAT cannot reach the internet, nor can anything behind it",
                    net.name(nat),
                    net.name(subnet),
                    net.name(table)
                ),
                resources,
                attribute: Some("subnet_id"),
                help: "place public NAT gateways in a public subnet: one whose route table sends 0.0.0.0/0 to the VPC's internet gateway".into(),
                ..Draft::default()
            });
        }
    }

    /// A NAT without a way out explains a failure of a flow that went through that NAT and then
    /// died at the NAT, a route or the internet gateway; flows of other hosts in the NAT's
    /// subnet are not its doing.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        matches!(failure.stage, Stage::Nat | Stage::Route | Stage::Igw | Stage::ReturnPath) && failure.passes_primary(draft)
    }
}
