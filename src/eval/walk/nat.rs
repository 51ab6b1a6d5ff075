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
    /// NAT64: IPv6 requests to `64:ff9b::/96` went out as IPv4 (docs/semantics.md §5).
    pub(super) nat64: bool,
}

impl Frame {
    /// The packets entering the NAT whose translations include some of `after`: a NAT may give
    /// any request any of its ports, so one failing translated packet fails every request to
    /// the same destination, protocol and port.
    pub(super) fn unmap(&self, after: &PacketSet) -> PacketSet {
        let after = if self.nat64 { nat64_to_v6(after, Side6::Dst, &IpSet::any_v6()) } else { after.clone() };
        project(&after, true).intersect(&self.base)
    }
}

/// NAT64's well-known prefix `64:ff9b::/96` (RFC 6052): its first address.
const NAT64_BASE: u128 = 0x0064_ff9b_u128 << 96;

/// The prefix as an address set.
pub(super) fn nat64_prefix() -> IpSet {
    IpSet::from_v6net(ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(NAT64_BASE), 96).unwrap_or_default())
}

/// ICMPv6 and ICMP echo types NAT64 translates (RFC 7915 §4.2, §5.2): (v6, v4).
const ECHO_TYPES: [(u16, u16); 2] = [(128, 8), (129, 0)];

/// Which address of an IPv4 packet holds the IPv4 host written in the prefix on the IPv6 side.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side6 {
    /// The destination (forward packets: `64:ff9b::a.b.c.d`).
    Dst,
    /// The source (replies from `a.b.c.d`).
    Src,
}

/// NAT64, IPv6 to IPv4: the IPv6 packets of `set` addressed inside `64:ff9b::/96` as the IPv4
/// packets they become — the destination is the prefix's low 32 bits, the source any IPv4
/// address (the caller sets the NAT's), TCP and UDP keep their ports, ICMPv6 echo becomes ICMP
/// echo; other protocols and ICMPv6 messages are not translated (left out).
pub(super) fn nat64_to_v4(set: &PacketSet) -> PacketSet {
    let hi = NAT64_BASE + u128::from(u32::MAX);
    let mut out = Vec::new();
    for b in set.v6_boxes() {
        let dst: Vec<(u32, u32)> = b
            .dst
            .ranges()
            .filter_map(|(lo, h)| {
                let (lo, h) = (lo.max(NAT64_BASE), h.min(hi));
                (lo <= h).then(|| ((lo - NAT64_BASE) as u32, (h - NAT64_BASE) as u32))
            })
            .collect();
        if dst.is_empty() {
            continue;
        }
        let dst = crate::eval::sets::IntervalSet::from_ranges(dst);
        let src = crate::eval::sets::IntervalSet::full();
        let ports = b.protocols.intersect(&ProtoSet::from_ranges([(6, 6), (17, 17)]));
        if !ports.is_empty() {
            out.push(PacketBox {
                protocols: ports,
                src: src.clone(),
                dst: dst.clone(),
                a: b.a.clone(),
                b: b.b.clone(),
            });
        }
        if b.protocols.contains(58) {
            for (v6, v4) in ECHO_TYPES {
                if b.a.contains(v6) {
                    out.push(PacketBox {
                        protocols: ProtoSet::single(1),
                        src: src.clone(),
                        dst: dst.clone(),
                        a: PortSet::single(v4),
                        b: b.b.clone(),
                    });
                }
            }
        }
    }
    PacketSet::from_boxes(out)
}

/// NAT64, IPv4 back to IPv6: the IPv4 host (`side`) written in `64:ff9b::/96`, the other
/// address `other` (the IPv6 client), ICMP echo as ICMPv6 echo.
pub(super) fn nat64_to_v6(set: &PacketSet, side: Side6, other: &IpSet) -> PacketSet {
    let other = <u128 as crate::eval::sets::Address>::part(other).clone();
    let mut out = Vec::new();
    for b in set.v4_boxes() {
        let host = |x: &crate::eval::sets::IntervalSet<u32>| {
            crate::eval::sets::IntervalSet::from_ranges(
                x.ranges().map(|(lo, hi)| (NAT64_BASE + u128::from(lo), NAT64_BASE + u128::from(hi))),
            )
        };
        let (src, dst) = match side {
            Side6::Dst => (other.clone(), host(&b.dst)),
            Side6::Src => (host(&b.src), other.clone()),
        };
        let ports = b.protocols.intersect(&ProtoSet::from_ranges([(6, 6), (17, 17)]));
        if !ports.is_empty() {
            out.push(PacketBox {
                protocols: ports,
                src: src.clone(),
                dst: dst.clone(),
                a: b.a.clone(),
                b: b.b.clone(),
            });
        }
        if b.protocols.contains(1) {
            for (v6, v4) in ECHO_TYPES {
                if b.a.contains(v4) {
                    out.push(PacketBox {
                        protocols: ProtoSet::single(58),
                        src: src.clone(),
                        dst: dst.clone(),
                        a: PortSet::single(v6),
                        b: b.b.clone(),
                    });
                }
            }
        }
    }
    PacketSet::from_boxes(out)
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
        // IPv4 here; IPv6 (NAT64: TCP, UDP, ICMPv6 echo) below.
        let supported = ProtoSet::from_ranges([(1, 1), (6, 6), (17, 17)]);
        let v4_part = family_part(&b.set, Family::V4);
        let other = v4_part.difference(&protocols_part(&v4_part, &supported));
        if !other.is_empty() {
            self.drop(&b, &other, Stage::Nat, Some(name), || "NAT gateways translate TCP, UDP and ICMP only".into());
            b.set = b.set.difference(&other);
        }
        let v6 = family_part(&b.set, Family::V6);
        if !v6.is_empty() {
            // NAT64 (§5): IPv6 packets to 64:ff9b::/96 are translated (TCP, UDP, ICMPv6 echo);
            // any other IPv6 packet is not.
            let to_prefix = restrict_dst(&v6, &nat64_prefix());
            let translatable = nat64_to_v6(&nat64_to_v4(&to_prefix), Side6::Dst, &IpSet::any_v6())
                .intersect(&project(&to_prefix, false));
            let untranslatable = to_prefix.difference(&translatable);
            self.drop(&b, &untranslatable, Stage::Nat, Some(name), || {
                "NAT64 translates TCP, UDP and ICMPv6 echo only".into()
            });
            let rest = v6.difference(&to_prefix);
            self.drop(&b, &rest, Stage::Nat, Some(name), || {
                "NAT gateways translate IPv4, and IPv6 only to NAT64's 64:ff9b::/96".into()
            });
            b.set = b.set.difference(&untranslatable).difference(&rest);
        }
        if b.set.is_empty() {
            return;
        }
        self.enter(b, q, Arrival::Nat(n), false);
    }

    pub(super) fn nat_translate(&mut self, b: Branch, n: ResId) {
        let v6 = family_part(&b.set, Family::V6);
        if v6.is_empty() {
            return self.nat_translate_part(b, n, false);
        }
        let v4 = b.set.difference(&v6);
        if !v4.is_empty() {
            self.nat_translate_part(b.with(v4), n, false);
        }
        let mut b = b;
        b.set = v6;
        self.nat_translate_part(b, n, true);
    }

    fn nat_translate_part(&mut self, mut b: Branch, n: ResId, nat64: bool) {
        let ev = self.namer();
        let name = ev.net.name(n);
        let Ok(places) = self.ev.places_of(n) else { return };
        let Some(nat) = places.into_iter().next() else { return };
        let Some(q) = nat.subnet else { return };
        let ports = nat.client.set();
        let v4_addrs = IpSet { v6: crate::eval::sets::IntervalSet::empty(), ..nat.addrs.clone() };
        if nat64 && v4_addrs.is_empty() {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Nat, Some(name), || {
                format!("NAT64 through {name} needs its IPv4 address, which is not known")
            });
            return;
        }
        let post = if nat64 {
            translate_src(&nat64_to_v4(&b.set), &v4_addrs, &ports)
        } else {
            translate_src(&b.set, &nat.addrs, &ports)
        };
        let frame = Frame {
            nat: n,
            subnet: q,
            base: b.set.clone(),
            post: post.clone(),
            orig_src: b.set.src_addrs(),
            orig_ports: b.set.src_ports(),
            ident: b.ident.clone(),
            ident_at: b.ident_at,
            nat64,
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
                if nat64 {
                    format!(
                        "{kind} NAT gateway, NAT64: the IPv6 packet becomes IPv4 to the address in 64:ff9b::/96's last 32 bits, from its IPv4 {addr}, source ports {from}-{to} (the NAT picks any)"
                    )
                } else {
                    format!(
                        "{kind} NAT gateway: the source becomes its {addr}, source ports {from}-{to} (the NAT picks any)"
                    )
                }
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
        let back = if frame.nat64 { nat64_to_v6(&b.set, Side6::Src, &IpSet::any_v6()) } else { b.set.clone() };
        let restored = translate_dst(&back, &frame.orig_src, &frame.orig_ports).intersect(&replies);
        b.set = restored;
        b.ident = frame.ident.clone();
        b.ident_at = frame.ident_at;
        self.hop(
            &mut b,
            Stage::Nat,
            name,
            Decision::Translate,
            || {
                if frame.nat64 {
                    "NAT64: the IPv4 reply becomes IPv6 from the sender's address in 64:ff9b::/96, to the original address and port".into()
                } else {
                    "restores the original destination address and port".into()
                }
            },
            &[],
        );
        if b.set.is_empty() {
            return;
        }
        if frame.nat64 && self.nat64_client_block_unknown(&b, frame.subnet) {
            return self.nat64_local_return(b, frame.subnet);
        }
        self.leave(b, frame.subnet);
    }

    /// The NAT64 reply goes back to a client in the NAT's VPC whose subnet's IPv6 block is
    /// unknown until apply: its address is in that block, but no route table can match it.
    fn nat64_client_block_unknown(&self, b: &Branch, nat_subnet: ResId) -> bool {
        let Some(client) = self.owner_subnet(b) else { return false };
        let (Some(c), Some(n)) = (self.ev.subnet(client), self.ev.subnet(nat_subnet)) else { return false };
        client != nat_subnet && c.vpc.is_some() && c.vpc == n.vpc && c.v6_unknown
    }

    /// [`Self::leave`] for such a reply: the NAT subnet's network ACL, then the VPC's local route
    /// to the client (stated as an assumption: a route more specific than the local one for the
    /// client's block would take it elsewhere).
    fn nat64_local_return(&mut self, mut b: Branch, subnet: ResId) {
        let ev = self.namer();
        let Some(info) = self.ev.subnet(subnet) else { return };
        b.at_subnet = Some(subnet);
        b.at_vpc = info.vpc;
        b.az = info.az.clone();
        let Some(mut b) = self.nacl(b, subnet, crate::eval::nacl::Direction::Egress) else { return };
        let table = match &info.table {
            crate::model::Link::To(t, _) => ev.net.name(*t).to_string(),
            _ => ev.net.name(subnet).to_string(),
        };
        self.hop(
            &mut b,
            Stage::Route,
            &table,
            Decision::Forward,
            || "local: the reply is for the NAT64 client, whose address is in the VPC's IPv6 block (unknown until apply; assuming no more specific route for it)".into(),
            &[],
        );
        self.local(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::sets::{IntervalSet, Packet, Protocol};
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|_| panic!("{s}"))
    }

    #[test]
    fn nat64_takes_the_ipv4_host_from_the_prefix_and_translates_echo() {
        let to_google = PacketSet::from_box(PacketBox::<u128> {
            dst: IntervalSet::single(NAT64_BASE + 0x0808_0808),
            ..PacketBox::all()
        });
        let v4 = nat64_to_v4(&to_google);
        assert!(v4.contains(&Packet::new(Protocol::TCP, ip("10.0.0.5"), ip("8.8.8.8"), 40000, 443)));
        assert!(v4.contains(&Packet::new(Protocol::ICMP, ip("10.0.0.5"), ip("8.8.8.8"), 8, 0)));
        // ICMPv6 messages other than echo, and protocols other than TCP/UDP/ICMPv6, are not translated.
        assert!(!v4.contains(&Packet::new(Protocol::ICMP, ip("10.0.0.5"), ip("8.8.8.8"), 3, 0)));
        assert!(!v4.contains(&Packet::new(Protocol(47), ip("10.0.0.5"), ip("8.8.8.8"), 0, 0)));
        assert!(v6_boxes_empty(&v4));
        // Outside the prefix: nothing.
        let elsewhere = PacketSet::from_box(PacketBox::<u128> { dst: IntervalSet::single(1), ..PacketBox::all() });
        assert!(nat64_to_v4(&elsewhere).is_empty());
    }

    #[test]
    fn nat64_replies_come_back_from_the_prefix() {
        let reply = PacketSet::from_box(PacketBox::<u32> {
            protocols: ProtoSet::single(1),
            src: IntervalSet::single(0x0808_0808),
            a: PortSet::single(0),
            ..PacketBox::all()
        });
        let client = IpSet::from_net("2600:1f18::5/128".parse().unwrap_or_else(|_| panic!()));
        let v6 = nat64_to_v6(&reply, Side6::Src, &client);
        assert!(v6.contains(&Packet::new(Protocol::ICMPV6, ip("64:ff9b::808:808"), ip("2600:1f18::5"), 129, 0)));
        assert!(!v6.contains(&Packet::new(Protocol::ICMPV6, ip("64:ff9b::808:808"), ip("2600:1f18::6"), 129, 0)));
        let back = nat64_to_v4(&nat64_to_v6(&reply.reverse(), Side6::Dst, &client));
        assert!(back.contains(&Packet::new(Protocol::ICMP, ip("10.1.2.3"), ip("8.8.8.8"), 0, 0)));
    }

    fn v6_boxes_empty(set: &PacketSet) -> bool {
        set.v6_boxes().is_empty()
    }
}
