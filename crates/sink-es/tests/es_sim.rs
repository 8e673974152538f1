//! The sink against the Elasticsearch simulator (`es-sim`): a whole write/list/delete cycle.

use std::time::Duration;

use connector_core::{Document, Sink, existing_docs};
use es_client::{EsAuth, EsClient, EsSettings, RetryPolicy};
use es_sim::{EsSimState, SimConfig};
use sink_es::{ElasticsearchSink, SinkSettings};

async fn start(state: EsSimState) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(es_sim::serve(listener, state, std::future::pending()));
    url::Url::parse(&format!("http://{addr}")).unwrap()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        interval: Duration::from_millis(1),
        retry_on_timeout: true,
    }
}

#[tokio::test]
async fn write_list_delete_cycle_survives_item_429s_and_runs_the_pipeline() {
    let state = EsSimState::new(SimConfig {
        api_key: None,
        basic: Some(("elastic".into(), "changeme".into())),
        require_product_origin: true,
    });
    let mut settings = EsSettings::new(start(state.clone()).await);
    settings.auth = Some(EsAuth::Basic {
        username: "elastic".into(),
        password: "changeme".into(),
    });
    settings.retry = fast_retry();
    let client = EsClient::new(settings).unwrap();
    let mut sink_settings = SinkSettings::new("search-gitlab");
    sink_settings.item_retry = fast_retry();
    sink_settings.chunk_lines = 8;
    let mut sink = ElasticsearchSink::new(client, sink_settings);

    state.reject_bulk_item_fraction(0.5);
    let docs: Vec<Document> = (0..10)
        .map(|i| Document::new(format!("issue_7_{i}"), "Issue").with("project_id", "7"))
        .collect();
    let report = sink.write(docs).await.unwrap();
    state.clear_faults();
    assert_eq!(report.created, 10, "{report:?}");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    sink.finish().await.unwrap();

    let stored = state.documents("search-gitlab").unwrap();
    assert_eq!(stored.len(), 10);
    let (_, source) = &stored[0];
    assert!(
        source.get("_extract_binary_content").is_none(),
        "pipeline did not run: {source}"
    );
    assert_eq!(source["project_id"], "7");

    let existing = existing_docs(&mut sink).await.unwrap();
    assert_eq!(existing.len(), 10);
    assert!(existing.iter().all(|d| d.scope.is_some()));

    let deleted = sink
        .delete(vec!["issue_7_0".into(), "issue_7_1".into()])
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    sink.finish().await.unwrap();
    assert_eq!(state.documents("search-gitlab").unwrap().len(), 8);

    let requests = state.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.product_origin.as_deref() == Some("connectors"))
    );
    assert!(
        requests
            .iter()
            .all(|r| r.auth_scheme.as_deref() == Some("Basic"))
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/_bulk" && r.query.contains("pipeline=search-default-ingestion"))
    );
    // The item 429s and results above were read from responses cut down to what the sink reads.
    assert!(
        requests
            .iter()
            .filter(|r| r.path == "/_bulk")
            .all(|r| r.query.contains("filter_path=")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn a_sent_body_comes_back_and_the_next_request_is_cut_into_it() {
    use es_client::IngestPipeline;
    use sink_es::encoder::{Batch, BatchWriter};
    use sink_es::send::send_batch;

    let state = EsSimState::new(SimConfig::default());
    let mut settings = EsSettings::new(start(state.clone()).await);
    settings.retry = fast_retry();
    let client = EsClient::new(settings).unwrap();
    let pipeline = IngestPipeline::default();
    let requests = |from: usize, spare: &mut Vec<Vec<u8>>| -> Batch {
        let mut writer = BatchWriter::new("search-gitlab", &pipeline, (1000, usize::MAX), spare);
        for i in from..from + 5 {
            let doc = Document::new(format!("issue_7_{i}"), "Issue").with("project_id", "7");
            writer.index(&doc, None).unwrap();
        }
        writer.finish().remove(0)
    };
    let mut spare = Vec::new();
    let first = requests(0, &mut spare);
    let address = first.body.as_ptr();
    let (sent, body) = send_batch(&client, first, None, &fast_retry())
        .await
        .unwrap();
    assert_eq!(sent.len(), 5);
    spare.extend(body);
    assert_eq!(
        spare.len(),
        1,
        "the body is handed back once the request is done"
    );
    let second = requests(5, &mut spare);
    assert_eq!(
        second.body.as_ptr(),
        address,
        "the next body reuses the buffer"
    );
    assert!(spare.is_empty());
    let (sent, _) = send_batch(&client, second, None, &fast_retry())
        .await
        .unwrap();
    assert!(
        sent.iter()
            .all(|(_, outcome)| matches!(outcome, sink_es::send::ItemOutcome::Done(_)))
    );
    assert_eq!(state.documents("search-gitlab").unwrap().len(), 10);
}
