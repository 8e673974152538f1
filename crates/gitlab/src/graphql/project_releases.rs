//! `ProjectReleases`: one page of a project's releases.

use cynic::QueryBuilder;

use super::common::{PageInfo, UserCore};
use super::query_text::QueryText;
use super::schema;

/// Variables of [`ProjectReleases`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct ProjectReleasesVariables {
    /// Project full path.
    pub full_path: cynic::Id,
    /// Page size (≤ 100).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
}

/// `project(fullPath) { releases(first, after) }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ProjectReleasesVariables")]
pub struct ProjectReleases {
    /// The project, `None` when not visible.
    #[arguments(fullPath: $full_path)]
    pub project: Option<Project>,
}

/// The project holding the listing.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "ProjectReleasesVariables")]
pub struct Project {
    /// The page of releases.
    #[arguments(first: $first, after: $after)]
    pub releases: Option<ReleaseConnection>,
}

/// A page of releases.
#[derive(cynic::QueryFragment, Debug)]
pub struct ReleaseConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The releases (decoded one by one by callers).
    pub nodes: Option<Vec<Option<Release>>>,
}

/// A release.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Release {
    /// Tag name (part of the `_id`).
    pub tag_name: Option<String>,
    /// Release name.
    pub name: Option<String>,
    /// Release notes (Markdown).
    pub description: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Release time.
    pub released_at: Option<String>,
    /// Author.
    pub author: Option<UserCore>,
    /// Tagged commit.
    pub commit: Option<Commit>,
    /// First 100 milestones.
    #[arguments(first: 100)]
    pub milestones: Option<MilestoneConnection>,
    /// Assets.
    pub assets: Option<ReleaseAssets>,
}

/// The tagged commit.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Commit {
    /// SHA.
    pub sha: String,
    /// First line of the message.
    pub title: Option<String>,
}

/// A page of milestones.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MilestoneConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The milestones.
    pub nodes: Option<Vec<Option<Milestone>>>,
}

/// A milestone.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Milestone {
    /// Title.
    pub title: String,
}

/// Release assets.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct ReleaseAssets {
    /// Number of assets (links and sources).
    pub count: Option<i32>,
    /// First 100 links.
    #[arguments(first: 100)]
    pub links: Option<ReleaseAssetLinkConnection>,
}

/// A page of asset links.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct ReleaseAssetLinkConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The links.
    pub nodes: Option<Vec<Option<ReleaseAssetLink>>>,
}

/// One asset link.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct ReleaseAssetLink {
    /// Link name.
    pub name: Option<String>,
    /// Link URL.
    pub url: Option<String>,
    /// Link type.
    pub link_type: Option<ReleaseAssetLinkType>,
}

/// GitLab's `ReleaseAssetLinkType`; unknown values are kept verbatim.
#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
pub enum ReleaseAssetLinkType {
    /// `OTHER`
    Other,
    /// `RUNBOOK`
    Runbook,
    /// `PACKAGE`
    Package,
    /// `IMAGE`
    Image,
    /// A value this schema does not know.
    #[cynic(fallback)]
    Unknown(String),
}

impl ReleaseAssetLinkType {
    /// The value as GitLab spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ReleaseAssetLinkType::Other => "OTHER",
            ReleaseAssetLinkType::Runbook => "RUNBOOK",
            ReleaseAssetLinkType::Package => "PACKAGE",
            ReleaseAssetLinkType::Image => "IMAGE",
            ReleaseAssetLinkType::Unknown(value) => value,
        }
    }
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["project", "releases"];

/// Builds the operation for one page.
pub fn build(
    full_path: &str,
    first: i32,
    after: Option<String>,
) -> cynic::Operation<ProjectReleases, ProjectReleasesVariables> {
    static QUERY: QueryText = QueryText::new();
    let variables = ProjectReleasesVariables {
        full_path: cynic::Id::new(full_path),
        first,
        after,
    };
    QUERY.operation(variables, ProjectReleases::build)
}

/// Pages of `Release`s are decoded with serde_json (the two listings that dominate a sync,
/// issues and merge requests, have readers of their own: `graphql::readers`).
impl crate::connection::PageNode for Release {}
