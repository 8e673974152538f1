//! End-to-end tests of the `gitlab-connector` binary against the GitLab simulator on loopback.

mod bad_input;
mod elasticsearch;
mod faults;
mod incremental;
mod rules;
mod service;
mod sync;
mod util;
