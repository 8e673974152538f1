//! Planners against the GitLab simulator: what a plan leaves out is never requested, filters
//! reach the queries, README selections pick paths below the root.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use connector_core::{Document, ObjectKind, SourceEvent};
use futures::StreamExt;
use gitlab_client::{ClientSettings, GitlabClient};
use gitlab_sim::{SimConfig, SimState, Size};
use gitlab_source::{
    GitlabSource, IssuableState, IssueFilter, Planner, ProjectOverrides, ReadmeSelection,
    SourceSettings,
};

async fn start_sim() -> (GitlabClient, SimState, tokio::sync::oneshot::Sender<()>) {
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
    let mut settings = ClientSettings::new(url, token.as_str().into());
    settings.retry_base_delay = Duration::from_millis(5);
    settings.retry_max_delay = Duration::from_millis(20);
    (
        GitlabClient::new(settings).expect("client builds"),
        state,
        stop,
    )
}

async fn documents(client: GitlabClient, settings: SourceSettings) -> Vec<Document> {
    let mut events = GitlabSource::new(client, settings).documents();
    let mut docs = Vec::new();
    while let Some(event) = events.next().await {
        if let SourceEvent::Document(doc) = event.expect("no fatal error") {
            docs.push(doc);
        }
    }
    docs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_projects_get_only_their_kinds_filters_and_readmes() {
    let (client, state, _stop) = start_sim().await;
    let chosen = state.store().project(1).expect("project 1").full_path;
    let wanted = chosen.clone();
    let planner: Planner = Arc::new(move |path: &str| {
        (path == wanted).then(|| ProjectOverrides {
            kinds: [ObjectKind::Issues, ObjectKind::Files]
                .into_iter()
                .collect(),
            issues: IssueFilter {
                state: Some(IssuableState::Closed),
                labels: Vec::new(),
            },
            readmes: Some(ReadmeSelection {
                recursive: true,
                matches: Arc::new(|path: &str| path == "docs/README.md"),
            }),
            ..ProjectOverrides::default()
        })
    });
    let settings = SourceSettings {
        project_planner: Some(planner),
        group_planner: Some(Arc::new(|_: &str| None)),
        ..SourceSettings::default()
    };
    let docs = documents(client, settings).await;

    let types: BTreeSet<&str> = docs.iter().map(|doc| doc.doc_type.as_str()).collect();
    assert_eq!(types, ["File", "Issue", "Project"].into_iter().collect());
    let projects: Vec<&Document> = docs.iter().filter(|d| d.doc_type == "Project").collect();
    assert_eq!(projects.len(), 1, "only the planned project");
    assert_eq!(projects[0].fields.value("full_path"), chosen.as_str());
    assert!(
        docs.iter()
            .filter(|d| d.doc_type == "Issue")
            .all(|d| d.fields.value("state") == "CLOSED")
    );
    let files: Vec<String> = docs
        .iter()
        .filter(|d| d.doc_type == "File")
        .filter_map(|d| d.fields.get_str("file_path").map(Into::into))
        .collect();
    assert_eq!(files, ["docs/README.md"]);

    let log = state.request_log();
    assert!(
        !log.counts.keys().any(|kind| kind.contains("MergeRequests")
            || kind.contains("Releases")
            || kind.contains("Epics")),
        "left-out kinds are never requested: {:?}",
        log.counts
    );
    assert_eq!(
        log.counts.get("graphql:ProjectIssues").copied(),
        Some(1),
        "{:?}",
        log.counts
    );
}
