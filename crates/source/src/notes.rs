//! Note objects (spec §4.8), their flattening, and the completion of overflowing discussions.

use gitlab_client::GitlabClient;
use gitlab_client::graphql::common::{Discussion, Note};
use gitlab_client::graphql::discussion_notes;
use serde_json::{Map, Value, json};

use crate::emit::Problems;
use crate::listing::{extend_unique, follow_up, walk};

/// The notes of a discussion, in API order (`null` entries dropped).
pub(crate) fn notes_of(discussion: &Discussion) -> impl Iterator<Item = &Note> {
    discussion.notes.nodes.iter().flatten().flatten()
}

/// One note as the reference stores it: `id body created_at updated_at system author
/// author_name` and, for diff notes, `position`. A deleted author gives `null`s. The note's
/// strings move into the object (no copies).
pub(crate) fn note_object(note: Note) -> Value {
    let (author, author_name) = match note.author {
        Some(user) => (Value::String(user.username), Value::String(user.name)),
        None => (Value::Null, Value::Null),
    };
    let mut object = Map::new();
    object.insert("id".into(), Value::String(note.id));
    object.insert("body".into(), Value::String(note.body));
    object.insert("created_at".into(), Value::String(note.created_at));
    object.insert("updated_at".into(), Value::String(note.updated_at));
    object.insert("system".into(), Value::Bool(note.system));
    object.insert("author".into(), author);
    object.insert("author_name".into(), author_name);
    if let Some(position) = note.position {
        object.insert(
            "position".into(),
            json!({
                "new_line": position.new_line,
                "old_line": position.old_line,
                "new_path": position.new_path,
                "old_path": position.old_path,
                "position_type": position.position_type.as_str(),
            }),
        );
    }
    Value::Object(object)
}

/// Every note of every discussion, discussions in API order, notes in order within each.
pub(crate) fn into_objects(discussions: impl IntoIterator<Item = Discussion>) -> Vec<Value> {
    discussions
        .into_iter()
        .flat_map(|discussion| discussion.notes.nodes.into_iter().flatten().flatten())
        .map(note_object)
        .collect()
}

/// Note bodies, for the searchable `body` (system notes left out: they are noise for search).
pub(crate) fn searchable_bodies(discussions: &[Discussion]) -> impl Iterator<Item = Option<&str>> {
    discussions
        .iter()
        .flat_map(notes_of)
        .filter(|note| !note.system)
        .map(|note| Some(note.body.as_str()))
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
        let Some(first_note) = notes_of(discussion).next().map(|n| n.id.clone()) else {
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
        let notes = into_objects(discussions());
        assert_eq!(notes.len(), 3);
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
    fn system_notes_stay_out_of_the_searchable_text() {
        let discussions = discussions();
        let bodies: Vec<_> = searchable_bodies(&discussions).flatten().collect();
        assert_eq!(bodies, ["first", "nit"]);
    }
}
