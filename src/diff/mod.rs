//! `tfvpc diff`: what a change opens and closes (issue 16). Reachability between every pair of
//! ends ([`ends`]: workloads with their security groups, subnets without workloads, the
//! internet, on-premises, AWS services) is evaluated on both sides of the change with the
//! packet evaluator over every protocol and port at once (`Evaluator::reach_traced`), the
//! results are cut into service atoms ([`services`]), and each atom whose fate differs becomes
//! part of a [`Difference`]: `opened`, `closed`, `may-open`/`may-close` (the fate on one side
//! depends on values unknown until apply: never asserted) or `rerouted` (both sides reach, on a
//! different path: gateway, NAT, AZ, transit gateway route table), with the per-GB bill of both
//! paths. Differences are grouped per source × destination resource with their services
//! merged, and name the changed resources at the hop where the verdicts part ([`Difference::causes`]).
//!
//! The policy that gives them rule ids and severities is [`policy`]; docs/diff.md describes
//! the whole.

pub(crate) mod ends;
pub mod policy;
pub mod services;
#[cfg(test)]
mod tests;
mod touched;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use self::ends::{End, EndKey, EndKind};
pub use self::services::Services;
use self::services::{Status, atoms, status};
use crate::catalog::Family;
use crate::eval::reach::Outcome;
use crate::eval::sets::PacketSet;
use crate::eval::{Evaluator, Flow, Reach, Stage};
use crate::ingest::{Action, Document, RawResource};
use crate::model::Network;

/// What a change does to a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Unreachable before, reachable after.
    Opened,
    /// Its fate after depends on values unknown until apply; it did not get through before (or
    /// did not reach before either, for sure, and now may).
    MayOpen,
    /// Reachable before, unreachable after.
    Closed,
    /// Reachable before; after, its fate depends on values unknown until apply.
    MayClose,
    /// Reachable on both sides, on another path.
    Rerouted,
}

impl Change {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Opened => "opened",
            Change::MayOpen => "may-open",
            Change::Closed => "closed",
            Change::MayClose => "may-close",
            Change::Rerouted => "rerouted",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference: a source × destination resource pair, one kind of change, its services.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The source: a resource address, `internet` or `on-premises`.
    pub from: String,
    /// The destination: a resource address, `internet`, `on-premises` or an AWS service name.
    pub to: String,
    /// What kind of end each is.
    pub(crate) from_kind: EndKind,
    pub(crate) to_kind: EndKind,
    /// What changed.
    pub change: Change,
    /// The services concerned, merged.
    pub services: Services,
    /// The changed resources at the hop where the two sides part, primary first (empty when
    /// no changed resource explains it).
    pub causes: Vec<String>,
    /// The stage where the side that does not get through stops (`None` for `rerouted`).
    pub stage: Option<Stage>,
    /// The resource that decides there.
    pub at: Option<String>,
    /// Gateways on the path before (reachable flows), in order.
    pub path_before: Vec<String>,
    /// Gateways on the path after.
    pub path_after: Vec<String>,
    /// USD per GB of the path before and after (flows reachable on that side).
    pub usd_per_gb_before: Option<f64>,
    /// USD per GB after.
    pub usd_per_gb_after: Option<f64>,
}

impl Difference {
    /// True when the source is the internet.
    pub fn from_internet(&self) -> bool {
        self.from_kind == EndKind::Internet
    }

    /// True when the destination is a load balancer.
    pub fn to_load_balancer(&self) -> bool {
        self.to_kind == EndKind::LoadBalancer
    }
}

/// The two sides of a change, as the diff reads them.
pub struct Sides<'a> {
    /// The network before.
    pub before: &'a Network,
    /// The network after.
    pub after: &'a Network,
    /// Addresses before → after (moved resources).
    pub rename: BTreeMap<String, String>,
    /// Addresses (after the change's names) of the resources whose kept attributes differ, or
    /// that exist on one side only.
    pub changed: BTreeSet<String>,
}

/// The changed resources of a plan: created, deleted, replaced, or updated in an attribute
/// tfvpc keeps. A move alone is no change.
pub fn changed_in_plan(doc: &Document) -> BTreeSet<String> {
    doc.resources
        .iter()
        .filter(|r| match r.action {
            Action::Create | Action::Delete | Action::Replace => true,
            Action::Update => !same_attrs(r.before.as_ref(), r.after.as_ref()),
            Action::NoOp | Action::Read | Action::Existing | Action::Forget => false,
        })
        .map(|r| r.addr.as_str().to_string())
        .collect()
}

/// The changed resources between two documents (their states after apply), with `rename`
/// mapping addresses of the first to those of the second.
pub fn changed_between(before: &Document, after: &Document, rename: &BTreeMap<String, String>) -> BTreeSet<String> {
    let side = |r: &RawResource| if r.action == Action::Delete { None } else { r.after.clone().or(r.before.clone()) };
    let by_addr =
        |doc: &Document, rename: Option<&BTreeMap<String, String>>| -> BTreeMap<String, Option<crate::ingest::Attrs>> {
            doc.resources
                .iter()
                .filter(|r| r.action != Action::Delete && r.addr.mode() == crate::model::Mode::Managed)
                .map(|r| {
                    let a = r.addr.as_str();
                    (rename.and_then(|m| m.get(a)).cloned().unwrap_or_else(|| a.to_string()), side(r))
                })
                .collect()
        };
    let b = by_addr(before, Some(rename));
    let a = by_addr(after, None);
    let mut out = BTreeSet::new();
    for (addr, attrs) in &a {
        match b.get(addr) {
            Some(prev) if same_attrs(prev.as_ref(), attrs.as_ref()) => {}
            _ => {
                out.insert(addr.clone());
            }
        }
    }
    out.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    out
}

fn same_attrs(a: Option<&crate::ingest::Attrs>, b: Option<&crate::ingest::Attrs>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.values == b.values && unknowns(&a.unknown) == unknowns(&b.unknown),
        (None, None) => true,
        _ => false,
    }
}

/// `after_unknown` without its `false` leaves (before has none).
fn unknowns(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let kept: serde_json::Map<String, serde_json::Value> =
                m.iter().map(|(k, v)| (k.clone(), unknowns(v))).filter(|(_, v)| !is_nothing(v)).collect();
            if kept.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(kept) }
        }
        serde_json::Value::Array(items) => {
            let items: Vec<serde_json::Value> = items.iter().map(unknowns).collect();
            if items.iter().all(is_nothing) { serde_json::Value::Null } else { serde_json::Value::Array(items) }
        }
        serde_json::Value::Bool(true) => v.clone(),
        _ => serde_json::Value::Null,
    }
}

fn is_nothing(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => true,
        serde_json::Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// The differences between the two sides, grouped and sorted (internet exposure first). Only
/// the pairs of ends a change can touch are walked (`touched`); the others cannot differ. Pairs
/// whose ends behave alike share one walk per side.
pub fn diff(sides: &Sides<'_>, before: &Evaluator<'_>, after: &Evaluator<'_>) -> Vec<Difference> {
    diff_pairs(sides, before, after, true)
}

/// [`diff`] walking every pair of ends, each pair itself: the reference the restricted diff
/// (fewer pairs, shared walks) is tested against.
pub fn diff_every_pair(sides: &Sides<'_>, before: &Evaluator<'_>, after: &Evaluator<'_>) -> Vec<Difference> {
    diff_pairs(sides, before, after, false)
}

fn diff_pairs(sides: &Sides<'_>, before: &Evaluator<'_>, after: &Evaluator<'_>, restrict: bool) -> Vec<Difference> {
    let mut external = ends::external_ends(sides.before);
    for e in ends::external_ends(sides.after) {
        if !external.contains(&e) {
            external.push(e);
        }
    }
    let (ends_before, ends_after) =
        rayon::join(|| ends::ends(before, &sides.rename, &external), || ends::ends(after, &BTreeMap::new(), &external));
    let keys: Vec<&EndKey> =
        ends_before.keys().chain(ends_after.keys()).collect::<BTreeSet<&EndKey>>().into_iter().collect();
    let kinds: Vec<Option<EndKind>> =
        keys.iter().map(|k| ends_after.get(*k).or_else(|| ends_before.get(*k)).map(|e| e.kind)).collect();
    let pairable = |i: usize, j: usize| -> bool {
        let (Some(sk), Some(dk)) = (kinds[i], kinds[j]) else { return false };
        // A resource in several subnets does not talk to itself across them here.
        i != j && !(sk.is_external() && dk.is_external()) && sk != EndKind::Service && keys[i].0 != keys[j].0
    };
    // The ends whose pairs may differ (`None`: every end). A pair is walked when its source may
    // differ as a source or its destination as a destination, so the pairs are made from those
    // ends only, in the order of every pair.
    let restriction =
        if restrict { touched::touched_ends(sides, &keys, &ends_before, &ends_after, [before, after]) } else { None };
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    match &restriction {
        None => {
            for i in 0..keys.len() {
                pairs.extend((0..keys.len()).filter(|&j| pairable(i, j)).map(|j| (i, j)));
            }
        }
        Some(r) => {
            let destinations: Vec<usize> = (0..keys.len()).filter(|&j| r.marks[j].destination).collect();
            for i in 0..keys.len() {
                if r.marks[i].source {
                    pairs.extend((0..keys.len()).filter(|&j| pairable(i, j)).map(|j| (i, j)));
                } else {
                    pairs.extend(destinations.iter().filter(|&&j| pairable(i, j)).map(|&j| (i, j)));
                }
            }
        }
    }
    let links = Members::new(sides);
    let pairs: Vec<(usize, usize)> = pairs
        .into_par_iter()
        .filter(|&(i, j)| {
            let b = side_of(&ends_before, before, keys[i], keys[j]);
            let a = side_of(&ends_after, after, keys[i], keys[j]);
            !matches!((&restriction, b, a), (Some(r), Some(b), Some(a))
                if r.filter.as_ref().is_some_and(|f| f.unchanged((r.marks[i], r.marks[j]), b, a)))
        })
        .collect();
    // Pairs whose ends are walked alike on each side (equal behaviour keys) share their walks:
    // the first pair of each class is walked, the others take its walks with their own names.
    let behaviour = |ends: &BTreeMap<EndKey, End>| -> Vec<Option<u32>> {
        let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        keys.iter()
            .map(|k| {
                let key = ends.get(*k)?.place.behaviour_key();
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                Some(*ids.entry(key).or_insert(next))
            })
            .collect()
    };
    let (kb, ka) = rayon::join(|| behaviour(&ends_before), || behaviour(&ends_after));
    // The reference (every pair) walks each pair itself.
    let mut classes: BTreeMap<(usize, [Option<u32>; 4]), Vec<usize>> = BTreeMap::new();
    for (n, &(i, j)) in pairs.iter().enumerate() {
        let alone = if restrict { 0 } else { n };
        classes.entry((alone, [kb[i], kb[j], ka[i], ka[j]])).or_default().push(n);
    }
    let mut found: Vec<(usize, Vec<Difference>)> = classes
        .into_par_iter()
        .flat_map_iter(|(_, members)| {
            let side = |ends, ev, n: usize| side_of(ends, ev, keys[pairs[n].0], keys[pairs[n].1]);
            let first = members[0];
            let (rb, ra) = (walk(side(&ends_before, before, first)), walk(side(&ends_after, after, first)));
            let mut out = Vec::with_capacity(members.len());
            let statuses = std::cell::OnceCell::new();
            for &n in &members[1..] {
                let b = like(&rb, side(&ends_before, before, n));
                let a = like(&ra, side(&ends_after, after, n));
                out.push((n, compare_pair(sides, &links, b, a, &statuses)));
            }
            out.push((first, compare_pair(sides, &links, rb, ra, &statuses)));
            out
        })
        .collect();
    found.sort_by_key(|(n, _)| *n);
    let found: Vec<Difference> = found.into_iter().flat_map(|(_, d)| d).collect();
    group(found)
}

/// One side of one pair: the evaluator, the source, the destination.
type PairSide<'e, 'n> = Option<(&'e Evaluator<'n>, &'e End, &'e End)>;

fn side_of<'e, 'n>(ends: &'e BTreeMap<EndKey, End>, ev: &'e Evaluator<'n>, s: &EndKey, d: &EndKey) -> PairSide<'e, 'n> {
    ends.get(s).zip(ends.get(d)).map(|(x, y)| (ev, x, y))
}

/// The walk of `rep`'s pair for another pair of the same class.
fn like<'e, 'n>(rep: &Option<Walked<'e, 'n>>, side: PairSide<'e, 'n>) -> Option<Walked<'e, 'n>> {
    rep.as_ref().zip(side).map(|(r, (ev, src, dst))| Walked {
        ev,
        src,
        dst,
        reach: r.reach.for_ends([&r.src.place, &r.dst.place], [&src.place, &dst.place]),
    })
}

/// One side's result for a pair.
struct Walked<'e, 'n> {
    ev: &'e Evaluator<'n>,
    src: &'e End,
    dst: &'e End,
    reach: Reach,
}

impl Walked<'_, '_> {
    /// The gateways on the forward path of the passing leaves within `atom`, and the bill of
    /// the first such path.
    fn paths(
        &self,
        atom: &PacketSet,
        rename: &BTreeMap<String, String>,
    ) -> (BTreeSet<Vec<String>>, Vec<crate::model::ResId>) {
        let mut out = BTreeSet::new();
        let mut first = Vec::new();
        for leaf in &self.reach.leaves {
            if leaf.outcome != Outcome::Passed || !leaf.packets.intersects(atom) {
                continue;
            }
            let path = self.reach.path_of(leaf);
            let net = self.ev.network();
            let gateways: Vec<String> = path
                .iter()
                .filter(|r| is_gateway(net.res(**r).family))
                .map(|r| renamed(rename, net.name(*r)))
                .collect();
            if first.is_empty() {
                first = path;
            }
            out.insert(gateways);
        }
        (out, first)
    }

    /// The leaves that stop `atom`'s packets (dropped, or undetermined when `undetermined`).
    fn stops(&self, atom: &PacketSet, undetermined: bool) -> Vec<(Stage, Option<String>)> {
        self.reach
            .leaves
            .iter()
            .filter(|l| match l.outcome {
                Outcome::Dropped => true,
                Outcome::Undetermined => undetermined,
                Outcome::Passed => false,
            })
            .filter(|l| l.packets.intersects(atom))
            .map(|l| (l.stage, l.resource.clone()))
            .collect()
    }
}

fn renamed(rename: &BTreeMap<String, String>, name: &str) -> String {
    rename.get(name).cloned().unwrap_or_else(|| name.to_string())
}

/// The families whose change of resource on a path is a reroute.
fn is_gateway(f: Family) -> bool {
    matches!(
        f,
        Family::InternetGateway
            | Family::EgressOnlyInternetGateway
            | Family::NatGateway
            | Family::PeeringConnection
            | Family::TransitGateway
            | Family::TransitGatewayAttachment
            | Family::TransitGatewayRouteTable
            | Family::VpcEndpoint
            | Family::Vpn
            | Family::Workload
            | Family::NetworkInterface
    )
}

fn walk<'e, 'n>(side: PairSide<'e, 'n>) -> Option<Walked<'e, 'n>> {
    let (ev, src, dst) = side?;
    let request = Flow::all().packets(&src.place.addrs, &dst.place.addrs, &src.place.client.set());
    let reach = ev.reach_traced(&src.place, &dst.place, &request);
    Some(Walked { ev, src, dst, reach })
}

/// What one kind of change of a pair gathered over its atoms.
#[derive(Default)]
struct Gathered {
    services: Services,
    packets: PacketSet,
    stops: Vec<(Stage, Option<String>)>,
    path_before: Option<(Vec<String>, Vec<crate::model::ResId>)>,
    path_after: Option<(Vec<String>, Vec<crate::model::ResId>)>,
    candidates: BTreeSet<String>,
}

/// One atom of a pair's packets, with its status on each side.
type AtomStatus = (services::Atom, PacketSet, (Status, PacketSet), (Status, PacketSet));

/// The atoms of both sides' sets and their status on each side: the same for every pair of a
/// class (their walks differ only in names), so computed once per class.
fn atom_statuses(b: &Option<Walked<'_, '_>>, a: &Option<Walked<'_, '_>>) -> Vec<AtomStatus> {
    let mut sets: Vec<&PacketSet> = Vec::new();
    for w in [b, a].into_iter().flatten() {
        sets.extend([&w.reach.request, &w.reach.failed, &w.reach.undetermined]);
    }
    atoms(&sets)
        .into_iter()
        .map(|atom| {
            let packets = atom.packets();
            let sb = b.as_ref().map_or((Status::Absent, PacketSet::empty()), |w| status(&w.reach, &packets));
            let sa = a.as_ref().map_or((Status::Absent, PacketSet::empty()), |w| status(&w.reach, &packets));
            (atom, packets, sb, sa)
        })
        .collect()
}

/// The differences of one pair; `shared` holds the atom statuses of its class.
fn compare_pair(
    sides: &Sides<'_>,
    links: &Members,
    b: Option<Walked<'_, '_>>,
    a: Option<Walked<'_, '_>>,
    shared: &std::cell::OnceCell<Vec<AtomStatus>>,
) -> Vec<Difference> {
    if let (Some(b), Some(a)) = (&b, &a)
        && b.reach.passed == a.reach.passed
        && b.reach.failed == a.reach.failed
        && b.reach.undetermined == a.reach.undetermined
        && b.paths(&PacketSet::all(), &sides.rename).0 == a.paths(&PacketSet::all(), &BTreeMap::new()).0
    {
        return Vec::new();
    }
    let statuses = shared.get_or_init(|| atom_statuses(&b, &a));
    let none = BTreeMap::new();
    let mut gathered: BTreeMap<Change, Gathered> = BTreeMap::new();
    for (atom, packets, (sb, pb), (sa, pa)) in statuses {
        let (atom, packets, sb, sa) = (atom, packets.clone(), *sb, *sa);
        let reaches = |s: Status| matches!(s, Status::Reachable | Status::Partial);
        let mut changes: Vec<Change> = Vec::new();
        match (sb, sa) {
            (x, y) if x.is_closed() && reaches(y) => changes.push(Change::Opened),
            (x, y) if reaches(x) && y.is_closed() => changes.push(Change::Closed),
            (x, Status::Indeterminate) if x.is_closed() => changes.push(Change::MayOpen),
            (x, Status::Indeterminate) if reaches(x) => changes.push(Change::MayClose),
            (Status::Indeterminate, y) if reaches(y) => changes.push(Change::MayOpen),
            (Status::Indeterminate, y) if y.is_closed() => changes.push(Change::MayClose),
            (x, y) if reaches(x) && reaches(y) => {
                // Partial on either side: which address pairs pass changed.
                if !pa.difference(pb).is_empty() && sb == Status::Partial {
                    changes.push(Change::Opened);
                }
                if !pb.difference(pa).is_empty() && sa == Status::Partial {
                    changes.push(Change::Closed);
                }
                if let (Some(wb), Some(wa)) = (&b, &a) {
                    let (pb_paths, pb_first) = wb.paths(&packets, &sides.rename);
                    let (pa_paths, pa_first) = wa.paths(&packets, &none);
                    if pb_paths != pa_paths {
                        let g = gathered.entry(Change::Rerouted).or_default();
                        g.services.add(atom);
                        let differing: BTreeSet<String> =
                            pb_paths.symmetric_difference(&pa_paths).flatten().cloned().collect();
                        g.candidates.extend(differing);
                        for (side, first, rename) in [(wb, &pb_first, &sides.rename), (wa, &pa_first, &none)] {
                            let net = side.ev.network();
                            g.candidates.extend(
                                first
                                    .iter()
                                    .filter(|r| net.res(**r).family == Family::RouteTable)
                                    .map(|r| renamed(rename, net.name(*r))),
                            );
                        }
                        let gateways = |paths: &BTreeSet<Vec<String>>| paths.iter().next().cloned().unwrap_or_default();
                        g.path_before.get_or_insert((gateways(&pb_paths), pb_first));
                        g.path_after.get_or_insert((gateways(&pa_paths), pa_first));
                    }
                }
            }
            _ => {}
        }
        for change in changes {
            let g = gathered.entry(change).or_default();
            g.services.add(atom);
            g.packets = g.packets.union(&packets);
        }
    }
    let (Some(src), Some(dst)) = (a.as_ref().or(b.as_ref()).map(|w| w.src), a.as_ref().or(b.as_ref()).map(|w| w.dst))
    else {
        return Vec::new();
    };
    let name_of = |e: &End, rename: &BTreeMap<String, String>, w: &Walked<'_, '_>| match e.place.res {
        Some(r) => renamed(rename, w.ev.network().name(r)),
        None => e.place.address.clone(),
    };
    let w = a.as_ref().or(b.as_ref());
    let (from, to) = match (w, a.is_some()) {
        (Some(w), true) => (name_of(src, &none, w), name_of(dst, &none, w)),
        (Some(w), false) => (name_of(src, &sides.rename, w), name_of(dst, &sides.rename, w)),
        (None, _) => return Vec::new(),
    };
    let mut out = Vec::new();
    for (change, mut g) in gathered {
        // Where the side that does not get through stops, and what it passes through on the other.
        let (stopping, passing, stop_rename, pass_rename) = match change {
            Change::Opened | Change::MayOpen => (&b, &a, &sides.rename, &none),
            Change::Closed | Change::MayClose => (&a, &b, &none, &sides.rename),
            Change::Rerouted => (&None, &None, &none, &none),
        };
        if let Some(w) = stopping {
            g.stops = w.stops(&g.packets, true);
            g.candidates.extend(g.stops.iter().filter_map(|(_, r)| r.as_ref()).map(|r| renamed(stop_rename, r)));
        }
        if let Some(w) = passing {
            let (_, first) = w.paths(&g.packets, pass_rename);
            let net = w.ev.network();
            g.candidates.extend(first.iter().map(|r| renamed(pass_rename, net.name(*r))));
        }
        let mut causes = links.causes(&g.candidates, sides);
        // What remains after the change has a block to point at: it comes first.
        causes.sort_by_key(|c| sides.after.find(c).is_none_or(|id| !sides.after.res(id).present()));
        if causes.is_empty() {
            // A new or removed end explains everything about it.
            causes = [&from, &to].into_iter().filter(|e| sides.changed.contains(*e)).cloned().collect();
        }
        let (stage, at) = match g.stops.first() {
            Some((s, r)) => (Some(*s), r.as_ref().map(|r| renamed(stop_rename, r))),
            None => (None, None),
        };
        let gb = |w: &Option<Walked<'_, '_>>, p: &Option<(Vec<String>, Vec<crate::model::ResId>)>| {
            w.as_ref().zip(p.as_ref()).map(|(w, (_, ids))| w.ev.bill(&w.src.place, &w.dst.place, ids, None).usd_per_gb)
        };
        out.push(Difference {
            from: from.clone(),
            to: to.clone(),
            from_kind: src.kind,
            to_kind: dst.kind,
            change,
            usd_per_gb_before: gb(&b, &g.path_before),
            usd_per_gb_after: gb(&a, &g.path_after),
            path_before: g.path_before.map(|p| p.0).unwrap_or_default(),
            path_after: g.path_after.map(|p| p.0).unwrap_or_default(),
            services: g.services,
            causes,
            stage,
            at,
        });
    }
    out
}

/// Which changed resources modify which others (a rule its group, a route its table, an
/// association its subnet and table), from the links of both sides.
struct Members {
    by_target: BTreeMap<String, BTreeSet<String>>,
}

impl Members {
    fn new(sides: &Sides<'_>) -> Self {
        let mut by_target: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let none = BTreeMap::new();
        for (net, rename) in [(sides.before, &sides.rename), (sides.after, &none)] {
            for l in &net.links {
                let from = renamed(rename, net.name(l.from));
                if !sides.changed.contains(&from) {
                    continue;
                }
                if let Some(t) = l.link.res() {
                    by_target.entry(renamed(rename, net.name(t))).or_default().insert(from);
                }
            }
        }
        Self { by_target }
    }

    /// The changed resources among `candidates` and those that modify one of them, in natural
    /// address order, separate rules and routes (the members) first.
    fn causes(&self, candidates: &BTreeSet<String>, sides: &Sides<'_>) -> Vec<String> {
        let mut members: BTreeSet<String> = BTreeSet::new();
        let mut direct: BTreeSet<String> = BTreeSet::new();
        for c in candidates {
            if sides.changed.contains(c) {
                direct.insert(c.clone());
            }
            if let Some(m) = self.by_target.get(c) {
                members.extend(m.iter().filter(|m| !candidates.contains(*m)).cloned());
            }
        }
        let mut out: Vec<String> = members.into_iter().collect();
        out.sort_by(|a, b| crate::rules::natural_cmp(a, b));
        let mut rest: Vec<String> = direct.into_iter().filter(|d| !out.contains(d)).collect();
        rest.sort_by(|a, b| crate::rules::natural_cmp(a, b));
        out.extend(rest);
        out
    }
}

/// Merges the differences of one resource pair and change (a resource in several subnets) and
/// sorts them: internet exposure first, then by change, source and destination.
fn group(found: Vec<Difference>) -> Vec<Difference> {
    let mut merged: BTreeMap<(String, String, Change), Difference> = BTreeMap::new();
    for d in found {
        match merged.entry((d.from.clone(), d.to.clone(), d.change)) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(d);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                let m = o.get_mut();
                m.services.extend(&d.services);
                for c in d.causes {
                    if !m.causes.contains(&c) {
                        m.causes.push(c);
                    }
                }
            }
        }
    }
    let mut out: Vec<Difference> = merged.into_values().collect();
    out.sort_by(|x, y| {
        (!x.from_internet())
            .cmp(&!y.from_internet())
            .then_with(|| x.change.cmp(&y.change))
            .then_with(|| crate::rules::natural_cmp(&x.from, &y.from))
            .then_with(|| crate::rules::natural_cmp(&x.to, &y.to))
    });
    out
}
