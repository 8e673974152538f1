//! Strict request-body parsing for the connector APIs, the defaults ES gives a new connector,
//! and ES's checks of configuration entries (§2.3: no array `value`s).

use serde_json::{Map, Value, json};

use crate::error::EsError;
use crate::pipeline::DEFAULT_PIPELINE;

/// The body as an object whose keys are all in `allowed`; ES's `[parser] unknown field [x]`.
pub fn fields<'a>(
    body: &'a Value,
    parser: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, EsError> {
    let obj = body
        .as_object()
        .ok_or_else(|| EsError::parse(format!("[{parser}] request body must be an object")))?;
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(EsError::parse(format!(
            "[1:2] [{parser}] unknown field [{k}]"
        )));
    }
    Ok(obj)
}

/// A required field.
pub fn required<'a>(
    obj: &'a Map<String, Value>,
    parser: &str,
    key: &str,
) -> Result<&'a Value, EsError> {
    obj.get(key).ok_or_else(|| {
        EsError::parse(format!(
            "[{parser}] failed to parse object: Required [{key}]"
        ))
    })
}

/// A required string field.
pub fn required_str<'a>(
    obj: &'a Map<String, Value>,
    parser: &str,
    key: &str,
) -> Result<&'a str, EsError> {
    required(obj, parser, key)?.as_str().ok_or_else(|| {
        EsError::parse(format!(
            "[{parser}] failed to parse field [{key}]: expected a string"
        ))
    })
}

/// The default filtering of a new connector (§5.1).
pub fn default_filtering(now: &str) -> Value {
    let rules = json!({
        "advanced_snippet": {"created_at": now, "updated_at": now, "value": {}},
        "rules": [{"created_at": now, "field": "_", "id": "DEFAULT", "order": 0, "policy": "include",
                   "rule": "regex", "updated_at": now, "value": ".*"}],
        "validation": {"errors": [], "state": "valid"}
    });
    json!([{"active": rules, "domain": "DEFAULT", "draft": rules}])
}

/// The default schedule: all three disabled at `0 0 0 * * ?`.
pub fn default_scheduling() -> Value {
    let off = json!({"enabled": false, "interval": "0 0 0 * * ?"});
    json!({"access_control": off, "full": off, "incremental": off})
}

/// The default ingest pipeline parameters.
pub fn default_pipeline() -> Value {
    json!({"extract_binary_content": true, "name": DEFAULT_PIPELINE, "reduce_whitespace": true, "run_ml_inference": true})
}

/// A new connector document as `PUT /_connector/{id}` stores it.
pub fn new_connector(body: &Map<String, Value>, now: &str) -> Value {
    let get = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
    let is_native = body
        .get("is_native")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    json!({
        "api_key_id": null, "api_key_secret_id": null,
        "configuration": {}, "custom_scheduling": {}, "deleted": false,
        "description": get("description"), "error": null, "features": null,
        "filtering": default_filtering(now), "index_name": get("index_name"),
        "is_native": is_native, "language": get("language"),
        "last_access_control_sync_error": null, "last_access_control_sync_scheduled_at": null,
        "last_access_control_sync_status": null, "last_deleted_document_count": null,
        "last_incremental_sync_scheduled_at": null, "last_indexed_document_count": null,
        "last_seen": null, "last_sync_error": null, "last_sync_scheduled_at": null,
        "last_sync_status": null, "last_synced": null,
        "name": body.get("name").cloned().unwrap_or(json!("")),
        "pipeline": default_pipeline(), "scheduling": default_scheduling(),
        "service_type": get("service_type"),
        "status": if is_native { "needs_configuration" } else { "created" },
        "sync_cursor": null, "sync_now": false
    })
}

const ENTRY_REQUIRED: &[&str] = &[
    "default_value",
    "depends_on",
    "display",
    "label",
    "options",
    "required",
    "sensitive",
    "value",
];
const ENTRY_ALLOWED: &[&str] = &[
    "category",
    "default_value",
    "depends_on",
    "display",
    "label",
    "options",
    "order",
    "placeholder",
    "required",
    "sensitive",
    "tooltip",
    "type",
    "ui_restrictions",
    "validations",
    "value",
];
const DISPLAYS: &[&str] = &[
    "text", "textbox", "textarea", "numeric", "toggle", "dropdown",
];
const TYPES: &[&str] = &["str", "int", "list", "bool"];
const VALIDATION_TYPES: &[&str] = &[
    "less_than",
    "greater_than",
    "list_type",
    "included_in",
    "regex",
];

/// Rejects an array where ES's parser wants a scalar or object value.
pub fn check_config_value(field: &str, key: &str, v: &Value) -> Result<(), EsError> {
    if v.is_array() {
        return Err(EsError::parse(format!(
            "[connector_configuration] failed to parse field [{key}] of configuration [{field}]: Unsupported token [START_ARRAY]; a value must be a string, number, boolean, object or null"
        )));
    }
    Ok(())
}

/// ES's parse of one configuration entry.
pub fn check_config_entry(field: &str, entry: &Value) -> Result<(), EsError> {
    let obj = entry.as_object().ok_or_else(|| {
        EsError::parse(format!(
            "[connector_configuration] configuration [{field}] must be an object"
        ))
    })?;
    if let Some(k) = obj.keys().find(|k| !ENTRY_ALLOWED.contains(&k.as_str())) {
        return Err(EsError::parse(format!(
            "[connector_configuration] unknown field [{k}] in configuration [{field}]"
        )));
    }
    if let Some(k) = ENTRY_REQUIRED.iter().find(|k| !obj.contains_key(**k)) {
        return Err(EsError::parse(format!(
            "[connector_configuration] failed to parse configuration [{field}]: Required [{k}]"
        )));
    }
    check_config_value(field, "value", &obj["value"])?;
    check_config_value(field, "default_value", &obj["default_value"])?;
    if obj.get("label").and_then(Value::as_str).is_none() {
        return Err(EsError::parse(format!(
            "[connector_configuration] [label] of configuration [{field}] must be a string"
        )));
    }
    match obj.get("display").and_then(Value::as_str) {
        Some(d) if DISPLAYS.contains(&d) => {}
        other => {
            return Err(EsError::illegal_argument(format!(
                "Unknown enum value: {}",
                other.unwrap_or("null")
            )));
        }
    }
    match obj.get("type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if TYPES.contains(&t.as_str()) => {}
        Some(other) => {
            return Err(EsError::illegal_argument(format!(
                "Unknown enum value: {other}"
            )));
        }
    }
    for b in ["required", "sensitive"] {
        if !obj[b].is_boolean() {
            return Err(EsError::parse(format!(
                "[connector_configuration] [{b}] of configuration [{field}] must be a boolean"
            )));
        }
    }
    for v in obj
        .get("validations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match v.get("type").and_then(Value::as_str) {
            Some(t) if VALIDATION_TYPES.contains(&t) && v.get("constraint").is_some() => {}
            _ => {
                return Err(EsError::parse(format!(
                    "[connector_configuration] invalid validation in configuration [{field}]: {v}"
                )));
            }
        }
    }
    Ok(())
}

/// ES's parse of a whole configuration map.
pub fn check_configuration(config: &Value) -> Result<(), EsError> {
    let obj = config.as_object().ok_or_else(|| {
        EsError::parse("[connector_configuration] configuration must be an object")
    })?;
    obj.iter().try_for_each(|(k, v)| check_config_entry(k, v))
}

/// A Quartz cron expression as ES accepts it: 6 or 7 fields of cron characters.
pub fn check_cron(expr: &str) -> Result<(), EsError> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let ok_chars = |f: &&str| {
        f.chars()
            .all(|c| c.is_ascii_alphanumeric() || ",-*/?#".contains(c))
    };
    if !(6..=7).contains(&fields.len()) || !fields.iter().all(ok_chars) {
        return Err(EsError::illegal_argument(format!(
            "invalid cron expression [{expr}]"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(value: Value) -> Value {
        json!({"default_value": null, "depends_on": [], "display": "textarea", "label": "List of projects",
               "options": [], "order": 2, "required": true, "sensitive": false, "tooltip": null,
               "type": "list", "ui_restrictions": [], "validations": [], "value": value})
    }

    #[test]
    fn array_values_are_rejected_and_strings_accepted() {
        assert!(check_config_entry("projects", &entry(json!("*"))).is_ok());
        assert!(check_config_entry("projects", &entry(json!([]))).is_err());
        let mut missing = entry(json!(""));
        missing.as_object_mut().map(|o| o.remove("label"));
        assert!(check_config_entry("projects", &missing).is_err());
    }

    #[test]
    fn cron_needs_six_or_seven_fields() {
        assert!(check_cron("1 * * * * ?").is_ok());
        assert!(check_cron("0 0 0 * * ? 2030").is_ok());
        assert!(check_cron("* * * * *").is_err());
    }
}
