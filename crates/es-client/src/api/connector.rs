//! `_connector/{id}` APIs a service uses (connector.*.json).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::connector::{Connector, FilteringValidation};

/// Body of `PUT _connector/{id}/_filtering/_validation`.
#[derive(Debug, Clone, Serialize)]
pub struct FilteringValidationBody {
    /// The validation result.
    pub validation: FilteringValidation,
}

#[derive(Deserialize)]
struct ListResponse {
    results: Vec<Connector>,
}

impl EsClient {
    /// `PUT _connector/{id}/_check_in`: ES sets `last_seen`.
    pub async fn connector_check_in(&self, id: &str) -> Result<(), EsError> {
        self.connector_put(id, &["_check_in"], Body::Empty).await
    }

    /// `PUT _connector/{id}/_status` `{"status": …}`.
    pub async fn connector_update_status(&self, id: &str, status: &str) -> Result<(), EsError> {
        let body = Body::json(&serde_json::json!({ "status": status }));
        self.connector_put(id, &["_status"], body).await
    }

    /// `PUT _connector/{id}/_error` `{"error": …}` (`None` ⇒ `connected`).
    pub async fn connector_update_error(
        &self,
        id: &str,
        error: Option<&str>,
    ) -> Result<(), EsError> {
        let body = Body::json(&serde_json::json!({ "error": error }));
        self.connector_put(id, &["_error"], body).await
    }

    /// `PUT _connector/{id}/_configuration` with `{"configuration": …}` or `{"values": …}`
    /// (either forces status `configured`, spec §10.2).
    pub async fn connector_update_configuration(
        &self,
        id: &str,
        body: &Value,
    ) -> Result<(), EsError> {
        self.connector_put(id, &["_configuration"], Body::json(body))
            .await
    }

    /// `PUT _connector/{id}/_filtering/_validation`.
    pub async fn connector_update_filtering_validation(
        &self,
        id: &str,
        validation: FilteringValidation,
    ) -> Result<(), EsError> {
        let body = Body::json(&FilteringValidationBody { validation });
        self.connector_put(id, &["_filtering", "_validation"], body)
            .await
    }

    /// `PUT _connector/{id}/_filtering/_activate` (ES refuses unless the draft is `valid`).
    pub async fn connector_activate_filtering(&self, id: &str) -> Result<(), EsError> {
        self.connector_put(id, &["_filtering", "_activate"], Body::Empty)
            .await
    }

    /// `GET _connector/{id}`; `None` when missing.
    pub async fn connector_get(&self, id: &str) -> Result<Option<Connector>, EsError> {
        let reply = self
            .send(Method::GET, self.url(&["_connector", id], &[]), Body::Empty)
            .await?;
        if reply.status.as_u16() == 404 {
            return Ok(None);
        }
        reply.decode().map(Some)
    }

    /// `GET _connector?connector_name=&service_type=&size=`: connectors, first `size`.
    pub async fn connector_list(
        &self,
        service_type: Option<&str>,
        size: u32,
    ) -> Result<Vec<Connector>, EsError> {
        let mut query = vec![("size", size.to_string())];
        if let Some(service_type) = service_type {
            query.push(("service_type", service_type.to_owned()));
        }
        let response: ListResponse = self
            .call(Method::GET, self.url(&["_connector"], &query), Body::Empty)
            .await?;
        Ok(response.results)
    }

    async fn connector_put(&self, id: &str, tail: &[&str], body: Body) -> Result<(), EsError> {
        let mut segments = vec!["_connector", id];
        segments.extend_from_slice(tail);
        self.send(Method::PUT, self.url(&segments, &[]), body)
            .await?
            .ok()
            .map(|_| ())
    }
}
