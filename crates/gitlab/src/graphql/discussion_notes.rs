//! `DiscussionNotes`: further pages of one discussion's notes, addressed through its first note.

use cynic::QueryBuilder;

use super::common::NoteConnection;
use super::query_text::QueryText;
use super::schema;

/// Variables of [`DiscussionNotes`].
#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct DiscussionNotesVariables {
    /// Global id of any note of the discussion (the first one).
    pub note_id: super::NoteId,
    /// Cursor of the page to fetch.
    pub after: Option<String>,
}

/// `note(id) { discussion { id notes(first: 100, after) } }`.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "DiscussionNotesVariables")]
pub struct DiscussionNotes {
    /// The note, `None` when deleted or not visible.
    #[arguments(id: $note_id)]
    pub note: Option<Note>,
}

/// The addressing note.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "DiscussionNotesVariables")]
pub struct Note {
    /// Its discussion.
    pub discussion: Option<Discussion>,
}

/// The discussion with one page of notes.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(variables = "DiscussionNotesVariables")]
pub struct Discussion {
    /// Global id of the discussion.
    pub id: String,
    /// A page of notes.
    #[arguments(first: 100, after: $after)]
    pub notes: NoteConnection,
}

/// Path of the connection inside `data`.
pub const CONNECTION_PATH: &[&str] = &["note", "discussion", "notes"];

/// Builds the operation for one page.
pub fn build(
    note_id: &str,
    after: Option<String>,
) -> cynic::Operation<DiscussionNotes, DiscussionNotesVariables> {
    static QUERY: QueryText = QueryText::new();
    let variables = DiscussionNotesVariables {
        note_id: super::NoteId(note_id.to_owned()),
        after,
    };
    QUERY.operation(variables, DiscussionNotes::build)
}
