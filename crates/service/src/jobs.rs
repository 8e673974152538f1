//! The content-job loop (spec §3.8), every `service.idling`: find `pending`/`suspended` jobs
//! of our connectors (oldest first), and start each one a free slot of
//! `service.max_concurrent_content_syncs` allows, skipping connectors already syncing. Stops
//! claiming on shutdown; running jobs then see their token canceled and end `suspended`.

use std::sync::Arc;

use es_client::EsError;
use serde_json::json;
use tracing::Instrument;

use crate::job_runner::{self, StartError};
use crate::names::JobStatus;
use crate::state::ServiceState;
use crate::store;

/// Runs the loop until shutdown.
pub async fn run(state: Arc<ServiceState>) {
    loop {
        if let Err(error) = tick(&state).await {
            tracing::warn!(%error, "job poll failed; retrying next tick");
        }
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(state.settings.service.idling) => {}
        }
    }
}

async fn tick(state: &Arc<ServiceState>) -> Result<(), EsError> {
    if state.shutdown.is_cancelled() {
        return Ok(());
    }
    let ids = state.owned_ids().await?;
    if ids.is_empty() {
        return Ok(());
    }
    let query = json!({"bool": {"must": [
        {"terms": {"status": [JobStatus::Pending.as_str(), JobStatus::Suspended.as_str()]}},
        {"terms": {"connector.id": ids}},
        {"terms": {"job_type": ["full", "incremental"]}},
    ]}});
    for job in store::search_jobs(&state.es, query).await? {
        if state.shutdown.is_cancelled() {
            break;
        }
        if state.is_running(&job.id) {
            continue;
        }
        let Ok(permit) = state.content_slots.clone().try_acquire_owned() else {
            tracing::debug!("all content sync slots busy");
            break;
        };
        let span = tracing::info_span!("job", job_id = %job.id);
        // Tracked before the start lock is taken: between the lock and the claim, cleanup
        // would otherwise see a locked connector with no running job, as a crash leaves it.
        state.track(&job.id, &job.doc.connector.id);
        let started = job_runner::start(state, &job)
            .instrument(span.clone())
            .await;
        if let Err(error) = started {
            state.untrack(&job.id);
            match error {
                StartError::Busy => {
                    tracing::debug!(job_id = %job.id, "connector busy or job taken; left for later");
                }
                StartError::Es(error) => {
                    tracing::warn!(job_id = %job.id, %error, "cannot start the job");
                }
            }
            continue;
        }
        let token = state.shutdown.child_token();
        let runner_state = state.clone();
        let job_id = job.id.clone();
        state.runners.spawn(
            async move {
                job_runner::execute(runner_state.clone(), job, token).await;
                runner_state.untrack(&job_id);
                drop(permit);
            }
            .instrument(span),
        );
    }
    Ok(())
}
