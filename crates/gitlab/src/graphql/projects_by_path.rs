//! `ProjectsByPath`: the configured projects, fetched directly by full path (≤ 50 per request).

use super::project::ProjectConnection;
use super::query_text::QueryText;
use super::schema;
use cynic::QueryBuilder;

/// Variables of [`ProjectsByPath`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct ProjectsByPathVariables {
    /// Up to [`super::FULL_PATHS_BATCH`] full paths.
    pub full_paths: Option<Vec<String>>,
    /// Page size (≤ 50).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
}

/// `projects(fullPaths:, first, after)`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ProjectsByPathVariables")]
pub struct ProjectsByPath {
    /// The page of projects.
    #[arguments(fullPaths: $full_paths, first: $first, after: $after)]
    pub projects: Option<ProjectConnection>,
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["projects"];

/// Builds the operation for one page of one batch.
pub fn build(
    full_paths: Vec<String>,
    first: i32,
    after: Option<String>,
) -> cynic::Operation<ProjectsByPath, ProjectsByPathVariables> {
    static QUERY: QueryText = QueryText::new();
    let variables = ProjectsByPathVariables {
        full_paths: Some(full_paths),
        first,
        after,
    };
    QUERY.operation(variables, ProjectsByPath::build)
}
