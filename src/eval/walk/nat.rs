//! NAT gateways (§5): the translation a branch carries (a [`Frame`]), how translated packets map back
//! to the requests behind them, the way in (the NAT's subnet and NACL), the translation itself, and
//! the reply restored to the original source.

use super::{Arrival, Branch, Crossing, Walker, family_part, protocols_part};
use crate::eval::flow::icmp_to_replies;
use crate::eval::place::Tri;
use crate::eval::reach::{Decision, Leg, Stage};
use crate::eval::route::restrict_dst;
use crate::eval::sets::{Address, BoxRef, Family, IpSet, L4Kind, PacketBox, PacketSet, PortSet, ProtoSet};
use crate::eval::sg::Ident;
use crate::model::{Object, ResId};

/// A NAT translation on the path.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) nat: ResId,
    pub(super) subnet: ResId,
    /// The forward packets entering the NAT (header space before it).
    pub(super) base: PacketSet,
    /// The forward packets leaving it (header space after it).
    pub(super) post: PacketSet,
    pub(super) orig_src: IpSet,
    pub(super) orig_ports: PortSet,
    pub(super) ident: Ident,
    pub(super) ident_at: usize,
}

impl Frame {
    /// The packets entering the NAT whose translations include some of `after`: a NAT may give
    /// any request any of its ports, so one failing translated packet fails every request to
    /// the same destination, protocol and port.
    pub(super) fn unmap(&self, after: &PacketSet) -> PacketSet {
        project(after, true).intersect(&self.base)
    }
}

/// Every box of `set` with its source addresses (and, for TCP/UDP, source ports) made full.
pub(super) fn project(set: &PacketSet, ports_too: bool) -> PacketSet {
    map_boxes(
        set,
        |b| {
            let ports = ports_too && L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
            PacketBox {
                src: crate::eval::sets::IntervalSet::full(),
                a: if ports { PortSet::full() } else { b.a.clone() },
                ..b.clone()
            }
        },
        |b| {
            let ports = ports_too && L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
            PacketBox {
                src: crate::eval::sets::IntervalSet::full(),
                a: if ports { PortSet::full() } else { b.a.clone() },
                ..b.clone()
            }
        },
    )
}

pub(super) fn map_boxes(
    set: &PacketSet,
    f4: impl Fn(&PacketBox<u32>) -> PacketBox<u32>,
    f6: impl Fn(&PacketBox<u128>) -> PacketBox<u128>,
) -> PacketSet {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for b in set.boxes() {
        match b {
            BoxRef::V4(b) => v4.push(f4(b)),
            BoxRef::V6(b) => v6.push(f6(b)),
        }
    }
    let mut out = PacketSet::from_boxes(v4);
    if !v6.is_empty() {
        out = out.union(&PacketSet::from_boxes(v6));
    }
    out
}

/// Replaces the source addresses with `addrs` (family by family) and, for TCP/UDP, the source
/// ports with `ports`.
pub(super) fn translate_src(set: &PacketSet, addrs: &IpSet, ports: &PortSet) -> PacketSet {
    fn one<A: Address>(b: &PacketBox<A>, addrs: &IpSet, ports: &PortSet) -> PacketBox<A> {
        let is_ports = L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
        PacketBox { src: A::part(addrs).clone(), a: if is_ports { ports.clone() } else { b.a.clone() }, ..b.clone() }
    }
    map_boxes(set, |b| one(b, addrs, ports), |b| one(b, addrs, ports))
}

/// Replaces the destination addresses and, for TCP/UDP, the destination ports.
pub(super) fn translate_dst(set: &PacketSet, addrs: &IpSet, ports: &PortSet) -> PacketSet {
    fn one<A: Address>(b: &PacketBox<A>, addrs: &IpSet, ports: &PortSet) -> PacketBox<A> {
        let is_ports = L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
        PacketBox { dst: A::part(addrs).clone(), b: if is_ports { ports.clone() } else { b.b.clone() }, ..b.clone() }
    }
    map_boxes(set, |b| one(b, addrs, ports), |b| one(b, addrs, ports))
}

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn nat_subnet(&self, n: ResId) -> Option<ResId> {
        match &self.ev.net.res(n).obj {
            Object::NatGateway(g) => g.subnet.res(),
            _ => None,
        }
    }
}

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn nat_in(&mut self, b: Branch, n: ResId) {
        let ev = self.namer();
        let name = ev.net.name(n);
        if b.leg == Leg::Return {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || {
                format!("the reply is routed to {name}, which would translate its source: asymmetric path")
            });
            return;
        }
        let Some(q) = self.nat_subnet(n) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Nat, Some(name), || "the NAT gateway's subnet is not known".into());
            return;
        };
        if self.ev.subnet(q).and_then(|s| s.vpc) != b.at_vpc {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || format!("{name} is not in the route table's VPC"));
            return;
        }
        if let Some(c) = b.crossings.iter().find(|c| matches!(c, Crossing::Pcx { .. } | Crossing::Vpn)) {
            let via = match c {
                Crossing::Pcx { res, .. } => ev.net.name(*res).to_string(),
                _ => "a VPN".to_string(),
            };
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || {
                format!("traffic arriving over {via} cannot use a NAT gateway (NGW_REQUIRES_SOURCE_IN_VPC)")
            });
            return;
        }
        let mut b = b;
        let supported = ProtoSet::from_ranges([(1, 1), (6, 6), (17, 17)]);
        let other = b.set.difference(&protocols_part(&b.set, &supported));
        if !other.is_empty() {
            self.drop(&b, &other, Stage::Nat, Some(name), || "NAT gateways translate TCP, UDP and ICMP only".into());
            b.set = b.set.difference(&other);
        }
        let v6 = family_part(&b.set, Family::V6);
        if !v6.is_empty() {
            let nat64: IpSet = "64:ff9b::/96".parse::<ipnet::IpNet>().map(IpSet::from_net).unwrap_or_default();
            let translated = restrict_dst(&v6, &nat64);
            self.undetermined(&b, &translated, Stage::Nat, Some(name), || {
                format!(
                    "NAT64 through {name} is not modelled: it would make the source {name}'s IPv4 address and send the IPv4 packet through its subnet's network ACL and route table (docs/semantics.md §5)"
                )
            });
            let rest = v6.difference(&translated);
            self.drop(&b, &rest, Stage::Nat, Some(name), || {
                "NAT gateways translate IPv4 only (NAT64 needs 64:ff9b::/96)".into()
            });
            b.set = b.set.difference(&v6);
        }
        if b.set.is_empty() {
            return;
        }
        self.enter(b, q, Arrival::Nat(n), false);
    }

    pub(super) fn nat_translate(&mut self, mut b: Branch, n: ResId) {
        let ev = self.namer();
        let name = ev.net.name(n);
        let Ok(places) = self.ev.places_of(n) else { return };
        let Some(nat) = places.into_iter().next() else { return };
        let Some(q) = nat.subnet else { return };
        let ports = nat.client.set();
        let post = translate_src(&b.set, &nat.addrs, &ports);
        let frame = Frame {
            nat: n,
            subnet: q,
            base: b.set.clone(),
            post: post.clone(),
            orig_src: b.set.src_addrs(),
            orig_ports: b.set.src_ports(),
            ident: b.ident.clone(),
            ident_at: b.ident_at,
        };
        b.frames.push(frame);
        b.set = post;
        b.ident = Ident::None;
        b.ident_at = b.crossings.len();
        let public = matches!(nat.public_ip, Tri::Yes);
        let (kind, addr) = if public {
            ("public", "private address (its Elastic IP outside)")
        } else {
            ("private", "private address")
        };
        let (from, to) = (nat.client.from, nat.client.to);
        self.hop(
            &mut b,
            Stage::Nat,
            name,
            Decision::Translate,
            || {
                format!(
                    "{kind} NAT gateway: the source becomes its {addr}, source ports {from}-{to} (the NAT picks any)"
                )
            },
            &[n],
        );
        self.leave(b, q);
    }

    pub(super) fn nat_return(&mut self, mut b: Branch, n: ResId) {
        let ev = self.namer();
        let Some(frame) = b.frames.pop() else { return };
        let name = ev.net.name(n);
        let replies = icmp_to_replies(&frame.base.reverse());
        let restored = translate_dst(&b.set, &frame.orig_src, &frame.orig_ports).intersect(&replies);
        b.set = restored;
        b.ident = frame.ident.clone();
        b.ident_at = frame.ident_at;
        self.hop(
            &mut b,
            Stage::Nat,
            name,
            Decision::Translate,
            || "restores the original destination address and port".into(),
            &[],
        );
        if b.set.is_empty() {
            return;
        }
        self.leave(b, frame.subnet);
    }
}
