use std::time::Duration;

use es_sim::{EsSimState, SimConfig};
use reqwest::Method;
use serde_json::json;

use crate::util::Sim;

const TWO_DOCS: &str = "{\"index\":{\"_index\":\"i\",\"_id\":\"1\"}}\n{\"a\":1}\n{\"index\":{\"_index\":\"i\",\"_id\":\"2\"}}\n{\"a\":2}\n";

#[tokio::test]
async fn next_bulk_requests_are_rejected_with_429_then_succeed() {
    let sim = Sim::default().await;
    sim.state.reject_next_bulk_requests(2);
    for _ in 0..2 {
        let (s, b) = sim.bulk("/_bulk", TWO_DOCS).await;
        assert_eq!(
            (s, b["error"]["type"].as_str()),
            (429, Some("es_rejected_execution_exception"))
        );
    }
    let (s, b) = sim.bulk("/_bulk", TWO_DOCS).await;
    assert_eq!((s, b["errors"].as_bool()), (200, Some(false)));
}

#[tokio::test]
async fn a_fraction_of_bulk_items_is_rejected_via_control_plane() {
    let sim = Sim::default().await;
    let r = sim
        .client
        .post(format!("{}/_sim/faults/bulk_item_rejections", sim.base))
        .json(&json!({"fraction": 0.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (_, b) = sim.bulk("/_bulk", TWO_DOCS).await;
    assert_eq!(b["errors"], true);
    let statuses: Vec<u64> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["index"]["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![201, 429]);
    assert_eq!(
        b["items"][1]["index"]["error"]["type"],
        "es_rejected_execution_exception"
    );
}

#[tokio::test]
async fn unavailable_window_answers_503_then_recovers() {
    let sim = Sim::default().await;
    sim.state.make_unavailable_for(Duration::from_millis(150));
    let (s, _) = sim.call(Method::GET, "/", None).await;
    assert_eq!(s, 503);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (s, _) = sim.call(Method::GET, "/", None).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn requests_of_a_delayed_api_are_held_and_others_are_not() {
    let sim = Sim::default().await;
    let latency = json!({"api": "info", "millis": 400});
    let (s, _) = sim
        .call(Method::POST, "/_sim/faults/latency", Some(latency))
        .await;
    assert_eq!(s, 204);
    let started = std::time::Instant::now();
    let (s, _) = sim.call(Method::GET, "/", None).await;
    assert_eq!(s, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
    let started = std::time::Instant::now();
    let (s, _) = sim.call(Method::GET, "/missing", None).await;
    assert_eq!(s, 404);
    assert!(started.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn request_log_records_product_origin_and_status() {
    let sim = Sim::default().await;
    sim.call(Method::GET, "/", None).await;
    sim.client
        .get(format!(
            "{}/.elastic-connectors-v1?ignore_unavailable=true",
            sim.base
        ))
        .send()
        .await
        .unwrap();
    let log = sim.state.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].product_origin.as_deref(), Some("connectors"));
    assert_eq!(log[1].product_origin, None);
    assert_eq!(log[1].query, "ignore_unavailable=true");
    let r = sim
        .client
        .get(format!("{}/_sim/requests", sim.base))
        .send()
        .await
        .unwrap();
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["requests"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn auth_is_checked_when_configured() {
    let cfg = SimConfig {
        api_key: Some("k3y".into()),
        basic: Some(("elastic".into(), "changeme".into())),
        require_product_origin: true,
    };
    let sim = Sim::start(EsSimState::new(cfg)).await;
    let r = sim
        .client
        .get(format!("{}/", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["type"], "security_exception");
    let ok = sim
        .client
        .get(format!("{}/", sim.base))
        .header("Authorization", "ApiKey k3y")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let ok = sim
        .client
        .get(format!("{}/", sim.base))
        .basic_auth("elastic", Some("changeme"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let bad = sim
        .client
        .get(format!("{}/", sim.base))
        .basic_auth("elastic", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 401);
    // system index without product origin is refused under --require-product-origin
    let r = sim
        .client
        .get(format!("{}/.elastic-connectors/_doc/x", sim.base))
        .header("Authorization", "ApiKey k3y")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}
