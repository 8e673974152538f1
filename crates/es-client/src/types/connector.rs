//! The connector document (`.elastic-connectors`, `spec-ts/connector/_types/Connector.ts`).
//! Every field is optional or defaulted so partial and newer documents decode.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A connector document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Connector {
    /// `id` (present in `_connector` API responses, not in `_source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `api_key_id`.
    pub api_key_id: Option<String>,
    /// `configuration`: field name → field object.
    pub configuration: BTreeMap<String, ConfigField>,
    /// `deleted`.
    pub deleted: bool,
    /// `description`.
    pub description: Option<String>,
    /// `error`.
    pub error: Option<String>,
    /// `features`.
    pub features: Option<Value>,
    /// `filtering`.
    pub filtering: Vec<FilteringConfig>,
    /// `index_name`.
    pub index_name: Option<String>,
    /// `is_native`.
    pub is_native: bool,
    /// `language`.
    pub language: Option<String>,
    /// `last_deleted_document_count`.
    pub last_deleted_document_count: Option<u64>,
    /// `last_indexed_document_count`.
    pub last_indexed_document_count: Option<u64>,
    /// `last_seen`.
    pub last_seen: Option<String>,
    /// `last_sync_error`.
    pub last_sync_error: Option<String>,
    /// `last_sync_scheduled_at`.
    pub last_sync_scheduled_at: Option<String>,
    /// `last_incremental_sync_scheduled_at`.
    pub last_incremental_sync_scheduled_at: Option<String>,
    /// `last_access_control_sync_scheduled_at`.
    pub last_access_control_sync_scheduled_at: Option<String>,
    /// `last_sync_status`.
    pub last_sync_status: Option<String>,
    /// `last_synced`.
    pub last_synced: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `pipeline`.
    pub pipeline: Option<IngestPipeline>,
    /// `scheduling`.
    pub scheduling: Scheduling,
    /// `service_type`.
    pub service_type: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `sync_cursor`.
    pub sync_cursor: Option<Value>,
}

/// One configuration field (`ConnectorConfigProperties`). Values stay JSON: Kibana stores
/// them as strings, numbers or booleans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigField {
    /// `default_value`.
    pub default_value: Value,
    /// `depends_on`.
    pub depends_on: Vec<Value>,
    /// `display`.
    pub display: Option<String>,
    /// `label`.
    pub label: Option<String>,
    /// `options`.
    pub options: Vec<Value>,
    /// `order`.
    pub order: Option<i64>,
    /// `required`.
    pub required: Option<bool>,
    /// `sensitive`.
    pub sensitive: Option<bool>,
    /// `tooltip`.
    pub tooltip: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub field_type: Option<String>,
    /// `ui_restrictions`.
    pub ui_restrictions: Vec<String>,
    /// `validations`.
    pub validations: Vec<Value>,
    /// `value`.
    pub value: Value,
}

/// `pipeline` (`IngestPipelineParams`); missing keys take the reference defaults (spec §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestPipeline {
    /// `name` of the ingest pipeline passed to `_bulk`.
    pub name: String,
    /// `extract_binary_content`.
    pub extract_binary_content: bool,
    /// `reduce_whitespace`.
    pub reduce_whitespace: bool,
    /// `run_ml_inference`.
    pub run_ml_inference: bool,
}

/// The default ingest pipeline name (spec §4.5).
pub const DEFAULT_PIPELINE: &str = "search-default-ingestion";

impl Default for IngestPipeline {
    fn default() -> Self {
        IngestPipeline {
            name: DEFAULT_PIPELINE.into(),
            extract_binary_content: true,
            reduce_whitespace: true,
            run_ml_inference: true,
        }
    }
}

/// `scheduling`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scheduling {
    /// `full`.
    pub full: Option<Schedule>,
    /// `incremental`.
    pub incremental: Option<Schedule>,
    /// `access_control`.
    pub access_control: Option<Schedule>,
}

/// One schedule: `{enabled, interval}` (Quartz cron).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    /// `enabled`.
    pub enabled: bool,
    /// `interval`.
    pub interval: String,
}

/// One `filtering[]` element.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilteringConfig {
    /// `domain` (`DEFAULT`).
    pub domain: Option<String>,
    /// `active`.
    pub active: FilteringRules,
    /// `draft`.
    pub draft: FilteringRules,
}

/// `FilteringRules`: rules, advanced snippet, validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilteringRules {
    /// `advanced_snippet` (`{value, created_at, updated_at}`).
    pub advanced_snippet: Value,
    /// `rules` (kept as JSON; the rules crate parses them).
    pub rules: Vec<Value>,
    /// `validation`.
    pub validation: FilteringValidation,
}

/// `validation` of a filtering: `{state, errors}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilteringValidation {
    /// `valid`, `invalid` or `edited`.
    pub state: String,
    /// Per-rule errors.
    pub errors: Vec<FilteringValidationError>,
}

/// One validation error: rule ids and messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilteringValidationError {
    /// Rule ids.
    pub ids: Vec<String>,
    /// Messages.
    pub messages: Vec<String>,
}
