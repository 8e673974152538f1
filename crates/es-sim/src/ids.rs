//! Generated ids in ES's style: 20 URL-safe base64 characters, unique within the process.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new unique id (auto-generated `_id`s, sync-job ids, scroll and PIT ids).
pub fn new_id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
    let mut bytes = [0u8; 15];
    bytes[..8].copy_from_slice(&t.to_be_bytes());
    bytes[8..15].copy_from_slice(&n.to_be_bytes()[1..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
