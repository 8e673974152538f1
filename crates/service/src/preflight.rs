//! Start-up checks (spec §3.2): wait for Elasticsearch, compare versions, check the system
//! indices (up to `service.preflight_max_attempts` times, `service.preflight_idle` apart).

use std::time::Duration;

use es_client::{EsClient, EsError, InfoResponse};
use tokio_util::sync::CancellationToken;

use crate::ServiceError;
use crate::names::{CONNECTORS_CONCRETE, JOBS_CONCRETE, SERVICE_VERSION};

/// Environment variable that skips the version check (`true`/`1`/`yes`).
pub const ALLOW_VERSION_MISMATCH_ENV: &str = "ALLOW_ES_VERSION_MISMATCH";

/// Runs the preflight; `Ok(false)` when shutdown was requested meanwhile.
pub async fn run(
    es: &EsClient,
    settings: &connector_config::Settings,
    shutdown: &CancellationToken,
) -> Result<bool, ServiceError> {
    let es_settings = &settings.elasticsearch;
    let wait = es.wait_for_es(
        es_settings.max_wait_duration,
        es_settings.initial_backoff_duration,
        es_settings.backoff_multiplier,
    );
    let info = tokio::select! {
        () = shutdown.cancelled() => return Ok(false),
        info = wait => info.map_err(ServiceError::EsUnreachable)?,
    };
    let allow_mismatch = std::env::var(ALLOW_VERSION_MISMATCH_ENV)
        .map(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
        .unwrap_or(false);
    check_version(&info, allow_mismatch)?;
    let service = &settings.service;
    check_system_indices(
        es,
        service.preflight_max_attempts,
        service.preflight_idle,
        shutdown,
    )
    .await
}

/// The version check of spec §3.2 step 2 against [`SERVICE_VERSION`].
pub fn check_version(info: &InfoResponse, allow_mismatch: bool) -> Result<(), ServiceError> {
    if info.version.build_flavor.as_deref() == Some("serverless") {
        tracing::info!("Elasticsearch is serverless; skipping the version check");
        return Ok(());
    }
    if allow_mismatch {
        tracing::warn!(
            es_version = %info.version.number,
            "{ALLOW_VERSION_MISMATCH_ENV} is set; skipping the version check"
        );
        return Ok(());
    }
    let es = parse_version(&info.version.number);
    let ours = parse_version(SERVICE_VERSION);
    let mismatch = || ServiceError::VersionMismatch {
        es: info.version.number.clone(),
        service: SERVICE_VERSION.to_owned(),
    };
    let (Some(es), Some(ours)) = (es, ours) else {
        return Err(mismatch());
    };
    if es.0 != ours.0 || es.1 < ours.1 {
        return Err(mismatch());
    }
    if es != ours {
        tracing::warn!(es_version = %info.version.number, service_version = SERVICE_VERSION,
            "Elasticsearch and the connector service versions differ; continuing");
    }
    Ok(())
}

fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split('-').next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// Checks the system indices up to `attempts` times, `idle` apart, each failure logged; fails
/// once every attempt failed. `Ok(false)` when shutdown was requested meanwhile.
async fn check_system_indices(
    es: &EsClient,
    attempts: u32,
    idle: Duration,
    shutdown: &CancellationToken,
) -> Result<bool, ServiceError> {
    let attempts = attempts.max(1);
    let mut attempt = 1;
    loop {
        let error = tokio::select! {
            () = shutdown.cancelled() => return Ok(false),
            checked = system_indices_once(es) => match checked {
                Ok(()) => return Ok(true),
                Err(error) => error,
            },
        };
        if attempt >= attempts {
            return Err(ServiceError::SystemIndices {
                attempts,
                source: error,
            });
        }
        tracing::warn!(
            attempt,
            attempts,
            %error,
            retry_in_ms = idle.as_millis() as u64,
            "cannot check the connector system indices; retrying after service.preflight_idle"
        );
        tokio::select! {
            () = shutdown.cancelled() => return Ok(false),
            () = tokio::time::sleep(idle) => {}
        }
        attempt += 1;
    }
}

/// `HEAD` each system index; a missing one is logged, not created: ES 9.x creates them itself
/// on the first `PUT _connector` / `POST _connector/_sync_job` and may refuse explicit creation
/// (spec §3.2 step 6, §10.15).
async fn system_indices_once(es: &EsClient) -> Result<(), EsError> {
    for index in [CONNECTORS_CONCRETE, JOBS_CONCRETE] {
        if es.index_exists(index).await? {
            tracing::debug!(index, "system index present");
        } else {
            tracing::info!(
                index,
                "system index missing; Elasticsearch creates it on first use"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use es_client::{EsSettings, RetryPolicy};
    use es_sim::EsSimState;

    /// es-sim on a fresh port, and a client that does not retry on its own.
    async fn es_sim() -> (EsSimState, EsClient) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = EsSimState::default();
        tokio::spawn(es_sim::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        let mut settings = EsSettings::new(url.parse().expect("url"));
        settings.retry = RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        };
        (state, EsClient::new(settings).expect("client"))
    }

    fn failed_heads(state: &EsSimState) -> usize {
        let requests = state.requests();
        let failed = |r: &&es_sim::RequestRecord| r.method == "HEAD" && r.status == 503;
        requests.iter().filter(failed).count()
    }

    #[tokio::test]
    async fn the_system_index_check_is_retried_until_elasticsearch_answers() {
        let (state, es) = es_sim().await;
        state.make_unavailable_for(Duration::from_millis(300));
        let idle = Duration::from_millis(50);
        let checked = check_system_indices(&es, 50, idle, &CancellationToken::new()).await;
        assert!(checked.expect("checked in the end"));
        assert!(failed_heads(&state) >= 2, "{:?}", state.requests());
    }

    #[tokio::test]
    async fn the_system_index_check_fails_after_preflight_max_attempts() {
        let (state, es) = es_sim().await;
        state.make_unavailable_for(Duration::from_secs(60));
        let idle = Duration::from_millis(10);
        let error = check_system_indices(&es, 3, idle, &CancellationToken::new())
            .await
            .expect_err("never answered");
        assert!(matches!(
            error,
            ServiceError::SystemIndices { attempts: 3, .. }
        ));
        assert!(
            error.to_string().contains("service.preflight_max_attempts"),
            "{error}"
        );
        assert_eq!(failed_heads(&state), 3);
    }

    fn info(number: &str) -> InfoResponse {
        serde_json::from_value(serde_json::json!({
            "name": "n", "cluster_name": "c",
            "version": {"number": number, "build_flavor": "default"}
        }))
        .expect("info")
    }

    #[test]
    fn every_es_9_minor_passes_and_other_majors_fail() {
        assert!(check_version(&info("9.0.0"), false).is_ok());
        assert!(check_version(&info("9.3.1-SNAPSHOT"), false).is_ok());
        assert!(check_version(&info("8.19.0"), false).is_err());
        assert!(check_version(&info("10.0.0"), false).is_err());
        assert!(check_version(&info("8.19.0"), true).is_ok());
    }
}
