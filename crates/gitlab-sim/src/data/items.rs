//! Issues, epics and merge requests as pure functions of (kind, owner, iid), plus the people
//! and labels attached to them. Special cases make nested lists overflow one page.

use super::text::{self, EPOCH_BASE, hash, paragraph};

/// Kind of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Project work item of type Issue.
    Issue,
    /// Merge request.
    MergeRequest,
    /// Group work item of type Epic (owner = group index).
    Epic,
}

impl Kind {
    fn code(self) -> u64 {
        match self {
            Kind::Issue => 0,
            Kind::MergeRequest => 1,
            Kind::Epic => 2,
        }
    }

    /// Inverse of the numeric code packed into ids.
    pub fn from_code(c: u64) -> Option<Kind> {
        match c {
            0 => Some(Kind::Issue),
            1 => Some(Kind::MergeRequest),
            2 => Some(Kind::Epic),
            _ => None,
        }
    }
}

/// Identity of an item: kind, owner (project index, or group index for epics) and iid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    /// Kind.
    pub kind: Kind,
    /// Project index (issues, MRs) or group index (epics).
    pub owner: usize,
    /// Internal id, starting at 1.
    pub iid: u32,
}

/// Width of the iid in packed global ids (work items, MRs, notes).
const IID_SPAN: u64 = 1_000_000;

impl ItemKey {
    /// Builds a key.
    pub fn new(kind: Kind, owner: usize, iid: u32) -> Self {
        ItemKey { kind, owner, iid }
    }

    fn seed(&self) -> u64 {
        hash(&[self.kind.code(), self.owner as u64, u64::from(self.iid)])
    }

    /// Numeric part of the global id (`WorkItem/<n>`, `MergeRequest/<n>`).
    pub fn global_number(&self) -> u64 {
        let base = match self.kind {
            Kind::Epic => 500 + self.owner as u64,
            _ => 1 + self.owner as u64,
        };
        base * IID_SPAN + u64::from(self.iid)
    }

    /// Inverse of [`ItemKey::global_number`] for work items (issue vs epic by range).
    pub fn from_work_item_number(n: u64) -> Option<ItemKey> {
        let (base, iid) = (n / IID_SPAN, (n % IID_SPAN) as u32);
        match base {
            0 => None,
            b if b >= 500 => Some(ItemKey::new(Kind::Epic, (b - 500) as usize, iid)),
            b => Some(ItemKey::new(Kind::Issue, (b - 1) as usize, iid)),
        }
    }

    /// Inverse of [`ItemKey::global_number`] for merge requests.
    pub fn from_mr_number(n: u64) -> Option<ItemKey> {
        let (base, iid) = (n / IID_SPAN, (n % IID_SPAN) as u32);
        (1..500)
            .contains(&base)
            .then(|| ItemKey::new(Kind::MergeRequest, (base - 1) as usize, iid))
    }
}

/// Lifecycle state (work items use Opened/Closed only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Open.
    Opened,
    /// Closed.
    Closed,
    /// Merged (MRs).
    Merged,
    /// Locked (MRs).
    Locked,
}

/// Fields cheap enough to compute for every item of a listing (used by filters).
#[derive(Debug, Clone, Copy)]
pub struct ItemMeta {
    /// State.
    pub state: State,
    /// Creation time.
    pub created_at: i64,
    /// Last update.
    pub updated_at: i64,
}

/// Computes the cheap fields of an item.
pub fn meta(key: ItemKey) -> ItemMeta {
    let h = key.seed();
    let created_at = EPOCH_BASE + 86_400 * key.owner as i64 + i64::from(key.iid) * 3_000;
    let updated_at = created_at + (h % 2_592_000) as i64;
    let state = match key.kind {
        Kind::MergeRequest => match (h >> 40) % 10 {
            0..=4 => State::Merged,
            5..=7 => State::Opened,
            8 => State::Closed,
            _ => State::Locked,
        },
        _ if (h >> 40).is_multiple_of(4) => State::Closed,
        _ => State::Opened,
    };
    ItemMeta {
        state,
        created_at,
        updated_at,
    }
}

/// The full scalar fields of an item.
#[derive(Debug, Clone)]
pub struct ItemData {
    /// Identity.
    pub key: ItemKey,
    /// Title.
    pub title: String,
    /// Markdown description.
    pub description: Option<String>,
    /// Cheap fields.
    pub meta: ItemMeta,
    /// Author user number.
    pub author: u32,
}

impl ItemData {
    /// Closing time, when closed or merged.
    pub fn closed_at(&self) -> Option<i64> {
        matches!(self.meta.state, State::Closed | State::Locked).then_some(self.meta.updated_at)
    }

    /// Merge time, when merged.
    pub fn merged_at(&self) -> Option<i64> {
        (self.meta.state == State::Merged).then_some(self.meta.updated_at)
    }

    /// The user who merged, when merged.
    pub fn merge_user(&self) -> Option<u32> {
        (self.meta.state == State::Merged).then(|| (self.key.seed() >> 3) as u32 % text::USER_COUNT)
    }

    /// `feature/<noun>-<iid>`.
    pub fn source_branch(&self) -> String {
        format!("feature/change-{}", self.key.iid)
    }
}

/// Generates the scalar fields of an item (before overlay patches).
pub fn generate(key: ItemKey) -> ItemData {
    let h = key.seed();
    let description = (!h.is_multiple_of(11)).then(|| {
        let kind = match key.kind {
            Kind::Issue => "issue",
            Kind::MergeRequest => "merge request",
            Kind::Epic => "epic",
        };
        format!(
            "## Summary\n\nThis {kind} tracks {}\n\n{}",
            text::title(h >> 5).to_lowercase(),
            paragraph(h, 3)
        )
    });
    ItemData {
        key,
        title: text::title(h),
        description,
        meta: meta(key),
        author: (h >> 20) as u32 % text::USER_COUNT,
    }
}

/// The people and labels lists of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleList {
    /// Assignees.
    Assignees,
    /// Reviewers (MRs).
    Reviewers,
    /// Approvers (MRs).
    ApprovedBy,
}

fn special_len(key: ItemKey, what: u8) -> Option<u32> {
    // Project 0 and group 0 carry the overflow cases.
    if key.owner != 0 {
        return None;
    }
    match (key.kind, key.iid, what) {
        (Kind::Issue, 2, b'l') | (Kind::Issue, 2, b'a') => Some(60),
        (Kind::MergeRequest, 1, b'l') => Some(120),
        (Kind::MergeRequest, 1, b'a') | (Kind::MergeRequest, 1, b'r') => Some(105),
        (Kind::MergeRequest, 1, b'p') => Some(102),
        (Kind::Epic, 1, b'a') => Some(55),
        _ => None,
    }
}

/// User numbers of an item's assignees / reviewers / approvers.
pub fn people(key: ItemKey, list: PeopleList) -> Vec<u32> {
    let tag = match list {
        PeopleList::Assignees => b'a',
        PeopleList::Reviewers => b'r',
        PeopleList::ApprovedBy => b'p',
    };
    if key.kind != Kind::MergeRequest && list != PeopleList::Assignees {
        return Vec::new();
    }
    let h = hash(&[key.seed(), u64::from(tag)]);
    let len = special_len(key, tag).unwrap_or((h % 3) as u32);
    let start = (h >> 16) as u32 % text::USER_COUNT;
    (0..len)
        .map(|i| (start + i * 7) % text::USER_COUNT)
        .collect()
}

/// Label numbers of an item.
pub fn labels(key: ItemKey) -> Vec<u32> {
    let h = hash(&[key.seed(), u64::from(b'l')]);
    let len = special_len(key, b'l').unwrap_or((h % 4) as u32);
    let start = (h >> 16) as u32 % text::LABEL_COUNT;
    (0..len).map(|i| (start + i) % text::LABEL_COUNT).collect()
}

/// Whether the item carries a label with this title.
pub fn has_label(key: ItemKey, title: &str) -> bool {
    labels(key).into_iter().any(|l| text::label(l) == title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_numbers_round_trip() {
        let issue = ItemKey::new(Kind::Issue, 3, 4999);
        assert_eq!(
            ItemKey::from_work_item_number(issue.global_number()),
            Some(issue)
        );
        let epic = ItemKey::new(Kind::Epic, 2, 7);
        assert_eq!(
            ItemKey::from_work_item_number(epic.global_number()),
            Some(epic)
        );
        let mr = ItemKey::new(Kind::MergeRequest, 0, 1);
        assert_eq!(ItemKey::from_mr_number(mr.global_number()), Some(mr));
    }

    #[test]
    fn overflow_cases_exceed_one_page() {
        let mr = ItemKey::new(Kind::MergeRequest, 0, 1);
        assert!(labels(mr).len() > 100);
        assert!(people(mr, PeopleList::Reviewers).len() > 100);
        assert!(people(ItemKey::new(Kind::Issue, 1, 1), PeopleList::Reviewers).is_empty());
    }
}
