//! The `*Config` types: `config.yml` as typed, with the reference's defaults (spec §1.2).
//! Nothing here is validated yet; [`crate::validate`] turns these into `*Settings`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `elasticsearch.*`.
    pub elasticsearch: ElasticsearchConfig,
    /// `service.*`.
    pub service: ServiceConfig,
    /// `connectors[]`.
    pub connectors: Vec<ConnectorConfig>,
    /// Deprecated single-connector form: top-level `connector_id`.
    pub connector_id: Option<Scalar>,
    /// Deprecated single-connector form: top-level `service_type`.
    pub service_type: Option<String>,
    /// `sources`: service type → Python class path (accepted, values ignored).
    pub sources: Option<BTreeMap<String, Value>>,
    /// `extraction_service.*` (absent by default).
    pub extraction_service: Option<ExtractionServiceConfig>,
}

/// `elasticsearch.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ElasticsearchConfig {
    /// `host`.
    pub host: String,
    /// `api_key` (encoded).
    pub api_key: Option<String>,
    /// `username`.
    pub username: String,
    /// `password`.
    pub password: String,
    /// `ssl`.
    pub ssl: bool,
    /// `verify_certs`.
    pub verify_certs: bool,
    /// `ca_certs`.
    pub ca_certs: Option<String>,
    /// `headers`.
    pub headers: BTreeMap<String, Scalar>,
    /// `request_timeout` (seconds).
    pub request_timeout: f64,
    /// `retry_on_timeout`.
    pub retry_on_timeout: bool,
    /// `max_retries`.
    pub max_retries: u32,
    /// `retry_interval` (seconds).
    pub retry_interval: f64,
    /// `max_wait_duration` (seconds).
    pub max_wait_duration: f64,
    /// `initial_backoff_duration` (seconds).
    pub initial_backoff_duration: f64,
    /// `backoff_multiplier`.
    pub backoff_multiplier: f64,
    /// `log_level`.
    pub log_level: String,
    /// `feature_use_connectors_api`.
    pub feature_use_connectors_api: bool,
    /// `bulk.*`.
    pub bulk: BulkConfig,
}

impl Default for ElasticsearchConfig {
    fn default() -> Self {
        ElasticsearchConfig {
            host: "http://localhost:9200".into(),
            api_key: None,
            username: crate::DEFAULT_USERNAME.into(),
            password: crate::DEFAULT_PASSWORD.into(),
            ssl: true,
            verify_certs: true,
            ca_certs: None,
            headers: BTreeMap::new(),
            request_timeout: 240.0,
            retry_on_timeout: true,
            max_retries: 5,
            retry_interval: 10.0,
            max_wait_duration: 240.0,
            initial_backoff_duration: 1.0,
            backoff_multiplier: 2.0,
            log_level: "info".into(),
            feature_use_connectors_api: true,
            bulk: BulkConfig::default(),
        }
    }
}

/// `elasticsearch.bulk.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BulkConfig {
    /// `queue_max_size` (operations).
    pub queue_max_size: u64,
    /// `queue_max_mem_size` (MiB).
    pub queue_max_mem_size: f64,
    /// `queue_refresh_interval` (seconds).
    pub queue_refresh_interval: f64,
    /// `queue_refresh_timeout` (seconds).
    pub queue_refresh_timeout: f64,
    /// `display_every` (documents).
    pub display_every: u64,
    /// `chunk_size` (NDJSON lines).
    pub chunk_size: u64,
    /// `chunk_max_mem_size` (MiB).
    pub chunk_max_mem_size: f64,
    /// `max_text_document_size` (MiB; 0 disables; negative is an error).
    pub max_text_document_size: f64,
    /// `max_concurrency`.
    pub max_concurrency: u64,
    /// `concurrent_downloads`.
    pub concurrent_downloads: u64,
    /// `max_retries` (dead in the reference, kept for compatibility).
    pub max_retries: u32,
    /// `retry_interval` (seconds; dead in the reference).
    pub retry_interval: f64,
    /// `enable_operations_logging`.
    pub enable_operations_logging: bool,
    /// `error_monitor.*`.
    pub error_monitor: ErrorMonitorConfig,
}

impl Default for BulkConfig {
    fn default() -> Self {
        BulkConfig {
            queue_max_size: 1024,
            queue_max_mem_size: 25.0,
            queue_refresh_interval: 1.0,
            queue_refresh_timeout: 1300.0,
            display_every: 100,
            chunk_size: 500,
            chunk_max_mem_size: 3.0,
            max_text_document_size: 3.0,
            max_concurrency: 5,
            concurrent_downloads: 10,
            max_retries: 5,
            retry_interval: 10.0,
            enable_operations_logging: false,
            error_monitor: ErrorMonitorConfig::default(),
        }
    }
}

/// `elasticsearch.bulk.error_monitor.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ErrorMonitorConfig {
    /// `enabled`.
    pub enabled: bool,
    /// `max_total_errors`.
    pub max_total_errors: u64,
    /// `max_consecutive_errors`.
    pub max_consecutive_errors: u64,
    /// `max_error_rate` (0..=1).
    pub max_error_rate: f64,
    /// `error_window_size` (items).
    pub error_window_size: u64,
    /// `error_queue_size`.
    pub error_queue_size: u64,
}

impl Default for ErrorMonitorConfig {
    fn default() -> Self {
        ErrorMonitorConfig {
            enabled: true,
            max_total_errors: 1000,
            max_consecutive_errors: 10,
            max_error_rate: 0.15,
            error_window_size: 100,
            error_queue_size: 10,
        }
    }
}

/// `service.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ServiceConfig {
    /// `idling` (seconds).
    pub idling: f64,
    /// `heartbeat` (seconds).
    pub heartbeat: f64,
    /// `preflight_max_attempts`.
    pub preflight_max_attempts: u32,
    /// `preflight_idle` (seconds).
    pub preflight_idle: f64,
    /// `max_errors`.
    pub max_errors: u64,
    /// `max_errors_span` (seconds).
    pub max_errors_span: f64,
    /// `max_concurrent_content_syncs`.
    pub max_concurrent_content_syncs: u64,
    /// `max_concurrent_access_control_syncs`.
    pub max_concurrent_access_control_syncs: u64,
    /// `max_concurrent_scheduling_tasks`.
    pub max_concurrent_scheduling_tasks: u64,
    /// `max_file_download_size` (bytes).
    pub max_file_download_size: u64,
    /// `job_cleanup_interval` (seconds).
    pub job_cleanup_interval: f64,
    /// `log_level`.
    pub log_level: String,
    /// `worker_mode`.
    pub worker_mode: bool,
    /// `service_types`.
    pub service_types: Vec<String>,
    /// `fips_mode` (accepted; FIPS mode is rejected at validation).
    pub fips_mode: bool,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            idling: 30.0,
            heartbeat: 300.0,
            preflight_max_attempts: 10,
            preflight_idle: 30.0,
            max_errors: 20,
            max_errors_span: 600.0,
            max_concurrent_content_syncs: 1,
            max_concurrent_access_control_syncs: 1,
            max_concurrent_scheduling_tasks: 4,
            max_file_download_size: 10_485_760,
            job_cleanup_interval: 300.0,
            log_level: "INFO".into(),
            worker_mode: false,
            service_types: Vec::new(),
            fips_mode: false,
        }
    }
}

/// One `connectors[]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConnectorConfig {
    /// `connector_id` (numbers are stringified).
    pub connector_id: Option<Scalar>,
    /// `service_type`.
    pub service_type: Option<String>,
    /// `api_key` for the content-index side of syncs.
    pub api_key: Option<String>,
}

/// `extraction_service.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ExtractionServiceConfig {
    /// `host`.
    pub host: Option<String>,
    /// `timeout` (seconds).
    pub timeout: f64,
    /// `use_file_pointers`.
    pub use_file_pointers: bool,
    /// `stream_chunk_size` (bytes).
    pub stream_chunk_size: u64,
    /// `shared_volume_dir`.
    pub shared_volume_dir: String,
}

impl Default for ExtractionServiceConfig {
    fn default() -> Self {
        ExtractionServiceConfig {
            host: None,
            timeout: 30.0,
            use_file_pointers: false,
            stream_chunk_size: 65_536,
            shared_volume_dir: "/app/files".into(),
        }
    }
}

/// A YAML scalar used as text (ids and header values may be written as numbers).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// Written as a string.
    Text(String),
    /// Written as an integer.
    Int(i64),
    /// Written as a float.
    Float(f64),
    /// Written as a boolean.
    Bool(bool),
}

impl Scalar {
    /// The scalar as text (`12`, `true`, …).
    pub fn to_text(&self) -> String {
        match self {
            Scalar::Text(s) => s.clone(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}
