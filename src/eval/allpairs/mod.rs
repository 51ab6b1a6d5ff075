//! All-pairs reachability: every subnet to every other subnet, to the internet and from it, all
//! protocols and ports, both legs ([`Evaluator::all_pairs`]); the same results as calling
//! [`Evaluator::reach`] with [`PacketSet::all`] for every pair (tested), with the work shared.
//!
//! 1. **Forward legs per source.** One *open* walk per subnet `s` (`walk::Open::Dst`): the
//!    ordinary walk (the same code as `reach`), from `s` to every subnet's addresses at once, up to
//!    where the packets are handed to their destination (`local` delivery, or delivery inside the
//!    subnet being left). There it stops and keeps the branch (a `walk::Stop`: VPC, subnet, packets).
//!    A route lookup, NACL, transit gateway table or peering connection splits one set for all
//!    destinations instead of running once per pair.
//! 2. **Return legs per destination.** One open walk per subnet `d` (`walk::Open::Src`) of the
//!    replies to every packet delivered to `d`, from `d` back to every subnet's addresses.
//! 3. **Signatures.** The walk is pointwise (a packet's fate never depends on the other packets of
//!    its set) and looks at the open end only where it stops, so the forward leg of the pair
//!    `(s, d)` is the open walk of `s` restricted to `d`'s addresses. When each box of it covers
//!    all of `s`'s and `d`'s addresses or none of them (checked, per pair), that restriction is a
//!    list of (outcome, protocol × ports) parts, with each stop reduced to what the rest of the
//!    walk asks of it (same VPC as `d`? `d`'s own subnet?). Lists are interned: one id per pair,
//!    found by a sweep over the subnets in address order. The same for the return leg, and for
//!    the NACLs that admit the request into `d` and the reply into `s` (rule contents, interned,
//!    and which rule parts cover the other end's addresses).
//! 4. **Classes.** Pairs with the same four ids (and address families) have the same outcome up
//!    to renaming their addresses. One pair per class is evaluated with `reach`; its sets are kept
//!    with the addresses made full (a template, checked to give back that pair's sets exactly) and
//!    restricted to each pair's addresses on demand.
//! 5. **One by one.** Pairs with a part covering only some of an end's addresses, branches through
//!    appliances or Gateway Load Balancer endpoints, NAT translations or deferred security-group
//!    references before the destination, subnets with unknown or several address ranges, and the
//!    pairs with the internet are evaluated with `reach`.

mod acl_classes;
mod intern;
mod layout;
mod signatures;

use std::hash::Hash;

use rayon::prelude::*;

use self::acl_classes::{AclClass, AclKey, acl_class};
use self::intern::{Af, Interner, LocalIds};
use self::layout::Layout;
use self::signatures::{Tables, leaf_code, parts_of, prepare, signature_row, stop_code};
use crate::eval::Evaluator;
use crate::eval::flow::{ClientPorts, LINUX_PORTS};
use crate::eval::hash::FxMap;
use crate::eval::place::{Place, PlaceKind, Tri};
use crate::eval::prepared::{Code, Prepared};
use crate::eval::reach::Verdict;
use crate::eval::route::{restrict_dst, restrict_src};
use crate::eval::sets::{Address, IntervalSet, PacketBox, PacketSet};
use crate::eval::sg::SgList;
use crate::eval::walk::{Memo, Open, Walker};
use crate::model::Val;

/// "Evaluate this pair on its own" in id tables.
const ALONE: u32 = u32::MAX;

/// One end of a pair of [`AllPairs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    /// The subnet at this index of [`AllPairs::subnets`].
    Subnet(usize),
    /// The internet.
    Internet,
}

/// What happened to every packet from one end to the other: the sets and the verdict
/// [`Evaluator::reach`] gives for [`PacketSet::all`].
#[derive(Debug, Clone)]
pub struct PairOutcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Packets that pass both legs.
    pub passed: PacketSet,
    /// Packets dropped on some branch.
    pub failed: PacketSet,
    /// Packets not dropped whose fate depends on values unknown until apply.
    pub undetermined: PacketSet,
}

/// A stored outcome: a template (addresses full, shared by a class of pairs) or one pair's sets.
#[derive(Debug, Clone)]
struct Stored {
    outcome: PairOutcome,
    template: bool,
}

/// How the work was shared (for benchmarks and docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllPairsStats {
    /// Ordered pairs with a result (subnet pairs, and each subnet to and from the internet).
    pub pairs: usize,
    /// Open walks (one forward and one return per subnet).
    pub walks: usize,
    /// Classes of subnet pairs, each evaluated once with `reach`.
    pub classes: usize,
    /// Pairs evaluated one by one with `reach` (the internet's among them).
    pub alone: usize,
}

/// Verdict counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    /// Reachable pairs.
    pub reachable: usize,
    /// Unreachable pairs.
    pub unreachable: usize,
    /// Indeterminate pairs.
    pub indeterminate: usize,
}

/// Every subnet to every other subnet and to the internet, and the internet to every subnet:
/// all protocols and ports, both legs. See the module docs.
#[derive(Debug, Clone)]
pub struct AllPairs {
    subnets: Vec<Place>,
    internet: Place,
    /// `(n + 1)²` outcome indexes, row = source, column = destination, `n` = the internet.
    cells: Vec<u32>,
    outcomes: Vec<Stored>,
    stats: AllPairsStats,
}

impl AllPairs {
    /// The subnets, in the order of [`Evaluator::subnet_ids`] ([`End::Subnet`] indexes them).
    #[must_use]
    pub fn subnets(&self) -> &[Place] {
        &self.subnets
    }

    /// The internet end.
    #[must_use]
    pub fn internet(&self) -> &Place {
        &self.internet
    }

    /// How the work was shared.
    #[must_use]
    pub fn stats(&self) -> AllPairsStats {
        self.stats
    }

    fn index(&self, end: End) -> Option<usize> {
        match end {
            End::Subnet(i) if i < self.subnets.len() => Some(i),
            End::Subnet(_) => None,
            End::Internet => Some(self.subnets.len()),
        }
    }

    fn place(&self, end: End) -> Option<&Place> {
        match end {
            End::Subnet(i) => self.subnets.get(i),
            End::Internet => Some(&self.internet),
        }
    }

    fn stored(&self, from: End, to: End) -> Option<&Stored> {
        let (i, j) = (self.index(from)?, self.index(to)?);
        let at = self.cells.get(i * (self.subnets.len() + 1) + j).copied()?;
        self.outcomes.get(at as usize)
    }

    /// The verdict from one end to another; `None` for a subnet to itself, the internet to
    /// itself, or an index out of range.
    #[must_use]
    pub fn verdict(&self, from: End, to: End) -> Option<Verdict> {
        self.stored(from, to).map(|s| s.outcome.verdict)
    }

    /// The sets and verdict from one end to another, as [`Evaluator::reach`] gives them for
    /// [`PacketSet::all`]; `None` as for [`AllPairs::verdict`].
    #[must_use]
    pub fn outcome(&self, from: End, to: End) -> Option<PairOutcome> {
        let stored = self.stored(from, to)?;
        if !stored.template {
            return Some(stored.outcome.clone());
        }
        let (src, dst) = (self.place(from)?, self.place(to)?);
        let o = &stored.outcome;
        Some(PairOutcome {
            verdict: o.verdict,
            passed: materialize(&o.passed, src, dst),
            failed: materialize(&o.failed, src, dst),
            undetermined: materialize(&o.undetermined, src, dst),
        })
    }

    /// Every pair with a result, sources first: `(from, to)`.
    pub fn pairs(&self) -> impl Iterator<Item = (End, End)> + '_ {
        let n = self.subnets.len();
        let end = move |i: usize| if i == n { End::Internet } else { End::Subnet(i) };
        (0..=n).flat_map(move |i| (0..=n).filter(move |&j| j != i).map(move |j| (end(i), end(j))))
    }

    /// How many pairs are reachable, unreachable, indeterminate.
    #[must_use]
    pub fn counts(&self) -> VerdictCounts {
        let mut c = VerdictCounts::default();
        for &at in &self.cells {
            match self.outcomes.get(at as usize).map(|s| s.outcome.verdict) {
                Some(Verdict::Reachable) => c.reachable += 1,
                Some(Verdict::Unreachable) => c.unreachable += 1,
                Some(Verdict::Indeterminate) => c.indeterminate += 1,
                None => {}
            }
        }
        c
    }
}

/// What determines a subnet pair's outcome, up to renaming addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PairKey {
    forward: u32,
    back: u32,
    into_dst: u32,
    into_src: u32,
    families: u8,
}

/// One source's pairs: a local class per destination ([`ALONE`] for none), and the distinct
/// keys with the first pair (`source × n + destination`) that has each.
type KeyRow = (Vec<u32>, Vec<(PairKey, usize)>);

fn families(a: &Place, b: &Place) -> u8 {
    u8::from(!a.addrs.v4.is_empty() && !b.addrs.v4.is_empty())
        | (u8::from(!a.addrs.v6.is_empty() && !b.addrs.v6.is_empty()) << 1)
}

/// Every box of `set` with full addresses.
fn template(set: &PacketSet) -> PacketSet {
    fn widen<A: Address>(boxes: &[PacketBox<A>]) -> Vec<PacketBox<A>> {
        boxes.iter().map(|b| PacketBox { src: IntervalSet::full(), dst: IntervalSet::full(), ..b.clone() }).collect()
    }
    let v4 = PacketSet::from_boxes(widen(set.v4_boxes()));
    let v6 = PacketSet::from_boxes(widen(set.v6_boxes()));
    v4.union(&v6)
}

/// A template's packets from `src` to `dst`.
fn materialize(set: &PacketSet, src: &Place, dst: &Place) -> PacketSet {
    restrict_dst(&restrict_src(set, &src.addrs), &dst.addrs)
}

impl Evaluator<'_> {
    /// All-pairs reachability (see [`AllPairs`] and the module docs): every subnet to every
    /// other subnet, every subnet to the internet and the internet to every subnet, all
    /// protocols and ports, both legs; the results of [`Evaluator::reach`] with
    /// [`PacketSet::all`], computed on the rayon pool with the work shared.
    #[must_use]
    pub fn all_pairs(&self) -> AllPairs {
        let subnets: Vec<Place> = self.subnet_ids().map(|s| self.subnet_place(s, None)).collect();
        let internet = self.internet_place(None);
        let n = subnets.len();
        let all = PacketSet::all();
        let layout = Layout::new(&subnets);
        // Every subnet's addresses, widened to the VPCs' blocks: the walks treat the extra
        // addresses like any other (pointwise) and only subnet addresses are looked at, while
        // sets of a few wide ranges are much cheaper than sets of thousands of subnet ranges.
        let others = self.subnets.iter().flatten().fold(self.vpc_space.clone(), |acc, s| acc.union(&s.cidr));
        let stand_in = Place {
            kind: PlaceKind::Subnet,
            res: None,
            name: "every subnet".into(),
            address: "every subnet".into(),
            subnet: None,
            vpc: None,
            addrs: others.clone(),
            addrs_note: None,
            sgs: SgList::NotApplicable,
            public_ip: Tri::No,
            client: ClientPorts::new(LINUX_PORTS, "stand-in"),
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        };
        let tables = Tables { afs: Interner::new(), signatures: Interner::new() };
        let memo = Memo::default();

        // 1-2. Open walks: forward per source, return per destination.
        let walk = |i: usize, open: Open| -> Vec<u32> {
            let own = &subnets[i];
            if layout.alone[i] {
                return vec![ALONE; n];
            }
            let (src, dst, request) = match open {
                Open::Dst => (own, &stand_in, materialize(&all, own, &stand_in)),
                _ => (&stand_in, own, materialize(&all, &stand_in, own)),
            };
            let mut w = Walker::open(self, src, dst, request, open, Some(&memo));
            if open == Open::Dst {
                w.run();
            } else {
                w.run_return();
            }
            let (leaves, stops, shared) =
                (std::mem::take(&mut w.leaves), std::mem::take(&mut w.stops), std::mem::take(&mut w.shared));
            let own_result = prepare(&layout, &parts_of(&leaves, &stops), &tables);
            let mut all_parts: Vec<&Prepared> = vec![&own_result];
            for entry in &shared {
                all_parts.push(entry.prepared.get_or_init(|| {
                    let leaves: Vec<(Option<Code>, &PacketSet)> = entry
                        .leaves
                        .iter()
                        .map(|(outcome, set)| (leaf_code(*outcome), set))
                        .chain(entry.stops.iter().map(|stop| (stop_code(stop), &stop.set)))
                        .collect();
                    prepare(&layout, &leaves, &tables)
                }));
            }
            signature_row(&layout, i, own, &all_parts, &tables)
        };
        let forward: Vec<Vec<u32>> = (0..n).into_par_iter().map(|i| walk(i, Open::Dst)).collect();
        let back: Vec<Vec<u32>> = (0..n).into_par_iter().map(|i| walk(i, Open::Src)).collect();

        // 3. NACL classes: per distinct inbound NACL content, the class of every subnet.
        let mut acl_ids: FxMap<AclKey, usize> = FxMap::default();
        let mut acl_keys: Vec<AclKey> = Vec::new();
        let acl_of: Vec<usize> = subnets
            .iter()
            .map(|p| {
                let key = self.acl_key(p.subnet);
                *acl_ids.entry(key.clone()).or_insert_with(|| {
                    acl_keys.push(key);
                    acl_keys.len() - 1
                })
            })
            .collect();
        let class_ids: Interner<(usize, AclClass)> = Interner::new();
        let classes: Vec<Vec<u32>> = acl_keys
            .par_iter()
            .enumerate()
            .map(|(k, key)| {
                let mut afs: LocalIds<Af> = LocalIds::new();
                let local: Vec<Option<AclClass>> = subnets.iter().map(|p| acl_class(key, p, &mut afs)).collect();
                let af_ids = afs.globalize(&tables.afs);
                let keyed: Vec<Option<(usize, AclClass)>> = local
                    .into_iter()
                    .map(|c| c.map(|v| (k, v.into_iter().map(|(r, w, a)| (r, w, af_ids[a as usize])).collect())))
                    .collect();
                let present: Vec<(usize, AclClass)> = keyed.iter().flatten().cloned().collect();
                let mut ids = class_ids.intern_all(present).into_iter();
                keyed.iter().map(|c| if c.is_some() { ids.next().unwrap_or(ALONE) } else { ALONE }).collect()
            })
            .collect();

        // 4. Pair keys, per source (in parallel), then one class per distinct key.
        let rows: Vec<KeyRow> = (0..n)
            .into_par_iter()
            .map(|s| {
                let mut local: FxMap<PairKey, u32> = FxMap::default();
                let mut keys: Vec<(PairKey, usize)> = Vec::new();
                let row = (0..n)
                    .map(|d| {
                        let key = PairKey {
                            forward: forward[s][d],
                            back: back[d][s],
                            into_dst: classes[acl_of[d]][s],
                            into_src: classes[acl_of[s]][d],
                            families: families(&subnets[s], &subnets[d]),
                        };
                        if s == d || [key.forward, key.back, key.into_dst, key.into_src].contains(&ALONE) {
                            return ALONE;
                        }
                        *local.entry(key).or_insert_with(|| {
                            keys.push((key, s * n + d));
                            (keys.len() - 1) as u32
                        })
                    })
                    .collect();
                (row, keys)
            })
            .collect();
        drop((forward, back));
        let mut class_of: FxMap<PairKey, u32> = FxMap::default();
        let mut representatives: Vec<usize> = Vec::new();
        let mut pair_class: Vec<Vec<u32>> = Vec::with_capacity(n);
        for (row, keys) in rows {
            let global: Vec<u32> = keys
                .into_iter()
                .map(|(key, at)| {
                    *class_of.entry(key).or_insert_with(|| {
                        representatives.push(at);
                        (representatives.len() - 1) as u32
                    })
                })
                .collect();
            pair_class.push(row.into_iter().map(|l| if l == ALONE { ALONE } else { global[l as usize] }).collect());
        }

        // 5. Each class's representative, with `reach`; kept as a template when exact.
        let class_outcomes: Vec<Option<Stored>> = representatives
            .par_iter()
            .map(|&at| {
                let (src, dst) = (&subnets[at / n], &subnets[at % n]);
                let r = self.reach(src, dst, &all);
                let outcome = PairOutcome {
                    verdict: r.verdict(),
                    passed: template(&r.passed),
                    failed: template(&r.failed),
                    undetermined: template(&r.undetermined),
                };
                let exact = materialize(&outcome.passed, src, dst) == r.passed
                    && materialize(&outcome.failed, src, dst) == r.failed
                    && materialize(&outcome.undetermined, src, dst) == r.undetermined;
                exact.then_some(Stored { outcome, template: true })
            })
            .collect();

        // 6. The rest, one by one.
        let size = n + 1;
        let mut cells = vec![ALONE; size * size];
        let mut outcomes: Vec<Stored> = Vec::new();
        let mut class_slot = vec![ALONE; class_outcomes.len()];
        for (c, o) in class_outcomes.into_iter().enumerate() {
            if let Some(o) = o {
                class_slot[c] = outcomes.len() as u32;
                outcomes.push(o);
            }
        }
        let mut alone: Vec<(usize, usize)> = Vec::new();
        for s in 0..n {
            for d in 0..n {
                if s == d {
                    continue;
                }
                let c = pair_class[s][d];
                let slot = if c == ALONE { ALONE } else { class_slot[c as usize] };
                if slot == ALONE {
                    alone.push((s, d));
                } else {
                    cells[s * size + d] = slot;
                }
            }
            alone.push((s, n));
            alone.push((n, s));
        }
        let place = |i: usize| if i == n { &internet } else { &subnets[i] };
        let computed: Vec<Stored> = alone
            .par_iter()
            .map(|&(s, d)| {
                let r = self.reach(place(s), place(d), &all);
                let outcome = PairOutcome {
                    verdict: r.verdict(),
                    passed: r.passed,
                    failed: r.failed,
                    undetermined: r.undetermined,
                };
                Stored { outcome, template: false }
            })
            .collect();
        for (&(s, d), o) in alone.iter().zip(computed) {
            cells[s * size + d] = outcomes.len() as u32;
            outcomes.push(o);
        }
        let stats =
            AllPairsStats { pairs: n * n + n, walks: 2 * n, classes: representatives.len(), alone: alone.len() };
        AllPairs { subnets, internet, cells, outcomes, stats }
    }
}

#[cfg(test)]
pub(crate) mod tests;
