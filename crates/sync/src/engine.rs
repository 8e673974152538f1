//! [`run`]: one sync, from the first event to the final commit.

use std::collections::HashSet;
use std::time::Instant;

use connector_core::{
    Document, DocumentFilter, EventStream, ScopeKey, Sink, SinkError, SourceError, SourceEvent,
};
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::batch::Batcher;
use crate::progress::SyncProgress;
use crate::report::{Listed, MAX_LISTED, Outcome, SyncReport};
use crate::seen::{Arrival, Ledger, LedgerBuilder};

/// Documents per write batch. Elastic's connector sends at most 250 documents per `_bulk`
/// (`elasticsearch.bulk.chunk_size` = 500 NDJSON lines); sinks may cut batches smaller.
pub const DEFAULT_BATCH_DOCS: usize = 250;

/// Approximate bytes per write batch, after Elastic's `chunk_max_mem_size` default (3 MiB).
pub const DEFAULT_BATCH_BYTES: usize = 3 * 1024 * 1024;

/// Stale ids deleted per sink call, so a large deletion is not one giant request.
const DELETE_CHUNK: usize = 500;

/// Whether stale documents are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncMode {
    /// Everything is listed; documents not seen are deleted (except in incomplete scopes).
    #[default]
    Full,
    /// Only changed items are listed; nothing is deleted.
    Incremental,
}

/// How one sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Full or incremental.
    pub mode: SyncMode,
    /// Most documents per write batch.
    pub batch_docs: usize,
    /// Approximate most bytes per write batch.
    pub batch_bytes: usize,
    /// Skip writing documents whose stored content hash is identical.
    pub skip_unchanged: bool,
    /// Stops the sync early; nothing is deleted then.
    pub cancel: CancellationToken,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            mode: SyncMode::Full,
            batch_docs: DEFAULT_BATCH_DOCS,
            batch_bytes: DEFAULT_BATCH_BYTES,
            skip_unchanged: true,
            cancel: CancellationToken::new(),
        }
    }
}

/// A sync that could not finish.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The source failed as a whole (bad token, unknown project, project list failing).
    #[error("GitLab")]
    Source(#[source] SourceError),
    /// The sink failed.
    #[error("{action}")]
    Sink {
        /// What the engine was doing (listing, writing, deleting, committing).
        action: &'static str,
        /// The sink's error.
        #[source]
        source: SinkError,
    },
}

fn sink_error(action: &'static str) -> impl FnOnce(SinkError) -> SyncError {
    move |source| SyncError::Sink { action, source }
}

/// Runs one sync of `events` into `sink`, applying `filter`, updating `progress` as it goes.
///
/// Stale deletion happens only in [`SyncMode::Full`], only when the source ended normally and
/// the sync was not canceled, and never in a scope the source reported incomplete. When the
/// source fails as a whole, what was written stays (it is valid), nothing is deleted, and the
/// error is returned.
///
/// A cancel stops the sync where it stands, also in the middle of listing the sink (then
/// nothing is written or deleted), of a write being retried, or of a delete.
pub async fn run<S: Sink>(
    mut events: EventStream,
    sink: &mut S,
    filter: &dyn DocumentFilter,
    options: &SyncOptions,
    progress: &SyncProgress,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut listing = LedgerBuilder::default();
    let listed = options
        .cancel
        .run_until_cancelled(sink.existing(&mut |doc| listing.add(doc)))
        .await;
    let Some(listed) = listed else {
        // Canceled while listing: nothing written, and a cut listing never decides deletes.
        tracing::info!(
            documents = listing.listed(),
            "canceled while listing the index"
        );
        let state = RunState::new(Ledger::default(), options);
        return Ok(state.into_report(true, 0, progress, started));
    };
    listed.map_err(sink_error("listing the index"))?;
    tracing::info!(documents = listing.listed(), "index listed");
    let mut state = RunState::new(listing.build(), options);

    let mut canceled = false;
    let mut source_failure = None;
    loop {
        let event = tokio::select! {
            biased;
            () = options.cancel.cancelled() => { canceled = true; break; }
            event = events.next() => event,
        };
        match event {
            None => break,
            Some(Err(error)) => {
                source_failure = Some(error);
                break;
            }
            Some(Ok(event)) => {
                if let Some(batch) = state.accept(event, filter, progress)
                    && state.write(sink, batch, progress, &options.cancel).await?
                        == Written::Canceled
                {
                    canceled = true;
                    break;
                }
            }
        }
    }
    drop(events);
    if let Some(batch) = state.batcher.take() {
        canceled |= state.write(sink, batch, progress, &options.cancel).await? == Written::Canceled;
    }

    if let Some(error) = source_failure {
        sink.finish().await.map_err(sink_error("committing"))?;
        return Err(SyncError::Source(error));
    }

    let (stale, kept) = if options.mode == SyncMode::Full && !canceled {
        state.ledger_take().stale(&state.incomplete)
    } else {
        (Vec::new(), 0)
    };
    for chunk in stale.chunks(DELETE_CHUNK) {
        let Some(deleted) = options
            .cancel
            .run_until_cancelled(sink.delete(chunk.to_vec()))
            .await
        else {
            canceled = true;
            break;
        };
        progress.add_deleted(deleted.map_err(sink_error("deleting stale documents"))?);
    }
    sink.finish().await.map_err(sink_error("committing"))?;

    Ok(state.into_report(canceled, kept, progress, started))
}

/// Whether a write got the sink's answer, or was abandoned because the sync was canceled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// The sink answered; its report is counted.
    Done,
    /// Canceled first: the write was dropped where it stood (a `_bulk` in flight or being
    /// retried); what it stored, if anything, is an upsert by `_id` the next sync repeats.
    Canceled,
}

/// Whether the source could read all of a document's item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Everything: the document replaces any stored copy.
    Whole,
    /// Only in part ([`SourceEvent::IncompleteDocument`]): a stored copy is kept.
    InPart,
}

/// Everything a running sync keeps between events.
struct RunState {
    ledger: Option<Ledger>,
    batcher: Batcher,
    skip_unchanged: bool,
    incomplete: HashSet<ScopeKey>,
    incomplete_listed: Vec<Listed>,
    skipped: Vec<Listed>,
    skipped_count: u64,
    failed: Vec<Listed>,
    failed_count: u64,
    filtered_out: u64,
    duplicates: u64,
    /// Documents read only in part whose stored copy was kept.
    kept_stored: u64,
}

impl RunState {
    fn new(ledger: Ledger, options: &SyncOptions) -> Self {
        RunState {
            ledger: Some(ledger),
            batcher: Batcher::new(options.batch_docs, options.batch_bytes),
            skip_unchanged: options.skip_unchanged,
            incomplete: HashSet::new(),
            incomplete_listed: Vec::new(),
            skipped: Vec::new(),
            skipped_count: 0,
            failed: Vec::new(),
            failed_count: 0,
            filtered_out: 0,
            duplicates: 0,
            kept_stored: 0,
        }
    }

    fn ledger_take(&mut self) -> Ledger {
        self.ledger.take().unwrap_or_default()
    }

    /// Handles one event; returns a batch when one is full.
    fn accept(
        &mut self,
        event: SourceEvent,
        filter: &dyn DocumentFilter,
        progress: &SyncProgress,
    ) -> Option<Vec<Document>> {
        match event {
            SourceEvent::Document(doc) => self.accept_document(doc, Read::Whole, filter, progress),
            SourceEvent::IncompleteDocument(doc) => {
                self.accept_document(doc, Read::InPart, filter, progress)
            }
            SourceEvent::Incomplete { scope, reason } => {
                self.incomplete_scope(scope, reason);
                None
            }
            SourceEvent::Skipped { what, reason } => {
                tracing::debug!(%what, %reason, "skipped");
                self.skipped_count += 1;
                if self.skipped.len() < MAX_LISTED {
                    self.skipped.push(Listed { what, reason });
                }
                None
            }
        }
    }

    /// Records a scope whose listing did not complete. A scope is logged and listed once, with
    /// the first reason given for it; later reasons go to the debug log.
    fn incomplete_scope(&mut self, scope: ScopeKey, reason: String) {
        if self.incomplete.contains(&scope) {
            tracing::debug!(%scope, %reason, "listing incomplete, once more");
            return;
        }
        tracing::warn!(%scope, %reason, "listing incomplete; its stale documents are kept");
        self.incomplete_listed.push(Listed {
            what: scope.to_string(),
            reason,
        });
        self.incomplete.insert(scope);
    }

    /// Handles one document: filtered, counted, skipped when unchanged, and batched. A document
    /// read only in part is written only when the index has no copy of it.
    fn accept_document(
        &mut self,
        doc: Document,
        read: Read,
        filter: &dyn DocumentFilter,
        progress: &SyncProgress,
    ) -> Option<Vec<Document>> {
        if !filter.accepts(&doc) {
            self.filtered_out += 1;
            return None;
        }
        let ledger = self.ledger.as_mut()?;
        match ledger.arrive(&doc.id) {
            Arrival::Duplicate => {
                self.duplicates += 1;
                None
            }
            Arrival::New { stored_hash } => {
                progress.document_seen(&doc.doc_type);
                if read == Read::InPart && stored_hash.is_some() {
                    tracing::warn!(
                        id = %doc.id,
                        "kept the stored copy: this sync could read the item only in part"
                    );
                    self.kept_stored += 1;
                    return None;
                }
                let unchanged = self.skip_unchanged
                    && stored_hash
                        .flatten()
                        .is_some_and(|hash| hash == doc.content_hash());
                if unchanged {
                    progress.add_unchanged(1);
                    None
                } else {
                    self.batcher.push(doc)
                }
            }
        }
    }

    /// Writes `batch` unless `cancel` fires first (see [`Written`]).
    async fn write<S: Sink>(
        &mut self,
        sink: &mut S,
        batch: Vec<Document>,
        progress: &SyncProgress,
        cancel: &CancellationToken,
    ) -> Result<Written, SyncError> {
        let Some(report) = cancel.run_until_cancelled(sink.write(batch)).await else {
            return Ok(Written::Canceled);
        };
        let report = report.map_err(sink_error("writing documents"))?;
        let failed = report.failed.len() as u64;
        progress.add_written(report.created, report.updated, report.bytes);
        self.failed_count += failed;
        for (id, reason) in report.failed {
            tracing::warn!(%id, %reason, "document refused by the index");
            if self.failed.len() < MAX_LISTED {
                self.failed.push(Listed { what: id, reason });
            }
        }
        Ok(Written::Done)
    }

    fn into_report(
        self,
        canceled: bool,
        kept: u64,
        progress: &SyncProgress,
        started: Instant,
    ) -> SyncReport {
        let outcome = if canceled {
            Outcome::Canceled
        } else if !self.incomplete.is_empty() || self.failed_count > 0 {
            Outcome::Partial
        } else {
            Outcome::Complete
        };
        SyncReport {
            outcome,
            documents_by_type: progress.by_type(),
            created: progress.created(),
            updated: progress.updated(),
            unchanged: progress.unchanged(),
            deleted: progress.deleted(),
            kept_in_incomplete_scopes: kept,
            kept_stored_copies: self.kept_stored,
            filtered_out: self.filtered_out,
            duplicates: self.duplicates,
            skipped: self.skipped,
            skipped_count: self.skipped_count,
            failed: self.failed,
            failed_count: self.failed_count,
            incomplete_scopes: self.incomplete_listed,
            bytes_written: progress.bytes(),
            duration: started.elapsed(),
        }
    }
}
