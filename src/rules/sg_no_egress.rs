//! `sg-no-egress`: a security group that Terraform creates (or adopts as default) with no egress
//! rule at all, attached to something that must open connections. Terraform removes AWS's
//! default allow-all egress rule when it creates a group (docs/semantics.md §2.3), so "no egress block"
//! means "no egress": instances cannot reach anything, and a load balancer cannot reach its
//! targets (docs/semantics.md §13).

use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{GroupKind, Link, Network, Object, ResId, Val, WorkloadKind};

declare_rule! {
    pub struct SgNoEgress {
        id: "sg-no-egress",
        category: Reachability,
        default_severity: Error,
        summary: "a security group with no egress rule protects something that must open connections",
    }
}

impl Rule for SgNoEgress {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (sg, r) in net.present() {
            let Object::SecurityGroup(g) = &r.obj else { continue };
            if !matches!(g.kind, GroupKind::Custom | GroupKind::AdoptedDefault) || !super::facts::managed(net, sg) {
                continue;
            }
            let Val::Known(egress) = &g.egress else { continue };
            // A separate egress rule whose group could not be linked may be this group's.
            if !egress.is_empty() || g.maybe_rules.iter().any(|m| m.0) {
                continue;
            }
            let users = users(net, sg);
            let Some((user, why)) = users.into_iter().next() else { continue };
            out.push(Draft {
                message: format!(
                    "{} has no egress rule, so {} cannot open any connection ({why}); Terraform removes AWS's default allow-all egress rule",
                    net.name(sg),
                    net.name(user)
                ),
                resources: vec![sg, user],
                help: "add the egress the workload needs, e.g. an aws_vpc_security_group_egress_rule to its destinations (or ip_protocol = \"-1\" to 0.0.0.0/0 for the old default)".into(),
                ..Draft::default()
            });
        }
    }

    /// A group without egress explains a failure at security group egress of the flows that a
    /// workload it protects opens (the source), not of flows toward that workload.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.stage == Stage::SgEgress && failure.names_the_source(draft)
    }
}

/// Workloads the group protects that must open connections, with the reason. A workload with
/// another group that has (or may have) egress rules is fine: groups are unioned.
fn users(net: &Network, sg: ResId) -> Vec<(ResId, String)> {
    let mut out = Vec::new();
    for (id, r) in net.present() {
        let Object::Workload(w) = &r.obj else { continue };
        let Val::Known(groups) = &w.security_groups else { continue };
        if !groups.iter().any(|l| l.res() == Some(sg)) {
            continue;
        }
        let all_without_egress = groups.iter().all(|l| match l {
            Link::To(g, _) => net.res(*g).obj.security_group().is_some_and(|g| {
                g.egress.known().is_some_and(Vec::is_empty) && !g.maybe_rules.iter().any(|m| m.0)
            }),
            _ => false,
        });
        if !all_without_egress {
            continue;
        }
        match &w.kind {
            WorkloadKind::LoadBalancer(crate::model::LbType::Application) | WorkloadKind::ClassicLoadBalancer
                if has_targets(net, id) =>
            {
                out.push((id, "a load balancer connects to its targets".to_string()));
            }
            WorkloadKind::Instance | WorkloadKind::Lambda | WorkloadKind::Generic if routes_beyond_local(net, w) => {
                out.push((id, "its subnet routes beyond the VPC".to_string()));
            }
            WorkloadKind::NetworkInterface if w.attached_to.res().is_some() && routes_beyond_local(net, w) => {
                out.push((id, "its subnet routes beyond the VPC".to_string()));
            }
            _ => {}
        }
    }
    out
}

fn has_targets(net: &Network, lb: ResId) -> bool {
    net.present().any(|(_, r)| match &r.obj {
        Object::Listener(l) if l.lb.res() == Some(lb) => match &l.target_groups {
            Val::Known(tgs) => tgs.iter().filter_map(Link::res).any(|tg| {
                net.present().any(|(_, a)| match &a.obj {
                    Object::TargetAttachment(t) => t.target_group.res() == Some(tg),
                    // ECS services and autoscaling groups register themselves.
                    Object::Workload(w) => w.target_groups.iter().any(|(g, _)| g.res() == Some(tg)),
                    _ => false,
                })
            }),
            _ => false,
        },
        _ => false,
    })
}

/// True when some subnet of the workload has a route besides `local`.
fn routes_beyond_local(net: &Network, w: &crate::model::Workload) -> bool {
    let Some(subnets) = super::facts::workload_subnets(w) else { return false };
    subnets.iter().any(|s| {
        net.res(*s)
            .obj
            .subnet()
            .and_then(|s| super::facts::table_of(net, s))
            .and_then(|(_, t)| super::facts::routes(t))
            .is_some_and(|routes| !routes.is_empty())
    })
}
