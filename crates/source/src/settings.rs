//! [`SourceSettings`]: what to sync.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use connector_core::ObjectKind;
pub use gitlab_client::graphql::merge_request::MergeRequestState;
pub use gitlab_client::graphql::work_item::IssuableState;

/// README files larger than this are emitted as metadata without content: 10 MiB is the
/// reference framework's default maximum file size for content extraction, and it keeps one
/// download from dominating memory.
pub const README_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Projects synced at once. Every request still waits for the client's global concurrency
/// bound (and pacing), and every listing page for the sync's page budget
/// ([`crate::PAGES_IN_MEMORY`]), so more projects do not mean more load on GitLab or more
/// memory: they keep the request slots busy while each listing walks its pages one after the
/// other (with 4, the last projects of a sync ran their long issue listings nearly alone; with
/// 16, the last 4 of the 20 large projects still did: bench/README.md, "Third round").
pub const DEFAULT_PROJECT_CONCURRENCY: usize = 32;

/// [`SourceSettings::projects_origin`] when the caller does not say.
const DEFAULT_PROJECTS_ORIGIN: &str = "the configured project list";

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

/// Which README files of a project to sync instead of the reference's root-README discovery.
#[derive(Clone)]
pub struct ReadmeSelection {
    /// List the repository tree recursively (a pattern can match below the root).
    pub recursive: bool,
    /// Whether the blob at this repository path is a README to sync.
    pub matches: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

impl fmt::Debug for ReadmeSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadmeSelection")
            .field("recursive", &self.recursive)
            .finish_non_exhaustive()
    }
}

/// What to sync for one project (or one group's epics), pushed into its GitLab queries.
#[derive(Debug, Clone)]
pub struct ProjectOverrides {
    /// Object kinds to list (intersected with [`SourceSettings::kinds`]). Epics belong to
    /// groups: only the group planner's answer decides whether they are listed.
    pub kinds: BTreeSet<ObjectKind>,
    /// Issue filters (replace [`SourceSettings::issues`]).
    pub issues: IssueFilter,
    /// Merge request filters (replace [`SourceSettings::merge_requests`]).
    pub merge_requests: MergeRequestFilter,
    /// RFC 3339 `updatedAfter` for issues, merge requests and epics; the later of this and
    /// [`SourceSettings::updated_after`] applies.
    pub updated_after: Option<String>,
    /// README selection; `None`: the reference's root-README discovery.
    pub readmes: Option<ReadmeSelection>,
}

impl Default for ProjectOverrides {
    fn default() -> Self {
        ProjectOverrides {
            kinds: ObjectKind::ALL.into_iter().collect(),
            issues: IssueFilter::default(),
            merge_requests: MergeRequestFilter::default(),
            updated_after: None,
            readmes: None,
        }
    }
}

/// Per-path planning hook: given a project's (or, for epics, a group's) full path, what to
/// sync there; `None` means nothing at all (for a project: not even its Project document).
pub type Planner = Arc<dyn Fn(&str) -> Option<ProjectOverrides> + Send + Sync>;

/// Settings of one [`crate::GitlabSource`].
#[derive(Clone)]
pub struct SourceSettings {
    /// Which projects to sync.
    pub projects: ProjectSelection,
    /// Where the project list was written (a flag, a settings key, a Kibana field), named when
    /// a listed project is not found.
    pub projects_origin: String,
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
    /// Per-project plan (advanced sync rules); `None`: every project gets these settings.
    pub project_planner: Option<Planner>,
    /// Per-group plan for epics, by group full path; `None`: epics follow [`Self::kinds`].
    pub group_planner: Option<Planner>,
    /// README selection for every project without an override; `None`: root discovery.
    pub readmes: Option<ReadmeSelection>,
}

impl fmt::Debug for SourceSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceSettings")
            .field("projects", &self.projects)
            .field("projects_origin", &self.projects_origin)
            .field("kinds", &self.kinds)
            .field("project_concurrency", &self.project_concurrency)
            .field("readme_max_bytes", &self.readme_max_bytes)
            .field("updated_after", &self.updated_after)
            .field("issues", &self.issues)
            .field("merge_requests", &self.merge_requests)
            .field("project_planner", &self.project_planner.is_some())
            .field("group_planner", &self.group_planner.is_some())
            .field("readmes", &self.readmes)
            .finish()
    }
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings {
            projects: ProjectSelection::All,
            projects_origin: DEFAULT_PROJECTS_ORIGIN.to_owned(),
            kinds: ObjectKind::ALL.into_iter().collect(),
            project_concurrency: DEFAULT_PROJECT_CONCURRENCY,
            readme_max_bytes: README_MAX_BYTES,
            updated_after: None,
            issues: IssueFilter::default(),
            merge_requests: MergeRequestFilter::default(),
            project_planner: None,
            group_planner: None,
            readmes: None,
        }
    }
}

impl SourceSettings {
    /// Whether `kind` is synced.
    pub fn syncs(&self, kind: ObjectKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// The settings for project `full_path` after its planner's overrides; `None`: the
    /// project is not synced. Without a planner, a copy of these settings.
    pub(crate) fn for_project(&self, full_path: &str) -> Option<SourceSettings> {
        match &self.project_planner {
            None => Some(self.listing_copy()),
            Some(planner) => planner(full_path).map(|overrides| self.overridden(overrides)),
        }
    }

    /// The settings for the epics of group `full_path`; `None`: its epics are not synced.
    pub(crate) fn for_group(&self, full_path: &str) -> Option<SourceSettings> {
        let settings = match &self.group_planner {
            None => self.listing_copy(),
            Some(planner) => self.overridden(planner(full_path)?),
        };
        settings.syncs(ObjectKind::Epics).then_some(settings)
    }

    /// What the listings of one project read (the project selection is left out, it can be
    /// long and no listing needs it).
    fn listing_copy(&self) -> SourceSettings {
        SourceSettings {
            projects: ProjectSelection::All,
            projects_origin: String::new(),
            kinds: self.kinds.clone(),
            project_concurrency: self.project_concurrency,
            readme_max_bytes: self.readme_max_bytes,
            updated_after: self.updated_after.clone(),
            issues: self.issues.clone(),
            merge_requests: self.merge_requests.clone(),
            project_planner: None,
            group_planner: None,
            readmes: self.readmes.clone(),
        }
    }

    fn overridden(&self, overrides: ProjectOverrides) -> SourceSettings {
        let mut settings = self.listing_copy();
        settings.kinds = self.kinds.intersection(&overrides.kinds).copied().collect();
        settings.issues = overrides.issues;
        settings.merge_requests = overrides.merge_requests;
        settings.updated_after = later(self.updated_after.as_deref(), overrides.updated_after);
        if overrides.readmes.is_some() {
            settings.readmes = overrides.readmes;
        }
        settings
    }
}

/// The later of two RFC 3339 instants; one that does not parse loses to one that does.
fn later(global: Option<&str>, planned: Option<String>) -> Option<String> {
    let parse = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
    match (global, planned) {
        (None, planned) => planned,
        (Some(global), None) => Some(global.to_owned()),
        (Some(global), Some(planned)) => match (parse(global), parse(&planned)) {
            (Some(a), Some(b)) if b > a => Some(planned),
            (None, Some(_)) => Some(planned),
            _ => Some(global.to_owned()),
        },
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
    fn planner_overrides_narrow_kinds_replace_filters_and_keep_the_later_instant() {
        let planner: Planner = Arc::new(|path: &str| {
            (path != "skip/me").then(|| ProjectOverrides {
                kinds: [ObjectKind::Issues, ObjectKind::Epics]
                    .into_iter()
                    .collect(),
                issues: IssueFilter {
                    state: Some(IssuableState::Opened),
                    labels: vec!["bug".into()],
                },
                updated_after: Some("2024-01-01T00:00:00Z".into()),
                ..ProjectOverrides::default()
            })
        });
        let settings = SourceSettings {
            kinds: [ObjectKind::Issues, ObjectKind::Files]
                .into_iter()
                .collect(),
            updated_after: Some("2025-01-01T00:00:00Z".into()),
            project_planner: Some(planner.clone()),
            group_planner: Some(planner),
            ..SourceSettings::default()
        };
        assert!(settings.for_project("skip/me").is_none());
        let project = settings.for_project("a/b").expect("planned");
        assert_eq!(project.kinds, [ObjectKind::Issues].into_iter().collect());
        assert_eq!(project.issues.labels, ["bug"]);
        assert_eq!(
            project.updated_after.as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        // Epics are in the plan but not in the global kinds.
        assert!(settings.for_group("a").is_none());
        assert_eq!(
            later(
                Some("2020-01-01T00:00:00Z"),
                Some("2024-01-01T00:00:00Z".to_owned())
            )
            .as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        let unplanned = SourceSettings::default();
        assert!(unplanned.for_group("a").is_some());
        assert!(unplanned.for_project("a/b").is_some());
    }

    #[test]
    fn defaults_sync_every_kind_thirty_two_projects_at_a_time() {
        let settings = SourceSettings::default();
        assert!(ObjectKind::ALL.iter().all(|kind| settings.syncs(*kind)));
        assert_eq!(settings.project_concurrency, 32);
        assert_eq!(settings.readme_max_bytes, 10 * 1024 * 1024);
    }
}
