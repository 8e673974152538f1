//! [`EsSettings`]: how to reach one Elasticsearch, and the glue from `config.yml` settings.

use std::path::PathBuf;
use std::time::Duration;

use connector_config::{ElasticsearchSettings, EsAuth};
use connector_core::Secret;
use url::Url;

/// The `User-Agent` sent on every request (spec §0: any stable agent is acceptable).
pub const USER_AGENT: &str = concat!("gitlab-connector/", env!("CARGO_PKG_VERSION"), "/service");

/// When and how often a failed request is tried again (spec §3.1: linear back-off,
/// `interval × attempt`, on 429, 5xx, timeouts and connection errors).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total (at least one is always made).
    pub max_attempts: u32,
    /// Base of the linear back-off.
    pub interval: Duration,
    /// Whether timeouts are retried.
    pub retry_on_timeout: bool,
}

impl RetryPolicy {
    /// The sleep after failed attempt number `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.interval.saturating_mul(attempt)
    }
}

impl Default for RetryPolicy {
    /// The reference's policy: 5 attempts, 10 s × attempt.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            interval: Duration::from_secs(10),
            retry_on_timeout: true,
        }
    }
}

/// Everything [`crate::EsClient::new`] needs.
#[derive(Clone)]
pub struct EsSettings {
    /// Base URL of the node.
    pub url: Url,
    /// Credentials, if any.
    pub auth: Option<EsAuth>,
    /// Verify the server certificate.
    pub verify_certs: bool,
    /// Extra trusted CA bundle (PEM).
    pub ca_certs: Option<PathBuf>,
    /// Extra headers on every request.
    pub headers: Vec<(String, Secret)>,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for EsSettings {
    /// Shows the URL without credentials written into it (the auth shows no secret either).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsSettings")
            .field(
                "url",
                &connector_core::url_without_credentials(&self.url).as_str(),
            )
            .field("auth", &self.auth)
            .field("verify_certs", &self.verify_certs)
            .field("ca_certs", &self.ca_certs)
            .field("headers", &self.headers)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl EsSettings {
    /// Settings for `url` with no auth, certificate verification, a 240 s timeout and the
    /// reference retry policy.
    pub fn new(url: Url) -> Self {
        EsSettings {
            url,
            auth: None,
            verify_certs: true,
            ca_certs: None,
            headers: Vec::new(),
            request_timeout: Duration::from_secs(240),
            retry: RetryPolicy::default(),
        }
    }

    /// The same connection authenticated with an encoded API key instead (used for a
    /// connector's own `api_key` on the content-index side, spec §1.2).
    pub fn with_api_key(mut self, api_key: Secret) -> Self {
        self.auth = Some(EsAuth::ApiKey(api_key));
        self
    }
}

impl From<&ElasticsearchSettings> for EsSettings {
    fn from(es: &ElasticsearchSettings) -> Self {
        EsSettings {
            url: es.host.clone(),
            auth: Some(es.auth.clone()),
            verify_certs: !es.ssl || es.verify_certs,
            ca_certs: es.ca_certs.clone().filter(|_| es.ssl),
            headers: es
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            request_timeout: es.request_timeout,
            retry: RetryPolicy {
                max_attempts: es.max_retries.max(1),
                interval: es.retry_interval,
                retry_on_timeout: es.retry_on_timeout,
            },
        }
    }
}
