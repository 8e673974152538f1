//! The tantivy schema: field names and their handles.

use tantivy::schema::{Field, STORED, STRING, Schema, TEXT};

/// Field names, defined once.
pub(crate) mod name {
    pub const ID: &str = "_id";
    pub const TYPE: &str = "type";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const URL: &str = "url";
    pub const SCOPE: &str = "scope";
    pub const CONTENT_HASH: &str = "content_hash";
    pub const SOURCE: &str = "source";
}

/// Handles of every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc_type: Field,
    pub title: Field,
    pub body: Field,
    pub url: Field,
    pub scope: Field,
    pub content_hash: Field,
    pub source: Field,
}

/// Builds the schema of format version 2 (see the crate docs).
///
/// Each field is indexed only as far as a reader uses it: `type` is searched by term and never
/// read as a fast field, and `content_hash` is only read back from the store. (Indexes created
/// before also made both fast fields and indexed `content_hash`: one term unique to each
/// document, its postings and its dictionary entry, about 1 µs per document for nothing. Such
/// indexes keep their schema and read the same.)
///
/// `body` is indexed but not stored: it is a member of the stored `_source` already, and
/// storing it twice made every document's stored bytes about a third larger, all of it
/// compressed at every write (format version 1 stored it; such indexes keep doing so).
pub(crate) fn build() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field(name::ID, STRING | STORED);
    builder.add_text_field(name::TYPE, STRING | STORED);
    builder.add_text_field(name::TITLE, TEXT | STORED);
    builder.add_text_field(name::BODY, TEXT);
    builder.add_text_field(name::URL, STORED);
    builder.add_text_field(name::SCOPE, STORED);
    builder.add_u64_field(name::CONTENT_HASH, STORED);
    builder.add_text_field(name::SOURCE, STORED);
    builder.build()
}

impl Fields {
    /// Looks every field up in `schema`; `None` when the schema is not ours.
    pub(crate) fn of(schema: &Schema) -> Option<Fields> {
        Some(Fields {
            id: schema.get_field(name::ID).ok()?,
            doc_type: schema.get_field(name::TYPE).ok()?,
            title: schema.get_field(name::TITLE).ok()?,
            body: schema.get_field(name::BODY).ok()?,
            url: schema.get_field(name::URL).ok()?,
            scope: schema.get_field(name::SCOPE).ok()?,
            content_hash: schema.get_field(name::CONTENT_HASH).ok()?,
            source: schema.get_field(name::SOURCE).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_readers_use_is_indexed() {
        let schema = build();
        let entry = |field_name| schema.get_field_entry(schema.get_field(field_name).unwrap());
        let id = entry(name::ID);
        assert!(id.is_indexed() && id.is_stored(), "upserts delete by _id");
        let doc_type = entry(name::TYPE);
        assert!(
            doc_type.is_indexed() && !doc_type.is_fast(),
            "--type is a term query"
        );
        let hash = entry(name::CONTENT_HASH);
        assert!(hash.is_stored() && !hash.is_indexed() && !hash.is_fast());
        let body = entry(name::BODY);
        assert!(
            body.is_indexed() && !body.is_stored(),
            "the body is stored once, in `source`"
        );
        for text in [name::TITLE, name::BODY] {
            let options = entry(text).field_type().get_index_record_option();
            assert_eq!(
                options,
                Some(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
                "{text}: phrase queries need positions"
            );
        }
    }
}
