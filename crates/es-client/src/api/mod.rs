//! The API methods of [`crate::EsClient`], one file per family.

mod bulk;
mod connector;
mod documents;
mod indices;
mod search;
mod sync_job;

pub use connector::FilteringValidationBody;
pub use sync_job::SyncJobStats;
