//! Memoised sub-walks: what a transit gateway egress walk of an open walk depends on (its key),
//! its result (leaves and stops for packets from any source), and the table the open walks of one
//! all-pairs batch share across threads.

use std::sync::{Arc, Mutex, OnceLock};

use super::{Branch, Crossing, Open, Stop, Walker};
use crate::eval::place::Tri;
use crate::eval::reach::{Leg, Outcome};
use crate::eval::sets::{Address, IpSet, PacketBox, PacketSet, V4Box, V6Box};
use crate::model::ResId;

/// What a transit gateway egress sub-walk of an open walk depends on besides its packets'
/// source addresses: the walk's kind, the branch's state, the places' public IPs, and the
/// packets with their source addresses made full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MemoKey {
    pub(super) open: u8,
    pub(super) leg: Leg,
    pub(super) attachment: ResId,
    pub(super) az: Option<Arc<str>>,
    pub(super) depth: u32,
    pub(super) routed: Vec<(ResId, Leg)>,
    pub(super) crossings: Vec<Crossing>,
    pub(super) public_ips: [Tri; 2],
    pub(super) v4: Vec<V4Box>,
    pub(super) v6: Vec<V6Box>,
}

/// The result of one memoised sub-walk, for packets from any source: its leaves (outcome and
/// packets) and stops, every set with the source addresses of the abstract packets.
#[derive(Debug)]
pub(crate) struct MemoEntry {
    pub leaves: Vec<(Outcome, PacketSet)>,
    pub stops: Vec<Stop>,
    /// What the all-pairs batch derives from it, once.
    pub prepared: OnceLock<crate::eval::prepared::Prepared>,
}

/// Sub-walks shared by the open walks of one all-pairs batch, across threads.
///
/// An open walk from `s` enters a transit gateway attachment with packets `s × D × P` (`D`
/// destinations, `P` protocols and ports); what happens from there on is the same for any
/// source with the same branch state, so it is walked once for `any × D × P` and each walk
/// keeps a reference. The walk is pointwise (a packet's fate never depends on the others), so
/// the entry restricted to `s`'s addresses is exactly what `s`'s own sub-walk would give.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    pub(super) map: Mutex<crate::eval::hash::FxMap<MemoKey, Arc<MemoEntry>>>,
}

impl Memo {
    pub(super) fn get(&self, key: &MemoKey) -> Option<Arc<MemoEntry>> {
        match self.map.lock() {
            Ok(m) => m.get(key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(key).cloned(),
        }
    }

    /// Stores `entry` unless another thread stored one first; returns the stored one.
    pub(super) fn put(&self, key: MemoKey, entry: MemoEntry) -> Arc<MemoEntry> {
        let mut map = match self.map.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(key).or_insert_with(|| Arc::new(entry)).clone()
    }
}

impl<'e, 'n> Walker<'e, 'n> {
    /// The memo key of a transit gateway egress sub-walk, when it may be shared: an open walk,
    /// a plain branch (no translation, appliance or deferred reference), and packets whose
    /// source addresses are all of the walk's own end's.
    pub(super) fn memo_key(&self, b: &Branch, attachment: ResId) -> Option<MemoKey> {
        self.memo?;
        if self.in_memo
            || self.open == Open::Closed
            || !b.frames.is_empty()
            || !b.egress_refs.is_empty()
            || !b.fwd_appliances.is_empty()
            || !b.ret_appliances.is_empty()
        {
            return None;
        }
        let own = match self.open {
            Open::Src => &self.dst.addrs,
            _ => &self.src.addrs,
        };
        fn widen<A: Address>(boxes: &[PacketBox<A>], own: &IpSet) -> Option<Vec<PacketBox<A>>> {
            let own = A::part(own);
            boxes
                .iter()
                .map(|b| {
                    (b.src == *own).then(|| PacketBox { src: crate::eval::sets::IntervalSet::full(), ..b.clone() })
                })
                .collect()
        }
        Some(MemoKey {
            open: self.open as u8,
            leg: b.leg,
            attachment,
            az: b.az.clone(),
            depth: b.depth,
            routed: b.routed.iter().map(|(t, leg, _)| (*t, *leg)).collect(),
            crossings: b.crossings.clone(),
            public_ips: [self.src.public_ip.clone(), self.dst.public_ip.clone()],
            v4: widen(b.set.v4_boxes(), own)?,
            v6: widen(b.set.v6_boxes(), own)?,
        })
    }
}
