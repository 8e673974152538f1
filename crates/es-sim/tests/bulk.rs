use base64::Engine;
use reqwest::Method;
use serde_json::json;

use crate::util::Sim;

#[tokio::test]
async fn bulk_reports_per_item_results_and_a_mapping_conflict() {
    let sim = Sim::default().await;
    let body = concat!(
        "{\"index\":{\"_index\":\"search-x\",\"_id\":\"1\"}}\n{\"n\":1,\"title\":\"a\"}\n",
        "{\"index\":{\"_index\":\"search-x\",\"_id\":\"2\"}}\n{\"n\":\"abc\"}\n",
        "{\"create\":{\"_index\":\"search-x\",\"_id\":\"1\"}}\n{\"n\":2}\n",
        "{\"update\":{\"_index\":\"search-x\",\"_id\":\"1\"}}\n{\"doc\":{\"title\":\"b\"}}\n",
        "{\"update\":{\"_index\":\"search-x\",\"_id\":\"9\"}}\n{\"doc\":{\"title\":\"b\"}}\n",
        "{\"delete\":{\"_index\":\"search-x\",\"_id\":\"7\"}}\n",
        "{\"index\":{\"_index\":\"search-x\",\"_id\":\"3\"}}\n{\"title\":{\"nested\":true}}\n",
    );
    let (s, b) = sim.bulk("/_bulk?refresh=true", body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["errors"], true);
    let items = b["items"].as_array().unwrap();
    let status: Vec<u64> = items
        .iter()
        .map(|i| {
            i.as_object().unwrap().values().next().unwrap()["status"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(status, vec![201, 400, 409, 200, 404, 404, 400]);
    assert_eq!(
        items[1]["index"]["error"]["type"],
        "document_parsing_exception"
    );
    assert_eq!(
        items[2]["create"]["error"]["type"],
        "version_conflict_engine_exception"
    );
    assert_eq!(items[3]["update"]["result"], "updated");
    assert_eq!(
        items[4]["update"]["error"]["type"],
        "document_missing_exception"
    );
    assert_eq!(items[5]["delete"]["result"], "not_found");
    assert_eq!(
        items[6]["index"]["error"]["type"],
        "document_parsing_exception"
    );
    assert_eq!(sim.state.documents("search-x").unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_ndjson_fails_the_whole_request() {
    let sim = Sim::default().await;
    let (s, b) = sim
        .bulk("/_bulk", "{\"index\":{\"_index\":\"i\"}}\n{\"a\":1}")
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("illegal_argument_exception"))
    );
    assert!(
        b["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("terminated by a newline")
    );
    let (s, b) = sim
        .bulk("/_bulk", "{\"explode\":{\"_index\":\"i\"}}\n{}\n")
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("illegal_argument_exception"))
    );
    let (s, b) = sim.bulk("/_bulk", "not json\n").await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("x_content_parse_exception"))
    );
    let (s, b) = sim
        .bulk("/_bulk", "{\"index\":{\"_index\":\"i\",\"bogus\":1}}\n{}\n")
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("illegal_argument_exception"))
    );
    let (s, b) = sim.bulk("/_bulk", "{\"index\":{}}\n{}\n").await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("action_request_validation_exception"))
    );
    assert!(sim.state.index_names().is_empty());
}

#[tokio::test]
async fn pipeline_removes_control_fields_and_extracts_attachment() {
    let sim = Sim::default().await;
    let readme = base64::engine::general_purpose::STANDARD.encode("# Hello\n\n   world \n");
    let action = json!({"index": {"_index": "search-gitlab", "_id": "file_1_README.md"}});
    let doc = json!({"id": "file_1_README.md", "type": "file", "_attachment": readme,
        "_extract_binary_content": true, "_reduce_whitespace": true, "_run_ml_inference": true});
    let plain = json!({"id": "p", "_extract_binary_content": true, "_reduce_whitespace": true, "_run_ml_inference": true});
    let body = format!(
        "{action}\n{doc}\n{}\n{plain}\n",
        json!({"index": {"_index": "search-gitlab", "_id": "p"}})
    );
    let (s, b) = sim
        .bulk("/_bulk?pipeline=search-default-ingestion", &body)
        .await;
    assert_eq!((s, b["errors"].as_bool()), (200, Some(false)), "{b}");
    let src = sim
        .state
        .document("search-gitlab", "file_1_README.md")
        .unwrap();
    assert_eq!(
        src,
        json!({"id": "file_1_README.md", "type": "file", "body": "# Hello world"})
    );
    assert_eq!(
        sim.state.document("search-gitlab", "p").unwrap(),
        json!({"id": "p"})
    );
    // without the pipeline the control fields stay
    let (_, _) = sim.bulk("/_bulk", &format!("{action}\n{doc}\n")).await;
    assert!(
        sim.state
            .document("search-gitlab", "file_1_README.md")
            .unwrap()
            .get("_attachment")
            .is_some()
    );
    let (s, b) = sim
        .bulk("/_bulk?pipeline=missing", &format!("{action}\n{doc}\n"))
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, _) = sim
        .call(Method::POST, "/search-gitlab/_refresh", None)
        .await;
    assert_eq!(s, 200);
    let (_, c) = sim.call(Method::POST, "/search-gitlab/_count", None).await;
    assert_eq!(c["count"], 2);
}
