//! An offset index over spans: which spans touch a range, and a stable lane per span so
//! that overlapping spans are drawn side by side instead of on top of each other.
//!
//! Built once for a set (O(n log n)), then kept up to date with [`SpanIndex::update`]: a
//! change of a few spans (tagging, undo, a moved boundary) is applied in place in O(n)
//! memory moves without sorting, and the lanes of the other spans do not change, so
//! highlights do not jump between lanes when a span is added or removed. A query costs
//! a binary search plus the spans that start within `max_len` before the range — no
//! scan of all spans.

use std::ops::Range;

use super::Span;

/// More changed spans than this (added plus removed) and [`SpanIndex::update`] rebuilds.
const UPDATE_IN_PLACE_MAX: usize = 64;

/// The first `i` in `0..len` for which `pred` is false (`pred` true then false).
fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The spans one change removed from and added to a set, by range (what the span index
/// needs to follow it: see [`SpanIndex::apply_delta`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanDelta {
    pub removed: Vec<Range<usize>>,
    pub added: Vec<Range<usize>>,
}

impl SpanDelta {
    /// The change that undoes this one.
    pub fn inverse(&self) -> SpanDelta {
        SpanDelta {
            removed: self.added.clone(),
            added: self.removed.clone(),
        }
    }
}

/// What [`SpanIndex::update`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexUpdate {
    Unchanged,
    /// This many spans removed and added, in place.
    InPlace {
        removed: usize,
        added: usize,
    },
    Rebuilt,
}

#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    /// The indexed ranges, in the order of the indexed slice (to find what changed).
    ranges: Vec<Range<usize>>,
    /// Indices into the indexed slice, sorted by (start, end descending).
    order: Vec<u32>,
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// Lane of each span (by index into the indexed slice): spans that overlap never
    /// share a lane.
    lanes: Vec<u8>,
    max_len: usize,
    lane_count: u8,
}

impl SpanIndex {
    pub fn new(spans: &[Span]) -> Self {
        Self::from_ranges(spans.iter().map(|s| s.start..s.end))
    }

    pub fn from_ranges(ranges: impl Iterator<Item = Range<usize>>) -> Self {
        let ranges: Vec<Range<usize>> = ranges.collect();
        let mut order: Vec<u32> = (0..ranges.len() as u32).collect();
        order.sort_by_key(|&i| {
            (
                ranges[i as usize].start,
                std::cmp::Reverse(ranges[i as usize].end),
            )
        });
        let starts = order.iter().map(|&i| ranges[i as usize].start).collect();
        let ends = order.iter().map(|&i| ranges[i as usize].end).collect();
        let max_len = ranges
            .iter()
            .map(|r| r.end.saturating_sub(r.start))
            .max()
            .unwrap_or(0);
        // Greedy interval colouring in start order: optimal for interval graphs.
        let mut lanes = vec![0u8; ranges.len()];
        let mut lane_ends: Vec<usize> = Vec::new();
        for &i in &order {
            let r = &ranges[i as usize];
            let lane = match lane_ends.iter().position(|&e| e <= r.start) {
                Some(l) => l,
                None => {
                    lane_ends.push(0);
                    lane_ends.len() - 1
                }
            };
            lane_ends[lane] = r.end;
            lanes[i as usize] = lane.min(u8::MAX as usize) as u8;
        }
        SpanIndex {
            ranges,
            order,
            starts,
            ends,
            lanes,
            max_len,
            lane_count: lane_ends.len().min(u8::MAX as usize) as u8,
        }
    }

    /// Brings the index up to date with `spans`, the indexed slice after a change (sorted
    /// by start and end, as sets keep their spans). The ranges before and after are
    /// compared in one merge pass: spans found in both are kept with their lanes, the
    /// others are removed and added in place, each new span taking the lowest lane that
    /// no span overlapping it uses. More than `UPDATE_IN_PLACE_MAX` changed spans (tag
    /// all, another set) or an unsorted slice rebuild the index.
    pub fn update(&mut self, spans: &[Span]) -> IndexUpdate {
        self.update_with(spans.len(), |i| spans[i].start..spans[i].end)
    }

    /// [`Self::update`] for ranges given by slot.
    pub fn update_with(&mut self, len: usize, at: impl Fn(usize) -> Range<usize>) -> IndexUpdate {
        let old_len = self.ranges.len();
        // The common head and tail, then a merge of the (sorted) middles.
        let mut p = 0;
        while p < old_len && p < len && self.ranges[p] == at(p) {
            p += 1;
        }
        let mut q = 0;
        while q < old_len - p && q < len - p && self.ranges[old_len - 1 - q] == at(len - 1 - q) {
            q += 1;
        }
        let key = |r: &Range<usize>| (r.start, r.end);
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        let (mut i, mut j) = (p, p);
        let mut sorted = true;
        while i < old_len - q || j < len - q {
            if removed.len() + added.len() > UPDATE_IN_PLACE_MAX {
                break;
            }
            let new = (j < len - q).then(|| at(j));
            if let Some(n) = &new
                && j > 0
                && key(&at(j - 1)) > key(n)
            {
                sorted = false;
                break;
            }
            match (self.ranges.get(i).filter(|_| i < old_len - q), new) {
                (Some(o), Some(n)) if o == &n => (i, j) = (i + 1, j + 1),
                (Some(o), Some(n)) if key(o) < key(&n) => {
                    removed.push(i);
                    i += 1;
                }
                (Some(_), None) => {
                    removed.push(i);
                    i += 1;
                }
                (_, Some(_)) => {
                    added.push(j);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        if removed.is_empty() && added.is_empty() {
            return IndexUpdate::Unchanged;
        }
        if !sorted || removed.len() + added.len() > UPDATE_IN_PLACE_MAX || len > u32::MAX as usize {
            *self = Self::from_ranges((0..len).map(at));
            return IndexUpdate::Rebuilt;
        }
        self.apply_slots(len, &removed, &added, at);
        IndexUpdate::InPlace {
            removed: removed.len(),
            added: added.len(),
        }
    }

    /// Follows one step of the indexed slice to `spans`: with the step's delta when it is
    /// known ([`Self::apply_delta`]), otherwise by comparing ([`Self::update`]).
    pub fn follow(&mut self, delta: Option<&SpanDelta>, spans: &[Span]) -> IndexUpdate {
        match delta {
            Some(d) => self.apply_delta(d, spans),
            None => self.update(spans),
        }
    }

    /// Applies `delta`, the change that turned the indexed slice into `spans`, without
    /// reading the spans it did not touch (each changed span is found by a binary
    /// search). Falls back to [`Self::update`] if the delta does not fit the index.
    pub fn apply_delta(&mut self, delta: &SpanDelta, spans: &[Span]) -> IndexUpdate {
        if delta.removed.is_empty() && delta.added.is_empty() {
            return IndexUpdate::Unchanged;
        }
        if delta.removed.len() + delta.added.len() > UPDATE_IN_PLACE_MAX {
            // Tag all, a set copied over: a rebuild is cheaper than this many searches.
            *self = Self::new(spans);
            return IndexUpdate::Rebuilt;
        }
        let at = |i: usize| spans[i].start..spans[i].end;
        let slots = |len: usize,
                     at: &dyn Fn(usize) -> Range<usize>,
                     ranges: &[Range<usize>]|
         -> Option<Vec<usize>> {
            let mut ranges = ranges.to_vec();
            ranges.sort_by_key(|r| (r.start, r.end));
            let mut out: Vec<usize> = Vec::with_capacity(ranges.len());
            for r in &ranges {
                let key = (r.start, r.end);
                let mut slot = partition(len, |i| {
                    let x = at(i);
                    (x.start, x.end) < key
                });
                // The next slot with this range not taken yet (equal ranges in a row).
                while out.last().is_some_and(|&l| slot <= l) {
                    slot += 1;
                }
                if slot >= len || at(slot) != *r {
                    return None;
                }
                out.push(slot);
            }
            Some(out)
        };
        let old = |i: usize| self.ranges[i].clone();
        let removed = slots(self.ranges.len(), &old, &delta.removed);
        let added = slots(spans.len(), &at, &delta.added);
        match (removed, added) {
            (Some(removed), Some(added))
                if removed.len() + added.len() <= UPDATE_IN_PLACE_MAX
                    && self.ranges.len() - removed.len() + added.len() == spans.len() =>
            {
                self.apply_slots(spans.len(), &removed, &added, at);
                IndexUpdate::InPlace {
                    removed: removed.len(),
                    added: added.len(),
                }
            }
            _ => self.update(spans),
        }
    }

    /// Removes the old slots `removed` and adds the new slots `added` (both ascending;
    /// `at` gives the ranges of the new slots, `len` of them): the sorted arrays lose
    /// and gain entries in place, the kept entries are renumbered, the new spans get
    /// the lowest free lanes.
    fn apply_slots(
        &mut self,
        len: usize,
        removed: &[usize],
        added: &[usize],
        at: impl Fn(usize) -> Range<usize>,
    ) {
        // Old slot -> new slot: minus the removed before it, plus the added before it
        // (a kept span's new slot n has n - (added before n) == its rank among the kept,
        // and `added[i] - i` does not decrease).
        let renumber = |slot: usize| -> Option<usize> {
            let gone = removed.partition_point(|&r| r < slot);
            if removed.get(gone) == Some(&slot) {
                return None;
            }
            let kept = slot - gone;
            let before = partition(added.len(), |i| added[i] - i <= kept);
            Some(kept + before)
        };
        // The removed entries leave the sorted arrays (each found by a binary search on
        // its range), then the rest are renumbered: slots before the first change keep
        // their number, slots after the last one move by the difference; only those in
        // between need the searches.
        for &slot in removed {
            let r = &self.ranges[slot];
            let from = self.starts.partition_point(|&s| s < r.start);
            let k = (from..self.order.len())
                .take_while(|&k| self.starts[k] == r.start)
                .find(|&k| self.order[k] as usize == slot);
            if let Some(k) = k {
                self.order.remove(k);
                self.starts.remove(k);
                self.ends.remove(k);
            }
        }
        let first = match (removed.first(), added.first()) {
            (Some(&r), Some(&a)) => r.min(a),
            (Some(&x), None) | (None, Some(&x)) => x,
            (None, None) => return,
        };
        let grow = added.len() as isize - removed.len() as isize;
        let last_old = removed.last().copied().unwrap_or(0);
        let last_new = added.last().copied().unwrap_or(0);
        for o in &mut self.order {
            let old = *o as usize;
            if old < first {
                continue;
            }
            let moved = old.wrapping_add_signed(grow);
            *o = if (removed.is_empty() || old > last_old) && (added.is_empty() || moved > last_new)
            {
                moved
            } else {
                renumber(old).unwrap_or(old)
            } as u32;
        }
        let longest_removed = removed.iter().any(|&r| {
            let r = &self.ranges[r];
            r.end.saturating_sub(r.start) >= self.max_len
        });
        for &slot in removed.iter().rev() {
            self.ranges.remove(slot);
            self.lanes.remove(slot);
        }
        for &slot in added {
            self.ranges.insert(slot, at(slot));
            self.lanes.insert(slot, 0);
        }
        debug_assert_eq!(self.ranges.len(), len);
        if longest_removed {
            self.max_len = self
                .ranges
                .iter()
                .map(|r| r.end.saturating_sub(r.start))
                .max()
                .unwrap_or(0);
        }
        // Add the new slots at their sorted places.
        for &slot in added {
            let r = self.ranges[slot].clone();
            self.max_len = self.max_len.max(r.end.saturating_sub(r.start));
            let key = (r.start, std::cmp::Reverse(r.end));
            let k = self.starts.partition_point(|&s| s < r.start);
            let k = k + self.starts[k..]
                .iter()
                .zip(&self.ends[k..])
                .take_while(|&(&s, &e)| (s, std::cmp::Reverse(e)) <= key)
                .count();
            self.order.insert(k, slot as u32);
            self.starts.insert(k, r.start);
            self.ends.insert(k, r.end);
        }
        // Lanes of the new spans: the lowest one that no overlapping span uses (the new
        // ones still waiting, later in `added`, do not count yet).
        for (x, &slot) in added.iter().enumerate() {
            let r = self.ranges[slot].clone();
            let mut used = [false; 256];
            for other in self.overlapping(r) {
                if other != slot && added[x + 1..].binary_search(&other).is_err() {
                    used[self.lanes[other] as usize] = true;
                }
            }
            self.lanes[slot] = used.iter().position(|u| !u).unwrap_or(255) as u8;
        }
        let count = |l: u8| (l as usize + 1).min(u8::MAX as usize) as u8;
        self.lane_count = if removed.is_empty() {
            // Only additions: the count can only grow, by the new spans' lanes.
            added
                .iter()
                .map(|&slot| count(self.lanes[slot]))
                .fold(self.lane_count, u8::max)
        } else {
            self.lanes.iter().max().map_or(0, |&l| count(l))
        };
    }

    /// Indices of the spans overlapping `range` (or, for an empty range, containing it),
    /// in (start, end) order.
    pub fn overlapping(&self, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let lo = self
            .starts
            .partition_point(|&s| s + self.max_len <= range.start);
        let hi = self
            .starts
            .partition_point(|&s| s < range.end.max(range.start + 1));
        (lo..hi).filter_map(move |k| {
            let (s, e) = (self.starts[k], self.ends[k]);
            let hit = if range.is_empty() {
                s <= range.start && range.start < e
            } else {
                s < range.end && range.start < e
            };
            hit.then_some(self.order[k] as usize)
        })
    }

    pub fn lane(&self, span: usize) -> u8 {
        self.lanes.get(span).copied().unwrap_or(0)
    }

    pub fn lane_count(&self) -> u8 {
        self.lane_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nested_spans_get_distinct_lanes() {
        let idx = SpanIndex::from_ranges([0..10, 2..5, 3..4, 12..14].into_iter());
        assert_eq!(idx.lane(0), 0);
        assert_eq!(idx.lane(1), 1);
        assert_eq!(idx.lane(2), 2);
        assert_eq!(idx.lane(3), 0, "a later disjoint span reuses lane 0");
        assert_eq!(idx.lane_count(), 3);
        let hits: Vec<_> = idx.overlapping(3..4).collect();
        assert_eq!(hits, [0, 1, 2]);
        let hits: Vec<_> = idx.overlapping(10..12).collect();
        assert!(hits.is_empty());
        let hits: Vec<_> = idx.overlapping(4..4).collect();
        assert_eq!(hits, [0, 1], "a caret at 4 is inside 0..10 and 2..5 only");
    }

    proptest! {
        #[test]
        fn overlapping_equals_a_scan(spans in proptest::collection::vec((0usize..200, 1usize..40), 0..60), q in (0usize..240, 0usize..30)) {
            let ranges: Vec<Range<usize>> = spans.iter().map(|&(s, l)| s..s + l).collect();
            let idx = SpanIndex::from_ranges(ranges.iter().cloned());
            let query = q.0..q.0 + q.1;
            let mut got: Vec<usize> = idx.overlapping(query.clone()).collect();
            got.sort();
            let want: Vec<usize> = (0..ranges.len()).filter(|&i| {
                let r = &ranges[i];
                if query.is_empty() { r.start <= query.start && query.start < r.end } else { r.start < query.end && query.start < r.end }
            }).collect();
            prop_assert_eq!(got, want);
            for i in 0..ranges.len() {
                for j in 0..ranges.len() {
                    if i != j && ranges[i].start < ranges[j].end && ranges[j].start < ranges[i].end {
                        prop_assert_ne!(idx.lane(i), idx.lane(j));
                    }
                }
            }
        }
    }

    /// Checks `idx` against `ranges` (slot order): queries equal a scan, overlapping
    /// spans never share a lane, and the lane count is above every lane.
    fn check(
        idx: &SpanIndex,
        ranges: &[Range<usize>],
        query: Range<usize>,
    ) -> Result<(), TestCaseError> {
        let mut got: Vec<usize> = idx.overlapping(query.clone()).collect();
        got.sort();
        let want: Vec<usize> = (0..ranges.len())
            .filter(|&i| {
                let r = &ranges[i];
                if query.is_empty() {
                    r.start <= query.start && query.start < r.end
                } else {
                    r.start < query.end && query.start < r.end
                }
            })
            .collect();
        prop_assert_eq!(got, want);
        for i in 0..ranges.len() {
            prop_assert!(idx.lane(i) < idx.lane_count().max(1));
            for j in i + 1..ranges.len() {
                if ranges[i].start < ranges[j].end && ranges[j].start < ranges[i].end {
                    prop_assert_ne!(idx.lane(i), idx.lane(j), "{:?} {:?}", ranges[i], ranges[j]);
                }
            }
        }
        Ok(())
    }

    fn sorted(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
        v.sort_by_key(|r| (r.start, r.end));
        v
    }

    #[test]
    fn an_added_span_takes_a_free_lane_and_the_others_keep_theirs() {
        // 0..10 (lane 0) and 12..20 (lane 0); adding 5..15 overlaps both: lane 1. A
        // rebuild would give 5..15 lane 1 too, but 12..20 would stay 0 only by luck;
        // here it is kept by construction.
        let mut ranges = vec![0..10, 12..20, 30..40];
        let mut idx = SpanIndex::from_ranges(ranges.iter().cloned());
        ranges.insert(1, 5..15);
        let r = ranges.clone();
        assert_eq!(
            idx.update_with(r.len(), |i| r[i].clone()),
            IndexUpdate::InPlace {
                removed: 0,
                added: 1
            }
        );
        assert_eq!(
            [idx.lane(0), idx.lane(1), idx.lane(2), idx.lane(3)],
            [0, 1, 0, 0]
        );
        assert_eq!(idx.lane_count(), 2);
        assert_eq!(idx.overlapping(14..15).collect::<Vec<_>>(), [1, 2]);
        // Removing 0..10 keeps the lanes of the rest (5..15 stays in lane 1).
        ranges.remove(0);
        let r = ranges.clone();
        assert_eq!(
            idx.update_with(r.len(), |i| r[i].clone()),
            IndexUpdate::InPlace {
                removed: 1,
                added: 0
            }
        );
        assert_eq!([idx.lane(0), idx.lane(1), idx.lane(2)], [1, 0, 0]);
        assert_eq!(idx.overlapping(3..6).collect::<Vec<_>>(), [0]);
        assert_eq!(
            idx.update_with(r.len(), |i| r[i].clone()),
            IndexUpdate::Unchanged
        );
        // Many changes at once rebuild.
        let many: Vec<Range<usize>> = (0..200).map(|i| i * 3..i * 3 + 2).collect();
        assert_eq!(
            idx.update_with(many.len(), |i| many[i].clone()),
            IndexUpdate::Rebuilt
        );
        assert_eq!(idx.overlapping(3..4).collect::<Vec<_>>(), [1]);
        // So does a large delta (tag all), and a delta that does not fit the index
        // (a removed range it does not hold) falls back to comparing the spans.
        let spans: Vec<Span> = many
            .iter()
            .map(|r| Span::new("s", r.start, r.end, "L", ""))
            .collect();
        let delta = SpanDelta {
            removed: vec![],
            added: many[..100].to_vec(),
        };
        assert_eq!(idx.apply_delta(&delta, &spans), IndexUpdate::Rebuilt);
        let bogus = SpanDelta {
            removed: std::iter::once(1000..1001).collect(),
            added: vec![],
        };
        assert_eq!(idx.apply_delta(&bogus, &spans), IndexUpdate::Unchanged);
        assert_eq!(idx.overlapping(3..4).collect::<Vec<_>>(), [1]);
    }

    proptest! {
        /// After any sequence of small edits (add, remove, move a span) the updated index
        /// answers like a scan, keeps overlapping spans in distinct lanes, and leaves the
        /// lane of every span that was not touched as it was.
        #[test]
        fn updates_in_place_stay_correct(
            init in proptest::collection::vec((0usize..300, 1usize..40), 0..80),
            edits in proptest::collection::vec((0u8..3, 0usize..1000, 0usize..300, 1usize..40), 1..40),
            q in (0usize..340, 0usize..30),
        ) {
            let mut ranges = sorted(init.iter().map(|&(s, l)| s..s + l).collect());
            let mut idx = SpanIndex::from_ranges(ranges.iter().cloned());
            // The same edits given as deltas, as the workspace reports them.
            let mut by_delta = idx.clone();
            for &(kind, pick, s, l) in &edits {
                let before = ranges.clone();
                let lanes: Vec<u8> = (0..before.len()).map(|i| idx.lane(i)).collect();
                let mut touched = None;
                let mut delta = SpanDelta::default();
                match kind {
                    1 if !ranges.is_empty() => {
                        touched = Some(ranges.remove(pick % ranges.len()));
                        delta.removed.extend(touched.clone());
                    }
                    2 if !ranges.is_empty() => {
                        let i = pick % ranges.len();
                        touched = Some(ranges[i].clone());
                        delta.removed.extend(touched.clone());
                        ranges[i] = s..s + l;
                        delta.added.push(s..s + l);
                    }
                    _ => {
                        ranges.push(s..s + l);
                        delta.added.push(s..s + l);
                    }
                }
                ranges = sorted(ranges);
                let r = ranges.clone();
                let how = idx.update_with(r.len(), |i| r[i].clone());
                prop_assert!(matches!(how, IndexUpdate::InPlace { .. } | IndexUpdate::Unchanged), "{:?}", how);
                check(&idx, &ranges, q.0..q.0 + q.1)?;
                let spans: Vec<Span> = ranges.iter().map(|r| Span::new("s", r.start, r.end, "L", "")).collect();
                let how = by_delta.apply_delta(&delta, &spans);
                prop_assert!(matches!(how, IndexUpdate::InPlace { .. } | IndexUpdate::Unchanged), "{:?}", how);
                check(&by_delta, &ranges, q.0..q.0 + q.1)?;
                if delta.removed != delta.added {
                    prop_assert_eq!(how, IndexUpdate::InPlace { removed: delta.removed.len(), added: delta.added.len() });
                }
                // Spans not touched keep their lanes (matched by range, in order).
                let mut k = 0;
                for (i, r) in before.iter().enumerate() {
                    if Some(r) == touched.as_ref() { continue; }
                    while k < ranges.len() && ranges[k] != *r { k += 1; }
                    prop_assert!(k < ranges.len());
                    if before.iter().filter(|x| *x == r).count() == 1
                        && ranges.iter().filter(|x| *x == r).count() == 1
                    {
                        prop_assert_eq!(idx.lane(k), lanes[i], "{:?}", r);
                    }
                    k += 1;
                }
            }
        }
    }
}
