//! What a source produces: a stream of [`SourceEvent`]s.
//!
//! Contract: events arrive as pages arrive (nothing is piled up); a listing that fails after its
//! retries yields [`SourceEvent::Incomplete`] for its scope and never ends early as if it were
//! empty; a failure that makes the whole sync meaningless (bad token, unknown configured project,
//! the project list itself failing) ends the stream with an `Err`.

use futures::stream::BoxStream;

use crate::{Document, ScopeKey};

/// One thing a source reports.
#[derive(Debug)]
pub enum SourceEvent {
    /// A document to index.
    Document(Document),
    /// A document built from an item that could be read only in part: a follow-up for its
    /// notes, labels, assignees or linked items failed, so some of its nested lists may be
    /// short. It is written only when the index holds no copy of it; a stored copy is kept, so
    /// a complete document is never overwritten with less. (The source also reports the
    /// item's scope [`SourceEvent::Incomplete`].)
    IncompleteDocument(Document),
    /// A scope whose listing did not complete: its stale documents must be kept.
    Incomplete {
        /// The scope that is incomplete.
        scope: ScopeKey,
        /// Why, for the summary and logs.
        reason: String,
    },
    /// Something deliberately left out (an oversized or binary README, a malformed item).
    Skipped {
        /// What was skipped (a document `_id` or a GitLab object).
        what: String,
        /// Why it was skipped.
        reason: String,
    },
}

/// A fatal source error: the sync cannot go on.
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// The stream a source returns.
pub type EventStream = BoxStream<'static, Result<SourceEvent, SourceError>>;
