//! The shape of the simulated instance: groups, projects and who is the token's user.

use crate::config::Size;

use super::text::{EPOCH_BASE, hash, paragraph};

/// Username of the token's owner (`GET /user`, `currentUser`).
pub const CURRENT_USERNAME: &str = "sim-admin";
/// Default branch of every non-empty repository.
pub const DEFAULT_BRANCH: &str = "main";
/// Base URL used in `webUrl` fields.
pub const WEB_BASE: &str = "https://gitlab.example.com";

/// A group or subgroup.
#[derive(Debug, Clone)]
pub struct GroupMeta {
    /// Numeric id (`gid://gitlab/Group/<id>`).
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Full path, e.g. `acme/platform`.
    pub full_path: String,
    /// Parent group index.
    pub parent: Option<usize>,
    /// Number of generated epics (before mutations).
    pub epic_count: u32,
}

/// A project (generated or added at runtime).
#[derive(Debug, Clone)]
pub struct ProjectMeta {
    /// Index in the project table (stable identity in generated data).
    pub index: usize,
    /// Numeric id (`gid://gitlab/Project/<id>`).
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Last path segment.
    pub path: String,
    /// Full path.
    pub full_path: String,
    /// Owning group, `None` for a personal namespace.
    pub group: Option<usize>,
    /// Whether the token's user is a member.
    pub member: bool,
    /// Highest issue iid handed out (generated plus added).
    pub issue_count: u32,
    /// Highest merge request iid handed out.
    pub mr_count: u32,
    /// Description.
    pub description: Option<String>,
    /// `public`, `internal` or `private`.
    pub visibility: &'static str,
    /// Stars.
    pub star_count: i32,
    /// Forks.
    pub forks_count: i32,
    /// Creation time (epoch seconds).
    pub created_at: i64,
    /// Last activity (epoch seconds).
    pub last_activity_at: i64,
    /// Archived flag.
    pub archived: bool,
    /// Whether the repository has commits (else `rootRef` is null).
    pub has_repo: bool,
    /// Deleted through the control API.
    pub deleted: bool,
}

impl ProjectMeta {
    /// `https://…/<full path>`.
    pub fn web_url(&self) -> String {
        format!("{WEB_BASE}/{}", self.full_path)
    }
}

/// Groups: `(full path, name, parent index, base epic count)`. `delta` has no project of its
/// own (only its subgroup does), so its epics must not be synced.
const GROUPS: &[(&str, &str, Option<usize>, u32)] = &[
    ("acme", "Acme", None, 12),
    ("acme/platform", "Platform", Some(0), 8),
    ("beta", "Beta", None, 6),
    ("delta", "Delta", None, 5),
    ("delta/tools", "Tools", Some(3), 4),
];

/// Group index for the i-th grouped member project.
const PROJECT_GROUP_CYCLE: [usize; 4] = [0, 1, 2, 4];

const PROJECT_NAMES: &[&str] = &[
    "web-frontend",
    "api-gateway",
    "billing-service",
    "docs-site",
    "mobile-app",
    "data-pipeline",
    "search-indexer",
    "auth-service",
    "infra-terraform",
    "design-system",
    "ml-models",
    "notifications",
];

/// Builds the groups of a size.
pub fn groups(size: Size) -> Vec<GroupMeta> {
    GROUPS
        .iter()
        .enumerate()
        .map(|(i, (path, name, parent, epics))| GroupMeta {
            id: 10 + i as u64,
            name: (*name).to_string(),
            full_path: (*path).to_string(),
            parent: *parent,
            epic_count: epics * size.epic_factor(),
        })
        .collect()
}

/// Builds the project table of a size: the member projects (the last one in the token user's
/// personal namespace, with an empty repository) plus one public non-member project.
pub fn projects(size: Size, groups: &[GroupMeta]) -> Vec<ProjectMeta> {
    let n = size.projects();
    (0..=n)
        .map(|i| {
            let h = hash(&[7, i as u64]);
            let (namespace, group, name) = if i == n {
                ("outsider".to_string(), None, "public-lib".to_string())
            } else if i == n - 1 {
                (CURRENT_USERNAME.to_string(), None, "scratchpad".to_string())
            } else {
                let g = PROJECT_GROUP_CYCLE[i % PROJECT_GROUP_CYCLE.len()];
                let base = PROJECT_NAMES[i % PROJECT_NAMES.len()];
                let name = match i / PROJECT_NAMES.len() {
                    0 => base.to_string(),
                    k => format!("{base}-{}", k + 1),
                };
                (groups[g].full_path.clone(), Some(g), name)
            };
            let member = i < n;
            let created_at = EPOCH_BASE - 86_400 * (30 + i as i64);
            ProjectMeta {
                index: i,
                id: 1000 + i as u64,
                full_path: format!("{namespace}/{name}"),
                path: name.clone(),
                name,
                group,
                member,
                issue_count: if member { size.issues() } else { 10 },
                mr_count: if member { size.merge_requests() } else { 5 },
                description: (i % 5 != 3).then(|| paragraph(h, 2)),
                visibility: match i % 3 {
                    0 => "private",
                    1 => "internal",
                    _ => "public",
                },
                star_count: (h % 500) as i32,
                forks_count: ((h >> 9) % 40) as i32,
                created_at,
                last_activity_at: EPOCH_BASE + 86_400 * 400 + i as i64 * 60,
                archived: i == 2,
                has_repo: i != n - 1,
                deleted: false,
            }
        })
        .collect()
}
