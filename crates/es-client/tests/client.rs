//! The client against small axum handlers on 127.0.0.1:0.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get, post};
use connector_core::Secret;
use es_client::{EsAuth, EsClient, EsError, EsSettings, RetryPolicy, SeqNo, SyncJob};
use serde_json::{Value, json};

async fn serve(router: Router) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url::Url::parse(&format!("http://{addr}")).unwrap()
}

fn settings(url: url::Url, auth: Option<EsAuth>) -> EsSettings {
    let mut s = EsSettings::new(url);
    s.auth = auth;
    s.request_timeout = Duration::from_secs(5);
    s.retry = RetryPolicy {
        max_attempts: 3,
        interval: Duration::from_millis(5),
        retry_on_timeout: true,
    };
    s
}

#[tokio::test]
async fn every_request_carries_auth_product_origin_and_user_agent() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<HeaderMap>::new()));
    let router = Router::new()
        .route(
            "/",
            get(|State(seen): State<Arc<std::sync::Mutex<Vec<HeaderMap>>>>, headers: HeaderMap| async move {
                seen.lock().unwrap().push(headers);
                axum::Json(json!({"name": "n", "version": {"number": "9.1.0", "build_flavor": "default"}}))
            }),
        )
        .with_state(seen.clone());
    let url = serve(router).await;
    let api = EsClient::new(settings(
        url.clone(),
        Some(EsAuth::ApiKey(Secret::new("ZW5jb2RlZA=="))),
    ))
    .unwrap();
    assert_eq!(api.info().await.unwrap().version.number, "9.1.0");
    let basic = EsClient::new(settings(
        url,
        Some(EsAuth::Basic {
            username: "elastic".into(),
            password: Secret::new("changeme"),
        }),
    ))
    .unwrap();
    basic.info().await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0]["authorization"], "ApiKey ZW5jb2RlZA==");
    assert_eq!(seen[1]["authorization"], "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==");
    for headers in seen.iter() {
        assert_eq!(headers["x-elastic-product-origin"], "connectors");
        assert!(
            headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("gitlab-connector/")
        );
    }
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let calls = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/idx/_count",
            post(|State(calls): State<Arc<AtomicUsize>>| async move {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({})))
                } else {
                    (StatusCode::OK, axum::Json(json!({"count": 7})))
                }
            }),
        )
        .with_state(calls.clone());
    let client = EsClient::new(settings(serve(router).await, None)).unwrap();
    assert_eq!(client.count("idx").await.unwrap(), 7);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_es_error() {
    let calls = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/idx/_refresh",
            post(|State(calls): State<Arc<AtomicUsize>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({"error": {"type": "es_rejected_execution_exception", "reason": "queue full"}, "status": 429})),
                )
            }),
        )
        .with_state(calls.clone());
    let client = EsClient::new(settings(serve(router).await, None)).unwrap();
    let err = client.refresh("idx").await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        err.to_string(),
        "POST /idx/_refresh?ignore_unavailable=true: HTTP 429 es_rejected_execution_exception: queue full"
    );
}

#[tokio::test]
async fn version_conflict_is_typed_and_guard_is_sent() {
    let router = Router::new().route(
        "/{index}/_update/{id}",
        post(|axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
            assert_eq!(query.as_deref(), Some("if_seq_no=3&if_primary_term=1"));
            (
                StatusCode::CONFLICT,
                axum::Json(json!({"error": {"type": "version_conflict_engine_exception", "reason": "[c1]: version conflict"}, "status": 409})),
            )
        }),
    );
    let client = EsClient::new(settings(serve(router).await, None)).unwrap();
    let err = client
        .update_doc(
            ".elastic-connectors",
            "c1",
            &json!({"status": "connected"}),
            Some(SeqNo {
                seq_no: 3,
                primary_term: 1,
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, EsError::Conflict { .. }), "{err:?}");
}

#[tokio::test]
async fn missing_document_is_none_and_errors_never_show_credentials() {
    let router = Router::new()
        .route("/idx/_doc/{id}", get(|| async { (StatusCode::NOT_FOUND, axum::Json(json!({"found": false}))) }))
        .route(
            "/idx",
            any(|| async {
                (StatusCode::FORBIDDEN, axum::Json(json!({"error": {"type": "security_exception", "reason": "action unauthorized"}})))
            }),
        );
    let client = EsClient::new(settings(
        serve(router).await,
        Some(EsAuth::Basic {
            username: "elastic".into(),
            password: Secret::new("hunter2"),
        }),
    ))
    .unwrap();
    assert!(client.get_doc::<Value>("idx", "x").await.unwrap().is_none());
    let err = client.create_index("idx", &json!({})).await.unwrap_err();
    assert_eq!(err.error_type(), Some("security_exception"));
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("PUT /idx") && !text.contains("hunter2"),
        "{text}"
    );
    assert!(!format!("{client:?}").contains("hunter2"));
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported_without_url_credentials() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = url::Url::parse(&format!("http://user:pw-secret@{addr}")).unwrap();
    let client = EsClient::new(settings(url, None)).unwrap();
    let err = client.info().await.unwrap_err();
    assert!(matches!(err, EsError::Transport { .. }), "{err:?}");
    assert!(!err.to_string().contains("pw-secret"), "{err}");
}

#[test]
fn a_ca_file_without_certificates_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.pem");
    std::fs::write(&path, "garbage\n").unwrap();
    let mut s = settings(url::Url::parse("https://es.example:9200").unwrap(), None);
    s.ca_certs = Some(path.clone());
    let err = EsClient::new(s).unwrap_err();
    assert!(matches!(err, EsError::Setup(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot set up the Elasticsearch client: CA certificates {} hold no valid PEM \
             certificate",
            path.display()
        )
    );
}

#[tokio::test]
async fn wait_for_es_polls_until_it_answers() {
    let calls = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/",
            get(|State(calls): State<Arc<AtomicUsize>>| async move {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(json!({"error": "starting"})),
                    )
                } else {
                    (
                        StatusCode::OK,
                        axum::Json(json!({"version": {"number": "9.0.0"}})),
                    )
                }
            }),
        )
        .with_state(calls.clone());
    let client = EsClient::new(settings(serve(router).await, None)).unwrap();
    let info = client
        .wait_for_es(Duration::from_secs(5), Duration::from_millis(5), 2.0)
        .await
        .unwrap();
    assert_eq!(info.version.number, "9.0.0");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn connector_and_sync_job_apis_use_the_spec_paths() {
    let router = Router::new()
        .route(
            "/_connector/c1/_check_in",
            any(|| async { axum::Json(json!({"result": "updated"})) }),
        )
        .route(
            "/_connector/_sync_job",
            post(|axum::Json(body): axum::Json<Value>| async move {
                assert_eq!(
                    body,
                    json!({"id": "c1", "job_type": "full", "trigger_method": "scheduled"})
                );
                axum::Json(json!({"id": "j1"}))
            }),
        )
        .route(
            "/_connector/_sync_job/j1/_claim",
            any(|axum::Json(body): axum::Json<Value>| async move {
                assert_eq!(body, json!({"worker_hostname": "h"}));
                axum::Json(json!({"result": "updated"}))
            }),
        );
    let client = EsClient::new(settings(serve(router).await, None)).unwrap();
    client.connector_check_in("c1").await.unwrap();
    assert_eq!(
        client
            .sync_job_post("c1", "full", "scheduled")
            .await
            .unwrap(),
        "j1"
    );
    client.sync_job_claim("j1", "h", None).await.unwrap();
}

#[test]
fn sync_job_decodes_ignoring_unknown_fields_and_defaulting_pipeline_flags() {
    let job: SyncJob = serde_json::from_value(json!({"id": "j1", "status": "pending", "job_type": "full", "unknown_new_field": 1,
        "connector": {"id": "c1", "index_name": "search-gitlab", "filtering": {"rules": [], "advanced_snippet": {"value": {}}, "validation": {"state": "valid", "errors": []}},
        "pipeline": {"name": "p", "extract_binary_content": false}, "configuration": {"token": {"value": "t", "label": "Token"}}}}))
    .unwrap();
    assert_eq!(job.connector.index_name, "search-gitlab");
    let pipeline = job.connector.pipeline.unwrap();
    assert!(!pipeline.extract_binary_content && pipeline.reduce_whitespace);
    assert_eq!(job.connector.configuration["token"].value, "t");
}

#[test]
fn debug_output_never_shows_credentials_written_into_the_url() {
    let url = url::Url::parse("http://elastic:URLSECRET@127.0.0.1:9/").unwrap();
    let settings = EsSettings::new(url);
    let shown = format!("{settings:?}");
    assert!(
        shown.contains("127.0.0.1:9") && !shown.contains("URLSECRET"),
        "{shown}"
    );
    let client = EsClient::new(settings).unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains("127.0.0.1:9") && !shown.contains("URLSECRET"),
        "{shown}"
    );
}
