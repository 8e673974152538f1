//! Fragments shared by several operations: page info, people, labels, notes, discussions.

use std::borrow::Cow;

use super::long_text::LongText;
use super::rendered_notes::{NoteView, RenderedNotes};
use super::schema;
use super::text::Text;

/// `pageInfo { hasNextPage endCursor }` of any connection.
#[derive(cynic::QueryFragment, Debug, Clone, Default)]
pub struct PageInfo {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// Cursor to pass as `after` for the next page (a [`Text`]: every nested connection of a
    /// page has one, and the short ones need no allocation).
    pub end_cursor: Option<Text>,
}

impl PageInfo {
    /// The cursor of the next page, when there is one.
    pub fn next_cursor(&self) -> Option<&str> {
        match (self.has_next_page, &self.end_cursor) {
            (true, Some(cursor)) if !cursor.is_empty() => Some(cursor.as_str()),
            _ => None,
        }
    }
}

/// A user as most of GitLab's schema exposes it (`username name`).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct UserCore {
    /// Login name.
    pub username: Text,
    /// Display name.
    pub name: Text,
}

/// A merge request assignee (`username name`).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequestAssignee {
    /// Login name.
    pub username: Text,
    /// Display name.
    pub name: Text,
}

/// A merge request reviewer (`username name`).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequestReviewer {
    /// Login name.
    pub username: Text,
    /// Display name.
    pub name: Text,
}

/// A merge request author (`username name`).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct MergeRequestAuthor {
    /// Login name.
    pub username: Text,
    /// Display name.
    pub name: Text,
}

/// A label (`title`).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Label {
    /// The label's title.
    pub title: Text,
}

/// The diff position of a note on a merge request diff.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct DiffPosition {
    /// Line in the new file.
    pub new_line: Option<i32>,
    /// Line in the old file.
    pub old_line: Option<i32>,
    /// Path in the new version.
    pub new_path: Option<Text>,
    /// Path in the old version.
    pub old_path: Option<Text>,
    /// `text`, `image` or `file`.
    pub position_type: DiffPositionType,
}

/// GitLab's `DiffPositionType`; unknown values are kept verbatim.
#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(rename_all = "lowercase")]
pub enum DiffPositionType {
    /// `text`
    Text,
    /// `image`
    Image,
    /// `file`
    File,
    /// A value this schema does not know.
    #[cynic(fallback)]
    Other(String),
}

/// What is asked of a note (comment) of an issue, merge request or epic. Pages are not decoded
/// into it but into [`RenderedNotes`], which writes each note as a document's note object while
/// decoding it.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Note {
    /// Global id (`gid://gitlab/Note/1`, `…/DiffNote/2`).
    pub id: Text,
    /// Markdown body.
    pub body: LongText,
    /// Creation time.
    pub created_at: Text,
    /// Last update time.
    pub updated_at: Text,
    /// Whether GitLab generated the note ("changed the label …").
    pub system: bool,
    /// Author; `None` for deleted users.
    pub author: Option<UserCore>,
    /// Diff position, for diff notes.
    pub position: Option<DiffPosition>,
}

/// A page of notes. Its selection is written out below rather than derived: cynic's derive
/// wants the `nodes` field's Rust type to spell out the list's shape, and these nodes decode
/// into [`RenderedNotes`].
#[derive(serde::Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct NoteConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The notes, written as document note objects (`None` when GitLab sent `null`).
    pub nodes: Option<RenderedNotes>,
}

/// `pageInfo { … } nodes { …the fields of [`Note`]… }`, checked against the schema like a
/// derived selection (the field markers and types must match it).
impl cynic::QueryFragment for NoteConnection {
    type SchemaType = schema::NoteConnection;
    type VariablesFields = ();
    const TYPE: Option<&'static str> = Some("NoteConnection");

    fn query(
        mut builder: cynic::queries::SelectionBuilder<'_, Self::SchemaType, Self::VariablesFields>,
    ) {
        use schema::__fields::NoteConnection as fields;
        let mut page_info = builder
            .select_field::<fields::pageInfo, <PageInfo as cynic::QueryFragment>::SchemaType>();
        <PageInfo as cynic::QueryFragment>::query(page_info.select_children());
        let mut nodes = builder.select_field::<
            fields::nodes,
            <Option<Vec<Option<Note>>> as cynic::QueryFragment>::SchemaType,
        >();
        <Option<Vec<Option<Note>>> as cynic::QueryFragment>::query(nodes.select_children());
    }
}

/// A discussion (thread) with the first page of its notes. Its own id is not asked for: a
/// document keeps only the notes (spec §4.8), and a discussion is told apart by its first
/// note ([`Discussion::first_note_id`]).
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct Discussion {
    /// First page of notes (width 50, the reference's nested width for work items).
    #[arguments(first: 50)]
    pub notes: NoteConnection,
}

impl Discussion {
    /// The id of the discussion's first note: a discussion's identity (GitLab deletes a
    /// discussion with its last note).
    pub fn first_note_id(&self) -> Option<Cow<'_, str>> {
        self.notes_in_order().next().map(|note| note.id())
    }

    /// The notes, in API order (`null` entries dropped).
    pub fn notes_in_order(&self) -> impl Iterator<Item = NoteView<'_>> + Clone {
        self.notes.nodes.iter().flat_map(RenderedNotes::iter)
    }
}

/// A page of discussions.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct DiscussionConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The discussions.
    pub nodes: Option<Vec<Option<Discussion>>>,
}

/// A page of users.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct UserCoreConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The users.
    pub nodes: Option<Vec<Option<UserCore>>>,
}

/// A page of labels.
#[derive(cynic::QueryFragment, Debug, Clone)]
pub struct LabelConnection {
    /// Paging state.
    pub page_info: PageInfo,
    /// The labels.
    pub nodes: Option<Vec<Option<Label>>>,
}
