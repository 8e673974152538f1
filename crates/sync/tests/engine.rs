//! The sync engine against in-memory doubles: rules, unchanged skipping, stale deletion,
//! incomplete scopes, source failure and cancellation.

use connector_core::filter::AcceptAll;
use connector_core::{Document, DocumentFilter, ObjectKind, ScopeKey, SourceEvent};
use std::time::Duration;

use sync_engine::testing::{MemorySink, Stall, vec_source};
use sync_engine::{Outcome, SyncMode, SyncOptions, SyncProgress, run};

fn issue(project: &str, iid: u32, title: &str) -> Document {
    Document::new(format!("issue_{project}_{iid}"), "Issue")
        .with("project_id", project)
        .with("title", title)
}

fn docs(items: Vec<Document>) -> Vec<Result<SourceEvent, connector_core::SourceError>> {
    items
        .into_iter()
        .map(|doc| Ok(SourceEvent::Document(doc)))
        .collect()
}

async fn sync(
    sink: &mut MemorySink,
    events: Vec<Result<SourceEvent, connector_core::SourceError>>,
    options: &SyncOptions,
) -> Result<sync_engine::SyncReport, sync_engine::SyncError> {
    let progress = SyncProgress::default();
    run(vec_source(events), sink, &AcceptAll, options, &progress).await
}

#[tokio::test]
async fn full_sync_writes_new_skips_unchanged_and_deletes_stale() {
    let mut sink = MemorySink::with_docs([
        issue("1", 1, "same"),
        issue("1", 2, "old"),
        issue("1", 3, "gone"),
    ]);
    let report = sync(
        &mut sink,
        docs(vec![
            issue("1", 1, "same"),
            issue("1", 2, "new title"),
            issue("1", 4, "fresh"),
        ]),
        &SyncOptions::default(),
    )
    .await
    .expect("sync succeeds");
    assert_eq!(report.outcome, Outcome::Complete);
    assert_eq!(
        (
            report.created,
            report.updated,
            report.unchanged,
            report.deleted
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(report.documents_by_type["Issue"], 3);
    assert!(sink.docs.contains_key("issue_1_4") && !sink.docs.contains_key("issue_1_3"));
    assert!(sink.finished);
}

#[tokio::test]
async fn incomplete_scope_keeps_its_stale_documents() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "a"), issue("2", 1, "b")]);
    let mut events = docs(vec![]);
    events.push(Ok(SourceEvent::Incomplete {
        scope: ScopeKey::Project {
            project_id: "1".into(),
            kind: ObjectKind::Issues,
        },
        reason: "500 after retries".into(),
    }));
    let report = sync(&mut sink, events, &SyncOptions::default())
        .await
        .expect("sync");
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.deleted, 1);
    assert_eq!(report.kept_in_incomplete_scopes, 1);
    assert!(sink.docs.contains_key("issue_1_1"));
    assert!(!sink.docs.contains_key("issue_2_1"));
}

#[tokio::test]
async fn a_scope_reported_incomplete_several_times_is_listed_once_with_its_first_reason() {
    let issues = |project: &str| ScopeKey::Project {
        project_id: project.into(),
        kind: ObjectKind::Issues,
    };
    let incomplete = |project: &str, reason: &str| {
        Ok(SourceEvent::Incomplete {
            scope: issues(project),
            reason: reason.into(),
        })
    };
    let events = vec![
        incomplete("1", "notes of #1 failed"),
        incomplete("2", "500 after retries"),
        incomplete("1", "notes of #2 failed"),
        incomplete("1", "notes of #1 failed"),
    ];
    let report = sync(&mut MemorySink::default(), events, &SyncOptions::default())
        .await
        .expect("sync");
    let listed: Vec<(&str, &str)> = report
        .incomplete_scopes
        .iter()
        .map(|listed| (listed.what.as_str(), listed.reason.as_str()))
        .collect();
    let (one, two) = (issues("1").to_string(), issues("2").to_string());
    assert_eq!(
        listed,
        [
            (one.as_str(), "notes of #1 failed"),
            (two.as_str(), "500 after retries")
        ]
    );
}

#[tokio::test]
async fn a_document_read_in_part_never_overwrites_its_stored_copy() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "complete, with every note")]);
    let events = vec![
        Ok(SourceEvent::IncompleteDocument(issue(
            "1",
            1,
            "missing notes",
        ))),
        Ok(SourceEvent::IncompleteDocument(issue(
            "1",
            2,
            "new, missing notes",
        ))),
        Ok(SourceEvent::Incomplete {
            scope: ScopeKey::Project {
                project_id: "1".into(),
                kind: ObjectKind::Issues,
            },
            reason: "a follow-up failed".into(),
        }),
    ];
    let report = sync(&mut sink, events, &SyncOptions::default())
        .await
        .expect("sync");
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.kept_stored_copies, 1);
    assert_eq!(
        (report.created, report.updated, report.deleted),
        (1, 0, 0),
        "only the new document is written"
    );
    assert_eq!(report.documents_by_type["Issue"], 2);
    let stored = sink.docs["issue_1_1"].fields.get_str("title");
    assert_eq!(stored.as_deref(), Some("complete, with every note"));
    assert!(
        sink.docs.contains_key("issue_1_2"),
        "better in part than not at all"
    );
}

#[tokio::test]
async fn source_failure_deletes_nothing_and_returns_the_error() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "a"), issue("1", 2, "b")]);
    let mut events = docs(vec![issue("1", 3, "c")]);
    events.push(Err("projects listing failed".into()));
    let error = sync(&mut sink, events, &SyncOptions::default())
        .await
        .expect_err("fails");
    let cause = std::error::Error::source(&error).map(ToString::to_string);
    assert_eq!(cause.as_deref(), Some("projects listing failed"));
    assert_eq!(sink.docs.len(), 3);
    assert!(sink.finished);
}

#[tokio::test]
async fn incremental_sync_deletes_nothing() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "a")]);
    let options = SyncOptions {
        mode: SyncMode::Incremental,
        ..SyncOptions::default()
    };
    let report = sync(&mut sink, docs(vec![issue("1", 2, "b")]), &options)
        .await
        .expect("sync");
    assert_eq!(report.deleted, 0);
    assert_eq!(sink.docs.len(), 2);
}

#[tokio::test]
async fn canceled_sync_deletes_nothing() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "a")]);
    let options = SyncOptions::default();
    options.cancel.cancel();
    let report = sync(&mut sink, docs(vec![issue("1", 2, "b")]), &options)
        .await
        .expect("sync");
    assert_eq!(report.outcome, Outcome::Canceled);
    assert!(sink.docs.contains_key("issue_1_1"));
}

/// Syncs `events` into `sink`, canceled a moment after the start; fails if the sync does not
/// end soon after.
async fn sync_canceled_midway(
    sink: &mut MemorySink,
    events: Vec<Result<SourceEvent, connector_core::SourceError>>,
) -> sync_engine::SyncReport {
    let options = SyncOptions::default();
    let cancel = options.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel.cancel();
    });
    tokio::time::timeout(Duration::from_secs(5), sync(sink, events, &options))
        .await
        .expect("the sync stops once canceled")
        .expect("sync")
}

#[tokio::test]
async fn a_cancel_stops_a_listing_or_a_write_that_does_not_end_and_nothing_is_deleted() {
    for (stall, writes) in [(Stall::Listing, 0), (Stall::Writes, 1)] {
        let mut sink = MemorySink {
            stall: Some(stall),
            ..MemorySink::with_docs([issue("1", 1, "a")])
        };
        let report = sync_canceled_midway(&mut sink, docs(vec![issue("1", 2, "b")])).await;
        assert_eq!(report.outcome, Outcome::Canceled, "{stall:?}");
        assert_eq!((sink.writes, report.deleted), (writes, 0), "{stall:?}");
        assert!(sink.docs.contains_key("issue_1_1"), "{stall:?}");
    }
}

#[tokio::test]
async fn duplicates_are_written_once_and_counted() {
    let mut sink = MemorySink::default();
    let report = sync(
        &mut sink,
        docs(vec![issue("1", 1, "a"), issue("1", 1, "a")]),
        &SyncOptions::default(),
    )
    .await
    .expect("sync");
    assert_eq!((report.created, report.duplicates), (1, 1));
    assert_eq!(report.documents_by_type["Issue"], 1);
}

struct NoClosedIssues;

impl DocumentFilter for NoClosedIssues {
    fn accepts(&self, doc: &Document) -> bool {
        doc.fields.get_str("title").as_deref() != Some("closed")
    }
}

#[tokio::test]
async fn filtered_documents_are_not_written_and_their_old_copies_are_deleted() {
    let mut sink = MemorySink::with_docs([issue("1", 1, "closed")]);
    let progress = SyncProgress::default();
    let report = run(
        vec_source(docs(vec![issue("1", 1, "closed"), issue("1", 2, "open")])),
        &mut sink,
        &NoClosedIssues,
        &SyncOptions::default(),
        &progress,
    )
    .await
    .expect("sync");
    assert_eq!(
        (report.filtered_out, report.created, report.deleted),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn refused_documents_make_the_sync_partial() {
    let mut sink = MemorySink {
        refuse: vec!["issue_1_1".into()],
        ..MemorySink::default()
    };
    let report = sync(
        &mut sink,
        docs(vec![issue("1", 1, "a")]),
        &SyncOptions::default(),
    )
    .await
    .expect("sync");
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.failed_count, 1);
    assert_eq!(report.failed[0].what, "issue_1_1");
}
