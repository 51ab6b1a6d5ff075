//! Services: what a difference is about, as protocol × destination port (TCP, UDP), protocol ×
//! ICMP type (ICMP, ICMPv6), or protocol alone (everything else) — the address and source-port
//! dimensions of the evaluator's packet sets projected away.
//!
//! A pair's packet sets are cut into *atoms*, the elementary (family, protocol, port or type)
//! ranges that every box of every set involved either covers or misses, so that each atom has
//! one status per side ([`status`]). The atoms of one kind of change are then merged back into
//! a [`Services`] set and printed the way a reviewer reads them: `tcp 0-65535 except 22`.

use std::collections::{BTreeMap, BTreeSet};

use crate::eval::Reach;
use crate::eval::reach::address_pairs;
use crate::eval::sets::{Address, Family, IntervalSet, L4Kind, PacketBox, PacketSet, PortSet, ProtoSet};

/// An elementary range of services in one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Atom {
    family: Family,
    /// Protocol numbers (one protocol for TCP, UDP, ICMP and ICMPv6).
    protocols: (u8, u8),
    /// Destination ports (TCP, UDP) or ICMP types (0-255); full for other protocols.
    values: (u16, u16),
    kind: L4Kind,
}

impl Atom {
    /// Every packet of the atom: any address and source port (or ICMP code).
    pub(crate) fn packets(&self) -> PacketSet {
        match self.family {
            Family::V4 => PacketSet::from_box(self.packet_box::<u32>()),
            Family::V6 => PacketSet::from_box(self.packet_box::<u128>()),
        }
    }

    fn packet_box<A: Address>(&self) -> PacketBox<A> {
        let mut b = PacketBox::<A>::all();
        b.protocols = ProtoSet::range(self.protocols.0, self.protocols.1);
        // An ICMP dimension that holds 255 holds 256-65535 too (the canonical encoding).
        let hi = if self.kind == L4Kind::Icmp && self.values.1 == 255 { u16::MAX } else { self.values.1 };
        match self.kind {
            L4Kind::Ports => b.b = PortSet::range(self.values.0, hi),
            L4Kind::Icmp => b.a = PortSet::range(self.values.0, hi),
            L4Kind::Other => {}
        }
        b
    }
}

/// Where the cuts of one family's sets fall.
#[derive(Default)]
struct Cuts {
    protocols: BTreeSet<u16>,
    ports: BTreeSet<u32>,
    icmp: BTreeSet<u32>,
    present: bool,
}

impl Cuts {
    fn add<A: Address>(&mut self, boxes: &[PacketBox<A>]) {
        for b in boxes {
            self.present = true;
            for (lo, hi) in b.protocols.ranges() {
                self.protocols.insert(u16::from(lo));
                self.protocols.insert(u16::from(hi) + 1);
            }
            let kinds = |kind: L4Kind| b.protocols.intersects(&kind.protocols());
            if kinds(L4Kind::Ports) {
                for (lo, hi) in b.b.ranges() {
                    self.ports.insert(u32::from(lo));
                    self.ports.insert(u32::from(hi) + 1);
                }
            }
            if kinds(L4Kind::Icmp) {
                for (lo, hi) in b.a.ranges() {
                    self.icmp.insert(u32::from(lo.min(256)));
                    self.icmp.insert(u32::from(hi.min(255)) + 1);
                }
            }
        }
    }
}

/// The elementary ranges between cuts over `0..end`.
fn pieces(cuts: &BTreeSet<u32>, end: u32) -> Vec<(u32, u32)> {
    let mut points: Vec<u32> = cuts.iter().copied().filter(|&c| c > 0 && c < end).collect();
    points.insert(0, 0);
    points.push(end);
    points.windows(2).map(|w| (w[0], w[1] - 1)).collect()
}

/// The atoms of a pair's sets on both sides (only families some request holds).
pub(crate) fn atoms(sets: &[&PacketSet]) -> Vec<Atom> {
    let mut out = Vec::new();
    for family in [Family::V4, Family::V6] {
        let mut cuts = Cuts::default();
        for s in sets {
            match family {
                Family::V4 => cuts.add(s.v4_boxes()),
                Family::V6 => cuts.add(s.v6_boxes()),
            }
        }
        if !cuts.present {
            continue;
        }
        // Each protocol of TCP, UDP, ICMP and ICMPv6 is a range of its own.
        for p in [1u16, 6, 17, 58] {
            cuts.protocols.insert(p);
            cuts.protocols.insert(p + 1);
        }
        let protocols: BTreeSet<u32> = cuts.protocols.iter().map(|&c| u32::from(c)).collect();
        for (lo, hi) in pieces(&protocols, 256) {
            let (lo, hi) = (u8::try_from(lo).unwrap_or(u8::MAX), u8::try_from(hi).unwrap_or(u8::MAX));
            let kind = L4Kind::of_set(&ProtoSet::range(lo, hi)).unwrap_or(L4Kind::Other);
            let values = match kind {
                L4Kind::Ports => pieces(&cuts.ports, 65536),
                L4Kind::Icmp => pieces(&cuts.icmp, 256),
                L4Kind::Other => vec![(0, 65535)],
            };
            for (v_lo, v_hi) in values {
                let values = (u16::try_from(v_lo).unwrap_or(u16::MAX), u16::try_from(v_hi).unwrap_or(u16::MAX));
                out.push(Atom { family, protocols: (lo, hi), values, kind });
            }
        }
    }
    out
}

/// The fate of one atom's packets on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// No such packets: an end that does not exist on this side, or lacks the family.
    Absent,
    /// Every address pair fails (for some source port at least).
    Unreachable,
    /// Some address pairs pass, the others fail; nothing depends on unknown values.
    Partial,
    /// Part of it depends on values unknown until apply.
    Indeterminate,
    /// Everything passes.
    Reachable,
}

impl Status {
    /// Nothing gets through.
    pub(crate) fn is_closed(self) -> bool {
        matches!(self, Status::Absent | Status::Unreachable)
    }
}

/// The atom's status in one side's result, and the address pairs that pass (for comparing two
/// partial results).
pub(crate) fn status(reach: &Reach, atom: &PacketSet) -> (Status, PacketSet) {
    let request = reach.request.intersect(atom);
    if request.is_empty() {
        return (Status::Absent, PacketSet::empty());
    }
    let failed_any = reach.failed.intersects(atom);
    let undetermined = reach.undetermined.intersects(atom);
    if !failed_any && !undetermined {
        return (Status::Reachable, address_pairs(&request));
    }
    let failing = address_pairs(&reach.failed.intersect(atom));
    let passing = address_pairs(&request).difference(&failing);
    if passing.is_empty() {
        return (Status::Unreachable, passing);
    }
    if undetermined {
        return (Status::Indeterminate, passing);
    }
    (Status::Partial, passing)
}

/// A set of services: per TCP/UDP protocol its destination ports, per ICMP protocol its types,
/// and the other protocols.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services {
    by_protocol: BTreeMap<u8, PortSet>,
    others: ProtoSet,
}

impl Services {
    /// Adds an atom.
    pub(crate) fn add(&mut self, atom: &Atom) {
        match atom.kind {
            L4Kind::Other => self.others = self.others.union(&ProtoSet::range(atom.protocols.0, atom.protocols.1)),
            _ => {
                let set = self.by_protocol.entry(atom.protocols.0).or_insert_with(PortSet::empty);
                *set = set.union(&PortSet::range(atom.values.0, atom.values.1));
            }
        }
    }

    /// Adds every service of another set.
    pub(crate) fn extend(&mut self, other: &Services) {
        for (p, set) in &other.by_protocol {
            let mine = self.by_protocol.entry(*p).or_insert_with(PortSet::empty);
            *mine = mine.union(set);
        }
        self.others = self.others.union(&other.others);
    }

    /// True when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.by_protocol.values().all(IntervalSet::is_empty) && self.others.is_empty()
    }

    /// True for every protocol, port and type.
    pub fn is_everything(&self) -> bool {
        let full = |p: u8, top: u16| self.by_protocol.get(&p).is_some_and(|s| s == &PortSet::range(0, top));
        full(6, u16::MAX)
            && full(17, u16::MAX)
            && full(1, 255)
            && full(58, 255)
            && self.others == L4Kind::Other.protocols()
    }

    /// One `(protocol, ports)` entry per protocol: `("tcp", Some("0-65535 except 22"))`,
    /// `("icmp", Some("type 8"))`, `("50", None)`; `("all", None)` for everything.
    pub fn entries(&self) -> Vec<(String, Option<String>)> {
        if self.is_everything() {
            return vec![("all".to_string(), None)];
        }
        let mut out = Vec::new();
        // TCP, UDP, ICMP, ICMPv6: the order people read them in.
        let rank = |p: u8| [6u8, 17, 1, 58].iter().position(|&q| q == p).unwrap_or(4);
        let mut protocols: Vec<(&u8, &PortSet)> = self.by_protocol.iter().collect();
        protocols.sort_by_key(|(p, _)| (rank(**p), **p));
        for (p, set) in protocols {
            if set.is_empty() {
                continue;
            }
            let (name, text) = match p {
                6 => ("tcp".to_string(), ranges_text(set, u16::MAX)),
                17 => ("udp".to_string(), ranges_text(set, u16::MAX)),
                1 => ("icmp".to_string(), types_text(set)),
                58 => ("icmpv6".to_string(), types_text(set)),
                n => (n.to_string(), ranges_text(set, u16::MAX)),
            };
            out.push((name, Some(text)));
        }
        if self.others == L4Kind::Other.protocols() {
            out.push(("other".to_string(), None));
        } else {
            for (lo, hi) in self.others.ranges() {
                out.push((if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") }, None));
            }
        }
        out
    }

    /// `tcp 0-65535 except 22, udp 53`, `all traffic`.
    pub fn text(&self) -> String {
        self.entries()
            .into_iter()
            .map(|(p, ports)| match (p.as_str(), ports) {
                ("all", _) => "all traffic".to_string(),
                ("other", _) => "every other protocol".to_string(),
                (_, Some(ports)) => format!("{p} {ports}"),
                (_, None) => format!("protocol {p}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn list(set: &PortSet) -> String {
    set.ranges()
        .map(|(lo, hi)| if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `0-65535`, `22, 80-81`, or `0-65535 except 22` when what is left out is shorter.
fn ranges_text(set: &PortSet, top: u16) -> String {
    let all = PortSet::range(0, top);
    if set == &all {
        return format!("0-{top}");
    }
    let missing = all.difference(set);
    if set.first() == Some(0) && set.last() == Some(top) && missing.range_count() < set.range_count() {
        return format!("0-{top} except {}", list(&missing));
    }
    list(set)
}

/// `all types`, `type 8`, `types 0, 3, 8`, `types 0-255 except 5`.
fn types_text(set: &PortSet) -> String {
    let set = set.intersect(&PortSet::range(0, 255));
    if set == PortSet::range(0, 255) {
        return "all types".to_string();
    }
    let text = ranges_text(&set, 255);
    if set.count() == 1 { format!("type {text}") } else { format!("types {text}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(ranges: &[(u16, u16)]) -> Services {
        let mut s = Services::default();
        for &(lo, hi) in ranges {
            s.add(&Atom { family: Family::V4, protocols: (6, 6), values: (lo, hi), kind: L4Kind::Ports });
        }
        s
    }

    #[test]
    fn port_sets_read_as_a_reviewer_would_write_them() {
        assert_eq!(tcp(&[(0, 65535)]).text(), "tcp 0-65535");
        assert_eq!(tcp(&[(0, 21), (23, 65535)]).text(), "tcp 0-65535 except 22");
        assert_eq!(tcp(&[(22, 22), (80, 81)]).text(), "tcp 22, 80-81");
        let mut icmp = Services::default();
        icmp.add(&Atom { family: Family::V4, protocols: (1, 1), values: (8, 8), kind: L4Kind::Icmp });
        assert_eq!(icmp.text(), "icmp type 8");
    }

    #[test]
    fn everything_is_all_traffic() {
        let set = PacketSet::all();
        let mut s = Services::default();
        for a in atoms(&[&set]) {
            s.add(&a);
        }
        assert!(s.is_everything());
        assert_eq!(s.text(), "all traffic");
        assert_eq!(s.entries(), [("all".to_string(), None)]);
    }

    #[test]
    fn atoms_cut_at_every_port_range_of_the_sets() {
        let mut b = PacketBox::<u32>::all();
        b.protocols = ProtoSet::range(6, 6);
        b.b = PortSet::range(22, 22);
        let set = PacketSet::from_box(b);
        let tcp: Vec<(u16, u16)> = atoms(&[&set])
            .into_iter()
            .filter(|a| a.family == Family::V4 && a.protocols == (6, 6))
            .map(|a| a.values)
            .collect();
        assert_eq!(tcp, [(0, 21), (22, 22), (23, 65535)]);
    }
}
