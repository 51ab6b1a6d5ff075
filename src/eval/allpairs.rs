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

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use super::Evaluator;
use super::flow::{ClientPorts, LINUX_PORTS};
use super::nacl::{AclRules, Direction};
use super::place::{Place, PlaceKind, Tri};
use super::reach::{Leaf, Outcome, Verdict};
use super::route::{restrict_dst, restrict_src};
use super::sets::{
    Address, Family, IntervalSet, IpSet, PacketBox, PacketSet, PortSet, ProtoSet, Unsigned, V4Box, V6Box,
};
use super::sg::SgList;
use super::walk::{Memo, Open, Stop, StopKind, Walker};
use crate::model::{Link, ResId, Val};

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

// ---- hashing and interning -----------------------------------------------------------------

/// A fast, non-cryptographic hasher (FxHash's mixing) for the interning tables: keys come from
/// the evaluator, not from an adversary, and the tables are hot.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Gives equal keys equal ids, across threads (one lock per batch of keys).
struct Interner<K> {
    map: Mutex<FxMap<K, u32>>,
}

impl<K: Hash + Eq> Interner<K> {
    fn new() -> Self {
        Self { map: Mutex::new(FxMap::default()) }
    }

    fn intern_all(&self, keys: Vec<K>) -> Vec<u32> {
        let mut map = match self.map.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        keys.into_iter()
            .map(|k| {
                let next = map.len() as u32;
                *map.entry(k).or_insert(next)
            })
            .collect()
    }
}

/// Local ids for keys, then global ones in one batch.
struct LocalIds<K> {
    map: FxMap<K, u32>,
    keys: Vec<K>,
}

impl<K: Hash + Eq + Clone> LocalIds<K> {
    fn new() -> Self {
        Self { map: FxMap::default(), keys: Vec::new() }
    }

    fn id(&mut self, key: K) -> u32 {
        if let Some(&id) = self.map.get(&key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.map.insert(key, id);
        id
    }

    fn globalize(self, interner: &Interner<K>) -> Vec<u32> {
        interner.intern_all(self.keys)
    }
}

impl<T: Hash + Eq + Clone> LocalIds<Vec<T>> {
    /// [`LocalIds::id`] of a slice, allocating only for a new key.
    fn id_of(&mut self, key: &[T]) -> u32 {
        if let Some(&id) = self.map.get(key) {
            return id;
        }
        self.id(key.to_vec())
    }
}

/// The protocol × ports part of a box (its addresses dropped).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Af {
    v6: bool,
    protocols: ProtoSet,
    a: PortSet,
    b: PortSet,
}

impl Af {
    fn of<A: Address>(b: &PacketBox<A>) -> Self {
        Self { v6: A::FAMILY == Family::V6, protocols: b.protocols.clone(), a: b.a.clone(), b: b.b.clone() }
    }
}

// ---- the subnets in address order ------------------------------------------------------------

/// Where each subnet's addresses lie, per family, for finding the subnets a box covers.
struct FamIndex {
    /// `(lo, hi, position)`, sorted by `lo`.
    ranges: Vec<(u128, u128, u32)>,
    /// The widest range (`hi - lo`).
    widest: u128,
}

impl FamIndex {
    /// Pushes the positions of the subnets `set` covers whole onto `full`, and of those it
    /// covers in part onto `partial`.
    fn cover<A: Unsigned>(&self, set: &IntervalSet<A>, full: &mut Vec<u32>, partial: &mut Vec<u32>) {
        for (a, b) in set.ranges() {
            let (a, b) = (a.to_u128(), b.to_u128());
            let start = self.ranges.partition_point(|r| r.0 < a.saturating_sub(self.widest));
            for &(lo, hi, pos) in &self.ranges[start..] {
                if lo > b {
                    break;
                }
                if hi < a {
                    continue;
                }
                if lo >= a && hi <= b { full.push(pos) } else { partial.push(pos) }
            }
        }
    }
}

/// The subnets of the batch.
struct Layout {
    /// Subnet indexes by position (address order).
    order: Vec<u32>,
    /// Per family (v4, v6).
    fams: [FamIndex; 2],
    /// Per subnet index: pairs are evaluated one by one (no address, or several ranges).
    alone: Vec<bool>,
    /// Per subnet index.
    vpc: Vec<Option<ResId>>,
    subnet: Vec<Option<ResId>>,
    /// Position of a subnet resource.
    pos_of: FxMap<ResId, u32>,
}

impl Layout {
    fn new(places: &[Place]) -> Self {
        let n = places.len();
        let first =
            |p: &Place| (p.addrs.v4.first().map_or(u128::MAX, u128::from), p.addrs.v6.first().unwrap_or(u128::MAX));
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| first(&places[i as usize]));
        let mut pos = vec![0u32; n];
        for (p, &i) in order.iter().enumerate() {
            pos[i as usize] = p as u32;
        }
        let alone: Vec<bool> = places
            .iter()
            .map(|p| p.addrs.is_empty() || p.addrs.v4.range_count() > 1 || p.addrs.v6.range_count() > 1)
            .collect();
        let fam = |v6: bool| {
            let mut ranges: Vec<(u128, u128, u32)> = Vec::new();
            for (i, p) in places.iter().enumerate() {
                if alone[i] {
                    continue;
                }
                let r = if v6 {
                    p.addrs.v6.ranges().next()
                } else {
                    p.addrs.v4.ranges().next().map(|(lo, hi)| (u128::from(lo), u128::from(hi)))
                };
                if let Some((lo, hi)) = r {
                    ranges.push((lo, hi, pos[i]));
                }
            }
            ranges.sort_unstable();
            let widest = ranges.iter().map(|r| r.1 - r.0).max().unwrap_or(0);
            FamIndex { ranges, widest }
        };
        let fams = [fam(false), fam(true)];
        let pos_of = places.iter().enumerate().filter_map(|(i, p)| p.subnet.map(|s| (s, pos[i]))).collect();
        Self {
            order,
            fams,
            alone,
            vpc: places.iter().map(|p| p.vpc).collect(),
            subnet: places.iter().map(|p| p.subnet).collect(),
            pos_of,
        }
    }

    fn n(&self) -> usize {
        self.order.len()
    }
}

// ---- signatures of open walks ----------------------------------------------------------------

/// What a part of an open walk is, before the other end is known.
#[derive(Debug, Clone, Copy)]
enum Code {
    Dropped,
    Undetermined,
    Local { vpc: Option<ResId>, subnet: Option<ResId> },
    Same { subnet: Option<ResId> },
}

impl Code {
    /// The part's code for the other end `(vpc, subnet)`: only what the rest of the walk asks
    /// (`local` compares the VPCs, `enter` skips the NACL inside the same subnet, same-subnet
    /// delivery needs the owner to be that subnet).
    fn for_end(self, vpc: Option<ResId>, subnet: Option<ResId>) -> u8 {
        let same_subnet = |s: Option<ResId>| s.is_some() && s == subnet;
        match self {
            Code::Dropped => 0,
            Code::Undetermined => 1,
            Code::Local { vpc: v, subnet: s } => 2 + u8::from(v == vpc) + 2 * u8::from(same_subnet(s)),
            Code::Same { subnet: s } => 6 + u8::from(same_subnet(s)),
        }
    }

    fn subnet(self) -> Option<ResId> {
        match self {
            Code::Local { subnet, .. } | Code::Same { subnet } => subnet,
            _ => None,
        }
    }
}

/// A signature: the parts of a pair's leg, as (code, protocol × ports id), sorted.
type Signature = Vec<(u8, u32)>;

struct Tables {
    afs: Interner<Af>,
    signatures: Interner<Signature>,
}

/// A box of an open walk's result, ready for the sweep: its code, protocol × ports id, source
/// addresses (one family), and the subnets its destinations cover whole (runs of positions) or
/// in part.
#[derive(Debug)]
struct Item {
    code: Option<Code>,
    af: u32,
    src: IpSet,
    /// Every source address of its family (it applies to any source).
    src_full: bool,
    runs: Vec<(u32, u32)>,
    partial: Vec<u32>,
}

/// The items of a walk's result (or of a shared sub-walk's), computed once.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    items: Vec<Item>,
    /// Positions of the subnets stops were in (the code may differ there).
    special: Vec<u32>,
    /// Its signatures on their own (every item applying), by runs of positions; once.
    segments: OnceLock<Segments>,
    /// Every item applies to any source (a shared sub-walk's abstract packets).
    any_source: bool,
    /// Then: the positions its items make `ALONE` (in part covered, or unsupported), as runs.
    alone: Vec<(u32, u32)>,
}

/// A part's signatures alone: `(start, end, content)` runs of positions, the contents, and their
/// global ids.
#[derive(Debug, Default)]
struct Segments {
    runs: Vec<(u32, u32, u32)>,
    contents: Vec<Signature>,
    ids: Vec<u32>,
}

/// The items of `parts` (`None` code: unsupported, the pairs are evaluated alone).
fn prepare(layout: &Layout, parts: &[(Option<Code>, &PacketSet)], tables: &Tables) -> Prepared {
    fn boxes<A: Address>(
        layout: &Layout,
        code: Option<Code>,
        boxes: &[PacketBox<A>],
        afs: &mut LocalIds<Af>,
        items: &mut Vec<Item>,
    ) {
        let fam = &layout.fams[usize::from(A::FAMILY == Family::V6)];
        let (mut full, mut partial) = (Vec::new(), Vec::new());
        for b in boxes {
            full.clear();
            partial.clear();
            fam.cover(&b.dst, &mut full, &mut partial);
            if full.is_empty() && partial.is_empty() {
                continue;
            }
            full.sort_unstable();
            let mut runs: Vec<(u32, u32)> = Vec::new();
            for &p in &full {
                match runs.last_mut() {
                    Some(last) if last.1 == p => last.1 = p + 1,
                    _ => runs.push((p, p + 1)),
                }
            }
            items.push(Item {
                code,
                af: afs.id(Af::of(b)),
                src: A::into_ip_set(b.src.clone()),
                src_full: b.src.is_full(),
                runs,
                partial: partial.clone(),
            });
        }
    }
    let mut afs: LocalIds<Af> = LocalIds::new();
    let mut items = Vec::new();
    let mut special = Vec::new();
    for (code, set) in parts {
        if let Some(&p) = code.and_then(Code::subnet).and_then(|s| layout.pos_of.get(&s)) {
            special.push(p);
        }
        boxes(layout, *code, set.v4_boxes(), &mut afs, &mut items);
        boxes(layout, *code, set.v6_boxes(), &mut afs, &mut items);
    }
    let ids = afs.globalize(&tables.afs);
    for item in &mut items {
        item.af = ids[item.af as usize];
    }
    let any_source = items.iter().all(|i| i.src_full);
    let mut alone: Vec<(u32, u32)> = Vec::new();
    if any_source {
        for item in &items {
            alone.extend(item.partial.iter().map(|&p| (p, p + 1)));
            if item.code.is_none() {
                alone.extend_from_slice(&item.runs);
            }
        }
    }
    Prepared { items, special, segments: OnceLock::new(), any_source, alone }
}

/// Starts and ends of runs of positions, by position (a counting sort): `(start?, index)`.
struct Events {
    offsets: Vec<u32>,
    events: Vec<(bool, u32)>,
}

impl Events {
    fn new(n: usize, runs: impl Iterator<Item = (u32, u32, u32)> + Clone) -> Self {
        let mut offsets = vec![0u32; n + 2];
        for (a, b, _) in runs.clone() {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut events = vec![(false, 0u32); offsets[n + 1] as usize];
        let mut fill = offsets.clone();
        for (a, b, k) in runs {
            events[fill[a as usize] as usize] = (true, k);
            fill[a as usize] += 1;
            events[fill[b as usize] as usize] = (false, k);
            fill[b as usize] += 1;
        }
        Self { offsets, events }
    }

    /// Applies the events at `pos` to `active`; true when there were some.
    #[inline]
    fn apply(&self, pos: usize, active: &mut Vec<u32>) -> bool {
        let (from, to) = (self.offsets[pos] as usize, self.offsets[pos + 1] as usize);
        if from == to {
            return false;
        }
        let here = &self.events[from..to];
        for &(_, k) in here.iter().filter(|e| !e.0) {
            if let Some(i) = active.iter().position(|&a| a == k) {
                active.swap_remove(i);
            }
        }
        active.extend(here.iter().filter(|e| e.0).map(|e| e.1));
        !here.is_empty()
    }
}

/// Whether the codes of `items` may differ between position `pos` and the one before: another
/// VPC (for `local` stops) or a subnet some stop was in.
fn codes_may_change(layout: &Layout, pos: usize, special: &[bool], items: &[&Item], active: &[u32]) -> bool {
    if pos == 0 {
        return true;
    }
    let (idx, prev) = (layout.order[pos] as usize, layout.order[pos - 1] as usize);
    let stops = || active.iter().filter_map(|&k| items[k as usize].code);
    (layout.vpc[idx] != layout.vpc[prev] && stops().any(|c| matches!(c, Code::Local { .. })))
        || ((special[pos] || special[pos - 1]) && stops().any(|c| c.subnet().is_some()))
}

/// The signature of the active `items` at `pos`, appended to `sig`.
fn codes_at(layout: &Layout, pos: usize, items: &[&Item], active: &[u32], sig: &mut Signature) {
    let idx = layout.order[pos] as usize;
    let (vpc, subnet) = (layout.vpc[idx], layout.subnet[idx]);
    sig.extend(active.iter().filter_map(|&k| {
        let item = items[k as usize];
        item.code.map(|code| (code.for_end(vpc, subnet), item.af))
    }));
}

/// A part's signatures alone (see [`Segments`]).
fn segments(layout: &Layout, part: &Prepared, tables: &Tables) -> Segments {
    let n = layout.n();
    let items: Vec<&Item> = part.items.iter().filter(|i| i.code.is_some()).collect();
    let mut special = vec![false; n];
    for &p in &part.special {
        special[p as usize] = true;
    }
    let runs = items.iter().enumerate().flat_map(|(k, i)| i.runs.iter().map(move |&(a, b)| (a, b, k as u32)));
    let lo = runs.clone().map(|r| r.0).min().unwrap_or(0) as usize;
    let hi = runs.clone().map(|r| r.1).max().unwrap_or(0) as usize;
    let events = Events::new(n, runs);
    let mut contents: LocalIds<Signature> = LocalIds::new();
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    let mut active: Vec<u32> = Vec::new();
    let mut sig: Signature = Vec::new();
    let mut current: Option<u32> = None;
    for pos in lo..hi {
        let changed = events.apply(pos, &mut active);
        if active.is_empty() {
            current = None;
            continue;
        }
        if changed || current.is_none() || codes_may_change(layout, pos, &special, &items, &active) {
            sig.clear();
            codes_at(layout, pos, &items, &active, &mut sig);
            sig.sort_unstable();
            sig.dedup();
            current = Some(contents.id_of(&sig));
        }
        let c = current.unwrap_or(0);
        match out.last_mut() {
            Some(last) if last.1 as usize == pos && last.2 == c => last.1 += 1,
            _ => out.push((pos as u32, pos as u32 + 1, c)),
        }
    }
    let list = contents.keys.clone();
    Segments { runs: out, ids: contents.globalize(&tables.signatures), contents: list }
}

fn leaf_code(outcome: Outcome) -> Option<Code> {
    match outcome {
        Outcome::Dropped => Some(Code::Dropped),
        _ => Some(Code::Undetermined),
    }
}

fn stop_code(stop: &Stop) -> Option<Code> {
    match stop.kind {
        _ if !stop.canonical => None,
        StopKind::Unsupported => None,
        StopKind::Local => Some(Code::Local { vpc: stop.at_vpc, subnet: stop.at_subnet }),
        StopKind::SameSubnet => Some(Code::Same { subnet: stop.at_subnet }),
    }
}

/// The parts of a walk's own result (passed leaves, which carry no packets, left out).
fn parts_of<'a>(leaves: &'a [Leaf], stops: &'a [Stop]) -> Vec<(Option<Code>, &'a PacketSet)> {
    leaves
        .iter()
        .filter(|l| l.outcome != Outcome::Passed)
        .map(|l| (leaf_code(l.outcome), &l.packets))
        .chain(stops.iter().map(|stop| (stop_code(stop), &stop.set)))
        .collect()
}

/// The row of signature ids of one open walk (its own result and the shared sub-walks it
/// took): per other subnet (by index), the id of the walk restricted to the two ends'
/// addresses, or [`ALONE`].
///
/// A part whose items all apply to the own end's addresses whole (shared sub-walks: any source)
/// contributes its precomputed [`Segments`]; where one part alone covers a subnet, its segment's
/// id is the signature. Other parts' items are swept here.
#[inline(never)]
fn signature_row(layout: &Layout, own: usize, own_place: &Place, parts: &[&Prepared], tables: &Tables) -> Vec<u32> {
    let n = layout.n();
    let mut alone = vec![false; n];
    let mut special = vec![false; n];
    let mut loose: Vec<&Item> = Vec::new();
    let mut segs: Vec<&Segments> = Vec::new();
    let own_v4 = IpSet { v4: own_place.addrs.v4.clone(), v6: IntervalSet::empty() };
    let own_v6 = IpSet { v4: IntervalSet::empty(), v6: own_place.addrs.v6.clone() };
    for part in parts {
        if part.any_source {
            for &(a, b) in &part.alone {
                alone[a as usize..b as usize].fill(true);
            }
            segs.push(part.segments.get_or_init(|| segments(layout, part, tables)));
            continue;
        }
        let mut clean = true;
        let mut whole_items: Vec<&Item> = Vec::new();
        for item in &part.items {
            let own = if item.src.v6.is_empty() { &own_v4 } else { &own_v6 };
            // Restricted to the own end's addresses: all of the box, none of it, or some.
            let whole = item.src_full || own.is_subset(&item.src);
            if !whole && (own.is_empty() || !own.intersects(&item.src)) {
                clean &= item.code.is_none();
                continue;
            }
            for &p in &item.partial {
                alone[p as usize] = true;
            }
            if !whole || item.code.is_none() {
                clean &= item.code.is_none();
                for &(a, b) in &item.runs {
                    alone[a as usize..b as usize].fill(true);
                }
                continue;
            }
            whole_items.push(item);
        }
        if clean {
            segs.push(part.segments.get_or_init(|| segments(layout, part, tables)));
        } else {
            for &p in &part.special {
                special[p as usize] = true;
            }
            loose.extend(whole_items);
        }
    }
    let seg_list: Vec<(&Segments, usize)> =
        segs.iter().flat_map(|seg| (0..seg.runs.len()).map(move |r| (*seg, r))).collect();
    let seg_runs = seg_list.iter().enumerate().map(|(k, (seg, r))| (seg.runs[*r].0, seg.runs[*r].1, k as u32));
    let seg_events = Events::new(n, seg_runs);
    let item_runs = loose.iter().enumerate().flat_map(|(k, i)| i.runs.iter().map(move |&(a, b)| (a, b, k as u32)));
    let item_events = Events::new(n, item_runs);

    // Ids: global ones from segments, local ones (tagged) for what is assembled here.
    const LOCAL: u64 = 1 << 32;
    let mut signatures: LocalIds<Signature> = LocalIds::new();
    let mut local_row = vec![u64::MAX; n];
    let mut active_segs: Vec<u32> = Vec::new();
    let mut active: Vec<u32> = Vec::new();
    let mut sig: Signature = Vec::new();
    let mut current = u64::MAX;
    for (pos, &pos_alone) in alone.iter().enumerate() {
        let idx = layout.order[pos] as usize;
        let mut dirty = seg_events.apply(pos, &mut active_segs) | item_events.apply(pos, &mut active);
        dirty |=
            current == u64::MAX || (!active.is_empty() && codes_may_change(layout, pos, &special, &loose, &active));
        if dirty {
            let seg = |k: u32| {
                let (seg, r) = seg_list[k as usize];
                let c = seg.runs[r].2 as usize;
                (&seg.contents[c], seg.ids[c])
            };
            current = match (active_segs.as_slice(), active.is_empty()) {
                ([one], true) => u64::from(seg(*one).1),
                _ => {
                    sig.clear();
                    for &k in &active_segs {
                        sig.extend_from_slice(seg(k).0);
                    }
                    codes_at(layout, pos, &loose, &active, &mut sig);
                    sig.sort_unstable();
                    sig.dedup();
                    LOCAL | u64::from(signatures.id_of(&sig))
                }
            };
        }
        if !pos_alone && idx != own && !layout.alone[idx] {
            local_row[idx] = current;
        }
    }
    let ids = signatures.globalize(&tables.signatures);
    local_row
        .iter()
        .map(|&l| match l {
            u64::MAX => ALONE,
            l if l & LOCAL != 0 => ids[(l & 0xFFFF_FFFF) as usize],
            l => l as u32,
        })
        .collect()
}

// ---- NACL classes ----------------------------------------------------------------------------

/// One NACL rule's certain and possible matches, per family.
type RuleParts = [(Vec<V4Box>, Vec<V6Box>); 2];

/// The rule parts (rule, certain or possible, protocol × ports id) that cover an address range.
type AclClass = Vec<(u32, u8, u32)>;

/// What decides the packets entering a subnet: its inbound NACL rules, by content, or nothing
/// known (everything undetermined).
#[derive(Clone, PartialEq, Eq, Hash)]
enum AclKey {
    Undetermined,
    Rules(Vec<(Option<bool>, RuleParts)>),
}

impl Evaluator<'_> {
    /// The inbound NACL of `subnet`, by content: what `Walker::nacl` would apply.
    fn acl_key(&self, subnet: Option<ResId>) -> AclKey {
        let Some(info) = subnet.and_then(|s| self.subnet(s)) else { return AclKey::Undetermined };
        let Link::To(acl, _) = &info.acl else { return AclKey::Undetermined };
        let Some(acl) = self.acl(*acl) else { return AclKey::Undetermined };
        match acl.rules(Direction::Ingress) {
            AclRules::Unknown(_) => AclKey::Undetermined,
            AclRules::Known(entries) => AclKey::Rules(
                entries
                    .iter()
                    .map(|e| {
                        let parts = |s: &PacketSet| (s.v4_boxes().to_vec(), s.v6_boxes().to_vec());
                        (e.allow, [parts(&e.matches), parts(&e.maybe)])
                    })
                    .collect(),
            ),
        }
    }
}

/// The class of the packets from `other` under inbound rules `key`: which rule parts cover its
/// addresses whole (`None` when one covers them in part, or looks at the destination).
fn acl_class(key: &AclKey, other: &Place, afs: &mut LocalIds<Af>) -> Option<AclClass> {
    fn part<A: Address>(
        boxes: &[PacketBox<A>],
        other: &Place,
        rule: u32,
        which: u8,
        out: &mut Vec<(u32, u8, u32)>,
        afs: &mut LocalIds<Af>,
    ) -> bool {
        let mine = A::part(&other.addrs);
        for b in boxes {
            if !b.dst.is_full() {
                return false;
            }
            if mine.is_empty() || !mine.intersects(&b.src) {
                continue;
            }
            if !mine.is_subset(&b.src) {
                return false;
            }
            out.push((rule, which, afs.id(Af::of(b))));
        }
        true
    }
    let AclKey::Rules(rules) = key else { return Some(Vec::new()) };
    let mut out = Vec::new();
    for (i, (_, parts)) in rules.iter().enumerate() {
        for (which, (v4, v6)) in parts.iter().enumerate() {
            let ok = part(v4, other, i as u32, which as u8, &mut out, afs)
                && part(v6, other, i as u32, which as u8, &mut out, afs);
            if !ok {
                return None;
            }
        }
    }
    Some(out)
}

// ---- classes of pairs ------------------------------------------------------------------------

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
