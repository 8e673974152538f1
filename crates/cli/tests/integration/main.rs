//! End-to-end tests of the `gitlab-connector` binary against the GitLab simulator on loopback.

mod bad_input;
mod faults;
mod sync;
mod util;
