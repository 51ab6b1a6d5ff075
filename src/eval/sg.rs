//! Security groups: stateful, allow-only, the union of every group on the ENI (docs/semantics.md §2).
//!
//! * Replies are never judged by security groups (§2.1): the evaluator checks egress on the
//!   forward leg at the source and ingress at the destination only.
//! * Protocol `-1` ignores ports (`from_port = 0, to_port = 0` is not port 0); ICMP rules put the
//!   type in `from_port` and the code in `to_port`, `-1` = any, so `icmp 0/0` is echo *reply*
//!   only (§2.4, §15.3).
//! * A rule that references a group (`security_groups`, `source_security_group_id`,
//!   `referenced_security_group_id`, `self`) matches packets whose source (ingress) or
//!   destination (egress) ENI carries that group, at that ENI's private address. References hold
//!   within a VPC and across same-Region peering; not across Regions, not through a middlebox
//!   (RA `SG_REFERENCES_NOT_PRESERVED`), and across a transit gateway only with security group
//!   referencing support (RA `SG_REFERENCING_SUPPORT`). The walker decides that validity.
//! * Prefix lists: customer lists by their entries; a gateway endpoint's list (`pl-…`, unknown at
//!   plan time) by the symbolic block of its service (see `addr`).
//! * What Terraform leaves unknown (rules of an existing group, a CIDR from a data source, a
//!   group chosen by AWS) makes the packets it could admit undetermined.

use super::addr::Services;
use super::nacl::rule_addresses;
use super::rule_fields::{self, icmp_value, port_range};
use super::sets::{IpSet, PacketMatch, PacketSet, PortSet, ProtoSet, Protocol, RuleProtocol};
use crate::model::{Link, Network, Object, ResId, SgPeer, SgRule, Val};

/// The identity of a security group as an ENI carries it: a group of the input, or a group id
/// outside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GroupKey {
    /// A group of the input.
    Res(ResId),
    /// A group outside the input, by id.
    External(String),
}

/// What an ENI's groups are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SgList {
    /// No security group applies (a subnet as hypothetical ENI, a NAT gateway, an NLB without
    /// groups): nothing is filtered.
    NotApplicable,
    /// These groups.
    Groups(Vec<GroupKey>),
    /// Not known until apply.
    Unknown(String),
}

/// The security-group identity of the other side of a check: the source ENI for ingress, the
/// destination ENI for egress.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ident {
    /// Not an ENI with groups (the internet, a NAT gateway's address, on-premises).
    None,
    /// An ENI carrying these groups, at these addresses.
    Groups {
        /// The groups.
        groups: Vec<GroupKey>,
        /// The ENI's addresses.
        addrs: IpSet,
    },
    /// The groups are not known until apply.
    Unknown {
        /// Why.
        why: String,
        /// The ENI's addresses.
        addrs: IpSet,
    },
}

impl Ident {
    /// The identity of a place as the other side of a check.
    pub(crate) fn of(place: &super::Place) -> Ident {
        match &place.sgs {
            _ if place.is_external() => Ident::None,
            SgList::Groups(g) => Ident::Groups { groups: g.clone(), addrs: place.addrs.clone() },
            SgList::NotApplicable => Ident::Groups { groups: Vec::new(), addrs: place.addrs.clone() },
            SgList::Unknown(why) => Ident::Unknown { why: why.clone(), addrs: place.addrs.clone() },
        }
    }
}

/// Whether group references may match on this path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefValidity {
    /// They match.
    Valid,
    /// They cannot match (why).
    Invalid(String),
    /// Not decidable now (why).
    Unknown(String),
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct SgEntry {
    /// Protocol and ports are known.
    l4_known: bool,
    peer: Peer,
    /// For address peers: the packets the rule certainly matches, and may match.
    fixed: PacketSet,
    fixed_maybe: PacketSet,
    /// The packets of the rule's protocols and ports from and to any address: what
    /// [`SgEntry::shape`] narrows to a peer's addresses.
    l4_shape: PacketSet,
    /// `allow tcp 443 from 0.0.0.0/0 (aws_vpc_security_group_ingress_rule.web_https)`.
    pub text: String,
    /// The rule may or may not belong to this group (why): what it admits is undetermined.
    uncertain: Option<String>,
}

#[derive(Debug, Clone)]
enum Peer {
    Addrs,
    Group(GroupKey),
    /// A reference to a group this plan destroys: it matches nothing.
    Stale,
    Unknown(String),
}

/// One direction of a group.
#[derive(Debug, Clone)]
pub(crate) enum SgRules {
    /// Known rules (a rule that may belong to several groups is compiled once, shared).
    Known(Vec<std::sync::Arc<SgEntry>>),
    /// Not known until apply.
    Unknown(String),
}

/// A compiled security group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Inbound rules (peer = source).
    pub ingress: SgRules,
    /// Outbound rules (peer = destination).
    pub egress: SgRules,
}

impl Group {
    /// The rules of one direction.
    pub(crate) fn rules(&self, dir: SgDirection) -> &SgRules {
        match dir {
            SgDirection::Ingress => &self.ingress,
            SgDirection::Egress => &self.egress,
        }
    }
}

impl SgRules {
    /// True when the rules are known and there are none.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, SgRules::Known(e) if e.is_empty())
    }
}

/// Which rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SgDirection {
    /// Inbound at the destination ENI.
    Ingress,
    /// Outbound at the source ENI.
    Egress,
}

/// What the groups of one ENI decide about a packet set.
#[derive(Debug, Default)]
pub(crate) struct SgOutcome {
    /// Allowed parts, with the allowing group and rule text.
    pub allowed: Vec<(GroupKey, String, PacketSet)>,
    /// The part of the allowed packets that only group references admit.
    pub by_reference: PacketSet,
    /// Undetermined parts, with the reason.
    pub undetermined: Vec<(String, PacketSet)>,
    /// Denied (no rule admits them).
    pub denied: PacketSet,
    /// Why references did not match, when that matters for a denied part.
    pub notes: Vec<String>,
}

impl SgOutcome {
    /// Union of the allowed parts.
    pub(crate) fn allowed_set(&self) -> PacketSet {
        self.allowed.iter().fold(PacketSet::empty(), |acc, (_, _, s)| acc.union(s))
    }
}

/// The compiled rules that may belong to several groups (an unlinked separate rule spread over
/// its candidates), by the shared rule: compiled once for all of them. A rule on `self` names
/// each group itself and is compiled per group.
#[derive(Default)]
pub(crate) struct SharedRules(std::sync::Mutex<std::collections::HashMap<usize, std::sync::Arc<SgEntry>>>);

/// Compiles the group `res`; `None` when it is not a security group.
pub(crate) fn compile(net: &Network, res: ResId, services: &Services, shared: &SharedRules) -> Option<Group> {
    use std::sync::Arc;
    let Object::SecurityGroup(g) = &net.res(res).obj else {
        return None;
    };
    let name = &net.res(res).name;
    let side = |rules: &Val<Vec<SgRule>>, dir: SgDirection| {
        let mut entries: Vec<Arc<SgEntry>> = match rules {
            Val::Known(list) => list.iter().map(|r| Arc::new(compile_rule(net, res, r, dir, services))).collect(),
            Val::Unknown => return SgRules::Unknown(format!("the rules of {name} are not known until apply")),
            Val::Absent => Vec::new(),
        };
        let egress = dir == SgDirection::Egress;
        for m in &g.maybe_rules {
            let (e, r, why) = &**m;
            if *e != egress {
                continue;
            }
            let make = || {
                let mut entry = compile_rule(net, res, r, dir, services);
                entry.uncertain = Some(why.clone());
                Arc::new(entry)
            };
            if matches!(r.peer, SgPeer::SelfGroup) {
                entries.push(make());
                continue;
            }
            let key = Arc::as_ptr(m) as usize;
            let cached = shared.0.lock().ok().and_then(|c| c.get(&key).cloned());
            let entry = match cached {
                Some(e) => e,
                None => {
                    let e = make();
                    if let Ok(mut c) = shared.0.lock() {
                        c.insert(key, e.clone());
                    }
                    e
                }
            };
            entries.push(entry);
        }
        SgRules::Known(entries)
    };
    Some(Group { ingress: side(&g.ingress, SgDirection::Ingress), egress: side(&g.egress, SgDirection::Egress) })
}

fn compile_rule(net: &Network, group: ResId, r: &SgRule, dir: SgDirection, services: &Services) -> SgEntry {
    let protocol = r.protocol.known().and_then(|p| p.parse::<RuleProtocol>().ok());
    let (protocols, a, b, l4_known) = match protocol {
        Some(RuleProtocol::All) => (ProtoSet::full(), PortSet::full(), PortSet::full(), true),
        Some(RuleProtocol::Only(p)) if p == Protocol::TCP || p == Protocol::UDP => {
            match (r.from_port.known(), r.to_port.known()) {
                (Some(&from), Some(&to)) => (p.set(), PortSet::full(), port_range(from, to), true),
                _ => (p.set(), PortSet::full(), PortSet::full(), false),
            }
        }
        Some(RuleProtocol::Only(p)) if p == Protocol::ICMP || p == Protocol::ICMPV6 => {
            match (r.from_port.known(), r.to_port.known()) {
                (Some(&t), Some(&c)) => (p.set(), icmp_value(t), icmp_value(c), true),
                _ => (p.set(), PortSet::full(), PortSet::full(), false),
            }
        }
        Some(RuleProtocol::Only(p)) => (p.set(), PortSet::full(), PortSet::full(), true),
        None => (ProtoSet::full(), PortSet::full(), PortSet::full(), false),
    };
    let (peer, addrs, maybe_addrs, peer_text) = match &r.peer {
        SgPeer::Cidr(Val::Known(n)) => {
            let (addrs, maybe) = rule_addresses(n, services);
            (Peer::Addrs, addrs, maybe, n.to_string())
        }
        SgPeer::Cidr(_) => (
            Peer::Unknown("a CIDR of the rule is unknown until apply".into()),
            IpSet::empty(),
            IpSet::empty(),
            "(unknown CIDR)".into(),
        ),
        SgPeer::SelfGroup => (Peer::Group(GroupKey::Res(group)), IpSet::empty(), IpSet::empty(), "self".into()),
        SgPeer::Group(link) => match link {
            Link::To(g, _) => {
                (Peer::Group(GroupKey::Res(*g)), IpSet::empty(), IpSet::empty(), net.name(*g).to_string())
            }
            Link::External(Some(id)) => {
                (Peer::Group(GroupKey::External(id.clone())), IpSet::empty(), IpSet::empty(), id.clone())
            }
            Link::Missing(g) => {
                (Peer::Stale, IpSet::empty(), IpSet::empty(), format!("{} (destroyed: stale)", net.name(*g)))
            }
            Link::External(None) | Link::Unknown(_) | Link::Absent => (
                Peer::Unknown("the referenced security group is not known until apply".into()),
                IpSet::empty(),
                IpSet::empty(),
                "(unknown group)".into(),
            ),
        },
        SgPeer::PrefixList(link) => prefix_list_peer(net, link, services),
    };
    let shape = |set: &IpSet| {
        if set.is_empty() {
            return PacketSet::empty();
        }
        let mut m = PacketMatch { protocols: protocols.clone(), a: a.clone(), b: b.clone(), ..PacketMatch::all() };
        match dir {
            SgDirection::Ingress => m.src = set.clone(),
            SgDirection::Egress => m.dst = set.clone(),
        }
        PacketSet::from_match(&m)
    };
    let (fixed, fixed_maybe) = if l4_known {
        (shape(&addrs), shape(&maybe_addrs))
    } else {
        (PacketSet::empty(), shape(&addrs.union(&maybe_addrs)))
    };
    let word = match dir {
        SgDirection::Ingress => "from",
        SgDirection::Egress => "to",
    };
    let mut text = format!("allow {} {word} {peer_text}", l4_text(r));
    if r.source != group {
        text.push_str(&format!(" ({})", net.name(r.source)));
    }
    let l4_shape = PacketSet::from_match(&PacketMatch { protocols, a, b, ..PacketMatch::all() });
    SgEntry { l4_known, peer, fixed, fixed_maybe, l4_shape, text, uncertain: None }
}

fn prefix_list_peer(net: &Network, link: &Link, services: &Services) -> (Peer, IpSet, IpSet, String) {
    let unknown = |why: &str, text: String| (Peer::Unknown(why.to_string()), IpSet::empty(), IpSet::empty(), text);
    let Link::To(r, _) = link else {
        return unknown("the prefix list is not known until apply", "(unknown prefix list)".into());
    };
    let name = net.name(*r).to_string();
    match &net.res(*r).obj {
        Object::Endpoint(e) => match e.service.known() {
            Some(service) => {
                (Peer::Addrs, services.block(service), IpSet::empty(), format!("prefix list of {name} ({service})"))
            }
            None => unknown("the endpoint's service is not known until apply", format!("prefix list of {name}")),
        },
        Object::PrefixList(p) => match &p.entries {
            Val::Known(entries) if entries.iter().all(|e| e.known().is_some()) => {
                let mut addrs = IpSet::empty();
                let mut maybe = IpSet::empty();
                for n in entries.iter().filter_map(|e| e.known()) {
                    let (a, m) = rule_addresses(n, services);
                    addrs = addrs.union(&a);
                    maybe = maybe.union(&m);
                }
                (Peer::Addrs, addrs, maybe, format!("prefix list {name}"))
            }
            _ => unknown("the prefix list's entries are not known until apply", format!("prefix list {name}")),
        },
        _ => unknown("the prefix list is not modelled", format!("prefix list {name}")),
    }
}

fn l4_text(r: &SgRule) -> String {
    let Some(p) = r.protocol.known() else { return "(unknown protocol)".into() };
    // An ICMP rule's type and code are its `from_port` and `to_port`.
    rule_fields::l4_text(p, (r.from_port.known(), r.to_port.known()), || {
        let f = |v: Option<&i64>| match v {
            Some(-1) => "any".to_string(),
            Some(x) => x.to_string(),
            None => "(unknown)".into(),
        };
        (f(r.from_port.known()), f(r.to_port.known()))
    })
}

impl SgEntry {
    /// The packets this rule certainly / possibly matches within `set`, given the other side's
    /// identity and whether references hold.
    fn matches(&self, set: &PacketSet, dir: SgDirection, other: &Ident, refs: &RefValidity) -> Matched {
        let m = self.matches_if_present(set, dir, other, refs);
        match &self.uncertain {
            None => m,
            Some(why) => Matched {
                maybe: m.definite.union(&m.maybe),
                definite: PacketSet::empty(),
                by_reference: m.by_reference,
                note: m.note,
                maybe_why: why.clone(),
            },
        }
    }

    fn matches_if_present(&self, set: &PacketSet, dir: SgDirection, other: &Ident, refs: &RefValidity) -> Matched {
        match &self.peer {
            Peer::Addrs => Matched {
                definite: set.intersect(&self.fixed),
                maybe: if self.fixed_maybe.is_empty() { PacketSet::empty() } else { set.intersect(&self.fixed_maybe) },
                by_reference: false,
                note: None,
                maybe_why: "the rule's prefix list or CIDR may or may not cover an AWS service's addresses".into(),
            },
            Peer::Stale => Matched::none(),
            Peer::Unknown(why) => Matched {
                definite: PacketSet::empty(),
                maybe: set.intersect(&self.shape(dir, &IpSet::any())),
                by_reference: false,
                note: None,
                maybe_why: why.clone(),
            },
            Peer::Group(key) => match other {
                Ident::None => Matched::none(),
                Ident::Unknown { why, addrs } => Matched {
                    definite: PacketSet::empty(),
                    maybe: set.intersect(&self.shape(dir, addrs)),
                    by_reference: true,
                    note: None,
                    maybe_why: why.clone(),
                },
                Ident::Groups { groups, addrs } => {
                    if !groups.contains(key) {
                        return Matched::none();
                    }
                    let hit = set.intersect(&self.shape(dir, addrs));
                    match refs {
                        RefValidity::Valid if self.l4_known => Matched {
                            definite: hit,
                            maybe: PacketSet::empty(),
                            by_reference: true,
                            note: None,
                            maybe_why: String::new(),
                        },
                        RefValidity::Valid => Matched {
                            definite: PacketSet::empty(),
                            maybe: hit,
                            by_reference: true,
                            note: None,
                            maybe_why: "the rule's protocol or ports are unknown until apply".into(),
                        },
                        RefValidity::Invalid(why) => {
                            Matched { note: (!hit.is_empty()).then(|| why.clone()), ..Matched::none() }
                        }
                        RefValidity::Unknown(why) => Matched {
                            definite: PacketSet::empty(),
                            maybe: hit,
                            by_reference: true,
                            note: None,
                            maybe_why: why.clone(),
                        },
                    }
                }
            },
        }
    }

    /// The rule's packets from (ingress) or to (egress) `addrs`: the same set as
    /// `PacketSet::from_match` of the rule's protocols and ports with `addrs` there, made from
    /// [`SgEntry::l4_shape`] without canonicalising again.
    fn shape(&self, dir: SgDirection, addrs: &IpSet) -> PacketSet {
        self.l4_shape.with_addresses(dir == SgDirection::Ingress, addrs)
    }
}

struct Matched {
    definite: PacketSet,
    maybe: PacketSet,
    by_reference: bool,
    note: Option<String>,
    maybe_why: String,
}

impl Matched {
    fn none() -> Self {
        Self {
            definite: PacketSet::empty(),
            maybe: PacketSet::empty(),
            by_reference: false,
            note: None,
            maybe_why: String::new(),
        }
    }
}

/// A group of an ENI as the evaluator sees it: compiled, or opaque (outside the input).
pub(crate) enum GroupView<'a> {
    /// A compiled group of the input.
    Known(GroupKey, &'a Group),
    /// A group whose rules are not in the input (external id, unknown link).
    Opaque(String),
}

/// Applies the groups of one ENI to `set` in one direction.
pub(crate) fn evaluate(
    groups: &[GroupView<'_>],
    dir: SgDirection,
    set: &PacketSet,
    other: &Ident,
    refs: &RefValidity,
) -> SgOutcome {
    let mut out = SgOutcome::default();
    let mut by_addr = PacketSet::empty();
    let mut by_ref = PacketSet::empty();
    let mut maybe: Vec<(String, PacketSet)> = Vec::new();
    for g in groups {
        match g {
            GroupView::Opaque(why) => maybe.push((why.clone(), set.clone())),
            GroupView::Known(key, group) => {
                let rules = match dir {
                    SgDirection::Ingress => &group.ingress,
                    SgDirection::Egress => &group.egress,
                };
                match rules {
                    SgRules::Unknown(why) => maybe.push((why.clone(), set.clone())),
                    SgRules::Known(entries) => {
                        for e in entries {
                            let m = e.matches(set, dir, other, refs);
                            if let Some(note) = m.note {
                                out.notes.push(format!("{}: {note}", e.text));
                            }
                            if !m.maybe.is_empty() {
                                maybe.push((m.maybe_why.clone(), m.maybe));
                            }
                            if m.definite.is_empty() {
                                continue;
                            }
                            if m.by_reference {
                                by_ref = by_ref.union(&m.definite);
                            } else {
                                by_addr = by_addr.union(&m.definite);
                            }
                            out.allowed.push((key.clone(), e.text.clone(), m.definite));
                        }
                    }
                }
            }
        }
    }
    let allowed = by_addr.union(&by_ref);
    out.by_reference = by_ref.difference(&by_addr);
    let mut rest = set.difference(&allowed);
    for (why, part) in maybe {
        let part = part.intersect(&rest);
        if part.is_empty() {
            continue;
        }
        rest = rest.difference(&part);
        out.undetermined.push((why, part));
    }
    out.denied = rest;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icmp_zero_zero_is_echo_reply() {
        assert_eq!(icmp_value(0).to_string(), "0");
        assert!(icmp_value(-1).is_full());
    }
}
