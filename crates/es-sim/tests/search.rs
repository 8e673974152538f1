use reqwest::Method;
use serde_json::json;

use crate::util::Sim;

async fn load_docs(sim: &Sim, n: usize) {
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&format!("{}\n{}\n", json!({"index": {"_index": "search-many", "_id": format!("d{i:05}")}}), json!({"id": format!("d{i:05}"), "n": i, "_timestamp": "2026-01-01T00:00:00Z", "body": "text"})));
    }
    let (s, b) = sim.bulk("/_bulk", &body).await;
    assert_eq!((s, b["errors"].as_bool()), (200, Some(false)));
}

#[tokio::test]
async fn scroll_walks_every_document_then_clears() {
    let sim = Sim::default().await;
    load_docs(&sim, 2_345).await;
    let (s, first) = sim
        .call(
            Method::POST,
            "/search-many/_search?scroll=5m",
            Some(json!({"sort": ["_doc"], "size": 1000, "_source": ["id", "_timestamp"]})),
        )
        .await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["hits"]["total"]["value"], 2_345);
    assert_eq!(
        first["hits"]["hits"][0]["_source"],
        json!({"id": "d00000", "_timestamp": "2026-01-01T00:00:00Z"})
    );
    let id = first["_scroll_id"].as_str().unwrap().to_owned();
    let mut seen = first["hits"]["hits"].as_array().unwrap().len();
    loop {
        let (s, page) = sim
            .call(
                Method::POST,
                "/_search/scroll",
                Some(json!({"scroll": "5m", "scroll_id": id})),
            )
            .await;
        assert_eq!(s, 200);
        let n = page["hits"]["hits"].as_array().unwrap().len();
        if n == 0 {
            break;
        }
        seen += n;
    }
    assert_eq!(seen, 2_345);
    let (s, b) = sim
        .call(
            Method::DELETE,
            "/_search/scroll",
            Some(json!({"scroll_id": [id.clone()]})),
        )
        .await;
    assert_eq!((s, b["num_freed"].as_u64()), (200, Some(1)));
    let (s, b) = sim
        .call(
            Method::POST,
            "/_search/scroll",
            Some(json!({"scroll": "5m", "scroll_id": id})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (404, Some("search_context_missing_exception"))
    );
}

#[tokio::test]
async fn point_in_time_with_search_after_pages_a_snapshot() {
    let sim = Sim::default().await;
    load_docs(&sim, 25).await;
    let (_, pit) = sim
        .call(Method::POST, "/search-many/_pit?keep_alive=1m", None)
        .await;
    let pit_id = pit["id"].as_str().unwrap().to_owned();
    sim.bulk(
        "/_bulk",
        &format!(
            "{}\n{}\n",
            json!({"index": {"_index": "search-many", "_id": "late"}}),
            json!({"n": 99})
        ),
    )
    .await;
    let mut after: Option<serde_json::Value> = None;
    let mut seen = 0;
    loop {
        let mut body =
            json!({"size": 10, "sort": [{"n": "asc"}], "pit": {"id": pit_id, "keep_alive": "1m"}});
        if let Some(a) = &after {
            body["search_after"] = a.clone();
        }
        let (s, page) = sim.call(Method::POST, "/_search", Some(body)).await;
        assert_eq!(s, 200, "{page}");
        let hits = page["hits"]["hits"].as_array().unwrap().clone();
        if hits.is_empty() {
            break;
        }
        seen += hits.len();
        after = Some(hits.last().unwrap()["sort"].clone());
    }
    assert_eq!(
        seen, 25,
        "the doc indexed after the PIT opened is not in the snapshot"
    );
    let (s, _) = sim
        .call(Method::DELETE, "/_pit", Some(json!({"id": pit_id})))
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn search_sorts_pages_filters_and_rejects_bad_requests() {
    let sim = Sim::default().await;
    load_docs(&sim, 30).await;
    let (_, r) = sim.call(Method::POST, "/search-many/_search", Some(json!({
        "query": {"bool": {"filter": [{"range": {"n": {"gte": 10, "lt": 20}}}], "must_not": [{"term": {"n": 15}}]}},
        "sort": [{"n": {"order": "desc"}}], "from": 2, "size": 3}))).await;
    assert_eq!(r["hits"]["total"]["value"], 9);
    let ns: Vec<u64> = r["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_source"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(ns, vec![17, 16, 14]);
    let (_, r) = sim
        .call(
            Method::POST,
            "/search-many/_search",
            Some(json!({"query": {"terms": {"_id": ["d00001", "d00003"]}}})),
        )
        .await;
    assert_eq!(r["hits"]["total"]["value"], 2);
    let (s, b) = sim
        .call(
            Method::POST,
            "/search-many/_search",
            Some(json!({"query": {"nonsense": {}}})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("parsing_exception"))
    );
    let (s, _) = sim
        .call(
            Method::POST,
            "/search-many/_search",
            Some(json!({"sort": [{"body": "asc"}]})),
        )
        .await;
    assert_eq!(s, 400, "sorting on a text field is refused");
    let (s, _) = sim
        .call(
            Method::POST,
            "/search-many/_search",
            Some(json!({"from": 9_999, "size": 2})),
        )
        .await;
    assert_eq!(s, 400, "result window");
    let (_, r) = sim
        .call(
            Method::POST,
            "/search-many/_search",
            Some(json!({"query": {"exists": {"field": "_timestamp"}}, "size": 0})),
        )
        .await;
    assert_eq!(r["hits"]["total"]["value"], 30);
}
