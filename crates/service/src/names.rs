//! Wire strings of the connector protocol, each defined once (spec §2).

use std::time::Duration;

/// Alias of the connectors system index.
pub const CONNECTORS_INDEX: &str = ".elastic-connectors";
/// Alias of the sync-jobs system index.
pub const JOBS_INDEX: &str = ".elastic-connectors-sync-jobs";
/// Concrete connectors index (checked by preflight).
pub const CONNECTORS_CONCRETE: &str = ".elastic-connectors-v1";
/// Concrete sync-jobs index (checked by preflight).
pub const JOBS_CONCRETE: &str = ".elastic-connectors-sync-jobs-v1";

/// The only service type this service runs.
pub const SERVICE_TYPE: &str = "gitlab";

/// The version compared with Elasticsearch's (spec §10.14): minor 0, so every ES 9.x passes.
pub const SERVICE_VERSION: &str = "9.0.0";

/// Jobs whose `last_seen` is older than this are errored by the cleanup loop (spec §3.9; a
/// constant in the reference too).
pub const IDLE_JOB_THRESHOLD: Duration = Duration::from_secs(300);

/// The reference's job heartbeat period (`JOB_REPORTING_INTERVAL`).
pub const JOB_REPORTING_INTERVAL: Duration = Duration::from_secs(10);

/// The reference's job status poll period (`JOB_CHECK_INTERVAL`).
pub const JOB_CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// The error written on jobs the cleanup loop gives up on (the reference's text).
pub const IDLE_JOB_ERROR: &str = "The job has not seen any update for some time.";

/// Connector `status` values (spec §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorStatus {
    /// Just created by Kibana.
    Created,
    /// The schema is registered; values are missing.
    NeedsConfiguration,
    /// Values saved by Kibana.
    Configured,
    /// Validated and reachable.
    Connected,
    /// Something is wrong (see `error`).
    Error,
}

impl ConnectorStatus {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorStatus::Created => "created",
            ConnectorStatus::NeedsConfiguration => "needs_configuration",
            ConnectorStatus::Configured => "configured",
            ConnectorStatus::Connected => "connected",
            ConnectorStatus::Error => "error",
        }
    }
}

/// Sync job `status` values (spec §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting to be claimed.
    Pending,
    /// Running.
    InProgress,
    /// Cancel requested while running.
    Canceling,
    /// Canceled.
    Canceled,
    /// Finished.
    Completed,
    /// Failed.
    Error,
    /// Interrupted by a service shutdown; runs again from scratch.
    Suspended,
}

impl JobStatus {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::InProgress => "in_progress",
            JobStatus::Canceling => "canceling",
            JobStatus::Canceled => "canceled",
            JobStatus::Completed => "completed",
            JobStatus::Error => "error",
            JobStatus::Suspended => "suspended",
        }
    }
}

/// Current UTC time in RFC 3339 with milliseconds and `Z` (spec conventions).
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_strings_match_the_protocol() {
        let connector = [
            (ConnectorStatus::Created, "created"),
            (ConnectorStatus::NeedsConfiguration, "needs_configuration"),
            (ConnectorStatus::Configured, "configured"),
            (ConnectorStatus::Connected, "connected"),
            (ConnectorStatus::Error, "error"),
        ];
        for (status, text) in connector {
            assert_eq!(status.as_str(), text);
        }
        let job = [
            (JobStatus::Pending, "pending"),
            (JobStatus::InProgress, "in_progress"),
            (JobStatus::Canceling, "canceling"),
            (JobStatus::Canceled, "canceled"),
            (JobStatus::Completed, "completed"),
            (JobStatus::Error, "error"),
            (JobStatus::Suspended, "suspended"),
        ];
        for (status, text) in job {
            assert_eq!(status.as_str(), text);
        }
    }
}
