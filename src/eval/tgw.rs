//! Transit gateways: attachments, the route table associated with the ingress attachment,
//! static and propagated routes, blackholes (docs/semantics.md §7, TGW how-transit-gateways-work.md).
//!
//! * **Association** picks the table used for packets *arriving from* an attachment: an explicit
//!   `aws_ec2_transit_gateway_route_table_association`, else the TGW's default table when both the
//!   TGW (`default_route_table_association = "enable"`) and the attachment
//!   (`transit_gateway_default_route_table_association`, default true) say so. No association:
//!   RA `TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION`.
//! * **Propagation** installs an attachment's CIDRs *in* a table: explicit propagation resources, or
//!   the default table under the same two flags. A VPC attachment propagates its VPC's CIDRs; a VPN
//!   attachment the on-premises CIDRs the configuration declares (BGP may announce more).
//! * Lookup: longest prefix; on the same prefix static beats propagated (VPC > VPN); explicit
//!   `blackhole = true` routes drop traffic (RA `TGW_RTB_BAD_STATE_ROUTE`); no match drops it
//!   (`TGW_RTB_CANNOT_ROUTE`).
//! * Peering attachments pair a requester on one TGW with an accepter on the other; a packet sent
//!   through one arrives on the other TGW as if from the paired attachment.
//! * The AZ rule (an attachment subnet in the source AZ, `TGW_ROUTE_AZ_RESTRICTION`) and the NACL
//!   rules of attachment subnets (§3.3) are applied by the walker.

use std::collections::HashMap;

use ipnet::IpNet;

use super::route::restrict_dst;
use super::sets::{Family, IpSet, PacketSet};
use crate::model::{AttachmentKind, Link, Network, Object, ResId, Val};

/// What an attachment connects.
#[derive(Debug, Clone)]
pub(crate) enum AttKind {
    /// A VPC, through one subnet per AZ.
    Vpc {
        /// The VPC.
        vpc: Option<ResId>,
        /// The attachment subnets, when known.
        subnets: Option<Vec<ResId>>,
        /// `security_group_referencing_support` of the attachment.
        sg_referencing: Val<bool>,
    },
    /// A peering attachment; packets sent through it arrive on `peer_tgw` from `peer_att`.
    Peering {
        /// The paired attachment on the other TGW.
        peer_att: Option<ResId>,
        /// The other TGW.
        peer_tgw: Option<ResId>,
    },
    /// A VPN connection attached to the TGW.
    Vpn,
}

/// Which table an attachment is associated with.
#[derive(Debug, Clone)]
pub(crate) enum Assoc {
    /// This table.
    Table(ResId),
    /// None (why).
    None(String),
    /// Not known until apply (why).
    Unknown(String),
}

/// A transit gateway attachment.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    /// Its TGW.
    pub tgw: Option<ResId>,
    /// What it connects.
    pub kind: AttKind,
    /// Its association.
    pub assoc: Assoc,
}

/// Where a TGW route sends packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TgwTarget {
    /// An attachment.
    Attachment(ResId),
    /// Dropped (why).
    Blackhole(String),
    /// Cannot be decided (why).
    Undetermined(String),
}

/// One TGW route.
#[derive(Debug, Clone)]
pub(crate) struct TgwEntry {
    dest: IpSet,
    prefix: u8,
    family: Family,
    rank: u8,
    /// Target.
    pub target: TgwTarget,
    /// `10.11.0.0/16 -> aws_ec2_transit_gateway_vpc_attachment.app (static)`.
    pub text: String,
}

/// A TGW route table.
#[derive(Debug, Clone, Default)]
pub(crate) struct TgwTable {
    /// Routes, longest prefix first.
    pub entries: Vec<TgwEntry>,
    /// Families whose routes are partly unknown (why).
    pub maybe: Vec<(Family, String)>,
    /// A BGP VPN propagates into this table (why).
    pub bgp: Option<String>,
}

/// A transit gateway's settings.
#[derive(Debug, Clone)]
pub(crate) struct TgwInfo {
    /// Security group referencing support.
    pub sg_referencing: Val<bool>,
}

/// Everything about transit gateways.
#[derive(Debug, Clone, Default)]
pub(crate) struct TgwIndex {
    /// Attachments (VPC, peering, accepter, VPN connections attached to a TGW).
    pub atts: HashMap<ResId, Attachment>,
    /// Route tables.
    pub tables: HashMap<ResId, TgwTable>,
    /// TGWs.
    pub tgws: HashMap<ResId, TgwInfo>,
    /// VPC attachments by (TGW, VPC), sorted.
    pub vpc_atts: HashMap<(ResId, ResId), Vec<ResId>>,
    /// VPC attachments whose TGW or VPC is not known until apply: (TGW when known, VPC when
    /// known, the attachment). Any of them may attach any VPC to any TGW of its unknown side.
    pub uncertain_vpc_atts: Vec<(Option<ResId>, Option<ResId>, ResId)>,
}

const RANK_STATIC: u8 = 0;
const RANK_VPC: u8 = 1;
const RANK_VPN: u8 = 4;

/// The result of a lookup.
#[derive(Debug, Default)]
pub(crate) struct TgwLookup {
    /// Parts and the entry that routes them.
    pub hits: Vec<(usize, PacketSet)>,
    /// No route.
    pub none: PacketSet,
    /// Undetermined parts.
    pub undetermined: Vec<(String, PacketSet)>,
}

/// A TGW's default association, default propagation and default table.
type Defaults = (Val<bool>, Val<bool>, Option<ResId>);

/// Builds the index. `vpc_blocks`: known CIDR blocks per VPC and whether a v4/v6 block is unknown.
pub(crate) fn build(net: &Network, vpc_blocks: &HashMap<ResId, (Vec<IpNet>, bool, bool)>) -> TgwIndex {
    let mut ix = TgwIndex::default();
    let mut defaults: HashMap<ResId, Defaults> = HashMap::new();
    for (id, r) in net.present() {
        if let Object::TransitGateway(t) = &r.obj {
            ix.tgws.insert(id, TgwInfo { sg_referencing: t.sg_referencing.clone() });
            defaults.insert(id, (t.default_association.clone(), t.default_propagation.clone(), t.default_table));
            if let Some(d) = t.default_table {
                ix.tables.entry(d).or_default();
            }
        }
        if let Object::TgwRouteTable(_) = &r.obj {
            ix.tables.entry(id).or_default();
        }
    }
    // Attachments and their default flags.
    let mut flags: HashMap<ResId, (Val<bool>, Val<bool>)> = HashMap::new();
    for (id, r) in net.present() {
        match &r.obj {
            Object::TgwAttachment(a) => {
                let (tgw, kind) = match &a.kind {
                    AttachmentKind::Vpc { vpc, subnets, sg_referencing, .. } => {
                        if matches!(vpc, Link::Unknown(_)) || matches!(a.tgw, Link::Unknown(_)) {
                            ix.uncertain_vpc_atts.push((a.tgw.res(), vpc.res(), id));
                        }
                        let subnets = match subnets {
                            Val::Known(list) => list.iter().map(Link::res).collect::<Option<Vec<_>>>(),
                            _ => None,
                        };
                        (a.tgw.res(), AttKind::Vpc { vpc: vpc.res(), subnets, sg_referencing: sg_referencing.clone() })
                    }
                    AttachmentKind::Peering { peer, .. } => {
                        let peer_att = net.present().find_map(|(o, r)| match &r.obj {
                            Object::TgwAttachment(x) => match &x.kind {
                                AttachmentKind::PeeringAccepter { attachment } if attachment.res() == Some(id) => {
                                    Some(o)
                                }
                                _ => None,
                            },
                            _ => None,
                        });
                        (a.tgw.res(), AttKind::Peering { peer_att, peer_tgw: peer.res() })
                    }
                    // Not an attachment of its own: its flags are folded into the attachment.
                    AttachmentKind::VpcAccepter { .. } => continue,
                    AttachmentKind::PeeringAccepter { attachment } => {
                        let requester = attachment.res();
                        let (peer_tgw, own_tgw) = match requester.map(|q| &net.res(q).obj) {
                            Some(Object::TgwAttachment(q)) => match &q.kind {
                                AttachmentKind::Peering { peer, .. } => (q.tgw.res(), peer.res()),
                                _ => (None, None),
                            },
                            _ => (None, None),
                        };
                        (a.tgw.res().or(own_tgw), AttKind::Peering { peer_att: requester, peer_tgw })
                    }
                    AttachmentKind::Unknown => {
                        ix.uncertain_vpc_atts.push((a.tgw.res(), None, id));
                        (a.tgw.res(), AttKind::Vpc { vpc: None, subnets: None, sg_referencing: Val::Unknown })
                    }
                };
                flags.insert(id, (a.default_association.clone(), a.default_propagation.clone()));
                ix.atts.insert(id, Attachment { tgw, kind, assoc: Assoc::None(String::new()) });
            }
            Object::VpnConnection(v) if v.tgw.res().is_some() => {
                flags.insert(id, (Val::Known(true), Val::Known(true)));
                ix.atts
                    .insert(id, Attachment { tgw: v.tgw.res(), kind: AttKind::Vpn, assoc: Assoc::None(String::new()) });
            }
            _ => {}
        }
    }
    // Explicit associations and propagations.
    let mut explicit: HashMap<ResId, Vec<ResId>> = HashMap::new();
    let mut unknown_assoc_tgws: Vec<Option<ResId>> = Vec::new();
    let mut propagations: Vec<(ResId, ResId)> = Vec::new();
    for (_, r) in net.present() {
        match &r.obj {
            Object::TgwAssociation(l) => match (l.attachment.res(), l.table.res()) {
                (Some(a), Some(t)) => explicit.entry(a).or_default().push(t),
                (None, t) => unknown_assoc_tgws.push(t.and_then(|t| table_tgw(net, t))),
                (Some(a), None) => explicit.entry(a).or_default().push(ResId(u32::MAX)),
            },
            Object::TgwPropagation(l) => match (l.attachment.res(), l.table.res()) {
                (Some(a), Some(t)) => propagations.push((t, a)),
                (_, Some(t)) => {
                    let why = "a propagation into this table names an attachment unknown until apply".to_string();
                    let entry = ix.tables.entry(t).or_default();
                    entry.maybe.push((Family::V4, why.clone()));
                    entry.maybe.push((Family::V6, why));
                }
                (_, None) => {
                    for t in ix.tables.values_mut() {
                        t.maybe.push((Family::V4, "a propagation's route table is unknown until apply".into()));
                    }
                }
            },
            _ => {}
        }
    }
    let att_ids: Vec<ResId> = ix.atts.keys().copied().collect();
    for a in att_ids {
        let tgw = ix.atts[&a].tgw;
        let (default_assoc, default_prop, default_table) =
            tgw.and_then(|t| defaults.get(&t).cloned()).unwrap_or((Val::Unknown, Val::Unknown, None));
        let (att_assoc, att_prop) = flags.get(&a).cloned().unwrap_or((Val::Unknown, Val::Unknown));
        let assoc = match explicit.get(&a).map(Vec::as_slice) {
            Some([t]) if t.0 != u32::MAX => Assoc::Table(*t),
            Some([_]) => Assoc::Unknown("the association's route table is unknown until apply".into()),
            Some(_) => Assoc::Unknown("associated with several route tables".into()),
            None if unknown_assoc_tgws.iter().any(|t| t.is_none() || *t == tgw) => {
                Assoc::Unknown("an association whose attachment is unknown until apply may name it".into())
            }
            None => match (&default_assoc, &att_assoc, default_table) {
                (Val::Known(true), Val::Known(true), Some(d)) => Assoc::Table(d),
                (Val::Known(false), _, _) => {
                    Assoc::None("the transit gateway does not associate attachments with a default route table".into())
                }
                (_, Val::Known(false), _) => {
                    Assoc::None("default association is disabled and no route table association names it".into())
                }
                _ => Assoc::Unknown(
                    "whether it is associated with the default route table is unknown until apply".into(),
                ),
            },
        };
        if let Some(att) = ix.atts.get_mut(&a) {
            att.assoc = assoc;
        }
        if let (Val::Known(true), Val::Known(true), Some(d)) = (&default_prop, &att_prop, default_table)
            && !matches!(ix.atts[&a].kind, AttKind::Peering { .. })
        {
            propagations.push((d, a));
        }
    }
    // Propagated routes.
    for (t, a) in propagations {
        let Some(att) = ix.atts.get(&a).cloned() else { continue };
        let table = ix.tables.entry(t).or_default();
        match &att.kind {
            AttKind::Vpc { vpc: Some(v), .. } => {
                let (nets, v4u, v6u) = vpc_blocks.get(v).cloned().unwrap_or_default();
                for n in nets {
                    table.entries.push(entry(
                        n,
                        RANK_VPC,
                        TgwTarget::Attachment(a),
                        format!("{n} -> {} (propagated)", net.name(a)),
                    ));
                }
                if v4u {
                    table
                        .maybe
                        .push((Family::V4, format!("a CIDR propagated by {} is unknown until apply", net.name(a))));
                }
                if v6u {
                    table.maybe.push((
                        Family::V6,
                        format!("an IPv6 CIDR propagated by {} is unknown until apply", net.name(a)),
                    ));
                }
            }
            AttKind::Vpc { vpc: None, .. } => {
                table.maybe.push((Family::V4, format!("the VPC of {} is not known", net.name(a))));
            }
            AttKind::Vpn => {
                if let Object::VpnConnection(vc) = &net.res(a).obj {
                    if vc.static_routes_only != Val::Known(true) {
                        table.bgp = Some(format!(
                            "{} (BGP) may announce routes the configuration does not declare",
                            net.name(a)
                        ));
                    }
                    for c in &vc.remote_cidrs {
                        if let Val::Known(n) = c {
                            table.entries.push(entry(
                                *n,
                                RANK_VPN,
                                TgwTarget::Attachment(a),
                                format!("{n} -> {} (propagated)", net.name(a)),
                            ));
                        }
                    }
                }
            }
            AttKind::Peering { .. } => {}
        }
    }
    // Static routes.
    for (id, r) in net.present() {
        let Object::TgwRoute(route) = &r.obj else { continue };
        let Some(t) = route.table.res() else {
            for table in ix.tables.values_mut() {
                table.maybe.push((Family::V4, format!("{} names a route table unknown until apply", r.name)));
            }
            continue;
        };
        let table = ix.tables.entry(t).or_default();
        let Val::Known(n) = &route.dest else {
            table.maybe.push((Family::V4, format!("the destination of {} is unknown until apply", r.name)));
            table.maybe.push((Family::V6, format!("the destination of {} is unknown until apply", r.name)));
            continue;
        };
        let target = if route.blackhole == Val::Known(true) {
            TgwTarget::Blackhole(format!("{} is a blackhole route", r.name))
        } else {
            match &route.attachment {
                Link::To(a, _) => TgwTarget::Attachment(*a),
                Link::Missing(a) => {
                    TgwTarget::Blackhole(format!("its attachment {} is destroyed by this plan", net.name(*a)))
                }
                Link::External(id) => TgwTarget::Undetermined(format!(
                    "its attachment {} is outside the input",
                    id.clone().unwrap_or_default()
                )),
                Link::Unknown(why) => {
                    TgwTarget::Undetermined(format!("its attachment is not known until apply ({why})"))
                }
                Link::Absent if route.blackhole.is_unknown() => {
                    TgwTarget::Undetermined("whether it is a blackhole is unknown".into())
                }
                Link::Absent => TgwTarget::Blackhole(format!("{} has no attachment", r.name)),
            }
        };
        let target_name = match &target {
            TgwTarget::Attachment(a) => net.name(*a).to_string(),
            TgwTarget::Blackhole(_) => "blackhole".into(),
            TgwTarget::Undetermined(_) => "(unknown)".into(),
        };
        table.entries.push(entry(*n, RANK_STATIC, target, format!("{n} -> {target_name} ({})", net.name(id))));
    }
    for (id, a) in &ix.atts {
        if let (Some(t), AttKind::Vpc { vpc: Some(v), .. }) = (a.tgw, &a.kind) {
            ix.vpc_atts.entry((t, *v)).or_default().push(*id);
        }
    }
    for v in ix.vpc_atts.values_mut() {
        v.sort();
    }
    for t in ix.tables.values_mut() {
        t.entries.sort_by(|a, b| {
            (a.family, std::cmp::Reverse(a.prefix), a.rank).cmp(&(b.family, std::cmp::Reverse(b.prefix), b.rank))
        });
    }
    ix
}

fn table_tgw(net: &Network, table: ResId) -> Option<ResId> {
    match &net.res(table).obj {
        Object::TgwRouteTable(t) => t.tgw.res(),
        _ => None,
    }
}

fn entry(n: IpNet, rank: u8, target: TgwTarget, text: String) -> TgwEntry {
    let family = match n {
        IpNet::V4(_) => Family::V4,
        IpNet::V6(_) => Family::V6,
    };
    TgwEntry { dest: IpSet::from_net(n), prefix: n.prefix_len(), family, rank, target, text }
}

impl TgwTable {
    /// Splits `set` by route (longest prefix, then rank).
    /// `exact` as for `route::Table::lookup`.
    pub(crate) fn lookup(&self, set: &PacketSet, known_cidrs: &IpSet, exact: bool) -> TgwLookup {
        let mut out = TgwLookup::default();
        let mut remaining = set.dst_addrs();
        let mut rest = super::route::Splitter::new(set, exact);
        for (i, e) in self.entries.iter().enumerate() {
            if remaining.is_empty() {
                break;
            }
            let part = remaining.intersect(&e.dest);
            if part.is_empty() {
                continue;
            }
            remaining = remaining.difference(&part);
            let p = rest.take(&part);
            if !p.is_empty() {
                out.hits.push((i, p));
            }
        }
        out.none = rest.rest(&remaining);
        for (family, why) in &self.maybe {
            let fam = match family {
                Family::V4 => IpSet::any_v4(),
                Family::V6 => IpSet::any_v6(),
            };
            let hits = std::mem::take(&mut out.hits);
            for (i, p) in hits {
                let bad = restrict_dst(&p, &fam);
                let good = p.difference(&bad);
                if !good.is_empty() {
                    out.hits.push((i, good));
                }
                if !bad.is_empty() {
                    out.undetermined.push((why.clone(), bad));
                }
            }
            let bad = restrict_dst(&out.none, &fam);
            if !bad.is_empty() {
                out.none = out.none.difference(&bad);
                out.undetermined.push((why.clone(), bad));
            }
        }
        if let Some(why) = &self.bgp {
            let unknown_space = known_cidrs.complement();
            let bad = restrict_dst(&out.none, &unknown_space);
            if !bad.is_empty() {
                out.none = out.none.difference(&bad);
                out.undetermined.push((why.clone(), bad));
            }
        }
        out
    }
}
