//! [`Emitter`]: the sending half of the bounded channel behind the event stream.

use std::sync::Arc;

use connector_core::{Document, ScopeKey, SourceError, SourceEvent};
use gitlab_client::BadNode;
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::Error;
use crate::listing::{FollowUp, bad_nodes, decode_nodes};

/// Events waiting between the source and its consumer. Bounded, so a slow sink slows the
/// fetching down instead of piling documents up in memory (a page of 100 items plus the
/// follow-ups of a few concurrent projects fits comfortably).
pub const CHANNEL_CAPACITY: usize = 256;

/// Listing pages held at once across the whole sync: being fetched, queued, or being turned
/// into documents. Project concurrency sets how many listings advance side by side (the
/// latency bound wants many); this budget keeps their pages from piling up in memory when the
/// sink is the slower side.
pub const PAGES_IN_MEMORY: usize = 8;

/// The consumer dropped the stream; producers stop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Closed;

/// Sends events to the stream's consumer.
#[derive(Clone)]
pub(crate) struct Emitter {
    tx: mpsc::Sender<Result<SourceEvent, SourceError>>,
    pages: Arc<Semaphore>,
}

impl Emitter {
    /// Wraps the sending half of the channel.
    pub(crate) fn new(tx: mpsc::Sender<Result<SourceEvent, SourceError>>) -> Self {
        Emitter {
            tx,
            pages: Arc::new(Semaphore::new(PAGES_IN_MEMORY)),
        }
    }

    /// Waits for room for one more listing page ([`PAGES_IN_MEMORY`]); the room is given back
    /// when the permit is dropped, once the page's documents are sent.
    pub(crate) async fn page_room(&self) -> OwnedSemaphorePermit {
        Arc::clone(&self.pages)
            .acquire_owned()
            .await
            .expect("the page budget is never closed")
    }

    async fn send(&self, event: Result<SourceEvent, SourceError>) -> Result<(), Closed> {
        self.tx.send(event).await.map_err(|_| Closed)
    }

    /// Emits a document.
    pub(crate) async fn document(&self, doc: Document) -> Result<(), Closed> {
        self.send(Ok(SourceEvent::Document(doc))).await
    }

    /// Emits the document of an item completed with follow-ups: as read whole, or, when
    /// `problems` say some of its data may be missing, as read only in part
    /// ([`SourceEvent::IncompleteDocument`]: a stored copy is kept rather than overwritten).
    pub(crate) async fn item_document(
        &self,
        doc: Document,
        problems: &Problems,
    ) -> Result<(), Closed> {
        let event = if problems.incomplete.is_empty() {
            SourceEvent::Document(doc)
        } else {
            SourceEvent::IncompleteDocument(doc)
        };
        self.send(Ok(event)).await
    }

    /// Reports something deliberately left out.
    pub(crate) async fn skipped(
        &self,
        what: impl Into<String>,
        reason: impl Into<String>,
    ) -> Result<(), Closed> {
        let (what, reason) = (what.into(), reason.into());
        tracing::warn!(what = %what, reason = %reason, "skipped");
        self.send(Ok(SourceEvent::Skipped { what, reason })).await
    }

    /// Reports a scope whose listing did not complete (the sync engine logs it, once).
    pub(crate) async fn incomplete(
        &self,
        scope: ScopeKey,
        reason: impl Into<String>,
    ) -> Result<(), Closed> {
        let reason = reason.into();
        self.send(Ok(SourceEvent::Incomplete { scope, reason }))
            .await
    }

    /// Ends the stream with a fatal error. It is not logged here: the consumer gets it as a
    /// value and reports it once (the CLI's `error:` line, the service's job state and log).
    pub(crate) async fn fatal(&self, error: Error) {
        // Nothing to do when the consumer is already gone.
        let _ = self.send(Err(Box::new(error))).await;
    }
}

/// Problems met while completing one item, reported after its document.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    /// Nested entries that did not decode: `(what, reason)`.
    pub skipped: Vec<(String, String)>,
    /// Reasons the item's scope may be missing data.
    pub incomplete: Vec<String>,
}

impl Problems {
    /// Records nodes that did not decode.
    pub(crate) fn skip(&mut self, bad: Vec<(String, String)>) {
        self.skipped.extend(bad);
    }

    /// Records the nodes of a `kind` listing page that did not decode: each is reported skipped,
    /// and the listing's scope incomplete, so the stored copies of those items are kept rather
    /// than deleted as stale (the items still exist; this sync could not read them).
    pub(crate) fn malformed(&mut self, kind: &str, bad: Vec<BadNode>) {
        if bad.is_empty() {
            return;
        }
        self.incomplete(format!(
            "{} {kind} node(s) did not decode; their stored documents are kept",
            bad.len()
        ));
        self.skip(bad_nodes(kind, bad));
    }

    /// Records that data may be missing, and why.
    pub(crate) fn incomplete(&mut self, reason: impl Into<String>) {
        self.incomplete.push(reason.into());
    }

    /// Takes over the problems recorded elsewhere (by a concurrent follow-up).
    pub(crate) fn absorb(&mut self, other: Problems) {
        self.skipped.extend(other.skipped);
        self.incomplete.extend(other.incomplete);
    }

    /// The nodes of a finished follow-up decoded as `T` (a node that does not decode is
    /// recorded as skipped, partial data as incomplete); `None`, recorded as incomplete, when
    /// the follow-up failed.
    pub(crate) fn settle<T: DeserializeOwned>(
        &mut self,
        label: &str,
        kind: &str,
        result: Result<FollowUp, Error>,
    ) -> Option<Vec<T>> {
        match result {
            Ok(more) => {
                self.partial(label, &more.errors);
                let (items, bad) = decode_nodes::<T>(kind, more.nodes);
                self.skip(bad);
                Some(items)
            }
            Err(error) => {
                self.incomplete(error.to_string());
                None
            }
        }
    }

    /// Records GraphQL errors that came along with data.
    pub(crate) fn partial(&mut self, what: &str, errors: &[String]) {
        if !errors.is_empty() {
            self.incomplete(format!(
                "{what}: partial data with GraphQL errors: {}",
                errors.join("; ")
            ));
        }
    }

    /// Emits everything recorded, against `scope`.
    pub(crate) async fn emit(self, out: &Emitter, scope: &ScopeKey) -> Result<(), Closed> {
        for (what, reason) in self.skipped {
            out.skipped(what, reason).await?;
        }
        for reason in self.incomplete {
            out.incomplete(scope.clone(), reason).await?;
        }
        Ok(())
    }
}
