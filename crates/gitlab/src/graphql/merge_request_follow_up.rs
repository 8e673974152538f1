//! `MergeRequestFollowUp`: further pages of one overflowing nested list of a merge request
//! (`mergeRequest(id) { conn(first: 100, after) }`). The page is at `data.mergeRequest.<FIELD>`.

use super::schema;

/// Page size of every merge-request follow-up.
pub const FOLLOW_UP_PAGE_SIZE: i32 = 100;

/// Variables shared by every merge-request follow-up.
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct MergeRequestFollowUpVariables {
    /// Global id of the merge request.
    pub id: super::MergeRequestId,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
}

macro_rules! merge_request_follow_up {
    ($(#[$doc:meta])* $module:ident, $field:ident, $field_name:literal, $conn:ty) => {
        $(#[$doc])*
        pub mod $module {
            use cynic::QueryBuilder;

            use super::super::schema;
            use super::{MergeRequestFollowUpVariables, MergeRequestFollowUpVariablesFields};

            /// Name of the connection field inside `mergeRequest`.
            pub const FIELD: &str = $field_name;

            /// The operation's root; its name is the operation's name in GitLab's logs.
            #[derive(cynic::QueryFragment, Debug)]
            #[cynic(graphql_type = "Query", variables = "MergeRequestFollowUpVariables")]
            pub struct MergeRequestFollowUp {
                /// The merge request, `None` when gone.
                #[arguments(id: $id)]
                pub merge_request: Option<MergeRequest>,
            }

            /// The merge request with one page of the list.
            #[derive(cynic::QueryFragment, Debug)]
            #[cynic(variables = "MergeRequestFollowUpVariables")]
            pub struct MergeRequest {
                /// One page.
                #[arguments(first: 100, after: $after)]
                pub $field: Option<$conn>,
            }

            /// Builds the operation for one page.
            pub fn build(id: &str, after: Option<String>) -> cynic::Operation<MergeRequestFollowUp, MergeRequestFollowUpVariables> {
                static QUERY: super::super::query_text::QueryText = super::super::query_text::QueryText::new();
                let variables = MergeRequestFollowUpVariables { id: super::super::MergeRequestId(id.to_owned()), after };
                QUERY.operation(variables, MergeRequestFollowUp::build)
            }
        }
    };
}

merge_request_follow_up!(
    /// Further assignees.
    assignees, assignees, "assignees", super::super::merge_request::MergeRequestAssigneeConnection
);
merge_request_follow_up!(
    /// Further reviewers.
    reviewers, reviewers, "reviewers", super::super::merge_request::MergeRequestReviewerConnection
);
merge_request_follow_up!(
    /// Further approvers.
    approved_by, approved_by, "approvedBy", super::super::common::UserCoreConnection
);
merge_request_follow_up!(
    /// Further labels.
    labels, labels, "labels", super::super::common::LabelConnection
);
merge_request_follow_up!(
    /// Further discussions (each with its first notes).
    discussions, discussions, "discussions", super::super::common::DiscussionConnection
);
