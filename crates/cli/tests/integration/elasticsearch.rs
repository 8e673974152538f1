//! `sync --sink elasticsearch` against the Elasticsearch simulator.

use std::collections::BTreeMap;

use gitlab_sim::Size;

use crate::util::{Es, Sim, TOKEN, by_type, connector, counter, finish, sync_es};

fn stored_by_type(es: &Es) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for (_, source) in es.state.documents("search-gitlab").expect("index exists") {
        let doc_type = source["type"].as_str().expect("type").to_owned();
        *counts.entry(doc_type).or_insert(0) += 1;
    }
    counts
}

#[test]
fn sync_into_elasticsearch_stores_exactly_the_expected_documents_through_the_pipeline() {
    let sim = Sim::start(Size::Small);
    let es = Es::start();
    let run = sync_es(&sim, &es, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = gitlab_sim::expected_counts(Size::Small);
    assert_eq!(by_type(&run.summary), expected);
    assert_eq!(stored_by_type(&es), expected);
    let project = sim.state.store().project(0).expect("project 0");
    let doc = es
        .state
        .document("search-gitlab", &format!("project_{}", project.id))
        .expect("project stored");
    assert_eq!(doc["full_path"], project.full_path.as_str());
    assert!(
        doc.get("_extract_binary_content").is_none(),
        "pipeline did not run: {doc}"
    );
    let bulk_calls = es
        .state
        .requests()
        .iter()
        .filter(|r| r.path.contains("_bulk"))
        .count();
    assert!(bulk_calls >= 1);
    assert!(
        es.state
            .requests()
            .iter()
            .all(|r| r.product_origin.is_some())
    );
}

#[test]
fn bulk_items_rejected_with_429_are_resent_and_nothing_is_lost() {
    let sim = Sim::start(Size::Small);
    let es = Es::start();
    es.state.reject_bulk_item_fraction(0.2);
    es.state.reject_next_bulk_requests(2);
    let run = sync_es(&sim, &es, &["--es-retry-interval", "0.05"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(counter(&run.summary, "failed_count"), 0);
    assert_eq!(
        stored_by_type(&es),
        gitlab_sim::expected_counts(Size::Small)
    );
}

#[test]
fn credentials_in_the_elasticsearch_url_are_never_printed() {
    let sim = Sim::start(Size::Small);
    let es = Es::start();
    let with_credentials = |url: &str| url.replace("http://", "http://elastic:ESSECRET@");
    // Everything the run printed, stdout then stderr, and the JSON summary if asked for.
    let sync_to = |es_url: &str, extra: &[&str]| {
        let mut command = connector();
        command.args(["sync", "--gitlab-url", &sim.url, "--token", TOKEN]);
        command.args(["--sink", "elasticsearch", "--es-url", es_url]);
        command.args(["--es-retry-interval", "0"]);
        command.args(extra);
        let output = command.output().expect("binary runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (printed, finish(output))
    };
    let shown = format!("on {}/", es.url);

    let (printed, run) = sync_to(&with_credentials(&es.url), &[]);
    assert_eq!(run.code, 0, "{printed}");
    assert!(printed.contains(&shown), "{printed}");
    assert!(!printed.contains("ESSECRET"), "{printed}");

    let (printed, run) = sync_to(&with_credentials(&es.url), &["--json"]);
    assert_eq!(
        run.summary["sink"],
        format!("Elasticsearch index search-gitlab {shown}")
    );
    assert!(!printed.contains("ESSECRET"), "{printed}");

    let (printed, run) = sync_to(&with_credentials("http://127.0.0.1:1"), &[]);
    assert_eq!(run.code, 1, "{printed}");
    assert!(
        printed.contains("preparing index `search-gitlab` on http://127.0.0.1:1/"),
        "{printed}"
    );
    assert!(!printed.contains("ESSECRET"), "{printed}");
}

#[test]
fn help_never_shows_the_value_of_url_variables() {
    let output = connector()
        .env("ES_URL", "http://elastic:URLSECRET@h:9200")
        .env("GITLAB_URL", "http://user:GLSECRET@h")
        .args(["sync", "--help"])
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(0), "--help is not an error");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("[env: ES_URL]"), "{help}");
    assert!(!help.contains("URLSECRET"), "{help}");
    assert!(!help.contains("GLSECRET"), "{help}");
}
