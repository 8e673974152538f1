//! The Elasticsearch sink of gitlab-connector.
//!
//! [`ElasticsearchSink`] implements `connector_core::Sink` over one content index:
//!
//! * the index is created when missing, with [`mapping::index_body`];
//! * [`Sink::existing`](connector_core::Sink::existing) scrolls every document with `_source`
//!   limited to the scope fields (`type`, `project_id`, `group_path`); no content hash is
//!   stored, so `content_hash` is `None`;
//! * [`Sink::write`](connector_core::Sink::write) sends `_bulk?pipeline=<name>` requests cut
//!   by NDJSON lines and bytes ([`encoder`]), with the three pipeline control fields on every
//!   document; 429 items are re-sent, other item failures are reported with `_id` and
//!   `error.type: reason`, and the [`monitor::ErrorMonitor`] fails the sync when they are too
//!   many;
//! * [`Sink::delete`](connector_core::Sink::delete) sends bulk deletes; `finish` refreshes.
//!
//! Layers: built on `es-client`; driven by `sync-engine`; configured by [`SinkSettings`]
//! (from `config.yml`'s `elasticsearch.bulk.*` and the job's pipeline).

pub mod encoder;
pub mod error;
pub mod existing;
pub mod mapping;
pub mod monitor;
pub mod send;
pub mod settings;
mod sink;

pub use error::SinkEsError;
pub use settings::SinkSettings;
pub use sink::ElasticsearchSink;
