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
    /// One entry per operation, in request order.
    #[serde(deserialize_with = "one_operation_each")]
    pub items: Vec<BulkItem>,
}

/// The result of one `_bulk` operation (the members the connector reads).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BulkItem {
    /// HTTP status of the item.
    pub status: u16,
    /// What happened to the document, when ES says.
    #[serde(default)]
    pub result: Option<BulkResult>,
    /// The failure, when the item failed.
    #[serde(default)]
    pub error: Option<ErrorCause>,
}

/// A bulk item's `result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkResult {
    /// `created`
    Created,
    /// `updated`
    Updated,
    /// `deleted`
    Deleted,
    /// `noop`
    Noop,
    /// `not_found`
    NotFound,
    /// A value this client does not know, kept verbatim.
    Other(String),
}

impl BulkResult {
    /// The value as ES spells it.
    pub fn as_str(&self) -> &str {
        match self {
            BulkResult::Created => "created",
            BulkResult::Updated => "updated",
            BulkResult::Deleted => "deleted",
            BulkResult::Noop => "noop",
            BulkResult::NotFound => "not_found",
            BulkResult::Other(value) => value,
        }
    }
}

impl BulkResult {
    /// The result ES spelled `value` (the serde path and [`super::bulk_reader`] share it).
    pub(crate) fn from_str(value: &str) -> Self {
        match value {
            "created" => BulkResult::Created,
            "updated" => BulkResult::Updated,
            "deleted" => BulkResult::Deleted,
            "noop" => BulkResult::Noop,
            "not_found" => BulkResult::NotFound,
            _ => BulkResult::Other(value.to_owned()),
        }
    }
}

/// Read in place: one bulk item per document, and a `String` (serde's `Cow<str>` is always
/// owned) per item was one allocation per document.
impl<'de> Deserialize<'de> for BulkResult {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResultVisitor;

        impl serde::de::Visitor<'_> for ResultVisitor {
            type Value = BulkResult;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a bulk item result")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<BulkResult, E> {
                Ok(BulkResult::from_str(value))
            }
        }

        deserializer.deserialize_str(ResultVisitor)
    }
}

/// Reads `items`, each `{"<operation>": item}` on the wire, straight into [`BulkItem`]s: no map
/// or key string per item. An entry with no member or two is refused.
fn one_operation_each<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<BulkItem>, D::Error> {
    struct OneOperation(BulkItem);

    impl<'de> Deserialize<'de> for OneOperation {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(OneOperationVisitor)
        }
    }

    struct OneOperationVisitor;

    impl<'de> serde::de::Visitor<'de> for OneOperationVisitor {
        type Value = OneOperation;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(r#"a bulk item: {"<operation>": {...}}"#)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<OneOperation, A::Error> {
            if map.next_key::<serde::de::IgnoredAny>()?.is_none() {
                return Err(serde::de::Error::invalid_length(0, &self));
            }
            let item = map.next_value()?;
            if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                return Err(serde::de::Error::invalid_length(2, &self));
            }
            Ok(OneOperation(item))
        }
    }

    let items = Vec::<OneOperation>::deserialize(deserializer)?;
    Ok(items.into_iter().map(|OneOperation(item)| item).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_items_decode_from_their_one_member_objects() {
        let response: BulkResponse = serde_json::from_str(
            r#"{"took": 3, "errors": true, "items": [
                {"index": {"_index": "i", "_id": "a", "_version": 1, "result": "created",
                           "_shards": {"total": 2, "successful": 1, "failed": 0},
                           "_seq_no": 0, "_primary_term": 1, "status": 201}},
                {"delete": {"_index": "i", "_id": "b", "result": "not_found", "status": 404}},
                {"index": {"_index": "i", "_id": "c", "status": 429,
                           "error": {"type": "es_rejected_execution_exception", "reason": "busy"}}},
                {"update": {"_index": "i", "_id": "d", "result": "something_new", "status": 200}}
            ]}"#,
        )
        .expect("decodes");
        assert!(response.errors);
        let results: Vec<(u16, Option<&str>)> = response
            .items
            .iter()
            .map(|item| (item.status, item.result.as_ref().map(BulkResult::as_str)))
            .collect();
        assert_eq!(
            results,
            [
                (201, Some("created")),
                (404, Some("not_found")),
                (429, None),
                (200, Some("something_new")),
            ]
        );
        assert_eq!(response.items[0].result, Some(BulkResult::Created));
        assert!(response.items[2].error.is_some());
    }

    #[test]
    fn a_bulk_item_must_be_one_operation() {
        for bad in [
            r#"{}"#,
            r#"{"index": {"status": 201}, "delete": {"status": 200}}"#,
        ] {
            let json = format!(r#"{{"errors": false, "items": [{bad}]}}"#);
            assert!(
                serde_json::from_str::<BulkResponse>(&json).is_err(),
                "{bad} must be refused"
            );
        }
    }
}
