//! `_search`, `_count`, scroll (`?scroll=`, `/_search/scroll`, `DELETE /_search/scroll`) and
//! point in time (`/{index}/_pit`, `DELETE /_pit`).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Reply, Req};
use crate::error::EsError;
use crate::query;
use crate::search::{self, MAX_RESULT_WINDOW, SearchParams, SearchRequest, Target};
use crate::state::EsSimState;

fn shards(n: usize) -> Value {
    json!({"total": n, "successful": n, "skipped": 0, "failed": 0})
}

fn envelope(total: Value, hits: Vec<Value>, sorted: bool) -> Value {
    let max_score = if sorted || hits.is_empty() {
        Value::Null
    } else {
        json!(1.0)
    };
    json!({"took": 1, "timed_out": false, "_shards": shards(1), "hits": {"total": total, "max_score": max_score, "hits": hits}})
}

fn search(state: &EsSimState, req: &Req) -> Reply {
    let body = req.json()?;
    let params = SearchParams {
        from: req.param("from"),
        size: req.param("size"),
        sort: req.param("sort"),
        seq_no_primary_term: req.param("seq_no_primary_term"),
        version: req.param("version"),
        source: req.param("_source"),
        source_includes: req.param("_source_includes"),
        source_excludes: req.param("_source_excludes"),
        track_total_hits: req.param("track_total_hits"),
        q: req.param("q"),
    };
    let sr = SearchRequest::parse(body.as_ref(), &params)?;
    let as_int = req.flag("rest_total_hits_as_int");
    let scroll = req.param("scroll");
    if scroll.is_some() && sr.from_given && sr.from > 0 {
        return Err(EsError::validation(
            "using [from] is not allowed in a scroll context",
        ));
    }
    if scroll.is_none() && sr.from + sr.size > MAX_RESULT_WINDOW {
        return Err(EsError::illegal_argument(format!(
            "Result window is too large, from + size must be less than or equal to: [{MAX_RESULT_WINDOW}] but was [{}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.",
            sr.from + sr.size
        )));
    }
    if scroll.is_some() && sr.size > MAX_RESULT_WINDOW {
        return Err(EsError::illegal_argument(format!(
            "Batch size is too large, size must be less than or equal to: [{MAX_RESULT_WINDOW}] but was [{}]. Scroll batch sizes cost as much memory as result windows so they are controlled by the [index.max_result_window] index level setting.",
            sr.size
        )));
    }
    let mut db = state.db();
    let db = &mut *db;
    if let Some((pit_id, keep)) = &sr.pit {
        if req.matched.opt_part("index").is_some() {
            return Err(EsError::validation(
                "[indices] cannot be used with point in time. Do not specify any index with point in time.",
            ));
        }
        if scroll.is_some() {
            return Err(EsError::validation(
                "using [point in time] is not allowed in a scroll context",
            ));
        }
        let pit = db.contexts.pit(pit_id, keep.as_deref())?;
        let targets: Vec<Target<'_>> = pit
            .snapshot
            .iter()
            .map(|(n, m, d)| Target {
                index: n,
                mapping: m,
                docs: d,
            })
            .collect();
        let out = search::run(&targets, &sr, true, false)?;
        let mut body = envelope(
            search::total_json(out.total, sr.track_total_hits, as_int),
            out.hits,
            true,
        );
        if let Some(o) = body.as_object_mut() {
            o.insert("pit_id".into(), json!(pit_id));
        }
        return Ok((StatusCode::OK, body));
    }
    let names = search::resolve_targets(
        &db.store,
        req.matched.opt_part("index"),
        req.flag("ignore_unavailable"),
    )?;
    let targets: Vec<Target<'_>> = names
        .iter()
        .filter_map(|n| {
            db.store.indices.get(n).map(|i| Target {
                index: n,
                mapping: &i.mapping,
                docs: &i.docs,
            })
        })
        .collect();
    let sorted = !sr.sort.is_empty();
    let out = search::run(&targets, &sr, false, scroll.is_some())?;
    let total = search::total_json(out.total, sr.track_total_hits, as_int);
    match scroll {
        None => Ok((StatusCode::OK, envelope(total, out.hits, sorted))),
        Some(keep) => {
            let (id, first) = db
                .contexts
                .open_scroll(out.hits, sr.size, total.clone(), keep)?;
            let mut body = envelope(total, first, sorted);
            if let Some(o) = body.as_object_mut() {
                o.insert("_scroll_id".into(), json!(id));
            }
            Ok((StatusCode::OK, body))
        }
    }
}

fn scroll_ids(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Search-family APIs.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    match req.matched.api.as_str() {
        "search" => search(state, req),
        "count" => {
            let body = req.json()?;
            let q = match body.as_ref().and_then(|b| b.get("query")) {
                Some(q) => query::parse(q)?,
                None => query::Query::MatchAll,
            };
            if let Some(b) = body.as_ref().and_then(Value::as_object)
                && let Some(k) = b.keys().find(|k| k.as_str() != "query")
            {
                return Err(EsError::query_parsing(format!(
                    "request does not support [{k}]"
                )));
            }
            let db = state.db();
            let names = search::resolve_targets(
                &db.store,
                req.matched.opt_part("index"),
                req.flag("ignore_unavailable"),
            )?;
            let count: usize = names
                .iter()
                .filter_map(|n| db.store.indices.get(n))
                .map(|i| {
                    i.docs
                        .iter()
                        .filter(|(id, d)| query::matches(&q, id, &d.source, &i.mapping))
                        .count()
                })
                .sum();
            Ok((
                StatusCode::OK,
                json!({"count": count, "_shards": shards(names.len())}),
            ))
        }
        "scroll" => {
            let body = req.json()?;
            let id = req
                .matched
                .opt_part("scroll_id")
                .map(str::to_owned)
                .or_else(|| req.param("scroll_id").map(str::to_owned))
                .or_else(|| {
                    body.as_ref()
                        .and_then(|b| b.get("scroll_id"))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .ok_or_else(|| EsError::validation("scrollId is missing"))?;
            let keep = req.param("scroll").map(str::to_owned).or_else(|| {
                body.as_ref()
                    .and_then(|b| b.get("scroll"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            let (total, hits) = state.db().contexts.next_scroll(&id, keep.as_deref())?;
            let mut out = envelope(total, hits, false);
            if let Some(o) = out.as_object_mut() {
                o.insert("_scroll_id".into(), json!(id));
            }
            Ok((StatusCode::OK, out))
        }
        "clear_scroll" => {
            let body = req.json()?;
            let ids: Option<Vec<String>> = match (
                req.matched.opt_part("scroll_id"),
                body.as_ref().and_then(|b| b.get("scroll_id")),
            ) {
                (Some("_all"), _) => None,
                (Some(p), _) => Some(p.split(',').map(str::to_owned).collect()),
                (None, Some(v)) if v == "_all" => None,
                (None, Some(v)) => Some(scroll_ids(v)),
                (None, None) => return Err(EsError::validation("no scroll ids specified")),
            };
            let freed = state.db().contexts.clear_scrolls(ids.as_deref());
            let status = if freed == 0 && ids.is_some() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            Ok((status, json!({"succeeded": true, "num_freed": freed})))
        }
        "open_point_in_time" => {
            let keep = req
                .param("keep_alive")
                .ok_or_else(|| EsError::validation("[keep_alive] is not specified"))?;
            let mut db = state.db();
            let db = &mut *db;
            let names = search::resolve_targets(
                &db.store,
                req.matched.opt_part("index"),
                req.flag("ignore_unavailable"),
            )?;
            let id = db.contexts.open_pit(&db.store, &names, keep)?;
            Ok((
                StatusCode::OK,
                json!({"id": id, "_shards": shards(names.len())}),
            ))
        }
        "close_point_in_time" => {
            let body = req.required_json()?;
            let id = body
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| EsError::validation("[id] is missing"))?;
            let freed = state.db().contexts.close_pit(id);
            let status = if freed {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            Ok((
                status,
                json!({"succeeded": true, "num_freed": usize::from(freed)}),
            ))
        }
        other => Err(EsError::illegal_argument(format!(
            "unexpected search API [{other}]"
        ))),
    }
}
