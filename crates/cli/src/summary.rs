//! The end-of-sync summary, for people (stderr) and for programs (`--json` on stdout).

use std::fmt::Write as _;

use serde::Serialize;
use sync_engine::{Outcome, SyncReport};

/// Everything the summary reports.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// The sync engine's report (documents by type, created, updated, deleted, ...).
    #[serde(flatten)]
    pub report: &'a SyncReport,
    /// Documents received in all.
    pub documents: u64,
    /// GitLab request statistics.
    pub requests: serde_json::Value,
    /// Where the documents went.
    pub sink: String,
}

impl Summary<'_> {
    /// The human-readable summary.
    pub fn to_text(&self) -> String {
        let report = self.report;
        let mut text = String::new();
        let verdict = match report.outcome {
            Outcome::Complete => "Sync complete",
            Outcome::Partial => "Sync PARTIAL (some listings incomplete; their documents were kept)",
            Outcome::Canceled => "Sync canceled (nothing deleted)",
        };
        let _ = writeln!(text, "{verdict} in {:.1}s into {}", report.duration.as_secs_f64(), self.sink);
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
        if let Some(total) = self.requests.get("total") {
            let field = |key: &str| self.requests.get(key).cloned().unwrap_or_default();
            let _ = writeln!(
                text,
                "  GitLab requests {total}, retries {}, 429s {}",
                field("retries"),
                field("rate_limited"),
            );
        }
        for scope in &report.incomplete_scopes {
            let _ = writeln!(text, "  incomplete: {}: {}", scope.what, scope.reason);
        }
        for skipped in &report.skipped {
            let _ = writeln!(text, "  skipped: {}: {}", skipped.what, skipped.reason);
        }
        for failed in &report.failed {
            let _ = writeln!(text, "  refused: {}: {}", failed.what, failed.reason);
        }
        text
    }
}
