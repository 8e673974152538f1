//! GitLab source of gitlab-connector: GitLab objects in, [`connector_core::Document`]s out.
//!
//! Principal types: [`GitlabSource`] (built from a [`gitlab_client::GitlabClient`] and
//! [`SourceSettings`]), whose [`GitlabSource::documents`] returns a
//! [`connector_core::EventStream`], and [`check`], which says whether a configuration can sync.
//!
//! Layers: below is `gitlab-client` (transport, retries, pacing, the GraphQL operations);
//! above is `sync-engine`, which applies rules, batches documents into a sink and deletes stale
//! ones. The source knows nothing about sinks.
//!
//! Guarantees (spec `gitlab-source.md` §3, §4, §10):
//! * documents keep the reference's `_id` schemes, `type` strings and field names, plus a
//!   searchable `body` (title, description, non-system note bodies; README text for files);
//! * pages are consumed as they arrive (each listing fetches one page ahead) and events go
//!   through a bounded channel ([`CHANNEL_CAPACITY`]); at most [`PAGES_IN_MEMORY`] listing pages
//!   are held at once, so memory stays flat; projects run
//!   [`SourceSettings::project_concurrency`] at a time, the object kinds of one project and the
//!   follow-ups of one item in parallel, all requests bounded by the client;
//! * a listing that fails after the client's retries yields [`connector_core::SourceEvent::Incomplete`]
//!   for its scope; partial GraphQL data is kept and its scope marked incomplete; a malformed
//!   node is skipped with [`connector_core::SourceEvent::Skipped`], never failing its page,
//!   and its scope marked incomplete (its stored document is kept); an item whose follow-up
//!   fails comes as [`connector_core::SourceEvent::IncompleteDocument`];
//! * the stream ends with one `Err` when the project list fails or configured projects are
//!   missing (all named at once, before any document);
//! * with a [`SourceSettings::project_planner`] / [`SourceSettings::group_planner`] (advanced
//!   sync rules), each project and group gets its own [`ProjectOverrides`]: kinds not listed
//!   are not requested, state / label / `updatedAfter` filters go into the GraphQL arguments,
//!   a [`ReadmeSelection`] picks README paths (listing the tree recursively when it must), and
//!   a project the planner refuses yields no document at all.
//!
//! # Layout
//! `settings` (what to sync) · `select` (which projects) · `run` (orchestration) · `issues`,
//! `merge_requests`, `releases`, `epics`, `readmes` (one listing each) · `work_items` and
//! `notes` (nested lists and their follow-ups) · `project` and `ids` (documents, `_id`s) ·
//! `listing` (paging, halving, lenient decode, pages one ahead) · `walk` (the page loop the
//! issue, merge-request and epic listings share) · `emit` (the channel, the page budget, the
//! problems of an item) · `check`.
//!
//! ```no_run
//! # async fn demo(client: gitlab_client::GitlabClient) {
//! use futures::StreamExt;
//! use gitlab_source::{GitlabSource, SourceSettings};
//!
//! let mut events = GitlabSource::new(client, SourceSettings::default()).documents();
//! while let Some(event) = events.next().await {
//!     println!("{:?}", event.map(|_| ()));
//! }
//! # }
//! ```

mod body;
mod check;
mod emit;
mod epics;
mod error;
pub mod ids;
mod issues;
mod listing;
mod merge_requests;
mod notes;
mod project;
mod readmes;
mod releases;
mod run;
mod select;
mod settings;
mod values;
mod walk;
mod work_items;

use connector_core::EventStream;
use futures::StreamExt;
use gitlab_client::GitlabClient;
use tokio_stream::wrappers::ReceiverStream;

pub use check::{CheckReport, check};
pub use emit::{CHANNEL_CAPACITY, PAGES_IN_MEMORY};
pub use error::Error;
pub use settings::{
    DEFAULT_PROJECT_CONCURRENCY, IssuableState, IssueFilter, MergeRequestFilter, MergeRequestState,
    Planner, ProjectOverrides, ProjectSelection, README_MAX_BYTES, ReadmeSelection, SourceSettings,
};

/// The GitLab source: one sync's worth of documents.
pub struct GitlabSource {
    client: GitlabClient,
    settings: SourceSettings,
}

impl GitlabSource {
    /// A source reading through `client` what `settings` select.
    pub fn new(client: GitlabClient, settings: SourceSettings) -> Self {
        GitlabSource { client, settings }
    }

    /// Starts the sync on the current tokio runtime and returns its events. Dropping the
    /// stream stops the fetching at the next event.
    pub fn documents(self) -> EventStream {
        let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CAPACITY);
        tokio::spawn(run::run(self.client, self.settings, emit::Emitter::new(tx)));
        ReceiverStream::new(rx).boxed()
    }
}
