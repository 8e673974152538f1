//! The catalogue of keys `config.yml` understands, and the warnings for unknown keys that look
//! like typos of known ones (unknown keys are otherwise accepted and ignored, as the reference
//! does).

use serde_json::{Map, Value};

/// Every known dotted key. A key ending in `.*` accepts any child (free-form maps).
/// `connectors[]` entries are checked against [`CONNECTOR_KEYS`].
pub const KNOWN_KEYS: &[&str] = &[
    "elasticsearch",
    "elasticsearch.host",
    "elasticsearch.api_key",
    "elasticsearch.username",
    "elasticsearch.password",
    "elasticsearch.ssl",
    "elasticsearch.verify_certs",
    "elasticsearch.ca_certs",
    "elasticsearch.headers.*",
    "elasticsearch.request_timeout",
    "elasticsearch.retry_on_timeout",
    "elasticsearch.max_retries",
    "elasticsearch.retry_interval",
    "elasticsearch.max_wait_duration",
    "elasticsearch.initial_backoff_duration",
    "elasticsearch.backoff_multiplier",
    "elasticsearch.log_level",
    "elasticsearch.feature_use_connectors_api",
    "elasticsearch.serverless",
    "elasticsearch.bulk",
    "elasticsearch.bulk.queue_max_size",
    "elasticsearch.bulk.queue_max_mem_size",
    "elasticsearch.bulk.queue_refresh_interval",
    "elasticsearch.bulk.queue_refresh_timeout",
    "elasticsearch.bulk.display_every",
    "elasticsearch.bulk.chunk_size",
    "elasticsearch.bulk.chunk_max_mem_size",
    "elasticsearch.bulk.max_text_document_size",
    "elasticsearch.bulk.max_concurrency",
    "elasticsearch.bulk.concurrent_downloads",
    "elasticsearch.bulk.max_retries",
    "elasticsearch.bulk.retry_interval",
    "elasticsearch.bulk.enable_operations_logging",
    "elasticsearch.bulk.error_monitor",
    "elasticsearch.bulk.error_monitor.enabled",
    "elasticsearch.bulk.error_monitor.max_total_errors",
    "elasticsearch.bulk.error_monitor.max_consecutive_errors",
    "elasticsearch.bulk.error_monitor.max_error_rate",
    "elasticsearch.bulk.error_monitor.error_window_size",
    "elasticsearch.bulk.error_monitor.error_queue_size",
    "service",
    "service.idling",
    "service.heartbeat",
    "service.preflight_max_attempts",
    "service.preflight_idle",
    "service.max_errors",
    "service.max_errors_span",
    "service.max_concurrent_content_syncs",
    "service.max_concurrent_access_control_syncs",
    "service.max_concurrent_scheduling_tasks",
    "service.max_file_download_size",
    "service.job_cleanup_interval",
    "service.log_level",
    "service.worker_mode",
    "service.service_types",
    "service.fips_mode",
    "connectors",
    "connector_id",
    "service_type",
    "sources.*",
    "extraction_service",
    "extraction_service.host",
    "extraction_service.timeout",
    "extraction_service.use_file_pointers",
    "extraction_service.stream_chunk_size",
    "extraction_service.shared_volume_dir",
];

/// Keys of one `connectors[]` entry.
pub const CONNECTOR_KEYS: &[&str] = &["connector_id", "service_type", "api_key"];

/// Keys that older documentation names but the reference ignores, with the advice to give.
pub const IGNORED_KEYS: &[(&str, &str)] = &[
    (
        "service.max_concurrent_syncs",
        "is an old name the reference ignores; use `service.max_concurrent_content_syncs`",
    ),
    (
        "elasticsearch.max_connections",
        "is not a reference key and is ignored",
    ),
];

/// Keys of the reference that this service accepts but does not use, with the reason the
/// warning gives. Setting one is not an error (a config.yml written for the Python service
/// keeps working), but it has no effect.
pub const COMPATIBILITY_ONLY_KEYS: &[(&str, &str)] = &[
    (
        "elasticsearch.bulk.queue_max_size",
        "there is no such queue: documents go from GitLab to `_bulk` through small bounded \
         channels sized by `chunk_size`/`chunk_max_mem_size`",
    ),
    (
        "elasticsearch.bulk.queue_max_mem_size",
        "there is no such queue (see `elasticsearch.bulk.chunk_max_mem_size`)",
    ),
    (
        "elasticsearch.bulk.queue_refresh_interval",
        "there is no such queue: a busy Elasticsearch slows the sync down instead",
    ),
    (
        "elasticsearch.bulk.queue_refresh_timeout",
        "there is no such queue: a busy Elasticsearch slows the sync down instead",
    ),
    (
        "elasticsearch.bulk.display_every",
        "sync progress is reported in the job's counts every 10 seconds",
    ),
    (
        "elasticsearch.bulk.enable_operations_logging",
        "failed items are logged and counted by the error monitor; successful ones are not logged",
    ),
    (
        "elasticsearch.bulk.concurrent_downloads",
        "README files are read as text, with the connector's own `Concurrency` setting",
    ),
    (
        "elasticsearch.feature_use_connectors_api",
        "the `_connector` APIs are always used where Elasticsearch 9 has them",
    ),
    (
        "extraction_service",
        "README files are read as text; no extraction service is called",
    ),
    (
        "service.max_errors",
        "the service loops log Elasticsearch failures and go on; they never exit the process",
    ),
    (
        "service.max_errors_span",
        "the service loops log Elasticsearch failures and go on; they never exit the process",
    ),
];

/// The [`COMPATIBILITY_ONLY_KEYS`] that `root` sets (to a value other than null).
pub(crate) fn compatibility_only_keys(root: &Map<String, Value>) -> Vec<Suspicious> {
    COMPATIBILITY_ONLY_KEYS
        .iter()
        .filter(|(key, _)| is_set(root, key))
        .map(|(key, reason)| Suspicious {
            key: (*key).to_owned(),
            message: format!("is accepted for compatibility and ignored: {reason}"),
        })
        .collect()
}

/// Whether the dotted `key` holds a non-null value in `root`.
fn is_set(root: &Map<String, Value>, key: &str) -> bool {
    let mut node = root;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        match (node.get(part), parts.peek()) {
            (Some(Value::Object(inner)), Some(_)) => node = inner,
            (Some(value), None) => return !value.is_null(),
            _ => return false,
        }
    }
    false
}

/// An unknown key worth telling the user about: its dotted path and the advice.
pub(crate) struct Suspicious {
    pub(crate) key: String,
    pub(crate) message: String,
}

/// Walks the merged tree and reports unknown keys that resemble known ones, and keys the
/// reference is known to ignore.
pub(crate) fn suspicious_keys(root: &Map<String, Value>) -> Vec<Suspicious> {
    let mut found = Vec::new();
    walk(root, "", &mut found);
    found
}

fn walk(map: &Map<String, Value>, prefix: &str, found: &mut Vec<Suspicious>) {
    for (key, value) in map {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if KNOWN_KEYS.contains(&path.as_str()) {
            if path == "connectors" {
                check_connectors(value, found);
            } else if let Value::Object(inner) = value {
                walk(inner, &path, found);
            }
        } else if KNOWN_KEYS.contains(&format!("{path}.*").as_str()) {
            // A free-form map: any child is fine.
        } else if let Some((_, advice)) = IGNORED_KEYS.iter().find(|(k, _)| *k == path) {
            found.push(Suspicious {
                key: path,
                message: (*advice).to_owned(),
            });
        } else if let Some(best) =
            closest(&path, KNOWN_KEYS.iter().map(|k| k.trim_end_matches(".*")))
        {
            found.push(Suspicious {
                key: path,
                message: format!("is not a known key and is ignored (did you mean `{best}`?)"),
            });
        }
    }
}

fn check_connectors(value: &Value, found: &mut Vec<Suspicious>) {
    let Value::Array(items) = value else { return };
    for (index, item) in items.iter().enumerate() {
        let Value::Object(entry) = item else { continue };
        for key in entry.keys() {
            if CONNECTOR_KEYS.contains(&key.as_str()) {
                continue;
            }
            if let Some(best) = closest(key, CONNECTOR_KEYS.iter().copied()) {
                found.push(Suspicious {
                    key: format!("connectors[{index}].{key}"),
                    message: format!("is not a known key and is ignored (did you mean `{best}`?)"),
                });
            }
        }
    }
}

/// The known key most similar to `key`, if it is similar enough to be a typo.
fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(key, candidate), candidate))
        .filter(|(score, _)| *score >= 0.9)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(value: Value) -> Vec<String> {
        let Value::Object(map) = value else {
            panic!("object")
        };
        suspicious_keys(&map)
            .into_iter()
            .map(|s| format!("{} {}", s.key, s.message))
            .collect()
    }

    #[test]
    fn typo_of_a_known_key_is_reported_with_a_suggestion() {
        let found = keys(json!({"elasticsearch": {"bulk": {"chunk_sise": 5}}}));
        assert_eq!(
            found,
            [
                "elasticsearch.bulk.chunk_sise is not a known key and is ignored (did you mean \
              `elasticsearch.bulk.chunk_size`?)"
            ]
        );
    }

    #[test]
    fn unrelated_unknown_keys_and_free_form_maps_are_quiet() {
        let found = keys(json!({
            "my_own_section": {"x": 1},
            "elasticsearch": {"headers": {"X-Custom": "1"}},
            "sources": {"gitlab": "connectors.sources.gitlab:GitLabDataSource"}
        }));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn keys_set_only_for_compatibility_are_reported_as_ignored() {
        let Value::Object(root) = json!({
            "elasticsearch": {"log_level": "debug", "bulk": {"queue_max_size": 5, "chunk_size": 9}},
            "service": {"max_errors": 3},
            "extraction_service": {"host": "http://localhost:8090"},
        }) else {
            panic!("object")
        };
        let found: Vec<String> = compatibility_only_keys(&root)
            .into_iter()
            .map(|s| format!("{} {}", s.key, s.message))
            .collect();
        let keys: Vec<&str> = found.iter().filter_map(|f| f.split(' ').next()).collect();
        assert_eq!(
            keys,
            [
                "elasticsearch.bulk.queue_max_size",
                "extraction_service",
                "service.max_errors"
            ]
        );
        assert!(
            found
                .iter()
                .all(|f| f.contains("is accepted for compatibility and ignored: ")),
            "{found:?}"
        );
        let Value::Object(root) = json!({"extraction_service": null}) else {
            panic!("object")
        };
        assert!(compatibility_only_keys(&root).is_empty());
    }

    #[test]
    fn connector_entry_typos_and_ignored_keys_are_reported() {
        let found = keys(json!({
            "connectors": [{"connector_id": "a", "service_typ": "gitlab"}],
            "service": {"max_concurrent_syncs": 2}
        }));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("connectors[0].service_typ "));
        assert!(found[1].contains("max_concurrent_content_syncs"));
    }
}
