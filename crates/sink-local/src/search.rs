//! Searching a local index: [`search`], [`count_by_type`] and [`get`]. Each opens the index
//! read-only, so they work while a sync holds the writer lock (they see its last commit).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, Searcher, TantivyDocument, Term};

use crate::LocalIndexError;
use crate::schema::Fields;
use crate::store::{self, text};

/// How much more a match in `title` weighs than one in `body`.
const TITLE_BOOST: f32 = 3.0;

/// Longest snippet, in characters: two terminal lines.
const SNIPPET_CHARS: usize = 160;

/// What to search for besides the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// Keep only these `type` values (exact match); empty keeps every type.
    pub types: Vec<String>,
    /// Most hits to return.
    pub limit: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            types: Vec::new(),
            limit: 10,
        }
    }
}

/// One search result, best first. Serializes as the `--json` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The document's `_id`.
    pub id: String,
    /// Its `type`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Its title.
    pub title: String,
    /// Its GitLab URL, when it has one.
    pub url: Option<String>,
    /// Relevance score (BM25; higher is better).
    pub score: f32,
    /// A plain-text passage of the body around the matches.
    pub snippet: String,
    /// The same passage as HTML with matches in `<b>…</b>` (text escaped).
    pub snippet_html: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<(usize, usize)>,
}

impl Hit {
    /// The snippet with each match wrapped in `open` … `close` (e.g. `**` and `**`).
    pub fn marked_snippet(&self, open: &str, close: &str) -> String {
        let mut marked = String::with_capacity(self.snippet.len() + 8);
        let mut at = 0;
        for &(start, end) in &self.highlights {
            let (Some(before), Some(matched)) =
                (self.snippet.get(at..start), self.snippet.get(start..end))
            else {
                continue;
            };
            marked.push_str(before);
            marked.push_str(open);
            marked.push_str(matched);
            marked.push_str(close);
            at = end;
        }
        marked.push_str(self.snippet.get(at..).unwrap_or_default());
        marked
    }
}

fn open_read_only(dir: &Path) -> Result<(Searcher, Index, Fields), LocalIndexError> {
    let (index, fields) = store::open(dir, false)?;
    let reader = index
        .reader()
        .map_err(|err| LocalIndexError::tantivy(dir, "open a reader", err))?;
    Ok((reader.searcher(), index, fields))
}

/// Searches `title` (boosted) and `body` of the index in `dir`.
///
/// The query uses tantivy's query syntax (`foo AND bar`, `"a phrase"`, `title:crash`), parsed
/// leniently: malformed input such as `foo:` or an unbalanced quote is searched as well as it
/// can be instead of failing. An empty query matches every document.
pub fn search(
    dir: &Path,
    query: &str,
    options: &SearchOptions,
) -> Result<Vec<Hit>, LocalIndexError> {
    let (searcher, index, fields) = open_read_only(dir)?;
    let text_query: Box<dyn Query> = if query.trim().is_empty() {
        Box::new(AllQuery)
    } else {
        let mut parser = QueryParser::for_index(&index, vec![fields.title, fields.body]);
        parser.set_field_boost(fields.title, TITLE_BOOST);
        let (parsed, errors) = parser.parse_query_lenient(query);
        if !errors.is_empty() {
            tracing::debug!(query, errors = ?errors, "query parsed leniently");
        }
        parsed
    };
    let snippets =
        SnippetGenerator::create(&searcher, &*text_query, fields.body).map(|mut generator| {
            generator.set_max_num_chars(SNIPPET_CHARS);
            generator
        });
    let snippets =
        snippets.map_err(|err| LocalIndexError::tantivy(dir, "prepare snippets", err))?;
    let full_query = with_type_filter(text_query, &fields, &options.types);
    let top = searcher
        .search(&full_query, &TopDocs::with_limit(options.limit.max(1)))
        .map_err(|err| LocalIndexError::tantivy(dir, "search", err))?;
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|err| LocalIndexError::tantivy(dir, "read a stored document", err))?;
        let body = stored_body(&doc, &fields);
        let body = body.as_deref().unwrap_or_default();
        let snippet = snippets.snippet(body);
        let (plain, html, highlights) = if snippet.fragment().is_empty() {
            let lead = leading_chars(body, SNIPPET_CHARS);
            (lead.to_owned(), escape_html(lead), Vec::new())
        } else {
            let ranges = snippet
                .highlighted()
                .iter()
                .map(|range| (range.start, range.end))
                .collect();
            (snippet.fragment().to_owned(), snippet.to_html(), ranges)
        };
        hits.push(Hit {
            id: text(&doc, fields.id).unwrap_or_default().to_owned(),
            doc_type: text(&doc, fields.doc_type).unwrap_or_default().to_owned(),
            title: text(&doc, fields.title).unwrap_or_default().to_owned(),
            url: text(&doc, fields.url).map(str::to_owned),
            score,
            snippet: plain,
            snippet_html: html,
            highlights,
        });
    }
    Ok(hits)
}

/// The body of a stored document: the `body` member of its `_source` (format version 2), or
/// the stored `body` field of an index of format version 1.
fn stored_body<'a>(doc: &'a TantivyDocument, fields: &Fields) -> Option<Cow<'a, str>> {
    /// The one member of `_source` a snippet needs; the others are skipped unparsed.
    #[derive(serde::Deserialize)]
    struct BodyOnly<'a> {
        #[serde(borrow)]
        body: Option<Cow<'a, str>>,
    }
    if let Some(body) = text(doc, fields.body) {
        return Some(Cow::Borrowed(body));
    }
    let source = text(doc, fields.source)?;
    serde_json::from_str::<BodyOnly<'_>>(source).ok()?.body
}

fn with_type_filter(query: Box<dyn Query>, fields: &Fields, types: &[String]) -> BooleanQuery {
    let mut clauses = vec![(Occur::Must, query)];
    if !types.is_empty() {
        let any_type = types
            .iter()
            .map(|doc_type| {
                let term = Term::from_field_text(fields.doc_type, doc_type);
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_type))));
    }
    BooleanQuery::new(clauses)
}

fn leading_chars(body: &str, max: usize) -> &str {
    match body.char_indices().nth(max) {
        Some((end, _)) => &body[..end],
        None => body,
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How many documents of each `type` the index in `dir` holds.
pub fn count_by_type(dir: &Path) -> Result<BTreeMap<String, u64>, LocalIndexError> {
    let (searcher, _, fields) = open_read_only(dir)?;
    let mut types = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(fields.doc_type)
            .map_err(|err| LocalIndexError::tantivy(dir, "read the type terms", err))?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(|source| LocalIndexError::Io {
                path: dir.to_owned(),
                operation: "read the type terms",
                source,
            })?;
        while terms.advance() {
            types.insert(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    let mut counts = BTreeMap::new();
    for doc_type in types {
        let term = Term::from_field_text(fields.doc_type, &doc_type);
        let count = searcher
            .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
            .map_err(|err| LocalIndexError::tantivy(dir, "count documents", err))?;
        if count > 0 {
            counts.insert(doc_type, count as u64);
        }
    }
    Ok(counts)
}

/// The stored `_source` of the document with this `_id`, if the index in `dir` holds it.
pub fn get(dir: &Path, id: &str) -> Result<Option<Map<String, Value>>, LocalIndexError> {
    let (searcher, _, fields) = open_read_only(dir)?;
    let query = TermQuery::new(
        Term::from_field_text(fields.id, id),
        IndexRecordOption::Basic,
    );
    let top = searcher
        .search(&query, &TopDocs::with_limit(1))
        .map_err(|err| LocalIndexError::tantivy(dir, "look up an _id", err))?;
    let Some((_, address)) = top.into_iter().next() else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher
        .doc(address)
        .map_err(|err| LocalIndexError::tantivy(dir, "read a stored document", err))?;
    let corrupt = |reason: String| LocalIndexError::CorruptDocument {
        path: dir.to_owned(),
        id: id.to_owned(),
        reason,
    };
    let source = text(&doc, fields.source).ok_or_else(|| corrupt("no source".to_owned()))?;
    serde_json::from_str(source)
        .map(Some)
        .map_err(|err| corrupt(err.to_string()))
}
