//! `GET /`, documents: get, update (with `if_seq_no`/`if_primary_term`; 409 is
//! [`EsError::Conflict`]).

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
}
