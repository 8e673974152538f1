//! The cleanup loop (spec §3.9), every `service.job_cleanup_interval`: orphaned running jobs
//! (their connector is gone) and idle ones of our connectors (`last_seen` older than five
//! minutes) end in `error`; a connector whose `last_sync_status` stayed `in_progress` with no
//! running job (a crash between start lock and end) is un-stuck so its jobs run again, unless
//! a job of it runs in this process (its runner gives the lock back, even when the job
//! document was deleted meanwhile). A job counts as running here from before its start lock is
//! taken, so a lock taken but not yet followed by the claim is never mistaken for a crash's.
//!
//! Known window, across services only: another service's cleanup cannot know that a lock was
//! taken a moment before its claim, and may un-stick it (the OCC guard does not help: it read
//! the connector after the lock). The claimed job still runs exactly once, but the connector
//! shows the interrupted error and its lock is free while the job runs.

use std::sync::Arc;

use es_client::EsError;
use serde_json::json;

use crate::job_finish::{JobEnd, finish};
use crate::names::{IDLE_JOB_ERROR, IDLE_JOB_THRESHOLD, JobStatus, now_rfc3339};
use crate::state::ServiceState;
use crate::store;

/// The message written on a connector un-stuck by cleanup.
pub const UNSTUCK_ERROR: &str =
    "The previous sync was interrupted (the service stopped while it ran).";

/// Runs the loop until shutdown.
pub async fn run(state: Arc<ServiceState>) {
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(state.settings.service.job_cleanup_interval) => {}
        }
        if let Err(error) = tick(&state).await {
            tracing::warn!(%error, "job cleanup failed; retrying next interval");
        }
    }
}

fn running_statuses() -> serde_json::Value {
    json!([
        JobStatus::InProgress.as_str(),
        JobStatus::Canceling.as_str()
    ])
}

async fn tick(state: &ServiceState) -> Result<(), EsError> {
    orphans(state).await?;
    idle(state).await?;
    unstick(state).await
}

async fn orphans(state: &ServiceState) -> Result<(), EsError> {
    let ids = store::all_connector_ids(&state.es).await?;
    let query = json!({"bool": {
        "must_not": [{"terms": {"connector.id": ids}}],
        "filter": [{"terms": {"status": running_statuses()}}],
    }});
    for job in store::search_jobs(&state.es, query).await? {
        tracing::warn!(job_id = %job.id, "erroring an orphaned job (its connector is gone)");
        let doc = json!({
            "status": JobStatus::Error.as_str(), "error": IDLE_JOB_ERROR,
            "completed_at": now_rfc3339(), "last_seen": now_rfc3339(),
        });
        store::update_job(&state.es, &job.id, &doc).await?;
    }
    Ok(())
}

async fn idle(state: &ServiceState) -> Result<(), EsError> {
    let ids = state.owned_ids().await?;
    if ids.is_empty() {
        return Ok(());
    }
    let threshold = format!("now-{}s", IDLE_JOB_THRESHOLD.as_secs());
    let query = json!({"bool": {"filter": [
        {"terms": {"connector.id": ids}},
        {"terms": {"status": running_statuses()}},
        {"range": {"last_seen": {"lte": threshold}}},
    ]}});
    for job in store::search_jobs(&state.es, query).await? {
        if state.is_running(&job.id) {
            continue;
        }
        tracing::warn!(job_id = %job.id, "erroring an idle job");
        let end = JobEnd::abandoned(IDLE_JOB_ERROR.to_owned());
        let connector = &job.doc.connector;
        finish(state, &job.id, &connector.id, &connector.index_name, &end).await;
    }
    Ok(())
}

async fn unstick(state: &ServiceState) -> Result<(), EsError> {
    for connector in state.owned_connectors().await? {
        if connector.doc.last_sync_status.as_deref() != Some(JobStatus::InProgress.as_str())
            || state.runs_for_connector(&connector.id)
        {
            continue;
        }
        let query = json!({"bool": {"filter": [
            {"term": {"connector.id": connector.id}},
            {"terms": {"status": running_statuses()}},
        ]}});
        if !store::search_jobs(&state.es, query).await?.is_empty() {
            continue;
        }
        tracing::warn!(connector_id = %connector.id, "un-sticking a connector left in_progress");
        let doc = json!({
            "last_sync_status": JobStatus::Error.as_str(),
            "last_sync_error": UNSTUCK_ERROR,
        });
        match store::update_connector(&state.es, &connector.id, &doc, connector.seq).await {
            Ok(()) | Err(EsError::Conflict { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
