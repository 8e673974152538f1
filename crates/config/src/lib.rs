//! `config.yml` for `gitlab-connector run -c config.yml`: the keys of Elastic's connector
//! service (`spec/connector-protocol.md` §1), loaded the way the reference loads them.
//!
//! Pipeline: raw text → [`interpolate`] (`$VAR`, `${VAR|fallback}`, `$$`, `.env`, strict mode)
//! → YAML (serde-saphyr) with the line of every key → top-level dotted keys split and
//! deep-merged → [`Config`] (as typed, reference defaults) → [`Settings`] (validated: URLs,
//! `Duration`s, [`connector_core::Secret`]s). Errors name the dotted key and its line; unknown
//! keys are accepted, and reported as [`ConfigWarning`]s when they look like typos, as are the
//! reference keys this service accepts but ignores ([`keys::COMPATIBILITY_ONLY_KEYS`]).
//!
//! ```
//! use connector_config::{load_str, EnvVars};
//! let loaded = load_str("config.yml", "service.idling: 1\nconnectors:\n  - connector_id: gitlab\n    service_type: gitlab\n", &EnvVars::empty()).unwrap();
//! assert_eq!(loaded.settings.service.idling.as_secs(), 1);
//! assert_eq!(loaded.settings.elasticsearch.host.as_str(), "http://localhost:9200/");
//! loaded.settings.preflight("config.yml").unwrap();
//! ```
//!
//! Extensions over the reference: none that change behaviour. `service.fips_mode: true` is
//! rejected (FIPS validation does not exist in this port); `elasticsearch.ssl: false` only turns
//! off `verify_certs`/`ca_certs`, as in the reference.

pub mod error;
pub mod interpolate;
pub mod keys;
pub mod raw;
pub mod settings;
mod tree;
mod validate;

use std::path::Path;

pub use error::{ConfigError, ConfigWarning};
pub use interpolate::EnvVars;
pub use raw::Config;
pub use settings::{
    BulkSettings, ConnectorSettings, ElasticsearchSettings, ErrorMonitorSettings, EsAuth,
    ExtractionServiceSettings, LogLevel, ServiceSettings, Settings,
};

/// The reference's default basic-auth user.
pub const DEFAULT_USERNAME: &str = "elastic";
/// The reference's default basic-auth password.
pub const DEFAULT_PASSWORD: &str = "changeme";
/// The placeholder id/service type that preflight refuses.
pub const PLACEHOLDER: &str = "changeme";

/// A loaded configuration and what looked suspicious in it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated settings.
    pub settings: Settings,
    /// Keys accepted but probably mistaken (typos, ignored legacy keys, …).
    pub warnings: Vec<ConfigWarning>,
}

/// Loads `path` with the process environment and `.env` (or `$ENV_FILE`) for interpolation.
pub fn load_file(path: &Path) -> Result<Loaded, ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_owned(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let env = EnvVars::from_process().map_err(read_error)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    load_str(&name, &text, &env)
}

/// Loads configuration text; `file` names it in messages.
pub fn load_str(file: &str, text: &str, env: &EnvVars) -> Result<Loaded, ConfigError> {
    let text = interpolate::interpolate(text, env).map_err(|missing| ConfigError::MissingVar {
        file: file.to_owned(),
        name: missing.name,
        line: missing.line,
    })?;
    let yaml_error = |message: String| ConfigError::Yaml {
        file: file.to_owned(),
        message,
    };
    let root: tree::Node = if text.trim().is_empty() {
        tree::Node::Null
    } else {
        // Without the parser's snippet: it quotes the lines around the mistake, secrets included.
        serde_saphyr::from_str(&text)
            .map_err(|err| yaml_error(err.without_snippet().to_string()))?
    };
    let merged = tree::Merged::from_root(root).map_err(yaml_error)?;
    let mut ctx = validate::Ctx {
        file,
        merged: &merged,
        warnings: Vec::new(),
    };
    let config: Config =
        serde_path_to_error::deserialize(&serde_json::Value::Object(merged.value.clone()))
            .map_err(|err| {
                let key = err.path().to_string();
                let message = validate::type_message(&key, &err.inner().to_string());
                ctx.invalid(&key, message)
            })?;
    let suspicious = keys::suspicious_keys(&merged.value);
    let ignored = keys::compatibility_only_keys(&merged.value);
    for suspicious in suspicious.into_iter().chain(ignored) {
        ctx.warnings.push(ConfigWarning {
            file: file.to_owned(),
            line: merged.line_of(&suspicious.key),
            key: suspicious.key,
            message: suspicious.message,
        });
    }
    let settings = validate::settings(config, &mut ctx)?;
    Ok(Loaded {
        settings,
        warnings: ctx.warnings,
    })
}

impl Settings {
    /// The start-up checks of the service (spec §1.2, §3.2 step 5): at least one connector
    /// unless in worker mode, worker mode needs `service.service_types`, and no `changeme`
    /// placeholders. `file` names the configuration in messages.
    pub fn preflight(&self, file: &str) -> Result<(), ConfigError> {
        let fail = |message: String| {
            Err(ConfigError::Preflight {
                file: file.to_owned(),
                message,
            })
        };
        if self.service.worker_mode {
            if self.service.service_types.is_empty() {
                return fail(
                    "`service.worker_mode` is true but `service.service_types` is empty; \
                     list the service types to handle (e.g. `[gitlab]`)"
                        .into(),
                );
            }
        } else if self.connectors.is_empty() {
            return fail(
                "no connector configured; add `connectors: [{connector_id: <id from Kibana>, \
                 service_type: gitlab}]`"
                    .into(),
            );
        }
        for connector in &self.connectors {
            if connector.connector_id == PLACEHOLDER || connector.service_type == PLACEHOLDER {
                return fail(format!(
                    "connector `{}` still has the placeholder `{PLACEHOLDER}`; replace \
                     `connector_id`/`service_type` with the values Kibana shows",
                    connector.connector_id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
