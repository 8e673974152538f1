//! `gitlab-sim`: a strict stand-in for GitLab that every test and benchmark of the connector
//! runs against.
//!
//! It serves the API surface of `crates/gitlab/ENDPOINTS.md` — a real GraphQL server whose
//! type, field, argument and enum names are GitLab's (CE 18.5 schema), plus the REST calls
//! under `/api/v4` — over deterministic generated data at named [`Size`]s, with switches for
//! latency, rate limits, faults and schema drift, and a control plane under `/-/sim/`.
//!
//! Principal items: [`SimConfig`] / [`Size`] (what to serve), [`SimState`] (the cloneable
//! handle: switches, fail rules, mutations, request log), [`router`] / [`serve`] (HTTP), and
//! [`expected_counts`] (documents a full sync must produce).
//!
//! # Layout
//! - `data/`: generated data as pure functions of (kind, owner, iid), plus the mutation overlay.
//! - `gql/`: the GraphQL schema (GitLab names), pagination, complexity/depth limits.
//! - `http/`: the gate (auth, rate limit, faults, log), REST, GraphQL handler, control plane.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use gitlab_sim::{SimConfig, SimState, Size};
//! let state = SimState::new(SimConfig::new(Size::Small));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! gitlab_sim::serve(listener, state, std::future::pending()).await
//! # }
//! ```

pub mod config;
pub mod data;
pub mod gql;
pub mod http;
pub mod mutation;
pub mod state;

use std::collections::BTreeMap;
use std::future::Future;

pub use config::{SimConfig, Size, Switches};
pub use mutation::{Action, Mutation, MutationError, MutationOutcome, Target};
pub use state::{FailKind, FailRule, LogEntry, RequestLog, SimState};

/// The full router (GitLab routes behind the gate, control plane under `/-/sim/`).
pub fn router(state: SimState) -> axum::Router {
    http::router(state)
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: SimState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Documents of each `type` (`Project`, `Issue`, `Merge Request`, `Release`, `Epic`, `File`)
/// a full sync of all member projects must produce with default settings, for unmodified data.
pub fn expected_counts(size: Size) -> BTreeMap<String, u64> {
    SimState::new(SimConfig::new(size)).expected_counts()
}

/// The requests Elastic's connector needs for a full sync of this size before any follow-up,
/// by kind plus `total` (see [`SimState::reference_requests`]).
pub fn reference_requests(size: Size) -> BTreeMap<String, u64> {
    SimState::new(SimConfig::new(size)).reference_requests()
}
