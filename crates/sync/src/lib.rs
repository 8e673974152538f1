//! The sync engine: moves a source's [`EventStream`](connector_core::EventStream) into a
//! [`Sink`](connector_core::Sink).
//!
//! It reads as one pipeline: list what the sink holds → for each document, apply the rules
//! ([`DocumentFilter`](connector_core::DocumentFilter)), skip it when unchanged, batch it →
//! write batches → in a full sync, delete the documents that were not seen, except in scopes the
//! source reported incomplete → make everything durable. It never names GitLab or
//! Elasticsearch: the `service` and the CLI drive it from outside.
//!
//! Principal items: [`run`], [`SyncOptions`], [`SyncProgress`] (live counters for progress bars
//! and job heartbeats), [`SyncReport`] (the summary), [`SyncError`].

mod batch;
mod engine;
mod progress;
mod report;
mod seen;
pub mod testing;

pub use engine::{SyncError, SyncMode, SyncOptions, run};
pub use progress::SyncProgress;
pub use report::{Listed, MAX_LISTED, Outcome, SyncReport};
