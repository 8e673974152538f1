//! A thin Elasticsearch client for gitlab-connector.
//!
//! [`EsClient`] is one reqwest client (rustls) per Elasticsearch: it authenticates with an
//! encoded API key (`Authorization: ApiKey …`) or basic auth, sends
//! `X-elastic-product-origin: connectors` and a `User-Agent` on every request, and retries
//! 429/5xx answers, timeouts and connection errors with the reference's linear back-off
//! ([`RetryPolicy`]). Methods are typed from the REST API spec: documents (with optimistic
//! concurrency; 409 is [`EsError::Conflict`]), indices, search and scroll, `_bulk`, and the
//! `_connector` / `_connector/_sync_job` APIs; [`Connector`] and [`SyncJob`] are the system
//! documents. Errors carry ES's `error.type`/`reason` and the request, never a credential.
//!
//! Layers: `connector-config` gives [`EsSettings`] (via `From<&ElasticsearchSettings>`);
//! `sink-es` and the protocol/service crates call this client.

mod api;
pub mod error;
pub mod settings;
mod transport;
pub mod types;
mod wait;

pub use api::{FilteringValidationBody, SyncJobStats};
pub use connector_config::EsAuth;
pub use error::{ErrorCause, EsError};
pub use reqwest::Method;
pub use settings::{EsSettings, RetryPolicy, USER_AGENT};
pub use transport::{EsClient, PRODUCT_ORIGIN, PRODUCT_ORIGIN_HEADER};
pub use types::connector::{
    ConfigField, Connector, DEFAULT_PIPELINE, FilteringConfig, FilteringRules, FilteringValidation,
    FilteringValidationError, IngestPipeline, Schedule, Scheduling,
};
pub use types::responses::{
    BulkItem, BulkResponse, BulkResult, CountResponse, GetResponse, Hit, Hits, InfoResponse,
    SearchRequest, SearchResponse, SeqNo, Shards, Total, VersionInfo, WriteResponse,
};
pub use types::sync_job::{SyncJob, SyncJobConnector};
