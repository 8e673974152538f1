//! `_bulk`.

use bytes::Bytes;
use reqwest::Method;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::responses::BulkResponse;

impl EsClient {
    /// `POST /_bulk[?pipeline=<name>]` with an NDJSON body (each line ending in `\n`).
    /// Item failures are in the response; only request-level failures are errors.
    pub async fn bulk(&self, body: Bytes, pipeline: Option<&str>) -> Result<BulkResponse, EsError> {
        let query: Vec<(&str, String)> = pipeline
            .map(|name| ("pipeline", name.to_owned()))
            .into_iter()
            .collect();
        self.call(
            Method::POST,
            self.url(&["_bulk"], &query),
            Body::Ndjson(body),
        )
        .await
    }
}
