//! `_connector/_sync_job` APIs (connector.sync_job_*.json).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::sync_job::SyncJob;

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

/// Filters of `GET _connector/_sync_job`.
#[derive(Debug, Clone, Default)]
pub struct SyncJobListParams {
    /// `connector_id`.
    pub connector_id: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `job_type` (comma-separated).
    pub job_type: Option<String>,
    /// `size`.
    pub size: Option<u32>,
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

#[derive(Deserialize)]
struct ListResponse {
    results: Vec<SyncJob>,
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

    /// `GET _connector/_sync_job/{id}`; `None` when missing.
    pub async fn sync_job_get(&self, id: &str) -> Result<Option<SyncJob>, EsError> {
        let url = self.url(&["_connector", "_sync_job", id], &[]);
        let reply = self.send(Method::GET, url, Body::Empty).await?;
        if reply.status.as_u16() == 404 {
            return Ok(None);
        }
        reply.decode().map(Some)
    }

    /// `GET _connector/_sync_job?…`.
    pub async fn sync_job_list(&self, params: &SyncJobListParams) -> Result<Vec<SyncJob>, EsError> {
        let mut query = Vec::new();
        let pairs = [
            ("connector_id", &params.connector_id),
            ("status", &params.status),
            ("job_type", &params.job_type),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                query.push((name, value.clone()));
            }
        }
        if let Some(size) = params.size {
            query.push(("size", size.to_string()));
        }
        let url = self.url(&["_connector", "_sync_job"], &query);
        let response: ListResponse = self.call(Method::GET, url, Body::Empty).await?;
        Ok(response.results)
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

    /// `PUT _connector/_sync_job/{id}/_cancel`.
    pub async fn sync_job_cancel(&self, id: &str) -> Result<(), EsError> {
        self.sync_job_put(id, "_cancel", Body::Empty).await
    }

    /// `PUT _connector/_sync_job/{id}/_error` `{"error": …}`.
    pub async fn sync_job_error(&self, id: &str, error: &str) -> Result<(), EsError> {
        let body = Body::json(&serde_json::json!({ "error": error }));
        self.sync_job_put(id, "_error", body).await
    }

    /// `PUT _connector/_sync_job/{id}/_check_in`.
    pub async fn sync_job_check_in(&self, id: &str) -> Result<(), EsError> {
        self.sync_job_put(id, "_check_in", Body::Empty).await
    }

    async fn sync_job_put(&self, id: &str, action: &str, body: Body) -> Result<(), EsError> {
        let url = self.url(&["_connector", "_sync_job", id, action], &[]);
        self.send(Method::PUT, url, body).await?.ok().map(|_| ())
    }
}
