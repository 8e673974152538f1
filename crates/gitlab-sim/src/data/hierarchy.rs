//! Epic hierarchy (parents, children) and linked items.

use super::items::{ItemKey, Kind};

/// How many issues of project 0 are children of epic `acme#1` (so it has more than 100 children).
pub const BIG_EPIC_ISSUE_CHILDREN: u32 = 110;

/// Parent of a work item, if any. Epics `k > 1` with `k % 3 == 0` belong to epic #1 of their
/// group; epic #1 of `acme/platform` belongs to `acme#2` (a cross-group parent); issues
/// 1..=110 of project 0 belong to `acme#1`.
pub fn parent(item: ItemKey) -> Option<ItemKey> {
    match item.kind {
        Kind::Epic if item.iid > 1 && item.iid.is_multiple_of(3) => {
            Some(ItemKey::new(Kind::Epic, item.owner, 1))
        }
        Kind::Epic if item.owner == 1 && item.iid == 1 => Some(ItemKey::new(Kind::Epic, 0, 2)),
        Kind::Issue if item.owner == 0 && item.iid <= BIG_EPIC_ISSUE_CHILDREN => {
            Some(ItemKey::new(Kind::Epic, 0, 1))
        }
        _ => None,
    }
}

/// Children of a work item, given the current epic count of its group and the issue count of
/// project 0 (the caller drops deleted ones).
pub fn children(item: ItemKey, epic_count: u32, project0_issues: u32) -> Vec<ItemKey> {
    if item.kind != Kind::Epic {
        return Vec::new();
    }
    let mut out = Vec::new();
    if item.iid == 1 {
        out.extend(
            (2..=epic_count)
                .filter(|k| k % 3 == 0)
                .map(|k| ItemKey::new(Kind::Epic, item.owner, k)),
        );
        if item.owner == 0 {
            let n = BIG_EPIC_ISSUE_CHILDREN.min(project0_issues);
            out.extend((1..=n).map(|k| ItemKey::new(Kind::Issue, 0, k)));
        }
    }
    if item.owner == 0 && item.iid == 2 {
        out.push(ItemKey::new(Kind::Epic, 1, 1));
    }
    out
}

/// A link between two work items.
#[derive(Debug, Clone)]
pub struct Link {
    /// Numeric link id.
    pub id: u64,
    /// `relates_to`, `blocks` or `is_blocked_by`.
    pub link_type: &'static str,
    /// The other side.
    pub other: ItemKey,
}

/// Linked items of an epic: odd epic `k` relates to `k + 1` (both directions); epic 1 blocks 3.
pub fn links(item: ItemKey, epic_count: u32) -> Vec<Link> {
    if item.kind != Kind::Epic {
        return Vec::new();
    }
    let k = item.iid;
    let id = |a: u32, b: u32| {
        10_000 * (item.owner as u64 + 1) + u64::from(a.min(b)) * 10 + u64::from(a.max(b) % 10)
    };
    let mut out = Vec::new();
    let partner = if k % 2 == 1 { k + 1 } else { k - 1 };
    if partner >= 1 && partner <= epic_count {
        out.push(Link {
            id: id(k, partner),
            link_type: "relates_to",
            other: ItemKey::new(Kind::Epic, item.owner, partner),
        });
    }
    if k == 1 && epic_count >= 3 {
        out.push(Link {
            id: id(1, 3) + 5,
            link_type: "blocks",
            other: ItemKey::new(Kind::Epic, item.owner, 3),
        });
    }
    if k == 3 {
        out.push(Link {
            id: id(1, 3) + 5,
            link_type: "is_blocked_by",
            other: ItemKey::new(Kind::Epic, item.owner, 1),
        });
    }
    out
}
