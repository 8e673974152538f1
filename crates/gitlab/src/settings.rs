//! [`ClientSettings`]: validated settings of the GitLab client.

use std::path::PathBuf;
use std::time::Duration;

use connector_core::Secret;
use url::Url;

/// Validated settings of one GitLab client.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Base URL of the GitLab instance (`https://gitlab.com` by default).
    pub base_url: Url,
    /// Personal (or project/group) access token, sent as `PRIVATE-TOKEN`.
    pub token: Secret,
    /// Extra CA bundle (PEM) to trust, for self-managed GitLab with a private CA.
    pub ca_bundle: Option<PathBuf>,
    /// Skip TLS certificate verification (loudly logged; for tests and emergencies only).
    pub insecure_skip_verify: bool,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Attempts per request (first try included) before a request is reported failed.
    pub max_attempts: u32,
    /// First retry delay; doubles each attempt, with jitter.
    pub retry_base_delay: Duration,
    /// Cap on one retry delay.
    pub retry_max_delay: Duration,
    /// Most requests in flight at once, across the whole sync.
    pub max_concurrent_requests: usize,
    /// Optional cap on requests per minute (pacing), in addition to GitLab's headers.
    pub requests_per_minute: Option<u32>,
    /// Wait after a 429 that carries neither `Retry-After` nor `RateLimit-Reset`
    /// (gitlab.com often omits both).
    pub rate_limit_default_wait: Duration,
    /// Cap on any one rate-limit wait (429 waits and pacing delays).
    pub rate_limit_max_wait: Duration,
    /// How many 429 answers one request may receive before it is reported failed.
    pub max_rate_limit_waits: u32,
    /// When `RateLimit-Remaining` falls to this value or below, requests are spread evenly
    /// until `RateLimit-Reset`.
    pub pacing_low_watermark: u32,
}

/// Default wait after a bare 429: GitLab's rate-limit windows are one minute.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Default cap on one rate-limit wait: longer than a window, short enough to notice a hang.
pub const DEFAULT_RATE_LIMIT_MAX_WAIT: Duration = Duration::from_secs(300);
/// Default number of 429s tolerated per request: ten windows of throttling is a stuck sync.
pub const DEFAULT_MAX_RATE_LIMIT_WAITS: u32 = 10;
/// Default low watermark for `RateLimit-Remaining`: keeps a margin for other clients of the
/// same user (gitlab.com allows 2,000 API requests per minute per user).
pub const DEFAULT_PACING_LOW_WATERMARK: u32 = 50;

impl ClientSettings {
    /// Settings for `base_url` and `token` with the defaults.
    pub fn new(base_url: Url, token: Secret) -> Self {
        ClientSettings {
            base_url,
            token,
            ca_bundle: None,
            insecure_skip_verify: false,
            request_timeout: Duration::from_secs(300),
            max_attempts: 6,
            retry_base_delay: Duration::from_millis(500),
            retry_max_delay: Duration::from_secs(30),
            max_concurrent_requests: 8,
            requests_per_minute: None,
            rate_limit_default_wait: DEFAULT_RATE_LIMIT_WAIT,
            rate_limit_max_wait: DEFAULT_RATE_LIMIT_MAX_WAIT,
            max_rate_limit_waits: DEFAULT_MAX_RATE_LIMIT_WAITS,
            pacing_low_watermark: DEFAULT_PACING_LOW_WATERMARK,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_settings_shows_no_token() {
        let settings = ClientSettings::new(
            Url::parse("https://gitlab.example.com").expect("valid url"),
            Secret::new("glpat-very-secret"),
        );
        assert!(!format!("{settings:?}").contains("glpat-very-secret"));
    }
}
