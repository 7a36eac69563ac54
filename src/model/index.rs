//! An offset index over spans: which spans touch a range, and a stable lane per span so
//! that overlapping spans are drawn side by side instead of on top of each other.
//!
//! Built once per change of the set (O(n log n)); a query costs a binary search plus
//! the spans that start within `max_len` before the range — no scan of all spans.

use std::ops::Range;

use super::Span;

#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    /// Indices into the indexed slice, sorted by (start, end).
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
            order,
            starts,
            ends,
            lanes,
            max_len,
            lane_count: lane_ends.len().min(u8::MAX as usize) as u8,
        }
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
}
