//! GitLab client for gitlab-connector.
//!
//! One reqwest client (rustls) shared by GraphQL and REST, with `PRIVATE-TOKEN` auth, pacing
//! from GitLab's `RateLimit-*` headers, retries of the *same request* on 429/5xx/timeouts, a
//! global bound on concurrent requests, and cursor pagination exposed as streams.
//!
//! Principal types: [`GitlabClient`] (transport, retries, pacing), [`ClientSettings`] (validated
//! settings), [`ClientError`]. GraphQL operations live in [`graphql`], one per file, checked at
//! compile time against the vendored schema in `schema/`. Every call is listed in `ENDPOINTS.md`.
//!
//! Layers: below is reqwest; above is `gitlab-source`, which turns GitLab objects into documents.

mod buffers;
pub mod client;
pub mod connection;
pub mod error;
pub mod graphql;
pub mod json_reader;
pub mod pacing;
pub mod paginate;
mod response;
pub mod rest;
pub mod retry;
pub mod settings;
pub mod stats;
pub mod transport;

#[cfg(test)]
mod tests;

pub use client::{GitlabClient, GraphqlResponse, RestResponse};
pub use connection::{BadNode, Connection, PageNode, RawConnection, present};
pub use error::ClientError;
pub use rest::{CurrentUser, TokenInfo, TreeEntry};
pub use settings::ClientSettings;
pub use stats::StatsSnapshot;
