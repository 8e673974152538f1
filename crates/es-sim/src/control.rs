//! The test control plane under `/_sim/` (never authenticated, faulted or logged):
//!
//! | route | effect |
//! |---|---|
//! | `GET /_sim/requests` / `DELETE /_sim/requests` | read / clear the request log |
//! | `POST /_sim/faults/bulk_rejections` `{"requests": n}` | 429 the next n `_bulk` requests |
//! | `POST /_sim/faults/bulk_item_rejections` `{"fraction": f}` | 429 this fraction of bulk items |
//! | `POST /_sim/faults/unavailable` `{"millis": n}` | 503 every ES request for n ms |
//! | `POST /_sim/faults/latency` `{"api": name, "millis": n}` | hold requests of REST API `name` n ms |
//! | `DELETE /_sim/faults` | clear all faults |
//! | `GET /_sim/indices` | concrete index names |
//! | `GET /_sim/indices/{index}/docs` | `{"docs": [{"_id", "_source"}]}` |
//! | `GET /_sim/indices/{index}/mapping` | the index mapping |

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::error::EsError;
use crate::state::EsSimState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkRejections {
    requests: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRejections {
    fraction: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Unavailable {
    millis: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    api: String,
    millis: u64,
}

fn missing(index: &str) -> Response {
    EsError::index_not_found(index).into_response()
}

/// The `/_sim` routes.
pub fn routes() -> Router<EsSimState> {
    Router::new()
        .route(
            "/_sim/requests",
            get(|State(s): State<EsSimState>| async move { Json(json!({"requests": s.requests()})) }).delete(|State(s): State<EsSimState>| async move {
                s.clear_requests();
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/_sim/faults/bulk_rejections",
            post(|State(s): State<EsSimState>, Json(b): Json<BulkRejections>| async move {
                s.reject_next_bulk_requests(b.requests);
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/_sim/faults/bulk_item_rejections",
            post(|State(s): State<EsSimState>, Json(b): Json<ItemRejections>| async move {
                s.reject_bulk_item_fraction(b.fraction);
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/_sim/faults/unavailable",
            post(|State(s): State<EsSimState>, Json(b): Json<Unavailable>| async move {
                s.make_unavailable_for(Duration::from_millis(b.millis));
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/_sim/faults/latency",
            post(|State(s): State<EsSimState>, Json(b): Json<Latency>| async move {
                s.delay_api(&b.api, Duration::from_millis(b.millis));
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/_sim/faults",
            axum::routing::delete(|State(s): State<EsSimState>| async move {
                s.clear_faults();
                StatusCode::NO_CONTENT
            }),
        )
        .route("/_sim/indices", get(|State(s): State<EsSimState>| async move { Json(json!({"indices": s.index_names()})) }))
        .route(
            "/_sim/indices/{index}/docs",
            get(|State(s): State<EsSimState>, Path(index): Path<String>| async move {
                match s.documents(&index) {
                    Some(docs) => {
                        let docs: Vec<_> = docs.into_iter().map(|(id, src)| json!({"_id": id, "_source": src})).collect();
                        Json(json!({"docs": docs})).into_response()
                    }
                    None => missing(&index),
                }
            }),
        )
        .route(
            "/_sim/indices/{index}/mapping",
            get(|State(s): State<EsSimState>, Path(index): Path<String>| async move {
                match s.mapping(&index) {
                    Some(m) => Json(m).into_response(),
                    None => missing(&index),
                }
            }),
        )
}
