//! Sets of packets as unions of disjoint boxes (products of per-dimension sets).
//!
//! The encoding and its costs are documented on [`PacketSet`].

use std::cmp::Ordering;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use super::interval::{IntervalSet, Unsigned};
use super::ip::{Address, Family, IpSet};
use super::protocol::{L4Kind, ProtoSet, Protocol, display_protocols};

/// A set of L4 values: ports, or ICMP types/codes (0-255 of the 65536).
pub type PortSet = IntervalSet<u16>;

/// One concrete packet. The family is that of its addresses; a packet whose source and
/// destination families differ belongs to no set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Packet {
    /// The IP protocol.
    pub protocol: Protocol,
    /// The source address.
    pub src: IpAddr,
    /// The destination address.
    pub dst: IpAddr,
    /// Source port (TCP/UDP), ICMP type, or ignored.
    pub a: u16,
    /// Destination port (TCP/UDP), ICMP code, or ignored.
    pub b: u16,
}

impl Packet {
    /// A packet from its fields.
    #[must_use]
    pub fn new(protocol: Protocol, src: IpAddr, dst: IpAddr, a: u16, b: u16) -> Self {
        Self { protocol, src, dst, a, b }
    }

    /// A TCP packet `src -> dst` (addresses with ports).
    #[must_use]
    pub fn tcp(src: SocketAddr, dst: SocketAddr) -> Self {
        Self::new(Protocol::TCP, src.ip(), dst.ip(), src.port(), dst.port())
    }

    /// A UDP packet `src -> dst` (addresses with ports).
    #[must_use]
    pub fn udp(src: SocketAddr, dst: SocketAddr) -> Self {
        Self::new(Protocol::UDP, src.ip(), dst.ip(), src.port(), dst.port())
    }

    /// An ICMP (IPv4) or ICMPv6 (IPv6) packet, by the family of `src`.
    #[must_use]
    pub fn icmp(src: IpAddr, dst: IpAddr, icmp_type: u8, code: u8) -> Self {
        let protocol = match src {
            IpAddr::V4(_) => Protocol::ICMP,
            IpAddr::V6(_) => Protocol::ICMPV6,
        };
        Self::new(protocol, src, dst, icmp_type.into(), code.into())
    }

    /// The address family, or `None` when source and destination differ in family.
    #[must_use]
    pub fn family(&self) -> Option<Family> {
        let family = Family::of(self.src);
        (family == Family::of(self.dst)).then_some(family)
    }

    /// The reply: addresses swapped, and ports swapped for TCP/UDP. ICMP type and code are kept
    /// (mapping an echo request to its reply type is the evaluator's job).
    #[must_use]
    pub fn reverse(&self) -> Self {
        let (a, b) = match self.protocol.kind() {
            L4Kind::Ports => (self.b, self.a),
            L4Kind::Icmp | L4Kind::Other => (self.a, self.b),
        };
        Self::new(self.protocol, self.dst, self.src, a, b)
    }
}

impl fmt::Display for Packet {
    /// `tcp 10.0.0.1:32768 -> 10.0.1.5:443`, `icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0`,
    /// `protocol 50 10.0.0.1 -> 10.0.0.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.protocol;
        match p.kind() {
            L4Kind::Ports => {
                write!(f, "{p} {} -> {}", SocketAddr::new(self.src, self.a), SocketAddr::new(self.dst, self.b))
            }
            L4Kind::Icmp => write!(f, "{p} {} -> {} type {} code {}", self.src, self.dst, self.a, self.b),
            L4Kind::Other => write!(f, "protocol {p} {} -> {}", self.src, self.dst),
        }
    }
}

/// A product of per-dimension sets within one address family: IPv4 when `A` is `u32`, IPv6
/// when `A` is `u128`.
///
/// Any box may be built; a [`PacketSet`] stores it in canonical form (see the module docs),
/// which may split it by protocol kind.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PacketBox<A: Unsigned> {
    /// The IP protocol numbers.
    pub protocols: ProtoSet,
    /// The source addresses.
    pub src: IntervalSet<A>,
    /// The destination addresses.
    pub dst: IntervalSet<A>,
    /// Source ports (TCP/UDP) or ICMP types; full means any.
    pub a: PortSet,
    /// Destination ports (TCP/UDP) or ICMP codes; full means any.
    pub b: PortSet,
}

/// An IPv4 box.
pub type V4Box = PacketBox<u32>;
/// An IPv6 box.
pub type V6Box = PacketBox<u128>;

impl<A: Address> PacketBox<A> {
    /// Every packet of this family.
    #[must_use]
    pub fn all() -> Self {
        Self {
            protocols: ProtoSet::full(),
            src: IntervalSet::full(),
            dst: IntervalSet::full(),
            a: PortSet::full(),
            b: PortSet::full(),
        }
    }

    /// The family of the box.
    #[must_use]
    pub fn family(&self) -> Family {
        A::FAMILY
    }

    /// True when some dimension is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.protocols.is_empty()
            || self.src.is_empty()
            || self.dst.is_empty()
            || self.a.is_empty()
            || self.b.is_empty()
    }

    /// True when the packet is in the box, read literally (the box is not canonicalised first).
    #[must_use]
    pub fn contains(&self, packet: &Packet) -> bool {
        match (A::from_ip(packet.src), A::from_ip(packet.dst)) {
            (Some(src), Some(dst)) => {
                self.protocols.contains(packet.protocol.number())
                    && self.src.contains(src)
                    && self.dst.contains(dst)
                    && self.a.contains(packet.a)
                    && self.b.contains(packet.b)
            }
            _ => false,
        }
    }

    fn has_full_l4(&self) -> bool {
        self.a.is_full() && self.b.is_full()
    }

    fn intersects(&self, other: &Self) -> bool {
        self.protocols.intersects(&other.protocols)
            && self.src.intersects(&other.src)
            && self.dst.intersects(&other.dst)
            && self.a.intersects(&other.a)
            && self.b.intersects(&other.b)
    }

    fn intersect(&self, other: &Self) -> Option<Self> {
        let out = Self {
            protocols: self.protocols.intersect(&other.protocols),
            src: self.src.intersect(&other.src),
            dst: self.dst.intersect(&other.dst),
            a: self.a.intersect(&other.a),
            b: self.b.intersect(&other.b),
        };
        (!out.is_empty()).then_some(out)
    }

    /// Pushes the pieces of `self − other` (at most one per dimension) onto `out`. Each piece
    /// takes the part of one dimension outside `other`, with the earlier dimensions narrowed to
    /// their part inside `other`, so the pieces are disjoint.
    fn subtract_into(&self, other: &Self, out: &mut Vec<Self>) {
        if !self.intersects(other) {
            out.push(self.clone());
            return;
        }
        let mut rest = self.clone();
        let outside = rest.protocols.difference(&other.protocols);
        if !outside.is_empty() {
            out.push(Self { protocols: outside, ..rest.clone() });
            rest.protocols = rest.protocols.intersect(&other.protocols);
        }
        let outside = rest.src.difference(&other.src);
        if !outside.is_empty() {
            out.push(Self { src: outside, ..rest.clone() });
            rest.src = rest.src.intersect(&other.src);
        }
        let outside = rest.dst.difference(&other.dst);
        if !outside.is_empty() {
            out.push(Self { dst: outside, ..rest.clone() });
            rest.dst = rest.dst.intersect(&other.dst);
        }
        let outside = rest.a.difference(&other.a);
        if !outside.is_empty() {
            out.push(Self { a: outside, ..rest.clone() });
            rest.a = rest.a.intersect(&other.a);
        }
        let outside = rest.b.difference(&other.b);
        if !outside.is_empty() {
            out.push(Self { b: outside, ..rest });
        }
    }

    /// Pushes the canonical pieces of this box (see [`PacketSet`]) onto `out`.
    fn canonicalize_into(self, out: &mut Vec<Self>) {
        if self.is_empty() {
            return;
        }
        if self.has_full_l4() {
            out.push(self);
            return;
        }
        let ports = self.protocols.intersect(L4Kind::Ports.protocol_set());
        let icmp = self.protocols.intersect(L4Kind::Icmp.protocol_set());
        let other = self.protocols.intersect(L4Kind::Other.protocol_set());
        if !icmp.is_empty() {
            let piece = Self {
                protocols: icmp,
                src: self.src.clone(),
                dst: self.dst.clone(),
                a: canonical_icmp_field(&self.a),
                b: canonical_icmp_field(&self.b),
            };
            if !piece.is_empty() {
                out.push(piece);
            }
        }
        if !other.is_empty() {
            out.push(Self {
                protocols: other,
                src: self.src.clone(),
                dst: self.dst.clone(),
                a: PortSet::full(),
                b: PortSet::full(),
            });
        }
        if !ports.is_empty() {
            out.push(Self { protocols: ports, ..self });
        }
    }

    /// The replies to this box's packets (see [`PacketSet::reverse`]). Preserves canonical form.
    fn reverse(&self) -> Self {
        let swap_l4 = L4Kind::of_set(&self.protocols) == Some(L4Kind::Ports);
        let (a, b) = if swap_l4 { (self.b.clone(), self.a.clone()) } else { (self.a.clone(), self.b.clone()) };
        Self { protocols: self.protocols.clone(), src: self.dst.clone(), dst: self.src.clone(), a, b }
    }
}

/// The ICMP values 0-255, plus 256-65535 when 255 is present: the canonical form of an ICMP
/// type or code dimension.
fn canonical_icmp_field(field: &PortSet) -> PortSet {
    let real = field.intersect(&PortSet::range(0, 255));
    if field.contains(255) { real.union(&PortSet::range(256, u16::MAX)) } else { real }
}

/// The ICMP values 0-255 of a dimension.
fn icmp_values(field: &PortSet) -> IntervalSet<u8> {
    IntervalSet::from_ranges(field.ranges().filter(|&(lo, _)| lo <= 255).map(|(lo, hi)| (lo as u8, hi.min(255) as u8)))
}

impl<A: Address> fmt::Display for PacketBox<A> {
    /// `tcp 10.0.0.0/16 -> 10.0.1.0/24 sport 1024-65535 dport 22`; dimensions that are full
    /// (any port, any type) are left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {}",
            display_protocols(&self.protocols),
            Braced(&A::into_ip_set(self.src.clone()).to_cidrs()),
            Braced(&A::into_ip_set(self.dst.clone()).to_cidrs()),
        )?;
        let kind = L4Kind::of_set(&self.protocols);
        let (a_name, b_name) = match kind {
            Some(L4Kind::Ports) => ("sport", "dport"),
            Some(L4Kind::Icmp) => ("type", "code"),
            _ => ("a", "b"),
        };
        for (name, field) in [(a_name, &self.a), (b_name, &self.b)] {
            if field.is_full() {
                continue;
            }
            if kind == Some(L4Kind::Icmp) {
                let values = icmp_values(field);
                if !values.is_full() {
                    write!(f, " {name} {}", BracedSet(&values))?;
                }
            } else {
                write!(f, " {name} {}", BracedSet(field))?;
            }
        }
        Ok(())
    }
}

impl<A: Address> fmt::Debug for PacketBox<A> {
    /// The same as `Display`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A list printed bare when it has one element, else as `{x, y}`.
struct Braced<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for Braced<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => one.fmt(f),
            many => {
                f.write_str("{")?;
                for (i, x) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    x.fmt(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// An interval set printed bare when it is one range, else as `{22, 80}`.
struct BracedSet<'a, T: Unsigned>(&'a IntervalSet<T>);

impl<T: Unsigned> fmt::Display for BracedSet<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.range_count() == 1 { write!(f, "{}", self.0) } else { write!(f, "{{{}}}", self.0) }
    }
}

/// A product over both families: the packets one security group or network ACL rule matches.
/// Turn it into a set with [`PacketSet::from_match`]; the IPv4 and IPv6 parts become separate
/// boxes.
///
/// Rule fields map to it as follows (docs/semantics.md §2.4, §3.2):
/// * protocol `-1`/`all`: `protocols` full and **`a`, `b` full**. Its `from_port = 0,
///   to_port = 0` must not become `b = {0}`: the product is read literally, and would restrict
///   TCP/UDP to port 0 and ICMP to code 0.
/// * TCP/UDP `from_port..=to_port`: `b` (destination port) for ingress and egress alike; `a`
///   (source port) stays full.
/// * ICMP type `t`, code `c`: `a = {t}`, `b = {c}`; `-1` means full.
/// * any other protocol: ports are ignored whatever `a` and `b` say.
///
/// ```
/// use tfvpc::eval::sets::{IpSet, PacketMatch, PacketSet, PortSet, Protocol};
/// let ssh = PacketSet::from(PacketMatch {
///     protocols: Protocol::TCP.set(),
///     dst: IpSet::from_net("10.0.1.0/24".parse().unwrap()),
///     b: PortSet::single(22),
///     ..PacketMatch::all()
/// });
/// assert_eq!(ssh.to_string(), "tcp 0.0.0.0/0 -> 10.0.1.0/24 dport 22");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketMatch {
    /// The IP protocol numbers.
    pub protocols: ProtoSet,
    /// The source addresses (either family).
    pub src: IpSet,
    /// The destination addresses (either family).
    pub dst: IpSet,
    /// Source ports (TCP/UDP) or ICMP types; full means any.
    pub a: PortSet,
    /// Destination ports (TCP/UDP) or ICMP codes; full means any.
    pub b: PortSet,
}

impl PacketMatch {
    /// Every packet of both families: start here and narrow with struct update syntax.
    #[must_use]
    pub fn all() -> Self {
        Self {
            protocols: ProtoSet::full(),
            src: IpSet::any(),
            dst: IpSet::any(),
            a: PortSet::full(),
            b: PortSet::full(),
        }
    }

    fn family_box<A: Address>(&self) -> PacketBox<A> {
        PacketBox {
            protocols: self.protocols.clone(),
            src: A::part(&self.src).clone(),
            dst: A::part(&self.dst).clone(),
            a: self.a.clone(),
            b: self.b.clone(),
        }
    }
}

pub(super) mod family_store {
    use super::{PacketBox, PacketSet};
    use crate::eval::sets::interval::Unsigned;

    /// Where a [`PacketSet`] keeps the boxes of one family. Sealed: implemented for `u32` and
    /// `u128` only.
    pub trait FamilyStore: Unsigned {
        /// The boxes of this family.
        fn boxes(set: &PacketSet) -> &Vec<PacketBox<Self>>;
        /// The boxes of this family, mutably.
        fn boxes_mut(set: &mut PacketSet) -> &mut Vec<PacketBox<Self>>;
    }

    impl FamilyStore for u32 {
        fn boxes(set: &PacketSet) -> &Vec<PacketBox<Self>> {
            &set.v4
        }
        fn boxes_mut(set: &mut PacketSet) -> &mut Vec<PacketBox<Self>> {
            &mut set.v4
        }
    }

    impl FamilyStore for u128 {
        fn boxes(set: &PacketSet) -> &Vec<PacketBox<Self>> {
            &set.v6
        }
        fn boxes_mut(set: &mut PacketSet) -> &mut Vec<PacketBox<Self>> {
            &mut set.v6
        }
    }
}

/// A box of either family, as [`PacketSet::boxes`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxRef<'a> {
    /// An IPv4 box.
    V4(&'a V4Box),
    /// An IPv6 box.
    V6(&'a V6Box),
}

impl fmt::Display for BoxRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoxRef::V4(b) => b.fmt(f),
            BoxRef::V6(b) => b.fmt(f),
        }
    }
}

/// A set of packets of both families: a union of disjoint, canonical, non-empty boxes.
///
/// A box fixes the address family and holds five dimensions: protocols, source addresses,
/// destination addresses, and two L4 dimensions `a` and `b`:
///
/// | protocol      | `a`              | `b`                   |
/// |---------------|------------------|-----------------------|
/// | TCP, UDP      | source port      | destination port      |
/// | ICMP, ICMPv6  | type (0-255)     | code (0-255)          |
/// | any other     | ignored (full)   | ignored (full)        |
///
/// # Canonical boxes
///
/// Every box the set holds is *canonical*, which makes the encoding exact even though a
/// box built from a rule with protocol `-1` mixes TCP, ICMP and everything else:
///
/// * no dimension is empty;
/// * when `a` or `b` is not full, every protocol of the box has the same [`L4Kind`] (a mixed box
///   is split by kind when built);
/// * protocols of kind [`L4Kind::Other`] always carry full `a` and `b`: AWS ignores ports for
///   them (docs/semantics.md §2.4), so a port range given with, say, ESP is dropped, exactly as AWS does;
/// * ICMP `a`/`b` values above 255 do not exist on the wire; a canonical ICMP dimension holds
///   256-65535 exactly when it holds 255, so "types 0-255" and "any type" are the same box.
///   Values above 255 in a [`Packet`] therefore behave like 255.
///
/// Boolean operations keep boxes canonical (each dimension of a result is a boolean combination
/// of canonical dimensions), so the canonical split runs only when a box enters from outside.
///
/// # Cost
///
/// With `n` and `m` boxes in the operands and `r` ranges per dimension, `intersect` costs
/// `O(n·m·r)`, `difference` subtracts every box of `other` from every box of `self`, each
/// subtraction splitting a box into at most 5 pieces (one per dimension), and `union` is
/// `self + (other − self)`. After each operation boxes that are equal in all dimensions but one
/// are merged (sort by the other four, merge neighbours, repeat per dimension until nothing
/// merges: `O(rounds · 5 · k log k)` for `k` boxes). The box decomposition is not unique, so
/// equality is semantic (`PartialEq` runs two subset checks).
///
/// Fragmentation is the practical limit: subtracting one box can split each piece into up to
/// five, so intermediate results of long subtractions are merged once they exceed 16 pieces.
/// For scale (release build): the union of 200 TCP/UDP/ICMP rules with three random CIDRs and a
/// port range each is 150 boxes and takes about 11 ms; its complement takes about as long.
///
/// `Display` lists the boxes separated by `; `, IPv4 first, TCP/UDP boxes before ICMP, other
/// and mixed-protocol boxes (`none` when empty).
#[derive(Clone, Default)]
pub struct PacketSet {
    v4: Vec<V4Box>,
    v6: Vec<V6Box>,
}

impl PacketSet {
    /// No packets.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every packet of both families: all protocols, addresses, ports, ICMP types and codes.
    #[must_use]
    pub fn all() -> Self {
        Self { v4: vec![PacketBox::all()], v6: vec![PacketBox::all()] }
    }

    /// The packets of one box (split into canonical boxes).
    #[must_use]
    pub fn from_box<A: Address>(packet_box: PacketBox<A>) -> Self {
        let mut set = Self::empty();
        let boxes = A::boxes_mut(&mut set);
        packet_box.canonicalize_into(boxes);
        coalesce(boxes);
        set
    }

    /// The union of boxes of one family, which may overlap. `O(k²)` box subtractions.
    #[must_use]
    pub fn from_boxes<A: Address>(boxes: impl IntoIterator<Item = PacketBox<A>>) -> Self {
        boxes.into_iter().fold(Self::empty(), |set, b| set.union(&Self::from_box(b)))
    }

    /// The union of boxes of one family that the caller knows to be pairwise disjoint (for
    /// example parts of one set's boxes, or boxes of different protocols): canonicalised and
    /// merged without the `O(k²)` subtractions of [`PacketSet::from_boxes`]. Overlapping boxes
    /// would break the set's invariants; use `from_boxes` when in doubt.
    #[must_use]
    pub fn from_disjoint_boxes<A: Address>(boxes: impl IntoIterator<Item = PacketBox<A>>) -> Self {
        let mut set = Self::empty();
        let out = A::boxes_mut(&mut set);
        for b in boxes {
            b.canonicalize_into(out);
        }
        coalesce(out);
        set
    }

    /// The packets a rule-shaped product matches, in both families.
    #[must_use]
    pub fn from_match(matched: &PacketMatch) -> Self {
        let mut set = Self::from_box(matched.family_box::<u32>());
        set.v6 = Self::from_box(matched.family_box::<u128>()).v6;
        set
    }

    /// True when the set has no packet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// True when `packet` is in the set.
    #[must_use]
    pub fn contains(&self, packet: &Packet) -> bool {
        match packet.family() {
            Some(Family::V4) => self.v4.iter().any(|b| b.contains(packet)),
            Some(Family::V6) => self.v6.iter().any(|b| b.contains(packet)),
            None => false,
        }
    }

    /// The packets in `self` or `other`.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self { v4: union_boxes(&self.v4, &other.v4), v6: union_boxes(&self.v6, &other.v6) }
    }

    /// The packets in both `self` and `other`.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        Self { v4: intersect_boxes(&self.v4, &other.v4), v6: intersect_boxes(&self.v6, &other.v6) }
    }

    /// The packets in `self` but not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        Self { v4: difference_boxes(&self.v4, &other.v4), v6: difference_boxes(&self.v6, &other.v6) }
    }

    /// Every packet of both families not in `self`.
    #[must_use]
    pub fn complement(&self) -> Self {
        Self::all().difference(self)
    }

    /// True when every packet of `self` is in `other`.
    #[must_use]
    pub fn is_subset(&self, other: &Self) -> bool {
        is_subset_boxes(&self.v4, &other.v4) && is_subset_boxes(&self.v6, &other.v6)
    }

    /// True when `self` and `other` share a packet. `O(n·m)` box checks, no allocation.
    #[must_use]
    pub fn intersects(&self, other: &Self) -> bool {
        any_intersect(&self.v4, &other.v4) || any_intersect(&self.v6, &other.v6)
    }

    /// The packets whose destination is in `addrs`, and the others: the same boxes as
    /// `self.intersect(&PacketSet::from_match(&PacketMatch { dst: addrs.clone(), ..PacketMatch::all() }))`
    /// and `self.difference(&inside)` give, without building the match or running the generic
    /// box algebra (route lookups split every set this way).
    #[must_use]
    pub fn split_dst(&self, addrs: &IpSet) -> (Self, Self) {
        let (v4, v4_out) = split_boxes(&self.v4, &addrs.v4, AddrDim::Dst);
        let (v6, v6_out) = split_boxes(&self.v6, &addrs.v6, AddrDim::Dst);
        (Self { v4, v6 }, Self { v4: v4_out, v6: v6_out })
    }

    /// [`PacketSet::split_dst`] of an owned set: the boxes that need no change move instead of
    /// being copied (route lookups split the rest of a set by every route in turn).
    #[must_use]
    pub fn split_dst_owned(self, addrs: &IpSet) -> (Self, Self) {
        let (v4, v4_out) = split_boxes_owned(self.v4, &addrs.v4, AddrDim::Dst);
        let (v6, v6_out) = split_boxes_owned(self.v6, &addrs.v6, AddrDim::Dst);
        (Self { v4, v6 }, Self { v4: v4_out, v6: v6_out })
    }

    /// [`PacketSet::split_dst`] by source address.
    #[must_use]
    pub fn split_src(&self, addrs: &IpSet) -> (Self, Self) {
        let (v4, v4_out) = split_boxes(&self.v4, &addrs.v4, AddrDim::Src);
        let (v6, v6_out) = split_boxes(&self.v6, &addrs.v6, AddrDim::Src);
        (Self { v4, v6 }, Self { v4: v4_out, v6: v6_out })
    }

    /// The packets whose destination is in `addrs` (the first half of
    /// [`PacketSet::split_dst`]).
    #[must_use]
    pub fn with_dst_in(&self, addrs: &IpSet) -> Self {
        Self {
            v4: inside_boxes(&self.v4, &addrs.v4, AddrDim::Dst),
            v6: inside_boxes(&self.v6, &addrs.v6, AddrDim::Dst),
        }
    }

    /// `self` with the source (`src`) or destination addresses of every box replaced by those of
    /// `addrs` of its family (boxes of a family `addrs` has none of are dropped). For a set made
    /// by [`PacketSet::from_match`] of a match with any address in that dimension, this is the
    /// set of the same match with `addrs` there, box for box: canonical pieces and their merges
    /// depend on protocols and ports only. Security groups shape every rule this way per peer.
    #[must_use]
    pub(crate) fn with_addresses(&self, src: bool, addrs: &IpSet) -> Self {
        fn each<A: Address>(boxes: &[PacketBox<A>], src: bool, addrs: &IntervalSet<A>) -> Vec<PacketBox<A>> {
            if addrs.is_empty() {
                return Vec::new();
            }
            boxes
                .iter()
                .map(|b| {
                    let mut b = b.clone();
                    if src {
                        b.src = addrs.clone();
                    } else {
                        b.dst = addrs.clone();
                    }
                    b
                })
                .collect()
        }
        Self { v4: each(&self.v4, src, u32::part(addrs)), v6: each(&self.v6, src, u128::part(addrs)) }
    }

    /// The packets whose source is in `addrs` (the first half of [`PacketSet::split_src`]).
    #[must_use]
    pub fn with_src_in(&self, addrs: &IpSet) -> Self {
        Self {
            v4: inside_boxes(&self.v4, &addrs.v4, AddrDim::Src),
            v6: inside_boxes(&self.v6, &addrs.v6, AddrDim::Src),
        }
    }

    /// The boxes, IPv4 first, in a deterministic order.
    pub fn boxes(&self) -> impl Iterator<Item = BoxRef<'_>> {
        self.v4.iter().map(BoxRef::V4).chain(self.v6.iter().map(BoxRef::V6))
    }

    /// The boxes of one family (`u32`: IPv4, `u128`: IPv6).
    #[must_use]
    pub fn boxes_of<A: Address>(&self) -> &[PacketBox<A>] {
        A::boxes(self)
    }

    /// The IPv4 boxes.
    #[must_use]
    pub fn v4_boxes(&self) -> &[V4Box] {
        &self.v4
    }

    /// The IPv6 boxes.
    #[must_use]
    pub fn v6_boxes(&self) -> &[V6Box] {
        &self.v6
    }

    /// The number of boxes of both families.
    #[must_use]
    pub fn box_count(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// The replies to these packets: source and destination addresses swapped, and for TCP/UDP
    /// source and destination ports swapped. ICMP type and code are kept as they are: the
    /// evaluator maps request types to reply types (docs/semantics.md §14). `O(n)`.
    #[must_use]
    pub fn reverse(&self) -> Self {
        let mut v4: Vec<V4Box> = self.v4.iter().map(PacketBox::reverse).collect();
        let mut v6: Vec<V6Box> = self.v6.iter().map(PacketBox::reverse).collect();
        v4.sort_by(display_order);
        v6.sort_by(display_order);
        Self { v4, v6 }
    }

    /// Every protocol some packet uses.
    #[must_use]
    pub fn protocols(&self) -> ProtoSet {
        self.boxes().fold(ProtoSet::empty(), |acc, b| match b {
            BoxRef::V4(b) => acc.union(&b.protocols),
            BoxRef::V6(b) => acc.union(&b.protocols),
        })
    }

    /// Every source address some packet uses.
    #[must_use]
    pub fn src_addrs(&self) -> IpSet {
        IpSet { v4: union_all(self.v4.iter().map(|b| &b.src)), v6: union_all(self.v6.iter().map(|b| &b.src)) }
    }

    /// Every destination address some packet uses.
    #[must_use]
    pub fn dst_addrs(&self) -> IpSet {
        IpSet { v4: union_all(self.v4.iter().map(|b| &b.dst)), v6: union_all(self.v6.iter().map(|b| &b.dst)) }
    }

    /// Every source port of the TCP and UDP packets.
    #[must_use]
    pub fn src_ports(&self) -> PortSet {
        self.l4_field(L4Kind::Ports, |b| &b.a, |b| &b.a)
    }

    /// Every destination port of the TCP and UDP packets.
    #[must_use]
    pub fn dst_ports(&self) -> PortSet {
        self.l4_field(L4Kind::Ports, |b| &b.b, |b| &b.b)
    }

    /// Every ICMP/ICMPv6 type of the ICMP packets.
    #[must_use]
    pub fn icmp_types(&self) -> IntervalSet<u8> {
        icmp_values(&self.l4_field(L4Kind::Icmp, |b| &b.a, |b| &b.a))
    }

    /// Every ICMP/ICMPv6 code of the ICMP packets.
    #[must_use]
    pub fn icmp_codes(&self) -> IntervalSet<u8> {
        icmp_values(&self.l4_field(L4Kind::Icmp, |b| &b.b, |b| &b.b))
    }

    /// One packet of the set, if any, for messages ("e.g. tcp 10.0.0.1:0 -> 10.0.1.5:22"): the
    /// lowest values of the first box, preferring TCP, then UDP, ICMP and ICMPv6.
    #[must_use]
    pub fn sample(&self) -> Option<Packet> {
        if let Some(b) = self.v4.first() {
            return sample_box(b);
        }
        self.v6.first().and_then(sample_box)
    }

    fn l4_field(
        &self,
        kind: L4Kind,
        v4_field: impl Fn(&V4Box) -> &PortSet,
        v6_field: impl Fn(&V6Box) -> &PortSet,
    ) -> PortSet {
        let protocols = kind.protocols();
        let v4 = self.v4.iter().filter(|b| b.protocols.intersects(&protocols)).map(v4_field);
        let v6 = self.v6.iter().filter(|b| b.protocols.intersects(&protocols)).map(v6_field);
        union_all(v4.chain(v6))
    }
}

fn union_all<'a, T: Unsigned>(sets: impl Iterator<Item = &'a IntervalSet<T>>) -> IntervalSet<T> {
    sets.fold(IntervalSet::empty(), |acc, s| acc.union(s))
}

fn sample_box<A: Address>(b: &PacketBox<A>) -> Option<Packet> {
    let preferred = [Protocol::TCP, Protocol::UDP, Protocol::ICMP, Protocol::ICMPV6];
    let protocol = preferred
        .into_iter()
        .find(|p| b.protocols.contains(p.number()))
        .or_else(|| b.protocols.first().map(Protocol))?;
    Some(Packet::new(protocol, b.src.first()?.to_ip(), b.dst.first()?.to_ip(), b.a.first()?, b.b.first()?))
}

impl<A: Address> From<PacketBox<A>> for PacketSet {
    fn from(packet_box: PacketBox<A>) -> Self {
        Self::from_box(packet_box)
    }
}

impl From<PacketMatch> for PacketSet {
    fn from(matched: PacketMatch) -> Self {
        Self::from_match(&matched)
    }
}

impl PartialEq for PacketSet {
    /// Same packets (two subset checks, not a comparison of boxes).
    fn eq(&self, other: &Self) -> bool {
        self.is_subset(other) && other.is_subset(self)
    }
}

impl Eq for PacketSet {}

impl fmt::Display for PacketSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, b) in self.boxes().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            b.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for PacketSet {
    /// `{box; box}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() { f.write_str("{}") } else { write!(f, "{{{self}}}") }
    }
}

// ---- splitting by one address dimension --------------------------------------------------------

/// An address dimension of a box.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AddrDim {
    Src,
    Dst,
}

impl AddrDim {
    fn of<A: Address>(self, b: &PacketBox<A>) -> &IntervalSet<A> {
        match self {
            AddrDim::Src => &b.src,
            AddrDim::Dst => &b.dst,
        }
    }

    fn with<A: Address>(self, b: &PacketBox<A>, addrs: IntervalSet<A>) -> PacketBox<A> {
        match self {
            AddrDim::Src => PacketBox { src: addrs, ..b.clone() },
            AddrDim::Dst => PacketBox { dst: addrs, ..b.clone() },
        }
    }

    /// The box of every packet with this dimension in `addrs` (what `from_match` builds).
    fn all_in<A: Address>(self, addrs: &IntervalSet<A>) -> PacketBox<A> {
        self.with(&PacketBox::all(), addrs.clone())
    }
}

/// `xs ∩ (dim ∈ addrs)` with the boxes `intersect_boxes(xs, [all_in(addrs)])` gives: its two
/// fast paths, else every box narrowed, merged.
fn inside_boxes<A: Address>(xs: &[PacketBox<A>], addrs: &IntervalSet<A>, dim: AddrDim) -> Vec<PacketBox<A>> {
    if xs.is_empty() || addrs.is_empty() {
        return Vec::new();
    }
    if xs.iter().all(|x| dim.of(x).is_subset(addrs)) {
        return xs.to_vec();
    }
    let all_in = dim.all_in(addrs);
    if xs.iter().any(|x| box_is_subset(&all_in, x)) {
        return vec![all_in];
    }
    let mut out: Vec<PacketBox<A>> = xs
        .iter()
        .filter_map(|x| {
            let part = dim.of(x).intersect(addrs);
            (!part.is_empty()).then(|| dim.with(x, part))
        })
        .collect();
    coalesce(&mut out);
    out
}

/// [`inside_boxes`], and `xs − inside` with the boxes `difference_boxes` gives: subtracting the
/// inside part (every piece of which lies in one box of `xs`) from a box of `xs` leaves that box
/// with the dimension outside `addrs`.
fn split_boxes<A: Address>(
    xs: &[PacketBox<A>],
    addrs: &IntervalSet<A>,
    dim: AddrDim,
) -> (Vec<PacketBox<A>>, Vec<PacketBox<A>>) {
    let inside = inside_boxes(xs, addrs, dim);
    if inside.is_empty() {
        return (inside, xs.to_vec());
    }
    if xs.iter().all(|x| dim.of(x).is_subset(addrs)) {
        return (inside, Vec::new());
    }
    let mut outside: Vec<PacketBox<A>> = xs
        .iter()
        .filter_map(|x| {
            let part = dim.of(x).difference(addrs);
            (!part.is_empty()).then(|| dim.with(x, part))
        })
        .collect();
    coalesce(&mut outside);
    (inside, outside)
}

/// [`split_boxes`] taking the boxes: same result, fewer copies.
fn split_boxes_owned<A: Address>(
    xs: Vec<PacketBox<A>>,
    addrs: &IntervalSet<A>,
    dim: AddrDim,
) -> (Vec<PacketBox<A>>, Vec<PacketBox<A>>) {
    if xs.is_empty() || addrs.is_empty() {
        return (Vec::new(), xs);
    }
    if xs.iter().all(|x| dim.of(x).is_subset(addrs)) {
        return (xs, Vec::new());
    }
    if !xs.iter().any(|x| dim.of(x).intersects(addrs)) {
        return (Vec::new(), xs);
    }
    let all_in = dim.all_in(addrs);
    let whole = xs.iter().any(|x| box_is_subset(&all_in, x));
    let mut inside: Vec<PacketBox<A>> = Vec::new();
    let mut outside: Vec<PacketBox<A>> = Vec::with_capacity(xs.len());
    for x in xs {
        if !dim.of(&x).intersects(addrs) {
            outside.push(x);
            continue;
        }
        let out_part = dim.of(&x).difference(addrs);
        if !whole {
            inside.push(dim.with(&x, dim.of(&x).intersect(addrs)));
        }
        if !out_part.is_empty() {
            outside.push(match dim {
                AddrDim::Src => PacketBox { src: out_part, ..x },
                AddrDim::Dst => PacketBox { dst: out_part, ..x },
            });
        }
    }
    if whole {
        inside.push(all_in);
    } else {
        coalesce(&mut inside);
    }
    coalesce(&mut outside);
    (inside, outside)
}

// ---- box-list algebra, one family at a time ---------------------------------------------------

fn union_boxes<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> Vec<PacketBox<A>> {
    if xs.is_empty() {
        return ys.to_vec();
    }
    let mut out = xs.to_vec();
    // The boxes of `ys` are disjoint, so their parts outside `xs` are too.
    for y in ys {
        out.extend(subtract_all(y.clone(), xs));
    }
    coalesce(&mut out);
    out
}

/// True when every box of `xs` lies inside a single box of `ys` (a cheap, allocation-free
/// sufficient condition for `xs ⊆ ys`).
fn each_inside_one<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> bool {
    xs.iter().all(|x| ys.iter().any(|y| box_is_subset(x, y)))
}

fn intersect_boxes<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> Vec<PacketBox<A>> {
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    // Fast paths (the evaluator intersects with covering sets all the time): no splitting.
    if each_inside_one(xs, ys) {
        return xs.to_vec();
    }
    if each_inside_one(ys, xs) {
        return ys.to_vec();
    }
    let mut out: Vec<PacketBox<A>> = xs.iter().flat_map(|x| ys.iter().filter_map(move |y| x.intersect(y))).collect();
    coalesce(&mut out);
    out
}

fn difference_boxes<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> Vec<PacketBox<A>> {
    if ys.is_empty() || !any_intersect(xs, ys) {
        return xs.to_vec();
    }
    if each_inside_one(xs, ys) {
        return Vec::new();
    }
    let mut out: Vec<PacketBox<A>> = xs.iter().flat_map(|x| subtract_all(x.clone(), ys)).collect();
    coalesce(&mut out);
    out
}

fn is_subset_boxes<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> bool {
    xs.iter().all(|x| {
        // Fast path: a box inside a single box of `ys`.
        ys.iter().any(|y| box_is_subset(x, y)) || subtract_all(x.clone(), ys).is_empty()
    })
}

fn any_intersect<A: Address>(xs: &[PacketBox<A>], ys: &[PacketBox<A>]) -> bool {
    xs.iter().any(|x| ys.iter().any(|y| x.intersects(y)))
}

fn box_is_subset<A: Address>(x: &PacketBox<A>, y: &PacketBox<A>) -> bool {
    x.protocols.is_subset(&y.protocols)
        && x.src.is_subset(&y.src)
        && x.dst.is_subset(&y.dst)
        && x.a.is_subset(&y.a)
        && x.b.is_subset(&y.b)
}

/// Pieces above which the intermediate result of a subtraction is merged before going on.
const COALESCE_PIECES: usize = 16;

/// `x − (y₁ ∪ y₂ ∪ …)` as disjoint boxes.
fn subtract_all<A: Address>(x: PacketBox<A>, ys: &[PacketBox<A>]) -> Vec<PacketBox<A>> {
    let mut pieces = vec![x];
    for y in ys {
        if pieces.is_empty() {
            break;
        }
        let mut next = Vec::with_capacity(pieces.len());
        for piece in &pieces {
            piece.subtract_into(y, &mut next);
        }
        if next.len() > COALESCE_PIECES {
            coalesce(&mut next);
        }
        pieces = next;
    }
    pieces
}

/// A dimension of a box.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dim {
    Protocols,
    Src,
    Dst,
    A,
    B,
}

const DIMS: [Dim; 5] = [Dim::Protocols, Dim::Src, Dim::Dst, Dim::A, Dim::B];

/// Orders boxes by every dimension but `skip`.
fn cmp_except<A: Address>(x: &PacketBox<A>, y: &PacketBox<A>, skip: Dim) -> Ordering {
    for dim in DIMS {
        if dim == skip {
            continue;
        }
        let ord = match dim {
            Dim::Protocols => x.protocols.cmp(&y.protocols),
            Dim::Src => x.src.cmp(&y.src),
            Dim::Dst => x.dst.cmp(&y.dst),
            Dim::A => x.a.cmp(&y.a),
            Dim::B => x.b.cmp(&y.b),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Merges `next` into `last` along `dim` when the result is a canonical box. The caller
/// guarantees the two are equal in every other dimension.
fn try_merge<A: Address>(last: &mut PacketBox<A>, next: &PacketBox<A>, dim: Dim) -> bool {
    match dim {
        Dim::Protocols => {
            // Mixing protocol kinds is canonical only with full L4 dimensions.
            let same_kind = L4Kind::of_set(&last.protocols) == L4Kind::of_set(&next.protocols);
            if !(last.has_full_l4() || same_kind) {
                return false;
            }
            last.protocols = last.protocols.union(&next.protocols);
        }
        Dim::Src => last.src = last.src.union(&next.src),
        Dim::Dst => last.dst = last.dst.union(&next.dst),
        Dim::A => last.a = last.a.union(&next.a),
        Dim::B => last.b = last.b.union(&next.b),
    }
    true
}

fn kind_rank(protocols: &ProtoSet) -> u8 {
    match L4Kind::of_set(protocols) {
        Some(L4Kind::Ports) => 0,
        Some(L4Kind::Icmp) => 1,
        Some(L4Kind::Other) => 2,
        None => 3,
    }
}

/// Merges boxes that differ in one dimension only, until none do, then sorts the boxes
/// ([`display_order`]).
/// Each round sorts once per dimension (`O(5 · k log k)` comparisons); every merge removes a
/// box, so there are at most `k` rounds and usually two.
fn coalesce<A: Address>(boxes: &mut Vec<PacketBox<A>>) {
    // Few boxes, no two of which differ in at most one dimension: nothing can merge, and the
    // rounds below would only sort (the common case after a split; same result, no sorting).
    if boxes.len() <= 16 && !any_mergeable_pair(boxes) {
        boxes.sort_by(display_order);
        return;
    }
    loop {
        let before = boxes.len();
        for dim in DIMS {
            if boxes.len() < 2 {
                break;
            }
            // Along protocols, only boxes of one L4 kind merge (unless L4 is full), so sort
            // same-kind boxes next to each other.
            boxes.sort_by(|x, y| {
                cmp_except(x, y, dim).then_with(|| {
                    if dim == Dim::Protocols {
                        kind_rank(&x.protocols).cmp(&kind_rank(&y.protocols))
                    } else {
                        Ordering::Equal
                    }
                })
            });
            let mut merged: Vec<PacketBox<A>> = Vec::with_capacity(boxes.len());
            for next in boxes.drain(..) {
                if let Some(last) = merged.last_mut()
                    && cmp_except(last, &next, dim) == Ordering::Equal
                    && try_merge(last, &next, dim)
                {
                    continue;
                }
                merged.push(next);
            }
            *boxes = merged;
        }
        if boxes.len() == before {
            break;
        }
    }
    boxes.sort_by(display_order);
}

/// True when two of the boxes are equal in all dimensions but (at most) one.
fn any_mergeable_pair<A: Address>(boxes: &[PacketBox<A>]) -> bool {
    boxes.iter().enumerate().any(|(i, x)| {
        boxes[i + 1..].iter().any(|y| {
            let differ = usize::from(x.protocols != y.protocols)
                + usize::from(x.src != y.src)
                + usize::from(x.dst != y.dst)
                + usize::from(x.a != y.a)
                + usize::from(x.b != y.b);
            differ <= 1
        })
    })
}

/// The order boxes are kept in: TCP/UDP first, then ICMP, other protocols, mixed protocols;
/// within each, by dimensions.
fn display_order<A: Address>(x: &PacketBox<A>, y: &PacketBox<A>) -> Ordering {
    kind_rank(&x.protocols).cmp(&kind_rank(&y.protocols)).then_with(|| x.cmp(y))
}

#[cfg(test)]
mod tests;
