//! Errors in Elasticsearch's wire shape: `{"error":{"root_cause":[..],"type":..,"reason":..},"status":N}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answered the way Elasticsearch answers it.
///
/// `kind` is ES's `error.type` (for example `version_conflict_engine_exception`), `reason` its
/// `error.reason`. Some ES errors (unknown route, wrong method) are plain strings instead of
/// objects; `plain` marks those.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind} ({status}): {reason}")]
pub struct EsError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// ES `error.type`.
    pub kind: String,
    /// ES `error.reason`.
    pub reason: String,
    /// Extra members of the error object (`index`, `index_uuid`, `resource.id`, ...).
    pub extra: serde_json::Map<String, Value>,
    /// Answer `{"error": "<reason>", "status": N}` instead of an error object.
    pub plain: bool,
}

impl EsError {
    /// An error with a status, an ES type and a reason.
    pub fn new(status: StatusCode, kind: &str, reason: impl Into<String>) -> Self {
        EsError {
            status,
            kind: kind.to_owned(),
            reason: reason.into(),
            extra: serde_json::Map::new(),
            plain: false,
        }
    }

    /// Adds an extra member to the error object.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// 400 `illegal_argument_exception`.
    pub fn illegal_argument(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "illegal_argument_exception",
            reason,
        )
    }

    /// 400 `x_content_parse_exception` (a request body that does not parse or has unknown fields).
    pub fn parse(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "x_content_parse_exception", reason)
    }

    /// 400 `parsing_exception` (a query DSL problem).
    pub fn query_parsing(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "parsing_exception", reason)
    }

    /// 400 `action_request_validation_exception` with ES's `Validation Failed: 1: ...;` text.
    pub fn validation(problem: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "action_request_validation_exception",
            format!("Validation Failed: 1: {problem};"),
        )
    }

    /// 404 `index_not_found_exception` for `index`.
    pub fn index_not_found(index: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "index_not_found_exception",
            format!("no such index [{index}]"),
        )
        .with("index", index)
        .with("resource.type", "index_or_alias")
        .with("resource.id", index)
    }

    /// 404 `resource_not_found_exception`.
    pub fn resource_not_found(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found_exception",
            reason,
        )
    }

    /// 400 `status_exception` (connector state machine refusals).
    pub fn status(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "status_exception", reason)
    }

    /// 409 `version_conflict_engine_exception`.
    pub fn version_conflict(index: &str, reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "version_conflict_engine_exception",
            reason,
        )
        .with("index", index)
    }

    /// 400 `document_parsing_exception` (a value that does not fit the field's mapping).
    pub fn document_parsing(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "document_parsing_exception",
            reason,
        )
    }

    /// 429 `es_rejected_execution_exception`.
    pub fn rejected(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "es_rejected_execution_exception",
            reason,
        )
    }

    /// A plain-string error (`{"error": "...", "status": N}`), as ES gives for unknown routes.
    pub fn plain(status: StatusCode, reason: impl Into<String>) -> Self {
        let mut e = Self::new(status, "", reason);
        e.plain = true;
        e
    }

    /// The inner error object (`type`, `reason`, extras), as used inside bulk items.
    pub fn cause(&self) -> Value {
        let mut obj = serde_json::Map::new();
        obj.insert("type".into(), Value::from(self.kind.clone()));
        obj.insert("reason".into(), Value::from(self.reason.clone()));
        for (k, v) in &self.extra {
            obj.insert(k.clone(), v.clone());
        }
        Value::Object(obj)
    }

    /// The whole response body.
    pub fn body(&self) -> Value {
        if self.plain {
            return json!({"error": self.reason, "status": self.status.as_u16()});
        }
        let cause = self.cause();
        let mut error = cause.as_object().cloned().unwrap_or_default();
        error.insert("root_cause".into(), Value::Array(vec![cause]));
        json!({"error": Value::Object(error), "status": self.status.as_u16()})
    }
}

impl IntoResponse for EsError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(
                    "Basic realm=\"security\", charset=\"UTF-8\", ApiKey",
                ),
            );
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_root_cause_type_reason_and_status() {
        let body = EsError::illegal_argument("bad").body();
        assert_eq!(body["status"], 400);
        assert_eq!(body["error"]["type"], "illegal_argument_exception");
        assert_eq!(body["error"]["reason"], "bad");
        assert_eq!(
            body["error"]["root_cause"][0]["type"],
            "illegal_argument_exception"
        );
    }
}
