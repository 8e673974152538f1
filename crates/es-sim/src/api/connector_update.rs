//! The connector update APIs (`PUT /_connector/{id}/_<what>`): strict bodies, ES's
//! validations and side effects (`_configuration` ⇒ `configured`, `_filtering` ⇒ draft
//! `edited`, `_error` ⇒ `error`/`connected`, ...).

use serde_json::{Map, Value, json};

use super::Reply;
use super::connector::{check_index_name_free, load, modify};
use super::connector_body::{self as body, fields, required, required_str};
use crate::error::EsError;
use crate::json_util::{self, now_iso};
use crate::store::Store;

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

pub(super) fn draft_mut(src: &mut Map<String, Value>) -> Result<&mut Value, EsError> {
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

/// Runs one connector update API.
pub fn update(store: &mut Store, id: &str, api: &str, b: &Value) -> Reply {
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
