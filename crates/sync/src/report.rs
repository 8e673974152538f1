//! [`SyncReport`]: what a finished sync did.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// How a sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Everything listed and written.
    Complete,
    /// Finished, but some scope was incomplete or some documents were refused; stale documents
    /// of incomplete scopes were kept.
    Partial,
    /// Stopped on request; nothing was deleted.
    Canceled,
}

/// The summary of one sync.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// How it ended.
    pub outcome: Outcome,
    /// Documents received from the source, by `type` (after rules).
    pub documents_by_type: BTreeMap<String, u64>,
    /// Documents written that were new.
    pub created: u64,
    /// Documents written over an older copy.
    pub updated: u64,
    /// Documents already stored with the same content (not rewritten).
    pub unchanged: u64,
    /// Stale documents deleted.
    pub deleted: u64,
    /// Stale documents kept because their scope was incomplete.
    pub kept_in_incomplete_scopes: u64,
    /// Documents the source could read only in part (a follow-up for their nested lists
    /// failed) whose stored copy was kept rather than overwritten with less.
    pub kept_stored_copies: u64,
    /// Documents excluded by sync rules.
    pub filtered_out: u64,
    /// Documents emitted twice by the source (written once).
    pub duplicates: u64,
    /// Things the source skipped, with reasons (the first [`MAX_LISTED`] of them).
    pub skipped: Vec<Listed>,
    /// How many things the source skipped in all.
    pub skipped_count: u64,
    /// Documents the sink refused, with reasons (the first [`MAX_LISTED`]).
    pub failed: Vec<Listed>,
    /// How many documents the sink refused in all.
    pub failed_count: u64,
    /// Scopes whose listing did not complete, with reasons.
    pub incomplete_scopes: Vec<Listed>,
    /// Bytes of `_source` written.
    pub bytes_written: u64,
    /// Wall time.
    #[serde(serialize_with = "as_secs")]
    pub duration: Duration,
}

/// Cap on the skipped / failed entries kept in a report; the counts stay exact.
pub const MAX_LISTED: usize = 100;

/// One listed problem: what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// The document id, GitLab object or scope concerned.
    pub what: String,
    /// Why.
    pub reason: String,
}

impl SyncReport {
    /// Documents received in all.
    pub fn documents(&self) -> u64 {
        self.documents_by_type.values().sum()
    }

    /// Documents indexed (created + updated + unchanged).
    pub fn indexed(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

fn as_secs<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}
