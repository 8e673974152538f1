//! Control plane under `/-/sim/` (JSON, no token): switches, fail-for-good rules, data
//! mutations, the request log and expected counts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::config::Switches;
use crate::mutation::{Mutation, MutationError};
use crate::state::FailRule;

use super::App;

/// The control routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/-/sim/switches", get(get_switches).put(put_switches))
        .route(
            "/-/sim/fail-rules",
            get(get_rules).post(add_rule).delete(clear_rules),
        )
        .route("/-/sim/mutations", post(mutate))
        .route("/-/sim/requests", get(get_log).delete(clear_log))
        .route("/-/sim/expected", get(expected))
}

async fn get_switches(State(app): State<App>) -> Json<Switches> {
    Json(app.sim.switches())
}

async fn put_switches(State(app): State<App>, Json(s): Json<Switches>) -> Json<Switches> {
    app.sim.set_switches(s);
    Json(app.sim.switches())
}

async fn get_rules(State(app): State<App>) -> Json<Vec<FailRule>> {
    Json(app.sim.fail_rules())
}

async fn add_rule(State(app): State<App>, Json(r): Json<FailRule>) -> Json<Vec<FailRule>> {
    app.sim.add_fail_rule(r);
    Json(app.sim.fail_rules())
}

async fn clear_rules(State(app): State<App>) -> StatusCode {
    app.sim.clear_fail_rules();
    StatusCode::NO_CONTENT
}

async fn mutate(State(app): State<App>, Json(m): Json<Mutation>) -> Response {
    match app.sim.mutate(&m) {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e) => {
            let status = match e {
                MutationError::Missing(_) => StatusCode::UNPROCESSABLE_ENTITY,
                MutationError::NotFound(_) => StatusCode::NOT_FOUND,
            };
            (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
        }
    }
}

async fn get_log(State(app): State<App>) -> Response {
    Json(app.sim.request_log()).into_response()
}

async fn clear_log(State(app): State<App>) -> StatusCode {
    app.sim.clear_request_log();
    StatusCode::NO_CONTENT
}

async fn expected(State(app): State<App>) -> Response {
    Json(app.sim.expected_counts()).into_response()
}
