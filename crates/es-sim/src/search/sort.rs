//! Sort criteria: parsing, per-document sort keys, ordering and `search_after` values.

use std::cmp::Ordering;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Target;
use crate::datemath;
use crate::error::EsError;
use crate::json_util::values_at;
use crate::store::StoredDoc;
use crate::store::mapping::FieldType;

/// One sort criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct SortField {
    /// Field path, `_doc`, `_score` or `_shard_doc`.
    pub field: String,
    /// Descending order.
    pub desc: bool,
    /// `unmapped_type` given (sorting on an unmapped field is then allowed).
    pub unmapped_ok: bool,
}

fn parse_sort_entry(v: &Value) -> Result<SortField, EsError> {
    match v {
        Value::String(f) => Ok(SortField {
            field: f.clone(),
            desc: f == "_score",
            unmapped_ok: false,
        }),
        Value::Object(o) if o.len() == 1 => {
            let Some((field, spec)) = o.iter().next() else {
                return Err(EsError::query_parsing("[sort] malformed"));
            };
            let (order, unmapped_ok) = match spec {
                Value::String(s) => (s.clone(), false),
                Value::Object(so) => (
                    so.get("order")
                        .and_then(Value::as_str)
                        .unwrap_or(if field == "_score" { "desc" } else { "asc" })
                        .to_owned(),
                    so.contains_key("unmapped_type"),
                ),
                _ => {
                    return Err(EsError::query_parsing(format!(
                        "[sort] malformed for field [{field}]"
                    )));
                }
            };
            let desc = match order.as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(EsError::illegal_argument(format!(
                        "Unknown SortOrder [{other}]"
                    )));
                }
            };
            Ok(SortField {
                field: field.clone(),
                desc,
                unmapped_ok,
            })
        }
        _ => Err(EsError::query_parsing(
            "[sort] malformed, expected a field name or an object",
        )),
    }
}

/// Sort criteria from a body `sort` value or the `sort` URL parameter (`f:asc,g:desc`).
pub fn parse_sort(v: &Value) -> Result<Vec<SortField>, EsError> {
    match v {
        Value::Array(a) => a.iter().map(parse_sort_entry).collect(),
        other => Ok(vec![parse_sort_entry(other)?]),
    }
}

pub(super) fn sort_from_param(s: &str) -> Result<Vec<SortField>, EsError> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(':') {
            Some((f, o)) => parse_sort_entry(&json!({f: o})),
            None => parse_sort_entry(&json!(p)),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Key {
    Num(f64),
    Str(String),
    Missing,
}

pub(super) fn key_of(
    doc: &StoredDoc,
    field: &SortField,
    ty: Option<&FieldType>,
    ordinal: u64,
) -> Key {
    match field.field.as_str() {
        "_doc" | "_shard_doc" => return Key::Num(ordinal as f64),
        "_score" => return Key::Num(1.0),
        _ => {}
    }
    let path = field
        .field
        .strip_suffix(".keyword")
        .filter(|_| matches!(ty, Some(FieldType::Keyword)))
        .unwrap_or(&field.field);
    let mut keys: Vec<Key> = values_at(&doc.source, path)
        .into_iter()
        .filter_map(|v| match (ty, v) {
            (Some(FieldType::Date), v) => datemath::value_as_date(v).map(|t| Key::Num(t as f64)),
            (_, Value::Number(n)) => n.as_f64().map(Key::Num),
            (Some(FieldType::Long) | Some(FieldType::Double), Value::String(s)) => {
                s.parse().ok().map(Key::Num)
            }
            (Some(FieldType::Boolean), Value::Bool(b)) => {
                Some(Key::Num(if *b { 1.0 } else { 0.0 }))
            }
            (_, Value::String(s)) => Some(Key::Str(s.clone())),
            (_, Value::Bool(b)) => Some(Key::Str(b.to_string())),
            _ => None,
        })
        .collect();
    keys.sort_by(cmp_key);
    let pick = if field.desc {
        keys.pop()
    } else {
        keys.into_iter().next()
    };
    pick.unwrap_or(Key::Missing)
}

fn cmp_key(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Num(x), Key::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Key::Str(x), Key::Str(y)) => x.cmp(y),
        (Key::Num(_), Key::Str(_)) => Ordering::Less,
        (Key::Str(_), Key::Num(_)) => Ordering::Greater,
        (Key::Missing, Key::Missing) => Ordering::Equal,
        (Key::Missing, _) => Ordering::Greater,
        (_, Key::Missing) => Ordering::Less,
    }
}

pub(super) fn cmp_keys(a: &[Key], b: &[Key], sort: &[SortField]) -> Ordering {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let mut o = cmp_key(x, y);
        // Missing values sort last in both directions.
        let missing = matches!(x, Key::Missing) || matches!(y, Key::Missing);
        if sort.get(i).is_some_and(|s| s.desc) && !missing {
            o = o.reverse();
        }
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub(super) fn key_json(k: &Key) -> Value {
    match k {
        Key::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(*n as i64),
        Key::Num(n) => json!(n),
        Key::Str(s) => json!(s),
        Key::Missing => Value::Null,
    }
}

pub(super) fn key_from_json(v: &Value) -> Key {
    match v {
        Value::Number(n) => n.as_f64().map(Key::Num).unwrap_or(Key::Missing),
        Value::String(s) => s
            .parse::<f64>()
            .map(Key::Num)
            .unwrap_or_else(|_| Key::Str(s.clone())),
        Value::Null => Key::Missing,
        other => Key::Str(other.to_string()),
    }
}

pub(super) fn check_sortable(targets: &[Target<'_>], sort: &[SortField]) -> Result<(), EsError> {
    for s in sort {
        if matches!(s.field.as_str(), "_doc" | "_score" | "_shard_doc") {
            continue;
        }
        let types: Vec<FieldType> = targets
            .iter()
            .filter_map(|t| t.mapping.field(&s.field))
            .collect();
        if types.is_empty() && !s.unmapped_ok && !targets.is_empty() {
            return Err(EsError::new(
                StatusCode::BAD_REQUEST,
                "query_shard_exception",
                format!("No mapping found for [{}] in order to sort on", s.field),
            ));
        }
        if types.iter().any(|t| matches!(t, FieldType::Text { .. })) {
            return Err(EsError::illegal_argument(format!(
                "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.",
                s.field
            )));
        }
    }
    Ok(())
}
