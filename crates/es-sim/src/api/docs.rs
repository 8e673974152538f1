//! Single-document APIs: `GET`/`PUT`/`POST`/`DELETE /{index}/_doc/{id}`, `POST /{index}/_update/{id}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Reply, Req};
use crate::error::EsError;
use crate::json_util::SourceFilter;
use crate::pipeline;
use crate::state::EsSimState;
use crate::store::{Occ, OpType, PRIMARY_TERM, UpdateSpec};

fn occ(req: &Req) -> Result<Option<Occ>, EsError> {
    Occ::from_pair(req.num("if_seq_no")?, req.num("if_primary_term")?)
}

/// Document APIs.
pub fn handle(state: &EsSimState, req: &Req) -> Reply {
    let index = req.part("index");
    let mut db = state.db();
    let store = &mut db.store;
    match req.matched.api.as_str() {
        "get" => {
            let id = req.part("id");
            let concrete = store.resolve(index);
            match store.get(index, id)? {
                None => Ok((
                    StatusCode::NOT_FOUND,
                    json!({"_index": concrete, "_id": id, "found": false}),
                )),
                Some(d) => {
                    let mut body = json!({"_index": concrete, "_id": id, "_version": d.version, "_seq_no": d.seq_no, "_primary_term": PRIMARY_TERM, "found": true});
                    let filter = SourceFilter::from_params(
                        req.param("_source"),
                        req.param("_source_includes"),
                        req.param("_source_excludes"),
                    );
                    if let (Some(src), Some(obj)) = (filter.apply(&d.source), body.as_object_mut())
                    {
                        obj.insert("_source".into(), src);
                    }
                    Ok((StatusCode::OK, body))
                }
            }
        }
        "index" => {
            let Value::Object(mut source) = req.required_json()? else {
                return Err(EsError::document_parsing(
                    "failed to parse: the document must be a JSON object",
                ));
            };
            let op = match req.param("op_type") {
                None | Some("index") => OpType::Index,
                Some("create") => OpType::Create,
                Some(other) => {
                    return Err(EsError::illegal_argument(format!(
                        "opType must be 'create' or 'index', found: [{other}]"
                    )));
                }
            };
            if let Some(p) = req.param("pipeline") {
                pipeline::apply(p, &mut source)?;
            }
            let id = req.matched.opt_part("id").map(str::to_owned);
            let w = store.index_doc(index, id, source, op, occ(req)?)?;
            Ok((w.status(), w.body()))
        }
        "delete" => {
            let w = store.delete_doc(index, req.part("id"), occ(req)?)?;
            Ok((w.status(), w.body()))
        }
        "update" => {
            let spec = UpdateSpec::parse(&req.required_json()?)?;
            let w = store.update_doc(index, req.part("id"), &spec, occ(req)?)?;
            Ok((w.status(), w.body()))
        }
        other => Err(EsError::illegal_argument(format!(
            "unexpected document API [{other}]"
        ))),
    }
}
