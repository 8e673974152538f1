//! `filter_path`: keeps only the response members named by comma-separated dotted patterns
//! (`*` matches one level, `**` any depth; arrays are transparent), like ES.

use serde_json::{Map, Value};

/// Applies a `filter_path` expression to a response body. Exclusions (`-x`) are not supported
/// and are ignored.
pub fn apply(body: &Value, expr: &str) -> Value {
    let patterns: Vec<Vec<&str>> = expr
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('-'))
        .map(|p| p.split('.').collect())
        .collect();
    if patterns.is_empty() {
        return body.clone();
    }
    let refs: Vec<&[&str]> = patterns.iter().map(Vec::as_slice).collect();
    filter(body, &refs).unwrap_or_else(|| Value::Object(Map::new()))
}

fn segment_matches(pattern: &str, key: &str) -> bool {
    crate::json_util::glob(pattern, key)
}

fn filter(v: &Value, patterns: &[&[&str]]) -> Option<Value> {
    if patterns.iter().any(|p| p.is_empty()) {
        return Some(v.clone());
    }
    match v {
        Value::Object(obj) => {
            let mut out = Map::new();
            for (k, child) in obj {
                let mut next: Vec<&[&str]> = Vec::new();
                for p in patterns {
                    if p[0] == "**" {
                        next.push(p);
                        if p.len() > 1 && segment_matches(p[1], k) {
                            next.push(&p[2..]);
                        }
                    } else if segment_matches(p[0], k) {
                        next.push(&p[1..]);
                    }
                }
                if next.is_empty() {
                    continue;
                }
                if let Some(kept) = filter(child, &next) {
                    out.insert(k.clone(), kept);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(|i| filter(i, patterns)).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_named_paths_through_arrays_and_wildcards() {
        let body = json!({"took": 1, "errors": true, "items": [
            {"index": {"_id": "1", "status": 201}},
            {"index": {"_id": "2", "status": 400, "error": {"type": "x"}}}]});
        assert_eq!(
            apply(&body, "errors,items.*.error"),
            json!({"errors": true, "items": [{"index": {"error": {"type": "x"}}}]})
        );
        assert_eq!(
            apply(&body, "items.**.status"),
            json!({"items": [{"index": {"status": 201}}, {"index": {"status": 400}}]})
        );
        assert_eq!(apply(&body, "nothing"), json!({}));
    }
}
