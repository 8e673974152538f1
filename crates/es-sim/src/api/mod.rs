//! ES API handlers. Each takes the parsed request and the locked data and returns a status and
//! a JSON body (or an [`EsError`]); the HTTP concerns live in [`crate::http`].

mod bulk;
mod connector;
mod connector_body;
mod connector_update;
mod docs;
mod indices;

pub use indices::VERSION;
mod search_api;
mod sync_job;

use axum::body::Bytes;
use axum::http::StatusCode;
use serde_json::Value;

use crate::error::EsError;
use crate::spec::Matched;
use crate::state::EsSimState;

/// What a handler answers.
pub type Reply = Result<(StatusCode, Value), EsError>;

/// A request matched to an API.
#[derive(Debug)]
pub struct Req {
    /// Query parameters in order.
    pub params: Vec<(String, String)>,
    /// Raw body.
    pub body: Bytes,
    /// API and path parts.
    pub matched: Matched,
}

impl Req {
    /// A query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query parameter (`?x` and `?x=true` are true).
    pub fn flag(&self, name: &str) -> bool {
        self.param(name).is_some_and(|v| v != "false")
    }

    /// A numeric query parameter.
    pub fn num(&self, name: &str) -> Result<Option<u64>, EsError> {
        self.param(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    EsError::illegal_argument(format!(
                        "Failed to parse int parameter [{name}] with value [{v}]"
                    ))
                })
            })
            .transpose()
    }

    /// The body as JSON, `None` when empty.
    pub fn json(&self) -> Result<Option<Value>, EsError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| {
            EsError::parse(format!(
                "[{}:{}] failed to parse request body: {e}",
                e.line(),
                e.column()
            ))
        })
    }

    /// The body as JSON, 400 when missing.
    pub fn required_json(&self) -> Result<Value, EsError> {
        self.json()?.ok_or_else(|| {
            EsError::new(
                StatusCode::BAD_REQUEST,
                "parse_exception",
                "request body is required",
            )
        })
    }

    /// A path part (empty when absent).
    pub fn part(&self, name: &str) -> &str {
        self.matched.part(name)
    }
}

/// Runs the handler of the matched API.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    match req.matched.api.as_str() {
        "info" => indices::info(),
        "indices.create"
        | "indices.delete"
        | "indices.exists"
        | "indices.get"
        | "indices.get_mapping"
        | "indices.get_settings"
        | "indices.refresh" => indices::handle(state, req),
        "get" | "index" | "delete" | "update" => docs::handle(state, req),
        "search"
        | "count"
        | "scroll"
        | "clear_scroll"
        | "open_point_in_time"
        | "close_point_in_time" => search_api::handle(state, req),
        "bulk" => bulk::handle(state, req),
        api if api.starts_with("connector.sync_job") => sync_job::handle(state, req),
        api if api.starts_with("connector.") => connector::handle(state, req),
        other => Err(EsError::illegal_argument(format!(
            "es-sim does not implement [{other}]"
        ))),
    }
}
