//! The GraphQL schema: GitLab's type, field, argument and enum names for the subset in
//! `crates/gitlab/ENDPOINTS.md`, with GitLab's complexity and depth limits.

pub mod enums;
pub mod merge_request;
pub mod notes;
pub mod page;
pub mod project;
pub mod query;
pub mod release;
pub mod scalars;
pub mod users;
pub mod widgets;
pub mod work_item;

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{
    Context, EmptyMutation, EmptySubscription, Schema, ServerError, ValidationResult,
};

use crate::data::Store;
use crate::state::{FailKind, SimState};

/// GitLab's maximum query complexity for authenticated requests.
pub const MAX_COMPLEXITY: usize = 250;
/// GitLab's maximum query depth for authenticated requests.
pub const MAX_DEPTH: usize = 20;

/// The simulator's schema type.
pub type SimSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

/// Builds the schema over a state.
pub fn schema(state: SimState) -> SimSchema {
    Schema::build(query::Query, EmptyMutation, EmptySubscription)
        .data(state)
        .extension(GitLabLimits)
        .finish()
}

/// Set by a resolver when a fail-for-good rule matched; the HTTP layer turns it into a status.
#[derive(Debug, Default)]
pub struct RequestFailure(Mutex<Option<u16>>);

impl RequestFailure {
    /// The status a rule asked for, if any.
    pub fn status(&self) -> Option<u16> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The state of the request.
pub fn sim<'a>(ctx: &Context<'a>) -> &'a SimState {
    ctx.data_unchecked::<SimState>()
}

/// The data store of the request.
pub fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    sim(ctx).store()
}

/// Fails the field (and flags the request) when a fail-for-good rule matches.
pub fn check_fail(ctx: &Context<'_>, path: &str, kind: FailKind) -> async_graphql::Result<()> {
    let Some(status) = sim(ctx).failing_status(path, kind) else {
        return Ok(());
    };
    if let Some(flag) = ctx.data_opt::<Arc<RequestFailure>>() {
        *flag.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(status);
    }
    Err(async_graphql::Error::new("Internal server error"))
}

/// Enforces complexity and depth limits with GitLab's error messages.
struct GitLabLimits;

impl ExtensionFactory for GitLabLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GitLabLimitsExtension)
    }
}

struct GitLabLimitsExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for GitLabLimitsExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.complexity > MAX_COMPLEXITY {
            return Err(vec![ServerError::new(
                format!(
                    "Query has complexity of {}, which exceeds max complexity of {MAX_COMPLEXITY}",
                    result.complexity
                ),
                None,
            )]);
        }
        if result.depth > MAX_DEPTH {
            return Err(vec![ServerError::new(
                format!(
                    "Query has depth of {}, which exceeds max depth of {MAX_DEPTH}",
                    result.depth
                ),
                None,
            )]);
        }
        Ok(result)
    }
}
