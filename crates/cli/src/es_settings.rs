//! Resolves the Elasticsearch sink settings of `sync --sink elasticsearch` from flags,
//! environment and the settings file.

use std::time::Duration;

use anyhow::{Context, bail};
use connector_config::EsAuth;
use connector_core::Secret;
use es_client::EsSettings;
use es_client::settings::RetryPolicy;
use url::Url;

use crate::args::EsArgs;
use crate::sync_file::EsSection;

/// The content index when none is given, as Kibana names GitLab connector indices.
pub const DEFAULT_INDEX: &str = "search-gitlab";

/// Retries of one Elasticsearch request in `sync` mode: 5 attempts, 2 s × attempt (shorter than
/// the service's 10 s × attempt, since a person is usually watching).
const CLI_RETRY: RetryPolicy = RetryPolicy {
    max_attempts: 5,
    interval: Duration::from_secs(2),
    retry_on_timeout: true,
};

/// Client settings and the index name.
pub fn resolve(args: &EsArgs, file: &EsSection) -> anyhow::Result<(EsSettings, String)> {
    let Some(url_text) = args.es_url.clone().or_else(|| file.url.clone()) else {
        bail!(
            "--sink elasticsearch needs --es-url (or ES_URL, or elasticsearch.url in the settings file)"
        );
    };
    let url = Url::parse(url_text.trim())
        .with_context(|| format!("Elasticsearch URL `{url_text}` is not a valid URL"))?;
    let mut settings = EsSettings::new(url);
    let api_key = args.es_api_key.clone().or_else(|| file.api_key.clone());
    let username = args.es_username.clone().or_else(|| file.username.clone());
    let password = args.es_password.clone().or_else(|| file.password.clone());
    settings.auth = match (api_key, username) {
        (Some(key), _) => Some(EsAuth::ApiKey(Secret::new(key))),
        (None, Some(username)) => Some(EsAuth::Basic {
            username,
            password: Secret::new(password.unwrap_or_default()),
        }),
        (None, None) => None,
    };
    settings.ca_certs = args.es_ca_certs.clone().or_else(|| file.ca_certs.clone());
    settings.retry = CLI_RETRY;
    if let Some(seconds) = args.es_retry_interval {
        settings.retry.interval = Duration::try_from_secs_f64(seconds).map_err(|_| {
            anyhow::anyhow!(
                "--es-retry-interval must be a non-negative number of seconds, got {seconds}"
            )
        })?;
    }
    let index = args
        .index
        .clone()
        .or_else(|| file.index.clone())
        .unwrap_or_else(|| DEFAULT_INDEX.to_owned());
    Ok((settings, index))
}
