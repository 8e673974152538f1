//! The `WorkItemWidget` interface and the widget types the connector reads.

use async_graphql::{Context, Interface, Object, Result};

use crate::data::hierarchy;
use crate::data::items::{self, ItemData, ItemKey, Kind, PeopleList};

use super::enums::{
    NotesFilterType, WorkItemDiscussionsSort, WorkItemRelatedLinkType, WorkItemState,
    WorkItemWidgetType,
};
use super::notes::{Discussion, DiscussionConnection};
use super::page::{PageArgs, paginate, paginate_list};
use super::store;
use super::users::{Label, LabelConnection, UserCore, UserCoreConnection};
use super::work_item::{
    LinkedWorkItemType, LinkedWorkItemTypeConnection, WorkItem, WorkItemConnection,
};
use crate::data::notes::{self, DiscussionKey, NoteKey};

/// `WorkItemWidget`.
#[derive(Interface)]
#[graphql(
    name = "WorkItemWidget",
    field(
        name = "type",
        method = "widget_type",
        ty = "Option<WorkItemWidgetType>"
    )
)]
#[allow(clippy::enum_variant_names)]
pub enum WorkItemWidget {
    /// Description.
    Description(WorkItemWidgetDescription),
    /// Assignees.
    Assignees(WorkItemWidgetAssignees),
    /// Labels.
    Labels(WorkItemWidgetLabels),
    /// Notes.
    Notes(WorkItemWidgetNotes),
    /// Hierarchy.
    Hierarchy(WorkItemWidgetHierarchy),
    /// Linked items.
    LinkedItems(WorkItemWidgetLinkedItems),
}

/// The widgets of an item after `onlyTypes` / `exceptTypes`.
pub fn widgets(
    item: &ItemData,
    only: Option<&[WorkItemWidgetType]>,
    except: Option<&[WorkItemWidgetType]>,
) -> Vec<WorkItemWidget> {
    use WorkItemWidgetType as T;
    let key = item.key;
    let all = [
        (
            T::Assignees,
            WorkItemWidget::Assignees(WorkItemWidgetAssignees(key)),
        ),
        (
            T::Description,
            WorkItemWidget::Description(WorkItemWidgetDescription(item.description.clone())),
        ),
        (
            T::Hierarchy,
            WorkItemWidget::Hierarchy(WorkItemWidgetHierarchy(key)),
        ),
        (T::Labels, WorkItemWidget::Labels(WorkItemWidgetLabels(key))),
        (
            T::Notes,
            WorkItemWidget::Notes(WorkItemWidgetNotes {
                key,
                created_at: item.meta.created_at,
            }),
        ),
        (
            T::LinkedItems,
            WorkItemWidget::LinkedItems(WorkItemWidgetLinkedItems(key)),
        ),
    ];
    all.into_iter()
        .filter(|(t, _)| {
            only.is_none_or(|o| o.contains(t)) && !except.is_some_and(|e| e.contains(t))
        })
        .map(|(_, w)| w)
        .collect()
}

/// `WorkItemWidgetDescription`.
pub struct WorkItemWidgetDescription(Option<String>);

#[Object(name = "WorkItemWidgetDescription")]
impl WorkItemWidgetDescription {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::Description)
    }
    /// Markdown description.
    async fn description(&self) -> Option<&str> {
        self.0.as_deref()
    }
    /// Whether it was edited.
    async fn edited(&self) -> bool {
        false
    }
}

/// `WorkItemWidgetAssignees`.
pub struct WorkItemWidgetAssignees(ItemKey);

#[Object(name = "WorkItemWidgetAssignees")]
impl WorkItemWidgetAssignees {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::Assignees)
    }
    /// Assignees.
    async fn assignees(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<UserCoreConnection>> {
        let all = items::people(self.0, PeopleList::Assignees)
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
            "assignees",
        )?)))
    }
    /// Whether several assignees are allowed.
    async fn allows_multiple_assignees(&self) -> Option<bool> {
        Some(true)
    }
}

/// `WorkItemWidgetLabels`.
pub struct WorkItemWidgetLabels(ItemKey);

#[Object(name = "WorkItemWidgetLabels")]
impl WorkItemWidgetLabels {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::Labels)
    }
    /// Labels.
    async fn labels(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<LabelConnection>> {
        let all = items::labels(self.0).into_iter().map(Label).collect();
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
}

/// `WorkItemWidgetNotes`.
pub struct WorkItemWidgetNotes {
    key: ItemKey,
    created_at: i64,
}

#[Object(name = "WorkItemWidgetNotes")]
impl WorkItemWidgetNotes {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::Notes)
    }
    /// Whether discussions are locked.
    async fn discussion_locked(&self) -> Option<bool> {
        Some(false)
    }
    /// Discussions, filtered (`ALL_NOTES`, `ONLY_COMMENTS`, `ONLY_ACTIVITY`) and sorted.
    async fn discussions(
        &self,
        #[graphql(default_with = "NotesFilterType::AllNotes")] filter: NotesFilterType,
        #[graphql(default_with = "WorkItemDiscussionsSort::CreatedAsc")]
        sort: WorkItemDiscussionsSort,
        after: Option<String>,
        first: Option<i32>,
    ) -> Result<Option<DiscussionConnection>> {
        let created = self.created_at;
        let mut all: Vec<Discussion> = (0..notes::discussion_count(self.key))
            .map(|index| Discussion {
                key: DiscussionKey {
                    item: self.key,
                    index,
                },
                item_created: created,
            })
            .filter(|d| {
                let system = notes::note(
                    NoteKey {
                        discussion: d.key,
                        index: 0,
                    },
                    created,
                )
                .system;
                match filter {
                    NotesFilterType::AllNotes => true,
                    NotesFilterType::OnlyComments => !system,
                    NotesFilterType::OnlyActivity => system,
                }
            })
            .collect();
        if sort == WorkItemDiscussionsSort::CreatedDesc {
            all.reverse();
        }
        let page = paginate(
            all.into_iter()
                .enumerate()
                .map(|(i, d)| (i as u64, d))
                .collect(),
            &PageArgs::forward(after, first),
            "discussions",
        )?;
        Ok(Some(DiscussionConnection::from_page(page)))
    }
}

/// `WorkItemWidgetHierarchy`.
pub struct WorkItemWidgetHierarchy(ItemKey);

impl WorkItemWidgetHierarchy {
    fn children_keys(&self, ctx: &Context<'_>) -> Vec<ItemKey> {
        let s = store(ctx);
        let epics = if self.0.kind == Kind::Epic {
            s.epic_count(self.0.owner)
        } else {
            0
        };
        let p0 = s.project(0).map_or(0, |p| p.issue_count);
        hierarchy::children(self.0, epics, p0)
            .into_iter()
            .filter(|k| s.exists(*k))
            .collect()
    }
}

#[Object(name = "WorkItemWidgetHierarchy")]
impl WorkItemWidgetHierarchy {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::Hierarchy)
    }
    /// Parent work item.
    async fn parent(&self, ctx: &Context<'_>) -> Option<WorkItem> {
        hierarchy::parent(self.0).and_then(|k| WorkItem::load(ctx, k))
    }
    /// Whether there is a parent.
    async fn has_parent(&self, ctx: &Context<'_>) -> bool {
        hierarchy::parent(self.0).is_some_and(|k| store(ctx).exists(k))
    }
    /// Whether there are children.
    async fn has_children(&self, ctx: &Context<'_>) -> bool {
        !self.children_keys(ctx).is_empty()
    }
    /// Children.
    async fn children(
        &self,
        ctx: &Context<'_>,
        state: Option<WorkItemState>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<WorkItemConnection>> {
        let s = store(ctx);
        let all: Vec<WorkItem> = self
            .children_keys(ctx)
            .into_iter()
            .filter_map(|k| s.item(k))
            .filter(|d| state.is_none_or(|st| WorkItemState::of(d.meta.state) == st))
            .map(WorkItem)
            .collect();
        Ok(Some(WorkItemConnection::from_page(paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "children",
        )?)))
    }
}

/// `WorkItemWidgetLinkedItems`.
pub struct WorkItemWidgetLinkedItems(ItemKey);

#[Object(name = "WorkItemWidgetLinkedItems")]
impl WorkItemWidgetLinkedItems {
    /// Widget type.
    #[graphql(name = "type")]
    async fn widget_type(&self) -> Option<WorkItemWidgetType> {
        Some(WorkItemWidgetType::LinkedItems)
    }
    /// Linked items.
    async fn linked_items(
        &self,
        ctx: &Context<'_>,
        filter: Option<WorkItemRelatedLinkType>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<LinkedWorkItemTypeConnection>> {
        let s = store(ctx);
        let at = s.meta(self.0).map_or(0, |m| m.created_at);
        let epics = if self.0.kind == Kind::Epic {
            s.epic_count(self.0.owner)
        } else {
            0
        };
        let all = hierarchy::links(self.0, epics)
            .into_iter()
            .filter(|l| s.exists(l.other) && (filter.is_none() || l.link_type == "relates_to"))
            .map(|link| LinkedWorkItemType {
                link,
                at: at + 86_400,
            })
            .collect();
        Ok(Some(LinkedWorkItemTypeConnection::from_page(
            paginate_list(
                all,
                &PageArgs {
                    after,
                    before,
                    first,
                    last,
                },
                "linkedItems",
            )?,
        )))
    }
}
