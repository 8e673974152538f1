//! The `_connector/_sync_job` APIs. Jobs are documents of `.elastic-connectors-sync-jobs-v1`
//! holding a snapshot of their connector (spec §2.5).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::connector::load as load_connector;
use super::connector_body::{check_configuration, fields, required, required_str};
use super::{Reply, Req};
use crate::error::EsError;
use crate::json_util::{now_iso, values_at};
use crate::state::EsSimState;
use crate::store::system::JOBS_INDEX;
use crate::store::{OpType, Store};

const JOB_TYPES: &[&str] = &["full", "incremental", "access_control"];
const TRIGGERS: &[&str] = &["on_demand", "scheduled"];

fn load(store: &Store, id: &str) -> Result<Map<String, Value>, EsError> {
    store
        .indices
        .get(JOBS_INDEX)
        .and_then(|i| i.docs.get(id))
        .map(|d| d.source.clone())
        .ok_or_else(|| EsError::resource_not_found(format!("connector sync job [{id}] not found")))
}

fn modify(
    store: &mut Store,
    id: &str,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<(), EsError>,
) -> Reply {
    load(store, id)?;
    let w = store.modify_doc(JOBS_INDEX, id, f)?;
    Ok((
        StatusCode::OK,
        json!({"result": if w.result == "noop" { "noop" } else { "updated" }}),
    ))
}

fn post(store: &mut Store, b: &Value) -> Reply {
    let parser = "connector_sync_job_post_request";
    let obj = fields(b, parser, &["id", "job_type", "trigger_method"])?;
    let cid = required_str(obj, parser, "id")?;
    let job_type = obj
        .get("job_type")
        .and_then(Value::as_str)
        .unwrap_or("full");
    let trigger = obj
        .get("trigger_method")
        .and_then(Value::as_str)
        .unwrap_or("on_demand");
    if !JOB_TYPES.contains(&job_type) {
        return Err(EsError::illegal_argument(format!(
            "Unknown ConnectorSyncJobType [{job_type}]."
        )));
    }
    if !TRIGGERS.contains(&trigger) {
        return Err(EsError::illegal_argument(format!(
            "Unknown ConnectorSyncJobTriggerMethod [{trigger}]."
        )));
    }
    let connector = load_connector(store, cid, false)?;
    // ES re-parses the stored connector here; an array configuration value fails (§2.3).
    if let Some(c) = connector.get("configuration") {
        check_configuration(c)?;
    }
    let index_name = connector
        .get("index_name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let service_type = connector
        .get("service_type")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let (Some(index_name), Some(_)) = (index_name, service_type) else {
        return Err(EsError::illegal_argument(format!(
            "Cannot start a sync job for connector [{cid}] with no index name or service type: index_name and service_type must be set"
        )));
    };
    let snapshot_index = if job_type == "access_control" {
        format!(".search-acl-filter-{index_name}")
    } else {
        index_name.to_owned()
    };
    let active = connector
        .get("filtering")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|f| f.get("domain").and_then(Value::as_str).unwrap_or("DEFAULT") == "DEFAULT")
        })
        .and_then(|f| f.get("active"))
        .cloned()
        .unwrap_or(Value::Null);
    let get = |k: &str| connector.get(k).cloned().unwrap_or(Value::Null);
    let now = now_iso();
    let doc = json!({
        "cancelation_requested_at": null, "canceled_at": null, "completed_at": null,
        "connector": {
            "configuration": get("configuration"), "filtering": active, "id": cid,
            "index_name": snapshot_index, "language": get("language"), "pipeline": get("pipeline"),
            "service_type": get("service_type"), "sync_cursor": get("sync_cursor")
        },
        "created_at": now, "deleted_document_count": 0, "error": null,
        "indexed_document_count": 0, "indexed_document_volume": 0, "job_type": job_type,
        "last_seen": now, "metadata": {}, "started_at": null, "status": "pending",
        "total_document_count": 0, "trigger_method": trigger, "worker_hostname": null
    });
    let Value::Object(doc) = doc else {
        return Err(EsError::illegal_argument("job document must be an object"));
    };
    let w = store.index_doc(JOBS_INDEX, None, doc, OpType::Create, None)?;
    Ok((StatusCode::OK, json!({"id": w.id})))
}

fn list(store: &Store, req: &Req) -> Reply {
    let from = req.num("from")?.unwrap_or(0) as usize;
    let size = req.num("size")?.unwrap_or(100) as usize;
    let cid = req.param("connector_id");
    let status = req.param("status");
    let types: Option<Vec<&str>> = req.param("job_type").map(|t| t.split(',').collect());
    let mut jobs: Vec<(String, Map<String, Value>)> = store
        .indices
        .get(JOBS_INDEX)
        .map(|i| {
            i.docs
                .iter()
                .map(|(id, d)| (id.clone(), d.source.clone()))
                .collect()
        })
        .unwrap_or_default();
    let str_at = |s: &Map<String, Value>, p: &str| {
        values_at(s, p)
            .first()
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    jobs.retain(|(_, s)| {
        cid.is_none_or(|c| str_at(s, "connector.id").as_deref() == Some(c))
            && status.is_none_or(|st| str_at(s, "status").as_deref() == Some(st))
            && types
                .as_ref()
                .is_none_or(|t| str_at(s, "job_type").is_some_and(|j| t.contains(&j.as_str())))
    });
    jobs.sort_by(|a, b| {
        str_at(&a.1, "created_at")
            .cmp(&str_at(&b.1, "created_at"))
            .then(a.0.cmp(&b.0))
    });
    let count = jobs.len();
    let results: Vec<Value> = jobs
        .into_iter()
        .skip(from)
        .take(size)
        .map(|(id, mut s)| {
            s.insert("id".into(), json!(id));
            Value::Object(s)
        })
        .collect();
    Ok((StatusCode::OK, json!({"count": count, "results": results})))
}

fn transition_error(id: &str, from: &str, to: &str) -> EsError {
    EsError::status(format!(
        "Invalid transition attempt from [{from}] to [{to}]. Such a sync job status transition is not supported (sync job [{id}])."
    ))
}

/// Sync-job APIs.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    let mut db = state.db();
    let store = &mut db.store;
    let id = req.part("connector_sync_job_id");
    match req.matched.api.as_str() {
        "connector.sync_job_post" => post(store, &req.required_json()?),
        "connector.sync_job_list" => list(store, req),
        "connector.sync_job_get" => {
            let mut s = load(store, id)?;
            s.insert("id".into(), json!(id));
            Ok((StatusCode::OK, Value::Object(s)))
        }
        "connector.sync_job_delete" => {
            load(store, id)?;
            store.delete_doc(JOBS_INDEX, id, None)?;
            Ok((StatusCode::OK, json!({"acknowledged": true})))
        }
        "connector.sync_job_check_in" => {
            modify(store, id, |s| {
                s.insert("last_seen".into(), json!(now_iso()));
                Ok(())
            })?;
            Ok((StatusCode::OK, json!({})))
        }
        "connector.sync_job_claim" => {
            let b = req.required_json()?;
            let parser = "connector_sync_job_claim_request";
            let obj = fields(&b, parser, &["worker_hostname", "sync_cursor"])?;
            let host = required_str(obj, parser, "worker_hostname")?.to_owned();
            let cursor = obj.get("sync_cursor").cloned();
            modify(store, id, |s| {
                let now = now_iso();
                s.insert("status".into(), json!("in_progress"));
                s.insert("started_at".into(), json!(now));
                s.insert("last_seen".into(), json!(now));
                s.insert("worker_hostname".into(), json!(host));
                if let (Some(c), Some(Value::Object(conn))) = (cursor, s.get_mut("connector")) {
                    conn.insert("sync_cursor".into(), c);
                }
                Ok(())
            })?;
            Ok((StatusCode::OK, json!({})))
        }
        "connector.sync_job_update_stats" => {
            let b = req.required_json()?;
            let parser = "connector_sync_job_update_stats_request";
            let obj = fields(
                &b,
                parser,
                &[
                    "deleted_document_count",
                    "indexed_document_count",
                    "indexed_document_volume",
                    "total_document_count",
                    "last_seen",
                    "metadata",
                ],
            )?
            .clone();
            for k in [
                "deleted_document_count",
                "indexed_document_count",
                "indexed_document_volume",
            ] {
                if !required(&obj, parser, k)?.is_u64() {
                    return Err(EsError::parse(format!(
                        "[{parser}] failed to parse field [{k}]: expected a non-negative integer"
                    )));
                }
            }
            let given_last_seen = obj.get("last_seen").is_some_and(|v| !v.is_null());
            modify(store, id, |s| {
                for (k, v) in obj {
                    s.insert(k, v);
                }
                if !given_last_seen {
                    s.insert("last_seen".into(), json!(now_iso()));
                }
                Ok(())
            })
        }
        "connector.sync_job_cancel" => {
            let job = load(store, id)?;
            let from = job
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            modify(store, id, |s| {
                let now = now_iso();
                match from.as_str() {
                    "pending" | "suspended" => {
                        s.insert("status".into(), json!("canceled"));
                        s.insert("canceled_at".into(), json!(now));
                        s.insert("completed_at".into(), json!(now));
                    }
                    "in_progress" => {
                        s.insert("status".into(), json!("canceling"));
                        s.insert("cancelation_requested_at".into(), json!(now));
                    }
                    other => return Err(transition_error(id, other, "canceling")),
                }
                Ok(())
            })
        }
        "connector.sync_job_error" => {
            let b = req.required_json()?;
            let parser = "connector_sync_job_error_request";
            let obj = fields(&b, parser, &["error"])?;
            let msg = required_str(obj, parser, "error")?.to_owned();
            let job = load(store, id)?;
            let from = job
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if !matches!(from.as_str(), "in_progress" | "canceling") {
                return Err(transition_error(id, &from, "error"));
            }
            modify(store, id, |s| {
                s.insert("status".into(), json!("error"));
                s.insert("error".into(), json!(msg));
                Ok(())
            })
        }
        other => Err(EsError::illegal_argument(format!(
            "es-sim does not implement [{other}]"
        ))),
    }
}
