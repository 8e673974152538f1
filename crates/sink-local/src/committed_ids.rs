//! The ids a writer has committed itself, kept as Bloom filters (about 1.3 bytes per id).
//!
//! Upserting needs to know whether an id is already in the index, and asking the index means
//! a term lookup in every segment (about 28 at the end of a 275,000 document sync) for every
//! document. When the index was empty as the writer opened it, an id can only be there if this
//! writer committed it, so a filter that says "certainly not" spares those lookups for nearly
//! every document of a first sync.

use connector_core::hash::fnv1a64;

/// Filter bits per id: about 1 % false positives with [`HASHES`] probes.
const BITS_PER_ID: usize = 10;

/// Probes per id.
const HASHES: u64 = 7;

/// One Bloom filter per commit of this writer.
#[derive(Debug, Default)]
pub(crate) struct CommittedIds {
    filters: Vec<Bloom>,
}

impl CommittedIds {
    /// Remembers the ids of one commit.
    pub(crate) fn add_commit(&mut self, ids: &[&str]) {
        if ids.is_empty() {
            return;
        }
        let mut bloom = Bloom::with_capacity(ids.len());
        for id in ids {
            bloom.insert(id);
        }
        self.filters.push(bloom);
    }

    /// False when no commit of this writer had `id`; true when one may have.
    pub(crate) fn may_contain(&self, id: &str) -> bool {
        let probes = Probes::of(id);
        self.filters.iter().any(|bloom| bloom.contains(probes))
    }
}

/// A fixed-size Bloom filter.
#[derive(Debug)]
struct Bloom {
    words: Vec<u64>,
}

impl Bloom {
    fn with_capacity(ids: usize) -> Bloom {
        Bloom {
            words: vec![0; (ids * BITS_PER_ID).div_ceil(64)],
        }
    }

    fn bits(&self) -> u64 {
        self.words.len() as u64 * 64
    }

    fn insert(&mut self, id: &str) {
        let bits = self.bits();
        for bit in Probes::of(id).bits(bits) {
            self.words[(bit / 64) as usize] |= 1 << (bit % 64);
        }
    }

    fn contains(&self, probes: Probes) -> bool {
        probes
            .bits(self.bits())
            .all(|bit| self.words[(bit / 64) as usize] & (1 << (bit % 64)) != 0)
    }
}

/// The two hashes an id's probes derive from (double hashing).
#[derive(Debug, Clone, Copy)]
struct Probes {
    first: u64,
    step: u64,
}

impl Probes {
    fn of(id: &str) -> Probes {
        let first = fnv1a64(id.as_bytes());
        // splitmix64's finalizer: a second hash, independent enough of the first.
        let mut step = first.wrapping_add(0x9e37_79b9_7f4a_7c15);
        step = (step ^ (step >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        step = (step ^ (step >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        step ^= step >> 31;
        Probes {
            first,
            step: step | 1,
        }
    }

    fn bits(self, bits: u64) -> impl Iterator<Item = u64> {
        (0..HASHES).map(move |n| self.first.wrapping_add(n.wrapping_mul(self.step)) % bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_committed_id_is_found_and_few_others_are() {
        let mut committed = CommittedIds::default();
        assert!(!committed.may_contain("issue_1_1"));
        for commit in 0..3 {
            let ids: Vec<String> = (0..10_000).map(|n| format!("issue_{commit}_{n}")).collect();
            committed.add_commit(&ids.iter().map(String::as_str).collect::<Vec<_>>());
        }
        for commit in 0..3 {
            for n in 0..10_000 {
                assert!(committed.may_contain(&format!("issue_{commit}_{n}")));
            }
        }
        let false_positives = (0..10_000)
            .filter(|n| committed.may_contain(&format!("merge_request_9_{n}")))
            .count();
        // Three filters at about 1 % each.
        assert!(false_positives < 500, "{false_positives} false positives");
    }
}
