//! Responses and request bodies of the document, index, search and bulk APIs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ErrorCause;

/// `GET /` (info.json).
#[derive(Debug, Clone, Deserialize)]
pub struct InfoResponse {
    /// Node name.
    #[serde(default)]
    pub name: String,
    /// Cluster name.
    #[serde(default)]
    pub cluster_name: String,
    /// Version block.
    pub version: VersionInfo,
}

/// `version` of [`InfoResponse`].
#[derive(Debug, Clone, Deserialize)]
pub struct VersionInfo {
    /// `9.1.0` (possibly with a `-SNAPSHOT` suffix).
    pub number: String,
    /// `default` or `serverless`.
    #[serde(default)]
    pub build_flavor: Option<String>,
}

/// Optimistic-concurrency guard of a write (`if_seq_no` + `if_primary_term`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqNo {
    /// `_seq_no` of the version read.
    pub seq_no: i64,
    /// `_primary_term` of the version read.
    pub primary_term: i64,
}

/// `GET /{index}/_doc/{id}` (get.json).
#[derive(Debug, Clone, Deserialize)]
pub struct GetResponse<T> {
    /// `_id`.
    #[serde(rename = "_id")]
    pub id: String,
    /// `_seq_no`.
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// `_primary_term`.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
    /// `_source`.
    #[serde(rename = "_source")]
    pub source: T,
}

impl<T> GetResponse<T> {
    /// The guard to write this exact version back.
    pub fn seq_no(&self) -> Option<SeqNo> {
        Some(SeqNo {
            seq_no: self.seq_no?,
            primary_term: self.primary_term?,
        })
    }
}

/// Response of index/update/delete of one document.
#[derive(Debug, Clone, Deserialize)]
pub struct WriteResponse {
    /// `_id`.
    #[serde(rename = "_id")]
    pub id: String,
    /// `created`, `updated`, `deleted`, `noop`, `not_found`.
    #[serde(default)]
    pub result: String,
    /// `_seq_no` after the write.
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// `_primary_term` after the write.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
}

/// `POST /{index}/_count`.
#[derive(Debug, Clone, Deserialize)]
pub struct CountResponse {
    /// Matching documents.
    pub count: u64,
}

/// Body of `_search` (search.json): the subset the connector sends. The query DSL is left as
/// JSON built by the caller.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchRequest {
    /// `query`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    /// `sort`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<Value>,
    /// `from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    /// `size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `_source` includes.
    #[serde(rename = "_source", skip_serializing_if = "Option::is_none")]
    pub source: Option<Vec<String>>,
    /// `seq_no_primary_term`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq_no_primary_term: Option<bool>,
}

/// A search or scroll response.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchResponse<T> {
    /// `_scroll_id`, for scroll searches.
    #[serde(rename = "_scroll_id", default)]
    pub scroll_id: Option<String>,
    /// `_shards`.
    #[serde(rename = "_shards", default)]
    pub shards: Option<Shards>,
    /// `hits`.
    pub hits: Hits<T>,
}

/// `_shards` of a search.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Shards {
    /// Shards that failed.
    #[serde(default)]
    pub failed: u64,
}

/// `hits` of a search.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Hits<T> {
    /// `total` (`{value, relation}`).
    #[serde(default)]
    pub total: Option<Total>,
    /// The hits.
    #[serde(default = "Vec::new")]
    pub hits: Vec<Hit<T>>,
}

/// `hits.total`.
#[derive(Debug, Clone, Deserialize)]
pub struct Total {
    /// Count.
    pub value: u64,
}

/// One hit.
#[derive(Debug, Clone, Deserialize)]
pub struct Hit<T> {
    /// `_id`.
    #[serde(rename = "_id")]
    pub id: String,
    /// `_seq_no` (with `seq_no_primary_term`).
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// `_primary_term`.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
    /// `_source` (absent when excluded).
    #[serde(rename = "_source")]
    pub source: Option<T>,
}

impl<T> Hit<T> {
    /// The guard to write this exact version back.
    pub fn seq_no(&self) -> Option<SeqNo> {
        Some(SeqNo {
            seq_no: self.seq_no?,
            primary_term: self.primary_term?,
        })
    }
}

/// `_bulk` response (bulk.json).
#[derive(Debug, Clone, Deserialize)]
pub struct BulkResponse {
    /// Whether any item failed.
    #[serde(default)]
    pub errors: bool,
    /// One entry per operation, in request order: `{"<op>": item}`.
    pub items: Vec<std::collections::HashMap<String, BulkItem>>,
}

/// The result of one `_bulk` operation.
#[derive(Debug, Clone, Deserialize)]
pub struct BulkItem {
    /// `_id`.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// HTTP status of the item.
    pub status: u16,
    /// `created`, `updated`, `deleted`, `noop`, `not_found`.
    #[serde(default)]
    pub result: Option<String>,
    /// The failure, when the item failed.
    #[serde(default)]
    pub error: Option<ErrorCause>,
}
