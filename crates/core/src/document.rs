//! The [`Document`]: one searchable record, shaped like the reference connector's output.

use std::borrow::Cow;

use compact_str::CompactString;
use serde::Serialize;

use crate::fields::Fields;
use crate::hash;
use crate::json_str::{WriteJson, write_json_str};
use crate::json_text::JsonText;
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

/// The `_source` keys a [`Document`] writes from its own members; [`Fields`] never holds them.
const OWN_KEYS: [&str; 4] = ["id", "type", "_timestamp", "body"];

/// One document bound for the index.
///
/// `fields` holds the reference fields of spec §4 (everything except `_id`, `type`,
/// `_timestamp` and `body`, which have their own members), already serialized. The `_source`
/// the sinks store ([`Document::write_source_members`]) is the fields plus `id` (a copy of
/// `_id`, as the reference framework does), `type`, `_timestamp` and `body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The `_id`, built with the reference's schemes (`project_12`, `issue_12_3`, …).
    pub id: CompactString,
    /// The `type` discriminator (`Project`, `Merge Request`, GitLab's work-item type name, …);
    /// kept inline, as every type name is short.
    pub doc_type: CompactString,
    /// `_timestamp`: GitLab's ISO-8601 string, passed through unchanged; kept inline.
    pub timestamp: Option<CompactString>,
    /// Searchable text joined from title, description and notes (or README content), kept as
    /// the JSON string it is written out as (see [`JsonText`]).
    pub body: JsonText,
    /// The remaining reference fields.
    pub fields: Fields,
}

impl Document {
    /// A document with no fields yet.
    pub fn new(id: impl Into<CompactString>, doc_type: impl Into<CompactString>) -> Self {
        Document {
            id: id.into(),
            doc_type: doc_type.into(),
            timestamp: None,
            body: JsonText::new(),
            fields: Fields::new(),
        }
    }

    /// A document with no fields yet and room for `field_bytes` bytes of them (see
    /// [`Fields::with_capacity`]; the builder calls [`Fields::shrink_to_fit`] when done).
    pub fn with_capacity(
        id: impl Into<CompactString>,
        doc_type: impl Into<CompactString>,
        field_bytes: usize,
    ) -> Self {
        Document {
            fields: Fields::with_capacity(field_bytes),
            ..Document::new(id, doc_type)
        }
    }

    /// Sets one field to `value` serialized as JSON, returning the document (builder style).
    /// The document's own keys (`id`, `type`, `_timestamp`, `body`) are set through its
    /// members instead and are ignored here.
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Serialize) -> Self {
        let key = key.into();
        if !OWN_KEYS.contains(&key.as_ref()) {
            self.fields.insert(key, value);
        }
        self
    }

    /// Sets a field whose value writes its own JSON (see [`Fields::insert_json`]), unless the
    /// key is one of the document's own (`id`, `type`, `_timestamp`, `body`).
    pub fn with_json(mut self, key: impl Into<Cow<'static, str>>, value: impl WriteJson) -> Self {
        let key = key.into();
        if !OWN_KEYS.contains(&key.as_ref()) {
            self.fields.insert_json(key, value);
        }
        self
    }

    /// The human title: `title`, else `name`, else `file_path`, else `tag_name`, else the `_id`.
    pub fn title(&self) -> Cow<'_, str> {
        ["title", "name", "file_path", "tag_name"]
            .iter()
            .find_map(|key| self.fields.get_str(key))
            .unwrap_or(Cow::Borrowed(&self.id))
    }

    /// The GitLab URL of the document (`web_url`), when it has one.
    pub fn url(&self) -> Option<Cow<'_, str>> {
        self.fields.get_str("web_url")
    }

    /// The listing this document belongs to, derived from its `type` and fields.
    pub fn scope(&self) -> Option<ScopeKey> {
        ScopeKey::of_fields(&self.doc_type, |key| self.fields.get_str(key))
    }

    /// Writes the members of the `_source` object, without its braces: `id`, `type`,
    /// `_timestamp`, `body`, then the fields. Sinks add their own members before closing it.
    pub fn write_source_members(&self, out: &mut Vec<u8>) {
        out.reserve(self.body.json_len() + self.fields.members().len() + 64);
        out.extend_from_slice(b"\"id\":");
        write_json_str(out, self.id.as_str());
        out.extend_from_slice(b",\"type\":");
        write_json_str(out, self.doc_type.as_str());
        out.extend_from_slice(b",\"_timestamp\":");
        self.timestamp.as_deref().write_json(out);
        out.extend_from_slice(b",\"body\":");
        self.body.write_json(out);
        if !self.fields.is_empty() {
            out.push(b',');
            out.extend_from_slice(self.fields.members());
        }
    }

    /// The `_source` as JSON text.
    pub fn source_json(&self) -> String {
        let mut out = vec![b'{'];
        self.write_source_members(&mut out);
        out.push(b'}');
        // Built from `&str`s and serde_json output only, so always UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }

    /// A stable 64-bit hash of the `_source` JSON, used to skip rewriting unchanged
    /// documents. Stable across runs and builds ([`hash::content_hash`] of the JSON bytes).
    pub fn content_hash(&self) -> u64 {
        hash::content_hash(self.source_json().as_bytes())
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
        assert_eq!(doc.title(), "Crash on start");
        assert_eq!(
            doc.source_json(),
            r#"{"id":"issue_1_2","type":"Issue","_timestamp":"2024-01-01T00:00:00Z","body":"Crash on start","title":"Crash on start","project_id":"1"}"#
        );
    }

    #[test]
    fn own_keys_are_not_fields() {
        let doc = Document::new("x", "Project")
            .with("id", "other")
            .with("body", "b");
        assert!(doc.fields.is_empty());
        assert_eq!(
            doc.source_json(),
            r#"{"id":"x","type":"Project","_timestamp":null,"body":""}"#
        );
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
