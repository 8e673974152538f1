//! Shared vocabulary of gitlab-connector: the [`Document`] that flows from the GitLab source to a
//! sink, the [`ScopeKey`] that says which listing produced it, and the two contracts every layer
//! meets in the middle:
//!
//! * a source produces an [`EventStream`] of [`SourceEvent`]s (documents, plus notices that a
//!   scope could not be listed completely);
//! * a [`Sink`] stores documents idempotently by `_id`, lists what it already holds, and deletes.
//!
//! The sync engine (`sync-engine`) joins the two; neither side knows the other.

pub mod document;
pub mod error_text;
pub mod fields;
pub mod filter;
pub mod hash;
pub mod id_set;
pub mod json_str;
pub mod json_text;
pub mod scope;
pub mod secret;
pub mod sink;
pub mod source;

pub use document::{DocType, Document};
pub use fields::Fields;
pub use filter::DocumentFilter;
pub use id_set::IdSet;
pub use scope::{ObjectKind, ScopeKey};
pub use secret::{Secret, url_without_credentials};
pub use sink::{ExistingDoc, Sink, SinkError, WriteReport, existing_docs};
pub use source::{EventStream, SourceError, SourceEvent};
