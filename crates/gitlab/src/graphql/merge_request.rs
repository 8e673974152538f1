//! The `MergeRequest` field set of [`super::project_merge_requests`].

use super::common::{
    DiscussionConnection, LabelConnection, MergeRequestAssignee, MergeRequestAuthor,
    MergeRequestReviewer, PageInfo, UserCore, UserCoreConnection,
};
use super::long_text::LongText;
use super::schema;
use super::text::Text;

/// GitLab's `MergeRequestState`; unknown values are kept verbatim.
#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(rename_all = "lowercase")]
pub enum MergeRequestState {
    /// `merged`
    Merged,
    /// `opened`
    Opened,
    /// `closed`
    Closed,
    /// `locked`
    Locked,
    /// `all`
    All,
    /// A value this schema does not know.
    #[cynic(fallback)]
    Other(String),
}

impl MergeRequestState {
    /// The value as GitLab spells it.
    pub fn as_str(&self) -> &str {
        match self {
            MergeRequestState::Merged => "merged",
            MergeRequestState::Opened => "opened",
            MergeRequestState::Closed => "closed",
            MergeRequestState::Locked => "locked",
            MergeRequestState::All => "all",
            MergeRequestState::Other(value) => value,
        }
    }
}

/// A merge request with the fields of `ENDPOINTS.md` ("MergeRequest"); nested lists 100 wide.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequest {
    /// Global id (`gid://gitlab/MergeRequest/1`), used by follow-ups.
    pub id: cynic::Id,
    /// Number within the project (GitLab sends a string).
    pub iid: Text,
    /// Title (written to `title` and `body` as sent).
    pub title: LongText,
    /// Description (Markdown).
    pub description: Option<LongText>,
    /// `opened` / `closed` / `merged` / `locked`.
    pub state: MergeRequestState,
    /// Creation time.
    pub created_at: Text,
    /// Last update time.
    pub updated_at: Text,
    /// Merge time.
    pub merged_at: Option<Text>,
    /// Close time.
    pub closed_at: Option<Text>,
    /// Web URL.
    pub web_url: Option<Text>,
    /// Source branch.
    pub source_branch: Text,
    /// Target branch.
    pub target_branch: Text,
    /// Number of user notes.
    pub user_notes_count: Option<i32>,
    /// Author.
    pub author: Option<MergeRequestAuthor>,
    /// Who merged it.
    pub merge_user: Option<UserCore>,
    /// First page of assignees.
    #[arguments(first: 100)]
    pub assignees: Option<MergeRequestAssigneeConnection>,
    /// First page of reviewers.
    #[arguments(first: 100)]
    pub reviewers: Option<MergeRequestReviewerConnection>,
    /// First page of approvers.
    #[arguments(first: 100)]
    pub approved_by: Option<UserCoreConnection>,
    /// First page of labels.
    #[arguments(first: 100)]
    pub labels: Option<LabelConnection>,
    /// First page of discussions.
    #[arguments(first: 100)]
    pub discussions: DiscussionConnection,
}

/// A page of assignees.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequestAssigneeConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The assignees.
    pub nodes: Option<Vec<Option<MergeRequestAssignee>>>,
}

/// A page of reviewers.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequestReviewerConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The reviewers.
    pub nodes: Option<Vec<Option<MergeRequestReviewer>>>,
}
