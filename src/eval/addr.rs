//! Address classes the forwarding rules depend on, and symbolic addresses for AWS services.
//!
//! * An internet gateway drops outbound packets to RFC 1918 and RFC 6598 destinations
//!   (docs/semantics.md §4, RA `IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS`, `…RFC6598…`).
//! * A private address outside every VPC is on-premises (reached through a VPN or a transit
//!   gateway); a public one is the internet (issue 3, "X and Y may be").
//! * AWS services (`com.amazonaws.us-east-1.s3`) have public addresses that the plan does not
//!   know: a gateway endpoint's prefix list (`pl-…`) is unknown at plan time (docs/semantics.md §1.5). Each
//!   service the network mentions gets a *symbolic* block in the never-routed class E space
//!   (`240.0.0.0/4`), so that "the S3 endpoint route beats `0.0.0.0/0`" and "an SG rule with the
//!   endpoint's prefix list admits S3" are exact set operations. A rule or route on a concrete
//!   public CIDR other than `0.0.0.0/0` may or may not cover a service's real ranges:
//!   [`ServiceOverlap::Maybe`] makes the evaluator answer "indeterminate" for those packets.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::sets::IpSet;

/// IPv4 ranges that are not internet addresses: this network, RFC 1918, RFC 6598 shared space,
/// loopback, link-local, IETF protocol assignments, benchmarking, multicast and class E.
const NOT_INTERNET_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// RFC 1918 and RFC 6598: the destinations an internet gateway drops, and what counts as an
/// on-premises (private) address outside every VPC.
const PRIVATE_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// The first address of the symbolic service space (`240.0.0.0`); service `i` gets
/// `240.0.0.0 + i·2^16` as a `/16`.
const SERVICE_BASE: u32 = 0xF000_0000;

/// Block reserved for AWS services no endpoint of the network serves (reached over the internet).
const OTHER_SERVICES_INDEX: u32 = 0x0FFF;

fn v4_set(ranges: &[(Ipv4Addr, u8)]) -> IpSet {
    IpSet::from_nets(ranges.iter().filter_map(|&(a, len)| Ipv4Net::new(a, len).ok()).map(IpNet::V4))
}

/// RFC 1918 and RFC 6598 IPv4 space.
#[must_use]
pub(crate) fn private_v4() -> IpSet {
    v4_set(PRIVATE_V4)
}

/// Unique local IPv6 space (`fc00::/7`), the IPv6 analogue of private space.
#[must_use]
pub(crate) fn private_v6() -> IpSet {
    "fc00::/7".parse::<Ipv6Net>().map(IpSet::from_v6net).unwrap_or_default()
}

/// Private addresses of both families: on-premises when outside every VPC.
#[must_use]
pub(crate) fn private_space() -> IpSet {
    private_v4().union(&private_v6())
}

/// Global unicast addresses: IPv4 without the special ranges, IPv6 `2000::/3`.
#[must_use]
pub(crate) fn public_space() -> IpSet {
    let v4 = IpSet::any_v4().difference(&v4_set(NOT_INTERNET_V4));
    let v6 = "2000::/3".parse::<Ipv6Net>().map(IpSet::from_v6net).unwrap_or_default();
    v4.union(&v6)
}

/// True when a CIDR lies entirely in IPv4 space that is not the internet (so it cannot hold an
/// AWS service's public addresses).
fn is_non_public_v4(net: &Ipv4Net) -> bool {
    NOT_INTERNET_V4.iter().any(|&(a, len)| Ipv4Net::new(a, len).is_ok_and(|n| n.contains(net)))
}

/// How a CIDR written in a rule or route relates to the (unknown) real addresses of an AWS
/// service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceOverlap {
    /// `0.0.0.0/0`: holds every service address.
    Full,
    /// Private or special space: holds none.
    None,
    /// A public range: may hold some of a service's addresses.
    Maybe,
}

/// How `net` relates to AWS service addresses. IPv6 CIDRs never cover the (IPv4) symbolic
/// service blocks.
#[must_use]
pub(crate) fn service_overlap(net: &IpNet) -> ServiceOverlap {
    match net {
        IpNet::V4(n) if n.prefix_len() == 0 => ServiceOverlap::Full,
        IpNet::V4(n) if is_non_public_v4(n) => ServiceOverlap::None,
        IpNet::V4(_) => ServiceOverlap::Maybe,
        IpNet::V6(_) => ServiceOverlap::None,
    }
}

/// The symbolic address blocks of AWS services (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct Services {
    names: Vec<String>,
    all: IpSet,
}

impl Services {
    /// A table for these service names (deduplicated and sorted, so blocks are deterministic).
    #[must_use]
    pub(crate) fn new(names: impl IntoIterator<Item = String>) -> Self {
        let set: BTreeSet<String> = names.into_iter().collect();
        let names: Vec<String> = set.into_iter().take(OTHER_SERVICES_INDEX as usize).collect();
        let all = (0..names.len() as u32).map(block_of).fold(block_of(OTHER_SERVICES_INDEX), |acc, b| acc.union(&b));
        Self { names, all }
    }

    /// The block of a service, by name (`com.amazonaws.us-east-1.s3`). Services the table does
    /// not hold share the "other AWS services" block.
    #[must_use]
    pub(crate) fn block(&self, name: &str) -> IpSet {
        let index = self.names.iter().position(|n| n == name).map_or(OTHER_SERVICES_INDEX, |i| i as u32);
        block_of(index)
    }

    /// The service whose block holds `addr`, if any.
    #[must_use]
    pub(crate) fn name_of(&self, addr: IpAddr) -> Option<&str> {
        let IpAddr::V4(a) = addr else { return None };
        let bits = u32::from(a);
        if bits < SERVICE_BASE {
            return None;
        }
        let index = ((bits - SERVICE_BASE) >> 16) as usize;
        self.names.get(index).map(String::as_str).or(Some("other AWS services"))
    }

    /// Every service block (the table's and the "other" block).
    #[must_use]
    pub(crate) fn all_blocks(&self) -> &IpSet {
        &self.all
    }

    /// A readable name for an address set that lies in service blocks (`com.amazonaws.…s3`),
    /// else `None`.
    #[must_use]
    pub(crate) fn describe(&self, set: &IpSet) -> Option<String> {
        if set.is_empty() || !set.is_subset(&self.all) {
            return None;
        }
        let names: BTreeSet<&str> =
            set.v4.ranges().filter_map(|(lo, _)| self.name_of(IpAddr::V4(Ipv4Addr::from(lo)))).collect();
        Some(names.into_iter().collect::<Vec<_>>().join(", "))
    }
}

fn block_of(index: u32) -> IpSet {
    let start = SERVICE_BASE + (index << 16);
    Ipv4Net::new(Ipv4Addr::from(start), 16).map(IpSet::from_v4net).unwrap_or_default()
}

/// The five reserved addresses of a subnet (network, VPC router, DNS, future use, broadcast;
/// for IPv6 the first four and the last), docs/semantics.md §9.
#[must_use]
pub(crate) fn reserved_addresses(net: &IpNet) -> IpSet {
    match net {
        IpNet::V4(n) => {
            let first = u32::from(n.network());
            let last = u32::from(n.broadcast());
            let mut out = IpSet::empty();
            for a in [first, first.saturating_add(1), first.saturating_add(2), first.saturating_add(3), last] {
                if a >= first && a <= last {
                    out = out.union(&IpSet::from_addr(IpAddr::V4(Ipv4Addr::from(a))));
                }
            }
            out
        }
        IpNet::V6(n) => {
            let first = u128::from(n.network());
            let last = u128::from(n.broadcast());
            let mut out = IpSet::empty();
            for a in [first, first.saturating_add(1), first.saturating_add(2), first.saturating_add(3), last] {
                if a >= first && a <= last {
                    out = out.union(&IpSet::from_addr(IpAddr::V6(a.into())));
                }
            }
            out
        }
    }
}

/// The usable addresses of a subnet block: the block without its reserved addresses.
#[must_use]
pub(crate) fn usable_addresses(net: &IpNet) -> IpSet {
    let all = IpSet::from_net(*net);
    let usable = all.difference(&reserved_addresses(net));
    // A /31 or /32 has no usable address by AWS's rules; keep the block rather than nothing.
    if usable.is_empty() { all } else { usable }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let public = public_space();
        assert!(public.contains("8.8.8.8".parse().unwrap()));
        assert!(public.contains("203.0.113.5".parse().unwrap()));
        assert!(!public.contains("10.1.2.3".parse().unwrap()));
        assert!(!public.contains("240.0.0.1".parse().unwrap()));
        assert!(public.contains("2600:1f18::1".parse().unwrap()));
        assert!(private_space().contains("100.64.1.1".parse().unwrap()));
        assert!(private_space().contains("fd00::1".parse().unwrap()));
    }

    #[test]
    fn services_get_stable_blocks() {
        let s =
            Services::new(["com.amazonaws.us-east-1.s3".to_string(), "com.amazonaws.us-east-1.dynamodb".to_string()]);
        assert_eq!(s.block("com.amazonaws.us-east-1.dynamodb").to_string(), "240.0.0.0/16");
        assert_eq!(s.block("com.amazonaws.us-east-1.s3").to_string(), "240.1.0.0/16");
        assert_eq!(s.block("com.amazonaws.us-east-1.sqs").to_string(), "255.255.0.0/16");
        assert_eq!(s.name_of("240.1.0.7".parse().unwrap()), Some("com.amazonaws.us-east-1.s3"));
        assert_eq!(s.describe(&s.block("com.amazonaws.us-east-1.s3")).as_deref(), Some("com.amazonaws.us-east-1.s3"));
    }

    #[test]
    fn service_overlap_of_cidrs() {
        assert_eq!(service_overlap(&"0.0.0.0/0".parse().unwrap()), ServiceOverlap::Full);
        assert_eq!(service_overlap(&"10.0.0.0/8".parse().unwrap()), ServiceOverlap::None);
        assert_eq!(service_overlap(&"52.216.0.0/15".parse().unwrap()), ServiceOverlap::Maybe);
        assert_eq!(service_overlap(&"::/0".parse().unwrap()), ServiceOverlap::None);
    }

    #[test]
    fn reserved() {
        let net: IpNet = "10.0.1.0/28".parse().unwrap();
        assert_eq!(usable_addresses(&net).to_string(), "10.0.1.4/30, 10.0.1.8/30, 10.0.1.12/31, 10.0.1.14/32");
    }
}
