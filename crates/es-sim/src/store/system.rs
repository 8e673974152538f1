//! The two connector system indices: names, aliases and the mappings ES gives them.

use serde_json::{Value, json};

/// Concrete connectors index.
pub const CONNECTORS_INDEX: &str = ".elastic-connectors-v1";
/// Alias of the connectors index.
pub const CONNECTORS_ALIAS: &str = ".elastic-connectors";
/// Concrete sync-jobs index.
pub const JOBS_INDEX: &str = ".elastic-connectors-sync-jobs-v1";
/// Alias of the sync-jobs index.
pub const JOBS_ALIAS: &str = ".elastic-connectors-sync-jobs";

/// Alias → concrete index, for the aliases ES manages itself.
pub const SYSTEM_ALIASES: &[(&str, &str)] = &[
    (CONNECTORS_ALIAS, CONNECTORS_INDEX),
    (JOBS_ALIAS, JOBS_INDEX),
];

/// Whether `name` (alias or concrete) is one of the connector system indices.
pub fn is_system(name: &str) -> bool {
    name.starts_with(CONNECTORS_ALIAS)
}

/// The mapping ES installs for a system index (`dynamic: false`, the fields the protocol
/// queries mapped), or `None` for other indices.
pub fn system_mapping(index: &str) -> Option<Value> {
    let kw = json!({"type": "keyword"});
    let date = json!({"type": "date"});
    let long = json!({"type": "long"});
    let boolean = json!({"type": "boolean"});
    match index {
        CONNECTORS_INDEX => Some(json!({
            "dynamic": false,
            "properties": {
                "api_key_id": kw, "api_key_secret_id": kw, "deleted": boolean,
                "description": {"type": "text"}, "error": kw, "index_name": kw, "is_native": boolean,
                "language": kw, "last_seen": date, "last_synced": date, "last_sync_status": kw,
                "last_sync_error": kw, "last_sync_scheduled_at": date,
                "last_incremental_sync_scheduled_at": date,
                "last_access_control_sync_status": kw, "last_access_control_sync_error": kw,
                "last_access_control_sync_scheduled_at": date,
                "last_indexed_document_count": long, "last_deleted_document_count": long,
                "name": kw, "service_type": kw, "status": kw, "sync_now": boolean,
                "scheduling": {"properties": {
                    "full": {"properties": {"enabled": boolean, "interval": {"type": "text"}}},
                    "incremental": {"properties": {"enabled": boolean, "interval": {"type": "text"}}},
                    "access_control": {"properties": {"enabled": boolean, "interval": {"type": "text"}}}
                }},
                "pipeline": {"properties": {
                    "name": kw, "extract_binary_content": boolean,
                    "reduce_whitespace": boolean, "run_ml_inference": boolean
                }}
            }
        })),
        JOBS_INDEX => Some(json!({
            "dynamic": false,
            "properties": {
                "cancelation_requested_at": date, "canceled_at": date, "completed_at": date,
                "created_at": date, "last_seen": date, "started_at": date,
                "connector": {"properties": {
                    "id": kw, "index_name": kw, "language": kw, "service_type": kw
                }},
                "deleted_document_count": long, "indexed_document_count": long,
                "indexed_document_volume": long, "total_document_count": long,
                "error": kw, "job_type": kw, "status": kw, "trigger_method": kw,
                "worker_hostname": kw
            }
        })),
        _ => None,
    }
}
