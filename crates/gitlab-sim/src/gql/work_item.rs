//! `WorkItem`, `WorkItemType`, `LinkedWorkItemType` and work item listings.

use async_graphql::{Context, Object, Result};

use crate::data::items::{self, ItemData, ItemKey, Kind, State};
use crate::data::world::WEB_BASE;

use super::enums::{IssuableState, IssueType, WorkItemState, WorkItemWidgetType};
use super::page::{PageArgs, connection, paginate};
use super::scalars::{
    Time, WorkItemId, WorkItemsRelatedWorkItemLinkId, WorkItemsTypeId, parse_time_arg,
};
use super::store;
use super::users::UserCore;
use super::widgets::{self, WorkItemWidget};

/// `WorkItem` (issues of projects, epics of groups).
#[derive(Debug, Clone)]
pub struct WorkItem(pub ItemData);

impl WorkItem {
    /// Loads an existing item.
    pub fn load(ctx: &Context<'_>, key: ItemKey) -> Option<WorkItem> {
        store(ctx).item(key).map(WorkItem)
    }
}

/// Web URL of a work item.
pub fn web_url(ctx: &Context<'_>, key: ItemKey) -> Option<String> {
    let s = store(ctx);
    match key.kind {
        Kind::Epic => s
            .groups()
            .get(key.owner)
            .map(|g| format!("{WEB_BASE}/groups/{}/-/epics/{}", g.full_path, key.iid)),
        Kind::Issue => s
            .project(key.owner)
            .map(|p| format!("{}/-/issues/{}", p.web_url(), key.iid)),
        Kind::MergeRequest => s
            .project(key.owner)
            .map(|p| format!("{}/-/merge_requests/{}", p.web_url(), key.iid)),
    }
}

#[Object(name = "WorkItem")]
impl WorkItem {
    /// Global id.
    async fn id(&self) -> WorkItemId {
        WorkItemId(format!(
            "gid://gitlab/WorkItem/{}",
            self.0.key.global_number()
        ))
    }
    /// Internal id (a string, as on GitLab).
    async fn iid(&self) -> String {
        self.0.key.iid.to_string()
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// State.
    async fn state(&self) -> WorkItemState {
        WorkItemState::of(self.0.meta.state)
    }
    /// Confidential flag.
    async fn confidential(&self) -> bool {
        false
    }
    /// Creation time.
    async fn created_at(&self) -> Time {
        Time::at(self.0.meta.created_at)
    }
    /// Last update.
    async fn updated_at(&self) -> Time {
        Time::at(self.0.meta.updated_at)
    }
    /// Closing time.
    async fn closed_at(&self) -> Option<Time> {
        self.0.closed_at().map(Time::at)
    }
    /// Web URL.
    async fn web_url(&self, ctx: &Context<'_>) -> Option<String> {
        web_url(ctx, self.0.key)
    }
    /// Author.
    async fn author(&self) -> Option<UserCore> {
        Some(UserCore::of(self.0.author))
    }
    /// Type (`Issue` or `Epic`, production casing).
    async fn work_item_type(&self) -> WorkItemType {
        WorkItemType(self.0.key.kind)
    }
    /// Widgets, filtered by `onlyTypes` / `exceptTypes`.
    async fn widgets(
        &self,
        only_types: Option<Vec<WorkItemWidgetType>>,
        except_types: Option<Vec<WorkItemWidgetType>>,
    ) -> Option<Vec<WorkItemWidget>> {
        Some(widgets::widgets(
            &self.0,
            only_types.as_deref(),
            except_types.as_deref(),
        ))
    }
}

connection!(
    WorkItemConnection,
    "WorkItemConnection",
    WorkItemEdge,
    "WorkItemEdge",
    WorkItem,
    count
);

/// `WorkItemType`.
#[derive(Debug, Clone)]
pub struct WorkItemType(pub Kind);

#[Object(name = "WorkItemType")]
impl WorkItemType {
    /// Global id.
    async fn id(&self) -> WorkItemsTypeId {
        let n = if self.0 == Kind::Epic { 8 } else { 1 };
        WorkItemsTypeId(format!("gid://gitlab/WorkItems::Type/{n}"))
    }
    /// Name (`Issue`, `Epic`).
    async fn name(&self) -> &'static str {
        if self.0 == Kind::Epic {
            "Epic"
        } else {
            "Issue"
        }
    }
    /// Icon name.
    async fn icon_name(&self) -> Option<&'static str> {
        Some(if self.0 == Kind::Epic {
            "issue-type-epic"
        } else {
            "issue-type-issue"
        })
    }
}

/// `LinkedWorkItemType`.
#[derive(Debug, Clone)]
pub struct LinkedWorkItemType {
    /// The link.
    pub link: crate::data::hierarchy::Link,
    /// Link time.
    pub at: i64,
}

#[Object(name = "LinkedWorkItemType")]
impl LinkedWorkItemType {
    /// Link id.
    async fn link_id(&self) -> WorkItemsRelatedWorkItemLinkId {
        WorkItemsRelatedWorkItemLinkId(format!(
            "gid://gitlab/WorkItems::RelatedWorkItemLink/{}",
            self.link.id
        ))
    }
    /// `relates_to`, `blocks`, `is_blocked_by`.
    async fn link_type(&self) -> &'static str {
        self.link.link_type
    }
    /// Link creation time.
    async fn link_created_at(&self) -> Time {
        Time::at(self.at)
    }
    /// Link update time.
    async fn link_updated_at(&self) -> Time {
        Time::at(self.at)
    }
    /// The linked item.
    async fn work_item(&self, ctx: &Context<'_>) -> Option<WorkItem> {
        WorkItem::load(ctx, self.link.other)
    }
    /// State of the linked item.
    async fn work_item_state(&self, ctx: &Context<'_>) -> WorkItemState {
        let state = store(ctx)
            .meta(self.link.other)
            .map_or(State::Closed, |m| m.state);
        WorkItemState::of(state)
    }
}

connection!(
    LinkedWorkItemTypeConnection,
    "LinkedWorkItemTypeConnection",
    LinkedWorkItemTypeEdge,
    "LinkedWorkItemTypeEdge",
    LinkedWorkItemType
);

/// Filters of `workItems`.
#[derive(Debug, Default)]
pub struct WorkItemFilter {
    /// `types`.
    pub types: Option<Vec<IssueType>>,
    /// `iids`.
    pub iids: Option<Vec<String>>,
    /// `iid`.
    pub iid: Option<String>,
    /// `state`.
    pub state: Option<IssuableState>,
    /// `labelName`.
    pub label_name: Option<Vec<String>>,
    /// `updatedAfter`.
    pub updated_after: Option<Time>,
    /// `updatedBefore`.
    pub updated_before: Option<Time>,
}

/// Lists the work items of the given owners (`(kind, owner)`, in order) with filters.
pub fn list(
    ctx: &Context<'_>,
    owners: &[(Kind, usize)],
    filter: WorkItemFilter,
    args: &PageArgs,
) -> Result<WorkItemConnection> {
    let s = store(ctx);
    let after = filter
        .updated_after
        .as_ref()
        .map(parse_time_arg)
        .transpose()?;
    let before = filter
        .updated_before
        .as_ref()
        .map(parse_time_arg)
        .transpose()?;
    let mut iids: Option<Vec<u32>> = filter
        .iids
        .as_ref()
        .map(|v| v.iter().filter_map(|i| i.parse().ok()).collect());
    if let Some(i) = &filter.iid {
        iids.get_or_insert_with(Vec::new)
            .push(i.parse().unwrap_or(0));
    }
    let mut ranked = Vec::new();
    for (pos, (kind, owner)) in owners.iter().enumerate() {
        let wanted = match kind {
            Kind::Epic => IssueType::Epic,
            _ => IssueType::Issue,
        };
        if filter.types.as_ref().is_some_and(|t| !t.contains(&wanted)) {
            continue;
        }
        for (key, m) in s.item_metas(*kind, *owner) {
            if iids.as_ref().is_some_and(|v| !v.contains(&key.iid)) {
                continue;
            }
            if filter.state.is_some_and(|st| !st.matches(m.state))
                || after.is_some_and(|a| m.updated_at < a)
                || before.is_some_and(|b| m.updated_at > b)
                || filter
                    .label_name
                    .as_ref()
                    .is_some_and(|ls| !ls.iter().all(|l| items::has_label(key, l)))
            {
                continue;
            }
            ranked.push(((pos as u64) << 32 | u64::from(u32::MAX - key.iid), key));
        }
    }
    let page = paginate(ranked, args, "workItems")?;
    let page = super::page::Page {
        items: page
            .items
            .into_iter()
            .filter_map(|(c, k)| s.item(k).map(|d| (c, WorkItem(d))))
            .collect(),
        info: page.info,
        total: page.total,
    };
    Ok(WorkItemConnection::from_page(page))
}
