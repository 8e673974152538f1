//! Issues and epics (spec §4.3, §4.5): widgets gathered into one shape, overflowing nested lists
//! completed with `WorkItemFollowUp`, then one document per work item.

use std::borrow::Cow;

use connector_core::Document;
use gitlab_client::GitlabClient;
use gitlab_client::graphql::common::{Discussion, Label, UserCore};
use gitlab_client::graphql::long_text::LongText;
use gitlab_client::graphql::widgets::Widget;
use gitlab_client::graphql::work_item::{
    EpicWidget, EpicWorkItem, IssueWidget, LinkedWorkItemType, WorkItem, WorkItemRef,
};
use gitlab_client::graphql::work_item_follow_up as fu;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::body::join_body;
use crate::emit::Problems;
use crate::ids::{group_key, work_item_id};
use crate::listing::{extend_unique, follow_up};
use crate::notes::{self, field_bytes};
use crate::values::{NumberOrText, names};

/// One work item with its widgets gathered (absent widgets stay `None`).
#[derive(Debug, Default)]
pub(crate) struct WorkItemData {
    head: Option<WorkItem>,
    description: Option<LongText>,
    assignees: Option<(Vec<UserCore>, Option<String>)>,
    labels: Option<(Vec<Label>, Option<String>)>,
    discussions: Option<(Vec<Discussion>, Option<String>)>,
    hierarchy: Option<Hierarchy>,
    linked: Option<(Vec<LinkedWorkItemType>, Option<String>)>,
}

#[derive(Debug, Default)]
struct Hierarchy {
    parent: Option<WorkItemRef>,
    children: Vec<WorkItemRef>,
    next: Option<String>,
}

/// Where a work item lives.
pub(crate) enum Owner<'a> {
    /// A project: numeric id and full path.
    Project { id: &'a str, path: &'a str },
    /// A group: full path and numeric id.
    Group { path: &'a str, id: Option<&'a str> },
}

fn nodes<T>(nodes: Option<Vec<Option<T>>>) -> Vec<T> {
    nodes.map(gitlab_client::present).unwrap_or_default()
}

impl WorkItemData {
    /// Gathers an issue's widgets.
    pub(crate) fn from_issue(mut item: WorkItem) -> Self {
        let mut data = WorkItemData::default();
        for widget in item
            .widgets
            .take()
            .into_iter()
            .flatten()
            .map(Widget::into_inner)
        {
            match widget {
                IssueWidget::WorkItemWidgetDescription(w) => data.description = w.description,
                IssueWidget::WorkItemWidgetAssignees(w) => data.set_assignees(w.assignees),
                IssueWidget::WorkItemWidgetLabels(w) => data.set_labels(w.labels),
                IssueWidget::WorkItemWidgetNotes(w) => data.set_discussions(w.discussions),
                IssueWidget::Other => {}
            }
        }
        data.head = Some(item);
        data
    }

    /// Gathers an epic's widgets.
    pub(crate) fn from_epic(item: EpicWorkItem) -> Self {
        let mut data = WorkItemData::default();
        for widget in item.widgets.into_iter().flatten().map(Widget::into_inner) {
            match widget {
                EpicWidget::WorkItemWidgetDescription(w) => data.description = w.description,
                EpicWidget::WorkItemWidgetAssignees(w) => data.set_assignees(w.assignees),
                EpicWidget::WorkItemWidgetLabels(w) => data.set_labels(w.labels),
                EpicWidget::WorkItemWidgetNotes(w) => data.set_discussions(w.discussions),
                EpicWidget::WorkItemWidgetHierarchy(w) => {
                    let next = w
                        .children
                        .as_ref()
                        .and_then(|c| c.page_info.next_cursor().map(str::to_owned));
                    data.hierarchy = Some(Hierarchy {
                        parent: w.parent,
                        children: nodes(w.children.and_then(|c| c.nodes)),
                        next,
                    });
                }
                EpicWidget::WorkItemWidgetLinkedItems(w) => {
                    let next = w
                        .linked_items
                        .as_ref()
                        .and_then(|c| c.page_info.next_cursor().map(str::to_owned));
                    data.linked = Some((nodes(w.linked_items.and_then(|c| c.nodes)), next));
                }
                EpicWidget::Other => {}
            }
        }
        data.head = Some(WorkItem {
            id: item.id,
            iid: item.iid,
            title: item.title,
            state: item.state,
            created_at: item.created_at,
            updated_at: item.updated_at,
            closed_at: item.closed_at,
            web_url: item.web_url,
            author: item.author,
            work_item_type: item.work_item_type,
            widgets: None,
        });
        data
    }

    fn set_assignees(
        &mut self,
        connection: Option<gitlab_client::graphql::common::UserCoreConnection>,
    ) {
        let next = connection
            .as_ref()
            .and_then(|c| c.page_info.next_cursor().map(str::to_owned));
        self.assignees = Some((nodes(connection.and_then(|c| c.nodes)), next));
    }

    fn set_labels(&mut self, connection: Option<gitlab_client::graphql::common::LabelConnection>) {
        let next = connection
            .as_ref()
            .and_then(|c| c.page_info.next_cursor().map(str::to_owned));
        self.labels = Some((nodes(connection.and_then(|c| c.nodes)), next));
    }

    fn set_discussions(
        &mut self,
        connection: Option<gitlab_client::graphql::common::DiscussionConnection>,
    ) {
        let next = connection
            .as_ref()
            .and_then(|c| c.page_info.next_cursor().map(str::to_owned));
        self.discussions = Some((nodes(connection.and_then(|c| c.nodes)), next));
    }

    /// Fetches the rest of every nested list that overflowed its first page. The lists are
    /// independent, so their follow-ups run concurrently (a chain of follow-ups would lengthen
    /// the listing's critical path).
    pub(crate) async fn complete(
        &mut self,
        client: &GitlabClient,
        what: &str,
        problems: &mut Problems,
    ) {
        // Few items overflow; the follow-ups' future is large, so it is built (boxed) only
        // for those, and moving every item's future stays cheap.
        if self.overflows() {
            Box::pin(self.complete_lists(client, what, problems)).await;
        }
    }

    /// Whether any nested list (or any discussion's notes) has a next page.
    fn overflows(&self) -> bool {
        fn has_next<T>(list: &Option<(Vec<T>, Option<String>)>) -> bool {
            list.as_ref().is_some_and(|(_, next)| next.is_some())
        }
        has_next(&self.assignees)
            || has_next(&self.labels)
            || has_next(&self.discussions)
            || has_next(&self.linked)
            || self.hierarchy.as_ref().is_some_and(|h| h.next.is_some())
            || self.discussions.as_ref().is_some_and(|(list, _)| {
                list.iter()
                    .any(|d| d.notes.page_info.next_cursor().is_some())
            })
    }

    async fn complete_lists(&mut self, client: &GitlabClient, what: &str, problems: &mut Problems) {
        let Some(id) = self.head.as_ref().map(|h| h.id.clone()) else {
            return;
        };
        let ctx = FollowUpCtx {
            client,
            what,
            id: &id,
        };
        let WorkItemData {
            assignees,
            labels,
            discussions,
            hierarchy,
            linked,
            ..
        } = self;
        let assignees = async {
            let mut problems = Problems::default();
            if let Some((list, next)) = assignees
                && let Some(more) = ctx
                    .rest::<UserCore, _>(
                        next.take(),
                        fu::assignees::WIDGET,
                        fu::assignees::FIELD,
                        &mut problems,
                        fu::assignees::build,
                    )
                    .await
            {
                extend_unique(list, more, |u| u.username.clone());
            }
            problems
        };
        let labels = async {
            let mut problems = Problems::default();
            if let Some((list, next)) = labels
                && let Some(more) = ctx
                    .rest::<Label, _>(
                        next.take(),
                        fu::labels::WIDGET,
                        fu::labels::FIELD,
                        &mut problems,
                        fu::labels::build,
                    )
                    .await
            {
                extend_unique(list, more, |l| l.title.clone());
            }
            problems
        };
        let discussions = async {
            let mut problems = Problems::default();
            if let Some((list, next)) = discussions {
                if let Some(more) = ctx
                    .rest::<Discussion, _>(
                        next.take(),
                        fu::discussions::WIDGET,
                        fu::discussions::FIELD,
                        &mut problems,
                        fu::discussions::build,
                    )
                    .await
                {
                    extend_unique(list, more, |d| d.first_note_id().map(Cow::into_owned));
                }
                notes::complete_notes(client, what, list, &mut problems).await;
            }
            problems
        };
        let children = async {
            let mut problems = Problems::default();
            if let Some(hierarchy) = hierarchy
                && let Some(more) = ctx
                    .rest::<WorkItemRef, _>(
                        hierarchy.next.take(),
                        fu::children::WIDGET,
                        fu::children::FIELD,
                        &mut problems,
                        fu::children::build,
                    )
                    .await
            {
                extend_unique(&mut hierarchy.children, more, |c| c.id.clone());
            }
            problems
        };
        let linked = async {
            let mut problems = Problems::default();
            if let Some((list, next)) = linked
                && let Some(more) = ctx
                    .rest::<LinkedWorkItemType, _>(
                        next.take(),
                        fu::linked_items::WIDGET,
                        fu::linked_items::FIELD,
                        &mut problems,
                        fu::linked_items::build,
                    )
                    .await
            {
                extend_unique(list, more, |l| l.link_id.clone());
            }
            problems
        };
        let found = futures::join!(assignees, labels, discussions, children, linked);
        for more in <[Problems; 5]>::from(found) {
            problems.absorb(more);
        }
    }

    /// The work item's document, its fields serialized straight from the decoded item.
    pub(crate) fn document(self, owner: &Owner<'_>) -> Option<Document> {
        let head = self.head?;
        let discussions = self.discussions.map(|(d, _)| d).unwrap_or_default();
        let body = join_body(
            [
                Some((&head.title).into()),
                self.description.as_ref().map(Into::into),
            ]
            .into_iter()
            .chain(notes::searchable_bodies(&discussions)),
        );
        let owner_key = match owner {
            Owner::Project { id, .. } => Cow::Borrowed(*id),
            Owner::Group { path, .. } => Cow::Owned(group_key(path)),
        };
        let type_name = head.work_item_type.name;
        let author = head.author.as_ref();
        let id = work_item_id(&type_name, &owner_key, &head.iid);
        let mut doc = Document::with_capacity(id, type_name, field_bytes(&body, &discussions))
            .with_json("iid", NumberOrText(&head.iid))
            .with_json("title", &head.title)
            .with_json("description", self.description.as_ref())
            .with_json("state", head.state.as_str())
            .with_json("created_at", &head.created_at)
            .with_json("updated_at", &head.updated_at)
            .with_json("closed_at", &head.closed_at)
            .with_json("web_url", &head.web_url)
            .with_json("author", author.map(|user| &user.username))
            .with_json("author_name", author.map(|user| &user.name))
            .with_json(
                "assignees",
                names(self.assignees.iter().flat_map(|(users, _)| users), |user| {
                    user.username.as_str()
                }),
            )
            .with_json(
                "labels",
                names(self.labels.iter().flat_map(|(labels, _)| labels), |label| {
                    label.title.as_str()
                }),
            )
            .with_json("notes", notes::NoteObjects(&discussions));
        match owner {
            Owner::Project { id, path } => {
                doc = doc
                    .with_json("project_id", *id)
                    .with_json("project_path", *path);
            }
            Owner::Group { path, id } => {
                doc = doc
                    .with_json("group_id", &*owner_key)
                    .with_json("group_path", *path)
                    .with_json("group_numeric_id", id);
            }
        }
        if let Some(hierarchy) = self.hierarchy {
            if let Some(parent) = hierarchy.parent {
                doc = doc
                    .with_json("parent_epic_iid", NumberOrText(&parent.iid))
                    .with("parent_epic_title", parent.title);
            }
            doc = doc.with("children_count", hierarchy.children.len()).with(
                "children",
                hierarchy
                    .children
                    .into_iter()
                    .map(|c| json!({"id": c.id, "iid": c.iid, "title": c.title}))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some((linked, _)) = self.linked {
            let items: Vec<Value> = linked
                .into_iter()
                .map(|l| {
                    let (id, iid, title) = match l.work_item {
                        Some(w) => (Some(w.id), Some(w.iid), Some(w.title)),
                        None => (None, None, None),
                    };
                    json!({
                        "link_id": l.link_id, "link_type": l.link_type,
                        "link_created_at": l.link_created_at, "link_updated_at": l.link_updated_at,
                        "work_item_id": id, "work_item_iid": iid, "work_item_title": title,
                    })
                })
                .collect();
            doc = doc
                .with("linked_items_count", items.len())
                .with("linked_items", items);
        }
        doc.fields.shrink_to_fit();
        doc.timestamp = Some(head.updated_at.into());
        doc.body = body;
        Some(doc)
    }
}

/// The work item a follow-up is about.
struct FollowUpCtx<'a> {
    client: &'a GitlabClient,
    what: &'a str,
    id: &'a str,
}

impl FollowUpCtx<'_> {
    /// The remaining pages of one widget's list, decoded leniently; `None` when nothing
    /// overflowed or the follow-up failed (recorded in `problems`).
    async fn rest<T: DeserializeOwned, Q>(
        &self,
        cursor: Option<String>,
        widget: &'static str,
        field: &'static str,
        problems: &mut Problems,
        build: fn(&str, Option<String>) -> cynic::Operation<Q, fu::WorkItemFollowUpVariables>,
    ) -> Option<Vec<T>> {
        let (client, what, id) = (self.client, self.what, self.id);
        let cursor = cursor?;
        let label = format!("WorkItemFollowUp {field} {what}");
        let locate = |data: &Value| -> Option<Value> {
            data.get("workItem")?
                .get("widgets")?
                .as_array()?
                .iter()
                .find(|w| w.get("__typename").and_then(Value::as_str) == Some(widget))?
                .get(field)
                .filter(|c| !c.is_null())
                .cloned()
        };
        let result = follow_up(client, &label, &cursor, |after| build(id, after), locate).await;
        problems.settle(&label, field, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue() -> WorkItem {
        serde_json::from_str(include_str!("../tests/data/issue.json"))
            .expect("issue sample decodes")
    }

    #[test]
    fn issue_document_has_reference_fields_and_no_fake_hierarchy() {
        let data = WorkItemData::from_issue(issue());
        let doc = data
            .document(&Owner::Project {
                id: "123",
                path: "acme/app",
            })
            .expect("document");
        assert_eq!(doc.id, "issue_123_7");
        assert_eq!(doc.doc_type, "Issue");
        assert_eq!(doc.timestamp.as_deref(), Some("2024-02-01T00:00:00Z"));
        assert_eq!(doc.fields.value("iid"), 7);
        assert_eq!(doc.fields.value("state"), "OPEN");
        assert_eq!(doc.fields.value("description"), "It crashes.");
        assert_eq!(doc.fields.value("assignees"), json!(["bob"]));
        assert_eq!(doc.fields.value("labels"), json!(["bug", "P1"]));
        assert_eq!(doc.fields.value("author"), "alice");
        assert_eq!(doc.fields.value("project_id"), "123");
        assert_eq!(doc.fields.value("project_path"), "acme/app");
        assert_eq!(doc.fields.value("notes")[0]["author"], Value::Null);
        for absent in [
            "children_count",
            "children",
            "linked_items_count",
            "linked_items",
            "parent_epic_iid",
            "group_path",
        ] {
            assert!(
                !doc.fields.contains_key(absent),
                "{absent} must not be invented for issues"
            );
        }
        assert_eq!(doc.body, "Crash on start\n\nIt crashes.\n\nCan reproduce.");
    }

    #[test]
    fn unknown_widget_types_are_tolerated() {
        let mut raw: Value =
            serde_json::from_str(include_str!("../tests/data/issue.json")).expect("json");
        raw["widgets"]
            .as_array_mut()
            .expect("widgets")
            .push(json!({"__typename": "WorkItemWidgetFromTheFuture", "x": 1}));
        let item: WorkItem =
            serde_json::from_str(&raw.to_string()).expect("unknown widgets decode as Other");
        assert!(matches!(
            item.widgets.as_deref().and_then(<[_]>::last).map(|w| &**w),
            Some(IssueWidget::Other)
        ));
    }

    #[test]
    fn epic_document_has_group_fields_hierarchy_and_links() {
        let epic: EpicWorkItem = serde_json::from_str(include_str!("../tests/data/epic.json"))
            .expect("epic sample decodes");
        let doc = WorkItemData::from_epic(epic)
            .document(&Owner::Group {
                path: "my-group/sub",
                id: Some("42"),
            })
            .expect("document");
        assert_eq!(doc.id, "epic_my-group_sub_12");
        assert_eq!(doc.doc_type, "Epic");
        assert_eq!(doc.fields.value("group_id"), "my-group_sub");
        assert_eq!(doc.fields.value("group_path"), "my-group/sub");
        assert_eq!(doc.fields.value("group_numeric_id"), "42");
        assert_eq!(doc.fields.value("parent_epic_iid"), 3);
        assert_eq!(doc.fields.value("parent_epic_title"), "Vision");
        assert_eq!(doc.fields.value("children_count"), 1);
        assert_eq!(doc.fields.value("children")[0]["iid"], "13");
        assert_eq!(doc.fields.value("linked_items_count"), 1);
        assert_eq!(
            doc.fields.value("linked_items")[0]["work_item_title"],
            "Other"
        );
        assert_eq!(doc.fields.value("notes"), json!([]));
        assert!(!doc.fields.contains_key("project_id"));
        assert_eq!(
            doc.scope(),
            Some(connector_core::ScopeKey::Group {
                group_path: "my-group/sub".into(),
                kind: connector_core::ObjectKind::Epics
            })
        );
    }
}
