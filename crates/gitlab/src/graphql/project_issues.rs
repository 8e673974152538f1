//! `ProjectIssues`: one page of a project's ISSUE work items.

use cynic::QueryBuilder;

use super::common::PageInfo;
use super::query_text::QueryText;
use super::schema;
use super::work_item::{IssuableState, WorkItem};

/// Variables of [`ProjectIssues`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct ProjectIssuesVariables {
    /// Project full path.
    pub full_path: cynic::Id,
    /// Page size (≤ 100; 50 by default).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
    /// Only issues in this state.
    pub state: Option<IssuableState>,
    /// Only issues carrying all of these labels.
    pub label_name: Option<Vec<String>>,
    /// Only issues updated after this RFC 3339 time.
    pub updated_after: Option<super::Time>,
}

/// `project(fullPath) { workItems(types: [ISSUE], …) }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ProjectIssuesVariables")]
pub struct ProjectIssues {
    /// The project, `None` when not visible.
    #[arguments(fullPath: $full_path)]
    pub project: Option<Project>,
}

/// The project holding the listing.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "ProjectIssuesVariables")]
pub struct Project {
    /// The page of issues.
    #[arguments(types: [ISSUE], first: $first, after: $after, state: $state, labelName: $label_name, updatedAfter: $updated_after)]
    pub work_items: Option<WorkItemConnection>,
}

/// A page of issues.
#[derive(cynic::QueryFragment, Debug)]
pub struct WorkItemConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The issues (decoded one by one by callers).
    pub nodes: Option<Vec<Option<WorkItem>>>,
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["project", "workItems"];

/// Builds the operation for one page.
pub fn build(
    variables: ProjectIssuesVariables,
) -> cynic::Operation<ProjectIssues, ProjectIssuesVariables> {
    static QUERY: QueryText = QueryText::new();
    QUERY.operation(variables, ProjectIssues::build)
}
