//! The ids a writer has committed itself, as a [`connector_core::IdSet`] (a byte or two per id).
//!
//! Upserting needs to know whether an id is already in the index. Asking the index means
//! opening every segment, and the pages that maps count as the connector's memory (about
//! 0.3 MB per segment: 9 MB at the end of a 275,000 document sync, 23 segments). When the index
//! was empty as the writer opened it, an id can only be there if this writer committed it (and
//! did not delete it since), so this set answers alone and a first sync never opens a reader.

use connector_core::IdSet;

/// The ids this writer has committed and not deleted since.
#[derive(Debug, Default)]
pub(crate) struct CommittedIds {
    ids: IdSet,
}

impl CommittedIds {
    /// Records one commit: `written` ids are now in the index, `deleted` ones are not.
    pub(crate) fn add_commit<'a>(
        &mut self,
        written: impl Iterator<Item = &'a str>,
        deleted: impl Iterator<Item = &'a str>,
    ) {
        for id in written {
            self.ids.insert(id);
        }
        for id in deleted {
            self.ids.remove(id);
        }
    }

    /// Whether this writer committed `id` (and has not deleted it since).
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::Range<u32>) -> Vec<String> {
        range.map(|n| format!("issue_1_{n}")).collect()
    }

    #[test]
    fn commits_accumulate_and_deletes_remove() {
        let mut committed = CommittedIds::default();
        assert!(!committed.contains("issue_1_1"));
        let first = ids(0..1_000);
        committed.add_commit(first.iter().map(String::as_str), std::iter::empty());
        // The second commit rewrites 500..1000 and deletes 0..10.
        let second = ids(500..2_000);
        let gone = ids(0..10);
        committed.add_commit(
            second.iter().map(String::as_str),
            gone.iter().map(String::as_str),
        );
        assert!(ids(10..2_000).iter().all(|id| committed.contains(id)));
        assert!(gone.iter().all(|id| !committed.contains(id)));
        assert!(!committed.contains("issue_1_2000"));
        assert_eq!(committed.ids.len(), 1_990, "no duplicates");
    }
}
