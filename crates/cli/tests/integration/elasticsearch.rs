//! `sync --sink elasticsearch` against the Elasticsearch simulator.

use std::collections::BTreeMap;

use gitlab_sim::Size;

use crate::util::{Es, Sim, by_type, counter, sync_es};

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
