//! HTTP layer: the GitLab-facing routes behind the [`gate`] (auth, rate limit, latency, faults,
//! request log) and the control plane under `/-/sim/`.

pub mod control;
pub mod drift;
pub mod gate;
pub mod graphql;
pub mod rest;

use axum::Router;
use axum::routing::{get, post};

use crate::gql::{self, SimSchema};
use crate::state::SimState;

/// Router state: the simulator state plus the schema built over it.
#[derive(Clone)]
pub struct App {
    /// Shared state.
    pub sim: SimState,
    /// GraphQL schema.
    pub schema: SimSchema,
}

/// Builds the full router.
pub fn router(sim: SimState) -> Router {
    let app = App {
        schema: gql::schema(sim.clone()),
        sim,
    };
    let api = Router::new()
        .route("/api/graphql", post(graphql::handle))
        .route("/api/v4/user", get(rest::user))
        .route("/api/v4/personal_access_tokens/self", get(rest::token_self))
        .route("/api/v4/projects/{id}/repository/tree", get(rest::tree))
        .route(
            "/api/v4/projects/{id}/repository/files/{path}",
            get(rest::file_json).head(rest::file_head),
        )
        .route(
            "/api/v4/projects/{id}/repository/files/{path}/raw",
            get(rest::file_raw),
        )
        .fallback(rest::not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            gate::gate,
        ));
    Router::new()
        .merge(control::routes())
        .merge(api)
        .with_state(app)
}
