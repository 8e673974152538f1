//! End-to-end tests of the simulator over loopback HTTP.

mod common;

use common::{Sim, TOKEN, queries, start};
use gitlab_sim::{FailKind, FailRule, Size, Switches};
use serde_json::{Value, json};

const P0: &str = "acme/web-frontend";

#[tokio::test]
async fn issues_paginate_fifty_at_a_time_through_every_issue() {
    let sim = start(Size::Small).await;
    let nodes = sim
        .all_nodes(
            &queries::project_issues(),
            json!({ "path": P0 }),
            "/project/workItems",
        )
        .await;
    let mut iids: Vec<u64> = nodes
        .iter()
        .map(|n| n["iid"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(iids.len(), 100);
    iids.dedup();
    assert_eq!(iids.len(), 100);
    assert_eq!(nodes[0]["workItemType"]["name"], "Issue");
    assert!(
        nodes[0]["id"]
            .as_str()
            .unwrap()
            .starts_with("gid://gitlab/WorkItem/")
    );
}

#[tokio::test]
async fn page_size_over_one_hundred_is_an_error() {
    let sim = start(Size::Small).await;
    let body = sim.gql(r#"{ project(fullPath: "acme/web-frontend") { mergeRequests(first: 101) { nodes { iid } } } }"#, json!({})).await;
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("first") && msg.contains("exceeds max page size"),
        "{msg}"
    );
}

#[tokio::test]
async fn unknown_fields_and_arguments_are_rejected() {
    let sim = start(Size::Small).await;
    let body = sim
        .gql("{ currentUser { username shoeSize } }", json!({}))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("shoeSize")
    );
    let body = sim
        .gql(
            r#"{ project(fullPath: "x") { mergeRequests(pageSize: 3) { nodes { iid } } } }"#,
            json!({}),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("pageSize")
    );
}

#[tokio::test]
async fn bad_or_missing_token_gets_401_on_rest_and_graphql() {
    let sim = start(Size::Small).await;
    let r = sim
        .http
        .get(format!("{}/api/v4/user", sim.base))
        .header("PRIVATE-TOKEN", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "message": "401 Unauthorized" })
    );
    let r = sim
        .http
        .post(format!("{}/api/graphql", sim.base))
        .json(&json!({ "query": "{ currentUser { username } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let ok = sim.rest("/user").await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        sim.data("{ currentUser { username } }", json!({})).await["currentUser"]["username"],
        "sim-admin"
    );
}

#[tokio::test]
async fn connector_queries_fit_the_complexity_limit_and_a_runaway_query_does_not() {
    let sim = start(Size::Small).await;
    sim.data(&queries::project_merge_requests(), json!({ "path": P0 }))
        .await;
    sim.data(&queries::group_epics(), json!({ "path": "acme" }))
        .await;
    sim.data(&queries::project_issues(), json!({ "path": P0 }))
        .await;
    sim.data(queries::MEMBER_PROJECTS, json!({})).await;
    let fields: String = (0..300).map(|i| format!("a{i}: username ")).collect();
    let body = sim
        .gql(&format!("{{ currentUser {{ {fields} }} }}"), json!({}))
        .await;
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("exceeds max complexity of 250"), "{msg}");
}

#[tokio::test]
async fn nested_lists_overflow_and_follow_ups_complete_them() {
    let sim = start(Size::Small).await;
    let data = sim
        .data(&queries::project_merge_requests(), json!({ "path": P0 }))
        .await;
    let mr1 = data["project"]["mergeRequests"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["iid"] == "1")
        .unwrap()
        .clone();
    for conn in [
        "labels",
        "reviewers",
        "assignees",
        "approvedBy",
        "discussions",
    ] {
        assert_eq!(mr1[conn]["pageInfo"]["hasNextPage"], true, "{conn}");
    }
    let first_note = mr1["discussions"]["nodes"][0]["notes"]["nodes"][0]["id"].clone();
    let cursor = mr1["discussions"]["nodes"][0]["notes"]["pageInfo"]["endCursor"].clone();
    let q = "query DiscussionNotes($id: NoteID!, $after: String) { note(id: $id) { discussion { id notes(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } } } }";
    let rest = sim
        .data(q, json!({ "id": first_note, "after": cursor }))
        .await;
    assert_eq!(
        rest["note"]["discussion"]["notes"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    let q = "query MergeRequestFollowUp($id: MergeRequestID!, $after: String) { mergeRequest(id: $id) { labels(first: 100, after: $after) { pageInfo { hasNextPage } nodes { title } } } }";
    let more = sim
        .data(
            q,
            json!({ "id": mr1["id"], "after": mr1["labels"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        more["mergeRequest"]["labels"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    let notes = mr1["discussions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["notes"]["nodes"].as_array().unwrap().clone());
    let notes: Vec<Value> = notes.collect();
    assert!(
        notes.iter().any(|n| n["author"].is_null()),
        "a note by a deleted user"
    );
    assert!(
        notes
            .iter()
            .any(|n| n["id"].as_str().unwrap().contains("/DiffNote/")
                && n["position"]["newPath"].is_string())
    );

    let epics = sim
        .data(&queries::group_epics(), json!({ "path": "acme" }))
        .await;
    let e1 = epics["group"]["workItems"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["iid"] == "1")
        .unwrap()
        .clone();
    assert_eq!(e1["workItemType"]["name"], "Epic");
    let hierarchy = e1["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["__typename"] == "WorkItemWidgetHierarchy")
        .unwrap();
    assert_eq!(hierarchy["children"]["pageInfo"]["hasNextPage"], true);
    let q = "query WorkItemFollowUp($id: WorkItemID!, $after: String) { workItem(id: $id) { widgets(onlyTypes: [HIERARCHY]) { ... on WorkItemWidgetHierarchy { children(first: 100, after: $after) { pageInfo { hasNextPage } nodes { iid } } } } } }";
    let more = sim
        .data(
            q,
            json!({ "id": e1["id"], "after": hierarchy["children"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert!(
        more["workItem"]["widgets"][0]["children"]["nodes"]
            .as_array()
            .unwrap()
            .len()
            > 50
    );
}

#[tokio::test]
async fn filters_narrow_listings() {
    let sim = start(Size::Small).await;
    let q = r#"query($s: IssuableState, $l: [String!], $u: Time) { project(fullPath: "acme/web-frontend") { workItems(types: [ISSUE], state: $s, labelName: $l, updatedAfter: $u) { count } } }"#;
    let count = |d: Value| d["project"]["workItems"]["count"].as_i64().unwrap();
    let all = count(sim.data(q, json!({})).await);
    let closed = count(sim.data(q, json!({ "s": "closed" })).await);
    let opened = count(sim.data(q, json!({ "s": "opened" })).await);
    assert_eq!(all, 100);
    assert_eq!(closed + opened, all);
    assert!(closed > 0 && opened > 0);
    assert!(count(sim.data(q, json!({ "l": ["bug"] })).await) < all);
    assert_eq!(
        count(sim.data(q, json!({ "u": "2099-01-01T00:00:00Z" })).await),
        0
    );
    let q = r#"{ projects(fullPaths: ["acme/web-frontend", "outsider/public-lib", "no/such"]) { nodes { fullPath } } }"#;
    assert_eq!(
        sim.data(q, json!({})).await["projects"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn tree_paginates_with_gitlab_headers() {
    let sim = start(Size::Small).await;
    let r = sim
        .rest("/projects/acme%2Fweb-frontend/repository/tree?ref=main&per_page=100&page=1")
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-next-page"], "2");
    assert_eq!(r.headers()["x-page"], "1");
    let total: usize = r.headers()["x-total"].to_str().unwrap().parse().unwrap();
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 100);
    let r = sim
        .rest("/projects/1000/repository/tree?ref=main&per_page=100&page=2")
        .await;
    assert_eq!(r.headers()["x-next-page"], "");
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), total - 100);
    let r = sim
        .rest("/projects/1000/repository/tree?ref=main&path=docs")
        .await;
    let docs: Vec<Value> = r.json().await.unwrap();
    assert!(docs.iter().any(|e| e["path"] == "docs/README.md"));
    assert_eq!(
        sim.rest("/projects/no%2Fsuch/repository/tree")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn files_report_size_and_serve_raw_bytes() {
    let sim = start(Size::Small).await;
    let head = sim
        .http
        .head(format!(
            "{}/api/v4/projects/acme%2Fplatform%2Fapi-gateway/repository/files/README.md?ref=main",
            sim.base
        ))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    let size: u64 = head.headers()["x-gitlab-size"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(size > 10 * 1024 * 1024);
    let raw = sim
        .rest("/projects/1002/repository/files/README_invalid.txt/raw?ref=main")
        .await;
    assert_eq!(raw.status(), 200);
    assert!(String::from_utf8(raw.bytes().await.unwrap().to_vec()).is_err());
    let nested = sim
        .rest("/projects/1000/repository/files/docs%2FREADME.md/raw?ref=main")
        .await;
    assert!(nested.text().await.unwrap().starts_with("# Project"));
    assert_eq!(
        sim.rest("/projects/1000/repository/files/nope.md/raw")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_and_headers() {
    let sim = start(Size::Small).await;
    sim.state.set_switches(Switches {
        rate_limit_rpm: Some(2),
        ..Switches::default()
    });
    let first = sim.rest("/user").await;
    assert_eq!(first.headers()["ratelimit-limit"], "2");
    assert_eq!(first.headers()["ratelimit-remaining"], "1");
    assert!(
        first.headers().contains_key("ratelimit-reset")
            && first.headers().contains_key("ratelimit-observed")
    );
    sim.rest("/user").await;
    let limited = sim.rest("/user").await;
    // A minute boundary between the calls resets the window; then the third call passes.
    if limited.status() == 429 {
        let secs: i64 = limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&secs));
        sim.state.set_switches(Switches {
            rate_limit_rpm: Some(0),
            retry_after_http_date: true,
            ..Switches::default()
        });
        let dated = sim.rest("/user").await;
        assert_eq!(dated.status(), 429);
        assert!(
            httpdate::parse_http_date(dated.headers()["retry-after"].to_str().unwrap()).is_ok()
        );
    }
}

#[tokio::test]
async fn fail_rule_breaks_one_listing_only() {
    let sim = start(Size::Small).await;
    sim.state.add_fail_rule(FailRule {
        path: P0.into(),
        kind: FailKind::Issues,
        status: 502,
    });
    assert_eq!(
        sim.gql_raw(&queries::project_issues(), json!({ "path": P0 }))
            .await
            .status(),
        502
    );
    sim.data(
        &queries::project_issues(),
        json!({ "path": "beta/billing-service" }),
    )
    .await;
    sim.data(&queries::project_merge_requests(), json!({ "path": P0 }))
        .await;
    sim.state.clear_fail_rules();
    sim.data(&queries::project_issues(), json!({ "path": P0 }))
        .await;
}

#[tokio::test]
async fn control_api_mutates_data_and_logs_requests() {
    let sim = start(Size::Small).await;
    let before = sim.state.expected_counts();
    let post = |body: Value| {
        sim.http
            .post(format!("{}/-/sim/mutations", sim.base))
            .json(&body)
            .send()
    };
    let added: Value =
        post(json!({"action": "add", "kind": "issue", "project": P0, "title": "Zebra crossing"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(added["iid"], 101);
    let r = post(
        json!({"action": "update", "kind": "issue", "project": P0, "iid": 5, "title": "Renamed"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    post(json!({"action": "delete", "kind": "merge_request", "project": P0, "iid": 2}))
        .await
        .unwrap();
    post(json!({"action": "delete", "kind": "release", "project": P0, "tag": "v1.0.0"}))
        .await
        .unwrap();
    assert_eq!(
        post(json!({"action": "delete", "kind": "issue", "project": P0, "iid": 999}))
            .await
            .unwrap()
            .status(),
        404
    );
    let q = r#"{ project(fullPath: "acme/web-frontend") { workItems(iids: ["101", "5"]) { nodes { iid title } } } }"#;
    let nodes = sim.data(q, json!({})).await["project"]["workItems"]["nodes"].clone();
    assert_eq!(
        nodes,
        json!([{ "iid": "101", "title": "Zebra crossing" }, { "iid": "5", "title": "Renamed" }])
    );
    let after = sim.state.expected_counts();
    assert_eq!(after["Issue"], before["Issue"] + 1);
    assert_eq!(after["Merge Request"], before["Merge Request"] - 1);
    assert_eq!(after["Release"], before["Release"] - 1);
    let log: Value = sim
        .http
        .get(format!("{}/-/sim/requests", sim.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["counts"]["graphql"], 1);
    assert_eq!(log["entries"][0]["status"], 200);
}

#[tokio::test]
async fn drift_switch_rewrites_a_few_nodes() {
    let sim = start(Size::Small).await;
    let r = sim
        .http
        .put(format!("{}/-/sim/switches", sim.base))
        .json(&json!({ "drift": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = sim
        .gql(&queries::project_issues(), json!({ "path": P0 }))
        .await;
    let nodes = body["data"]["project"]["workItems"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes[3]["state"], "REOPENED_UNKNOWN");
    assert!(nodes[0]["state"] == "OPEN" || nodes[0]["state"] == "CLOSED");
}

async fn readme_count(sim: &Sim, id: &str) -> u64 {
    let mut page = 1;
    let mut n = 0;
    loop {
        let r = sim
            .rest(&format!(
                "/projects/{id}/repository/tree?ref=main&per_page=100&page={page}"
            ))
            .await;
        let next = r.headers()["x-next-page"].to_str().unwrap().to_string();
        let entries: Vec<Value> = r.json().await.unwrap();
        for e in entries {
            let name = e["name"].as_str().unwrap().to_lowercase();
            let ext_ok = match name.rfind('.') {
                None => true,
                Some(i) => [".md", ".rst", ".txt"].contains(&&name[i..]),
            };
            if e["type"] == "blob" && name.starts_with("readme") && ext_ok {
                n += 1;
            }
        }
        if next.is_empty() {
            return n;
        }
        page += 1;
    }
}

#[tokio::test]
async fn expected_counts_match_what_the_api_serves() {
    let sim = start(Size::Small).await;
    let expected = gitlab_sim::expected_counts(Size::Small);
    let mut got: std::collections::BTreeMap<String, u64> = Default::default();
    let mut add = |k: &str, n: usize| *got.entry(k.to_string()).or_default() += n as u64;
    let projects = sim
        .all_nodes(queries::MEMBER_PROJECTS, json!({}), "/projects")
        .await;
    let mut groups = std::collections::BTreeSet::new();
    for p in &projects {
        let path = p["fullPath"].clone();
        add("Project", 1);
        let q = "query($path: ID!, $after: String) { project(fullPath: $path) { workItems(types: [ISSUE], first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { iid } } } }";
        add(
            "Issue",
            sim.all_nodes(q, json!({ "path": path }), "/project/workItems")
                .await
                .len(),
        );
        let q = "query($path: ID!, $after: String) { project(fullPath: $path) { mergeRequests(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { iid } } } }";
        add(
            "Merge Request",
            sim.all_nodes(q, json!({ "path": path }), "/project/mergeRequests")
                .await
                .len(),
        );
        add(
            "Release",
            sim.all_nodes(
                queries::PROJECT_RELEASES,
                json!({ "path": path }),
                "/project/releases",
            )
            .await
            .len(),
        );
        if let Some(g) = p["group"]["fullPath"].as_str() {
            groups.insert(g.to_string());
        }
        if p["repository"]["rootRef"].is_string() {
            let id = p["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            let n = readme_count(&sim, &id).await;
            add("File", n as usize);
        }
    }
    for g in groups {
        let q = "query($path: ID!, $after: String) { group(fullPath: $path) { workItems(types: [EPIC], first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { iid } } } }";
        add(
            "Epic",
            sim.all_nodes(q, json!({ "path": g }), "/group/workItems")
                .await
                .len(),
        );
    }
    assert_eq!(got, expected);
    assert_eq!(expected["Project"], 5);
    assert_eq!(expected["Issue"], 500);
}

#[tokio::test]
async fn introspected_names_exist_in_the_vendored_gitlab_schema() {
    let sim = start(Size::Small).await;
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../gitlab/schema/gitlab-ce-18.5.graphql"
    ))
    .unwrap();
    let q =
        "{ __schema { types { name kind fields { name args { name } } enumValues { name } } } }";
    let data = sim.data(q, json!({})).await;
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let mut checked = 0;
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        let kw = match t["kind"].as_str().unwrap() {
            "OBJECT" => "type",
            "INTERFACE" => "interface",
            "ENUM" => "enum",
            "SCALAR" => "scalar",
            other => panic!("unexpected kind {other}"),
        };
        let header = format!("\n{kw} {name}");
        let start = schema
            .find(&format!("{header} "))
            .or_else(|| schema.find(&format!("{header}\n")))
            .unwrap_or_else(|| panic!("{kw} {name} missing from GitLab's schema"));
        let block = &schema[start + 1..];
        let block = &block[..block.find("\n}").map_or(block.len(), |e| e + 2)];
        for f in t["fields"].as_array().into_iter().flatten() {
            let fname = f["name"].as_str().unwrap();
            let at = block
                .find(&format!("\n  {fname}("))
                .or_else(|| block.find(&format!("\n  {fname}:")))
                .unwrap_or_else(|| panic!("{name}.{fname} missing"));
            let has_args = block[at..].starts_with(&format!("\n  {fname}("));
            let args_text = if has_args {
                &block[at..at + block[at..].find("):").unwrap_or(0)]
            } else {
                ""
            };
            for a in f["args"].as_array().unwrap() {
                let aname = a["name"].as_str().unwrap();
                assert!(
                    args_text.contains(&format!("\n    {aname}:")),
                    "{name}.{fname}({aname}) missing"
                );
            }
            checked += 1;
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            let vname = v["name"].as_str().unwrap();
            assert!(
                block.contains(&format!("\n  {vname}\n"))
                    || block.contains(&format!("\n  {vname} @")),
                "{name}.{vname} missing"
            );
        }
    }
    assert!(checked > 100, "only {checked} fields checked");
}

#[tokio::test]
async fn huge_size_starts_instantly_and_serves_pages() {
    let started = std::time::Instant::now();
    let sim = start(Size::Huge).await;
    let data = sim
        .data(&queries::project_issues(), json!({ "path": P0 }))
        .await;
    assert_eq!(
        data["project"]["workItems"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert_eq!(data["project"]["workItems"]["nodes"][0]["iid"], "5000");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let expected = gitlab_sim::expected_counts(Size::Huge);
    assert_eq!(expected["Issue"], 50 * 5000);
    assert_eq!(expected["Merge Request"], 50 * 500);
}

#[tokio::test]
async fn fault_switches_break_responses_as_configured() {
    let sim = start(Size::Small).await;
    sim.state.set_switches(Switches {
        fault_5xx_rate: 1.0,
        ..Switches::default()
    });
    let status = sim.rest("/user").await.status().as_u16();
    assert!(status == 502 || status == 503, "{status}");
    sim.state.set_switches(Switches {
        fault_timeout_rate: 1.0,
        timeout_hold_ms: 5,
        ..Switches::default()
    });
    assert_eq!(sim.rest("/user").await.status(), 504);
    sim.state.set_switches(Switches {
        fault_truncate_rate: 1.0,
        latency_ms: 5,
        ..Switches::default()
    });
    let started = std::time::Instant::now();
    let r = sim.gql_raw(queries::MEMBER_PROJECTS, json!({})).await;
    assert_eq!(r.status(), 200);
    assert!(
        serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).is_err(),
        "body must be cut"
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(5));
    sim.state.set_switches(Switches::default());
    sim.data(queries::MEMBER_PROJECTS, json!({})).await;
    let log = sim.state.request_log();
    assert_eq!(log.counts["graphql:MemberProjects"], 2);
    assert_eq!(log.counts["rest:user"], 2);
}

#[tokio::test]
async fn latency_is_the_response_time_and_the_log_records_it() {
    let sim = start(Size::Small).await;
    sim.state.set_switches(Switches {
        latency_ms: 50,
        ..Switches::default()
    });
    let started = std::time::Instant::now();
    assert_eq!(sim.rest("/user").await.status(), 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    // A response that takes the simulator longer than the latency is not delayed further:
    // a 200 ms timeout fault under 150 ms of latency answers after ~200 ms, not 350.
    sim.state.set_switches(Switches {
        latency_ms: 150,
        fault_timeout_rate: 1.0,
        timeout_hold_ms: 200,
        ..Switches::default()
    });
    let started = std::time::Instant::now();
    assert_eq!(sim.rest("/user").await.status(), 504);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_millis(200)
            && elapsed < std::time::Duration::from_millis(340),
        "{elapsed:?}"
    );
    let log = sim.state.request_log();
    let took: Vec<u64> = log.entries.iter().map(|e| e.took_ms).collect();
    assert!(took[0] >= 50 && took[1] >= 200 && took[1] < 340, "{took:?}");
    assert!(log.entries[0].received_ms <= log.entries[1].received_ms);
    assert!(
        log.entries[0].received_ms > 1_700_000_000_000,
        "milliseconds since the epoch"
    );
}

/// What the simulator binary prints as JSON for `args`, after checking it exited successfully.
fn binary_json(args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn binary_prints_expected_counts_as_json() {
    let v = binary_json(&["--size", "small", "--expected"]);
    assert_eq!(
        v,
        serde_json::to_value(gitlab_sim::expected_counts(Size::Small)).unwrap()
    );
}

#[test]
fn binary_prints_the_reference_requests_as_json() {
    let v = binary_json(&["--size", "small", "--reference-requests"]);
    let requests = gitlab_sim::reference_requests(Size::Small);
    assert_eq!(v, serde_json::to_value(&requests).unwrap());
    let docs = gitlab_sim::expected_counts(Size::Small);
    assert_eq!(requests["readmes"], docs["File"], "one download per README");
    assert!(requests["issues"] >= docs["Issue"].div_ceil(50));
    assert!(requests["merge_requests"] >= docs["Merge Request"].div_ceil(100));
    assert!(
        requests["releases"] >= docs["Project"],
        "at least one page per project"
    );
    let kinds: u64 = (requests.iter())
        .filter(|(kind, _)| kind.as_str() != "total")
        .map(|(_, count)| count)
        .sum();
    assert_eq!(requests["total"], kinds);
}

#[test]
fn binary_announces_its_address_when_ready() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--size", "small", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        line.starts_with("gitlab-sim listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(!line.trim_end().ends_with(":0"));
}
