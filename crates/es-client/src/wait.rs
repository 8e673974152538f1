//! Start-up wait: poll `GET /` until Elasticsearch answers (spec §3.2 step 1).

use std::time::Duration;

use connector_core::url_without_credentials;
use tokio::time::Instant;

use crate::error::EsError;
use crate::transport::{EsClient, next_backoff};
use crate::types::responses::InfoResponse;

impl EsClient {
    /// Polls `GET /` until it succeeds, sleeping `initial_backoff` then multiplying the sleep
    /// by `multiplier`, for at most `max_wait`. Logs each wait. Returns the last error when
    /// Elasticsearch never answered.
    pub async fn wait_for_es(
        &self,
        max_wait: Duration,
        initial_backoff: Duration,
        multiplier: f64,
    ) -> Result<InfoResponse, EsError> {
        let start = Instant::now();
        let mut backoff = initial_backoff;
        let host = url_without_credentials(self.base_url());
        loop {
            let error = match self.info().await {
                Ok(info) => return Ok(info),
                Err(error) => error,
            };
            let waited = start.elapsed();
            if waited + backoff > max_wait {
                tracing::error!(%host, %error, "Elasticsearch is unreachable");
                return Err(error);
            }
            tracing::info!(
                %host,
                waited_secs = waited.as_secs(),
                %error,
                "Waiting for Elasticsearch"
            );
            tokio::time::sleep(backoff).await;
            backoff = next_backoff(backoff, multiplier);
        }
    }
}
