//! Test doubles for each side of the pipeline, so the engine (and the layers above it) can be
//! tested without HTTP: [`vec_source`] and [`MemorySink`] (which can [`Stall`]).

use std::collections::BTreeMap;

use connector_core::{
    Document, EventStream, ExistingDoc, Sink, SinkError, SourceError, SourceEvent, WriteReport,
};

/// A source that yields the given events, in order.
pub fn vec_source(events: Vec<Result<SourceEvent, SourceError>>) -> EventStream {
    Box::pin(futures::stream::iter(events))
}

/// An in-memory sink: a map from `_id` to document, with a list of ids it refuses.
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Stored documents by `_id`.
    pub docs: BTreeMap<String, Document>,
    /// Ids whose writes are refused (reported as failed items).
    pub refuse: Vec<String>,
    /// Number of `write` calls made.
    pub writes: usize,
    /// Whether `finish` was called since the last write.
    pub finished: bool,
    /// The calls that never answer, as an index that stopped answering does.
    pub stall: Option<Stall>,
}

/// Which calls of a [`MemorySink`] never answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    /// [`Sink::existing`].
    Listing,
    /// [`Sink::write`] (counted in [`MemorySink::writes`] all the same).
    Writes,
}

impl MemorySink {
    /// A sink already holding `docs`.
    pub fn with_docs(docs: impl IntoIterator<Item = Document>) -> Self {
        MemorySink {
            docs: docs
                .into_iter()
                .map(|doc| (doc.id.to_string(), doc))
                .collect(),
            ..MemorySink::default()
        }
    }
}

impl Sink for MemorySink {
    async fn existing(
        &mut self,
        each: &mut (dyn FnMut(ExistingDoc) + Send),
    ) -> Result<(), SinkError> {
        if self.stall == Some(Stall::Listing) {
            std::future::pending::<()>().await;
        }
        for doc in self.docs.values() {
            each(ExistingDoc {
                id: doc.id.to_string(),
                scope: doc.scope(),
                content_hash: Some(doc.content_hash()),
            });
        }
        Ok(())
    }

    async fn write(&mut self, batch: Vec<Document>) -> Result<WriteReport, SinkError> {
        self.writes += 1;
        if self.stall == Some(Stall::Writes) {
            std::future::pending::<()>().await;
        }
        self.finished = false;
        let mut report = WriteReport::default();
        for doc in batch {
            if self.refuse.iter().any(|id| *id == doc.id) {
                report
                    .failed
                    .push((doc.id.into_string(), "refused by MemorySink".into()));
                continue;
            }
            report.bytes += doc.body.json_len() as u64;
            match self.docs.insert(doc.id.to_string(), doc) {
                Some(_) => report.updated += 1,
                None => report.created += 1,
            }
        }
        Ok(report)
    }

    async fn delete(&mut self, ids: Vec<String>) -> Result<u64, SinkError> {
        Ok(ids
            .iter()
            .filter(|id| self.docs.remove(*id).is_some())
            .count() as u64)
    }

    async fn finish(&mut self) -> Result<(), SinkError> {
        self.finished = true;
        Ok(())
    }
}
