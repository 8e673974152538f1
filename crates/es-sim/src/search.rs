//! `_search` execution: request parsing, matching, sorting, `from`/`size`, `search_after`,
//! `_source` filtering, and the scroll and point-in-time contexts that page over a snapshot.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::datemath;
use crate::error::EsError;
use crate::json_util::{SourceFilter, glob, values_at};
use crate::query::{self, Query};
use crate::store::mapping::{FieldType, Mapping};
use crate::store::{PRIMARY_TERM, Store, StoredDoc};

/// ES's `index.max_result_window`.
pub const MAX_RESULT_WINDOW: usize = 10_000;
/// Hits counted exactly before `hits.total.relation` becomes `gte` (ES default).
const DEFAULT_TRACK_TOTAL_HITS: usize = 10_000;

/// One sort criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct SortField {
    /// Field path, `_doc`, `_score` or `_shard_doc`.
    pub field: String,
    /// Descending order.
    pub desc: bool,
    /// `unmapped_type` given (sorting on an unmapped field is then allowed).
    pub unmapped_ok: bool,
}

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

fn parse_sort_entry(v: &Value) -> Result<SortField, EsError> {
    match v {
        Value::String(f) => Ok(SortField {
            field: f.clone(),
            desc: f == "_score",
            unmapped_ok: false,
        }),
        Value::Object(o) if o.len() == 1 => {
            let Some((field, spec)) = o.iter().next() else {
                return Err(EsError::query_parsing("[sort] malformed"));
            };
            let (order, unmapped_ok) = match spec {
                Value::String(s) => (s.clone(), false),
                Value::Object(so) => (
                    so.get("order")
                        .and_then(Value::as_str)
                        .unwrap_or(if field == "_score" { "desc" } else { "asc" })
                        .to_owned(),
                    so.contains_key("unmapped_type"),
                ),
                _ => {
                    return Err(EsError::query_parsing(format!(
                        "[sort] malformed for field [{field}]"
                    )));
                }
            };
            let desc = match order.as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(EsError::illegal_argument(format!(
                        "Unknown SortOrder [{other}]"
                    )));
                }
            };
            Ok(SortField {
                field: field.clone(),
                desc,
                unmapped_ok,
            })
        }
        _ => Err(EsError::query_parsing(
            "[sort] malformed, expected a field name or an object",
        )),
    }
}

/// Sort criteria from a body `sort` value or the `sort` URL parameter (`f:asc,g:desc`).
pub fn parse_sort(v: &Value) -> Result<Vec<SortField>, EsError> {
    match v {
        Value::Array(a) => a.iter().map(parse_sort_entry).collect(),
        other => Ok(vec![parse_sort_entry(other)?]),
    }
}

fn sort_from_param(s: &str) -> Result<Vec<SortField>, EsError> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(':') {
            Some((f, o)) => parse_sort_entry(&json!({f: o})),
            None => parse_sort_entry(&json!(p)),
        })
        .collect()
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

/// One index as searched: name, mapping and documents (live or snapshotted).
pub struct Target<'a> {
    /// Concrete index name.
    pub index: &'a str,
    /// Its mapping.
    pub mapping: &'a Mapping,
    /// Its documents.
    pub docs: &'a BTreeMap<String, StoredDoc>,
}

#[derive(Debug, Clone, PartialEq)]
enum Key {
    Num(f64),
    Str(String),
    Missing,
}

struct Hit<'a> {
    index: &'a str,
    id: &'a str,
    doc: &'a StoredDoc,
    keys: Vec<Key>,
    tiebreak: u64,
}

fn key_of(doc: &StoredDoc, field: &SortField, ty: Option<&FieldType>, ordinal: u64) -> Key {
    match field.field.as_str() {
        "_doc" | "_shard_doc" => return Key::Num(ordinal as f64),
        "_score" => return Key::Num(1.0),
        _ => {}
    }
    let path = field
        .field
        .strip_suffix(".keyword")
        .filter(|_| matches!(ty, Some(FieldType::Keyword)))
        .unwrap_or(&field.field);
    let mut keys: Vec<Key> = values_at(&doc.source, path)
        .into_iter()
        .filter_map(|v| match (ty, v) {
            (Some(FieldType::Date), v) => datemath::value_as_date(v).map(|t| Key::Num(t as f64)),
            (_, Value::Number(n)) => n.as_f64().map(Key::Num),
            (Some(FieldType::Long) | Some(FieldType::Double), Value::String(s)) => {
                s.parse().ok().map(Key::Num)
            }
            (Some(FieldType::Boolean), Value::Bool(b)) => {
                Some(Key::Num(if *b { 1.0 } else { 0.0 }))
            }
            (_, Value::String(s)) => Some(Key::Str(s.clone())),
            (_, Value::Bool(b)) => Some(Key::Str(b.to_string())),
            _ => None,
        })
        .collect();
    keys.sort_by(cmp_key);
    let pick = if field.desc {
        keys.pop()
    } else {
        keys.into_iter().next()
    };
    pick.unwrap_or(Key::Missing)
}

fn cmp_key(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Num(x), Key::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Key::Str(x), Key::Str(y)) => x.cmp(y),
        (Key::Num(_), Key::Str(_)) => Ordering::Less,
        (Key::Str(_), Key::Num(_)) => Ordering::Greater,
        (Key::Missing, Key::Missing) => Ordering::Equal,
        (Key::Missing, _) => Ordering::Greater,
        (_, Key::Missing) => Ordering::Less,
    }
}

fn cmp_keys(a: &[Key], b: &[Key], sort: &[SortField]) -> Ordering {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let mut o = cmp_key(x, y);
        // Missing values sort last in both directions.
        let missing = matches!(x, Key::Missing) || matches!(y, Key::Missing);
        if sort.get(i).is_some_and(|s| s.desc) && !missing {
            o = o.reverse();
        }
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn key_json(k: &Key) -> Value {
    match k {
        Key::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(*n as i64),
        Key::Num(n) => json!(n),
        Key::Str(s) => json!(s),
        Key::Missing => Value::Null,
    }
}

fn key_from_json(v: &Value) -> Key {
    match v {
        Value::Number(n) => n.as_f64().map(Key::Num).unwrap_or(Key::Missing),
        Value::String(s) => s
            .parse::<f64>()
            .map(Key::Num)
            .unwrap_or_else(|_| Key::Str(s.clone())),
        Value::Null => Key::Missing,
        other => Key::Str(other.to_string()),
    }
}

fn check_sortable(targets: &[Target<'_>], sort: &[SortField]) -> Result<(), EsError> {
    for s in sort {
        if matches!(s.field.as_str(), "_doc" | "_score" | "_shard_doc") {
            continue;
        }
        let types: Vec<FieldType> = targets
            .iter()
            .filter_map(|t| t.mapping.field(&s.field))
            .collect();
        if types.is_empty() && !s.unmapped_ok && !targets.is_empty() {
            return Err(EsError::new(
                StatusCode::BAD_REQUEST,
                "query_shard_exception",
                format!("No mapping found for [{}] in order to sort on", s.field),
            ));
        }
        if types.iter().any(|t| matches!(t, FieldType::Text { .. })) {
            return Err(EsError::illegal_argument(format!(
                "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.",
                s.field
            )));
        }
    }
    Ok(())
}

/// The result of running a search: total and the requested page of rendered hits.
#[derive(Debug)]
pub struct SearchOutcome {
    /// Number of matching documents.
    pub total: usize,
    /// Rendered hits of the page (or all hits when `all_hits` was asked).
    pub hits: Vec<Value>,
}

/// Runs `req` over `targets`. With `all_hits`, every hit from `from` on is rendered (scroll).
pub fn run(
    targets: &[Target<'_>],
    req: &SearchRequest,
    tiebreak: bool,
    all_hits: bool,
) -> Result<SearchOutcome, EsError> {
    check_sortable(targets, &req.sort)?;
    let mut hits: Vec<Hit<'_>> = Vec::new();
    for (ti, t) in targets.iter().enumerate() {
        for (id, doc) in t.docs {
            if !query::matches(&req.query, id, &doc.source, t.mapping) {
                continue;
            }
            let keys = req
                .sort
                .iter()
                .map(|s| key_of(doc, s, t.mapping.field(&s.field).as_ref(), doc.ordinal))
                .collect();
            hits.push(Hit {
                index: t.index,
                id,
                doc,
                keys,
                tiebreak: ((ti as u64) << 40) + doc.ordinal,
            });
        }
    }
    hits.sort_by(|a, b| cmp_keys(&a.keys, &b.keys, &req.sort).then(a.tiebreak.cmp(&b.tiebreak)));
    let total = hits.len();
    if let Some(after) = &req.search_after {
        let mut after_keys: Vec<Key> = after.iter().map(key_from_json).collect();
        let tb = if tiebreak && after_keys.len() > req.sort.len() {
            after_keys.pop().and_then(|k| {
                if let Key::Num(n) = k {
                    Some(n as u64)
                } else {
                    None
                }
            })
        } else {
            None
        };
        hits.retain(|h| match cmp_keys(&h.keys, &after_keys, &req.sort) {
            Ordering::Greater => true,
            Ordering::Equal => tb.is_some_and(|t| h.tiebreak > t),
            Ordering::Less => false,
        });
    }
    let take = if all_hits { usize::MAX } else { req.size };
    let rendered = hits
        .iter()
        .skip(req.from)
        .take(take)
        .map(|h| {
            let mut hit = Map::new();
            hit.insert("_index".into(), json!(h.index));
            hit.insert("_id".into(), json!(h.id));
            hit.insert(
                "_score".into(),
                if req.sort.is_empty() {
                    json!(1.0)
                } else {
                    Value::Null
                },
            );
            if req.version {
                hit.insert("_version".into(), json!(h.doc.version));
            }
            if req.seq_no_primary_term {
                hit.insert("_seq_no".into(), json!(h.doc.seq_no));
                hit.insert("_primary_term".into(), json!(PRIMARY_TERM));
            }
            if let Some(src) = req.source.apply(&h.doc.source) {
                hit.insert("_source".into(), src);
            }
            if !req.sort.is_empty() || tiebreak {
                let mut sv: Vec<Value> = h.keys.iter().map(key_json).collect();
                if tiebreak {
                    sv.push(json!(h.tiebreak));
                }
                hit.insert("sort".into(), Value::Array(sv));
            }
            Value::Object(hit)
        })
        .collect();
    Ok(SearchOutcome {
        total,
        hits: rendered,
    })
}

/// The `hits.total` value, honouring `track_total_hits` and `rest_total_hits_as_int`.
pub fn total_json(total: usize, track: Option<usize>, as_int: bool) -> Value {
    let (value, relation) = match track {
        Some(limit) if total > limit => (limit, "gte"),
        _ => (total, "eq"),
    };
    if as_int {
        json!(total)
    } else {
        json!({"value": value, "relation": relation})
    }
}

/// Resolves a comma-separated index expression (aliases, `*` wildcards, `_all`) to concrete
/// indices. Missing names fail unless `ignore_unavailable`.
pub fn resolve_targets(
    store: &Store,
    expr: Option<&str>,
    ignore_unavailable: bool,
) -> Result<Vec<String>, EsError> {
    let expr = expr.unwrap_or("_all");
    let mut out: Vec<String> = Vec::new();
    for part in expr.split(',').filter(|p| !p.is_empty()) {
        if part == "_all" || part == "*" {
            out.extend(
                store
                    .indices
                    .keys()
                    .filter(|n| !n.starts_with('.'))
                    .cloned(),
            );
        } else if part.contains('*') {
            let hidden_ok = part.starts_with('.');
            for name in store.indices.keys() {
                let alias_hit = store.aliases_of(name).iter().any(|a| glob(part, a));
                if (glob(part, name) || alias_hit) && (hidden_ok || !name.starts_with('.')) {
                    out.push(name.clone());
                }
            }
        } else {
            let concrete = store.resolve(part);
            if store.indices.contains_key(&concrete) {
                out.push(concrete);
            } else if !ignore_unavailable {
                return Err(EsError::index_not_found(part));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// An open scroll: the remaining rendered hits of a snapshot.
#[derive(Debug)]
pub struct ScrollContext {
    remaining: VecDeque<Value>,
    size: usize,
    total: Value,
    keep_alive: Duration,
    expires: Instant,
}

/// A point in time: a snapshot of some indices.
#[derive(Debug)]
pub struct PitContext {
    /// Snapshotted indices: name, mapping, documents.
    pub snapshot: Vec<(String, Mapping, BTreeMap<String, StoredDoc>)>,
    keep_alive: Duration,
    expires: Instant,
}

/// Open scroll and point-in-time contexts.
#[derive(Debug, Default)]
pub struct Contexts {
    scrolls: HashMap<String, ScrollContext>,
    pits: HashMap<String, PitContext>,
}

fn keep_alive(s: &str) -> Result<Duration, EsError> {
    datemath::parse_time_value(s).ok_or_else(|| EsError::new(StatusCode::BAD_REQUEST, "parse_exception", format!("failed to parse setting [keep_alive] with value [{s}] as a time value: unit is missing or unrecognized")))
}

fn missing_context(id: &str) -> EsError {
    EsError::new(
        StatusCode::NOT_FOUND,
        "search_context_missing_exception",
        format!("No search context found for id [{id}]"),
    )
}

impl Contexts {
    fn expire(&mut self) {
        let now = Instant::now();
        self.scrolls.retain(|_, c| c.expires > now);
        self.pits.retain(|_, c| c.expires > now);
    }

    /// Opens a scroll over all hits; returns its id and the first page.
    pub fn open_scroll(
        &mut self,
        all_hits: Vec<Value>,
        size: usize,
        total: Value,
        keep: &str,
    ) -> Result<(String, Vec<Value>), EsError> {
        self.expire();
        let keep_alive = keep_alive(keep)?;
        let mut remaining: VecDeque<Value> = all_hits.into();
        let first: Vec<Value> = remaining.drain(..size.min(remaining.len())).collect();
        let id = format!("FGluY2x1ZGVfY29udGV4dF91dWlk{}", crate::ids::new_id());
        self.scrolls.insert(
            id.clone(),
            ScrollContext {
                remaining,
                size,
                total,
                keep_alive,
                expires: Instant::now() + keep_alive,
            },
        );
        Ok((id, first))
    }

    /// Next page of a scroll, renewing its keep-alive; returns the total and the hits.
    pub fn next_scroll(
        &mut self,
        id: &str,
        keep: Option<&str>,
    ) -> Result<(Value, Vec<Value>), EsError> {
        self.expire();
        let renew = keep.map(keep_alive).transpose()?;
        let ctx = self
            .scrolls
            .get_mut(id)
            .ok_or_else(|| missing_context(id))?;
        if let Some(k) = renew {
            ctx.keep_alive = k;
        }
        ctx.expires = Instant::now() + ctx.keep_alive;
        let n = ctx.size.min(ctx.remaining.len());
        Ok((ctx.total.clone(), ctx.remaining.drain(..n).collect()))
    }

    /// Clears scrolls (`None` = all); returns how many were freed.
    pub fn clear_scrolls(&mut self, ids: Option<&[String]>) -> usize {
        match ids {
            None => {
                let n = self.scrolls.len();
                self.scrolls.clear();
                n
            }
            Some(ids) => ids
                .iter()
                .filter(|id| self.scrolls.remove(id.as_str()).is_some())
                .count(),
        }
    }

    /// Opens a point in time over `indices` of `store`.
    pub fn open_pit(
        &mut self,
        store: &Store,
        indices: &[String],
        keep: &str,
    ) -> Result<String, EsError> {
        self.expire();
        let keep_alive = keep_alive(keep)?;
        let snapshot = indices
            .iter()
            .filter_map(|n| {
                store
                    .indices
                    .get(n)
                    .map(|i| (n.clone(), i.mapping.clone(), i.docs.clone()))
            })
            .collect();
        let id = crate::ids::new_id();
        self.pits.insert(
            id.clone(),
            PitContext {
                snapshot,
                keep_alive,
                expires: Instant::now() + keep_alive,
            },
        );
        Ok(id)
    }

    /// The snapshot of a point in time, renewing its keep-alive.
    pub fn pit(&mut self, id: &str, keep: Option<&str>) -> Result<&PitContext, EsError> {
        self.expire();
        let renew = keep.map(keep_alive).transpose()?;
        let ctx = self.pits.get_mut(id).ok_or_else(|| missing_context(id))?;
        if let Some(k) = renew {
            ctx.keep_alive = k;
        }
        ctx.expires = Instant::now() + ctx.keep_alive;
        Ok(ctx)
    }

    /// Closes a point in time; whether it existed.
    pub fn close_pit(&mut self, id: &str) -> bool {
        self.pits.remove(id).is_some()
    }
}
