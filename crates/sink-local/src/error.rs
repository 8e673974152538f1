//! The one error type of this crate: every variant names the index directory and what was
//! being done to it.

use std::path::PathBuf;

/// An error opening, writing or searching a local index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalIndexError {
    /// Reading or writing a file of the index directory failed.
    #[error("index {path}: cannot {operation}: {source}")]
    Io {
        /// The file or directory at fault.
        path: PathBuf,
        /// What was being done (`create the directory`, `read the format marker`, …).
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Reading an index from a directory that is missing or empty: no sync wrote there yet.
    #[error("no index at {path}: the directory is missing or empty")]
    NoIndex {
        /// The directory at fault.
        path: PathBuf,
    },
    /// The directory holds files but no `gitlab-connector-index.json` marker.
    #[error(
        "{path} is not a gitlab-connector index (no gitlab-connector-index.json); \
         choose an empty or new directory"
    )]
    NotAnIndex {
        /// The directory at fault.
        path: PathBuf,
    },
    /// The marker names a format this build does not read.
    #[error(
        "index {path} has format version {found}, this gitlab-connector reads versions up \
         to {supported}; re-create the index (delete the directory and sync again)"
    )]
    UnsupportedVersion {
        /// The directory at fault.
        path: PathBuf,
        /// The version found in the marker.
        found: u64,
        /// The newest version this build reads and writes.
        supported: u64,
    },
    /// The marker file is not the JSON this crate writes.
    #[error("index {path}: the format marker is unreadable: {reason}")]
    BadMarker {
        /// The marker file.
        path: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
    /// Another process (or another `LocalIndex` in this one) holds the writer lock.
    #[error("index {path} is locked by another gitlab-connector")]
    Locked {
        /// The directory at fault.
        path: PathBuf,
    },
    /// Tantivy failed.
    #[error("index {path}: cannot {operation}: {source}")]
    Tantivy {
        /// The directory at fault.
        path: PathBuf,
        /// What was being done (`commit`, `search`, …).
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: tantivy::TantivyError,
    },
    /// A stored document could not be decoded.
    #[error("index {path}: stored document {id} is corrupt: {reason}")]
    CorruptDocument {
        /// The directory at fault.
        path: PathBuf,
        /// The `_id` of the document (or `?` when even that is missing).
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The writer thread stopped (it panicked or the index was closed).
    #[error("index {path}: the writer thread has stopped")]
    WriterGone {
        /// The directory at fault.
        path: PathBuf,
    },
}

impl LocalIndexError {
    /// Wraps a tantivy error, turning a busy writer lock into [`LocalIndexError::Locked`].
    pub(crate) fn tantivy(
        path: &std::path::Path,
        operation: &'static str,
        source: tantivy::TantivyError,
    ) -> Self {
        match source {
            tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _,
            ) => LocalIndexError::Locked {
                path: path.to_owned(),
            },
            source => LocalIndexError::Tantivy {
                path: path.to_owned(),
                operation,
                source,
            },
        }
    }
}
