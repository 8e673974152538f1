//! `Discussion`, `Note`, `DiffPosition`.

use async_graphql::{Context, Object, Result};

use crate::data::notes::{self, DiscussionKey, NoteData, NoteKey, Position};

use super::enums::DiffPositionType;
use super::page::{PageArgs, connection, paginate_list};
use super::scalars::{DiscussionId, NoteId, Time};
use super::store;
use super::users::UserCore;

/// `Discussion`.
#[derive(Debug, Clone)]
pub struct Discussion {
    /// Identity.
    pub key: DiscussionKey,
    /// Creation time of the owning item (anchors note times).
    pub item_created: i64,
}

impl Discussion {
    fn note(&self, index: u32) -> Note {
        Note(notes::note(
            NoteKey {
                discussion: self.key,
                index,
            },
            self.item_created,
        ))
    }
}

#[Object(name = "Discussion")]
impl Discussion {
    /// Global id.
    async fn id(&self) -> DiscussionId {
        DiscussionId(self.key.global_id())
    }
    /// Reply id (same as id).
    async fn reply_id(&self) -> DiscussionId {
        DiscussionId(self.key.global_id())
    }
    /// Creation time (of the first note).
    async fn created_at(&self) -> Time {
        Time::at(self.note(0).0.created_at)
    }
    /// Whether the discussion can be resolved.
    async fn resolvable(&self) -> bool {
        self.key.is_diff()
    }
    /// Whether it is resolved.
    async fn resolved(&self) -> bool {
        false
    }
    /// Notes of the discussion, oldest first.
    async fn notes(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<NoteConnection> {
        let all: Vec<Note> = (0..notes::note_count(self.key))
            .map(|i| self.note(i))
            .collect();
        let page = paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "notes",
        )?;
        Ok(NoteConnection::from_page(page))
    }
}

connection!(
    DiscussionConnection,
    "DiscussionConnection",
    DiscussionEdge,
    "DiscussionEdge",
    Discussion
);

/// `Note`.
#[derive(Debug, Clone)]
pub struct Note(pub NoteData);

#[Object(name = "Note")]
impl Note {
    /// Global id (`Note` or `DiffNote`).
    async fn id(&self) -> NoteId {
        NoteId(self.0.key.global_id())
    }
    /// Markdown body.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Creation time.
    async fn created_at(&self) -> Time {
        Time::at(self.0.created_at)
    }
    /// Last update.
    async fn updated_at(&self) -> Time {
        Time::at(self.0.updated_at)
    }
    /// System note.
    async fn system(&self) -> bool {
        self.0.system
    }
    /// Internal note.
    async fn internal(&self) -> Option<bool> {
        Some(false)
    }
    /// Resolvable.
    async fn resolvable(&self) -> bool {
        self.0.position.is_some()
    }
    /// Resolved.
    async fn resolved(&self) -> bool {
        false
    }
    /// Author; null for a deleted user.
    async fn author(&self) -> Option<UserCore> {
        self.0.author.map(UserCore::of)
    }
    /// Diff position (diff notes only).
    async fn position(&self) -> Option<DiffPosition> {
        self.0.position.clone().map(DiffPosition)
    }
    /// The discussion this note belongs to.
    async fn discussion(&self, ctx: &Context<'_>) -> Option<Discussion> {
        let item = store(ctx).meta(self.0.key.discussion.item)?;
        Some(Discussion {
            key: self.0.key.discussion,
            item_created: item.created_at,
        })
    }
}

connection!(
    NoteConnection,
    "NoteConnection",
    NoteEdge,
    "NoteEdge",
    Note,
    count
);

/// `DiffPosition`.
#[derive(Debug, Clone)]
pub struct DiffPosition(pub Position);

#[Object(name = "DiffPosition")]
impl DiffPosition {
    /// Path of the file.
    async fn file_path(&self) -> &str {
        &self.0.new_path
    }
    /// Line after the change.
    async fn new_line(&self) -> Option<i32> {
        self.0.new_line
    }
    /// Line before the change.
    async fn old_line(&self) -> Option<i32> {
        self.0.old_line
    }
    /// Path after the change.
    async fn new_path(&self) -> Option<&str> {
        Some(&self.0.new_path)
    }
    /// Path before the change.
    async fn old_path(&self) -> Option<&str> {
        Some(&self.0.old_path)
    }
    /// Position type.
    async fn position_type(&self) -> DiffPositionType {
        DiffPositionType::Text
    }
}

/// Discussions of an item, as a page.
pub fn discussions(
    item: crate::data::items::ItemKey,
    item_created: i64,
    args: &PageArgs,
) -> Result<DiscussionConnection> {
    let all: Vec<Discussion> = (0..notes::discussion_count(item))
        .map(|index| Discussion {
            key: DiscussionKey { item, index },
            item_created,
        })
        .collect();
    Ok(DiscussionConnection::from_page(paginate_list(
        all,
        args,
        "discussions",
    )?))
}
