//! Readers of the hottest listing nodes, work items (issues) and merge requests, with a
//! [`Reader`] instead of serde ([`crate::connection::PageNode`]).
//!
//! Each reader takes an object only when it has exactly the members the query selects, each
//! once and of the selected type; anything else ends the read with [`Unread`] and the page is
//! decoded with serde_json instead. So a reader builds the same item serde would, or none.

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
use crate::json_reader::{Read, Reader, Unread, set_once};

/// A required member's value, or [`Unread`] when the object did not have it.
fn required<T>(slot: Option<T>) -> Read<T> {
    slot.ok_or(Unread)
}

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
    read: impl Fn(&mut Reader<'_>) -> Read<T>,
) -> Read<T> {
    let mut value = None;
    reader.members(|reader, key| {
        if key == name {
            set_once(&mut value, read(reader)?)
        } else {
            Err(Unread)
        }
    })?;
    required(value)
}

impl PageInfo {
    /// Reads `{hasNextPage endCursor}`.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Read<Self> {
        let (mut has_next_page, mut end_cursor) = (None, None);
        reader.members(|reader, key| match key {
            "hasNextPage" => set_once(&mut has_next_page, reader.bool()?),
            "endCursor" => set_once(&mut end_cursor, nullable_text(reader)?),
            _ => Err(Unread),
        })?;
        Ok(PageInfo {
            has_next_page: required(has_next_page)?,
            end_cursor: required(end_cursor)?,
        })
    }
}

/// Reads `{username name}` into any of the user types.
fn user<T>(reader: &mut Reader<'_>, make: fn(Text, Text) -> T) -> Read<T> {
    let (mut username, mut name) = (None, None);
    reader.members(|reader, key| match key {
        "username" => set_once(&mut username, text(reader)?),
        "name" => set_once(&mut name, text(reader)?),
        _ => Err(Unread),
    })?;
    Ok(make(required(username)?, required(name)?))
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
    let (mut page_info, mut nodes) = (None, None);
    reader.members(|reader, key| match key {
        "pageInfo" => set_once(&mut page_info, PageInfo::read(reader)?),
        "nodes" => set_once(&mut nodes, nodes_of(reader)?),
        _ => Err(Unread),
    })?;
    Ok(make(required(page_info)?, required(nodes)?))
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
    let (mut id, mut iid, mut title, mut state) = (None, None, None, None);
    let (mut created_at, mut updated_at, mut closed_at, mut web_url) = (None, None, None, None);
    let (mut author, mut work_item_type, mut widgets) = (None, None, None);
    reader.members(|reader, key| match key {
        "id" => set_once(&mut id, text(reader)?),
        "iid" => set_once(&mut iid, text(reader)?),
        "title" => set_once(&mut title, long_text(reader)?),
        "state" => set_once(&mut state, work_item_state(reader)?),
        "createdAt" => set_once(&mut created_at, text(reader)?),
        "updatedAt" => set_once(&mut updated_at, text(reader)?),
        "closedAt" => set_once(&mut closed_at, nullable_text(reader)?),
        "webUrl" => set_once(&mut web_url, nullable_text(reader)?),
        "author" => set_once(&mut author, reader.nullable(user_core)?),
        "workItemType" => set_once(&mut work_item_type, work_item_type_name(reader)?),
        "widgets" => set_once(
            &mut widgets,
            reader
                .nullable(|reader| reader.list(|reader| issue_widget(reader).map(Widget::new)))?,
        ),
        _ => Err(Unread),
    })?;
    Ok(WorkItem {
        id: required(id)?,
        iid: required(iid)?,
        title: required(title)?,
        state: required(state)?,
        created_at: required(created_at)?,
        updated_at: required(updated_at)?,
        closed_at: required(closed_at)?,
        web_url: required(web_url)?,
        author: required(author)?,
        work_item_type: required(work_item_type)?,
        widgets: required(widgets)?,
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
    let (mut widget, mut members) = (None, 0);
    reader.members(|reader, key| {
        let Some(widget) = &mut widget else {
            if key != "__typename" {
                return Err(Unread);
            }
            widget = Some(issue_widget_of_type(reader.literal()?));
            return Ok(());
        };
        members += 1;
        match (key, widget) {
            (_, IssueWidget::Other) => reader.skip(),
            ("description", IssueWidget::WorkItemWidgetDescription(w)) => {
                w.description = reader.nullable(long_text)?;
                Ok(())
            }
            ("assignees", IssueWidget::WorkItemWidgetAssignees(w)) => {
                w.assignees = reader.nullable(user_core_connection)?;
                Ok(())
            }
            ("labels", IssueWidget::WorkItemWidgetLabels(w)) => {
                w.labels = reader.nullable(label_connection)?;
                Ok(())
            }
            ("discussions", IssueWidget::WorkItemWidgetNotes(w)) => {
                w.discussions = reader.nullable(discussion_connection)?;
                Ok(())
            }
            _ => Err(Unread),
        }
    })?;
    match widget {
        Some(IssueWidget::Other) => Ok(IssueWidget::Other),
        Some(widget) if members == 1 => Ok(widget),
        _ => Err(Unread),
    }
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
    let (mut id, mut iid, mut title, mut description) = (None, None, None, None);
    let (mut state, mut created_at, mut updated_at) = (None, None, None);
    let (mut merged_at, mut closed_at, mut web_url) = (None, None, None);
    let (mut source_branch, mut target_branch, mut user_notes_count) = (None, None, None);
    let (mut author, mut merge_user, mut assignees, mut reviewers) = (None, None, None, None);
    let (mut approved_by, mut labels, mut discussions) = (None, None, None);
    reader.members(|reader, key| match key {
        "id" => set_once(&mut id, cynic::Id::new(text(reader)?.as_str())),
        "iid" => set_once(&mut iid, text(reader)?),
        "title" => set_once(&mut title, long_text(reader)?),
        "description" => set_once(&mut description, reader.nullable(long_text)?),
        "state" => set_once(&mut state, merge_request_state(reader)?),
        "createdAt" => set_once(&mut created_at, text(reader)?),
        "updatedAt" => set_once(&mut updated_at, text(reader)?),
        "mergedAt" => set_once(&mut merged_at, nullable_text(reader)?),
        "closedAt" => set_once(&mut closed_at, nullable_text(reader)?),
        "webUrl" => set_once(&mut web_url, nullable_text(reader)?),
        "sourceBranch" => set_once(&mut source_branch, text(reader)?),
        "targetBranch" => set_once(&mut target_branch, text(reader)?),
        "userNotesCount" => set_once(&mut user_notes_count, reader.nullable(Reader::i32)?),
        "author" => set_once(
            &mut author,
            reader.nullable(|reader| {
                user(reader, |username, name| MergeRequestAuthor {
                    username,
                    name,
                })
            })?,
        ),
        "mergeUser" => set_once(&mut merge_user, reader.nullable(user_core)?),
        "assignees" => set_once(
            &mut assignees,
            reader.nullable(|reader| {
                user_connection(
                    reader,
                    |username, name| MergeRequestAssignee { username, name },
                    |page_info, nodes| MergeRequestAssigneeConnection { page_info, nodes },
                )
            })?,
        ),
        "reviewers" => set_once(
            &mut reviewers,
            reader.nullable(|reader| {
                user_connection(
                    reader,
                    |username, name| MergeRequestReviewer { username, name },
                    |page_info, nodes| MergeRequestReviewerConnection { page_info, nodes },
                )
            })?,
        ),
        "approvedBy" => set_once(&mut approved_by, reader.nullable(user_core_connection)?),
        "labels" => set_once(&mut labels, reader.nullable(label_connection)?),
        "discussions" => set_once(&mut discussions, discussion_connection(reader)?),
        _ => Err(Unread),
    })?;
    Ok(MergeRequest {
        id: required(id)?,
        iid: required(iid)?,
        title: required(title)?,
        description: required(description)?,
        state: required(state)?,
        created_at: required(created_at)?,
        updated_at: required(updated_at)?,
        merged_at: required(merged_at)?,
        closed_at: required(closed_at)?,
        web_url: required(web_url)?,
        source_branch: required(source_branch)?,
        target_branch: required(target_branch)?,
        user_notes_count: required(user_notes_count)?,
        author: required(author)?,
        merge_user: required(merge_user)?,
        assignees: required(assignees)?,
        reviewers: required(reviewers)?,
        approved_by: required(approved_by)?,
        labels: required(labels)?,
        discussions: required(discussions)?,
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
