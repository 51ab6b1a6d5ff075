//! Hop text: how a walk names addresses and packet sets in its messages (one end of the flow, a
//! NAT gateway's address, a service, `the internet`, or CIDRs).

use super::Walker;
use crate::eval::Evaluator;
use crate::eval::place::Place;
use crate::eval::reach::Leg;
use crate::eval::sets::{Address, BoxRef, IpSet, L4Kind, PacketSet, PortSet};

/// What messages need to name things: the network, the flow's two ends, and the leg (which
/// end a packet's source is).
#[derive(Clone, Copy)]
pub(super) struct Namer<'e, 'n> {
    pub(super) ev: &'e Evaluator<'n>,
    pub(super) net: &'n crate::model::Network,
    pub(super) src: &'e Place,
    pub(super) dst: &'e Place,
    pub(super) leg: Leg,
}

impl Namer<'_, '_> {
    pub(super) fn on(self, leg: Leg) -> Self {
        Self { leg, ..self }
    }
}

/// Describes addresses: one end of the flow (the one on `dst_side` first), a NAT gateway, a
/// service, `the internet`, or CIDRs (at most three).
pub(super) fn side_text(ev: Namer<'_, '_>, set: &IpSet, dst_side: Option<bool>) -> String {
    if let Some(s) = ev.ev.services.describe(set) {
        return s;
    }
    let order = match (ev.leg, dst_side) {
        (Leg::Forward, Some(true)) | (Leg::Return, Some(false)) => [ev.dst, ev.src],
        _ => [ev.src, ev.dst],
    };
    let nonempty = !set.is_empty();
    for p in order {
        if nonempty && set.is_subset(&p.addrs) {
            let cidrs = set.to_cidrs();
            if set == &p.addrs || cidrs.len() > 2 {
                return p.name.clone();
            }
            let shown: Vec<String> = cidrs.iter().map(ToString::to_string).collect();
            return format!("{} ({})", shown.join(", "), p.name);
        }
    }
    for (nat, addrs) in &ev.ev.nat_addrs {
        if nonempty && set.is_subset(addrs) {
            return format!("{}'s address", ev.net.name(*nat));
        }
    }
    if nonempty && set.is_subset(&ev.ev.internet) && set.v4.range_count() > 8 {
        return "the internet".into();
    }
    let cidrs = set.to_cidrs();
    let shown: Vec<String> = cidrs.iter().take(3).map(ToString::to_string).collect();
    if cidrs.len() > 3 { format!("{}, … ({} blocks)", shown.join(", "), cidrs.len()) } else { shown.join(", ") }
}

pub(super) fn addrs_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, None)
}

pub(super) fn src_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, Some(false))
}

pub(super) fn dst_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, Some(true))
}

/// A short description of a packet set for messages.
pub(super) fn set_text(ev: Namer<'_, '_>, set: &PacketSet) -> String {
    let mut parts = Vec::new();
    for (i, b) in set.boxes().enumerate() {
        if i == 2 {
            parts.push("…".to_string());
            break;
        }
        let (protocols, src, dst, a, bb) = match b {
            BoxRef::V4(b) => (
                b.protocols.clone(),
                u32::into_ip_set(b.src.clone()),
                u32::into_ip_set(b.dst.clone()),
                b.a.clone(),
                b.b.clone(),
            ),
            BoxRef::V6(b) => (
                b.protocols.clone(),
                u128::into_ip_set(b.src.clone()),
                u128::into_ip_set(b.dst.clone()),
                b.a.clone(),
                b.b.clone(),
            ),
        };
        let mut text = format!(
            "{} {} -> {}",
            crate::eval::sets::display_protocols(&protocols),
            src_text(ev, &src),
            dst_text(ev, &dst)
        );
        match L4Kind::of_set(&protocols) {
            Some(L4Kind::Ports) => {
                if !bb.is_full() {
                    text.push_str(&format!(" port {bb}"));
                }
                if !a.is_full() {
                    text.push_str(&format!(" from source ports {a}"));
                }
            }
            Some(L4Kind::Icmp) => {
                let t = a.intersect(&PortSet::range(0, 255));
                let c = bb.intersect(&PortSet::range(0, 255));
                if !a.is_full() && t.range_count() > 0 && t != PortSet::range(0, 255) {
                    text.push_str(&format!(" type {t}"));
                }
                if !bb.is_full() && c != PortSet::range(0, 255) {
                    text.push_str(&format!(" code {c}"));
                }
            }
            _ => {}
        }
        parts.push(text);
    }
    parts.join("; ")
}

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn namer(&self) -> Namer<'e, 'n> {
        Namer { ev: self.ev, net: self.ev.net, src: self.src, dst: self.dst, leg: Leg::Forward }
    }
}
