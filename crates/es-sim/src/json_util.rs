//! JSON helpers shared by documents, search and connectors: partial-update merge, dotted-path
//! lookup, `_source` filtering and ES timestamps.

use serde_json::{Map, Value};

/// ES partial-update merge: objects merge recursively, everything else (arrays included)
/// replaces. Returns whether `target` changed.
pub fn merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) -> bool {
    let mut changed = false;
    for (k, v) in patch {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(p)) => changed |= merge(t, p),
            (Some(existing), _) if existing == v => {}
            _ => {
                target.insert(k.clone(), v.clone());
                changed = true;
            }
        }
    }
    changed
}

/// All values at a dotted path (`connector.id`), flattening arrays on the way. A literal key
/// containing dots is found too.
pub fn values_at<'a>(source: &'a Map<String, Value>, path: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    collect(source, path, &mut out);
    out
}

fn collect<'a>(obj: &'a Map<String, Value>, path: &str, out: &mut Vec<&'a Value>) {
    if let Some(v) = obj.get(path) {
        flatten(v, out);
    }
    let mut start = 0;
    while let Some(pos) = path[start..].find('.') {
        let split = start + pos;
        let (head, rest) = (&path[..split], &path[split + 1..]);
        match obj.get(head) {
            Some(Value::Object(child)) => collect(child, rest, out),
            Some(Value::Array(items)) => {
                for item in items {
                    if let Value::Object(child) = item {
                        collect(child, rest, out);
                    }
                }
            }
            _ => {}
        }
        start = split + 1;
    }
}

fn flatten<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        Value::Null => {}
        other => out.push(other),
    }
}

/// What part of `_source` to return.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceFilter {
    /// `_source: false`.
    pub disabled: bool,
    /// Patterns to keep (empty = everything).
    pub includes: Vec<String>,
    /// Patterns to drop.
    pub excludes: Vec<String>,
}

impl SourceFilter {
    /// Reads the body form: `true`/`false`, `"f"`, `["a","b"]`, `{"includes":..,"excludes":..}`.
    pub fn from_body(v: &Value) -> Result<SourceFilter, String> {
        let list = |v: &Value| -> Result<Vec<String>, String> {
            match v {
                Value::String(s) => Ok(vec![s.clone()]),
                Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| "[_source] patterns must be strings".to_owned())
                    })
                    .collect(),
                _ => Err("[_source] expects a string or an array of strings".into()),
            }
        };
        match v {
            Value::Bool(b) => Ok(SourceFilter {
                disabled: !b,
                ..Default::default()
            }),
            Value::String(_) | Value::Array(_) => Ok(SourceFilter {
                includes: list(v)?,
                ..Default::default()
            }),
            Value::Object(o) => {
                let mut f = SourceFilter::default();
                for (k, v) in o {
                    match k.as_str() {
                        "includes" | "include" => f.includes = list(v)?,
                        "excludes" | "exclude" => f.excludes = list(v)?,
                        other => {
                            return Err(format!(
                                "Unknown key for a START_OBJECT in [_source]: [{other}]"
                            ));
                        }
                    }
                }
                Ok(f)
            }
            _ => Err("[_source] has an unsupported value".into()),
        }
    }

    /// Reads the query-parameter form (`_source`, `_source_includes`, `_source_excludes`).
    pub fn from_params(
        source: Option<&str>,
        includes: Option<&str>,
        excludes: Option<&str>,
    ) -> SourceFilter {
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut f = SourceFilter::default();
        match source {
            Some("false") => f.disabled = true,
            Some("true") | Some("") | None => {}
            Some(list) => f.includes = split(list),
        }
        if let Some(i) = includes {
            f.includes = split(i);
        }
        if let Some(e) = excludes {
            f.excludes = split(e);
        }
        f
    }

    /// Applies the filter; `None` when `_source` is disabled.
    pub fn apply(&self, source: &Map<String, Value>) -> Option<Value> {
        if self.disabled {
            return None;
        }
        if self.includes.is_empty() && self.excludes.is_empty() {
            return Some(Value::Object(source.clone()));
        }
        Some(Value::Object(self.filter_obj(source, "")))
    }

    fn filter_obj(&self, obj: &Map<String, Value>, prefix: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (k, v) in obj {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if self.excludes.iter().any(|p| glob(p, &path)) {
                continue;
            }
            let included = self.includes.is_empty()
                || self
                    .includes
                    .iter()
                    .any(|p| glob(p, &path) || glob_prefix(p, &path));
            if included {
                match v {
                    Value::Object(child) if !self.excludes.is_empty() => {
                        out.insert(k.clone(), Value::Object(self.filter_obj_all(child, &path)));
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
                continue;
            }
            // A pattern may reach inside this object (`a.b` keeps part of `a`).
            if let Value::Object(child) = v {
                let reaches = self
                    .includes
                    .iter()
                    .any(|p| p.starts_with(&format!("{path}.")) || p.starts_with('*'));
                if reaches {
                    let inner = self.filter_obj(child, &path);
                    if !inner.is_empty() {
                        out.insert(k.clone(), Value::Object(inner));
                    }
                }
            }
        }
        out
    }

    fn filter_obj_all(&self, obj: &Map<String, Value>, prefix: &str) -> Map<String, Value> {
        let keep_all = SourceFilter {
            disabled: false,
            includes: Vec::new(),
            excludes: self.excludes.clone(),
        };
        keep_all.filter_obj(obj, prefix)
    }
}

/// `pattern` (with `*` wildcards) matches the whole `path`.
pub fn glob(pattern: &str, path: &str) -> bool {
    fn rec(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| rec(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && rec(rest, &s[1..]),
        }
    }
    rec(pattern.as_bytes(), path.as_bytes())
}

/// `path` lies under an object the pattern names (`a` matches `a.b`).
fn glob_prefix(pattern: &str, path: &str) -> bool {
    let mut cut = path.len();
    while let Some(pos) = path[..cut].rfind('.') {
        if glob(pattern, &path[..pos]) {
            return true;
        }
        cut = pos;
    }
    false
}

/// Now, as ES writes timestamps (`2026-11-25T09:46:13.123Z`).
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn merge_recurses_into_objects_and_replaces_arrays() {
        let mut t = obj(json!({"a": {"b": 1, "c": [1, 2]}, "d": 1}));
        assert!(merge(&mut t, &obj(json!({"a": {"c": [3]}, "e": null}))));
        assert_eq!(
            Value::Object(t.clone()),
            json!({"a": {"b": 1, "c": [3]}, "d": 1, "e": null})
        );
        assert!(!merge(&mut t, &obj(json!({"a": {"b": 1}}))));
    }

    #[test]
    fn values_at_follows_dots_and_arrays() {
        let s =
            obj(json!({"connector": {"id": "c1"}, "tags": ["x", "y"], "o": [{"k": 1}, {"k": 2}]}));
        assert_eq!(values_at(&s, "connector.id"), vec![&json!("c1")]);
        assert_eq!(values_at(&s, "tags").len(), 2);
        assert_eq!(values_at(&s, "o.k").len(), 2);
    }

    #[test]
    fn source_filter_includes_nested_paths_and_excludes() {
        let s = obj(json!({"id": 1, "_timestamp": "t", "a": {"b": 1, "c": 2}, "body": "x"}));
        let f = SourceFilter::from_body(&json!(["id", "_timestamp"])).unwrap();
        assert_eq!(f.apply(&s), Some(json!({"id": 1, "_timestamp": "t"})));
        let f = SourceFilter::from_body(&json!({"includes": ["a.b"]})).unwrap();
        assert_eq!(f.apply(&s), Some(json!({"a": {"b": 1}})));
        let f = SourceFilter::from_body(&json!({"excludes": ["a.c", "body"]})).unwrap();
        assert_eq!(
            f.apply(&s),
            Some(json!({"id": 1, "_timestamp": "t", "a": {"b": 1}}))
        );
        assert_eq!(
            SourceFilter::from_body(&json!(false)).unwrap().apply(&s),
            None
        );
    }
}
