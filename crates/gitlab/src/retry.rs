//! What is retryable, and how long to wait: [`RetryPolicy`].
//!
//! Retryable: HTTP 5xx, timeouts, connection errors, truncated or undecodable bodies, and
//! GraphQL errors that say rate limit, timeout or internal error. 429 is retried after the wait
//! GitLab asks for. 401/403/404 and other 4xx are final. The policy only computes delays; the
//! client sleeps, so everything here is tested without sleeping.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::ClientSettings;

/// `RateLimit-Reset`: epoch seconds when the rate-limit window resets.
pub const RATELIMIT_RESET: &str = "RateLimit-Reset";
/// `RateLimit-Remaining`: requests left in the current window.
pub const RATELIMIT_REMAINING: &str = "RateLimit-Remaining";

/// How a response status is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 2xx/3xx: read the body.
    Success,
    /// 429: wait as told, then send the same request again.
    RateLimited,
    /// 5xx: retry with backoff.
    Transient,
    /// 401/403/404 and other 4xx: report.
    Final,
}

/// Classifies an HTTP status.
pub fn classify_status(status: StatusCode) -> StatusClass {
    if status == StatusCode::TOO_MANY_REQUESTS {
        StatusClass::RateLimited
    } else if status.is_server_error() {
        StatusClass::Transient
    } else if status.is_client_error() {
        StatusClass::Final
    } else {
        StatusClass::Success
    }
}

/// Whether a GraphQL error message reports a transient server condition (retried like a 5xx).
/// Complexity and "too large" errors are not transient: the caller halves its page size.
pub fn is_transient_graphql_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "rate limit",
        "timeout",
        "timed out",
        "internal server error",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

/// Retry timing of one client.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request, first try included.
    pub max_attempts: u32,
    /// First backoff delay.
    pub base_delay: Duration,
    /// Cap on one backoff delay.
    pub max_delay: Duration,
    /// Wait after a 429 without usable headers.
    pub rate_limit_default_wait: Duration,
    /// Cap on one 429 wait.
    pub rate_limit_max_wait: Duration,
    /// 429s tolerated per request.
    pub max_rate_limit_waits: u32,
}

impl RetryPolicy {
    /// The policy described by `settings`.
    pub fn from_settings(settings: &ClientSettings) -> Self {
        RetryPolicy {
            max_attempts: settings.max_attempts,
            base_delay: settings.retry_base_delay,
            max_delay: settings.retry_max_delay,
            rate_limit_default_wait: settings.rate_limit_default_wait,
            rate_limit_max_wait: settings.rate_limit_max_wait,
            max_rate_limit_waits: settings.max_rate_limit_waits,
        }
    }

    /// The backoff before retry number `retry` (1 for the first retry), with `jitter` in
    /// `0.0..=1.0`: half the exponential delay is fixed, the other half scaled by `jitter`.
    pub fn backoff_with_jitter(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// The backoff before retry number `retry`, with random jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        self.backoff_with_jitter(retry, rand::rng().random_range(0.0..=1.0))
    }

    /// How long to wait after a 429 with `headers`, seen at `now`: `Retry-After` (seconds or
    /// HTTP date), else `RateLimit-Reset` (epoch seconds), else the default; always capped.
    pub fn rate_limit_wait(&self, headers: &HeaderMap, now: SystemTime) -> Duration {
        let wait = retry_after(headers, now)
            .or_else(|| ratelimit_reset(headers).map(|reset| until(reset, now)))
            .unwrap_or(self.rate_limit_default_wait);
        wait.min(self.rate_limit_max_wait)
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn until(at: SystemTime, now: SystemTime) -> Duration {
    at.duration_since(now).unwrap_or(Duration::ZERO)
}

/// `Retry-After` as a duration from `now`.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_str(headers, RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    httpdate::parse_http_date(value)
        .ok()
        .map(|at| until(at, now))
}

/// `RateLimit-Reset` as an instant.
pub fn ratelimit_reset(headers: &HeaderMap) -> Option<SystemTime> {
    let secs = header_str(headers, RATELIMIT_RESET)?.parse::<u64>().ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            rate_limit_default_wait: Duration::from_secs(60),
            rate_limit_max_wait: Duration::from_secs(120),
            max_rate_limit_waits: 3,
        }
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = policy();
        assert_eq!(p.backoff_with_jitter(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff_with_jitter(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff_with_jitter(3, 0.0), Duration::from_millis(200));
        assert_eq!(p.backoff_with_jitter(30, 1.0), Duration::from_secs(1));
        for retry in 1..40 {
            assert!(p.backoff(retry) <= p.max_delay);
        }
    }

    #[test]
    fn retry_after_in_seconds_wins() {
        let h = headers(&[("retry-after", "7".into()), (RATELIMIT_RESET, "1".into())]);
        assert_eq!(
            policy().rate_limit_wait(&h, SystemTime::now()),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn retry_after_as_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let at = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let h = headers(&[("retry-after", at)]);
        assert_eq!(policy().rate_limit_wait(&h, now), Duration::from_secs(30));
    }

    #[test]
    fn ratelimit_reset_when_no_retry_after() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[(RATELIMIT_RESET, "1700000012".into())]);
        assert_eq!(policy().rate_limit_wait(&h, now), Duration::from_secs(12));
    }

    #[test]
    fn bare_429_waits_the_default_and_waits_are_capped() {
        let p = policy();
        assert_eq!(
            p.rate_limit_wait(&HeaderMap::new(), SystemTime::now()),
            Duration::from_secs(60)
        );
        let h = headers(&[("retry-after", "100000".into())]);
        assert_eq!(
            p.rate_limit_wait(&h, SystemTime::now()),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(
            classify_status(StatusCode::TOO_MANY_REQUESTS),
            StatusClass::RateLimited
        );
        assert_eq!(
            classify_status(StatusCode::BAD_GATEWAY),
            StatusClass::Transient
        );
        assert_eq!(
            classify_status(StatusCode::UNAUTHORIZED),
            StatusClass::Final
        );
        assert_eq!(classify_status(StatusCode::OK), StatusClass::Success);
    }

    #[test]
    fn transient_graphql_messages() {
        assert!(is_transient_graphql_message("Internal server error"));
        assert!(is_transient_graphql_message("Request timed out"));
        assert!(is_transient_graphql_message(
            "This endpoint has been requested too many times. Try again later. (rate limit)"
        ));
        assert!(!is_transient_graphql_message(
            "Query has complexity of 300, which exceeds max complexity of 250"
        ));
        assert!(!is_transient_graphql_message("Query too large"));
    }
}
