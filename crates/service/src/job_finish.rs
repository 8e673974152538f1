//! The end of a job (spec §3.8 step 8): count the content index, write the job's terminal
//! state with its counters, then the connector's sync summary.
//!
//! A `Partial` sync (some scope incomplete, or documents refused) ends `completed`: what was
//! listed is indexed and stale documents of incomplete scopes were kept. The job's `metadata`
//! then holds `incomplete_scopes` (`[{scope, reason}]`) and `failed_documents`, and the
//! connector's `last_sync_error` carries a one-line summary, while `status` stays `connected`
//! and `error` null (Kibana shows the sync as successful with a note).

use serde_json::{Map, Value, json};

use crate::names::{ConnectorStatus, JobStatus, now_rfc3339};
use crate::state::ServiceState;
use crate::store;

/// The connector's error when its job vanished while it ran (the reference's text): the
/// start lock (`last_sync_status: in_progress`) is released with it.
pub const JOB_NOT_FOUND: &str = "Couldn't find the job";

/// Most incomplete scopes named in the connector's one-line summary.
const SUMMARY_SCOPES: usize = 5;

/// What a job did: the counters of its terminal write and of the connector's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Documents indexed.
    pub indexed: u64,
    /// Documents deleted.
    pub deleted: u64,
    /// MiB indexed.
    pub volume_mib: u64,
}

/// How a job ended, with what it did.
#[derive(Debug, Clone)]
pub struct JobEnd {
    /// Terminal (or `suspended`) status.
    pub status: JobStatus,
    /// The error shown in Kibana (`error` status only).
    pub error: Option<String>,
    /// What the job did; `None` for a job given up on by the cleanup loop, whose counters
    /// stay as its last `_stats` reported them (spec §3.9: the error write has no counters).
    pub counts: Option<JobCounts>,
    /// Partial-sync note for the connector's `last_sync_error`.
    pub note: Option<String>,
    /// Extra job metadata (partial syncs).
    pub metadata: Map<String, Value>,
}

impl JobEnd {
    /// An `error` end with `counts`.
    pub fn failed(error: String, counts: JobCounts) -> Self {
        JobEnd {
            status: JobStatus::Error,
            error: Some(error),
            counts: Some(counts),
            note: None,
            metadata: Map::new(),
        }
    }

    /// The `error` end of a job this process did not run (idle or orphaned): what it did is
    /// unknown here, so the counters it reported are kept.
    pub fn abandoned(error: String) -> Self {
        JobEnd {
            counts: None,
            ..JobEnd::failed(error, JobCounts::default())
        }
    }

    /// Records incomplete scopes and refused documents of a partial sync.
    pub fn with_partial(mut self, scopes: &[(String, String)], failed_documents: u64) -> Self {
        let listed: Vec<Value> = scopes
            .iter()
            .map(|(scope, reason)| json!({"scope": scope, "reason": reason}))
            .collect();
        self.metadata
            .insert("incomplete_scopes".into(), Value::Array(listed));
        self.metadata
            .insert("failed_documents".into(), json!(failed_documents));
        let named: Vec<String> = scopes
            .iter()
            .take(SUMMARY_SCOPES)
            .map(|(scope, reason)| format!("{scope} ({reason})"))
            .collect();
        let more = scopes.len().saturating_sub(SUMMARY_SCOPES);
        let mut note = format!(
            "Sync completed partially: {} incomplete scope(s), {failed_documents} document(s) refused; stale documents of incomplete scopes were kept.",
            scopes.len()
        );
        if !named.is_empty() {
            note.push_str(&format!(" Incomplete: {}", named.join("; ")));
            if more > 0 {
                note.push_str(&format!(" and {more} more"));
            }
        }
        self.note = Some(note);
        self
    }
}

/// Writes the job's end and the connector summary; when the job was deleted meanwhile, only
/// the connector's (`error`, "Couldn't find the job", spec §3.8 8d). ES errors are logged: the
/// cleanup loop repairs a job whose end could not be written.
pub async fn finish(
    state: &ServiceState,
    job_id: &str,
    connector_id: &str,
    index: &str,
    end: &JobEnd,
) {
    let stored = match store::get_job(&state.es, job_id).await {
        Ok(Some(job)) => Some(job),
        Ok(None) => {
            tracing::warn!("the job vanished; recording that on the connector");
            let doc = json!({
                "last_synced": now_rfc3339(),
                "status": ConnectorStatus::Error.as_str(),
                "error": JOB_NOT_FOUND,
                "last_sync_status": JobStatus::Error.as_str(),
                "last_sync_error": JOB_NOT_FOUND,
            });
            if let Err(error) = store::update_connector(&state.es, connector_id, &doc, None).await {
                tracing::error!(%error, "cannot write the connector's sync summary");
            }
            return;
        }
        Err(error) => {
            tracing::warn!(%error, "cannot re-read the job; writing its end anyway");
            None
        }
    };
    let connector_exists = matches!(
        store::get_connector(&state.es, connector_id).await,
        Ok(Some(_))
    );
    let total = if connector_exists {
        count(state, index).await
    } else {
        None
    };
    let now = now_rfc3339();
    let mut doc = json!({
        "last_seen": now,
        "status": end.status.as_str(),
        "error": end.error,
    });
    if let Some(counts) = end.counts {
        doc["indexed_document_count"] = json!(counts.indexed);
        doc["indexed_document_volume"] = json!(counts.volume_mib);
        doc["deleted_document_count"] = json!(counts.deleted);
    }
    if let Some(total) = total {
        doc["total_document_count"] = json!(total);
    }
    if matches!(
        end.status,
        JobStatus::Completed | JobStatus::Error | JobStatus::Canceled
    ) {
        doc["completed_at"] = json!(now);
    }
    if end.status == JobStatus::Canceled {
        doc["canceled_at"] = json!(now);
    }
    if !end.metadata.is_empty() {
        doc["metadata"] = Value::Object(end.metadata.clone());
    }
    if let Err(error) = store::update_job(&state.es, job_id, &doc).await {
        tracing::error!(%error, "cannot write the job's end");
    }
    if !connector_exists {
        return;
    }
    let connector_status = if end.status == JobStatus::Error {
        ConnectorStatus::Error
    } else {
        ConnectorStatus::Connected
    };
    let error = match end.status {
        JobStatus::Error => Some(end.error.clone().unwrap_or_else(|| "unknown error".into())),
        _ => None,
    };
    let counts = end.counts.or_else(|| {
        stored.as_ref().map(|job| JobCounts {
            indexed: job.doc.indexed_document_count,
            deleted: job.doc.deleted_document_count,
            volume_mib: job.doc.indexed_document_volume,
        })
    });
    let mut summary = json!({
        "last_synced": now,
        "status": connector_status.as_str(),
        "error": error,
        "last_sync_status": end.status.as_str(),
        "last_sync_error": error.clone().or_else(|| end.note.clone()),
    });
    // A suspended job runs again from scratch: its partial counts are not the last sync's.
    if let Some(counts) = counts.filter(|_| end.status != JobStatus::Suspended) {
        summary["last_indexed_document_count"] = json!(counts.indexed);
        summary["last_deleted_document_count"] = json!(counts.deleted);
    }
    if let Err(error) = store::update_connector(&state.es, connector_id, &summary, None).await {
        tracing::error!(%error, "cannot write the connector's sync summary");
    }
    let counts = counts.unwrap_or_default();
    tracing::info!(
        status = end.status.as_str(),
        indexed = counts.indexed,
        deleted = counts.deleted,
        total = total.unwrap_or(0),
        error = end.error.as_deref(),
        "sync ended"
    );
}

/// Refresh then count the content index (main credentials, spec §3.8 8b').
async fn count(state: &ServiceState, index: &str) -> Option<u64> {
    if let Err(error) = state.es.refresh(index).await {
        tracing::warn!(%error, "cannot refresh the content index");
    }
    match state.es.count(index).await {
        Ok(count) => Some(count),
        Err(error) => {
            tracing::warn!(%error, "cannot count the content index");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_sync_completes_and_records_its_incomplete_scopes() {
        let end = JobEnd {
            status: JobStatus::Completed,
            ..JobEnd::failed(String::new(), JobCounts::default())
        };
        let scopes: Vec<(String, String)> = (0..7)
            .map(|i| (format!("issues of g/p{i}"), "HTTP 502".to_owned()))
            .collect();
        let end = end.with_partial(&scopes, 2);
        assert_eq!(
            end.metadata["incomplete_scopes"].as_array().map(Vec::len),
            Some(7)
        );
        assert_eq!(end.metadata["failed_documents"], 2);
        let note = end.note.expect("note");
        assert!(
            note.starts_with(
                "Sync completed partially: 7 incomplete scope(s), 2 document(s) refused"
            ),
            "{note}"
        );
        assert!(note.contains("issues of g/p0 (HTTP 502)"), "{note}");
        assert!(note.ends_with("and 2 more"), "{note}");
    }
}
