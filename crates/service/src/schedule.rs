//! The scheduler loop (spec §3.4–§3.7), every `service.idling`, per owned connector:
//! register the schema/features/service type ("prepare"), check in, validate the
//! configuration and ping GitLab (`connected`/`error`), validate draft sync rules, and create
//! the `full` job the cron schedule makes due. Up to `service.max_concurrent_scheduling_tasks`
//! connectors are handled at once.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use es_client::{EsClient, EsError};
use futures::StreamExt;
use serde_json::json;
use tracing::Instrument;

use crate::cron::QuartzSchedule;
use crate::filtering;
use crate::gitlab_config;
use crate::heartbeat::Heartbeat;
use crate::names::{ConnectorStatus, SERVICE_TYPE};
use crate::schema::prepare_update;
use crate::state::ServiceState;
use crate::store::{self, StoredConnector};

/// Attempts of an OCC read-modify-write before the conflict is reported (spec §3.1).
const OCC_ATTEMPTS: u32 = 3;

/// The scheduler's own state between ticks.
struct Scheduler {
    heartbeat: Heartbeat,
    /// When the loop last woke (initially the process start).
    last_wake: DateTime<Utc>,
}

/// Runs the scheduler loop until shutdown.
pub async fn run(state: Arc<ServiceState>) {
    let mut scheduler = Scheduler {
        heartbeat: Heartbeat::default(),
        last_wake: Utc::now(),
    };
    loop {
        let wake = Utc::now();
        // A tick may wait on GitLab (the health ping); shutdown does not wait for it. A tick
        // dropped between recording a cron occurrence and creating its job skips that one
        // occurrence, as a service stopped a moment earlier would have.
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            ticked = tick(&state, &scheduler) => {
                if let Err(error) = ticked {
                    tracing::warn!(%error, "scheduler tick failed; retrying next tick");
                }
            }
        }
        scheduler.last_wake = wake;
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(state.settings.service.idling) => {}
        }
    }
}

async fn tick(state: &ServiceState, scheduler: &Scheduler) -> Result<(), EsError> {
    let connectors = state.owned_connectors().await?;
    let limit = state.settings.service.max_concurrent_scheduling_tasks;
    for_each_bounded(connectors, limit, |connector| async move {
        if state.shutdown.is_cancelled() {
            return;
        }
        let span = tracing::info_span!("connector", connector_id = %connector.id);
        async {
            if let Err(error) = tick_connector(state, scheduler, connector).await {
                tracing::warn!(%error, "connector tick failed");
            }
        }
        .instrument(span)
        .await;
    })
    .await;
    Ok(())
}

/// Runs `work` on every item, at most `limit` (at least one) at a time.
async fn for_each_bounded<T, F, Fut>(items: Vec<T>, limit: usize, work: F)
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = ()>,
{
    futures::stream::iter(items)
        .for_each_concurrent(limit.max(1), work)
        .await;
}

async fn tick_connector(
    state: &ServiceState,
    scheduler: &Scheduler,
    found: StoredConnector,
) -> Result<(), EsError> {
    // Only GitLab connectors are owned (see `ServiceState::new`).
    let Some(connector) = prepare(&state.es, &found.id, SERVICE_TYPE).await? else {
        return Ok(());
    };
    let es = &state.es;
    scheduler
        .heartbeat
        .beat(
            es,
            &connector.id,
            &connector.doc,
            state.settings.service.heartbeat,
        )
        .await?;
    match connector.doc.status.as_deref() {
        Some(s) if s == ConnectorStatus::Created.as_str() => {
            tracing::info!("waiting for Kibana to finish creating the connector");
            return Ok(());
        }
        Some(s) if s == ConnectorStatus::NeedsConfiguration.as_str() => {
            tracing::info!("connector needs configuration: finish it in Kibana");
            return Ok(());
        }
        _ => {}
    }
    let health = async {
        let config = gitlab_config::parse(&connector.doc.configuration)?;
        state.pings.ping(&config).await
    };
    if let Err(problem) = health.await {
        tracing::warn!(error = %problem, "connector configuration or GitLab check failed");
        set_status(es, &connector, ConnectorStatus::Error, Some(&problem.0)).await?;
        return Ok(());
    }
    if filtering::sync_rules_enabled(&connector.doc) {
        filtering::validate_draft(es, &connector.id, &connector.doc).await?;
    }
    set_status(es, &connector, ConnectorStatus::Connected, None).await?;
    schedule_full(state, &connector.id, scheduler.last_wake).await
}

/// Writes `status`/`error` when they differ from what is stored.
pub async fn set_status(
    es: &EsClient,
    connector: &StoredConnector,
    status: ConnectorStatus,
    error: Option<&str>,
) -> Result<(), EsError> {
    let doc = &connector.doc;
    if doc.status.as_deref() == Some(status.as_str()) && doc.error.as_deref() == error {
        return Ok(());
    }
    let update = json!({"status": status.as_str(), "error": error});
    store::update_connector(es, &connector.id, &update, None).await
}

/// "Prepare" under OCC (≤ [`OCC_ATTEMPTS`]); returns the connector as stored afterwards, or
/// `None` when it was deleted meanwhile.
async fn prepare(
    es: &EsClient,
    id: &str,
    service_type: &str,
) -> Result<Option<StoredConnector>, EsError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let Some(connector) = store::get_connector(es, id).await? else {
            return Ok(None);
        };
        let Some(update) = prepare_update(&connector.doc, service_type) else {
            return Ok(Some(connector));
        };
        match store::update_connector(es, id, &update, connector.seq).await {
            Ok(()) => {
                tracing::info!("registered the GitLab configuration schema and features");
            }
            Err(EsError::Conflict { .. }) if attempt < OCC_ATTEMPTS => continue,
            Err(error) => return Err(error),
        }
    }
}

/// Whether a schedule is due: its next occurrence after `last_wake` has come by `now`.
pub fn due_occurrence(
    schedule: &QuartzSchedule,
    last_wake: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    schedule.next_after(last_wake).filter(|next| *next <= now)
}

/// Creates the scheduled `full` job when due, recording it with OCC on
/// `last_sync_scheduled_at` so two services never both create it (spec §3.7).
async fn schedule_full(
    state: &ServiceState,
    id: &str,
    last_wake: DateTime<Utc>,
) -> Result<(), EsError> {
    let es = &state.es;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let Some(connector) = store::get_connector(es, id).await? else {
            return Ok(());
        };
        let scheduled_at = connector
            .doc
            .last_sync_scheduled_at
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok());
        if scheduled_at.is_some_and(|at| at.with_timezone(&Utc) > last_wake) {
            return Ok(());
        }
        let Some(full) = connector.doc.scheduling.full.as_ref().filter(|s| s.enabled) else {
            return Ok(());
        };
        let schedule = match QuartzSchedule::parse(&full.interval) {
            Ok(schedule) => schedule,
            Err(problem) => {
                let message = problem.to_string();
                return set_status(es, &connector, ConnectorStatus::Error, Some(&message)).await;
            }
        };
        let Some(next) = due_occurrence(&schedule, last_wake, Utc::now()) else {
            return Ok(());
        };
        let stamp = next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let update = json!({"last_sync_scheduled_at": stamp});
        match store::update_connector(es, id, &update, connector.seq).await {
            Ok(()) => {}
            Err(EsError::Conflict { .. }) if attempt < OCC_ATTEMPTS => continue,
            Err(EsError::Conflict { .. }) => return Ok(()),
            Err(error) => return Err(error),
        }
        let job_id = es.sync_job_post(id, "full", "scheduled").await?;
        tracing::info!(%job_id, occurrence = %stamp, "scheduled a full sync");
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn connectors_of_a_tick_are_handled_concurrently_up_to_the_limit() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        for_each_bounded((0..9).collect(), 3, |_: u32| async {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            done.fetch_add(1, Ordering::SeqCst);
        })
        .await;
        assert_eq!(done.load(Ordering::SeqCst), 9);
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_schedule_is_due_once_its_next_minute_after_the_last_wake_has_come() {
        let schedule = QuartzSchedule::parse("0 * * * * ?").expect("valid");
        let t = |m: u32, s: u32| {
            Utc.with_ymd_and_hms(2026, 1, 1, 10, m, s)
                .single()
                .expect("t")
        };
        assert_eq!(due_occurrence(&schedule, t(0, 30), t(0, 59)), None);
        assert_eq!(due_occurrence(&schedule, t(0, 30), t(1, 0)), Some(t(1, 0)));
        // No catch-up: only the first occurrence after the last wake is considered.
        assert_eq!(due_occurrence(&schedule, t(0, 30), t(5, 0)), Some(t(1, 0)));
    }
}
