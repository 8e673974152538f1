//! `_bulk`: NDJSON parsing with ES's request-level errors, per-item results and errors, the
//! ingest pipeline, and the 429 fault switches.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{Reply, Req};
use crate::error::EsError;
use crate::pipeline;
use crate::state::EsSimState;
use crate::store::{Occ, OpType, Store, UpdateSpec, WriteResult};

/// Metadata keys ES accepts on an action line.
const META_KEYS: &[&str] = &[
    "_index",
    "_id",
    "routing",
    "if_seq_no",
    "if_primary_term",
    "pipeline",
    "require_alias",
    "retry_on_conflict",
    "version",
    "version_type",
    "dynamic_templates",
    "_source",
    "require_data_stream",
    "list_executed_pipelines",
];

#[derive(Debug)]
enum Action {
    Index(OpType, Option<String>, Result<Map<String, Value>, EsError>),
    Update(String, UpdateSpec),
    Delete(String),
}

#[derive(Debug)]
struct Item {
    name: &'static str,
    index: String,
    occ: Option<Occ>,
    pipeline: Option<String>,
    action: Action,
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "START_OBJECT",
        Value::Array(_) => "START_ARRAY",
        Value::String(_) => "VALUE_STRING",
        Value::Number(_) => "VALUE_NUMBER",
        Value::Bool(_) => "VALUE_BOOLEAN",
        Value::Null => "VALUE_NULL",
    }
}

fn parse(req: &Req) -> Result<Vec<Item>, EsError> {
    let body = &req.body;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(EsError::validation("no requests added"));
    }
    if body.last() != Some(&b'\n') {
        return Err(EsError::illegal_argument(
            "The bulk request must be terminated by a newline [\\n]",
        ));
    }
    let default_index = req.matched.opt_part("index");
    let default_pipeline = req.param("pipeline");
    let mut lines = body
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let mut items = Vec::new();
    while let Some((n, line)) = lines.next() {
        let line_no = n + 1;
        let v: Value = serde_json::from_slice(line).map_err(|e| {
            EsError::parse(format!(
                "[{line_no}:{}] Malformed action/metadata line [{line_no}]: {e}",
                e.column()
            ))
        })?;
        let Value::Object(obj) = v else {
            return Err(EsError::illegal_argument(format!(
                "Malformed action/metadata line [{line_no}], expected START_OBJECT or END_OBJECT but found [{}]",
                json_kind(&v)
            )));
        };
        let Some((action, meta)) = obj.iter().next() else {
            return Err(EsError::illegal_argument(format!(
                "Malformed action/metadata line [{line_no}], expected FIELD_NAME but found [END_OBJECT]"
            )));
        };
        let name: &'static str = match action.as_str() {
            "index" => "index",
            "create" => "create",
            "update" => "update",
            "delete" => "delete",
            other => {
                return Err(EsError::illegal_argument(format!(
                    "Malformed action/metadata line [{line_no}], expected field [create], [delete], [index] or [update] but found [{other}]"
                )));
            }
        };
        let Value::Object(meta) = meta else {
            return Err(EsError::illegal_argument(format!(
                "Malformed action/metadata line [{line_no}], expected START_OBJECT but found [{}]",
                json_kind(meta)
            )));
        };
        if let Some(k) = meta.keys().find(|k| !META_KEYS.contains(&k.as_str())) {
            return Err(EsError::illegal_argument(format!(
                "Action/metadata line [{line_no}] contains an unknown parameter [{k}]"
            )));
        }
        let index = meta
            .get("_index")
            .and_then(Value::as_str)
            .or(default_index)
            .ok_or_else(|| EsError::validation("index is missing"))?
            .to_owned();
        let id = meta.get("_id").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        let occ = Occ::from_pair(
            meta.get("if_seq_no").and_then(Value::as_u64),
            meta.get("if_primary_term").and_then(Value::as_u64),
        )?;
        let pipeline = meta
            .get("pipeline")
            .and_then(Value::as_str)
            .or(default_pipeline)
            .map(str::to_owned);
        let mut source_line = || {
            lines.next().map(|(_, l)| l).ok_or_else(|| {
                EsError::illegal_argument(format!(
                    "Action/metadata line [{line_no}] has no source line following it"
                ))
            })
        };
        let action = match name {
            "delete" => Action::Delete(id.ok_or_else(|| EsError::validation("id is missing"))?),
            "update" => {
                let id = id.ok_or_else(|| EsError::validation("id is missing"))?;
                let src = source_line()?;
                let body: Value = serde_json::from_slice(src).map_err(|e| {
                    EsError::parse(format!(
                        "[{}:{}] failed to parse update request: {e}",
                        line_no + 1,
                        e.column()
                    ))
                })?;
                Action::Update(id, UpdateSpec::parse(&body)?)
            }
            _ => {
                let src = source_line()?;
                let parsed = match serde_json::from_slice::<Value>(src) {
                    Ok(Value::Object(o)) => Ok(o),
                    Ok(other) => Err(EsError::document_parsing(format!(
                        "failed to parse: expected a JSON object as the document source but found [{}]",
                        json_kind(&other)
                    ))),
                    Err(e) => Err(EsError::document_parsing(format!(
                        "[1:{}] failed to parse: {e}",
                        e.column()
                    ))),
                };
                let op = if name == "create" {
                    OpType::Create
                } else {
                    OpType::Index
                };
                Action::Index(op, id, parsed)
            }
        };
        items.push(Item {
            name,
            index,
            occ,
            pipeline,
            action,
        });
    }
    Ok(items)
}

fn execute(store: &mut Store, item: Item) -> Result<WriteResult, (Option<String>, EsError)> {
    let Item {
        index,
        occ,
        pipeline,
        action,
        ..
    } = item;
    match action {
        Action::Index(op, id, source) => {
            let mut source = source.map_err(|e| (id.clone(), e))?;
            if let Some(p) = &pipeline {
                pipeline::apply(p, &mut source).map_err(|e| (id.clone(), e))?;
            }
            store
                .index_doc(&index, id.clone(), source, op, occ)
                .map_err(|e| (id, e))
        }
        Action::Update(id, spec) => store
            .update_doc(&index, &id, &spec, occ)
            .map_err(|e| (Some(id), e)),
        Action::Delete(id) => {
            store
                .ensure_index(&index)
                .map_err(|e| (Some(id.clone()), e))?;
            store
                .delete_doc(&index, &id, occ)
                .map_err(|e| (Some(id), e))
        }
    }
}

fn item_id(item: &Item) -> Option<String> {
    match &item.action {
        Action::Index(_, id, _) => id.clone(),
        Action::Update(id, _) | Action::Delete(id) => Some(id.clone()),
    }
}

/// `POST /_bulk` and `POST /{index}/_bulk`.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    {
        let mut f = state.faults();
        if f.reject_bulk_requests > 0 {
            f.reject_bulk_requests -= 1;
            return Err(EsError::rejected(
                "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=0, max_coordinating_and_primary_bytes=0] (es-sim fault switch)",
            ));
        }
    }
    let items = parse(req)?;
    if let Some(p) = req.param("pipeline") {
        pipeline::check(p)?;
    }
    let mut results = Vec::with_capacity(items.len());
    let mut errors = false;
    let mut db = state.db();
    for item in items {
        let name = item.name;
        let concrete = db.store.resolve(&item.index);
        let reject = {
            let mut f = state.faults();
            f.item_accumulator += f.reject_item_fraction;
            if f.item_accumulator >= 1.0 - 1e-9 {
                f.item_accumulator -= 1.0;
                true
            } else {
                false
            }
        };
        let outcome = if reject {
            Err((
                item_id(&item),
                EsError::rejected(
                    "rejected execution of primary operation [es-sim item fault switch]",
                ),
            ))
        } else {
            execute(&mut db.store, item)
        };
        let entry = match outcome {
            Ok(w) => {
                let mut b = w.body();
                if let Some(o) = b.as_object_mut() {
                    o.insert("status".into(), json!(w.status().as_u16()));
                }
                b
            }
            Err((id, e)) => {
                errors = true;
                let status =
                    if e.status == StatusCode::NOT_FOUND && e.kind == "index_not_found_exception" {
                        StatusCode::NOT_FOUND
                    } else {
                        e.status
                    };
                json!({"_index": concrete, "_id": id, "status": status.as_u16(), "error": e.cause()})
            }
        };
        results.push(json!({name: entry}));
    }
    Ok((
        StatusCode::OK,
        json!({"errors": errors, "took": 1, "items": results}),
    ))
}
