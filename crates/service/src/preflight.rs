//! One-shot start-up checks (spec §3.2): wait for Elasticsearch, compare versions, check the
//! system indices.

use es_client::{EsClient, InfoResponse};
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
    check_system_indices(es).await;
    Ok(true)
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

/// `HEAD` each system index; a missing one is logged, not created: ES 9.x creates them itself
/// on the first `PUT _connector` / `POST _connector/_sync_job` and may refuse explicit creation
/// (spec §3.2 step 6, §10.15).
async fn check_system_indices(es: &EsClient) {
    for index in [CONNECTORS_CONCRETE, JOBS_CONCRETE] {
        match es.index_exists(index).await {
            Ok(true) => tracing::debug!(index, "system index present"),
            Ok(false) => tracing::info!(
                index,
                "system index missing; Elasticsearch creates it on first use"
            ),
            Err(error) => tracing::warn!(index, %error, "cannot check system index"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
