//! [`Ledger`]: what the sink held before the sync, ticked off as documents arrive, so what is
//! left at the end is stale.
//!
//! Memory matters here (one entry per stored document), so ids are boxed strings, scopes are
//! interned, and the "already seen in this sync" set is an [`IdSet`] (a byte or two per id).

use std::collections::{HashMap, HashSet};

use connector_core::{ExistingDoc, IdSet, ScopeKey};

/// The sink's documents not yet seen in this sync.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    unseen: HashMap<Box<str>, Entry>,
    scopes: Vec<Option<ScopeKey>>,
    scope_ids: HashMap<Option<ScopeKey>, u32>,
    seen: IdSet,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    scope: u32,
    content_hash: Option<u64>,
}

/// What the ledger knows about a document that just arrived.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// First time in this sync; the sink held it with this content hash (if at all).
    New { stored_hash: Option<Option<u64>> },
    /// Already arrived earlier in this sync.
    Duplicate,
}

impl Ledger {
    /// Builds the ledger from the sink's listing.
    pub(crate) fn new(existing: Vec<ExistingDoc>) -> Self {
        let mut ledger = Ledger::default();
        ledger.unseen.reserve(existing.len());
        for doc in existing {
            let scope = ledger.intern(doc.scope);
            let entry = Entry {
                scope,
                content_hash: doc.content_hash,
            };
            ledger.unseen.insert(doc.id.into_boxed_str(), entry);
        }
        ledger
    }

    fn intern(&mut self, scope: Option<ScopeKey>) -> u32 {
        if let Some(id) = self.scope_ids.get(&scope) {
            return *id;
        }
        let id = u32::try_from(self.scopes.len()).unwrap_or(u32::MAX);
        self.scopes.push(scope.clone());
        self.scope_ids.insert(scope, id);
        id
    }

    /// Ticks off a document id.
    pub(crate) fn arrive(&mut self, id: &str) -> Arrival {
        if !self.seen.insert(id) {
            return Arrival::Duplicate;
        }
        let stored_hash = self.unseen.remove(id).map(|entry| entry.content_hash);
        Arrival::New { stored_hash }
    }

    /// Splits what was never seen into (to delete, kept), keeping documents whose scope is
    /// in `incomplete`.
    pub(crate) fn stale(self, incomplete: &HashSet<ScopeKey>) -> (Vec<String>, u64) {
        let mut delete = Vec::new();
        let mut kept = 0;
        for (id, entry) in self.unseen {
            let scope = self
                .scopes
                .get(entry.scope as usize)
                .and_then(Option::as_ref);
            if scope.is_some_and(|scope| incomplete.contains(scope)) {
                kept += 1;
            } else {
                delete.push(id.into_string());
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

    #[test]
    fn unseen_documents_are_stale_unless_their_scope_is_incomplete() {
        let mut ledger = Ledger::new(vec![doc("a", "1", 1), doc("b", "1", 2), doc("c", "2", 3)]);
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
}
