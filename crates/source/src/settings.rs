//! [`SourceSettings`]: what to sync.

use std::collections::BTreeSet;

use connector_core::ObjectKind;
pub use gitlab_client::graphql::merge_request::MergeRequestState;
pub use gitlab_client::graphql::work_item::IssuableState;

/// README files larger than this are emitted as metadata without content: 10 MiB is the
/// reference framework's default maximum file size for content extraction, and it keeps one
/// download from dominating memory.
pub const README_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Projects synced at once. Each project runs its object kinds in parallel too, and every
/// request still waits for the client's global concurrency bound, so 4 keeps GitLab's
/// per-user limits comfortable while hiding most latency.
pub const DEFAULT_PROJECT_CONCURRENCY: usize = 4;

/// Which projects to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectSelection {
    /// Every project the token's user is a member of.
    All,
    /// Exactly these full paths (matched case-insensitively), member or not.
    Paths(Vec<String>),
}

impl ProjectSelection {
    /// From the configured `projects` entries: empty, or `*` anywhere, means [`Self::All`];
    /// entries are trimmed and empty ones dropped.
    pub fn from_entries<S: AsRef<str>>(entries: &[S]) -> Self {
        let paths: Vec<String> = entries
            .iter()
            .map(|entry| entry.as_ref().trim())
            .filter(|entry| !entry.is_empty())
            .map(str::to_owned)
            .collect();
        if paths.is_empty() || paths.iter().any(|p| p == "*") {
            ProjectSelection::All
        } else {
            ProjectSelection::Paths(paths)
        }
    }
}

/// Server-side filters for issues (GitLab's `workItems` arguments).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFilter {
    /// Only issues in this state.
    pub state: Option<IssuableState>,
    /// Only issues carrying all of these labels.
    pub labels: Vec<String>,
}

/// Server-side filters for merge requests (GitLab's `mergeRequests` arguments).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeRequestFilter {
    /// Only merge requests in this state.
    pub state: Option<MergeRequestState>,
    /// Only merge requests carrying all of these labels.
    pub labels: Vec<String>,
}

/// Settings of one [`crate::GitlabSource`].
#[derive(Debug, Clone)]
pub struct SourceSettings {
    /// Which projects to sync.
    pub projects: ProjectSelection,
    /// Which object kinds to sync (projects themselves are always emitted).
    pub kinds: BTreeSet<ObjectKind>,
    /// Projects synced at once (≥ 1).
    pub project_concurrency: usize,
    /// README files over this size get no content.
    pub readme_max_bytes: u64,
    /// Only issues, merge requests and epics updated after this RFC 3339 time (incremental
    /// syncs; listings are then deliberately partial, so no stale deletion may follow).
    pub updated_after: Option<String>,
    /// Issue filters.
    pub issues: IssueFilter,
    /// Merge request filters.
    pub merge_requests: MergeRequestFilter,
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings {
            projects: ProjectSelection::All,
            kinds: ObjectKind::ALL.into_iter().collect(),
            project_concurrency: DEFAULT_PROJECT_CONCURRENCY,
            readme_max_bytes: README_MAX_BYTES,
            updated_after: None,
            issues: IssueFilter::default(),
            merge_requests: MergeRequestFilter::default(),
        }
    }
}

impl SourceSettings {
    /// Whether `kind` is synced.
    pub fn syncs(&self, kind: ObjectKind) -> bool {
        self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_or_empty_selects_everything_and_paths_are_trimmed() {
        assert_eq!(
            ProjectSelection::from_entries::<&str>(&[]),
            ProjectSelection::All
        );
        assert_eq!(
            ProjectSelection::from_entries(&["a/b", "*"]),
            ProjectSelection::All
        );
        assert_eq!(
            ProjectSelection::from_entries(&[" ", ""]),
            ProjectSelection::All
        );
        assert_eq!(
            ProjectSelection::from_entries(&[" a/b ", "", "c/d"]),
            ProjectSelection::Paths(vec!["a/b".into(), "c/d".into()])
        );
    }

    #[test]
    fn defaults_sync_every_kind_four_projects_at_a_time() {
        let settings = SourceSettings::default();
        assert!(ObjectKind::ALL.iter().all(|kind| settings.syncs(*kind)));
        assert_eq!(settings.project_concurrency, 4);
        assert_eq!(settings.readme_max_bytes, 10 * 1024 * 1024);
    }
}
