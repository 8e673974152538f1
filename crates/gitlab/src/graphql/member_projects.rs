//! `MemberProjects`: every project the token's user is a member of.

use super::project::ProjectConnection;
use super::query_text::QueryText;
use super::schema;
use cynic::QueryBuilder;

/// Variables of [`MemberProjects`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct MemberProjectsVariables {
    /// Page size (≤ 100).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
}

/// `projects(membership: true, first, after)`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "MemberProjectsVariables")]
pub struct MemberProjects {
    /// The page of projects.
    #[arguments(membership: true, first: $first, after: $after)]
    pub projects: Option<ProjectConnection>,
}

/// Path of the node list inside `data`.
pub const CONNECTION_PATH: &[&str] = &["projects"];

/// Builds the operation for one page.
pub fn build(
    first: i32,
    after: Option<String>,
) -> cynic::Operation<MemberProjects, MemberProjectsVariables> {
    static QUERY: QueryText = QueryText::new();
    QUERY.operation(
        MemberProjectsVariables { first, after },
        MemberProjects::build,
    )
}
