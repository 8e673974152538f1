//! Schema drift: rewrites a GraphQL response so a few nodes carry unexpected nulls and enum
//! values GitLab's schema does not (yet) have.

use serde_json::Value;

/// Every `DRIFT_EVERY`-th node of a `nodes` list (starting at `DRIFT_OFFSET`) is rewritten.
const DRIFT_EVERY: usize = 7;
const DRIFT_OFFSET: usize = 3;

/// Applies drift in place.
pub fn apply(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "nodes"
                    && let Value::Array(nodes) = child
                {
                    for (i, n) in nodes.iter_mut().enumerate() {
                        if i % DRIFT_EVERY == DRIFT_OFFSET {
                            drift_node(n);
                        }
                    }
                }
                apply(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply),
        _ => {}
    }
}

fn drift_node(n: &mut Value) {
    let Value::Object(map) = n else { return };
    for (key, replacement) in [
        ("state", Value::from("REOPENED_UNKNOWN")),
        ("visibility", Value::from("secret")),
        ("linkType", Value::from("UNKNOWN_LINK_TYPE")),
        ("positionType", Value::from("hologram")),
        ("webUrl", Value::Null),
        ("author", Value::Null),
        ("description", Value::Null),
        ("createdAt", Value::Null),
    ] {
        if let Some(slot) = map.get_mut(key) {
            *slot = replacement;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_some_nodes_drift() {
        let mut v = serde_json::json!({"data": {"x": {"nodes": (0..8).map(|i| serde_json::json!({"iid": i, "state": "OPEN", "webUrl": "u"})).collect::<Vec<_>>()}}});
        apply(&mut v);
        let nodes = v["data"]["x"]["nodes"].as_array().unwrap();
        assert_eq!(nodes[3]["state"], "REOPENED_UNKNOWN");
        assert!(nodes[3]["webUrl"].is_null());
        assert_eq!(nodes[2]["state"], "OPEN");
    }
}
