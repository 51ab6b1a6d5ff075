//! Set algebra for the packet evaluator: sets of ports, protocols, addresses and whole packets.
//!
//! The evaluator (docs/semantics.md §0) answers "which packets from A reach B, and do their replies
//! come back" for *sets* of packets in one pass, instead of one run per port: a security group
//! is a union of rule products (§2, allow-only), a network ACL is a first-match list where rule
//! `i` decides `match(i) − match(0..i)` (§3.1), and the return leg is the [`PacketSet::reverse`]
//! of what the forward leg delivered, checked against the stateless NACLs again (§0 steps 7-10).
//!
//! * [`IntervalSet`]: sorted disjoint ranges of an unsigned integer type; every dimension is one.
//! * [`IpSet`]: IPv4 and IPv6 address sets, built from and printed as minimal CIDR lists.
//! * [`Protocol`], [`RuleProtocol`], [`ProtoSet`]: protocol numbers as AWS rules spell them, and
//!   [`L4Kind`]: whether ports, ICMP type/code, or nothing is meaningful for a protocol.
//! * [`PacketSet`]: unions of disjoint boxes over (family, protocol, source, destination, `a`,
//!   `b`), where `a`/`b` are ports for TCP/UDP and type/code for ICMP; its docs give the
//!   canonical encoding and the cost of each operation.

mod interval;
mod ip;
mod packet;
mod protocol;

pub use interval::{IntervalSet, Unsigned};
pub use ip::{Address, Family, IpSet};
pub use packet::{BoxRef, Packet, PacketBox, PacketMatch, PacketSet, PortSet, V4Box, V6Box};
pub use protocol::{L4Kind, ParseProtocolError, ProtoSet, Protocol, RuleProtocol, display_protocols};
