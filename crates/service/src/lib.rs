//! The connector service of `gitlab-connector run -c config.yml`: Elastic's connector protocol
//! (`spec/connector-protocol.md`) for a self-managed GitLab connector (`service_type`
//! `gitlab`), so Elasticsearch 9.x and Kibana drive it like Elastic's Python service.
//!
//! [`run`] takes validated [`connector_config::Settings`] and a shutdown future, runs the
//! preflight, then three loops over explicit shared state ([`state::ServiceState`]):
//!
//! Owned connectors are those `connectors:` lists and, in worker mode (`service.worker_mode`
//! with `gitlab` in `service.service_types`), every self-managed GitLab connector, searched
//! afresh on each loop tick ([`state::ServiceState::owned_connectors`]).
//!
//! * `schedule` — per owned connector, every `service.idling`: register the GitLab
//!   configuration schema ([`schema`]), check in ([`heartbeat`]), validate the configuration
//!   and ping GitLab ([`health`]), validate draft sync rules ([`filtering`]), create cron-due
//!   jobs ([`cron`]);
//! * `jobs` — every `service.idling`: claim `pending`/`suspended` jobs under the OCC start
//!   lock and run them ([`job_runner`]) with `sync-engine`, `gitlab-source` and `sink-es`;
//! * `cleanup` — every `service.job_cleanup_interval`: error orphaned and idle jobs, un-stick
//!   connectors.
//!
//! Cancellation is a tree: the root token is canceled by the shutdown future; each job runs
//! under a child token (also canceled by a Kibana cancel). On shutdown the loops stop
//! claiming, running jobs end `suspended` (and run again from scratch later), and [`run`]
//! returns once their state is written.
//!
//! Layers: below are `es-client` (protocol calls), `sink-es`, `sync-engine`, `sync-rules`,
//! `gitlab-source`; above is the CLI, which passes the signal future.
//!
//! Deviations from the reference: the service version is [`names::SERVICE_VERSION`]
//! (`9.0.0`); a failed preflight is an error (non-zero exit); loops log ES failures and go
//! on rather than counting towards `service.max_errors`; the job heartbeat (`_stats`) and the
//! status check run every 10 s / 5 s or every `service.idling` when that is shorter.

pub mod cleanup;
pub mod cron;
pub mod filtering;
pub mod gitlab_config;
pub mod health;
pub mod heartbeat;
pub mod job_finish;
pub mod job_runner;
pub mod job_watch;
pub mod jobs;
pub mod names;
pub mod preflight;
pub mod push_down;
pub mod schedule;
pub mod schema;
pub mod state;
pub mod store;

use std::future::Future;
use std::sync::Arc;

use connector_config::Settings;
use es_client::{EsClient, EsError, EsSettings};
use tokio_util::sync::CancellationToken;

use crate::state::ServiceState;

/// Why the service could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The configuration cannot run a service.
    #[error("config.yml: {0}")]
    Config(String),
    /// The Elasticsearch client could not be built.
    #[error("Elasticsearch client: {0}")]
    Client(#[source] EsError),
    /// Elasticsearch never answered `GET /` within `elasticsearch.max_wait_duration`.
    #[error(
        "Elasticsearch is unreachable (waited elasticsearch.max_wait_duration; check elasticsearch.host and credentials): {0}"
    )]
    EsUnreachable(#[source] EsError),
    /// The system indices could not be checked in `service.preflight_max_attempts` attempts.
    #[error(
        "cannot check the connector system indices after {attempts} attempts (service.preflight_max_attempts, service.preflight_idle seconds apart): {source}"
    )]
    SystemIndices {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        #[source]
        source: EsError,
    },
    /// Elasticsearch's version is not compatible with this service.
    #[error(
        "Elasticsearch {es} is not compatible with connector service {service} (set ALLOW_ES_VERSION_MISMATCH=true to skip this check)"
    )]
    VersionMismatch {
        /// Elasticsearch's version.
        es: String,
        /// Ours.
        service: String,
    },
}

/// Runs the connector service until `shutdown` completes, then suspends running jobs and
/// returns. Fails when the configuration cannot run, or Elasticsearch is unreachable or
/// incompatible at start.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    check_settings(&settings)?;
    let root = CancellationToken::new();
    let trigger = root.clone();
    let signal = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutdown requested: no new jobs, suspending running ones");
        trigger.cancel();
    });
    let result = serve(settings, root).await;
    signal.abort();
    result
}

async fn serve(settings: Settings, root: CancellationToken) -> Result<(), ServiceError> {
    let es =
        EsClient::new(EsSettings::from(&settings.elasticsearch)).map_err(ServiceError::Client)?;
    if !preflight::run(&es, &settings, &root).await? {
        return Ok(());
    }
    tracing::info!(
        connectors = settings.connectors.len(),
        worker_mode = settings.service.worker_mode,
        "connector service started"
    );
    let state = Arc::new(ServiceState::new(es, settings, root));
    tokio::join!(
        schedule::run(state.clone()),
        jobs::run(state.clone()),
        cleanup::run(state.clone()),
    );
    state.runners.close();
    state.runners.wait().await;
    tracing::info!("connector service stopped");
    Ok(())
}

/// The preflight rules of spec §1.2 that concern this service: connectors listed, or worker
/// mode over service types that include `gitlab`.
fn check_settings(settings: &Settings) -> Result<(), ServiceError> {
    let service = &settings.service;
    if service.worker_mode {
        if !service
            .service_types
            .iter()
            .any(|t| t == names::SERVICE_TYPE)
        {
            return Err(ServiceError::Config(format!(
                "`service.worker_mode` is true but `service.service_types` ({}) does not list `gitlab`, the only service type this connector runs",
                service.service_types.join(", ")
            )));
        }
        for other in service
            .service_types
            .iter()
            .filter(|t| *t != names::SERVICE_TYPE)
        {
            tracing::warn!(service_type = %other, "service.service_types: only `gitlab` is supported; connectors of this type are ignored");
        }
    } else if settings.connectors.is_empty() {
        return Err(ServiceError::Config(
            "no connectors configured: add `connectors: [{connector_id: <id from Kibana>, service_type: gitlab}]`, or set `service.worker_mode: true` with `service.service_types: [gitlab]`".into(),
        ));
    }
    for connector in &settings.connectors {
        if connector.connector_id == connector_config::PLACEHOLDER
            || connector.service_type == connector_config::PLACEHOLDER
        {
            return Err(ServiceError::Config(
                "connectors[]: replace `changeme` with the connector id and service type Kibana shows".into(),
            ));
        }
        if connector.service_type != names::SERVICE_TYPE {
            tracing::warn!(
                connector_id = %connector.connector_id,
                service_type = %connector.service_type,
                "only service_type `gitlab` is supported; this connector is ignored"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Settings {
        let env = connector_config::EnvVars::empty();
        connector_config::load_str("config.yml", text, &env)
            .expect("valid config")
            .settings
    }

    #[test]
    fn worker_mode_needs_no_connector_list_but_needs_gitlab_among_its_service_types() {
        let worker = "service.worker_mode: true\nservice.service_types: [gitlab, confluence]\n";
        assert!(check_settings(&settings(worker)).is_ok());
        let foreign = "service.worker_mode: true\nservice.service_types: [confluence]\n";
        let error = check_settings(&settings(foreign)).expect_err("no gitlab");
        assert!(
            error.to_string().contains("service.service_types"),
            "{error}"
        );
        let error = check_settings(&settings("service.idling: 1\n")).expect_err("no connectors");
        assert!(error.to_string().contains("service.worker_mode"), "{error}");
    }
}
