//! `_connector/_sync_job` APIs (connector.sync_job_*.json).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EsError;
use crate::transport::{Body, EsClient};

/// Body of `PUT _connector/_sync_job/{id}/_stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncJobStats {
    /// `deleted_document_count`.
    pub deleted_document_count: u64,
    /// `indexed_document_count`.
    pub indexed_document_count: u64,
    /// `indexed_document_volume` (MiB).
    pub indexed_document_volume: u64,
    /// `total_document_count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_document_count: Option<u64>,
    /// `last_seen` (ES sets now when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// `metadata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

#[derive(Serialize)]
struct PostBody<'a> {
    id: &'a str,
    job_type: &'a str,
    trigger_method: &'a str,
}

#[derive(Deserialize)]
struct IdResponse {
    id: String,
}

#[derive(Serialize)]
struct ClaimBody<'a> {
    worker_hostname: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync_cursor: Option<&'a Value>,
}

impl EsClient {
    /// `POST _connector/_sync_job` → the new job id.
    pub async fn sync_job_post(
        &self,
        connector_id: &str,
        job_type: &str,
        trigger_method: &str,
    ) -> Result<String, EsError> {
        let body = PostBody {
            id: connector_id,
            job_type,
            trigger_method,
        };
        let url = self.url(&["_connector", "_sync_job"], &[]);
        let response: IdResponse = self.call(Method::POST, url, Body::json(&body)).await?;
        Ok(response.id)
    }

    /// `PUT _connector/_sync_job/{id}/_claim` (`sync_cursor` only for incremental jobs).
    pub async fn sync_job_claim(
        &self,
        id: &str,
        worker_hostname: &str,
        sync_cursor: Option<&Value>,
    ) -> Result<(), EsError> {
        let body = Body::json(&ClaimBody {
            worker_hostname,
            sync_cursor,
        });
        self.sync_job_put(id, "_claim", body).await
    }

    /// `PUT _connector/_sync_job/{id}/_stats` (also the job heartbeat).
    pub async fn sync_job_update_stats(
        &self,
        id: &str,
        stats: &SyncJobStats,
    ) -> Result<(), EsError> {
        self.sync_job_put(id, "_stats", Body::json(stats)).await
    }

    async fn sync_job_put(&self, id: &str, action: &str, body: Body) -> Result<(), EsError> {
        let url = self.url(&["_connector", "_sync_job", id, action], &[]);
        self.send(Method::PUT, url, body).await?.ok().map(|_| ())
    }
}
