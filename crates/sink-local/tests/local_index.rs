//! The local index end to end, through its public API, in temporary directories.

use connector_core::{Document, ObjectKind, ScopeKey, Sink, existing_docs};
use sink_local::{
    LocalIndex, LocalIndexError, MARKER_FILE, SearchOptions, count_by_type, format_hits, get,
    search,
};

fn issue(id: &str, title: &str, body: &str) -> Document {
    let mut doc = Document::new(id, "Issue")
        .with("title", title)
        .with("project_id", "7")
        .with(
            "web_url",
            format!("https://gitlab.example/g/p/-/issues/{id}"),
        );
    doc.body = body.into();
    doc
}

fn merge_request(id: &str, title: &str, body: &str) -> Document {
    let mut doc = Document::new(id, "Merge Request")
        .with("title", title)
        .with("project_id", "7");
    doc.body = body.into();
    doc
}

fn options(types: &[&str]) -> SearchOptions {
    SearchOptions {
        types: types.iter().map(|t| t.to_string()).collect(),
        limit: 10,
    }
}

#[tokio::test]
async fn upserting_twice_leaves_one_copy_and_reports_update() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    let first = index
        .write(vec![issue("issue_7_1", "Crash", "old text")])
        .await
        .unwrap();
    assert_eq!((first.created, first.updated), (1, 0));
    assert!(first.bytes > 0);
    let again = index
        .write(vec![issue("issue_7_1", "Crash", "new text")])
        .await
        .unwrap();
    assert_eq!((again.created, again.updated), (0, 1));
    index.finish().await.unwrap();
    let after_commit = index
        .write(vec![issue("issue_7_1", "Crash", "newest")])
        .await
        .unwrap();
    assert_eq!((after_commit.created, after_commit.updated), (0, 1));
    index.finish().await.unwrap();
    assert_eq!(count_by_type(dir.path()).unwrap().get("Issue"), Some(&1));
    assert_eq!(
        get(dir.path(), "issue_7_1").unwrap().unwrap()["body"],
        "newest"
    );
}

#[tokio::test]
async fn existing_lists_ids_scopes_and_hashes_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let docs = vec![
        issue("issue_7_1", "A", "a"),
        merge_request("mr_7_2", "B", "b"),
    ];
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    index.write(docs.clone()).await.unwrap();
    index.finish().await.unwrap();
    drop(index);

    let mut reopened = LocalIndex::open_or_create(dir.path()).unwrap();
    let mut existing = existing_docs(&mut reopened).await.unwrap();
    existing.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(existing.len(), 2);
    assert_eq!(existing[0].id, "issue_7_1");
    assert_eq!(
        existing[0].scope,
        Some(ScopeKey::Project {
            project_id: "7".into(),
            kind: ObjectKind::Issues
        })
    );
    assert_eq!(existing[0].content_hash, Some(docs[0].content_hash()));
    assert_eq!(existing[1].scope, docs[1].scope());
    assert_eq!(existing[1].content_hash, Some(docs[1].content_hash()));
}

#[tokio::test]
async fn a_listing_of_several_chunks_names_every_document_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    let docs: Vec<Document> = (1..=2_500)
        .map(|n| issue(&format!("issue_7_{n}"), "t", "b"))
        .collect();
    index.write(docs).await.unwrap();
    index.finish().await.unwrap();
    let mut ids: Vec<String> = existing_docs(&mut index)
        .await
        .unwrap()
        .into_iter()
        .map(|doc| doc.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2_500,
        "more than two chunks of 1,000, none lost or repeated"
    );
}

#[tokio::test]
async fn delete_removes_documents_and_counts_only_existing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    index
        .write(vec![
            issue("issue_7_1", "A", "a"),
            issue("issue_7_2", "B", "b"),
        ])
        .await
        .unwrap();
    index.finish().await.unwrap();
    let deleted = index
        .delete(vec!["issue_7_1".into(), "issue_7_99".into()])
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    index.finish().await.unwrap();
    assert_eq!(get(dir.path(), "issue_7_1").unwrap(), None);
    let ids: Vec<_> = existing_docs(&mut index)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids, vec!["issue_7_2".to_owned()]);
}

#[tokio::test]
async fn dropping_without_finish_keeps_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    index
        .write(vec![issue("issue_7_1", "Kept", "kept")])
        .await
        .unwrap();
    index.finish().await.unwrap();
    index
        .write(vec![issue("issue_7_2", "Lost", "lost")])
        .await
        .unwrap();
    drop(index);
    // The writer thread releases the lock once it has seen the channel close.
    let mut reopened = loop {
        match LocalIndex::open_or_create(dir.path()) {
            Ok(index) => break index,
            Err(LocalIndexError::Locked { .. }) => tokio::task::yield_now().await,
            Err(err) => panic!("{err}"),
        }
    };
    let ids: Vec<_> = existing_docs(&mut reopened)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids, vec!["issue_7_1".to_owned()]);
}

async fn searchable_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    index
        .write(vec![
            issue("issue_7_1", "Pipeline timeout", "jobs hang on the runner"),
            issue(
                "issue_7_2",
                "Docs update",
                "mention the pipeline timeout setting somewhere",
            ),
            merge_request("mr_7_3", "Fix pipeline", "raise the timeout"),
        ])
        .await
        .unwrap();
    index.finish().await.unwrap();
    dir
}

#[tokio::test]
async fn title_match_ranks_above_body_only_match() {
    let dir = searchable_index().await;
    let hits = search(dir.path(), "timeout", &options(&["Issue"])).unwrap();
    let ids: Vec<_> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["issue_7_1", "issue_7_2"]);
    assert!(hits[0].score > hits[1].score);
    assert_eq!(
        hits[0].url.as_deref(),
        Some("https://gitlab.example/g/p/-/issues/issue_7_1")
    );
}

#[tokio::test]
async fn type_filter_keeps_only_named_types() {
    let dir = searchable_index().await;
    let mrs = search(dir.path(), "pipeline", &options(&["Merge Request"])).unwrap();
    assert_eq!(
        mrs.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        vec!["mr_7_3"]
    );
    let both = search(
        dir.path(),
        "pipeline",
        &options(&["Issue", "Merge Request"]),
    )
    .unwrap();
    assert_eq!(both.len(), 3);
    assert!(
        search(dir.path(), "pipeline", &options(&["Epic"]))
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn snippet_highlights_the_matched_term() {
    let dir = searchable_index().await;
    let hits = search(dir.path(), "setting", &options(&[])).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("setting"));
    assert!(hits[0].snippet_html.contains("<b>setting</b>"));
    assert!(hits[0].marked_snippet("**", "**").contains("**setting**"));
    assert!(format_hits(&hits, false).contains("**setting**"));
    let json = serde_json::to_value(&hits[0]).unwrap();
    assert_eq!(json["type"], "Issue");
}

#[tokio::test]
async fn malformed_queries_are_searched_leniently() {
    let dir = searchable_index().await;
    for query in [
        "timeout:",
        "\"pipeline timeout",
        "title:(",
        "AND",
        "pipeline)",
    ] {
        search(dir.path(), query, &options(&[])).unwrap_or_else(|err| panic!("{query}: {err}"));
    }
    assert_eq!(
        search(dir.path(), "\"pipeline", &options(&[]))
            .unwrap()
            .len(),
        3
    );
    assert_eq!(search(dir.path(), "", &options(&[])).unwrap().len(), 3);
}

#[tokio::test]
async fn an_index_of_format_version_1_keeps_storing_its_body_and_reads_the_same() {
    use tantivy::schema::{STORED, STRING, Schema, TEXT};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(MARKER_FILE),
        r#"{"format":"gitlab-connector-index","version":1}"#,
    )
    .unwrap();
    // The schema of format version 1, which stored `body` beside `source`.
    let mut schema = Schema::builder();
    for name in ["_id", "type"] {
        schema.add_text_field(name, STRING | STORED);
    }
    for name in ["title", "body"] {
        schema.add_text_field(name, TEXT | STORED);
    }
    for name in ["url", "scope"] {
        schema.add_text_field(name, STORED);
    }
    schema.add_u64_field("content_hash", STORED);
    schema.add_text_field("source", STORED);
    tantivy::Index::create_in_dir(dir.path(), schema.build()).unwrap();

    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    index
        .write(vec![issue(
            "issue_7_1",
            "Docs update",
            "mention the timeout setting",
        )])
        .await
        .unwrap();
    index.finish().await.unwrap();
    let hits = search(dir.path(), "setting", &options(&[])).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet_html.contains("<b>setting</b>"), "{hits:?}");
    let marker = std::fs::read_to_string(dir.path().join(MARKER_FILE)).unwrap();
    assert!(
        marker.contains(r#""version":1"#),
        "left at version 1: {marker}"
    );
}

#[tokio::test]
async fn a_new_index_stores_the_body_once_and_still_shows_snippets_of_it() {
    let dir = searchable_index().await;
    let marker = std::fs::read_to_string(dir.path().join(MARKER_FILE)).unwrap();
    assert!(marker.contains(r#""version": 2"#), "{marker}");
    let index = tantivy::Index::open_in_dir(dir.path()).unwrap();
    let body = index.schema().get_field("body").unwrap();
    assert!(!index.schema().get_field_entry(body).is_stored());
    let hits = search(dir.path(), "somewhere", &options(&[])).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].snippet.contains("timeout setting somewhere"),
        "{hits:?}"
    );
    assert!(hits[0].snippet_html.contains("<b>somewhere</b>"));
}

#[test]
fn unknown_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(MARKER_FILE),
        r#"{"format":"gitlab-connector-index","version":99}"#,
    )
    .unwrap();
    let err = LocalIndex::open_or_create(dir.path()).unwrap_err();
    assert!(
        matches!(err, LocalIndexError::UnsupportedVersion { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&dir.path().display().to_string()));
    assert!(search(dir.path(), "x", &options(&[])).is_err());
}

#[test]
fn directory_that_is_not_an_index_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = LocalIndex::open_or_create(dir.path()).unwrap_err();
    assert!(matches!(err, LocalIndexError::NotAnIndex { .. }), "{err}");
    assert!(err.to_string().contains(&dir.path().display().to_string()));
}

#[test]
fn reading_a_missing_or_empty_directory_says_there_is_no_index() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().join("missing"), dir.path().to_owned()] {
        let err = search(&path, "x", &options(&[])).unwrap_err();
        assert!(matches!(err, LocalIndexError::NoIndex { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "no index at {}: the directory is missing or empty",
                path.display()
            )
        );
        assert!(matches!(
            sink_local::count_by_type(&path).unwrap_err(),
            LocalIndexError::NoIndex { .. }
        ));
    }
}

#[test]
fn second_writer_gets_a_clear_lock_error() {
    let dir = tempfile::tempdir().unwrap();
    let _first = LocalIndex::open_or_create(dir.path()).unwrap();
    let err = LocalIndex::open_or_create(dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "index {} is locked by another gitlab-connector",
            dir.path().display()
        )
    );
}

#[tokio::test]
async fn a_one_megabyte_body_is_stored_and_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = "lorem ipsum dolor ".repeat(1_000_000 / 18);
    body.push_str(" needle");
    let mut index = LocalIndex::open_or_create(dir.path()).unwrap();
    let report = index
        .write(vec![issue("issue_7_1", "Big", &body)])
        .await
        .unwrap();
    assert!(report.bytes > 1_000_000);
    index.finish().await.unwrap();
    let hits = search(dir.path(), "needle", &options(&[])).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.len() < 1_000);
    assert_eq!(
        get(dir.path(), "issue_7_1").unwrap().unwrap()["body"]
            .as_str()
            .map(str::len),
        Some(body.len())
    );
}
