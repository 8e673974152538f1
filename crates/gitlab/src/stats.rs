//! [`ClientStats`]: request counters of one client, shared by its clones.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Which API a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    /// `POST /api/graphql`.
    Graphql,
    /// `/api/v4`.
    Rest,
}

/// Live counters. Cheap: atomics, plus one small map keyed by operation.
#[derive(Debug, Default)]
pub struct ClientStats {
    graphql: AtomicU64,
    rest: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    bytes: AtomicU64,
    pages_read_slowly: AtomicU64,
    by_op: Mutex<BTreeMap<String, u64>>,
}

/// A point-in-time copy of [`ClientStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatsSnapshot {
    /// HTTP requests sent to GraphQL (retries included).
    pub graphql_requests: u64,
    /// HTTP requests sent to REST (retries included).
    pub rest_requests: u64,
    /// Requests sent again after a transient failure or a 429.
    pub retries: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Response body bytes received.
    pub bytes_received: u64,
    /// Listing pages that the fast reader of their node type did not take, decoded with
    /// serde_json instead (several times the CPU): pages whose members come in another order
    /// than the query's, or in shapes the reader leaves to serde (`crate::json_reader`).
    pub pages_read_slowly: u64,
    /// Requests by operation (first word of a GraphQL label, `METHOD /route` for REST).
    pub by_operation: BTreeMap<String, u64>,
}

impl ClientStats {
    /// Counts one HTTP request of `kind` for operation `op`.
    pub fn request(&self, kind: ApiKind, op: &str) {
        match kind {
            ApiKind::Graphql => &self.graphql,
            ApiKind::Rest => &self.rest,
        }
        .fetch_add(1, Ordering::Relaxed);
        let mut map = self.by_op.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry(op.to_owned()).or_default() += 1;
    }

    /// Counts one retry.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one 429.
    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts received body bytes.
    pub fn bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts one listing page left to serde_json by the fast reader.
    pub fn page_read_slowly(&self) {
        self.pages_read_slowly.fetch_add(1, Ordering::Relaxed);
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            graphql_requests: self.graphql.load(Ordering::Relaxed),
            rest_requests: self.rest.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            bytes_received: self.bytes.load(Ordering::Relaxed),
            pages_read_slowly: self.pages_read_slowly.load(Ordering::Relaxed),
            by_operation: self.by_op.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_counts_by_kind_and_operation() {
        let stats = ClientStats::default();
        stats.request(ApiKind::Graphql, "ProjectIssues");
        stats.request(ApiKind::Graphql, "ProjectIssues");
        stats.request(ApiKind::Rest, "GET /user");
        stats.retry();
        stats.rate_limited();
        stats.bytes(42);
        stats.page_read_slowly();
        let snap = stats.snapshot();
        assert_eq!((snap.graphql_requests, snap.rest_requests), (2, 1));
        assert_eq!(
            (snap.retries, snap.rate_limited, snap.bytes_received),
            (1, 1, 42)
        );
        assert_eq!(snap.pages_read_slowly, 1);
        assert_eq!(snap.by_operation["ProjectIssues"], 2);
    }
}
