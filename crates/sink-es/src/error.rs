//! [`SinkEsError`]: why the Elasticsearch sink stopped.

/// A failure that stops the sink (and so the sync).
#[derive(Debug, thiserror::Error)]
pub enum SinkEsError {
    /// A request failed after its retries.
    #[error(transparent)]
    Es(#[from] es_client::EsError),
    /// Too many bulk items failed (the error monitor tripped).
    #[error("TooManyErrors: {0}")]
    TooManyErrors(String),
    /// A `_bulk` response did not have one item per operation.
    #[error("_bulk answered {got} items for {sent} operations")]
    MalformedBulk {
        /// Operations sent.
        sent: usize,
        /// Items received.
        got: usize,
    },
    /// Listing existing documents hit failed shards, so the list would be incomplete.
    #[error("listing documents of index `{index}` failed on {failed} shards")]
    ShardFailures {
        /// The index.
        index: String,
        /// Failed shards.
        failed: u64,
    },
}
