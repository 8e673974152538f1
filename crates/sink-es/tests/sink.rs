//! The sink against small axum handlers on 127.0.0.1:0 that imitate `_bulk`, index and scroll.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, head, post};
use connector_config::ErrorMonitorSettings;
use connector_core::{Document, ObjectKind, ScopeKey, Sink, existing_docs};
use es_client::{EsClient, EsSettings, RetryPolicy};
use serde_json::{Value, json};
use sink_es::{ElasticsearchSink, SinkSettings};

/// What the fake saw and how it answers `_bulk`.
#[derive(Default)]
struct Fake {
    /// Bodies of `_bulk` requests, with their query.
    bulks: Vec<(Option<String>, String)>,
    /// Ids to answer with 429 on their first appearance.
    throttle_once: Vec<String>,
    /// Ids to refuse with a mapping error.
    refuse: Vec<String>,
    /// Ids already stored (answered `updated`).
    stored: Vec<String>,
    /// Created indices and their bodies.
    created: Vec<(String, String)>,
    /// Header maps of every request.
    headers: Vec<HeaderMap>,
}

type Shared = Arc<Mutex<Fake>>;

async fn bulk(
    State(fake): State<Shared>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> axum::Json<Value> {
    let mut fake = fake.lock().unwrap();
    fake.headers.push(headers);
    fake.bulks.push((query, body.clone()));
    let mut items = Vec::new();
    let mut lines = body.lines();
    while let Some(action) = lines.next() {
        let action: Value = serde_json::from_str(action).unwrap();
        let (op, meta) = action.as_object().unwrap().iter().next().unwrap();
        let id = meta["_id"].as_str().unwrap().to_owned();
        if op == "index" {
            lines.next().unwrap();
        }
        let item = if let Some(pos) = fake.throttle_once.iter().position(|t| *t == id) {
            fake.throttle_once.remove(pos);
            json!({"_id": id, "status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "rejected"}})
        } else if fake.refuse.contains(&id) {
            json!({"_id": id, "status": 400, "error": {"type": "document_parsing_exception", "reason": "failed to parse field [x]"}})
        } else if op == "delete" {
            json!({"_id": id, "status": 200, "result": "deleted"})
        } else if fake.stored.contains(&id) {
            json!({"_id": id, "status": 200, "result": "updated"})
        } else {
            fake.stored.push(id.clone());
            json!({"_id": id, "status": 201, "result": "created"})
        };
        items.push(json!({ op.as_str(): item }));
    }
    axum::Json(json!({"errors": true, "items": items}))
}

async fn index(
    State(fake): State<Shared>,
    method: axum::http::Method,
    axum::extract::Path(name): axum::extract::Path<String>,
    body: String,
) -> (StatusCode, axum::Json<Value>) {
    let mut fake = fake.lock().unwrap();
    match method.as_str() {
        "PUT" => {
            fake.created.push((name, body));
            (StatusCode::OK, axum::Json(json!({"acknowledged": true})))
        }
        _ if fake.created.iter().any(|(n, _)| *n == name) => {
            (StatusCode::OK, axum::Json(json!({ name: {"aliases": {}} })))
        }
        _ => (StatusCode::OK, axum::Json(json!({}))),
    }
}

async fn serve(fake: Shared) -> url::Url {
    let router = Router::new()
        .route("/_bulk", post(bulk))
        .route("/{index}", any(index))
        .route(
            "/{index}/_refresh",
            post(|| async { axum::Json(json!({})) }),
        )
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url::Url::parse(&format!("http://{addr}")).unwrap()
}

fn client(url: url::Url) -> EsClient {
    let mut settings = EsSettings::new(url).with_api_key("a2V5".into());
    settings.retry = RetryPolicy {
        max_attempts: 3,
        interval: Duration::from_millis(2),
        retry_on_timeout: true,
    };
    EsClient::new(settings).unwrap()
}

fn sink_settings() -> SinkSettings {
    let mut s = SinkSettings::new("search-gitlab");
    s.item_retry = RetryPolicy {
        max_attempts: 3,
        interval: Duration::from_millis(2),
        retry_on_timeout: true,
    };
    s
}

fn docs(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| Document::new(format!("issue_7_{i}"), "Issue").with("project_id", "7"))
        .collect()
}

#[tokio::test]
async fn throttled_items_are_resent_and_nothing_is_lost() {
    let fake = Shared::default();
    fake.lock().unwrap().throttle_once = vec!["issue_7_1".into(), "issue_7_3".into()];
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), sink_settings());
    let report = sink.write(docs(4)).await.unwrap();
    assert_eq!((report.created, report.updated), (4, 0));
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.bytes > 0);
    let fake = fake.lock().unwrap();
    assert_eq!(fake.stored.len(), 4);
    assert_eq!(fake.bulks.len(), 2);
    let retried = &fake.bulks[1].1;
    assert_eq!(
        retried.lines().count(),
        4,
        "only the two throttled docs are re-sent: {retried}"
    );
    assert!(retried.contains("issue_7_1") && retried.contains("issue_7_3"));
}

#[tokio::test]
async fn refused_items_are_reported_with_id_and_reason_and_updates_counted() {
    let fake = Shared::default();
    {
        let mut f = fake.lock().unwrap();
        f.refuse = vec!["issue_7_2".into()];
        f.stored = vec!["issue_7_0".into()];
    }
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), sink_settings());
    let report = sink.write(docs(3)).await.unwrap();
    assert_eq!((report.created, report.updated), (1, 1));
    assert_eq!(
        report.failed,
        [(
            "issue_7_2".to_owned(),
            "document_parsing_exception: failed to parse field [x]".to_owned()
        )]
    );
}

#[tokio::test]
async fn bulk_carries_pipeline_control_fields_and_headers_and_index_is_created() {
    let fake = Shared::default();
    let mut settings = sink_settings();
    settings.pipeline.name = "my-pipeline".into();
    settings.pipeline.reduce_whitespace = false;
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), settings);
    sink.write(docs(1)).await.unwrap();
    sink.finish().await.unwrap();
    let fake = fake.lock().unwrap();
    assert_eq!(fake.created.len(), 1);
    let mapping: Value = serde_json::from_str(&fake.created[0].1).unwrap();
    assert_eq!(
        mapping["mappings"]["properties"]["_timestamp"]["type"],
        "date"
    );
    let (query, body) = &fake.bulks[0];
    assert_eq!(
        query.as_deref(),
        Some(
            "filter_path=errors%2Citems.*.status%2Citems.*.result%2Citems.*.error\
             &pipeline=my-pipeline"
        )
    );
    let source: Value = serde_json::from_str(body.lines().nth(1).unwrap()).unwrap();
    assert_eq!(source["_extract_binary_content"], true);
    assert_eq!(source["_reduce_whitespace"], false);
    assert_eq!(source["_run_ml_inference"], true);
    assert_eq!(source["id"], "issue_7_0");
    let headers = &fake.headers[0];
    assert_eq!(headers["authorization"], "ApiKey a2V5");
    assert_eq!(headers["x-elastic-product-origin"], "connectors");
    assert_eq!(headers["content-type"], "application/x-ndjson");
}

#[tokio::test]
async fn batches_are_cut_by_lines_and_by_bytes() {
    let fake = Shared::default();
    let mut settings = sink_settings();
    settings.chunk_lines = 6;
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), settings);
    sink.write(docs(7)).await.unwrap();
    let lines: Vec<usize> = fake
        .lock()
        .unwrap()
        .bulks
        .iter()
        .map(|(_, b)| b.lines().count())
        .collect();
    assert_eq!(lines, [6, 6, 2]);

    let fake = Shared::default();
    let mut settings = sink_settings();
    settings.chunk_bytes = 400;
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), settings);
    let report = sink.write(docs(6)).await.unwrap();
    assert_eq!(report.created, 6);
    let sizes: Vec<usize> = fake
        .lock()
        .unwrap()
        .bulks
        .iter()
        .map(|(_, b)| b.len())
        .collect();
    assert!(
        sizes.len() > 1 && sizes.iter().all(|s| *s <= 400),
        "{sizes:?}"
    );
}

#[tokio::test]
async fn oversized_text_documents_are_dropped_and_reported() {
    let fake = Shared::default();
    let mut settings = sink_settings();
    settings.max_text_document_bytes = Some(300);
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), settings);
    let mut big = Document::new("file_7_README.md", "File").with("project_id", "7");
    big.body = "x".repeat(1000).into();
    let with_attachment = Document::new("file_7_a", "File").with("_attachment", "eA==".repeat(200));
    let report = sink.write(vec![big, with_attachment]).await.unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "file_7_README.md");
    assert!(report.failed[0].1.contains("too large"));
}

#[tokio::test]
async fn too_many_failures_fail_the_write() {
    let fake = Shared::default();
    fake.lock().unwrap().refuse = (0..5).map(|i| format!("issue_7_{i}")).collect();
    let mut settings = sink_settings();
    settings.error_monitor = ErrorMonitorSettings {
        max_consecutive_errors: 3,
        ..ErrorMonitorSettings::default()
    };
    let mut sink = ElasticsearchSink::new(client(serve(fake).await), settings);
    let err = sink.write(docs(5)).await.unwrap_err();
    assert!(err.to_string().starts_with("TooManyErrors:"), "{err}");
}

#[tokio::test]
async fn deletes_go_through_bulk_and_are_counted() {
    let fake = Shared::default();
    let mut sink = ElasticsearchSink::new(client(serve(fake.clone()).await), sink_settings());
    let deleted = sink.delete(vec!["a".into(), "b".into()]).await.unwrap();
    assert_eq!(deleted, 2);
    let body = fake.lock().unwrap().bulks[0].1.clone();
    assert_eq!(
        body,
        "{\"delete\":{\"_index\":\"search-gitlab\",\"_id\":\"a\"}}\n{\"delete\":{\"_index\":\"search-gitlab\",\"_id\":\"b\"}}\n"
    );
}

#[tokio::test]
async fn existing_scrolls_all_pages_with_scope_fields_and_clears_the_scroll() {
    let log: Arc<Mutex<Vec<Value>>> = Arc::default();
    let router = Router::new()
        .route("/search-gitlab", head(|| async { StatusCode::OK }))
        .route(
            "/search-gitlab/_search",
            post(|State(log): State<Arc<Mutex<Vec<Value>>>>, RawQuery(q): RawQuery, axum::Json(body): axum::Json<Value>| async move {
                assert_eq!(q.as_deref(), Some("scroll=300s"));
                log.lock().unwrap().push(body);
                axum::Json(json!({"_scroll_id": "s1", "_shards": {"failed": 0}, "hits": {"hits": [
                    {"_id": "issue_7_1", "_source": {"type": "Issue", "project_id": "7"}},
                    {"_id": "epic_g_1", "_source": {"type": "Epic", "group_path": "g"}}]}}))
            }),
        )
        .route(
            "/_search/scroll",
            post(|State(log): State<Arc<Mutex<Vec<Value>>>>| async move {
                let mut log = log.lock().unwrap();
                log.push(json!("next"));
                if log.len() == 2 {
                    axum::Json(json!({"_scroll_id": "s1", "hits": {"hits": [{"_id": "project_7", "_source": {"type": "Project"}}]}}))
                } else {
                    axum::Json(json!({"_scroll_id": "s1", "hits": {"hits": []}}))
                }
            })
            .delete(|State(log): State<Arc<Mutex<Vec<Value>>>>, axum::Json(body): axum::Json<Value>| async move {
                log.lock().unwrap().push(body);
                axum::Json(json!({"succeeded": true}))
            }),
        )
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let url = url::Url::parse(&format!("http://{addr}")).unwrap();
    let mut sink = ElasticsearchSink::new(client(url), sink_settings());
    let found = existing_docs(&mut sink).await.unwrap();
    let ids: Vec<&str> = found.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["issue_7_1", "epic_g_1", "project_7"]);
    assert_eq!(
        found[0].scope,
        Some(ScopeKey::Project {
            project_id: "7".into(),
            kind: ObjectKind::Issues
        })
    );
    assert_eq!(
        found[1].scope,
        Some(ScopeKey::Group {
            group_path: "g".into(),
            kind: ObjectKind::Epics
        })
    );
    assert_eq!(found[2].scope, Some(ScopeKey::Projects));
    assert!(found.iter().all(|d| d.content_hash.is_none()));
    let log = log.lock().unwrap();
    assert_eq!(
        log[0]["_source"],
        json!(["type", "project_id", "group_path"])
    );
    assert_eq!(log.len(), 4, "{log:?}");
    assert_eq!(log[3], json!({"scroll_id": ["s1"]}));
}
