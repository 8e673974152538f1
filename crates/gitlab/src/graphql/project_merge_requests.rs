//! `ProjectMergeRequests`: one page of a project's merge requests.

use cynic::QueryBuilder;

use super::common::PageInfo;
use super::merge_request::{MergeRequest, MergeRequestState};
use super::query_text::QueryText;
use super::schema;

/// Variables of [`ProjectMergeRequests`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct ProjectMergeRequestsVariables {
    /// Project full path.
    pub full_path: cynic::Id,
    /// Page size (≤ 100).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
    /// Only merge requests in this state.
    pub state: Option<MergeRequestState>,
    /// Only merge requests carrying all of these labels.
    pub label_name: Option<Vec<Option<String>>>,
    /// Only merge requests updated after this RFC 3339 time.
    pub updated_after: Option<super::Time>,
}

/// `project(fullPath) { mergeRequests(…) }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ProjectMergeRequestsVariables")]
pub struct ProjectMergeRequests {
    /// The project, `None` when not visible.
    #[arguments(fullPath: $full_path)]
    pub project: Option<Project>,
}

/// The project holding the listing.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "ProjectMergeRequestsVariables")]
pub struct Project {
    /// The page of merge requests.
    #[arguments(first: $first, after: $after, state: $state, labelName: $label_name, updatedAfter: $updated_after)]
    pub merge_requests: Option<MergeRequestConnection>,
}

/// A page of merge requests.
#[derive(cynic::QueryFragment, Debug)]
pub struct MergeRequestConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The merge requests (decoded one by one by callers).
    pub nodes: Option<Vec<Option<MergeRequest>>>,
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["project", "mergeRequests"];

/// Builds the operation for one page.
pub fn build(
    variables: ProjectMergeRequestsVariables,
) -> cynic::Operation<ProjectMergeRequests, ProjectMergeRequestsVariables> {
    static QUERY: QueryText = QueryText::new();
    QUERY.operation(variables, ProjectMergeRequests::build)
}
