//! The [`Sink`] contract: where documents go.
//!
//! A sink upserts by `_id` (writing the same document twice leaves one copy), lists the
//! documents it holds so the sync can find stale ones, deletes by `_id`, and makes everything
//! written durable and visible on [`Sink::finish`].

use std::future::Future;

use crate::{Document, ScopeKey};

/// A document already stored in a sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingDoc {
    /// Its `_id`.
    pub id: String,
    /// The scope it belongs to, when its stored fields say.
    pub scope: Option<ScopeKey>,
    /// The [`Document::content_hash`] stored with it, when the sink keeps one.
    pub content_hash: Option<u64>,
}

/// What one [`Sink::write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Documents stored that were not there before.
    pub created: u64,
    /// Documents stored over an existing copy.
    pub updated: u64,
    /// Documents the sink refused, with their `_id` and the reason.
    pub failed: Vec<(String, String)>,
    /// Bytes of `_source` written.
    pub bytes: u64,
}

/// An error that stops the sink (connection lost for good, index unusable).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// A destination for documents. See the module docs for the guarantees.
pub trait Sink: Send {
    /// Hands every document the sink currently holds to `each`, as it lists them: a sink of
    /// millions of documents never holds the whole listing at once.
    fn existing(
        &mut self,
        each: &mut (dyn FnMut(ExistingDoc) + Send),
    ) -> impl Future<Output = Result<(), SinkError>> + Send;

    /// Upserts a batch of documents by `_id`.
    fn write(
        &mut self,
        batch: Vec<Document>,
    ) -> impl Future<Output = Result<WriteReport, SinkError>> + Send;

    /// Deletes documents by `_id`; returns how many were deleted.
    fn delete(&mut self, ids: Vec<String>) -> impl Future<Output = Result<u64, SinkError>> + Send;

    /// Makes all writes and deletes durable and searchable.
    fn finish(&mut self) -> impl Future<Output = Result<(), SinkError>> + Send;
}

/// The whole listing of `sink` as one list: for tests and small sinks (a sync takes it document
/// by document, see [`Sink::existing`]).
pub async fn existing_docs<S: Sink>(sink: &mut S) -> Result<Vec<ExistingDoc>, SinkError> {
    let mut docs = Vec::new();
    sink.existing(&mut |doc| docs.push(doc)).await?;
    Ok(docs)
}
