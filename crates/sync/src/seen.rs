//! [`Ledger`]: what the sink held before the sync, checked against what arrives, so what never
//! arrived is stale.
//!
//! Memory matters here: the ledger holds one entry per stored document, and a full sync of an
//! index that already holds everything (the usual daily sync) lists all of them. So the sink's
//! listing is taken document by document ([`LedgerBuilder`]), never as one list; ids of the form
//! `<prefix>_<number>` (nearly all of them) are kept as a number in a sorted list per prefix,
//! scopes are interned, and what arrived is an [`IdSet`] (a byte or two per id).

use std::collections::{HashMap, HashSet};

use connector_core::id_set::numbered_id;
use connector_core::{ExistingDoc, IdSet, ScopeKey};

/// The sink's documents before the sync, and the ids that arrived since.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Documents with `<prefix>_<number>` ids: per prefix, sorted by number, no duplicates.
    numbered: HashMap<Box<str>, Vec<Numbered>>,
    /// Every other document, by id.
    other: HashMap<Box<str>, Entry>,
    scopes: Vec<Option<ScopeKey>>,
    scope_ids: HashMap<Option<ScopeKey>, u32>,
    /// Ids that arrived in this sync.
    seen: IdSet,
}

/// What the ledger keeps of a listed document.
#[derive(Debug, Clone, Copy)]
struct Entry {
    scope: u32,
    content_hash: Option<u64>,
}

/// A listed document with a numbered id, in 16 bytes (one per stored document adds up: 275,000
/// documents take 4.4 MB): its number, its [`Entry`] with the "has a hash" flag in the top bit
/// of the scope.
#[derive(Debug, Clone, Copy)]
struct Numbered {
    content_hash: u64,
    number: u32,
    scope_and_flag: u32,
}

/// The top bit of [`Numbered::scope_and_flag`]: the document has a content hash.
const HAS_HASH: u32 = 1 << 31;

impl Numbered {
    fn new(number: u32, entry: Entry) -> Self {
        let flag = if entry.content_hash.is_some() {
            HAS_HASH
        } else {
            0
        };
        Numbered {
            content_hash: entry.content_hash.unwrap_or(0),
            number,
            scope_and_flag: (entry.scope & !HAS_HASH) | flag,
        }
    }

    fn entry(&self) -> Entry {
        Entry {
            scope: self.scope_and_flag & !HAS_HASH,
            content_hash: (self.scope_and_flag & HAS_HASH != 0).then_some(self.content_hash),
        }
    }
}

/// What the ledger knows about a document that just arrived.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// First time in this sync; the sink held it with this content hash (if at all).
    New { stored_hash: Option<Option<u64>> },
    /// Already arrived earlier in this sync.
    Duplicate,
}

/// Takes the sink's listing one document at a time; [`LedgerBuilder::build`] gives the ledger.
#[derive(Debug, Default)]
pub(crate) struct LedgerBuilder {
    ledger: Ledger,
    listed: u64,
}

impl LedgerBuilder {
    /// Records one document the sink holds.
    pub(crate) fn add(&mut self, doc: ExistingDoc) {
        self.listed += 1;
        let ledger = &mut self.ledger;
        let entry = Entry {
            scope: ledger.intern(doc.scope),
            content_hash: doc.content_hash,
        };
        match numbered_id(&doc.id) {
            Some((prefix, number)) => {
                let listed = Numbered::new(number, entry);
                match ledger.numbered.get_mut(prefix) {
                    Some(entries) => entries.push(listed),
                    None => {
                        ledger.numbered.insert(prefix.into(), vec![listed]);
                    }
                }
            }
            None => {
                ledger.other.insert(doc.id.into_boxed_str(), entry);
            }
        }
    }

    /// How many documents were listed.
    pub(crate) fn listed(&self) -> u64 {
        self.listed
    }

    /// The ledger, ready for arrivals.
    pub(crate) fn build(mut self) -> Ledger {
        for entries in self.ledger.numbered.values_mut() {
            entries.sort_unstable_by_key(|listed| listed.number);
            entries.dedup_by_key(|listed| listed.number);
            entries.shrink_to_fit();
        }
        self.ledger
    }
}

impl Ledger {
    fn intern(&mut self, scope: Option<ScopeKey>) -> u32 {
        if let Some(id) = self.scope_ids.get(&scope) {
            return *id;
        }
        let id = u32::try_from(self.scopes.len()).map_or(HAS_HASH - 1, |id| id.min(HAS_HASH - 1));
        self.scopes.push(scope.clone());
        self.scope_ids.insert(scope, id);
        id
    }

    /// What the sink held under `id`.
    fn stored(&self, id: &str) -> Option<Entry> {
        match numbered_id(id) {
            Some((prefix, number)) => {
                let entries = self.numbered.get(prefix)?;
                let at = entries
                    .binary_search_by_key(&number, |listed| listed.number)
                    .ok()?;
                Some(entries[at].entry())
            }
            None => self.other.get(id).copied(),
        }
    }

    /// Ticks off a document id.
    pub(crate) fn arrive(&mut self, id: &str) -> Arrival {
        if !self.seen.insert(id) {
            return Arrival::Duplicate;
        }
        let stored_hash = self.stored(id).map(|entry| entry.content_hash);
        Arrival::New { stored_hash }
    }

    /// Splits what the sink held and never arrived into (to delete, kept), keeping documents
    /// whose scope is in `incomplete`.
    pub(crate) fn stale(self, incomplete: &HashSet<ScopeKey>) -> (Vec<String>, u64) {
        let mut delete = Vec::new();
        let mut kept = 0;
        // The id is written out only for a document that is deleted.
        let mut judge = |entry: Entry, id: &dyn Fn() -> String| {
            let scope = self
                .scopes
                .get(entry.scope as usize)
                .and_then(Option::as_ref);
            if scope.is_some_and(|scope| incomplete.contains(scope)) {
                kept += 1;
            } else {
                delete.push(id());
            }
        };
        for (prefix, entries) in &self.numbered {
            for listed in entries {
                if !self.seen.contains_numbered(prefix, listed.number) {
                    judge(listed.entry(), &|| format!("{prefix}_{}", listed.number));
                }
            }
        }
        for (id, entry) in &self.other {
            if !self.seen.contains(id) {
                judge(*entry, &|| id.to_string());
            }
        }
        delete.sort_unstable();
        (delete, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::ObjectKind;

    fn doc(id: &str, project: &str, hash: u64) -> ExistingDoc {
        ExistingDoc {
            id: id.into(),
            scope: Some(ScopeKey::Project {
                project_id: project.into(),
                kind: ObjectKind::Issues,
            }),
            content_hash: Some(hash),
        }
    }

    fn ledger(docs: impl IntoIterator<Item = ExistingDoc>) -> Ledger {
        let mut builder = LedgerBuilder::default();
        docs.into_iter().for_each(|doc| builder.add(doc));
        builder.build()
    }

    #[test]
    fn unseen_documents_are_stale_unless_their_scope_is_incomplete() {
        let mut ledger = ledger([doc("a", "1", 1), doc("b", "1", 2), doc("c", "2", 3)]);
        assert_eq!(
            ledger.arrive("a"),
            Arrival::New {
                stored_hash: Some(Some(1))
            }
        );
        assert_eq!(ledger.arrive("a"), Arrival::Duplicate);
        assert_eq!(ledger.arrive("z"), Arrival::New { stored_hash: None });
        let incomplete = HashSet::from([ScopeKey::Project {
            project_id: "2".into(),
            kind: ObjectKind::Issues,
        }]);
        let (delete, kept) = ledger.stale(&incomplete);
        assert_eq!(delete, vec!["b".to_owned()]);
        assert_eq!(kept, 1);
    }

    #[test]
    fn numbered_and_other_ids_are_found_and_judged_alike() {
        let listed = [
            doc("issue_1_3", "1", 3),
            doc("issue_1_1", "1", 1),
            doc("issue_1_2", "1", 2),
            doc("issue_1_1", "1", 1),
            doc("issue_1_01", "1", 9),
            doc("release_1_v1.0", "1", 4),
            doc("mr_2_7", "2", 7),
            ExistingDoc {
                content_hash: None,
                ..doc("mr_2_8", "2", 0)
            },
        ];
        let mut builder = LedgerBuilder::default();
        listed.into_iter().for_each(|doc| builder.add(doc));
        assert_eq!(builder.listed(), 8);
        let mut ledger = builder.build();
        let stored = |hash| Arrival::New {
            stored_hash: Some(Some(hash)),
        };
        assert_eq!(ledger.arrive("issue_1_2"), stored(2));
        assert_eq!(ledger.arrive("issue_1_01"), stored(9), "not issue_1_1");
        assert_eq!(ledger.arrive("release_1_v1.0"), stored(4));
        assert_eq!(
            ledger.arrive("issue_1_4"),
            Arrival::New { stored_hash: None }
        );
        assert_eq!(
            ledger.arrive("mr_2_8"),
            Arrival::New {
                stored_hash: Some(None)
            },
            "listed without a hash"
        );
        assert_eq!(ledger.arrive("issue_1_2"), Arrival::Duplicate);
        let incomplete = HashSet::from([ScopeKey::Project {
            project_id: "2".into(),
            kind: ObjectKind::Issues,
        }]);
        let (delete, kept) = ledger.stale(&incomplete);
        assert_eq!(
            delete,
            ["issue_1_1", "issue_1_3"],
            "listed twice, deleted once"
        );
        assert_eq!(kept, 1, "mr_2_7 is in an incomplete scope");
        assert_eq!(std::mem::size_of::<Numbered>(), 16);
    }
}
