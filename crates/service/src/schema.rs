//! The GitLab configuration schema Kibana renders (spec `gitlab-source.md` §2.1,
//! `connector-protocol.md` §2.3–§2.4, §3.4), the `features` object, and "prepare": what must be
//! written so a stored configuration matches the schema.
//!
//! The reference's two fields `token` and `projects` keep their keys, labels, order, types,
//! sensitivity and display; our additions (`gitlab_url`, `ca_bundle`, `concurrency`) are
//! optional with defaults. List defaults are registered as strings (`""`), because ES's
//! configuration parser rejects array values (spec §10.3); the numeric `concurrency` registers
//! its default as its value.

use std::collections::BTreeMap;

use es_client::{ConfigField, Connector};
use serde_json::{Map, Value, json};

/// Default GitLab base URL.
pub const DEFAULT_GITLAB_URL: &str = "https://gitlab.com";
/// Default most concurrent GitLab requests per sync (the GitLab client's own default).
pub const DEFAULT_CONCURRENCY: u64 = 8;

/// Configuration keys, each defined once.
pub mod keys {
    /// Personal access token.
    pub const TOKEN: &str = "token";
    /// Comma-separated project paths, or `*`.
    pub const PROJECTS: &str = "projects";
    /// GitLab base URL (our addition).
    pub const GITLAB_URL: &str = "gitlab_url";
    /// CA bundle path (our addition).
    pub const CA_BUNDLE: &str = "ca_bundle";
    /// Concurrent GitLab requests (our addition).
    pub const CONCURRENCY: &str = "concurrency";
}

/// The property keys every configuration field carries (spec §3.4).
const FIELD_KEYS: [&str; 13] = [
    "default_value",
    "depends_on",
    "display",
    "label",
    "options",
    "order",
    "required",
    "sensitive",
    "tooltip",
    "type",
    "ui_restrictions",
    "validations",
    "value",
];

#[allow(clippy::too_many_arguments)]
fn field(
    label: &str,
    order: u32,
    display: &str,
    field_type: &str,
    required: bool,
    sensitive: bool,
    default_value: Value,
    tooltip: &str,
) -> Value {
    json!({
        "default_value": default_value,
        "depends_on": [],
        "display": display,
        "label": label,
        "options": [],
        "order": order,
        "required": required,
        "sensitive": sensitive,
        "tooltip": tooltip,
        "type": field_type,
        "ui_restrictions": [],
        "validations": [],
        "value": "",
    })
}

/// The full GitLab configuration schema, as registered in an empty connector.
pub fn gitlab_schema() -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert(
        keys::TOKEN.into(),
        field(
            "Personal Access Token",
            1,
            "text",
            "str",
            true,
            true,
            Value::Null,
            "A GitLab personal access token with the api, read_api and read_repository scopes.",
        ),
    );
    schema.insert(
        keys::PROJECTS.into(),
        field(
            "List of projects",
            2,
            "textarea",
            "list",
            true,
            false,
            Value::Null,
            "Comma-separated project full paths such as group/project; * syncs every project the token's user is a member of.",
        ),
    );
    schema.insert(
        keys::GITLAB_URL.into(),
        field(
            "GitLab URL",
            3,
            "text",
            "str",
            false,
            false,
            json!(DEFAULT_GITLAB_URL),
            "Base URL of the GitLab instance; leave empty for gitlab.com.",
        ),
    );
    schema.insert(
        keys::CA_BUNDLE.into(),
        field(
            "CA bundle path",
            4,
            "text",
            "str",
            false,
            false,
            Value::Null,
            "Path, on the connector service host, of a PEM file with extra CA certificates for a self-managed GitLab.",
        ),
    );
    let mut concurrency = field(
        "Maximum concurrent GitLab requests",
        5,
        "numeric",
        "int",
        false,
        false,
        json!(DEFAULT_CONCURRENCY),
        "How many GitLab API requests a sync keeps in flight at once.",
    );
    // A numeric field shows its default as its value, as the reference's `int` fields do:
    // Kibana's number input never gets `""`.
    concurrency["value"] = json!(DEFAULT_CONCURRENCY);
    schema.insert(keys::CONCURRENCY.into(), concurrency);
    schema
}

/// The `features` of the GitLab source (spec §2.4).
pub fn gitlab_features() -> Value {
    json!({
        "sync_rules": {"basic": {"enabled": true}, "advanced": {"enabled": true}},
        "document_level_security": {"enabled": false},
        "incremental_sync": {"enabled": false},
        "native_connector_api_keys": {"enabled": false},
    })
}

/// Whether a schema property value counts as empty (kept stored when the schema's is empty).
fn is_empty_property(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

/// The changed configuration entries needed so `stored` matches the schema (spec §3.4 step 3),
/// or `None` when nothing changes. `Err(())`-free: an empty configuration yields the whole
/// schema and the caller also sets `needs_configuration`.
pub fn configuration_update(stored: &BTreeMap<String, ConfigField>) -> Option<Map<String, Value>> {
    let schema = gitlab_schema();
    if stored.is_empty() {
        return Some(schema);
    }
    let stored: Map<String, Value> = stored
        .iter()
        .filter_map(|(k, v)| serde_json::to_value(v).ok().map(|v| (k.clone(), v)))
        .collect();
    let missing_fields = schema.keys().any(|key| !stored.contains_key(key));
    let mut changes = Map::new();
    for (key, schema_field) in &schema {
        let Some(stored_field) = stored.get(key).and_then(Value::as_object) else {
            changes.insert(key.clone(), schema_field.clone());
            continue;
        };
        let mut change = Map::new();
        for prop in FIELD_KEYS {
            let wanted = &schema_field[prop];
            match stored_field.get(prop) {
                None => {
                    change.insert(prop.into(), wanted.clone());
                }
                Some(have)
                    if missing_fields
                        && prop != "value"
                        && have != wanted
                        && !is_empty_property(wanted) =>
                {
                    change.insert(prop.into(), wanted.clone());
                }
                Some(_) => {}
            }
        }
        if !change.is_empty() {
            changes.insert(key.clone(), Value::Object(change));
        }
    }
    (!changes.is_empty()).then_some(changes)
}

/// The whole "prepare" update of a connector (schema, status, `service_type`, `features`), or
/// `None` when it already matches (spec §3.4).
pub fn prepare_update(connector: &Connector, service_type: &str) -> Option<Value> {
    let mut doc = Map::new();
    if connector.configuration.is_empty() {
        doc.insert("configuration".into(), Value::Object(gitlab_schema()));
        doc.insert(
            "status".into(),
            json!(crate::names::ConnectorStatus::NeedsConfiguration.as_str()),
        );
    } else if let Some(changes) = configuration_update(&connector.configuration) {
        doc.insert("configuration".into(), Value::Object(changes));
    }
    if connector.service_type.is_none() {
        doc.insert("service_type".into(), json!(service_type));
    }
    let features = gitlab_features();
    if connector.features.as_ref() != Some(&features) {
        doc.insert("features".into(), features);
    }
    (!doc.is_empty()).then_some(Value::Object(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(schema: &Map<String, Value>) -> BTreeMap<String, ConfigField> {
        schema
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::from_value(v.clone()).expect("field")))
            .collect()
    }

    #[test]
    fn reference_fields_keep_their_keys_labels_order_and_sensitivity() {
        let schema = gitlab_schema();
        let token = &schema["token"];
        assert_eq!(token["label"], "Personal Access Token");
        assert_eq!(token["type"], "str");
        assert_eq!(token["sensitive"], true);
        assert_eq!(token["order"], 1);
        assert_eq!(token["display"], "text");
        let projects = &schema["projects"];
        assert_eq!(projects["label"], "List of projects");
        assert_eq!(projects["type"], "list");
        assert_eq!(projects["display"], "textarea");
        assert_eq!(projects["order"], 2);
        assert_eq!(
            projects["value"], "",
            "list defaults are strings (spec §10.3)"
        );
        assert_eq!(schema["gitlab_url"]["default_value"], DEFAULT_GITLAB_URL);
        for field in schema.values() {
            assert_eq!(field.as_object().map(|f| f.len()), Some(FIELD_KEYS.len()));
            assert!(!field["value"].is_array());
        }
    }

    #[test]
    fn the_numeric_concurrency_registers_its_default_as_its_value() {
        let concurrency = &gitlab_schema()["concurrency"];
        assert_eq!(concurrency["type"], "int");
        assert_eq!(concurrency["display"], "numeric");
        assert_eq!(concurrency["value"], DEFAULT_CONCURRENCY);
        assert_eq!(concurrency["default_value"], DEFAULT_CONCURRENCY);
    }

    #[test]
    fn empty_configuration_gets_the_schema_and_needs_configuration() {
        let update = prepare_update(&Connector::default(), "gitlab").expect("update");
        assert_eq!(update["status"], "needs_configuration");
        assert_eq!(update["service_type"], "gitlab");
        assert_eq!(
            update["configuration"]["token"]["label"],
            "Personal Access Token"
        );
        assert_eq!(update["features"], gitlab_features());
    }

    #[test]
    fn a_registered_schema_needs_no_update_and_values_are_never_touched() {
        let mut schema = gitlab_schema();
        schema["token"]["value"] = json!("secret");
        let connector = Connector {
            configuration: stored(&schema),
            service_type: Some("gitlab".into()),
            features: Some(gitlab_features()),
            ..Connector::default()
        };
        assert_eq!(prepare_update(&connector, "gitlab"), None);
    }

    #[test]
    fn an_old_schema_gets_only_the_missing_fields_and_keeps_values() {
        let mut schema = gitlab_schema();
        schema.remove("concurrency");
        schema["projects"]["value"] = json!("a/b");
        let changes = configuration_update(&stored(&schema)).expect("changes");
        assert_eq!(changes.keys().collect::<Vec<_>>(), vec!["concurrency"]);
    }
}
