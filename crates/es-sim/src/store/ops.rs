//! The values a document write takes and returns: OCC conditions, op types, partial-update
//! bodies and write results.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{PRIMARY_TERM, StoredDoc};
use crate::error::EsError;

/// Outcome of one document write, as `_doc`/`_update`/`_bulk` report it.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteResult {
    /// Concrete index written.
    pub index: String,
    /// Document id.
    pub id: String,
    /// `created`, `updated`, `deleted`, `not_found` or `noop`.
    pub result: &'static str,
    /// `_version` after the write.
    pub version: u64,
    /// `_seq_no` after the write.
    pub seq_no: u64,
}

impl WriteResult {
    /// HTTP status ES uses for this result.
    pub fn status(&self) -> StatusCode {
        match self.result {
            "created" => StatusCode::CREATED,
            "not_found" => StatusCode::NOT_FOUND,
            _ => StatusCode::OK,
        }
    }

    /// The response body (`_index`, `_id`, `_version`, `result`, `_shards`, `_seq_no`, ...).
    pub fn body(&self) -> Value {
        json!({
            "_index": self.index, "_id": self.id, "_version": self.version,
            "result": self.result,
            "_shards": {"total": 2, "successful": 1, "failed": 0},
            "_seq_no": self.seq_no, "_primary_term": PRIMARY_TERM
        })
    }
}

/// Optimistic-concurrency condition (`if_seq_no` + `if_primary_term`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occ {
    /// Expected `_seq_no`.
    pub seq_no: u64,
    /// Expected `_primary_term`.
    pub primary_term: u64,
}

impl Occ {
    /// Reads the pair; one without the other is ES's validation error.
    pub fn from_pair(
        seq_no: Option<u64>,
        primary_term: Option<u64>,
    ) -> Result<Option<Occ>, EsError> {
        match (seq_no, primary_term) {
            (None, None) => Ok(None),
            (Some(s), Some(p)) => Ok(Some(Occ {
                seq_no: s,
                primary_term: p,
            })),
            (Some(_), None) => Err(EsError::validation(
                "ifSeqNo is set, but primary term is [0]",
            )),
            (None, Some(p)) => Err(EsError::validation(&format!(
                "ifSeqNo is unassigned, but primary term is [{p}]"
            ))),
        }
    }

    pub(super) fn check(
        &self,
        index: &str,
        id: &str,
        current: Option<&StoredDoc>,
    ) -> Result<(), EsError> {
        let required = format!(
            "[{id}]: version conflict, required seqNo [{}], primary term [{}]",
            self.seq_no, self.primary_term
        );
        match current {
            None => Err(EsError::version_conflict(
                index,
                format!("{required}. but no document was found"),
            )),
            Some(d) if d.seq_no != self.seq_no || self.primary_term != PRIMARY_TERM => {
                Err(EsError::version_conflict(
                    index,
                    format!(
                        "{required}. current document has seqNo [{}] and primary term [{PRIMARY_TERM}]",
                        d.seq_no
                    ),
                ))
            }
            Some(_) => Ok(()),
        }
    }
}

/// `index` (create or overwrite) or `create` (fail if present).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpType {
    /// Create or overwrite.
    Index,
    /// Create only; 409 when the id exists.
    Create,
}

/// The body of a partial update.
#[derive(Debug, Clone, Default)]
pub struct UpdateSpec {
    /// `doc`: merged into the stored source.
    pub doc: Option<Map<String, Value>>,
    /// `upsert`: the document to create when missing.
    pub upsert: Option<Map<String, Value>>,
    /// `doc_as_upsert`: create from `doc` when missing.
    pub doc_as_upsert: bool,
    /// `detect_noop` (default true): answer `noop` when nothing changes.
    pub detect_noop: bool,
}

impl UpdateSpec {
    /// Parses an `_update` body (or a bulk `update` source line), strictly.
    pub fn parse(body: &Value) -> Result<UpdateSpec, EsError> {
        let Some(obj) = body.as_object() else {
            return Err(EsError::parse(
                "[UpdateRequest] request body must be an object",
            ));
        };
        let mut spec = UpdateSpec {
            detect_noop: true,
            ..Default::default()
        };
        for (k, v) in obj {
            match k.as_str() {
                "doc" => spec.doc = Some(as_obj(v, "doc")?),
                "upsert" => spec.upsert = Some(as_obj(v, "upsert")?),
                "doc_as_upsert" => {
                    spec.doc_as_upsert = v.as_bool().ok_or_else(|| {
                        EsError::parse("[UpdateRequest] failed to parse field [doc_as_upsert]")
                    })?
                }
                "detect_noop" => {
                    spec.detect_noop = v.as_bool().ok_or_else(|| {
                        EsError::parse("[UpdateRequest] failed to parse field [detect_noop]")
                    })?
                }
                "script" | "scripted_upsert" => {
                    return Err(EsError::illegal_argument(
                        "es-sim does not run scripts; send a partial [doc] instead",
                    ));
                }
                "_source" => {}
                other => {
                    return Err(EsError::parse(format!(
                        "[UpdateRequest] unknown field [{other}]"
                    )));
                }
            }
        }
        if spec.doc.is_none() {
            return Err(EsError::validation("script or doc is missing"));
        }
        Ok(spec)
    }
}

fn as_obj(v: &Value, field: &str) -> Result<Map<String, Value>, EsError> {
    v.as_object()
        .cloned()
        .ok_or_else(|| EsError::parse(format!("[UpdateRequest] failed to parse field [{field}]")))
}
