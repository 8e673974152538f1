//! Reads and writes of the two system indices (spec §3.3, §3.8, §3.10): our connectors with
//! their sequence numbers, job searches, and the direct partial updates no API covers.

use es_client::{Connector, EsClient, EsError, Hit, SearchRequest, SeqNo, SyncJob};
use serde_json::{Value, json};

use crate::names::{CONNECTORS_INDEX, JOBS_INDEX};

/// Page size of system-index searches (the reference's).
const PAGE: u64 = 100;

/// A connector document with the sequence numbers needed to write it back under OCC.
#[derive(Debug, Clone)]
pub struct StoredConnector {
    /// `_id`.
    pub id: String,
    /// `_source`.
    pub doc: Connector,
    /// `_seq_no`/`_primary_term`, when returned.
    pub seq: Option<SeqNo>,
}

/// A sync job document with its id.
#[derive(Debug, Clone)]
pub struct StoredJob {
    /// `_id`.
    pub id: String,
    /// `_source`.
    pub doc: SyncJob,
}

/// All hits of `query` on `index`, paged with `from` until `hits.total` is reached. A missing
/// index (ES creates the system indices lazily, spec §10.15) is an empty result.
async fn search_all<T: serde::de::DeserializeOwned>(
    es: &EsClient,
    index: &str,
    query: Value,
    sort: Option<Value>,
) -> Result<Vec<Hit<T>>, EsError> {
    let mut out = Vec::new();
    loop {
        let request = SearchRequest {
            query: Some(query.clone()),
            sort: sort.clone(),
            from: Some(out.len() as u64),
            size: Some(PAGE),
            seq_no_primary_term: Some(true),
            ..SearchRequest::default()
        };
        let response = match es.search::<T>(index, &request).await {
            Ok(response) => response,
            Err(error) if error.is_not_found() => return Ok(out),
            Err(error) => return Err(error),
        };
        let total = response.hits.total.map(|t| t.value);
        let got = response.hits.hits.len();
        out.extend(response.hits.hits);
        let done = got == 0 || total.is_none_or(|total| out.len() as u64 >= total);
        if done {
            return Ok(out);
        }
    }
}

/// Our (not deleted) connectors (spec §3.3): those among `ids`, plus every self-managed
/// (`is_native: false`) connector whose `service_type` is in `worker_service_types` (worker
/// mode; empty otherwise).
pub async fn our_connectors(
    es: &EsClient,
    ids: &[String],
    worker_service_types: &[String],
) -> Result<Vec<StoredConnector>, EsError> {
    let listed = json!({"terms": {"_id": ids}});
    let owned = match (ids.is_empty(), worker_service_types.is_empty()) {
        (true, true) => return Ok(Vec::new()),
        (false, true) => listed,
        (listed_none, false) => {
            let discovered = json!({"bool": {"filter": [
                {"terms": {"service_type": worker_service_types}},
                {"term": {"is_native": false}},
            ]}});
            let mut should = vec![discovered];
            if !listed_none {
                should.push(listed);
            }
            json!({"bool": {"should": should, "minimum_should_match": 1}})
        }
    };
    let query = json!({"bool": {
        "must_not": [{"term": {"deleted": true}}],
        "filter": [owned],
    }});
    let hits = search_all::<Connector>(es, CONNECTORS_INDEX, query, None).await?;
    Ok(hits
        .into_iter()
        .filter_map(|hit| {
            let seq = hit.seq_no();
            hit.source.map(|doc| StoredConnector {
                id: hit.id,
                doc,
                seq,
            })
        })
        .collect())
}

/// Every connector id in the connectors index (cleanup's orphan check).
pub async fn all_connector_ids(es: &EsClient) -> Result<Vec<String>, EsError> {
    let hits = search_all::<Value>(es, CONNECTORS_INDEX, json!({"match_all": {}}), None).await?;
    Ok(hits.into_iter().map(|hit| hit.id).collect())
}

/// `GET /.elastic-connectors/_doc/{id}` with sequence numbers; `None` when missing.
pub async fn get_connector(es: &EsClient, id: &str) -> Result<Option<StoredConnector>, EsError> {
    let found = es.get_doc::<Connector>(CONNECTORS_INDEX, id).await?;
    Ok(found.map(|got| StoredConnector {
        id: got.id.clone(),
        seq: got.seq_no(),
        doc: got.source,
    }))
}

/// Direct partial update of a connector, optionally guarded by OCC.
pub async fn update_connector(
    es: &EsClient,
    id: &str,
    doc: &Value,
    seq: Option<SeqNo>,
) -> Result<(), EsError> {
    es.update_doc(CONNECTORS_INDEX, id, doc, seq)
        .await
        .map(|_| ())
}

/// Jobs matching `query`, oldest `created_at` first.
pub async fn search_jobs(es: &EsClient, query: Value) -> Result<Vec<StoredJob>, EsError> {
    let sort = json!([{"created_at": "asc"}]);
    let hits = search_all::<SyncJob>(es, JOBS_INDEX, query, Some(sort)).await?;
    Ok(hits
        .into_iter()
        .filter_map(|hit| hit.source.map(|doc| StoredJob { id: hit.id, doc }))
        .collect())
}

/// `GET /.elastic-connectors-sync-jobs/_doc/{id}`; `None` when missing.
pub async fn get_job(es: &EsClient, id: &str) -> Result<Option<StoredJob>, EsError> {
    let found = es.get_doc::<SyncJob>(JOBS_INDEX, id).await?;
    Ok(found.map(|got| StoredJob {
        id: got.id.clone(),
        doc: got.source,
    }))
}

/// Direct partial update of a job (terminal states have no API, spec §10.1).
pub async fn update_job(es: &EsClient, id: &str, doc: &Value) -> Result<(), EsError> {
    es.update_doc(JOBS_INDEX, id, doc, None).await.map(|_| ())
}
