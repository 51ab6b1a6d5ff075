//! What a trace asks about: a protocol with destination ports or an ICMP type/code, and the
//! source ports the initiator may choose (docs/semantics.md §3.4), plus the ICMP request/reply pairs
//! that stateless NACLs must admit separately (§14).
//!
//! Who picks the ephemeral source port (§3.4): Linux EC2 instances and generic workloads
//! 32768-60999, Windows 49152-65535, NAT gateways, load balancers and Lambda 1024-65535,
//! clients on the internet, on-premises or unknown 1024-65535. `EvalSettings::client_ports`
//! overrides the range per address pattern.

use std::sync::OnceLock;

use serde::Serialize;

use super::sets::{Address, IpSet};
use super::sets::{L4Kind, PacketBox, PacketMatch, PacketSet, PortSet, ProtoSet, Protocol, RuleProtocol};

/// Linux's default `ip_local_port_range` (kernel ≥ 4.x: 32768-60999).
pub(crate) const LINUX_PORTS: (u16, u16) = (32768, 60999);
/// NAT gateways, Elastic Load Balancing and Lambda.
pub(crate) const AWS_PORTS: (u16, u16) = (1024, 65535);
/// Clients the plan knows nothing about (the internet, on-premises).
pub(crate) const UNKNOWN_CLIENT_PORTS: (u16, u16) = (1024, 65535);

/// Who chose a source-port range, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientPorts {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
    /// Why this range (`Linux default`, `NAT gateway`, `.tfvpc.hcl client_ports "…"`).
    pub why: String,
}

impl ClientPorts {
    /// A range with its reason.
    #[must_use]
    pub fn new((from, to): (u16, u16), why: impl Into<String>) -> Self {
        Self { from, to, why: why.into() }
    }

    /// The range as a port set.
    #[must_use]
    pub fn set(&self) -> PortSet {
        PortSet::range(self.from, self.to)
    }
}

/// A flow to trace: protocol and destination ports, or ICMP type and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// The protocol (`all` traces every protocol).
    pub protocol: RuleProtocol,
    /// Destination ports (TCP/UDP); `None` means every port.
    pub ports: Option<PortSet>,
    /// ICMP type; `None` means every type.
    pub icmp_type: Option<u8>,
    /// ICMP code; `None` means every code.
    pub icmp_code: Option<u8>,
}

impl Flow {
    /// TCP to one port.
    #[must_use]
    pub fn tcp(port: u16) -> Self {
        Self {
            protocol: RuleProtocol::Only(Protocol::TCP),
            ports: Some(PortSet::single(port)),
            icmp_type: None,
            icmp_code: None,
        }
    }

    /// UDP to one port.
    #[must_use]
    pub fn udp(port: u16) -> Self {
        Self {
            protocol: RuleProtocol::Only(Protocol::UDP),
            ports: Some(PortSet::single(port)),
            icmp_type: None,
            icmp_code: None,
        }
    }

    /// ICMP (IPv4) of a type and code; an echo request is `icmp(8, 0)`.
    #[must_use]
    pub fn icmp(icmp_type: u8, code: u8) -> Self {
        Self {
            protocol: RuleProtocol::Only(Protocol::ICMP),
            ports: None,
            icmp_type: Some(icmp_type),
            icmp_code: Some(code),
        }
    }

    /// ICMPv6 of a type and code; an echo request is `icmpv6(128, 0)`.
    #[must_use]
    pub fn icmpv6(icmp_type: u8, code: u8) -> Self {
        Self {
            protocol: RuleProtocol::Only(Protocol::ICMPV6),
            ports: None,
            icmp_type: Some(icmp_type),
            icmp_code: Some(code),
        }
    }

    /// Every protocol, port and ICMP type.
    #[must_use]
    pub fn all() -> Self {
        Self { protocol: RuleProtocol::All, ports: None, icmp_type: None, icmp_code: None }
    }

    /// True when the flow is IPv6-only (ICMPv6).
    #[must_use]
    pub fn is_v6_only(&self) -> bool {
        self.protocol == RuleProtocol::Only(Protocol::ICMPV6)
    }

    /// True when the flow is IPv4-only (ICMP).
    #[must_use]
    pub fn is_v4_only(&self) -> bool {
        self.protocol == RuleProtocol::Only(Protocol::ICMP)
    }

    /// The packets of this flow from `src` to `dst` when the initiator picks its source port in
    /// `client`.
    #[must_use]
    pub fn packets(&self, src: &IpSet, dst: &IpSet, client: &PortSet) -> PacketSet {
        let protocols = self.protocol.to_set();
        let mut out = PacketSet::empty();
        for kind in [L4Kind::Ports, L4Kind::Icmp, L4Kind::Other] {
            let part = protocols.intersect(&kind.protocols());
            if part.is_empty() {
                continue;
            }
            let (a, b) = match kind {
                L4Kind::Ports => (client.clone(), self.ports.clone().unwrap_or_else(PortSet::full)),
                L4Kind::Icmp => (
                    self.icmp_type.map_or_else(PortSet::full, |t| PortSet::single(t.into())),
                    self.icmp_code.map_or_else(PortSet::full, |c| PortSet::single(c.into())),
                ),
                L4Kind::Other => (PortSet::full(), PortSet::full()),
            };
            out = out.union(&family_set::<u32>(&part, src, dst, &a, &b));
            out = out.union(&family_set::<u128>(&part, src, dst, &a, &b));
        }
        out
    }

    /// `tcp 443`, `udp 53`, `icmp type 8 code 0`, `all`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self.protocol {
            RuleProtocol::All => "all traffic".to_string(),
            RuleProtocol::Only(p) => match p.kind() {
                L4Kind::Ports => match &self.ports {
                    Some(ports) => format!("{p} {ports}"),
                    None => format!("{p} (every port)"),
                },
                L4Kind::Icmp => {
                    let t = self.icmp_type.map_or("any".to_string(), |t| t.to_string());
                    let c = self.icmp_code.map_or("any".to_string(), |c| c.to_string());
                    format!("{p} type {t} code {c}")
                }
                L4Kind::Other => format!("protocol {p}"),
            },
        }
    }
}

fn family_set<A: Address>(protocols: &ProtoSet, src: &IpSet, dst: &IpSet, a: &PortSet, b: &PortSet) -> PacketSet {
    let src = A::part(src);
    let dst = A::part(dst);
    if src.is_empty() || dst.is_empty() {
        return PacketSet::empty();
    }
    PacketSet::from_box(PacketBox::<A> {
        protocols: protocols.clone(),
        src: src.clone(),
        dst: dst.clone(),
        a: a.clone(),
        b: b.clone(),
    })
}

/// ICMP request types and the reply type each one elicits (docs/semantics.md §14): echo, timestamp,
/// information and address mask for ICMP; echo for ICMPv6.
const ICMP_REPLIES: &[(u8, u8, u8)] = &[(1, 8, 0), (1, 13, 14), (1, 15, 16), (1, 17, 18), (58, 128, 129)];

/// The reply type of an ICMP request type, if it has one (the reference evaluator's lookup).
#[cfg(test)]
#[must_use]
pub(crate) fn icmp_reply_type(protocol: Protocol, request: u8) -> Option<u8> {
    ICMP_REPLIES.iter().find(|(p, q, _)| *p == protocol.number() && *q == request).map(|(_, _, r)| *r)
}

/// Every ICMP and ICMPv6 packet.
fn icmp_packets() -> &'static PacketSet {
    static SET: OnceLock<PacketSet> = OnceLock::new();
    SET.get_or_init(|| {
        PacketSet::from_match(&PacketMatch { protocols: L4Kind::Icmp.protocols(), ..PacketMatch::all() })
    })
}

/// ICMP requests that elicit a reply (any code, any address).
fn replying_requests() -> &'static PacketSet {
    static SET: OnceLock<PacketSet> = OnceLock::new();
    SET.get_or_init(|| {
        ICMP_REPLIES.iter().fold(PacketSet::empty(), |acc, (p, q, _)| {
            acc.union(&PacketSet::from_match(&PacketMatch {
                protocols: Protocol(*p).set(),
                a: PortSet::single(u16::from(*q)),
                ..PacketMatch::all()
            }))
        })
    })
}

/// The ICMP messages of a (forward) set that elicit no reply (errors, replies): they only need
/// the forward leg.
#[must_use]
pub(crate) fn icmp_without_reply(forward: &PacketSet) -> PacketSet {
    forward.intersect(icmp_packets()).difference(replying_requests())
}

/// Maps the ICMP part of a set of *replies-as-sent-back* (addresses already swapped by
/// [`PacketSet::reverse`], type/code still the request's) to the reply types: echo request 8 →
/// echo reply 0 (code 0), ICMPv6 128 → 129. ICMP types that elicit no reply (errors, replies)
/// vanish. Other protocols pass unchanged.
#[must_use]
pub(crate) fn icmp_to_replies(reversed: &PacketSet) -> PacketSet {
    let icmp = reversed.intersect(icmp_packets());
    if icmp.is_empty() {
        return reversed.clone();
    }
    let mapped = map_icmp(&icmp, |proto, types| {
        ICMP_REPLIES
            .iter()
            .filter(|(p, q, _)| *p == proto && types.contains(u16::from(*q)))
            .map(|(_, _, r)| (PortSet::single(u16::from(*r)), PortSet::single(0)))
            .collect()
    });
    reversed.difference(icmp_packets()).union(&mapped)
}

/// The inverse of [`icmp_to_replies`], up to codes: reply types back to the request types (any
/// code). The caller intersects with the forward set to recover the exact requests.
#[must_use]
pub(crate) fn icmp_to_requests(replies: &PacketSet) -> PacketSet {
    let icmp = replies.intersect(icmp_packets());
    if icmp.is_empty() {
        return replies.clone();
    }
    let mapped = map_icmp(&icmp, |proto, types| {
        ICMP_REPLIES
            .iter()
            .filter(|(p, _, r)| *p == proto && types.contains(u16::from(*r)))
            .map(|(_, q, _)| (PortSet::single(u16::from(*q)), PortSet::full()))
            .collect()
    });
    replies.difference(icmp_packets()).union(&mapped)
}

fn map_icmp(set: &PacketSet, f: impl Fn(u8, &PortSet) -> Vec<(PortSet, PortSet)>) -> PacketSet {
    let icmp = L4Kind::Icmp.protocols();
    let v4 = map_family(set.v4_boxes(), &icmp, &f);
    let v6 = map_family(set.v6_boxes(), &icmp, &f);
    v4.union(&v6)
}

/// Non-ICMP parts of the (disjoint) boxes stay disjoint; the mapped ICMP boxes may overlap one
/// another, so only they are unioned the slow way.
fn map_family<A: Address>(
    boxes: &[PacketBox<A>],
    icmp: &ProtoSet,
    f: &impl Fn(u8, &PortSet) -> Vec<(PortSet, PortSet)>,
) -> PacketSet {
    let mut rest: Vec<PacketBox<A>> = Vec::new();
    let mut mapped: Vec<PacketBox<A>> = Vec::new();
    for b in boxes {
        let others = b.protocols.difference(icmp);
        if !others.is_empty() {
            rest.push(PacketBox { protocols: others, ..b.clone() });
        }
        for proto in [Protocol::ICMP, Protocol::ICMPV6] {
            if !b.protocols.contains(proto.number()) {
                continue;
            }
            for (a, code) in f(proto.number(), &b.a) {
                mapped.push(PacketBox { protocols: proto.set(), src: b.src.clone(), dst: b.dst.clone(), a, b: code });
            }
        }
    }
    let mapped = if mapped.len() <= 1 { PacketSet::from_disjoint_boxes(mapped) } else { PacketSet::from_boxes(mapped) };
    // ICMP and non-ICMP boxes never overlap.
    let all: Vec<PacketBox<A>> = mapped.boxes_of::<A>().iter().cloned().chain(rest).collect();
    PacketSet::from_disjoint_boxes(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpSet {
        IpSet::from_net(s.parse().unwrap())
    }

    #[test]
    fn echo_maps_to_reply_and_back() {
        let f = Flow::icmp(8, 0).packets(&ip("10.0.0.0/24"), &ip("10.0.1.0/24"), &PortSet::full());
        let replies = icmp_to_replies(&f.reverse());
        assert_eq!(replies.to_string(), "icmp 10.0.1.0/24 -> 10.0.0.0/24 type 0 code 0");
        let back = icmp_to_requests(&replies).reverse().intersect(&f);
        assert_eq!(back, f);
        let unreplied = Flow::icmp(3, 4).packets(&ip("10.0.0.0/24"), &ip("10.0.1.0/24"), &PortSet::full());
        assert!(icmp_to_replies(&unreplied.reverse()).is_empty());
    }

    #[test]
    fn all_flow_has_client_ports_on_tcp_only() {
        let f = Flow::all().packets(&ip("10.0.0.0/24"), &ip("10.0.1.0/24"), &PortSet::range(32768, 60999));
        assert_eq!(f.src_ports().to_string(), "32768-60999");
        assert!(f.protocols().is_full());
    }
}
