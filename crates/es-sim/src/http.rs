//! The HTTP edge: body limits, fault switches, authentication, routing by the REST spec,
//! unknown-parameter checks, the product-origin check, the request log, and JSON rendering.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::Value;
use std::time::Instant;

use crate::api::{self, Req};
use crate::error::EsError;
use crate::filter_path;
use crate::state::{EsSimState, RequestRecord};
use crate::store::system;

/// ES's default `http.max_content_length` (100 MiB).
const MAX_CONTENT_LENGTH: usize = 100 * 1024 * 1024;
/// The header that identifies Elastic products to ES.
pub const PRODUCT_ORIGIN: &str = "x-elastic-product-origin";

fn header_str(h: &HeaderMap, name: impl header::AsHeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn check_auth(state: &EsSimState, headers: &HeaderMap, path: &str) -> Result<(), EsError> {
    let cfg = state.config();
    if cfg.api_key.is_none() && cfg.basic.is_none() {
        return Ok(());
    }
    let Some(auth) = header_str(headers, header::AUTHORIZATION) else {
        return Err(EsError::new(
            StatusCode::UNAUTHORIZED,
            "security_exception",
            format!("missing authentication credentials for REST request [{path}]"),
        ));
    };
    let ok = match auth.split_once(' ') {
        Some(("ApiKey", key)) => cfg.api_key.as_deref() == Some(key.trim()),
        Some(("Basic", enc)) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(enc.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            match (
                decoded.as_deref().and_then(|d| d.split_once(':')),
                &cfg.basic,
            ) {
                (Some((u, p)), Some((cu, cp))) => u == cu && p == cp,
                _ => false,
            }
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(EsError::new(
            StatusCode::UNAUTHORIZED,
            "security_exception",
            "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
        ))
    }
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn render(status: StatusCode, body: &Value, pretty: bool, head: bool) -> Response {
    let text = if head || body.is_null() {
        String::new()
    } else if pretty {
        serde_json::to_string_pretty(body).unwrap_or_default()
    } else {
        body.to_string()
    };
    let mut resp = (status, text).into_response();
    if !head || !body.is_null() {
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    resp
}

struct Outcome {
    status: StatusCode,
    body: Value,
    warning: Option<String>,
    extra_401: bool,
}

async fn process(
    state: &EsSimState,
    method: &Method,
    path: &str,
    params: Vec<(String, String)>,
    headers: &HeaderMap,
    body: Body,
) -> Outcome {
    let err = |e: EsError| Outcome {
        status: e.status,
        body: e.body(),
        warning: None,
        extra_401: e.status == StatusCode::UNAUTHORIZED,
    };
    let unavailable = state
        .faults()
        .unavailable_until
        .is_some_and(|t| Instant::now() < t);
    if unavailable {
        return err(EsError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "master_not_discovered_exception",
            "es-sim is switched unavailable",
        ));
    }
    if let Err(e) = check_auth(state, headers, path) {
        return err(e);
    }
    let body: Bytes = match axum::body::to_bytes(body, MAX_CONTENT_LENGTH).await {
        Ok(b) => b,
        Err(_) => {
            return err(EsError::plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body is larger than [{MAX_CONTENT_LENGTH}] bytes"),
            ));
        }
    };
    let matched = match state.spec().route(method, path) {
        Ok(m) => m,
        Err(e) => return err(e),
    };
    if let Err(e) = state.spec().check_params(&matched.api, path, &params) {
        return err(e);
    }
    let latency = state.faults().latency.get(&matched.api).copied();
    if let Some(latency) = latency {
        tokio::time::sleep(latency).await;
    }
    let mut warning = None;
    let system_target = matched
        .opt_part("index")
        .map(|i| {
            i.split(',')
                .filter(|p| system::is_system(p))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if !system_target.is_empty() && headers.get(PRODUCT_ORIGIN).is_none() {
        if state.config().require_product_origin {
            return err(EsError::new(
                StatusCode::FORBIDDEN,
                "security_exception",
                format!(
                    "access to system indices [{}] requires the [X-elastic-product-origin] header (es-sim --require-product-origin)",
                    system_target.join(", ")
                ),
            ));
        }
        warning = Some(format!(
            "299 Elasticsearch-{} \"this request accesses system indices: [{}], but in a future major version, direct access to system indices will be prevented by default\"",
            api::VERSION,
            system_target.join(", ")
        ));
    }
    let req = Req {
        params,
        body,
        matched,
    };
    match api::handle(state, &req) {
        Ok((status, body)) => Outcome {
            status,
            body,
            warning,
            extra_401: false,
        },
        Err(e) => Outcome { warning, ..err(e) },
    }
}

/// The ES entry point: every request outside `/_sim/`.
pub async fn entry(State(state): State<EsSimState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let params = parse_query(&query);
    let pretty = params.iter().any(|(k, v)| k == "pretty" && v != "false");
    let filter_path = params
        .iter()
        .find(|(k, _)| k == "filter_path")
        .map(|(_, v)| v.clone());
    let headers = parts.headers;
    let out = process(&state, &method, &path, params, &headers, body).await;
    if headers.get(PRODUCT_ORIGIN).is_none() {
        tracing::debug!(method = %method, path = %path, "request without X-elastic-product-origin");
    }
    state.record(RequestRecord {
        method: method.to_string(),
        path: path.clone(),
        query,
        product_origin: header_str(&headers, PRODUCT_ORIGIN),
        auth_scheme: header_str(&headers, header::AUTHORIZATION)
            .and_then(|a| a.split(' ').next().map(str::to_owned)),
        content_type: header_str(&headers, header::CONTENT_TYPE),
        user_agent: header_str(&headers, header::USER_AGENT),
        status: out.status.as_u16(),
    });
    let body = match &filter_path {
        Some(f) if out.status.is_success() => filter_path::apply(&out.body, f),
        _ => out.body,
    };
    let mut resp = render(out.status, &body, pretty, method == Method::HEAD);
    let h = resp.headers_mut();
    h.insert(
        "x-elastic-product",
        HeaderValue::from_static("Elasticsearch"),
    );
    if let Some(w) = out.warning.and_then(|w| HeaderValue::from_str(&w).ok()) {
        h.insert(header::WARNING, w);
    }
    if out.extra_401 {
        h.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"security\", charset=\"UTF-8\", ApiKey"),
        );
    }
    resp
}
