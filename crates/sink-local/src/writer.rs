//! The writer thread: the only place tantivy's `IndexWriter` lives.
//!
//! Tantivy blocks while it indexes, commits and merges, so it runs on its own std thread fed by
//! a bounded channel; async callers await a oneshot reply and never block a runtime worker.
//! Closing the channel (dropping the [`crate::LocalIndex`]) stops the thread: uncommitted work
//! is discarded and in-flight merges are abandoned, which tantivy tolerates without damage.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use connector_core::{Document, ExistingDoc, WriteReport};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};
use tokio::sync::{mpsc, oneshot};

use crate::LocalIndexError;
use crate::schema::Fields;
use crate::store;

/// Memory budget of the tantivy writer. One indexing thread with 24 MB keeps peak memory flat
/// and well under the local-index target (80 MB, bench/README.md): a second thread doubled the
/// arenas without making syncs faster, since GitLab JSON decoding already keeps the other core
/// busy. Larger budgets only make segments bigger, which a sync of GitLab text does not need.
pub const WRITER_MEMORY_BUDGET: usize = 24_000_000;

/// Tantivy indexing threads (see [`WRITER_MEMORY_BUDGET`]).
const WRITER_THREADS: usize = 1;

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
    /// List every committed document.
    Existing(Reply<Vec<ExistingDoc>>),
    /// Commit, wait for merges, make everything searchable.
    Commit(Reply<()>),
}

/// State owned by the writer thread.
pub(crate) struct WriterState {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    /// `None` after a commit released the lock; taken again on the next change.
    writer: Option<IndexWriter>,
    reader: IndexReader,
    /// Whether each id touched since the last commit exists now (the reader only sees commits).
    pending: HashMap<String, bool>,
}

impl WriterState {
    /// Opens (or creates) the index and takes the writer lock.
    pub(crate) fn open(dir: &Path) -> Result<WriterState, LocalIndexError> {
        let (index, fields) = store::open(dir, true)?;
        let writer = Some(take_writer(&index, dir)?);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|err| LocalIndexError::tantivy(dir, "open a reader", err))?;
        Ok(WriterState {
            dir: dir.to_owned(),
            index,
            fields,
            writer,
            reader,
            pending: HashMap::new(),
        })
    }

    /// Serves commands until every sender is gone.
    pub(crate) fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        while let Some(command) = commands.blocking_recv() {
            // A caller that stopped waiting is not an error for the index: ignore failed replies.
            match command {
                Command::Write(batch, reply) => drop(reply.send(self.write(batch))),
                Command::Delete(ids, reply) => drop(reply.send(self.delete(ids))),
                Command::Existing(reply) => {
                    let searcher = self.reader.searcher();
                    drop(reply.send(store::existing(&searcher, &self.fields, &self.dir)));
                }
                Command::Commit(reply) => drop(reply.send(self.commit())),
            }
        }
        tracing::debug!(dir = %self.dir.display(), "local index writer stopped");
    }

    fn exists(&self, id: &str) -> Result<bool, LocalIndexError> {
        match self.pending.get(id) {
            Some(exists) => Ok(*exists),
            None => store::contains(&self.reader.searcher(), &self.fields, id, &self.dir),
        }
    }

    fn writer(&mut self) -> Result<&mut IndexWriter, LocalIndexError> {
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
            let (stored, bytes) = store::to_stored(&doc, &self.fields);
            let id_field = self.fields.id;
            let writer = self.writer()?;
            // Tantivy keeps every queued delete (a term query) in memory until the commit:
            // queue one only when there is something to replace, so a first sync stays flat.
            if exists {
                writer.delete_term(Term::from_field_text(id_field, &doc.id));
            }
            writer
                .add_document(stored)
                .map_err(|err| LocalIndexError::tantivy(&self.dir, "add a document", err))?;
            report.bytes += bytes;
            self.pending.insert(doc.id, true);
        }
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
        }
        Ok(deleted)
    }

    fn commit(&mut self) -> Result<(), LocalIndexError> {
        if let Some(mut writer) = self.writer.take() {
            writer
                .commit()
                .map_err(|err| LocalIndexError::tantivy(&self.dir, "commit", err))?;
            writer.wait_merging_threads().map_err(|err| {
                LocalIndexError::tantivy(&self.dir, "finish merging segments", err)
            })?;
        }
        self.reader
            .reload()
            .map_err(|err| LocalIndexError::tantivy(&self.dir, "reload the reader", err))?;
        self.pending.clear();
        Ok(())
    }
}

fn take_writer(index: &Index, dir: &Path) -> Result<IndexWriter, LocalIndexError> {
    index
        .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY_BUDGET)
        .map_err(|err| LocalIndexError::tantivy(dir, "take the writer lock", err))
}
