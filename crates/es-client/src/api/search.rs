//! Search and scroll.

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::EsError;
use crate::transport::{Body, EsClient};
use crate::types::responses::{SearchRequest, SearchResponse};

fn keep_alive(duration: Duration) -> String {
    format!("{}s", duration.as_secs().max(1))
}

#[derive(Serialize)]
struct ScrollBody<'a> {
    scroll: String,
    scroll_id: &'a str,
}

#[derive(Serialize)]
struct ClearScrollBody<'a> {
    scroll_id: [&'a str; 1],
}

impl EsClient {
    /// `POST /{index}/_search?expand_wildcards=hidden` (so the hidden system indices match).
    pub async fn search<T: DeserializeOwned>(
        &self,
        index: &str,
        request: &SearchRequest,
    ) -> Result<SearchResponse<T>, EsError> {
        let url = self.url(
            &[index, "_search"],
            &[("expand_wildcards", "hidden".into())],
        );
        self.call(Method::POST, url, Body::json(request)).await
    }

    /// Opens a scroll: `POST /{index}/_search?scroll=<keep_alive>`.
    pub async fn scroll_start<T: DeserializeOwned>(
        &self,
        index: &str,
        request: &SearchRequest,
        keep: Duration,
    ) -> Result<SearchResponse<T>, EsError> {
        let url = self.url(&[index, "_search"], &[("scroll", keep_alive(keep))]);
        self.call(Method::POST, url, Body::json(request)).await
    }

    /// Next page: `POST /_search/scroll`.
    pub async fn scroll_next<T: DeserializeOwned>(
        &self,
        scroll_id: &str,
        keep: Duration,
    ) -> Result<SearchResponse<T>, EsError> {
        let body = ScrollBody {
            scroll: keep_alive(keep),
            scroll_id,
        };
        self.call(
            Method::POST,
            self.url(&["_search", "scroll"], &[]),
            Body::json(&body),
        )
        .await
    }

    /// `DELETE /_search/scroll`; a scroll that already expired is not an error.
    pub async fn clear_scroll(&self, scroll_id: &str) -> Result<(), EsError> {
        let body = ClearScrollBody {
            scroll_id: [scroll_id],
        };
        let reply = self
            .send(
                Method::DELETE,
                self.url(&["_search", "scroll"], &[]),
                Body::json(&body),
            )
            .await?;
        if reply.status.as_u16() == 404 {
            return Ok(());
        }
        reply.ok().map(|_| ())
    }
}
