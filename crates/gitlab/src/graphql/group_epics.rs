//! `GroupEpics`: one page of a group's EPIC work items.

use cynic::QueryBuilder;

use super::common::PageInfo;
use super::query_text::QueryText;
use super::schema;
use super::work_item::{EpicWorkItem, IssuableState};

/// Variables of [`GroupEpics`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct GroupEpicsVariables {
    /// Group full path.
    pub full_path: cynic::Id,
    /// Page size (≤ 100; 50 by default).
    pub first: i32,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
    /// Only epics in this state.
    pub state: Option<IssuableState>,
    /// Only epics updated after this RFC 3339 time.
    pub updated_after: Option<super::Time>,
}

/// `group(fullPath) { workItems(types: [EPIC], …) }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "GroupEpicsVariables")]
pub struct GroupEpics {
    /// The group, `None` when not visible.
    #[arguments(fullPath: $full_path)]
    pub group: Option<Group>,
}

/// The group holding the listing.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "GroupEpicsVariables")]
pub struct Group {
    /// The page of epics.
    #[arguments(types: [EPIC], first: $first, after: $after, state: $state, updatedAfter: $updated_after)]
    pub work_items: Option<WorkItemConnection>,
}

/// A page of epics.
#[derive(cynic::QueryFragment, Debug)]
pub struct WorkItemConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The epics (decoded one by one by callers).
    pub nodes: Option<Vec<Option<EpicWorkItem>>>,
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["group", "workItems"];

/// Builds the operation for one page.
pub fn build(variables: GroupEpicsVariables) -> cynic::Operation<GroupEpics, GroupEpicsVariables> {
    static QUERY: QueryText = QueryText::new();
    QUERY.operation(variables, GroupEpics::build)
}
