//! What runs beside a sync: `_stats` (the job heartbeat, spec §3.8 step 7) and the status
//! poll that turns a Kibana cancel (`canceling`) into the job's cancel token. Both keep going
//! through transient ES errors, so the cleanup loop never mistakes a live job for an idle one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use es_client::SyncJobStats;
use sync_engine::SyncProgress;
use tokio_util::sync::CancellationToken;

use crate::names::JobStatus;
use crate::state::ServiceState;
use crate::store;

/// Why a job's token was canceled by its watcher.
#[derive(Debug, Default)]
pub struct WatchVerdict {
    /// Kibana asked to cancel (`canceling`).
    pub cancel_requested: AtomicBool,
    /// The job or its connector vanished, or the job left `in_progress`: the message.
    pub lost: std::sync::Mutex<Option<String>>,
}

impl WatchVerdict {
    /// The "lost" message, if any.
    pub fn lost_reason(&self) -> Option<String> {
        self.lost.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn lose(&self, reason: String) {
        *self.lost.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
    }
}

/// Counters for `_stats` from live progress (volume in MiB, rounded).
pub fn stats_of(progress: &SyncProgress) -> SyncJobStats {
    SyncJobStats {
        deleted_document_count: progress.deleted(),
        indexed_document_count: progress.indexed(),
        indexed_document_volume: mib(progress.bytes()),
        ..SyncJobStats::default()
    }
}

/// Bytes to MiB rounded to the nearest integer (spec §4.8).
pub fn mib(bytes: u64) -> u64 {
    (bytes + (1 << 19)) >> 20
}

/// Runs until `stop` is canceled: `_stats` every report interval, status check every check
/// interval; cancels `job_token` when the job must stop.
pub async fn watch(
    state: Arc<ServiceState>,
    job_id: String,
    connector_id: String,
    progress: Arc<SyncProgress>,
    job_token: CancellationToken,
    verdict: Arc<WatchVerdict>,
    stop: CancellationToken,
) {
    let mut report = tokio::time::interval(state.report_interval());
    let mut check = tokio::time::interval(state.check_interval());
    report.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = report.tick() => {
                let stats = stats_of(&progress);
                if let Err(error) = state.es.sync_job_update_stats(&job_id, &stats).await {
                    tracing::warn!(%error, "cannot report job stats; retrying next interval");
                }
            }
            _ = check.tick() => {
                if let Some(reason) = check_status(&state, &job_id, &connector_id, &verdict).await {
                    verdict.lose(reason);
                }
                if verdict.cancel_requested.load(Ordering::Relaxed) || verdict.lost_reason().is_some() {
                    job_token.cancel();
                }
            }
        }
    }
}

/// One status check; `Some(message)` when the job must end in error.
async fn check_status(
    state: &ServiceState,
    job_id: &str,
    connector_id: &str,
    verdict: &WatchVerdict,
) -> Option<String> {
    match store::get_connector(&state.es, connector_id).await {
        Ok(None) => return Some("Connector is not found".to_owned()),
        Ok(Some(_)) => {}
        Err(error) => {
            tracing::warn!(%error, "cannot read the connector; checking again later");
            return None;
        }
    }
    match store::get_job(&state.es, job_id).await {
        Ok(None) => Some("Connector job is not found".to_owned()),
        Ok(Some(job)) => match job.doc.status.as_deref() {
            Some(s) if s == JobStatus::Canceling.as_str() => {
                tracing::info!("cancelation requested");
                verdict.cancel_requested.store(true, Ordering::Relaxed);
                None
            }
            Some(s) if s == JobStatus::InProgress.as_str() => None,
            other => Some(format!(
                "Connector job is not running but in status of {}",
                other.unwrap_or("unknown")
            )),
        },
        Err(error) => {
            tracing::warn!(%error, "cannot read the job; checking again later");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_is_whole_mib_rounded() {
        assert_eq!(mib(0), 0);
        assert_eq!(mib(500 * 1024), 0);
        assert_eq!(mib(600 * 1024), 1);
        assert_eq!(mib(5 << 20), 5);
    }
}
