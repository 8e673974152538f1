//! `POST /api/graphql`: executes the query, applies fail-for-good rules and drift.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::gql::RequestFailure;

use super::App;
use super::drift;
use super::gate::message;

/// Handler.
pub async fn handle(State(app): State<App>, body: Bytes) -> Response {
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            let body = serde_json::json!({ "errors": [{ "message": format!("Invalid JSON request body: {e}") }] });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    let failure = Arc::new(RequestFailure::default());
    let response = app.schema.execute(request.data(failure.clone())).await;
    if let Some(status) = failure.status() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return message(status, &status.to_string());
    }
    if !app.sim.switches().drift {
        // Serialized as executed: members in the order the query selects them, as GitLab (and
        // the GraphQL spec) answers. A `serde_json::Value` would sort them by name.
        return Json(response).into_response();
    }
    let mut value = match serde_json::to_value(&response) {
        Ok(v) => v,
        Err(_) => {
            return message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500 Internal Server Error",
            );
        }
    };
    drift::apply(&mut value);
    Json(value).into_response()
}
