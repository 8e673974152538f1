//! `Project`, `Group`, `Repository`.

use async_graphql::{Context, Object, Result};

use crate::data::items::Kind;
use crate::data::world::{DEFAULT_BRANCH, GroupMeta, ProjectMeta, WEB_BASE};
use crate::state::FailKind;

use super::enums::{IssuableState, IssueType, MergeRequestState};
use super::merge_request::{self, MergeRequestConnection, MergeRequestFilter};
use super::page::{PageArgs, connection, paginate};
use super::release::{Release, ReleaseConnection};
use super::scalars::Time;
use super::work_item::{self, WorkItemConnection, WorkItemFilter};
use super::{check_fail, store};

/// `Project`.
#[derive(Debug, Clone)]
pub struct Project(pub ProjectMeta);

#[Object(name = "Project")]
impl Project {
    /// Global id.
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(format!("gid://gitlab/Project/{}", self.0.id))
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Path.
    async fn path(&self) -> &str {
        &self.0.path
    }
    /// Full path.
    async fn full_path(&self) -> async_graphql::ID {
        async_graphql::ID(self.0.full_path.clone())
    }
    /// Description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Visibility.
    async fn visibility(&self) -> Option<&str> {
        Some(self.0.visibility)
    }
    /// Stars.
    async fn star_count(&self) -> i32 {
        self.0.star_count
    }
    /// Forks.
    async fn forks_count(&self) -> i32 {
        self.0.forks_count
    }
    /// Creation time.
    async fn created_at(&self) -> Option<Time> {
        Some(Time::at(self.0.created_at))
    }
    /// Last activity.
    async fn last_activity_at(&self) -> Option<Time> {
        Some(Time::at(self.0.last_activity_at))
    }
    /// Archived flag.
    async fn archived(&self) -> Option<bool> {
        Some(self.0.archived)
    }
    /// Web URL.
    async fn web_url(&self) -> Option<String> {
        Some(self.0.web_url())
    }
    /// Repository.
    async fn repository(&self) -> Option<Repository> {
        Some(Repository(self.0.has_repo))
    }
    /// Owning group; null in a personal namespace.
    async fn group(&self, ctx: &Context<'_>) -> Option<Group> {
        let g = self.0.group?;
        store(ctx).groups().get(g).map(|m| Group(g, m.clone()))
    }
    /// Work items of the project.
    #[allow(clippy::too_many_arguments)]
    async fn work_items(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<IssueType>>,
        iids: Option<Vec<String>>,
        iid: Option<String>,
        state: Option<IssuableState>,
        label_name: Option<Vec<String>>,
        updated_after: Option<Time>,
        updated_before: Option<Time>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<WorkItemConnection>> {
        check_fail(ctx, &self.0.full_path, FailKind::Issues)?;
        let filter = WorkItemFilter {
            types,
            iids,
            iid,
            state,
            label_name,
            updated_after,
            updated_before,
        };
        Ok(Some(work_item::list(
            ctx,
            &[(Kind::Issue, self.0.index)],
            filter,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
        )?))
    }
    /// Merge requests of the project.
    #[allow(clippy::too_many_arguments)]
    async fn merge_requests(
        &self,
        ctx: &Context<'_>,
        iids: Option<Vec<String>>,
        state: Option<MergeRequestState>,
        label_name: Option<Vec<Option<String>>>,
        updated_after: Option<Time>,
        updated_before: Option<Time>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<MergeRequestConnection>> {
        check_fail(ctx, &self.0.full_path, FailKind::MergeRequests)?;
        let filter = MergeRequestFilter {
            iids,
            state,
            label_name,
            updated_after,
            updated_before,
        };
        Ok(Some(merge_request::list(
            ctx,
            self.0.index,
            filter,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
        )?))
    }
    /// Releases, newest first.
    async fn releases(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<ReleaseConnection>> {
        check_fail(ctx, &self.0.full_path, FailKind::Releases)?;
        let url = self.0.web_url();
        let ranked = store(ctx)
            .releases(self.0.index)
            .into_iter()
            .enumerate()
            .map(|(i, data)| {
                (
                    i as u64,
                    Release {
                        data,
                        project: self.0.index,
                        project_url: url.clone(),
                    },
                )
            })
            .collect();
        Ok(Some(ReleaseConnection::from_page(paginate(
            ranked,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "releases",
        )?)))
    }
}

connection!(
    ProjectConnection,
    "ProjectConnection",
    ProjectEdge,
    "ProjectEdge",
    Project,
    count
);

/// `Repository`; the flag says whether it has commits.
#[derive(Debug, Clone)]
pub struct Repository(bool);

#[Object(name = "Repository")]
impl Repository {
    /// Default branch; null for an empty repository.
    async fn root_ref(&self) -> Option<&'static str> {
        self.0.then_some(DEFAULT_BRANCH)
    }
    /// Whether the repository is empty.
    async fn empty(&self) -> bool {
        !self.0
    }
    /// Whether the repository exists.
    async fn exists(&self) -> bool {
        true
    }
}

/// `Group` (index into the group table plus its data).
#[derive(Debug, Clone)]
pub struct Group(pub usize, pub GroupMeta);

#[Object(name = "Group")]
impl Group {
    /// Global id.
    async fn id(&self) -> Option<async_graphql::ID> {
        Some(async_graphql::ID(format!(
            "gid://gitlab/Group/{}",
            self.1.id
        )))
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.1.name
    }
    /// Path.
    async fn path(&self) -> &str {
        self.1
            .full_path
            .rsplit('/')
            .next()
            .unwrap_or(&self.1.full_path)
    }
    /// Full path.
    async fn full_path(&self) -> async_graphql::ID {
        async_graphql::ID(self.1.full_path.clone())
    }
    /// Web URL.
    async fn web_url(&self) -> String {
        format!("{WEB_BASE}/groups/{}", self.1.full_path)
    }
    /// Parent group.
    async fn parent(&self, ctx: &Context<'_>) -> Option<Group> {
        let p = self.1.parent?;
        store(ctx).groups().get(p).map(|m| Group(p, m.clone()))
    }
    /// Work items (epics) of the group.
    #[allow(clippy::too_many_arguments)]
    async fn work_items(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<IssueType>>,
        iids: Option<Vec<String>>,
        iid: Option<String>,
        state: Option<IssuableState>,
        label_name: Option<Vec<String>>,
        updated_after: Option<Time>,
        updated_before: Option<Time>,
        #[graphql(default = false)] include_ancestors: bool,
        #[graphql(default = false)] include_descendants: bool,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<WorkItemConnection>> {
        check_fail(ctx, &self.1.full_path, FailKind::Epics)?;
        let groups = store(ctx).groups();
        let is_ancestor = |a: usize, mut g: usize| {
            while let Some(p) = groups[g].parent {
                if p == a {
                    return true;
                }
                g = p;
            }
            false
        };
        let owners: Vec<(Kind, usize)> = (0..groups.len())
            .filter(|&g| {
                g == self.0
                    || (include_descendants && is_ancestor(self.0, g))
                    || (include_ancestors && is_ancestor(g, self.0))
            })
            .map(|g| (Kind::Epic, g))
            .collect();
        let filter = WorkItemFilter {
            types,
            iids,
            iid,
            state,
            label_name,
            updated_after,
            updated_before,
        };
        Ok(Some(work_item::list(
            ctx,
            &owners,
            filter,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
        )?))
    }
}
