//! [`ElasticsearchSink`]: the `Sink` over one content index. Reads as a pipeline:
//! ensure index → encode into requests (size guard, cut by lines and bytes) → send (≤ `max_concurrency` in
//! flight, 429 items re-sent) → tally items in order through the error monitor.

use connector_core::{Document, ExistingDoc, Sink, SinkError, WriteReport};
use es_client::{BulkResult, EsClient};
use futures::{StreamExt, stream};

use crate::encoder::{Batch, BatchWriter, EncodedOp, OpKind};
use crate::error::SinkEsError;
use crate::mapping;
use crate::monitor::ErrorMonitor;
use crate::send::{self, ItemOutcome};
use crate::settings::SinkSettings;

/// The field whose presence exempts a document from the text-size cap (spec §4.4).
const ATTACHMENT_FIELD: &str = "_attachment";

/// Writes documents into one Elasticsearch content index.
#[derive(Debug)]
pub struct ElasticsearchSink {
    client: EsClient,
    settings: SinkSettings,
    monitor: ErrorMonitor,
    index_ready: bool,
    /// Body buffers of sent requests, reused for the next ones (see [`BatchWriter`]).
    spare_bodies: Vec<Vec<u8>>,
}

impl ElasticsearchSink {
    /// A sink over `settings.index` (created on first use when missing).
    pub fn new(client: EsClient, settings: SinkSettings) -> Self {
        let monitor = ErrorMonitor::new(settings.error_monitor.clone());
        ElasticsearchSink {
            client,
            settings,
            monitor,
            index_ready: false,
            spare_bodies: Vec::new(),
        }
    }

    /// Creates the content index when neither it nor an alias of that name exists.
    pub async fn ensure_index(&mut self) -> Result<(), SinkEsError> {
        if self.index_ready {
            return Ok(());
        }
        let index = &self.settings.index;
        if !self.client.index_or_alias_exists(index).await? {
            match self
                .client
                .create_index(index, &mapping::index_body())
                .await
            {
                Ok(()) => tracing::info!(%index, "created the content index"),
                Err(err) if err.error_type() == Some("resource_already_exists_exception") => {}
                Err(err) => return Err(err.into()),
            }
        }
        self.index_ready = true;
        Ok(())
    }

    /// Sends the requests and returns each operation with its outcome, in order.
    async fn run(
        &mut self,
        batches: Vec<Batch>,
    ) -> Result<Vec<(EncodedOp, ItemOutcome)>, SinkEsError> {
        let client = &self.client;
        let pipeline = Some(self.settings.pipeline.name.as_str());
        let retry = &self.settings.item_retry;
        let results: Vec<_> = stream::iter(batches)
            .map(|batch| send::send_batch(client, batch, pipeline, retry))
            .buffered(self.settings.max_concurrency.max(1))
            .collect()
            .await;
        let mut all = Vec::new();
        for result in results {
            let (sent, spare) = result?;
            all.extend(sent);
            if let Some(body) = spare
                && self.spare_bodies.len() <= self.settings.max_concurrency
            {
                self.spare_bodies.push(body);
            }
        }
        Ok(all)
    }

    /// A writer of requests on the content index, into spare bodies.
    fn batch_writer(&mut self) -> BatchWriter<'_> {
        BatchWriter::new(
            &self.settings.index,
            &self.settings.pipeline,
            (self.settings.chunk_lines, self.settings.chunk_bytes),
            &mut self.spare_bodies,
        )
    }

    fn tally(&mut self, op: &EncodedOp, outcome: &ItemOutcome) -> Result<(), SinkEsError> {
        match outcome {
            ItemOutcome::Done(_) => {
                self.monitor.success();
                Ok(())
            }
            ItemOutcome::Failed(reason) => {
                tracing::warn!(id = %op.id, op = op.kind.as_str(), %reason, "bulk item failed");
                self.monitor
                    .failure(format!("{}: {reason}", op.id))
                    .map_err(SinkEsError::TooManyErrors)
            }
        }
    }

    async fn write_batch(&mut self, batch: Vec<Document>) -> Result<WriteReport, SinkEsError> {
        self.ensure_index().await?;
        let mut report = WriteReport::default();
        let cap = self.settings.max_text_document_bytes;
        let mut writer = self.batch_writer();
        // Each document is dropped as soon as it is copied into its request, so none is held
        // through the round trip (peak memory; bench/README.md, sixteenth round).
        for doc in batch {
            let doc_cap = cap.filter(|_| !doc.fields.contains_key(ATTACHMENT_FIELD));
            if let Err(bytes) = writer.index(&doc, doc_cap) {
                let cap = doc_cap.unwrap_or_default();
                tracing::warn!(id = %doc.id, bytes, cap, "document too large, dropped");
                report.failed.push((
                    doc.id.to_string(),
                    format!(
                        "document too large: {bytes} bytes > max_text_document_size {cap} bytes"
                    ),
                ));
            }
        }
        let batches = writer.finish();
        for (op, outcome) in self.run(batches).await? {
            self.tally(&op, &outcome)?;
            match outcome {
                ItemOutcome::Done(result) => {
                    if result == BulkResult::Created {
                        report.created += 1;
                    } else {
                        report.updated += 1;
                    }
                    report.bytes += op.source_bytes as u64;
                }
                ItemOutcome::Failed(reason) => report.failed.push((op.id.into_string(), reason)),
            }
        }
        Ok(report)
    }

    async fn delete_ids(&mut self, ids: Vec<String>) -> Result<u64, SinkEsError> {
        self.ensure_index().await?;
        let mut writer = self.batch_writer();
        for id in &ids {
            writer.delete(id);
        }
        let batches = writer.finish();
        let mut deleted = 0;
        for (op, outcome) in self.run(batches).await? {
            debug_assert_eq!(op.kind, OpKind::Delete);
            self.tally(&op, &outcome)?;
            if matches!(outcome, ItemOutcome::Done(_)) {
                deleted += 1;
            }
        }
        Ok(deleted)
    }
}

impl Sink for ElasticsearchSink {
    async fn existing(
        &mut self,
        each: &mut (dyn FnMut(ExistingDoc) + Send),
    ) -> Result<(), SinkError> {
        Ok(crate::existing::list(&self.client, &self.settings.index, each).await?)
    }

    async fn write(&mut self, batch: Vec<Document>) -> Result<WriteReport, SinkError> {
        Ok(self.write_batch(batch).await?)
    }

    async fn delete(&mut self, ids: Vec<String>) -> Result<u64, SinkError> {
        Ok(self.delete_ids(ids).await?)
    }

    async fn finish(&mut self) -> Result<(), SinkError> {
        Ok(self.client.refresh(&self.settings.index).await?)
    }
}
