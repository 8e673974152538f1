//! Work items (issues and epics) with their widgets, shared by [`super::project_issues`] and
//! [`super::group_epics`].
//!
//! Widgets are requested with `widgets(onlyTypes: …)`, and the widget enums carry a
//! `#[cynic(fallback)]` variant, so widget types added by newer GitLab editions decode as
//! [`IssueWidget::Other`] / [`EpicWidget::Other`] instead of failing.

use super::common::{
    DiscussionConnection, LabelConnection, PageInfo, UserCore, UserCoreConnection,
};
use super::long_text::LongText;
use super::schema;
use super::text::Text;
use super::widgets::Widget;

/// GitLab's `WorkItemState`; unknown values are kept verbatim.
#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
pub enum WorkItemState {
    /// `OPEN`
    Open,
    /// `CLOSED`
    Closed,
    /// A value this schema does not know.
    #[cynic(fallback)]
    Other(String),
}

impl WorkItemState {
    /// The value as GitLab spells it.
    pub fn as_str(&self) -> &str {
        match self {
            WorkItemState::Open => "OPEN",
            WorkItemState::Closed => "CLOSED",
            WorkItemState::Other(value) => value,
        }
    }
}

/// A work item's type (`Issue`, `Epic`, …).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemType {
    /// Type name as GitLab displays it.
    pub name: Text,
}

/// A project work item of type ISSUE, with the description, assignees, labels and notes widgets.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItem {
    /// Global id (`gid://gitlab/WorkItem/1`), used by follow-ups.
    pub id: Text,
    /// Number within the project (GitLab sends a string).
    pub iid: Text,
    /// Title (written to `title` and `body` as sent).
    pub title: LongText,
    /// `OPEN` / `CLOSED`.
    pub state: WorkItemState,
    /// Creation time.
    pub created_at: Text,
    /// Last update time.
    pub updated_at: Text,
    /// Close time.
    pub closed_at: Option<Text>,
    /// Web URL.
    pub web_url: Option<Text>,
    /// Author; `None` for deleted users.
    pub author: Option<UserCore>,
    /// Type name holder.
    pub work_item_type: WorkItemType,
    /// The requested widgets.
    #[arguments(onlyTypes: [DESCRIPTION, ASSIGNEES, LABELS, NOTES])]
    pub widgets: Option<Vec<Widget<IssueWidget>>>,
}

/// A group work item of type EPIC: the issue widgets plus hierarchy and linked items.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(graphql_type = "WorkItem")]
pub struct EpicWorkItem {
    /// Global id (`gid://gitlab/WorkItem/1`), used by follow-ups.
    pub id: Text,
    /// Number within the group (GitLab sends a string).
    pub iid: Text,
    /// Title (written to `title` and `body` as sent).
    pub title: LongText,
    /// `OPEN` / `CLOSED`.
    pub state: WorkItemState,
    /// Creation time.
    pub created_at: Text,
    /// Last update time.
    pub updated_at: Text,
    /// Close time.
    pub closed_at: Option<Text>,
    /// Web URL.
    pub web_url: Option<Text>,
    /// Author; `None` for deleted users.
    pub author: Option<UserCore>,
    /// Type name holder.
    pub work_item_type: WorkItemType,
    /// The requested widgets.
    #[arguments(onlyTypes: [DESCRIPTION, ASSIGNEES, LABELS, NOTES, HIERARCHY, LINKED_ITEMS])]
    pub widgets: Option<Vec<Widget<EpicWidget>>>,
}

/// Widgets of an issue.
#[derive(cynic::InlineFragments, Debug, Clone)]
#[cynic(graphql_type = "WorkItemWidget")]
pub enum IssueWidget {
    /// Description.
    WorkItemWidgetDescription(WorkItemWidgetDescription),
    /// Assignees.
    WorkItemWidgetAssignees(WorkItemWidgetAssignees),
    /// Labels.
    WorkItemWidgetLabels(WorkItemWidgetLabels),
    /// Discussions and notes.
    WorkItemWidgetNotes(WorkItemWidgetNotes),
    /// A widget type this code does not read.
    #[cynic(fallback)]
    Other,
}

/// Widgets of an epic.
#[derive(cynic::InlineFragments, Debug, Clone)]
#[cynic(graphql_type = "WorkItemWidget")]
pub enum EpicWidget {
    /// Description.
    WorkItemWidgetDescription(WorkItemWidgetDescription),
    /// Assignees.
    WorkItemWidgetAssignees(WorkItemWidgetAssignees),
    /// Labels.
    WorkItemWidgetLabels(WorkItemWidgetLabels),
    /// Discussions and notes.
    WorkItemWidgetNotes(WorkItemWidgetNotes),
    /// Parent and children.
    WorkItemWidgetHierarchy(WorkItemWidgetHierarchy),
    /// Linked items.
    WorkItemWidgetLinkedItems(WorkItemWidgetLinkedItems),
    /// A widget type this code does not read.
    #[cynic(fallback)]
    Other,
}

/// The description widget.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetDescription {
    /// Markdown description.
    pub description: Option<LongText>,
}

/// The assignees widget (first 50).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetAssignees {
    /// First page of assignees.
    #[arguments(first: 50)]
    pub assignees: Option<UserCoreConnection>,
}

/// The labels widget (first 50).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetLabels {
    /// First page of labels.
    #[arguments(first: 50)]
    pub labels: Option<LabelConnection>,
}

/// The notes widget (first 50 discussions, each with its first 50 notes).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetNotes {
    /// First page of discussions.
    #[arguments(first: 50)]
    pub discussions: Option<DiscussionConnection>,
}

/// The hierarchy widget (parent and first 50 children).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetHierarchy {
    /// Parent work item.
    pub parent: Option<WorkItemRef>,
    /// First page of children.
    #[arguments(first: 50)]
    pub children: Option<WorkItemRefConnection>,
}

/// The linked-items widget (first 50).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct WorkItemWidgetLinkedItems {
    /// First page of linked items.
    #[arguments(first: 50)]
    pub linked_items: Option<LinkedWorkItemTypeConnection>,
}

/// A reference to another work item (`id iid title`).
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(graphql_type = "WorkItem")]
pub struct WorkItemRef {
    /// Global id.
    pub id: Text,
    /// Number within its namespace.
    pub iid: Text,
    /// Title.
    pub title: Text,
}

/// A page of work-item references.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(graphql_type = "WorkItemConnection")]
pub struct WorkItemRefConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The work items.
    pub nodes: Option<Vec<Option<WorkItemRef>>>,
}

/// One linked item.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct LinkedWorkItemType {
    /// Link id.
    pub link_id: Text,
    /// `relates_to`, `blocks`, `is_blocked_by`.
    pub link_type: Text,
    /// Link creation time.
    pub link_created_at: Text,
    /// Link update time.
    pub link_updated_at: Text,
    /// The linked work item.
    pub work_item: Option<WorkItemRef>,
}

/// A page of linked items.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct LinkedWorkItemTypeConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The linked items.
    pub nodes: Option<Vec<Option<LinkedWorkItemType>>>,
}

/// GitLab's `IssuableState`, the `state` filter of work-item listings.
#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[cynic(rename_all = "lowercase")]
pub enum IssuableState {
    /// `opened`
    Opened,
    /// `closed`
    Closed,
    /// `locked`
    Locked,
    /// `all`
    All,
}

/// Pages of `EpicWorkItem`s are decoded with serde_json (the two listings that dominate a sync,
/// issues and merge requests, have readers of their own: `graphql::readers`).
impl crate::connection::PageNode for EpicWorkItem {}
