//! Discussions and notes of an item, addressable by packed numeric ids so that
//! `note(id:)` can find its discussion again.

use super::items::{ItemKey, Kind};
use super::text::{self, hash, paragraph};

/// Identity of a discussion: item plus discussion index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscussionKey {
    /// Owning item.
    pub item: ItemKey,
    /// Index within the item (API order).
    pub index: u32,
}

/// Identity of a note: discussion plus note index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteKey {
    /// Owning discussion.
    pub discussion: DiscussionKey,
    /// Index within the discussion.
    pub index: u32,
}

const DISC_BITS: u64 = 12;
const NOTE_BITS: u64 = 12;
const IID_BITS: u64 = 20;
const OWNER_BITS: u64 = 8;

impl DiscussionKey {
    fn packed(&self) -> u64 {
        let k = match self.item.kind {
            Kind::Issue => 0u64,
            Kind::MergeRequest => 1,
            Kind::Epic => 2,
        };
        (((k << OWNER_BITS | self.item.owner as u64) << IID_BITS | u64::from(self.item.iid))
            << DISC_BITS)
            | u64::from(self.index)
    }

    /// `gid://gitlab/Discussion/<40 hex>`.
    pub fn global_id(&self) -> String {
        format!("gid://gitlab/Discussion/{:040x}", self.packed())
    }

    /// Whether this is a diff discussion (MRs only): its notes are `DiffNote`s with a position.
    pub fn is_diff(&self) -> bool {
        self.item.kind == Kind::MergeRequest && hash(&[self.packed(), 3]).is_multiple_of(3)
    }
}

impl NoteKey {
    /// Numeric part of the note's global id.
    pub fn number(&self) -> u64 {
        self.discussion.packed() << NOTE_BITS | u64::from(self.index)
    }

    /// Inverse of [`NoteKey::number`].
    pub fn from_number(n: u64) -> Option<NoteKey> {
        let mask = |bits: u64| (1u64 << bits) - 1;
        let index = (n & mask(NOTE_BITS)) as u32;
        let rest = n >> NOTE_BITS;
        let disc = (rest & mask(DISC_BITS)) as u32;
        let rest = rest >> DISC_BITS;
        let iid = (rest & mask(IID_BITS)) as u32;
        let rest = rest >> IID_BITS;
        let owner = (rest & mask(OWNER_BITS)) as usize;
        let kind = Kind::from_code(rest >> OWNER_BITS)?;
        Some(NoteKey {
            discussion: DiscussionKey {
                item: ItemKey::new(kind, owner, iid),
                index: disc,
            },
            index,
        })
    }

    /// `gid://gitlab/Note/<n>` or `gid://gitlab/DiffNote/<n>`.
    pub fn global_id(&self) -> String {
        let class = if self.discussion.is_diff() {
            "DiffNote"
        } else {
            "Note"
        };
        format!("gid://gitlab/{class}/{}", self.number())
    }
}

/// Number of discussions of an item.
pub fn discussion_count(item: ItemKey) -> u32 {
    match (item.kind, item.owner, item.iid) {
        (Kind::Issue, 0, 1) => 120,
        (Kind::MergeRequest, 0, 1) => 110,
        (Kind::Epic, 0, 1) => 55,
        _ => (hash(&[item.owner as u64, u64::from(item.iid), 11]) % 4) as u32,
    }
}

/// Number of notes in a discussion.
pub fn note_count(d: DiscussionKey) -> u32 {
    match (d.item.kind, d.item.owner, d.item.iid, d.index) {
        (Kind::Issue, 0, 2, 0) => 120,
        (Kind::MergeRequest, 0, 1, 0) => 130,
        (Kind::Epic, 0, 1, 0) => 60,
        _ => 1 + (hash(&[d.packed(), 5]) % 3) as u32,
    }
}

/// A diff position of a `DiffNote`.
#[derive(Debug, Clone)]
pub struct Position {
    /// Path after the change.
    pub new_path: String,
    /// Path before the change.
    pub old_path: String,
    /// Line after the change.
    pub new_line: Option<i32>,
    /// Line before the change.
    pub old_line: Option<i32>,
}

/// A generated note.
#[derive(Debug, Clone)]
pub struct NoteData {
    /// Identity.
    pub key: NoteKey,
    /// Markdown body.
    pub body: String,
    /// Creation time.
    pub created_at: i64,
    /// Last update.
    pub updated_at: i64,
    /// System note ("changed the label …").
    pub system: bool,
    /// Author user number, `None` for a deleted user.
    pub author: Option<u32>,
    /// Diff position (diff discussions only).
    pub position: Option<Position>,
}

/// Generates a note. `item_created` anchors the timestamps.
pub fn note(key: NoteKey, item_created: i64) -> NoteData {
    let h = hash(&[key.number(), 17]);
    let system = !key.discussion.is_diff() && key.index == 0 && h.is_multiple_of(7);
    let body = if system {
        format!("added ~\"{}\" label", text::label((h >> 8) as u32))
    } else {
        paragraph(h, 1 + (h % 3) as usize)
    };
    let created_at =
        item_created + i64::from(key.discussion.index) * 600 + i64::from(key.index) * 60;
    let position = key.discussion.is_diff().then(|| {
        let line = 1 + (h >> 12) as i32 % 400;
        Position {
            new_path: format!("src/module_{}.rs", h % 9),
            old_path: format!("src/module_{}.rs", h % 9),
            new_line: Some(line),
            old_line: h.is_multiple_of(2).then_some(line),
        }
    });
    NoteData {
        key,
        body,
        created_at,
        updated_at: created_at + (h >> 30) as i64 % 3_600,
        system,
        author: (system || !h.is_multiple_of(13)).then_some((h >> 24) as u32 % text::USER_COUNT),
        position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_numbers_round_trip() {
        let key = NoteKey {
            discussion: DiscussionKey {
                item: ItemKey::new(Kind::Epic, 4, 999_999),
                index: 4000,
            },
            index: 129,
        };
        assert_eq!(NoteKey::from_number(key.number()), Some(key));
    }

    #[test]
    fn some_notes_have_no_author_and_diff_notes_have_positions() {
        let item = ItemKey::new(Kind::MergeRequest, 0, 1);
        let d = DiscussionKey { item, index: 0 };
        let notes: Vec<_> = (0..note_count(d))
            .map(|i| {
                note(
                    NoteKey {
                        discussion: d,
                        index: i,
                    },
                    0,
                )
            })
            .collect();
        assert!(notes.iter().any(|n| n.author.is_none()));
        let diff = (0..discussion_count(item))
            .map(|i| DiscussionKey { item, index: i })
            .find(|d| d.is_diff());
        let diff = diff.expect("a diff discussion");
        assert!(
            note(
                NoteKey {
                    discussion: diff,
                    index: 0
                },
                0
            )
            .position
            .is_some()
        );
    }
}
