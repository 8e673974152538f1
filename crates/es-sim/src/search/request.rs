//! Parsing of a search body and its URL parameters into a [`SearchRequest`].

use serde_json::{Value, json};

use super::sort::{SortField, parse_sort, sort_from_param};
use crate::error::EsError;
use crate::json_util::SourceFilter;
use crate::query::{self, Query};

/// Hits counted exactly before `hits.total.relation` becomes `gte` (ES default).
const DEFAULT_TRACK_TOTAL_HITS: usize = 10_000;

/// A parsed search body plus the URL parameters that shape it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Query (default `match_all`).
    pub query: Query,
    /// Offset.
    pub from: usize,
    /// Page size (default 10).
    pub size: usize,
    /// Sort criteria.
    pub sort: Vec<SortField>,
    /// `_source` filter.
    pub source: SourceFilter,
    /// Return `_seq_no` and `_primary_term`.
    pub seq_no_primary_term: bool,
    /// Return `_version`.
    pub version: bool,
    /// `None` = exact; `Some(n)` = count exactly up to n.
    pub track_total_hits: Option<usize>,
    /// `search_after` values.
    pub search_after: Option<Vec<Value>>,
    /// `pit.id` and its `keep_alive`.
    pub pit: Option<(String, Option<String>)>,
    /// Whether `from` was given explicitly.
    pub from_given: bool,
}

/// URL parameters that shape a search.
#[derive(Debug, Default, Clone)]
pub struct SearchParams<'a> {
    /// `from`.
    pub from: Option<&'a str>,
    /// `size`.
    pub size: Option<&'a str>,
    /// `sort`.
    pub sort: Option<&'a str>,
    /// `seq_no_primary_term`.
    pub seq_no_primary_term: Option<&'a str>,
    /// `version`.
    pub version: Option<&'a str>,
    /// `_source`.
    pub source: Option<&'a str>,
    /// `_source_includes`.
    pub source_includes: Option<&'a str>,
    /// `_source_excludes`.
    pub source_excludes: Option<&'a str>,
    /// `track_total_hits`.
    pub track_total_hits: Option<&'a str>,
    /// `q` (unsupported).
    pub q: Option<&'a str>,
}

fn parse_usize(name: &str, v: &Value) -> Result<usize, EsError> {
    v.as_u64()
        .map(|n| n as usize)
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| {
            EsError::illegal_argument(format!("[{name}] must be a non-negative number, got [{v}]"))
        })
}

fn track_total(v: &Value) -> Result<Option<usize>, EsError> {
    match v {
        Value::Bool(true) => Ok(None),
        Value::Bool(false) => Ok(Some(0)),
        Value::String(s) if s == "true" => Ok(None),
        Value::String(s) if s == "false" => Ok(Some(0)),
        other => parse_usize("track_total_hits", other).map(Some),
    }
}

impl SearchRequest {
    /// Parses the body (strict about unknown keys) and the URL parameters.
    pub fn parse(body: Option<&Value>, p: &SearchParams<'_>) -> Result<SearchRequest, EsError> {
        if p.q.is_some() {
            return Err(EsError::illegal_argument(
                "es-sim does not support the [q] query-string parameter; send a query DSL body",
            ));
        }
        let mut r = SearchRequest {
            query: Query::MatchAll,
            from: 0,
            size: 10,
            sort: Vec::new(),
            source: SourceFilter::default(),
            seq_no_primary_term: false,
            version: false,
            track_total_hits: Some(DEFAULT_TRACK_TOTAL_HITS),
            search_after: None,
            pit: None,
            from_given: false,
        };
        if let Some(b) = body {
            let obj = b
                .as_object()
                .ok_or_else(|| EsError::parse("request body must be a JSON object"))?;
            for (k, v) in obj {
                match k.as_str() {
                    "query" => r.query = query::parse(v)?,
                    "from" => {
                        r.from = parse_usize("from", v)?;
                        r.from_given = true;
                    }
                    "size" => r.size = parse_usize("size", v)?,
                    "sort" => r.sort = parse_sort(v)?,
                    "_source" => {
                        r.source = SourceFilter::from_body(v).map_err(EsError::query_parsing)?
                    }
                    "seq_no_primary_term" => r.seq_no_primary_term = v.as_bool().unwrap_or(false),
                    "version" => r.version = v.as_bool().unwrap_or(false),
                    "track_total_hits" => r.track_total_hits = track_total(v)?,
                    "search_after" => {
                        r.search_after = Some(v.as_array().cloned().ok_or_else(|| {
                            EsError::query_parsing("[search_after] must be an array")
                        })?)
                    }
                    "pit" => {
                        let id = v
                            .get("id")
                            .and_then(Value::as_str)
                            .ok_or_else(|| EsError::query_parsing("[pit] requires [id]"))?;
                        let keep = v
                            .get("keep_alive")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        r.pit = Some((id.to_owned(), keep));
                    }
                    "timeout" | "track_scores" | "explain" => {}
                    other => {
                        let kind = match v {
                            Value::Object(_) => "START_OBJECT",
                            Value::Array(_) => "START_ARRAY",
                            _ => "VALUE",
                        };
                        return Err(EsError::query_parsing(format!(
                            "Unknown key for a {kind} in [{other}]."
                        )));
                    }
                }
            }
        }
        if let Some(f) = p.from {
            r.from = parse_usize("from", &json!(f))?;
            r.from_given = true;
        }
        if let Some(s) = p.size {
            r.size = parse_usize("size", &json!(s))?;
        }
        if let Some(s) = p.sort {
            r.sort = sort_from_param(s)?;
        }
        if let Some(v) = p.seq_no_primary_term {
            r.seq_no_primary_term = v != "false";
        }
        if let Some(v) = p.version {
            r.version = v != "false";
        }
        if let Some(v) = p.track_total_hits {
            r.track_total_hits = track_total(&json!(v))?;
        }
        if p.source.is_some() || p.source_includes.is_some() || p.source_excludes.is_some() {
            r.source = SourceFilter::from_params(p.source, p.source_includes, p.source_excludes);
        }
        if r.search_after.is_some() && r.sort.is_empty() && r.pit.is_none() {
            return Err(EsError::validation(
                "[search_after] requires a sort to be specified",
            ));
        }
        Ok(r)
    }
}
