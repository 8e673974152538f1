//! The end-of-sync summary, for people (stderr) and for programs (`--json` on stdout).

use std::fmt::Write as _;

use std::collections::BTreeMap;

use gitlab_client::stats::StatsSnapshot;
use serde::Serialize;
use sync_engine::{Outcome, SyncReport};

/// GitLab request statistics as the summary reports them.
#[derive(Debug, Clone, Serialize)]
pub struct Requests {
    /// All HTTP requests sent to GitLab, retries included.
    pub total: u64,
    /// GraphQL requests.
    pub graphql: u64,
    /// REST requests.
    pub rest: u64,
    /// Requests sent again after a transient failure or a 429.
    pub retries: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Response bytes received.
    pub bytes_received: u64,
    /// Listing pages decoded the slow way (members not in the query's order, or shapes the
    /// fast reader leaves to serde_json); 0 against a GitLab that answers as GraphQL says.
    pub pages_read_slowly: u64,
    /// Requests by operation.
    pub by_kind: BTreeMap<String, u64>,
}

impl From<StatsSnapshot> for Requests {
    fn from(stats: StatsSnapshot) -> Self {
        Requests {
            total: stats.graphql_requests + stats.rest_requests,
            graphql: stats.graphql_requests,
            rest: stats.rest_requests,
            retries: stats.retries,
            rate_limited: stats.rate_limited,
            bytes_received: stats.bytes_received,
            pages_read_slowly: stats.pages_read_slowly,
            by_kind: stats.by_operation,
        }
    }
}

/// Everything the summary reports.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// The sync engine's report (documents by type, created, updated, deleted, ...).
    #[serde(flatten)]
    pub report: &'a SyncReport,
    /// Documents received in all.
    pub documents: u64,
    /// GitLab request statistics.
    pub requests: Requests,
    /// Where the documents went.
    pub sink: String,
    /// This process's peak resident memory in bytes, where the system says (see
    /// [`crate::peak_memory`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
}

impl Summary<'_> {
    /// The human-readable summary.
    pub fn to_text(&self) -> String {
        let report = self.report;
        let mut text = String::new();
        let verdict = match report.outcome {
            Outcome::Complete => "Sync complete".to_owned(),
            Outcome::Partial => format!("Sync PARTIAL ({})", partial_reasons(report)),
            Outcome::Canceled => "Sync canceled (nothing deleted)".to_owned(),
        };
        let _ = writeln!(
            text,
            "{verdict} in {:.1}s into {}",
            report.duration.as_secs_f64(),
            self.sink
        );
        let _ = writeln!(text, "  documents: {}", self.documents);
        for (doc_type, count) in &report.documents_by_type {
            let _ = writeln!(text, "    {doc_type:<14} {count}");
        }
        let _ = writeln!(
            text,
            "  created {}, updated {}, unchanged {}, deleted {}, skipped {}, refused {}, excluded by rules {}",
            report.created,
            report.updated,
            report.unchanged,
            report.deleted,
            report.skipped_count,
            report.failed_count,
            report.filtered_out,
        );
        if report.kept_in_incomplete_scopes + report.kept_stored_copies > 0 {
            let _ = writeln!(
                text,
                "  kept {} stale documents of incomplete listings and {} stored copies of items read in part",
                report.kept_in_incomplete_scopes, report.kept_stored_copies,
            );
        }
        let _ = writeln!(
            text,
            "  GitLab requests {} ({} GraphQL, {} REST), retries {}, 429s {}",
            self.requests.total,
            self.requests.graphql,
            self.requests.rest,
            self.requests.retries,
            self.requests.rate_limited,
        );
        if self.requests.pages_read_slowly > 0 {
            let _ = writeln!(
                text,
                "  {} listing pages decoded the slow way (members not in the query's order)",
                self.requests.pages_read_slowly,
            );
        }
        if let Some(bytes) = self.peak_rss_bytes {
            let _ = writeln!(
                text,
                "  peak memory {:.1} MB",
                bytes as f64 / (1024.0 * 1024.0)
            );
        }
        for scope in &report.incomplete_scopes {
            let _ = writeln!(text, "  incomplete: {}: {}", scope.what, scope.reason);
        }
        for skipped in &report.skipped {
            let _ = writeln!(text, "  skipped: {}: {}", skipped.what, skipped.reason);
        }
        not_listed(
            &mut text,
            "skipped",
            report.skipped_count,
            report.skipped.len(),
        );
        for failed in &report.failed {
            let _ = writeln!(text, "  refused: {}: {}", failed.what, failed.reason);
        }
        not_listed(
            &mut text,
            "refused",
            report.failed_count,
            report.failed.len(),
        );
        text
    }
}

/// Says how many of `count` things were left out of a list that shows `listed` of them (a
/// report lists the first [`sync_engine::MAX_LISTED`]).
fn not_listed(text: &mut String, what: &str, count: u64, listed: usize) {
    let more = count.saturating_sub(listed as u64);
    if more > 0 {
        let _ = writeln!(text, "  ... and {more} more {what} (not listed)");
    }
}

/// Why a sync is partial, in words: incomplete listings, refused documents, or both.
fn partial_reasons(report: &SyncReport) -> String {
    let mut reasons = Vec::new();
    if !report.incomplete_scopes.is_empty() {
        reasons.push("some listings incomplete; their stored documents were kept".to_owned());
    }
    if report.failed_count > 0 {
        reasons.push(format!(
            "{} documents refused by the index",
            report.failed_count
        ));
    }
    reasons.join("; ")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sync_engine::Listed;

    use super::*;

    fn report(incomplete: usize, refused: u64) -> SyncReport {
        let listed = |what: &str| Listed {
            what: what.to_owned(),
            reason: "a reason".to_owned(),
        };
        SyncReport {
            outcome: Outcome::Partial,
            documents_by_type: BTreeMap::new(),
            created: 0,
            updated: 0,
            unchanged: 0,
            deleted: 0,
            kept_in_incomplete_scopes: 0,
            kept_stored_copies: 0,
            filtered_out: 0,
            duplicates: 0,
            skipped: Vec::new(),
            skipped_count: 0,
            failed: (0..refused).map(|_| listed("issue_1_1")).collect(),
            failed_count: refused,
            incomplete_scopes: (0..incomplete)
                .map(|_| listed("project 1 issues"))
                .collect(),
            bytes_written: 0,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn long_lists_say_how_many_are_not_shown() {
        let mut report = report(0, 3);
        report.failed.truncate(1);
        let summary = Summary {
            report: &report,
            documents: 0,
            requests: Requests::from(StatsSnapshot::default()),
            sink: "an index".to_owned(),
            peak_rss_bytes: Some(19 * 1024 * 1024 + 300 * 1024),
        };
        let text = summary.to_text();
        assert_eq!(text.matches("  refused: issue_1_1").count(), 1, "{text}");
        assert!(
            text.contains("  ... and 2 more refused (not listed)"),
            "{text}"
        );
        assert!(!text.contains("more skipped"), "{text}");
        assert!(text.contains("  peak memory 19.3 MB\n"), "{text}");
    }

    #[test]
    fn a_partial_sync_says_why() {
        assert_eq!(
            partial_reasons(&report(0, 3)),
            "3 documents refused by the index"
        );
        assert_eq!(
            partial_reasons(&report(1, 0)),
            "some listings incomplete; their stored documents were kept"
        );
        assert_eq!(
            partial_reasons(&report(2, 1)),
            "some listings incomplete; their stored documents were kept; 1 documents refused by the index"
        );
    }
}
