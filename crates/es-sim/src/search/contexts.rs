//! Scroll and point-in-time contexts: snapshots that later requests page over, with keep-alive.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::Value;

use crate::datemath;
use crate::error::EsError;
use crate::store::mapping::Mapping;
use crate::store::{Store, StoredDoc};

/// An open scroll: the remaining rendered hits of a snapshot.
#[derive(Debug)]
pub struct ScrollContext {
    remaining: VecDeque<Value>,
    size: usize,
    total: Value,
    keep_alive: Duration,
    expires: Instant,
}

/// A point in time: a snapshot of some indices.
#[derive(Debug)]
pub struct PitContext {
    /// Snapshotted indices: name, mapping, documents.
    pub snapshot: Vec<(String, Mapping, BTreeMap<String, StoredDoc>)>,
    keep_alive: Duration,
    expires: Instant,
}

/// Open scroll and point-in-time contexts.
#[derive(Debug, Default)]
pub struct Contexts {
    scrolls: HashMap<String, ScrollContext>,
    pits: HashMap<String, PitContext>,
}

fn keep_alive(s: &str) -> Result<Duration, EsError> {
    datemath::parse_time_value(s).ok_or_else(|| EsError::new(StatusCode::BAD_REQUEST, "parse_exception", format!("failed to parse setting [keep_alive] with value [{s}] as a time value: unit is missing or unrecognized")))
}

fn missing_context(id: &str) -> EsError {
    EsError::new(
        StatusCode::NOT_FOUND,
        "search_context_missing_exception",
        format!("No search context found for id [{id}]"),
    )
}

impl Contexts {
    fn expire(&mut self) {
        let now = Instant::now();
        self.scrolls.retain(|_, c| c.expires > now);
        self.pits.retain(|_, c| c.expires > now);
    }

    /// Opens a scroll over all hits; returns its id and the first page.
    pub fn open_scroll(
        &mut self,
        all_hits: Vec<Value>,
        size: usize,
        total: Value,
        keep: &str,
    ) -> Result<(String, Vec<Value>), EsError> {
        self.expire();
        let keep_alive = keep_alive(keep)?;
        let mut remaining: VecDeque<Value> = all_hits.into();
        let first: Vec<Value> = remaining.drain(..size.min(remaining.len())).collect();
        let id = format!("FGluY2x1ZGVfY29udGV4dF91dWlk{}", crate::ids::new_id());
        self.scrolls.insert(
            id.clone(),
            ScrollContext {
                remaining,
                size,
                total,
                keep_alive,
                expires: Instant::now() + keep_alive,
            },
        );
        Ok((id, first))
    }

    /// Next page of a scroll, renewing its keep-alive; returns the total and the hits.
    pub fn next_scroll(
        &mut self,
        id: &str,
        keep: Option<&str>,
    ) -> Result<(Value, Vec<Value>), EsError> {
        self.expire();
        let renew = keep.map(keep_alive).transpose()?;
        let ctx = self
            .scrolls
            .get_mut(id)
            .ok_or_else(|| missing_context(id))?;
        if let Some(k) = renew {
            ctx.keep_alive = k;
        }
        ctx.expires = Instant::now() + ctx.keep_alive;
        let n = ctx.size.min(ctx.remaining.len());
        Ok((ctx.total.clone(), ctx.remaining.drain(..n).collect()))
    }

    /// Clears scrolls (`None` = all); returns how many were freed.
    pub fn clear_scrolls(&mut self, ids: Option<&[String]>) -> usize {
        match ids {
            None => {
                let n = self.scrolls.len();
                self.scrolls.clear();
                n
            }
            Some(ids) => ids
                .iter()
                .filter(|id| self.scrolls.remove(id.as_str()).is_some())
                .count(),
        }
    }

    /// Opens a point in time over `indices` of `store`.
    pub fn open_pit(
        &mut self,
        store: &Store,
        indices: &[String],
        keep: &str,
    ) -> Result<String, EsError> {
        self.expire();
        let keep_alive = keep_alive(keep)?;
        let snapshot = indices
            .iter()
            .filter_map(|n| {
                store
                    .indices
                    .get(n)
                    .map(|i| (n.clone(), i.mapping.clone(), i.docs.clone()))
            })
            .collect();
        let id = crate::ids::new_id();
        self.pits.insert(
            id.clone(),
            PitContext {
                snapshot,
                keep_alive,
                expires: Instant::now() + keep_alive,
            },
        );
        Ok(id)
    }

    /// The snapshot of a point in time, renewing its keep-alive.
    pub fn pit(&mut self, id: &str, keep: Option<&str>) -> Result<&PitContext, EsError> {
        self.expire();
        let renew = keep.map(keep_alive).transpose()?;
        let ctx = self.pits.get_mut(id).ok_or_else(|| missing_context(id))?;
        if let Some(k) = renew {
            ctx.keep_alive = k;
        }
        ctx.expires = Instant::now() + ctx.keep_alive;
        Ok(ctx)
    }

    /// Closes a point in time; whether it existed.
    pub fn close_pit(&mut self, id: &str) -> bool {
        self.pits.remove(id).is_some()
    }
}
