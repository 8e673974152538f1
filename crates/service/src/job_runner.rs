//! Running one content job (spec §3.8): the OCC start lock on the connector's
//! `last_sync_status`, `_claim`, then the sync itself with the job's snapshotted
//! configuration, filtering and pipeline, and the terminal writes.
//!
//! Two services never run the same job twice: the start lock is an OCC write, only one
//! writer wins; the winner re-reads the job after locking and gives the lock back when the
//! job is no longer `pending`/`suspended` (a stale search result of a job already run).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use es_client::{EsClient, EsError, EsSettings};
use gitlab_client::GitlabClient;
use gitlab_source::GitlabSource;
use serde_json::{Value, json};
use sink_es::{ElasticsearchSink, SinkSettings};
use sync_engine::{Outcome, SyncMode, SyncOptions, SyncProgress};
use sync_rules::SyncRules;
use tokio_util::sync::CancellationToken;

use crate::gitlab_config;
use crate::job_finish::{JobCounts, JobEnd, finish};
use crate::job_watch::{WatchVerdict, mib, watch};
use crate::names::{JobStatus, SERVICE_TYPE};
use crate::state::ServiceState;
use crate::store::{self, StoredJob};

/// Attempts of the OCC start lock (spec §3.8 runner step 1).
const LOCK_ATTEMPTS: u32 = 3;

/// Why a job was not started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another job (or service) holds the connector's start lock, or the job was taken.
    #[error("the connector is busy or the job was taken by another worker")]
    Busy,
    /// Elasticsearch failed.
    #[error(transparent)]
    Es(#[from] EsError),
}

fn is_startable(status: Option<&str>) -> bool {
    matches!(status, Some(s) if s == JobStatus::Pending.as_str() || s == JobStatus::Suspended.as_str())
}

/// Takes the start lock and claims `job`. On success the job is `in_progress` and ours.
pub async fn start(state: &ServiceState, job: &StoredJob) -> Result<(), StartError> {
    let es = &state.es;
    let connector_id = &job.doc.connector.id;
    let mut attempt = 0;
    let previous = loop {
        attempt += 1;
        let Some(connector) = store::get_connector(es, connector_id).await? else {
            return Err(StartError::Busy);
        };
        if connector.doc.last_sync_status.as_deref() == Some(JobStatus::InProgress.as_str()) {
            return Err(StartError::Busy);
        }
        let lock = json!({
            "status": "connected", "error": null,
            "last_sync_status": JobStatus::InProgress.as_str(), "last_sync_error": null,
        });
        match store::update_connector(es, connector_id, &lock, connector.seq).await {
            Ok(()) => break connector.doc.last_sync_status,
            Err(EsError::Conflict { .. }) if attempt < LOCK_ATTEMPTS => continue,
            Err(EsError::Conflict { .. }) => return Err(StartError::Busy),
            Err(error) => return Err(error.into()),
        }
    };
    let current = store::get_job(es, &job.id).await;
    let startable = matches!(&current, Ok(Some(j)) if is_startable(j.doc.status.as_deref()));
    if !startable {
        release(es, connector_id, previous).await;
        return match current {
            Err(error) => Err(error.into()),
            _ => Err(StartError::Busy),
        };
    }
    if let Err(error) = es.sync_job_claim(&job.id, &state.hostname, None).await {
        release(es, connector_id, previous).await;
        return Err(error.into());
    }
    Ok(())
}

/// Gives the start lock back after a start that did not happen.
async fn release(es: &EsClient, connector_id: &str, previous: Option<String>) {
    let doc = json!({"last_sync_status": previous});
    if let Err(error) = store::update_connector(es, connector_id, &doc, None).await {
        tracing::warn!(%error, "cannot release the connector's start lock");
    }
}

/// Runs a claimed job to its end. `token` is the job's node of the cancellation tree.
pub async fn execute(state: Arc<ServiceState>, job: StoredJob, token: CancellationToken) {
    let connector_id = job.doc.connector.id.clone();
    let index = job.doc.connector.index_name.clone();
    let progress = Arc::new(SyncProgress::default());
    let verdict = Arc::new(WatchVerdict::default());
    let stop_watch = CancellationToken::new();
    let watcher = tokio::spawn(watch(
        state.clone(),
        job.id.clone(),
        connector_id.clone(),
        progress.clone(),
        token.clone(),
        verdict.clone(),
        stop_watch.clone(),
    ));
    tracing::info!(connector_id = %connector_id, %index, "sync started");
    let result = until_stopped(sync(&state, &job, &progress, &token), &token).await;
    stop_watch.cancel();
    if let Err(error) = watcher.await {
        tracing::warn!(%error, "job watcher ended abnormally");
    }
    let end = decide(&state, result, &progress, &verdict, &token);
    finish(&state, &job.id, &connector_id, &index, &end).await;
}

/// What the sync returned, before deciding the job's status.
type SyncResult = Result<sync_engine::SyncReport, String>;

/// How long a stopped job (Kibana cancel, shutdown) may take to wind down on its own before
/// it is dropped where it stands: the sync engine stops where it stands (listing the index, a
/// `_bulk` being retried), but the steps before it (the GitLab ping, creating the index) and
/// its final refresh do not watch the token, and GitLab or Elasticsearch not answering would
/// hold them for minutes.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Runs `sync` until it ends, or until [`STOP_GRACE`] after `token` is canceled.
async fn until_stopped(
    sync: impl Future<Output = SyncResult>,
    token: &CancellationToken,
) -> SyncResult {
    let stopped = async {
        token.cancelled().await;
        tokio::time::sleep(STOP_GRACE).await;
    };
    tokio::select! {
        result = sync => result,
        () = stopped => {
            tracing::warn!(grace_ms = STOP_GRACE.as_millis() as u64, "the job did not stop within its grace period; dropping it");
            Err("stopped".to_owned())
        }
    }
}

async fn sync(
    state: &ServiceState,
    job: &StoredJob,
    progress: &SyncProgress,
    token: &CancellationToken,
) -> SyncResult {
    let snapshot = &job.doc.connector;
    if job.doc.job_type.as_deref().is_some_and(|t| t != "full") {
        return Err(format!(
            "The GitLab connector does not support {} sync",
            job.doc.job_type.as_deref().unwrap_or("this")
        ));
    }
    if snapshot
        .service_type
        .as_deref()
        .is_some_and(|t| t != SERVICE_TYPE)
    {
        return Err(format!(
            "service type {:?} is not supported by this service",
            snapshot.service_type
        ));
    }
    let config = gitlab_config::parse(&snapshot.configuration).map_err(|p| p.0)?;
    state.pings.ping(&config).await.map_err(|p| p.0)?;
    let filtering = snapshot
        .filtering
        .as_ref()
        .map(|f| serde_json::to_value(f).unwrap_or_default())
        .unwrap_or(Value::Null);
    let validation = sync_rules::validate_filtering(&filtering);
    if !validation.is_valid() {
        return Err(format!(
            "Filtering in state invalid, errors: {}",
            validation.describe_errors()
        ));
    }
    let rules = SyncRules::from_filtering(&filtering).map_err(|e| e.to_string())?;
    let mut sink = content_sink(state, job).map_err(|e| e.to_string())?;
    sink.ensure_index().await.map_err(|e| e.to_string())?;
    let client = GitlabClient::new(config.client.clone()).map_err(|e| e.to_string())?;
    let mut source_settings = config.source_settings();
    source_settings.readme_max_bytes = state.settings.service.max_file_download_size;
    crate::push_down::apply(&rules.advanced, &mut source_settings);
    let events = GitlabSource::new(client, source_settings).documents();
    let bulk = &state.settings.elasticsearch.bulk;
    let options = SyncOptions {
        mode: SyncMode::Full,
        batch_docs: (bulk.chunk_size / 2).max(1),
        batch_bytes: bulk.chunk_max_mem_bytes.max(1),
        skip_unchanged: false,
        cancel: token.clone(),
    };
    sync_engine::run(events, &mut sink, &rules, &options, progress)
        .await
        .map_err(|e| e.to_string())
}

/// The content-side sink: the connector's own API key when configured (spec §1.2).
fn content_sink(state: &ServiceState, job: &StoredJob) -> Result<ElasticsearchSink, EsError> {
    let mut settings = EsSettings::from(&state.settings.elasticsearch);
    let own_key = state
        .settings
        .connectors
        .iter()
        .find(|c| c.connector_id == job.doc.connector.id)
        .and_then(|c| c.api_key.clone());
    if let Some(key) = own_key {
        settings = settings.with_api_key(key);
    }
    let client = EsClient::new(settings)?;
    let pipeline = job.doc.connector.pipeline.clone().unwrap_or_default();
    let sink_settings = SinkSettings::from_config(
        job.doc.connector.index_name.clone(),
        pipeline,
        &state.settings.elasticsearch.bulk,
        client.retry_policy().clone(),
    );
    Ok(ElasticsearchSink::new(client, sink_settings))
}

/// Turns the sync's result into the job's end.
fn decide(
    state: &ServiceState,
    result: SyncResult,
    progress: &SyncProgress,
    verdict: &WatchVerdict,
    token: &CancellationToken,
) -> JobEnd {
    let live = |status: JobStatus, error: Option<String>| {
        let counts = JobCounts {
            indexed: progress.indexed(),
            deleted: progress.deleted(),
            volume_mib: mib(progress.bytes()),
        };
        JobEnd {
            status,
            error,
            ..JobEnd::failed(String::new(), counts)
        }
    };
    if let Some(reason) = verdict.lost_reason() {
        return live(JobStatus::Error, Some(reason));
    }
    let stopped = token.is_cancelled();
    if stopped && verdict.cancel_requested.load(Ordering::Relaxed) {
        return live(JobStatus::Canceled, None);
    }
    if stopped && state.shutdown.is_cancelled() {
        return live(JobStatus::Suspended, None);
    }
    match result {
        Err(error) => live(JobStatus::Error, Some(error)),
        Ok(report) => {
            let end = JobEnd {
                status: JobStatus::Completed,
                error: None,
                counts: Some(JobCounts {
                    indexed: report.indexed(),
                    deleted: report.deleted,
                    volume_mib: mib(report.bytes_written),
                }),
                note: None,
                metadata: serde_json::Map::new(),
            };
            match report.outcome {
                Outcome::Complete => end,
                Outcome::Partial => {
                    let scopes: Vec<(String, String)> = report
                        .incomplete_scopes
                        .iter()
                        .map(|l| (l.what.clone(), l.reason.clone()))
                        .collect();
                    end.with_partial(&scopes, report.failed_count)
                }
                Outcome::Canceled => live(JobStatus::Canceled, None),
            }
        }
    }
}
