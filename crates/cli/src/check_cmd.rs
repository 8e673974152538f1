//! `gitlab-connector check`: is the URL right, is the token valid, can it see each project?

use anyhow::Context;
use gitlab_client::GitlabClient;

use crate::args::CheckArgs;
use crate::exit::ExitCode;
use crate::gitlab_settings;
use crate::sync_cmd::source_settings;
use crate::sync_file::{self, SyncFile};

/// Runs the checks; prints one line per problem and exits non-zero on any.
pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let file = match &args.gitlab.config {
        Some(path) => sync_file::load(path)?,
        None => SyncFile::default(),
    };
    let gitlab = gitlab_settings::resolve(&args.gitlab, &file.gitlab)?;
    let client =
        GitlabClient::new(gitlab.client.clone()).context("setting up the GitLab client")?;
    let report = gitlab_source::check(&client, &source_settings(&gitlab)).await;
    if let Some(user) = &report.username {
        println!(
            "ok: {} accepts the token (user {user})",
            connector_core::url_without_credentials(&gitlab.client.base_url)
        );
    }
    if let Some(scopes) = &report.scopes {
        println!("ok: token scopes: {}", scopes.join(", "));
    }
    for problem in &report.problems {
        println!("problem: {problem}");
    }
    Ok(if report.problems.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}
