//! `_search` execution: matching, sorting, `from`/`size`, `search_after` and `_source`
//! filtering over live indices or snapshots; request parsing, sorting and the scroll/PIT
//! contexts live in the submodules.

mod contexts;
mod request;
mod sort;

pub use contexts::Contexts;
pub use request::{SearchParams, SearchRequest};

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::EsError;
use crate::json_util::glob;
use crate::query;
use crate::store::mapping::Mapping;
use crate::store::{PRIMARY_TERM, Store, StoredDoc};
use sort::{Key, check_sortable, cmp_keys, key_from_json, key_json, key_of};

/// ES's `index.max_result_window`.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// One index as searched: name, mapping and documents (live or snapshotted).
pub struct Target<'a> {
    /// Concrete index name.
    pub index: &'a str,
    /// Its mapping.
    pub mapping: &'a Mapping,
    /// Its documents.
    pub docs: &'a BTreeMap<String, StoredDoc>,
}

struct Hit<'a> {
    index: &'a str,
    id: &'a str,
    doc: &'a StoredDoc,
    keys: Vec<Key>,
    tiebreak: u64,
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
