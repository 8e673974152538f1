//! The simulator's shared state: the indices, search contexts, configuration, fault switches
//! and the request log. Cloning an [`EsSimState`] gives another handle to the same simulator,
//! so tests keep one and hand one to [`crate::serve`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::search::Contexts;
use crate::spec::RestSpec;
use crate::store::Store;

/// Fixed settings of one simulator instance.
#[derive(Clone, Default)]
pub struct SimConfig {
    /// Accept `Authorization: ApiKey <this>`; when any credential is configured, requests
    /// without a matching one get 401.
    pub api_key: Option<String>,
    /// Accept this basic-auth user and password.
    pub basic: Option<(String, String)>,
    /// Refuse direct access to the connector system indices without
    /// `X-elastic-product-origin`.
    pub require_product_origin: bool,
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "**REDACTED**"))
            .field(
                "basic",
                &self
                    .basic
                    .as_ref()
                    .map(|(u, _)| (u.as_str(), "**REDACTED**")),
            )
            .field("require_product_origin", &self.require_product_origin)
            .finish()
    }
}

/// One logged request, for tests to assert on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Raw query string (empty when none).
    pub query: String,
    /// `X-elastic-product-origin` value, `None` when absent.
    pub product_origin: Option<String>,
    /// Auth scheme used (`ApiKey`, `Basic`, ...) — never the credential.
    pub auth_scheme: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `User-Agent`.
    pub user_agent: Option<String>,
    /// Response status.
    pub status: u16,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub(crate) reject_bulk_requests: u32,
    pub(crate) reject_item_fraction: f64,
    pub(crate) item_accumulator: f64,
    pub(crate) unavailable_until: Option<Instant>,
    /// How long requests of each REST API (by spec name) are held before they are handled.
    pub(crate) latency: BTreeMap<String, Duration>,
}

/// Indices plus search contexts, guarded together.
#[derive(Debug, Default)]
pub struct Db {
    /// The indices.
    pub store: Store,
    /// Scroll and point-in-time contexts.
    pub contexts: Contexts,
}

struct Shared {
    config: SimConfig,
    spec: RestSpec,
    db: Mutex<Db>,
    faults: Mutex<Faults>,
    log: Mutex<Vec<RequestRecord>>,
}

/// A handle to one simulator: its data, switches and request log.
#[derive(Clone)]
pub struct EsSimState {
    shared: Arc<Shared>,
}

impl Default for EsSimState {
    fn default() -> Self {
        Self::new(SimConfig::default())
    }
}

impl std::fmt::Debug for EsSimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsSimState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl EsSimState {
    /// A fresh, empty simulator.
    pub fn new(config: SimConfig) -> Self {
        EsSimState {
            shared: Arc::new(Shared {
                config,
                spec: RestSpec::load(),
                db: Mutex::new(Db::default()),
                faults: Mutex::new(Faults::default()),
                log: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    pub(crate) fn spec(&self) -> &RestSpec {
        &self.shared.spec
    }

    /// Locks the data (never held across an `.await`).
    pub fn db(&self) -> MutexGuard<'_, Db> {
        lock(&self.shared.db)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.shared.faults)
    }

    pub(crate) fn record(&self, r: RequestRecord) {
        lock(&self.shared.log).push(r);
    }

    /// Answers the next `n` `_bulk` requests with 429 `es_rejected_execution_exception`.
    pub fn reject_next_bulk_requests(&self, n: u32) {
        self.faults().reject_bulk_requests = n;
    }

    /// Rejects this fraction (0.0–1.0) of bulk items with a per-item 429, deterministically
    /// spread (0.5 rejects every second item).
    pub fn reject_bulk_item_fraction(&self, fraction: f64) {
        let mut f = self.faults();
        f.reject_item_fraction = fraction.clamp(0.0, 1.0);
        f.item_accumulator = 0.0;
    }

    /// Answers every ES request with 503 for `duration`.
    pub fn make_unavailable_for(&self, duration: Duration) {
        self.faults().unavailable_until = Some(Instant::now() + duration);
    }

    /// Holds every request of REST API `api` (its spec name: `scroll`, `bulk`, …) for
    /// `duration` before handling it.
    pub fn delay_api(&self, api: &str, duration: Duration) {
        self.faults().latency.insert(api.to_owned(), duration);
    }

    /// Turns every fault switch off.
    pub fn clear_faults(&self) {
        *self.faults() = Faults::default();
    }

    /// The requests served so far (the `/_sim/` control plane is not logged).
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Concrete index names.
    pub fn index_names(&self) -> Vec<String> {
        self.db().store.indices.keys().cloned().collect()
    }

    /// All documents of an index or alias as `(_id, _source)`, or `None` when it does not exist.
    pub fn documents(&self, index: &str) -> Option<Vec<(String, Value)>> {
        let db = self.db();
        let idx = db.store.index(index).ok()?;
        Some(
            idx.docs
                .iter()
                .map(|(id, d)| (id.clone(), Value::Object(d.source.clone())))
                .collect(),
        )
    }

    /// One document's `_source`.
    pub fn document(&self, index: &str, id: &str) -> Option<Value> {
        let db = self.db();
        let d = db.store.get(index, id).ok()??;
        Some(Value::Object(d.source.clone()))
    }

    /// An index's mapping as `GET _mapping` shows it.
    pub fn mapping(&self, index: &str) -> Option<Value> {
        let db = self.db();
        db.store.index(index).ok().map(|i| i.mapping.to_json())
    }
}
