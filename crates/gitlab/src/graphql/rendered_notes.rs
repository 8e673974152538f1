//! [`RenderedNotes`]: a page's notes, each written while it is decoded as the JSON object a
//! document keeps (spec §4.8).
//!
//! Notes are most of a work item's or merge request's strings (ten per issue on the simulator,
//! seven members each). Decoded into owned strings, every one of them was found, copied,
//! sometimes allocated, and later escaped again into the document's `notes`. Here each member is
//! only found: its JSON literal, still escaped as GitLab sent it, is copied once into the note's
//! object, and a document copies the objects as they are.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::{self, Write as _};

use connector_core::json_text::{Escaped, string_literal};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::json_reader::{Read, Reader};

/// The notes of one page (a discussion's `notes.nodes` list, `null` entries dropped), in page
/// order, each held as the object a document stores:
/// `{"author","author_name","body","created_at","id"[,"position"],"system","updated_at"}`, keys
/// in the sorted order of the reference's dictionaries (content hashes depend on it), text
/// escaped as GitLab escaped it. A deleted author gives `null`s.
///
/// Decoded from JSON text (`serde_json::from_str` / `from_slice`), whose strings it borrows while
/// decoding; not from a `serde_json::Value`.
#[derive(Clone, Default)]
pub struct RenderedNotes {
    /// The notes' objects, comma-separated: `{…},{…}`.
    objects: Box<str>,
    /// Where each note is in `objects`.
    spans: Box<[NoteSpan]>,
}

/// A [`RenderedNotes`] being written: notes are appended here, then copied out at their exact
/// size.
#[derive(Default)]
struct NotesBuilder {
    objects: String,
    spans: Vec<NoteSpan>,
}

thread_local! {
    /// Where a page's notes lists are written before being copied out: one allocation each for
    /// a list's objects and spans, however many notes it has (growing a list's own buffers
    /// took two or three reallocations a discussion).
    static SCRATCH: RefCell<NotesBuilder> = RefCell::new(NotesBuilder::default());
}

/// Scratch space beyond this is given back after a list (one huge discussion must not hold its
/// memory for the rest of the sync).
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

/// One note's place in [`RenderedNotes::objects`]: its object, and its `id` and `body` literals.
#[derive(Clone, Debug)]
struct NoteSpan {
    object: (usize, usize),
    id: (usize, usize),
    body: (usize, usize),
    system: bool,
}

/// One note of a [`RenderedNotes`].
#[derive(Clone, Copy)]
pub struct NoteView<'a> {
    objects: &'a str,
    span: &'a NoteSpan,
}

impl<'a> NoteView<'a> {
    fn slice(&self, (start, end): (usize, usize)) -> &'a str {
        &self.objects[start..end]
    }

    /// The note's object, as a document stores it.
    pub fn object_json(&self) -> &'a str {
        self.slice(self.span.object)
    }

    /// The global id's JSON literal (`"gid://gitlab/Note/1"`, quotes included): equal for equal
    /// ids, as GitLab writes an id the same way every time.
    pub fn id_literal(&self) -> &'a str {
        self.slice(self.span.id)
    }

    /// The global id (`gid://gitlab/Note/1`, `…/DiffNote/2`).
    pub fn id(&self) -> Cow<'a, str> {
        Escaped::of_literal(self.id_literal()).text()
    }

    /// The Markdown body, still escaped.
    pub fn body(&self) -> Escaped<'a> {
        Escaped::of_literal(self.slice(self.span.body))
    }

    /// Whether GitLab generated the note ("changed the label …").
    pub fn is_system(&self) -> bool {
        self.span.system
    }
}

impl RenderedNotes {
    /// The notes, in page order.
    pub fn iter(&self) -> impl Iterator<Item = NoteView<'_>> + Clone {
        self.spans.iter().map(|span| NoteView {
            objects: &self.objects,
            span,
        })
    }

    /// How many notes there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every note's object, comma-separated (the inside of a `notes` array).
    pub fn objects_json(&self) -> &str {
        &self.objects
    }

    /// Appends the notes of `more` whose id is not here yet (a retried page must never
    /// duplicate notes), copying the list once however many there are.
    pub fn append_unique<'m>(&mut self, more: impl IntoIterator<Item = NoteView<'m>>) {
        let mut builder = NotesBuilder {
            objects: std::mem::take(&mut self.objects).into_string(),
            spans: std::mem::take(&mut self.spans).into_vec(),
        };
        for note in more {
            if !builder
                .spans
                .iter()
                .any(|span| builder.objects[span.id.0..span.id.1] == *note.id_literal())
            {
                builder.push_rendered(note);
            }
        }
        *self = builder.finish();
    }
}

impl NotesBuilder {
    /// Starts the next note's object, returning where it starts. (No room is reserved: the
    /// scratch builder keeps its capacity from list to list.)
    fn start_note(&mut self) -> usize {
        if !self.objects.is_empty() {
            self.objects.push(',');
        }
        self.objects.len()
    }

    /// Appends a note of another list.
    fn push_rendered(&mut self, note: NoteView<'_>) {
        let object = note.object_json();
        let base = self.start_note();
        let (start, _) = note.span.object;
        let shift = |(from, to): (usize, usize)| (from - start + base, to - start + base);
        self.objects.push_str(object);
        self.spans.push(NoteSpan {
            object: shift(note.span.object),
            id: shift(note.span.id),
            body: shift(note.span.body),
            system: note.span.system,
        });
    }

    /// Writes one decoded note's object.
    fn push(&mut self, note: &RawNote<'_>) {
        fn literal<'a>(value: Option<StringLiteral<'a>>) -> &'a str {
            value.map_or("null", |text| text.0)
        }
        let author = note.author.as_ref();
        let (username, name) = (
            literal(author.map(|a| a.username)),
            literal(author.map(|a| a.name)),
        );
        let start = self.start_note();
        let out = &mut self.objects;
        out.push_str("{\"author\":");
        out.push_str(username);
        out.push_str(",\"author_name\":");
        out.push_str(name);
        out.push_str(",\"body\":");
        let body = push_spanned(out, note.body.0);
        out.push_str(",\"created_at\":");
        out.push_str(note.created_at.0);
        out.push_str(",\"id\":");
        let id = push_spanned(out, note.id.0);
        if let Some(position) = &note.position {
            position.write(out);
        }
        out.push_str(",\"system\":");
        out.push_str(if note.system { "true" } else { "false" });
        out.push_str(",\"updated_at\":");
        out.push_str(note.updated_at.0);
        out.push('}');
        let object = (start, out.len());
        self.spans.push(NoteSpan {
            object,
            id,
            body,
            system: note.system,
        });
    }

    /// The notes written so far, copied out at their exact size; the builder is left empty.
    fn finish(&mut self) -> RenderedNotes {
        let notes = RenderedNotes {
            objects: self.objects.as_str().into(),
            spans: self.spans.as_slice().into(),
        };
        self.objects.clear();
        self.spans.clear();
        notes
    }
}

/// Appends `text`, returning where it went.
fn push_spanned(out: &mut String, text: &str) -> (usize, usize) {
    let start = out.len();
    out.push_str(text);
    (start, out.len())
}

impl fmt::Debug for RenderedNotes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.objects)
    }
}

impl<'de> Deserialize<'de> for RenderedNotes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(ListVisitor)
    }
}

/// Reads a list of notes (each `null` or a note).
struct ListVisitor;

impl<'de> Visitor<'de> for ListVisitor {
    type Value = RenderedNotes;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of notes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        in_scratch(|builder| {
            while seq.next_element_seed(NoteSeed(builder))?.is_some() {}
            Ok(())
        })
    }
}

/// A list of notes written by `fill` into the thread's scratch builder, then copied out (the
/// scratch is left empty either way, and given back when one list made it large).
fn in_scratch<E>(
    fill: impl FnOnce(&mut NotesBuilder) -> Result<(), E>,
) -> Result<RenderedNotes, E> {
    SCRATCH.with_borrow_mut(|builder| {
        // Whatever a list that failed halfway left behind.
        builder.objects.clear();
        builder.spans.clear();
        let notes = fill(builder).map(|()| builder.finish());
        if builder.objects.capacity() > SCRATCH_KEPT_BYTES {
            *builder = NotesBuilder::default();
        }
        notes
    })
}

impl RenderedNotes {
    /// Reads a list of notes (each `null` or a note) with a [`Reader`]: the same notes as
    /// decoding it with serde_json gives, or [`Unread`] for anything but the selected members.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Read<Self> {
        in_scratch(|builder| {
            reader.elements(|reader| {
                if !reader.null() {
                    builder.push(&RawNote::read(reader)?);
                }
                Ok(())
            })
        })
    }
}

/// Reads one list entry (`null` or a note) into a [`NotesBuilder`].
struct NoteSeed<'n>(&'n mut NotesBuilder);

impl<'de> DeserializeSeed<'de> for NoteSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if let Some(note) = Option::<RawNote<'de>>::deserialize(deserializer)? {
            self.0.push(&note);
        }
        Ok(())
    }
}

/// One note (not `null`), decoded: the single-node form of [`RenderedNotes`] that follow-up pages
/// are decoded into node by node.
#[derive(Debug, Clone)]
pub struct RenderedNote(pub RenderedNotes);

impl<'de> Deserialize<'de> for RenderedNote {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let note = RawNote::deserialize(deserializer)?;
        let mut builder = NotesBuilder::default();
        builder.push(&note);
        Ok(RenderedNote(builder.finish()))
    }
}

/// A note's members as JSON literals borrowed from the page (the selection of
/// [`Note`](super::common::Note)).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNote<'a> {
    #[serde(borrow)]
    id: StringLiteral<'a>,
    #[serde(borrow)]
    body: StringLiteral<'a>,
    #[serde(borrow)]
    created_at: StringLiteral<'a>,
    #[serde(borrow)]
    updated_at: StringLiteral<'a>,
    system: bool,
    #[serde(borrow)]
    author: Option<RawAuthor<'a>>,
    #[serde(borrow)]
    position: Option<RawPosition<'a>>,
}

impl<'a> RawNote<'a> {
    /// Reads a note object that has exactly the selected members, in the query's order.
    fn read(reader: &mut Reader<'a>) -> Read<Self> {
        reader.object(|object| {
            Ok(RawNote {
                id: StringLiteral(object.member("id", Reader::literal)?),
                body: StringLiteral(object.member("body", Reader::literal)?),
                created_at: StringLiteral(object.member("createdAt", Reader::literal)?),
                updated_at: StringLiteral(object.member("updatedAt", Reader::literal)?),
                system: object.member("system", Reader::bool)?,
                author: object.member("author", |r| r.nullable(RawAuthor::read))?,
                position: object.member("position", |r| r.nullable(RawPosition::read))?,
            })
        })
    }
}

/// `author { username name }`.
#[derive(Deserialize)]
struct RawAuthor<'a> {
    #[serde(borrow)]
    username: StringLiteral<'a>,
    #[serde(borrow)]
    name: StringLiteral<'a>,
}

impl<'a> RawAuthor<'a> {
    fn read(reader: &mut Reader<'a>) -> Read<Self> {
        reader.object(|object| {
            Ok(RawAuthor {
                username: StringLiteral(object.member("username", Reader::literal)?),
                name: StringLiteral(object.member("name", Reader::literal)?),
            })
        })
    }
}

/// `position { newLine oldLine newPath oldPath positionType }` of a diff note.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPosition<'a> {
    new_line: Option<i32>,
    old_line: Option<i32>,
    #[serde(borrow)]
    new_path: Option<StringLiteral<'a>>,
    #[serde(borrow)]
    old_path: Option<StringLiteral<'a>>,
    #[serde(borrow)]
    position_type: StringLiteral<'a>,
}

impl<'a> RawPosition<'a> {
    fn read(reader: &mut Reader<'a>) -> Read<Self> {
        let path = |reader: &mut Reader<'a>| reader.nullable(Reader::literal);
        reader.object(|object| {
            Ok(RawPosition {
                new_line: object.member("newLine", |r| r.nullable(Reader::i32))?,
                old_line: object.member("oldLine", |r| r.nullable(Reader::i32))?,
                new_path: object.member("newPath", path)?.map(StringLiteral),
                old_path: object.member("oldPath", path)?.map(StringLiteral),
                position_type: StringLiteral(object.member("positionType", Reader::literal)?),
            })
        })
    }
}

impl RawPosition<'_> {
    /// Writes `,"position":{…}`, keys sorted.
    fn write(&self, out: &mut String) {
        let line = |out: &mut String, line: Option<i32>| match line {
            // Writing to a `String` cannot fail.
            Some(line) => drop(write!(out, "{line}")),
            None => out.push_str("null"),
        };
        let path = |out: &mut String, path: Option<StringLiteral<'_>>| {
            out.push_str(path.map_or("null", |p| p.0));
        };
        out.push_str(",\"position\":{\"new_line\":");
        line(out, self.new_line);
        out.push_str(",\"new_path\":");
        path(out, self.new_path);
        out.push_str(",\"old_line\":");
        line(out, self.old_line);
        out.push_str(",\"old_path\":");
        path(out, self.old_path);
        out.push_str(",\"position_type\":");
        out.push_str(self.position_type.0);
        out.push('}');
    }
}

/// A JSON string literal (quotes included, still escaped) borrowed from the page; serde_json
/// checks it while finding its end (escapes, control characters).
#[derive(Clone, Copy)]
struct StringLiteral<'a>(&'a str);

impl<'de: 'a, 'a> Deserialize<'de> for StringLiteral<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'a RawValue>::deserialize(deserializer)?;
        string_literal(raw.get()).map(StringLiteral)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"[
        {"id": "gid://gitlab/Note/1", "body": "a \u003cb\u003e\nline \"quoted\"",
         "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-02T00:00:00Z",
         "system": false, "author": {"username": "al\u00efce", "name": "Alice"}, "position": null},
        null,
        {"id": "gid://gitlab/DiffNote/2", "body": "nit", "createdAt": "2024-01-03T00:00:00Z",
         "updatedAt": "2024-01-03T00:00:00Z", "system": true, "author": null,
         "position": {"newLine": 4, "oldLine": null, "newPath": "a.rs", "oldPath": null,
                      "positionType": "text"}, "extra": [1, 2]}
    ]"#;

    fn page() -> RenderedNotes {
        serde_json::from_str(PAGE).expect("page decodes")
    }

    #[test]
    fn notes_are_written_as_document_objects_with_text_still_escaped() {
        let notes = page();
        assert_eq!(notes.len(), 2, "the null entry is dropped");
        let first = notes.iter().next().expect("first note");
        assert_eq!(
            first.object_json(),
            r#"{"author":"al\u00efce","author_name":"Alice","body":"a \u003cb\u003e\nline \"quoted\"","created_at":"2024-01-01T00:00:00Z","id":"gid://gitlab/Note/1","system":false,"updated_at":"2024-01-02T00:00:00Z"}"#
        );
        assert_eq!(first.id(), "gid://gitlab/Note/1");
        assert_eq!(first.body().text(), "a <b>\nline \"quoted\"");
        assert!(!first.is_system());
        let second = notes.iter().nth(1).expect("second note");
        assert_eq!(
            second.object_json(),
            r#"{"author":null,"author_name":null,"body":"nit","created_at":"2024-01-03T00:00:00Z","id":"gid://gitlab/DiffNote/2","position":{"new_line":4,"new_path":"a.rs","old_line":null,"old_path":null,"position_type":"text"},"system":true,"updated_at":"2024-01-03T00:00:00Z"}"#
        );
        assert!(second.is_system());
        let value: serde_json::Value =
            serde_json::from_str(&format!("[{}]", notes.objects_json())).expect("notes are JSON");
        assert_eq!(value[0]["author"], "alïce");
        assert_eq!(value[0]["body"], "a <b>\nline \"quoted\"");
        assert_eq!(value[1]["position"]["new_line"], 4);
    }

    #[test]
    fn a_member_of_the_wrong_type_or_a_missing_one_is_an_error() {
        let wrong = r#"[{"id": "gid://gitlab/Note/1", "body": 7, "createdAt": "t", "updatedAt": "t", "system": false}]"#;
        let error = serde_json::from_str::<RenderedNotes>(wrong).expect_err("body is a number");
        assert!(error.to_string().contains("expected a string"), "{error}");
        let missing = r#"[{"id": "gid://gitlab/Note/1", "createdAt": "t", "updatedAt": "t", "system": false}]"#;
        let error = serde_json::from_str::<RenderedNotes>(missing).expect_err("body is missing");
        assert!(
            error.to_string().contains("missing field `body`"),
            "{error}"
        );
        let bad_escape =
            r#"[{"id": "x", "body": "\q", "createdAt": "t", "updatedAt": "t", "system": false}]"#;
        assert!(serde_json::from_str::<RenderedNotes>(bad_escape).is_err());
    }

    #[test]
    fn appended_notes_skip_known_ids_and_keep_their_members_readable() {
        let mut notes = page();
        let more: RenderedNote = serde_json::from_str(
            r#"{"id": "gid://gitlab/Note/3", "body": "  later\n", "createdAt": "t3", "updatedAt": "t3",
                "system": false, "author": {"username": "bob", "name": "Bob"}}"#,
        )
        .expect("a single note decodes");
        let again = page();
        notes.append_unique(again.iter());
        assert_eq!(notes.len(), 2, "notes already present are not added twice");
        notes.append_unique(more.0.iter());
        assert_eq!(notes.len(), 3);
        let third = notes.iter().nth(2).expect("appended note");
        assert_eq!(third.id(), "gid://gitlab/Note/3");
        assert_eq!(third.body().as_str(), r"  later\n");
        assert!(third.object_json().starts_with(r#"{"author":"bob""#));
        let all: serde_json::Value =
            serde_json::from_str(&format!("[{}]", notes.objects_json())).expect("JSON");
        assert_eq!(all.as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn a_list_that_failed_halfway_leaves_nothing_for_the_next() {
        let half = r#"[{"id": "gid://gitlab/Note/9", "body": "kept?", "createdAt": "t", "updatedAt": "t", "system": false}, {"id": 1}]"#;
        assert!(serde_json::from_str::<RenderedNotes>(half).is_err());
        let notes = page();
        assert_eq!(notes.len(), 2);
        assert!(!notes.objects_json().contains("kept?"));
        assert!(
            notes
                .objects_json()
                .starts_with(r#"{"author":"al\u00efce""#)
        );
    }

    #[test]
    fn a_page_without_notes_is_empty() {
        let notes: RenderedNotes = serde_json::from_str("[]").expect("empty list");
        assert!(notes.is_empty());
        assert_eq!(notes.objects_json(), "");
    }
}
