//! `_connector/{id}` APIs a service uses (connector.*.json).

use reqwest::Method;
use serde::Serialize;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::connector::FilteringValidation;

/// Body of `PUT _connector/{id}/_filtering/_validation`.
#[derive(Debug, Clone, Serialize)]
pub struct FilteringValidationBody {
    /// The validation result.
    pub validation: FilteringValidation,
}

impl EsClient {
    /// `PUT _connector/{id}/_check_in`: ES sets `last_seen`.
    pub async fn connector_check_in(&self, id: &str) -> Result<(), EsError> {
        self.connector_put(id, &["_check_in"], Body::Empty).await
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

    async fn connector_put(&self, id: &str, tail: &[&str], body: Body) -> Result<(), EsError> {
        let mut segments = vec!["_connector", id];
        segments.extend_from_slice(tail);
        self.send(Method::PUT, self.url(&segments, &[]), body)
            .await?
            .ok()
            .map(|_| ())
    }
}
