//! Readers of the hottest listing nodes, work items (issues) and merge requests, with a
//! [`Reader`] instead of serde ([`crate::connection::PageNode`]).
//!
//! Each reader takes an object only when it has exactly the members the query selects, in the
//! query's order (as GraphQL answers, [`Reader::object`]) and of the selected type; anything
//! else ends the read with [`Unread`](crate::json_reader::Unread) and the page is decoded with
//! serde_json instead. So a reader builds the same item serde would, or none.

use super::common::{
    Discussion, DiscussionConnection, Label, LabelConnection, MergeRequestAssignee,
    MergeRequestAuthor, MergeRequestReviewer, NoteConnection, PageInfo, UserCore,
    UserCoreConnection,
};
use super::long_text::LongText;
use super::merge_request::{
    MergeRequest, MergeRequestAssigneeConnection, MergeRequestReviewerConnection, MergeRequestState,
};
use super::rendered_notes::RenderedNotes;
use super::text::Text;
use super::widgets::Widget;
use super::work_item::{
    IssueWidget, WorkItem, WorkItemState, WorkItemType, WorkItemWidgetAssignees,
    WorkItemWidgetDescription, WorkItemWidgetLabels, WorkItemWidgetNotes,
};
use crate::connection::{NodeReader, PageNode};
use crate::json_reader::{Read, Reader};

fn text(reader: &mut Reader<'_>) -> Read<Text> {
    Text::from_literal(reader.string()?)
}

fn nullable_text(reader: &mut Reader<'_>) -> Read<Option<Text>> {
    reader.nullable(text)
}

fn long_text(reader: &mut Reader<'_>) -> Read<LongText> {
    LongText::from_literal(reader.literal()?)
}

/// Reads an object whose one member is `name`, its value with `read`.
fn only_member<T>(
    reader: &mut Reader<'_>,
    name: &str,
    read: impl FnOnce(&mut Reader<'_>) -> Read<T>,
) -> Read<T> {
    reader.object(|object| object.member(name, read))
}

impl PageInfo {
    /// Reads `{hasNextPage endCursor}`.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Read<Self> {
        reader.object(|object| {
            Ok(PageInfo {
                has_next_page: object.member("hasNextPage", Reader::bool)?,
                end_cursor: object.member("endCursor", nullable_text)?,
            })
        })
    }
}

/// Reads `{username name}` into any of the user types.
fn user<T>(reader: &mut Reader<'_>, make: fn(Text, Text) -> T) -> Read<T> {
    reader.object(|object| {
        let username = object.member("username", text)?;
        Ok(make(username, object.member("name", text)?))
    })
}

fn user_core(reader: &mut Reader<'_>) -> Read<UserCore> {
    user(reader, |username, name| UserCore { username, name })
}

fn label(reader: &mut Reader<'_>) -> Read<Label> {
    only_member(reader, "title", text).map(|title| Label { title })
}

/// Reads `{pageInfo nodes}` of a nested connection, its nodes with `nodes_of`.
fn connection<N, C>(
    reader: &mut Reader<'_>,
    nodes_of: impl Fn(&mut Reader<'_>) -> Read<N>,
    make: fn(PageInfo, N) -> C,
) -> Read<C> {
    reader.object(|object| {
        let page_info = object.member("pageInfo", PageInfo::read)?;
        Ok(make(page_info, object.member("nodes", nodes_of)?))
    })
}

/// [`connection`] of a list of nodes, each `null` or read with `node`.
fn list_connection<T, C>(
    reader: &mut Reader<'_>,
    node: impl Fn(&mut Reader<'_>) -> Read<T>,
    make: fn(PageInfo, Option<Vec<Option<T>>>) -> C,
) -> Read<C> {
    connection(reader, |reader| reader.nullable_list(&node), make)
}

/// Reads `{pageInfo nodes}` of a connection of users, each user made with `user_of`.
fn user_connection<U, C>(
    reader: &mut Reader<'_>,
    user_of: fn(Text, Text) -> U,
    make: fn(PageInfo, Option<Vec<Option<U>>>) -> C,
) -> Read<C> {
    list_connection(reader, |reader| user(reader, user_of), make)
}

fn user_core_connection(reader: &mut Reader<'_>) -> Read<UserCoreConnection> {
    user_connection(
        reader,
        |username, name| UserCore { username, name },
        |page_info, nodes| UserCoreConnection { page_info, nodes },
    )
}

fn label_connection(reader: &mut Reader<'_>) -> Read<LabelConnection> {
    list_connection(reader, label, |page_info, nodes| LabelConnection {
        page_info,
        nodes,
    })
}

fn discussion_connection(reader: &mut Reader<'_>) -> Read<DiscussionConnection> {
    list_connection(reader, discussion, |page_info, nodes| {
        DiscussionConnection { page_info, nodes }
    })
}

fn discussion(reader: &mut Reader<'_>) -> Read<Discussion> {
    only_member(reader, "notes", note_connection).map(|notes| Discussion { notes })
}

fn note_connection(reader: &mut Reader<'_>) -> Read<NoteConnection> {
    connection(
        reader,
        |reader| reader.nullable(RenderedNotes::read),
        |page_info, nodes| NoteConnection { page_info, nodes },
    )
}

impl PageNode for WorkItem {
    const READ: Option<NodeReader<Self>> = Some(work_item);
}

/// Reads a work item of `ProjectIssues`.
fn work_item(reader: &mut Reader<'_>) -> Read<WorkItem> {
    reader.object(|object| {
        Ok(WorkItem {
            id: object.member("id", text)?,
            iid: object.member("iid", text)?,
            title: object.member("title", long_text)?,
            state: object.member("state", work_item_state)?,
            created_at: object.member("createdAt", text)?,
            updated_at: object.member("updatedAt", text)?,
            closed_at: object.member("closedAt", nullable_text)?,
            web_url: object.member("webUrl", nullable_text)?,
            author: object.member("author", |reader| reader.nullable(user_core))?,
            work_item_type: object.member("workItemType", work_item_type_name)?,
            widgets: object.member("widgets", |reader| {
                reader
                    .nullable(|reader| reader.list(|reader| issue_widget(reader).map(Widget::new)))
            })?,
        })
    })
}

fn work_item_state(reader: &mut Reader<'_>) -> Read<WorkItemState> {
    Ok(match text(reader)?.as_str() {
        "OPEN" => WorkItemState::Open,
        "CLOSED" => WorkItemState::Closed,
        other => WorkItemState::Other(other.to_owned()),
    })
}

fn work_item_type_name(reader: &mut Reader<'_>) -> Read<WorkItemType> {
    only_member(reader, "name", text).map(|name| WorkItemType { name })
}

/// Reads one widget of an issue: `__typename` first (as the query selects it), then the
/// selected member of that type; a type this code does not read is skipped whole, as cynic's
/// fallback variant does.
fn issue_widget(reader: &mut Reader<'_>) -> Read<IssueWidget> {
    reader.object(|object| {
        let mut widget = issue_widget_of_type(object.member("__typename", Reader::literal)?);
        match &mut widget {
            IssueWidget::Other => object.skip_rest()?,
            IssueWidget::WorkItemWidgetDescription(w) => {
                w.description = object.member("description", |r| r.nullable(long_text))?;
            }
            IssueWidget::WorkItemWidgetAssignees(w) => {
                w.assignees = object.member("assignees", |r| r.nullable(user_core_connection))?;
            }
            IssueWidget::WorkItemWidgetLabels(w) => {
                w.labels = object.member("labels", |r| r.nullable(label_connection))?;
            }
            IssueWidget::WorkItemWidgetNotes(w) => {
                w.discussions =
                    object.member("discussions", |r| r.nullable(discussion_connection))?;
            }
        }
        Ok(widget)
    })
}

/// An empty widget of the type `typename` (a string literal) names; its one member is read next.
fn issue_widget_of_type(typename: &str) -> IssueWidget {
    match &typename[1..typename.len() - 1] {
        "WorkItemWidgetDescription" => {
            IssueWidget::WorkItemWidgetDescription(WorkItemWidgetDescription { description: None })
        }
        "WorkItemWidgetAssignees" => {
            IssueWidget::WorkItemWidgetAssignees(WorkItemWidgetAssignees { assignees: None })
        }
        "WorkItemWidgetLabels" => {
            IssueWidget::WorkItemWidgetLabels(WorkItemWidgetLabels { labels: None })
        }
        "WorkItemWidgetNotes" => {
            IssueWidget::WorkItemWidgetNotes(WorkItemWidgetNotes { discussions: None })
        }
        _ => IssueWidget::Other,
    }
}

impl PageNode for MergeRequest {
    const READ: Option<NodeReader<Self>> = Some(merge_request);
}

/// Reads a merge request of `ProjectMergeRequests`.
fn merge_request(reader: &mut Reader<'_>) -> Read<MergeRequest> {
    reader.object(|object| {
        Ok(MergeRequest {
            id: cynic::Id::new(object.member("id", text)?.as_str()),
            iid: object.member("iid", text)?,
            title: object.member("title", long_text)?,
            description: object.member("description", |r| r.nullable(long_text))?,
            state: object.member("state", merge_request_state)?,
            created_at: object.member("createdAt", text)?,
            updated_at: object.member("updatedAt", text)?,
            merged_at: object.member("mergedAt", nullable_text)?,
            closed_at: object.member("closedAt", nullable_text)?,
            web_url: object.member("webUrl", nullable_text)?,
            source_branch: object.member("sourceBranch", text)?,
            target_branch: object.member("targetBranch", text)?,
            user_notes_count: object.member("userNotesCount", |r| r.nullable(Reader::i32))?,
            author: object.member("author", |reader| {
                reader.nullable(|reader| {
                    user(reader, |username, name| MergeRequestAuthor {
                        username,
                        name,
                    })
                })
            })?,
            merge_user: object.member("mergeUser", |r| r.nullable(user_core))?,
            assignees: object.member("assignees", |reader| {
                reader.nullable(|reader| {
                    user_connection(
                        reader,
                        |username, name| MergeRequestAssignee { username, name },
                        |page_info, nodes| MergeRequestAssigneeConnection { page_info, nodes },
                    )
                })
            })?,
            reviewers: object.member("reviewers", |reader| {
                reader.nullable(|reader| {
                    user_connection(
                        reader,
                        |username, name| MergeRequestReviewer { username, name },
                        |page_info, nodes| MergeRequestReviewerConnection { page_info, nodes },
                    )
                })
            })?,
            approved_by: object.member("approvedBy", |r| r.nullable(user_core_connection))?,
            labels: object.member("labels", |r| r.nullable(label_connection))?,
            discussions: object.member("discussions", discussion_connection)?,
        })
    })
}

fn merge_request_state(reader: &mut Reader<'_>) -> Read<MergeRequestState> {
    Ok(match text(reader)?.as_str() {
        "merged" => MergeRequestState::Merged,
        "opened" => MergeRequestState::Opened,
        "closed" => MergeRequestState::Closed,
        "locked" => MergeRequestState::Locked,
        "all" => MergeRequestState::All,
        other => MergeRequestState::Other(other.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::{project_issues, project_merge_requests};
    use crate::response::both_ways;

    const NOTES: &str = r#"{"pageInfo": {"hasNextPage": false, "endCursor": "eyJpZCI6IjIifQ=="},
        "nodes": [
          {"notes": {"pageInfo": {"hasNextPage": true, "endCursor": null}, "nodes": [
            {"id": "gid://gitlab/Note/1", "body": "a \"quoted\"\nbody caf\u00e9 \ud83d\ude00",
             "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-02T00:00:00Z",
             "system": false, "author": {"username": "ren\u00e9e", "name": "Ren\u00e9e O\u2019Neil"},
             "position": null},
            null,
            {"id": "gid://gitlab/DiffNote/2", "body": "", "createdAt": "2024-01-03T00:00:00Z",
             "updatedAt": "2024-01-03T00:00:00Z", "system": true, "author": null,
             "position": {"newLine": 12, "oldLine": null, "newPath": "src/a b.rs",
                          "oldPath": null, "positionType": "text"}}]}},
          null,
          {"notes": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": null}}]}"#;

    fn issue_page() -> String {
        format!(
            r#"{{"data": {{"project": {{"id": "gid://gitlab/Project/1", "workItems": {{
              "pageInfo": {{"hasNextPage": true, "endCursor": "eyJpZCI6IjUwIn0="}},
              "nodes": [
                {{"id": "gid://gitlab/WorkItem/1", "iid": "1", "title": "a \"quoted\" title \u00e9",
                  "state": "OPEN", "createdAt": "2024-01-01T00:00:00Z",
                  "updatedAt": "2024-01-05T00:00:00Z", "closedAt": null,
                  "webUrl": "https://gitlab.example.com/acme/app/-/issues/1",
                  "author": {{"username": "alice", "name": "Alice \\ Liddell"}},
                  "workItemType": {{"name": "Issue"}},
                  "widgets": [
                    {{"__typename": "WorkItemWidgetAssignees", "assignees": {{
                       "pageInfo": {{"hasNextPage": false, "endCursor": null}},
                       "nodes": [{{"username": "bob", "name": "Bob"}}, null]}}}},
                    {{"__typename": "WorkItemWidgetDescription",
                      "description": "line one\nline two\t\u003cb\u003e"}},
                    {{"__typename": "WorkItemWidgetFromTheFuture", "x": {{"y": [1, -2.5e3, true, null]}}}},
                    {{"__typename": "WorkItemWidgetLabels", "labels": {{
                       "pageInfo": {{"hasNextPage": false, "endCursor": "x"}},
                       "nodes": [{{"title": "bug"}}, {{"title": "area::ui"}}]}}}},
                    {{"__typename": "WorkItemWidgetNotes", "discussions": {NOTES}}}]}},
                null,
                {{"id": "gid://gitlab/WorkItem/2", "iid": "2", "title": "", "state": "CLOSED",
                  "createdAt": "t", "updatedAt": "t", "closedAt": "2024-02-01T00:00:00Z",
                  "webUrl": null, "author": null, "workItemType": {{"name": "Incident"}},
                  "widgets": null}},
                {{"id": "gid://gitlab/WorkItem/3", "iid": "3", "title": "t", "state": "MOVED",
                  "createdAt": "t", "updatedAt": "t", "closedAt": null, "webUrl": null,
                  "author": null, "workItemType": {{"name": "Issue"}},
                  "widgets": [
                    {{"__typename": "WorkItemWidgetDescription", "description": null}},
                    {{"__typename": "WorkItemWidgetLabels", "labels": {{
                       "pageInfo": {{"hasNextPage": false, "endCursor": null}}, "nodes": null}}}},
                    {{"__typename": "WorkItemWidgetNotes", "discussions": null}}]}}]}}}}}},
             "extensions": {{"complexity": 250}}}}"#
        )
    }

    fn merge_request_page() -> String {
        format!(
            r#"{{"data": {{"project": {{"mergeRequests": {{
              "pageInfo": {{"hasNextPage": false, "endCursor": null}},
              "nodes": [
                {{"id": "gid://gitlab/MergeRequest/7", "iid": "7", "title": "Fix \"it\"",
                  "description": "why:\n- because \u2014 yes", "state": "merged",
                  "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-02T00:00:00Z",
                  "mergedAt": "2024-01-02T00:00:00Z", "closedAt": null,
                  "webUrl": "https://gitlab.example.com/acme/app/-/merge_requests/7",
                  "sourceBranch": "fix/it", "targetBranch": "main", "userNotesCount": 3,
                  "author": {{"username": "alice", "name": "Alice"}},
                  "mergeUser": {{"username": "bob", "name": "Bob"}},
                  "assignees": {{"pageInfo": {{"hasNextPage": false, "endCursor": null}},
                                 "nodes": [{{"username": "carol", "name": "Carol"}}]}},
                  "reviewers": {{"pageInfo": {{"hasNextPage": true, "endCursor": "c2"}},
                                 "nodes": [null, {{"username": "dan", "name": "D\u00e1n"}}]}},
                  "approvedBy": {{"pageInfo": {{"hasNextPage": false, "endCursor": null}},
                                  "nodes": []}},
                  "labels": {{"pageInfo": {{"hasNextPage": false, "endCursor": null}},
                              "nodes": [{{"title": "backend"}}]}},
                  "discussions": {NOTES}}},
                {{"id": "gid://gitlab/MergeRequest/8", "iid": "8", "title": "t",
                  "description": null, "state": "reopened_somehow", "createdAt": "t",
                  "updatedAt": "t", "mergedAt": null, "closedAt": null, "webUrl": null,
                  "sourceBranch": "a", "targetBranch": "b", "userNotesCount": null,
                  "author": null, "mergeUser": null, "assignees": null, "reviewers": null,
                  "approvedBy": null, "labels": null,
                  "discussions": {{"pageInfo": {{"hasNextPage": false, "endCursor": null}},
                                   "nodes": []}}}}]}}}}}}}}"#
        )
    }

    #[test]
    fn issue_pages_are_read_by_hand_into_what_serde_decodes() {
        let (fast, serde) = both_ways::<WorkItem>(&issue_page(), project_issues::CONNECTION_PATH);
        assert_eq!(fast.as_deref(), Some(serde.as_str()));
        for expected in [
            r#"Other("MOVED")"#,
            "Incident",
            "WorkItemWidgetFromTheFuture",
            "DiffNote/2",
        ] {
            let shown = expected != "WorkItemWidgetFromTheFuture";
            assert_eq!(serde.contains(expected), shown, "{expected} in {serde}");
        }
    }

    #[test]
    fn merge_request_pages_are_read_by_hand_into_what_serde_decodes() {
        let path = project_merge_requests::CONNECTION_PATH;
        let (fast, serde) = both_ways::<MergeRequest>(&merge_request_page(), path);
        assert_eq!(fast.as_deref(), Some(serde.as_str()));
        assert!(serde.contains(r#"Other("reopened_somehow")"#), "{serde}");
    }

    #[test]
    fn pages_the_readers_do_not_take_are_left_to_serde() {
        let page = issue_page();
        let cases = [
            (
                "a member not selected",
                r#""iid": "2","#,
                r#""iid": "2", "weight": 3,"#,
            ),
            (
                "members out of the query's order",
                r#""iid": "2", "title": "","#,
                r#""title": "", "iid": "2","#,
            ),
            (
                "a member given twice",
                r#""iid": "2","#,
                r#""iid": "2", "iid": "2","#,
            ),
            (
                "a member missing",
                r#""webUrl": null, "author": null, "workItemType": {"name": "Incident"}"#,
                r#""author": null, "workItemType": {"name": "Incident"}"#,
            ),
            (
                "a type name after the widget's members",
                r#"{"__typename": "WorkItemWidgetDescription", "description": null}"#,
                r#"{"description": null, "__typename": "WorkItemWidgetDescription"}"#,
            ),
            (
                "a line that is not an integer",
                r#""newLine": 12"#,
                r#""newLine": 12.0"#,
            ),
            (
                "a node that does not decode",
                r#""iid": "3""#,
                r#""iid": 3"#,
            ),
            (
                "GraphQL errors",
                r#""extensions""#,
                r#""errors": [{"message": "boom"}], "extensions""#,
            ),
            (
                "an escaped key",
                r#""closedAt": "2024"#,
                r#""closed\u0041t": "2024"#,
            ),
        ];
        for (what, from, to) in cases {
            assert!(page.contains(from), "{what}: {from}");
            let changed = page.replacen(from, to, 1);
            let (fast, serde) = both_ways::<WorkItem>(&changed, project_issues::CONNECTION_PATH);
            assert_eq!(fast, None, "{what}");
            assert!(serde.starts_with("Some(Connection"), "{what}: {serde}");
        }
        let (fast, serde) =
            both_ways::<WorkItem>(r#"{"data": {"project": null}}"#, &["project", "workItems"]);
        assert_eq!(fast.as_deref(), Some(serde.as_str()));
        assert_eq!(serde, "None []");
    }
}
