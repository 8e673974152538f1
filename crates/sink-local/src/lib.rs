//! The embedded local search index of gitlab-connector: the default sink of
//! `gitlab-connector sync` and the search behind `gitlab-connector search`.
//!
//! * [`LocalIndex`] opens (or creates) an index directory and implements
//!   [`connector_core::Sink`]: upsert by `_id`, list, delete, commit on `finish`. Tantivy's
//!   writer runs on a dedicated thread fed by a bounded channel, so async callers never block.
//!   It also commits on its own every [`COMMIT_EVERY_DOCS`] changes (or [`COMMIT_EVERY_BYTES`]
//!   of `_source`), so its memory stays flat however many documents a sync writes; `finish`
//!   makes everything searchable.
//! * [`search`], [`count_by_type`] and [`get`] read an index without taking its writer lock;
//!   [`format_hits`] renders hits for a terminal, and [`Hit`] serializes for `--json`.
//!
//! It sits below the sync engine (which drives the `Sink`) and the CLI (which calls `search`).
//!
//! # On-disk format, version 2
//!
//! The directory holds tantivy's files plus `gitlab-connector-index.json`:
//! `{"format": "gitlab-connector-index", "version": 2}` ([`FORMAT_VERSION`]). A directory with
//! files but no marker, or a marker of a version this build does not know, is refused with an
//! error naming it. Indexes of version 1 are read and written as they are: they differ only in
//! storing `body` a second time, beside `source`.
//! Only one writer at a time: a second one fails with "index DIR is locked by another
//! gitlab-connector".
//!
//! | field          | tantivy type            | content                                        |
//! |----------------|-------------------------|------------------------------------------------|
//! | `_id`          | raw string, indexed, stored | the document `_id` (upsert key)            |
//! | `type`         | raw string, indexed, stored | `type`, for `--type` filters               |
//! | `title`        | text, stored            | [`Document::title`](connector_core::Document::title) |
//! | `body`         | text                    | the body, searched (snippets read it from `source`) |
//! | `url`          | stored                  | `web_url`                                      |
//! | `scope`        | stored                  | the [`ScopeKey`](connector_core::ScopeKey) as text (`project 7 issues`) |
//! | `content_hash` | u64, stored             | [`Document::content_hash`](connector_core::Document::content_hash) |
//! | `source`       | stored                  | the full `_source` JSON (the serialized `Document`) |
//!
//! # Example
//!
//! ```
//! use connector_core::{Document, Sink};
//! use sink_local::{LocalIndex, SearchOptions};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let dir = tempfile::tempdir()?;
//! let mut index = LocalIndex::open_or_create(dir.path())?;
//! let mut doc = Document::new("issue_1_1", "Issue").with("title", "Crash on start");
//! doc.body = "The app crashes when started offline.".into();
//! index.write(vec![doc]).await?;
//! index.finish().await?;
//! let hits = sink_local::search(dir.path(), "crash", &SearchOptions::default())?;
//! assert_eq!(hits[0].id, "issue_1_1");
//! # Ok(()) }
//! ```

mod committed_ids;
mod error;
mod format;
mod in_flight;
mod index;
mod merge_policy;
mod output;
mod read_directory;
mod schema;
mod scope_text;
mod search;
mod store;
mod writer;

pub use error::LocalIndexError;
pub use format::{FORMAT_VERSION, MARKER_FILE};
pub use index::LocalIndex;
pub use output::format_hits;
pub use search::{Hit, SearchOptions, count_by_type, get, search};
pub use writer::{COMMIT_EVERY_BYTES, COMMIT_EVERY_DOCS, WRITER_MEMORY_BUDGET};
