//! GitLab enums with GitLab's exact value spellings.

use async_graphql::Enum;

use crate::data::items::State;

/// `IssueType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "IssueType", rename_items = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum IssueType {
    Issue,
    Incident,
    TestCase,
    Requirement,
    Task,
    Ticket,
    Objective,
    KeyResult,
    Epic,
}

/// `IssuableState`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "IssuableState", rename_items = "lowercase")]
#[allow(missing_docs)]
pub enum IssuableState {
    Opened,
    Closed,
    Locked,
    All,
}

impl IssuableState {
    /// Whether a work item in `state` matches this filter.
    pub fn matches(self, state: State) -> bool {
        match self {
            IssuableState::All => true,
            IssuableState::Opened => state == State::Opened,
            IssuableState::Closed => state == State::Closed,
            IssuableState::Locked => state == State::Locked,
        }
    }
}

/// `MergeRequestState`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MergeRequestState", rename_items = "lowercase")]
#[allow(missing_docs)]
pub enum MergeRequestState {
    Merged,
    Opened,
    Closed,
    Locked,
    All,
}

impl MergeRequestState {
    /// From the generated state.
    pub fn of(state: State) -> Self {
        match state {
            State::Opened => MergeRequestState::Opened,
            State::Closed => MergeRequestState::Closed,
            State::Merged => MergeRequestState::Merged,
            State::Locked => MergeRequestState::Locked,
        }
    }
}

/// `WorkItemState`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "WorkItemState", rename_items = "UPPERCASE")]
#[allow(missing_docs)]
pub enum WorkItemState {
    Open,
    Closed,
}

impl WorkItemState {
    /// From the generated state.
    pub fn of(state: State) -> Self {
        if state == State::Opened {
            WorkItemState::Open
        } else {
            WorkItemState::Closed
        }
    }
}

/// `WorkItemWidgetType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "WorkItemWidgetType", rename_items = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum WorkItemWidgetType {
    Assignees,
    Description,
    Hierarchy,
    Labels,
    Milestone,
    Notes,
    StartAndDueDate,
    Notifications,
    CurrentUserTodos,
    AwardEmoji,
    LinkedItems,
    Participants,
    TimeTracking,
    Designs,
    Development,
    CrmContacts,
    EmailParticipants,
    LinkedResources,
    ErrorTracking,
}

/// `DiffPositionType` (lower-case values, as in GitLab).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "DiffPositionType", rename_items = "lowercase")]
#[allow(missing_docs)]
pub enum DiffPositionType {
    Text,
    Image,
    File,
}

/// `ReleaseAssetLinkType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ReleaseAssetLinkType", rename_items = "UPPERCASE")]
#[allow(missing_docs)]
pub enum ReleaseAssetLinkType {
    Other,
    Runbook,
    Package,
    Image,
}

/// `NotesFilterType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "NotesFilterType", rename_items = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum NotesFilterType {
    AllNotes,
    OnlyComments,
    OnlyActivity,
}

/// `WorkItemDiscussionsSort`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(
    name = "WorkItemDiscussionsSort",
    rename_items = "SCREAMING_SNAKE_CASE"
)]
#[allow(missing_docs)]
pub enum WorkItemDiscussionsSort {
    CreatedAsc,
    CreatedDesc,
}

/// `WorkItemRelatedLinkType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "WorkItemRelatedLinkType", rename_items = "UPPERCASE")]
#[allow(missing_docs)]
pub enum WorkItemRelatedLinkType {
    Related,
}

/// `MilestoneStateEnum`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MilestoneStateEnum", rename_items = "lowercase")]
#[allow(missing_docs)]
pub enum MilestoneStateEnum {
    Active,
    Closed,
}
