//! Reading a connector's (or a job's) configuration values into GitLab client and source
//! settings, with the reference's coercions and messages (spec §2.3, `gitlab-source.md` §2.2,
//! §2.4).

use std::collections::BTreeMap;
use std::path::PathBuf;

use connector_core::Secret;
use es_client::ConfigField;
use gitlab_client::ClientSettings;
use gitlab_source::{ProjectSelection, SourceSettings};
use serde_json::Value;
use url::Url;

use crate::schema::{DEFAULT_CONCURRENCY, DEFAULT_GITLAB_URL, gitlab_schema, keys};

/// A configuration that cannot be used, with the message shown in Kibana.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigProblem(pub String);

/// Validated GitLab settings of one connector or job.
#[derive(Debug, Clone)]
pub struct GitlabConfig {
    /// Client settings (URL, token, CA bundle, concurrency).
    pub client: ClientSettings,
    /// Which projects to sync.
    pub projects: ProjectSelection,
}

impl GitlabConfig {
    /// Source settings for a full sync of the selected projects.
    pub fn source_settings(&self) -> SourceSettings {
        SourceSettings {
            projects: self.projects.clone(),
            projects_origin: "the connector's `List of projects`".to_owned(),
            ..SourceSettings::default()
        }
    }

    /// A fingerprint of what a ping depends on (URL and token), without exposing the token.
    pub fn ping_key(&self) -> (String, u64) {
        let token = connector_core::hash::fnv1a64(self.client.token.expose().as_bytes());
        (self.client.base_url.to_string(), token)
    }
}

/// A value as text: strings as they are, numbers and booleans rendered, null as empty.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The effective value: `value`, or `default_value` when the field is optional and empty.
fn effective(field: &ConfigField) -> Value {
    let empty = match &field.value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.iter().all(|i| text(i).trim().is_empty()),
        _ => false,
    };
    if empty && field.required == Some(false) {
        field.default_value.clone()
    } else {
        field.value.clone()
    }
}

/// A `list` value: comma-separated string split and trimmed, empty items dropped (newlines
/// are not separators, as in the reference); a number is a one-item list.
pub fn parse_list(value: &Value) -> Vec<String> {
    let items: Vec<String> = match value {
        Value::Array(items) => items.iter().map(text).collect(),
        Value::Null => Vec::new(),
        other => text(other).split(',').map(str::to_owned).collect(),
    };
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

fn label<'a>(configuration: &'a BTreeMap<String, ConfigField>, key: &'a str) -> &'a str {
    configuration
        .get(key)
        .and_then(|f| f.label.as_deref())
        .unwrap_or(key)
}

/// Validates `configuration` and builds the GitLab settings from it.
pub fn parse(configuration: &BTreeMap<String, ConfigField>) -> Result<GitlabConfig, ConfigProblem> {
    let missing: Vec<String> = gitlab_schema()
        .keys()
        .filter(|key| !configuration.contains_key(*key))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(ConfigProblem(format!(
            "Connector has missing configuration fields: {}",
            missing.join(", ")
        )));
    }
    let value = |key: &str| configuration.get(key).map(effective).unwrap_or(Value::Null);
    let mut errors = Vec::new();

    let token = text(&value(keys::TOKEN)).trim().to_owned();
    if token.is_empty() {
        errors.push(format!(
            "'{}' cannot be empty.",
            label(configuration, keys::TOKEN)
        ));
    }
    let projects = parse_list(&value(keys::PROJECTS));
    if projects.is_empty() {
        errors.push(format!(
            "'{}' cannot be empty.",
            label(configuration, keys::PROJECTS)
        ));
    }
    let url_text = match text(&value(keys::GITLAB_URL)).trim() {
        "" => DEFAULT_GITLAB_URL.to_owned(),
        url => url.to_owned(),
    };
    let base_url = match Url::parse(&url_text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        _ => {
            errors.push(format!(
                "'{}' must be an http(s) URL such as https://gitlab.example.com, not `{url_text}`.",
                label(configuration, keys::GITLAB_URL)
            ));
            None
        }
    };
    let ca_bundle = match text(&value(keys::CA_BUNDLE)).trim() {
        "" => None,
        path => Some(PathBuf::from(path)),
    };
    let concurrency = match value(keys::CONCURRENCY) {
        Value::Null => Some(DEFAULT_CONCURRENCY),
        Value::String(s) if s.trim().is_empty() => Some(DEFAULT_CONCURRENCY),
        other => text(&other).trim().parse::<u64>().ok().filter(|n| *n >= 1),
    };
    if concurrency.is_none() {
        errors.push(format!(
            "'{}' must be a whole number of at least 1.",
            label(configuration, keys::CONCURRENCY)
        ));
    }
    match (base_url, concurrency) {
        (Some(base_url), Some(concurrency)) if errors.is_empty() => {
            let mut client = ClientSettings::new(base_url, Secret::new(token));
            client.ca_bundle = ca_bundle;
            client.max_concurrent_requests = usize::try_from(concurrency).unwrap_or(usize::MAX);
            Ok(GitlabConfig {
                client,
                projects: ProjectSelection::from_entries(&projects),
            })
        }
        _ => Err(ConfigProblem(format!(
            "Field validation errors: {}",
            errors.join(" ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn configuration(values: &[(&str, Value)]) -> BTreeMap<String, ConfigField> {
        let mut schema = gitlab_schema();
        for (key, value) in values {
            schema[*key]["value"] = value.clone();
        }
        schema
            .into_iter()
            .map(|(k, v)| (k, serde_json::from_value(v).expect("field")))
            .collect()
    }

    #[test]
    fn lists_split_on_commas_only() {
        assert_eq!(parse_list(&json!("a/b, c/d,,")), vec!["a/b", "c/d"]);
        assert_eq!(parse_list(&json!("*")), vec!["*"]);
        assert_eq!(parse_list(&json!(7)), vec!["7"]);
        assert_eq!(parse_list(&json!("a/b\nc/d")), vec!["a/b\nc/d"]);
    }

    #[test]
    fn empty_token_and_projects_are_reported_with_their_labels() {
        let problem = parse(&configuration(&[])).expect_err("invalid");
        assert_eq!(
            problem.0,
            "Field validation errors: 'Personal Access Token' cannot be empty. 'List of projects' cannot be empty."
        );
    }

    #[test]
    fn defaults_apply_to_optional_fields() {
        let config = parse(&configuration(&[
            ("token", json!("t")),
            ("projects", json!("*")),
        ]))
        .expect("valid");
        assert_eq!(config.client.base_url.as_str(), "https://gitlab.com/");
        assert_eq!(config.client.max_concurrent_requests, 8);
        assert_eq!(config.projects, ProjectSelection::All);
    }

    #[test]
    fn a_user_set_concurrency_wins_and_an_empty_one_means_the_default() {
        let concurrency = |value: Value| {
            parse(&configuration(&[
                ("token", json!("t")),
                ("projects", json!("*")),
                ("concurrency", value),
            ]))
            .expect("valid")
            .client
            .max_concurrent_requests
        };
        assert_eq!(concurrency(json!(3)), 3);
        assert_eq!(
            concurrency(json!("3")),
            3,
            "Kibana may store numbers as text"
        );
        assert_eq!(
            concurrency(json!("")),
            8,
            "as registered before it had a value"
        );
        assert_eq!(concurrency(Value::Null), 8);
    }

    #[test]
    fn missing_fields_are_named() {
        let mut configuration = configuration(&[]);
        configuration.remove("projects");
        let problem = parse(&configuration).expect_err("invalid");
        assert_eq!(
            problem.0,
            "Connector has missing configuration fields: projects"
        );
    }

    #[test]
    fn bad_concurrency_and_url_are_reported() {
        let problem = parse(&configuration(&[
            ("token", json!("t")),
            ("projects", json!("a/b")),
            ("gitlab_url", json!("ftp://x")),
            ("concurrency", json!("zero")),
        ]))
        .expect_err("invalid");
        assert!(problem.0.contains("GitLab URL"), "{problem}");
        assert!(
            problem.0.contains("Maximum concurrent GitLab requests"),
            "{problem}"
        );
    }
}
