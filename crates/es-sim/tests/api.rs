//! es-sim driven over HTTP, one module per topic.

mod util;

mod bulk;
mod connectors;
mod documents;
mod faults;
mod search;
