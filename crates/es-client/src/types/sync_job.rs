//! The sync job document (`.elastic-connectors-sync-jobs`, `spec-ts/connector/_types/SyncJob.ts`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::connector::{ConfigField, FilteringRules, IngestPipeline};

/// A sync job document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncJob {
    /// `id` (in API responses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `cancelation_requested_at`.
    pub cancelation_requested_at: Option<String>,
    /// `canceled_at`.
    pub canceled_at: Option<String>,
    /// `completed_at`.
    pub completed_at: Option<String>,
    /// `connector`: the snapshot taken at job creation.
    pub connector: SyncJobConnector,
    /// `created_at`.
    pub created_at: Option<String>,
    /// `deleted_document_count`.
    pub deleted_document_count: u64,
    /// `error`.
    pub error: Option<String>,
    /// `indexed_document_count`.
    pub indexed_document_count: u64,
    /// `indexed_document_volume` (MiB).
    pub indexed_document_volume: u64,
    /// `job_type`: `full`, `incremental`, `access_control`.
    pub job_type: Option<String>,
    /// `last_seen`.
    pub last_seen: Option<String>,
    /// `metadata`.
    pub metadata: BTreeMap<String, Value>,
    /// `started_at`.
    pub started_at: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `total_document_count`.
    pub total_document_count: Option<u64>,
    /// `trigger_method`: `on_demand` or `scheduled`.
    pub trigger_method: Option<String>,
    /// `worker_hostname`.
    pub worker_hostname: Option<String>,
}

/// `connector` of a sync job (`SyncJobConnectorReference`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncJobConnector {
    /// `id`.
    pub id: String,
    /// `configuration`.
    pub configuration: BTreeMap<String, ConfigField>,
    /// `filtering` (a single object: the active filtering at creation).
    pub filtering: Option<FilteringRules>,
    /// `index_name`.
    pub index_name: String,
    /// `language`.
    pub language: Option<String>,
    /// `pipeline`.
    pub pipeline: Option<IngestPipeline>,
    /// `service_type`.
    pub service_type: Option<String>,
    /// `sync_cursor`.
    pub sync_cursor: Option<Value>,
}
