//! Listing what the content index holds: a scroll over all documents (spec §4.3) with
//! `_source` limited to what [`ScopeKey::of_source`] needs.

use std::time::Duration;

use connector_core::{ExistingDoc, ScopeKey};
use es_client::{EsClient, SearchRequest};
use serde_json::{Map, Value, json};

use crate::error::SinkEsError;

/// Hits per scroll page (the reference's page size).
pub const SCROLL_PAGE: u64 = 1000;
/// Scroll keep-alive between pages (the reference's `5m`).
pub const SCROLL_KEEP_ALIVE: Duration = Duration::from_secs(300);
/// The stored fields [`ScopeKey::of_source`] reads.
pub const SCOPE_FIELDS: [&str; 3] = ["type", "project_id", "group_path"];

/// Hands every document of `index` to `each`, a scroll page at a time (nothing when the index
/// is missing).
pub async fn list(
    client: &EsClient,
    index: &str,
    each: &mut (dyn FnMut(ExistingDoc) + Send),
) -> Result<(), SinkEsError> {
    if !client.index_exists(index).await? {
        return Ok(());
    }
    let request = SearchRequest {
        sort: Some(json!(["_doc"])),
        size: Some(SCROLL_PAGE),
        source: Some(SCOPE_FIELDS.iter().map(|f| (*f).to_owned()).collect()),
        ..SearchRequest::default()
    };
    let mut page = client
        .scroll_start::<Map<String, Value>>(index, &request, SCROLL_KEEP_ALIVE)
        .await?;
    let result = loop {
        if let Some(failed) = page.shards.as_ref().map(|s| s.failed).filter(|f| *f > 0) {
            break Err(SinkEsError::ShardFailures {
                index: index.to_owned(),
                failed,
            });
        }
        if page.hits.hits.is_empty() {
            break Ok(());
        }
        for hit in page.hits.hits.drain(..) {
            each(ExistingDoc {
                scope: hit.source.as_ref().and_then(ScopeKey::of_source),
                id: hit.id,
                content_hash: None,
            });
        }
        let Some(scroll_id) = page.scroll_id.clone() else {
            break Ok(());
        };
        match client.scroll_next(&scroll_id, SCROLL_KEEP_ALIVE).await {
            Ok(next) => page = next,
            Err(err) => break Err(err.into()),
        }
    };
    if let Some(scroll_id) = &page.scroll_id
        && let Err(err) = client.clear_scroll(scroll_id).await
    {
        tracing::warn!(%index, %err, "could not clear the scroll");
    }
    result
}
