//! Note objects (spec §4.8), their flattening, and the completion of overflowing discussions.

use std::borrow::Cow;

use connector_core::json_str::WriteJson;
use connector_core::json_text::JsonText;
use gitlab_client::GitlabClient;
use gitlab_client::graphql::common::Discussion;
use gitlab_client::graphql::discussion_notes;
use gitlab_client::graphql::rendered_notes::RenderedNote;

use crate::body::BodyPart;
use crate::emit::Problems;
use crate::listing::{follow_up, walk};

/// Every note of every discussion, discussions in API order, notes in order within each;
/// written as the document's `notes` array. Each note was written as the reference's note
/// object when its page was decoded ([`gitlab_client::graphql::rendered_notes`]): `id body
/// created_at updated_at system author author_name` and, for diff notes, `position`, keys in the
/// sorted order of the reference's dictionaries.
pub(crate) struct NoteObjects<'a>(pub(crate) &'a [Discussion]);

impl WriteJson for NoteObjects<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        let mut first = true;
        for notes in self.0.iter().filter_map(|d| d.notes.nodes.as_ref()) {
            if notes.is_empty() {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(notes.objects_json().as_bytes());
        }
        out.push(b']');
    }
}

/// About how many bytes the fields of a work item or merge request take: its text (`body`
/// holds the title, description and note bodies), its notes, and the rest.
pub(crate) fn field_bytes(body: &JsonText, discussions: &[Discussion]) -> usize {
    const OTHER_FIELDS: usize = 1024;
    let notes: usize = discussions
        .iter()
        .filter_map(|d| d.notes.nodes.as_ref())
        .map(|notes| notes.objects_json().len() + 1)
        .sum();
    body.json_len() + notes + OTHER_FIELDS
}

/// Note bodies, for the searchable `body` (system notes left out: they are noise for search).
pub(crate) fn searchable_bodies(
    discussions: &[Discussion],
) -> impl Iterator<Item = Option<BodyPart<'_>>> + Clone {
    discussions
        .iter()
        .flat_map(Discussion::notes_in_order)
        .filter(|note| !note.is_system())
        .map(|note| Some(BodyPart::Escaped(note.body())))
}

/// Fetches the remaining notes of every discussion whose first page overflowed, through
/// `note(id) { discussion { notes(after) } }` addressed by the discussion's first note.
pub(crate) async fn complete_notes(
    client: &GitlabClient,
    what: &str,
    discussions: &mut [Discussion],
    problems: &mut Problems,
) {
    for discussion in discussions.iter_mut() {
        let Some(cursor) = discussion.notes.page_info.next_cursor().map(str::to_owned) else {
            continue;
        };
        let Some(first_note) = discussion.first_note_id().map(Cow::into_owned) else {
            continue;
        };
        let label = format!("DiscussionNotes {what}");
        let result = follow_up(
            client,
            &label,
            &cursor,
            |after| discussion_notes::build(&first_note, after),
            |data| walk(data, discussion_notes::CONNECTION_PATH).cloned(),
        )
        .await;
        if let Some(notes) = problems.settle::<RenderedNote>(&label, "note", result) {
            let list = discussion.notes.nodes.get_or_insert_with(Default::default);
            list.append_unique(notes.iter().flat_map(|note| note.0.iter()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn discussions() -> Vec<Discussion> {
        serde_json::from_str(&json!([
            {"id": "d1", "notes": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": [
                {"id": "gid://gitlab/Note/1", "body": "first", "createdAt": "2024-01-01T00:00:00Z",
                 "updatedAt": "2024-01-01T00:00:00Z", "system": false,
                 "author": {"username": "alice", "name": "Alice"}, "position": null},
                {"id": "gid://gitlab/Note/2", "body": "changed the label", "createdAt": "2024-01-02T00:00:00Z",
                 "updatedAt": "2024-01-02T00:00:00Z", "system": true, "author": null, "position": null}
            ]}},
            {"id": "d2", "notes": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": [
                {"id": "gid://gitlab/DiffNote/3", "body": "nit", "createdAt": "2024-01-03T00:00:00Z",
                 "updatedAt": "2024-01-03T00:00:00Z", "system": false,
                 "author": {"username": "bob", "name": "Bob"},
                 "position": {"newLine": 4, "oldLine": null, "newPath": "a.rs", "oldPath": "a.rs", "positionType": "text"}}
            ]}}
        ]).to_string())
        .expect("sample discussions decode")
    }

    #[test]
    fn notes_flatten_in_order_with_the_reference_shape() {
        let discussions = discussions();
        let mut json = Vec::new();
        NoteObjects(&discussions).write_json(&mut json);
        let notes: Value = serde_json::from_slice(&json).expect("notes are JSON");
        assert_eq!(notes.as_array().map(Vec::len), Some(3));
        assert_eq!(
            notes[0],
            json!({"id": "gid://gitlab/Note/1", "body": "first", "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z", "system": false, "author": "alice", "author_name": "Alice"})
        );
        assert_eq!(
            notes[1]["author"],
            Value::Null,
            "a deleted author is null, not a crash"
        );
        assert_eq!(notes[1]["system"], true);
        assert_eq!(
            notes[2]["position"],
            json!({"new_line": 4, "old_line": null, "new_path": "a.rs",
            "old_path": "a.rs", "position_type": "text"})
        );
    }

    #[test]
    fn note_members_are_written_in_the_sorted_order_of_earlier_versions() {
        let discussions = discussions();
        let mut json = Vec::new();
        NoteObjects(&discussions[1..]).write_json(&mut json);
        assert_eq!(
            String::from_utf8(json).expect("UTF-8"),
            r#"[{"author":"bob","author_name":"Bob","body":"nit","created_at":"2024-01-03T00:00:00Z","id":"gid://gitlab/DiffNote/3","position":{"new_line":4,"new_path":"a.rs","old_line":null,"old_path":"a.rs","position_type":"text"},"system":false,"updated_at":"2024-01-03T00:00:00Z"}]"#
        );
    }

    #[test]
    fn system_notes_stay_out_of_the_searchable_text() {
        let discussions = discussions();
        let body = crate::body::join_body(searchable_bodies(&discussions));
        assert_eq!(body, "first\n\nnit");
    }
}
