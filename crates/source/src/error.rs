//! [`Error`]: what can stop a listing or the whole source.

use gitlab_client::ClientError;

/// A failure of the GitLab source, naming the listing or project at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request failed for good (after the client's retries).
    /// (The client error already names the request, so it is displayed alone; it is not
    /// chained as a `source`, which would print it twice.)
    #[error("{error}")]
    Client {
        /// The listing or object concerned (`ProjectIssues group/app`).
        what: String,
        /// The client error.
        error: ClientError,
    },
    /// GitLab answered with GraphQL errors and without usable data.
    #[error("{what}: GraphQL errors: {}", messages.join("; "))]
    Graphql {
        /// The listing or object concerned.
        what: String,
        /// GitLab's messages.
        messages: Vec<String>,
    },
    /// The parent object (project, group) is absent from the answer.
    #[error("{what}: not found, or not visible to this token")]
    Missing {
        /// The listing or object concerned.
        what: String,
    },
    /// Configured projects that do not exist or are not visible to the token.
    #[error(
        "project(s) not found or not visible to this token: {}; check the paths in {origin} and \
         the token's access",
        paths.join(", ")
    )]
    ProjectsNotFound {
        /// The configured paths, as typed.
        paths: Vec<String>,
        /// Where the list was written ([`crate::SourceSettings::projects_origin`]).
        origin: String,
    },
}
