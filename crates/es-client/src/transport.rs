//! [`EsClient`]: one reqwest client per Elasticsearch, with the fixed headers, auth and the
//! retry loop. Every API method goes through [`EsClient::send`].

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use connector_config::EsAuth;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{self, EsError};
use crate::settings::{EsSettings, RetryPolicy, USER_AGENT};

/// The header that lets the service touch the connector system indices (spec §0).
pub const PRODUCT_ORIGIN_HEADER: &str = "x-elastic-product-origin";
/// Its value.
pub const PRODUCT_ORIGIN: &str = "connectors";

const JSON: &str = "application/json";
const NDJSON: &str = "application/x-ndjson";

/// A thin Elasticsearch client. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct EsClient {
    http: reqwest::Client,
    base: Url,
    retry: RetryPolicy,
}

impl std::fmt::Debug for EsClient {
    /// Shows the URL without credentials written into it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsClient")
            .field(
                "base",
                &connector_core::url_without_credentials(&self.base).as_str(),
            )
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A request body.
pub(crate) enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Bytes),
    /// `application/x-ndjson`.
    Ndjson(Bytes),
}

impl Body {
    /// Serializes `value` as JSON.
    pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Body {
        // Serializing plain data structs to a Vec cannot fail.
        Body::Json(Bytes::from(serde_json::to_vec(value).unwrap_or_default()))
    }
}

/// A response that arrived (any status).
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) request: String,
}

impl Reply {
    /// The body decoded on 2xx, the ES error otherwise.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T, EsError> {
        self.decode_with(|body| serde_json::from_slice(body))
    }

    /// The body decoded by `decode` on 2xx, the ES error otherwise: for a response with a
    /// decoder of its own (`_bulk`'s).
    pub(crate) fn decode_with<T>(
        self,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, EsError> {
        let reply = self.ok()?;
        decode(&reply.body).map_err(|source| EsError::Decode {
            request: reply.request,
            source,
        })
    }

    /// Itself on 2xx, the ES error otherwise.
    pub(crate) fn ok(self) -> Result<Reply, EsError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(error::from_response(
                self.request,
                self.status.as_u16(),
                &self.body,
            ))
        }
    }
}

impl EsClient {
    /// Builds the client: auth, product origin, user agent, extra headers, timeout, TLS.
    pub fn new(settings: EsSettings) -> Result<EsClient, EsError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            PRODUCT_ORIGIN_HEADER,
            HeaderValue::from_static(PRODUCT_ORIGIN),
        );
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(JSON));
        for (name, value) in &settings.headers {
            let bad = || EsError::Setup(format!("invalid value for header `{name}`"));
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| EsError::Setup(format!("invalid header name `{name}`")))?;
            let mut value = HeaderValue::from_str(value.expose()).map_err(|_| bad())?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        if let Some(auth) = &settings.auth {
            let raw = match auth {
                EsAuth::ApiKey(key) => format!("ApiKey {}", key.expose()),
                EsAuth::Basic { username, password } => {
                    let pair = format!("{username}:{}", password.expose());
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(pair)
                    )
                }
            };
            let mut value = HeaderValue::from_str(&raw)
                .map_err(|_| EsError::Setup("credentials contain invalid characters".into()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .timeout(settings.request_timeout)
            .danger_accept_invalid_certs(!settings.verify_certs);
        if let Some(path) = &settings.ca_certs {
            let pem = std::fs::read(path).map_err(|err| {
                EsError::Setup(format!(
                    "cannot read CA certificates {}: {err}",
                    path.display()
                ))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| {
                EsError::Setup(format!(
                    "invalid CA certificates in {}: {err}",
                    path.display()
                ))
            })?;
            // A file with no PEM block at all parses as an empty bundle, not as an error.
            if certs.is_empty() {
                return Err(EsError::Setup(format!(
                    "CA certificates {} hold no valid PEM certificate",
                    path.display()
                )));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|err| EsError::Setup(err.without_url().to_string()))?;
        Ok(EsClient {
            http,
            base: settings.url,
            retry: settings.retry,
        })
    }

    /// The URL of `segments` (each percent-encoded) under the base URL.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Sends one request with retries on 429/5xx, timeouts and connection errors; returns the
    /// last response whatever its status.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Body,
    ) -> Result<Reply, EsError> {
        let request = describe(&method, &url);
        let attempts = self.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let mut builder = self.http.request(method.clone(), url.clone());
            builder = match &body {
                Body::Empty => builder,
                Body::Json(bytes) => builder.header(CONTENT_TYPE, JSON).body(bytes.clone()),
                Body::Ndjson(bytes) => builder.header(CONTENT_TYPE, NDJSON).body(bytes.clone()),
            };
            let outcome = send_once(builder).await;
            let retry_reason = match &outcome {
                Ok((status, _)) if retryable_status(*status) => Some(format!("HTTP {status}")),
                Ok(_) => None,
                Err(err) if err.is_timeout() && !self.retry.retry_on_timeout => None,
                Err(err) if err.is_timeout() || err.is_connect() || err.is_request() => {
                    Some(connector_core::error_text::with_causes(err))
                }
                Err(_) => None,
            };
            match (retry_reason, outcome) {
                (Some(reason), _) if attempt < attempts => {
                    let delay = self.retry.delay(attempt);
                    tracing::warn!(%request, attempt, %reason, delay_ms = delay.as_millis() as u64, "Elasticsearch request failed, retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                (_, Ok((status, body))) => {
                    tracing::debug!(%request, status = status.as_u16(), "Elasticsearch request");
                    return Ok(Reply {
                        status,
                        body,
                        request,
                    });
                }
                (_, Err(err)) => {
                    return Err(EsError::Transport {
                        request,
                        source: err,
                    });
                }
            }
        }
    }

    /// Sends and decodes a 2xx JSON body.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Body,
    ) -> Result<T, EsError> {
        self.send(method, url, body).await?.decode()
    }

    /// The base URL, with the credentials the user wrote into it, if any: show it through
    /// [`connector_core::url_without_credentials`].
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The retry policy, for callers that retry at a higher level (429 bulk items).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// Sends one request and reads its whole body. An error comes without its URL, which may hold
/// credentials, so it can be logged (with its causes: reqwest keeps "Connection refused" and
/// the like only there) and returned as it is.
async fn send_once(builder: RequestBuilder) -> Result<(StatusCode, Bytes), reqwest::Error> {
    let response = builder.send().await.map_err(reqwest::Error::without_url)?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(reqwest::Error::without_url)?;
    Ok((status, body))
}

/// `METHOD /path?query`: what errors and logs name.
fn describe(method: &Method, url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{method} {}?{query}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Sleeps between polls of [`EsClient::wait_for_es`]; exposed for tests of the schedule.
pub(crate) fn next_backoff(current: Duration, multiplier: f64) -> Duration {
    Duration::try_from_secs_f64(current.as_secs_f64() * multiplier).unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_send_is_described_by_its_cause_without_its_url() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let request = reqwest::Client::new().get(format!("http://user:pw-secret@{addr}/index"));
        let err = send_once(request).await.unwrap_err();
        let reason = connector_core::error_text::with_causes(&err);
        assert!(reason.contains("refused"), "{reason}");
        assert!(!reason.contains("pw-secret"), "{reason}");
        assert!(!reason.contains("url ("), "{reason}");
    }
}
