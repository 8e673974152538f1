//! The writer's own commits and merges, driven through [`WriterState`] with tiny thresholds.

use std::path::Path;

use connector_core::Document;
use tantivy::Index;

use super::*;
use crate::{count_by_type, get};

fn issue(id: &str, body: &str) -> Document {
    let mut doc = Document::new(id, "Issue").with("title", id);
    doc.body = body.into();
    doc
}

fn committed(dir: &Path) -> u64 {
    count_by_type(dir)
        .unwrap()
        .get("Issue")
        .copied()
        .unwrap_or(0)
}

/// (documents, deleted documents) of each committed segment.
fn segments(dir: &Path) -> Vec<(u32, u32)> {
    let index = Index::open_in_dir(dir).unwrap();
    index
        .searchable_segment_metas()
        .unwrap()
        .iter()
        .map(|meta| (meta.max_doc(), meta.num_deleted_docs()))
        .collect()
}

fn every(docs: u64, bytes: u64) -> CommitEvery {
    CommitEvery { docs, bytes }
}

#[test]
fn commits_on_its_own_every_n_changes_and_finish_commits_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(3, u64::MAX)).unwrap();
    for n in 1..=7 {
        state
            .write(vec![issue(&format!("issue_1_{n}"), "x")])
            .unwrap();
    }
    assert_eq!(committed(dir.path()), 6, "two commits of three");
    assert!(
        state.pending.len() <= 1,
        "pending is cleared at each commit"
    );
    // The index was empty at open: an id this writer committed is still found and replaced.
    let again = state.write(vec![issue("issue_1_2", "again")]).unwrap();
    assert_eq!((again.created, again.updated), (0, 1));
    state.commit().unwrap();
    assert_eq!(committed(dir.path()), 7);
    assert_eq!(
        get(dir.path(), "issue_1_2").unwrap().unwrap()["body"],
        "again"
    );
}

#[test]
fn commits_on_its_own_after_enough_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(u64::MAX, 1_000)).unwrap();
    state.write(vec![issue("issue_1_1", "small")]).unwrap();
    assert_eq!(committed(dir.path()), 0);
    state
        .write(vec![issue("issue_1_2", &"big ".repeat(300))])
        .unwrap();
    assert_eq!(committed(dir.path()), 2);
}

#[test]
fn a_sync_over_several_commits_replaces_and_deletes_what_earlier_commits_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = WriterState::open(dir.path(), every(u64::MAX, u64::MAX)).unwrap();
    let old: Vec<Document> = (1..=6)
        .map(|n| issue(&format!("issue_1_{n}"), "old"))
        .collect();
    first.write(old).unwrap();
    first.commit().unwrap();
    drop(first);

    // A re-sync committing every two changes: 1-4 rewritten, 7-8 new, 5-6 stale.
    let mut state = WriterState::open(dir.path(), every(2, u64::MAX)).unwrap();
    let mut created = 0;
    let mut updated = 0;
    for n in [1, 2, 3, 7, 4, 8, 7] {
        let report = state
            .write(vec![issue(&format!("issue_1_{n}"), &format!("new {n}"))])
            .unwrap();
        created += report.created;
        updated += report.updated;
    }
    // 7 was created, committed, then written again: an update of this sync's own commit.
    assert_eq!((created, updated), (2, 5));
    let deleted = state
        .delete(vec![
            "issue_1_5".into(),
            "issue_1_6".into(),
            "issue_1_9".into(),
        ])
        .unwrap();
    assert_eq!(deleted, 2, "issue_1_9 never existed");
    state.commit().unwrap();

    assert_eq!(committed(dir.path()), 6);
    for n in [1, 2, 3, 4, 7, 8] {
        let doc = get(dir.path(), &format!("issue_1_{n}")).unwrap().unwrap();
        assert_eq!(doc["body"], format!("new {n}"));
    }
    for n in [5, 6] {
        assert!(get(dir.path(), &format!("issue_1_{n}")).unwrap().is_none());
    }
}

#[test]
fn small_segments_are_merged_three_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(1, u64::MAX)).unwrap();
    for n in 1..=4 {
        state
            .write(vec![issue(&format!("issue_1_{n}"), "x")])
            .unwrap();
    }
    state.commit().unwrap();
    // Tantivy's default policy waits for eight segments.
    let after = segments(dir.path());
    assert!(
        after.len() < 4,
        "four one-document commits were merged: {after:?}"
    );
    assert_eq!(after.iter().map(|(docs, _)| docs).sum::<u32>(), 4);
}

#[test]
fn a_segment_with_mostly_deleted_documents_is_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(u64::MAX, u64::MAX)).unwrap();
    let docs = (1..=10)
        .map(|n| issue(&format!("issue_1_{n}"), "x"))
        .collect();
    state.write(docs).unwrap();
    state.commit().unwrap();
    let stale = (1..=6).map(|n| format!("issue_1_{n}")).collect();
    state.delete(stale).unwrap();
    state.commit().unwrap();
    assert_eq!(segments(dir.path()), vec![(4, 0)]);
}

#[test]
fn an_id_deleted_and_committed_is_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(1, u64::MAX)).unwrap();
    state.write(vec![issue("issue_1_1", "first")]).unwrap();
    assert_eq!(state.delete(vec!["issue_1_1".into()]).unwrap(), 1);
    let again = state.write(vec![issue("issue_1_1", "second")]).unwrap();
    assert_eq!((again.created, again.updated), (1, 0));
    state.commit().unwrap();
    assert_eq!(committed(dir.path()), 1);
    assert!(state.reader.is_none(), "a first sync never opens a reader");
}

#[test]
fn the_document_store_is_compressed_on_the_indexing_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), every(u64::MAX, u64::MAX)).unwrap();
    state.write(vec![issue("issue_1_1", "x")]).unwrap();
    state.commit().unwrap();
    let index = Index::open_in_dir(dir.path()).unwrap();
    assert!(!index.settings().docstore_compress_dedicated_thread);
    assert_eq!(committed(dir.path()), 1);
}

#[test]
fn by_default_a_sync_commits_every_twelve_megabytes_of_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = WriterState::open(dir.path(), CommitEvery::default()).unwrap();
    // About 1 MB of `_source` each: far fewer documents than COMMIT_EVERY_DOCS.
    let body = "word ".repeat(200_000);
    for n in 1..=11 {
        state
            .write(vec![issue(&format!("issue_1_{n}"), &body)])
            .unwrap();
    }
    assert_eq!(committed(dir.path()), 0, "11 MB of _source: not yet");
    state
        .write(vec![issue("issue_1_12", &body), issue("issue_1_13", &body)])
        .unwrap();
    assert_eq!(committed(dir.path()), 13, "12 MB reached: committed");
    assert_eq!(state.uncommitted.bytes, 0);
}
