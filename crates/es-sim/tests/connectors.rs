use reqwest::Method;
use serde_json::{Value, json};

use crate::util::Sim;

fn config_entry(label: &str, value: Value) -> Value {
    json!({"default_value": null, "depends_on": [], "display": "text", "label": label, "options": [],
           "order": 1, "required": true, "sensitive": false, "tooltip": null, "type": "str",
           "ui_restrictions": [], "validations": [], "value": value})
}

#[tokio::test]
async fn connector_and_sync_job_lifecycle() {
    let sim = Sim::default().await;
    let (s, b) = sim.call(Method::PUT, "/_connector/gitlab", Some(json!({"service_type": "gitlab", "name": "t", "index_name": "search-gitlab", "is_native": false}))).await;
    assert_eq!((s, b), (201, json!({"result": "created", "id": "gitlab"})));
    let (_, c) = sim.call(Method::GET, "/_connector/gitlab", None).await;
    assert_eq!(c["status"], "created");
    assert_eq!(c["id"], "gitlab");
    assert_eq!(c["filtering"][0]["active"]["rules"][0]["id"], "DEFAULT");
    assert_eq!(
        c["scheduling"]["full"],
        json!({"enabled": false, "interval": "0 0 0 * * ?"})
    );
    assert_eq!(c["pipeline"]["name"], "search-default-ingestion");

    // configuration: full replace then values merge; status becomes configured
    let config = json!({"token": config_entry("Token", json!("")), "projects": config_entry("Projects", json!(""))});
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_configuration",
            Some(json!({"configuration": config})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_configuration",
            Some(json!({"values": {"token": "t0k", "projects": "*"}})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_configuration",
            Some(json!({"values": {"projects": ["a"]}})),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_configuration",
            Some(json!({"values": {"nope": "x"}})),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let direct = sim.state.document(".elastic-connectors", "gitlab").unwrap();
    assert_eq!(direct["status"], "configured");
    assert_eq!(direct["configuration"]["projects"]["value"], "*");
    assert_eq!(direct["configuration"]["token"]["label"], "Token");

    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_scheduling",
            Some(json!({"scheduling": {"full": {"enabled": true, "interval": "1 * * * * ?"}}})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/gitlab/_scheduling",
            Some(json!({"scheduling": {"full": {"enabled": true, "interval": "every minute"}}})),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = sim
        .call(Method::PUT, "/_connector/gitlab/_check_in", None)
        .await;
    assert_eq!(s, 200);
    let c = sim.state.document(".elastic-connectors", "gitlab").unwrap();
    assert!(c["last_seen"].is_string());
    assert_eq!(c["scheduling"]["incremental"]["enabled"], false);

    // sync job: snapshot, claim, stats, cancel
    let (s, job) = sim
        .call(
            Method::POST,
            "/_connector/_sync_job",
            Some(json!({"id": "gitlab", "job_type": "full", "trigger_method": "scheduled"})),
        )
        .await;
    assert_eq!(s, 200, "{job}");
    let jid = job["id"].as_str().unwrap().to_owned();
    let (_, j) = sim
        .call(Method::GET, &format!("/_connector/_sync_job/{jid}"), None)
        .await;
    assert_eq!(j["status"], "pending");
    assert_eq!(j["connector"]["index_name"], "search-gitlab");
    assert_eq!(j["connector"]["configuration"]["projects"]["value"], "*");
    assert_eq!(j["connector"]["filtering"]["rules"][0]["id"], "DEFAULT");
    assert_eq!(j["trigger_method"], "scheduled");
    assert_eq!(j["indexed_document_count"], 0);

    let (_, found) = sim.call(Method::POST, "/.elastic-connectors-sync-jobs/_search?expand_wildcards=hidden", Some(json!({
        "query": {"bool": {"must": [{"terms": {"status": ["pending", "suspended"]}}, {"terms": {"connector.id": ["gitlab"]}}, {"terms": {"job_type": ["full", "incremental"]}}]}},
        "sort": [{"created_at": "asc"}], "from": 0, "size": 100, "seq_no_primary_term": true}))).await;
    assert_eq!(found["hits"]["total"]["value"], 1, "{found}");
    assert!(found["hits"]["hits"][0]["_seq_no"].is_u64());

    let (s, _) = sim
        .call(
            Method::PUT,
            &format!("/_connector/_sync_job/{jid}/_claim"),
            Some(json!({"worker_hostname": "host-1"})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = sim
        .call(
            Method::PUT,
            &format!("/_connector/_sync_job/{jid}/_claim"),
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = sim.call(Method::PUT, &format!("/_connector/_sync_job/{jid}/_stats"), Some(json!({"indexed_document_count": 5, "indexed_document_volume": 0, "deleted_document_count": 1}))).await;
    assert_eq!(s, 200);
    let (_, j) = sim
        .call(
            Method::GET,
            &format!("/.elastic-connectors-sync-jobs/_doc/{jid}"),
            None,
        )
        .await;
    assert_eq!(j["_source"]["status"], "in_progress");
    assert_eq!(j["_source"]["worker_hostname"], "host-1");
    assert_eq!(j["_source"]["indexed_document_count"], 5);
    assert!(j["_source"]["started_at"].is_string());

    let (s, _) = sim
        .call(
            Method::PUT,
            &format!("/_connector/_sync_job/{jid}/_cancel"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (_, j) = sim
        .call(Method::GET, &format!("/_connector/_sync_job/{jid}"), None)
        .await;
    assert_eq!(j["status"], "canceling");
    assert!(j["cancelation_requested_at"].is_string());

    // a pending job cancels straight to canceled
    let (_, job2) = sim
        .call(
            Method::POST,
            "/_connector/_sync_job",
            Some(json!({"id": "gitlab"})),
        )
        .await;
    let jid2 = job2["id"].as_str().unwrap();
    sim.call(
        Method::PUT,
        &format!("/_connector/_sync_job/{jid2}/_cancel"),
        None,
    )
    .await;
    let (_, j2) = sim
        .call(Method::GET, &format!("/_connector/_sync_job/{jid2}"), None)
        .await;
    assert_eq!(
        (j2["status"].as_str(), j2["trigger_method"].as_str()),
        (Some("canceled"), Some("on_demand"))
    );
    assert!(j2["completed_at"].is_string());
    let (s, _) = sim
        .call(
            Method::PUT,
            &format!("/_connector/_sync_job/{jid2}/_cancel"),
            None,
        )
        .await;
    assert_eq!(s, 400);

    let (_, l) = sim
        .call(
            Method::GET,
            "/_connector/_sync_job?connector_id=gitlab&status=canceled",
            None,
        )
        .await;
    assert_eq!(l["count"], 1);
    let (_, l) = sim.call(Method::GET, "/_connector", None).await;
    assert_eq!(l["count"], 1);
}

#[tokio::test]
async fn sync_job_needs_index_name_and_service_type() {
    let sim = Sim::default().await;
    sim.call(
        Method::PUT,
        "/_connector/c",
        Some(json!({"name": "no index"})),
    )
    .await;
    let (s, b) = sim
        .call(
            Method::POST,
            "/_connector/_sync_job",
            Some(json!({"id": "c"})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("illegal_argument_exception"))
    );
    let (s, _) = sim
        .call(
            Method::POST,
            "/_connector/_sync_job",
            Some(json!({"id": "missing"})),
        )
        .await;
    assert_eq!(s, 404);
    // an array value stored directly makes job creation fail, as in ES
    sim.call(
        Method::PUT,
        "/_connector/d",
        Some(json!({"index_name": "search-d", "service_type": "gitlab"})),
    )
    .await;
    let bad = json!({"doc": {"configuration": {"projects": config_entry("Projects", json!([]))}}});
    sim.call(Method::POST, "/.elastic-connectors/_update/d", Some(bad))
        .await;
    let (s, _) = sim
        .call(
            Method::POST,
            "/_connector/_sync_job",
            Some(json!({"id": "d"})),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn filtering_activation_requires_a_valid_draft() {
    let sim = Sim::default().await;
    sim.call(
        Method::PUT,
        "/_connector/c",
        Some(json!({"index_name": "search-c", "service_type": "gitlab"})),
    )
    .await;
    let rule = json!({"id": "r1", "policy": "exclude", "field": "type", "rule": "equals", "value": "issue", "order": 1});
    let default = json!({"id": "DEFAULT", "policy": "include", "field": "_", "rule": "regex", "value": ".*", "order": 0});
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/c/_filtering",
            Some(json!({"rules": [rule, default]})),
        )
        .await;
    assert_eq!(s, 200);
    let c = sim.state.document(".elastic-connectors", "c").unwrap();
    assert_eq!(c["filtering"][0]["draft"]["validation"]["state"], "edited");
    assert_eq!(c["filtering"][0]["draft"]["rules"][0]["id"], "DEFAULT");
    let (s, b) = sim
        .call(Method::PUT, "/_connector/c/_filtering/_activate", None)
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("status_exception"))
    );
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/c/_filtering/_validation",
            Some(json!({"validation": {"state": "valid", "errors": []}})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = sim
        .call(Method::PUT, "/_connector/c/_filtering/_activate", None)
        .await;
    assert_eq!(s, 200);
    let c = sim.state.document(".elastic-connectors", "c").unwrap();
    assert_eq!(c["filtering"][0]["active"]["rules"][1]["id"], "r1");
}

#[tokio::test]
async fn status_error_and_unknown_fields_follow_es() {
    let sim = Sim::default().await;
    sim.call(
        Method::PUT,
        "/_connector/c",
        Some(json!({"index_name": "search-c", "service_type": "gitlab"})),
    )
    .await;
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/c/_status",
            Some(json!({"status": "connected"})),
        )
        .await;
    assert_eq!(s, 400, "created -> connected is not an allowed transition");
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/c/_error",
            Some(json!({"error": "boom"})),
        )
        .await;
    assert_eq!(s, 200);
    let c = sim.state.document(".elastic-connectors", "c").unwrap();
    assert_eq!(
        (c["status"].as_str(), c["error"].as_str()),
        (Some("error"), Some("boom"))
    );
    let (s, b) = sim
        .call(
            Method::PUT,
            "/_connector/c2",
            Some(json!({"index_name": "search-c"})),
        )
        .await;
    assert_eq!(s, 400, "index name already used: {b}");
    let (s, b) = sim
        .call(Method::PUT, "/_connector/c3", Some(json!({"bogus": 1})))
        .await;
    assert_eq!(
        (s, b["error"]["type"].as_str()),
        (400, Some("x_content_parse_exception"))
    );
    let (s, _) = sim
        .call(
            Method::PUT,
            "/_connector/c/_last_sync",
            Some(json!({"last_sync_status": "completed", "last_indexed_document_count": 3})),
        )
        .await;
    assert_eq!(s, 200);
}
