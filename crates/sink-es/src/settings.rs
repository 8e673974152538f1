//! [`SinkSettings`]: where and how the sink writes.

use connector_config::{BulkSettings, ErrorMonitorSettings};
use es_client::{IngestPipeline, RetryPolicy};

/// Max NDJSON lines per `_bulk` request by default (`elasticsearch.bulk.chunk_size`; an indexed
/// document takes two lines, so 250 documents).
pub const DEFAULT_CHUNK_LINES: usize = 500;
/// Max bytes per `_bulk` request by default (`elasticsearch.bulk.chunk_max_mem_size`, 3 MiB),
/// well under ES's `http.max_content_length` of 100 MiB.
pub const DEFAULT_CHUNK_BYTES: usize = 3 << 20;
/// Default cap on a document without `_attachment` (`max_text_document_size`, 3 MiB).
pub const DEFAULT_MAX_TEXT_DOCUMENT_BYTES: usize = 3 << 20;
/// Default `_bulk` requests in flight (`elasticsearch.bulk.max_concurrency`).
pub const DEFAULT_MAX_CONCURRENCY: usize = 5;

/// Settings of one [`crate::ElasticsearchSink`].
#[derive(Debug, Clone)]
pub struct SinkSettings {
    /// The content index (`connector.index_name` of the job).
    pub index: String,
    /// The job's ingest pipeline: its name goes to `?pipeline=`, its flags become the
    /// `_extract_binary_content`/`_reduce_whitespace`/`_run_ml_inference` fields.
    pub pipeline: IngestPipeline,
    /// Max NDJSON lines per `_bulk` request.
    pub chunk_lines: usize,
    /// Max bytes per `_bulk` request (a single larger operation is sent alone).
    pub chunk_bytes: usize,
    /// Documents without `_attachment` larger than this are dropped; `None` = no cap.
    pub max_text_document_bytes: Option<usize>,
    /// `_bulk` requests in flight at once.
    pub max_concurrency: usize,
    /// When the sync fails because too many items failed.
    pub error_monitor: ErrorMonitorSettings,
    /// How 429-rejected items are re-sent (attempts and linear back-off).
    pub item_retry: RetryPolicy,
}

impl SinkSettings {
    /// Defaults of the reference for `index`, with the default pipeline.
    pub fn new(index: impl Into<String>) -> Self {
        SinkSettings {
            index: index.into(),
            pipeline: IngestPipeline::default(),
            chunk_lines: DEFAULT_CHUNK_LINES,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            max_text_document_bytes: Some(DEFAULT_MAX_TEXT_DOCUMENT_BYTES),
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            error_monitor: ErrorMonitorSettings::default(),
            item_retry: RetryPolicy::default(),
        }
    }

    /// Settings from `config.yml`'s `elasticsearch.bulk.*` and the job's pipeline; 429 items
    /// are retried with the client's policy (`elasticsearch.max_retries`/`retry_interval`).
    pub fn from_config(
        index: impl Into<String>,
        pipeline: IngestPipeline,
        bulk: &BulkSettings,
        item_retry: RetryPolicy,
    ) -> Self {
        SinkSettings {
            index: index.into(),
            pipeline,
            chunk_lines: bulk.chunk_size,
            chunk_bytes: bulk.chunk_max_mem_bytes,
            max_text_document_bytes: bulk.max_text_document_bytes,
            max_concurrency: bulk.max_concurrency,
            error_monitor: bulk.error_monitor.clone(),
            item_retry,
        }
    }
}
