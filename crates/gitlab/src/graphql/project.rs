//! The `Project` field set shared by [`super::member_projects`] and [`super::projects_by_path`].

use super::common::PageInfo;
use super::schema;

/// A project with the fields of `ENDPOINTS.md` ("Project").
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Project {
    /// Global id (`gid://gitlab/Project/123`).
    pub id: cynic::Id,
    /// Display name.
    pub name: String,
    /// Last path segment.
    pub path: String,
    /// `group/sub/project`.
    pub full_path: cynic::Id,
    /// Description (Markdown).
    pub description: Option<String>,
    /// `public`, `internal` or `private`.
    pub visibility: Option<String>,
    /// Stars.
    pub star_count: i32,
    /// Forks.
    pub forks_count: i32,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last activity time.
    pub last_activity_at: Option<String>,
    /// Whether the project is archived.
    pub archived: Option<bool>,
    /// Web URL.
    pub web_url: Option<String>,
    /// Repository (absent when the repository feature is off).
    pub repository: Option<Repository>,
    /// Owning group; `None` for personal namespaces.
    pub group: Option<Group>,
}

/// A project's repository.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Repository {
    /// Default branch; `None` for an empty repository.
    pub root_ref: Option<String>,
}

/// A project's group.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Group {
    /// Global id (`gid://gitlab/Group/9`).
    pub id: Option<cynic::Id>,
    /// `group/sub`.
    pub full_path: cynic::Id,
}

/// A page of projects.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct ProjectConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The projects (decoded one by one by callers).
    pub nodes: Option<Vec<Option<Project>>>,
}

/// Pages of `Project`s are decoded with serde_json (the two listings that dominate a sync,
/// issues and merge requests, have readers of their own: `graphql::readers`).
impl crate::connection::PageNode for Project {}
