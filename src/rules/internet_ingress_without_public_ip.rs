//! `internet-ingress-without-public-ip`: an instance whose security group admits `0.0.0.0/0`, in
//! a subnet whose default route goes to an internet gateway, that gets no public IPv4 address
//! (its subnet does not map one, the configuration does not ask for one, no Elastic IP is
//! associated with it) and can have no IPv6 address (its subnet has no IPv6 block), and that no
//! load balancer forwards to. An internet gateway only translates to and from a public address:
//! nothing from the internet can reach an instance that has none, whatever its security group
//! admits (docs/semantics.md §4).
//!
//! Every fact must be known: an unknown subnet, route, group, address setting or target
//! attachment gives no finding. `associate_public_ip_address` that the configuration does not
//! set follows the subnet's `map_public_ip_on_launch` (lowering turns the plan's unknown into
//! `Absent`), as AWS does.

use ipnet::IpNet;

use super::facts::{self, Target};
use super::{Context, Draft, Rule};
use crate::model::{Link, Network, Object, ResId, SgPeer, Val, Workload, WorkloadKind};

declare_rule! {
    pub struct InternetIngressWithoutPublicIp {
        id: "internet-ingress-without-public-ip",
        category: Reachability,
        default_severity: Warning,
        summary: "an instance admits the internet but has no public address to be reached at",
    }
}

impl Rule for InternetIngressWithoutPublicIp {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        // Whether any EIP or target attachment points somewhere the input cannot tell: then any
        // instance may have a public address or be a target, and this rule says nothing.
        if undecided_links(net) {
            return;
        }
        for (id, r) in net.present() {
            let Object::Workload(w) = &r.obj else { continue };
            // An appliance (source/destination check off) forwards traffic addressed to others: it
            // needs no address of its own.
            if r.is_data()
                || !w.in_vpc
                || w.kind != WorkloadKind::Instance
                || !w.eips.is_empty()
                || w.source_dest_check != Val::Known(true)
            {
                continue;
            }
            let Some(subnets) = facts::workload_subnets(w) else { continue };
            let [subnet] = subnets.as_slice() else { continue };
            let Some(s) = net.res(*subnet).obj.subnet() else { continue };
            // No IPv6 address: the subnet has no IPv6 block (known to be absent).
            if !s.cidr_v6.is_absent() || facts::has_public_ip(w, s) != Some(false) {
                continue;
            }
            let Some((table, t)) = facts::table_of(net, s) else { continue };
            let Some(Some(default)) = facts::default_route_v4(t) else { continue };
            if !matches!(facts::target(net, default), Target::Igw(_) | Target::ExternalIgw) {
                continue;
            }
            let Some(sg) = open_group(net, &w.security_groups) else { continue };
            if is_target(net, id) || has_own_eni(net, id, w) {
                continue;
            }
            out.push(Draft {
                message: format!(
                    "{} admits 0.0.0.0/0 through {} and its subnet {} routes to an internet gateway through {}, \
                     but it gets no public IPv4 address and no IPv6 address: nothing from the internet can reach it",
                    net.name(id),
                    net.name(sg),
                    net.name(*subnet),
                    net.name(table)
                ),
                resources: vec![id, sg, *subnet, table],
                help: "set associate_public_ip_address = true (or map_public_ip_on_launch on the subnet), associate an aws_eip, \
                       or put it behind an internet-facing load balancer; if it is meant to be private, admit only private ranges"
                    .into(),
                ..Draft::default()
            });
        }
    }
}

/// The first of the instance's groups that admits `0.0.0.0/0`, when every group is known.
fn open_group(net: &Network, groups: &Val<Vec<Link>>) -> Option<ResId> {
    let Val::Known(links) = groups else { return None };
    let mut found = None;
    for l in links {
        let Link::To(g, _) = l else { return None };
        let sg = net.res(*g).obj.security_group()?;
        let Val::Known(rules) = &sg.ingress else { continue };
        let open = rules.iter().any(|r| matches!(&r.peer, SgPeer::Cidr(Val::Known(IpNet::V4(c))) if c.prefix_len() == 0));
        if open && found.is_none() {
            found = Some(*g);
        }
    }
    found
}

/// Whether a target group attachment registers the instance.
fn is_target(net: &Network, id: ResId) -> bool {
    net.present().any(|(_, r)| matches!(&r.obj, Object::TargetAttachment(a) if a.target.res() == Some(id)))
}

/// Whether the instance may sit on a network interface of the input (attached to it, or the
/// interface its `network_interface` block names, whose subnet and groups lowering folded into
/// the instance): its addresses, an EIP and the source/destination check are the interface's,
/// so this rule says nothing.
fn has_own_eni(net: &Network, id: ResId, instance: &Workload) -> bool {
    net.present().any(|(_, r)| {
        matches!(&r.obj, Object::Workload(e) if e.kind == WorkloadKind::NetworkInterface
            && (e.attached_to.res() == Some(id)
                || (links_of(&e.subnets) == links_of(&instance.subnets)
                    && links_of(&e.security_groups) == links_of(&instance.security_groups))))
    })
}

/// The resources a list of links resolves to.
fn links_of(links: &Val<Vec<Link>>) -> Option<Vec<ResId>> {
    links.known().map(|v| v.iter().filter_map(Link::res).collect())
}

/// Whether an Elastic IP or a target group attachment points at something the input cannot
/// resolve (an unknown id).
fn undecided_links(net: &Network) -> bool {
    let unknown = |l: &Link| matches!(l, Link::Unknown(_));
    net.present().any(|(_, r)| match &r.obj {
        Object::Eip(e) => unknown(&e.instance) || unknown(&e.eni),
        Object::EipAssociation(a) => unknown(&a.instance) || unknown(&a.eni),
        Object::TargetAttachment(a) => unknown(&a.target),
        _ => false,
    })
}
