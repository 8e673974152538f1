//! The tantivy schema: field names and their handles.

use tantivy::schema::{FAST, Field, INDEXED, STORED, STRING, Schema, TEXT};

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

/// Builds the schema of format version 1 (see the crate docs).
pub(crate) fn build() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field(name::ID, STRING | STORED);
    builder.add_text_field(name::TYPE, STRING | STORED | FAST);
    builder.add_text_field(name::TITLE, TEXT | STORED);
    builder.add_text_field(name::BODY, TEXT | STORED);
    builder.add_text_field(name::URL, STORED);
    builder.add_text_field(name::SCOPE, STORED);
    builder.add_u64_field(name::CONTENT_HASH, STORED | FAST | INDEXED);
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
