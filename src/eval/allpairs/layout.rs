//! The subnets of a batch in address order: where each one's addresses lie, per family, to find
//! the subnets a box of packets covers whole or in part; which are evaluated one by one.

use crate::eval::hash::FxMap;
use crate::eval::place::Place;
use crate::eval::sets::{IntervalSet, Unsigned};
use crate::model::ResId;

/// Where each subnet's addresses lie, per family, for finding the subnets a box covers.
pub(super) struct FamIndex {
    /// `(lo, hi, position)`, sorted by `lo`.
    pub(super) ranges: Vec<(u128, u128, u32)>,
    /// The widest range (`hi - lo`).
    pub(super) widest: u128,
}

impl FamIndex {
    /// Pushes the positions of the subnets `set` covers whole onto `full`, and of those it
    /// covers in part onto `partial`.
    pub(super) fn cover<A: Unsigned>(&self, set: &IntervalSet<A>, full: &mut Vec<u32>, partial: &mut Vec<u32>) {
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
pub(super) struct Layout {
    /// Subnet indexes by position (address order).
    pub(super) order: Vec<u32>,
    /// Per family (v4, v6).
    pub(super) fams: [FamIndex; 2],
    /// Per subnet index: pairs are evaluated one by one (no address, or several ranges).
    pub(super) alone: Vec<bool>,
    /// Per subnet index.
    pub(super) vpc: Vec<Option<ResId>>,
    pub(super) subnet: Vec<Option<ResId>>,
    /// Position of a subnet resource.
    pub(super) pos_of: FxMap<ResId, u32>,
}

impl Layout {
    pub(super) fn new(places: &[Place]) -> Self {
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

    pub(super) fn n(&self) -> usize {
        self.order.len()
    }
}
