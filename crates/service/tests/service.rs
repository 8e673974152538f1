//! The service against es-sim and gitlab-sim: the Kibana-side lifecycle, cancel, shutdown
//! and resume, two services, worker mode, Elasticsearch down at start, bulk 429s, a bad
//! token.

mod harness;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use connector_service::job_runner::STOP_GRACE;
use es_client::{EsClient, Method};
use es_sim::{EsSimState, RequestRecord};
use gitlab_sim::Switches;
use harness::*;
use serde_json::json;

const SYNC: Duration = Duration::from_secs(40);

fn assert_completed(job: &serde_json::Value, expected: u64) {
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["indexed_document_count"], expected, "{job}");
    assert_eq!(job["deleted_document_count"], 0, "{job}");
    assert_eq!(job["total_document_count"], expected, "{job}");
    assert!(job["completed_at"].is_string(), "{job}");
    assert!(job["error"].is_null(), "{job}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kibana_lifecycle_on_demand_and_scheduled_jobs_complete_with_exact_counts() {
    let (_es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));

    create_connector(&es).await;
    let registered =
        wait_connector_status(&es, "needs_configuration", Duration::from_secs(10)).await;
    let config = &registered["configuration"];
    assert_eq!(config["token"]["label"], "Personal Access Token");
    assert_eq!(config["token"]["sensitive"], true);
    assert_eq!(config["projects"]["label"], "List of projects");
    assert_eq!(config["projects"]["display"], "textarea");
    assert_eq!(config["gitlab_url"]["default_value"], "https://gitlab.com");
    assert_eq!(config["concurrency"]["value"], 8);
    assert_eq!(
        registered["features"]["sync_rules"]["basic"]["enabled"],
        true
    );
    // The check-in follows the registration; under load it may land a moment later.
    wait_for("the first check-in", Duration::from_secs(10), || async {
        let c = connector(&es).await;
        c["last_seen"].is_string().then_some(())
    })
    .await;

    // Every minute: the next minute boundary creates a scheduled job (set early so the wait
    // for the boundary overlaps the on-demand sync).
    schedule_full(&es, "0 * * * * ?").await;
    configure(&es, gitlab_sim::config::DEFAULT_TOKEN, &gl_url).await;
    wait_connector_status(&es, "connected", Duration::from_secs(10)).await;

    let expected = expected_total();
    let on_demand = request_sync(&es).await;
    let job = wait_job_status(&es, &on_demand, "completed", SYNC).await;
    assert_completed(&job, expected);
    assert_eq!(job["trigger_method"], "on_demand");
    assert_eq!(index_count(&es).await, expected);

    let scheduled = wait_for("a scheduled job", Duration::from_secs(75), || async {
        jobs(&es)
            .await
            .into_iter()
            .find(|j| j["trigger_method"] == "scheduled")
    })
    .await;
    let id = scheduled["id"].as_str().expect("job id").to_owned();
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected);
    assert_eq!(index_count(&es).await, expected);
    let after = wait_for("the connector summary", Duration::from_secs(10), || async {
        let c = connector(&es).await;
        (c["last_sync_status"] == "completed").then_some(c)
    })
    .await;
    assert_eq!(after["status"], "connected");
    assert_eq!(after["last_indexed_document_count"], expected);
    assert_eq!(after["last_deleted_document_count"], 0);
    assert!(after["last_synced"].is_string());
    assert!(after["last_sync_scheduled_at"].is_string());
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kibana_cancel_during_a_sync_ends_the_job_canceled() {
    let (_es_state, es_url) = start_es().await;
    let (gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));
    connected(&es, &gl_url).await;

    gl.set_switches(Switches {
        latency_ms: 60,
        ..Switches::default()
    });
    let id = request_sync(&es).await;
    wait_job_status(&es, &id, "in_progress", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    cancel(&es, &id).await;
    let job = wait_job_status(&es, &id, "canceled", Duration::from_secs(10)).await;
    assert!(job["canceled_at"].is_string(), "{job}");
    let after = connector(&es).await;
    assert_eq!(after["last_sync_status"], "canceled");
    assert_eq!(after["status"], "connected");
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_suspends_the_running_job_and_a_restarted_service_completes_it() {
    let (_es_state, es_url) = start_es().await;
    let (gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));
    connected(&es, &gl_url).await;

    gl.set_switches(Switches {
        latency_ms: 60,
        ..Switches::default()
    });
    let id = request_sync(&es).await;
    wait_job_status(&es, &id, "in_progress", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    service.stop().await.expect("clean stop");
    let job = job(&es, &id).await;
    assert_eq!(job["status"], "suspended", "{job}");
    let suspended = connector(&es).await;
    assert_eq!(suspended["last_sync_status"], "suspended");
    assert_eq!(suspended["status"], "connected");
    // Counts of the last sync are those of a terminal job (spec §3.8 8d), not a partial run.
    assert!(
        suspended["last_indexed_document_count"].is_null(),
        "{suspended}"
    );

    gl.set_switches(Switches::default());
    let restarted = Service::start(settings(&es_url));
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected_total());
    restarted.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_services_never_run_the_same_job_twice() {
    let (es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let first = Service::start(settings(&es_url));
    let second = Service::start(settings(&es_url));
    connected(&es, &gl_url).await;

    let ids = [
        request_sync(&es).await,
        request_sync(&es).await,
        request_sync(&es).await,
    ];
    for id in &ids {
        let job = wait_job_status(&es, id, "completed", SYNC).await;
        assert_completed(&job, expected_total());
    }
    let mut claims: BTreeMap<String, usize> = BTreeMap::new();
    for record in es_state.requests() {
        if record.method == "PUT" && record.path.ends_with("/_claim") {
            *claims.entry(record.path.clone()).or_default() += 1;
        }
    }
    assert_eq!(claims.len(), ids.len(), "{claims:?}");
    assert!(
        claims.values().all(|n| *n == 1),
        "a job was claimed twice: {claims:?}"
    );
    first.stop().await.expect("clean stop");
    second.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_mode_runs_every_gitlab_connector_including_ones_created_after_the_start() {
    let (_es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    const LATER: &str = "gitlab-later";
    const LATER_INDEX: &str = "search-gitlab-later";
    const OTHER: &str = "confluence-test";
    create_connector(&es).await;
    create_connector_as(&es, OTHER, "search-confluence", "confluence").await;
    let service = Service::start(worker_settings(&es_url));
    wait_connector_status(&es, "needs_configuration", Duration::from_secs(10)).await;
    create_connector_as(&es, LATER, LATER_INDEX, "gitlab").await;
    wait_status_of(&es, LATER, "needs_configuration", Duration::from_secs(10)).await;

    let expected = expected_total();
    for id in [CONNECTOR, LATER] {
        configure_connector(&es, id, gitlab_sim::config::DEFAULT_TOKEN, &gl_url).await;
        wait_status_of(&es, id, "connected", Duration::from_secs(10)).await;
        let job = es
            .sync_job_post(id, "full", "on_demand")
            .await
            .expect("job created");
        let job = wait_job_status(&es, &job, "completed", SYNC).await;
        assert_completed(&job, expected);
    }
    assert_eq!(index_count(&es).await, expected);
    es.refresh(LATER_INDEX).await.expect("refresh");
    assert_eq!(es.count(LATER_INDEX).await.expect("count"), expected);
    let other = connector_by_id(&es, OTHER).await;
    assert_eq!(other["status"], "created", "{other}");
    assert!(other["last_seen"].is_null(), "{other}");
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readmes_over_max_file_download_size_are_indexed_without_content() {
    let (es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let mut settings = settings(&es_url);
    settings.service.max_file_download_size = 16;
    let service = Service::start(settings);
    connected(&es, &gl_url).await;

    let id = request_sync(&es).await;
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected_total());
    let documents = es_state.documents(INDEX).expect("content index");
    let files: Vec<_> = documents
        .iter()
        .filter(|(_, doc)| doc["type"] == "File")
        .collect();
    assert!(!files.is_empty(), "the simulator has README files");
    for (id, doc) in files {
        assert_eq!(doc["body"], "", "{id} was downloaded despite the cap");
    }
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_waits_for_elasticsearch_that_is_down_at_start() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let es_url = format!("http://{addr}");
    let service = Service::start(settings(&es_url));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !service.is_finished(),
        "the service must keep waiting for Elasticsearch"
    );

    let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
    serve_es(listener, strict_es());
    let es = kibana(&es_url);
    create_connector(&es).await;
    wait_connector_status(&es, "needs_configuration", Duration::from_secs(10)).await;
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elasticsearch_unreachable_for_good_is_an_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut settings = settings(&format!("http://{addr}"));
    settings.elasticsearch.max_wait_duration = Duration::from_millis(500);
    let result = connector_service::run(settings, std::future::pending()).await;
    let error = result.expect_err("unreachable");
    assert!(
        error.to_string().contains("Elasticsearch is unreachable"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_429s_are_retried_and_nothing_is_lost() {
    let (es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));
    connected(&es, &gl_url).await;

    es_state.reject_next_bulk_requests(3);
    let id = request_sync(&es).await;
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected_total());
    assert_eq!(index_count(&es).await, expected_total());
    let rejected = es_state
        .requests()
        .iter()
        .filter(|r| r.path == "/_bulk" && r.status == 429)
        .count();
    assert_eq!(rejected, 3);
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_gitlab_token_shows_the_connector_in_error_with_a_clear_message() {
    let (_es_state, es_url) = start_es().await;
    let (_gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));
    create_connector(&es).await;
    wait_connector_status(&es, "needs_configuration", Duration::from_secs(10)).await;
    configure(&es, "not-the-token", &gl_url).await;
    let failed = wait_connector_status(&es, "error", Duration::from_secs(10)).await;
    let message = failed["error"].as_str().expect("error text");
    assert!(
        message.starts_with("Failed to authenticate with GitLab:"),
        "{message}"
    );
    assert!(
        !message.contains("not-the-token"),
        "the token leaked: {message}"
    );
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_sync_rules_are_validated_activated_and_applied_to_the_next_sync() {
    let (_es_state, es_url) = start_es().await;
    let (gitlab, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let service = Service::start(settings(&es_url));
    connected(&es, &gl_url).await;

    let invalid = serde_json::json!([
        {"id": "all", "policy": "include", "field": "title", "rule": "regex", "value": ".*", "order": 0},
        {"id": "DEFAULT", "policy": "include", "field": "_", "rule": "regex", "value": ".*", "order": 1},
    ]);
    set_draft_rules(&es, invalid).await;
    let rejected = wait_for("an invalid draft", Duration::from_secs(10), || async {
        let c = connector(&es).await;
        (c["filtering"][0]["draft"]["validation"]["state"] == "invalid").then_some(c)
    })
    .await;
    assert_eq!(
        rejected["filtering"][0]["draft"]["validation"]["errors"][0]["ids"][0],
        "all"
    );
    assert_eq!(
        rejected["filtering"][0]["active"]["rules"][0]["id"],
        "DEFAULT"
    );

    // A basic rule drops releases after fetching; an advanced rule keeps merge requests from
    // being fetched at all (pushed down into the GitLab queries).
    let draft = serde_json::json!({
        "rules": [
            {"id": "no-release", "policy": "exclude", "field": "type", "rule": "equals", "value": "Release", "order": 0},
            {"id": "DEFAULT", "policy": "include", "field": "_", "rule": "regex", "value": ".*", "order": 1},
        ],
        "advanced_snippet": {"value": [
            {"projects": "**", "types": ["issues", "releases", "files", "epics"]}
        ]},
    });
    set_draft(&es, draft).await;
    wait_for("an activated draft", Duration::from_secs(10), || async {
        let c = connector(&es).await;
        (c["filtering"][0]["active"]["rules"][0]["id"] == "no-release").then_some(())
    })
    .await;

    let counts = gitlab_sim::expected_counts(gitlab_sim::Size::Small);
    let excluded = |doc_type: &str| counts.get(doc_type).copied().unwrap_or(0);
    let expected = expected_total() - excluded("Merge Request") - excluded("Release");
    let id = request_sync(&es).await;
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected);
    assert_eq!(index_count(&es).await, expected);
    let listed_merge_requests = gitlab
        .request_log()
        .counts
        .keys()
        .any(|kind| kind.contains("MergeRequest"));
    assert!(
        !listed_merge_requests,
        "merge requests were fetched despite the advanced rule"
    );
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_errors_orphaned_jobs_and_unsticks_a_connector_left_in_progress() {
    let (_es_state, es_url) = start_es().await;
    let es = kibana(&es_url);
    create_connector(&es).await;
    let orphan = serde_json::json!({
        "status": "in_progress", "job_type": "full", "trigger_method": "on_demand",
        "connector": {"id": "gone-connector", "index_name": "search-gone"},
        "created_at": "2026-01-01T00:00:00Z", "last_seen": "2026-01-01T00:00:00Z",
    });
    plant_job(&es, "orphan", &orphan).await;
    leave_in_progress(&es).await;

    let service = Service::start(settings(&es_url));
    wait_idle_error(&es, "orphan").await;
    wait_for(
        "the connector un-stuck",
        Duration::from_secs(10),
        || async { (connector(&es).await["last_sync_status"] == "error").then_some(()) },
    )
    .await;
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_errors_an_idle_job_and_keeps_the_counts_it_reported() {
    let (_es_state, es_url) = start_es().await;
    let es = kibana(&es_url);
    create_connector(&es).await;
    // A job of ours whose service died: its last `_stats` said 42 indexed, 3 deleted, 7 MiB.
    let idle = serde_json::json!({
        "status": "in_progress", "job_type": "full", "trigger_method": "on_demand",
        "connector": {"id": CONNECTOR, "index_name": INDEX},
        "created_at": "2026-01-01T00:00:00Z", "last_seen": "2026-01-01T00:00:00Z",
        "indexed_document_count": 42, "deleted_document_count": 3,
        "indexed_document_volume": 7, "total_document_count": 0,
    });
    plant_job(&es, "idle", &idle).await;
    leave_in_progress(&es).await;

    let service = Service::start(settings(&es_url));
    let job = wait_idle_error(&es, "idle").await;
    assert!(job["completed_at"].is_string(), "{job}");
    assert_eq!(job["indexed_document_count"], 42, "{job}");
    assert_eq!(job["deleted_document_count"], 3, "{job}");
    assert_eq!(job["indexed_document_volume"], 7, "{job}");
    let after = wait_for("the connector summary", Duration::from_secs(10), || async {
        let c = connector(&es).await;
        (c["last_sync_status"] == "error").then_some(c)
    })
    .await;
    assert_eq!(after["last_indexed_document_count"], 42, "{after}");
    assert_eq!(after["last_deleted_document_count"], 3, "{after}");
    assert_eq!(after["status"], "error", "{after}");
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_stuck_on_a_gitlab_that_does_not_answer_is_canceled_promptly() {
    let (es, gl, service) = connected_service().await;
    // The job's ping now hangs.
    silence_gitlab(&gl);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let id = request_sync(&es).await;
    wait_job_status(&es, &id, "in_progress", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    cancel(&es, &id).await;
    let job = wait_job_status(&es, &id, "canceled", Duration::from_secs(15)).await;
    assert!(job["canceled_at"].is_string(), "{job}");
    assert_eq!(connector(&es).await["last_sync_status"], "canceled");
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_health_ping_gitlab_does_not_answer() {
    let (_es, gl, service) = connected_service().await;
    silence_gitlab(&gl);
    // A few poll periods: the scheduler's tick is now waiting on the ping.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    tokio::time::timeout(Duration::from_secs(5), service.stop())
        .await
        .expect("the service stops within 5 s")
        .expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_deleted_while_it_runs_releases_the_connector_with_an_error() {
    let (es, service, id) = slow_running_job().await;
    call(
        &es,
        Method::DELETE,
        &["_connector", "_sync_job", &id],
        &[],
        None,
    )
    .await;
    let after = wait_for(
        "the connector released",
        Duration::from_secs(10),
        || async {
            let c = connector(&es).await;
            (c["last_sync_status"] != "in_progress").then_some(c)
        },
    )
    .await;
    assert_eq!(after["last_sync_status"], "error", "{after}");
    assert_eq!(after["last_sync_error"], "Couldn't find the job", "{after}");
    assert!(after["last_synced"].is_string(), "{after}");
    service.stop().await.expect("clean stop");
}

/// A document of the content index that no GitLab item matches: a full sync deletes it.
const STALE: &str = "issue_999999_1";

/// Puts [`STALE`] in the content index.
async fn plant_stale_document(es: &EsClient) {
    let doc = json!({"type": "Issue", "project_id": 999_999, "title": "stale"});
    call(es, Method::PUT, &[INDEX, "_doc", STALE], &[], Some(doc)).await;
}

/// Syncs a connected connector (service settings changed by `tune`) whose index holds
/// [`STALE`], with es-sim's `fault` switched on; once es-sim logged a request `seen` matches,
/// cancels the job as Kibana does. The job must end `canceled` well before the service's stop
/// grace (after which a job that does not stop on its own is dropped), having deleted nothing.
async fn cancel_midway(
    tune: impl FnOnce(&mut connector_config::Settings),
    fault: impl FnOnce(&EsSimState),
    what: &str,
    seen: impl Fn(&RequestRecord) -> bool,
) {
    let (es_state, es, _gl, service) = connected_service_tuned(tune).await;
    plant_stale_document(&es).await;
    fault(&es_state);
    let id = request_sync(&es).await;
    wait_for(what, Duration::from_secs(10), || async {
        es_state.requests().iter().any(&seen).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    cancel(&es, &id).await;
    let job = wait_job_status(&es, &id, "canceled", Duration::from_secs(15)).await;
    let took = asked.elapsed();
    assert!(
        took < STOP_GRACE,
        "the job took {took:?} to stop: it waited for its stop grace"
    );
    assert_eq!(job["deleted_document_count"], 0, "{job}");
    let stale = call(&es, Method::GET, &[INDEX, "_doc", STALE], &[], None).await;
    assert_eq!(stale["found"], true, "{stale}");
    service.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_while_the_index_is_listed_stops_the_job_at_once_and_deletes_nothing() {
    cancel_midway(
        |_| {},
        // The listing's first page comes at once; the next one is held.
        |es| es.delay_api("scroll", Duration::from_secs(60)),
        "the listing under way",
        |r| r.path == format!("/{INDEX}/_search") && r.query.contains("scroll="),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_while_a_bulk_request_is_retried_stops_the_job_at_once_and_deletes_nothing() {
    cancel_midway(
        // Back-offs of 2, 4, 6 and 8 s between the attempts of a rejected `_bulk`.
        |settings| settings.elasticsearch.retry_interval = Duration::from_secs(2),
        |es| es.reject_next_bulk_requests(1_000),
        "a rejected _bulk",
        |r| r.path == "/_bulk" && r.status == 429,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_leaves_the_start_lock_of_a_job_not_claimed_yet_alone() {
    let (es_state, es, _gl, service) = connected_service_tuned(|_| {}).await;
    // Cleanup runs every 0.5 s: several times while the claim is held.
    es_state.delay_api("connector.sync_job_claim", Duration::from_secs(3));
    let id = request_sync(&es).await;
    let locked = Instant::now();
    wait_for("the start lock", Duration::from_secs(10), || async {
        (connector(&es).await["last_sync_status"] == "in_progress").then_some(())
    })
    .await;
    while locked.elapsed() < Duration::from_secs(2) {
        let now = connector(&es).await;
        assert_eq!(
            now["last_sync_status"], "in_progress",
            "{}",
            now["last_sync_error"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let job = wait_job_status(&es, &id, "completed", SYNC).await;
    assert_completed(&job, expected_total());
    service.stop().await.expect("clean stop");
}
