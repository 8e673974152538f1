//! [`ServiceState`]: what every loop shares, passed explicitly (no globals).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_config::Settings;
use es_client::{EsClient, EsError};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::health::PingCache;
use crate::names::{JOB_CHECK_INTERVAL, JOB_REPORTING_INTERVAL, SERVICE_TYPE};
use crate::store::{self, StoredConnector};

/// Shared state of one service process.
pub struct ServiceState {
    /// The protocol client (main credentials).
    pub es: EsClient,
    /// The validated `config.yml`.
    pub settings: Settings,
    /// Ids of the GitLab connectors `connectors:` lists (other service types are ignored).
    pub connector_ids: Vec<String>,
    /// In worker mode (`service.worker_mode`), the service types of `service.service_types`
    /// whose connectors are all handled, discovered afresh on every loop tick: `[gitlab]`, or
    /// empty outside worker mode.
    pub worker_service_types: Vec<String>,
    /// Sent in `_claim` as `worker_hostname`.
    pub hostname: String,
    /// Root of the cancellation tree: canceled on shutdown.
    pub shutdown: CancellationToken,
    /// Slots of `service.max_concurrent_content_syncs`.
    pub content_slots: Arc<Semaphore>,
    /// The jobs running in this process: job id → connector id.
    pub running: Mutex<HashMap<String, String>>,
    /// GitLab pings cached for one poll period.
    pub pings: PingCache,
    /// Running job tasks, awaited on shutdown.
    pub runners: TaskTracker,
}

impl ServiceState {
    /// Builds the state; `es` talks to `settings.elasticsearch`.
    pub fn new(es: EsClient, settings: Settings, shutdown: CancellationToken) -> Self {
        let connector_ids = settings
            .connectors
            .iter()
            .filter(|c| c.service_type == SERVICE_TYPE)
            .map(|c| c.connector_id.clone())
            .collect();
        let worker_service_types = if settings.service.worker_mode {
            settings
                .service
                .service_types
                .iter()
                .filter(|t| *t == SERVICE_TYPE)
                .take(1)
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let slots = settings.service.max_concurrent_content_syncs.max(1);
        let pings = PingCache::new(settings.service.idling);
        ServiceState {
            es,
            connector_ids,
            worker_service_types,
            hostname: hostname(),
            shutdown,
            content_slots: Arc::new(Semaphore::new(slots)),
            running: Mutex::new(HashMap::new()),
            pings,
            runners: TaskTracker::new(),
            settings,
        }
    }

    /// The connectors this instance handles now (spec §3.3): those `connectors:` lists and, in
    /// worker mode, every self-managed connector of [`Self::worker_service_types`], so
    /// connectors created in Kibana after the start are picked up on the next tick.
    pub async fn owned_connectors(&self) -> Result<Vec<StoredConnector>, EsError> {
        store::our_connectors(&self.es, &self.connector_ids, &self.worker_service_types).await
    }

    /// Ids of [`Self::owned_connectors`]; outside worker mode the configured list, with no
    /// search.
    pub async fn owned_ids(&self) -> Result<Vec<String>, EsError> {
        if self.worker_service_types.is_empty() {
            return Ok(self.connector_ids.clone());
        }
        let found = self.owned_connectors().await?;
        Ok(found.into_iter().map(|connector| connector.id).collect())
    }

    /// How often a running job reports `_stats` (its heartbeat): the reference's 10 s, or
    /// `service.idling` when that is shorter (so short test intervals stay fast).
    pub fn report_interval(&self) -> Duration {
        JOB_REPORTING_INTERVAL.min(self.settings.service.idling)
    }

    /// How often a running job re-reads its status (cancel detection): the reference's 5 s,
    /// or `service.idling` when shorter.
    pub fn check_interval(&self) -> Duration {
        JOB_CHECK_INTERVAL.min(self.settings.service.idling)
    }

    /// Whether job `id` runs in this process.
    pub fn is_running(&self, id: &str) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains_key(id)
    }

    /// Whether a job of connector `connector_id` runs in this process: it is being started
    /// (tracked before the connector's start lock is taken) or its runner holds that lock and
    /// gives it back, even when the job document is gone.
    pub fn runs_for_connector(&self, connector_id: &str) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .any(|running| running == connector_id)
    }

    /// Records job `id` of connector `connector_id` as running here.
    pub fn track(&self, id: &str, connector_id: &str) {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id.to_owned(), connector_id.to_owned());
    }

    /// Forgets job `id` once it ended.
    pub fn untrack(&self, id: &str) {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(id);
    }
}

/// This machine's name: `/etc/hostname`, else a fixed name (only informational in `_claim`).
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "gitlab-connector".to_owned())
}
