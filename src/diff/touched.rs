//! Which pairs a change can touch (issue 16 item 6): a pair of ends whose path can cross no
//! changed resource has the same verdict on both sides, so it is not walked.
//!
//! When every change is to security groups' rules, only pairs with an end that is a member of
//! a changed group can differ (unless a member forwards others' traffic: an appliance), and
//! only in the direction of the rules that changed: a member is the destination of the pairs
//! its ingress rules filter and the source of those its egress rules filter (groups are
//! stateful: a reply is not matched against rules). So the pairs are made from the ends
//! marked as sources and as destinations, not filtered out of every pair.
//! Otherwise a changed resource touches the VPCs it sits in or refers to (its links, two steps out, and
//! what refers to it, one step in: a changed security group reaches the rules of other VPCs
//! that name it). A pair is touched when one of its ends is in a touched VPC, or exists on one
//! side only. Traffic crosses a third VPC only through a transit gateway whose static routes
//! send it to that VPC's attachment (a centralised egress or inspection VPC; peering is not
//! transitive): when a touched VPC is such a target, every pair is walked. So is every pair
//! when a change cannot be bounded this way — a transit gateway, its tables, routes,
//! associations or propagations, a prefix list, or a resource no VPC can be found for.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::eval::sets::{IntervalSet, IpSet, PortSet};
use crate::eval::sg::{GroupKey, Ident, RefValidity, SgDirection, SgList};
use crate::eval::{Evaluator, Flow, Tri};
use crate::model::{AttachmentKind, Link, Network, Object, ResId};

use super::Sides;
use super::ends::{End, EndKey};

/// How far links are followed out of a changed resource (a rule → its group → the VPC).
const OUT_STEPS: usize = 3;

/// The VPCs (by address after the change) whose ends a change can affect; `None`: every pair.
pub(crate) struct Touched {
    vpcs: BTreeSet<String>,
    /// When every change is a security group's rules: those groups (by address after the
    /// change), and which of their rules changed. Only pairs with a member of one of them can
    /// differ: as the destination when its ingress rules changed, as the source when its egress
    /// rules did (groups are stateful: a reply is not matched against rules).
    groups: Option<BTreeMap<String, Dirs>>,
}

/// Which rules of a security group changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Dirs {
    ingress: bool,
    egress: bool,
}

impl Dirs {
    const BOTH: Dirs = Dirs { ingress: true, egress: true };

    fn or(self, other: Dirs) -> Dirs {
        Dirs { ingress: self.ingress || other.ingress, egress: self.egress || other.egress }
    }
}

impl Touched {
    /// `None` when the change cannot be bounded (every pair is walked).
    pub(crate) fn new(sides: &Sides<'_>) -> Option<Touched> {
        let after_names: BTreeMap<&str, &str> = sides.rename.iter().map(|(b, a)| (a.as_str(), b.as_str())).collect();
        let mut vpcs = BTreeSet::new();
        let mut groups = Some(BTreeMap::new());
        for (net, before) in [(sides.before, true), (sides.after, false)] {
            let index = Index::new(net);
            let rename = |name: &str| -> String {
                if before {
                    sides.rename.get(name).cloned().unwrap_or_else(|| name.to_string())
                } else {
                    name.to_string()
                }
            };
            for changed in &sides.changed {
                let name = if before { after_names.get(changed.as_str()).copied().unwrap_or(changed) } else { changed };
                let Some(id) = net.find(name) else { continue };
                // An inline rule may have changed either way; a rule resource says which.
                let group = match &net.res(id).obj {
                    Object::SecurityGroup(_) => Some((id, Dirs::BOTH)),
                    Object::SgRule(r) => r.group.res().map(|g| (g, Dirs { ingress: !r.egress, egress: r.egress })),
                    _ => None,
                };
                match (group, groups.as_mut()) {
                    (Some((g, dirs)), Some(map)) => {
                        let e: &mut Dirs = map.entry(rename(net.name(g))).or_default();
                        *e = e.or(dirs);
                    }
                    _ => groups = None,
                }
                for v in index.vpcs_of(id)? {
                    vpcs.insert(rename(net.name(v)));
                }
            }
            // A touched VPC that a transit gateway sends others' traffic through.
            for t in index.transit_vpcs()? {
                if vpcs.contains(&rename(net.name(t))) {
                    return None;
                }
            }
        }
        Some(Touched { vpcs, groups })
    }

    /// Keeps the narrowing to the changed groups' members only when no member forwards traffic
    /// for others (an appliance or NAT instance: its group filters paths it is not an end of)
    /// and every end's groups are known.
    fn narrow_to_members(&mut self, sides: &Sides<'_>, before: &BTreeMap<EndKey, End>, after: &BTreeMap<EndKey, End>) {
        let Some(groups) = &self.groups else { return };
        let ok = [(before, sides.before, true), (after, sides.after, false)].iter().all(|(ends, net, is_before)| {
            ends.values().all(|e| match &e.place.sgs {
                SgList::Unknown(_) => false,
                SgList::NotApplicable => true,
                SgList::Groups(list) => {
                    let member = list.iter().any(|g| self.named(g, net, *is_before, sides, groups).is_some());
                    !member || e.place.source_dest_check == crate::model::Val::Known(true)
                }
            })
        });
        if !ok {
            self.groups = None;
        }
    }

    /// What changed of `g`, when it is a changed group.
    fn named(
        &self,
        g: &GroupKey,
        net: &Network,
        before: bool,
        sides: &Sides<'_>,
        groups: &BTreeMap<String, Dirs>,
    ) -> Option<Dirs> {
        match g {
            GroupKey::Res(id) => {
                let name = net.name(*id);
                let name = if before { sides.rename.get(name).map_or(name, String::as_str) } else { name };
                groups.get(name).copied()
            }
            GroupKey::External(_) => None,
        }
    }

    /// Whether pairs with this end (its value on each side) may differ between the sides, as
    /// their source and as their destination: a pair may differ when its source may as a source
    /// or its destination may as a destination.
    fn end(&self, sides: &Sides<'_>, (before, after): (Option<&End>, Option<&End>)) -> Marked {
        // An end on one side only.
        let (Some(b), Some(a)) = (before, after) else { return Marked { source: true, destination: true } };
        if let Some(groups) = &self.groups {
            // As a source its egress rules filter, as a destination its ingress rules.
            let member = |end: &End, net: &Network, before: bool| match &end.place.sgs {
                SgList::Groups(list) => list
                    .iter()
                    .filter_map(|g| self.named(g, net, before, sides, groups))
                    .fold(Dirs::default(), Dirs::or),
                SgList::Unknown(_) => Dirs::BOTH,
                SgList::NotApplicable => Dirs::default(),
            };
            let d = member(b, sides.before, true).or(member(a, sides.after, false));
            return Marked { source: d.egress, destination: d.ingress };
        }
        let in_touched = |end: &End, net: &Network, before: bool| -> bool {
            if end.kind.is_external() {
                return false;
            }
            match end.place.vpc {
                Some(v) => {
                    let name = net.name(v);
                    let name = if before { sides.rename.get(name).map_or(name, String::as_str) } else { name };
                    self.vpcs.contains(name)
                }
                // An end inside no known VPC: walked.
                None => true,
            }
        };
        let t = in_touched(b, sides.before, true) || in_touched(a, sides.after, false);
        Marked { source: t, destination: t }
    }
}

/// Whether the pairs of one end may differ: those it is the source of, those it is the
/// destination of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Marked {
    pub(crate) source: bool,
    pub(crate) destination: bool,
}

/// The ends a change marks, and in the groups mode the filter of their pairs.
pub(crate) struct Restriction {
    /// For each key, whether the pairs it is an end of may differ.
    pub(crate) marks: Vec<Marked>,
    /// When every change is a security group's rules.
    pub(crate) filter: Option<SgFilter>,
}

/// For each of `keys`, whether the pairs it is an end of may differ (module docs); `None` when
/// the change cannot be bounded (every pair is walked).
pub(crate) fn touched_ends(
    sides: &Sides<'_>,
    keys: &[&EndKey],
    before: &BTreeMap<EndKey, End>,
    after: &BTreeMap<EndKey, End>,
    evaluators: [&Evaluator<'_>; 2],
) -> Option<Restriction> {
    let mut touched = Touched::new(sides)?;
    touched.narrow_to_members(sides, before, after);
    let marks = keys.iter().map(|k| touched.end(sides, (before.get(*k), after.get(*k)))).collect();
    let filter = touched.groups.is_some().then(|| SgFilter::new(evaluators, [before, after]));
    Some(Restriction { marks, filter })
}

/// When every change is a security group's rules, a marked pair can still be left out before
/// its walk: the changed rules act only at its marked ends' groups (module docs), so when those
/// groups decide alike on both sides for every packet that can reach them, the walks are alike.
///
/// * At a destination marked for its ingress rules, the packets that arrive carry the source's
///   address or, translated, a NAT gateway's private address, and the source's identity or
///   none, references valid or not. So the groups are asked about every protocol and port from
///   the source's addresses and every address of an ENI or subnet of either side, with each
///   identity and each validity. This holds only for a destination without a public or IPv6
///   address: packets that come back in from the internet carry public addresses.
/// * At a source marked for its egress rules, the packets leave with its own addresses, to the
///   destination's, the destination as the other side.
pub(crate) struct SgFilter {
    /// The hull of every address of a subnet or an end inside a VPC, on either side.
    internal: IpSet,
}

impl SgFilter {
    fn new(evaluators: [&Evaluator<'_>; 2], ends: [&BTreeMap<EndKey, End>; 2]) -> SgFilter {
        let mut internal = IpSet::empty();
        for (ev, ends) in evaluators.into_iter().zip(ends) {
            for id in ev.subnet_ids() {
                internal = internal.union(&ev.subnet_place(id, None).addrs);
            }
            for e in ends.values().filter(|e| !e.kind.is_external()) {
                internal = internal.union(&e.place.addrs);
            }
        }
        // Their hull in each family: a superset (so still every address a packet can carry), in
        // one interval, so that the packet sets the groups are asked about stay small.
        let hull = |set: &IpSet| IpSet {
            v4: set.v4.first().zip(set.v4.last()).map_or_else(Default::default, |(lo, hi)| IntervalSet::range(lo, hi)),
            v6: set.v6.first().zip(set.v6.last()).map_or_else(Default::default, |(lo, hi)| IntervalSet::range(lo, hi)),
        };
        SgFilter { internal: hull(&internal) }
    }

    /// True when the pair cannot differ: the groups its marks name decide alike on both sides.
    pub(crate) fn unchanged(
        &self,
        (source, destination): (Marked, Marked),
        before: (&Evaluator<'_>, &End, &End),
        after: (&Evaluator<'_>, &End, &End),
    ) -> bool {
        let sides = [before, after];
        if destination.destination {
            let private = |d: &End| {
                !d.kind.is_external()
                    && d.place.public_ip == Tri::No
                    && d.place.addrs.intersect(&IpSet::any_v6()).is_empty()
            };
            if !sides.iter().all(|(_, _, d)| private(d)) {
                return false;
            }
            let refs = [RefValidity::Valid, RefValidity::Invalid(String::new()), RefValidity::Unknown(String::new())];
            let sets = sides.map(|(_, s, d)| {
                Flow::all().packets(&s.place.addrs.union(&self.internal), &d.place.addrs, &PortSet::full())
            });
            for other in [Some(()), None] {
                for r in &refs {
                    let [b, a] = [0, 1].map(|i| {
                        let (ev, s, d) = sides[i];
                        let other = if other.is_some() { Ident::of(&s.place) } else { Ident::None };
                        ev.sg_decision(&d.place, SgDirection::Ingress, &sets[i], &other, r)
                    });
                    if b.is_none() || b != a {
                        return false;
                    }
                }
            }
        }
        if source.source {
            let decision = |(ev, s, d): (&Evaluator<'_>, &End, &End)| {
                let set = Flow::all().packets(&s.place.addrs, &d.place.addrs, &s.place.client.set());
                ev.sg_decision(&s.place, SgDirection::Egress, &set, &Ident::of(&d.place), &RefValidity::Valid)
            };
            let [b, a] = sides.map(decision);
            if b.is_none() || b != a {
                return false;
            }
        }
        true
    }
}

/// The links of one network, both ways.
struct Index<'n> {
    net: &'n Network,
    out: HashMap<ResId, Vec<ResId>>,
    inward: HashMap<ResId, Vec<ResId>>,
}

impl<'n> Index<'n> {
    fn new(net: &'n Network) -> Index<'n> {
        let mut out: HashMap<ResId, Vec<ResId>> = HashMap::new();
        let mut inward: HashMap<ResId, Vec<ResId>> = HashMap::new();
        for l in &net.links {
            if let Link::To(to, _) = &l.link {
                out.entry(l.from).or_default().push(*to);
                inward.entry(*to).or_default().push(l.from);
            }
        }
        Index { net, out, inward }
    }

    /// The VPCs a changed resource touches; `None` when it cannot be bounded.
    fn vpcs_of(&self, id: ResId) -> Option<BTreeSet<ResId>> {
        if unbounded(&self.net.res(id).obj) {
            return None;
        }
        let mut found = BTreeSet::new();
        let mut seen = BTreeSet::from([id]);
        let mut frontier = vec![id];
        // What refers to it, one step in (a rule naming a changed group, a target attachment).
        for r in self.inward.get(&id).into_iter().flatten() {
            if seen.insert(*r) {
                frontier.push(*r);
            }
        }
        for _ in 0..=OUT_STEPS {
            let mut next = Vec::new();
            for r in frontier {
                if matches!(self.net.res(r).obj, Object::Vpc(_)) {
                    found.insert(r);
                    continue;
                }
                for t in self.out.get(&r).into_iter().flatten() {
                    if seen.insert(*t) {
                        next.push(*t);
                    }
                }
            }
            frontier = next;
        }
        (!found.is_empty()).then_some(found)
    }

    /// The VPCs whose transit gateway attachment a static TGW route targets; `None` when a
    /// route's attachment is not known.
    fn transit_vpcs(&self) -> Option<BTreeSet<ResId>> {
        let mut out = BTreeSet::new();
        for (_, r) in self.net.present() {
            let Object::TgwRoute(route) = &r.obj else { continue };
            match &route.attachment {
                Link::To(a, _) => {
                    if let Object::TgwAttachment(att) = &self.net.res(*a).obj
                        && let AttachmentKind::Vpc { vpc, .. } = &att.kind
                    {
                        match vpc.res() {
                            Some(v) => {
                                out.insert(v);
                            }
                            None => return None,
                        }
                    }
                }
                Link::Absent => {}
                _ => return None,
            }
        }
        Some(out)
    }
}

/// Changes whose reach is not one set of VPCs.
fn unbounded(obj: &Object) -> bool {
    matches!(
        obj,
        Object::TransitGateway(_)
            | Object::TgwRouteTable(_)
            | Object::TgwRoute(_)
            | Object::TgwAssociation(_)
            | Object::TgwPropagation(_)
            | Object::PrefixList(_)
            | Object::PrefixListEntry(_)
    )
}
