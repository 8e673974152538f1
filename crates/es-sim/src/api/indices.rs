//! `GET /` and the index APIs: create, delete, exists, get, `_mapping`, `_settings`, `_refresh`.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{Reply, Req};
use crate::error::EsError;
use crate::search::resolve_targets;
use crate::state::EsSimState;
use crate::store::Store;

/// The version es-sim claims.
pub const VERSION: &str = "9.1.0";

/// `GET /`.
pub fn info() -> Reply {
    Ok((
        StatusCode::OK,
        json!({
            "name": "es-sim", "cluster_name": "es-sim", "cluster_uuid": "es-sim-cluster-uuid-0000",
            "version": {
                "number": VERSION, "build_flavor": "default", "build_type": "docker",
                "build_hash": "0000000000000000000000000000000000000000",
                "build_date": "2025-07-01T00:00:00.000Z", "build_snapshot": false,
                "lucene_version": "10.2.2", "minimum_wire_compatibility_version": "8.19.0",
                "minimum_index_compatibility_version": "8.0.0"
            },
            "tagline": "You Know, for Search"
        }),
    ))
}

fn describe(store: &Store, name: &str) -> Value {
    let Some(idx) = store.indices.get(name) else {
        return Value::Null;
    };
    let aliases: Map<String, Value> = store
        .aliases_of(name)
        .into_iter()
        .map(|a| (a.to_owned(), json!({"is_hidden": true})))
        .collect();
    let mut mappings = idx.mapping.to_json();
    if let (Some(meta), Some(m)) = (&idx.meta, mappings.as_object_mut()) {
        m.insert("_meta".into(), meta.clone());
    }
    json!({"aliases": aliases, "mappings": mappings, "settings": {"index": idx.settings}})
}

/// Index APIs.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    let mut db = state.db();
    let store = &mut db.store;
    let index = req.matched.opt_part("index");
    let ignore = req.flag("ignore_unavailable");
    match req.matched.api.as_str() {
        "indices.create" => {
            let name = index.unwrap_or_default();
            store.create_index(name, req.json()?.as_ref())?;
            Ok((
                StatusCode::OK,
                json!({"acknowledged": true, "shards_acknowledged": true, "index": name}),
            ))
        }
        "indices.exists" => {
            let found = resolve_targets(store, index, false).is_ok_and(|t| !t.is_empty());
            Ok((
                if found {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                },
                Value::Null,
            ))
        }
        "indices.delete" => {
            let names = resolve_targets(store, index, ignore)?;
            for n in &names {
                store.indices.remove(n);
            }
            Ok((StatusCode::OK, json!({"acknowledged": true})))
        }
        "indices.get" | "indices.get_mapping" | "indices.get_settings" => {
            let names = resolve_targets(store, index, ignore)?;
            let mut out = Map::new();
            for n in names {
                let d = describe(store, &n);
                let v = match req.matched.api.as_str() {
                    "indices.get_mapping" => json!({"mappings": d["mappings"]}),
                    "indices.get_settings" => json!({"settings": d["settings"]}),
                    _ => d,
                };
                out.insert(n, v);
            }
            Ok((StatusCode::OK, Value::Object(out)))
        }
        "indices.refresh" => {
            let names = resolve_targets(store, index, ignore)?;
            let n = names.len() as u64;
            Ok((
                StatusCode::OK,
                json!({"_shards": {"total": n * 2, "successful": n, "failed": 0}}),
            ))
        }
        other => Err(EsError::illegal_argument(format!(
            "unexpected index API [{other}]"
        ))),
    }
}
