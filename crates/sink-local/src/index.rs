//! [`LocalIndex`]: the handle the sync writes through, and its [`Sink`] implementation.

use std::path::{Path, PathBuf};

use connector_core::{Document, ExistingDoc, Sink, SinkError, WriteReport};
use tokio::sync::{mpsc, oneshot};

use crate::LocalIndexError;
use crate::writer::{COMMAND_QUEUE, Command, CommitEvery, WriterState};

/// Chunks of the listing ([`crate::store::LISTING_CHUNK`] documents each) waiting between the
/// writer thread and [`Sink::existing`].
const LISTING_CHUNKS_QUEUED: usize = 2;

/// A local index opened for writing. Holds the index's writer lock until dropped (or until
/// [`Sink::finish`], after which the next change takes it again).
///
/// The writer commits on its own every [`COMMIT_EVERY_DOCS`](crate::COMMIT_EVERY_DOCS) changes
/// or [`COMMIT_EVERY_BYTES`](crate::COMMIT_EVERY_BYTES) of `_source`, which keeps its memory
/// flat. Dropping it without `finish` discards what came after the last commit; as with
/// Elasticsearch, an interrupted sync leaves what it wrote up to then, and the next full sync
/// completes the index and deletes what is stale.
#[derive(Debug)]
pub struct LocalIndex {
    dir: PathBuf,
    commands: mpsc::Sender<Command>,
}

impl LocalIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when missing or
    /// empty, and starts its writer thread.
    ///
    /// Blocks briefly on file I/O; call it before entering hot async code (or through
    /// `spawn_blocking`). Fails with [`LocalIndexError::Locked`] when another writer holds the
    /// index, [`LocalIndexError::NotAnIndex`] for a non-empty directory that is not ours, and
    /// [`LocalIndexError::UnsupportedVersion`] for another format version.
    pub fn open_or_create(dir: &Path) -> Result<LocalIndex, LocalIndexError> {
        let state = WriterState::open(dir, CommitEvery::default())?;
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        std::thread::Builder::new()
            .name("local-index-writer".to_owned())
            .spawn(move || state.run(receiver))
            .map_err(|source| LocalIndexError::Io {
                path: dir.to_owned(),
                operation: "start the writer thread",
                source,
            })?;
        Ok(LocalIndex {
            dir: dir.to_owned(),
            commands,
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, LocalIndexError>>) -> Command,
    ) -> Result<T, LocalIndexError> {
        let gone = || LocalIndexError::WriterGone {
            path: self.dir.clone(),
        };
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

impl Sink for LocalIndex {
    /// Every committed document: changes since the last commit (the writer's own, or `finish`)
    /// are not listed. The writer thread sends the listing in chunks while this takes them in.
    async fn existing(
        &mut self,
        each: &mut (dyn FnMut(ExistingDoc) + Send),
    ) -> Result<(), SinkError> {
        let (chunks, mut received) = mpsc::channel(LISTING_CHUNKS_QUEUED);
        let listed = self.call(|reply| Command::Existing(chunks, reply));
        let take_in = async {
            while let Some(chunk) = received.recv().await {
                chunk.into_iter().for_each(&mut *each);
            }
        };
        let (listed, ()) = tokio::join!(listed, take_in);
        Ok(listed?)
    }

    async fn write(&mut self, batch: Vec<Document>) -> Result<WriteReport, SinkError> {
        Ok(self.call(|reply| Command::Write(batch, reply)).await?)
    }

    async fn delete(&mut self, ids: Vec<String>) -> Result<u64, SinkError> {
        Ok(self.call(|reply| Command::Delete(ids, reply)).await?)
    }

    /// Commits, waits for tantivy's merges, and makes everything searchable.
    async fn finish(&mut self) -> Result<(), SinkError> {
        Ok(self.call(Command::Commit).await?)
    }
}
