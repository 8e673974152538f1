//! The writer thread: the only place tantivy's `IndexWriter` lives.
//!
//! Tantivy blocks while it indexes, commits and merges, so it runs on its own std thread fed by
//! a bounded channel; async callers await a oneshot reply and never block a runtime worker.
//! Closing the channel (dropping the [`crate::LocalIndex`]) stops the thread: uncommitted work
//! is discarded and in-flight merges are abandoned, which tantivy tolerates without damage.
//!
//! Memory stays flat however many documents a sync writes: the thread commits on its own every
//! [`COMMIT_EVERY_DOCS`] changes or [`COMMIT_EVERY_BYTES`] of `_source` (tantivy keeps queued
//! documents, deletes and segment bookkeeping until a commit, and so does `pending`), merges run
//! one at a time, [`BoundedMergePolicy`] bounds what each merge maps into memory, and
//! [`InFlight`] bounds tantivy's queue of documents waiting to be indexed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use connector_core::{Document, ExistingDoc, WriteReport};
use tantivy::indexer::IndexWriterOptions;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};
use tokio::sync::{mpsc, oneshot};

use crate::LocalIndexError;
use crate::committed_ids::CommittedIds;
use crate::in_flight::{InFlight, TrackedDocument};
use crate::merge_policy::BoundedMergePolicy;
use crate::schema::Fields;
use crate::store;

/// Memory budget of the tantivy writer. One indexing thread with 24 MB keeps peak memory flat
/// and well under the local-index target (80 MB, bench/README.md): a second thread doubled the
/// arenas without making syncs faster, since GitLab JSON decoding already keeps the other core
/// busy. Larger budgets only make segments bigger, which a sync of GitLab text does not need.
pub const WRITER_MEMORY_BUDGET: usize = 24_000_000;

/// Tantivy indexing threads (see [`WRITER_MEMORY_BUDGET`]).
const WRITER_THREADS: usize = 1;

/// Tantivy merge threads. Each running merge maps its input segments into memory; one at a
/// time keeps that bounded by [`crate::merge_policy::MAX_MERGE_BYTES`] (tantivy's default is
/// four, on a machine whose other core decodes GitLab JSON anyway).
const MERGE_THREADS: usize = 1;

/// Changes (upserts and deletes) after which the local index commits without being asked.
/// Tantivy holds every queued delete and the bookkeeping of uncommitted segments until a
/// commit, and the writer remembers each id changed since then; this bounds all of it when
/// documents are tiny. GitLab documents reach [`COMMIT_EVERY_BYTES`] first.
pub const COMMIT_EVERY_DOCS: u64 = 10_000;

/// Bytes of `_source` after which the local index commits without being asked: the cadence of
/// a sync. Tantivy's in-memory segment (postings and positions of the text, plus its 4 MB term
/// table) grows with the text indexed since the last commit, and was the part of a sync's
/// memory that grew with its size: at 10,000 documents (26 MB of `_source`) per commit the
/// segment took ~4 MB more than after a small sync's 813, and its commit briefly 1.3 MB more
/// again. At 12 MB (about 4,600 GitLab documents, a 4-5 MB segment) it stays near 2 MB; a
/// README of 10 MB commits alone. Smaller commits only add segments: 2,500 documents measured
/// no lower than 5,000. The segments are not merged during the sync (see
/// [`crate::merge_policy::MAX_MERGE_BYTES`]), so a 275,000 document index has ~55 of them.
pub const COMMIT_EVERY_BYTES: u64 = 12_000_000;

/// When the writer commits on its own (see [`COMMIT_EVERY_DOCS`]): after this many changes or
/// this many bytes, whichever comes first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommitEvery {
    /// Upserts and deletes.
    pub docs: u64,
    /// Bytes of `_source` written.
    pub bytes: u64,
}

impl Default for CommitEvery {
    fn default() -> Self {
        CommitEvery {
            docs: COMMIT_EVERY_DOCS,
            bytes: COMMIT_EVERY_BYTES,
        }
    }
}

/// Changes since the last commit.
#[derive(Debug, Default)]
struct Changes {
    /// Upserts and deletes.
    docs: u64,
    /// Bytes of `_source` written.
    bytes: u64,
}

/// Commands queued for the writer thread. Each holds at most one batch, so this bounds the
/// memory of queued work to two batches while the thread indexes a third.
pub(crate) const COMMAND_QUEUE: usize = 2;

type Reply<T> = oneshot::Sender<Result<T, LocalIndexError>>;

/// One request to the writer thread.
pub(crate) enum Command {
    /// Upsert a batch by `_id`.
    Write(Vec<Document>, Reply<WriteReport>),
    /// Delete by `_id`; replies with how many existed.
    Delete(Vec<String>, Reply<u64>),
    /// List every committed document, in chunks sent to the channel.
    Existing(mpsc::Sender<Vec<ExistingDoc>>, Reply<()>),
    /// Commit, wait for merges, make everything searchable, release the writer lock.
    Commit(Reply<()>),
}

/// State owned by the writer thread.
pub(crate) struct WriterState {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    /// `None` after a commit released the lock; taken again on the next change.
    writer: Option<IndexWriter<TrackedDocument>>,
    /// Bytes queued for tantivy's indexing thread.
    in_flight: Arc<InFlight>,
    /// Sees the last commit. Dropped at each commit rather than reloaded, so the pages of the
    /// index it touched (looking ids up) leave memory with it; opened again when next needed.
    reader: Option<IndexReader>,
    /// Whether each id touched since the last commit exists now (the reader only sees commits).
    pending: HashMap<String, bool>,
    /// Whether the index held documents when this writer opened it; when not, an id is in it
    /// only if `committed_ids` has it, and ids are never looked up in the index.
    preexisting: bool,
    /// The ids this writer has committed (and not deleted since).
    committed_ids: CommittedIds,
    /// When to commit without being asked.
    commit_every: CommitEvery,
    /// Changes since the last commit, counted against `commit_every`.
    uncommitted: Changes,
}

impl WriterState {
    /// Opens (or creates) the index and takes the writer lock; commits on its own as
    /// `commit_every` says.
    pub(crate) fn open(
        dir: &Path,
        commit_every: CommitEvery,
    ) -> Result<WriterState, LocalIndexError> {
        let (mut index, fields) = store::open(dir, true)?;
        // Tantivy compresses each 16 KB block of the document store on a thread of its own by
        // default: one more thread (and malloc arena) and a hand-off per block, for LZ4 work
        // that takes the indexing thread about 4 µs per document. Inline it; the other core
        // is busy decoding GitLab JSON anyway (see `WRITER_THREADS`). Recorded in meta.json at
        // the next commit, which older builds read the same.
        index.settings_mut().docstore_compress_dedicated_thread = false;
        let writer = Some(take_writer(&index, dir)?);
        let preexisting = index
            .searchable_segment_metas()
            .map_err(|err| LocalIndexError::tantivy(dir, "list the segments", err))?
            .iter()
            .any(|segment| segment.num_docs() > 0);
        Ok(WriterState {
            dir: dir.to_owned(),
            index,
            fields,
            writer,
            in_flight: Arc::default(),
            reader: None,
            pending: HashMap::new(),
            preexisting,
            committed_ids: CommittedIds::default(),
            commit_every,
            uncommitted: Changes::default(),
        })
    }

    /// Serves commands until every sender is gone.
    pub(crate) fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        while let Some(command) = commands.blocking_recv() {
            // A caller that stopped waiting is not an error for the index: ignore failed replies.
            match command {
                Command::Write(batch, reply) => drop(reply.send(self.write(batch))),
                Command::Delete(ids, reply) => drop(reply.send(self.delete(ids))),
                Command::Existing(chunks, reply) => {
                    let mut send = |chunk| chunks.blocking_send(chunk).is_ok();
                    let listed = store::listing_searcher(&self.dir).and_then(|searcher| {
                        store::existing(&searcher, &self.fields, &self.dir, &mut send)
                    });
                    drop(chunks);
                    drop(reply.send(listed));
                }
                Command::Commit(reply) => drop(reply.send(self.commit())),
            }
        }
        tracing::debug!(dir = %self.dir.display(), "local index writer stopped");
    }

    fn exists(&mut self, id: &str) -> Result<bool, LocalIndexError> {
        match self.pending.get(id) {
            Some(exists) => Ok(*exists),
            None if self.committed_ids.contains(id) => Ok(true),
            None if !self.preexisting => Ok(false),
            None => store::contains(&self.searcher()?, &self.fields, id, &self.dir),
        }
    }

    /// A searcher over the last commit.
    fn searcher(&mut self) -> Result<Searcher, LocalIndexError> {
        if let Some(reader) = &self.reader {
            return Ok(reader.searcher());
        }
        let reader: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|err| LocalIndexError::tantivy(&self.dir, "open a reader", err))?;
        let searcher = reader.searcher();
        self.reader = Some(reader);
        Ok(searcher)
    }

    fn writer(&mut self) -> Result<&mut IndexWriter<TrackedDocument>, LocalIndexError> {
        if self.writer.is_none() {
            self.writer = Some(take_writer(&self.index, &self.dir)?);
        }
        self.writer
            .as_mut()
            .ok_or_else(|| LocalIndexError::WriterGone {
                path: self.dir.clone(),
            })
    }

    fn write(&mut self, batch: Vec<Document>) -> Result<WriteReport, LocalIndexError> {
        let mut report = WriteReport::default();
        for doc in batch {
            let exists = self.exists(&doc.id)?;
            if exists {
                report.updated += 1;
            } else {
                report.created += 1;
            }
            let id = doc.id.clone();
            let (stored, bytes) = store::to_stored(doc, &self.fields);
            let stored = TrackedDocument::new(stored, self.in_flight.admit(bytes));
            let id_field = self.fields.id;
            let writer = self.writer()?;
            // Tantivy keeps every queued delete (a term query) in memory until the commit:
            // queue one only when there is something to replace, so a first sync stays flat.
            if exists {
                writer.delete_term(Term::from_field_text(id_field, &id));
            }
            writer
                .add_document(stored)
                .map_err(|err| LocalIndexError::tantivy(&self.dir, "add a document", err))?;
            report.bytes += bytes;
            self.pending.insert(id.into_string(), true);
            self.uncommitted.docs += 1;
            self.uncommitted.bytes += bytes;
        }
        self.commit_when_due()?;
        Ok(report)
    }

    fn delete(&mut self, ids: Vec<String>) -> Result<u64, LocalIndexError> {
        let mut deleted = 0;
        for id in ids {
            if self.exists(&id)? {
                deleted += 1;
            }
            let id_field = self.fields.id;
            self.writer()?
                .delete_term(Term::from_field_text(id_field, &id));
            self.pending.insert(id, false);
            self.uncommitted.docs += 1;
        }
        self.commit_when_due()?;
        Ok(deleted)
    }

    /// Commits, keeping the writer (and its running merges), once enough has changed.
    fn commit_when_due(&mut self) -> Result<(), LocalIndexError> {
        if self.uncommitted.docs < self.commit_every.docs
            && self.uncommitted.bytes < self.commit_every.bytes
        {
            return Ok(());
        }
        if let Some(writer) = self.writer.as_mut() {
            writer
                .commit()
                .map_err(|err| LocalIndexError::tantivy(&self.dir, "commit", err))?;
        }
        self.committed();
        Ok(())
    }

    /// The final commit: waits for merges and releases the writer lock.
    fn commit(&mut self) -> Result<(), LocalIndexError> {
        if let Some(mut writer) = self.writer.take() {
            writer
                .commit()
                .map_err(|err| LocalIndexError::tantivy(&self.dir, "commit", err))?;
            writer.wait_merging_threads().map_err(|err| {
                LocalIndexError::tantivy(&self.dir, "finish merging segments", err)
            })?;
        }
        self.committed();
        Ok(())
    }

    /// After a commit: the next reader sees it, so nothing is pending any more.
    fn committed(&mut self) {
        self.reader = None;
        let ids = |exists: bool| {
            (self.pending.iter())
                .filter(move |(_, now)| **now == exists)
                .map(|(id, _)| id.as_str())
        };
        self.committed_ids.add_commit(ids(true), ids(false));
        self.pending.clear();
        self.uncommitted = Changes::default();
    }
}

fn take_writer(index: &Index, dir: &Path) -> Result<IndexWriter<TrackedDocument>, LocalIndexError> {
    let options = IndexWriterOptions::builder()
        .num_worker_threads(WRITER_THREADS)
        .memory_budget_per_thread(WRITER_MEMORY_BUDGET / WRITER_THREADS)
        .num_merge_threads(MERGE_THREADS)
        .build();
    let writer = index
        .writer_with_options(options)
        .map_err(|err| LocalIndexError::tantivy(dir, "take the writer lock", err))?;
    writer.set_merge_policy(Box::new(BoundedMergePolicy::new(dir)));
    Ok(writer)
}

#[cfg(test)]
mod tests;
