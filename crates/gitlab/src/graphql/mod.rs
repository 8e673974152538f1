//! GraphQL operations, written with cynic against the vendored GitLab schema.
//!
//! One operation per file, named after `ENDPOINTS.md`. Each operation's `build` function returns a
//! [`cynic::Operation`] for [`crate::GitlabClient::graphql`]. The typed structs describe the query
//! *and* decode the page: a listing's nodes are decoded in one pass straight from the response
//! body, and only a page with a node in an unexpected shape is read again node by node, so one
//! malformed node never spoils a page ([`crate::GitlabClient::graphql_connection`]). Strings
//! decode into [`text::Text`], which keeps short ones inline, titles and descriptions into
//! [`long_text::LongText`], which keeps them escaped, and notes into
//! [`rendered_notes::RenderedNotes`], written as a document's note objects while decoded.
//!
//! Page sizes: the top-level `first` of every listing is a variable (capped by
//! [`MAX_PAGE_SIZE`]) so a caller can halve it after a complexity or timeout error; nested
//! connections use the fixed widths of the reference (spec §5.2), which are known to pass on
//! gitlab.com.

pub mod common;
pub mod current_user;
pub mod discussion_notes;
pub mod group_epics;
pub mod long_text;
pub mod member_projects;
pub mod merge_request;
pub mod merge_request_follow_up;
pub mod project;
pub mod project_issues;
pub mod project_merge_requests;
pub mod project_releases;
pub mod projects_by_path;
mod query_text;
mod readers;
pub mod rendered_notes;
pub mod text;
pub mod widgets;
pub mod work_item;
pub mod work_item_follow_up;

/// The cynic schema module generated from `schema/gitlab-ce-18.5.graphql`.
///
/// Generated items carry no docs; without the `allow`, rustc emits one `missing_docs` warning
/// per generated item and Cargo caches gigabytes of them.
#[allow(missing_docs)]
#[cynic::schema("gitlab")]
pub mod schema {}

/// GitLab refuses `first` over 100 on any connection.
pub const MAX_PAGE_SIZE: i32 = 100;

/// Top-level page size for projects, merge requests and releases (reference `NODE_SIZE`).
pub const PAGE_SIZE: i32 = 100;

/// Top-level page size for work-item listings (reference `WORK_ITEMS_NODE_SIZE`): work items embed
/// four to six nested connections, so pages are halved to stay under the complexity limit.
pub const WORK_ITEMS_PAGE_SIZE: i32 = 50;

/// `projects(fullPaths:)` accepts at most 50 paths per request (GitLab's documented cap).
pub const FULL_PATHS_BATCH: usize = 50;

/// Implements decoding of a custom GitLab scalar (an id or a time) into a plain `String` for
/// output fields. Variables of these types use the newtypes below, so the query declares them
/// with GitLab's scalar name.
macro_rules! output_scalar_as_string {
    ($($scalar:ident),*) => {
        $(
            impl cynic::schema::IsScalar<schema::$scalar> for String {
                type SchemaType = schema::$scalar;
            }
            impl cynic::coercions::CoercesTo<schema::$scalar> for String {}
        )*
    };
}

output_scalar_as_string!(
    Time,
    WorkItemID,
    NoteID,
    DiscussionID,
    WorkItemsRelatedWorkItemLinkID
);

/// A `Time` variable (RFC 3339), such as `updatedAfter`.
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "Time")]
pub struct Time(pub String);

/// A `WorkItemID` variable (`gid://gitlab/WorkItem/1`).
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "WorkItemID")]
pub struct WorkItemId(pub String);

/// A `MergeRequestID` variable (`gid://gitlab/MergeRequest/1`).
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "MergeRequestID")]
pub struct MergeRequestId(pub String);

/// A `NoteID` variable (`gid://gitlab/Note/1`).
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "NoteID")]
pub struct NoteId(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use cynic::QueryBuilder;

    #[test]
    fn issue_listing_asks_only_for_known_widgets_with_a_variable_page_size() {
        let op = project_issues::build(project_issues::ProjectIssuesVariables {
            full_path: cynic::Id::new("acme/app"),
            first: WORK_ITEMS_PAGE_SIZE,
            after: None,
            state: None,
            label_name: None,
            updated_after: Some(Time("2024-01-01T00:00:00Z".into())),
        });
        let query = op.query.as_str();
        assert!(
            query.contains("workItems(types: [ISSUE], first: $first"),
            "{query}"
        );
        assert!(
            query.contains("widgets(onlyTypes: [DESCRIPTION, ASSIGNEES, LABELS, NOTES])"),
            "{query}"
        );
        assert!(query.contains("$updatedAfter: Time"), "{query}");
        assert!(query.contains("__typename"), "{query}");
    }

    #[test]
    fn a_kept_query_text_serves_later_builds_with_their_own_variables() {
        let build = |after: Option<&str>| merge_request_page(after.map(str::to_owned));
        let (first, second) = (build(None), build(Some("cursor-2")));
        assert_eq!(first.query, second.query);
        assert_eq!(first.operation_name, second.operation_name);
        assert_eq!(second.variables.after.as_deref(), Some("cursor-2"));
        assert_eq!(first.variables.after, None);
        let fresh = project_merge_requests::ProjectMergeRequests::build(second.variables.clone());
        assert_eq!(fresh.query, second.query, "same text as cynic builds");
    }

    fn merge_request_page(
        after: Option<String>,
    ) -> cynic::Operation<
        project_merge_requests::ProjectMergeRequests,
        project_merge_requests::ProjectMergeRequestsVariables,
    > {
        project_merge_requests::build(project_merge_requests::ProjectMergeRequestsVariables {
            full_path: cynic::Id::new("acme/app"),
            first: PAGE_SIZE,
            after,
            state: None,
            label_name: None,
            updated_after: None,
        })
    }

    #[test]
    fn follow_ups_declare_gitlab_id_types_and_stay_within_100() {
        let op =
            work_item_follow_up::discussions::build("gid://gitlab/WorkItem/1", Some("c".into()));
        assert!(
            op.query.starts_with("query WorkItemFollowUp("),
            "named in GitLab's logs: {}",
            op.query
        );
        assert_eq!(op.operation_name.as_deref(), Some("WorkItemFollowUp"));
        assert!(op.query.contains("$id: WorkItemID!"), "{}", op.query);
        assert!(
            op.query.contains("widgets(onlyTypes: [NOTES])"),
            "{}",
            op.query
        );
        assert!(
            op.query.contains("discussions(first: 100, after: $after)"),
            "{}",
            op.query
        );
        let op = merge_request_follow_up::approved_by::build("gid://gitlab/MergeRequest/1", None);
        assert!(
            op.query.starts_with("query MergeRequestFollowUp("),
            "{}",
            op.query
        );
        assert!(op.query.contains("$id: MergeRequestID!"), "{}", op.query);
        assert!(
            op.query.contains("approvedBy(first: 100, after: $after)"),
            "{}",
            op.query
        );
        let op = discussion_notes::build("gid://gitlab/Note/1", None);
        assert!(op.query.contains("$noteId: NoteID!"), "{}", op.query);
    }

    #[test]
    fn epic_listing_asks_for_hierarchy_and_linked_items() {
        let op = group_epics::build(group_epics::GroupEpicsVariables {
            full_path: cynic::Id::new("acme"),
            first: WORK_ITEMS_PAGE_SIZE,
            after: None,
            state: None,
            updated_after: None,
        });
        assert!(op.query.contains("workItems(types: [EPIC]"), "{}", op.query);
        assert!(op.query.contains("HIERARCHY, LINKED_ITEMS"), "{}", op.query);
        assert!(op.query.contains("linkedItems(first: 50)"), "{}", op.query);
    }
}
