//! Connector check-ins (spec §3.5): `PUT _connector/{id}/_check_in` on the first scheduler tick
//! for every owned connector, then whenever `last_seen` is missing or older than
//! `service.heartbeat`.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use es_client::{Connector, EsClient, EsError};

/// Remembers which connectors were checked in since start (shared by the connectors a
/// scheduler tick handles at once).
#[derive(Debug, Default)]
pub struct Heartbeat {
    checked_in: Mutex<HashSet<String>>,
}

impl Heartbeat {
    /// Checks `connector` in when due. Returns whether a check-in was sent.
    pub async fn beat(
        &self,
        es: &EsClient,
        id: &str,
        connector: &Connector,
        period: Duration,
    ) -> Result<bool, EsError> {
        let first = !self.checked_in().contains(id);
        if !first && !is_stale(connector.last_seen.as_deref(), period, Utc::now()) {
            return Ok(false);
        }
        es.connector_check_in(id).await?;
        self.checked_in().insert(id.to_owned());
        tracing::debug!("checked in");
        Ok(true)
    }

    /// The checked-in set (never held across an `.await`).
    fn checked_in(&self) -> MutexGuard<'_, HashSet<String>> {
        self.checked_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether `last_seen` is missing, unparsable, or older than `period` at `now`.
fn is_stale(last_seen: Option<&str>, period: Duration, now: DateTime<Utc>) -> bool {
    let Some(seen) = last_seen.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return true;
    };
    let age = now.signed_duration_since(seen.with_timezone(&Utc));
    age.to_std().is_ok_and(|age| age >= period)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_seen_older_than_the_period_is_stale() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T10:10:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let period = Duration::from_secs(300);
        assert!(is_stale(None, period, now));
        assert!(is_stale(Some("garbage"), period, now));
        assert!(is_stale(Some("2026-11-25T10:04:00+00:00"), period, now));
        assert!(!is_stale(Some("2026-11-25T10:08:00.123Z"), period, now));
    }
}
