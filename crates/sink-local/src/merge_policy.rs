//! Which segments tantivy merges: small ones, never more than [`MAX_MERGE_BYTES`] at once.
//!
//! A merge reads every input segment through tantivy's memory maps, and the pages it touches
//! count as the connector's resident memory until the merge ends. Tantivy's default policy
//! merges eight similar segments whatever their size, so a large sync ends up merging hundreds
//! of megabytes at once (bench/README.md: 147 MB of mapped files at the peak of a 275,000
//! document sync). This policy bounds each merge's input instead and leaves the segments of the
//! writer's own commits alone; the price is more segments in a large index (one per commit,
//! ~55 for 275,000 documents), which a local search barely notices.

use std::path::{Path, PathBuf};

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::merge_policy::{MergeCandidate, MergePolicy};

/// Most bytes of segment files one merge reads (and maps into memory). Segments of at least
/// half of it are not merged at all (unless half their documents are deleted), so the 4-5 MB
/// segments of the writer's own commits ([`crate::COMMIT_EVERY_BYTES`]) stay as they are,
/// while the small ones of incremental syncs are merged. A merge runs beside indexing and the
/// pages it maps count as the connector's memory: at 16 MB, merging the writer's segments
/// (5,000 documents each) raised the peak of a 30,000 document sync from 33 to 42-45 MB.
pub(crate) const MAX_MERGE_BYTES: u64 = 6_000_000;

/// Fewest segments merged together, unless a segment is merged to drop its deleted documents:
/// merging two segments rewrites a lot for little gain.
const MIN_MERGE_SEGMENTS: usize = 3;

/// A segment whose deleted share reaches this is rewritten (with others when they fit), so
/// re-syncs do not leave the index full of replaced copies.
const DELETED_SHARE_TO_REWRITE: f64 = 0.5;

/// The merge policy of the local index (see the module docs).
#[derive(Debug)]
pub(crate) struct BoundedMergePolicy {
    dir: PathBuf,
}

impl BoundedMergePolicy {
    /// A policy for the index in `dir` (it sizes segments by their files).
    pub(crate) fn new(dir: &Path) -> BoundedMergePolicy {
        BoundedMergePolicy {
            dir: dir.to_owned(),
        }
    }

    fn size(&self, meta: &SegmentMeta) -> SegmentSize {
        // A file that is missing (not every segment has every component) weighs nothing.
        let bytes = meta
            .list_files()
            .iter()
            .filter_map(|file| std::fs::metadata(self.dir.join(file)).ok())
            .map(|metadata| metadata.len())
            .sum();
        let deleted_share = if meta.max_doc() == 0 {
            0.0
        } else {
            f64::from(meta.num_deleted_docs()) / f64::from(meta.max_doc())
        };
        SegmentSize {
            id: meta.id(),
            bytes,
            deleted_share,
        }
    }
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let sizes = segments.iter().map(|meta| self.size(meta)).collect();
        plan(sizes, MAX_MERGE_BYTES)
            .into_iter()
            .map(MergeCandidate)
            .collect()
    }
}

/// What the policy knows of a segment.
#[derive(Debug, Clone, Copy)]
struct SegmentSize {
    id: SegmentId,
    /// Bytes of all its files.
    bytes: u64,
    /// Deleted documents / all documents.
    deleted_share: f64,
}

impl SegmentSize {
    fn needs_rewrite(&self) -> bool {
        self.deleted_share >= DELETED_SHARE_TO_REWRITE
    }
}

/// Groups of segments to merge: the smallest first, each group at most `max_bytes` in all.
///
/// Only segments under half of `max_bytes` (still worth growing) or with many deleted
/// documents take part. A group is kept when it has [`MIN_MERGE_SEGMENTS`] segments, or when
/// it rewrites a segment with many deleted documents.
fn plan(mut segments: Vec<SegmentSize>, max_bytes: u64) -> Vec<Vec<SegmentId>> {
    segments.retain(|segment| {
        segment.bytes <= max_bytes && (segment.bytes < max_bytes / 2 || segment.needs_rewrite())
    });
    segments.sort_by_key(|segment| segment.bytes);
    let mut groups = Vec::new();
    let mut group: Vec<SegmentSize> = Vec::new();
    let mut group_bytes = 0;
    for segment in segments {
        if group_bytes + segment.bytes > max_bytes {
            groups.extend(keep(std::mem::take(&mut group)));
            group_bytes = 0;
        }
        group_bytes += segment.bytes;
        group.push(segment);
    }
    groups.extend(keep(group));
    groups
}

/// The ids of `group` when it is worth merging.
fn keep(group: Vec<SegmentSize>) -> Option<Vec<SegmentId>> {
    let worth = group.len() >= MIN_MERGE_SEGMENTS || group.iter().any(SegmentSize::needs_rewrite);
    worth.then(|| group.iter().map(|segment| segment.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1_000_000;

    fn segment(bytes: u64, deleted_share: f64) -> SegmentSize {
        SegmentSize {
            id: SegmentId::generate_random(),
            bytes,
            deleted_share,
        }
    }

    fn total(groups: &[Vec<SegmentId>], segments: &[SegmentSize]) -> Vec<u64> {
        groups
            .iter()
            .map(|group| {
                segments
                    .iter()
                    .filter(|segment| group.contains(&segment.id))
                    .map(|segment| segment.bytes)
                    .sum()
            })
            .collect()
    }

    #[test]
    fn small_segments_merge_in_groups_no_bigger_than_the_cap() {
        let segments: Vec<SegmentSize> = (0..10).map(|_| segment(4 * MB, 0.0)).collect();
        let groups = plan(segments.clone(), 16 * MB);
        assert_eq!(total(&groups, &segments), vec![16 * MB, 16 * MB]);
        // The last two (8 MB) wait for a third.
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 8);
    }

    #[test]
    fn grown_segments_and_pairs_are_left_alone() {
        let segments = vec![
            segment(9 * MB, 0.0),
            segment(12 * MB, 0.0),
            segment(MB, 0.0),
        ];
        assert!(plan(segments, 16 * MB).is_empty());
        let pair = vec![segment(MB, 0.0), segment(2 * MB, 0.0)];
        assert!(plan(pair, 16 * MB).is_empty());
    }

    #[test]
    fn a_segment_with_many_deletes_is_rewritten_even_alone() {
        let replaced = segment(12 * MB, 0.6);
        let groups = plan(vec![replaced, segment(10 * MB, 0.1)], 16 * MB);
        assert_eq!(groups, vec![vec![replaced.id]]);
    }

    #[test]
    fn the_writers_own_segments_are_not_merged_but_small_ones_are() {
        // A sync's commits (COMMIT_EVERY_BYTES of `_source`) make segments of 4-5 MB.
        let synced: Vec<SegmentSize> = (0..6).map(|_| segment(4_500_000, 0.0)).collect();
        assert!(plan(synced.clone(), MAX_MERGE_BYTES).is_empty());
        let mut with_small = synced;
        let small: Vec<SegmentSize> = (0..3).map(|_| segment(200_000, 0.0)).collect();
        with_small.extend(small.iter().copied());
        let groups = plan(with_small, MAX_MERGE_BYTES);
        assert_eq!(groups.len(), 1);
        assert!(small.iter().all(|segment| groups[0].contains(&segment.id)));
    }

    #[test]
    fn segments_over_the_cap_never_merge() {
        let big = vec![
            segment(40 * MB, 0.9),
            segment(40 * MB, 0.0),
            segment(MB, 0.0),
        ];
        assert!(plan(big, 16 * MB).is_empty());
    }
}
