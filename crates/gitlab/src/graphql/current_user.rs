//! `CurrentUser`: who the token belongs to (used by `check`).

use super::schema;
use cynic::QueryBuilder;

/// `currentUser { username }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct CurrentUserQuery {
    /// `None` when the token is anonymous.
    pub current_user: Option<CurrentUser>,
}

/// The signed-in user.
#[derive(cynic::QueryFragment, Debug)]
pub struct CurrentUser {
    /// Login name.
    pub username: String,
}

/// Builds the operation.
pub fn build() -> cynic::Operation<CurrentUserQuery, ()> {
    CurrentUserQuery::build(())
}
