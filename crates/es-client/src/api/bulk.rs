//! `_bulk`.

use bytes::Bytes;
use reqwest::Method;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::bulk_reader;
use crate::types::responses::BulkResponse;

/// The members of a `_bulk` response that [`BulkResponse`] reads. Elasticsearch answers every
/// operation with `_index`, `_id`, `_version`, `_shards`, `_seq_no` and `_primary_term` too,
/// about 170 bytes an item; the client reads the items by position, so it asks for their
/// `status`, `result` and `error` only (about 45 bytes an item, a quarter of the response to
/// send, receive and parse).
const BULK_FILTER_PATH: &str = "errors,items.*.status,items.*.result,items.*.error";

impl EsClient {
    /// `POST /_bulk?filter_path=…[&pipeline=<name>]` with an NDJSON body (each line ending in
    /// `\n`). Item failures are in the response; only request-level failures are errors. The
    /// response is read by `types::bulk_reader` (serde_json when it is not of the common shape).
    pub async fn bulk(&self, body: Bytes, pipeline: Option<&str>) -> Result<BulkResponse, EsError> {
        let query: Vec<(&str, String)> =
            std::iter::once(("filter_path", BULK_FILTER_PATH.to_owned()))
                .chain(pipeline.map(|name| ("pipeline", name.to_owned())))
                .collect();
        self.send(
            Method::POST,
            self.url(&["_bulk"], &query),
            Body::Ndjson(body),
        )
        .await?
        .decode_with(bulk_reader::decode)
    }
}
