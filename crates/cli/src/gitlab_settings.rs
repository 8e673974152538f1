//! Resolves GitLab settings from flags, environment and the settings file (in that order of
//! precedence) into validated client settings and a project list.

use std::path::Path;

use anyhow::{Context, bail};
use connector_core::Secret;
use gitlab_client::ClientSettings;
use url::Url;

use crate::args::GitlabArgs;
use crate::sync_file::{GitlabSection, ProjectList};

/// gitlab.com, the default GitLab.
pub const DEFAULT_GITLAB_URL: &str = "https://gitlab.com";

pub use gitlab_source::DEFAULT_PROJECT_CONCURRENCY;

/// Validated GitLab settings.
#[derive(Debug)]
pub struct GitlabSettings {
    /// Client settings (URL, token, TLS, concurrency, pacing).
    pub client: ClientSettings,
    /// Configured project paths; empty or `*` means every member project.
    pub projects: Vec<String>,
    /// Where `projects` was written, for errors about a listed project.
    pub projects_origin: String,
    /// Projects synced in parallel.
    pub project_concurrency: usize,
}

/// Merges `args` (flags and environment, already merged by clap) over the file's section.
pub fn resolve(args: &GitlabArgs, file: &GitlabSection) -> anyhow::Result<GitlabSettings> {
    let url_text = args
        .gitlab_url
        .clone()
        .or_else(|| file.url.clone())
        .unwrap_or_else(|| DEFAULT_GITLAB_URL.to_owned());
    let base_url = parse_url(&url_text)?;
    let token = args
        .token
        .clone()
        .or_else(|| file.token.clone())
        .unwrap_or_default();
    if token.trim().is_empty() {
        bail!(
            "no GitLab token: pass --token, set GITLAB_TOKEN, or set gitlab.token in the settings file"
        );
    }
    let mut client = ClientSettings::new(base_url, Secret::new(token.trim()));
    client.ca_bundle = args.ca_bundle.clone().or_else(|| file.ca_bundle.clone());
    client.insecure_skip_verify = args.insecure_skip_verify || file.insecure_skip_verify;
    if let Some(concurrency) = args.concurrency.or(file.concurrency) {
        if concurrency == 0 {
            bail!("--concurrency (gitlab.concurrency) must be at least 1");
        }
        client.max_concurrent_requests = concurrency;
    }
    client.requests_per_minute = args.requests_per_minute.or(file.requests_per_minute);
    if let Some(attempts) = args.max_attempts.or(file.max_attempts) {
        if attempts == 0 {
            bail!("--max-attempts (gitlab.max_attempts) must be at least 1");
        }
        client.max_attempts = attempts;
    }
    let (projects, projects_origin) = match (&args.projects, &file.projects) {
        (Some(text), _) => (
            ProjectList::Text(text.clone()).entries(),
            "`--projects` (or GITLAB_PROJECTS)".to_owned(),
        ),
        (None, Some(list)) => {
            let file = args
                .config
                .as_deref()
                .unwrap_or(Path::new("the settings file"));
            let origin = format!("`gitlab.projects` of {}", file.display());
            (list.entries(), origin)
        }
        (None, None) => (Vec::new(), "the default `*`".to_owned()),
    };
    let project_concurrency = args
        .project_concurrency
        .or(file.project_concurrency)
        .unwrap_or(DEFAULT_PROJECT_CONCURRENCY)
        .max(1);
    Ok(GitlabSettings {
        client,
        projects,
        projects_origin,
        project_concurrency,
    })
}

fn parse_url(text: &str) -> anyhow::Result<Url> {
    let url = Url::parse(text.trim()).with_context(|| {
        format!("GitLab URL `{text}` is not a valid URL (example: https://gitlab.example.com)")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("GitLab URL `{text}` must start with http:// or https://");
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(token: &str) -> GitlabArgs {
        GitlabArgs {
            token: Some(token.into()),
            ..GitlabArgs::default()
        }
    }

    #[test]
    fn defaults_to_gitlab_com_and_all_projects() {
        let settings = resolve(&args("t"), &GitlabSection::default()).expect("valid");
        assert_eq!(settings.client.base_url.as_str(), "https://gitlab.com/");
        assert!(settings.projects.is_empty());
    }

    #[test]
    fn flags_win_over_the_file() {
        let file = GitlabSection {
            url: Some("https://file.example".into()),
            projects: Some(ProjectList::List(vec!["a/b".into()])),
            ..GitlabSection::default()
        };
        let mut flags = args("t");
        flags.gitlab_url = Some("https://flag.example".into());
        let settings = resolve(&flags, &file).expect("valid");
        assert_eq!(settings.client.base_url.host_str(), Some("flag.example"));
        assert_eq!(settings.projects, vec!["a/b"]);
    }

    #[test]
    fn the_project_list_knows_where_it_was_written() {
        let file = GitlabSection {
            projects: Some(ProjectList::List(vec!["a/b".into()])),
            ..GitlabSection::default()
        };
        let mut from_file = args("t");
        from_file.config = Some("sync.yml".into());
        let settings = resolve(&from_file, &file).expect("valid");
        assert_eq!(settings.projects_origin, "`gitlab.projects` of sync.yml");
        let mut from_flag = from_file.clone();
        from_flag.projects = Some("c/d".into());
        let settings = resolve(&from_flag, &file).expect("valid");
        assert_eq!(
            settings.projects_origin,
            "`--projects` (or GITLAB_PROJECTS)"
        );
    }

    #[test]
    fn missing_token_and_bad_url_are_clear_errors() {
        let error =
            resolve(&GitlabArgs::default(), &GitlabSection::default()).expect_err("no token");
        assert!(error.to_string().contains("GITLAB_TOKEN"));
        let mut bad = args("t");
        bad.gitlab_url = Some("ftp://x".into());
        assert!(resolve(&bad, &GitlabSection::default()).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let settings = resolve(&args("glpat-secret"), &GitlabSection::default()).expect("valid");
        assert!(!format!("{settings:?}").contains("glpat-secret"));
    }
}
