//! The `Query` root.

use async_graphql::{Context, Object, Result};

use crate::data::items::ItemKey;
use crate::data::notes::NoteKey;
use crate::state::FailKind;

use super::merge_request::MergeRequest;
use super::notes::Note;
use super::page::{PageArgs, paginate};
use super::project::{Group, Project, ProjectConnection};
use super::scalars::{MergeRequestId, NoteId, WorkItemId, gid_number};
use super::users::CurrentUser;
use super::work_item::WorkItem;
use super::{check_fail, store};

/// GitLab's documented cap on `projects(fullPaths:)`.
const MAX_FULL_PATHS: usize = 50;

/// `Query`.
pub struct Query;

#[Object(name = "Query")]
impl Query {
    /// Projects visible to the user (`membership: true` → member projects only).
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        membership: Option<bool>,
        search: Option<String>,
        ids: Option<Vec<async_graphql::ID>>,
        full_paths: Option<Vec<String>>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<ProjectConnection>> {
        if full_paths
            .as_ref()
            .is_some_and(|p| p.len() > MAX_FULL_PATHS)
        {
            return Err(format!("You cannot provide more than {MAX_FULL_PATHS} full_paths").into());
        }
        let ranked = store(ctx)
            .projects()
            .into_iter()
            .filter(|p| membership != Some(true) || p.member)
            // GitLab matches `fullPaths` case-insensitively (routes are case-insensitive).
            .filter(|p| {
                full_paths
                    .as_ref()
                    .is_none_or(|f| f.iter().any(|path| path.eq_ignore_ascii_case(&p.full_path)))
            })
            .filter(|p| {
                ids.as_ref()
                    .is_none_or(|ids| ids.iter().any(|i| gid_number(i) == Some(p.id)))
            })
            .filter(|p| {
                search
                    .as_ref()
                    .is_none_or(|s| p.name.contains(s.as_str()) || p.full_path.contains(s.as_str()))
            })
            .map(|p| (p.id, Project(p)))
            .collect();
        Ok(Some(ProjectConnection::from_page(paginate(
            ranked,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "projects",
        )?)))
    }

    /// A project by full path.
    async fn project(&self, ctx: &Context<'_>, full_path: async_graphql::ID) -> Option<Project> {
        store(ctx)
            .projects()
            .into_iter()
            .find(|p| p.full_path == full_path.0)
            .map(Project)
    }

    /// A group by full path.
    async fn group(&self, ctx: &Context<'_>, full_path: async_graphql::ID) -> Option<Group> {
        store(ctx)
            .group_by_path(&full_path.0)
            .map(|(i, g)| Group(i, g.clone()))
    }

    /// A work item by global id.
    async fn work_item(&self, ctx: &Context<'_>, id: WorkItemId) -> Option<WorkItem> {
        let key = ItemKey::from_work_item_number(gid_number(&id.0)?)?;
        WorkItem::load(ctx, key)
    }

    /// A merge request by global id.
    async fn merge_request(
        &self,
        ctx: &Context<'_>,
        id: MergeRequestId,
    ) -> Result<Option<MergeRequest>> {
        let Some(key) = gid_number(&id.0).and_then(ItemKey::from_mr_number) else {
            return Ok(None);
        };
        if let Some(project) = store(ctx).project(key.owner) {
            check_fail(ctx, &project.full_path, FailKind::MergeRequestFollowUps)?;
        }
        Ok(store(ctx).item(key).map(MergeRequest))
    }

    /// A note by global id.
    async fn note(&self, ctx: &Context<'_>, id: NoteId) -> Option<Note> {
        let key = NoteKey::from_number(gid_number(&id.0)?)?;
        let meta = store(ctx).meta(key.discussion.item)?;
        let in_range = key.discussion.index
            < crate::data::notes::discussion_count(key.discussion.item)
            && key.index < crate::data::notes::note_count(key.discussion);
        in_range.then(|| Note(crate::data::notes::note(key, meta.created_at)))
    }

    /// The token's user.
    async fn current_user(&self) -> Option<CurrentUser> {
        Some(CurrentUser::token_owner())
    }
}
