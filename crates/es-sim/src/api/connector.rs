//! The `_connector/{id}` APIs. Connectors are documents of `.elastic-connectors-v1`, so direct
//! `_doc`/`_update`/`_search` access sees exactly what these APIs write (spec §3.10).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::connector_body::{self as body, fields};
use super::connector_update::draft_mut;
use super::{Reply, Req};
use crate::error::EsError;
use crate::json_util::{self, now_iso};
use crate::state::EsSimState;
use crate::store::system::{CONNECTORS_INDEX, JOBS_INDEX};
use crate::store::{OpType, Store, validate_index_name};

/// A connector's `_source`, or ES's 404.
pub fn load(store: &Store, id: &str, include_deleted: bool) -> Result<Map<String, Value>, EsError> {
    let doc = store
        .indices
        .get(CONNECTORS_INDEX)
        .and_then(|i| i.docs.get(id));
    match doc {
        Some(d) if include_deleted || d.source.get("deleted") != Some(&Value::Bool(true)) => {
            Ok(d.source.clone())
        }
        _ => Err(EsError::resource_not_found(format!(
            "connector [{id}] not found"
        ))),
    }
}

fn updated(result: &str) -> Reply {
    Ok((
        StatusCode::OK,
        json!({"result": if result == "noop" { "noop" } else { "updated" }}),
    ))
}

pub(super) fn modify(
    store: &mut Store,
    id: &str,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<(), EsError>,
) -> Reply {
    load(store, id, false)?;
    let w = store.modify_doc(CONNECTORS_INDEX, id, f)?;
    updated(w.result)
}

pub(super) fn check_index_name_free(
    store: &Store,
    index_name: &Value,
    own_id: &str,
) -> Result<(), EsError> {
    let Some(name) = index_name.as_str() else {
        return Ok(());
    };
    validate_index_name(name)?;
    let taken = store.indices.get(CONNECTORS_INDEX).is_some_and(|i| {
        i.docs.iter().any(|(id, d)| {
            id != own_id
                && d.source.get("index_name") == Some(index_name)
                && d.source.get("deleted") != Some(&Value::Bool(true))
        })
    });
    if taken {
        return Err(EsError::illegal_argument(format!(
            "Index name [{name}] is used by another connector."
        )));
    }
    Ok(())
}

fn put(store: &mut Store, id: Option<&str>, body: Option<Value>) -> Reply {
    let body = body.unwrap_or_else(|| json!({}));
    let obj = fields(
        &body,
        "connector_put_request",
        &[
            "description",
            "index_name",
            "is_native",
            "language",
            "name",
            "service_type",
        ],
    )?;
    let id = id.map(str::to_owned).unwrap_or_else(crate::ids::new_id);
    check_index_name_free(store, obj.get("index_name").unwrap_or(&Value::Null), &id)?;
    let Value::Object(doc) = body::new_connector(obj, &now_iso()) else {
        return Err(EsError::illegal_argument(
            "connector document must be an object",
        ));
    };
    let existed = store
        .indices
        .get(CONNECTORS_INDEX)
        .is_some_and(|i| i.docs.contains_key(&id));
    store.index_doc(CONNECTORS_INDEX, Some(id.clone()), doc, OpType::Index, None)?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        json!({"result": if existed { "updated" } else { "created" }, "id": id}),
    ))
}

fn with_id(mut src: Map<String, Value>, id: &str) -> Value {
    src.insert("id".into(), json!(id));
    Value::Object(src)
}

fn list(store: &Store, req: &Req) -> Reply {
    let from = req.num("from")?.unwrap_or(0) as usize;
    let size = req.num("size")?.unwrap_or(100) as usize;
    let split = |k: &str| {
        req.param(k)
            .map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
    };
    let (index_names, names, types) = (
        split("index_name"),
        split("connector_name"),
        split("service_type"),
    );
    let include_deleted = req.flag("include_deleted");
    let query = req.param("query").map(str::to_lowercase);
    let mut found: Vec<(String, Map<String, Value>)> = store
        .indices
        .get(CONNECTORS_INDEX)
        .map(|i| {
            i.docs
                .iter()
                .map(|(id, d)| (id.clone(), d.source.clone()))
                .collect()
        })
        .unwrap_or_default();
    let has = |src: &Map<String, Value>, k: &str, want: &Option<Vec<String>>| {
        want.as_ref().is_none_or(|w| {
            src.get(k)
                .and_then(Value::as_str)
                .is_some_and(|v| w.iter().any(|x| x == v))
        })
    };
    found.retain(|(_, s)| {
        (include_deleted || s.get("deleted") != Some(&Value::Bool(true)))
            && has(s, "index_name", &index_names)
            && has(s, "name", &names)
            && has(s, "service_type", &types)
            && query.as_ref().is_none_or(|q| {
                ["name", "description", "index_name"].iter().any(|k| {
                    s.get(*k)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.to_lowercase().contains(q.as_str()))
                })
            })
    });
    found.sort_by(|a, b| {
        a.1.get("index_name")
            .and_then(Value::as_str)
            .cmp(&b.1.get("index_name").and_then(Value::as_str))
            .then(a.0.cmp(&b.0))
    });
    let count = found.len();
    let results: Vec<Value> = found
        .into_iter()
        .skip(from)
        .take(size)
        .map(|(id, s)| with_id(s, &id))
        .collect();
    Ok((StatusCode::OK, json!({"count": count, "results": results})))
}

/// Connector APIs (everything under `/_connector` except sync jobs).
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    let mut db = state.db();
    let store = &mut db.store;
    let id = req.part("connector_id");
    let api = req.matched.api.as_str();
    match api {
        "connector.put" => put(store, req.matched.opt_part("connector_id"), req.json()?),
        "connector.post" => put(store, None, req.json()?),
        "connector.get" => Ok((
            StatusCode::OK,
            with_id(load(store, id, req.flag("include_deleted"))?, id),
        )),
        "connector.list" => list(store, req),
        "connector.delete" => {
            load(store, id, false)?;
            if req.flag("delete_sync_jobs")
                && let Some(jobs) = store.indices.get_mut(JOBS_INDEX)
            {
                jobs.docs.retain(|_, d| {
                    json_util::values_at(&d.source, "connector.id")
                        .first()
                        .and_then(|v| v.as_str())
                        != Some(id)
                });
            }
            if req.flag("hard") {
                store.delete_doc(CONNECTORS_INDEX, id, None)?;
            } else {
                store.modify_doc(CONNECTORS_INDEX, id, |s| {
                    s.insert("deleted".into(), json!(true));
                    Ok(())
                })?;
            }
            Ok((StatusCode::OK, json!({"acknowledged": true})))
        }
        "connector.check_in" => modify(store, id, |s| {
            s.insert("last_seen".into(), json!(now_iso()));
            Ok(())
        }),
        "connector.update_active_filtering" => modify(store, id, |s| {
            let f = draft_mut(s)?;
            let draft = f.get("draft").cloned().unwrap_or(Value::Null);
            let state = draft
                .pointer("/validation/state")
                .and_then(Value::as_str)
                .unwrap_or("null")
                .to_owned();
            if state != "valid" {
                return Err(EsError::status(format!(
                    "Filtering draft needs to be validated by the connector service before activation. Current filtering draft validation state: [{state}]"
                )));
            }
            if let Some(o) = f.as_object_mut() {
                o.insert("active".into(), draft);
            }
            Ok(())
        }),
        _ => {
            let b = req.required_json()?;
            super::connector_update::update(store, id, api, &b)
        }
    }
}
