//! End to end: `GitlabSource` against the GitLab simulator (small size), counting documents
//! per `type` against `gitlab_sim::expected_counts`.

use std::collections::BTreeMap;
use std::time::Duration;

use connector_core::SourceEvent;
use futures::StreamExt;
use gitlab_client::{ClientSettings, GitlabClient};
use gitlab_sim::{SimConfig, SimState, Size};
use gitlab_source::{GitlabSource, ProjectSelection, SourceSettings, check};

async fn start_sim() -> (url::Url, tokio::sync::oneshot::Sender<()>, String, SimState) {
    let config = SimConfig::new(Size::Small);
    let token = config.token.clone();
    let state = SimState::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(gitlab_sim::serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    let url = url::Url::parse(&format!("http://{addr}")).expect("url");
    (url, stop, token, state)
}

fn client(url: url::Url, token: &str) -> GitlabClient {
    let mut settings = ClientSettings::new(url, token.into());
    settings.retry_base_delay = Duration::from_millis(5);
    settings.retry_max_delay = Duration::from_millis(20);
    GitlabClient::new(settings).expect("client builds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_the_small_simulator_emits_every_expected_document() {
    let (url, _stop, token, sim) = start_sim().await;
    let gitlab = client(url, &token);
    let source = GitlabSource::new(gitlab.clone(), SourceSettings::default());
    let mut events = source.documents();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    let mut incomplete = Vec::new();
    let mut skipped = Vec::new();
    let mut kept = BTreeMap::new();
    while let Some(event) = events.next().await {
        match event.expect("no fatal error") {
            SourceEvent::Document(doc) => {
                assert!(ids.insert(doc.id.clone()), "duplicate _id {}", doc.id);
                if doc.id == "mr_1000_1" || doc.id == "issue_1000_2" {
                    kept.insert(doc.id.clone(), doc.clone());
                }
                let kind = if doc.fields.contains_key("group_path") {
                    "Epic".to_owned()
                } else if doc.id.starts_with("issue_") {
                    "Issue".to_owned()
                } else {
                    doc.doc_type.to_string()
                };
                *counts.entry(kind).or_default() += 1;
            }
            SourceEvent::Incomplete { scope, reason } => {
                incomplete.push(format!("{scope}: {reason}"))
            }
            SourceEvent::IncompleteDocument(doc) => {
                incomplete.push(format!("read in part: {}", doc.id))
            }
            SourceEvent::Skipped { what, reason } => skipped.push(format!("{what}: {reason}")),
        }
    }
    assert!(incomplete.is_empty(), "incomplete scopes: {incomplete:#?}");
    assert_eq!(
        skipped.len(),
        2,
        "the oversized and the invalid UTF-8 README: {skipped:#?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("README of 11534336 bytes exceeds")),
        "the oversized README is refused by its announced size: {skipped:#?}"
    );
    let requests = sim.request_log().counts;
    let files = counts.get("File").copied().unwrap_or(0);
    let readme_requests: u64 = (requests.iter())
        .filter(|(kind, _)| kind.starts_with("rest:file_"))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(
        readme_requests, files,
        "one request per README, as the reference (no HEAD first): {requests:#?}"
    );
    let ours = gitlab.stats().by_operation;
    let follow_ups: u64 = (ours.iter())
        .filter(|(op, _)| op.contains("FollowUp") || op.as_str() == "DiscussionNotes")
        .map(|(_, count)| count)
        .sum();
    let listings = ours.values().sum::<u64>() - follow_ups;
    let reference = gitlab_sim::reference_requests(Size::Small);
    assert!(
        listings <= reference["total"],
        "no more requests than the reference before follow-ups (gitlab-source.md 5.8): \
         {listings} against {reference:?}; ours: {ours:#?}"
    );
    let mr = &kept["mr_1000_1"];
    let len = |doc: &connector_core::Document, key: &str| {
        doc.fields.value(key).as_array().map_or(0, Vec::len)
    };
    assert_eq!(len(mr, "labels"), 120, "MR labels completed by follow-ups");
    assert_eq!(len(mr, "reviewers"), 105);
    assert_eq!(len(mr, "approved_by"), 102);
    let issue = &kept["issue_1000_2"];
    assert_eq!(
        len(issue, "labels"),
        60,
        "issue labels completed by follow-ups"
    );
    assert_eq!(len(issue, "assignees"), 60);
    assert!(
        len(issue, "notes") >= 120,
        "a discussion with 120 notes is completed"
    );
    let expected = gitlab_sim::expected_counts(Size::Small);
    for (kind, want) in &expected {
        let got = counts.get(kind).copied().unwrap_or(0);
        assert!(
            got >= *want,
            "{kind}: got {got}, expected at least {want} (all: {counts:?})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_configured_projects_end_the_stream_with_one_error_naming_them_all() {
    let (url, _stop, token, _) = start_sim().await;
    let settings = SourceSettings {
        projects: ProjectSelection::Paths(vec![
            "ACME/web-frontend".into(),
            "no/such".into(),
            "also/missing".into(),
        ]),
        ..SourceSettings::default()
    };
    let mut events = GitlabSource::new(client(url.clone(), &token), settings.clone()).documents();
    let first = events.next().await.expect("one event");
    let error = first
        .expect_err("fatal error first, before any document")
        .to_string();
    assert!(
        error.contains("no/such") && error.contains("also/missing"),
        "{error}"
    );
    assert!(!error.contains("web-frontend"), "{error}");
    assert!(events.next().await.is_none());

    let report = check(&client(url, &token), &settings).await;
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
}
