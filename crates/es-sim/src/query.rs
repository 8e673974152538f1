//! The query DSL subset: `bool` (`must`/`filter`/`must_not`/`should`), `term`, `terms`, `ids`,
//! `range` (dates with date math such as `now-300s`), `exists`, `match`, `prefix`,
//! `match_all`, `match_none`. Unknown query types fail like ES (`parsing_exception`).
//!
//! Leaf queries on fields an index does not map match nothing, as in ES (this matters for the
//! `dynamic: false` system indices).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::datemath;
use crate::error::EsError;
use crate::json_util::values_at;
use crate::store::mapping::{FieldType, Mapping};

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// Every document.
    MatchAll,
    /// No document.
    MatchNone,
    /// Boolean combination.
    Bool {
        /// All must match.
        must: Vec<Query>,
        /// All must match (no scoring difference here).
        filter: Vec<Query>,
        /// None may match.
        must_not: Vec<Query>,
        /// At least `minimum_should_match` must match.
        should: Vec<Query>,
        /// Explicit `minimum_should_match`.
        minimum_should_match: Option<usize>,
    },
    /// Exact value.
    Term(String, Value),
    /// Any of the values.
    Terms(String, Vec<Value>),
    /// Bounds.
    Range {
        /// Field.
        field: String,
        /// `gt`/`gte`/`lt`/`lte` with their values.
        bounds: Vec<(String, Value)>,
    },
    /// Field has a value.
    Exists(String),
    /// Analysed-text match (lower-cased word overlap).
    Match(String, String),
    /// String prefix.
    Prefix(String, String),
}

fn clauses(v: &Value) -> Result<Vec<Query>, EsError> {
    match v {
        Value::Array(a) => a.iter().map(parse).collect(),
        other => Ok(vec![parse(other)?]),
    }
}

fn single_field<'a>(kind: &str, v: &'a Value) -> Result<(&'a String, &'a Value), EsError> {
    let obj = v.as_object().ok_or_else(|| {
        EsError::query_parsing(format!(
            "[{kind}] query malformed, no start_object after query name"
        ))
    })?;
    let mut fields = obj
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "boost" | "_name" | "case_insensitive"));
    let first = fields.next().ok_or_else(|| {
        EsError::query_parsing(format!("[{kind}] query does not support an empty field"))
    })?;
    if fields.next().is_some() {
        return Err(EsError::query_parsing(format!(
            "[{kind}] query doesn't support multiple fields, found [{}] and [{}]",
            first.0,
            obj.keys().nth(1).cloned().unwrap_or_default()
        )));
    }
    Ok(first)
}

/// Parses a query object.
pub fn parse(v: &Value) -> Result<Query, EsError> {
    let obj = v
        .as_object()
        .ok_or_else(|| EsError::query_parsing("query malformed, must start with start_object"))?;
    if obj.len() != 1 {
        return Err(EsError::query_parsing(format!(
            "[_na] query malformed, expected a single query but found [{}]",
            obj.len()
        )));
    }
    let Some((kind, body)) = obj.iter().next() else {
        return Ok(Query::MatchAll);
    };
    match kind.as_str() {
        "match_all" => Ok(Query::MatchAll),
        "match_none" => Ok(Query::MatchNone),
        "bool" => {
            let b = body
                .as_object()
                .ok_or_else(|| EsError::query_parsing("[bool] malformed query"))?;
            let mut q = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), None);
            for (k, v) in b {
                match k.as_str() {
                    "must" => q.0 = clauses(v)?,
                    "filter" => q.1 = clauses(v)?,
                    "must_not" => q.2 = clauses(v)?,
                    "should" => q.3 = clauses(v)?,
                    "minimum_should_match" => {
                        q.4 = v
                            .as_u64()
                            .map(|n| n as usize)
                            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    }
                    "boost" | "_name" => {}
                    other => {
                        return Err(EsError::query_parsing(format!(
                            "[bool] query does not support [{other}]"
                        )));
                    }
                }
            }
            Ok(Query::Bool {
                must: q.0,
                filter: q.1,
                must_not: q.2,
                should: q.3,
                minimum_should_match: q.4,
            })
        }
        "term" => {
            let (field, v) = single_field("term", body)?;
            let value = match v {
                Value::Object(o) => o.get("value").cloned().ok_or_else(|| {
                    EsError::query_parsing(
                        "[term] query does not support an object without [value]",
                    )
                })?,
                other => other.clone(),
            };
            Ok(Query::Term(field.clone(), value))
        }
        "terms" => {
            let (field, v) = single_field("terms", body)?;
            let values = v.as_array().cloned().ok_or_else(|| {
                EsError::query_parsing(format!("[terms] query does not support [{field}]"))
            })?;
            Ok(Query::Terms(field.clone(), values))
        }
        "ids" => {
            let values = body
                .get("values")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| EsError::query_parsing("[ids] query requires [values]"))?;
            Ok(Query::Terms("_id".into(), values))
        }
        "range" => {
            let (field, v) = single_field("range", body)?;
            let o = v
                .as_object()
                .ok_or_else(|| EsError::query_parsing("[range] query malformed"))?;
            let mut bounds = Vec::new();
            for (k, val) in o {
                match k.as_str() {
                    "gt" | "gte" | "lt" | "lte" => bounds.push((k.clone(), val.clone())),
                    "format" | "time_zone" | "boost" | "relation" => {}
                    other => {
                        return Err(EsError::query_parsing(format!(
                            "[range] query does not support [{other}]"
                        )));
                    }
                }
            }
            Ok(Query::Range {
                field: field.clone(),
                bounds,
            })
        }
        "exists" => {
            let field = body.get("field").and_then(Value::as_str).ok_or_else(|| {
                EsError::query_parsing("[exists] must be provided with a [field]")
            })?;
            Ok(Query::Exists(field.to_owned()))
        }
        "match" => {
            let (field, v) = single_field("match", body)?;
            let text = match v {
                Value::Object(o) => o.get("query").cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            Ok(Query::Match(field.clone(), scalar_text(&text)))
        }
        "prefix" => {
            let (field, v) = single_field("prefix", body)?;
            let text = match v {
                Value::Object(o) => o.get("value").cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            Ok(Query::Prefix(field.clone(), scalar_text(&text)))
        }
        other => Err(EsError::query_parsing(format!("unknown query [{other}]"))),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether the document matches.
pub fn matches(q: &Query, id: &str, source: &Map<String, Value>, mapping: &Mapping) -> bool {
    match q {
        Query::MatchAll => true,
        Query::MatchNone => false,
        Query::Bool {
            must,
            filter,
            must_not,
            should,
            minimum_should_match,
        } => {
            let all = must
                .iter()
                .chain(filter)
                .all(|c| matches(c, id, source, mapping));
            let none = !must_not.iter().any(|c| matches(c, id, source, mapping));
            let min = minimum_should_match.unwrap_or(
                if must.is_empty() && filter.is_empty() && !should.is_empty() {
                    1
                } else {
                    0
                },
            );
            let hits = should
                .iter()
                .filter(|c| matches(c, id, source, mapping))
                .count();
            all && none && hits >= min
        }
        Query::Term(field, v) => field_values(field, id, source, mapping)
            .iter()
            .any(|d| scalar_eq(d, v)),
        Query::Terms(field, vs) => {
            let dv = field_values(field, id, source, mapping);
            vs.iter().any(|v| dv.iter().any(|d| scalar_eq(d, v)))
        }
        Query::Exists(field) => !field_values(field, id, source, mapping).is_empty(),
        Query::Range { field, bounds } => {
            let now = chrono::Utc::now();
            field_values(field, id, source, mapping).iter().any(|d| {
                bounds.iter().all(|(op, b)| match compare_bound(d, b, now) {
                    Some(ord) => match op.as_str() {
                        "gt" => ord == Ordering::Greater,
                        "gte" => ord != Ordering::Less,
                        "lt" => ord == Ordering::Less,
                        _ => ord != Ordering::Greater,
                    },
                    None => false,
                })
            })
        }
        Query::Match(field, text) => {
            let wanted = tokens(text);
            field_values(field, id, source, mapping).iter().any(|d| {
                let have = tokens(&scalar_text(d));
                wanted.iter().any(|w| have.contains(w))
            })
        }
        Query::Prefix(field, p) => field_values(field, id, source, mapping)
            .iter()
            .any(|d| scalar_text(d).starts_with(p.as_str())),
    }
}

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn field_values(
    field: &str,
    id: &str,
    source: &Map<String, Value>,
    mapping: &Mapping,
) -> Vec<Value> {
    if field == "_id" {
        return vec![Value::String(id.to_owned())];
    }
    if mapping.field(field).is_none() {
        return Vec::new();
    }
    let path = field
        .strip_suffix(".keyword")
        .filter(|base| {
            matches!(
                mapping.field(base),
                Some(FieldType::Text { keyword_sub: true })
            )
        })
        .unwrap_or(field);
    values_at(source, path)
        .into_iter()
        .filter(|v| !v.is_object())
        .cloned()
        .collect()
}

/// Equality with ES's coercions (numeric strings, booleans as text, dates by instant).
pub fn scalar_eq(d: &Value, q: &Value) -> bool {
    if d == q {
        return true;
    }
    match (d, q) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) | (Value::String(b), Value::Number(a)) => {
            b.parse::<f64>().ok() == a.as_f64()
        }
        (Value::Bool(a), Value::String(b)) | (Value::String(b), Value::Bool(a)) => {
            b == if *a { "true" } else { "false" }
        }
        (Value::String(a), Value::String(b)) => {
            match (datemath::parse_date(a), datemath::parse_date(b)) {
                (Some(x), Some(y)) => x == y && a.contains('-') && b.contains('-'),
                _ => false,
            }
        }
        _ => false,
    }
}

fn compare_bound(d: &Value, b: &Value, now: chrono::DateTime<chrono::Utc>) -> Option<Ordering> {
    if let (Value::Number(x), Value::Number(y)) = (d, b) {
        return x.as_f64()?.partial_cmp(&y.as_f64()?);
    }
    if let Some(bs) = b.as_str() {
        if let (Some(x), Some(y)) = (datemath::value_as_date(d), datemath::eval(bs, now)) {
            return Some(x.cmp(&y));
        }
        if let Value::Number(x) = d {
            return x.as_f64()?.partial_cmp(&bs.parse::<f64>().ok()?);
        }
        if let Value::String(x) = d {
            return Some(x.as_str().cmp(bs));
        }
    }
    if let (Value::String(x), Value::Number(y)) = (d, b) {
        if let Some(t) = datemath::parse_date(x) {
            return Some(t.cmp(&y.as_i64()?));
        }
        return x.parse::<f64>().ok()?.partial_cmp(&y.as_f64()?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn mapped(src: &Map<String, Value>) -> Mapping {
        let mut m = Mapping::default();
        m.check_and_extend(src, "x").unwrap();
        m
    }

    #[test]
    fn protocol_job_query_matches_pending_jobs_of_our_connectors() {
        let src = doc(json!({"status": "pending", "connector": {"id": "c1"}, "job_type": "full"}));
        let m = mapped(&src);
        let q = parse(&json!({"bool": {"must": [
            {"terms": {"status": ["pending", "suspended"]}},
            {"terms": {"connector.id": ["c1"]}},
            {"terms": {"job_type": ["full", "incremental"]}}]}}))
        .unwrap();
        assert!(matches(&q, "j1", &src, &m));
        let q = parse(&json!({"bool": {"must_not": [{"term": {"deleted": true}}], "filter": [{"terms": {"_id": ["j2"]}}]}})).unwrap();
        assert!(!matches(&q, "j1", &src, &m));
    }

    #[test]
    fn range_with_now_minus_seconds() {
        let old = doc(json!({"last_seen": "2000-01-01T00:00:00Z"}));
        let fresh = doc(json!({"last_seen": crate::json_util::now_iso()}));
        let m = mapped(&old);
        let q = parse(&json!({"range": {"last_seen": {"lte": "now-300s"}}})).unwrap();
        assert!(matches(&q, "a", &old, &m));
        assert!(!matches(&q, "b", &fresh, &m));
    }

    #[test]
    fn should_needs_one_when_alone_and_unmapped_fields_match_nothing() {
        let src = doc(json!({"a": 1}));
        let m = mapped(&src);
        let q =
            parse(&json!({"bool": {"should": [{"term": {"a": 2}}, {"term": {"a": 1}}]}})).unwrap();
        assert!(matches(&q, "x", &src, &m));
        let q = parse(&json!({"bool": {"should": [{"term": {"a": 2}}]}})).unwrap();
        assert!(!matches(&q, "x", &src, &m));
        assert!(!matches(
            &parse(&json!({"exists": {"field": "zzz"}})).unwrap(),
            "x",
            &src,
            &m
        ));
        assert_eq!(
            parse(&json!({"fuzzy_thing": {}})).unwrap_err().kind,
            "parsing_exception"
        );
    }
}
