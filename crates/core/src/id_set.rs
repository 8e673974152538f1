//! [`IdSet`]: a set of document `_id`s that costs about a byte or two per id, for the lists a
//! sync keeps of every id it touched ("already arrived in this sync", "committed by this
//! writer"). Those lists are the part of a sync's memory that grows with the number of
//! documents, so they decide how flat memory stays from a small sync to a huge one.
//!
//! Nearly every GitLab `_id` is a prefix and a number (`issue_1000_7`, `mr_1000_7`,
//! `epic_acme_12`, `project_1000`), and the numbers of one prefix are dense (the iids of one
//! project). Such ids go exactly, without hashing, into one compressed bitmap per prefix
//! (`roaring`): 5,000 issues of one project take 8 KB, where a sorted list of 64-bit hashes took
//! 40 KB. Other ids (`release_1000_v2.0.0`, `file_1000_README.md`) are few and are kept as 64-bit
//! hashes; two such ids with the same hash would count as one (unlikely below billions of ids).

use std::collections::{HashMap, HashSet};

use roaring::RoaringBitmap;

use crate::hash::fnv1a64;

/// A set of `_id`s; see the module docs for how they are stored.
#[derive(Debug, Default)]
pub struct IdSet {
    /// Ids of the form `<prefix>_<number>`, by prefix.
    numbered: HashMap<Box<str>, RoaringBitmap>,
    /// FNV-1a hashes of every other id.
    other: HashSet<u64>,
}

impl IdSet {
    /// Adds `id`; `false` when it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        match numbered_id(id) {
            Some((prefix, number)) => match self.numbered.get_mut(prefix) {
                Some(bitmap) => bitmap.insert(number),
                None => {
                    let mut bitmap = RoaringBitmap::new();
                    bitmap.insert(number);
                    self.numbered.insert(prefix.into(), bitmap);
                    true
                }
            },
            None => self.other.insert(fnv1a64(id.as_bytes())),
        }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &str) -> bool {
        match numbered_id(id) {
            Some((prefix, number)) => self.contains_numbered(prefix, number),
            None => self.other.contains(&fnv1a64(id.as_bytes())),
        }
    }

    /// Whether the id `<prefix>_<number>` (as [`numbered_id`] splits it) is in the set, without
    /// writing the id out.
    pub fn contains_numbered(&self, prefix: &str, number: u32) -> bool {
        self.numbered
            .get(prefix)
            .is_some_and(|bitmap| bitmap.contains(number))
    }

    /// Removes `id`; `false` when it was not there.
    pub fn remove(&mut self, id: &str) -> bool {
        match numbered_id(id) {
            Some((prefix, number)) => {
                let Some(bitmap) = self.numbered.get_mut(prefix) else {
                    return false;
                };
                let removed = bitmap.remove(number);
                if bitmap.is_empty() {
                    self.numbered.remove(prefix);
                }
                removed
            }
            None => self.other.remove(&fnv1a64(id.as_bytes())),
        }
    }

    /// How many ids the set holds.
    pub fn len(&self) -> u64 {
        let numbered: u64 = self.numbered.values().map(RoaringBitmap::len).sum();
        numbered + self.other.len() as u64
    }

    /// Whether the set holds no id.
    pub fn is_empty(&self) -> bool {
        self.numbered.is_empty() && self.other.is_empty()
    }
}

/// Splits an `_id` of the form `<prefix>_<number>` when the number is written the one way it
/// prints (no sign, no leading zero) and fits 32 bits, so that no two different ids share a
/// split and `format!("{prefix}_{number}")` gives the id back.
pub fn numbered_id(id: &str) -> Option<(&str, u32)> {
    let (prefix, digits) = id.rsplit_once('_')?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    Some((prefix, digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_ids_and_other_ids_are_members_exactly_once() {
        let mut set = IdSet::default();
        let ids = [
            "issue_1000_7",
            "issue_1000_8",
            "mr_1000_7",
            "epic_my-group_sub_12",
            "project_1000",
            "release_1000_v2.0.0",
            "file_1000_README.md",
            "issue_1000_07",
            "issue_1000_0",
            "issue_1000_4294967296",
            "issue_1000_-1",
            "issue_1000_",
            "no-underscore",
        ];
        for id in ids {
            assert!(!set.contains(id), "{id}");
            assert!(set.insert(id), "{id} is new");
        }
        for id in ids {
            assert!(set.contains(id), "{id}");
            assert!(!set.insert(id), "{id} is known");
        }
        assert_eq!(set.len(), ids.len() as u64);
        assert!(!set.contains("issue_1000_9"));
        assert!(!set.contains("issue_1001_7"));
        assert!(!set.contains("issue_100_07"), "another prefix");
        assert!(
            !set.contains("issue_1000_00"),
            "a leading zero is another id"
        );
        assert!(!set.contains("release_1000_v2.0.1"));
    }

    #[test]
    fn removed_ids_are_gone_and_others_stay() {
        let mut set = IdSet::default();
        for iid in 1..=5_000 {
            set.insert(&format!("issue_1000_{iid}"));
        }
        set.insert("release_1000_v1");
        assert_eq!(set.len(), 5_001);
        assert!(set.remove("issue_1000_17"));
        assert!(!set.remove("issue_1000_17"), "already gone");
        assert!(!set.remove("issue_2000_17"), "never there");
        assert!(set.remove("release_1000_v1"));
        assert!(!set.contains("issue_1000_17") && !set.contains("release_1000_v1"));
        assert!(set.contains("issue_1000_16") && set.contains("issue_1000_18"));
        assert_eq!(set.len(), 4_999);
        for iid in 1..=5_000 {
            set.remove(&format!("issue_1000_{iid}"));
        }
        assert!(set.is_empty(), "an emptied prefix is dropped");
    }

    #[test]
    fn a_project_of_dense_iids_costs_a_few_bits_per_id() {
        let mut set = IdSet::default();
        for iid in 1..=5_000 {
            set.insert(&format!("issue_1000_{iid}"));
        }
        let bytes = set.numbered["issue_1000"].serialized_size();
        assert!(bytes < 5_000 * 2, "{bytes} bytes for 5,000 ids");
    }
}
