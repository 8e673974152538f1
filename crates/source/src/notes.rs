//! Note objects (spec §4.8), their flattening, and the completion of overflowing discussions.

use connector_core::json_str::{WriteJson, write_json_str};
use connector_core::json_text::JsonText;
use gitlab_client::GitlabClient;
use gitlab_client::graphql::common::{Discussion, Note};
use gitlab_client::graphql::discussion_notes;

use crate::body::BodyPart;
use crate::emit::Problems;
use crate::listing::{extend_unique, follow_up, walk};

/// One note as the reference stores it: `id body created_at updated_at system author
/// author_name` and, for diff notes, `position`. A deleted author gives `null`s. Written
/// straight from the decoded note (no copies), keys in the sorted order the reference's
/// dictionaries had in earlier versions, so content hashes stay the same.
#[derive(Debug)]
pub(crate) struct NoteObject<'a>(&'a Note);

impl WriteJson for NoteObject<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let note = self.0;
        let author = note.author.as_ref();
        out.extend_from_slice(b"{\"author\":");
        author.map(|user| user.username.as_str()).write_json(out);
        out.extend_from_slice(b",\"author_name\":");
        author.map(|user| user.name.as_str()).write_json(out);
        out.extend_from_slice(b",\"body\":");
        note.body.write_json(out);
        out.extend_from_slice(b",\"created_at\":");
        write_json_str(out, &note.created_at);
        out.extend_from_slice(b",\"id\":");
        write_json_str(out, &note.id);
        if let Some(position) = &note.position {
            out.extend_from_slice(b",\"position\":{\"new_line\":");
            position.new_line.write_json(out);
            out.extend_from_slice(b",\"new_path\":");
            position.new_path.as_deref().write_json(out);
            out.extend_from_slice(b",\"old_line\":");
            position.old_line.write_json(out);
            out.extend_from_slice(b",\"old_path\":");
            position.old_path.as_deref().write_json(out);
            out.extend_from_slice(b",\"position_type\":");
            write_json_str(out, position.position_type.as_str());
            out.push(b'}');
        }
        out.extend_from_slice(b",\"system\":");
        note.system.write_json(out);
        out.extend_from_slice(b",\"updated_at\":");
        write_json_str(out, &note.updated_at);
        out.push(b'}');
    }
}

/// Every note of every discussion, discussions in API order, notes in order within each;
/// written as the document's `notes` array.
pub(crate) struct NoteObjects<'a>(pub(crate) &'a [Discussion]);

impl WriteJson for NoteObjects<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (index, note) in self
            .0
            .iter()
            .flat_map(Discussion::notes_in_order)
            .enumerate()
        {
            if index > 0 {
                out.push(b',');
            }
            NoteObject(note).write_json(out);
        }
        out.push(b']');
    }
}

/// About how many bytes the fields of a work item or merge request take: its text (`body`
/// holds the title, description and note bodies), each note's other members, and the rest.
pub(crate) fn field_bytes(body: &JsonText, discussions: &[Discussion]) -> usize {
    const PER_NOTE: usize = 256;
    const OTHER_FIELDS: usize = 1024;
    let notes: usize = discussions.iter().map(|d| d.notes_in_order().count()).sum();
    body.json_len() + notes * PER_NOTE + OTHER_FIELDS
}

/// Note bodies, for the searchable `body` (system notes left out: they are noise for search).
pub(crate) fn searchable_bodies(
    discussions: &[Discussion],
) -> impl Iterator<Item = Option<BodyPart<'_>>> + Clone {
    discussions
        .iter()
        .flat_map(Discussion::notes_in_order)
        .filter(|note| !note.system)
        .map(|note| Some(BodyPart::from(&note.body)))
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
        let Some(first_note) = discussion.first_note_id().map(str::to_owned) else {
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
        if let Some(notes) = problems.settle::<Note>(&label, "note", result) {
            let list = discussion.notes.nodes.get_or_insert_with(Vec::new);
            extend_unique(list, notes.into_iter().map(Some).collect(), |n| {
                n.as_ref().map(|n| n.id.clone())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn discussions() -> Vec<Discussion> {
        serde_json::from_value(json!([
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
        ]))
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
