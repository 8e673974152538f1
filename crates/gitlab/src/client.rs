//! [`GitlabClient`]: the one HTTP stack for GraphQL and REST.
//!
//! Every request goes through [`GitlabClient::execute`]: pacing, the global concurrency bound,
//! a tracing span `request{op, attempt}`, status classification, and retries of the *same*
//! request (429 after the wait GitLab asks for; 5xx, timeouts, connection errors and truncated
//! or undecodable bodies with jittered exponential backoff).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use connector_core::url_without_credentials;
use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use crate::buffers::BodyBuffers;
use crate::connection::{Connection, PageNode, WholeData};
use crate::pacing::Pacer;
use crate::response::{
    BodyRead, GraphqlBody, by_connection, by_shape, decode_graphql, decode_json, read_capped,
    status_error,
};
use crate::retry::{RetryPolicy, StatusClass, classify_status};
use crate::stats::{ApiKind, ClientStats, StatsSnapshot};
use crate::transport::build_http_client;
use crate::{ClientError, ClientSettings};

/// Cap on a JSON response body: far above any page GitLab sends, low enough to bound memory.
pub const MAX_JSON_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// `X-Next-Page`: the next REST page, empty on the last one.
pub const X_NEXT_PAGE: &str = "X-Next-Page";
/// The header with which GitLab announces a repository file's size in bytes.
const X_GITLAB_SIZE: &str = "X-Gitlab-Size";

/// A GitLab client. Cheap to clone; clones share the connection pool, the concurrency bound,
/// the pacing budget and the request statistics.
#[derive(Clone)]
pub struct GitlabClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Base URL without a trailing slash.
    root: String,
    policy: RetryPolicy,
    pacer: Pacer,
    semaphore: Arc<Semaphore>,
    stats: ClientStats,
    buffers: BodyBuffers,
}

impl fmt::Debug for GitlabClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitlabClient")
            .field(
                "base_url",
                &url::Url::parse(&self.inner.root)
                    .map(|url| url_without_credentials(&url).to_string()),
            )
            .field("policy", &self.inner.policy)
            .field("stats", &self.inner.stats.snapshot())
            .finish_non_exhaustive()
    }
}

/// The outcome of one GraphQL request: data (possibly partial) and GraphQL errors.
#[derive(Debug)]
pub struct GraphqlResponse<T> {
    /// `data`, when GitLab sent any (it may be partial when `errors` is non-empty).
    pub data: Option<T>,
    /// Messages of the `errors` array.
    pub errors: Vec<String>,
}

/// A successful REST response.
#[derive(Debug)]
pub struct RestResponse<T> {
    /// The decoded body.
    pub body: T,
    /// `X-Next-Page`, when there is a next page.
    pub next_page: Option<u32>,
}

/// Why one attempt failed, and what to do about it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Retry with backoff; report this error when attempts run out.
    Transient(ClientError),
    /// 429: wait this long, then send the same request again.
    RateLimited(std::time::Duration),
    /// Report at once.
    Final(ClientError),
}

impl GitlabClient {
    /// Builds the client (TLS roots, CA bundle, timeouts).
    pub fn new(settings: ClientSettings) -> Result<Self, ClientError> {
        if settings.max_attempts == 0 {
            return Err(ClientError::InvalidSettings {
                field: "max_attempts",
                reason: "must be at least 1",
            });
        }
        if settings.max_concurrent_requests == 0 {
            return Err(ClientError::InvalidSettings {
                field: "max_concurrent_requests",
                reason: "must be at least 1",
            });
        }
        let http = build_http_client(&settings)?;
        Ok(GitlabClient {
            inner: Arc::new(Inner {
                http,
                root: settings.base_url.as_str().trim_end_matches('/').to_owned(),
                policy: RetryPolicy::from_settings(&settings),
                pacer: Pacer::new(
                    settings.requests_per_minute,
                    settings.pacing_low_watermark,
                    settings.rate_limit_max_wait,
                ),
                semaphore: Arc::new(Semaphore::new(settings.max_concurrent_requests)),
                stats: ClientStats::default(),
                buffers: BodyBuffers::default(),
            }),
        })
    }

    /// A copy of the request statistics.
    pub fn stats(&self) -> StatsSnapshot {
        self.inner.stats.snapshot()
    }

    /// Runs one GraphQL operation (retrying the same request on 429, 5xx, timeouts and
    /// transient GraphQL errors) and returns the raw `data` with the `errors` messages. `label`
    /// names the request in stats, logs and errors (for example `ProjectIssues group/app`).
    pub async fn graphql<Q, V>(
        &self,
        label: &str,
        operation: cynic::Operation<Q, V>,
    ) -> Result<GraphqlResponse<serde_json::Value>, ClientError>
    where
        V: Serialize,
    {
        self.graphql_as(label, operation, by_shape(WholeData)).await
    }

    /// Like [`GitlabClient::graphql`], but decodes only the connection at `path` inside `data`
    /// (for example `["project", "workItems"]`), its nodes as `T`; a node that does not decode
    /// is returned raw in [`Connection::bad`] and costs only itself. `data` is `None` when any
    /// step of the path is absent or `null`. This is the listing path: the page is read in one
    /// pass and no `Value` tree of it is built.
    pub async fn graphql_connection<T, Q, V>(
        &self,
        label: &str,
        operation: cynic::Operation<Q, V>,
        path: &'static [&'static str],
    ) -> Result<GraphqlResponse<Connection<T>>, ClientError>
    where
        T: PageNode,
        V: Serialize,
    {
        self.graphql_as(label, operation, by_connection(path)).await
    }

    async fn graphql_as<Q, V, O>(
        &self,
        label: &str,
        operation: cynic::Operation<Q, V>,
        decode: impl Fn(&[u8], &str, &ClientStats) -> Result<GraphqlBody<O>, Failure> + Copy,
    ) -> Result<GraphqlResponse<O>, ClientError>
    where
        V: Serialize,
    {
        let body = Bytes::from(serde_json::to_vec(&operation).map_err(|source| {
            ClientError::Serialize {
                op: label.to_owned(),
                source,
            }
        })?);
        tracing::debug!(op = label, query = %operation.query, "graphql request");
        let url = format!("{}/api/graphql", self.inner.root);
        let stats_key = label.split_whitespace().next().unwrap_or(label);
        self.execute(
            label,
            stats_key,
            ApiKind::Graphql,
            "/api/graphql",
            |http| {
                http.post(&url)
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone())
            },
            |resp, attempt, slot| {
                let buffer = self.inner.buffers.take();
                let read = self.body_read(label, attempt);
                decode_graphql(resp, read, decode, slot, buffer)
            },
        )
        .await
    }

    /// `GET /api/v4{path}` decoded as JSON.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<RestResponse<T>, ClientError> {
        let label = rest_label("GET", path, query);
        let url = self.rest_url(path);
        self.execute(
            &label,
            &route_key("GET", path),
            ApiKind::Rest,
            path,
            |http| http.get(&url).query(query),
            |resp, attempt, slot| {
                let op = label.clone();
                async move {
                    let next_page = resp
                        .headers()
                        .get(X_NEXT_PAGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u32>().ok());
                    let read = self.body_read(&op, attempt);
                    let bytes = read_capped(resp, read, MAX_JSON_BODY_BYTES).await?;
                    drop(slot);
                    let body = decode_json(&bytes, &op)?;
                    Ok(RestResponse { body, next_page })
                }
            },
        )
        .await
    }

    /// `GET /api/v4{path}` as raw bytes, refusing bodies over `max_bytes`. When GitLab
    /// announces the size of a file (`X-Gitlab-Size`, sent with raw repository files), a file
    /// announced over `max_bytes` is not read, and a body of another size is retried as cut
    /// short.
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        max_bytes: u64,
    ) -> Result<Bytes, ClientError> {
        let label = rest_label("GET", path, query);
        let url = self.rest_url(path);
        self.execute(
            &label,
            &route_key("GET", path),
            ApiKind::Rest,
            path,
            |http| http.get(&url).query(query),
            |resp, attempt, slot| {
                let op = label.clone();
                async move {
                    let _slot = slot;
                    let announced = resp
                        .headers()
                        .get(X_GITLAB_SIZE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    if let Some(size) = announced.filter(|size| *size > max_bytes) {
                        return Err(Failure::Final(ClientError::TooLarge {
                            op,
                            limit: max_bytes,
                            size: Some(size),
                        }));
                    }
                    let bytes = read_capped(resp, self.body_read(&op, attempt), max_bytes).await?;
                    match announced {
                        Some(size) if size != bytes.len() as u64 => {
                            Err(Failure::Transient(ClientError::SizeMismatch {
                                op,
                                attempts: attempt,
                                received: bytes.len() as u64,
                                announced: size,
                            }))
                        }
                        _ => Ok(bytes),
                    }
                }
            },
        )
        .await
    }

    /// The context a response body of `op` is read in.
    fn body_read<'a>(&'a self, op: &'a str, attempt: u32) -> BodyRead<'a> {
        BodyRead {
            op,
            attempt,
            stats: &self.inner.stats,
        }
    }

    fn rest_url(&self, path: &str) -> String {
        format!("{}/api/v4{path}", self.inner.root)
    }

    /// Sends the request built by `make` until it succeeds, fails for good, or runs out of
    /// attempts; `handle` reads a successful response and gets the concurrency permit, to drop
    /// as soon as the body is in (decoding is not a request, so it does not hold a slot).
    async fn execute<T, M, H, Fut>(
        &self,
        op: &str,
        stats_key: &str,
        kind: ApiKind,
        api_path: &str,
        make: M,
        handle: H,
    ) -> Result<T, ClientError>
    where
        M: Fn(&reqwest::Client) -> RequestBuilder,
        H: Fn(Response, u32, OwnedSemaphorePermit) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let inner = &self.inner;
        let mut attempt = 0u32;
        let mut waits = 0u32;
        loop {
            attempt += 1;
            let span = tracing::debug_span!("request", op, attempt);
            let outcome = async {
                inner.pacer.wait().await;
                let permit = Arc::clone(&inner.semaphore)
                    .acquire_owned()
                    .await
                    .expect("the request semaphore is never closed");
                inner.stats.request(kind, stats_key);
                tracing::debug!("sending");
                match make(&inner.http).send().await {
                    Err(source) if source.is_builder() => {
                        Err(Failure::Final(ClientError::Transport {
                            op: op.to_owned(),
                            attempts: attempt,
                            source,
                        }))
                    }
                    Err(source) => Err(Failure::Transient(ClientError::Transport {
                        op: op.to_owned(),
                        attempts: attempt,
                        source,
                    })),
                    Ok(resp) => {
                        inner.pacer.observe(resp.headers());
                        let status = resp.status();
                        tracing::debug!(status = status.as_u16(), "response");
                        match classify_status(status) {
                            StatusClass::Success => handle(resp, attempt, permit).await,
                            StatusClass::RateLimited => {
                                inner.stats.rate_limited();
                                Err(Failure::RateLimited(
                                    inner
                                        .policy
                                        .rate_limit_wait(resp.headers(), SystemTime::now()),
                                ))
                            }
                            StatusClass::Transient => Err(Failure::Transient(
                                status_error(resp, op, api_path, attempt).await,
                            )),
                            StatusClass::Final => Err(Failure::Final(
                                status_error(resp, op, api_path, attempt).await,
                            )),
                        }
                    }
                }
            }
            .instrument(span)
            .await;
            match outcome {
                Ok(value) => return Ok(value),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(e)) => {
                    if attempt >= inner.policy.max_attempts {
                        return Err(e);
                    }
                    let delay = inner.policy.backoff(attempt);
                    tracing::debug!(op, attempt, delay_ms = delay.as_millis() as u64, error = %e, "retrying");
                    inner.stats.retry();
                    tokio::time::sleep(delay).await;
                }
                Err(Failure::RateLimited(wait)) => {
                    waits += 1;
                    if waits > inner.policy.max_rate_limit_waits {
                        return Err(ClientError::RateLimited {
                            op: op.to_owned(),
                            waits: waits - 1,
                        });
                    }
                    tracing::warn!(
                        op,
                        wait_ms = wait.as_millis() as u64,
                        "GitLab rate limit (429); waiting"
                    );
                    inner.stats.retry();
                    inner.pacer.pause_for(wait);
                    // A 429 is not a failed attempt: the same attempt number is used again.
                    attempt -= 1;
                }
            }
        }
    }
}

/// `METHOD /path?query`: the label of a REST request (names its page as the cursor).
fn rest_label(method: &str, path: &str, query: &[(&str, String)]) -> String {
    let mut label = format!("{method} {path}");
    for (i, (k, v)) in query.iter().enumerate() {
        label.push(if i == 0 { '?' } else { '&' });
        label.push_str(&format!("{k}={v}"));
    }
    label
}

/// `METHOD /route` for stats: numeric segments become `:id`, file paths `:path`.
fn route_key(method: &str, path: &str) -> String {
    let (head, file) = match path.split_once("/repository/files/") {
        Some((head, rest)) => (
            head,
            Some(if rest.ends_with("/raw") {
                ":path/raw"
            } else {
                ":path"
            }),
        ),
        None => (path, None),
    };
    let mut key = method.to_owned();
    key.push(' ');
    let route: Vec<&str> = head
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                ":id"
            } else {
                seg
            }
        })
        .collect();
    key.push_str(&route.join("/"));
    if let Some(file) = file {
        key.push_str("/repository/files/");
        key.push_str(file);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_group_requests_by_endpoint() {
        assert_eq!(route_key("GET", "/user"), "GET /user");
        assert_eq!(
            route_key("GET", "/projects/12/repository/tree"),
            "GET /projects/:id/repository/tree"
        );
        assert_eq!(
            route_key("HEAD", "/projects/12/repository/files/docs%2FREADME.md"),
            "HEAD /projects/:id/repository/files/:path"
        );
        assert_eq!(
            route_key("GET", "/projects/12/repository/files/README.md/raw"),
            "GET /projects/:id/repository/files/:path/raw"
        );
    }

    #[test]
    fn rest_labels_name_the_page() {
        let q = [("ref", "main".to_owned()), ("page", "3".to_owned())];
        assert_eq!(rest_label("GET", "/user", &q), "GET /user?ref=main&page=3");
    }
}
