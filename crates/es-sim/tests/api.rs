//! es-sim driven over HTTP, one module per topic.

mod util;

mod binary;
mod bulk;
mod connectors;
mod documents;
mod faults;
mod search;
