//! The [`Document`]: one searchable record, shaped like the reference connector's output.

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::fields::Fields;
use crate::hash::fnv1a64;
use crate::scope::ScopeKey;

/// The fixed `type` strings of the reference connector (spec §0). Work items (issues, epics)
/// carry GitLab's own work-item type name instead, so they are not listed here.
pub struct DocType;

impl DocType {
    /// `type` of a project document.
    pub const PROJECT: &'static str = "Project";
    /// `type` of a merge request document.
    pub const MERGE_REQUEST: &'static str = "Merge Request";
    /// `type` of a release document.
    pub const RELEASE: &'static str = "Release";
    /// `type` of a README file document.
    pub const FILE: &'static str = "File";
}

/// One document bound for the index.
///
/// `fields` holds the reference fields of spec §4 (everything except `_id`, `type`,
/// `_timestamp` and `body`, which have their own members). Serializing a `Document` yields the
/// `_source` the sinks store: the fields, plus `id` (a copy of `_id`, as the reference framework
/// does), `type`, `_timestamp` and `body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The `_id`, built with the reference's schemes (`project_12`, `issue_12_3`, …).
    pub id: String,
    /// The `type` discriminator (`Project`, `Merge Request`, GitLab's work-item type name, …).
    pub doc_type: String,
    /// `_timestamp`: GitLab's ISO-8601 string, passed through unchanged.
    pub timestamp: Option<String>,
    /// Searchable text joined from title, description and notes (or README content).
    pub body: String,
    /// The remaining reference fields.
    pub fields: Fields,
}

impl Document {
    /// A document with no fields yet.
    pub fn new(id: impl Into<String>, doc_type: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            doc_type: doc_type.into(),
            timestamp: None,
            body: String::new(),
            fields: Fields::new(),
        }
    }

    /// Sets one field, returning the document (builder style).
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.fields.insert(key, value.into());
        self
    }

    /// The human title: `title`, else `name`, else `file_path`, else `tag_name`, else the `_id`.
    pub fn title(&self) -> &str {
        ["title", "name", "file_path", "tag_name"]
            .iter()
            .find_map(|key| self.fields.get(key).and_then(Value::as_str))
            .unwrap_or(&self.id)
    }

    /// The GitLab URL of the document (`web_url`), when it has one.
    pub fn url(&self) -> Option<&str> {
        self.fields.get("web_url").and_then(Value::as_str)
    }

    /// The listing this document belongs to, derived from its `type` and fields.
    pub fn scope(&self) -> Option<ScopeKey> {
        ScopeKey::of_fields(&self.doc_type, |key| self.fields.get(key))
    }

    /// The `_source` as a JSON object (for sinks that need a `Value`; `_bulk` serializes
    /// the document directly instead).
    pub fn to_source(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => unreachable!("a Document always serializes to a JSON object"),
        }
    }

    /// A stable 64-bit hash of the serialized `_source`, used to skip rewriting unchanged
    /// documents. Stable across runs and builds (FNV-1a over the JSON bytes).
    pub fn content_hash(&self) -> u64 {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        fnv1a64(&bytes)
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len() + 4))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("type", &self.doc_type)?;
        map.serialize_entry("_timestamp", &self.timestamp)?;
        map.serialize_entry("body", &self.body)?;
        for (key, value) in self.fields.iter() {
            if !matches!(key, "id" | "type" | "_timestamp" | "body") {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_copies_id_and_carries_type_timestamp_and_body() {
        let mut doc = Document::new("issue_1_2", "Issue")
            .with("title", "Crash on start")
            .with("project_id", "1");
        doc.timestamp = Some("2024-01-01T00:00:00Z".into());
        doc.body = "Crash on start".into();
        let source = doc.to_source();
        assert_eq!(source["id"], "issue_1_2");
        assert_eq!(source["type"], "Issue");
        assert_eq!(source["_timestamp"], "2024-01-01T00:00:00Z");
        assert_eq!(source["body"], "Crash on start");
        assert_eq!(source["title"], "Crash on start");
        assert_eq!(doc.title(), "Crash on start");
    }

    #[test]
    fn content_hash_changes_with_content_only() {
        let a = Document::new("x", "Project").with("name", "a");
        let b = Document::new("x", "Project").with("name", "a");
        let c = Document::new("x", "Project").with("name", "b");
        assert_eq!(a.content_hash(), b.content_hash());
        assert_ne!(a.content_hash(), c.content_hash());
    }
}
