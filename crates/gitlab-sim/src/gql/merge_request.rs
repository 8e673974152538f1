//! `MergeRequest` and merge request listings.

use async_graphql::{Context, Object, Result};

use crate::data::items::{self, ItemData, Kind, PeopleList};

use super::enums::MergeRequestState;
use super::notes::{DiscussionConnection, discussions};
use super::page::{Page, PageArgs, connection, paginate, paginate_list};
use super::scalars::{Time, parse_time_arg};
use super::store;
use super::users::{
    Label, LabelConnection, MergeRequestAssignee, MergeRequestAssigneeConnection,
    MergeRequestAuthor, MergeRequestReviewer, MergeRequestReviewerConnection, UserCore,
    UserCoreConnection,
};
use super::work_item::web_url;

/// `MergeRequest`.
#[derive(Debug, Clone)]
pub struct MergeRequest(pub ItemData);

#[Object(name = "MergeRequest")]
impl MergeRequest {
    /// Global id (`gid://gitlab/MergeRequest/<n>`).
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(format!(
            "gid://gitlab/MergeRequest/{}",
            self.0.key.global_number()
        ))
    }
    /// Internal id (a string).
    async fn iid(&self) -> String {
        self.0.key.iid.to_string()
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Markdown description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// State.
    async fn state(&self) -> MergeRequestState {
        MergeRequestState::of(self.0.meta.state)
    }
    /// Draft flag.
    async fn draft(&self) -> bool {
        false
    }
    /// Creation time.
    async fn created_at(&self) -> Time {
        Time::at(self.0.meta.created_at)
    }
    /// Last update.
    async fn updated_at(&self) -> Time {
        Time::at(self.0.meta.updated_at)
    }
    /// Merge time.
    async fn merged_at(&self) -> Option<Time> {
        self.0.merged_at().map(Time::at)
    }
    /// Closing time.
    async fn closed_at(&self) -> Option<Time> {
        self.0.closed_at().map(Time::at)
    }
    /// Web URL.
    async fn web_url(&self, ctx: &Context<'_>) -> Option<String> {
        web_url(ctx, self.0.key)
    }
    /// Source branch.
    async fn source_branch(&self) -> String {
        self.0.source_branch()
    }
    /// Target branch.
    async fn target_branch(&self) -> &'static str {
        crate::data::world::DEFAULT_BRANCH
    }
    /// Number of user (non-system) notes.
    async fn user_notes_count(&self) -> Option<i32> {
        let n: u32 = (0..crate::data::notes::discussion_count(self.0.key))
            .map(|i| {
                crate::data::notes::note_count(crate::data::notes::DiscussionKey {
                    item: self.0.key,
                    index: i,
                })
            })
            .sum();
        Some(n as i32)
    }
    /// Author.
    async fn author(&self) -> Option<MergeRequestAuthor> {
        Some(MergeRequestAuthor::of(self.0.author))
    }
    /// The user who merged.
    async fn merge_user(&self) -> Option<UserCore> {
        self.0.merge_user().map(UserCore::of)
    }
    /// Assignees.
    async fn assignees(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<MergeRequestAssigneeConnection>> {
        let all = items::people(self.0.key, PeopleList::Assignees)
            .into_iter()
            .map(MergeRequestAssignee::of)
            .collect();
        Ok(Some(MergeRequestAssigneeConnection::from_page(
            paginate_list(
                all,
                &PageArgs {
                    after,
                    before,
                    first,
                    last,
                },
                "assignees",
            )?,
        )))
    }
    /// Reviewers.
    async fn reviewers(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<MergeRequestReviewerConnection>> {
        let all = items::people(self.0.key, PeopleList::Reviewers)
            .into_iter()
            .map(MergeRequestReviewer::of)
            .collect();
        Ok(Some(MergeRequestReviewerConnection::from_page(
            paginate_list(
                all,
                &PageArgs {
                    after,
                    before,
                    first,
                    last,
                },
                "reviewers",
            )?,
        )))
    }
    /// Approvers.
    async fn approved_by(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<UserCoreConnection>> {
        let all = items::people(self.0.key, PeopleList::ApprovedBy)
            .into_iter()
            .map(UserCore::of)
            .collect();
        Ok(Some(UserCoreConnection::from_page(paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "approvedBy",
        )?)))
    }
    /// Labels.
    async fn labels(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<LabelConnection>> {
        let all = items::labels(self.0.key).into_iter().map(Label).collect();
        Ok(Some(LabelConnection::from_page(paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "labels",
        )?)))
    }
    /// Discussions, oldest first.
    async fn discussions(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<DiscussionConnection> {
        discussions(
            self.0.key,
            self.0.meta.created_at,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
        )
    }
}

connection!(
    MergeRequestConnection,
    "MergeRequestConnection",
    MergeRequestEdge,
    "MergeRequestEdge",
    MergeRequest,
    count
);

/// Filters of `mergeRequests`.
#[derive(Debug, Default)]
pub struct MergeRequestFilter {
    /// `iids`.
    pub iids: Option<Vec<String>>,
    /// `state`.
    pub state: Option<MergeRequestState>,
    /// `labelName`.
    pub label_name: Option<Vec<Option<String>>>,
    /// `updatedAfter`.
    pub updated_after: Option<Time>,
    /// `updatedBefore`.
    pub updated_before: Option<Time>,
}

/// Lists the merge requests of a project, newest first.
pub fn list(
    ctx: &Context<'_>,
    project: usize,
    filter: MergeRequestFilter,
    args: &PageArgs,
) -> Result<MergeRequestConnection> {
    let s = store(ctx);
    let after = filter
        .updated_after
        .as_ref()
        .map(parse_time_arg)
        .transpose()?;
    let before = filter
        .updated_before
        .as_ref()
        .map(parse_time_arg)
        .transpose()?;
    let iids: Option<Vec<u32>> = filter
        .iids
        .as_ref()
        .map(|v| v.iter().filter_map(|i| i.parse().ok()).collect());
    let labels: Vec<String> = filter
        .label_name
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    let ranked: Vec<(u64, _)> = s
        .item_metas(Kind::MergeRequest, project)
        .into_iter()
        .filter(|(k, _)| iids.as_ref().is_none_or(|v| v.contains(&k.iid)))
        .filter(|(k, m)| {
            filter.state.is_none_or(|st| {
                st == MergeRequestState::All || st == MergeRequestState::of(m.state)
            }) && after.is_none_or(|a| m.updated_at >= a)
                && before.is_none_or(|b| m.updated_at <= b)
                && labels.iter().all(|l| items::has_label(*k, l))
        })
        .map(|(k, _)| (u64::from(u32::MAX - k.iid), k))
        .collect();
    let page = paginate(ranked, args, "mergeRequests")?;
    Ok(MergeRequestConnection::from_page(Page {
        items: page
            .items
            .into_iter()
            .filter_map(|(c, k)| s.item(k).map(|d| (c, MergeRequest(d))))
            .collect(),
        info: page.info,
        total: page.total,
    }))
}
