use reqwest::Method;
use serde_json::json;

use crate::util::Sim;

#[tokio::test]
async fn root_reports_a_9x_default_flavor() {
    let sim = Sim::default().await;
    let (s, b) = sim.call(Method::GET, "/", None).await;
    assert_eq!(s, 200);
    assert!(b["version"]["number"].as_str().unwrap().starts_with("9."));
    assert_eq!(b["version"]["build_flavor"], "default");
}

#[tokio::test]
async fn update_with_stale_seq_no_is_409_and_current_seq_no_succeeds() {
    let sim = Sim::default().await;
    let (s, b) = sim
        .call(
            Method::PUT,
            "/.elastic-connectors/_doc/c1",
            Some(json!({"status": "created", "configuration": {"a": {"value": 1}}})),
        )
        .await;
    assert_eq!((s, b["result"].as_str()), (201, Some("created")));
    let (_, doc) = sim
        .call(Method::GET, "/.elastic-connectors/_doc/c1", None)
        .await;
    assert_eq!(doc["_index"], ".elastic-connectors-v1");
    let seq = doc["_seq_no"].as_u64().unwrap();
    let stale = format!(
        "/.elastic-connectors/_update/c1?if_seq_no={}&if_primary_term=1",
        seq + 5
    );
    let (s, err) = sim
        .call(Method::POST, &stale, Some(json!({"doc": {"status": "x"}})))
        .await;
    assert_eq!(s, 409);
    assert_eq!(err["error"]["type"], "version_conflict_engine_exception");
    assert_eq!(err["status"], 409);
    let fresh = format!("/.elastic-connectors/_update/c1?if_seq_no={seq}&if_primary_term=1");
    let (s, ok) = sim
        .call(
            Method::POST,
            &fresh,
            Some(json!({"doc": {"configuration": {"b": {"value": 2}}}})),
        )
        .await;
    assert_eq!((s, ok["result"].as_str()), (200, Some("updated")));
    let src = sim.state.document(".elastic-connectors", "c1").unwrap();
    assert_eq!(
        src["configuration"],
        json!({"a": {"value": 1}, "b": {"value": 2}})
    );
    // same seq_no again is now stale
    let (s, _) = sim
        .call(Method::POST, &fresh, Some(json!({"doc": {"status": "y"}})))
        .await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn missing_documents_and_indices_are_404() {
    let sim = Sim::default().await;
    let (s, b) = sim.call(Method::GET, "/nope/_doc/1", None).await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (404, Some("index_not_found_exception"))
    );
    sim.call(Method::PUT, "/idx", None).await;
    let (s, b) = sim.call(Method::GET, "/idx/_doc/1", None).await;
    assert_eq!((s, b["found"].as_bool()), (404, Some(false)));
    let (s, b) = sim
        .call(
            Method::POST,
            "/idx/_update/1",
            Some(json!({"doc": {"a": 1}})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (404, Some("document_missing_exception"))
    );
    let (s, b) = sim
        .call(Method::GET, "/nope?ignore_unavailable=true", None)
        .await;
    assert_eq!((s, b), (200, json!({})));
    let (s, _) = sim.call(Method::HEAD, "/nope", None).await;
    assert_eq!(s, 404);
    let (s, _) = sim.call(Method::HEAD, "/idx", None).await;
    assert_eq!(s, 200);
    let (s, b) = sim.call(Method::PUT, "/idx", None).await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("resource_already_exists_exception"))
    );
}

#[tokio::test]
async fn unknown_query_parameter_is_rejected_like_es() {
    let sim = Sim::default().await;
    sim.call(Method::PUT, "/idx", None).await;
    let (s, b) = sim
        .call(Method::POST, "/idx/_search?scrol=5m", Some(json!({})))
        .await;
    assert_eq!(s, 400);
    assert_eq!(b["error"]["type"], "illegal_argument_exception");
    assert_eq!(
        b["error"]["reason"],
        "request [/idx/_search] contains unrecognized parameter: [scrol]"
    );
    assert_eq!(
        b["error"]["root_cause"][0]["type"],
        "illegal_argument_exception"
    );
    let (s, _) = sim
        .call(
            Method::POST,
            "/idx/_search?expand_wildcards=hidden&pretty",
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = sim
        .call(Method::PUT, "/_connector/c1/_check_in?force=true", None)
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn explicit_mapping_shows_in_mapping_and_settings() {
    let sim = Sim::default().await;
    let (s, _) = sim.call(Method::PUT, "/idx", Some(json!({"settings": {"number_of_shards": 1}, "mappings": {"properties": {"n": {"type": "long"}}}}))).await;
    assert_eq!(s, 200);
    let (_, m) = sim.call(Method::GET, "/idx/_mapping", None).await;
    assert_eq!(m["idx"]["mappings"]["properties"]["n"]["type"], "long");
    let (_, st) = sim.call(Method::GET, "/idx/_settings", None).await;
    assert_eq!(st["idx"]["settings"]["index"]["number_of_shards"], "1");
    let (s, b) = sim
        .call(
            Method::PUT,
            "/idx/_doc/1",
            Some(json!({"n": "not a number"})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("document_parsing_exception"))
    );
}
