//! Sets of IPv4 and IPv6 addresses, built from and printed as CIDR blocks.
//!
//! IPv4 and IPv6 are separate everywhere in AWS (routes, `cidr_blocks` vs `ipv6_cidr_blocks`, NACL
//! rules; docs/semantics.md §15.15), so an [`IpSet`] keeps one [`IntervalSet`] per family and never
//! relates an IPv4 address to an IPv6 one.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::interval::{IntervalSet, Unsigned};
use super::packet::family_store::FamilyStore;

/// An IP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// The family of an address.
    #[must_use]
    pub fn of(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        })
    }
}

/// The integer form of one address family's addresses: `u32` for IPv4, `u128` for IPv6.
///
/// Sealed. Generic code over packet boxes ([`super::PacketBox`]) uses it to stay family-agnostic.
pub trait Address: Unsigned + FamilyStore {
    /// The family these integers encode.
    const FAMILY: Family;

    /// This family's part of an address set.
    fn part(set: &IpSet) -> &IntervalSet<Self>;

    /// An address set holding only `addrs`, of this family.
    fn into_ip_set(addrs: IntervalSet<Self>) -> IpSet;

    /// The integer as an address.
    fn to_ip(self) -> IpAddr;

    /// The address as an integer, if it is of this family.
    fn from_ip(addr: IpAddr) -> Option<Self>;
}

impl Address for u32 {
    const FAMILY: Family = Family::V4;

    fn part(set: &IpSet) -> &IntervalSet<Self> {
        &set.v4
    }

    fn into_ip_set(addrs: IntervalSet<Self>) -> IpSet {
        IpSet { v4: addrs, v6: IntervalSet::empty() }
    }

    fn to_ip(self) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(self))
    }

    fn from_ip(addr: IpAddr) -> Option<Self> {
        match addr {
            IpAddr::V4(a) => Some(u32::from(a)),
            IpAddr::V6(_) => None,
        }
    }
}

impl Address for u128 {
    const FAMILY: Family = Family::V6;

    fn part(set: &IpSet) -> &IntervalSet<Self> {
        &set.v6
    }

    fn into_ip_set(addrs: IntervalSet<Self>) -> IpSet {
        IpSet { v4: IntervalSet::empty(), v6: addrs }
    }

    fn to_ip(self) -> IpAddr {
        IpAddr::V6(Ipv6Addr::from(self))
    }

    fn from_ip(addr: IpAddr) -> Option<Self> {
        match addr {
            IpAddr::V4(_) => None,
            IpAddr::V6(a) => Some(u128::from(a)),
        }
    }
}

/// A set of IPv4 and IPv6 addresses.
///
/// Any pair of interval sets is valid, so the fields are public. `Display` prints the minimal
/// CIDR list (`10.0.0.0/16, 2600:1f18::/56`, or `none`).
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpSet {
    /// The IPv4 addresses, as integers.
    pub v4: IntervalSet<u32>,
    /// The IPv6 addresses, as integers.
    pub v6: IntervalSet<u128>,
}

impl IpSet {
    /// No addresses.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every IPv4 address (`0.0.0.0/0`), no IPv6 address.
    #[must_use]
    pub fn any_v4() -> Self {
        Self { v4: IntervalSet::full(), v6: IntervalSet::empty() }
    }

    /// Every IPv6 address (`::/0`), no IPv4 address.
    #[must_use]
    pub fn any_v6() -> Self {
        Self { v4: IntervalSet::empty(), v6: IntervalSet::full() }
    }

    /// Every address of both families.
    #[must_use]
    pub fn any() -> Self {
        Self { v4: IntervalSet::full(), v6: IntervalSet::full() }
    }

    /// The addresses of a CIDR block. Host bits are ignored: `10.0.0.5/16` is `10.0.0.0/16`.
    #[must_use]
    pub fn from_net(net: IpNet) -> Self {
        match net {
            IpNet::V4(n) => Self::from_v4net(n),
            IpNet::V6(n) => Self::from_v6net(n),
        }
    }

    /// The addresses of an IPv4 CIDR block (host bits ignored).
    #[must_use]
    pub fn from_v4net(net: Ipv4Net) -> Self {
        u32::into_ip_set(IntervalSet::range(u32::from(net.network()), u32::from(net.broadcast())))
    }

    /// The addresses of an IPv6 CIDR block (host bits ignored).
    #[must_use]
    pub fn from_v6net(net: Ipv6Net) -> Self {
        u128::into_ip_set(IntervalSet::range(u128::from(net.network()), u128::from(net.broadcast())))
    }

    /// The union of several CIDR blocks.
    #[must_use]
    pub fn from_nets(nets: impl IntoIterator<Item = IpNet>) -> Self {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in nets {
            match net {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.broadcast()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
            }
        }
        Self { v4: IntervalSet::from_ranges(v4), v6: IntervalSet::from_ranges(v6) }
    }

    /// The set holding only `addr`.
    #[must_use]
    pub fn from_addr(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(a) => u32::into_ip_set(IntervalSet::single(u32::from(a))),
            IpAddr::V6(a) => u128::into_ip_set(IntervalSet::single(u128::from(a))),
        }
    }

    /// True when there is no address of either family.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// True when `addr` is in the set.
    #[must_use]
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }

    /// The addresses in `self` or `other`.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self { v4: self.v4.union(&other.v4), v6: self.v6.union(&other.v6) }
    }

    /// The addresses in both `self` and `other`.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        Self { v4: self.v4.intersect(&other.v4), v6: self.v6.intersect(&other.v6) }
    }

    /// The addresses in `self` but not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        Self { v4: self.v4.difference(&other.v4), v6: self.v6.difference(&other.v6) }
    }

    /// Every address of both families that is not in `self`.
    #[must_use]
    pub fn complement(&self) -> Self {
        Self { v4: self.v4.complement(), v6: self.v6.complement() }
    }

    /// True when every address of `self` is in `other`.
    #[must_use]
    pub fn is_subset(&self, other: &Self) -> bool {
        self.v4.is_subset(&other.v4) && self.v6.is_subset(&other.v6)
    }

    /// True when `self` and `other` share an address.
    #[must_use]
    pub fn intersects(&self, other: &Self) -> bool {
        self.v4.intersects(&other.v4) || self.v6.intersects(&other.v6)
    }

    /// The fewest CIDR blocks whose union is exactly this set: IPv4 blocks first, each family
    /// ascending. `10.0.0.0/16` stays `10.0.0.0/16`; `10.0.0.1-10.0.0.6` becomes
    /// `10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32`.
    #[must_use]
    pub fn to_cidrs(&self) -> Vec<IpNet> {
        self.v4_cidrs().into_iter().map(IpNet::V4).chain(self.v6_cidrs().into_iter().map(IpNet::V6)).collect()
    }

    /// The fewest IPv4 CIDR blocks covering exactly the IPv4 part.
    #[must_use]
    pub fn v4_cidrs(&self) -> Vec<Ipv4Net> {
        self.v4
            .prefix_blocks()
            .into_iter()
            // `prefix_blocks` never yields a prefix longer than the width (32), so `new` succeeds.
            .filter_map(|(start, len)| Ipv4Net::new(Ipv4Addr::from(start), len).ok())
            .collect()
    }

    /// The fewest IPv6 CIDR blocks covering exactly the IPv6 part.
    #[must_use]
    pub fn v6_cidrs(&self) -> Vec<Ipv6Net> {
        self.v6
            .prefix_blocks()
            .into_iter()
            // `prefix_blocks` never yields a prefix longer than the width (128).
            .filter_map(|(start, len)| Ipv6Net::new(Ipv6Addr::from(start), len).ok())
            .collect()
    }
}

impl From<IpNet> for IpSet {
    fn from(net: IpNet) -> Self {
        Self::from_net(net)
    }
}

impl From<IpAddr> for IpSet {
    fn from(addr: IpAddr) -> Self {
        Self::from_addr(addr)
    }
}

impl FromIterator<IpNet> for IpSet {
    fn from_iter<I: IntoIterator<Item = IpNet>>(iter: I) -> Self {
        Self::from_nets(iter)
    }
}

impl fmt::Display for IpSet {
    /// `10.0.0.0/16, 10.2.0.0/16`; `none` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cidrs = self.to_cidrs();
        if cidrs.is_empty() {
            return f.write_str("none");
        }
        for (i, net) in cidrs.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{net}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for IpSet {
    /// `{10.0.0.0/16, ::/0}`; `{}` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() { f.write_str("{}") } else { write!(f, "{{{self}}}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cidrs(set: &IpSet) -> Vec<String> {
        set.to_cidrs().iter().map(ToString::to_string).collect()
    }

    fn v4_range(lo: &str, hi: &str) -> IpSet {
        let lo: Ipv4Addr = lo.parse().unwrap();
        let hi: Ipv4Addr = hi.parse().unwrap();
        u32::into_ip_set(IntervalSet::range(u32::from(lo), u32::from(hi)))
    }

    #[test]
    fn a_cidr_block_prints_as_itself() {
        for s in [
            "10.0.0.0/16",
            "0.0.0.0/0",
            "10.0.0.7/32",
            "255.255.255.255/32",
            "::/0",
            "2600:1f18:abcd::/56",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
        ] {
            assert_eq!(cidrs(&IpSet::from_net(net(s))), [s]);
        }
    }

    #[test]
    fn host_bits_of_a_cidr_are_ignored() {
        assert_eq!(IpSet::from_net(net("10.0.0.5/16")), IpSet::from_net(net("10.0.0.0/16")));
    }

    #[test]
    fn slash_zero_is_every_address_of_one_family() {
        assert_eq!(IpSet::from_net(net("0.0.0.0/0")), IpSet::any_v4());
        assert_eq!(IpSet::from_net(net("::/0")), IpSet::any_v6());
        assert!(IpSet::any_v4().contains(ip("255.255.255.255")));
        assert!(!IpSet::any_v4().contains(ip("::1")));
        assert!(IpSet::any_v6().contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(!IpSet::any_v6().contains(ip("0.0.0.0")));
        assert_eq!(IpSet::any(), IpSet::any_v4().union(&IpSet::any_v6()));
        assert!(IpSet::any().complement().is_empty());
    }

    #[test]
    fn host_routes_hold_one_address() {
        let s = IpSet::from_net(net("10.0.0.7/32"));
        assert!(s.contains(ip("10.0.0.7")));
        assert!(!s.contains(ip("10.0.0.6")));
        assert!(!s.contains(ip("10.0.0.8")));
        assert_eq!(s, IpSet::from_addr(ip("10.0.0.7")));
        let s = IpSet::from_net(net("2600::1/128"));
        assert!(s.contains(ip("2600::1")));
        assert!(!s.contains(ip("2600::")));
        assert_eq!(s.v6.count(), 1);
    }

    #[test]
    fn to_cidrs_merges_two_adjacent_blocks_into_their_parent() {
        assert_eq!(cidrs(&v4_range("10.0.0.0", "10.0.1.255")), ["10.0.0.0/23"]);
        let two = IpSet::from_nets([net("10.0.1.0/24"), net("10.0.0.0/24")]);
        assert_eq!(cidrs(&two), ["10.0.0.0/23"]);
    }

    #[test]
    fn to_cidrs_splits_unaligned_ranges_minimally() {
        assert_eq!(
            cidrs(&v4_range("10.0.0.1", "10.0.0.6")),
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]
        );
        assert_eq!(cidrs(&v4_range("0.0.0.1", "255.255.255.255")).len(), 32, "one block per bit");
        assert_eq!(cidrs(&v4_range("10.0.1.0", "10.0.2.255")), ["10.0.1.0/24", "10.0.2.0/24"], "not aligned to /23");
    }

    #[test]
    fn to_cidrs_of_a_vpc_minus_a_subnet_lists_the_remaining_blocks() {
        let rest = IpSet::from_net(net("10.0.0.0/16")).difference(&IpSet::from_net(net("10.0.0.0/24")));
        assert_eq!(
            cidrs(&rest),
            [
                "10.0.1.0/24",
                "10.0.2.0/23",
                "10.0.4.0/22",
                "10.0.8.0/21",
                "10.0.16.0/20",
                "10.0.32.0/19",
                "10.0.64.0/18",
                "10.0.128.0/17"
            ]
        );
    }

    #[test]
    fn to_cidrs_lists_ipv4_before_ipv6() {
        let s = IpSet::from_nets([net("2600::/64"), net("10.0.0.0/8")]);
        assert_eq!(cidrs(&s), ["10.0.0.0/8", "2600::/64"]);
        assert_eq!(s.to_string(), "10.0.0.0/8, 2600::/64");
        assert_eq!(format!("{s:?}"), "{10.0.0.0/8, 2600::/64}");
        assert_eq!(IpSet::empty().to_string(), "none");
        assert_eq!(format!("{:?}", IpSet::empty()), "{}");
    }

    #[test]
    fn families_never_mix() {
        let v4 = IpSet::from_net(net("10.0.0.0/8"));
        let v6 = IpSet::from_net(net("::/0"));
        assert!(!v4.intersects(&v6));
        assert!(v4.intersect(&v6).is_empty());
        assert_eq!(v4.union(&v6).difference(&v6), v4);
        assert!(!v4.is_subset(&v6));
        assert_eq!(
            v4.complement().v6,
            IntervalSet::full(),
            "the complement of an IPv4-only set holds every IPv6 address"
        );
    }

    #[test]
    fn subset_follows_cidr_containment() {
        let vpc = IpSet::from_net(net("10.0.0.0/16"));
        let subnet = IpSet::from_net(net("10.0.3.0/24"));
        assert!(subnet.is_subset(&vpc));
        assert!(!vpc.is_subset(&subnet));
        assert!(IpSet::empty().is_subset(&subnet));
    }

    #[test]
    fn family_of_an_address() {
        assert_eq!(Family::of(ip("10.0.0.1")), Family::V4);
        assert_eq!(Family::of(ip("::1")), Family::V6);
        assert_eq!(Family::V6.to_string(), "IPv6");
        assert_eq!(u32::from_ip(ip("::1")), None);
        assert_eq!(u128::from_ip(ip("::1")), Some(1));
        assert_eq!(u32::to_ip(0x0a00_0001), ip("10.0.0.1"));
    }

    fn arb_v4_set() -> impl Strategy<Value = IpSet> {
        let addr = prop_oneof![Just(0u32), Just(u32::MAX), 0x0a00_0000u32..0x0a00_0400, any::<u32>()];
        prop::collection::vec((addr.clone(), addr), 0..5).prop_map(|r| u32::into_ip_set(IntervalSet::from_ranges(r)))
    }

    fn arb_v6_set() -> impl Strategy<Value = IpSet> {
        let addr = prop_oneof![Just(0u128), Just(u128::MAX), 0u128..4096, any::<u128>()];
        prop::collection::vec((addr.clone(), addr), 0..5).prop_map(|r| u128::into_ip_set(IntervalSet::from_ranges(r)))
    }

    proptest! {
        #[test]
        fn to_cidrs_round_trips(v4 in arb_v4_set(), v6 in arb_v6_set()) {
            let set = v4.union(&v6);
            let nets = set.to_cidrs();
            prop_assert_eq!(IpSet::from_nets(nets.iter().copied()), set.clone());
            // Blocks are pairwise disjoint, so no shorter list can exist within a range
            // (minimality itself is checked on u8 in the interval tests).
            for pair in nets.windows(2) {
                prop_assert!(!IpSet::from_net(pair[0]).intersects(&IpSet::from_net(pair[1])));
            }
            for n in &nets {
                prop_assert_eq!(n.trunc(), *n, "{} is a network address", n);
            }
        }
    }
}
