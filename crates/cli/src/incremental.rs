//! Incremental syncs in `sync` mode: when the last complete sync into a local index started
//! (a small JSON state file kept in the index directory), and the instant `--since` names.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// Name of the state file inside the local index directory.
pub const STATE_FILE: &str = "gitlab-connector-sync-state.json";

/// What the state file holds.
#[derive(Debug, Serialize, Deserialize)]
struct SyncState {
    /// RFC 3339 start of the last full or incremental sync that ended complete.
    last_sync_started_at: String,
}

/// The start of a sync about to run, as GitLab's `Time` (whole seconds, rounded down, so an
/// item changed in the same second as the start is fetched again next time rather than missed).
pub fn sync_start() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `--since`: `YYYY-MM-DD` (midnight UTC) or RFC 3339, normalised to RFC 3339 UTC.
pub fn parse_since(text: &str) -> anyhow::Result<String> {
    let instant = sync_rules::advanced::UpdatedAfter::try_from(text.to_owned())
        .map_err(|reason| anyhow::anyhow!("--since `{text}`: {reason}"))?;
    Ok(instant.0.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn state_path(index_dir: &Path) -> PathBuf {
    index_dir.join(STATE_FILE)
}

/// The start of the last complete sync into `index_dir`; `None` when none is recorded.
/// An unreadable or malformed state file counts as none (the caller falls back to a full sync).
pub fn last_sync_start(index_dir: &Path) -> Option<String> {
    let path = state_path(index_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "sync state unreadable; ignoring it");
            return None;
        }
    };
    match serde_json::from_str::<SyncState>(&text) {
        Ok(state) if DateTime::parse_from_rfc3339(&state.last_sync_started_at).is_ok() => {
            Some(state.last_sync_started_at)
        }
        _ => {
            tracing::warn!(path = %path.display(), "sync state malformed; ignoring it");
            None
        }
    }
}

/// Records `started` as the start of the last complete sync into `index_dir` (written to a
/// temporary file, then renamed, so a crash never leaves half a file).
pub fn record_sync_start(index_dir: &Path, started: &str) -> anyhow::Result<()> {
    let path = state_path(index_dir);
    let temporary = index_dir.join(format!("{STATE_FILE}.tmp"));
    let state = SyncState {
        last_sync_started_at: started.to_owned(),
    };
    std::fs::write(&temporary, serde_json::to_vec_pretty(&state)?)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .with_context(|| format!("recording the sync state in {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_missing_or_bad_state_means_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(last_sync_start(dir.path()), None);
        record_sync_start(dir.path(), "2025-02-03T04:05:06Z").expect("written");
        assert_eq!(
            last_sync_start(dir.path()).as_deref(),
            Some("2025-02-03T04:05:06Z")
        );
        std::fs::write(dir.path().join(STATE_FILE), "{}").expect("overwrite");
        assert_eq!(last_sync_start(dir.path()), None);
    }

    #[test]
    fn since_accepts_dates_and_rfc3339_and_refuses_the_rest() {
        assert_eq!(
            parse_since("2024-05-01").expect("date"),
            "2024-05-01T00:00:00Z"
        );
        assert_eq!(
            parse_since("2024-05-01T12:00:00+02:00").expect("rfc3339"),
            "2024-05-01T10:00:00Z"
        );
        assert!(parse_since("yesterday").is_err());
        assert!(sync_start().ends_with('Z'));
    }
}
