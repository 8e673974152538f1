//! [`check`]: can this configuration sync? URL, token, scopes, and every configured project.

use gitlab_client::graphql::member_projects;
use gitlab_client::{ClientError, GitlabClient};

use crate::emit::Emitter;
use crate::listing::walk;
use crate::select::explicit_projects;
use crate::settings::{ProjectSelection, SourceSettings};
use connector_core::ObjectKind;

/// The outcome of [`check`]: who the token is, what it may do, and one line per problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The token's user, when authentication worked.
    pub username: Option<String>,
    /// The token's scopes, when GitLab says (personal access tokens).
    pub scopes: Option<Vec<String>>,
    /// One line per problem; empty when everything is fine.
    pub problems: Vec<String>,
}

impl CheckReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks that GitLab is reachable, the token is valid with the scopes the sync needs
/// (`read_api`, plus `read_repository` when README files are synced), and each configured
/// project is accessible.
pub async fn check(client: &GitlabClient, settings: &SourceSettings) -> CheckReport {
    let mut report = CheckReport::default();
    match client.current_user().await {
        Ok(user) => report.username = Some(user.username),
        Err(error) => {
            let what = match error {
                ClientError::Transport { .. } => "cannot reach GitLab",
                _ => "cannot authenticate with GitLab",
            };
            report.problems.push(format!("{what}: {error}"));
            return report;
        }
    }
    match client.token_info().await {
        Ok(Some(info)) => {
            if info.active == Some(false) {
                report
                    .problems
                    .push("the access token is not active (revoked or expired)".to_owned());
            }
            let has = |scope: &str| info.scopes.iter().any(|s| s == scope || s == "api");
            if !has("read_api") {
                report
                    .problems
                    .push("the access token lacks the `read_api` scope (or `api`)".to_owned());
            }
            if settings.syncs(ObjectKind::Files)
                && !info
                    .scopes
                    .iter()
                    .any(|s| s == "read_repository" || s == "api")
            {
                report.problems.push(
                    "the access token lacks the `read_repository` scope needed for README files"
                        .to_owned(),
                );
            }
            report.scopes = Some(info.scopes);
        }
        Ok(None) => {}
        Err(error) => report
            .problems
            .push(format!("cannot read the token's scopes: {error}")),
    }
    match &settings.projects {
        ProjectSelection::All => {
            match client
                .graphql("MemberProjects check", member_projects::build(1, None))
                .await
            {
                Ok(response)
                    if response
                        .data
                        .as_ref()
                        .and_then(|d| walk(d, member_projects::CONNECTION_PATH))
                        .is_some() => {}
                Ok(response) => report.problems.push(format!(
                    "cannot list member projects: {}",
                    response.errors.join("; ")
                )),
                Err(error) => report
                    .problems
                    .push(format!("cannot list member projects: {error}")),
            }
        }
        ProjectSelection::Paths(paths) => {
            // Problems of individual nodes are not the check's concern: with the receiver
            // dropped, those events are discarded at once.
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            drop(rx);
            let origin = &settings.projects_origin;
            if let Err(error) = explicit_projects(client, paths, origin, &Emitter::new(tx)).await {
                report.problems.push(error.to_string());
            }
        }
    }
    report
}
