//! The ingest pipelines es-sim knows: `search-default-ingestion` (spec §6) and `_none`.
//!
//! `search-default-ingestion`: when `_extract_binary_content` is true and `_attachment` holds
//! base64, its decoded text (es-sim treats the bytes as UTF-8 text, standing in for Tika) goes
//! to `body`, U+FFFD removed, limited to `_attachment_indexed_chars` (default 100 000); a bad
//! payload is appended to `_ingestion_errors` instead of failing the document. When
//! `_reduce_whitespace` is true, whitespace runs in `body` become one space and `body` is
//! trimmed. Finally the control fields are always removed.

use base64::Engine;
use serde_json::{Map, Value};

use crate::error::EsError;

/// Name of the default connector pipeline.
pub const DEFAULT_PIPELINE: &str = "search-default-ingestion";
/// The "no pipeline" name.
pub const NO_PIPELINE: &str = "_none";
/// The attachment processor's default `indexed_chars`.
const DEFAULT_INDEXED_CHARS: usize = 100_000;
/// Fields the default pipeline always removes.
pub const CONTROL_FIELDS: &[&str] = &[
    "_attachment",
    "_attachment_indexed_chars",
    "_extracted_attachment",
    "_extract_binary_content",
    "_reduce_whitespace",
    "_run_ml_inference",
];

/// Checks that a pipeline exists (`pipeline with id [x] does not exist` otherwise).
pub fn check(name: &str) -> Result<(), EsError> {
    if name == DEFAULT_PIPELINE || name == NO_PIPELINE {
        Ok(())
    } else {
        Err(EsError::illegal_argument(format!(
            "pipeline with id [{name}] does not exist"
        )))
    }
}

/// Runs pipeline `name` over a document source.
pub fn apply(name: &str, doc: &mut Map<String, Value>) -> Result<(), EsError> {
    check(name)?;
    if name == NO_PIPELINE {
        return Ok(());
    }
    let flag =
        |doc: &Map<String, Value>, k: &str| doc.get(k).and_then(Value::as_bool) == Some(true);
    if flag(doc, "_extract_binary_content")
        && let Some(Value::String(b64)) = doc.get("_attachment")
    {
        let limit = doc
            .get("_attachment_indexed_chars")
            .and_then(Value::as_u64)
            .map(|n| n as usize)
            .unwrap_or(DEFAULT_INDEXED_CHARS);
        match base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
            Ok(bytes) => {
                let text: String = String::from_utf8_lossy(&bytes)
                    .chars()
                    .filter(|c| *c != '\u{FFFD}')
                    .take(limit)
                    .collect();
                doc.insert("body".into(), Value::String(text));
            }
            Err(e) => {
                let errors = doc
                    .entry("_ingestion_errors")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = errors {
                    list.push(Value::String(format!("Processor 'attachment' in pipeline '{DEFAULT_PIPELINE}' failed with message '{e}'")));
                }
            }
        }
    }
    if flag(doc, "_reduce_whitespace")
        && let Some(Value::String(body)) = doc.get_mut("body")
    {
        *body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    for f in CONTROL_FIELDS {
        doc.remove(*f);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attachment_becomes_body_and_control_fields_go() {
        let b64 = base64::engine::general_purpose::STANDARD.encode("# Title\n\n  some   text\t\n");
        let mut doc = json!({"id": "1", "_attachment": b64, "_extract_binary_content": true,
            "_reduce_whitespace": true, "_run_ml_inference": true})
        .as_object()
        .cloned()
        .unwrap();
        apply(DEFAULT_PIPELINE, &mut doc).unwrap();
        assert_eq!(
            Value::Object(doc),
            json!({"id": "1", "body": "# Title some text"})
        );
    }

    #[test]
    fn without_extraction_flag_attachment_is_only_removed() {
        let mut doc =
            json!({"_attachment": "aGk=", "_extract_binary_content": false, "body": " a  b "})
                .as_object()
                .cloned()
                .unwrap();
        apply(DEFAULT_PIPELINE, &mut doc).unwrap();
        assert_eq!(Value::Object(doc), json!({"body": " a  b "}));
        assert!(apply("nope", &mut Map::new()).is_err());
    }
}
