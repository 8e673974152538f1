//! Sending one [`Batch`] through `_bulk` and reading its items one by one: items rejected with
//! 429 are re-sent alone (back-off `interval × attempt`, up to the attempts of the policy);
//! every other item ends as a success (`created`, `updated`, `deleted`, `noop`, `not_found` on
//! delete) or a failure carrying `error.type: reason`.

use bytes::Bytes;
use es_client::{BulkItem, BulkResult, EsClient, RetryPolicy};

use crate::encoder::{Batch, EncodedOp};
use crate::error::SinkEsError;

/// What happened to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Stored; the item `result` (`created`, `updated`, `deleted`, `noop`, `not_found`).
    Done(BulkResult),
    /// Refused, with `error.type: reason` (or the HTTP status).
    Failed(String),
}

/// What [`send_batch`] returns: each operation with its outcome, in batch order, and the
/// batch's body buffer for reuse when nothing else holds it any more.
pub type Sent = (Vec<(EncodedOp, ItemOutcome)>, Option<Vec<u8>>);

/// Sends `batch` and returns each operation with its outcome, in batch order.
pub async fn send_batch(
    client: &EsClient,
    batch: Batch,
    pipeline: Option<&str>,
    retry: &RetryPolicy,
) -> Result<Sent, SinkEsError> {
    let Batch { body, ops, .. } = batch;
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; ops.len()];
    let mut pending: Vec<usize> = (0..ops.len()).collect();
    let whole = Bytes::from(body);
    let mut request = whole.clone();
    let mut attempt = 1;
    loop {
        let response = client.bulk(request, pipeline).await?;
        if response.items.len() != pending.len() {
            return Err(SinkEsError::MalformedBulk {
                sent: pending.len(),
                got: response.items.len(),
            });
        }
        let mut again = Vec::new();
        for (slot, item) in pending.iter().zip(response.items) {
            if item.status == 429 && attempt < retry.max_attempts {
                again.push(*slot);
            } else {
                outcomes[*slot] = Some(outcome(item));
            }
        }
        if again.is_empty() {
            break;
        }
        let delay = retry.delay(attempt);
        tracing::warn!(
            items = again.len(),
            attempt,
            delay_ms = delay.as_millis() as u64,
            "bulk items rejected with 429, re-sending them"
        );
        tokio::time::sleep(delay).await;
        let mut body = Vec::new();
        for slot in &again {
            body.extend_from_slice(&whole[ops[*slot].1.clone()]);
        }
        request = Bytes::from(body);
        pending = again;
        attempt += 1;
    }
    let spare = whole.try_into_mut().ok().map(Vec::from);
    let sent = ops
        .into_iter()
        .zip(outcomes)
        .map(|((op, _), outcome)| {
            let outcome =
                outcome.unwrap_or_else(|| ItemOutcome::Failed("no bulk response item".into()));
            (op, outcome)
        })
        .collect();
    Ok((sent, spare))
}

fn outcome(item: BulkItem) -> ItemOutcome {
    if let Some(error) = item.error {
        return ItemOutcome::Failed(error.to_string());
    }
    match item.result {
        Some(result) if (200..300).contains(&item.status) || result == BulkResult::NotFound => {
            ItemOutcome::Done(result)
        }
        Some(result) => ItemOutcome::Failed(format!("HTTP {}: {}", item.status, result.as_str())),
        None => ItemOutcome::Failed(format!("HTTP {} without result", item.status)),
    }
}
