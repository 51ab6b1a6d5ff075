//! `public-subnet-without-igw`: a subnet that gives every instance a public IPv4 address
//! (`map_public_ip_on_launch = true`) but whose route table has no default route to an internet
//! gateway. The addresses are useless: nothing launched there can use them (docs/semantics.md §4).
//! When a workload in the subnet already gets `public-ip-without-igw`, that finding covers the
//! defect and this rule stays silent (one defect, one finding).

use super::facts::{self, Target};
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{Object, WorkloadKind};

declare_rule! {
    pub struct PublicSubnetWithoutIgw {
        id: "public-subnet-without-igw",
        category: Reachability,
        default_severity: Warning,
        summary: "a subnet maps public IPs on launch but does not route to an internet gateway",
    }
}

impl Rule for PublicSubnetWithoutIgw {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            let Object::Subnet(s) = &r.obj else { continue };
            if !facts::managed(net, id) || s.is_default || s.map_public_ip.known() != Some(&true) {
                continue;
            }
            let Some((table, t)) = facts::table_of(net, s) else { continue };
            let Some(default) = facts::default_route_v4(t) else { continue };
            let why = match default.map(|d| facts::target(net, d)) {
                None => "has no default route".to_string(),
                Some(Target::Nat(n)) => format!("sends 0.0.0.0/0 to {}", net.name(n)),
                Some(Target::Tgw(x) | Target::Peering(x) | Target::Eni(x) | Target::Vgw(x) | Target::Endpoint(x)) => {
                    format!("sends 0.0.0.0/0 to {}", net.name(x))
                }
                _ => continue,
            };
            // A workload with a public IP here is reported by public-ip-without-igw.
            let claimed = net.present().any(|(_, w)| match &w.obj {
                Object::Workload(w) if matches!(w.kind, WorkloadKind::Instance | WorkloadKind::NetworkInterface) => {
                    facts::workload_subnets(w).is_some_and(|v| v.contains(&id))
                        && facts::has_public_ip(w, s) == Some(true)
                }
                _ => false,
            });
            if claimed {
                continue;
            }
            out.push(Draft {
                message: format!(
                    "{} gives instances public IP addresses (map_public_ip_on_launch = true), but its route table {} {why}: the addresses cannot reach or be reached from the internet",
                    net.name(id),
                    net.name(table)
                ),
                resources: vec![id, table],
                attribute: Some("map_public_ip_on_launch"),
                help: "route 0.0.0.0/0 to an internet gateway from this subnet's table, or set map_public_ip_on_launch = false for a private subnet".into(),
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
