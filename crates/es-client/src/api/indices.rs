//! Index APIs: exists, get (with alias resolution), create, mapping, refresh, count.

use reqwest::Method;
use serde_json::Value;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::responses::CountResponse;

fn ignore_unavailable() -> Vec<(&'static str, String)> {
    vec![("ignore_unavailable", "true".into())]
}

impl EsClient {
    /// `HEAD /{index}`.
    pub async fn index_exists(&self, index: &str) -> Result<bool, EsError> {
        let reply = self
            .send(Method::HEAD, self.url(&[index], &[]), Body::Empty)
            .await?;
        match reply.status.as_u16() {
            404 => Ok(false),
            _ => reply.ok().map(|_| true),
        }
    }

    /// Whether `index` exists as an index or as an alias of one, the way the reference checks
    /// the content index: `GET /{index}?ignore_unavailable=true`.
    pub async fn index_or_alias_exists(&self, index: &str) -> Result<bool, EsError> {
        let found: serde_json::Map<String, Value> = self
            .call(
                Method::GET,
                self.url(&[index], &ignore_unavailable()),
                Body::Empty,
            )
            .await?;
        Ok(found.iter().any(|(name, info)| {
            name == index || info.get("aliases").and_then(|a| a.get(index)).is_some()
        }))
    }

    /// `PUT /{index}` with `body` (settings and mappings); an index that already exists is
    /// `Api { error_type: "resource_already_exists_exception" }`.
    pub async fn create_index(&self, index: &str, body: &Value) -> Result<(), EsError> {
        self.send(Method::PUT, self.url(&[index], &[]), Body::json(body))
            .await?
            .ok()
            .map(|_| ())
    }

    /// `POST /{index}/_refresh?ignore_unavailable=true`.
    pub async fn refresh(&self, index: &str) -> Result<(), EsError> {
        let url = self.url(&[index, "_refresh"], &ignore_unavailable());
        self.send(Method::POST, url, Body::Empty)
            .await?
            .ok()
            .map(|_| ())
    }

    /// `POST /{index}/_count?ignore_unavailable=true`.
    pub async fn count(&self, index: &str) -> Result<u64, EsError> {
        let url = self.url(&[index, "_count"], &ignore_unavailable());
        let response: CountResponse = self.call(Method::POST, url, Body::Empty).await?;
        Ok(response.count)
    }
}
