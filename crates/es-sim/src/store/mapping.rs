//! Per-index field mappings: explicit ones from index creation, dynamic ones inferred from the
//! first value seen, and the check that rejects a document whose value does not fit.
//!
//! Acceptance follows ES: `text`/`keyword` take any scalar, `long`/`double` take numbers and
//! numeric strings, `boolean` takes booleans and `"true"`/`"false"`, `date` takes parseable
//! dates and epoch millis, objects take objects only. Anything else is a
//! `document_parsing_exception`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::datemath;
use crate::error::EsError;

/// The type of one mapped field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// `text`; `keyword_sub` when it carries a `.keyword` sub-field (dynamic strings do).
    Text {
        /// Whether `<field>.keyword` exists.
        keyword_sub: bool,
    },
    /// `keyword` (and keyword-like types).
    Keyword,
    /// Integer types.
    Long,
    /// Floating-point types.
    Double,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// An object with its own properties.
    Object(BTreeMap<String, FieldType>),
    /// Any other ES type, accepted without checks (its name kept for `_mapping`).
    Other(String),
}

/// How an index treats fields it has no mapping for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dynamic {
    /// Map new fields from their first value.
    True,
    /// Keep new fields in `_source` only (unsearchable), like the connector system indices.
    False,
    /// Reject documents with new fields.
    Strict,
}

/// An index mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Dynamic behaviour for unknown fields.
    pub dynamic: Dynamic,
    /// Top-level properties.
    pub properties: BTreeMap<String, FieldType>,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            dynamic: Dynamic::True,
            properties: BTreeMap::new(),
        }
    }
}

fn mapper_error(reason: String) -> EsError {
    EsError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "mapper_parsing_exception",
        reason,
    )
}

fn parse_properties(props: &Map<String, Value>) -> Result<BTreeMap<String, FieldType>, EsError> {
    let mut out = BTreeMap::new();
    for (name, def) in props {
        let Some(def) = def.as_object() else {
            return Err(mapper_error(format!(
                "Expected map for property [fields] on field [{name}] but got a class java.lang.String"
            )));
        };
        let ty = match def.get("type").and_then(Value::as_str) {
            None | Some("object") | Some("nested") => {
                let inner = def
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                FieldType::Object(parse_properties(&inner)?)
            }
            Some("text") | Some("match_only_text") | Some("search_as_you_type") => {
                FieldType::Text {
                    keyword_sub: def.get("fields").and_then(|f| f.get("keyword")).is_some(),
                }
            }
            Some("keyword") | Some("constant_keyword") | Some("wildcard") => FieldType::Keyword,
            Some("long")
            | Some("integer")
            | Some("short")
            | Some("byte")
            | Some("unsigned_long") => FieldType::Long,
            Some("double") | Some("float") | Some("half_float") | Some("scaled_float") => {
                FieldType::Double
            }
            Some("boolean") => FieldType::Boolean,
            Some("date") | Some("date_nanos") => FieldType::Date,
            Some(other) => FieldType::Other(other.to_owned()),
        };
        out.insert(name.clone(), ty);
    }
    Ok(out)
}

impl Mapping {
    /// Reads a `mappings` object given at index creation.
    pub fn from_json(v: &Value) -> Result<Mapping, EsError> {
        let Some(obj) = v.as_object() else {
            return Err(mapper_error(
                "Failed to parse mapping: mappings must be an object".into(),
            ));
        };
        let dynamic = match obj.get("dynamic") {
            None | Some(Value::Bool(true)) => Dynamic::True,
            Some(Value::String(s)) if s == "true" => Dynamic::True,
            Some(Value::Bool(false)) => Dynamic::False,
            Some(Value::String(s)) if s == "false" => Dynamic::False,
            Some(Value::String(s)) if s == "strict" => Dynamic::Strict,
            Some(other) => {
                return Err(mapper_error(format!(
                    "Failed to parse mapping: dynamic must be true, false or strict, got [{other}]"
                )));
            }
        };
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "dynamic"
                    | "properties"
                    | "_meta"
                    | "date_detection"
                    | "numeric_detection"
                    | "dynamic_templates"
                    | "_source"
            ) {
                return Err(mapper_error(format!(
                    "Failed to parse mapping: Root mapping definition has unsupported parameters:  [{key} : {}]",
                    obj[key]
                )));
            }
        }
        let props = obj
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Ok(Mapping {
            dynamic,
            properties: parse_properties(&props)?,
        })
    }

    /// The mapping as `GET _mapping` shows it.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        match self.dynamic {
            Dynamic::True => {}
            Dynamic::False => {
                m.insert("dynamic".into(), json!("false"));
            }
            Dynamic::Strict => {
                m.insert("dynamic".into(), json!("strict"));
            }
        }
        if !self.properties.is_empty() {
            m.insert("properties".into(), props_json(&self.properties));
        }
        Value::Object(m)
    }

    /// The type at a dotted path; `x.keyword` resolves to the `keyword` sub-field of text `x`.
    pub fn field(&self, path: &str) -> Option<FieldType> {
        if path == "_id" {
            return Some(FieldType::Keyword);
        }
        let mut props = &self.properties;
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let ty = props.get(*part)?;
            let last = i + 1 == parts.len();
            match ty {
                _ if last => return Some(ty.clone()),
                FieldType::Object(inner) => props = inner,
                FieldType::Text { keyword_sub: true }
                    if i + 2 == parts.len() && parts[i + 1] == "keyword" =>
                {
                    return Some(FieldType::Keyword);
                }
                _ => return None,
            }
        }
        None
    }

    /// Checks `source` against the mapping and extends it with dynamically mapped fields.
    /// Nothing changes when the document is rejected.
    pub fn check_and_extend(
        &mut self,
        source: &Map<String, Value>,
        id: &str,
    ) -> Result<(), EsError> {
        let mut props = self.properties.clone();
        check_object(&mut props, source, "", id, self.dynamic)?;
        self.properties = props;
        Ok(())
    }
}

fn props_json(props: &BTreeMap<String, FieldType>) -> Value {
    let mut m = Map::new();
    for (name, ty) in props {
        let v = match ty {
            FieldType::Text { keyword_sub: true } => {
                json!({"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}})
            }
            FieldType::Text { keyword_sub: false } => json!({"type": "text"}),
            FieldType::Keyword => json!({"type": "keyword"}),
            FieldType::Long => json!({"type": "long"}),
            FieldType::Double => json!({"type": "float"}),
            FieldType::Boolean => json!({"type": "boolean"}),
            FieldType::Date => json!({"type": "date"}),
            FieldType::Object(inner) => json!({"properties": props_json(inner)}),
            FieldType::Other(t) => json!({"type": t}),
        };
        m.insert(name.clone(), v);
    }
    Value::Object(m)
}

fn infer(v: &Value) -> Option<FieldType> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(FieldType::Boolean),
        Value::Number(n) if n.is_f64() => Some(FieldType::Double),
        Value::Number(_) => Some(FieldType::Long),
        Value::String(s) if datemath::parse_date(s).is_some() && s.contains('-') => {
            Some(FieldType::Date)
        }
        Value::String(_) => Some(FieldType::Text { keyword_sub: true }),
        Value::Object(_) => Some(FieldType::Object(BTreeMap::new())),
        Value::Array(items) => items.iter().find_map(infer),
    }
}

fn type_name(ty: &FieldType) -> &str {
    match ty {
        FieldType::Text { .. } => "text",
        FieldType::Keyword => "keyword",
        FieldType::Long => "long",
        FieldType::Double => "float",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Object(_) => "object",
        FieldType::Other(t) => t,
    }
}

fn preview(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn check_object(
    props: &mut BTreeMap<String, FieldType>,
    obj: &Map<String, Value>,
    prefix: &str,
    id: &str,
    dynamic: Dynamic,
) -> Result<(), EsError> {
    for (name, value) in obj {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if !props.contains_key(name) {
            match dynamic {
                Dynamic::False => continue,
                Dynamic::Strict if !value.is_null() => {
                    return Err(EsError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "strict_dynamic_mapping_exception",
                        format!(
                            "mapping set to strict, dynamic introduction of [{name}] within [{}] is not allowed",
                            if prefix.is_empty() { "_doc" } else { prefix }
                        ),
                    ));
                }
                Dynamic::Strict => continue,
                Dynamic::True => match infer(value) {
                    Some(ty) => {
                        props.insert(name.clone(), ty);
                    }
                    None => continue,
                },
            }
        }
        let Some(ty) = props.get_mut(name) else {
            continue;
        };
        check_value(ty, value, &path, id, dynamic)?;
    }
    Ok(())
}

fn check_value(
    ty: &mut FieldType,
    value: &Value,
    path: &str,
    id: &str,
    dynamic: Dynamic,
) -> Result<(), EsError> {
    let fail = |ty: &FieldType| {
        EsError::document_parsing(format!(
            "failed to parse field [{path}] of type [{}] in document with id '{id}'. Preview of field's value: '{}'",
            type_name(ty),
            preview(value)
        ))
    };
    match value {
        Value::Null => Ok(()),
        Value::Array(items) => items
            .iter()
            .try_for_each(|i| check_value(ty, i, path, id, dynamic)),
        Value::Object(inner) => match ty {
            FieldType::Object(props) => check_object(props, inner, path, id, dynamic),
            FieldType::Other(_) => Ok(()),
            other => Err(fail(other)),
        },
        scalar => {
            let ok = match ty {
                FieldType::Object(_) => {
                    return Err(EsError::document_parsing(format!(
                        "object mapping for [{path}] tried to parse field [{}] as object, but found a concrete value",
                        path.rsplit('.').next().unwrap_or(path)
                    )));
                }
                FieldType::Text { .. } | FieldType::Keyword | FieldType::Other(_) => true,
                FieldType::Long | FieldType::Double => match scalar {
                    Value::Number(_) => true,
                    Value::String(s) => s.trim().parse::<f64>().is_ok(),
                    _ => false,
                },
                FieldType::Boolean => {
                    matches!(scalar, Value::Bool(_))
                        || matches!(scalar, Value::String(s) if matches!(s.as_str(), "true" | "false" | ""))
                }
                FieldType::Date => datemath::value_as_date(scalar).is_some(),
            };
            if ok { Ok(()) } else { Err(fail(ty)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn first_value_decides_and_a_changed_type_is_rejected() {
        let mut m = Mapping::default();
        m.check_and_extend(
            &obj(json!({"n": 1, "t": "hello", "d": "2026-01-01T00:00:00Z", "o": {"x": true}})),
            "1",
        )
        .unwrap();
        assert_eq!(m.field("n"), Some(FieldType::Long));
        assert_eq!(m.field("t.keyword"), Some(FieldType::Keyword));
        assert_eq!(m.field("d"), Some(FieldType::Date));
        let err = m
            .check_and_extend(&obj(json!({"n": "abc"})), "2")
            .unwrap_err();
        assert_eq!(err.kind, "document_parsing_exception");
        assert!(err.reason.contains("[n] of type [long]"), "{}", err.reason);
        assert!(m.check_and_extend(&obj(json!({"o": "flat"})), "3").is_err());
        assert!(
            m.check_and_extend(&obj(json!({"d": "yesterday"})), "4")
                .is_err()
        );
        // text accepts any scalar, long accepts numeric strings
        m.check_and_extend(&obj(json!({"t": 5, "n": "7"})), "5")
            .unwrap();
    }

    #[test]
    fn rejected_document_leaves_the_mapping_unchanged() {
        let mut m = Mapping::default();
        m.check_and_extend(&obj(json!({"n": 1})), "1").unwrap();
        let before = m.clone();
        assert!(
            m.check_and_extend(&obj(json!({"new": 1, "n": {"x": 1}})), "2")
                .is_err()
        );
        assert_eq!(m, before);
    }

    #[test]
    fn explicit_mapping_and_dynamic_false() {
        let mut m = Mapping::from_json(&json!({"dynamic": false, "properties": {"status": {"type": "keyword"}, "created_at": {"type": "date"}}})).unwrap();
        m.check_and_extend(
            &obj(json!({"status": "pending", "anything": {"x": 1}})),
            "1",
        )
        .unwrap();
        assert_eq!(m.field("anything"), None);
        assert!(
            m.check_and_extend(&obj(json!({"created_at": "soon"})), "2")
                .is_err()
        );
    }
}
