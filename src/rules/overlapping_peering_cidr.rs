//! `overlapping-peering-cidr`: VPCs joined by a peering connection, or by one transit gateway
//! that routes between them, with overlapping CIDR blocks (range intersection; primary and
//! secondary blocks; IPv6 too). AWS refuses such a peering connection (docs/semantics.md §6: "you can't
//! create a VPC peering connection if any of the CIDR blocks overlap"); a transit gateway accepts
//! it but routing to the overlap is ambiguous (docs/semantics.md §7).

use std::collections::BTreeSet;

use ipnet::IpNet;

use super::facts;
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::finding::Severity;
use crate::model::{AttachmentKind, Link, Network, Object, ResId, Val};

declare_rule! {
    pub struct OverlappingPeeringCidr {
        id: "overlapping-peering-cidr",
        category: Routing,
        default_severity: Error,
        summary: "VPCs joined by a peering connection or a transit gateway have overlapping CIDR blocks",
    }
}

impl Rule for OverlappingPeeringCidr {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            let Object::Peering(p) = &r.obj else { continue };
            let (Some(a), Some(b)) = (p.requester.res(), p.accepter.res()) else { continue };
            if a == b {
                continue;
            }
            if let Some(pairs) = overlapping(net, a, b) {
                out.push(Draft {
                    message: format!(
                        "{} joins {} and {}, whose cidr blocks overlap ({}); AWS rejects the peering connection",
                        net.name(id),
                        net.name(a),
                        net.name(b),
                        pairs
                    ),
                    resources: vec![id, a, b],
                    help: "peer only VPCs with disjoint address ranges: renumber one VPC (or the overlapping secondary block)"
                        .into(),
                    ..Draft::default()
                });
            }
        }
        transit_gateways(net, out);
    }

    /// Overlapping blocks explain a drop at the connection or attachment the draft names, and a
    /// routing drop of a flow between the two overlapping VPCs.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.names_the_decider(draft) || (failure.at_routing() && failure.joins_named_vpcs(draft))
    }
}

/// Overlapping block pairs as text, None when there are none or a block is unknown.
fn overlapping(net: &Network, a: ResId, b: ResId) -> Option<String> {
    let ca = facts::vpc_cidrs(net, a)?;
    let cb = facts::vpc_cidrs(net, b)?;
    let pairs: Vec<String> =
        ca.iter().flat_map(|x| cb.iter().filter(move |y| facts::overlaps(x, y)).map(move |y| pair(x, y))).collect();
    (!pairs.is_empty()).then(|| pairs.join(", "))
}

fn pair(x: &IpNet, y: &IpNet) -> String {
    if x == y { format!("{x} twice") } else { format!("{x} and {y}") }
}

/// VPC attachments of one TGW whose VPCs overlap, where a TGW route table associated with one
/// of them routes (statically or by propagation) to the other.
fn transit_gateways(net: &Network, out: &mut Vec<Draft>) {
    // (attachment, tgw, vpc) of every VPC attachment with both links resolved.
    let mut atts: Vec<(ResId, ResId, ResId)> = Vec::new();
    for (id, r) in net.present() {
        if let Object::TgwAttachment(a) = &r.obj
            && let AttachmentKind::Vpc { vpc, .. } = &a.kind
            && let (Some(t), Some(v)) = (a.tgw.res(), vpc.res())
        {
            atts.push((id, t, v));
        }
    }
    let mut seen: BTreeSet<(ResId, ResId)> = BTreeSet::new();
    for (i, x) in atts.iter().enumerate() {
        for y in &atts[i + 1..] {
            if x.1 != y.1 || x.2 == y.2 {
                continue;
            }
            // The CIDR test first: it is cheap, and rarely true. `routes_to` scans the whole
            // network, and there are as many pairs as attachments squared.
            let Some(pairs) = overlapping(net, x.2, y.2) else { continue };
            let routed = routes_to(net, x.0, y.0) || routes_to(net, y.0, x.0);
            if !routed {
                continue;
            }
            let (first, later) = if super::natural_cmp(net.name(x.0), net.name(y.0)).is_le() { (x, y) } else { (y, x) };
            if !seen.insert((later.0, first.0)) {
                continue;
            }
            out.push(Draft {
                message: format!(
                    "{} and {} attach {} and {} to {}, and their cidr blocks overlap ({}): routes to the overlap are ambiguous",
                    net.name(later.0),
                    net.name(first.0),
                    net.name(later.2),
                    net.name(first.2),
                    net.name(x.1),
                    pairs
                ),
                resources: vec![later.0, first.0, later.2, first.2, x.1],
                help: "give VPCs that share a transit gateway route domain disjoint ranges, or separate them with TGW route tables that do not route between them".into(),
                case_severity: Some(Severity::Warning),
                ..Draft::default()
            });
        }
    }
}

/// Does a TGW route table associated with `from` hold a route (static or propagated) to `to`?
/// Unknown associations count as "no" (silence over guessing).
fn routes_to(net: &Network, from: ResId, to: ResId) -> bool {
    let tables = associated_tables(net, from);
    tables.iter().any(|t| {
        propagates(net, to, *t)
            || net.present().any(|(_, r)| {
                matches!(&r.obj, Object::TgwRoute(route)
                    if route.table.res() == Some(*t) && route.attachment.res() == Some(to) && route.blackhole != Val::Known(true))
            })
    })
}

/// TGW route tables associated with an attachment: explicit associations, else the TGW's
/// default table when default association is on for both.
pub(crate) fn associated_tables(net: &Network, att: ResId) -> Vec<ResId> {
    let explicit: Vec<ResId> = net
        .present()
        .filter_map(|(_, r)| match &r.obj {
            Object::TgwAssociation(l) if l.attachment.res() == Some(att) => l.table.res(),
            _ => None,
        })
        .collect();
    if !explicit.is_empty() {
        return explicit;
    }
    default_table_if(net, att, |a, g| {
        a.default_association == Val::Known(true) && g.default_association == Val::Known(true)
    })
}

/// Does `att` propagate into `table` (explicitly, or by default propagation into the default
/// table)?
pub(crate) fn propagates(net: &Network, att: ResId, table: ResId) -> bool {
    let explicit = net.present().any(|(_, r)| {
        matches!(&r.obj, Object::TgwPropagation(l) if l.attachment.res() == Some(att) && l.table.res() == Some(table))
    });
    explicit
        || default_table_if(net, att, |a, g| {
            a.default_propagation == Val::Known(true) && g.default_propagation == Val::Known(true)
        })
        .contains(&table)
}

fn default_table_if(
    net: &Network,
    att: ResId,
    on: impl Fn(&crate::model::TgwAttachment, &crate::model::TransitGateway) -> bool,
) -> Vec<ResId> {
    let Some(a) = net.res(att).obj.tgw_attachment() else { return Vec::new() };
    let Link::To(tgw, _) = a.tgw else { return Vec::new() };
    let Some(g) = net.res(tgw).obj.transit_gateway() else { return Vec::new() };
    match g.default_table {
        Some(t) if on(a, g) => vec![t],
        _ => Vec::new(),
    }
}
