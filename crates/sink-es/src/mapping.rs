//! The body used to create a missing content index.
//!
//! Deviation from the reference (which has created the index bare since 2024, spec §4.1): we
//! pin the types of the fields every GitLab document has, so the first document cannot make
//! ES guess them wrong (an `id` that looks numeric, a `_timestamp` string); everything else
//! stays dynamic.

use serde_json::{Value, json};

/// `PUT /{index}` body: keyword ids and paths, text `title`/`body`, date `_timestamp`.
pub fn index_body() -> Value {
    let keyword = json!({"type": "keyword"});
    json!({
        "mappings": {
            "dynamic": true,
            "properties": {
                "id": keyword,
                "type": keyword,
                "project_id": keyword,
                "project_path": keyword,
                "group_path": keyword,
                "web_url": keyword,
                "_timestamp": {"type": "date"},
                "title": {"type": "text"},
                "body": {"type": "text"}
            }
        }
    })
}
