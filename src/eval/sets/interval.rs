//! Sets of unsigned integers stored as sorted, disjoint, non-adjacent inclusive ranges.
//!
//! Every dimension of a packet set (ports, ICMP type/code, protocol numbers, IPv4 and IPv6
//! addresses) is one of these. All set operations are merges over the two range lists: they cost
//! `O(n + m)` in the number of ranges, never a loop over values.

use smallvec::{SmallVec, smallvec};
use std::fmt;
use std::hash::Hash;

mod sealed {
    pub trait Sealed {}
}

/// An unsigned integer type an [`IntervalSet`] can hold: `u8`, `u16`, `u32`, `u64` or `u128`.
///
/// Sealed: the set algebra relies on the exact bounds and widths of these types.
pub trait Unsigned: sealed::Sealed + Copy + Ord + Hash + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The smallest value (`0`).
    const MIN: Self;
    /// The largest value.
    const MAX: Self;
    /// The width in bits.
    const BITS: u32;

    /// `self + 1`, or `None` at [`Unsigned::MAX`].
    fn succ(self) -> Option<Self>;
    /// `self - 1`, or `None` at [`Unsigned::MIN`].
    fn pred(self) -> Option<Self>;
    /// The value widened to `u128`.
    fn to_u128(self) -> u128;
    /// The value of `v`, which must fit (callers only pass values derived from `Self`).
    fn from_u128_lossy(v: u128) -> Self;
}

macro_rules! impl_unsigned {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Unsigned for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            const BITS: u32 = <$t>::BITS;

            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }
            fn pred(self) -> Option<Self> {
                self.checked_sub(1)
            }
            fn to_u128(self) -> u128 {
                u128::from(self)
            }
            fn from_u128_lossy(v: u128) -> Self {
                v as $t
            }
        }
    )*};
}
impl_unsigned!(u8, u16, u32, u64, u128);

/// Range storage: most sets in the evaluator hold one or two ranges, kept inline (no heap).
type Ranges<T> = SmallVec<[(T, T); 2]>;

/// A set of values of `T`, kept as sorted, disjoint, non-adjacent inclusive ranges `[lo, hi]`.
///
/// The representation is canonical (overlapping and adjacent ranges are always merged), so the
/// derived `Eq`, `Hash` and `Ord` compare sets by their members. `Ord` is an arbitrary but total
/// order, used to sort boxes of a packet set deterministically.
///
/// `Display` prints `22, 1024-65535` (and `none` for the empty set).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntervalSet<T: Unsigned> {
    ranges: Ranges<T>,
}

impl<T: Unsigned> Default for IntervalSet<T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: Unsigned> IntervalSet<T> {
    /// The set with no values.
    #[must_use]
    pub fn empty() -> Self {
        Self { ranges: Ranges::new() }
    }

    /// The set of every value of `T`.
    #[must_use]
    pub fn full() -> Self {
        Self { ranges: smallvec![(T::MIN, T::MAX)] }
    }

    /// The values `lo..=hi`; empty when `lo > hi`.
    #[must_use]
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi { Self::empty() } else { Self { ranges: smallvec![(lo, hi)] } }
    }

    /// The set holding only `v`.
    #[must_use]
    pub fn single(v: T) -> Self {
        Self { ranges: smallvec![(v, v)] }
    }

    /// The union of arbitrary inclusive ranges `(lo, hi)`, in any order, overlapping or not;
    /// pairs with `lo > hi` are ignored. `O(n log n)`.
    #[must_use]
    pub fn from_ranges(ranges: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut sorted: Vec<(T, T)> = ranges.into_iter().filter(|(lo, hi)| lo <= hi).collect();
        sorted.sort_unstable();
        let mut out = Ranges::with_capacity(sorted.len());
        for (lo, hi) in sorted {
            push_merging(&mut out, lo, hi);
        }
        Self { ranges: out }
    }

    /// True when the set has no values.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// True when the set holds every value of `T`.
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.ranges.as_slice() == [(T::MIN, T::MAX)]
    }

    /// True when `v` is in the set. `O(log n)`.
    #[must_use]
    pub fn contains(&self, v: T) -> bool {
        let i = self.ranges.partition_point(|&(_, hi)| hi < v);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= v)
    }

    /// The ranges `(lo, hi)`, inclusive, ascending, disjoint and non-adjacent.
    pub fn ranges(&self) -> impl ExactSizeIterator<Item = (T, T)> + '_ {
        self.ranges.iter().copied()
    }

    /// The number of ranges (not of values; see [`IntervalSet::count`]).
    #[must_use]
    pub fn range_count(&self) -> usize {
        self.ranges.len()
    }

    /// The smallest value, if any.
    #[must_use]
    pub fn first(&self) -> Option<T> {
        self.ranges.first().map(|&(lo, _)| lo)
    }

    /// The largest value, if any.
    #[must_use]
    pub fn last(&self) -> Option<T> {
        self.ranges.last().map(|&(_, hi)| hi)
    }

    /// The number of values. Saturates at `u128::MAX`, which only a `u128` set of all
    /// 2<sup>128</sup> values (or all but one of them) reaches; use [`IntervalSet::is_full`] to
    /// tell those apart.
    #[must_use]
    pub fn count(&self) -> u128 {
        self.ranges.iter().fold(0u128, |total, &(lo, hi)| {
            let width = (hi.to_u128() - lo.to_u128()).saturating_add(1);
            total.saturating_add(width)
        })
    }

    /// The values in `self` or in `other`. `O(n + m)`.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out = Ranges::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        loop {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) if x.0 <= y.0 => {
                    i += 1;
                    x
                }
                (_, Some(&y)) => {
                    j += 1;
                    y
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, None) => break,
            };
            push_merging(&mut out, next.0, next.1);
        }
        Self { ranges: out }
    }

    /// The values in both `self` and `other`. `O(n + m)`.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out = Ranges::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (a.get(i), b.get(j)) {
            let lo = alo.max(blo);
            let hi = ahi.min(bhi);
            if lo <= hi {
                out.push((lo, hi));
            }
            if ahi < bhi {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self { ranges: out }
    }

    /// The values in `self` but not in `other`. `O(n + m)`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        let b = &other.ranges;
        let mut out = Ranges::with_capacity(self.ranges.len());
        let mut j = 0;
        for &(lo, hi) in &self.ranges {
            while b.get(j).is_some_and(|&(_, bhi)| bhi < lo) {
                j += 1;
            }
            // `rest` is the start of the part of [lo, hi] not yet covered or emitted.
            let mut rest = Some(lo);
            let mut k = j;
            while let Some(start) = rest {
                match b.get(k) {
                    Some(&(blo, bhi)) if blo <= hi => {
                        if blo > start
                            && let Some(end) = blo.pred()
                        {
                            out.push((start, end));
                        }
                        rest = if bhi >= hi { None } else { bhi.succ() };
                        k += 1;
                    }
                    _ => {
                        out.push((start, hi));
                        rest = None;
                    }
                }
            }
        }
        // Pieces of one range are separated by `other`'s ranges and the input ranges are
        // non-adjacent, so the output is already canonical.
        Self { ranges: out }
    }

    /// The values of `T` not in `self`. `O(n)`.
    #[must_use]
    pub fn complement(&self) -> Self {
        Self::full().difference(self)
    }

    /// True when every value of `self` is in `other`. `O(n + m)`, no allocation.
    #[must_use]
    pub fn is_subset(&self, other: &Self) -> bool {
        let b = &other.ranges;
        let mut j = 0;
        self.ranges.iter().all(|&(lo, hi)| {
            while b.get(j).is_some_and(|&(_, bhi)| bhi < lo) {
                j += 1;
            }
            // Canonical ranges: a contiguous range is covered only by a single range of `other`.
            b.get(j).is_some_and(|&(blo, bhi)| blo <= lo && hi <= bhi)
        })
    }

    /// True when `self` and `other` share at least one value. `O(n + m)`, no allocation.
    #[must_use]
    pub fn intersects(&self, other: &Self) -> bool {
        let (a, b) = (&self.ranges, &other.ranges);
        let (mut i, mut j) = (0, 0);
        while let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (a.get(i), b.get(j)) {
            if alo.max(blo) <= ahi.min(bhi) {
                return true;
            }
            if ahi < bhi {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// The fewest aligned power-of-two blocks whose union is exactly this set, ascending, as
    /// `(first value, prefix length in bits)`: the CIDR decomposition when `T` is an address.
    ///
    /// Greedy per range: take the largest block that starts at the range's low end, is aligned
    /// to its size and fits. Aligned blocks are either nested or disjoint, so this is optimal
    /// for each range, and no block can span two non-adjacent ranges, so it is optimal overall.
    /// `O(n · BITS)`.
    #[must_use]
    pub fn prefix_blocks(&self) -> Vec<(T, u8)> {
        let width = T::BITS;
        let mut out = Vec::new();
        for &(lo, hi) in &self.ranges {
            let hi = hi.to_u128();
            let mut start = lo.to_u128();
            loop {
                let alignment = if start == 0 { width } else { start.trailing_zeros().min(width) };
                let span = hi - start; // the number of values left, minus one
                let fits = match span.checked_add(1) {
                    Some(left) => left.ilog2(),
                    None => 128,
                };
                let bits = alignment.min(fits); // block size is 2^bits
                // `bits <= width <= 128`, so the prefix length fits in a u8.
                out.push((T::from_u128_lossy(start), (width - bits) as u8));
                let last = if bits >= 128 { u128::MAX } else { start + ((1u128 << bits) - 1) };
                if last >= hi {
                    break;
                }
                start = last + 1;
            }
        }
        out
    }
}

/// Appends `[lo, hi]` to a list sorted by `lo`, merging it into the last range when they
/// overlap or touch.
fn push_merging<T: Unsigned>(out: &mut Ranges<T>, lo: T, hi: T) {
    if let Some(last) = out.last_mut() {
        // `last.1 == MAX` absorbs everything after it.
        if last.1.succ().is_none_or(|next| lo <= next) {
            last.1 = last.1.max(hi);
            return;
        }
    }
    out.push((lo, hi));
}

impl<T: Unsigned> fmt::Display for IntervalSet<T> {
    /// `22, 1024-65535`; `none` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("none");
        }
        for (i, &(lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

impl<T: Unsigned> fmt::Debug for IntervalSet<T> {
    /// `{22, 1024-65535}`; `{}` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() { f.write_str("{}") } else { write!(f, "{{{self}}}") }
    }
}

impl<T: Unsigned> FromIterator<(T, T)> for IntervalSet<T> {
    fn from_iter<I: IntoIterator<Item = (T, T)>>(iter: I) -> Self {
        Self::from_ranges(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn set16(ranges: &[(u16, u16)]) -> IntervalSet<u16> {
        IntervalSet::from_ranges(ranges.iter().copied())
    }

    #[test]
    fn constructors_build_the_expected_ranges() {
        assert!(IntervalSet::<u16>::empty().is_empty());
        assert!(IntervalSet::<u16>::full().is_full());
        assert_eq!(IntervalSet::<u16>::full().ranges().collect::<Vec<_>>(), [(0, 65535)]);
        assert_eq!(IntervalSet::range(22u16, 22), IntervalSet::single(22u16), "a one-value range is a single");
        assert!(IntervalSet::range(5u16, 4).is_empty(), "lo > hi is empty");
        assert_eq!(IntervalSet::range(0u16, 65535), IntervalSet::full());
        assert_eq!(IntervalSet::<u16>::default(), IntervalSet::empty());
    }

    #[test]
    fn from_ranges_merges_overlapping_and_adjacent_ranges() {
        let s = set16(&[(10, 20), (21, 30), (5, 12), (40, 40), (41, 41), (50, 49)]);
        assert_eq!(s.ranges().collect::<Vec<_>>(), [(5, 30), (40, 41)]);
        let s: IntervalSet<u16> = [(1, 1), (3, 3)].into_iter().collect();
        assert_eq!(s.range_count(), 2, "values one apart stay separate");
    }

    #[test]
    fn union_merges_adjacent_ranges_across_operands() {
        let a = IntervalSet::range(0u16, 1023);
        let b = IntervalSet::range(1024u16, 65535);
        assert!(a.union(&b).is_full());
        let s = IntervalSet::single(22u16).union(&IntervalSet::single(23));
        assert_eq!(s.ranges().collect::<Vec<_>>(), [(22, 23)]);
        assert_eq!(set16(&[(1, 2), (10, 11)]).union(&set16(&[(3, 9)])).ranges().collect::<Vec<_>>(), [(1, 11)]);
    }

    #[test]
    fn union_with_a_range_ending_at_max_absorbs_later_ranges() {
        let a = IntervalSet::range(100u16, 65535);
        let b = set16(&[(5, 6), (200, 300), (65535, 65535)]);
        assert_eq!(a.union(&b).ranges().collect::<Vec<_>>(), [(5, 6), (100, 65535)]);
    }

    #[test]
    fn intersect_keeps_only_shared_values() {
        let a = set16(&[(0, 10), (20, 30), (65535, 65535)]);
        let b = set16(&[(5, 25), (65535, 65535)]);
        assert_eq!(a.intersect(&b).ranges().collect::<Vec<_>>(), [(5, 10), (20, 25), (65535, 65535)]);
        assert!(a.intersect(&IntervalSet::empty()).is_empty());
        assert_eq!(a.intersect(&IntervalSet::full()), a);
    }

    #[test]
    fn difference_cuts_holes_and_edges() {
        let all = IntervalSet::<u16>::full();
        let linux = IntervalSet::range(32768u16, 60999);
        assert_eq!(all.difference(&linux).to_string(), "0-32767, 61000-65535");
        assert_eq!(all.difference(&IntervalSet::single(0)).to_string(), "1-65535");
        assert_eq!(all.difference(&IntervalSet::single(65535)).to_string(), "0-65534");
        assert!(linux.difference(&all).is_empty());
        assert_eq!(linux.difference(&IntervalSet::empty()), linux);
        let a = set16(&[(0, 10), (20, 30)]);
        let b = set16(&[(5, 22), (25, 25), (29, 40)]);
        assert_eq!(a.difference(&b).to_string(), "0-4, 23-24, 26-28");
    }

    #[test]
    fn complement_of_empty_is_full_and_back() {
        assert!(IntervalSet::<u16>::empty().complement().is_full());
        assert!(IntervalSet::<u16>::full().complement().is_empty());
        assert_eq!(IntervalSet::single(22u16).complement().to_string(), "0-21, 23-65535");
    }

    #[test]
    fn contains_checks_range_edges() {
        let s = set16(&[(0, 0), (22, 22), (1024, 65535)]);
        for v in [0, 22, 1024, 30000, 65535] {
            assert!(s.contains(v), "{v}");
        }
        for v in [1, 21, 23, 1023] {
            assert!(!s.contains(v), "{v}");
        }
        assert!(!IntervalSet::<u16>::empty().contains(0));
    }

    #[test]
    fn is_subset_requires_each_range_inside_one_range() {
        let s = set16(&[(10, 20), (30, 40)]);
        assert!(IntervalSet::empty().is_subset(&s));
        assert!(s.is_subset(&s));
        assert!(s.is_subset(&IntervalSet::range(10, 40)));
        assert!(!IntervalSet::range(10u16, 40).is_subset(&s), "gap 21-29");
        assert!(!s.is_subset(&IntervalSet::empty()));
        assert!(IntervalSet::single(15u16).is_subset(&s));
        assert!(!IntervalSet::single(25u16).is_subset(&s));
    }

    #[test]
    fn intersects_detects_a_shared_value() {
        let s = set16(&[(10, 20), (30, 40)]);
        assert!(s.intersects(&IntervalSet::single(40)));
        assert!(!s.intersects(&IntervalSet::range(21, 29)));
        assert!(!s.intersects(&IntervalSet::empty()));
    }

    #[test]
    fn count_counts_values_and_saturates_for_the_full_u128_set() {
        assert_eq!(IntervalSet::<u16>::full().count(), 65536);
        assert_eq!(IntervalSet::<u16>::empty().count(), 0);
        assert_eq!(set16(&[(0, 0), (10, 19)]).count(), 11);
        assert_eq!(IntervalSet::<u32>::full().count(), 1 << 32);
        assert_eq!(IntervalSet::<u128>::full().count(), u128::MAX);
        assert_eq!(IntervalSet::single(u128::MAX).count(), 1);
        assert_eq!(IntervalSet::range(1, u128::MAX).count(), u128::MAX);
    }

    #[test]
    fn u128_edges_work_without_overflow() {
        let top = IntervalSet::single(u128::MAX);
        assert!(top.contains(u128::MAX));
        assert_eq!(top.complement(), IntervalSet::range(0, u128::MAX - 1), "complement of the top value");
        assert!(top.union(&top.complement()).is_full());
        let low = IntervalSet::range(0u128, 10);
        assert_eq!(IntervalSet::full().difference(&low), IntervalSet::range(11, u128::MAX));
        assert_eq!(top.last(), Some(u128::MAX));
        assert_eq!(low.first(), Some(0));
    }

    #[test]
    fn display_and_debug_are_compact() {
        let s = set16(&[(22, 22), (1024, 65535)]);
        assert_eq!(s.to_string(), "22, 1024-65535");
        assert_eq!(format!("{s:?}"), "{22, 1024-65535}");
        assert_eq!(IntervalSet::<u16>::empty().to_string(), "none");
        assert_eq!(format!("{:?}", IntervalSet::<u16>::empty()), "{}");
    }

    #[test]
    fn prefix_blocks_decompose_ranges_minimally() {
        assert_eq!(IntervalSet::<u8>::full().prefix_blocks(), [(0, 0)]);
        assert_eq!(IntervalSet::<u128>::full().prefix_blocks(), [(0, 0)]);
        assert_eq!(IntervalSet::<u32>::full().prefix_blocks(), [(0, 0)]);
        assert_eq!(IntervalSet::single(7u8).prefix_blocks(), [(7, 8)]);
        assert_eq!(IntervalSet::range(1u8, 6).prefix_blocks(), [(1, 8), (2, 7), (4, 7), (6, 8)]);
        assert_eq!(
            IntervalSet::range(1u8, 255).prefix_blocks(),
            [(1, 8), (2, 7), (4, 6), (8, 5), (16, 4), (32, 3), (64, 2), (128, 1)]
        );
        assert_eq!(IntervalSet::range(u128::MAX - 1, u128::MAX).prefix_blocks(), [(u128::MAX - 1, 127)]);
        assert!(IntervalSet::<u32>::empty().prefix_blocks().is_empty());
    }

    // ---- property tests against a naive model -------------------------------------------

    /// Every value of `u8`, as a set of members: the model is exact over the whole universe.
    fn members8(s: &IntervalSet<u8>) -> BTreeSet<u8> {
        (0..=u8::MAX).filter(|&v| s.contains(v)).collect()
    }

    fn from_members8(m: &BTreeSet<u8>) -> IntervalSet<u8> {
        IntervalSet::from_ranges(m.iter().map(|&v| (v, v)))
    }

    fn is_canonical<T: Unsigned>(s: &IntervalSet<T>) -> bool {
        s.ranges.iter().all(|&(lo, hi)| lo <= hi)
            && s.ranges.windows(2).all(|w| w[0].1.succ().is_some_and(|next| next < w[1].0))
    }

    fn arb_set8() -> impl Strategy<Value = IntervalSet<u8>> {
        let bound = prop_oneof![Just(0u8), Just(1), Just(254), Just(255), any::<u8>()];
        prop::collection::vec((bound.clone(), bound), 0..6).prop_map(IntervalSet::from_ranges)
    }

    /// u16 values biased towards the edges where off-by-one errors live.
    fn edge16() -> impl Strategy<Value = u16> {
        prop_oneof![
            Just(0u16),
            Just(1),
            Just(1023),
            Just(1024),
            Just(32767),
            Just(32768),
            Just(65534),
            Just(65535),
            any::<u16>(),
            0u16..64,
        ]
    }

    fn arb_set16() -> impl Strategy<Value = IntervalSet<u16>> {
        prop::collection::vec((edge16(), edge16()), 0..6).prop_map(IntervalSet::from_ranges)
    }

    /// Values worth probing for a pair of u16 sets: every range end and its neighbours.
    fn probes16(sets: &[&IntervalSet<u16>]) -> BTreeSet<u16> {
        let mut out = BTreeSet::from([0, 65535]);
        for s in sets {
            for (lo, hi) in s.ranges() {
                for v in [lo, hi] {
                    out.insert(v);
                    out.extend(v.pred());
                    out.extend(v.succ());
                }
            }
        }
        out
    }

    /// The minimal number of aligned blocks covering `members` exactly, by recursion over the
    /// binary trie of the u8 universe.
    fn min_blocks8(members: &BTreeSet<u8>, start: u16, size: u16) -> usize {
        let inside = (start..start + size).filter(|&v| members.contains(&(v as u8))).count();
        if inside == 0 {
            0
        } else if inside == usize::from(size) {
            1
        } else {
            min_blocks8(members, start, size / 2) + min_blocks8(members, start + size / 2, size / 2)
        }
    }

    proptest! {
        #[test]
        fn u8_ops_equal_the_model_over_the_whole_universe(a in arb_set8(), b in arb_set8()) {
            let (ma, mb) = (members8(&a), members8(&b));
            let union = a.union(&b);
            let inter = a.intersect(&b);
            let diff = a.difference(&b);
            let comp = a.complement();
            prop_assert_eq!(members8(&union), &ma | &mb);
            prop_assert_eq!(members8(&inter), &ma & &mb);
            prop_assert_eq!(members8(&diff), &ma - &mb);
            prop_assert_eq!(members8(&comp), (0..=u8::MAX).filter(|v| !ma.contains(v)).collect());
            prop_assert_eq!(a.is_subset(&b), ma.is_subset(&mb));
            prop_assert_eq!(a.intersects(&b), !ma.is_disjoint(&mb));
            prop_assert_eq!(a.count(), ma.len() as u128);
            prop_assert_eq!(a.is_empty(), ma.is_empty());
            prop_assert_eq!(a.is_full(), ma.len() == 256);
            prop_assert_eq!(a.first(), ma.first().copied());
            prop_assert_eq!(a.last(), ma.last().copied());
            // Canonical form: equal members, equal representation.
            prop_assert_eq!(&from_members8(&ma), &a);
            for s in [&union, &inter, &diff, &comp] {
                prop_assert!(is_canonical(s));
            }
        }

        #[test]
        fn u16_ops_equal_the_model_at_every_range_edge(a in arb_set16(), b in arb_set16()) {
            let union = a.union(&b);
            let inter = a.intersect(&b);
            let diff = a.difference(&b);
            let comp = a.complement();
            for v in probes16(&[&a, &b]) {
                let (ia, ib) = (a.contains(v), b.contains(v));
                prop_assert_eq!(union.contains(v), ia || ib, "union at {}", v);
                prop_assert_eq!(inter.contains(v), ia && ib, "intersect at {}", v);
                prop_assert_eq!(diff.contains(v), ia && !ib, "difference at {}", v);
                prop_assert_eq!(comp.contains(v), !ia, "complement at {}", v);
            }
            for s in [&union, &inter, &diff, &comp] {
                prop_assert!(is_canonical(s));
            }
            prop_assert_eq!(a.is_subset(&b), a.difference(&b).is_empty());
            prop_assert_eq!(a.intersects(&b), !inter.is_empty());
            prop_assert_eq!(union.count(), a.count() + b.count() - inter.count());
            prop_assert_eq!(a.complement().complement(), a.clone());
            prop_assert_eq!(diff.union(&inter), a);
        }

        #[test]
        fn u16_ops_equal_a_bitset_over_the_whole_universe(a in arb_set16(), b in arb_set16()) {
            let union = a.union(&b);
            let diff = a.difference(&b);
            let expected_union = (0..=u16::MAX).filter(|&v| a.contains(v) || b.contains(v)).count();
            let expected_diff = (0..=u16::MAX).filter(|&v| a.contains(v) && !b.contains(v)).count();
            prop_assert_eq!(union.count(), expected_union as u128);
            prop_assert_eq!(diff.count(), expected_diff as u128);
        }

        #[test]
        fn prefix_blocks_cover_exactly_and_are_minimal(a in arb_set8()) {
            let blocks = a.prefix_blocks();
            let covered = IntervalSet::from_ranges(blocks.iter().map(|&(start, len)| {
                let size = 1u16 << (8 - u32::from(len));
                (start, (u16::from(start) + size - 1) as u8)
            }));
            prop_assert_eq!(&covered, &a);
            for &(start, len) in &blocks {
                let size = 1u16 << (8 - u32::from(len));
                prop_assert_eq!(u16::from(start) % size, 0, "block {}/{} is aligned", start, len);
            }
            prop_assert_eq!(blocks.len(), min_blocks8(&members8(&a), 0, 256));
        }
    }
}
