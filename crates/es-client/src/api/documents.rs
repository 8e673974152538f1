//! `GET /`, documents: get, index, update (with `if_seq_no`/`if_primary_term`; 409 is
//! [`EsError::Conflict`]).

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::responses::{GetResponse, InfoResponse, SeqNo, WriteResponse};

fn occ_query(occ: Option<SeqNo>) -> Vec<(&'static str, String)> {
    match occ {
        Some(occ) => vec![
            ("if_seq_no", occ.seq_no.to_string()),
            ("if_primary_term", occ.primary_term.to_string()),
        ],
        None => Vec::new(),
    }
}

#[derive(Serialize)]
struct PartialDoc<'a, T: Serialize> {
    doc: &'a T,
}

impl EsClient {
    /// `GET /`: cluster info and version.
    pub async fn info(&self) -> Result<InfoResponse, EsError> {
        self.call(Method::GET, self.url(&[], &[]), Body::Empty)
            .await
    }

    /// `GET /{index}/_doc/{id}`; `None` when the document (or index) is missing.
    pub async fn get_doc<T: DeserializeOwned>(
        &self,
        index: &str,
        id: &str,
    ) -> Result<Option<GetResponse<T>>, EsError> {
        let reply = self
            .send(
                Method::GET,
                self.url(&[index, "_doc", id], &[]),
                Body::Empty,
            )
            .await?;
        if reply.status.as_u16() == 404 {
            return Ok(None);
        }
        reply.decode().map(Some)
    }

    /// `PUT /{index}/_doc/{id}` (or `POST /{index}/_doc` without an id), optionally guarded.
    pub async fn index_doc<T: Serialize + ?Sized>(
        &self,
        index: &str,
        id: Option<&str>,
        doc: &T,
        occ: Option<SeqNo>,
    ) -> Result<WriteResponse, EsError> {
        let query = occ_query(occ);
        let (method, url) = match id {
            Some(id) => (Method::PUT, self.url(&[index, "_doc", id], &query)),
            None => (Method::POST, self.url(&[index, "_doc"], &query)),
        };
        self.call(method, url, Body::json(doc)).await
    }

    /// `POST /{index}/_update/{id}` with `{"doc": partial}` (objects merge recursively),
    /// optionally guarded; a stale guard is [`EsError::Conflict`].
    pub async fn update_doc<T: Serialize>(
        &self,
        index: &str,
        id: &str,
        partial: &T,
        occ: Option<SeqNo>,
    ) -> Result<WriteResponse, EsError> {
        let url = self.url(&[index, "_update", id], &occ_query(occ));
        self.call(Method::POST, url, Body::json(&PartialDoc { doc: partial }))
            .await
    }

    /// `DELETE /{index}/_doc/{id}`; `false` when it was not there.
    pub async fn delete_doc(&self, index: &str, id: &str) -> Result<bool, EsError> {
        let reply = self
            .send(
                Method::DELETE,
                self.url(&[index, "_doc", id], &[]),
                Body::Empty,
            )
            .await?;
        if reply.status.as_u16() == 404 {
            return Ok(false);
        }
        reply.ok().map(|_| true)
    }

    /// Raw JSON request for the rare call without a typed method (`body` already serialized).
    pub async fn raw_json(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<Bytes>,
    ) -> Result<serde_json::Value, EsError> {
        let body = body.map_or(Body::Empty, Body::Json);
        self.call(method, self.url(segments, query), body).await
    }
}
