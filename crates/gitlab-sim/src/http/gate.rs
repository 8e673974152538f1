//! The gate every GitLab-facing request passes: rate limit, authentication, latency, random
//! faults, response truncation, `RateLimit-*` headers and the request log.

use std::time::{Duration, SystemTime};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::{LogEntry, RateDecision};

use super::App;

/// Largest GraphQL request body read (GitLab rejects far smaller queries for complexity anyway).
const MAX_GRAPHQL_BODY: usize = 1024 * 1024;

/// GitLab's JSON error body.
pub fn message(status: StatusCode, msg: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "message": msg }))).into_response()
}

fn token_of(headers: &HeaderMap) -> Option<&str> {
    if let Some(t) = headers.get("private-token").and_then(|v| v.to_str().ok()) {
        return Some(t);
    }
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

fn kind_of(method: &Method, path: &str, op: Option<&str>) -> String {
    if path == "/api/graphql" {
        return op.map_or_else(|| "graphql".to_string(), |o| format!("graphql:{o}"));
    }
    let rest = if path.ends_with("/repository/tree") {
        "tree"
    } else if path.contains("/repository/files/") && path.ends_with("/raw") {
        "file_raw"
    } else if path.contains("/repository/files/") && method == Method::HEAD {
        "file_head"
    } else if path.contains("/repository/files/") {
        "file"
    } else if path == "/api/v4/user" {
        "user"
    } else if path == "/api/v4/personal_access_tokens/self" {
        "token"
    } else {
        "other"
    };
    format!("rest:{rest}")
}

fn rate_headers(h: &mut HeaderMap, r: &RateDecision) {
    for (name, v) in [
        ("ratelimit-limit", i64::from(r.limit)),
        ("ratelimit-remaining", i64::from(r.remaining)),
        ("ratelimit-reset", r.reset),
        ("ratelimit-observed", i64::from(r.observed)),
    ] {
        h.insert(name, HeaderValue::from(v));
    }
}

fn too_many(r: &RateDecision, now: i64, http_date: bool) -> Response {
    let wait = (r.reset - now).max(1);
    let retry_after = if http_date {
        httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs((now + wait) as u64))
    } else {
        wait.to_string()
    };
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Reads the `operationName` of a GraphQL body and hands the body back.
async fn graphql_operation(req: Request) -> Result<(Request, Option<String>), Response> {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_GRAPHQL_BODY).await.map_err(|_| {
        message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "413 Request Entity Too Large",
        )
    })?;
    let body = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
    let op = body.as_ref().and_then(|v| {
        let named = v.get("operationName").and_then(|o| o.as_str());
        named
            .or_else(|| {
                v.get("query")
                    .and_then(|q| q.as_str())
                    .and_then(operation_in_query)
            })
            .map(str::to_string)
    });
    Ok((Request::from_parts(parts, Body::from(bytes)), op))
}

/// Name of the first named operation in a query text (`query Name(...) {`).
fn operation_in_query(q: &str) -> Option<&str> {
    let rest = q.trim_start().strip_prefix("query")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The middleware.
pub async fn gate(State(app): State<App>, req: Request, next: Next) -> Response {
    let received = chrono::Utc::now();
    let clock = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (req, op) = if path == "/api/graphql" {
        match graphql_operation(req).await {
            Ok(x) => x,
            Err(resp) => return resp,
        }
    } else {
        (req, None)
    };
    let sim = &app.sim;
    let sw = sim.switches();
    let now = received.timestamp();
    let rate = sim.rate_check(now);
    let authorized = token_of(req.headers()).is_some_and(|t| sim.token_ok(t));
    let mut resp = if !rate.allowed {
        too_many(&rate, now, sw.retry_after_http_date)
    } else if !authorized {
        message(StatusCode::UNAUTHORIZED, "401 Unauthorized")
    } else {
        let (f5, ft, fc) = (sim.draw(), sim.draw(), sim.draw());
        let resp = if f5 < sw.fault_5xx_rate {
            let status = if f5 < sw.fault_5xx_rate / 2.0 {
                StatusCode::BAD_GATEWAY
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            (
                status,
                format!("<html><body><h1>{status}</h1></body></html>"),
            )
                .into_response()
        } else if ft < sw.fault_timeout_rate {
            tokio::time::sleep(Duration::from_millis(sw.timeout_hold_ms)).await;
            (
                StatusCode::GATEWAY_TIMEOUT,
                "<html><body><h1>504 Gateway Time-out</h1></body></html>",
            )
                .into_response()
        } else if fc < sw.fault_truncate_rate {
            truncate(next.run(req).await).await
        } else {
            next.run(req).await
        };
        // The response leaves no earlier than `latency_ms` after the request arrived: the
        // simulator's own work is part of the simulated response time, not added to it.
        tokio::time::sleep_until((clock + Duration::from_millis(sw.latency_ms)).into()).await;
        resp
    };
    rate_headers(resp.headers_mut(), &rate);
    sim.record(LogEntry {
        method: method.to_string(),
        kind: kind_of(&method, &path, op.as_deref()),
        path,
        operation_name: op,
        status: resp.status().as_u16(),
        received_ms: received.timestamp_millis(),
        took_ms: u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    resp
}

/// Cuts a response body in the middle (the status and headers stay those of a success).
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}
