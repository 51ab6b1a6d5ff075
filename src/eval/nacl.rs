//! Network ACLs: stateless, numbered rules evaluated lowest first, first match wins, then the
//! `*` rule denies everything unmatched (docs/semantics.md §3.1, VPC-UG vpc-network-acls.md).
//!
//! * IPv4 and IPv6 rules are separate: a rule's CIDR decides its family.
//! * Protocol `-1`/`all` ignores ports; TCP/UDP rules match the **destination** port in both
//!   directions; ICMP rules use `icmp_type`/`icmp_code` (`-1` = any), not the port fields (§3.2).
//! * The default NACL of a VPC Terraform creates allows everything (rules 100/101); a custom
//!   NACL without rules, and an adopted default NACL without rules, deny everything (§3.2, §15.2,
//!   §15.16): `lower` has already turned these into rule lists.
//! * A rule whose number, action, protocol, ports or CIDR is unknown until apply may match: the
//!   packets it may decide are *undetermined*, never guessed.
//!
//! Evaluating a set: rule `i` decides `match(i) − match(0..i)`, so one pass over the rules splits
//! any packet set into allowed, denied and undetermined parts, each with the deciding rule.

use ipnet::IpNet;

use super::addr::{ServiceOverlap, Services, service_overlap};
use super::rule_fields::{icmp_value, l4_text, port_range};
use super::sets::{IpSet, PacketMatch, PacketSet, PortSet, ProtoSet, Protocol, RuleProtocol};
use crate::model::{NaclRule, Network, Object, ResId, Val};

/// One direction's compiled rules.
#[derive(Debug, Clone)]
pub(crate) enum AclRules {
    /// The rules, sorted by number.
    Known(Vec<AclEntry>),
    /// The rules cannot be read (an existing NACL, unknown inline rules).
    Unknown(String),
}

/// One compiled NACL rule.
#[derive(Debug, Clone)]
pub(crate) struct AclEntry {
    /// Rule number; `None` when unknown (it may sit anywhere: evaluated first, as "may match").
    pub number: Option<i64>,
    /// Allow (`Some(true)`), deny, or unknown.
    pub allow: Option<bool>,
    /// Packets the rule certainly matches.
    pub matches: PacketSet,
    /// Packets it may match (unknown fields), disjoint from `matches`.
    pub maybe: PacketSet,
    /// `rule 100 allow tcp 443 from 0.0.0.0/0`.
    pub text: String,
}

/// A compiled network ACL.
#[derive(Debug, Clone)]
pub(crate) struct Acl {
    /// Inbound rules (CIDR = source).
    pub ingress: AclRules,
    /// Outbound rules (CIDR = destination).
    pub egress: AclRules,
}

/// Which way a packet crosses the subnet boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Entering the subnet.
    Ingress,
    /// Leaving the subnet.
    Egress,
}

/// The parts of a packet set a NACL decides.
#[derive(Debug, Default)]
pub(crate) struct AclOutcome {
    /// Allowed parts, by deciding rule (index into the direction's entries).
    pub allowed: Vec<(usize, PacketSet)>,
    /// Denied parts, by deciding rule (`None` = the `*` rule).
    pub denied: Vec<(Option<usize>, PacketSet)>,
    /// Parts a rule with unknown values may decide, by rule.
    pub undetermined: Vec<(usize, PacketSet)>,
}

impl AclOutcome {
    /// Union of the allowed parts.
    pub(crate) fn allowed_set(&self) -> PacketSet {
        self.allowed.iter().fold(PacketSet::empty(), |acc, (_, s)| acc.union(s))
    }
}

impl AclRules {
    /// Splits `set` by the first matching rule.
    pub(crate) fn apply(&self, set: &PacketSet) -> AclOutcome {
        let mut out = AclOutcome::default();
        let AclRules::Known(entries) = self else {
            return out;
        };
        let mut remaining = set.clone();
        for (i, e) in entries.iter().enumerate() {
            if remaining.is_empty() {
                break;
            }
            if !e.maybe.is_empty() && remaining.intersects(&e.maybe) {
                let hit = remaining.intersect(&e.maybe);
                remaining = remaining.difference(&hit);
                out.undetermined.push((i, hit));
            }
            if !remaining.intersects(&e.matches) {
                continue;
            }
            let hit = remaining.intersect(&e.matches);
            remaining = remaining.difference(&hit);
            match e.allow {
                Some(true) => out.allowed.push((i, hit)),
                Some(false) => out.denied.push((Some(i), hit)),
                None => out.undetermined.push((i, hit)),
            }
        }
        if !remaining.is_empty() {
            out.denied.push((None, remaining));
        }
        out
    }

    /// The entry at `i`.
    pub(crate) fn entry(&self, i: usize) -> Option<&AclEntry> {
        match self {
            AclRules::Known(v) => v.get(i),
            AclRules::Unknown(_) => None,
        }
    }
}

impl Acl {
    /// The rules of one direction.
    pub(crate) fn rules(&self, dir: Direction) -> &AclRules {
        match dir {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }
}

/// Compiles the NACL `res` of `net`; `None` when it is not a NACL.
pub(crate) fn compile(net: &Network, res: ResId, services: &Services) -> Option<Acl> {
    let Object::NetworkAcl(acl) = &net.res(res).obj else {
        return None;
    };
    let name = &net.res(res).name;
    let side = |rules: &Val<Vec<NaclRule>>, dir: Direction| {
        let egress = dir == Direction::Egress;
        let maybe: Vec<(&NaclRule, &str)> = acl
            .maybe_rules
            .iter()
            .map(|m| &**m)
            .filter(|(e, _, _)| *e == egress)
            .map(|(_, r, why)| (r, why.as_str()))
            .collect();
        match rules {
            Val::Known(list) => AclRules::Known(compile_rules(net, list, &maybe, dir, services)),
            Val::Unknown => AclRules::Unknown(format!("the rules of {name} are not known until apply")),
            Val::Absent => AclRules::Known(compile_rules(net, &[], &maybe, dir, services)),
        }
    };
    Some(Acl { ingress: side(&acl.ingress, Direction::Ingress), egress: side(&acl.egress, Direction::Egress) })
}

/// `maybe`: rules that may or may not belong to this ACL (why): they can only make the packets
/// they would decide undetermined.
fn compile_rules(
    net: &Network,
    rules: &[NaclRule],
    maybe: &[(&NaclRule, &str)],
    dir: Direction,
    services: &Services,
) -> Vec<AclEntry> {
    let mut entries: Vec<AclEntry> = rules.iter().map(|r| compile_rule(net, r, dir, services)).collect();
    for (r, why) in maybe {
        let mut e = compile_rule(net, r, dir, services);
        e.maybe = e.maybe.union(&e.matches);
        e.matches = PacketSet::empty();
        e.text = format!("{} ({why})", e.text);
        entries.push(e);
    }
    // Lowest number first; a rule whose number is unknown may come anywhere, so it goes first
    // and can only make packets undetermined.
    entries.sort_by_key(|e| e.number.unwrap_or(i64::MIN));
    for e in &mut entries {
        if e.number.is_none() {
            e.maybe = e.maybe.union(&e.matches);
            e.matches = PacketSet::empty();
        }
    }
    entries
}

/// What a rule field is: known, or unknown (the rule may match anything in that dimension).
enum Field<T> {
    Known(T),
    Unknown,
}

fn compile_rule(net: &Network, r: &NaclRule, dir: Direction, services: &Services) -> AclEntry {
    let number = r.number.known().copied();
    let allow = r.allow.known().copied();
    let protocol = match &r.protocol {
        Val::Known(p) => p.parse::<RuleProtocol>().map_or(Field::Unknown, Field::Known),
        _ => Field::Unknown,
    };
    let cidr = match &r.cidr {
        Val::Known(n) => Field::Known(*n),
        _ => Field::Unknown,
    };
    let (protocols, a, b, l4_known) = match protocol {
        Field::Known(RuleProtocol::All) => (ProtoSet::full(), PortSet::full(), PortSet::full(), true),
        Field::Known(RuleProtocol::Only(p)) if p == Protocol::TCP || p == Protocol::UDP => {
            match (r.from_port.known(), r.to_port.known()) {
                (Some(&from), Some(&to)) => (p.set(), PortSet::full(), port_range(from, to), true),
                _ => (p.set(), PortSet::full(), PortSet::full(), false),
            }
        }
        Field::Known(RuleProtocol::Only(p)) if p == Protocol::ICMP || p == Protocol::ICMPV6 => {
            let t = icmp_field(&r.icmp_type);
            let c = icmp_field(&r.icmp_code);
            let known = t.is_some() && c.is_some();
            (p.set(), t.unwrap_or_else(PortSet::full), c.unwrap_or_else(PortSet::full), known)
        }
        Field::Known(RuleProtocol::Only(p)) => (p.set(), PortSet::full(), PortSet::full(), true),
        Field::Unknown => (ProtoSet::full(), PortSet::full(), PortSet::full(), false),
    };
    let (addrs, maybe_addrs) = match cidr {
        Field::Known(net) => rule_addresses(&net, services),
        Field::Unknown => (IpSet::empty(), IpSet::any()),
    };
    let shape = |addrs: IpSet| {
        let mut m = PacketMatch { protocols: protocols.clone(), a: a.clone(), b: b.clone(), ..PacketMatch::all() };
        match dir {
            Direction::Ingress => m.src = addrs,
            Direction::Egress => m.dst = addrs,
        }
        PacketSet::from_match(&m)
    };
    let definite = shape(addrs);
    let possible = shape(maybe_addrs);
    let (matches, maybe) =
        if l4_known { (definite, possible) } else { (PacketSet::empty(), definite.union(&possible)) };
    let maybe = maybe.difference(&matches);
    AclEntry { number, allow, matches, maybe, text: rule_text(net, r, dir) }
}

/// The addresses a rule CIDR certainly covers, and the symbolic service blocks it may cover.
pub(crate) fn rule_addresses(net: &IpNet, services: &Services) -> (IpSet, IpSet) {
    let addrs = IpSet::from_net(*net);
    match service_overlap(net) {
        ServiceOverlap::Full | ServiceOverlap::None => (addrs, IpSet::empty()),
        ServiceOverlap::Maybe => (addrs, services.all_blocks().clone()),
    }
}

/// An ICMP type or code field: `-1` (or unset) is any; `None` when unknown.
fn icmp_field(v: &Val<i64>) -> Option<PortSet> {
    match v {
        Val::Known(x) => Some(icmp_value(*x)),
        Val::Absent => Some(PortSet::full()),
        Val::Unknown => None,
    }
}

fn val_text<T: std::fmt::Display>(v: &Val<T>) -> String {
    match v {
        Val::Known(x) => x.to_string(),
        Val::Unknown => "(unknown)".into(),
        Val::Absent => "-".into(),
    }
}

/// `rule 100 allow tcp 443 from 0.0.0.0/0` (the defining resource is named when it is a
/// separate `aws_network_acl_rule`).
fn rule_text(net: &Network, r: &NaclRule, dir: Direction) -> String {
    let number = val_text(&r.number);
    let action = match r.allow {
        Val::Known(true) => "allow",
        Val::Known(false) => "deny",
        _ => "(unknown action)",
    };
    let protocol = match &r.protocol {
        Val::Known(p) => l4_text(p, (r.from_port.known(), r.to_port.known()), || {
            let field = |v: &Val<i64>| match v {
                Val::Known(-1) | Val::Absent => "any".to_string(),
                v => val_text(v),
            };
            (field(&r.icmp_type), field(&r.icmp_code))
        }),
        _ => "(unknown protocol)".into(),
    };
    let dir_word = match dir {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    let mut text = format!("rule {number} {action} {protocol} {dir_word} {}", val_text(&r.cidr));
    if matches!(net.res(r.source).obj, Object::NaclRule(_)) {
        text.push_str(&format!(" ({})", net.name(r.source)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::sets::Packet;

    fn entry(number: i64, allow: bool, set: PacketSet) -> AclEntry {
        AclEntry {
            number: Some(number),
            allow: Some(allow),
            matches: set,
            maybe: PacketSet::empty(),
            text: String::new(),
        }
    }

    fn tcp_dst_ports(lo: u16, hi: u16) -> PacketSet {
        PacketSet::from_match(&PacketMatch {
            protocols: Protocol::TCP.set(),
            b: PortSet::range(lo, hi),
            ..PacketMatch::all()
        })
    }

    #[test]
    fn first_match_wins_and_star_denies() {
        let rules =
            AclRules::Known(vec![entry(50, false, tcp_dst_ports(22, 22)), entry(100, true, tcp_dst_ports(0, 65535))]);
        let out = rules.apply(&PacketSet::all());
        let allowed = out.allowed_set();
        let p = |port| Packet::tcp("10.0.0.1:40000".parse().unwrap(), format!("10.0.1.1:{port}").parse().unwrap());
        assert!(allowed.contains(&p(443)));
        assert!(!allowed.contains(&p(22)));
        assert_eq!(out.denied.len(), 2, "rule 50 and *");
    }
}
