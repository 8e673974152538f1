//! [`SyncProgress`]: counters updated while a sync runs, read by progress bars and heartbeats.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters of a running sync. Shared by reference (or `Arc`) between the engine, which
/// updates them, and whoever reports progress. All reads are snapshots.
#[derive(Debug, Default)]
pub struct SyncProgress {
    by_type: Mutex<BTreeMap<String, u64>>,
    created: AtomicU64,
    updated: AtomicU64,
    unchanged: AtomicU64,
    deleted: AtomicU64,
    bytes: AtomicU64,
}

impl SyncProgress {
    /// Counts one document of `doc_type` received from the source.
    pub fn document_seen(&self, doc_type: &str) {
        let mut by_type = self
            .by_type
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match by_type.get_mut(doc_type) {
            Some(count) => *count += 1,
            None => {
                by_type.insert(doc_type.to_owned(), 1);
            }
        }
    }

    pub(crate) fn add_written(&self, created: u64, updated: u64, bytes: u64) {
        self.created.fetch_add(created, Ordering::Relaxed);
        self.updated.fetch_add(updated, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn add_unchanged(&self, count: u64) {
        self.unchanged.fetch_add(count, Ordering::Relaxed);
    }

    pub(crate) fn add_deleted(&self, count: u64) {
        self.deleted.fetch_add(count, Ordering::Relaxed);
    }

    /// Documents received so far, by `type`.
    pub fn by_type(&self) -> BTreeMap<String, u64> {
        self.by_type
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }

    /// Documents written that were new to the sink.
    pub fn created(&self) -> u64 {
        self.created.load(Ordering::Relaxed)
    }

    /// Documents written over an existing copy.
    pub fn updated(&self) -> u64 {
        self.updated.load(Ordering::Relaxed)
    }

    /// Documents skipped because the sink already held the same content.
    pub fn unchanged(&self) -> u64 {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Stale documents deleted.
    pub fn deleted(&self) -> u64 {
        self.deleted.load(Ordering::Relaxed)
    }

    /// Bytes of `_source` written.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Documents indexed so far (created + updated + unchanged): what the connector protocol
    /// reports as `indexed_document_count`.
    pub fn indexed(&self) -> u64 {
        self.created() + self.updated() + self.unchanged()
    }
}
