//! IP protocol numbers as security group and network ACL rules spell them.
//!
//! AWS gives ports meaning only for TCP and UDP, and type/code only for ICMP and ICMPv6: "specifying
//! -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports,
//! regardless of any port range you specify" (docs/semantics.md §2.4,
//! <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html>).
//! [`L4Kind`] records which of the three a protocol is.

use std::fmt;
use std::str::FromStr;

use super::interval::IntervalSet;

/// A set of IP protocol numbers (all 256 values: [`IntervalSet::full`] is "all protocols").
pub type ProtoSet = IntervalSet<u8>;

/// One IP protocol number (IANA "Assigned Internet Protocol Numbers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Protocol(pub u8);

impl Protocol {
    /// ICMP for IPv4 (1).
    pub const ICMP: Protocol = Protocol(1);
    /// TCP (6).
    pub const TCP: Protocol = Protocol(6);
    /// UDP (17).
    pub const UDP: Protocol = Protocol(17);
    /// ICMP for IPv6 (58).
    pub const ICMPV6: Protocol = Protocol(58);

    /// The protocol number.
    #[must_use]
    pub const fn number(self) -> u8 {
        self.0
    }

    /// What the two L4 fields of a packet mean for this protocol.
    #[must_use]
    pub const fn kind(self) -> L4Kind {
        match self {
            Protocol::TCP | Protocol::UDP => L4Kind::Ports,
            Protocol::ICMP | Protocol::ICMPV6 => L4Kind::Icmp,
            _ => L4Kind::Other,
        }
    }

    /// The AWS keyword for the four protocols that have one (`tcp`, `udp`, `icmp`, `icmpv6`).
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        match self {
            Protocol::TCP => Some("tcp"),
            Protocol::UDP => Some("udp"),
            Protocol::ICMP => Some("icmp"),
            Protocol::ICMPV6 => Some("icmpv6"),
            _ => None,
        }
    }

    /// The set holding only this protocol.
    #[must_use]
    pub fn set(self) -> ProtoSet {
        ProtoSet::single(self.0)
    }
}

impl fmt::Display for Protocol {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, or the number (`50`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.0),
        }
    }
}

impl FromStr for Protocol {
    type Err = ParseProtocolError;

    /// Parses one protocol; `-1`/`all` are rejected (use [`RuleProtocol`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<RuleProtocol>()? {
            RuleProtocol::Only(p) => Ok(p),
            RuleProtocol::All => Err(ParseProtocolError { input: s.to_owned() }),
        }
    }
}

/// What the two L4 dimensions (`a`, `b`) of a packet mean for a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum L4Kind {
    /// TCP and UDP: `a` is the source port, `b` the destination port.
    Ports,
    /// ICMP and ICMPv6: `a` is the type, `b` the code (0-255 each).
    Icmp,
    /// Any other protocol: `a` and `b` carry no meaning and are ignored.
    Other,
}

impl L4Kind {
    /// The protocols of this kind: {6, 17}, {1, 58}, or every other number.
    #[must_use]
    pub fn protocols(self) -> ProtoSet {
        self.protocol_set().clone()
    }

    /// [`L4Kind::protocols`] without a copy: the three sets are built once (canonicalising a
    /// packet box intersects with all three, millions of times on a large plan).
    #[must_use]
    pub fn protocol_set(self) -> &'static ProtoSet {
        static SETS: std::sync::LazyLock<[ProtoSet; 3]> = std::sync::LazyLock::new(|| {
            let ports = ProtoSet::from_ranges([(6, 6), (17, 17)]);
            let icmp = ProtoSet::from_ranges([(1, 1), (58, 58)]);
            let other = ports.union(&icmp).complement();
            [ports, icmp, other]
        });
        match self {
            L4Kind::Ports => &SETS[0],
            L4Kind::Icmp => &SETS[1],
            L4Kind::Other => &SETS[2],
        }
    }

    /// The kind shared by every protocol of `protocols`, or `None` when they differ (or the set
    /// is empty).
    #[must_use]
    pub fn of_set(protocols: &ProtoSet) -> Option<L4Kind> {
        let mut shared = None;
        for (lo, hi) in protocols.ranges() {
            let kind = if lo == hi {
                Protocol(lo).kind()
            } else {
                // No two TCP/UDP/ICMP/ICMPv6 numbers are consecutive, so a longer range is of
                // kind Other only if it holds none of them.
                let named = [Protocol::ICMP, Protocol::TCP, Protocol::UDP, Protocol::ICMPV6];
                if named.iter().any(|p| (lo..=hi).contains(&p.number())) {
                    return None;
                }
                L4Kind::Other
            };
            if shared.is_some_and(|k| k != kind) {
                return None;
            }
            shared = Some(kind);
        }
        shared
    }
}

/// The `protocol` field of a security group or network ACL rule: one protocol, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleProtocol {
    /// `-1` or `all`: every protocol, every port, every ICMP type and code.
    All,
    /// A single protocol.
    Only(Protocol),
}

impl RuleProtocol {
    /// The protocol numbers this field matches.
    #[must_use]
    pub fn to_set(self) -> ProtoSet {
        match self {
            RuleProtocol::All => ProtoSet::full(),
            RuleProtocol::Only(p) => p.set(),
        }
    }
}

impl FromStr for RuleProtocol {
    type Err = ParseProtocolError;

    /// Accepts, case-insensitively, `tcp`/`6`, `udp`/`17`, `icmp`/`1`, `icmpv6`/`58`,
    /// `-1`/`all`, and any decimal number 0-255.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let named = match s.to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(RuleProtocol::All),
            "tcp" => Some(RuleProtocol::Only(Protocol::TCP)),
            "udp" => Some(RuleProtocol::Only(Protocol::UDP)),
            "icmp" => Some(RuleProtocol::Only(Protocol::ICMP)),
            "icmpv6" => Some(RuleProtocol::Only(Protocol::ICMPV6)),
            _ => None,
        };
        let numbered = || {
            // `u8::from_str` would also take "+6"; AWS numbers are plain digits.
            let digits = !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            digits.then(|| s.parse::<u8>().ok()).flatten().map(|n| RuleProtocol::Only(Protocol(n)))
        };
        named.or_else(numbered).ok_or_else(|| ParseProtocolError { input: s.to_owned() })
    }
}

impl fmt::Display for RuleProtocol {
    /// `all` or the protocol.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleProtocol::All => f.write_str("all"),
            RuleProtocol::Only(p) => p.fmt(f),
        }
    }
}

/// A protocol field that is not a protocol AWS accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown protocol `{input}`: expected tcp, udp, icmp, icmpv6, -1 (all) or a number 0-255")]
pub struct ParseProtocolError {
    /// The text as given.
    pub input: String,
}

/// Displays a protocol set with AWS keywords: `all`, `tcp`, `{tcp, udp}`, `{0-5, 7-255}`.
#[must_use]
pub fn display_protocols(protocols: &ProtoSet) -> impl fmt::Display + '_ {
    ProtocolsDisplay(protocols)
}

struct ProtocolsDisplay<'a>(&'a ProtoSet);

impl fmt::Display for ProtocolsDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = self.0;
        if set.is_full() {
            return f.write_str("all");
        }
        if set.is_empty() {
            return f.write_str("none");
        }
        let braces = set.range_count() > 1 || set.first() != set.last();
        if braces {
            f.write_str("{")?;
        }
        for (i, (lo, hi)) in set.ranges().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if lo == hi {
                write!(f, "{}", Protocol(lo))?;
            } else if hi - lo == 1 {
                write!(f, "{}, {}", Protocol(lo), Protocol(hi))?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        if braces {
            f.write_str("}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> RuleProtocol {
        s.parse().unwrap()
    }

    #[test]
    fn aws_spellings_parse_to_protocol_numbers() {
        let only = |n| RuleProtocol::Only(Protocol(n));
        for (text, expected) in [
            ("tcp", only(6)),
            ("6", only(6)),
            ("TCP", only(6)),
            ("udp", only(17)),
            ("17", only(17)),
            ("Udp", only(17)),
            ("icmp", only(1)),
            ("1", only(1)),
            ("ICMP", only(1)),
            ("icmpv6", only(58)),
            ("58", only(58)),
            ("ICMPv6", only(58)),
            ("-1", RuleProtocol::All),
            ("all", RuleProtocol::All),
            ("ALL", RuleProtocol::All),
            ("50", only(50)),
            ("0", only(0)),
            ("255", only(255)),
            ("006", only(6)),
        ] {
            assert_eq!(parse(text), expected, "{text}");
        }
    }

    #[test]
    fn out_of_range_or_unknown_protocols_are_errors() {
        for text in ["", "256", "-2", "+6", " 6", "tcp ", "sctp", "icmp6", "1.0"] {
            let err = text.parse::<RuleProtocol>().unwrap_err();
            assert_eq!(err.input, text);
        }
        assert_eq!(
            "256".parse::<RuleProtocol>().unwrap_err().to_string(),
            "unknown protocol `256`: expected tcp, udp, icmp, icmpv6, -1 (all) or a number 0-255"
        );
    }

    #[test]
    fn a_single_protocol_rejects_all() {
        assert_eq!("tcp".parse::<Protocol>(), Ok(Protocol::TCP));
        assert!("-1".parse::<Protocol>().is_err());
        assert!("all".parse::<Protocol>().is_err());
    }

    #[test]
    fn all_matches_every_protocol_number() {
        assert!(RuleProtocol::All.to_set().is_full());
        assert_eq!(RuleProtocol::Only(Protocol::UDP).to_set(), ProtoSet::single(17));
    }

    #[test]
    fn only_tcp_udp_have_ports_and_only_icmp_has_type_and_code() {
        assert_eq!(Protocol::TCP.kind(), L4Kind::Ports);
        assert_eq!(Protocol::UDP.kind(), L4Kind::Ports);
        assert_eq!(Protocol::ICMP.kind(), L4Kind::Icmp);
        assert_eq!(Protocol::ICMPV6.kind(), L4Kind::Icmp);
        assert_eq!(Protocol(132).kind(), L4Kind::Other, "sctp ports are ignored by AWS");
        assert_eq!(Protocol(50).kind(), L4Kind::Other);
        let kinds = [L4Kind::Ports, L4Kind::Icmp, L4Kind::Other];
        let total: u128 = kinds.iter().map(|k| k.protocols().count()).sum();
        assert_eq!(total, 256, "the kinds partition the protocol numbers");
        for n in 0..=u8::MAX {
            let p = Protocol(n);
            assert!(p.kind().protocols().contains(n), "{p}");
        }
    }

    #[test]
    fn kind_of_a_set_is_shared_or_none() {
        let tcp_udp = ProtoSet::from_ranges([(6, 6), (17, 17)]);
        assert_eq!(L4Kind::of_set(&tcp_udp), Some(L4Kind::Ports));
        assert_eq!(L4Kind::of_set(&ProtoSet::single(58)), Some(L4Kind::Icmp));
        assert_eq!(L4Kind::of_set(&ProtoSet::single(50)), Some(L4Kind::Other));
        assert_eq!(L4Kind::of_set(&ProtoSet::full()), None);
        assert_eq!(L4Kind::of_set(&ProtoSet::range(1, 6)), None);
        assert_eq!(L4Kind::of_set(&ProtoSet::empty()), None);
        assert_eq!(L4Kind::of_set(&ProtoSet::range(2, 5)), Some(L4Kind::Other));
        assert_eq!(L4Kind::of_set(&ProtoSet::range(59, 255)), Some(L4Kind::Other));
        assert_eq!(L4Kind::of_set(&ProtoSet::range(0, 1)), None);
        assert_eq!(L4Kind::of_set(&L4Kind::Other.protocols()), Some(L4Kind::Other));
    }

    #[test]
    fn kind_of_a_set_agrees_with_subset_of_each_kind() {
        // Every set of up to two ranges with ends around the named protocol numbers.
        let ends = [0u8, 1, 2, 5, 6, 7, 16, 17, 18, 57, 58, 59, 255];
        let kinds = [L4Kind::Ports, L4Kind::Icmp, L4Kind::Other];
        for &a in &ends {
            for &b in &ends {
                for &c in &ends {
                    let set = ProtoSet::range(a, b).union(&ProtoSet::single(c));
                    let expected = kinds.into_iter().find(|k| !set.is_empty() && set.is_subset(&k.protocols()));
                    assert_eq!(L4Kind::of_set(&set), expected, "{set}");
                }
            }
        }
    }

    #[test]
    fn protocols_display_with_keywords() {
        assert_eq!(Protocol::TCP.to_string(), "tcp");
        assert_eq!(Protocol::ICMPV6.to_string(), "icmpv6");
        assert_eq!(Protocol(50).to_string(), "50");
        assert_eq!(RuleProtocol::All.to_string(), "all");
        let show = |s: &ProtoSet| display_protocols(s).to_string();
        assert_eq!(show(&ProtoSet::full()), "all");
        assert_eq!(show(&ProtoSet::empty()), "none");
        assert_eq!(show(&ProtoSet::single(6)), "tcp");
        assert_eq!(show(&ProtoSet::from_ranges([(6, 6), (17, 17)])), "{tcp, udp}");
        assert_eq!(show(&ProtoSet::range(50, 51)), "{50, 51}");
        assert_eq!(show(&ProtoSet::single(17).complement()), "{0-16, 18-255}");
    }
}
