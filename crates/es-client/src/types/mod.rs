//! Serde types of the documents and request/response bodies the connector uses, written from
//! the REST API spec (`es-rest-api-spec/json`) and the connector TypeScript spec
//! (`spec-ts/connector/_types`). Unknown fields are ignored, so newer ES versions decode.

pub(crate) mod bulk_reader;
pub mod connector;
pub mod responses;
pub mod sync_job;
