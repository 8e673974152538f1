//! Opening the tantivy index and converting between [`Document`]s and stored documents.

use std::path::Path;

use connector_core::hash::content_hash;
use connector_core::{Document, ExistingDoc};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::{
    DocSet, Index, IndexReader, ReloadPolicy, Searcher, TERMINATED, TantivyDocument, Term,
};

use crate::format::{self, MarkerState};
use crate::read_directory::ReadDirectory;
use crate::schema::{self, Fields};
use crate::{LocalIndexError, scope_text};

/// Store blocks kept decompressed while walking every document (tantivy's own default).
const STORE_CACHE_BLOCKS: usize = 10;

/// Opens the index in `dir`, creating directory, marker and index when `create` is true and
/// the directory is missing or empty.
pub(crate) fn open(dir: &Path, create: bool) -> Result<(Index, Fields), LocalIndexError> {
    let state = format::check_or_create(dir, create)?;
    let has_meta = dir.join("meta.json").exists();
    if !create && !has_meta {
        // A marker without tantivy files: creation was interrupted; only a writer repairs it.
        return Err(LocalIndexError::NotAnIndex {
            path: dir.to_owned(),
        });
    }
    let index = if state == MarkerState::Created || !has_meta {
        Index::create_in_dir(dir, schema::build())
            .map_err(|err| LocalIndexError::tantivy(dir, "create the index", err))?
    } else {
        Index::open_in_dir(dir)
            .map_err(|err| LocalIndexError::tantivy(dir, "open the index", err))?
    };
    let fields = Fields::of(&index.schema()).ok_or_else(|| LocalIndexError::NotAnIndex {
        path: dir.to_owned(),
    })?;
    Ok((index, fields))
}

/// The field values tantivy indexes and stores for a document, and the bytes of its `_source`.
/// Takes the document apart: its body moves into the values rather than being copied.
pub(crate) fn to_stored(doc: Document, fields: &Fields) -> (Vec<(Field, OwnedValue)>, u64) {
    let source = doc.source_json();
    let mut values = Vec::with_capacity(8);
    let mut text = |field, text: String| values.push((field, OwnedValue::Str(text)));
    text(fields.title, doc.title().into_owned());
    if let Some(url) = doc.url() {
        text(fields.url, url.into_owned());
    }
    if let Some(scope) = doc.scope() {
        text(fields.scope, scope_text::to_text(&scope));
    }
    text(fields.id, doc.id.into_string());
    text(fields.doc_type, doc.doc_type.into_string());
    text(fields.body, doc.body.into_text());
    // Same bytes `Document::content_hash` hashes: reuse them rather than serialize twice.
    let hash = content_hash(source.as_bytes());
    let bytes = source.len() as u64;
    values.push((fields.content_hash, OwnedValue::U64(hash)));
    values.push((fields.source, OwnedValue::Str(source)));
    (values, bytes)
}

/// The first text value of `field` in a stored document.
pub(crate) fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<&str> {
    doc.get_first(field).and_then(|value| value.as_str())
}

/// Whether a live (not deleted) document with this `_id` is visible to `searcher`.
///
/// Looks the term up segment by segment and reads postings only in segments with deletes:
/// cheaper than a query, and it leaves the postings files of most segments untouched (their
/// pages would count as the connector's memory).
pub(crate) fn contains(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
    dir: &Path,
) -> Result<bool, LocalIndexError> {
    let term = Term::from_field_text(fields.id, id);
    let lookup = |err| LocalIndexError::tantivy(dir, "look up an _id", err);
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.id).map_err(lookup)?;
        let Some(info) = inverted
            .get_term_info(&term)
            .map_err(|err| lookup(err.into()))?
        else {
            continue;
        };
        let Some(alive) = segment.alive_bitset() else {
            return Ok(true);
        };
        let mut postings = inverted
            .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
            .map_err(|err| lookup(err.into()))?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_alive(doc) {
                return Ok(true);
            }
            doc = postings.advance();
        }
    }
    Ok(false)
}

/// A searcher over the last commit that reads the index files with positioned reads (see
/// [`ReadDirectory`]): for walking every stored document once without mapping the whole store.
pub(crate) fn listing_searcher(dir: &Path) -> Result<Searcher, LocalIndexError> {
    let open = |err| LocalIndexError::tantivy(dir, "open the index for listing", err);
    let directory = ReadDirectory::open(dir).map_err(|err| open(err.into()))?;
    let reader: IndexReader = Index::open(directory)
        .map_err(open)?
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(open)?;
    Ok(reader.searcher())
}

/// Documents per chunk of [`existing`]'s listing.
pub(crate) const LISTING_CHUNK: usize = 1_000;

/// Every live document's id, scope and content hash, handed to `send` in chunks of
/// [`LISTING_CHUNK`] (so the whole listing is never in memory at once); stops early when `send`
/// returns `false`.
pub(crate) fn existing(
    searcher: &Searcher,
    fields: &Fields,
    dir: &Path,
    send: &mut dyn FnMut(Vec<ExistingDoc>) -> bool,
) -> Result<(), LocalIndexError> {
    let mut found = Vec::with_capacity(LISTING_CHUNK);
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(STORE_CACHE_BLOCKS)
            .map_err(|source| LocalIndexError::Io {
                path: dir.to_owned(),
                operation: "read the document store",
                source,
            })?;
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument = store
                .get(doc_id)
                .map_err(|err| LocalIndexError::tantivy(dir, "read a stored document", err))?;
            let id = text(&doc, fields.id).ok_or_else(|| LocalIndexError::CorruptDocument {
                path: dir.to_owned(),
                id: "?".to_owned(),
                reason: "no _id".to_owned(),
            })?;
            found.push(ExistingDoc {
                id: id.to_owned(),
                scope: text(&doc, fields.scope).and_then(scope_text::parse),
                content_hash: doc
                    .get_first(fields.content_hash)
                    .and_then(|value| value.as_u64()),
            });
            if found.len() == LISTING_CHUNK {
                let chunk = std::mem::replace(&mut found, Vec::with_capacity(LISTING_CHUNK));
                if !send(chunk) {
                    return Ok(());
                }
            }
        }
    }
    if !found.is_empty() {
        send(found);
    }
    Ok(())
}
