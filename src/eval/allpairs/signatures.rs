//! Signatures of open walks (step 3 of [`super`]): the boxes of an open walk's result prepared
//! for a sweep over the subnets in address order, and per other end the interned list of (code,
//! protocol × ports) parts the walk restricted to the two ends gives.

use std::sync::OnceLock;

use super::ALONE;
use super::intern::{Af, Interner, LocalIds};
use super::layout::Layout;
use crate::eval::place::Place;
use crate::eval::prepared::{Code, Item, Prepared, Segments, Signature};
use crate::eval::reach::{Leaf, Outcome};
use crate::eval::sets::{Address, Family, IntervalSet, IpSet, PacketBox, PacketSet};
use crate::eval::walk::{Stop, StopKind};

pub(super) struct Tables {
    pub(super) afs: Interner<Af>,
    pub(super) signatures: Interner<Signature>,
}

/// The items of `parts` (`None` code: unsupported, the pairs are evaluated alone).
pub(super) fn prepare(layout: &Layout, parts: &[(Option<Code>, &PacketSet)], tables: &Tables) -> Prepared {
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
pub(super) struct Events {
    pub(super) offsets: Vec<u32>,
    pub(super) events: Vec<(bool, u32)>,
}

impl Events {
    pub(super) fn new(n: usize, runs: impl Iterator<Item = (u32, u32, u32)> + Clone) -> Self {
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
    pub(super) fn apply(&self, pos: usize, active: &mut Vec<u32>) -> bool {
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
pub(super) fn codes_may_change(layout: &Layout, pos: usize, special: &[bool], items: &[&Item], active: &[u32]) -> bool {
    if pos == 0 {
        return true;
    }
    let (idx, prev) = (layout.order[pos] as usize, layout.order[pos - 1] as usize);
    let stops = || active.iter().filter_map(|&k| items[k as usize].code);
    (layout.vpc[idx] != layout.vpc[prev] && stops().any(|c| matches!(c, Code::Local { .. })))
        || ((special[pos] || special[pos - 1]) && stops().any(|c| c.subnet().is_some()))
}

/// The signature of the active `items` at `pos`, appended to `sig`.
pub(super) fn codes_at(layout: &Layout, pos: usize, items: &[&Item], active: &[u32], sig: &mut Signature) {
    let idx = layout.order[pos] as usize;
    let (vpc, subnet) = (layout.vpc[idx], layout.subnet[idx]);
    sig.extend(active.iter().filter_map(|&k| {
        let item = items[k as usize];
        item.code.map(|code| (code.for_end(vpc, subnet), item.af))
    }));
}

/// A part's signatures alone (see [`Segments`]).
pub(super) fn segments(layout: &Layout, part: &Prepared, tables: &Tables) -> Segments {
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

pub(super) fn leaf_code(outcome: Outcome) -> Option<Code> {
    match outcome {
        Outcome::Dropped => Some(Code::Dropped),
        _ => Some(Code::Undetermined),
    }
}

pub(super) fn stop_code(stop: &Stop) -> Option<Code> {
    match stop.kind {
        _ if !stop.canonical => None,
        StopKind::Unsupported => None,
        StopKind::Local => Some(Code::Local { vpc: stop.at_vpc, subnet: stop.at_subnet }),
        StopKind::SameSubnet => Some(Code::Same { subnet: stop.at_subnet }),
    }
}

/// The parts of a walk's own result (passed leaves, which carry no packets, left out).
pub(super) fn parts_of<'a>(leaves: &'a [Leaf], stops: &'a [Stop]) -> Vec<(Option<Code>, &'a PacketSet)> {
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
pub(super) fn signature_row(
    layout: &Layout,
    own: usize,
    own_place: &Place,
    parts: &[&Prepared],
    tables: &Tables,
) -> Vec<u32> {
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
