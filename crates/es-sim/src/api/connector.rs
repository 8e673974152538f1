//! The `_connector/{id}` APIs. Connectors are documents of `.elastic-connectors-v1`, so direct
//! `_doc`/`_update`/`_search` access sees exactly what these APIs write (spec §3.10).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::connector_body::{self as body, fields, required, required_str};
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

fn modify(
    store: &mut Store,
    id: &str,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<(), EsError>,
) -> Reply {
    load(store, id, false)?;
    let w = store.modify_doc(CONNECTORS_INDEX, id, f)?;
    updated(w.result)
}

fn check_index_name_free(store: &Store, index_name: &Value, own_id: &str) -> Result<(), EsError> {
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

/// ES's connector status state machine (enforced only by `_status`).
fn status_transition_ok(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("created", "needs_configuration" | "error")
            | ("needs_configuration", "configured" | "error")
            | (
                "configured",
                "needs_configuration" | "configured" | "connected" | "error"
            )
            | ("connected", "connected" | "configured" | "error")
            | ("error", "connected" | "configured" | "error")
    )
}

fn configuration(store: &mut Store, id: &str, b: &Value) -> Reply {
    let obj = fields(
        b,
        "connector_update_configuration_request",
        &["configuration", "values"],
    )?;
    let config = obj.get("configuration").filter(|v| !v.is_null());
    let values = obj.get("values").filter(|v| !v.is_null());
    if config.is_none() && values.is_none() {
        return Err(EsError::validation(
            "[configuration] and [values] cannot both be null",
        ));
    }
    if let Some(c) = config {
        body::check_configuration(c)?;
    }
    let current = load(store, id, false)?;
    let mut merged = match config {
        Some(Value::Object(c)) => c.clone(),
        _ => current
            .get("configuration")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    if let Some(v) = values {
        let v = v
            .as_object()
            .ok_or_else(|| EsError::parse("[values] must be an object"))?;
        let unknown: Vec<&String> = v.keys().filter(|k| !merged.contains_key(*k)).collect();
        if !unknown.is_empty() {
            let names = unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(EsError::illegal_argument(format!(
                "Unknown [configuration] fields in the request payload: [{names}]. Remove them from request or register their schema first."
            )));
        }
        for (k, val) in v {
            body::check_config_value(k, "value", val)?;
            if let Some(Value::Object(entry)) = merged.get_mut(k) {
                entry.insert("value".into(), val.clone());
            }
        }
    }
    modify(store, id, |src| {
        src.insert("configuration".into(), Value::Object(merged));
        src.insert("status".into(), json!("configured"));
        Ok(())
    })
}

fn filtering(store: &mut Store, id: &str, b: &Value) -> Reply {
    let obj = fields(
        b,
        "connector_update_filtering_request",
        &["filtering", "rules", "advanced_snippet"],
    )?;
    let now = now_iso();
    if let Some(f) = obj.get("filtering").filter(|v| !v.is_null()) {
        let f = f.clone();
        if !f.is_array() {
            return Err(EsError::parse("[filtering] must be an array"));
        }
        return modify(store, id, |src| {
            src.insert("filtering".into(), f);
            Ok(())
        });
    }
    let rules = obj.get("rules").cloned();
    let snippet = obj.get("advanced_snippet").cloned();
    if rules.is_none() && snippet.is_none() {
        return Err(EsError::validation(
            "[filtering], [rules] or [advanced_snippet] must be specified",
        ));
    }
    modify(store, id, |src| {
        let draft = src
            .get_mut("filtering")
            .and_then(Value::as_array_mut)
            .and_then(|a| a.first_mut())
            .and_then(|f| f.get_mut("draft"))
            .and_then(Value::as_object_mut)
            .ok_or_else(|| EsError::illegal_argument("connector has no DEFAULT filtering"))?;
        if let Some(Value::Array(mut rules)) = rules {
            for r in &mut rules {
                if let Some(o) = r.as_object_mut() {
                    o.entry("created_at").or_insert(json!(now));
                    o.insert("updated_at".into(), json!(now));
                }
            }
            rules.sort_by_key(|r| r.get("order").and_then(Value::as_i64).unwrap_or(0));
            draft.insert("rules".into(), Value::Array(rules));
        }
        if let Some(mut s) = snippet {
            if let Some(o) = s.as_object_mut() {
                o.entry("created_at").or_insert(json!(now));
                o.insert("updated_at".into(), json!(now));
            }
            draft.insert("advanced_snippet".into(), s);
        }
        draft.insert(
            "validation".into(),
            json!({"errors": [], "state": "edited"}),
        );
        Ok(())
    })
}

fn draft_mut(src: &mut Map<String, Value>) -> Result<&mut Value, EsError> {
    src.get_mut("filtering")
        .and_then(Value::as_array_mut)
        .and_then(|a| a.first_mut())
        .ok_or_else(|| EsError::illegal_argument("connector has no DEFAULT filtering"))
}

fn simple_update(
    store: &mut Store,
    id: &str,
    b: &Value,
    parser: &str,
    allowed: &[&str],
    needed: &[&str],
) -> Reply {
    let obj = fields(b, parser, allowed)?.clone();
    for k in needed {
        required(&obj, parser, k)?;
    }
    modify(store, id, |src| {
        json_util::merge(src, &obj);
        Ok(())
    })
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
                && let Some(jobs) = store.indices.get_mut(JOBS_INDEX) {
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
            update(store, id, api, &b)
        }
    }
}

fn update(store: &mut Store, id: &str, api: &str, b: &Value) -> Reply {
    match api {
        "connector.update_configuration" => configuration(store, id, b),
        "connector.update_filtering" => filtering(store, id, b),
        "connector.update_filtering_validation" => {
            let obj = fields(
                b,
                "connector_update_filtering_validation_request",
                &["validation"],
            )?;
            let v = required(
                obj,
                "connector_update_filtering_validation_request",
                "validation",
            )?
            .clone();
            match v.get("state").and_then(Value::as_str) {
                Some("valid" | "invalid" | "edited") => {}
                other => {
                    return Err(EsError::illegal_argument(format!(
                        "Unknown FilteringValidationState: {}",
                        other.unwrap_or("null")
                    )));
                }
            }
            if !v.get("errors").is_some_and(Value::is_array) {
                return Err(EsError::parse(
                    "[filtering_validation] failed to parse object: Required [errors]",
                ));
            }
            modify(store, id, |s| {
                if let Some(d) = draft_mut(s)?
                    .get_mut("draft")
                    .and_then(Value::as_object_mut)
                {
                    d.insert("validation".into(), v);
                }
                Ok(())
            })
        }
        "connector.update_scheduling" => {
            let obj = fields(b, "connector_update_scheduling_request", &["scheduling"])?;
            let sched = required(obj, "connector_update_scheduling_request", "scheduling")?;
            let sched = fields(
                sched,
                "connector_scheduling",
                &["full", "incremental", "access_control"],
            )?
            .clone();
            for (k, v) in &sched {
                let o = fields(v, "schedule", &["enabled", "interval"])?;
                required(o, k, "enabled")?
                    .as_bool()
                    .ok_or_else(|| EsError::parse(format!("[{k}.enabled] must be a boolean")))?;
                body::check_cron(required_str(o, k, "interval")?)?;
            }
            modify(store, id, |s| {
                let mut patch = Map::new();
                patch.insert("scheduling".into(), Value::Object(sched));
                json_util::merge(s, &patch);
                Ok(())
            })
        }
        "connector.update_status" => {
            let obj = fields(b, "connector_update_status_request", &["status"])?;
            let to = required_str(obj, "connector_update_status_request", "status")?.to_owned();
            let current = load(store, id, false)?;
            let from = current
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("created")
                .to_owned();
            if !status_transition_ok(&from, &to) {
                return Err(EsError::status(format!(
                    "Invalid transition attempt from [{from}] to [{to}]. Such a connector status transition is not supported."
                )));
            }
            modify(store, id, |s| {
                s.insert("status".into(), json!(to));
                Ok(())
            })
        }
        "connector.update_error" => {
            let obj = fields(b, "connector_update_error_request", &["error"])?;
            let err = required(obj, "connector_update_error_request", "error")?.clone();
            modify(store, id, |s| {
                s.insert(
                    "status".into(),
                    json!(if err.is_null() { "connected" } else { "error" }),
                );
                s.insert("error".into(), err);
                Ok(())
            })
        }
        "connector.update_features" => {
            let obj = fields(b, "connector_update_features_request", &["features"])?;
            let f = required(obj, "connector_update_features_request", "features")?.clone();
            fields(
                &f,
                "connector_features",
                &[
                    "document_level_security",
                    "incremental_sync",
                    "native_connector_api_keys",
                    "sync_rules",
                ],
            )?;
            modify(store, id, |s| {
                let mut patch = Map::new();
                patch.insert("features".into(), f);
                if !s.get("features").is_some_and(Value::is_object) {
                    s.insert("features".into(), json!({}));
                }
                json_util::merge(s, &patch);
                Ok(())
            })
        }
        "connector.update_pipeline" => {
            let obj = fields(b, "connector_update_pipeline_request", &["pipeline"])?;
            let p = required(obj, "connector_update_pipeline_request", "pipeline")?.clone();
            let po = fields(
                &p,
                "ingest_pipeline_params",
                &[
                    "name",
                    "extract_binary_content",
                    "reduce_whitespace",
                    "run_ml_inference",
                ],
            )?;
            for k in [
                "name",
                "extract_binary_content",
                "reduce_whitespace",
                "run_ml_inference",
            ] {
                required(po, "ingest_pipeline_params", k)?;
            }
            modify(store, id, |s| {
                s.insert("pipeline".into(), p);
                Ok(())
            })
        }
        "connector.update_index_name" => {
            let obj = fields(b, "connector_update_index_name_request", &["index_name"])?;
            let name = required(obj, "connector_update_index_name_request", "index_name")?.clone();
            check_index_name_free(store, &name, id)?;
            modify(store, id, |s| {
                s.insert("index_name".into(), name);
                Ok(())
            })
        }
        "connector.update_service_type" => {
            let obj = fields(
                b,
                "connector_update_service_type_request",
                &["service_type"],
            )?;
            let t = required_str(obj, "connector_update_service_type_request", "service_type")?
                .to_owned();
            modify(store, id, |s| {
                s.insert("service_type".into(), json!(t));
                if s.get("status").and_then(Value::as_str) != Some("created") {
                    s.insert("status".into(), json!("needs_configuration"));
                }
                Ok(())
            })
        }
        "connector.update_name" => simple_update(
            store,
            id,
            b,
            "connector_update_name_request",
            &["name", "description"],
            &[],
        ),
        "connector.update_native" => simple_update(
            store,
            id,
            b,
            "connector_update_native_request",
            &["is_native"],
            &["is_native"],
        ),
        "connector.update_api_key_id" => simple_update(
            store,
            id,
            b,
            "connector_update_api_key_id_request",
            &["api_key_id", "api_key_secret_id"],
            &[],
        ),
        "connector.last_sync" => simple_update(
            store,
            id,
            b,
            "connector_update_last_sync_stats_request",
            &[
                "last_access_control_sync_error",
                "last_access_control_sync_scheduled_at",
                "last_access_control_sync_status",
                "last_deleted_document_count",
                "last_incremental_sync_scheduled_at",
                "last_indexed_document_count",
                "last_seen",
                "last_sync_error",
                "last_sync_scheduled_at",
                "last_sync_status",
                "last_synced",
                "sync_cursor",
            ],
            &[],
        ),
        other => Err(EsError::illegal_argument(format!(
            "es-sim does not implement [{other}]"
        ))),
    }
}
