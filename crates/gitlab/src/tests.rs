//! Loopback tests of the client against tiny axum servers on `127.0.0.1:0`.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use connector_core::Secret;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

use crate::graphql::schema;
use crate::{ClientError, ClientSettings, GitlabClient};

const TOKEN: &str = "glpat-TOPSECRET-123";

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
struct WhoAmI {
    current_user: Option<WhoUser>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "CurrentUser")]
struct WhoUser {
    username: String,
}

fn who_am_i() -> cynic::Operation<WhoAmI, ()> {
    use cynic::QueryBuilder;
    WhoAmI::build(())
}

/// Shared server-side state: request count, bodies seen, in-flight gauge.
#[derive(Default)]
struct Seen {
    count: AtomicUsize,
    bodies: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

type Shared = Arc<Seen>;

async fn serve(router: Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    Url::parse(&format!("http://{addr}")).expect("url")
}

fn settings(base: Url) -> ClientSettings {
    let mut s = ClientSettings::new(base, Secret::new(TOKEN));
    s.max_attempts = 3;
    s.retry_base_delay = Duration::from_millis(1);
    s.retry_max_delay = Duration::from_millis(5);
    s.rate_limit_default_wait = Duration::from_millis(10);
    s.rate_limit_max_wait = Duration::from_millis(20);
    s.request_timeout = Duration::from_secs(5);
    s
}

fn client(base: Url) -> GitlabClient {
    GitlabClient::new(settings(base)).expect("client")
}

fn user_json() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        r#"{"id":1,"username":"root"}"#,
    )
        .into_response()
}

/// A `/api/v4/user` server that answers `first` to the first request and a user afterwards.
async fn user_server(first: fn() -> Response) -> (Url, Shared) {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/user",
            get(move |State(seen): State<Shared>| async move {
                if seen.count.fetch_add(1, Ordering::SeqCst) == 0 {
                    first()
                } else {
                    user_json()
                }
            }),
        )
        .with_state(seen.clone());
    (serve(router).await, seen)
}

fn too_many(headers: Vec<(&'static str, String)>) -> Response {
    let mut resp = StatusCode::TOO_MANY_REQUESTS.into_response();
    for (k, v) in headers {
        resp.headers_mut().insert(k, v.parse().expect("header"));
    }
    resp
}

#[tokio::test]
async fn retries_same_request_after_429_with_retry_after_seconds() {
    let (base, seen) = user_server(|| too_many(vec![("retry-after", "1".into())])).await;
    let c = client(base);
    let user = c.current_user().await.expect("retried after 429");
    assert_eq!(user.username, "root");
    assert_eq!(seen.count.load(Ordering::SeqCst), 2);
    assert_eq!(c.stats().rate_limited, 1);
}

#[tokio::test]
async fn retries_same_request_after_429_with_http_date() {
    let (base, seen) = user_server(|| {
        too_many(vec![(
            "retry-after",
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2)),
        )])
    })
    .await;
    let c = client(base);
    c.current_user().await.expect("retried after 429");
    assert_eq!(seen.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn retries_after_429_with_only_ratelimit_reset() {
    let (base, seen) = user_server(|| {
        let reset = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("epoch")
            .as_secs()
            + 2;
        too_many(vec![("ratelimit-reset", reset.to_string())])
    })
    .await;
    let c = client(base);
    c.current_user().await.expect("retried after 429");
    assert_eq!(seen.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn gives_up_after_too_many_429s_naming_the_operation() {
    let seen = Shared::default();
    let router = Router::new()
        .route("/api/v4/user", get(|| async { too_many(vec![]) }))
        .with_state(seen);
    let mut s = settings(serve(router).await);
    s.max_rate_limit_waits = 2;
    let err = GitlabClient::new(s)
        .expect("client")
        .current_user()
        .await
        .expect_err("429 forever");
    assert!(
        matches!(err, ClientError::RateLimited { waits: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("GET /user"), "{err}");
}

#[tokio::test]
async fn retries_same_graphql_body_after_5xx() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/graphql",
            post(|State(seen): State<Shared>, body: String| async move {
                seen.bodies.lock().expect("lock").push(body);
                if seen.count.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::BAD_GATEWAY, "bad gateway").into_response()
                } else {
                    axum::Json(serde_json::json!({"data": {"currentUser": {"username": "root"}}}))
                        .into_response()
                }
            }),
        )
        .with_state(seen.clone());
    let c = client(serve(router).await);
    let resp = c.graphql("CurrentUser", who_am_i()).await.expect("retried");
    let who: WhoAmI = serde_json::from_value(resp.data.expect("data")).expect("decodes");
    assert_eq!(who.current_user.expect("user").username, "root");
    let bodies = seen.bodies.lock().expect("lock").clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1], "the same request is sent again");
    assert!(bodies[0].contains("currentUser"));
    let stats = c.stats();
    assert_eq!((stats.graphql_requests, stats.retries), (2, 1));
}

async fn graphql_errors_server(message: &'static str) -> (Url, Shared) {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/graphql",
            post(move |State(seen): State<Shared>| async move {
                seen.count.fetch_add(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({"data": null, "errors": [{"message": message}]}))
            }),
        )
        .with_state(seen.clone());
    (serve(router).await, seen)
}

#[tokio::test]
async fn complexity_errors_go_back_to_the_caller_unretried() {
    let msg = "Query has complexity of 300, which exceeds max complexity of 250";
    let (base, seen) = graphql_errors_server(msg).await;
    let resp = client(base)
        .graphql("CurrentUser", who_am_i())
        .await
        .expect("errors are data");
    assert_eq!(resp.errors, vec![msg.to_owned()]);
    assert!(resp.data.is_none());
    assert_eq!(seen.count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn internal_server_error_in_graphql_is_retried_then_reported() {
    let (base, seen) = graphql_errors_server("Internal server error").await;
    let err = client(base)
        .graphql("CurrentUser after=abc", who_am_i())
        .await
        .expect_err("persisted");
    assert_eq!(seen.count.load(Ordering::SeqCst), 3);
    let text = err.to_string();
    assert!(
        text.contains("CurrentUser after=abc") && text.contains("Internal server error"),
        "{text}"
    );
}

#[tokio::test]
async fn timeout_then_success_is_retried() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/user",
            get(|State(seen): State<Shared>| async move {
                if seen.count.fetch_add(1, Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                user_json()
            }),
        )
        .with_state(seen.clone());
    let mut s = settings(serve(router).await);
    s.request_timeout = Duration::from_millis(100);
    let user = GitlabClient::new(s)
        .expect("client")
        .current_user()
        .await
        .expect("retried");
    assert_eq!(user.username, "root");
    assert_eq!(seen.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn truncated_body_then_success_is_retried() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count = Arc::new(AtomicUsize::new(0));
    let served = count.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let n = served.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let body = r#"{"id":1,"username":"root"}"#;
            let reply = if n == 0 {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    body.len() + 50,
                    &body[..8]
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = sock.write_all(reply.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    let c = client(Url::parse(&format!("http://{addr}")).expect("url"));
    assert_eq!(c.current_user().await.expect("retried").username, "root");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_says_check_the_token() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/user",
            get(|State(seen): State<Shared>| async move {
                seen.count.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::UNAUTHORIZED,
                    r#"{"message":"401 Unauthorized"}"#,
                )
            }),
        )
        .with_state(seen.clone());
    let err = client(serve(router).await)
        .current_user()
        .await
        .expect_err("401");
    assert_eq!(seen.count.load(Ordering::SeqCst), 1);
    let text = err.to_string();
    assert!(matches!(err, ClientError::Unauthorized { .. }));
    assert!(
        text.contains("GET /user") && text.contains("token") && text.contains("scope"),
        "{text}"
    );
}

#[tokio::test]
async fn token_and_user_agent_are_sent() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/user",
            get(
                |State(seen): State<Shared>, headers: HeaderMap| async move {
                    let token = headers
                        .get("private-token")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let ua = headers
                        .get("user-agent")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    seen.bodies
                        .lock()
                        .expect("lock")
                        .push(format!("{token} {ua}"));
                    user_json()
                },
            ),
        )
        .with_state(seen.clone());
    client(serve(router).await)
        .current_user()
        .await
        .expect("ok");
    let got = seen.bodies.lock().expect("lock").clone();
    assert_eq!(
        got,
        vec![format!("{TOKEN} {}", crate::transport::USER_AGENT_VALUE)]
    );
}

#[tokio::test]
async fn concurrent_requests_stay_within_the_semaphore() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/user",
            get(|State(seen): State<Shared>| async move {
                let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                seen.in_flight.fetch_sub(1, Ordering::SeqCst);
                user_json()
            }),
        )
        .with_state(seen.clone());
    let mut s = settings(serve(router).await);
    s.max_concurrent_requests = 2;
    let c = GitlabClient::new(s).expect("client");
    let calls = (0..8).map(|_| {
        let c = c.clone();
        async move { c.current_user().await }
    });
    for r in futures::future::join_all(calls).await {
        r.expect("ok");
    }
    assert_eq!(seen.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn pacing_slows_down_when_remaining_is_zero() {
    let router = Router::new().route(
        "/api/v4/user",
        get(|| async {
            let reset = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .expect("epoch")
                .as_secs()
                + 30;
            let mut resp = user_json();
            resp.headers_mut()
                .insert("ratelimit-remaining", "0".parse().expect("hv"));
            resp.headers_mut()
                .insert("ratelimit-reset", reset.to_string().parse().expect("hv"));
            resp
        }),
    );
    let mut s = settings(serve(router).await);
    s.rate_limit_max_wait = Duration::from_millis(150);
    let c = GitlabClient::new(s).expect("client");
    let start = Instant::now();
    c.current_user().await.expect("first");
    let first = start.elapsed();
    c.current_user().await.expect("second");
    assert!(
        start.elapsed() - first >= Duration::from_millis(140),
        "second request was paced"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let router = Router::new()
        .route("/api/v4/big", get(|| async { vec![b'x'; 1000] }))
        .route(
            "/api/v4/stream",
            get(|| async {
                let chunks = futures::stream::iter(
                    (0..10).map(|i| Ok::<_, std::io::Error>(vec![b'a' + i; 100])),
                );
                Body::from_stream(chunks)
            }),
        );
    let c = client(serve(router).await);
    let err = c.get_bytes("/big", &[], 10).await.expect_err("too large");
    assert!(
        matches!(
            err,
            ClientError::TooLarge {
                size: Some(1000),
                ..
            }
        ),
        "{err:?}"
    );
    let err = c
        .get_bytes("/stream", &[], 250)
        .await
        .expect_err("too large");
    assert!(
        matches!(err, ClientError::TooLarge { size: None, .. }),
        "{err:?}"
    );
    assert_eq!(
        c.get_bytes("/big", &[], 1000).await.expect("fits").len(),
        1000
    );
    let streamed = c.get_bytes("/stream", &[], 1000).await.expect("fits");
    let expected: Vec<u8> = (0..10).flat_map(|i| [b'a' + i; 100]).collect();
    assert_eq!(
        streamed, expected,
        "a body of many chunks, whole and in order"
    );
}

/// A file body of `len` bytes announced as `announced` bytes.
fn file_body(len: usize, announced: usize) -> Response {
    let mut resp = vec![b'r'; len].into_response();
    resp.headers_mut()
        .insert("x-gitlab-size", announced.to_string().parse().expect("hv"));
    resp
}

#[tokio::test]
async fn file_bodies_are_checked_against_the_size_gitlab_announces() {
    let seen = Shared::default();
    let router = Router::new()
        .route(
            "/api/v4/cut-once",
            get(|State(seen): State<Shared>| async move {
                // The first answer is cut short; the retry is whole.
                let first = seen.count.fetch_add(1, Ordering::SeqCst) == 0;
                file_body(if first { 40 } else { 100 }, 100)
            }),
        )
        .route("/api/v4/always-cut", get(|| async { file_body(40, 100) }))
        .route(
            "/api/v4/announced-big",
            get(|| async { file_body(10, 5000) }),
        )
        .with_state(seen.clone());
    let c = client(serve(router).await);
    let bytes = c.get_bytes("/cut-once", &[], 1000).await.expect("retried");
    assert_eq!(bytes.len(), 100);
    assert_eq!(seen.count.load(Ordering::SeqCst), 2);

    let err = c
        .get_bytes("/always-cut", &[], 1000)
        .await
        .expect_err("never whole");
    assert!(
        matches!(
            err,
            ClientError::SizeMismatch {
                attempts: 3,
                received: 40,
                announced: 100,
                ..
            }
        ),
        "{err:?}"
    );

    let err = c
        .get_bytes("/announced-big", &[], 1000)
        .await
        .expect_err("announced over the limit");
    assert!(
        matches!(
            err,
            ClientError::TooLarge {
                size: Some(5000),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn tree_entries_follow_next_page_and_end_with_err_on_failure() {
    let router = Router::new().route(
        "/api/v4/projects/{id}/repository/tree",
        get(|axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>| async move {
            assert_eq!(q.get("per_page").map(String::as_str), Some("100"));
            let page: u32 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let fail = q.get("ref").map(String::as_str) == Some("broken");
            if page == 2 && fail {
                return StatusCode::NOT_FOUND.into_response();
            }
            let next = if page < 3 { (page + 1).to_string() } else { String::new() };
            let entry = serde_json::json!([{"id": "a", "name": format!("f{page}"), "path": format!("f{page}"), "type": "blob", "mode": "100644"}]);
            let mut resp = axum::Json(entry).into_response();
            resp.headers_mut().insert("x-next-page", next.parse().expect("hv"));
            resp
        }),
    );
    let c = client(serve(router).await);
    let names: Vec<String> = c
        .tree_entries(7, "main", None, true)
        .map(|e| e.expect("ok").name)
        .collect()
        .await;
    assert_eq!(names, vec!["f1", "f2", "f3"]);
    let items: Vec<_> = c.tree_entries(7, "broken", None, false).collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let err = items[1].as_ref().expect_err("page 2 failed").to_string();
    assert!(err.contains("page=2"), "the error names the page: {err}");
}

#[tokio::test]
async fn files_are_read_raw_with_encoded_paths() {
    let router = Router::new().route(
        "/api/v4/projects/7/repository/files/{path}/raw",
        get(
            |axum::extract::Path(path): axum::extract::Path<String>| async move {
                assert_eq!(
                    path, "docs/README.md",
                    "decoded by the server from docs%2FREADME.md"
                );
                "hello"
            },
        ),
    );
    let c = client(serve(router).await);
    assert_eq!(
        &c.file_raw(7, "docs/README.md", "main", 10)
            .await
            .expect("raw")[..],
        b"hello"
    );
}

#[tokio::test]
async fn body_bytes_are_counted_for_every_kind_of_request() {
    const GRAPHQL_BODY: &str = r#"{"data":{"currentUser":{"username":"root"}}}"#;
    let router = Router::new()
        .route("/api/v4/user", get(|| async { user_json() }))
        .route(
            "/api/v4/projects/7/repository/files/{path}/raw",
            get(|| async { "hello" }),
        )
        .route("/api/graphql", post(|| async { GRAPHQL_BODY }));
    let c = client(serve(router).await);
    c.current_user().await.expect("user");
    c.file_raw(7, "README.md", "main", 10).await.expect("raw");
    c.graphql("CurrentUser", who_am_i()).await.expect("graphql");
    let expected = r#"{"id":1,"username":"root"}"#.len() + "hello".len() + GRAPHQL_BODY.len();
    assert_eq!(c.stats().bytes_received, expected as u64);
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let c = client(Url::parse(&format!("http://{addr}")).expect("url"));
    let error = c.current_user().await.expect_err("nothing listens there");
    let message = error.to_string();
    assert!(
        message.contains("GET /user: request failed after 3 attempt(s)")
            && message.contains("Connection refused"),
        "{message}"
    );
}

#[tokio::test]
async fn token_info_is_none_on_old_gitlab() {
    let c = client(serve(Router::new()).await);
    assert!(c.token_info().await.expect("404 tolerated").is_none());
}

#[test]
fn debug_output_never_shows_credentials_written_into_the_url() {
    let c = client(Url::parse("http://user:URLSECRET@127.0.0.1:9/").expect("url"));
    let shown = format!("{c:?}");
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
    assert!(!shown.contains("URLSECRET"), "{shown}");
}

#[tokio::test]
async fn no_error_text_or_debug_output_contains_the_token() {
    let router = Router::new()
        .route("/api/v4/user", get(|| async { StatusCode::UNAUTHORIZED }))
        .route("/api/v4/forbidden", get(|| async { StatusCode::FORBIDDEN }))
        .route(
            "/api/v4/boom",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route("/api/v4/big", get(|| async { vec![b'x'; 100] }))
        .route("/api/v4/garbage", get(|| async { "<html>" }));
    let base = serve(router).await;
    let c = client(base.clone());
    let mut errors = vec![
        c.current_user().await.expect_err("401"),
        c.get_json::<serde_json::Value>("/forbidden", &[])
            .await
            .expect_err("403"),
        c.get_json::<serde_json::Value>("/missing", &[])
            .await
            .expect_err("404"),
        c.get_json::<serde_json::Value>("/boom", &[])
            .await
            .expect_err("500"),
        c.get_json::<serde_json::Value>("/garbage", &[])
            .await
            .expect_err("html"),
        c.get_bytes("/big", &[], 1).await.expect_err("too large"),
    ];
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let dead = Url::parse(&format!("http://{}", closed.local_addr().expect("addr"))).expect("url");
    drop(closed);
    errors.push(
        client(dead)
            .current_user()
            .await
            .expect_err("connection refused"),
    );
    let mut bad = settings(base);
    bad.ca_bundle = Some("/no/such/ca.pem".into());
    errors.push(GitlabClient::new(bad.clone()).expect_err("missing CA bundle"));
    for err in &errors {
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#}")] {
            assert!(!text.contains(TOKEN), "token leaked: {text}");
        }
    }
    assert!(!format!("{c:?}").contains(TOKEN));
    assert!(!format!("{bad:?}").contains(TOKEN));
}
