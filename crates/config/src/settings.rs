//! The `*Settings` types: validated configuration (parsed URLs, `Duration`s, `Secret`s).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use connector_core::Secret;
use url::Url;

/// The validated `config.yml`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `elasticsearch.*`.
    pub elasticsearch: ElasticsearchSettings,
    /// `service.*`.
    pub service: ServiceSettings,
    /// The connectors this instance owns (the deprecated top-level form folded in,
    /// entries without an id dropped, duplicates resolved last-wins).
    pub connectors: Vec<ConnectorSettings>,
    /// `sources` keys (service types the file declares; only `gitlab` is supported).
    pub sources: Vec<String>,
    /// `extraction_service.*`, when configured.
    pub extraction_service: Option<ExtractionServiceSettings>,
}

/// How to authenticate to Elasticsearch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EsAuth {
    /// `Authorization: ApiKey <encoded>`.
    ApiKey(Secret),
    /// HTTP basic auth.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
}

/// `elasticsearch.*`, validated.
#[derive(Debug, Clone)]
pub struct ElasticsearchSettings {
    /// Node URL.
    pub host: Url,
    /// API key if given, else basic auth.
    pub auth: EsAuth,
    /// Whether `verify_certs`/`ca_certs` apply (does not force HTTPS).
    pub ssl: bool,
    /// Verify the server certificate (when `ssl`).
    pub verify_certs: bool,
    /// CA bundle (PEM), when set.
    pub ca_certs: Option<PathBuf>,
    /// Extra headers on every request (values redacted in `Debug`).
    pub headers: BTreeMap<String, Secret>,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// Whether timeouts are retried.
    pub retry_on_timeout: bool,
    /// Attempts of the request retrier.
    pub max_retries: u32,
    /// Base of the linear back-off (`retry_interval × attempt`).
    pub retry_interval: Duration,
    /// How long start-up waits for `GET /`.
    pub max_wait_duration: Duration,
    /// First sleep of that wait.
    pub initial_backoff_duration: Duration,
    /// Multiplier of that wait.
    pub backoff_multiplier: f64,
    /// Log level of the Elasticsearch client (the `es_client` log target in `run` mode), as
    /// the reference sets its transport logger's level apart from the service's.
    pub log_level: LogLevel,
    /// Use `_connector` APIs where they exist. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub feature_use_connectors_api: bool,
    /// `bulk.*`.
    pub bulk: BulkSettings,
}

/// `elasticsearch.bulk.*`, validated; memory sizes in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkSettings {
    /// Max queued operations between extractor and sink. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub queue_max_size: usize,
    /// Max estimated bytes queued. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub queue_max_mem_bytes: usize,
    /// How often a blocked producer re-checks the queue. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub queue_refresh_interval: Duration,
    /// A producer blocked this long fails the sync. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub queue_refresh_timeout: Duration,
    /// Progress log every N documents. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub display_every: u64,
    /// Max NDJSON lines per `_bulk` request.
    pub chunk_size: usize,
    /// Max bytes per `_bulk` request.
    pub chunk_max_mem_bytes: usize,
    /// Per-document cap for documents without `_attachment`; `None` = no cap.
    pub max_text_document_bytes: Option<usize>,
    /// Concurrent in-flight `_bulk` requests.
    pub max_concurrency: usize,
    /// Concurrent attachment downloads. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub concurrent_downloads: usize,
    /// Dead in the reference; kept for compatibility.
    pub max_retries: u32,
    /// Dead in the reference; kept for compatibility.
    pub retry_interval: Duration,
    /// Debug-log per-document bulk outcomes. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub enable_operations_logging: bool,
    /// `error_monitor.*`.
    pub error_monitor: ErrorMonitorSettings,
}

/// `elasticsearch.bulk.error_monitor.*`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorMonitorSettings {
    /// When false, item errors are only counted.
    pub enabled: bool,
    /// More failed items than this in one sync fail it.
    pub max_total_errors: u64,
    /// More failed items in a row than this fail the sync.
    pub max_consecutive_errors: u64,
    /// Failure ratio over the window above this fails the sync.
    pub max_error_rate: f64,
    /// Sliding window length (items).
    pub error_window_size: usize,
    /// Last errors kept for diagnostics.
    pub error_queue_size: usize,
}

impl Default for ErrorMonitorSettings {
    fn default() -> Self {
        ErrorMonitorSettings {
            enabled: true,
            max_total_errors: 1000,
            max_consecutive_errors: 10,
            max_error_rate: 0.15,
            error_window_size: 100,
            error_queue_size: 10,
        }
    }
}

/// Service log level (`service.log_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `DEBUG`.
    Debug,
    /// `INFO`.
    Info,
    /// `WARNING` (also `WARN`).
    Warning,
    /// `ERROR`.
    Error,
    /// `CRITICAL`.
    Critical,
}

impl LogLevel {
    /// Parses a level name, case-insensitively.
    pub fn parse(name: &str) -> Option<LogLevel> {
        match name.to_ascii_uppercase().as_str() {
            "DEBUG" => Some(LogLevel::Debug),
            "INFO" => Some(LogLevel::Info),
            "WARNING" | "WARN" => Some(LogLevel::Warning),
            "ERROR" => Some(LogLevel::Error),
            "CRITICAL" => Some(LogLevel::Critical),
            _ => None,
        }
    }

    /// The reference's upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

/// `service.*`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSettings {
    /// Poll period of the schedule and job loops.
    pub idling: Duration,
    /// Check-in period.
    pub heartbeat: Duration,
    /// Attempts of the start-up system-index check.
    pub preflight_max_attempts: u32,
    /// Sleep between those attempts.
    pub preflight_idle: Duration,
    /// Errors a loop tolerates within `max_errors_span`. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub max_errors: u64,
    /// Window of that error counter. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
    pub max_errors_span: Duration,
    /// Concurrent full/incremental jobs.
    pub max_concurrent_content_syncs: usize,
    /// Concurrent access-control jobs (never used by GitLab).
    pub max_concurrent_access_control_syncs: usize,
    /// Connectors processed concurrently per scheduler tick.
    pub max_concurrent_scheduling_tasks: usize,
    /// Files larger than this (bytes) are not downloaded.
    pub max_file_download_size: u64,
    /// Period of the cleanup loop.
    pub job_cleanup_interval: Duration,
    /// Log level.
    pub log_level: LogLevel,
    /// Handle every connector of `service_types`.
    pub worker_mode: bool,
    /// Service types for worker mode.
    pub service_types: Vec<String>,
}

/// One owned connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorSettings {
    /// `_id` of the connector document.
    pub connector_id: String,
    /// Service type (`gitlab`).
    pub service_type: String,
    /// Encoded API key for the content-index side of syncs, when set.
    pub api_key: Option<Secret>,
}

/// `extraction_service.*`, validated. Unused by this service ([`crate::keys::COMPATIBILITY_ONLY_KEYS`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractionServiceSettings {
    /// Base URL of the extraction service.
    pub host: Url,
    /// Request timeout.
    pub timeout: Duration,
    /// Send a local path instead of streaming bytes.
    pub use_file_pointers: bool,
    /// Upload chunk size (bytes).
    pub stream_chunk_size: usize,
    /// Directory shared with the extractor.
    pub shared_volume_dir: PathBuf,
}
