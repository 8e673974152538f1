//! es-sim: a strict in-memory Elasticsearch 9.x simulator for tests.
//!
//! It serves the REST subset the connector service and the Elasticsearch sink use
//! (`spec/connector-protocol.md` §12): `GET /`, index APIs, single-document APIs with optimistic
//! concurrency, `_search` (bool/term/terms/range/exists/match_all, sort, `from`/`size`,
//! `search_after`, scroll, point in time), `_count`, `_bulk` with per-item results and the
//! `search-default-ingestion` pipeline, dynamic mapping with type-conflict rejection, and the
//! `_connector` / `_connector/_sync_job` APIs over the `.elastic-connectors*` system indices.
//!
//! It is strict where ES is: unknown query parameters (checked against the vendored REST spec
//! in `rest-api-spec/`), unknown body fields, OCC mismatches, mapping conflicts and malformed
//! NDJSON fail with ES's error shape and status.
//!
//! Main types: [`EsSimState`] (data, switches, request log; cloneable handle), [`SimConfig`]
//! (credentials, product-origin enforcement), [`router`] and [`serve`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let state = es_sim::EsSimState::default();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(es_sim::serve(listener, state.clone(), async { let _ = stopped.await; }));
//! // ... point a client at http://{addr} ...
//! state.reject_next_bulk_requests(1);
//! let _ = stop.send(());
//! server.await.expect("server task")?;
//! # let _ = addr; Ok(()) }
//! ```
//!
//! # Layout
//! - `http`: auth, faults, routing, parameter checks, request log, rendering.
//! - `spec`: the vendored REST spec (routing and parameter lists).
//! - `api/`: one file per API family (indices, docs, search, bulk, connector, sync jobs).
//! - `store/`: indices, documents, OCC, mappings, system indices.
//! - `query`, `search`: query DSL and search execution with scroll/PIT contexts.
//! - `pipeline`: `search-default-ingestion`.
//! - `control`: the `/_sim/` test control plane.

mod api;
mod control;
mod datemath;
pub mod error;
mod filter_path;
mod http;
mod ids;
mod json_util;
mod pipeline;
mod query;
mod search;
mod spec;
mod state;
pub mod store;

use std::future::Future;

pub use error::EsError;
pub use http::PRODUCT_ORIGIN;
pub use pipeline::{CONTROL_FIELDS, DEFAULT_PIPELINE};
pub use state::{EsSimState, RequestRecord, SimConfig};
pub use store::system::{CONNECTORS_ALIAS, CONNECTORS_INDEX, JOBS_ALIAS, JOBS_INDEX};

/// The simulator as an axum router: ES APIs plus the `/_sim/` control plane.
pub fn router(state: EsSimState) -> axum::Router {
    control::routes().fallback(http::entry).with_state(state)
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: EsSimState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
