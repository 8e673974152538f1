//! `gitlab-connector run -c config.yml`: the Elastic connector service, until a signal.

use anyhow::Context;

use crate::args::{LogArgs, RunArgs};
use crate::exit::ExitCode;
use crate::logging;

/// Loads `config.yml`, sets up logging from `service.log_level` and `elasticsearch.log_level`,
/// and runs the service until SIGINT or SIGTERM. Running jobs are suspended on the way out and
/// resumed by the next start.
pub fn main(args: &RunArgs, log: &LogArgs) -> ExitCode {
    crate::allocator::elasticsearch_sink();
    let loaded = match connector_config::load_file(&args.config) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::Failure;
        }
    };
    let levels = logging::service_levels(
        loaded.settings.service.log_level,
        loaded.settings.elasticsearch.log_level,
    );
    if let Err(message) = logging::init(log, &levels) {
        eprintln!("error: {message}");
        return ExitCode::Failure;
    }
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let file = args.config.display().to_string();
    if let Err(error) = loaded.settings.preflight(&file) {
        eprintln!("error: {error}");
        return ExitCode::Failure;
    }
    let outcome = tokio::runtime::Runtime::new()
        .context("starting the async runtime")
        .and_then(|runtime| {
            runtime
                .block_on(connector_service::run(loaded.settings, shutdown_signal()))
                .context("connector service")
        });
    match outcome {
        Ok(()) => ExitCode::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::Failure
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (docker stop).
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the service");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down: suspending running jobs");
}
